"""One dataset + one choice of predictors/target, with everything that does not depend on the run.

Building an :class:`Experiment` costs one pass over the rows; after that :meth:`Experiment.run`
answers any learning rate, start and epoch count in closed form (see ``gd_core.quadratic``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from gd_core import scheduled
from gd_core.data import Problem
from gd_core.descent import History
from gd_core.model import init_params, init_tutorial
from gd_core.quadratic import Quadratic
from gd_core.scaling import Standardizer
from gd_core.theory import Optimum, Theory, least_squares, mse_of, persistence_baseline, theory

INITS = ("tutorial", "zeros")


@dataclass(frozen=True)
class Experiment:
    """``problem`` is in original units; ``model_problem`` is what descent sees (standardised or not)."""

    problem: Problem
    scaler: Standardizer | None
    model_problem: Problem
    quadratic: Quadratic
    theory: Theory
    optimum: Optimum  # in original units
    baseline: dict | None

    @classmethod
    def build(cls, problem: Problem, *, standardize: bool = False) -> Experiment:
        scaler = Standardizer.fit(problem.train.x) if standardize else None
        model_problem = scaler.apply(problem) if scaler else problem
        quad = Quadratic.from_data(model_problem.train.x, model_problem.train.y,
                                   model_problem.valid.x, model_problem.valid.y)
        return cls(problem, scaler, model_problem, quad, theory(quad), least_squares(problem),
                   persistence_baseline(problem))

    def initial(self, init: str = "tutorial", w0=None, b0: float | None = None):
        """Starting parameters in the model's space: the tutorial's seeded ones, zeros, or explicit
        ``w0``/``b0`` (either overrides the named initialisation)."""
        if init not in INITS:
            raise ValueError(f"unknown init {init!r}: use one of {', '.join(INITS)}")
        w, b = init_tutorial(self.problem.n_features) if init == "tutorial" else \
            init_params(self.problem.n_features)
        if w0 is not None:
            w = init_params(self.problem.n_features, weights=w0)[0]
        if b0 is not None:
            b = float(b0)
        return w, b

    def run(self, w0, b0, *, lr: float, epochs: int, max_points: int = 400, schedule=None) -> History:
        """Full-batch descent from (w0, b0) in the model's space, computed in closed form (``schedule``:
        a :class:`~gd_core.schedules.Schedule` whose peak rate is ``lr``; None for a constant rate)."""
        if schedule is not None:
            return scheduled.descend(self.quadratic, w0, b0, lr=lr, epochs=epochs, schedule=schedule,
                                      max_points=max_points)
        return self.quadratic.descend(w0, b0, lr=lr, epochs=epochs, max_points=max_points)

    def to_original(self, w, b):
        """Model-space parameters (one set or a history) → original units."""
        return self.scaler.to_original(w, b) if self.scaler else (np.asarray(w, float), b)

    def history_in_original_units(self, history: History) -> History:
        """The same run with weights, bias and gradients expressed for the original predictors.

        Predictions are unchanged by the mapping, so losses are too. The gradient becomes
        ∂J/∂w_orig = mean(r·x) = σ·∂J/∂w_std + μ·∂J/∂b (the slope a chart in original units shows).
        """
        if self.scaler is None:
            return history
        w, b = self.scaler.to_original(history.weights, history.bias)
        grad_w = history.grad_w * self.scaler.scale + history.grad_b[:, None] * self.scaler.mean
        return replace(history, weights=w, bias=b, grad_w=grad_w)

    def losses(self, w, b) -> dict:
        """MSE on each split for original-unit parameters."""
        return {name: mse_of(getattr(self.problem, name), w, b) for name in ("train", "valid", "test")}
