"""Tiny deterministic data sets: generated here or shipped with scikit-learn, never downloaded."""

from __future__ import annotations

import numpy as np
from sklearn.datasets import load_digits, make_moons

__all__ = ["DATASETS", "xor", "moons", "load", "digits"]

#: The names :func:`load` accepts.
DATASETS = ("xor", "moons")


def xor(n: int = 400, noise: float = 0.3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Four Gaussian blobs at (±1, ±1); label 1 where the two coordinates differ in sign.

    No straight line separates the classes: each diagonal holds one class.

    Returns:
        ``X`` of shape ``(n, 2)`` and labels ``y`` of shape ``(n,)``, both float32.
    """
    rng = np.random.default_rng(seed)
    corners = rng.choice([-1.0, 1.0], size=(n, 2))
    X = corners + noise * rng.standard_normal((n, 2))
    y = (corners[:, 0] != corners[:, 1]).astype(np.float32)
    return X.astype(np.float32), y


def moons(n: int = 400, noise: float = 0.2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (scikit-learn's ``make_moons``), centred on the origin.

    Returns:
        ``X`` of shape ``(n, 2)`` and labels ``y`` of shape ``(n,)``, both float32.
    """
    X, y = make_moons(n_samples=n, noise=noise, random_state=seed)
    X = X - np.array([0.5, 0.25])
    return X.astype(np.float32), y.astype(np.float32)


def load(name: str, n: int = 400, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """One of the 2-D sets in :data:`DATASETS` by name."""
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; choose one of: {', '.join(DATASETS)}")
    return {"xor": xor, "moons": moons}[name](n=n, seed=seed)


def digits(seed: int = 0, test_fraction: float = 0.25) -> tuple[np.ndarray, ...]:
    """scikit-learn's 8×8 handwritten digits (1,797 images, 10 classes), shipped with the package.

    Pixels are scaled from [0, 16] to [0, 1]; the split into training and test images is a
    random permutation drawn from ``seed``.

    Returns:
        ``X_train, y_train, X_test, y_test``; images of shape ``(N, 64)`` as float32, labels
        as int64.
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
    images = load_digits()
    X = (images.data / 16.0).astype(np.float32)
    y = images.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(X))
    n_test = int(round(test_fraction * len(X)))
    test, train = order[:n_test], order[n_test:]
    return X[train], y[train], X[test], y[test]
