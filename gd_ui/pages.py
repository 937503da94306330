"""The page registry: every page's file, URL, name, icon and title, in navigation order.

The one list of pages: ``app.py`` hands it to ``st.navigation`` (``gd_ui.widgets.navigation``), and the
sidebar's links, presenter mode, the class's steps and the page frame read it. A page is one file in
``pages/`` (or the Playground, ``app.py`` itself) and one entry here. Pure data.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    key: str
    path: str  # relative to the repository root (the Playground's is app.py, the entry point itself)
    label: str  # in the navigation
    title: str  # the page's heading and browser tab
    icon: str  # a Material icon (emoji do not render on every projector's machine)
    classroom: bool = False  # offered in presenter mode's top row

    @property
    def slug(self) -> str:
        """The page's URL path: its file's name (``pages/Step_Through.py`` → ``Step_Through``), as
        Streamlit names a page file; "" for the Playground, at the root."""
        return self.path.removeprefix("pages/").removesuffix(".py") if self.path.startswith("pages/") else ""


PAGES = (
    Page("playground", "app.py", "Playground", "Gradient descent, live", ":material/tune:", True),
    Page("data", "pages/Data.py", "Your data", "Your own weather data",
         ":material/upload_file:"),
    Page("lab", "pages/Learning_Rate_Lab.py", "Learning-rate lab", "Learning-rate lab",
         ":material/science:", True),
    Page("landscape", "pages/Loss_Landscape.py", "Loss landscape", "Loss landscape",
         ":material/terrain:", True),
    Page("lesson", "pages/Step_Through.py", "Step through the lesson",
         "Step through gradient descent", ":material/school:", True),
)
BY_KEY = {p.key: p for p in PAGES}
