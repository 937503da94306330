"""Every session key the app uses, who owns it and its default; and the learning rate's reconciliation.

Pure Python (no Streamlit): the widgets modules import the names from here, so a key is spelled once.
Widget keys double as URL parameters where ``url`` is true (``bind="query-params"``), so any view is a
link. A key is written only by its owner; everyone else reads it.
"""

from __future__ import annotations

from dataclasses import dataclass

from gd_ui.controls import default_lr, lr_options, nearest, parse_rate


@dataclass(frozen=True)
class Key:
    name: str
    owner: str  # the module (or page) that writes it
    default: object
    url: bool  # mirrored in the URL
    what: str


KEYS = (
    # the shared sidebar (gd_ui.widgets.sidebar)
    Key("ds", "widgets.sidebar", "seattle", True, "dataset picker"),
    Key("data_active", "widgets.sidebar", None, False, "the active dataset, kept where no picker is drawn"),
    Key("data_uploads", "widgets.sidebar", {}, False, "{key: Dataset} of this session's uploads (≤ 3)"),
    Key("data_dropped", "widgets.sidebar", (), False, "labels of uploads dropped to bound memory"),
    Key("pred", "widgets.sidebar", ("tmax",), True, "predictors in the model"),
    Key("x", "widgets.sidebar", "tmax", True, "predictor shown on the 1-D charts"),
    Key("std", "widgets.sidebar", False, True, "standardise features"),
    Key("lr", "widgets.sidebar", None, True, "learning rate, as spelled on the slider (see reconcile_rate)"),
    Key("_lr_value", "widgets.sidebar", None, False, "the rate last drawn (a page switch re-creates it)"),
    Key("_lr_seen", "widgets.sidebar", False, False, "the URL's rate was read once"),
    Key("_lr_url", "widgets.sidebar", None, False, "the URL's rate at the end of the last run"),
    Key("_run_context", "widgets.sidebar", None, False, "(dataset, predictors, standardise) of the last run"),
    Key("w0", "widgets.sidebar", -0.5, True, "initial weight of the shown predictor (original units)"),
    Key("b0", "widgets.sidebar", 10.0, True, "initial bias (original units)"),
    Key("epochs", "widgets.sidebar", 10_000, True, "epochs"),
    Key("sched", "widgets.schedule_controls", "constant", True, "learning-rate schedule"),
    Key("sched_r", "widgets.schedule_controls", "0.5", True, "schedule's decay rate r"),
    Key("sched_k", "widgets.schedule_controls", "100", True, "schedule's decay epochs K"),
    Key("sched_w", "widgets.schedule_controls", "0", True, "warm-up epochs W"),
    # presenter mode (gd_ui.widgets.presenter)
    Key("presenter_on", "widgets.presenter", False, False, "presenter mode; the URL flag is ?present=1"),
    # the playground (app.py)
    Key("predict", "app.py", False, True, "predict first, then reveal"),
    Key("play_guess", "app.py", None, False, "the class's guess"),
    Key("play_revealed", "app.py", None, False, "(question, guess) revealed"),
    Key("play_frame", "app.py", None, False, "keyboard twin of the chart's epoch scrubber"),
    Key("play_frame_run", "app.py", None, False, "the run the scrubber's position belongs to"),
    # the data page (pages/1_Data.py, gd_ui.widgets.importing)
    Key("data_file", "pages/1_Data.py", None, False, "the uploaded file"),
    Key("data_fill", "pages/1_Data.py", "ffill", False, "gap strategy"),
    Key("data_station", "widgets.importing", None, False, "detection corrections: data_* keys"),
    Key("data_upload", "widgets.importing", None, False, "the last uploaded file, shown again on return"),
    Key("data_active_upload", "widgets.importing", None, False, "the active upload: file, corrections, fill"),
    Key("data_import", "widgets.importing", [], False, "the last two imports of that file (memo)"),
    # the learning-rate lab
    Key("lab_rates", "pages/2_Learning_Rate_Lab.py", ("0.01", "0.5", "0.99", "1.1"), True, "ringed rates"),
    Key("lab_excess", "pages/2_Learning_Rate_Lab.py", False, True, "plot L − L*"),
    # the loss landscape (gd_ui.widgets.landscape): land_* keys
    Key("land_w0", "widgets.landscape", -0.5, True, "start weight"),
    Key("land_b0", "widgets.landscape", 10.0, True, "start bias"),
    Key("land_epochs", "widgets.landscape", 1000, True, "epochs"),
    Key("land_l2", "widgets.landscape", "0", True, "ridge α as a multiple of mean(x²)"),
    Key("land_methods", "widgets.landscape", None, True, "optimizers shown"),
    Key("land_lr_<method>", "widgets.landscape", None, True, "each optimizer's rate"),
    Key("land_<method>_<hyper>", "widgets.landscape", None, True, "each optimizer's hyperparameters"),
    Key("land_mb_*", "widgets.landscape", None, True, "mini-batch run: batch, seed, rate, epochs"),
    Key("land_sched*", "widgets.schedule_controls", None, True, "the landscape's schedule: kind, r, K, W"),
    # the step-through lesson (pages/4_Step_Through.py)
    Key("step_part", "pages/4_Step_Through.py", "one day", True, "step 1 or 2"),
    Key("step_epoch", "pages/4_Step_Through.py", 0, True, "epoch shown in step 2"),
    Key("step_x", "pages/4_Step_Through.py", 80.0, True, "worked example: x, w, b, y, η (step_*)"),
    # the class poll (gd_ui.widgets.poll); the code itself is the URL's ?poll=, read, never a widget
    Key("poll_owned", "widgets.poll", None, False, "the teacher's poll: code, secret, question, answer"),
    Key("poll_hide", "widgets.poll", False, False, "a poll waits for its reveal: the outcome stays hidden"),
    Key("poll_notice", "widgets.poll", None, False, "(kind, text) from a poll button's callback"),
    Key("poll_voter", "widgets.poll", None, False, "this session's voter id (secrets.token_urlsafe)"),
    Key("poll_sent", "widgets.poll", {}, False, "{code: answer} this session sent"),
    Key("poll_pick_<code>", "widgets.poll", None, False, "the student's choice on poll <code>"),
)
BY_NAME = {k.name: k for k in KEYS}
DEFAULT_W0, DEFAULT_B0 = BY_NAME["w0"].default, BY_NAME["b0"].default


@dataclass(frozen=True)
class RateInputs:
    """What decides the rate slider's value on this run."""

    widget: str | None  # the widget's value in the session (None on a fresh visit)
    last_drawn: str | None  # the value it had when last drawn, on any page
    url: str | None  # the URL's ``lr``
    seen: bool  # the URL's rate was read before in this session
    last_url: str | None  # the URL's ``lr`` at the end of the last run (the slider mirrors itself there)
    context: tuple  # (dataset, predictors, standardise) now
    previous: tuple | None  # ... on the last run (None on the first)
    critical: float  # this data's 2/λmax
    exact: tuple = ()  # rates to offer exactly as spelled (presets, the tutorial's 1e-4)


@dataclass(frozen=True)
class RateChoice:
    options: list[str]  # the slider's options, ascending
    value: str  # what the slider shows: written to the session before it is drawn
    default: str  # 0.4 × critical on the grid


def reconcile_rate(i: RateInputs) -> RateChoice:
    """The rate slider's options and value.

    A rate from a link followed within the session (a preset) wins over the slider's; when the
    data or the model changes, the rate goes back to this data's default (0.4 × critical), because a rate
    that suited one dataset can be 1000× off on another; a rate off the grid is kept exactly (links,
    presets) when in range, else the nearest option; a page switch keeps the last rate drawn.
    """
    followed = (i.widget is not None and i.url not in (None, i.widget, i.last_url)
                and parse_rate(i.url) is not None)  # the URL changed under the slider: a link was followed
    widget = i.url if followed else i.widget
    changed = i.previous is not None and i.previous != i.context and not followed
    linked = widget or i.last_drawn or (i.url if not i.seen else None)
    options = lr_options(i.critical, i.exact, linked)
    default = default_lr(i.critical, options)
    if changed:
        return RateChoice(options, default, default)
    wanted = widget or linked
    if wanted is None or wanted in options:
        return RateChoice(options, wanted or default, default)
    value = parse_rate(wanted)
    return RateChoice(options, nearest(options, value) if value else default, default)
