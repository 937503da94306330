"""Loss landscape: the loss over (weight, bias) for one predictor, with every optimizer of the registry
walking on it; mini-batch noise; a ridge penalty."""

from __future__ import annotations

from gd_ui.widgets import frame, landscape


def main() -> None:
    f = frame.open_page("landscape", needs="model")
    model, exp = landscape.one_predictor(f)
    settings = landscape.controls(f, model, exp)
    points = landscape.map_section(f, model, exp, settings)
    landscape.noisy_section(f, model, exp, settings, points)


frame.guarded(main)
