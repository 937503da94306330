"""The "take the run home" button: the page's run as a notebook, a script and its data, in one zip."""

from __future__ import annotations

from gd_core.takeaway import ZIP_NAME
from gd_ui.takeaway_view import run_zip_of, view_of

HELP = ("This run as the tutorial's loop: a Jupyter notebook (descent.ipynb) and a Python script "
        "(descent.py) with the data (weather.csv). Needs only Python, numpy and pandas; its last line "
        "prints the same weights, bias and loss as shown here.")


def code_download(box, f, epochs: int, *, key: str, schedule=None) -> None:
    """A download button in ``box`` (a Streamlit container) for the run of frame ``f`` stopped after
    ``epochs`` (with its learning-rate ``schedule``, if any); the zip is built only when clicked."""
    box.download_button(
        "Notebook + script (.zip)",
        lambda: run_zip_of(view_of(f.dataset, f.model, f.w0, f.b0, f.run.lr, epochs, schedule)),
        file_name=ZIP_NAME, mime="application/zip", on_click="ignore", key=key, help=HELP)
