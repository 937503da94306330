"""Shared test fixtures. Keep this small: helpers used by one module live in that module."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# The tutorial's own data lives next to the repository, never inside it (see ../shared/reference/).
REFERENCE_CSV = REPO.parent / "shared" / "reference" / "clean_weather.csv"


def require_reference(path: Path) -> Path:
    """``path`` if it exists; else skip with the reason, or fail when ``CI`` is set (CI must run it)."""
    if path.is_file():
        return path
    reason = f"tutorial reference data not found at {path}"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}, and CI is set: the tutorial reproduction must run in CI")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def reference_csv() -> Path:
    """The tutorial's ``clean_weather.csv`` (skipped where ``../shared`` is absent, never in CI)."""
    return require_reference(REFERENCE_CSV)
