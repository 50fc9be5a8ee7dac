"""A small, seeded, full-batch training loop that returns what happened."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

__all__ = ["LOSSES", "OPTIMIZERS", "torch_threads", "one_thread", "History", "fit",
           "predict_proba", "predict", "accuracy"]

LOSSES = {"bce": nn.BCEWithLogitsLoss, "cross_entropy": nn.CrossEntropyLoss, "mse": nn.MSELoss}
OPTIMIZERS = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD}


@contextmanager
def torch_threads(threads: int | None) -> Iterator[int]:
    """Run a block with PyTorch on ``threads`` threads (``None``: leave it), then restore.

    Yields the number of threads in use inside the block.
    """
    before = torch.get_num_threads()
    if threads is not None:
        if threads < 1:
            raise ValueError(f"threads must be >= 1, got {threads}")
        torch.set_num_threads(threads)
    try:
        yield torch.get_num_threads()
    finally:
        torch.set_num_threads(before)


@contextmanager
def one_thread() -> Iterator[None]:
    """Run torch on one thread inside the block, then restore the previous thread count.

    The course's networks are tiny, so one thread is as fast as two, does not stall when
    another process holds the second core, and gives the same numbers on machines with more
    cores (the order of floating-point sums depends on the thread count).
    """
    with torch_threads(1):
        yield


@dataclass
class History:
    """What a call to :func:`fit` recorded: the training loss after each step."""

    loss: list[float] = field(default_factory=list)


def as_tensors(X: np.ndarray, y: np.ndarray, loss: str) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs as float32 and targets in the shape and dtype ``loss`` expects."""
    X_t = torch.as_tensor(X, dtype=torch.float32)
    if loss == "cross_entropy":
        return X_t, torch.as_tensor(y, dtype=torch.long)
    y_t = torch.as_tensor(y, dtype=torch.float32)
    return X_t, y_t.reshape(len(y_t), -1)  # (N, outputs)


def fit(model: nn.Module, X: np.ndarray, y: np.ndarray, *, steps: int = 300, lr: float = 0.01,
        loss: str = "bce", optimizer: str = "adam",
        callback: Callable[[int, nn.Module], None] | None = None) -> History:
    """Train ``model`` on all of ``(X, y)`` at every step; return the loss history.

    Full-batch training involves no random choice, so the result depends only on the model's
    initial weights: seed those (e.g. ``actlib.nn.mlp(..., seed=0)``) and a run repeats exactly.

    Args:
        loss: ``"bce"`` (binary, logits out), ``"cross_entropy"`` (classes) or ``"mse"``.
        optimizer: ``"adam"`` or ``"sgd"`` (plain gradient descent: a layer whose gradient
            vanishes stops moving, where Adam would rescale the small gradient).
        callback: called as ``callback(step, model)`` after each step, e.g. to measure.
    """
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of: {', '.join(LOSSES)}")
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}; choose one of: {', '.join(OPTIMIZERS)}")
    X_t, y_t = as_tensors(X, y, loss)
    criterion = LOSSES[loss]()
    step_rule = OPTIMIZERS[optimizer](model.parameters(), lr=lr)
    history = History()
    for step in range(steps):
        step_rule.zero_grad()
        value = criterion(model(X_t), y_t)
        value.backward()
        step_rule.step()
        history.loss.append(value.item())
        if callback is not None:
            callback(step, model)
    return history


def _outputs(model: nn.Module, X: np.ndarray) -> torch.Tensor:
    with torch.no_grad():
        return model(torch.as_tensor(X, dtype=torch.float32))


def predict_proba(model: nn.Module, X: np.ndarray) -> np.ndarray:
    """For a binary classifier with one logit output, the probability σ(logit) of class 1."""
    return torch.sigmoid(_outputs(model, X)[:, 0]).numpy()


def predict(model: nn.Module, X: np.ndarray) -> np.ndarray:
    """Class predictions: logit > 0 for one output, the arg-max for several."""
    out = _outputs(model, X)
    labels = (out[:, 0] > 0) if out.shape[1] == 1 else out.argmax(dim=1)
    return labels.numpy().astype(np.int64)


def accuracy(model: nn.Module, X: np.ndarray, y: np.ndarray) -> float:
    """The fraction of ``X`` whose predicted class equals ``y``."""
    return float(np.mean(predict(model, X) == np.asarray(y).astype(np.int64)))
