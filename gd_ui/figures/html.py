"""A figure as one offline HTML file (plotly.js inlined, every animation frame kept)."""

from __future__ import annotations

import html

import plotly.io as pio


def figure_html(fig, title: str) -> str:
    """``fig`` as a standalone page titled ``title`` that plays offline (``to_html`` serialises through
    ``fig.to_dict()``, which carries the pre-built frames)."""
    page = pio.to_html(fig, include_plotlyjs=True, full_html=True, auto_play=False,
                       config={"displaylogo": False})
    return page.replace("<head>", f"<head><title>{html.escape(title)}</title>", 1)
