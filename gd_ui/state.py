"""Every session key the app uses, who owns it and its default; and the learning rate's reconciliation.

Pure Python (no Streamlit): the widgets modules import the names from here, so a key is spelled once.
Widget keys double as URL parameters where ``url`` is true (``bind="query-params"``), so any view is a
link. A key is written only by its owner; everyone else reads it. Every key the code uses is here
(``tests/test_state_keys.py`` reads the code for them, and runs every page to compare): a new key is one
``Key(...)`` line.
"""

from __future__ import annotations

import re
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
    Key("_api_written", "widgets.sidebar", set(), False, "widget keys a callback wrote since the last run"),
    Key("w0", "widgets.sidebar", -0.5, True, "initial weight of the shown predictor (original units)"),
    Key("b0", "widgets.sidebar", 10.0, True, "initial bias (original units)"),
    Key("epochs", "widgets.sidebar", 10_000, True, "epochs"),
    Key("sched", "widgets.schedule_controls", "constant", True, "learning-rate schedule"),
    Key("sched_r", "widgets.schedule_controls", "0.5", True, "schedule's decay rate r"),
    Key("sched_k", "widgets.schedule_controls", "100", True, "schedule's decay epochs K"),
    Key("sched_w", "widgets.schedule_controls", "0", True, "warm-up epochs W"),
    # presenter mode (gd_ui.widgets.presenter)
    Key("presenter_on", "widgets.presenter", False, False, "presenter mode; the URL flag is ?present=1"),
    Key("present_enter", "widgets.presenter", None, False, "the 'Presenter mode' button"),
    Key("present_exit", "widgets.presenter", None, False, "the 'Leave presenter mode' button"),
    # the playground (app.py, gd_ui.widgets.classroom, live, results)
    Key("predict", "widgets.classroom", False, True, "predict first, then reveal"),
    Key("dl_presets", "widgets.classroom", None, False, "presets row (container; a phone: after the chart)"),
    Key("dl_top", "widgets.frame", None, False, "presenter mode's one top row (container)"),
    Key("dl_top_left", "widgets.frame", None, False, "the top row's left part: presets, toggles (container)"),
    Key("dl_status_row", "widgets.stage", None, False, "the status box and 'Why, in numbers' (container)"),
    Key("dl_more", "app.py", None, False, "what follows the chart (container)"),
    Key("play_guess", "widgets.classroom", None, False, "the class's guess"),
    Key("play_reveal", "widgets.classroom", None, False, "the Reveal button"),
    Key("play_revealed", "widgets.classroom", None, False, "(question, guess) revealed"),
    Key("live", "widgets.live", None, False, "the live chart component's state (committed values, failure)"),
    Key("_live_failed", "widgets.live", None, False, "the live chart reported that it could not draw"),
    Key("live_table", "widgets.live", None, False, "the live chart's rate table component"),
    Key("live_plotly", "widgets.live", None, False, "starts loading plotly.js as the page opens"),
    Key("live_retry", "widgets.live", None, False, "'Try the chart again' after the chart failed"),
    Key("loss", "widgets.results", None, False, "the loss-per-epoch chart"),
    Key("play_csv", "widgets.results", None, False, "download: trajectory CSV"),
    Key("play_json", "widgets.results", None, False, "download: fit JSON"),
    Key("play_html", "widgets.results", None, False, "download: offline animated HTML"),
    Key("play_code", "widgets.results", None, False, "download: the run as notebook + script (zip)"),
    # the data page (pages/Data.py, gd_ui.widgets.importing): data_* keys
    Key("data_file", "pages/Data.py", None, False, "the uploaded file"),
    Key("data_fill", "pages/Data.py", "ffill", False, "gap strategy"),
    Key("data_use", "pages/Data.py", None, False, "the 'Use this dataset' button"),
    Key("data_preview", "pages/Data.py", None, False, "the preview table"),
    Key("data_import", "widgets.importing", [], False, "the last two imports of that file (memo)"),
    Key("data_upload", "widgets.importing", None, False, "the last uploaded file, shown again on return"),
    Key("data_active_upload", "widgets.importing", None, False, "the active upload: file, corrections, fill"),
    Key("data_station", "widgets.importing", None, False, "detection correction: station"),
    Key("data_tenths", "widgets.importing", False, False, "detection correction: values in tenths"),
    Key("data_<field>", "widgets.importing", None, False,
        "detection corrections: sep, enc, dec, date, datefmt, tunit, runit and a column per role"),
    # the learning-rate lab (gd_ui.widgets.lab)
    Key("lab_rates", "widgets.lab", ("0.01", "0.5", "0.99", "1.1"), True, "ringed rates"),
    Key("lab_excess", "widgets.lab", False, True, "plot L − L*"),
    Key("lab_sweep", "widgets.lab", None, False, "chart: final loss against rate"),
    Key("lab_curves", "widgets.lab", None, False, "chart: the ringed rates' loss curves"),
    Key("lab_contraction", "widgets.lab", None, False, "chart: |1 − ηλ| per eigen-direction"),
    Key("lab_standardise", "widgets.lab", None, False, "chart: raw against standardised"),
    # the loss landscape (gd_ui.widgets.landscape): land_* keys
    Key("land_w0", "widgets.landscape", -0.5, True, "start weight"),
    Key("land_b0", "widgets.landscape", 10.0, True, "start bias"),
    Key("land_epochs", "widgets.landscape", 1000, True, "epochs"),
    Key("land_l2", "widgets.landscape", "0", True, "ridge α as a multiple of mean(x²)"),
    Key("land_methods", "widgets.landscape", None, True, "optimizers shown"),
    Key("land_lr_<method>", "widgets.landscape", None, True, "each optimizer's rate"),
    Key("land_<method>_<hyper>", "widgets.landscape", None, True, "each optimizer's hyperparameters"),
    Key("land_mb_batch", "widgets.landscape", 32, True, "mini-batch run: batch size"),
    Key("land_mb_seed", "widgets.landscape", 0, True, "mini-batch run: seed of the shuffle"),
    Key("land_mb_lr", "widgets.landscape", "0.3", True, "mini-batch run: rate (× critical)"),
    Key("land_mb_epochs", "widgets.landscape", 50, True, "mini-batch run: passes"),
    Key("land_sched", "widgets.schedule_controls", "constant", True, "the landscape's schedule"),
    Key("land_sched_<param>", "widgets.schedule_controls", None, True, "the landscape's schedule: r, K, W"),
    Key("land_map", "widgets.landscape", None, False, "chart: the landscape with its paths"),
    Key("land_noisy", "widgets.landscape", None, False, "chart: the mini-batch paths"),
    # the step-through lesson (pages/Step_Through.py, gd_ui.widgets.step_through)
    Key("step_part", "widgets.step_through", "one day", True, "step 1 or 2"),
    Key("step_epoch", "widgets.step_through", 0, True, "epoch shown in step 2"),
    Key("step_x", "widgets.step_through", 80.0, True, "worked example: today's tmax"),
    Key("step_w", "widgets.step_through", 1.0, True, "worked example: weight"),
    Key("step_b", "widgets.step_through", 11.99, True, "worked example: bias"),
    Key("step_y", "widgets.step_through", 81.0, True, "worked example: tomorrow's actual tmax"),
    Key("step_lr", "widgets.step_through", 5e-5, True, "worked example: learning rate"),
    Key("step_back", "widgets.step_through", None, False, "the Back button"),
    Key("step_next", "widgets.step_through", None, False, "the Next button"),
    Key("step_chart", "widgets.step_through", None, False, "the server-drawn chart of the literal loop"),
    Key("step_live", "widgets.step_through", None, False, "the live chart of the literal loop"),
    Key("step_code", "widgets.step_through", None, False, "download: the loop as notebook + script (zip)"),
    # the class poll (gd_ui.widgets.poll); the code itself is the URL's ?poll=, read, never a widget
    Key("poll_owned", "widgets.poll", None, False, "the teacher's poll: code, secret, question, answer"),
    Key("poll_hide", "widgets.poll", False, False, "a poll waits for its reveal: the outcome stays hidden"),
    Key("poll_notice", "widgets.poll", None, False, "(kind, text) from a poll button's callback"),
    Key("poll_voter", "widgets.poll", None, False, "this session's voter id (secrets.token_urlsafe)"),
    Key("poll_sent", "widgets.poll", {}, False, "{code: answer} this session sent"),
    Key("poll_pick_<code>", "widgets.poll", None, False, "the student's choice on poll <code>"),
    Key("poll_start", "widgets.poll", None, False, "the 'Start a class poll' button"),
    Key("poll_reveal", "widgets.poll", None, False, "the teacher's Reveal button"),
    Key("poll_close", "widgets.poll", None, False, "the teacher's Close button"),
    Key("poll_send", "widgets.poll", None, False, "the student's Send button"),
    Key("poll_panel", "widgets.poll", None, False, "the teacher's refreshing panel"),
    Key("poll_chart", "widgets.poll", None, False, "the teacher's bar chart of answers"),
    Key("poll_code", "widgets.poll", None, False, "the poll's code shown to the class"),
    Key("poll_total", "widgets.poll", None, False, "the count of answers"),
    Key("poll_student", "widgets.poll", None, False, "the student's view"),
    # the class lesson (gd_ui.widgets.class_*, lab_schedule, schedule_view)
    Key("class_add", "widgets.class_lesson", None, False, "class view button (class_lesson)"),
    Key("class_add_question", "widgets.class_lesson", None, False, "class view button (class_lesson)"),
    Key("class_answer", "widgets.class_student", None, False, "class view (class_student)"),
    Key("class_back", "widgets.class_student", None, False, "class view button (class_student)"),
    Key("class_builtin", "widgets.class_lesson", None, False, "class view (class_lesson)"),
    Key("class_chart", "widgets.class_teacher", None, False, "class view (class_teacher)"),
    Key("class_code", "widgets.class_teacher", None, False, "class view (class_teacher)"),
    Key("class_counts", "widgets.class_teacher", None, False, "class view (class_teacher)"),
    Key("class_del_<n>", "widgets.class_lesson", None, False, "class view button (class_lesson)"),
    Key("class_down_<n>", "widgets.class_lesson", None, False, "class view button (class_lesson)"),
    Key("class_drawn", "widgets.class_student", None, False, "class view (class_student)"),
    Key("class_end", "widgets.class_teacher", None, False, "class view button (class_teacher)"),
    Key("class_explore", "widgets.class_student", None, False, "class view (class_student)"),
    Key("class_explore_btn", "widgets.class_student", None, False, "class view button (class_student)"),
    Key("class_hide_names", "widgets.class_teacher", None, False, "class view (class_teacher)"),
    Key("class_joined", "widgets.class_student", None, False, "class view (class_student)"),
    Key("class_joining", "widgets.class_teacher", None, False, "class view (class_teacher)"),
    Key("class_keep_browser", "widgets.class_student", None, False, "class view (class_student)"),
    Key("class_keep_teacher", "widgets.class_teacher", None, False, "class view (class_teacher)"),
    Key("class_lesson", "widgets.class_lesson", None, False, "class view (class_lesson)"),
    Key("class_lesson_file", "widgets.class_lesson", None, False, "class view (class_lesson)"),
    Key("class_lesson_notice", "widgets.class_lesson", None, False, "class view (class_lesson)"),
    Key("class_link", "widgets.class_teacher", None, False, "class view (class_teacher)"),
    Key("class_live", "widgets.class_student", None, False, "class view (class_student)"),
    Key("class_next", "widgets.class_teacher", None, False, "class view button (class_teacher)"),
    Key("class_notice", "widgets.class_teacher", None, False, "class view (class_teacher)"),
    Key("class_owned", "widgets.class_teacher", None, False, "class view (class_teacher)"),
    Key("class_panel", "widgets.class_teacher", None, False, "class view (class_teacher)"),
    Key("class_pause", "widgets.class_teacher", None, False, "class view button (class_teacher)"),
    Key("class_pending_view", "widgets.class_teacher", None, False, "class view button (class_teacher)"),
    Key("class_play", "widgets.class_teacher", None, False, "class view button (class_teacher)"),
    Key("class_prev", "widgets.class_teacher", None, False, "class view button (class_teacher)"),
    Key("class_question", "widgets.class_teacher", None, False, "class view (class_teacher)"),
    Key("class_reset", "widgets.class_teacher", None, False, "class view button (class_teacher)"),
    Key("class_result", "widgets.class_student", None, False, "class view (class_student)"),
    Key("class_results", "widgets.class_teacher", None, False, "class view (class_teacher)"),
    Key("class_reveal", "widgets.class_teacher", None, False, "class view button (class_teacher)"),
    Key("class_save", "widgets.class_lesson", None, False, "class view button (class_lesson)"),
    Key("class_send", "widgets.class_student", None, False, "class view button (class_student)"),
    Key("class_show_teacher_link", "widgets.class_teacher", None, False, "class view (class_teacher)"),
    Key("class_split", "widgets.class_teacher", None, False, "class view (class_teacher)"),
    Key("class_start", "widgets.class_teacher", None, False, "class view button (class_teacher)"),
    Key("class_student", "widgets.class_student", None, False, "class view (class_student)"),
    Key("class_student_notice", "widgets.class_student", None, False, "class view (class_student)"),
    Key("class_title_<n>_<field>", "widgets.class_lesson", None, False, "class view (class_lesson)"),
    Key("class_token", "widgets.class_student", None, False, "class view (class_student)"),
    Key("class_up_<n>", "widgets.class_lesson", None, False, "class view button (class_lesson)"),
    Key("lab_schedule", "widgets.lab_schedule", None, False, "class view (lab_schedule)"),
    Key("lesson_step", "widgets.class_student", None, False, "class view (class_student)"),
)
BY_NAME = {k.name: k for k in KEYS}
# A name with <…> stands for a family (land_lr_gd, land_lr_adam, …): any non-empty text in its place.
_PATTERNS = tuple((k, re.compile("^" + re.sub(r"<[^>]+>", ".+", re.escape(k.name).replace(r"\<", "<")
                                                 .replace(r"\>", ">")) + "$")) for k in KEYS if "<" in k.name)


def registered(name: str) -> Key | None:
    """The registry's entry for session key ``name`` (a family's entry for ``land_lr_adam``), or None."""
    if name in BY_NAME:
        return BY_NAME[name]
    return next((k for k, pattern in _PATTERNS if pattern.match(name)), None)


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
