"""Which plotly.js the live chart (and the Playground's other charts, gd_ui/widgets/plain_chart.py) loads:
plotly's own basic bundle (scatter, bar, pie: 1.1 MB; the charts draw scatter only — the data points
too, as SVG, drawn once per panel geometry, not as WebGL, whose set-up in a software renderer cost more
than the whole first draw), pinned by version and hash; scripts/fetch_plotly.py fetches it from the npm
registry into vendor/. Without it, the plotly wheel's full bundle. Pure (paths and hashes)."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

PACKAGE, VERSION = "plotly.js-basic-dist-min", "3.7.0"
TARBALL_SHA256 = "671aa70a322bd6222a233be824d0f148c08f08c3cc64c85d1a409bd89d17a39d"
BUNDLE_SHA256 = "c23b03591a6bdad0bd0f47a0c5c52305a5519812b73ce254be65cd841553c9c2"
MEMBER = "package/plotly-basic.min.js"
URL = f"https://registry.npmjs.org/{PACKAGE}/-/{PACKAGE}-{VERSION}.tgz"
VENDORED = Path(__file__).resolve().parents[2] / "vendor" / "plotly-basic.min.js"


def full_bundle() -> Path:
    """The full plotly.js inside the installed plotly package (4.8 MB)."""
    return Path(importlib.util.find_spec("plotly").origin).parent / "package_data" / "plotly.min.js"


def chosen() -> tuple[Path, bool]:
    """The bundle to serve and whether it is the pinned small one (present and its hash the pin's)."""
    try:
        if hashlib.sha256(VENDORED.read_bytes()).hexdigest() == BUNDLE_SHA256:
            return VENDORED, True
    except OSError:
        pass
    return full_bundle(), False
