"""The chapters' experiments, each a function of a seed (and of a size where it has one)."""

from __future__ import annotations

import numpy as np
from torch import nn

from . import data
from .nn import mlp
from .train import accuracy, fit, one_thread

TEST_SEED_OFFSET = 10_000  # the test set of seed s is drawn with seed s + 10_000


def train_classifier(dataset: str, sizes: list[int], activation: str, seed: int, *,
                     n: int = 400, steps: int = 300, lr: float = 0.05) -> tuple[nn.Module, float]:
    """Train ``mlp(sizes, activation)`` on a 2-D data set; return it and its test accuracy.

    The training set, the test set and the initial weights all derive from ``seed``.
    """
    X, y = data.load(dataset, n=n, seed=seed)
    X_test, y_test = data.load(dataset, n=n, seed=seed + TEST_SEED_OFFSET)
    model = mlp(sizes, activation, seed=seed)
    with one_thread():
        fit(model, X, y, steps=steps, lr=lr, loss="bce")
    return model, accuracy(model, X_test, y_test)


def linear_vs_hidden(dataset: str, seed: int, hidden: int = 16,
                     activation: str = "relu") -> dict[str, float]:
    """Chapter 1: test accuracy of three models on the same data.

    A linear model (logistic regression), one hidden layer *without* an activation, and one
    hidden layer *with* ``activation``. The first two can only draw a straight boundary.
    """
    models = {
        "linear": ([2, 1], "identity"),
        "hidden, identity": ([2, hidden, 1], "identity"),
        f"hidden, {activation}": ([2, hidden, 1], activation),
    }
    return {label: train_classifier(dataset, sizes, act, seed)[1]
            for label, (sizes, act) in models.items()}


def mean_and_spread(runs: list[dict[str, float]]) -> dict[str, tuple[float, float]]:
    """For each key of the runs, the mean and the sample standard deviation over runs."""
    keys = runs[0].keys()
    values = {k: np.array([run[k] for run in runs]) for k in keys}
    return {k: (float(v.mean()), float(v.std(ddof=1)) if len(v) > 1 else 0.0)
            for k, v in values.items()}
