"""Tiny deterministic data sets: generated here or shipped with scikit-learn, never downloaded."""

from __future__ import annotations

import numpy as np
from sklearn.datasets import make_moons

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
