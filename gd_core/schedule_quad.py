"""Sums over long blocks of epochs of a smooth function of the epoch, without visiting every epoch: what
:func:`gd_core.scheduled.products` uses where a schedule's shape s_t is smooth (cosine, inverse-time)
and some column's ``x = ηλ·s_t`` is too big for the series of ``log(1 − x)``.

A block's sum Σ_{t=a}^{b−1} g(t) is, for a long block, Gauss–Legendre (16 nodes) on [a, b − 1] plus the
trapezoid's ends and Gregory's end corrections of order 10 (weights on the 11 epochs at each end); a
short block (≤ ``LITERAL_MAX`` epochs) is summed epoch by epoch. Both are exact up to rounding when g is
analytic far enough from the block: Gauss–Legendre's error shrinks like ρ^(−32), ρ the Bernstein
ellipse through g's nearest singularity, and Gregory's like ``10!/d¹¹`` at a distance d from it.

For ``g = log|1 − c·s(t)|`` the singularities are where ``c·s(t) = 1`` (a real crossing, or complex when
c·s stays under 1) and the shape's own (inverse-time's pole); :func:`singular_points` gives them in
closed form. A block whose ρ is under ``RHO_MIN`` for a column is cut, for that column, at ``t* ± D·2ᵏ``
around the nearest one (each piece then has ρ ≥ 5.8), and the ``2D`` epochs about it are walked.
"""

from __future__ import annotations

from fractions import Fraction
from math import comb

import numpy as np

from gd_core.schedules import Schedule

GL_NODES = 16
GREGORY = 10  # order of the end corrections
LITERAL_MAX = 64  # blocks up to this many epochs are summed epoch by epoch
NEAR = 32  # D: epochs walked on each side of a singularity's real part
LEVELS = 16  # cuts t* ± D·2ᵏ, k < LEVELS (D·2¹⁵ ≥ 1,000,000 epochs)
RHO_MIN = 4.0


def _gregory(p: int) -> np.ndarray:
    """Weights ω_j (j = 0 … p) with Σ_{i=0}^{n} f_i = ∫ f + (f_0 + f_n)/2 + Σ_j ω_j (f_j + f_{n−j})."""
    inv = [Fraction((-1) ** n, n + 1) for n in range(p + 2)]  # log(1 + x)/x
    g = [Fraction(1)]
    for n in range(1, p + 2):  # g = x/log(1 + x): the Gregory coefficients
        g.append(-sum(inv[k] * g[n - k] for k in range(1, n + 1)))
    out = [Fraction(0)] * (p + 1)
    for k in range(1, p + 1):
        ck = abs(g[k + 1])
        for j in range(k + 1):
            out[j] += ck * comb(k, j) * (-1) ** j
    return np.array([float(v) for v in out])


_X, _W = np.polynomial.legendre.leggauss(GL_NODES)
_OMEGA = _gregory(GREGORY)
_ENDS = np.arange(GREGORY + 1)


def rule(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points and weights that sum a smooth g over each block [a, b) of whole epochs: ``(owner, t, w)``
    with Σ_{t=a}^{b−1} g(t) ≈ Σ w·g(t) over the points ``owner == q``."""
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    n = b - a
    short = np.flatnonzero((n > 0) & (n <= LITERAL_MAX))
    long = np.flatnonzero(n > LITERAL_MAX)
    lens = n[short]
    own_s = np.repeat(short, lens)
    t_s = (np.arange(lens.sum()) - np.repeat(np.cumsum(lens) - lens, lens) + np.repeat(a[short], lens))
    lo, hi = a[long][:, None].astype(float), (b[long] - 1)[:, None].astype(float)
    mid, half = (lo + hi) / 2, (hi - lo) / 2
    t_l = np.hstack([mid + half * _X[None, :], lo + _ENDS[None, :], hi - _ENDS[None, :]])
    end_w = _OMEGA + np.where(_ENDS == 0, 0.5, 0.0)
    w_l = np.hstack([half * _W[None, :], np.broadcast_to(end_w, (len(long), len(_ENDS))),
                     np.broadcast_to(end_w, (len(long), len(_ENDS)))])
    owner = np.concatenate([own_s, np.repeat(long, t_l.shape[1])])
    return owner, np.concatenate([t_s.astype(float), t_l.ravel()]), \
        np.concatenate([np.ones(len(t_s)), w_l.ravel()])


def singular_points(schedule: Schedule, epochs: int, c: np.ndarray) -> np.ndarray:
    """``(len(c), 3)`` complex epochs where ``log|1 − c·s(t)|`` is singular (NaN where none), for the
    smooth shapes after the warm-up: cosine and inverse-time."""
    c = np.asarray(c, dtype=float)
    w = schedule.warmup
    out = np.full((len(c), 3), np.nan, dtype=complex)
    with np.errstate(all="ignore"):
        if schedule.kind == "cosine":  # 1 − c(1 + cos θ)/2 = 0: cos θ = 2/c − 1, θ = π(t − W)/T
            scale = max(epochs - w, 1) / np.pi
            theta = np.arccos((2 / c - 1).astype(complex))
            out[:, 0] = w + scale * theta
            out[:, 1] = w - scale * theta
            out[:, 2] = w + scale * (2 * np.pi - theta)
        elif schedule.kind == "inverse-time":  # 1 + αu = c, and the shape's pole 1 + αu = 0
            alpha = float(schedule.decay_rate) / float(schedule.decay_epochs)
            out[:, 0] = w + (c - 1) / alpha
            out[:, 1] = w - 1 / alpha
        out[~np.isfinite(out)] = np.nan
        out[c == 0] = np.nan
    return out


def _rho(z: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The Bernstein ellipse parameter of the points z (pairs × k) about the intervals [a, b − 1]."""
    mid = (a + b - 1) / 2.0
    half = np.maximum((b - 1 - a) / 2.0, 0.5)
    x = (z - mid[:, None]) / half[:, None]
    with np.errstate(all="ignore"):
        root = x + np.sqrt(x - 1) * np.sqrt(x + 1)
        rho = np.abs(root)
        rho = np.maximum(rho, 1 / rho)
    return np.where(np.isnan(z), np.inf, rho)


def log_sums(schedule: Schedule, epochs: int, a, b, c) -> tuple[np.ndarray, np.ndarray]:
    """For pairs (block [a, b), column c): ``Σ_{t=a}^{b−1} log|1 − c·s_t|`` and the count of negative
    factors' parity (1 where odd). Blocks lie after the warm-up of a cosine or inverse-time shape."""
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    c = np.asarray(c, dtype=float)
    z = singular_points(schedule, epochs, c)
    rho = _rho(z, a, b)
    near = np.argmin(rho, axis=1)
    cut = ((b - a) > LITERAL_MAX) & (rho[np.arange(len(a)), near] < RHO_MIN)
    # cut blocks: pieces between a, b and t* ± D·2ᵏ (t* the nearest singularity's real part, in [a, b])
    pieces_a, pieces_b, owner = [a[~cut]], [b[~cut]], [np.flatnonzero(~cut)]
    idx = np.flatnonzero(cut)
    if len(idx):
        star = np.clip(np.round(z[idx, near[idx]].real), a[idx], b[idx])
        steps = NEAR * 2.0 ** np.arange(LEVELS)
        marks = np.hstack([a[idx, None], b[idx, None], star[:, None] - steps, star[:, None] + steps])
        marks = np.sort(np.clip(marks, a[idx, None], b[idx, None]), axis=1).astype(np.int64)
        pa, pb = marks[:, :-1].ravel(), marks[:, 1:].ravel()
        keep = pb > pa
        pieces_a.append(pa[keep])
        pieces_b.append(pb[keep])
        owner.append(np.repeat(idx, marks.shape[1] - 1)[keep])
    pa, pb, po = (np.concatenate(v) for v in (pieces_a, pieces_b, owner))
    who, t, w = rule(pa, pb)
    col = c[po][who]
    with np.errstate(all="ignore"):
        f = 1 - col * schedule.shape_at(epochs, t)
        total = np.bincount(po[who], weights=w * np.log(np.abs(f)), minlength=len(a))
        # a long piece has no crossing inside: its factors share the sign of its first one
        literal = (pb - pa)[who] <= LITERAL_MAX
        first = np.zeros(len(pa), dtype=bool)
        start = np.flatnonzero(~literal & (t == pa[who]))
        first[who[start]] = f[start] < 0
        neg = np.bincount(po[who], weights=(literal & (f < 0)).astype(float), minlength=len(a))
        neg += np.bincount(po, weights=np.where(first, pb - pa, 0).astype(float), minlength=len(a))
    return total, (neg.astype(np.int64) % 2).astype(float)
