"""Hardening across pages (AppTest): no accepted file can make a page fail, user text is never markup on
any page, the guard hides tracebacks, and a session keeps a bounded number of uploads.

Every page runs its body in ``gd_ui.widgets.frame.guarded``: an unexpected exception becomes the
message "Something went wrong drawing this page" (the traceback goes to the server log). So "a page
failed" here means an AppTest exception *or* that message.
"""

from __future__ import annotations

import json
import logging
import time
import tomllib
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import examples
from google.protobuf.message import Message
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as hs
from streamlit.testing.v1 import AppTest
from test_page_data import noaa_days

from gd_ui.safe import md_text

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
DATA_PAGE = "pages/Data.py"
PAGES = ("app.py", "pages/Learning_Rate_Lab.py", "pages/Loss_Landscape.py", "pages/Step_Through.py",
         DATA_PAGE)
GUARD = "Something went wrong drawing this page"


# --- driving the app ----------------------------------------------------------------------------------

def data_page() -> AppTest:
    """A new session, opened on the playground as a visitor does, then on the Data page."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    return at.switch_page(DATA_PAGE).run()


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    return at.file_uploader(key="data_file").set_value((name, data, "text/csv")).run()


def use_button(at: AppTest):
    """The "Use this dataset on every page" button, or None when the page did not draw it."""
    return next((b for b in at.button if b.key == "data_use"), None)


def use(at: AppTest, name: str, data: bytes) -> str:
    """Upload ``data`` as ``name`` on the Data page, click Use; the dataset key now active."""
    upload(at, name, data)
    assert not at.exception and not at.error, [e.value for e in at.error]
    at.button(key="data_use").click().run()
    assert not at.exception
    return at.selectbox(key="ds").value


def assert_page_ok(at: AppTest, where: str) -> None:
    """No exception escaped and the guard did not catch one either."""
    assert not at.exception, (where, [(e.message, e.stack_trace) for e in at.exception])
    caught = [e.value for e in at.error if GUARD in e.value]
    assert not caught, (where, caught)


def nodes(at: AppTest):
    """Every block and element of the last run: main area, sidebar and the event area (toasts)."""
    def walk(node):
        yield node
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    for root in at._tree.children.values():  # AppTest's root holds main, sidebar and event blocks
        yield from walk(root)


def proto_strings(message: Message, path: str = ""):
    """(field path, value) of every string in a protobuf message, nested messages included."""
    for field, value in message.ListFields():
        for item in value if field.is_repeated else [value]:
            if isinstance(item, Message):
                yield from proto_strings(item, f"{path}{field.name}.")
            elif isinstance(item, str):
                yield f"{path}{field.name}", item


# --- 1. no accepted file makes any page fail ------------------------------------------------------------

N_ROWS = 40  # cells drawn per column; a file uses the first ``n`` of them
EXTREMES = ("1e308", "-1e308", "1e154", "-1e154", "1.3e154", "1e-308", "NaN", "nan", "inf", "-inf", "1e309",
            "", "-9999", "M", "T", "0", "-0.0", "2500", "150", "-95", "-5")


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def _rows(cells):
    return hs.lists(cells, min_size=N_ROWS, max_size=N_ROWS)


def _column(cells):
    """A column's cells, in one of the ways a column goes wrong (or does not)."""
    return hs.one_of(
        _rows(cells), _rows(cells),  # plausible values (twice: half the files get past the importer)
        hs.tuples(_rows(cells), hs.integers(0, N_ROWS - 1), hs.sampled_from(EXTREMES)).map(
            lambda t: [*t[0][:t[1]], t[2], *t[0][t[1] + 1:]]),  # one extreme cell
        _rows(hs.one_of(hs.sampled_from(EXTREMES), cells)),  # extremes anywhere
        hs.sampled_from((*EXTREMES, "12.5")).map(lambda v: [v] * N_ROWS),  # constant; all empty; all NaN
        hs.tuples(_rows(cells), hs.sets(hs.integers(0, N_ROWS - 1), max_size=3)).map(
            lambda t: [v if i in t[1] else "" for i, v in enumerate(t[0])]),  # few non-missing values
    )


CELSIUS = hs.floats(-30, 40).map(_fmt)
FAHRENHEIT = hs.floats(10, 110).map(_fmt)  # °F-looking ranges
TEMPERATURES = hs.one_of(_column(CELSIUS), _column(FAHRENHEIT))
RAIN = hs.one_of(_column(hs.floats(0, 30).map(_fmt)), _column(hs.floats(0, 30).map(_fmt)),
                 _column(hs.floats(1e3, 1e308).map(lambda v: f"{v:g}")),  # huge rain
                 _column(hs.floats(-100, -0.01).map(_fmt)))  # negative rain
# Column names per layout, in the order tmax, tmin, rain (a NOAA CDO export is written separately).
HEADERS = {"tidy": ("tmax", "tmin", "rain"),
           "canada": ("Max Temp (°C)", "Min Temp (°C)", "Total Precip (mm)"),
           "wunderground": ("Max TemperatureF", "Min TemperatureF", "PrecipitationIn")}
LAYOUTS = ("noaa", *HEADERS)


def weather_file(layout: str, n: int, tmax, tmin, rain, duplicates=()) -> bytes:
    """A daily file of ``n`` days; each (i, j) in ``duplicates`` repeats day i's date with row j's values."""
    days = [(date(2021, 1, 1) + timedelta(days=d)).isoformat() for d in range(n)]
    rows = [[days[i], tmax[i], tmin[i], rain[i]] for i in range(n)]
    for i, j in duplicates:
        rows.insert(i % n + 1, [days[i % n], *rows[j % n][1:]])
    if layout == "noaa":
        lines = ['"STATION","NAME","DATE","PRCP","TMAX","TMIN"']
        lines += [f'"USW00023230","OAKLAND INTERNATIONAL AIRPORT, CA US","{day}","{r}","{hi}","{lo}"'
                  for day, hi, lo, r in rows]
    else:
        lines = [",".join(("date", *HEADERS[layout]))] + [",".join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


COUNTS: Counter = Counter()  # outcomes of the property test's examples (printed with -s)
MAX_EXAMPLES = examples(300)  # the full count in CI; a few locally (tests/conftest.py)
PLAIN = [_fmt(18 + (d * 7) % 11) for d in range(N_ROWS)]
RAINY = [_fmt((d % 4) * 1.5) for d in range(N_ROWS)]


class _Captured(logging.Handler):
    """The guard's log records (their tracebacks say what failed when a page shows the guard)."""

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []

    def emit(self, record):
        self.texts.append(self.format(record))


def check_pages_with(data: bytes, *, all_predictors: bool, standardize: bool) -> str:
    """Upload ``data`` in a new session; refused or unusable: nothing changed; else use it on every page.
    Returns the outcome: "refused", "unusable" or "used"."""
    at = data_page()
    before = at.selectbox(key="ds").value
    upload(at, "extreme.csv", data)
    assert_page_ok(at, "upload")
    button = use_button(at)
    if button is None or button.disabled:
        assert at.selectbox(key="ds").value == before
        refused = [e.value for e in at.error if "cannot be used" in e.value]
        if button is None:
            assert refused, "no Use button and no refusal"
        return "refused" if refused else "unusable"
    button.click().run()
    assert_page_ok(at, "use")
    active = at.selectbox(key="ds").value
    assert active.startswith("upload:") and active != before
    for page in PAGES:
        at.switch_page(page).run()
        assert_page_ok(at, page)
        assert at.selectbox(key="ds").value == active, page
        if page == "app.py":  # the sidebar's choices persist across pages (persist_state="session")
            chooser = next((m for m in at.multiselect if m.key == "pred"), None)
            if all_predictors and chooser is not None and len(chooser.options) > 1:
                chooser.set_value(chooser.options).run()
                assert_page_ok(at, "app.py, every predictor")
            if standardize and chooser is not None:
                at.toggle(key="std").set_value(True).run()
                assert_page_ok(at, "app.py, standardised")
    return "used"


@settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(layout=hs.sampled_from(LAYOUTS), n=hs.one_of(hs.integers(2, 5), hs.integers(6, N_ROWS)),
       tmax=TEMPERATURES, tmin=TEMPERATURES, rain=RAIN,
       duplicates=hs.one_of(hs.just(()), hs.just(()), hs.just(()),  # a repeated date is always refused
                            hs.lists(hs.tuples(hs.integers(0, N_ROWS), hs.integers(0, N_ROWS)),
                                     min_size=1, max_size=2)),
       all_predictors=hs.booleans(), standardize=hs.booleans())
@example(layout="tidy", n=N_ROWS, tmax=PLAIN, tmin=PLAIN[::-1], rain=RAINY, duplicates=[],
         all_predictors=True, standardize=True)  # an ordinary file: it must be used on every page
@example(layout="noaa", n=3, tmax=["1e308", *PLAIN[1:]], tmin=PLAIN, rain=RAINY, duplicates=[(1, 2)],
         all_predictors=True, standardize=False)
@example(layout="tidy", n=N_ROWS, tmax=["95.0"] * N_ROWS, tmin=PLAIN, rain=[""] * N_ROWS, duplicates=[],
         all_predictors=True, standardize=True)  # °F-looking constant tmax, no rain at all
@example(layout="noaa", n=13, tmax=[*["0.0"] * 7, "1.0", *["0.0"] * (N_ROWS - 8)], tmin=["0.0"] * N_ROWS,
         rain=["0.0"] * N_ROWS, duplicates=[], all_predictors=False,
         standardize=False)  # found by this test: "tomorrow = today" is exact on validation (MSE 0, log axis)
def no_accepted_file_breaks_a_page(layout, n, tmax, tmin, rain, duplicates, all_predictors, standardize):
    data = weather_file(layout, n, tmax, tmin, rain, duplicates)
    log = _Captured()
    logging.getLogger("descent_lab").addHandler(log)
    try:
        outcome = check_pages_with(data, all_predictors=all_predictors, standardize=standardize)
    except AssertionError as failure:
        raise AssertionError(f"{failure}\n--- the file:\n{data.decode()[:2000]}\n--- the server log:\n"
                             + "\n".join(log.texts)) from None
    finally:
        logging.getLogger("descent_lab").removeHandler(log)
    COUNTS[outcome] += 1
    COUNTS["examples"] += 1


@pytest.mark.slow
def test_no_accepted_file_makes_any_page_fail():
    COUNTS.clear()
    start = time.perf_counter()
    no_accepted_file_breaks_a_page()
    seconds = time.perf_counter() - start
    print(f"\nno_accepted_file_breaks_a_page: {COUNTS['examples']} examples in {seconds:.0f} s: "
          f"{COUNTS['used']} used on every page, {COUNTS['unusable']} accepted without tmax, "
          f"{COUNTS['refused']} refused")
    assert COUNTS["examples"] >= MAX_EXAMPLES  # the explicit examples run as well
    assert COUNTS["used"] > 0 and COUNTS["refused"] > 0, COUNTS


# --- 2. user text is never markup, on every page --------------------------------------------------------

MARKUP = "[x](http://evil.example) ![i](http://evil.example/i.png) $\\alpha$ :red[boom] **bold** <b>html</b>"
RAW = ("](http", "![", "$\\alpha$", ":red[", "**bold**", "<b>")  # each would render as markup
# Rendered as plain text by Streamlit (never markdown): st.text, st.code, select options (the dataset
# picker shows the raw label there, by design), ids, URLs and the like. Everything else that is text
# counts: bodies, labels and help of every element and block, radio and pill options, captions.
MARKDOWN_FIELDS = {"body", "label", "help", "captions", "options.content", "placeholder"}
PLAIN_TYPES = {"text", "code"}
MARKDOWN_OPTIONS = {"radio"}  # st.radio's options are markdown; selectbox/multiselect/slider options not


def markdown_texts(at: AppTest) -> list[tuple[str, str]]:
    """(where, text) of every string of the last run that Streamlit renders as markdown."""
    out = []
    for node in nodes(at):
        proto, kind = getattr(node, "proto", None), getattr(node, "type", type(node).__name__)
        if proto is None or kind in PLAIN_TYPES:
            continue
        for path, text in proto_strings(proto):
            last = path.split(".", 1)[-1] if path.startswith(("expandable.", "tab.", "popover.")) else path
            if last in MARKDOWN_FIELDS or (last == "options" and kind in MARKDOWN_OPTIONS):
                out.append((f"{kind}.{path}", text))
    return out


def plotly_texts(at: AppTest) -> list[str]:
    """Every string inside the Plotly figures (Plotly renders <b>, <a href> and the like in text)."""
    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            if "bdata" not in value:
                for v in value.values():
                    yield from strings(v)
        elif isinstance(value, list):
            for v in value:
                yield from strings(v)

    return [s for chart in at.get("plotly_chart") for s in strings(json.loads(chart.proto.spec))]


def assert_no_markup(at: AppTest, where: str) -> list[tuple[str, str]]:
    texts = markdown_texts(at)
    leaks = [(field, text) for field, text in texts if any(raw in text for raw in RAW)]
    assert not leaks, (where, leaks)
    drawn = [s for s in plotly_texts(at) if "evil.example" in s or "<b>html" in s]
    assert not drawn, (where, drawn)
    return texts


def hostile_station_file(n: int = 60, *, ids: bool = True) -> bytes:
    """A NOAA-like export whose station ids, station names and column names carry markup: two stations,
    so the Data page offers a station choice; or (``ids=False``) one station known by its NAME only."""
    header = ['"STATION"', '"NAME"', '"DATE ![i](http://evil.example/i.png)"', f'"PRCP {MARKUP}"',
              '"TMAX [x](http://evil.example)"', f'"Min Temp {MARKUP}"']
    lines = [",".join(header if ids else header[1:])]
    for station in (f"A {MARKUP}", f"B {MARKUP}") if ids else (None,):
        for d in range(n - (station == f"B {MARKUP}")):
            day = (date(2021, 1, 1) + timedelta(days=d)).isoformat()
            lines.append(("" if station is None else f'"{station}",')
                         + f'"{MARKUP} AIRPORT","{day}","{0.1 * (d % 3):.2f}",'
                         f'"{55 + (d * 7) % 13}","{40 + (d * 5) % 9}"')
    return ("\n".join(lines) + "\n").encode()


HOSTILE = {"file name": lambda: (f"{MARKUP}.csv", noaa_days()),
           "station ids and columns": lambda: ("station.csv", hostile_station_file()),
           "station name": lambda: ("named.csv", hostile_station_file(ids=False))}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_user_text_is_never_markup_on_any_page(case):
    name, data = HOSTILE[case]()
    at = upload(data_page(), name, data)
    assert not at.exception and not at.error, [e.value for e in at.error]
    texts = assert_no_markup(at, "Data page, the upload")
    if case != "file name":  # the detection's corrections name the columns found, escaped
        labels = " ".join(text for field, text in texts if field.startswith("selectbox"))
        assert md_text("TMAX [x](http://evil.example)") in labels, labels
        assert case != "station ids and columns" or md_text(f"A {MARKUP}") in labels
    at.button(key="data_use").click().run()
    active = at.session_state["data_uploads"][at.selectbox(key="ds").value].label
    assert "evil.example" in active  # the label carries the user's text, so the pages show it
    for page in PAGES:
        at.switch_page(page).run()
        assert_page_ok(at, page)
        texts = assert_no_markup(at, page)
        if page in ("app.py", DATA_PAGE):  # shown there, escaped (the provenance; the active dataset)
            assert any(md_text("[x](http://evil.example)") in text for _, text in texts), page


def test_the_markup_check_sees_every_kind_of_element():
    """The collector itself: raw markup in a label, help, expander, tab, metric, radio option, sidebar or
    alert is found; st.text, st.code and selectbox options (plain text in Streamlit) are not."""
    def script():
        import streamlit as st

        bad = "[x](http://evil.example)"
        st.text(bad)
        st.code(bad)
        st.selectbox("plain", [bad])
        st.sidebar.caption(bad)
        with st.expander(bad):
            st.button("b", help=bad)
        st.tabs(["ok", bad])
        st.metric(bad, 1)
        st.radio("r", ["ok", bad])
        st.warning(bad)

    at = AppTest.from_function(script).run()
    found = {field.split(".")[0] for field, text in markdown_texts(at) if "](http" in text}
    assert found == {"caption", "expander", "button", "tab", "metric", "radio", "warning"}, found


# --- 3. the guard ----------------------------------------------------------------------------------------

SECRET = "secret-detail /srv/descent-lab/gd_core/internal.py"


def assert_no_traceback(at: AppTest, *words: str) -> None:
    """No string anywhere in the run (any field of any element) shows the error's details."""
    shown = [(path, text) for node in nodes(at) if getattr(node, "proto", None) is not None
             for path, text in proto_strings(node.proto)]
    for word in ("Traceback", "File \"", str(ROOT), *words):
        leaks = [(path, text[:200]) for path, text in shown if word in text]
        assert not leaks, (word, leaks)


def _division_by_zero_page():
    from gd_ui.widgets import frame

    frame.guarded(lambda: 1 / 0)


def test_guard_turns_an_error_into_a_friendly_message(caplog):
    at = AppTest.from_function(_division_by_zero_page, default_timeout=60).run()
    assert not at.exception
    assert [e.value for e in at.error] == [e.value for e in at.error if GUARD in e.value] and at.error
    assert_no_traceback(at, "ZeroDivisionError", "division by zero")
    failed = [r for r in caplog.records if r.name == "descent_lab"]  # the details go to the server log
    assert failed and failed[-1].exc_info and failed[-1].exc_info[0] is ZeroDivisionError


@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_guarded(monkeypatch, path):
    """Every page's body fails (its frame raises): the page shows the friendly message only."""
    import gd_ui.widgets.frame

    def broken(*args, **kwargs):
        raise RuntimeError(SECRET)

    monkeypatch.setattr(gd_ui.widgets.frame, "open_page", broken)  # every page calls frame.open_page
    at = AppTest.from_file(APP, default_timeout=60).run()
    if path != "app.py":
        at.switch_page(path).run()
    assert not at.exception
    assert len(at.error) == 1 and GUARD in at.error[0].value
    assert_no_traceback(at, "RuntimeError", "secret-detail", "/srv/descent-lab")


def test_a_failing_playground_computation_is_guarded(monkeypatch):
    """A failure deep in the playground (its cached descent) after the sidebar was drawn."""
    import gd_ui.widgets.cache

    def broken(*args, **kwargs):
        raise RuntimeError(SECRET)

    monkeypatch.setattr(gd_ui.widgets.cache, "descent", broken)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert [e.value for e in at.error if GUARD in e.value]
    assert at.selectbox(key="ds").value  # the sidebar is still there to change the settings
    assert_no_traceback(at, "RuntimeError", "secret-detail", "/srv/descent-lab")


def test_config_hides_error_details_from_visitors():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"


# --- 4. a session keeps a bounded number of uploads ------------------------------------------------------

def tidy_days(seed: int, n: int = 30) -> bytes:
    rows = ["date,tmax,tmin,rain"] + [f"2021-03-{d:02d},{40 + (d * seed) % 17},{30 + d % 5},{d % 3}"
                                      for d in range(1, n + 1)]
    return ("\n".join(rows) + "\n").encode()


def dropped_captions(at: AppTest) -> list[str]:
    return [c.value for c in at.sidebar.caption if c.value.startswith("Dropped to save memory")]


def test_a_session_keeps_the_active_upload_and_two_recent_ones():
    names = ["first [x](http://evil.example).csv", "second.csv", "third.csv", "fourth.csv"]
    at = data_page()
    keys, labels = [], []
    for seed, name in enumerate(names, start=2):
        keys.append(use(at, name, tidy_days(seed)))
        labels.append(at.session_state["data_uploads"][keys[-1]].label)
        if len(keys) < 4:
            assert not dropped_captions(at) and "data_dropped" not in at.session_state
    assert len(set(keys)) == 4
    assert list(at.session_state["data_uploads"]) == keys[1:]  # the oldest went, newest last
    assert at.session_state["data_active"] == at.selectbox(key="ds").value == keys[-1]
    assert tuple(at.session_state["data_dropped"]) == (labels[0],)
    for page in PAGES:  # every page's picker offers the three kept, and says what was dropped
        at.switch_page(page).run()
        assert_page_ok(at, page)
        assert_no_markup(at, page)  # the first file's name is shown escaped in the caption
        picker = at.selectbox(key="ds")
        assert picker.value == keys[-1]
        assert [o for o in picker.options if o in labels] == labels[1:], picker.options
        assert dropped_captions(at) == ["Dropped to save memory (upload again to use): " + md_text(labels[0])]


def test_using_an_upload_again_makes_it_recent():
    at = data_page()
    keys = [use(at, f"file{seed}.csv", tidy_days(seed)) for seed in (2, 3, 4)]
    assert use(at, "file2.csv", tidy_days(2)) == keys[0]  # the first one, used again: now the newest
    assert list(at.session_state["data_uploads"]) == [keys[1], keys[2], keys[0]]
    newest = use(at, "file5.csv", tidy_days(5))
    assert list(at.session_state["data_uploads"]) == [keys[2], keys[0], newest]  # file3 went, not file2
    assert md_text("file3.csv") in " ".join(dropped_captions(at))
