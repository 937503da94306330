"""The schema, as numbered migrations applied in order, each exactly once.

``schema_version`` records every migration applied (its number and when). :func:`migrate` applies the
missing ones in a single transaction, so a database is always at some exact version. Several worker
processes starting at once must not both create the tables: on SQLite the transaction starts with
``BEGIN IMMEDIATE`` (one writer at a time); on PostgreSQL, where ``CREATE TABLE IF NOT EXISTS`` is
not safe against a concurrent twin, the transaction first takes an advisory lock. The later process
then finds the work done.

A migration is never edited once released; a change is a new migration appended to :data:`MIGRATIONS`.
The SQL is portable (``DOUBLE PRECISION`` is SQLite's REAL); a step that cannot be may give one text
per dialect, ``{"sqlite": …, "postgres": …}``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

from gd_poll.db import Database, Tx
from gd_poll.errors import StoreUnavailable

# pg_advisory_xact_lock key: any constant 64-bit number, the same in every process of this app.
LOCK_KEY = 0x6764_706F_6C6C_0001  # "gdpoll", 1

_VERSIONS = """CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    applied_at DOUBLE PRECISION NOT NULL
)"""


@dataclass(frozen=True)
class Migration:
    version: int
    why: str
    steps: tuple[str | Mapping[str, str], ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "polls and their answers", (
        # Times are seconds since the epoch (UTC): portable, and compared as plain numbers.
        """CREATE TABLE polls (
            code TEXT PRIMARY KEY,
            question TEXT NOT NULL,
            owner_hash TEXT NOT NULL,
            created_at DOUBLE PRECISION NOT NULL,
            expires_at DOUBLE PRECISION NOT NULL,
            revealed_at DOUBLE PRECISION,
            closed_at DOUBLE PRECISION
        )""",
        "CREATE INDEX polls_expires_at ON polls (expires_at)",
        # One row per (poll, voter): a changed answer replaces the earlier one.
        """CREATE TABLE answers (
            poll_code TEXT NOT NULL REFERENCES polls (code) ON DELETE CASCADE,
            voter_id TEXT NOT NULL,
            answer TEXT NOT NULL CHECK (answer IN ('crawl', 'converge', 'oscillate', 'diverge')),
            updated_at DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (poll_code, voter_id)
        )""",
    )),
    Migration(2, "classes following a lesson: members, votes per step, reveals, scenes, rate limits", (
        # ``lesson``: the steps as JSON (titles, questions, right answers: see gd_poll.classes);
        # ``rev`` grows with every teacher action, so a follower sees a change by one number.
        """CREATE TABLE classes (
            code TEXT PRIMARY KEY,
            owner_hash TEXT NOT NULL,
            lesson TEXT NOT NULL,
            step INTEGER NOT NULL DEFAULT 0,
            paused INTEGER NOT NULL DEFAULT 0,
            joining_open INTEGER NOT NULL DEFAULT 1,
            cap INTEGER NOT NULL,
            rev INTEGER NOT NULL DEFAULT 0,
            created_at DOUBLE PRECISION NOT NULL,
            expires_at DOUBLE PRECISION NOT NULL,
            ended_at DOUBLE PRECISION
        )""",
        "CREATE INDEX classes_expires_at ON classes (expires_at)",
        """CREATE TABLE class_members (
            class_code TEXT NOT NULL REFERENCES classes (code) ON DELETE CASCADE,
            token TEXT NOT NULL,
            joined_at DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (class_code, token)
        )""",
        """CREATE TABLE class_reveals (
            class_code TEXT NOT NULL REFERENCES classes (code) ON DELETE CASCADE,
            step INTEGER NOT NULL,
            revealed_at DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (class_code, step)
        )""",
        # One row per (class, step, browser): a changed answer replaces the earlier one.
        """CREATE TABLE class_votes (
            class_code TEXT NOT NULL REFERENCES classes (code) ON DELETE CASCADE,
            step INTEGER NOT NULL,
            token TEXT NOT NULL,
            answer TEXT NOT NULL CHECK (answer IN ('crawl', 'converge', 'oscillate', 'diverge')),
            updated_at DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (class_code, step, token)
        )""",
        # What a phone needs to draw a step (the finished run's scene), for uploads too.
        """CREATE TABLE class_scenes (
            class_code TEXT NOT NULL REFERENCES classes (code) ON DELETE CASCADE,
            step INTEGER NOT NULL,
            payload TEXT NOT NULL,
            PRIMARY KEY (class_code, step)
        )""",
        """CREATE TABLE rate_buckets (
            bucket TEXT PRIMARY KEY,
            tokens DOUBLE PRECISION NOT NULL,
            updated_at DOUBLE PRECISION NOT NULL
        )""",
        "CREATE INDEX rate_buckets_updated_at ON rate_buckets (updated_at)",
    )),
)
LATEST = MIGRATIONS[-1].version


def _sql(step: str | Mapping[str, str], dialect: str) -> str:
    return step if isinstance(step, str) else step[dialect]


def migrate(db: Database) -> int:
    """Bring ``db`` to :data:`LATEST` and return that version (a no-op when it is there already).

    Raises
    ------
    StoreUnavailable
        When the database records a newer version than this code knows (an older app on a newer
        database): nothing is changed.
    """

    def work(tx: Tx) -> int:
        if tx.dialect == "postgres":
            tx.one("SELECT pg_advisory_xact_lock(?::bigint)", (LOCK_KEY,))
        tx.run(_VERSIONS)
        current = tx.one("SELECT COALESCE(MAX(version), 0) FROM schema_version")[0]
        if current > LATEST:
            raise StoreUnavailable(f"The poll database has schema version {current}, newer than this "
                                   f"Descent Lab knows ({LATEST}). Upgrade the app.")
        for migration in MIGRATIONS:
            if migration.version > current:
                for step in migration.steps:
                    tx.run(_sql(step, tx.dialect))
                tx.run("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                       (migration.version, time.time()))
        return LATEST

    return db.run(work, write=True)
