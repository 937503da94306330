"""The live chart's table with a schedule: the cumulative products for the slider's grid of peak rates,
combined with any start as the browser does, are the core's scheduled histories."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import experiment_of

from gd_core.rate_grid import endings, rate_table
from gd_core.schedules import Schedule
from gd_ui.controls import lr_options


@pytest.mark.parametrize("schedule", [Schedule("exponential", 0.5, 20), Schedule("step", 0.3, 50, warmup=10),
                                      Schedule("inverse-time", 1.0, 10), Schedule("cosine", warmup=30)],
                         ids=lambda s: s.kind)
@pytest.mark.parametrize("key, standardize", [("seattle", False), ("clemson", True)])
def test_table_and_endings_are_the_cores_scheduled_run(schedule, key, standardize):
    exp = experiment_of(key, ("tmax", "tmin"), standardize)
    q = exp.quadratic
    options = lr_options(exp.theory.critical_lr)
    table = rate_table(q, [float(o) for o in options], 3000, 200, schedule)
    assert table.schedule == schedule
    picks = range(0, len(options), 7)
    for w0, b0 in (([0.0, 0.0], 0.0), ([1.5, -0.5], 20.0)):
        ends = endings(q, table, w0, b0, 3000)
        z0 = q.eigenvectors.T @ (np.append(w0, b0) - q.optimum)
        for r in picks:
            h = exp.run(np.array(w0), b0, lr=float(options[r]), epochs=3000, max_points=200,
                        schedule=schedule)
            keep = int(ends.keep[r])
            extra = [e for e in ends.extra_epochs[r] if e >= 0]
            assert [*table.epochs[:keep], *extra] == list(h.epochs)
            assert (int(ends.diverged_at[r]) if ends.diverged_at[r] >= 0 else None) == h.diverged_at
            p = np.vstack([table.powers[r, :keep], ends.extra_powers[r, :len(extra)]])
            theta = q.optimum + (p * z0) @ q.eigenvectors.T  # what the browser computes
            np.testing.assert_allclose(theta, np.column_stack([h.weights, h.bias]), rtol=1e-12, atol=1e-12)


def test_a_constant_schedule_is_todays_table():
    exp = experiment_of("seattle", ("tmax",), False)
    rates = [float(o) for o in lr_options(exp.theory.critical_lr)]
    today = rate_table(exp.quadratic, rates, 10_000, 200)
    again = rate_table(exp.quadratic, rates, 10_000, 200, Schedule("step", 1.0, 10))
    np.testing.assert_array_equal(today.powers, again.powers)
