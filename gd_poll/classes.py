"""A class following a lesson: one code for the whole lesson, the teacher's step, reveals, one vote per
browser per question, pause, joining open or closed, a size cap, rate limits, results as CSV.

Every operation is one transaction. The teacher's actions need the owner secret (the database keeps
only its hash); students are known by a random browser token their browser keeps (never by address).
A vote is for a step: it counts only while that step is the current one and not yet revealed, and a
browser's later vote replaces its earlier one. The class row is locked (``FOR UPDATE`` on PostgreSQL,
the write lock on SQLite) by every write, so the cap and the "current step" check hold across workers.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta

from gd_poll import limits
from gd_poll.codes import check_owner, check_voter, hash_secret, new_code, new_owner_secret, normalize_code
from gd_poll.db import Database, Tx
from gd_poll.errors import (
    BadQuestion,
    ClassEnded,
    JoiningClosed,
    NotOwner,
    PollExpired,
    PollFull,
    PollNotFound,
    StepLocked,
    StoreUnavailable,
)
from gd_poll.followed import ClassView, check_lesson
from gd_poll.questions import ANSWERS, check_answer

LIFETIME = timedelta(hours=24)
PURGE_GRACE = timedelta(hours=1)
DEFAULT_CAP = 300
MAX_CAP = 5000
MAX_SCENE_BYTES = 2 * 1024 * 1024
_CODE_ATTEMPTS = 8
_CLASS = ("SELECT owner_hash, lesson, step, paused, joining_open, cap, rev, created_at, expires_at, "
          "ended_at FROM classes WHERE code = ?")
_VOTE = ("INSERT INTO class_votes (class_code, step, token, answer, updated_at) VALUES (?, ?, ?, ?, ?) "
         "ON CONFLICT (class_code, step, token) DO UPDATE SET answer = excluded.answer, "
         "updated_at = excluded.updated_at")


class ClassStore:
    """Classes in one database (shares the poll store's pool and migrations: ``Store.classes``)."""

    def __init__(self, db: Database, stamp):
        self._db = db
        self._stamp = stamp  # datetime | None → seconds since the epoch (the poll store's clock)

    # --- the teacher --------------------------------------------------------------------------------

    def start(self, lesson: dict, *, client: str = "", cap: int = DEFAULT_CAP,
              lifetime: timedelta = LIFETIME, now: datetime | None = None) -> tuple[str, str]:
        """Open a class on ``lesson`` at step 0; returns (code, owner secret). Rate-limited per address."""
        text = check_lesson(lesson)
        if not isinstance(cap, int) or not 1 <= cap <= MAX_CAP:
            raise BadQuestion(f"A class holds 1 to {MAX_CAP:,} students.")
        stamp, secret = self._stamp(now), new_owner_secret()

        def work(tx: Tx) -> str:
            limits.take(tx, limits.START_PER_ADDRESS, client, stamp)
            self._purge(tx, stamp)
            for _ in range(_CODE_ATTEMPTS):
                code = new_code()
                if tx.one("SELECT 1 FROM polls WHERE code = ?", (code,)):
                    continue  # one code space for polls and classes: a typed code finds one thing
                inserted = tx.run("INSERT INTO classes (code, owner_hash, lesson, cap, created_at, "
                                  "expires_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING",
                                  (code, hash_secret(secret), text, cap, stamp,
                                   stamp + lifetime.total_seconds()))
                if inserted == 1:
                    return code
            raise StoreUnavailable("No free class code was found. Try again.")

        return self._db.run(work, write=True), secret

    def allow_start(self, client: str = "", *, now: datetime | None = None) -> None:
        """Take a start token for ``client`` (the class poll's Start shares the classes' limit)."""
        stamp = self._stamp(now)
        self._db.run(lambda tx: limits.take(tx, limits.START_PER_ADDRESS, client, stamp), write=True)

    def go_to(self, code: str, secret: str, step: int, *, now: datetime | None = None) -> None:
        """Make ``step`` (0-based) current: every phone follows; the step left takes no more answers."""
        def change(tx: Tx, row: tuple, code: str, stamp: float) -> None:
            n = len(json.loads(row[1])["steps"])
            if not isinstance(step, int) or not 0 <= step < n:
                raise BadQuestion(f"This lesson has steps 1 to {n}.")
            tx.run("UPDATE classes SET step = ?, rev = rev + 1 WHERE code = ?", (step, code))

        self._teacher(code, secret, now, change)

    def reveal(self, code: str, secret: str, *, now: datetime | None = None) -> None:
        """Reveal the current step: its answers lock, phones show the result (idempotent)."""
        def change(tx: Tx, row: tuple, code: str, stamp: float) -> None:
            tx.run("INSERT INTO class_reveals (class_code, step, revealed_at) VALUES (?, ?, ?) "
                   "ON CONFLICT (class_code, step) DO NOTHING", (code, row[2], stamp))
            tx.run("UPDATE classes SET rev = rev + 1 WHERE code = ?", (code,))

        self._teacher(code, secret, now, change)

    def reset(self, code: str, secret: str, *, now: datetime | None = None) -> None:
        """Ask the current step's question afresh: its votes and its reveal are deleted."""
        def change(tx: Tx, row: tuple, code: str, stamp: float) -> None:
            tx.run("DELETE FROM class_votes WHERE class_code = ? AND step = ?", (code, row[2]))
            tx.run("DELETE FROM class_reveals WHERE class_code = ? AND step = ?", (code, row[2]))
            tx.run("UPDATE classes SET rev = rev + 1 WHERE code = ?", (code,))

        self._teacher(code, secret, now, change)

    def pause(self, code: str, secret: str, paused: bool, *, now: datetime | None = None) -> None:
        """Paused: phones show "Eyes on the screen" (answers already sent stay)."""
        self._flag(code, secret, "paused", paused, now)

    def set_joining(self, code: str, secret: str, open_: bool, *, now: datetime | None = None) -> None:
        """Closed: new browsers cannot join; joined ones carry on."""
        self._flag(code, secret, "joining_open", open_, now)

    def end(self, code: str, secret: str, *, now: datetime | None = None) -> None:
        """End the class: no more answers; it stays readable (and its results downloadable) until expiry."""
        def change(tx: Tx, row: tuple, code: str, stamp: float) -> None:
            tx.run("UPDATE classes SET ended_at = ?, rev = rev + 1 WHERE code = ? AND ended_at IS NULL",
                   (stamp, code))

        self._teacher(code, secret, now, change, ended_ok=True)

    def put_scene(self, code: str, secret: str, step: int, payload: str, *,
                  now: datetime | None = None) -> None:
        """Keep what phones need to draw ``step`` (a JSON text, at most 2 MB)."""
        if not isinstance(payload, str) or len(payload.encode("utf-8")) > MAX_SCENE_BYTES:
            raise BadQuestion(f"A step's chart must be JSON text of at most {MAX_SCENE_BYTES:,} bytes.")

        def change(tx: Tx, row: tuple, code: str, stamp: float) -> None:
            tx.run("INSERT INTO class_scenes (class_code, step, payload) VALUES (?, ?, ?) ON CONFLICT "
                   "(class_code, step) DO UPDATE SET payload = excluded.payload", (code, step, payload))

        self._teacher(code, secret, now, change)

    def is_teacher(self, code: str, secret: object, *, now: datetime | None = None) -> bool:
        """True when ``secret`` controls the live class ``code`` (False for a wrong secret)."""
        code, stamp = normalize_code(code), self._stamp(now)

        def work(tx: Tx) -> bool:
            row = self._live(tx, code, stamp)
            try:
                check_owner(secret, row[0])
            except NotOwner:
                return False
            return True

        return self._db.run(work, write=False)

    def results_csv(self, code: str, secret: str, *, now: datetime | None = None) -> str:
        """Per question step: its title, the right answer, the count of each answer, the total (CSV)."""
        code, stamp = normalize_code(code), self._stamp(now)

        def work(tx: Tx) -> str:
            row = self._live(tx, code, stamp, expired_ok=True)
            check_owner(secret, row[0])
            steps = json.loads(row[1])["steps"]
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(["step", "title", "right answer", *ANSWERS.values(), "total", "revealed"])
            revealed = {s for (s,) in tx.all("SELECT step FROM class_reveals WHERE class_code = ?", (code,))}
            for i, step in enumerate(steps):
                if not step["question"]:
                    continue
                counts = self._counts(tx, code, i)
                title = step["title"]
                safe = "'" + title if title[:1] in "=+-@" else title  # no formula in a spreadsheet
                writer.writerow([i + 1, safe, ANSWERS[step["answer"]], *counts.values(),
                                 sum(counts.values()), "yes" if i in revealed else "no"])
            return out.getvalue()

        return self._db.run(work, write=False)

    # --- the students -------------------------------------------------------------------------------

    def view(self, code: str, *, now: datetime | None = None) -> ClassView:
        """The class as every follower sees it. Raises PollNotFound, PollExpired."""
        code, stamp = normalize_code(code), self._stamp(now)

        def work(tx: Tx) -> ClassView:
            _, lesson, step, paused, joining, cap, rev, created, expires, ended = self._live(tx, code, stamp)
            revealed = frozenset(s for (s,) in tx.all(
                "SELECT step FROM class_reveals WHERE class_code = ?", (code,)))
            (joined,) = tx.one("SELECT COUNT(*) FROM class_members WHERE class_code = ?", (code,))
            return ClassView(code, json.loads(lesson), int(step), bool(paused), bool(joining), int(cap),
                             int(rev), created, expires, ended is not None, revealed, int(joined),
                             self._counts(tx, code, int(step)))

        return self._db.run(work, write=False)

    def scene(self, code: str, step: int, *, now: datetime | None = None) -> str | None:
        """The stored chart of ``step`` (JSON text), or None."""
        code, stamp = normalize_code(code), self._stamp(now)

        def work(tx: Tx) -> str | None:
            self._live(tx, code, stamp)
            row = tx.one("SELECT payload FROM class_scenes WHERE class_code = ? AND step = ?", (code, step))
            return row[0] if row else None

        return self._db.run(work, write=False)

    def join(self, code: str, token: str, *, client: str = "", now: datetime | None = None) -> bool:
        """Let browser ``token`` take part; True if it is new. A known browser (a reload) always may and
        costs nothing; a new one takes a join token per address and per browser, and needs joining open
        and room under the cap. Raises RateLimited, JoiningClosed, PollFull, ClassEnded, …"""
        code, token, stamp = normalize_code(code), check_voter(token), self._stamp(now)

        def work(tx: Tx) -> bool:
            row = self._live(tx, code, stamp, lock=True)
            if tx.one("SELECT 1 FROM class_members WHERE class_code = ? AND token = ?", (code, token)):
                return False
            if row[9] is not None:
                raise ClassEnded("This class has ended.")
            if not row[4]:
                raise JoiningClosed("The teacher has closed joining for this class.")
            (n,) = tx.one("SELECT COUNT(*) FROM class_members WHERE class_code = ?", (code,))
            if n >= row[5]:
                raise PollFull(f"This class is full: it holds {row[5]:,} students. Ask the teacher.")
            limits.take(tx, limits.JOIN_PER_ADDRESS, "addr:" + client, stamp)
            limits.take(tx, limits.JOIN_PER_TOKEN, "tok:" + token, stamp)
            tx.run("INSERT INTO class_members (class_code, token, joined_at) VALUES (?, ?, ?)",
                   (code, token, stamp))
            return True

        return self._db.run(work, write=True)

    def vote(self, code: str, token: str, step: int, answer: str, *, client: str = "",
             now: datetime | None = None) -> None:
        """Browser ``token``'s answer to ``step``; a later one replaces it. Only joined browsers, only
        while ``step`` is current and unrevealed. Raises StepLocked, ClassEnded, RateLimited, NotOwner…"""
        code, token, choice = normalize_code(code), check_voter(token), check_answer(answer)
        stamp = self._stamp(now)

        def work(tx: Tx) -> None:
            row = self._live(tx, code, stamp, lock=True)
            if row[9] is not None:
                raise ClassEnded("This class has ended.")
            if not tx.one("SELECT 1 FROM class_members WHERE class_code = ? AND token = ?", (code, token)):
                raise JoiningClosed("This browser has not joined the class. Reload the page to join.")
            steps = json.loads(row[1])["steps"]
            if step != row[2] or not steps[row[2]]["question"]:
                raise StepLocked("The teacher has moved on: this question takes no more answers.")
            if tx.one("SELECT 1 FROM class_reveals WHERE class_code = ? AND step = ?", (code, step)):
                raise StepLocked("The answer has been revealed: this question takes no more answers.")
            limits.take(tx, limits.VOTE_PER_TOKEN, "tok:" + token, stamp)
            limits.take(tx, limits.VOTE_PER_ADDRESS, "addr:" + client, stamp)
            tx.run(_VOTE, (code, step, token, choice, stamp))

        self._db.run(work, write=True)

    def my_vote(self, code: str, token: str, step: int) -> str | None:
        """What browser ``token`` answered to ``step`` (None: nothing yet)."""
        code, token = normalize_code(code), check_voter(token)
        row = self._db.run(lambda tx: tx.one("SELECT answer FROM class_votes WHERE class_code = ? AND "
                                             "step = ? AND token = ?", (code, step, token)), write=False)
        return row[0] if row else None

    def purge_expired(self, now: datetime | None = None) -> int:
        """Delete classes expired more than :data:`PURGE_GRACE` ago (with everything theirs) and stale
        rate buckets; returns the number of classes deleted."""
        stamp = self._stamp(now)
        return self._db.run(lambda tx: self._purge(tx, stamp), write=True)

    # --- inside -------------------------------------------------------------------------------------

    def _flag(self, code: str, secret: str, column: str, value: bool, now) -> None:
        def change(tx: Tx, row: tuple, code: str, stamp: float) -> None:
            tx.run(f"UPDATE classes SET {column} = ?, rev = rev + 1 WHERE code = ?", (int(bool(value)), code))

        self._teacher(code, secret, now, change)

    def _teacher(self, code: str, secret: str, now, change, *, ended_ok: bool = False) -> None:
        code, stamp = normalize_code(code), self._stamp(now)

        def work(tx: Tx) -> None:
            row = self._live(tx, code, stamp, lock=True)
            check_owner(secret, row[0])
            if row[9] is not None and not ended_ok:
                raise ClassEnded("This class has ended.")
            change(tx, row, code, stamp)

        self._db.run(work, write=True)

    @staticmethod
    def _live(tx: Tx, code: str, stamp: float, *, lock: bool = False, expired_ok: bool = False) -> tuple:
        row = tx.one(_CLASS + (tx.for_update if lock else ""), (code,))
        if row is None:
            raise PollNotFound(f"There is no class with the code {code}. Check it and try again.")
        if stamp >= row[8] and not expired_ok:
            raise PollExpired(f"Class {code} has expired.")
        return row

    @staticmethod
    def _counts(tx: Tx, code: str, step: int) -> dict[str, int]:
        counts = dict.fromkeys(ANSWERS, 0)
        for answer, n in tx.all("SELECT answer, COUNT(*) FROM class_votes WHERE class_code = ? AND step = ? "
                                "GROUP BY answer", (code, step)):
            counts[answer] = int(n)
        return counts

    @staticmethod
    def _purge(tx: Tx, stamp: float) -> int:
        cutoff = stamp - PURGE_GRACE.total_seconds()
        old = "(SELECT code FROM classes WHERE expires_at < ?)"
        for table in ("class_votes", "class_reveals", "class_members", "class_scenes"):
            tx.run(f"DELETE FROM {table} WHERE class_code IN {old}", (cutoff,))
        limits.purge(tx, stamp)
        return tx.run("DELETE FROM classes WHERE expires_at < ?", (cutoff,))
