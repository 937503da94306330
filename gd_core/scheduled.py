"""Full-batch descent with a learning-rate schedule, in closed form.

On the quadratic each update multiplies the eigen-coordinate ``zᵢ`` by ``1 − η_t λᵢ``, so epoch k is
``z₀ ⊙ Pₖ`` with the cumulative product ``Pₖ,ᵢ = ∏_{t<k} (1 − η_t λᵢ)`` (:mod:`gd_core.quadratic` is the
constant-rate case, ``(1 − ηλᵢ)ᵏ``). The products are built for many peak rates at once (a grid shares
the schedule's shape s_t = η_t/η), as the logarithms and signs of blocks of epochs between the recorded
ones, accumulated: never a Python loop over epochs, and for a long run hardly any work per epoch.

How a block's ``Σₜ log|1 − cs_t|`` (c = ηλᵢ, a column) is found depends on the stretch of the run
(:func:`gd_core.schedule_sums.plan`):

* walked (vectorised) where the shape has no closed form to use: the warm-up, an exponential's first
  epochs while some c·s_t > 1/4, a growing step or exponential (r > 1) — and there, for the columns
  with every c·s_t ≤ 1/4, the series ``−Σₙ cⁿ/n · Σₜ s_tⁿ`` (sums of powers shared by every column);
* pieces: a step's first pieces, a constant after its warm-up — ``(1 − cv)^length`` exactly;
* series: once every c·s_t ≤ 1/4 for step, exponential and inverse-time, the sums of powers in closed
  form (geometric sums; Euler–Maclaurin) — a block costs the same at 10 epochs or 100,000;
* quadrature (cosine, and inverse-time until the series): sums of powers of s, and of s − s₀ about the
  block's middle value (``log|1 − cs| = log|1 − cs₀| + log(1 − y(s − s₀))``, y = c/(1 − cs₀)), by
  Gauss–Legendre with Gregory's end corrections (:mod:`gd_core.schedule_quad`), so only the columns
  whose c·s crosses 1 near the block (a log singularity, a sign change) need their own sums: graded
  pieces around the crossing and 64 epochs about it walked.

Every branch is held to a cumulative product over every epoch in the tests (relative 1e-9, in practice
about 1e-12, up to a million epochs).

Divergence. A schedule's loss is not convex in k (it may grow, then be rescued), so the constant rate's
bisection does not apply. :func:`products` also keeps, between consecutive recorded epochs, a bound on
how much any |Pᵢ| can grow (``|1 − ηsλ|`` is convex in the shape s, so its largest value on a block is at
the block's smallest or largest s; the shape rises through the warm-up and is monotone after, so its
largest value on a segment comes from the segment's ends); :func:`divergence_epochs` then checks, for one
start, exactly and epoch by epoch (vectorised), only the stretches where that bound could pass the
divergence limit. The literal loop (:func:`gd_core.descent.gradient_descent` with ``rates=``) is the
oracle in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gd_core import schedule_quad, schedule_sums
from gd_core.descent import History, checked_start_loss, divergence_limit, record_epochs
from gd_core.quadratic import Quadratic
from gd_core.schedule_sums import SERIES_BELOW
from gd_core.schedules import Schedule

WINDOW = 1 << 15  # factors (epochs × rates × directions) computed per vectorised step
SERIES_MAX, TINY = 1e3, 1e-150  # columns with ηλ above SERIES_MAX are always walked
WARM_WALK = 1024  # a warm-up longer than this goes by quadrature


@dataclass(frozen=True)
class Products:
    """``powers[r, j, i]`` = ∏_{t < epochs[j]} (1 − rates[r]·s_t·λᵢ), s_t the schedule's shape."""

    rates: np.ndarray  # (R,) peak rates
    epochs: np.ndarray  # (F,) recorded epochs
    powers: np.ndarray  # (R, F, m)
    schedule: Schedule
    n_epochs: int  # the run's length (the schedule's clock depends on it: cosine)
    eigenvalues: np.ndarray  # (m,)
    peaks: np.ndarray | None = None  # (F − 1,) the shape's largest value on each recorded segment

    def segment_peaks(self) -> np.ndarray:
        if self.peaks is not None:
            return self.peaks
        return schedule_sums.segment_peaks(self.schedule, self.n_epochs, self.epochs)


def factors(prod: Products, r: int, start: int, stop: int) -> np.ndarray:
    """``1 − η_t λᵢ`` for the updates t = start … stop − 1 at the peak rate ``rates[r]`` ((n, m))."""
    eta = prod.rates[r] * prod.schedule.shape(prod.n_epochs, start, stop)
    return 1 - eta[:, None] * prod.eigenvalues[None, :]


def series_terms(epochs: int) -> int:
    """Terms of ``log(1 − x) = −Σ xⁿ/n`` for x ≤ SERIES_BELOW to stay within 1e-17 over ``epochs``."""
    n = 1
    while epochs * SERIES_BELOW ** (n + 1) / ((n + 1) * (1 - SERIES_BELOW)) > 1e-17:
        n += 1
    return n


def products(quad: Quadratic, rates, schedule: Schedule, epochs: int, record) -> Products:
    """The cumulative products at the epochs ``record`` (sorted, from 0, ≤ ``epochs``) for every peak
    rate in ``rates``.

    The run is cut into blocks (at the recorded epochs, and where :func:`schedule_sums.plan` changes
    method; every few hundred epochs in its walked stretch). Each block's logarithm and sign per column
    (rate, direction) comes from its stretch's method (see the module's docstring: walked or series,
    exact pieces, closed-form series, quadrature); the blocks' logarithms and signs then accumulate.
    """
    rates = np.asarray(rates, dtype=float)
    record = np.asarray(record, dtype=np.int64)
    lam = quad.eigenvalues
    r, m = len(rates), len(lam)
    with np.errstate(all="ignore"):
        c = (rates[:, None] * lam[None, :]).ravel()  # ηλᵢ per column
        cmax = float(np.abs(c).max()) if len(c) else 0.0
    rows = max(64, WINDOW // max(1, len(c)))
    terms = series_terms(epochs)
    lit, pieces, tail, cuts = schedule_sums.plan(schedule, epochs, cmax, terms)
    # a long warm-up (a straight line) by quadrature, its walked stretch starting after it
    warm = schedule.warmup if schedule.warmup > WARM_WALK and cmax <= SERIES_MAX else 0
    bounds = np.unique(np.concatenate([record, np.arange(warm, lit, rows), cuts,
                                       [warm, lit, pieces, tail, epochs]]).astype(np.int64))
    bounds = bounds[bounds <= epochs]
    starts = bounds[:-1]  # block q covers the updates starts[q] … bounds[q + 1] − 1
    if not len(starts):
        return Products(rates, record, np.ones((r, len(record), m)), schedule, int(epochs), lam)
    q_warm, q_lit, q_pieces, q_tail = np.searchsorted(starts, [warm, lit, pieces, tail])
    logmag = np.zeros((len(starts), len(c)))
    sign = np.ones_like(logmag)
    with np.errstate(all="ignore"):
        n = np.arange(1, terms + 1)[:, None]
        coef = np.where(np.abs(c) <= SERIES_MAX, c, 0.0)[None, :] ** n / n
        coef[np.abs(coef) < TINY] = 0.0
        if q_warm:
            _smooth(schedule, epochs, starts[:q_warm], bounds[1:q_warm + 1], c, coef,
                    logmag[:q_warm], sign[:q_warm], warm=True)
        if q_lit > q_warm:
            _walk(schedule.shape(epochs, warm, lit), starts[q_warm:q_lit] - warm, c, coef, rows,
                  logmag[q_warm:q_lit], sign[q_warm:q_lit])
        if q_pieces > q_lit:  # a constant shape on each block
            a, b = starts[q_lit:q_pieces], bounds[q_lit + 1:q_pieces + 1]
            f = 1 - schedule.shape_at(epochs, a)[:, None] * c[None, :]
            logmag[q_lit:q_pieces] = (b - a)[:, None] * np.log(np.abs(f))
            sign[q_lit:q_pieces] = np.where((b - a)[:, None] % 2 == 1, np.sign(f), 1.0)
        if q_tail > q_pieces:
            _smooth(schedule, epochs, starts[q_pieces:q_tail], bounds[q_pieces + 1:q_tail + 1], c, coef,
                    logmag[q_pieces:q_tail], sign[q_pieces:q_tail])
        if len(starts) > q_tail:
            sums = schedule_sums.power_sums(schedule, epochs, starts[q_tail:], bounds[q_tail + 1:], terms)
            sums[sums < TINY] = 0.0
            logmag[q_tail:] = -np.einsum("qn,nc->qc", sums, coef)
        cum = np.zeros((len(bounds), len(c)))
        np.cumsum(logmag, axis=0, out=cum[1:])
        sgn = np.ones((len(bounds), len(c)))
        np.cumprod(sign, axis=0, out=sgn[1:])
        at = np.searchsorted(bounds, record)
        powers = (sgn[at] * np.exp(cum[at])).reshape(len(record), r, m).transpose(1, 0, 2)
    peaks = schedule_sums.segment_peaks(schedule, epochs, record)
    return Products(rates, record, np.ascontiguousarray(powers), schedule, int(epochs), lam, peaks)


def _smooth(schedule: Schedule, epochs: int, a: np.ndarray, b: np.ndarray, c: np.ndarray,
            coef: np.ndarray, logmag: np.ndarray, sign: np.ndarray, warm: bool = False) -> None:
    """The quadrature stretch (blocks [a, b) of a smooth, monotone shape): where every x ≤ SERIES_BELOW
    the series from sums of powers of s; else, about the block's middle value s₀,
    ``log|1 − cs| = log|1 − cs₀| + log(1 − y(s − s₀))`` with y = c/(1 − cs₀), whose series needs the
    sums of powers of s − s₀ (shared by every column) where |y|·max|s − s₀| ≤ SERIES_BELOW; the other
    (block, column) pairs from :func:`schedule_quad.log_sums`."""
    terms = len(coef)
    owner, t, w = schedule_quad.rule(a, b)
    order = np.argsort(owner, kind="stable")
    owner, t, w = owner[order], t[order], w[order]
    first = np.searchsorted(owner, np.arange(len(a)))
    s = schedule.shape_at(epochs, t)
    s0 = schedule.shape_at(epochs, (a + b - 1) / 2)
    d = s - s0[owner]
    sums = _weighted_powers(s, w, first, terms)
    moments = _weighted_powers(d, w, first, terms) / np.arange(1, terms + 1)  # Σ (s − s₀)ⁿ / n
    sums[np.abs(sums) < TINY] = 0.0
    logmag[:] = -np.einsum("qn,nc->qc", sums, coef)
    ends = schedule.shape_at(epochs, np.concatenate([a, b - 1])).reshape(2, -1)
    top, width = ends.max(axis=0), np.abs(ends - s0).max(axis=0)
    q, k = np.nonzero((np.abs(c)[None, :] * top[:, None] > SERIES_BELOW) | (np.abs(c) > SERIES_MAX))
    base = 1 - c[k] * s0[q]
    with np.errstate(all="ignore"):
        y = c[k] / base
    rho = np.abs(y) * width[q]
    near = ~(rho <= SERIES_BELOW)  # and where 1 − cs₀ = 0 (a factor that is exactly 0)
    far = np.flatnonzero(~near)
    length = (b - a)[q[far]]
    with np.errstate(divide="ignore"):  # each pair's own number of terms, as series_terms bounds it
        need = np.ceil(np.log(1e-17 * (1 - rho[far]) / length) / np.log(rho[far]))
    need = np.clip(np.nan_to_num(need, nan=1.0), 1, terms).astype(np.int64)
    by_need = np.argsort(-need, kind="stable")
    far = far[by_need]
    active = np.searchsorted(-need[by_need], -np.arange(1, terms + 1), side="right")  # need > n
    qf, yf = q[far], y[far]
    mt = np.ascontiguousarray(moments.T)
    acc = np.zeros(len(far))
    for n in range(terms - 1, -1, -1):  # Horner: Σₙ yⁿ Mₙ/n, each pair over its own terms
        j = active[n]
        acc[:j] = yf[:j] * (mt[n][qf[:j]] + acc[:j])
    kf = k[far]
    logmag[qf, kf] = (b - a)[qf] * np.log(np.abs(base[far])) - acc
    sign[qf, kf] = np.where((b - a)[qf] % 2 == 1, np.sign(base[far]), 1.0)
    if near.any():
        qn, kn = q[near], k[near]
        total, odd = schedule_quad.log_sums(schedule, epochs, a[qn], b[qn], c[kn], warm)
        logmag[qn, kn] = total
        sign[qn, kn] = 1 - 2 * odd


def _weighted_powers(x: np.ndarray, w: np.ndarray, first: np.ndarray, terms: int) -> np.ndarray:
    """``(len(first), terms)``: Σ w·xⁿ over each run of points from ``first[q]``, n = 1 … terms."""
    out = np.empty((terms, len(x)))
    np.multiply(x, w, out=out[0])
    for n in range(1, terms):
        np.multiply(out[n - 1], x, out=out[n])
    return np.add.reduceat(out, first, axis=1).T


def _walk(shape: np.ndarray, starts: np.ndarray, c: np.ndarray, coef: np.ndarray, rows: int,
          logmag: np.ndarray, sign: np.ndarray) -> None:
    """The literal stretch (``shape`` its values, ``starts`` its blocks): each block's log and sign
    into ``logmag`` and ``sign``, from the series where every x ≤ SERIES_BELOW, walked elsewhere."""
    terms = len(coef)
    sums = np.empty((len(starts), terms))
    power = shape.copy()
    for n in range(terms):  # Σₜ sₜⁿ per block, n = 1 … terms
        sums[:, n] = np.add.reduceat(power, starts)
        power *= shape
    # no subnormal numbers in the product (they cost ~100× a normal one); what is dropped is
    # < 1e-18 of a log (blocks are ≤ 32,768 epochs, ηλ ≤ SERIES_MAX, terms ≤ SERIES_BELOWⁿ)
    sums[sums < TINY] = 0.0
    logmag[:] = -np.einsum("qn,nc->qc", sums, coef)  # not BLAS: its threads stall on a busy machine
    for a in range(0, len(shape), rows):  # windows of whole blocks, walked where the series may not go
        b = min(a + rows, len(shape))
        need = np.flatnonzero((np.abs(c) * shape[a:b].max() > SERIES_BELOW) | (np.abs(c) > SERIES_MAX))
        if not len(need):
            continue
        q0, q1 = np.searchsorted(starts, [a, b])
        f = np.multiply.outer(shape[a:b], c[need])
        np.subtract(1, f, out=f)
        block = np.multiply.reduceat(f, starts[q0:q1] - a, axis=0)
        logmag[q0:q1, need] = np.log(np.abs(block))
        sign[q0:q1, need] = np.sign(block)


def _loss(min_loss: float, weight: np.ndarray, p: np.ndarray) -> np.ndarray:
    """The MSE at products ``p`` (..., m): L* + Σ λᵢz₀ᵢ²Pᵢ², summed in index order."""
    loss = np.full(p.shape[:-1], min_loss)
    for i, w in enumerate(weight):
        loss = loss + w * p[..., i] ** 2
    return loss


def growth(prod: Products, rows: np.ndarray) -> np.ndarray:
    """``(len(rows), F, m)``, ≥ 1: a bound on |P(k)/P(epochs[j])| for every k from epochs[j] to
    epochs[j + 1] (1 after the last), for the peak rates ``rates[rows]``.

    ``|1 − ηsλ|`` exceeds 1 only where ηsλ > 2 (s ≥ 0), and is then at most ηλ·max(s) − 1 on a segment.
    """
    out = np.ones((len(rows), len(prod.epochs), len(prod.eigenvalues)))
    if len(prod.epochs) < 2 or not len(rows):
        return out
    top = prod.rates[rows][:, None, None] * prod.segment_peaks()[None, :, None] \
        * prod.eigenvalues[None, None, :]
    length = np.diff(prod.epochs).astype(float)[None, :, None]
    with np.errstate(all="ignore"):
        out[:, :-1] = np.where(top > 2, np.abs(top - 1) ** length, 1.0)
    return out


def divergence_epochs(prod: Products, quad: Quadratic, z0, limit: float) -> np.ndarray:
    """For the start ``z0`` (eigen-coordinates of θ₀ − θ*): each peak rate's first epoch whose loss
    passes ``limit`` (or stops being finite), −1 where none does up to the run's end.

    Exact: a stretch between recorded epochs is walked epoch by epoch (vectorised) only where the
    growth bound (:func:`growth`) says its loss could pass the limit.
    """
    weight = quad.eigenvalues * np.asarray(z0, dtype=float) ** 2
    out = np.full(len(prod.rates), -1, dtype=np.int64)
    peaks = prod.segment_peaks()
    peak = float(peaks.max()) if len(peaks) else 0.0
    with np.errstate(all="ignore"):
        magnitude = np.abs(prod.powers)
        grows = np.flatnonzero(prod.rates * peak * quad.lambda_max > 2)  # the others never grow
        magnitude[grows] *= growth(prod, grows)
        upper = _loss(quad.min_loss, weight, magnitude)
        suspect = ~(np.isfinite(upper) & (upper <= limit))
        for r in np.flatnonzero(suspect.any(axis=1)):
            for j in np.flatnonzero(suspect[r]):
                a = int(prod.epochs[j])
                b = int(prod.epochs[j + 1]) if j + 1 < len(prod.epochs) else a
                p = np.vstack([prod.powers[r, j][None, :],
                               prod.powers[r, j] * np.cumprod(factors(prod, r, a, b), axis=0)])
                loss = _loss(quad.min_loss, weight, p)
                bad = np.flatnonzero(~(np.isfinite(loss) & (loss <= limit)))
                if len(bad):
                    out[r] = a + int(bad[0])
                    break
    return out


def products_at(prod: Products, r: int, epochs) -> np.ndarray:
    """The products at any epochs of the run (rows) for the peak rate ``rates[r]``: the recorded ones
    as stored, others walked from the recorded epoch before them."""
    epochs = np.asarray(epochs, dtype=np.int64)
    out = np.empty((len(epochs), len(prod.eigenvalues)))
    with np.errstate(all="ignore"):
        for n, k in enumerate(epochs.tolist()):
            j = int(np.searchsorted(prod.epochs, k, side="right")) - 1
            a = int(prod.epochs[j])
            out[n] = prod.powers[r, j] if a == k else \
                prod.powers[r, j] * np.prod(factors(prod, r, a, k), axis=0)
    return out


def descend(quad: Quadratic, w0, b0, *, lr: float, epochs: int, schedule: Schedule,
            max_points: int = 400) -> History:
    """The literal loop's history with the rate ``schedule.rates(lr, epochs)``, in closed form.

    A schedule whose rate never changes goes through :meth:`Quadratic.descend` itself, so it
    reproduces the constant-rate numbers exactly.
    """
    if schedule.is_constant(epochs):
        return quad.descend(w0, b0, lr=lr, epochs=epochs, max_points=max_points)
    theta0 = np.append(np.asarray(w0, dtype=float), float(b0))
    z0 = quad.eigenvectors.T @ (theta0 - quad.optimum)
    with np.errstate(all="ignore"):
        limit = divergence_limit(checked_start_loss(float(quad.train_loss(theta0))))
    prod = products(quad, [lr], schedule, epochs, record_epochs(epochs, max_points))
    d = int(divergence_epochs(prod, quad, z0, limit)[0])
    diverged_at = None if d < 0 else d
    kept = record_epochs(epochs, max_points, diverged_at)
    with np.errstate(all="ignore"):
        z = z0 * products_at(prod, 0, kept)
        theta = quad.optimum + z @ quad.eigenvectors.T
        grad = (z * quad.eigenvalues) @ quad.eigenvectors.T
        train = quad.min_loss + (z ** 2) @ quad.eigenvalues
    return History(
        epochs=kept.astype(np.int64), weights=theta[:, :-1], bias=theta[:, -1],
        train_loss=train, valid_loss=quad.valid_loss(theta), grad_w=grad[:, :-1],
        grad_b=grad[:, -1], lr=float(lr), epochs_requested=int(epochs), diverged_at=diverged_at)
