"""What a class's followers see, and the one read per worker that serves all of them.

:class:`ClassView` is a class at one moment (step, reveals, pause, counts). :class:`Follower` is the
per-process cache: every session of a worker that follows class ``code`` asks it, and it reads the
store at most once per ``ttl`` seconds per class (one caller reads, the others wait for that read), so
the store's load grows with the number of workers, not with the number of phones.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from gd_poll.errors import BadQuestion
from gd_poll.questions import ANSWERS, _text

MAX_STEPS = 40
MAX_LESSON_BYTES = 64 * 1024
FOLLOW_TTL_S = 1.0


def check_lesson(lesson: object) -> str:
    """The lesson as the compact JSON the store keeps, after the checks phones rely on: 1 to 40 steps,
    each with a ``title`` (plain text), ``question`` (bool) and, on a question, its right ``answer``
    (a key of :data:`~gd_poll.ANSWERS`). Other fields are the lesson model's and pass through."""
    if not isinstance(lesson, dict) or not isinstance(lesson.get("steps"), list):
        raise BadQuestion("This lesson cannot start a class: it has no list of steps.")
    steps = lesson["steps"]
    if not 1 <= len(steps) <= MAX_STEPS:
        raise BadQuestion(f"This lesson cannot start a class: it needs 1 to {MAX_STEPS} steps.")
    for i, step in enumerate(steps, 1):
        if not isinstance(step, dict):
            raise BadQuestion(f"This lesson cannot start a class: step {i} is not a step.")
        _text(f"step {i}'s title", step.get("title"))
        if not isinstance(step.get("question"), bool):
            raise BadQuestion(f"This lesson cannot start a class: step {i} must say if it is a question.")
        if step["question"] and step.get("answer") not in ANSWERS:
            raise BadQuestion(f"This lesson cannot start a class: question step {i} has no right answer.")
    try:
        text = json.dumps(lesson, ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise BadQuestion("This lesson cannot start a class: it holds a value that is not plain JSON.") \
            from exc
    if len(text.encode("utf-8")) > MAX_LESSON_BYTES:
        raise BadQuestion(f"This lesson cannot start a class: it is larger than {MAX_LESSON_BYTES:,} bytes.")
    return text


@dataclass(frozen=True)
class ClassView:
    """A class as read at one moment (what every follower is shown). ``counts``: the current step's
    answers per key of :data:`~gd_poll.ANSWERS`; ``revealed``: the steps revealed so far."""

    code: str
    lesson: dict
    step: int
    paused: bool
    joining_open: bool
    cap: int
    rev: int
    created_at: float
    expires_at: float
    ended: bool
    revealed: frozenset[int]
    joined: int
    counts: dict[str, int]

    @property
    def steps(self) -> list[dict]:
        return self.lesson["steps"]

    @property
    def current(self) -> dict:
        return self.steps[self.step]

    @property
    def answered(self) -> int:
        return sum(self.counts.values())

    @property
    def accepting(self) -> bool:
        """The current step takes answers: a question, not revealed, class neither paused nor ended."""
        return bool(self.current["question"]) and self.step not in self.revealed and not self.ended


class Follower:
    """``get(code)``: the class's :class:`ClassView`, read through ``read(code)`` at most once per
    ``ttl`` seconds per code; errors are not cached (the next call reads again)."""

    def __init__(self, read: Callable[[str], ClassView], *, ttl: float = FOLLOW_TTL_S,
                 clock: Callable[[], float] = time.monotonic, max_classes: int = 256):
        self._read, self._ttl, self._clock, self._max = read, ttl, clock, max_classes
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, ClassView]] = {}
        self._reading: dict[str, threading.Lock] = {}
        self.reads = 0  # store reads so far (the benchmark and tests look)

    def get(self, code: str) -> ClassView:
        fresh = self._fresh(code)
        if fresh is not None:
            return fresh
        with self._lock:
            gate = self._reading.setdefault(code, threading.Lock())
        with gate:  # one reader per code; the rest find its result
            fresh = self._fresh(code)
            if fresh is not None:
                return fresh
            view = self._read(code)
            with self._lock:
                self.reads += 1
                if len(self._entries) >= self._max:
                    self._entries.pop(next(iter(self._entries)))
                self._entries[code] = (self._clock(), view)
            return view

    def forget(self, code: str) -> None:
        """Drop ``code`` (the teacher's own worker after a change: its next read is fresh)."""
        with self._lock:
            self._entries.pop(code, None)

    def _fresh(self, code: str) -> ClassView | None:
        with self._lock:
            entry = self._entries.get(code)
        if entry is not None and self._clock() - entry[0] < self._ttl:
            return entry[1]
        return None
