"""The page registry: every page's file, name, icon and title, in navigation order.

Streamlit discovers ``app.py`` and ``pages/*.py`` by itself (the URLs come from the file names); this is
the one list the app's own navigation, presenter mode and page frame read. Pure data.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    key: str
    path: str  # relative to the repository root, as st.page_link and st.switch_page take it
    label: str  # in the navigation
    title: str  # the page's heading and browser tab
    icon: str  # a Material icon (emoji do not render on every projector's machine)
    classroom: bool = False  # offered in presenter mode's top row


PAGES = (
    Page("playground", "app.py", "Playground", "Gradient descent, live", ":material/tune:", True),
    Page("data", "pages/1_Data.py", "Your data", "Your own weather data", ":material/upload_file:"),
    Page("lab", "pages/2_Learning_Rate_Lab.py", "Learning-rate lab", "Learning-rate lab",
         ":material/science:", True),
    Page("landscape", "pages/3_Loss_Landscape.py", "Loss landscape", "Loss landscape",
         ":material/terrain:", True),
    Page("lesson", "pages/4_Step_Through.py", "Step through the lesson", "Step through gradient descent",
         ":material/school:", True),
)
BY_KEY = {p.key: p for p in PAGES}
