"""Layering: ``gd_core`` is numpy, pandas and the standard library only; in ``gd_ui`` the figure builders
never import Streamlit, the widgets never import Plotly, the pure modules neither; no module imports both."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

from conftest import REPO

CORE = REPO / "gd_core"
ALLOWED = {"numpy", "pandas", "gd_core"} | set(sys.stdlib_module_names)

PROBE = """
import importlib, json, pkgutil, sys
import gd_core
after_package = sorted(m for m in sys.modules if m.split(".")[0] in ("streamlit", "plotly"))
for info in pkgutil.iter_modules(gd_core.__path__):
    if info.name != "__main__":
        importlib.import_module("gd_core." + info.name)
after_all = sorted(m for m in sys.modules if m.split(".")[0] in ("streamlit", "plotly"))
print(json.dumps({"package": after_package, "all": after_all, "public": sorted(gd_core.__all__)}))
"""


def test_importing_gd_core_pulls_in_neither_streamlit_nor_plotly():
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["package"] == [], "import gd_core loaded " + ", ".join(seen["package"])
    assert seen["all"] == [], "a gd_core module loaded " + ", ".join(seen["all"])
    assert {"gradient_descent", "Quadratic", "theory", "forward", "backward"} <= set(seen["public"])


def imported_roots(path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_core_sources_import_only_numpy_pandas_and_the_standard_library():
    files = sorted(CORE.rglob("*.py"))
    assert len(files) >= 9
    offenders = {str(f.relative_to(CORE)): sorted(imported_roots(f) - ALLOWED) for f in files}
    assert {name: bad for name, bad in offenders.items() if bad} == {}


def test_the_poll_store_imports_only_the_standard_library_and_psycopg():
    files = sorted((REPO / "gd_poll").rglob("*.py"))
    assert len(files) >= 5
    allowed = set(sys.stdlib_module_names) | {"gd_poll", "psycopg"}
    offenders = {str(f.relative_to(REPO)): sorted(imported_roots(f) - allowed) for f in files}
    assert {name: bad for name, bad in offenders.items() if bad} == {}


def test_the_import_check_sees_a_forbidden_import(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("import numpy as np\nfrom plotly import graph_objects\nimport streamlit.web\n")
    assert imported_roots(probe) - ALLOWED == {"plotly", "streamlit"}


UI = REPO / "gd_ui"
LAYERS = {  # folder (relative to gd_ui) → what it must never import
    "figures": {"streamlit"},
    "widgets": {"plotly"},
    "chart": {"streamlit", "plotly"},
    ".": {"streamlit", "plotly"},
}


def test_gd_ui_modules_import_by_layer():
    seen = {}
    for layer, banned in LAYERS.items():
        for path in sorted((UI / layer).glob("*.py")):
            bad = imported_roots(path) & banned
            if bad:
                seen[str(path.relative_to(REPO))] = sorted(bad)
    assert seen == {}


def test_no_module_imports_both_streamlit_and_plotly_and_pages_draw_through_gd_ui():
    sources = [*REPO.glob("*.py"), *(REPO / "pages").glob("*.py"), *UI.rglob("*.py"),
               *(REPO / "gd_poll").rglob("*.py")]
    both = [str(p.relative_to(REPO)) for p in sources if {"streamlit", "plotly"} <= imported_roots(p)]
    assert both == []
    pages = [REPO / "app.py", *(REPO / "pages").glob("*.py")]
    assert [p.name for p in pages if "plotly" in imported_roots(p)] == []
