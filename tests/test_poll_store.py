"""The class poll's storage (``gd_poll``), on SQLite and on PostgreSQL.

Every ``store`` test runs twice: on a fresh SQLite file and in a fresh PostgreSQL schema of the server
named by ``DESCENT_LAB_TEST_PG`` (e.g. ``postgresql://postgres:postgres@127.0.0.1:5432/postgres``).
Without that variable the PostgreSQL half is skipped, with the reason; when ``CI`` is set it fails
instead, since CI must run it. Concurrency is tested with real processes, as Streamlit workers behind
a load balancer would write.
"""

from __future__ import annotations

import hashlib
import math
import multiprocessing
import sqlite3
import subprocess
import sys
import threading
import traceback
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pytest
from conftest import REPO, pg_schema
from hypothesis import given
from hypothesis import strategies as st

import gd_poll
import gd_poll.migrations
import gd_poll.store
from gd_poll import (
    ALPHABET,
    ANSWERS,
    CODE_BITS,
    MAX_ANSWERS,
    SCHEMA_VERSION,
    BadAnswer,
    BadQuestion,
    BadVoter,
    NotOwner,
    PollClosed,
    PollError,
    PollExpired,
    PollFull,
    PollNotFound,
    StoreUnavailable,
    default_path,
    normalize_code,
    open_store,
    validate_question,
)
from gd_poll.migrations import Migration

QUESTION = {"dataset": "Clemson SC 1930–2020 (°F)", "predictors": ["tmax", "tmin", "rain"],
            "standardize": True, "lr": 6.13e-3, "w0": 0.5, "b0": -1.25, "epochs": 10_000,
            "label": "Predict first!", "shown": "tmax"}


# --- backends -----------------------------------------------------------------------------------------

@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path):
    """An empty database: a SQLite file path, or a PostgreSQL URL into an empty schema."""
    if request.param == "sqlite":
        yield str(tmp_path / "polls.sqlite3")
        return
    with pg_schema(request.getfixturevalue("pg_admin_url")) as url:
        yield url


class FakeClock:
    """The store's clock, moved by hand (starts at the real time, so other processes agree with it)."""

    def __init__(self):
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(db_url, clock):
    with open_store(db_url, clock=clock) as opened:
        yield opened


def rows(url: str, sql: str) -> list[tuple]:
    """Read the database behind the store's back."""
    if url.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(url) as conn:
            return conn.execute(sql).fetchall()
    conn = sqlite3.connect(url)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


# --- processes ----------------------------------------------------------------------------------------

def _child(job, args, start, results) -> None:
    try:
        results.put(job(*args, start))
    except BaseException:
        results.put(("error", traceback.format_exc()))


def _vote(url, codes, voters, answer, start):
    """Open a store, wait for the others, then answer each poll as each voter; count accepted and full."""
    store = open_store(url)
    start.wait(timeout=60)
    tally = {"ok": 0, "full": 0}
    for code in codes:
        for voter in voters:
            try:
                store.answer(code, voter, answer)
                tally["ok"] += 1
            except PollFull:
                tally["full"] += 1
    return tally


def _first_use(url, voter, start):
    """Wait for the others, then open (and so create and migrate) the database and start a poll."""
    start.wait(timeout=60)
    store = open_store(url)
    code, _ = store.start(QUESTION)
    store.answer(code, voter, "crawl")
    return store.get(code).total


def in_processes(job, arglists: list[tuple], timeout: float = 120) -> list:
    """Run ``job(*args, start)`` in one process per argument list, all released at once by ``start``."""
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"  # fork: fast, Linux CI
    ctx = multiprocessing.get_context(method)
    start, results = ctx.Barrier(len(arglists)), ctx.Queue()
    procs = [ctx.Process(target=_child, args=(job, args, start, results)) for args in arglists]
    for proc in procs:
        proc.start()
    try:
        out = [results.get(timeout=timeout) for _ in procs]
    finally:
        for proc in procs:
            proc.join(timeout=10)
    errors = [item[1] for item in out if isinstance(item, tuple) and item[0] == "error"]
    assert not errors, errors[0]
    return out


def fill(store, code: str, n: int, prefix: str = "v") -> None:
    for i in range(n):
        store.answer(code, f"{prefix}{i}", list(ANSWERS)[i % 4])


# --- codes, voters, answers, questions (no database) -------------------------------------------------

def test_codes_are_six_unambiguous_characters_carrying_30_bits():
    assert len(set(ALPHABET)) == len(ALPHABET) == 32
    assert not set("0O1I") & set(ALPHABET) and ALPHABET.isalnum() and ALPHABET.isupper()
    assert CODE_BITS >= 30 and math.isclose(CODE_BITS, 6 * math.log2(32))
    codes = {gd_poll.codes.new_code() for _ in range(2000)}
    assert len(codes) > 1990 and all(len(c) == 6 and set(c) <= set(ALPHABET) for c in codes)
    assert set("".join(codes)) == set(ALPHABET)  # every symbol is drawn


@pytest.mark.parametrize("typed", ["abc234", " ABC234 ", "abc-234", "ABC 234"])
def test_typed_codes_are_normalised(typed):
    assert normalize_code(typed) == "ABC234"


@pytest.mark.parametrize("typed", ["", "ABC23", "ABC2345", "ABC0O1", "ABCI23", "<b>x</b>", "ÀBC234", None,
                                   123456])
def test_codes_outside_the_alphabet_are_not_found(typed):
    with pytest.raises(PollNotFound, match="no poll"):
        normalize_code(typed)


@given(st.text(max_size=30))
def test_any_typed_text_is_a_code_or_not_found(text):
    try:
        code = normalize_code(text)
    except PollNotFound as exc:
        assert "<" not in str(exc)
    else:
        assert len(code) == 6 and set(code) <= set(ALPHABET)


def test_a_valid_question_comes_back_as_plain_json():
    raw = dict(QUESTION, predictors=("tmax", "tmin", "rain"), lr=np.float64(0.01), epochs=np.int64(5), b0=3)
    checked = validate_question(raw)
    assert checked == dict(QUESTION, lr=0.01, epochs=5, b0=3.0)
    assert [type(checked[key]) for key in ("predictors", "lr", "epochs")] == [list, float, int]
    assert validate_question({k: v for k, v in QUESTION.items() if k not in ("label", "shown")})


BAD_QUESTIONS = {
    "markup": dict(QUESTION, dataset="<script>alert(1)</script>"),
    "markup in a label": dict(QUESTION, label="<img src=x onerror=alert(1)>"),
    "markup in a predictor": dict(QUESTION, predictors=["tmax", "<b>"], shown="tmax"),
    "huge string": dict(QUESTION, label="x" * 201),
    "control character": dict(QUESTION, dataset="Seattle\x1b[31m"),
    "bidi override": dict(QUESTION, label="abc\u202edcba"),
    "NaN": dict(QUESTION, lr=float("nan")),
    "infinite w0": dict(QUESTION, w0=float("inf")),
    "NaN b0": dict(QUESTION, b0=np.nan),
    "zero rate": dict(QUESTION, lr=0.0),
    "negative rate": dict(QUESTION, lr=-0.1),
    "rate as text": dict(QUESTION, lr="0.1"),
    "bool as number": dict(QUESTION, w0=True),
    "flag as number": dict(QUESTION, standardize=1),
    "no epochs": dict(QUESTION, epochs=0),
    "too many epochs": dict(QUESTION, epochs=1_000_001),
    "fractional epochs": dict(QUESTION, epochs=10.5),
    "nested junk": dict(QUESTION, dataset={"$gt": ""}),
    "nested predictors": dict(QUESTION, predictors=[["tmax"]]),
    "no predictors": dict(QUESTION, predictors=[], shown="x"),
    "twice the same predictor": dict(QUESTION, predictors=["tmax", "tmax"]),
    "predictors as text": dict(QUESTION, predictors="tmax"),
    "shown not a predictor": dict(QUESTION, shown="snow"),
    "blank dataset": dict(QUESTION, dataset="  "),
    "unknown field": dict(QUESTION, secret="x"),
    "missing field": {k: v for k, v in QUESTION.items() if k != "epochs"},
    "over 4 kB": dict(QUESTION, predictors=[f"{i:02d}" + "é" * 198 for i in range(20)],
                      shown="00" + "é" * 198),  # 20 names of 200 characters: 8 kB of UTF-8
    "not a dict": [("dataset", "x")],
}


@pytest.mark.parametrize("question", BAD_QUESTIONS.values(), ids=BAD_QUESTIONS.keys())
def test_bad_questions_are_refused(question):
    with pytest.raises(BadQuestion, match="cannot be turned into a poll") as caught:
        validate_question(question)
    assert "<" not in str(caught.value) and "\x1b" not in str(caught.value)


# --- the store, on both backends ----------------------------------------------------------------------

def test_start_then_get(store, clock):
    code, secret = store.start(QUESTION)
    assert len(code) == 6 and set(code) <= set(ALPHABET) and len(secret) >= 43
    poll = store.get(code.lower())
    assert (poll.code, poll.question, poll.total) == (code, validate_question(QUESTION), 0)
    assert poll.counts == dict.fromkeys(ANSWERS, 0) and list(poll.counts) == list(ANSWERS)
    assert poll.accepting and not poll.revealed and not poll.closed
    assert abs(poll.created_at - clock.now) < timedelta(milliseconds=1)
    assert poll.expires_at - poll.created_at == timedelta(hours=24)
    poll.question["lr"] = 99
    assert store.get(code).question["lr"] == QUESTION["lr"]


def test_the_owner_secret_is_kept_only_as_a_hash(store, db_url):
    code, secret = store.start(QUESTION)
    ((stored,),) = rows(db_url, f"SELECT owner_hash FROM polls WHERE code = '{code}'")
    assert stored == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in repr(rows(db_url, "SELECT * FROM polls"))


def test_a_code_collision_draws_again(store, monkeypatch):
    first, _ = store.start(QUESTION)
    drawn = iter([first, first, "ZZZ222"])
    monkeypatch.setattr(gd_poll.store, "new_code", lambda: next(drawn))
    assert store.start(QUESTION)[0] == "ZZZ222"
    assert store.get(first).question == store.get("ZZZ222").question


def test_unknown_and_malformed_codes_are_not_found(store):
    for code in ["ZZZZZZ", "ABC0O1", ""]:
        with pytest.raises(PollNotFound):
            store.get(code)
        with pytest.raises(PollNotFound):
            store.answer(code, "v1", "crawl")


def test_the_last_answer_of_a_voter_counts(store):
    code, _ = store.start(QUESTION)
    store.answer(code, "alice", "crawl")
    store.answer(code, "bob", "diverge")
    store.answer(code, "alice", "oscillate")
    assert store.counts(code) == {"crawl": 0, "converge": 0, "oscillate": 1, "diverge": 1}
    assert store.get(code).total == 2


@pytest.mark.parametrize("voter", ["", "x" * 65, "a b", "a/b", "é", "<script>", "a\n", None, 42])
def test_bad_voter_ids_are_refused(store, voter):
    code, _ = store.start(QUESTION)
    with pytest.raises(BadVoter):
        store.answer(code, voter, "crawl")
    store.answer(code, "A-z_09" + "x" * 58, "crawl")  # 64 characters of the allowed set
    assert store.get(code).total == 1


@pytest.mark.parametrize("answer", ["", "crawls", "CRAWL", "converges smoothly", None, 1, "<b>"])
def test_bad_answers_are_refused(store, answer):
    code, _ = store.start(QUESTION)
    with pytest.raises(BadAnswer, match="crawls, converges smoothly, oscillates but converges, diverges"):
        store.answer(code, "v1", answer)
    assert store.get(code).total == 0


@pytest.mark.parametrize("name", ["markup", "NaN", "huge string", "over 4 kB"])
def test_bad_questions_start_no_poll(store, db_url, name):
    with pytest.raises(BadQuestion):
        store.start(BAD_QUESTIONS[name])
    assert rows(db_url, "SELECT COUNT(*) FROM polls") == [(0,)]


def test_polls_expire_24_hours_after_they_start(store, clock):
    code, secret = store.start(QUESTION)
    clock.advance(hours=24, seconds=-1)
    store.answer(code, "v1", "crawl")
    assert store.get(code).total == 1
    clock.advance(seconds=1)
    for refused in (lambda: store.get(code), lambda: store.counts(code),
                    lambda: store.answer(code, "v2", "crawl"),
                    lambda: store.reveal(code, secret), lambda: store.close(code, secret)):
        with pytest.raises(PollExpired, match="expired"):
            refused()
    assert store.get(code, now=clock.now - timedelta(seconds=1)).total == 1  # an explicit now wins


def test_purge_deletes_polls_past_expiry_and_grace_with_their_answers(store, db_url, clock):
    old, _ = store.start(QUESTION)
    store.answer(old, "v1", "crawl")
    clock.advance(hours=12)
    young, _ = store.start(QUESTION)
    store.answer(young, "v1", "crawl")
    clock.advance(hours=12)  # old has expired, but the grace period keeps it
    assert store.purge_expired() == 0
    with pytest.raises(PollExpired):
        store.get(old)
    clock.advance(hours=1, seconds=1)
    assert store.purge_expired() == 1
    with pytest.raises(PollNotFound):
        store.get(old)
    assert store.get(young).total == 1
    assert rows(db_url, "SELECT poll_code FROM answers") == [(young,)]
    clock.advance(hours=12)
    store.start(QUESTION)  # starting a poll purges too
    assert rows(db_url, f"SELECT COUNT(*) FROM polls WHERE code = '{young}'") == [(0,)]


def test_only_the_owner_reveals_or_closes(store):
    code, secret = store.start(QUESTION)
    other_code, other_secret = store.start(QUESTION)
    for wrong in ["", "nope", secret[:-1], secret + "x", other_secret, None, "x" * 10_000]:
        for action in (store.reveal, store.close):
            with pytest.raises(NotOwner, match="Only the teacher"):
                action(code, wrong)
    poll = store.get(code)
    assert poll.accepting and not poll.revealed and not poll.closed
    store.reveal(code, secret)
    assert store.get(code).revealed and not store.get(other_code).revealed


def test_no_answers_after_reveal(store, clock):
    code, secret = store.start(QUESTION)
    store.answer(code, "v1", "diverge")
    store.reveal(code, secret)
    revealed_at = store.get(code).revealed_at
    with pytest.raises(PollClosed, match="revealed"):
        store.answer(code, "v1", "crawl")
    with pytest.raises(PollClosed):
        store.answer(code, "v2", "crawl")
    clock.advance(minutes=5)
    store.reveal(code, secret)  # again: harmless, keeps the first time
    poll = store.get(code)
    assert (poll.revealed_at, poll.counts["diverge"], poll.total) == (revealed_at, 1, 1)
    assert not poll.accepting


def test_no_answers_after_close(store):
    code, secret = store.start(QUESTION)
    store.answer(code, "v1", "converge")
    store.close(code, secret)
    with pytest.raises(PollClosed, match="closed"):
        store.answer(code, "v2", "crawl")
    store.reveal(code, secret)  # the teacher may still show the result of a closed poll
    poll = store.get(code)
    assert poll.closed and poll.revealed and poll.counts["converge"] == 1


def test_at_most_500_voters_but_a_known_voter_may_change(store):
    code, _ = store.start(QUESTION)
    fill(store, code, MAX_ANSWERS)
    with pytest.raises(PollFull, match="500"):
        store.answer(code, "latecomer", "crawl")
    store.answer(code, "v0", "diverge")
    counts = store.counts(code)
    assert sum(counts.values()) == MAX_ANSWERS and counts["crawl"] == 124 and counts["diverge"] == 126


def test_threads_sharing_one_store(store):
    code, _ = store.start(QUESTION)
    errors = []

    def vote(t):
        try:
            fill(store, code, 25, prefix=f"t{t}-")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=vote, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and store.get(code).total == 200


def test_concurrent_voters_in_four_processes(store, db_url):
    code, _ = store.start(QUESTION)
    jobs = [(db_url, [code], [f"p{p}-{i}" for i in range(50)] + ["everyone"], answer)
            for p, answer in enumerate(ANSWERS)]
    tallies = in_processes(_vote, jobs)
    assert sum(t["ok"] for t in tallies) == 4 * 51 and not any(t["full"] for t in tallies)
    poll = store.get(code)
    assert poll.total == 201  # 4 × 50, and "everyone" once
    assert sorted(poll.counts.values())[:3] == [50, 50, 50] and sorted(poll.counts.values())[3] == 51
    assert rows(db_url, "SELECT COUNT(*) FROM answers WHERE voter_id = 'everyone'") == [(1,)]


def test_voters_racing_at_the_cap_never_exceed_it(store, db_url):
    code, _ = store.start(QUESTION)
    fill(store, code, MAX_ANSWERS - 10)
    jobs = [(db_url, [code], [f"race{p}-{i}" for i in range(10)], "crawl") for p in range(4)]
    tallies = in_processes(_vote, jobs)
    assert sum(t["ok"] for t in tallies) == 10 and sum(t["full"] for t in tallies) == 30
    assert store.get(code).total == MAX_ANSWERS
    assert rows(db_url, "SELECT COUNT(*) FROM answers") == [(MAX_ANSWERS,)]


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                    reason="forked children inherit the lowered cap")
def test_many_races_at_a_lowered_cap(store, db_url, monkeypatch):
    """The race above crosses the cap once; here 30 polls with a cap of 3 make 30 chances to overshoot."""
    monkeypatch.setattr(gd_poll.store, "MAX_ANSWERS", 3)  # forked children inherit it
    codes = [store.start(QUESTION)[0] for _ in range(30)]
    jobs = [(db_url, codes, [f"p{p}-{i}" for i in range(3)], "crawl") for p in range(4)]
    assert sum(t["ok"] for t in in_processes(_vote, jobs)) == 30 * 3
    assert rows(db_url, "SELECT poll_code, COUNT(*) FROM answers GROUP BY poll_code "
                        "HAVING COUNT(*) <> 3") == []


# --- migrations and opening ---------------------------------------------------------------------------

def test_migrations_build_an_empty_database_once(db_url):
    with open_store(db_url) as store:
        every = [(m.version,) for m in gd_poll.migrations.MIGRATIONS]
        assert rows(db_url, "SELECT version FROM schema_version ORDER BY version") == every
        assert store.migrate() == SCHEMA_VERSION  # again: nothing to do
        assert store.migrate() == SCHEMA_VERSION
        code, _ = store.start(QUESTION)
    with open_store(db_url) as reopened:
        assert reopened.get(code).question == validate_question(QUESTION)
    assert rows(db_url, "SELECT COUNT(*), MAX(version) FROM schema_version") == [(SCHEMA_VERSION,
                                                                                 SCHEMA_VERSION)]


def test_a_new_migration_upgrades_an_existing_database(db_url, monkeypatch):
    with open_store(db_url) as store:
        code, _ = store.start(QUESTION)
    step = {"sqlite": "ALTER TABLE polls ADD COLUMN note TEXT DEFAULT 'lite'",
            "postgres": "ALTER TABLE polls ADD COLUMN note TEXT DEFAULT 'pg'"}
    monkeypatch.setattr(gd_poll.migrations, "MIGRATIONS", (*gd_poll.migrations.MIGRATIONS,
                                                          Migration(SCHEMA_VERSION + 1, "a note", (step,))))
    monkeypatch.setattr(gd_poll.migrations, "LATEST", SCHEMA_VERSION + 1)
    with open_store(db_url) as store:
        assert store.migrate() == SCHEMA_VERSION + 1 and store.get(code).total == 0
        note = "pg" if store.dialect == "postgres" else "lite"
    assert rows(db_url, "SELECT note FROM polls") == [(note,)]
    assert rows(db_url, "SELECT version FROM schema_version ORDER BY version") == \
        [(v,) for v in range(1, SCHEMA_VERSION + 2)]


def test_a_database_newer_than_the_code_is_refused(db_url):
    open_store(db_url).disconnect()
    with open_store(db_url) as store:
        store._db.run(lambda tx: tx.run("INSERT INTO schema_version VALUES (99, 0)"), write=True)
        with pytest.raises(StoreUnavailable, match="newer"):
            store.migrate()


def test_concurrent_first_use_by_four_processes(db_url):
    assert in_processes(_first_use, [(db_url, f"first{p}") for p in range(4)]) == [1, 1, 1, 1]
    assert rows(db_url, "SELECT MAX(version) FROM schema_version") == [(SCHEMA_VERSION,)]
    assert rows(db_url, "SELECT COUNT(*) FROM polls") == [(4,)]


def test_the_default_file_is_created_on_first_use_in_wal_mode(tmp_path, monkeypatch):
    path = tmp_path / "not" / "yet" / "polls.sqlite3"
    monkeypatch.setenv("DESCENT_LAB_DB", str(path))
    with open_store() as store:
        assert store.dialect == "sqlite" and path.is_file()
        store.start(QUESTION)
    assert rows(str(path), "PRAGMA journal_mode") == [("wal",)]


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="XDG data directory: Linux and BSD")
def test_without_a_setting_polls_live_in_the_user_data_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("DESCENT_LAB_DB", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", "relative/is/ignored")
    assert default_path() == tmp_path / "home/.local/share/descent-lab/polls.sqlite3"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    with open_store() as store:
        store.start(QUESTION)
    assert (tmp_path / "xdg/descent-lab/polls.sqlite3").is_file()


@pytest.mark.parametrize("url", ["mysql://localhost/db", ":memory:", "file:polls?mode=memory"])
def test_unsupported_databases_are_named(url):
    with pytest.raises(ValueError, match="DESCENT_LAB_DB"):
        open_store(url)


def test_a_postgres_url_in_the_environment_selects_postgres(pg_admin_url, monkeypatch):
    with pg_schema(pg_admin_url) as url:
        for spelled in (url, "postgres://" + url.removeprefix("postgresql://")):
            monkeypatch.setenv("DESCENT_LAB_DB", spelled)
            with open_store() as store:
                assert store.dialect == "postgres"
                assert store.get(store.start(QUESTION)[0]).total == 0


def test_a_dead_pooled_postgres_connection_is_replaced(pg_admin_url):
    import psycopg

    with pg_schema(pg_admin_url) as url, open_store(url) as store:
        code, _ = store.start(QUESTION)
        together = threading.Barrier(4)
        threads = [threading.Thread(target=store._db.run, args=(lambda tx: together.wait(10),),
                                    kwargs={"write": False}) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with psycopg.connect(pg_admin_url, autocommit=True) as admin:  # as a server restart would
            name = dict(parse_qsl(urlsplit(url).query))["application_name"]
            killed = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                   "WHERE application_name = %s", (name,)).fetchall()
        assert len(killed) == 4  # the pool's four idle connections, all dead now
        store.answer(code, "v1", "crawl")
        assert store.get(code).total == 1


def test_an_unusable_sqlite_folder_is_a_poll_error(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(StoreUnavailable, match="cannot be created"):
        open_store(str(tmp_path / "file" / "polls.sqlite3"))


def test_an_unreachable_postgres_is_a_poll_error():
    with pytest.raises(StoreUnavailable, match="busy or unreachable") as caught:
        open_store("postgresql://nobody@127.0.0.1:9/none?connect_timeout=2")
    assert isinstance(caught.value, PollError)


def test_sqlite_users_never_import_psycopg_or_streamlit(tmp_path):
    probe = ("import sys, gd_poll; s = gd_poll.open_store(sys.argv[1]); "
             "c, _ = s.start(" + repr(QUESTION) + "); s.answer(c, 'v', 'crawl'); "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in "
             "('psycopg', 'streamlit', 'numpy', 'pandas')))")
    done = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "p.sqlite3")], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_now_must_be_timezone_aware(store):
    with pytest.raises(TypeError, match="timezone-aware"):
        store.start(QUESTION, now=datetime(2030, 1, 1))
