"""A small, seeded, full-batch training loop, and the one record every experiment returns.

:func:`fit` trains; :func:`train_and_watch` trains while calling measures on the model and
returns a :class:`Run`, the frozen record that every chapter's experiments return.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn

__all__ = ["LOSSES", "OPTIMIZERS", "torch_threads", "one_thread", "History", "fit", "Measure",
           "Run", "train_and_watch", "predict_proba", "predict", "accuracy"]

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


def _as_tensors(X: np.ndarray, y: np.ndarray, loss: str) -> tuple[torch.Tensor, torch.Tensor]:
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
    X_t, y_t = _as_tensors(X, y, loss)
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


#: A measure of a network, called on the model; it returns a number or one number per layer.
Measure = Callable[[nn.Module], Any]


@dataclass(frozen=True)
class Run:
    """One network trained from one seed: what was watched as it trained and measured after.

    Every chapter's experiments return this record, so runs read alike across the course:
    ``run.loss`` is the training curve, ``run["gradients"]`` a watched measure (one row per
    entry of ``run.steps``), ``run["test_accuracy"]`` a measure taken once, after training.

    Attributes:
        name: what was trained, e.g. the activation ``"relu"`` or the layer ``"swiglu"``.
        seed: the seed of its weights and data.
        loss: the training loss at each step.
        steps: the steps after which the watched measures were taken; 0 is before training.
        watched: per measure, an array with one row per entry of ``steps``.
        final: per measure, its value after training.
        model: the trained network if the experiment keeps it (not compared, not printed).
    """

    name: str
    seed: int
    loss: list[float]
    steps: list[int] = field(default_factory=list)
    watched: Mapping[str, np.ndarray] = field(default_factory=dict)
    final: Mapping[str, Any] = field(default_factory=dict)
    model: nn.Module | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        both = sorted(set(self.watched) & set(self.final))
        if both:
            raise ValueError(f"measure names {both} are both watched and final; rename one")
        ragged = {key: len(v) for key, v in self.watched.items() if len(v) != len(self.steps)}
        if ragged:
            raise ValueError(f"{len(self.steps)} steps, but watched measures have rows {ragged}")

    def __eq__(self, other: object) -> bool:
        """Equal when every field but ``model`` is; arrays compare element by element."""
        if not isinstance(other, Run):
            return NotImplemented
        return ((self.name, self.seed, self.loss, self.steps)
                == (other.name, other.seed, other.loss, other.steps)
                and _same(self.watched, other.watched) and _same(self.final, other.final))

    def __getitem__(self, measure: str) -> Any:
        """A watched measure (an array over ``steps``) or a final one, by name."""
        for store in (self.watched, self.final):
            if measure in store:
                return store[measure]
        have = ", ".join([*self.watched, *self.final]) or "none"
        raise KeyError(f"no measure {measure!r} in this run; it has: {have}")


def _same(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two measure mappings hold the same names and equal values (arrays too)."""
    return a.keys() == b.keys() and all(
        np.array_equal(a[k], b[k]) if isinstance(a[k], np.ndarray) or isinstance(b[k], np.ndarray)
        else a[k] == b[k] for k in a)


def train_and_watch(model: nn.Module, X: np.ndarray, y: np.ndarray, *, name: str, seed: int,
                    steps: int, lr: float, loss: str = "cross_entropy",
                    optimizer: str = "adam", every: int = 1,
                    watch: Mapping[str, Measure] | None = None,
                    after: Mapping[str, Measure] | None = None, keep_model: bool = False) -> Run:
    """Train ``model`` with :func:`fit` on one thread, measuring it as it goes; a :class:`Run`.

    Each measure in ``watch`` is called on the model before training and after every
    ``every`` steps (``steps`` of the run lists when; it is empty if nothing is watched); each
    one in ``after`` once, after training. ``name`` and ``seed`` label the record; the caller
    has already used the seed to draw the weights and the data.

    Example:
        >>> from actlib.nn import mlp
        >>> X, y = np.eye(2, dtype=np.float32), np.array([0, 1])
        >>> run = train_and_watch(mlp([2, 4, 2], "relu", seed=0), X, y, name="relu", seed=0,
        ...                       steps=4, lr=0.1, every=2, watch={"accuracy": lambda m:
        ...                       accuracy(m, X, y)})
        >>> run.steps, len(run.loss), run["accuracy"].shape
        ([0, 2, 4], 4, (3,))
    """
    if steps < 1 or every < 1:
        raise ValueError(f"steps and every must be positive, got {steps} and {every}")
    watch, after = dict(watch or {}), dict(after or {})
    measured_at: list[int] = []
    rows: dict[str, list] = {key: [] for key in watch}

    def measure(step: int, model: nn.Module) -> None:
        if watch and step % every == 0:
            measured_at.append(step)
            for key, fn in watch.items():
                rows[key].append(fn(model))

    with one_thread():
        measure(0, model)
        history = fit(model, X, y, steps=steps, lr=lr, loss=loss, optimizer=optimizer,
                      callback=lambda step, m: measure(step + 1, m))
        final = {key: fn(model) for key, fn in after.items()}
    watched = {key: np.array(values) for key, values in rows.items()}
    return Run(name, seed, history.loss, measured_at, watched, final,
               model if keep_model else None)


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
