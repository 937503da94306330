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
import orjson

from gd_core.descent import DIVERGENCE_FACTOR
from gd_core.experiment import Experiment
from gd_core.rate_grid import Endings, RateTable
from gd_ui.chart.scene import Scene
from gd_ui.chart.spec import chart_spec
from gd_ui.chart.views import DescentData

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


def original_maps(exp: Experiment) -> dict[str, np.ndarray]:
    """The quadratic seen from original units, so the browser needs no standardisation branch.

    The model's parameters are a linear map of the original ones, θ_model = B·θ_orig (B = I for raw
    features; for standardised ones w_s = σ·w, b_s = b + Σ μ·w). With the run θ_model,k = θ* + Q·(pₖ ⊙ z₀),
    z₀ = Qᵀ(θ_model,0 − θ*): in original units θ_orig,k = opt + U·(pₖ ⊙ z₀) with z₀ = V·(θ_orig,0 − opt),
    U = B⁻¹Q, V = QᵀB, opt = B⁻¹θ*; the half-MSE gradient in original units is Bᵀ·∇_model = G·(pₖ ⊙ z₀),
    G = BᵀQ·diag(λ); the loss is min_loss + Σ λᵢ(pₖ,ᵢ z₀,ᵢ)². All (m, m) row-major, m = d + 1.
    """
    q = exp.quadratic
    m = len(q.eigenvalues)
    eye = np.eye(m)
    if exp.scaler is None:
        to_model = to_original = eye
    else:  # columns: the images of the unit vectors (exact formulas, no matrix inverse)
        def column(f, e):
            w, b = f(e[:-1], e[-1])
            return np.append(w, b)
        to_model = np.column_stack([column(exp.scaler.to_standardized, e) for e in eye])
        to_original = np.column_stack([column(exp.scaler.to_original, e) for e in eye])
    qm, lam = q.eigenvectors, q.eigenvalues
    return {"u": to_original @ qm, "v": qm.T @ to_model, "g": to_model.T @ qm @ np.diag(lam),
            "opt": to_original @ q.optimum, "lam": lam}


def table_blob(exp: Experiment, table: RateTable, labels: list[str], data: DescentData,
               base_weights: np.ndarray) -> Blob:
    """Everything that does not depend on the start: rates, powers, the quadratic (in original units),
    the data. ``base_weights``: the other weights' start, original units."""
    q = exp.quadratic
    keep = _subsample(len(data.x), MAX_SCATTER)
    header = {
        "rates": labels, "zones": [exp.theory.zone(float(r)) for r in table.rates],
        "min_loss": q.min_loss, "divergence_factor": DIVERGENCE_FACTOR,
        "index": data.index, "d": len(base_weights), "m": len(q.eigenvalues),
        "x2": data.x2, "w_star": data.optimum_weight, "optimum_loss": data.optimum_loss,
        "points": points_label(len(keep), len(data.x)),
        "box": [float(data.x.min()), float(data.x.max()), float(data.y.min()), float(data.y.max())],
    }
    arrays = {"rate_values": table.rates, "epochs": table.epochs.astype(float), "powers": table.powers,
              **original_maps(exp), "means": data.means, "base_w": np.asarray(base_weights, dtype=float),
              "x": data.x[keep].astype(np.float32), "y": data.y[keep].astype(np.float32)}
    digest = hashlib.sha1(pack(header, arrays)).hexdigest()[:16]
    return Blob(pack({**header, "digest": digest}, arrays), digest)


def packed(data: dict, **raw: str) -> bytes:
    """``data`` as the JSON bytes a component is sent (``G.unpack`` in live_shared.js reads them back):
    encoded once, by orjson, where a dict would be encoded by the json module twice per rerun (once
    more, with sorted keys, for the element's identity); ``raw``: values that are JSON texts already,
    inserted as they are (a figure is not encoded again as a string)."""
    return orjson.dumps({**data, **{k: orjson.Fragment(v) for k, v in raw.items()}},
                        option=orjson.OPT_SERIALIZE_NUMPY)


def points_label(shown: int, total: int) -> str:
    """The data points' name: how many of the training days are drawn."""
    return f"{shown:,} of {total:,} training days" if shown < total else f"{total:,} training days"


def run_json(digest: str, rate_index: int, w0: float, b0: float, ends: Endings, **extra) -> dict:
    """The small payload of one rerun: the table to use, where the sliders are, how each rate's run ends
    from this start."""
    return {"table": digest, "rate": int(rate_index), "w0": float(w0), "b0": float(b0),
            "diverged_at": ends.diverged_at.tolist(), "keep": ends.keep.tolist(),
            "extra_epochs": ends.extra_epochs.tolist(),
            "extra_powers": ends.extra_powers.tolist(), **extra}


def scene_json(s: Scene, data: DescentData, rate: str, **extra) -> dict:
    """A finished run for the live chart to draw as it is (no rate table, no sliders): every frame's
    numbers and axes, the data's points, and the chart's spec (``extra`` may bring its own)."""
    extra.setdefault("spec", chart_spec(data, presenter=bool(extra.get("presenter"))))
    keep = _subsample(len(data.x), MAX_SCATTER)
    ranges = [{"w": list(map(float, s.w_range[k])), "l": list(map(float, s.loss_range[k])),
               "g": list(map(float, s.grad_range[k]))} for k in range(len(s.epochs))]
    h = data.history
    return {
        "scene": {"epochs": s.epochs.tolist(), "w": s.w.tolist(), "icpt": s.intercept.tolist(),
                  "loss": s.loss.tolist(), "grad": s.grad.tolist(), "box": list(map(float, s.box)),
                  "follow": s.follow, "ranges": ranges, "exact": True,
                  "divergedAt": h.diverged_at if h.diverged else None},
        "static": {"x": np.round(data.x[keep], 4).tolist(), "y": np.round(data.y[keep], 4).tolist(),
                   "x2": data.x2, "w_star": data.optimum_weight, "optimum_loss": data.optimum_loss,
                   "rate": rate, "index": data.index, "points": points_label(len(keep), len(data.x))},
        "rate": 0, "w0": 0.0, "b0": 0.0, **extra}
