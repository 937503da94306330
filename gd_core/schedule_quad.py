"""Sums over long blocks of epochs of a smooth function of the epoch, without visiting every epoch: what
:func:`gd_core.scheduled.products` uses where a schedule's shape s_t is smooth (cosine, inverse-time,
exponential) and some column's ``x = ηλ·s_t`` is too big for the series of ``log(1 − x)``.

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

import functools
from fractions import Fraction
from math import comb

import numpy as np

from gd_core.schedules import Schedule

GL_NODES = 16  # Gauss–Legendre nodes on a block with no singularity near (ρ ≥ RHO_MIN)
GREGORY = 10  # order of the end corrections there
LITERAL_MAX = 64  # blocks up to this many epochs are summed epoch by epoch
NEAR = 32  # D: epochs walked on each side of a singularity's real part
LEVELS = 9  # cuts t* ± D·4ᵏ, k < LEVELS (D·4⁸ ≥ 2,000,000 epochs)
RHO_MIN = 4.0
RHO_CUT = 1.6  # below this a block is cut about the singularity; above, nodes enough for its ρ
NODES = (8, 12, 16, 24, 32, 48)
ORDERS = ((1350.0, 4), (235.0, 6), (124.0, 8), (0.0, 10))  # Gregory order for a distance d ≥ …


@functools.cache
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


@functools.cache
def _legendre(n: int) -> tuple[np.ndarray, np.ndarray]:
    return np.polynomial.legendre.leggauss(n)


def nodes_for(rho: np.ndarray) -> np.ndarray:
    """Gauss–Legendre nodes for an error ρ^(−2N) ≤ 1e-17 (from NODES; the largest when ρ is small)."""
    want = 19.6 / np.log(np.maximum(rho, 1.0 + 1e-12))
    pick = np.searchsorted(np.array(NODES, dtype=float), want)
    return np.array(NODES)[np.minimum(pick, len(NODES) - 1)]


def order_for(d: np.ndarray) -> np.ndarray:
    """Gregory order for a log singularity at distance d: γ_{p+1}·p!/d^(p+1) ≤ 1e-16 (10 below 124)."""
    out = np.full(np.shape(d), ORDERS[-1][1])
    for far, p in reversed(ORDERS[:-1]):
        out = np.where(d >= far, p, out)
    return out


def rule(a, b, nodes=None, order=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points and weights that sum a smooth g over each block [a, b) of whole epochs: ``(owner, t, w)``
    with Σ_{t=a}^{b−1} g(t) ≈ Σ w·g(t) over the points ``owner == q``; a long block takes ``nodes[q]``
    Gauss–Legendre nodes and Gregory's corrections of order ``order[q]`` (GL_NODES and GREGORY)."""
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    n = b - a
    nodes = np.full(len(a), GL_NODES) if nodes is None else np.asarray(nodes)
    order = np.full(len(a), GREGORY) if order is None else np.asarray(order)
    short = np.flatnonzero((n > 0) & (n <= LITERAL_MAX))
    lens = n[short]
    owners = [np.repeat(short, lens)]
    ts = [(np.arange(lens.sum()) - np.repeat(np.cumsum(lens) - lens, lens)
           + np.repeat(a[short], lens)).astype(float)]
    ws = [np.ones(lens.sum())]
    long = n > LITERAL_MAX
    for g_n, g_p in set(zip(nodes[long].tolist(), order[long].tolist())):
        idx = np.flatnonzero(long & (nodes == g_n) & (order == g_p))
        x, wx = _legendre(g_n)
        ends = np.arange(g_p + 1)
        end_w = _gregory(g_p) + np.where(ends == 0, 0.5, 0.0)
        lo, hi = a[idx][:, None].astype(float), (b[idx] - 1)[:, None].astype(float)
        mid, half = (lo + hi) / 2, (hi - lo) / 2
        ts.append(np.hstack([mid + half * x[None, :], lo + ends[None, :], hi - ends[None, :]]).ravel())
        ws.append(np.hstack([half * wx[None, :], np.broadcast_to(end_w, (len(idx), g_p + 1)),
                             np.broadcast_to(end_w, (len(idx), g_p + 1))]).ravel())
        owners.append(np.repeat(idx, g_n + 2 * (g_p + 1)))
    return np.concatenate(owners), np.concatenate(ts), np.concatenate(ws)


def singular_points(schedule: Schedule, epochs: int, c: np.ndarray, warm: bool = False) -> np.ndarray:
    """``(len(c), 3)`` complex epochs where ``log|1 − c·s(t)|`` is singular (NaN where none), for the
    smooth shapes after the warm-up: cosine, inverse-time and exponential (the nearest three); with
    ``warm``, of the warm-up's straight line."""
    c = np.asarray(c, dtype=float)
    w = schedule.warmup
    out = np.full((len(c), 3), np.nan, dtype=complex)
    with np.errstate(all="ignore"):
        if warm:  # the warm-up's line: c·(t + 1)/W = 1
            out[:, 0] = w / c - 1
        elif schedule.kind == "cosine":  # 1 − c(1 + cos θ)/2 = 0: cos θ = 2/c − 1, θ = π(t − W)/T
            scale = max(epochs - w, 1) / np.pi
            theta = np.arccos((2 / c - 1).astype(complex))
            out[:, 0] = w + scale * theta
            out[:, 1] = w - scale * theta
            out[:, 2] = w + scale * (2 * np.pi - theta)
        elif schedule.kind == "exponential":  # r^(u/K) = 1/c: u = −K·log c/ln r, every 2πiK/ln r
            k_ln = float(schedule.decay_epochs) / np.log(float(schedule.decay_rate))
            u = -k_ln * np.log(c.astype(complex))
            out[:, 0] = w + u
            out[:, 1] = w + u + 2j * np.pi * k_ln
            out[:, 2] = w + u - 2j * np.pi * k_ln
        elif schedule.kind == "inverse-time":  # 1 + αu = c, and the shape's pole 1 + αu = 0
            alpha = float(schedule.decay_rate) / float(schedule.decay_epochs)
            out[:, 0] = w + (c - 1) / alpha
            out[:, 1] = w - 1 / alpha
        out[~np.isfinite(out)] = np.nan
        out[c == 0] = np.nan
    return out


def _rho(z: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The Bernstein ellipse parameters of the points z (pairs × k) about the intervals [a, b − 1], and
    their distances to the intervals."""
    mid = (a + b - 1) / 2.0
    half = np.maximum((b - 1 - a) / 2.0, 0.5)
    x = (z - mid[:, None]) / half[:, None]
    with np.errstate(all="ignore"):
        root = x + np.sqrt(x - 1) * np.sqrt(x + 1)
        rho = np.abs(root)
        rho = np.maximum(rho, 1 / rho)
        off = np.maximum(np.abs(z.real - mid[:, None]) - half[:, None], 0.0)
        dist = np.hypot(off, z.imag)
    gone = np.isnan(z)
    return np.where(gone, np.inf, rho), np.where(gone, np.inf, dist)


def log_sums(schedule: Schedule, epochs: int, a, b, c, warm: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """For pairs (block [a, b), column c): ``Σ_{t=a}^{b−1} log|1 − c·s_t|`` and the count of negative
    factors' parity (1 where odd). Blocks lie after the warm-up of a cosine, inverse-time or exponential
    shape, or (``warm``) inside the warm-up of any."""
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    c = np.asarray(c, dtype=float)
    z = singular_points(schedule, epochs, c, warm)
    rho, dist = _rho(z, a, b)
    near = np.argmin(rho, axis=1)
    # cut where the ellipse is thin, or the singularity within D of the block (Gregory's ends)
    cut = ((b - a) > LITERAL_MAX) & ((rho[np.arange(len(a)), near] < RHO_CUT)
                                     | (dist.min(axis=1) < NEAR))
    # cut blocks: pieces between a, b and t* ± D·4ᵏ (t* the nearest singularity's real part, in [a, b])
    pieces_a, pieces_b, owner = [a[~cut]], [b[~cut]], [np.flatnonzero(~cut)]
    idx = np.flatnonzero(cut)
    if len(idx):
        star = np.clip(np.round(z[idx, near[idx]].real), a[idx], b[idx])
        steps = NEAR * 4.0 ** np.arange(LEVELS)
        marks = np.hstack([a[idx, None], b[idx, None], star[:, None] - steps, star[:, None] + steps])
        marks = np.sort(np.clip(marks, a[idx, None], b[idx, None]), axis=1).astype(np.int64)
        pa, pb = marks[:, :-1].ravel(), marks[:, 1:].ravel()
        keep = pb > pa
        pieces_a.append(pa[keep])
        pieces_b.append(pb[keep])
        owner.append(np.repeat(idx, marks.shape[1] - 1)[keep])
    pa, pb, po = (np.concatenate(v) for v in (pieces_a, pieces_b, owner))
    prho, pdist = _rho(z[po], pa, pb)
    who, t, w = rule(pa, pb, nodes_for(prho.min(axis=1)), order_for(pdist.min(axis=1)))
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
