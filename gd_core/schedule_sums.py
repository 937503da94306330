"""Closed forms behind :func:`gd_core.scheduled.products`: where the shape s_t of a schedule needs no
epoch-by-epoch work, and the sums over a block of epochs that replace it there.

After the warm-up every shape starts at 1 and decays monotonically (a constant one stays at 1), so its
run splits into four stretches (:func:`plan`):

* **walked** [0, L): vectorised, as :mod:`gd_core.scheduled` always did — the warm-up, an exponential's
  epochs while some column's ``ηλ·s_t`` still exceeds 1/4 (when there are at most ``WALK_MAX`` of
  them), a growing step or exponential (r ≥ 1);
* **pieces** [L, P): the shape is constant on each block (a step schedule's first pieces, a constant
  schedule after its warm-up), so a block's product is exactly ``(1 − ηλv)^length``;
* **quadrature** [P, S): cosine, and inverse-time or a slow exponential until the series may start
  (:mod:`gd_core.schedule_quad`; blocks cut at T/8 for cosine, at the doublings of the distance to
  inverse-time's pole, every K/|ln r| epochs for exponential);
* **series** [S, E): every column's ``x = ηλ·s_t`` is ≤ 1/4, so the block's ``log ∏ (1 − x)`` is the
  series ``−Σₙ (ηλ)ⁿ/n · Σₜ sₜⁿ`` and :func:`power_sums` gives ``Σₜ sₜⁿ`` in closed form: geometric sums
  for step and exponential (``expm1`` forms, accurate when ``rⁿ`` is near 1), Euler–Maclaurin with four
  Bernoulli terms for inverse-time (the stretch starts where ``(n + 8)·(r/K)·s`` ≤ 1/100, so the
  remainder is below 1e-18 of the sum).

The tests hold every sum to the plain sum over the literal shape's values.
"""

from __future__ import annotations

import math

import numpy as np

from gd_core.schedules import Schedule

SERIES_BELOW = 0.25  # a factor 1 − x with x ≤ this may come from the series of log(1 − x)
WALK_MAX = 4096  # an exponential's stretch with some ηλ·s > 1/4 is walked up to this long
EM_BELOW = 0.01  # Euler–Maclaurin for inverse-time where (n + 8)·(r/K)·s is at most this
# B₂ₖ/(2k)! for k = 1 … 4, and the rising factorial's length 2k − 1
BERNOULLI = ((1 / 12, 1), (-1 / 720, 3), (1 / 30240, 5), (-1 / 1209600, 7))


def _first(schedule: Schedule, epochs: int, guess: float, ok, step: int = 1) -> int:
    """The first whole u ≥ 0 (a multiple of ``step``) where ``ok(s_u)`` holds, s decreasing after the
    warm-up, from an analytic ``guess`` checked and mended against the literal shape."""
    w, cap = schedule.warmup, epochs - schedule.warmup
    if not math.isfinite(guess) or guess > cap:
        return cap
    u = max(0, math.ceil(guess / step) * step)

    def holds(v: int) -> bool:
        return bool(ok(float(schedule.shape_at(epochs, [w + v])[0])))

    while u > 0 and holds(u - step):
        u -= step
    while u < cap and not holds(u):
        u += step
    return min(u, cap)


def plan(schedule: Schedule, epochs: int, cmax: float, terms: int) -> tuple[int, int, int, np.ndarray]:
    """``(L, P, S, cuts)``: the run's stretches — literal [0, L), pieces [L, P), quadrature [P, S)
    (:mod:`gd_core.schedule_quad`), series [S, epochs) — for columns whose largest ``|ηλ|`` is
    ``cmax``, and the epochs where blocks must also be cut (a step's pieces; the quadrature's smoothness)."""
    w, e = schedule.warmup, int(epochs)
    r, k = float(schedule.decay_rate), int(schedule.decay_epochs)
    none = np.zeros(0, dtype=np.int64)
    if not (math.isfinite(cmax) and cmax <= 1e3):
        return e, e, e, none
    if schedule.kind == "constant":
        return w, e, e, np.array([w], dtype=np.int64)
    if schedule.kind == "cosine":  # blocks of at most T/8 epochs: cos is smooth on each
        big_t = max(e - w, 1)
        return w, w, e, np.arange(w, e, max(big_t // 8, 1), dtype=np.int64)
    below = SERIES_BELOW / cmax if cmax > 0 else math.inf
    if schedule.kind in ("step", "exponential") and r >= 1.0:
        return e, e, e, none  # a growing rate: walked
    lnr = math.log(r)
    if schedule.kind == "step":
        u = _first(schedule, e, k * math.log(below) / lnr if below < 1 else 0.0,
                   lambda s: cmax * s <= SERIES_BELOW, k)
        return w, w + u, w + u, np.arange(w, w + u, k, dtype=np.int64)
    if schedule.kind == "exponential":
        u = _first(schedule, e, k * math.log(below) / lnr if below < 1 else 0.0,
                   lambda s: cmax * s <= SERIES_BELOW)
        if u <= WALK_MAX:
            return w + u, w + u, w + u, none
        # a slow decay: quadrature, on blocks of at most K/|ln r| epochs (s falls by e on each)
        return w, w, w + u, np.arange(w, w + u, max(int(k / -lnr), 1), dtype=np.int64)
    alpha = r / k  # inverse-time: s = 1/(1 + αu)
    top = min(below, EM_BELOW / (alpha * (terms + 8)))
    u = _first(schedule, e, (1 / top - 1) / alpha if top < 1 else 0.0,
               lambda s: cmax * s <= SERIES_BELOW and alpha * s * (terms + 8) <= EM_BELOW)
    # blocks no longer than their distance to the shape's pole at u = −1/α
    grid = w + np.floor((2.0 ** np.arange(1, 64) - 1) / alpha)
    return w, w, w + u, grid[grid < w + u].astype(np.int64)


def power_sums(schedule: Schedule, epochs: int, a: np.ndarray, b: np.ndarray, terms: int) -> np.ndarray:
    """``(len(a), terms)``: Σ_{t=a}^{b−1} s_tⁿ for n = 1 … terms, for blocks after the warm-up in the
    series' stretch of :func:`plan` (step, exponential, inverse-time)."""
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    n = np.arange(1, terms + 1, dtype=float)[None, :]
    r, k = float(schedule.decay_rate), int(schedule.decay_epochs)
    ua, ub = a - schedule.warmup, b - schedule.warmup
    length = (b - a).astype(float)[:, None]
    s_a = schedule.shape_at(epochs, a)[:, None]
    with np.errstate(all="ignore"):
        if schedule.kind == "exponential":  # s_u = ρ^u with ρ = r^(1/K): geometric
            g = n * math.log(r) / k
            return s_a ** n * (np.expm1(length * g) / np.expm1(g))
        if schedule.kind == "step":  # pieces of K epochs at r^j: the first, the full ones, the last
            ja, jl = ua // k, (ub - 1) // k
            same = (ja == jl)[:, None]
            first = (np.minimum((ja + 1) * k, ub) - ua).astype(float)[:, None]
            last = (ub - jl * k).astype(float)[:, None]
            full = np.maximum(jl - ja - 1, 0).astype(float)[:, None]
            g = n * math.log(r)
            middle = (r ** (ja + 1.0))[:, None] ** n * (np.expm1(full * g) / np.expm1(g)) * k
            s_l = schedule.shape_at(epochs, b - 1)[:, None]
            return np.where(same, length * s_a ** n, first * s_a ** n + last * s_l ** n + middle)
        alpha = r / k  # inverse-time: Euler–Maclaurin on (1 + αu)^(−n)
        z_a = alpha * s_a
        s_b = s_a / (1 + z_a * length)
        z_b = alpha * s_b
        pa, pb = s_a ** n, s_b ** n
        grow = np.log1p(z_a * length)
        integral = np.where(n == 1, grow / alpha, pa / ((n - 1) * z_a) * -np.expm1(-(n - 1) * grow))
        out = integral + (pa - pb) / 2
        for coef, m in BERNOULLI:
            rising = np.prod([n + i for i in range(m)], axis=0)
            out = out + coef * rising * (pa * z_a ** m - pb * z_b ** m)
        return out


def segment_peaks(schedule: Schedule, epochs: int, record: np.ndarray) -> np.ndarray:
    """The shape's largest value on each segment [record[j], record[j + 1]) (unimodal: rising through
    the warm-up, then monotone), from its ends; nudged up by a few ulps, as it bounds a growth."""
    record = np.asarray(record, dtype=np.int64)
    if len(record) < 2:
        return np.zeros(0)
    a, last = record[:-1], record[1:] - 1
    peak = np.maximum(schedule.shape_at(epochs, a), schedule.shape_at(epochs, last))
    w = schedule.warmup
    top = (a <= w) & (last >= max(w - 1, 0)) & (last >= a)  # holds t = W − 1 or W, where s = 1
    return np.where(top, np.maximum(peak, 1.0), peak) * (1 + 4e-16)
