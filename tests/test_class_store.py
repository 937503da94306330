"""The class store (``gd_poll.classes``) on SQLite and PostgreSQL: a teacher and students who share
nothing but the database, one vote per browser per question, locks, rate limits, the cap, expiry,
results, migrations from the poll-only schema, and the per-process follower cache."""

from __future__ import annotations

import csv
import io
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from conftest import pg_schema

import gd_poll.migrations
from gd_poll import (
    BadQuestion,
    ClassEnded,
    Follower,
    JoiningClosed,
    NotOwner,
    PollExpired,
    PollFull,
    PollNotFound,
    RateLimited,
    StepLocked,
    check_lesson,
    open_store,
)
from gd_poll import limits as lim

LESSON = {"title": "The learning rate in ten minutes", "steps": [
    {"title": "A small step", "question": False},
    {"title": "What will this rate do?", "question": True, "answer": "oscillate"},
    {"title": "And this one?", "question": True, "answer": "diverge"},
]}
Q1, Q2 = 1, 2


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        yield str(tmp_path / "classes.sqlite3")
        return
    with pg_schema(request.getfixturevalue("pg_admin_url")) as url:
        yield url


class FakeClock:
    def __init__(self):
        self.now = datetime.now(UTC)

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def clock():
    return FakeClock()


def opened(url, clock):
    return open_store(url, clock=clock)


@pytest.fixture
def room(db_url, clock):
    """A teacher's store and three students' stores: four pools on one database, nothing else shared."""
    stores = [opened(db_url, clock) for _ in range(4)]
    yield stores
    for s in stores:
        s.disconnect()


def start(store, **kw):
    return store.classes.start(LESSON, client="10.0.0.1", **kw)


def test_a_teacher_and_three_students_share_only_the_store(room):
    teacher, *students = room
    code, secret = start(teacher)
    for i, s in enumerate(students):
        assert s.classes.join(code, f"browser{i}", client=f"10.0.1.{i}") is True
        assert s.classes.view(code).step == 0
    teacher.classes.go_to(code, secret, Q1)
    for i, s in enumerate(students):
        view = s.classes.view(code)
        assert view.step == Q1 and view.current["title"] == "What will this rate do?" and view.accepting
        s.classes.vote(code, f"browser{i}", Q1, "crawl" if i else "oscillate", client=f"10.0.1.{i}")
    view = teacher.classes.view(code)
    assert view.joined == 3 and view.answered == 3 and view.counts["crawl"] == 2
    teacher.classes.reveal(code, secret)
    for s in students:
        assert Q1 in s.classes.view(code).revealed and not s.classes.view(code).accepting


def test_a_reload_with_the_same_token_keeps_one_vote_and_a_changed_vote_counts_once(room):
    teacher, phone, *_ = room
    code, secret = start(teacher)
    teacher.classes.go_to(code, secret, Q1)
    assert phone.classes.join(code, "tok", client="a") is True
    phone.classes.vote(code, "tok", Q1, "crawl", client="a")
    for _ in range(20):  # twenty reloads: each joins again (a no-op) and may send again
        assert phone.classes.join(code, "tok", client="a") is False
    phone.classes.vote(code, "tok", Q1, "diverge", client="a")
    view = teacher.classes.view(code)
    assert view.joined == 1 and view.answered == 1 and view.counts["diverge"] == 1
    assert phone.classes.my_vote(code, "tok", Q1) == "diverge"


def test_a_question_locks_at_its_reveal_and_when_the_teacher_moves_on(room):
    teacher, phone, *_ = room
    code, secret = start(teacher)
    phone.classes.join(code, "tok", client="a")
    with pytest.raises(StepLocked):  # step 0 is no question
        phone.classes.vote(code, "tok", 0, "crawl")
    teacher.classes.go_to(code, secret, Q1)
    with pytest.raises(StepLocked, match="moved on"):
        phone.classes.vote(code, "tok", Q2, "crawl")  # not the current step
    phone.classes.vote(code, "tok", Q1, "crawl")
    teacher.classes.go_to(code, secret, Q2)
    with pytest.raises(StepLocked, match="moved on"):
        phone.classes.vote(code, "tok", Q1, "diverge")
    phone.classes.vote(code, "tok", Q2, "diverge")
    teacher.classes.reveal(code, secret)
    with pytest.raises(StepLocked, match="revealed"):
        phone.classes.vote(code, "tok", Q2, "crawl")
    assert teacher.classes.my_vote(code, "tok", Q1) == "crawl"  # the earlier answer is kept


def test_a_reset_asks_the_question_afresh(room):
    teacher, phone, *_ = room
    code, secret = start(teacher)
    teacher.classes.go_to(code, secret, Q1)
    phone.classes.join(code, "tok")
    phone.classes.vote(code, "tok", Q1, "crawl")
    teacher.classes.reveal(code, secret)
    teacher.classes.reset(code, secret)
    view = teacher.classes.view(code)
    assert view.answered == 0 and Q1 not in view.revealed and view.accepting
    phone.classes.vote(code, "tok", Q1, "oscillate")
    assert teacher.classes.view(code).counts["oscillate"] == 1


@pytest.mark.parametrize("secret", [None, "", "not-the-secret", "x" * 500])
def test_a_student_cannot_change_step_reveal_reset_pause_or_end(room, secret):
    teacher, phone, *_ = room
    code, _ = start(teacher)
    for act in (lambda: phone.classes.go_to(code, secret, Q1), lambda: phone.classes.reveal(code, secret),
                lambda: phone.classes.reset(code, secret), lambda: phone.classes.end(code, secret),
                lambda: phone.classes.pause(code, secret, True),
                lambda: phone.classes.set_joining(code, secret, False),
                lambda: phone.classes.results_csv(code, secret)):
        with pytest.raises(NotOwner):
            act()
    view = phone.classes.view(code)
    assert (view.step, view.revealed, view.paused, view.ended, view.joining_open) == (0, frozenset(), False,
                                                                                      False, True)
    assert phone.classes.is_teacher(code, secret) is False


def test_a_teacher_reload_keeps_control(db_url, clock):
    with opened(db_url, clock) as first:
        code, secret = start(first)
        first.classes.go_to(code, secret, Q2)
    with opened(db_url, clock) as again:  # a new session, a worker restart: only the secret carries over
        assert again.classes.is_teacher(code, secret)
        assert again.classes.view(code).step == Q2
        again.classes.go_to(code, secret, Q1)
        assert again.classes.view(code).step == Q1


def test_pause_close_joining_and_end(room):
    teacher, phone, late, _ = room
    code, secret = start(teacher)
    phone.classes.join(code, "early")
    teacher.classes.pause(code, secret, True)
    assert phone.classes.view(code).paused
    teacher.classes.pause(code, secret, False)
    teacher.classes.set_joining(code, secret, False)
    with pytest.raises(JoiningClosed):
        late.classes.join(code, "late")
    assert phone.classes.join(code, "early") is False  # a joined browser reloads fine
    teacher.classes.go_to(code, secret, Q1)
    with pytest.raises(JoiningClosed, match="not joined"):
        late.classes.vote(code, "late", Q1, "crawl")
    phone.classes.vote(code, "early", Q1, "crawl")
    teacher.classes.end(code, secret)
    with pytest.raises(ClassEnded):
        phone.classes.vote(code, "early", Q1, "diverge")
    with pytest.raises(ClassEnded):
        teacher.classes.go_to(code, secret, Q2)
    assert phone.classes.view(code).ended


def test_the_class_cap_says_full(room):
    teacher, phone, *_ = room
    code, _ = start(teacher, cap=3)
    for i in range(3):
        phone.classes.join(code, f"t{i}", client=f"c{i}")
    with pytest.raises(PollFull, match="full"):
        phone.classes.join(code, "t3", client="c3")
    assert phone.classes.join(code, "t1", client="c1") is False  # members still come back


def test_joining_is_rate_limited_per_address_but_reloads_are_free(room, clock):
    teacher, phone, *_ = room
    code, _ = start(teacher)
    burst = int(lim.JOIN_PER_ADDRESS.capacity)
    for i in range(burst):
        phone.classes.join(code, f"f{i}", client="6.6.6.6")
    with pytest.raises(RateLimited, match="this network"):
        phone.classes.join(code, "one-too-many", client="6.6.6.6")
    phone.classes.join(code, "elsewhere", client="7.7.7.7")  # another address is not slowed
    for i in range(5):
        assert phone.classes.join(code, f"f{i}", client="6.6.6.6") is False  # known browsers: free
    clock.advance(seconds=1)
    phone.classes.join(code, "one-too-many", client="6.6.6.6")  # refilled at two a second
    assert teacher.classes.view(code).joined == burst + 2


def test_voting_is_rate_limited_per_browser(room, clock):
    teacher, phone, *_ = room
    code, secret = start(teacher)
    teacher.classes.go_to(code, secret, Q1)
    phone.classes.join(code, "tok")
    for i in range(int(lim.VOTE_PER_TOKEN.capacity)):
        phone.classes.vote(code, "tok", Q1, ("crawl", "diverge")[i % 2])
    with pytest.raises(RateLimited, match="too fast"):
        phone.classes.vote(code, "tok", Q1, "crawl")
    clock.advance(seconds=2)
    phone.classes.vote(code, "tok", Q1, "oscillate")
    assert teacher.classes.view(code).counts == {"crawl": 0, "converge": 0, "oscillate": 1, "diverge": 0}


def test_starting_classes_is_rate_limited_per_address(room, clock):
    teacher, *_ = room
    for _ in range(int(lim.START_PER_ADDRESS.capacity)):
        start(teacher)
    with pytest.raises(RateLimited, match="Too many classes"):
        start(teacher)
    teacher.classes.start(LESSON, client="10.9.9.9")  # another address
    clock.advance(seconds=121)
    start(teacher)


def test_poll_starts_share_the_start_limit(room):
    teacher, *_ = room
    for _ in range(int(lim.START_PER_ADDRESS.capacity)):
        teacher.classes.allow_start("9.9.9.9")
    with pytest.raises(RateLimited):
        teacher.classes.allow_start("9.9.9.9")
    with pytest.raises(RateLimited):
        teacher.classes.start(LESSON, client="9.9.9.9")


def test_a_refused_action_costs_no_token(room):
    teacher, phone, *_ = room
    code, _ = start(teacher, cap=1)
    phone.classes.join(code, "in", client="n")
    for _ in range(100):  # all refused as full: none takes a join token of the address
        with pytest.raises(PollFull):
            phone.classes.join(code, "out", client="n")
    code2, _ = teacher.classes.start(LESSON, client="other")
    for i in range(int(lim.JOIN_PER_ADDRESS.capacity) - 1):
        phone.classes.join(code2, f"x{i}", client="n")


def test_classes_expire_and_are_purged(room, clock, db_url):
    teacher, phone, *_ = room
    code, secret = start(teacher, lifetime=timedelta(hours=2))
    phone.classes.join(code, "tok")
    clock.advance(hours=2, seconds=1)
    with pytest.raises(PollExpired):
        phone.classes.view(code)
    assert teacher.classes.purge_expired() == 0  # within the grace hour: still "expired"
    clock.advance(hours=1)
    assert teacher.classes.purge_expired() == 1
    with pytest.raises(PollNotFound):
        phone.classes.view(code)
    check = open_store(db_url)
    try:
        assert check._db.run(lambda tx: tx.one("SELECT COUNT(*) FROM class_members"), write=False) == (0,)
    finally:
        check.disconnect()


def test_results_csv_per_question(room):
    teacher, phone, *_ = room
    code, secret = start(teacher)
    teacher.classes.go_to(code, secret, Q1)
    for i, answer in enumerate(["crawl", "oscillate", "oscillate"]):
        phone.classes.join(code, f"t{i}", client=f"a{i}")
        phone.classes.vote(code, f"t{i}", Q1, answer, client=f"a{i}")
    teacher.classes.reveal(code, secret)
    rows = list(csv.reader(io.StringIO(teacher.classes.results_csv(code, secret))))
    assert rows[0][:3] == ["step", "title", "right answer"]
    assert rows[1] == ["2", "What will this rate do?", "oscillates but converges",
                       "1", "0", "2", "0", "3", "yes"]
    assert rows[2][0] == "3" and rows[2][-2:] == ["0", "no"]
    assert len(rows) == 3  # the non-question step has no row


@pytest.mark.parametrize("lesson, named", [
    ({"steps": []}, "1 to 40 steps"),
    ({"steps": [{"title": "", "question": False}]}, "title"),
    ({"steps": [{"title": "<b>x</b>", "question": False}]}, "markup"),
    ({"steps": [{"title": "x", "question": "yes"}]}, "question"),
    ({"steps": [{"title": "x", "question": True}]}, "right answer"),
    ({"steps": [{"title": "x", "question": False, "v": float("nan")}]}, "plain JSON"),
    ({"steps": [{"title": "x", "question": False, "pad": "y" * 70_000}]}, "larger"),
    ([], "no list"),
])
def test_bad_lessons_start_no_class(lesson, named):
    with pytest.raises(BadQuestion, match=named):
        check_lesson(lesson)


def test_migrating_a_poll_database_keeps_its_polls(db_url, monkeypatch):
    """A database of today's schema (version 1, polls only) with data, then this code opens it."""
    from gd_poll.migrations import MIGRATIONS

    question = {"dataset": "seattle", "predictors": ["tmax"], "standardize": False, "lr": 1e-4,
                "w0": 0.5, "b0": 1.0, "epochs": 100}
    with monkeypatch.context() as m:
        m.setattr(gd_poll.migrations, "MIGRATIONS", MIGRATIONS[:1])
        m.setattr(gd_poll.migrations, "LATEST", 1)
        with open_store(db_url) as old:
            code, secret = old.start(question)
            old.answer(code, "v1", "crawl")
            old.answer(code, "v2", "diverge")
            old.reveal(code, secret)
            assert old.migrate() == 1
    with open_store(db_url) as new:
        assert new.migrate() == gd_poll.migrations.LATEST == 2
        poll = new.get(code)
        assert poll.counts["crawl"] == 1 and poll.counts["diverge"] == 1 and poll.revealed
        new.close(code, secret)  # the old secret still works
        cls, _ = new.classes.start(LESSON)
        assert new.classes.view(cls).step == 0


def test_the_follower_reads_the_store_once_a_second_for_any_number_of_phones():
    now = [0.0]
    calls = []

    def read(code):
        calls.append(code)
        time.sleep(0.05)  # a slow read: the other threads must wait for it, not read too
        return f"view-{len(calls)}"

    follower = Follower(read, ttl=1.0, clock=lambda: now[0])
    got = []
    threads = [threading.Thread(target=lambda: got.append(follower.get("ABCDEF"))) for _ in range(100)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == ["ABCDEF"] and set(got) == {"view-1"}
    now[0] = 0.99
    assert follower.get("ABCDEF") == "view-1"
    now[0] = 1.0
    assert follower.get("ABCDEF") == "view-2" and follower.reads == 2
    follower.forget("ABCDEF")
    assert follower.get("ABCDEF") == "view-3"


def test_a_follower_does_not_cache_errors():
    outcomes = iter([PollNotFound("no"), "ok"])

    def read(code):
        value = next(outcomes)
        if isinstance(value, Exception):
            raise value
        return value

    follower = Follower(read)
    with pytest.raises(PollNotFound):
        follower.get("ABCDEF")
    assert follower.get("ABCDEF") == "ok"
