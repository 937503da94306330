"""A lesson the teacher walks through: a list of steps, each a view of the app with a title, a one-line
note for the teacher, and whether it is a prediction question. Pure (no Streamlit).

The built-in lesson, "The learning rate in ten minutes", is computed from the active data's λmax
(``gd_ui.presets``): crawl → just right → oscillate (predict first) → diverge (predict first) → the
learning-rate lab's sweep. Lessons are saved as versioned JSON (a file, or the same JSON packed into a
link); opening one checks every field and names the first problem (:class:`LessonError`), so the
caller can say it and keep the lesson it had.
"""

from __future__ import annotations

import base64
import json
import math
import zlib
from dataclasses import asdict, dataclass, field, replace

from gd_core.theory import Theory
from gd_ui.controls import EPOCH_STEPS
from gd_ui.presets import presets

VERSION = 1
PARAM = "lesson"  # ?lesson=<packed JSON> opens a lesson
PAGES = ("playground", "lab")
PREDICTORS = ("tmax", "tmin", "rain")
MAX_STEPS = 40
MAX_TEXT = 200
MAX_LINK_CHARS = 6000
W0_RANGE, B0_RANGE = (-3.0, 3.0), (-60.0, 60.0)  # the sidebar sliders' ranges
LR_RANGE = (1e-12, 1e3)
BUILTIN_TITLE = "The learning rate in ten minutes"


class LessonError(ValueError):
    """A lesson file or link that cannot be opened; ``str(exc)`` names the problem and the field."""


@dataclass(frozen=True)
class View:
    """What the app shows: dataset key, model, run, page (``schedule`` is reserved for later)."""

    dataset: str
    predictors: tuple[str, ...]
    shown: str
    standardize: bool
    lr: str  # as the rate slider spells it
    w0: float
    b0: float
    epochs: int
    page: str = "playground"
    schedule: str | None = None


@dataclass(frozen=True)
class Step:
    view: View
    title: str
    note: str = ""
    question: bool = False


@dataclass(frozen=True)
class Lesson:
    title: str
    steps: tuple[Step, ...] = field(default_factory=tuple)


def builtin(theory: Theory, base: View) -> Lesson:
    """"The learning rate in ten minutes" on ``base``'s data, model and start, rates from ``theory``."""
    by_key = {p.key: p for p in presets(theory)}

    def at(key: str, page: str = "playground") -> View:
        return replace(base, lr=by_key[key].spelled, page=page)

    return Lesson(BUILTIN_TITLE, (
        Step(at("crawl"), "A tiny learning rate",
             "η·λmax = 0.01: every epoch closes 1 % of the steepest gap — it crawls."),
        Step(at("just_right"), "The largest rate with no zig-zag",
             "η = 1/λmax: the steepest direction lands in one epoch, the rest shrink smoothly."),
        Step(at("oscillate"), "A bigger step: what will gradient descent do?",
             "Let the class predict, then Reveal.", True),
        Step(at("diverge"), "A little bigger still: and now?", "Predict first, then Reveal.", True),
        Step(at("just_right", "lab"), "Every rate at once: the learning-rate lab",
             "40 runs from 1/1000 to 10× the critical rate, zones shaded."),
    ))


# --- editing (each returns a new lesson) --------------------------------------------------------------

def add_step(lesson: Lesson, view: View, title: str, *, question: bool = False, note: str = "") -> Lesson:
    _check_count(len(lesson.steps) + 1)
    return replace(lesson, steps=(*lesson.steps, Step(view, _text("title", title), _text("note", note, True),
                                                      bool(question))))


def retitle(lesson: Lesson, index: int, title: str) -> Lesson:
    steps = list(lesson.steps)
    steps[index] = replace(steps[index], title=_text("title", title))
    return replace(lesson, steps=tuple(steps))


def move(lesson: Lesson, index: int, delta: int) -> Lesson:
    """Step ``index`` moved by ``delta`` places (clamped to the lesson's ends)."""
    steps = list(lesson.steps)
    target = min(max(index + delta, 0), len(steps) - 1)
    steps.insert(target, steps.pop(index))
    return replace(lesson, steps=tuple(steps))


def delete(lesson: Lesson, index: int) -> Lesson:
    if len(lesson.steps) <= 1:
        raise LessonError("A lesson keeps at least one step.")
    return replace(lesson, steps=lesson.steps[:index] + lesson.steps[index + 1:])


# --- saving and opening -------------------------------------------------------------------------------

def to_dict(lesson: Lesson) -> dict:
    steps = []
    for step in lesson.steps:
        view = asdict(step.view)
        view["predictors"] = list(view["predictors"])
        if view["schedule"] is None:
            del view["schedule"]
        steps.append({"title": step.title, "note": step.note, "question": step.question, "view": view})
    return {"version": VERSION, "title": lesson.title, "steps": steps}


def to_json(lesson: Lesson) -> str:
    """The lesson file's text: versioned, readable JSON."""
    return json.dumps(to_dict(lesson), ensure_ascii=False, indent=1)


def to_link(lesson: Lesson) -> str:
    """The value of ``?lesson=``: the compact JSON, deflated, base64url."""
    raw = json.dumps(to_dict(lesson), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii").rstrip("=")


def from_link(text: str, datasets) -> Lesson:
    if not isinstance(text, str) or len(text) > MAX_LINK_CHARS:
        raise LessonError("This lesson link is damaged or too long: ask for the link again.")
    try:
        raw = zlib.decompressobj().decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)),
                                              256 * 1024)
    except (ValueError, zlib.error) as exc:
        raise LessonError("This lesson link is damaged: ask for the link again.") from exc
    return from_json(raw, datasets)


def from_json(text: str | bytes, datasets) -> Lesson:
    """A lesson from its file's text; ``datasets``: the dataset keys this session has.

    Raises
    ------
    LessonError
        Not JSON; an unknown field; another version; a dataset this session lacks; a value out of
        range — the message names the step and the field.
    """
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise LessonError("This is not a lesson file: it is not JSON.") from exc
    if not isinstance(data, dict):
        raise LessonError("This is not a lesson file: it holds no lesson object.")
    _fields("the lesson", data, {"version", "title", "steps"}, {"version", "steps"})
    if data["version"] != VERSION:
        raise LessonError(f"This lesson file is version {data['version']!r}; this Descent Lab opens "
                          f"version {VERSION}. Save it again from a matching version.")
    steps = data["steps"]
    if not isinstance(steps, list):
        raise LessonError("The lesson's 'steps' must be a list.")
    _check_count(len(steps))
    title = _text("the lesson's title", data.get("title", BUILTIN_TITLE))
    return Lesson(title, tuple(_step(i, s, set(datasets)) for i, s in enumerate(steps, 1)))


def _step(i: int, raw: object, datasets: set) -> Step:
    where = f"step {i}"
    if not isinstance(raw, dict):
        raise LessonError(f"{where.capitalize()} is not a step.")
    _fields(where, raw, {"title", "note", "question", "view"}, {"title", "view"})
    question = raw.get("question", False)
    if not isinstance(question, bool):
        raise LessonError(f"{where.capitalize()}: 'question' must be true or false.")
    return Step(_view(where, raw["view"], datasets), _text(f"{where}'s title", raw["title"]),
                _text(f"{where}'s note", raw.get("note", ""), True), question)


def _view(where: str, raw: object, datasets: set) -> View:
    if not isinstance(raw, dict):
        raise LessonError(f"{where.capitalize()}: 'view' must be an object.")
    names = {"dataset", "predictors", "shown", "standardize", "lr", "w0", "b0", "epochs", "page", "schedule"}
    _fields(f"{where}'s view", raw, names, names - {"page", "schedule"})
    if raw["dataset"] not in datasets:
        shown = raw["dataset"] if isinstance(raw["dataset"], str) and raw["dataset"].isprintable() else "?"
        raise LessonError(f"{where.capitalize()} uses the dataset '{shown[:60]}', which this session does "
                          f"not have: upload it on the Data page first, then open the lesson again.")
    preds = raw["predictors"]
    if not isinstance(preds, list) or not preds or any(p not in PREDICTORS for p in preds) \
            or len(set(preds)) != len(preds):
        raise LessonError(f"{where.capitalize()}: 'predictors' must be some of {', '.join(PREDICTORS)}.")
    if raw["shown"] not in preds:
        raise LessonError(f"{where.capitalize()}: 'shown' must be one of its predictors.")
    if not isinstance(raw["standardize"], bool):
        raise LessonError(f"{where.capitalize()}: 'standardize' must be true or false.")
    lr = _number(where, "lr", raw["lr"], LR_RANGE, text=True)
    w0 = _number(where, "w0", raw["w0"], W0_RANGE)
    b0 = _number(where, "b0", raw["b0"], B0_RANGE)
    epochs = raw["epochs"]
    if isinstance(epochs, bool) or epochs not in EPOCH_STEPS:
        raise LessonError(f"{where.capitalize()}: 'epochs' is {epochs!r}, not one of the epoch slider's "
                          f"values (1 to {EPOCH_STEPS[-1]:,}).")
    page = raw.get("page", "playground")
    if page not in PAGES:
        raise LessonError(f"{where.capitalize()}: 'page' must be one of {', '.join(PAGES)}.")
    if raw.get("schedule") is not None:
        raise LessonError(f"{where.capitalize()}: 'schedule' is not supported yet: remove it.")
    return View(raw["dataset"], tuple(preds), raw["shown"], raw["standardize"], lr, w0, b0, int(epochs), page)


def _number(where: str, name: str, value: object, bounds: tuple[float, float], *, text: bool = False):
    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        number = math.nan
    if not (math.isfinite(number) and bounds[0] <= number <= bounds[1]):
        raise LessonError(f"{where.capitalize()}: '{name}' is out of range ({str(value)[:30]!r}; it must "
                          f"be a number from {bounds[0]:g} to {bounds[1]:g}).")
    return f"{number:.6g}" if text and not isinstance(value, str) else (str(value) if text else number)


def _fields(where: str, raw: dict, allowed: set, required: set) -> None:
    unknown = sorted(str(k)[:40] for k in raw if k not in allowed)
    if unknown:
        raise LessonError(f"{where[0].upper() + where[1:]} has an unknown field '{unknown[0]}': this "
                          "Descent Lab does not know it. Remove it or use a matching version.")
    missing = sorted(required - set(raw))
    if missing:
        raise LessonError(f"{where[0].upper() + where[1:]} lacks the field '{missing[0]}'.")


def _text(name: str, value: object, blank_ok: bool = False) -> str:
    if not isinstance(value, str) or (not blank_ok and not value.strip()):
        raise LessonError(f"The {name} must be {'text' if blank_ok else 'a non-empty text'}.")
    if len(value) > MAX_TEXT or not value.isprintable() or "<" in value or ">" in value:
        raise LessonError(f"The {name} must be at most {MAX_TEXT} printable characters, without < or >.")
    return value.strip()


def _check_count(n: int) -> None:
    if not 1 <= n <= MAX_STEPS:
        raise LessonError(f"A lesson has 1 to {MAX_STEPS} steps (this one would have {n}).")
