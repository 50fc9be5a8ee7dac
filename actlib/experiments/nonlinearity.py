"""The chapters' experiments, each a function of a seed (and of a size where it has one)."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .. import data
from ..nn import mlp
from ..train import accuracy, fit, one_thread, predict_proba

__all__ = ["TEST_SEED_OFFSET", "XOR_CORNERS", "cut_off_one_cluster", "clusters_right",
           "fold_of_xor", "lines_on_xor", "linear_vs_hidden", "middle_class",
           "train_classifier"]

#: The centres of XOR's four clusters, class 0's diagonal first.
XOR_CORNERS = ((1, 1), (-1, -1), (1, -1), (-1, 1))

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


def cut_off_one_cluster(X: np.ndarray) -> np.ndarray:
    """Chapter 1's hand-placed line on XOR: class 0 beyond ``x1 + x2 = 1``, class 1 elsewhere.

    The line cuts off the cluster at (1, 1), so of XOR's four clusters it gets three right (all
    but the one at (−1, −1)): about 75%, the most a straight line can score on XOR.

    >>> cut_off_one_cluster(np.array([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]]))
    array([0, 1, 1, 1])
    """
    return (X[:, 0] + X[:, 1] < 1).astype(np.int64)


def lines_on_xor(seed: int) -> dict[str, float]:
    """Chapter 1: a line trained with log loss against a line placed by hand, on XOR.

    Returns, for the data and weights of ``seed``: the test accuracy of the trained linear
    model (``"trained"``), its final training log loss (``"trained loss"``), the mean distance
    ``|p - 1/2|`` of its predicted probabilities from one half on the test points
    (``"trained confidence"``), and the test accuracy of :func:`cut_off_one_cluster`
    (``"hand"``).
    """
    model, acc = train_classifier("xor", [2, 1], "identity", seed)
    X, y = data.load("xor", seed=seed)
    X_test, y_test = data.load("xor", seed=seed + TEST_SEED_OFFSET)
    p = np.clip(predict_proba(model, X).astype(np.float64), 1e-12, 1 - 1e-12)
    loss = float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    confidence = float(np.mean(np.abs(predict_proba(model, X_test) - 0.5)))
    hand = float(np.mean(cut_off_one_cluster(X_test) == y_test))
    return {"trained": acc, "trained loss": loss, "trained confidence": confidence, "hand": hand}


def fold_of_xor(model: nn.Module, X: np.ndarray) -> dict[tuple[int, int], np.ndarray]:
    """Where a network with two hidden units sends each of XOR's four clusters.

    ``model`` is ``mlp([2, 2, 1], ...)``; a point belongs to the cluster whose corner has the
    signs of its coordinates. Returns, for each corner of :data:`XOR_CORNERS`, the mean hidden
    vector ``h`` of its points, of shape ``(2,)``.
    """
    with torch.no_grad():
        H = model[:2](torch.as_tensor(X, dtype=torch.float32)).numpy()  # (N, 2)
    return {(s1, s2): H[(np.sign(X[:, 0]) == s1) & (np.sign(X[:, 1]) == s2)].mean(axis=0)
            for s1, s2 in XOR_CORNERS}


def middle_class(centres: dict[tuple[int, int], np.ndarray], corner: float = 0.5) -> int | None:
    """Which class a two-unit network has folded into the middle of XOR, if it has.

    ``centres`` is what :func:`fold_of_xor` returns. The network **folds** the plane when the
    four centres sit near three corners of the square (every coordinate beyond ``±corner``):
    the two clusters of one class together at one corner, the two of the other class at the
    two corners on either side of it, so that a straight line cuts off the middle corner.

    Returns:
        The class (0 or 1) of the two clusters that share the middle corner, or ``None`` if the
        centres are not placed like that.
    """
    if any(np.any(np.abs(h) <= corner) for h in centres.values()):
        return None
    signs = {c: tuple(np.sign(h).astype(int)) for c, h in centres.items()}
    diagonals = {0: ((1, 1), (-1, -1)), 1: ((1, -1), (-1, 1))}
    for label, (a, b) in diagonals.items():
        (c, d) = diagonals[1 - label]
        middle, left, right = signs[a], signs[c], signs[d]
        beside = all(sum(u != v for u, v in zip(middle, end)) == 1 for end in (left, right))
        if signs[b] == middle and beside and left != right:
            return label
    return None


def clusters_right(model: nn.Module, X: np.ndarray, y: np.ndarray) -> int:
    """How many of XOR's four clusters ``model`` gets right, each by a majority of its points."""
    predicted = predict_proba(model, X) > 0.5
    right = 0
    for s1, s2 in XOR_CORNERS:
        cluster = (np.sign(X[:, 0]) == s1) & (np.sign(X[:, 1]) == s2)
        right += int(np.mean(predicted[cluster] == (y[cluster] == 1)) > 0.5)
    return right
