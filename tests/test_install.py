"""Installs that repeat: the README's commands install from the lock files, CI runs exactly the README's
test command, and the locks pin every requirement (with hashes)."""

from __future__ import annotations

import re

from conftest import REPO

README = (REPO / "README.md").read_text()
COMMANDS = re.findall(r"```bash\n(.*?)\n```", README, re.S)


def _requirement_names(path) -> set[str]:
    names = set()
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            names.add(re.split(r"[\[<>=!~; ]", line)[0].lower().replace("_", "-"))
    return names


def _locked(path) -> dict[str, str]:
    """{name: version} of a pip-compile lock; each pin must carry at least one sha256 hash."""
    text = path.read_text()
    pins = re.findall(r"^([A-Za-z0-9._-]+)==([^\s\\]+) \\\n((?:\s+--hash=sha256:[0-9a-f]{64}(?: \\)?\n?)+)",
                      text, re.M)
    assert pins, f"no hashed pins in {path.name}"
    every = re.findall(r"^[A-Za-z0-9._-]+==", text, re.M)
    assert len(every) == len(pins), f"{path.name}: a pin without hashes"
    return {name.lower().replace("_", "-"): version for name, version, _ in pins}


def test_ci_runs_exactly_the_readme_test_command():
    test = [c for c in COMMANDS if "pytest" in c and "apt-get" in c]
    assert len(test) == 1, "the README has one test command"
    ci = (REPO / ".ci" / "run").read_text().splitlines()
    assert test[0] in ci, ".ci/run must run the README's test command verbatim"


def test_the_readme_installs_from_the_locks():
    start = next(c for c in COMMANDS if "streamlit run app.py" in c)
    assert "--require-hashes -r requirements.lock" in start
    test = next(c for c in COMMANDS if "pytest" in c and "apt-get" in c)
    assert "--require-hashes -r requirements-dev.lock" in test
    assert "scripts/lock" in README and (REPO / "scripts" / "lock").is_file()


def test_the_locks_pin_every_requirement_with_hashes():
    runtime = _locked(REPO / "requirements.lock")
    dev = _locked(REPO / "requirements-dev.lock")
    for name in _requirement_names(REPO / "requirements.txt"):
        assert name in runtime and name in dev, f"{name} is not in the locks: run scripts/lock"
    for name in _requirement_names(REPO / "requirements-dev.txt"):
        assert name in dev, f"{name} is not in requirements-dev.lock: run scripts/lock"
    for name, version in runtime.items():
        assert dev.get(name) == version, f"{name}: {version} at run time, {dev.get(name)} in the dev lock"
    for name in ("nbformat", "nbclient", "ipykernel", "streamlit", "plotly", "pip-tools"):
        assert (name in dev) == (name != "pip-tools"), name
