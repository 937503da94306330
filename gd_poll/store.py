"""The class poll's storage: start a poll, answer it, count, reveal, close, purge.

Every operation is one transaction and checks its inputs first, so a page can pass through whatever a
student typed and show the :class:`~gd_poll.errors.PollError` it gets back. The answer cap holds under
concurrent writers from any number of processes because the check and the insert share a transaction
that owns the poll: on SQLite the write lock (``BEGIN IMMEDIATE``), on PostgreSQL the poll's row lock
(``SELECT … FOR UPDATE``), which serialises answers to one poll and lets different polls run side by side.

Time comes from ``now`` arguments or the store's ``clock``, never from a hidden call, so tests can move
a poll past its 24 hours without waiting.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from gd_poll.classes import ClassStore
from gd_poll.codes import check_owner, check_voter, hash_secret, new_code, new_owner_secret, normalize_code
from gd_poll.db import Database, Tx, open_database
from gd_poll.errors import PollClosed, PollExpired, PollFull, PollNotFound, StoreUnavailable
from gd_poll.migrations import migrate
from gd_poll.questions import ANSWERS, check_answer, question_json, validate_question

LIFETIME = timedelta(hours=24)
PURGE_GRACE = timedelta(hours=1)  # an expired poll still says "expired" (not "not found") for a while
MAX_ANSWERS = 500
_CODE_ATTEMPTS = 8  # a collision needs ~1 in 10⁶ odds even with 1,000 live polls; 8 in a row never happens

_POLL = ("SELECT question, owner_hash, created_at, expires_at, revealed_at, closed_at "
         "FROM polls WHERE code = ?")
_UPSERT = ("INSERT INTO answers (poll_code, voter_id, answer, updated_at) VALUES (?, ?, ?, ?) "
           "ON CONFLICT (poll_code, voter_id) DO UPDATE SET answer = excluded.answer, "
           "updated_at = excluded.updated_at")
_REVEAL = "UPDATE polls SET revealed_at = ? WHERE code = ? AND revealed_at IS NULL"
_CLOSE = "UPDATE polls SET closed_at = ? WHERE code = ? AND closed_at IS NULL"


def _utc(stamp: float | None) -> datetime | None:
    return None if stamp is None else datetime.fromtimestamp(stamp, UTC)


def utc_now() -> datetime:
    """The default clock: the current time, timezone-aware (UTC)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Poll:
    """A poll as read at one moment.

    ``question`` is the validated run (a fresh dict: changing it changes nothing stored); ``counts``
    has every key of :data:`~gd_poll.ANSWERS`, in that order, zeros included. Times are UTC.
    """

    code: str
    question: dict
    created_at: datetime
    expires_at: datetime
    revealed_at: datetime | None
    closed_at: datetime | None
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def revealed(self) -> bool:
        return self.revealed_at is not None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    @property
    def accepting(self) -> bool:
        """True while students may still answer (neither revealed nor closed; expiry raises instead)."""
        return not self.revealed and not self.closed


class Store:
    """Polls in one database; safe to share between threads (one per process, e.g. ``st.cache_resource``).

    Parameters
    ----------
    db : Database
        From :func:`gd_poll.db.open_database`; :func:`open_store` builds both and migrates.
    clock : callable, optional
        Returns the current time as a timezone-aware ``datetime``; :func:`utc_now` by default.
    """

    def __init__(self, db: Database, *, clock: Callable[[], datetime] = utc_now):
        self._db = db
        self._clock = clock
        self.classes = ClassStore(db, self._stamp)  # classes following a lesson (gd_poll.classes)

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgres"``."""
        return self._db.dialect

    def migrate(self) -> int:
        """Apply missing schema migrations; return the schema version (see :mod:`gd_poll.migrations`)."""
        return migrate(self._db)

    def disconnect(self) -> None:
        """Close pooled connections (named so, since :meth:`close` closes a poll)."""
        self._db.disconnect()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.disconnect()

    def _stamp(self, now: datetime | None) -> float:
        moment = self._clock() if now is None else now
        if not isinstance(moment, datetime) or moment.tzinfo is None:
            raise TypeError("now (and the clock) must give a timezone-aware datetime")
        return moment.timestamp()

    def start(self, question: dict, *, now: datetime | None = None) -> tuple[str, str]:
        """Open a poll on ``question`` (see :func:`~gd_poll.validate_question`) for 24 hours.

        Returns
        -------
        code : str
            Six characters of :data:`~gd_poll.ALPHABET`, for the URL (``?poll=CODE``) and the projector.
        owner_secret : str
            Keep it in the teacher's session only: :meth:`reveal` and :meth:`close` need it. The database
            keeps only its hash.

        Also purges polls that expired more than :data:`PURGE_GRACE` ago, so the database stays small even
        if nothing else calls :meth:`purge_expired`.
        """
        text = question_json(validate_question(question))
        stamp = self._stamp(now)
        secret = new_owner_secret()

        def work(tx: Tx) -> str:
            self._purge(tx, stamp)
            for _ in range(_CODE_ATTEMPTS):
                code = new_code()
                inserted = tx.run("INSERT INTO polls (code, question, owner_hash, created_at, expires_at) "
                                  "VALUES (?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING",
                                  (code, text, hash_secret(secret), stamp, stamp + LIFETIME.total_seconds()))
                if inserted == 1:
                    return code
            raise StoreUnavailable("No free poll code was found. Try again.")

        return self._db.run(work, write=True), secret

    def get(self, code: str, *, now: datetime | None = None) -> Poll:
        """The poll ``code`` (typed by a person: spaces, hyphens and case do not matter) with its counts.

        Raises
        ------
        PollNotFound, PollExpired
        """
        code, stamp = normalize_code(code), self._stamp(now)

        def work(tx: Tx) -> Poll:
            question, _, created, expires, revealed, closed = self._live(tx, code, stamp)
            return Poll(code, json.loads(question), _utc(created), _utc(expires), _utc(revealed),
                        _utc(closed), self._counts(tx, code))

        return self._db.run(work, write=False)

    def counts(self, code: str, *, now: datetime | None = None) -> dict[str, int]:
        """Answers so far per key of :data:`~gd_poll.ANSWERS` (all four keys; ``sum`` gives the total)."""
        return self.get(code, now=now).counts

    def answer(self, code: str, voter_id: str, answer: str, *, now: datetime | None = None) -> None:
        """Record ``voter_id``'s ``answer`` (a key of :data:`~gd_poll.ANSWERS`); a later one replaces it.

        Raises
        ------
        PollNotFound, PollExpired, PollClosed
            No such poll, older than 24 h, or revealed or closed.
        PollFull
            A new voter when :data:`MAX_ANSWERS` voters have answered (a known voter may still change).
        BadVoter, BadAnswer
        """
        code, voter, choice = normalize_code(code), check_voter(voter_id), check_answer(answer)
        stamp = self._stamp(now)

        def work(tx: Tx) -> None:
            *_, revealed, closed = self._live(tx, code, stamp, lock=True)
            if closed is not None:
                raise PollClosed("This poll is closed.")
            if revealed is not None:
                raise PollClosed("The answer has been revealed: this poll takes no more answers.")
            known = tx.one("SELECT 1 FROM answers WHERE poll_code = ? AND voter_id = ?", (code, voter))
            if known is None:
                (count,) = tx.one("SELECT COUNT(*) FROM answers WHERE poll_code = ?", (code,))
                if count >= MAX_ANSWERS:
                    raise PollFull(f"This poll already has {MAX_ANSWERS} answers, its limit.")
            tx.run(_UPSERT, (code, voter, choice, stamp))

        self._db.run(work, write=True)

    def reveal(self, code: str, owner_secret: str, *, now: datetime | None = None) -> None:
        """Stop taking answers and let the pages show the result. Needs the secret from :meth:`start`.

        Raises
        ------
        PollNotFound, PollExpired, NotOwner
        """
        self._owner_update(_REVEAL, code, owner_secret, now)

    def close(self, code: str, owner_secret: str, *, now: datetime | None = None) -> None:
        """End the poll (it stays readable until it expires). Needs the secret from :meth:`start`.

        Raises
        ------
        PollNotFound, PollExpired, NotOwner
        """
        self._owner_update(_CLOSE, code, owner_secret, now)

    def purge_expired(self, now: datetime | None = None) -> int:
        """Delete the polls (and their answers) that expired more than :data:`PURGE_GRACE` ago.

        Returns the number of polls deleted.
        """
        stamp = self._stamp(now)
        return self._db.run(lambda tx: self._purge(tx, stamp), write=True)

    def _owner_update(self, sql: str, code: str, owner_secret: str, now: datetime | None) -> None:
        code, stamp = normalize_code(code), self._stamp(now)

        def work(tx: Tx) -> None:
            _, owner_hash, *_ = self._live(tx, code, stamp, lock=True)
            check_owner(owner_secret, owner_hash)
            tx.run(sql, (stamp, code))  # idempotent: the first reveal (or close) keeps its time

        self._db.run(work, write=True)

    @staticmethod
    def _live(tx: Tx, code: str, stamp: float, *, lock: bool = False) -> tuple:
        row = tx.one(_POLL + (tx.for_update if lock else ""), (code,))
        if row is None:
            raise PollNotFound(f"There is no poll with the code {code}. Check it and try again.")
        if stamp >= row[3]:
            raise PollExpired(f"Poll {code} has expired: polls last {LIFETIME // timedelta(hours=1)} hours.")
        return row

    @staticmethod
    def _counts(tx: Tx, code: str) -> dict[str, int]:
        counts = dict.fromkeys(ANSWERS, 0)
        rows = tx.all("SELECT answer, COUNT(*) FROM answers WHERE poll_code = ? GROUP BY answer", (code,))
        for answer, count in rows:
            counts[answer] = int(count)
        return counts

    @staticmethod
    def _purge(tx: Tx, stamp: float) -> int:
        cutoff = stamp - PURGE_GRACE.total_seconds()
        tx.run("DELETE FROM answers WHERE poll_code IN (SELECT code FROM polls WHERE expires_at < ?)",
               (cutoff,))
        return tx.run("DELETE FROM polls WHERE expires_at < ?", (cutoff,))


def open_store(url: str | None = None, *, clock: Callable[[], datetime] = utc_now) -> Store:
    """The poll store, migrated and ready.

    Parameters
    ----------
    url : str, optional
        ``postgresql://…`` (or ``postgres://…``) for PostgreSQL, else a SQLite file path. Defaults to the
        environment variable ``DESCENT_LAB_DB``, else ``polls.sqlite3`` in the user's data directory
        (see :func:`gd_poll.db.default_path`); the file and its directories are created on first use.
    clock : callable, optional
        The current time (timezone-aware); tests pass a fake one.

    Raises
    ------
    StoreUnavailable
        The database cannot be reached, or its schema is newer than this code.
    ValueError
        ``url`` is neither a PostgreSQL URL nor a file path.
    """
    store = Store(open_database(url), clock=clock)
    store.migrate()
    return store
