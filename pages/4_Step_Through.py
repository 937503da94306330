"""Descent Lab — step through the tutorial: one day's update by hand, then full-batch epochs."""

from __future__ import annotations

from gd_ui import lesson
from gd_ui.widgets import frame, poll
from gd_ui.widgets import lesson as steps


def main() -> None:
    f = frame.open_page("lesson")
    part, epoch = steps.navigation(f)
    poll.teacher_panel(f, f.top)  # presenter mode: in the stage's top row
    if part == lesson.PARTS[0]:
        steps.worked_example()
    else:
        steps.epochs(f, epoch)


frame.guarded(main)
