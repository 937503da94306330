"""Descent Lab — step through the tutorial: one day's update by hand, then full-batch epochs."""

from __future__ import annotations

from gd_ui import lesson
from gd_ui.widgets import frame, poll, step_through


def main() -> None:
    f = frame.open_page("lesson")
    part, epoch = step_through.navigation(f)
    poll.teacher_panel(f, f.top)  # presenter mode: in the stage's top row
    if part == lesson.PARTS[0]:
        step_through.worked_example()
    else:
        step_through.epochs(f, epoch)


frame.guarded(main)
