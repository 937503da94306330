"""Links: every URL parameter is checked before a widget binds it, and the URL the app writes reads back
to the same view, on every page.

``written_url`` plays the browser's part: Streamlit's frontend writes a bound widget's value into the
address bar as the widget spells it (``format_func`` of the option; a number as a number; a toggle as
``true``/``false``) and leaves out a value equal to the default.
"""

from __future__ import annotations

import math

import pytest
from conftest import open_link, open_page
from streamlit.testing.v1 import AppTest

from gd_ui.url_check import check, choice, flag, note, number, rate

PAGES = ("app.py", "pages/Data.py", "pages/Learning_Rate_Lab.py", "pages/Loss_Landscape.py",
         "pages/Step_Through.py")  # the data page binds only the sidebar's dataset picker
# the model, the step and the schedule first: the other settings depend on them
FIRST = ("ds", "pred", "std", "step_part", "predict", "sched", "land_sched")
FAILED = "Something went wrong"


# ------------------------------------------------------------------------------------ the pure check


def test_numbers_flags_rates_and_choices_are_checked():
    specs = {"n": number(0, 10, whole=True), "f": flag(), "r": rate(),
             "e": choice((1000, 50_000), lambda e: f"{e:,}"), "m": choice("abc", several=True, most=2)}
    good = check({"n": ["3"], "f": ["TRUE"], "r": ["3.2e-04"], "e": ["50,000"], "m": ["a", "c"]}, specs)
    assert good.params == {"n": ["3"], "f": ["true"], "r": ["3.2e-04"], "e": ["50,000"], "m": ["a", "c"]}
    assert not good.dropped
    spelled = check({"e": ["50000"], "x": ["kept"]}, specs)
    assert spelled.params == {"e": ["50,000"], "x": ["kept"]} and spelled.respelled == {"e": ["50,000"]}
    assert check({"e": ["5e4"]}, specs).params == {"e": ["50,000"]}
    for name, value in (("n", "inf"), ("n", "nan"), ("n", "11"), ("n", "2.5"), ("n", "-1"), ("n", ""),
                        ("f", "maybe"), ("r", "0"), ("r", "-1e-3"), ("r", "1e309"), ("r", "abc"),
                        ("e", "123"), ("e", "1e308")):
        checked = check({name: [value]}, specs)
        assert checked.dropped == {name: [value]} and name not in checked.params, (name, value)
    assert check({"m": ["a", "b", "c"]}, specs).dropped  # more than two
    assert check({"m": ["a", "z"]}, specs).dropped


def test_the_note_names_each_bad_value_briefly():
    specs = {"step_epoch": number(0, 1000, whole=True), "w0": number(-3, 3)}
    text = note(check({"step_epoch": ["inf"], "w0": ["9" * 80]}, specs), specs)
    assert text.startswith("The link's step_epoch=inf (expected a whole number from 0 to 1000)")
    assert "w0=999" in text and "…" in text and len(text) < 250 and "\n" not in text
    assert note(check({"w0": ["1"]}, specs), specs) is None


# -------------------------------------------------------------------------------- pages, bad values

BAD = [
    ("pages/Step_Through.py", {"step_part": "epochs", "step_epoch": "inf"}, ("step_epoch",)),
    ("pages/Step_Through.py", {"step_x": "1e308", "step_b": "1e308", "step_y": "-1e308", "step_lr": "1e308",
                                 "step_w": "nan"}, ("step_x", "step_b", "step_y", "step_lr", "step_w")),
    ("pages/Loss_Landscape.py", {"land_mb_seed": "inf", "land_w0": "7", "land_epochs": "3"},
     ("land_mb_seed", "land_w0", "land_epochs")),
    ("app.py", {"w0": "inf", "b0": "-1e308", "epochs": "abc", "lr": "-1", "std": "maybe", "predict": "2"},
     ("w0", "b0", "epochs", "lr", "std", "predict")),
    ("pages/Learning_Rate_Lab.py", {"lab_rates": ["0.5", "7"], "lab_excess": "1e308"},
     ("lab_rates", "lab_excess")),
]


def _plain(markdown: str) -> str:
    """A note as the visitor reads it (``md_text`` escapes every punctuation mark)."""
    return markdown.replace("\\", "").replace("\u200b", "")


@pytest.mark.parametrize(("page", "query", "bad"), BAD, ids=[f"{p}:{','.join(b)}" for p, _, b in BAD])
def test_a_bad_value_is_ignored_with_a_note_and_the_page_works(page, query, bad):
    at = open_link(page, query)
    notes = [_plain(e.value) for e in at.info if "ignored" in e.value]
    assert len(notes) == 1, [e.value for e in at.info]
    for name in bad:
        assert f"{name}=" in notes[0], (name, notes[0])
    assert not at.exception, at.exception
    assert not [e.value for e in at.error if FAILED in e.value]
    for name in bad:
        assert name not in at.query_params, f"{name} still in the URL: {at.query_params}"
    values = [at.session_state[n] for n in bad if n in at.session_state]
    assert all(not isinstance(v, float) or math.isfinite(v) for v in values), values


def test_the_readme_example_link_opens_that_view():
    at = open_page(query={"ds": "clemson", "lr": "3.2e-04", "epochs": "50000", "w0": "0.5"})
    state = at.session_state
    assert (state["ds"], state["lr"], state["epochs"], state["w0"]) == ("clemson", "3.2e-04", 50_000, 0.5)
    assert at.query_params.get("ds") == "clemson", f"ds left the address bar: {at.query_params}"
    assert not [e.value for e in at.info if "ignored" in e.value]


# ------------------------------------------------------------------------------------ round trips


def bound_widgets(at: AppTest) -> dict[str, object]:
    """Every widget of the run bound to the URL, by its key."""
    out = {}

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and getattr(proto, "query_param_key", ""):
            out[proto.query_param_key] = node
        children = getattr(node, "children", None)
        for child in (children.values() if isinstance(children, dict) else ()):
            walk(child)

    walk(at._tree)
    return out


def _spelled(widget, value) -> list[str]:
    kind = type(widget).__name__
    if kind in ("Toggle", "Checkbox"):
        return ["true" if value else "false"]
    if kind in ("Slider", "NumberInput"):
        return [repr(float(value)) if isinstance(value, float) else str(value)]
    values = value if isinstance(value, list | tuple) and kind in ("Multiselect", "ButtonGroup") else [value]
    return [str(widget.format_func(v)) for v in values]


def written_url(at: AppTest) -> dict[str, list[str]]:
    """The query the browser would show for this run: each bound widget whose value is not its default."""
    url = {}
    for key, widget in bound_widgets(at).items():
        if _same(_formatted(widget), _default_of(widget)):
            continue
        url[key] = _spelled(widget, widget.value)
    return url


def _default_of(widget):
    kind, proto = type(widget).__name__, widget.proto
    if kind == "Toggle" or kind == "Checkbox":
        return proto.default
    if kind == "Slider":
        return list(proto.default) if len(proto.default) > 1 else proto.default[0]
    if kind == "NumberInput":
        return proto.default if proto.HasField("default") else None
    if kind in ("SelectSlider", "Selectbox", "Radio"):
        idx = [int(i) for i in proto.default] if kind == "SelectSlider" else [int(proto.default)]
        opts = widget.options
        return None if not idx else [opts[i] for i in idx] if kind == "SelectSlider" and len(idx) > 1 \
            else opts[idx[0]]
    if kind in ("Multiselect", "ButtonGroup"):
        opts = [o.content if hasattr(o, "content") else o for o in proto.options]
        return [opts[int(i)] for i in proto.default]
    raise AssertionError(f"no default rule for {kind}")


def _same(value, default) -> bool:
    """A value against a proto default (formatted options for selects)."""
    if isinstance(value, int | float) and isinstance(default, int | float) and not isinstance(value, bool):
        return float(value) == float(default)
    return value == default


def _formatted(widget):
    kind = type(widget).__name__
    value = widget.value
    if kind in ("SelectSlider", "Selectbox", "Radio"):
        return widget.format_func(value)
    if kind in ("Multiselect", "ButtonGroup"):
        return [widget.format_func(v) for v in value]
    return value


def _other(widget):
    """A value for ``widget`` different from its current one (and from its default where it can)."""
    kind, value = type(widget).__name__, widget.value
    if kind == "Toggle" or kind == "Checkbox":
        return not value
    if kind == "Slider":
        lo, hi, step = widget.min, widget.max, widget.step
        if value + (hi - lo) / 7 <= hi:
            return round(lo + round((value - lo + (hi - lo) / 7) / step) * step, 6)
        return round(lo + step * 3, 6)
    if kind == "NumberInput":
        step = widget.step or 1
        hi = widget.max if widget.proto.has_max else math.inf
        new = value + 3 * step
        return type(value)(new) if new <= hi else type(value)(value - 3 * step)
    if kind == "SelectSlider":
        raw = _raw_options(widget)
        i = raw.index(value)
        return raw[i - 2] if i >= 2 else raw[i + 2]
    if kind in ("Selectbox", "Radio"):
        raw = _raw_options(widget)
        return raw[(raw.index(value) + 1) % len(raw)]
    if kind == "Multiselect":
        raw = _raw_options(widget)
        return raw[:2] if list(value) != raw[:2] else raw[:1]
    if kind == "ButtonGroup":
        return list(value)[:-1] or [_raw_options(widget)[0]]
    raise AssertionError(f"no rule for {kind}")


def _raw_options(widget) -> list:
    """The widget's options as the script passed them (the proto holds them formatted): recovered
    through ``format_func`` over the candidates the session can know."""
    from gd_ui.widgets import urlguard

    kind = type(widget).__name__
    key = widget.proto.query_param_key
    spec = urlguard.specs().get(key)
    formatted = [o.content if hasattr(o, "content") else o for o in widget.proto.options]
    candidates = list(spec.options) if spec is not None and spec.options else formatted
    by_text = {str(widget.format_func(c)): c for c in candidates}
    assert all(f in by_text for f in formatted), f"{kind} {key}: options {formatted} not from {candidates}"
    return [by_text[f] for f in formatted]


VIEWS = [(p, ()) for p in PAGES] + [("pages/Step_Through.py", ("step_part",))]  # its step 1, then 2


@pytest.mark.parametrize(("page", "kept"), VIEWS, ids=[f"{p}{'-'.join(('', *k))}" for p, k in VIEWS])
def test_every_setting_of_every_page_round_trips_through_its_url(page, kept):
    at = open_page(page)
    assert bound_widgets(at), f"no URL-bound widget on {page}"
    for stage in (FIRST, None):  # the model (and the step) first: the rest may depend on them
        for key, widget in bound_widgets(at).items():
            if (stage is None) == (key in FIRST) or key in kept or widget.proto.disabled:
                continue
            if key == "ds":
                widget.set_value("clemson")
            elif key == "lr":
                options = widget.options
                widget.set_value(options[len(options) // 3])
            else:
                widget.set_value(_other(widget))
        at.run()
        assert not at.exception, at.exception
    url = written_url(at)
    wanted = {k: _formatted(w) for k, w in bound_widgets(at).items()}
    unchanged = [k for k, w in bound_widgets(at).items() if k not in url and k not in kept
                 and not w.proto.disabled]
    assert not unchanged, f"{page}: {unchanged} kept their defaults: the test must change every setting"

    again = open_link(page, {k: v if len(v) > 1 else v[0] for k, v in url.items()})
    assert not at.exception and not again.exception, again.exception
    assert not [e.value for e in again.info if "ignored" in e.value], f"{page}: {url} partly ignored"
    got = {k: _formatted(w) for k, w in bound_widgets(again).items()}
    lost = {k: (wanted[k], got.get(k)) for k in wanted if got.get(k) != wanted[k]}
    assert not lost, f"{page}: the link {url} opened other values (wanted, got): {lost}"
    assert written_url(again) == url, f"{page}: the reopened view writes another URL"
