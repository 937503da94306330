"""Helpers for the "take the run home" tests: run an exported notebook and script as a user would, and hold
their last line to ``python -m gd_core fit --json``.

The notebook runs in a Jupyter kernel of *this* interpreter (a kernelspec written to a temporary folder
on ``JUPYTER_PATH``), so a clean virtualenv with ipykernel installed needs no ``ipykernel install``.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from gd_core.cli import main
from gd_core.takeaway import FILES, NOTEBOOK, README, SCRIPT

KERNEL_NAME = "descent-lab-tests"
REL = 1e-9


@contextlib.contextmanager
def jupyter_kernel():
    """A kernelspec named ``KERNEL_NAME`` that starts ``sys.executable -m ipykernel_launcher``."""
    with tempfile.TemporaryDirectory() as root:
        spec = Path(root) / "kernels" / KERNEL_NAME
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Descent Lab tests", "language": "python"}))
        before = os.environ.get("JUPYTER_PATH")
        os.environ["JUPYTER_PATH"] = os.pathsep.join([root, *([before] if before else [])])
        try:
            yield KERNEL_NAME
        finally:
            if before is None:
                os.environ.pop("JUPYTER_PATH", None)
            else:
                os.environ["JUPYTER_PATH"] = before


def read_checked_notebook(folder: Path) -> nbformat.NotebookNode:
    """The exported notebook, validated, with no outputs stored."""
    nb = nbformat.read(folder / NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, "outputs stored in the notebook"
    return nb


def last_json_line(text: str) -> dict:
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines, "nothing printed"
    return json.loads(lines[-1])


def execute_notebook(folder: Path, kernel: str) -> tuple[dict, float, nbformat.NotebookNode]:
    """Run every cell in ``folder`` (its working directory); the last code cell's last printed line,
    the seconds it took, and the executed notebook."""
    nb = read_checked_notebook(folder)
    start = time.perf_counter()
    where = {"metadata": {"path": str(folder)}}
    client = NotebookClient(nb, timeout=600, kernel_name=kernel, resources=where)
    client.execute()
    seconds = time.perf_counter() - start
    last = [c for c in nb.cells if c.cell_type == "code"][-1]
    text = "".join(o.get("text", "") for o in last.outputs
                   if o.output_type == "stream" and o.name == "stdout")
    return last_json_line(text), seconds, nb


def run_script(folder: Path) -> tuple[dict, float]:
    """``python descent.py`` in ``folder``: its last line and the seconds it took."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, SCRIPT], cwd=folder, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONWARNINGS": "error::RuntimeWarning"})
    assert done.returncode == 0, done.stderr
    assert done.stderr == "", done.stderr
    return last_json_line(done.stdout), time.perf_counter() - start


def fit_json(*args: str) -> dict:
    """``python -m gd_core fit ... --json`` (in this process)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["fit", *args, "--json"])
    assert status == 0, err.getvalue()
    return json.loads(out.getvalue())


def export(*args: str) -> tuple[int, str, str]:
    """``python -m gd_core export ...`` (in this process): status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["export", *args])
    return status, out.getvalue(), err.getvalue()


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=REL, abs_tol=0.0)


def assert_same_run(got: dict, fit: dict) -> None:
    """The exported code's JSON line against ``fit --json``: 1e-9 relative, epochs exactly."""
    assert set(got) == {"weights", "bias", "train_loss", "epochs_run", "diverged_at"}
    assert len(got["weights"]) == len(fit["weights"])
    assert all(close(a, b) for a, b in zip(got["weights"], fit["weights"])), (got["weights"], fit["weights"])
    assert close(got["bias"], fit["bias"]), (got["bias"], fit["bias"])
    assert close(got["train_loss"], fit["loss"]["train"]), (got["train_loss"], fit["loss"]["train"])
    assert got["epochs_run"] == fit["epochs_run"]
    assert got["diverged_at"] == fit["diverged_at"]


def unzip_three(data: bytes, folder: Path) -> Path:
    """Extract the zip's code and data (not its README) into an empty ``folder``; checks its names."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == sorted([*FILES, README])
        for name in FILES:
            (folder / name).write_bytes(archive.read(name))
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILES)
    return folder
