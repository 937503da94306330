"""The chart's spec is the one source of its looks and rules: ``live_chart.js`` writes no colour, no panel
title or legend text and no constant of the scene rules of its own; the spec carries them all."""

from __future__ import annotations

import json
import re

from conftest import REPO, dataset_of, experiment_of

from gd_ui.chart import spec as chart_spec
from gd_ui.chart.scene import RULES, scene
from gd_ui.chart.views import descent_data

JS = "\n".join((REPO / "gd_ui" / "widgets" / name).read_text(encoding="utf-8")
               for name in ("live_shared.js", "live_scene.js", "live_chart.js"))  # the one component module
# Numbers the JS may write: indices, the three panels, the quadratic's own 2 (L + 2Δg + Δ²h), a power of ten.
ALLOWED_NUMBERS = {"0", "1", "2", "3", "10"}


def code_only(js: str) -> str:
    """The JS without its comments (// to the end of a line, outside strings, and /* … */)."""
    js = re.sub(r"/\*.*?\*/", "", js, flags=re.S)
    return "\n".join(re.sub(r"(^|[^:\"'`\\])//.*$", r"\1", line) for line in js.splitlines())


def sample_spec(presenter=False):
    exp = experiment_of("seattle", ("tmax", "tmin"), False)
    h = exp.history_in_original_units(exp.run(exp.optimum.weights * 0, 0.0, lr=1e-4, epochs=50))
    return chart_spec.chart_spec(descent_data(exp, h, 1, dataset_of("seattle")), presenter=presenter)


def test_the_js_has_no_colour_of_its_own():
    code = code_only(JS)
    assert re.findall(r"#[0-9a-fA-F]{3,8}\b", code) == []
    assert re.findall(r"\b(?:rgba?|hsla?)\s*\(", code) == []
    named = re.findall(r"[\"'](white|black|red|blue|green|orange|grey|gray|purple)[\"']", code)
    assert named == []


def test_the_js_writes_no_title_legend_or_axis_words_of_its_own():
    spec = sample_spec()
    words = [*spec["texts"]["titles"], *spec["texts"]["axes"].values(), *(e["text"] for e in spec["legend"]),
             *(t["name"] for t in spec["traces"].values() if "name" in t), spec["texts"]["summary"][:20]]
    for phrase in ("(a) the", "(b) loss", "(c) gradient", "training MSE", "half-MSE", "least-squares",
                   "loss slice", "path walked", "fit line", "Chart summary", "leaves the chart",
                   "axes follow"):
        assert phrase not in code_only(JS), phrase
        assert any(phrase in w for w in words) or phrase in json.dumps(spec, ensure_ascii=False), phrase


def test_the_js_has_no_scene_or_layout_constant():
    code = re.sub(r"(\"[^\"\n]*\"|'[^'\n]*'|`[^`]*`)", "\"\"", code_only(JS))  # numbers in strings aside
    numbers = set(re.findall(r"(?<![\w.$])(\d+(?:\.\d+)?(?:e[+-]?\d+)?)(?![\w.])", code))
    assert numbers <= ALLOWED_NUMBERS, sorted(numbers - ALLOWED_NUMBERS)
    for value in RULES.values():  # and, so that the scan can fail: the rules' own spellings are absent
        assert not re.search(rf"(?<![\w.]){re.escape(repr(value))}(?![\w.])", code), value


def test_the_scan_sees_a_constant_and_a_colour():
    planted = JS + '\nconst X = 1.35, Y = "#D55E00";\n'
    code = re.sub(r"(\"[^\"\n]*\"|'[^'\n]*'|`[^`]*`)", "\"\"", code_only(planted))
    assert "1.35" in set(re.findall(r"(?<![\w.$])(\d+(?:\.\d+)?)(?![\w.])", code))
    assert re.findall(r"#[0-9a-fA-F]{3,8}\b", code_only(planted)) == ["#D55E00"]


def test_the_spec_carries_the_scene_rules_and_is_plain_json():
    spec = sample_spec()
    assert spec["rules"] == RULES and spec["rules"]["grows_above"] == 4.0
    json.dumps(spec, allow_nan=False)  # what the component receives
    assert spec["legend_shown"] and not sample_spec(presenter=True)["legend_shown"]
    big = sample_spec(presenter=True)["fonts"]["title"]
    assert big == round(chart_spec.FONTS["title"] * chart_spec.PRESENTER_SCALE) > spec["fonts"]["title"]


def test_the_python_scene_uses_the_shipped_rules(monkeypatch):
    """Changing a shipped rule changes the Python scene: the constants are not restated there either."""
    exp = experiment_of("seattle", ("tmax",), False)
    h = exp.history_in_original_units(exp.run([-0.5], 10.0, lr=0.4 * exp.theory.critical_lr, epochs=300))
    data = descent_data(exp, h, 0, dataset_of("seattle"))
    before = scene(data).w_range[0].copy()
    monkeypatch.setitem(RULES, "fixed_pad", 0.3)
    assert (scene(data).w_range[0] != before).all()
