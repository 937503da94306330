"""Where polls live: a SQLite file by default, PostgreSQL when several machines must share them.

Both are reached through :class:`Database`, which runs one function inside one transaction on a pooled
connection. That keeps the store free of dialect details except two: placeholders (the store writes
``?``; PostgreSQL gets ``%s``) and row locks (``FOR UPDATE`` on PostgreSQL, where writers run side by
side; SQLite's ``BEGIN IMMEDIATE`` already lets one writer in at a time).

Why a pool, even for SQLite: Streamlit runs every session's script in its own short-lived thread, so a
connection per thread would leak, while a connection per call pays a connect (a TCP and password
round trip on PostgreSQL; on SQLite a WAL checkpoint whenever the last connection closes). A pooled
connection is used by one thread at a time, and at most ``size`` are open per process.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gd_poll.errors import StoreUnavailable

ENV_VAR = "DESCENT_LAB_DB"
POSTGRES_PREFIXES = ("postgresql://", "postgres://")
BUSY_TIMEOUT_S = 10.0  # SQLite: a writer waits this long for another process's write to finish
POOL_SIZE = 8  # connections per process (PostgreSQL's default max_connections is 100)
POOL_WAIT_S = 30.0
CONNECT_TIMEOUT_S = 10
_BUSY = "The poll database is busy or unreachable. Try again in a moment."


def default_path() -> Path:
    """The SQLite file used when neither an argument nor ``DESCENT_LAB_DB`` names a database:
    ``descent-lab/polls.sqlite3`` in the platform's per-user data directory."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.environ.get("APPDATA") or Path.home() / "AppData/Local"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        xdg = os.environ.get("XDG_DATA_HOME", "")
        base = xdg if os.path.isabs(xdg) else Path.home() / ".local" / "share"  # XDG: ignore relative
    return Path(base) / "descent-lab" / "polls.sqlite3"


class Tx:
    """One open transaction: ``run`` (returns the row count), ``one`` (first row or None), ``all``.

    SQL is written with ``?`` placeholders and no literal ``?`` or ``%`` (psycopg's placeholder sign).
    """

    def __init__(self, conn: Any, dialect: str):
        self._conn = conn
        self.dialect = dialect
        self.for_update = " FOR UPDATE" if dialect == "postgres" else ""

    def _execute(self, sql: str, params: tuple):
        return self._conn.execute(sql if self.dialect == "sqlite" else sql.replace("?", "%s"), params)

    def run(self, sql: str, params: tuple = ()) -> int:
        return self._execute(sql, params).rowcount

    def one(self, sql: str, params: tuple = ()) -> tuple | None:
        return self._execute(sql, params).fetchone()

    def all(self, sql: str, params: tuple = ()) -> list[tuple]:
        return self._execute(sql, params).fetchall()


class Database:
    """A pool of connections to one database, and transactions on them.

    Parameters
    ----------
    dialect : {"sqlite", "postgres"}
    connect : callable
        Opens a new connection in autocommit mode (transactions are begun explicitly).
    is_idle : callable
        True when a connection handed back is healthy and outside any transaction, so it may be reused.
    unavailable : tuple of exception types
        The driver's "cannot reach / busy" errors, reported as :class:`StoreUnavailable`.
    """

    def __init__(self, dialect: str, connect: Callable[[], Any], is_idle: Callable[[Any], bool],
                 unavailable: tuple[type[Exception], ...], *, size: int = POOL_SIZE):
        self.dialect = dialect
        self._connect, self._is_idle, self._unavailable = connect, is_idle, unavailable
        self._size = size
        self._lock = threading.Lock()
        self._forked()

    def _forked(self) -> None:
        """Start afresh in a new process: the parent's connections are not ours to use, or even to close
        (closing would end the parent's session), and its threads' pool slots will never be released."""
        self._pid = os.getpid()
        self._idle: list[Any] = []
        self._slots = threading.BoundedSemaphore(self._size)

    def run(self, work: Callable[[Tx], Any], *, write: bool) -> Any:
        """``work(tx)`` inside one transaction, committed if it returns, rolled back if it raises.

        ``write=True`` takes SQLite's write lock up front (``BEGIN IMMEDIATE``), so a transaction that
        reads then writes never fails half-way on a lock another process took in between. Reads on
        PostgreSQL see one snapshot (``REPEATABLE READ``), as on SQLite. When a pooled PostgreSQL
        connection turns out dead (the server restarted), the idle ones are dropped too and the work is
        retried once on a new connection.
        """
        with self._lock:
            if self._pid != os.getpid():
                self._forked()
            slots = self._slots
        if not slots.acquire(timeout=POOL_WAIT_S):
            raise StoreUnavailable(_BUSY)
        try:
            for attempt in (1, 2):
                conn, reused = None, False
                try:
                    conn, reused = self._take()
                    result = self._transaction(conn, work, write)
                except self._unavailable as exc:
                    self._discard(conn)
                    if reused and self.dialect == "postgres" and attempt == 1:
                        self.disconnect()  # its siblings died with it
                        continue
                    raise StoreUnavailable(_BUSY) from exc
                except BaseException:
                    self._give_back(conn)
                    raise
                self._give_back(conn)
                return result
        finally:
            slots.release()

    def _begin(self, write: bool) -> str:
        if self.dialect == "sqlite":
            return "BEGIN IMMEDIATE" if write else "BEGIN"
        return "BEGIN" if write else "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"

    def _transaction(self, conn: Any, work: Callable[[Tx], Any], write: bool) -> Any:
        conn.execute(self._begin(write))
        try:
            result = work(Tx(conn, self.dialect))
        except BaseException:
            try:
                conn.execute("ROLLBACK")
            except Exception:  # a broken connection: _give_back will drop it
                pass
            raise
        conn.execute("COMMIT")
        return result

    def _take(self) -> tuple[Any, bool]:
        with self._lock:
            if self._idle:
                return self._idle.pop(), True
        return self._connect(), False

    def _give_back(self, conn: Any) -> None:
        if conn is None:
            return
        try:
            healthy = self._is_idle(conn)
        except Exception:  # a connection that cannot even say whether it is idle is dropped
            healthy = False
        with self._lock:
            if healthy and self._pid == os.getpid():
                self._idle.append(conn)
                return
        self._discard(conn)

    @staticmethod
    def _discard(conn: Any) -> None:
        if conn is not None:
            try:
                conn.close()
            except Exception:  # already broken; nothing more to release
                pass

    def disconnect(self) -> None:
        """Close the idle connections. The database stays usable: it connects again when needed."""
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            self._discard(conn)


def sqlite_database(path: Path) -> Database:
    """A SQLite file in WAL mode (readers never block the writer), created with its directories.

    The file itself appears with the first connection, i.e. on first use (:func:`open_store` migrates).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreUnavailable(f"The poll database folder {path.parent} cannot be created "
                               f"({exc.strerror}).") from exc

    def connect() -> sqlite3.Connection:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")  # as timeout=, said aloud
            mode = _wal(conn)
            if mode.lower() != "wal":
                raise StoreUnavailable(f"The poll database {path.name} cannot use WAL mode (it is in {mode} "
                                       f"mode; WAL needs a local disk).")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")  # safe with WAL: a power cut loses a moment, no more
        except BaseException:
            conn.close()
            raise
        return conn

    return Database("sqlite", connect, lambda conn: not conn.in_transaction, (sqlite3.OperationalError,))


def _wal(conn: sqlite3.Connection) -> str:
    """Switch to WAL (kept in the file, so a no-op after the first time). Changing the journal mode can
    answer "locked" at once, without waiting, while another process is creating the same new file:
    retry for as long as the busy timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            return conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def postgres_database(url: str) -> Database:
    """A PostgreSQL database (psycopg 3, imported only here so SQLite users never need it)."""
    try:
        import psycopg
    except ImportError as exc:
        raise StoreUnavailable("Polls on PostgreSQL need the psycopg package: "
                               "pip install 'psycopg[binary]'.") from exc

    def connect():
        return psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)

    def is_idle(conn) -> bool:
        return not conn.closed and conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE

    return Database("postgres", connect, is_idle, (psycopg.OperationalError,))


def open_database(url: str | None = None) -> Database:
    """The database named by ``url``, else by ``DESCENT_LAB_DB``, else the default SQLite file.

    A ``postgresql://`` or ``postgres://`` URL selects PostgreSQL; anything else is a file path
    (``~`` expanded). Raises ``ValueError`` for other URL schemes and for ``:memory:``, which a pool of
    connections cannot share.
    """
    target = (url if url is not None else os.environ.get(ENV_VAR, "")).strip()
    if target.startswith(POSTGRES_PREFIXES):
        return postgres_database(target)
    if "://" in target:
        raise ValueError(f"{ENV_VAR}: only postgresql:// URLs and SQLite file paths are supported")
    if target == ":memory:" or target.startswith("file:"):
        raise ValueError(f"{ENV_VAR}: give SQLite a file path (several connections must share it)")
    return sqlite_database(Path(target).expanduser() if target else default_path())
