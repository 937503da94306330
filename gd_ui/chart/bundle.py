"""Which plotly.js the live chart loads: plotly's own gl2d bundle (scatter and scattergl, the only trace
types the chart draws), pinned by version and hash; scripts/fetch_plotly.py fetches it from the npm
registry into vendor/. Without it, the plotly wheel's full bundle. Pure (paths and hashes)."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

PACKAGE, VERSION = "plotly.js-gl2d-dist-min", "3.7.0"
TARBALL_SHA256 = "e4dbdcdfb428eb7b5d66b2ee4a6285cfd4f81d1f9aeffe410bc372fcf5dc1ee9"
BUNDLE_SHA256 = "d396c0d59e2844a167dc4aca8469fe1653060cb105f4d7cbd47b3c7788b1e750"
MEMBER = "package/plotly-gl2d.min.js"
URL = f"https://registry.npmjs.org/{PACKAGE}/-/{PACKAGE}-{VERSION}.tgz"
VENDORED = Path(__file__).resolve().parents[2] / "vendor" / "plotly-gl2d.min.js"


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
