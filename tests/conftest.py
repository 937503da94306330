"""Fixtures and helpers every test module shares: paths, the bundled datasets, the tutorial's reference
data, decoding Plotly's typed arrays, the closed form as a drop-in for the literal loop, AppTest pages."""

from __future__ import annotations

import base64
import functools
import json
import os
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
# The tutorial's own data lives next to the repository, never inside it (see ../shared/reference/).
REFERENCE_CSV = REPO.parent / "shared" / "reference" / "clean_weather.csv"
KINDS = {"f4": np.float32, "f8": np.float64, "i1": np.int8, "i2": np.int16, "i4": np.int32,
         "u1": np.uint8, "u2": np.uint16, "u4": np.uint32}


def examples(full: int) -> int:
    """A property test's example count: ``full`` in CI (``CI`` set), a tenth (at least 10) locally, so
    the local loop stays quick and CI still searches as hard as ever (``DESCENT_LAB_EXAMPLES=full``
    forces the full count)."""
    if os.environ.get("CI") or os.environ.get("DESCENT_LAB_EXAMPLES") == "full":
        return full
    return max(10, full // 10)


def require_reference(path: Path) -> Path:
    """``path`` if it exists; else skip with the reason, or fail when ``CI`` is set (CI must run it)."""
    if path.is_file():
        return path
    reason = f"tutorial reference data not found at {path}"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}, and CI is set: the tutorial reproduction must run in CI")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def reference_csv() -> Path:
    """The tutorial's ``clean_weather.csv`` (skipped where ``../shared`` is absent, never in CI)."""
    return require_reference(REFERENCE_CSV)


def decode(spec) -> np.ndarray:
    """A Plotly typed-array spec (``{"dtype", "bdata"}``) or a plain list as floats."""
    if isinstance(spec, dict) and "bdata" in spec:
        return np.frombuffer(base64.b64decode(spec["bdata"]), dtype=KINDS[spec["dtype"]]).astype(float)
    return np.asarray([np.nan if v is None else v for v in spec], dtype=float)


def fast_descent(x, y, w, b, *, lr: float, epochs: int, x_valid=None, y_valid=None, max_points: int = 400):
    """The closed form with the literal loop's signature (``gradient_descent``'s drop-in)."""
    from gd_core.quadratic import Quadratic

    return Quadratic.from_data(x, y, x_valid, y_valid).descend(w, b, lr=lr, epochs=epochs,
                                                               max_points=max_points)


@functools.cache
def frame_of(key: str):
    """A bundled dataset's weather frame (read once per test session)."""
    from gd_ui.datasets import read_bundled

    return read_bundled(key)


@functools.cache
def experiment_of(key: str = "seattle", predictors: tuple = ("tmax",), standardize: bool = False):
    """An :class:`~gd_core.experiment.Experiment` on a bundled dataset (built once per session)."""
    from gd_core.data import make_problem
    from gd_core.experiment import Experiment

    return Experiment.build(make_problem(frame_of(key), predictors, "tmax_tomorrow"), standardize=standardize)


def dataset_of(key: str):
    """A bundled dataset as the pages see it."""
    from gd_ui.datasets import BUNDLED_BY_KEY, Dataset

    b = BUNDLED_BY_KEY[key]
    return Dataset(key, b.label, frame_of(key), b.temperature_unit, b.rain_unit, b.note)


@pytest.fixture(scope="session")
def seattle_frame():
    return frame_of("seattle")


@pytest.fixture(scope="session")
def clemson_frame():
    return frame_of("clemson")


def open_page(page: str = "app.py", *, query: dict | None = None, **state):
    """An AppTest started on the playground (as a visitor does), with ``query`` parameters and session
    values set, then switched to ``page`` and run."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    if page == "app.py" and not state:
        return at
    if page != "app.py":
        at.switch_page(page)
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def to_playground(at):
    """``at`` switched back to the Playground (then ``.run()`` it): st.navigation's page at the root is
    app.py's own function, which ``AppTest.switch_page`` (files only) cannot name. (After a run of a file
    page AppTest lists the pages as file discovery would; the root is then app.py, which routes the same.)"""
    at._page_hash = next(h for h, info in at._registered_pages.items() if info.get("url_pathname") == "")
    return at


def open_link(page: str = "app.py", query: dict | None = None):
    """An AppTest of a new visitor following a link straight to ``page`` with ``query`` (the session's
    first run is that page's, as in a browser; ``open_page`` starts on the playground instead)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(query or {})
    if page != "app.py":
        at.switch_page(page)
    return at.run()


def component_data(element):
    """A component element's data as the page sent it: the JSON the app packs as bytes (the chart's and
    the plain figures', ``gd_ui.chart.live_payload.packed``), else Streamlit's JSON; None for neither."""
    proto = element.proto
    field = proto.WhichOneof("data")
    if field == "bytes":
        try:
            return json.loads(proto.bytes)
        except ValueError:  # the rate table's DLT1 bytes
            return None
    return json.loads(proto.json) if field == "json" else None


def specs(at) -> list[dict]:
    """Every Plotly chart of an AppTest run, as ``{"data", "layout", "frames"}``: Streamlit's charts, then
    the figures drawn by the app's own plotly.js (``gd_ui/widgets/plain_chart.py``), in page order each."""
    plain = [component_data(e)["figure"]
             for e in at.get("bidi_component") if e.proto.component_name == "descent_lab_plain"]
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")] + plain


def plain(at, key: str) -> dict:
    """The figure the app's own plotly.js draws under ``key`` (``gd_ui/widgets/plain_chart.py``) as
    ``{"figure": {"data", "layout"}, "alt": ...}``."""
    element = next(e for e in at.get("bidi_component") if e.proto.component_name == "descent_lab_plain"
                   and e.proto.id.endswith("-" + key))
    data = component_data(element)
    return {"figure": data["figure"], "alt": data["alt"]}


def numbers(at):
    """The Playground's numbers (a markdown table under "The numbers") as a DataFrame of its text cells."""
    import pandas as pd

    table = next(m.value for m in at.markdown if m.value.startswith("|  | descent | optimum |"))
    rows = [[c.strip().replace("\\", "") for c in line.strip("|").split("|")]
            for line in table.splitlines() if not line.startswith("|:--")]
    return pd.DataFrame([r[1:] for r in rows[1:]], index=[r[0] for r in rows[1:]], columns=rows[0][1:])


def live(at, key: str = "live") -> dict | None:
    """A live chart as the page sent it (``key``: the playground's, or the lesson's ``step_live``): its
    JSON (None when not drawn)."""
    charts = [e for e in at.get("bidi_component") if e.proto.component_name == "descent_lab_live"
              and (component_data(e) or {}).get("key") == key]
    return component_data(charts[0]) if charts else None


def live_table(at) -> bytes | None:
    """The live chart's rate table (the DLT1 bytes), as the page sent it."""
    tables = [e for e in at.get("bidi_component") if e.proto.component_name == "descent_lab_table"
              and e.proto.WhichOneof("data") == "bytes"]  # not the plotly.js preload (a URL)
    return tables[0].proto.bytes if tables else None


def decode_table(blob: bytes) -> dict:
    """The DLT1 layout read independently of the writer: magic, length, JSON header, typed arrays."""
    assert blob[:4] == b"DLT1"
    length = int.from_bytes(blob[4:8], "little")
    header = json.loads(blob[8:8 + length])
    start = 8 + length
    assert start % 8 == 0
    out = dict(header)
    for name, (offset, size, dtype) in header["arrays"].items():
        kind = "<f4" if dtype == "f4" else "<f8"
        out[name] = np.frombuffer(blob, dtype=kind, count=size, offset=start + offset)
    return out


# --- PostgreSQL for the class poll's tests -------------------------------------------------------------

PG_ENV = "DESCENT_LAB_TEST_PG"


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    url = os.environ.get(PG_ENV, "").strip()
    if not url:
        reason = f"the PostgreSQL poll tests need {PG_ENV}=postgresql://user:password@host:port/database"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}, and CI is set: they must run in CI")
        pytest.skip(reason)
    return url


@contextmanager
def pg_schema(admin_url: str):
    """A URL into a fresh, uniquely named schema (``search_path`` and ``application_name`` set in the
    URL, so every connection of every process lands there); the schema is dropped afterwards."""
    import psycopg

    schema = f"gd_poll_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    parts = urlsplit(admin_url)
    query = parse_qsl(parts.query) + [("options", f"-c search_path={schema}"), ("application_name", schema)]
    try:
        yield urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def status_box(at) -> dict | None:
    """The Playground's status box (``data-testid="descent-status"``) as plain values: ``kind``
    (converged, descending, diverged), ``verdict`` (the words shown, a reveal first if any) and
    ``numbers`` (behind "Why, in numbers"); ``text`` is both. None when the page shows no status."""
    import html as html_module
    import re

    values = [m.value for m in at.markdown]
    box = next((i for i, v in enumerate(values) if 'data-testid="descent-status"' in v), None)
    if box is None:
        return None
    kind = re.search(r'class="dl-status dl-(\w+)"', values[box]).group(1)
    verdict = html_module.unescape(re.sub(r"<[^>]+>", "", values[box])).strip()
    numbers = " ".join(re.sub(r"\\(.)", r"\1", v) for v in values[box + 1:box + 3]
                       if v.startswith("Why, in numbers"))
    return {"kind": kind, "verdict": verdict, "numbers": numbers, "text": f"{verdict} {numbers}"}
