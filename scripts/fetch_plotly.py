"""Fetch the live chart's plotly.js: plotly's own smaller official bundle, pinned by version and hash.

The live chart draws ``scatter`` traces only (its data points too, as SVG), so it loads
``plotly.js-basic-dist-min`` (scatter, bar, pie: 1.1 MB) instead of the 4.8 MB one in the plotly wheel;
the Playground's other charts (loss per epoch, a schedule's strip) use it too. The other pages' charts
(``st.plotly_chart``) use the plotly.js built into Streamlit's own JavaScript, so they are unaffected.
This script downloads the package from the npm registry, checks the tarball's and the file's SHA-256
against the pins in ``gd_ui/chart/bundle.py``, and writes ``vendor/plotly-basic.min.js`` (not committed).
The app serves it itself (no CDN). Without it — no network at install time, a failed check — the app
falls back to the wheel's full bundle and says so in its log.

    .venv/bin/python scripts/fetch_plotly.py [--force]

Exit status 0 when the file is in place (or was already), 1 when it could not be fetched or verified.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gd_ui.chart.bundle import BUNDLE_SHA256, MEMBER, PACKAGE, TARBALL_SHA256, URL, VERSION
from gd_ui.chart.bundle import VENDORED as TARGET


def extract(tarball: bytes) -> bytes:
    """The bundle from the npm tarball, once its hash is the pinned one."""
    digest = hashlib.sha256(tarball).hexdigest()
    if digest != TARBALL_SHA256:
        raise ValueError(f"{PACKAGE}@{VERSION}: SHA-256 {digest} is not the pinned {TARBALL_SHA256}")
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
        member = tar.extractfile(MEMBER)
        if member is None:
            raise ValueError(f"{PACKAGE}@{VERSION} has no {MEMBER}")
        bundle = member.read()
    if hashlib.sha256(bundle).hexdigest() != BUNDLE_SHA256:
        raise ValueError(f"{PACKAGE}@{VERSION}: {MEMBER} is not the pinned file")
    return bundle


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="fetch again even if the file is there")
    args = parser.parse_args(argv)
    if TARGET.exists() and not args.force:
        print(f"{TARGET.name}: already in place ({PACKAGE}@{VERSION})")
        return 0
    try:
        with urllib.request.urlopen(URL, timeout=60) as response:
            bundle = extract(response.read())
    except (OSError, ValueError, tarfile.TarError) as exc:
        print(f"warning: {PACKAGE}@{VERSION} not fetched ({exc}); the live chart will load the plotly "
              "wheel's full bundle (4.8 MB) instead", file=sys.stderr)
        return 1
    TARGET.parent.mkdir(exist_ok=True)
    tmp = TARGET.with_suffix(".tmp")
    tmp.write_bytes(bundle)
    tmp.replace(TARGET)
    print(f"{TARGET.name}: {PACKAGE}@{VERSION}, {len(bundle) / 1e6:.1f} MB, SHA-256 checked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
