"""The live chart's payloads: the rate table as one binary blob, and the small per-run JSON beside it.

Pure (numpy + json). The blob is ``DLT1``, a little-endian uint32 header length, the JSON header, zero
padding to a multiple of 8, then the arrays as float64 (float32 for the scatter) at the offsets the
header lists. The browser reads it with typed arrays: no parsing of numbers as text, no rounding.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import numpy as np

from gd_core.descent import DIVERGENCE_FACTOR
from gd_core.experiment import Experiment
from gd_core.live import Endings, RateTable
from gd_ui.scene import Scene
from gd_ui.views import DescentData

MAGIC = b"DLT1"
MAX_SCATTER = 5000


@dataclass(frozen=True)
class Blob:
    data: bytes
    digest: str  # names the table in the browser, so the small payload can point at it


def _subsample(n: int, limit: int) -> np.ndarray:
    return np.arange(n) if n <= limit else np.unique(np.linspace(0, n - 1, limit).astype(int))


def pack(header: dict, arrays: dict[str, np.ndarray]) -> bytes:
    """The header and the arrays (float64 unless already float32) in the DLT1 layout."""
    chunks, offsets, position = [], {}, 0
    for name, values in arrays.items():
        a = np.ascontiguousarray(values, dtype=np.float32 if values.dtype == np.float32 else "<f8")
        offsets[name] = [position, int(a.size), "f4" if a.dtype == np.float32 else "f8"]
        raw = a.tobytes()
        raw += b"\0" * (-len(raw) % 8)
        chunks.append(raw)
        position += len(raw)
    text = json.dumps({**header, "arrays": offsets}, separators=(",", ":")).encode()
    text += b" " * (-(len(text) + 8) % 8)  # the arrays start at a multiple of 8
    return MAGIC + len(text).to_bytes(4, "little") + text + b"".join(chunks)


def table_blob(exp: Experiment, table: RateTable, labels: list[str], data: DescentData,
               base_weights: np.ndarray) -> Blob:
    """Everything that does not depend on the start: rates, powers, the quadratic, the data."""
    q = exp.quadratic
    keep = _subsample(len(data.x), MAX_SCATTER)
    header = {
        "rates": labels, "zones": [exp.theory.zone(float(r)) for r in table.rates],
        "lambda_max": q.lambda_max, "min_loss": q.min_loss, "divergence_factor": DIVERGENCE_FACTOR,
        "index": data.index, "d": len(base_weights), "m": len(q.eigenvalues),
        "standardized": exp.scaler is not None, "x2": data.x2, "w_star": data.optimum_weight,
        "optimum_loss": data.optimum_loss, "titles": {"x": data.x_title, "y": data.y_title,
                                                      "weight": data.weight_name},
        "multi": data.multi, "points": f"{len(keep):,} of {len(data.x):,} training days"
        if len(keep) < len(data.x) else f"{len(data.x):,} training days",
        "box": [float(data.x.min()), float(data.x.max()), float(data.y.min()), float(data.y.max())],
    }
    arrays = {"rate_values": table.rates, "epochs": table.epochs.astype(float), "powers": table.powers,
              "q": q.eigenvectors, "lam": q.eigenvalues, "opt": q.optimum, "means": data.means,
              "base_w": np.asarray(base_weights, dtype=float),
              "x": data.x[keep].astype(np.float32), "y": data.y[keep].astype(np.float32)}
    if exp.scaler is not None:
        arrays |= {"mean": exp.scaler.mean, "scale": exp.scaler.scale}
    digest = hashlib.sha1(pack(header, arrays)).hexdigest()[:16]
    return Blob(pack({**header, "digest": digest}, arrays), digest)


def run_json(digest: str, rate_index: int, w0: float, b0: float, ends: Endings, **extra) -> dict:
    """The small payload of one rerun: the table to use, where the sliders are, how each rate's run ends
    from this start."""
    return {"table": digest, "rate": int(rate_index), "w0": float(w0), "b0": float(b0),
            "diverged_at": ends.diverged_at.tolist(), "keep": ends.keep.tolist(),
            "extra_epochs": ends.extra_epochs.tolist(),
            "extra_powers": ends.extra_powers.tolist(), **extra}


def scene_json(s: Scene, data: DescentData, rate: str, **extra) -> dict:
    """A finished run for the live chart to draw as it is (no rate table, no sliders): every frame's
    numbers and axes, and the data's points."""
    keep = _subsample(len(data.x), MAX_SCATTER)
    ranges = [{"w": list(map(float, s.w_range[k])), "l": list(map(float, s.loss_range[k])),
               "g": list(map(float, s.grad_range[k]))} for k in range(len(s.epochs))]
    h = data.history
    return {
        "scene": {"epochs": s.epochs.tolist(), "w": s.w.tolist(), "icpt": s.intercept.tolist(),
                  "loss": s.loss.tolist(), "grad": s.grad.tolist(), "box": list(map(float, s.box)),
                  "follow": s.follow, "ranges": ranges, "exact": True,
                  "divergedAt": h.diverged_at if h.diverged else None},
        "static": {"titles": {"x": data.x_title, "y": data.y_title, "weight": data.weight_name},
                   "x": np.round(data.x[keep], 4).tolist(), "y": np.round(data.y[keep], 4).tolist(),
                   "x2": data.x2, "w_star": data.optimum_weight, "optimum_loss": data.optimum_loss,
                   "multi": data.multi, "rate": rate, "index": data.index,
                   "points": f"{len(keep):,} of {len(data.x):,} training days" if len(keep) < len(data.x)
                   else f"{len(data.x):,} training days"},
        "rate": 0, "w0": 0.0, "b0": 0.0, **extra}
