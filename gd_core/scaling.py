"""Feature standardisation, and mapping parameters fitted on standardised features back."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np


@dataclass(frozen=True)
class Standardizer:
    """``x_s = (x - mean) / scale`` with the training split's mean and standard deviation.

    A constant column keeps scale 1 (it cannot be standardised; it only shifts the bias).
    """

    mean: np.ndarray
    scale: np.ndarray

    @classmethod
    def fit(cls, x: np.ndarray) -> Standardizer:
        x = np.asarray(x, dtype=float)
        std = x.std(axis=0)
        return cls(x.mean(axis=0), np.where(std > 0, std, 1.0))

    def transform(self, x: np.ndarray) -> np.ndarray:
        return (np.asarray(x, dtype=float) - self.mean) / self.scale

    def to_original(self, w, b):
        """Parameters on standardised features → original units: ``w/scale``, ``b - Σ w·mean/scale``.

        Works on one parameter set (w of shape (d,)) or a history (w of shape (m, d), b of (m,)).
        """
        w = np.asarray(w, dtype=float)
        w_orig = w / self.scale
        return w_orig, np.asarray(b, dtype=float) - w_orig @ self.mean

    def to_standardized(self, w, b):
        """Original-unit parameters → the same model on standardised features."""
        w = np.asarray(w, dtype=float)
        return w * self.scale, np.asarray(b, dtype=float) + w @ self.mean

    def apply(self, problem):
        """The same problem with every split's predictors standardised."""
        def one(split):
            return replace(split, x=self.transform(split.x))
        return replace(problem, train=one(problem.train), valid=one(problem.valid),
                       test=one(problem.test))
