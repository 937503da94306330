"""A ``go.Figure`` whose animation frames and slider steps bypass Plotly's validation.

Validating 200 frames × 6 traces and a 200-step slider costs Plotly ~0.2 s per figure, more than
the whole budget of a slider change. The moving traces are simple scatters we build ourselves, so
they are kept as plain, already-encoded dicts (base64 typed arrays, which Plotly.js reads natively)
and spliced into ``to_dict()`` — the one method Streamlit and ``write_html`` call.
"""

from __future__ import annotations

import base64

import numpy as np
import plotly.graph_objects as go


def typed(values, dtype: str = "f4") -> dict:
    """A numeric array as a Plotly.js typed-array spec (float32 by default: ample for drawing)."""
    a = np.ascontiguousarray(np.asarray(values, dtype=np.float32 if dtype == "f4" else np.float64))
    return {"dtype": dtype, "bdata": base64.b64encode(a.tobytes()).decode("ascii")}


class FramedFigure(go.Figure):
    """``go.Figure`` plus pre-built ``frames`` and ``layout.sliders`` emitted verbatim."""

    _raw_frames: list | None = None
    _raw_sliders: list | None = None

    def set_animation(self, frames: list[dict], sliders: list[dict]) -> FramedFigure:
        self._raw_frames, self._raw_sliders = frames, sliders
        return self

    def to_dict(self):
        res = super().to_dict()
        if self._raw_frames is not None:
            res["frames"] = list(self._raw_frames)
            res["layout"]["sliders"] = list(self._raw_sliders)
        return res
