"""The three-panel chart's spec: every constant, style, colour, title, legend entry and format rule the
live chart (``gd_ui/widgets/live_chart.js``) draws with, built here and nowhere else.

The browser reads the spec; it writes no colour, no title and no rule constant of its own
(``tests/test_chart_spec.py`` scans the JS for them). Extending the chart (say, a strip of per-epoch
learning rates) is an optional key here and in the payload: the JS draws what it is given.

Pure (no Streamlit, no Plotly): plain JSON-ready values.
"""

from __future__ import annotations

from gd_ui.chart.scene import RULES
from gd_ui.chart.views import DescentData
from gd_ui.figures.style import BLUE, GREEN, GREY, GRID, INK, ORANGE, PURPLE, SKY, VERMILLION, VERMILLION_TEXT
from gd_ui.formats import num

VERSION = 1
CLEAR = "rgba(0,0,0,0)"
AXIS_LINE = "#444444"
FONT_FAMILY = "Inter, Arial, sans-serif"
PRESENTER_SCALE = 1.3  # Plotly sizes in px: a projector needs them larger
STACK_BELOW_PX = 700  # a chart narrower than this stacks its three panels

# The numbers as gd_ui.formats.num writes them: `sig` significant digits with thousands separators
# (Python's ",.{sig}g": e-notation for exponents < exp_below or ≥ sig), e-notation with `sci_digits`
# decimals from `sci_from`; exponents with at least two digits ("1.235e+04"); ties rounded to even on the
# exact binary value, as Python does (the JS looks `tie_digits` further to see a tie).
NUMBER = {"sig": 4, "sci_from": 1e6, "sci_digits": 3, "exp_below": -4, "exp_digits": 2, "locale": "en-US",
          "tie_digits": 25, "inf": "inf", "minus_inf": "-inf", "nan": "nan"}

# Panel geometry. Side by side: (a) on the left, (b) over (c) on the right. Stacked: three equal panels
# with a gap in pixels for the tick labels and axis title of the panel above and the title below.
GEOMETRY = {
    "margin": {"l": 78, "r": 16, "t": 36, "t_follow": 58, "b": 56},
    "side": {"x": [0, 0.52], "y": [0, 1], "x2": [0.6, 1], "y2": [0.56, 1], "x3": [0.6, 1], "y3": [0, 0.43],
             "title_x": [0.26, 0.79, 0.79], "title_y": [1.0, 1.0, 0.43], "note_dy": 0.055},
    "stacked": {"gap_px": 116, "gap_max": 0.2, "title_x": [0.5, 0.5, 0.5], "note_dy": 0.04},
    "stack_below_px": STACK_BELOW_PX, "stacked_height": 900, "fallback_width": 800,
    "note_left_px": 8, "note_top_px": 4,
}

FONTS = {"base": 15, "title": 16, "note": 14, "axis_title": 15}


def _marker(colour: str) -> dict:
    return {"size": 14, "color": colour, "line": {"color": "white", "width": 2}}


# Plotly trace styles by role; the JS adds the numbers (x, y) and the per-chart names.
TRACES = {
    "points": {"type": "scatter", "mode": "markers", "hoverinfo": "skip",
               "marker": {"size": 4, "color": SKY, "opacity": 0.45}},
    "optimum": {"type": "scatter", "mode": "lines", "line": {"color": GREEN, "dash": "dot", "width": 2},
                "xaxis": "x2", "yaxis": "y2"},
    "line": {"type": "scatter", "mode": "lines", "line": {"color": VERMILLION, "width": 4}, "xaxis": "x",
             "yaxis": "y"},
    "curve": {"type": "scatter", "name": "loss slice: bias & other weights frozen at this epoch",
              "mode": "lines", "line": {"color": BLUE, "width": 3}, "xaxis": "x2", "yaxis": "y2"},
    "path": {"type": "scatter", "name": "path walked so far (every shown epoch)", "mode": "lines",
             "line": {"color": ORANGE, "width": 2}, "xaxis": "x2", "yaxis": "y2"},
    "loss_marker": {"type": "scatter", "name": "current epoch", "mode": "markers",
                    "marker": _marker(VERMILLION), "xaxis": "x2", "yaxis": "y2"},
    "grad_line": {"type": "scatter", "name": "gradient slice", "mode": "lines",
                  "line": {"color": PURPLE, "width": 3}, "xaxis": "x3", "yaxis": "y3"},
    "grad_marker": {"type": "scatter", "name": "gradient now", "mode": "markers",
                    "marker": _marker(VERMILLION), "xaxis": "x3", "yaxis": "y3"},
}
MOVING = ("line", "curve", "path", "loss_marker", "grad_line", "grad_marker")  # drawn in this order
PRESENTER_POINT_OPACITY = 0.7  # faint points wash out on a projector

# "allow": tick labels are not measured one by one to hide those past the edge (a fifth of a redraw);
# the margins are fixed and hold them.
AXIS = {"gridcolor": GRID, "linecolor": AXIS_LINE, "showline": True, "ticks": "outside", "zeroline": False,
        "tickfont": {"color": INK}, "exponentformat": "power", "ticklabeloverflow": "allow"}
GRAD_AXIS = {"zeroline": True, "zerolinecolor": GREY, "zerolinewidth": 1}  # (c)'s zero: the axis draws it
UNDERLAY = {"plot_bgcolor": "white", "paper_bgcolor": "white", "gridcolor": GRID}  # the points' own plot

# The strip of a schedule's rate per epoch under the panels (gd_ui/chart/strip.py): the critical rate
# dashed, the stretches where the step is too big shaded, the rate itself; log axes (the epochs' when long).
STRIP = {
    "height": 200, "margin": {"l": 78, "r": 16, "t": 34, "b": 44}, "y_ticks": 4,  # at most, a decade apart
    "traces": {
        "critical": {"type": "scatter", "mode": "lines", "hoverinfo": "skip",
                     "line": {"color": GREY, "dash": "dash", "width": 2}},
        "over": {"type": "scatter", "mode": "lines", "fill": "tonexty", "fillcolor": "rgba(213,94,0,0.3)",
                 "line": {"width": 0}, "hoverinfo": "skip"},
        "rate": {"type": "scatter", "mode": "lines", "hoverinfo": "skip", "line": {"color": INK, "width": 2}},
    },
    "log_axis": {"type": "log", "dtick": 1, "exponentformat": "power",
                 "minor": {"ticks": "outside", "ticklen": 3}},
    "floor_share": 1e-3,  # a rate 1000× under the critical one sits on the floor
    "pad_below": 0.1, "pad_above": 0.15,  # decades of room under the floor and over the top
    "note_bg": "rgba(255,255,255,0.8)", "diverged_colour": VERMILLION, "diverged_text": VERMILLION_TEXT,
    "diverged_width": 2,
}

# What the chart does, not how it looks: Play's frame interval per speed (ms), the wait after the last
# arrow key before the page follows (ms), the start sliders' ranges.
BEHAVIOUR = {
    "speeds": {"slow": 100, "normal": 20, "fast": 10}, "default_speed": "normal",  # normal: ≥ 30 frames/s
    "commit_after_keys_ms": 450, "play": "▶ Play", "pause": "❚❚ Pause",
    "sliders": {"w0": {"min": -3, "max": 3, "step": 0.01, "decimals": 2},
                "b0": {"min": -60, "max": 60, "step": 0.1, "decimals": 1}},
    "draw_log": 1000,  # redraw times kept for benchmarks/bench_drag.py
    "strip_every_ms": 150,  # a schedule's strip redrawn at most this often during a drag (≈ 7 per second)
}


def texts(d: DescentData) -> dict:
    """Every word the chart writes for this data; ``{name}`` fields are filled by the browser."""
    weight = d.weight_name
    fit = "fit line (other predictors at their means)" if d.multi else "fit line ŷ = w·x + b"
    return {
        "titles": ["(a) the data and the fit line", f"(b) loss as {weight} varies",
                   f"(c) gradient ∂J/∂{weight} of that slice"],
        "axes": {"x": d.x_title, "y": d.y_title, "loss": "training MSE", "loss_log": "training MSE (log)",
                 "weight": f"weight {weight}", "grad": "∂J/∂w (half-MSE)"},
        "fit": fit, "optimum": f"least-squares {weight}* = {num(d.optimum_weight)}",
        "follow": {"diverged": "diverged at epoch {epoch} · axes follow (log)",  # fits a 390-px phone
                   "diverges": "diverges · axes follow it (log scale)",
                   "grows": "the loss grows · axes follow it (log scale)"},
        "leaves": "{equation}: the line leaves the chart",
        "equation": "ŷ = {slope}·x {sign} {intercept}", "minus": "−", "plus": "+",
        "summary": ("Chart summary: at learning rate {rate} the fit line is {equation} at epoch {epoch}; "
                    f"the weight {weight} is {{w}} (least squares: {num(d.optimum_weight)}), its gradient "
                    "{grad}, and the training MSE {loss}."),
        "aria": {"plot": "Gradient descent: the data and the fit line, the loss slice and its gradient",
                 "rate": "learning rate η (log scale)", "rate_value": "{rate}, {zone}",
                 "w0": "initial weight of {shown}", "w0_name": "Initial weight of {shown}",
                 "b0": "initial bias", "frame_value": "epoch {epoch}"},
        "rate_shown": "{rate} · {zone}",
        "strip": {"title": "Learning rate per epoch: {kind}, peak η = {rate}{warmup}",
                  "title_stacked": "η per epoch: {kind}, peak {rate}",  # fits a 390-px phone
                  "warmup": ", {epochs} warm-up epochs", "critical": "critical 2/λmax",
                  "x": "epoch", "x_log": "epoch (log scale)", "y": "η per epoch",
                  "diverged": "diverged at {epoch}"},
        "failed": "The live chart could not start: {error}",
    }


def legend(d: DescentData) -> list[dict]:
    """The chart's legend (HTML under the plot): a key's kind and colour, and its words."""
    t = texts(d)
    return [{"key": "line", "colour": VERMILLION, "text": t["fit"]},
            {"key": "line", "colour": BLUE, "text": TRACES["curve"]["name"]},
            {"key": "line", "colour": ORANGE, "text": TRACES["path"]["name"]},
            {"key": "dot", "colour": VERMILLION, "text": TRACES["loss_marker"]["name"]},
            {"key": "dash", "colour": GREEN, "text": t["optimum"]}]


def chart_spec(d: DescentData, *, presenter: bool = False) -> dict:
    """The whole spec for one chart of ``d`` (presenter mode: larger type, opaque points)."""
    scale = PRESENTER_SCALE if presenter else 1.0
    traces = TRACES
    if presenter:
        points = {**TRACES["points"], "marker": {**TRACES["points"]["marker"],
                                                 "opacity": PRESENTER_POINT_OPACITY}}
        traces = {**TRACES, "points": points}
    return {
        "version": VERSION, "rules": dict(RULES), "number": NUMBER, "geometry": GEOMETRY,
        "fonts": {k: round(v * scale) for k, v in FONTS.items()}, "font_family": FONT_FAMILY,
        "fonts_stacked": dict(FONTS),  # a phone (stacked panels) keeps normal type, even in presenter mode
        "ink": INK, "clear": CLEAR, "note_colour": VERMILLION_TEXT, "axis": AXIS, "grad_axis": GRAD_AXIS,
        "underlay": UNDERLAY, "strip": STRIP,
        "traces": traces, "moving": list(MOVING), "behaviour": BEHAVIOUR,
        "texts": texts(d), "legend": legend(d), "legend_shown": not presenter,
    }
