"""The Playground's stage: the status box (plain words first, the numbers one tap away) and the layout
that keeps the experiment on the screen it is shown on.

Presenter mode on a wide screen: one compact top row (presets, "Predict first", the poll, the pages
menu), a status box of a fixed two-line height, then the live chart, which takes the height the window
leaves (its ``fill`` flag: the chart measures the room under its own top), so a longer status never
moves or resizes it. A phone (narrow screen, with or without ``?present=1``): the status keeps a fixed
height, so the chart does not jump under the finger when it changes on release, and the live chart's
controls come straight above panel (a). The CSS is a constant of ours: no user text reaches it.
"""

from __future__ import annotations

import html

import streamlit as st

from gd_ui.status import Status

WIDE = "(min-width: 701px)"  # the live chart stacks its panels below 700 px: that is a phone's layout
NARROW = "(max-width: 700px)"
CHART_FLOOR_PX = 300  # the smallest plot the stage gives the three panels (a 600-px-high window)
CSS = f"""<style>
.dl-status {{ padding: 0.5rem 0.9rem; border-radius: 0.5rem; line-height: 1.35; margin: 0; }}
.dl-status.dl-converged {{ background: #E6F4EA; color: #0B5323; }}
.dl-status.dl-descending {{ background: #E7F0FA; color: #0A3A66; }}
.dl-status.dl-diverged {{ background: #FBE9E7; color: #8B1A10; }}
.dl-status .dl-reveal {{ font-weight: 700; }}
.st-key-dl_status_row {{ flex-wrap: nowrap !important; }}
.dl-live .dl-nudge {{ display: none; }}
@media {NARROW} {{
  /* the rate by finger: − / + beside its name, one grid step each, 44 px targets */
  body .dl-live .dl-rate .dl-name {{ grid-column: 1; }}
  body .dl-live .dl-nudge {{ display: inline-flex; gap: 0.5rem; grid-column: 2; grid-row: 1;
    justify-self: end; }}
  body .dl-live .dl-nudge button {{ width: 44px; height: 44px; font: inherit; font-size: 1.4rem;
    line-height: 1; border: 1px solid #0072B2; border-radius: 0.4rem; background: white; color: #0072B2; }}
  /* four lines hold every verdict at 390 px: a new status on release never moves the chart below */
  .dl-status {{ min-height: 6.2em; font-size: 0.95rem; display: flex; align-items: center; }}
  .st-key-dl_status_row {{ flex-wrap: wrap !important; }}
  /* the controls straight above panel (a): the rate on its own row, the start's two sliders side by side */
  body .dl-live .dl-controls {{ grid-template-columns: 1fr 1fr; column-gap: 0.8rem; }}
  body .dl-live .dl-controls .dl-rate {{ grid-column: 1 / 3; }}
  body .dl-live .dl-controls .dl-ctl:not(.dl-rate) .dl-value {{ width: 3.2em; }}
  /* presets and the intro after the chart: the experiment first on a small screen */
  [data-testid="stLayoutWrapper"]:has(> .st-key-dl_presets),
  [data-testid="stLayoutWrapper"]:has(> .st-key-dl_top) {{ order: 1; }}
  .st-key-dl_top {{ flex-wrap: wrap !important; }}
  [data-testid="stLayoutWrapper"]:has(> .st-key-dl_more) {{ order: 2; }}
}}
</style>"""
# Presenter mode on a wide screen only: a phone that opens ?present=1 keeps the phone's layout. `body`
# before a class outranks the live chart's own stylesheet, which comes later in the page.
STAGE_CSS = f"""<style>
@media {WIDE} {{
  .dl-status {{ height: calc(2.6em + 0.7rem); display: flex; align-items: center; overflow: hidden;
    padding-top: 0.35rem; padding-bottom: 0.35rem; line-height: 1.3; font-size: 0.95rem; }}
  /* the chart's own rows, compact: the chart summary stays for screen readers (aria-describedby) */
  body .dl-live .dl-summary {{ position: absolute; width: 1px; height: 1px; overflow: hidden;
    clip: rect(0 0 0 0); white-space: nowrap; margin: 0; }}
  body .dl-live .dl-controls {{ margin: 0; row-gap: 0; }}
  body .dl-live .dl-ctl {{ font-size: 0.85rem; }}
  body .dl-live .dl-legend {{ font-size: 0.66rem; margin-top: 0; gap: 0 1rem; }}
  body .dl-live .dl-anim {{ margin-top: 0.1rem; align-items: center; }}
  body .dl-live .dl-anim .dl-speed .dl-name, body .dl-live .dl-anim .dl-epoch .dl-name {{
    position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }}
  body .dl-live .dl-epoch {{ grid-template-rows: auto; }}
  body .dl-live .dl-play {{ padding: 0.15rem 0.8rem; }}
  [data-testid="stMainBlockContainer"] {{ padding-bottom: 0.3rem !important; }}
}}
</style>"""


def styles(on_stage: bool) -> None:
    """The status box's style, and the stage's in presenter mode."""
    st.markdown(CSS + (STAGE_CSS if on_stage else ""), unsafe_allow_html=True)


SCHEDULE_TONE = {"rescued": "converged", "under": "descending", "growing": "diverged", "diverged": "diverged"}


def status_box(status: Status, reveal: tuple[bool, str] | None = None, reveal_numbers: str = "",
               lead: tuple[str, str] | None = None) -> None:
    """The status sentence in a box of its own (``data-testid="descent-status"``): the reveal of a
    prediction first if there is one, then the verdict; the numbers behind "Why, in numbers". ``lead``:
    a schedule's (kind, sentence), which then is the verdict shown (the run's own goes with the
    numbers), so the stage keeps one status box of one height."""
    if lead is not None:
        status = Status(SCHEDULE_TONE.get(lead[0], status.kind), status.regime, lead[1],
                        f"{status.verdict} {status.numbers}")
    row = st.container(horizontal=True, vertical_alignment="center", gap="small", key="dl_status_row")
    lead = f'<span class="dl-reveal">{html.escape(reveal[1])}</span> ' if reveal else ""
    row.markdown(f'<div data-testid="descent-status" class="dl-status dl-{status.kind}" role="status">'
                 f'<span>{lead}{html.escape(status.verdict)}</span></div>', unsafe_allow_html=True,
                 width="stretch")
    with row.popover("Why, in numbers", icon=":material/calculate:", help="The same verdict in numbers: "
                     "η·λmax against its limits 1 and 2, the epoch and the loss."):
        st.markdown(_literal(status.numbers))
        if reveal_numbers:
            st.markdown(_literal(reveal_numbers))


def _literal(text: str) -> str:
    """Our own sentence as markdown that shows its symbols as written (|1 − ηλmax|, 2/λmax, ×)."""
    return "".join("\\" + ch if ch in "\\`*_[]<>|#" else ch for ch in text)
