"""Storage for the class poll: a teacher freezes a run as a question, students answer it by code.

Standard library only (``sqlite3``), plus psycopg 3 when ``DESCENT_LAB_DB`` is a PostgreSQL URL, imported
only then. Nothing here knows Streamlit. The public face::

    store = open_store()                          # DESCENT_LAB_DB, else a SQLite file in the user's data dir
    code, secret = store.start(question)          # question: see validate_question
    store.answer(code, voter_id, "oscillate")     # one per voter, the last one counts, at most 500 voters
    poll = store.get(code)                        # Poll: question, counts, total, revealed, closed, times
    store.reveal(code, secret); store.close(code, secret)

A class following a lesson (one code for all its steps, one changeable vote per browser per question,
rate limits, pause, a cap) is ``store.classes`` (:mod:`gd_poll.classes`); :class:`Follower` is the
per-process cache through which every phone of a worker reads its class.

Every refusal is a :class:`PollError` whose message can be shown as is.
"""

from gd_poll.classes import DEFAULT_CAP, ClassStore
from gd_poll.codes import ALPHABET, CODE_BITS, CODE_LENGTH, normalize_code
from gd_poll.db import ENV_VAR, default_path
from gd_poll.errors import (
    BadAnswer,
    BadQuestion,
    BadVoter,
    ClassEnded,
    JoiningClosed,
    NotOwner,
    PollClosed,
    PollError,
    PollExpired,
    PollFull,
    PollNotFound,
    RateLimited,
    StepLocked,
    StoreUnavailable,
)
from gd_poll.followed import ClassView, Follower, check_lesson
from gd_poll.migrations import LATEST as SCHEMA_VERSION
from gd_poll.questions import ANSWERS, validate_question
from gd_poll.store import LIFETIME, MAX_ANSWERS, PURGE_GRACE, Poll, Store, open_store

__all__ = [
    "ALPHABET",
    "ANSWERS",
    "CODE_BITS",
    "CODE_LENGTH",
    "DEFAULT_CAP",
    "ENV_VAR",
    "LIFETIME",
    "MAX_ANSWERS",
    "PURGE_GRACE",
    "SCHEMA_VERSION",
    "BadAnswer",
    "BadQuestion",
    "BadVoter",
    "ClassEnded",
    "ClassStore",
    "ClassView",
    "Follower",
    "JoiningClosed",
    "NotOwner",
    "Poll",
    "PollClosed",
    "PollError",
    "PollExpired",
    "PollFull",
    "PollNotFound",
    "RateLimited",
    "StepLocked",
    "Store",
    "StoreUnavailable",
    "check_lesson",
    "default_path",
    "normalize_code",
    "open_store",
    "validate_question",
]
