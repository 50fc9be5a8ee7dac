"""Chapter 6's measurements: the generations of activations and a head-to-head on one task.

Every registered activation trains the same deep MLP on scikit-learn's digits
(:func:`actlib.data.digits`) with full-batch Adam, for several seeds. Per activation and seed
we record the validation loss and accuracy, the first-to-last gradient ratio at
initialisation, the dead fraction after training and the time per training step. The
functions here measure and return numbers; the chapter draws them.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from . import data
from .diagnostics import dead_fraction, gradient_norms
from .nn import GatedFeedForward, is_activation, mlp
from .registry import get, names
from .train import accuracy, fit, one_thread

#: The problem each registered activation was introduced to address, in the course's words.
PROBLEMS = {
    "identity": "none: the linear baseline, which any depth collapses to one layer",
    "sigmoid": "a smooth threshold that backpropagation can differentiate",
    "tanh": "zero-centred outputs, for better-conditioned training",
    "softplus": "a smooth, positive rectifier with a sigmoid derivative",
    "relu": "vanishing gradients in deep networks; cheap, sparse units",
    "leaky_relu": "dying units: a small slope keeps negative inputs alive",
    "elu": "dying units and a positive mean shift, via negative outputs",
    "gelu": "a smooth, probabilistic gate instead of a hard on/off",
    "gelu_tanh": "GELU without the error function, where erf was slow",
    "swish": "found by automated search; a smooth gate with a tunable β",
    "silu": "a smooth self-gated unit, x weighted by its own sigmoid",
    "mish": "a smoother self-gated unit with a non-monotonic bump",
}

#: The era each activation belongs to, following the course's chapters.
GENERATIONS = {
    "identity": "baseline",
    "sigmoid": "early days", "tanh": "early days", "softplus": "early days",
    "relu": "the rectifier",
    "leaky_relu": "rectifier repairs", "elu": "rectifier repairs",
    "gelu": "smooth gates", "gelu_tanh": "smooth gates", "swish": "smooth gates",
    "silu": "smooth gates", "mish": "smooth gates",
}

#: Xavier's initialisation for the functions it was derived for, He's for the rectifier family.
XAVIER = ("identity", "sigmoid", "tanh")


@dataclass(frozen=True)
class Generation:
    """One row of the generation table: name, year and paper come from the registry."""

    name: str
    year: int | None
    reference: str | None
    generation: str
    problem: str


def generation_table() -> list[Generation]:
    """Every registered activation with its year, its paper and the problem it addressed.

    Rows are sorted by year (the baseline, which has none, first), then by name.

    Raises:
        KeyError: if a registered activation has no entry in :data:`PROBLEMS`.
    """
    rows = []
    for name in names():
        act = get(name)
        rows.append(Generation(name, act.year, act.reference, GENERATIONS[name],
                               PROBLEMS[name]))
    return sorted(rows, key=lambda row: (row.year or 0, row.name))


@dataclass(frozen=True)
class Size:
    """The head-to-head's network and training: ``depth`` hidden layers of ``width`` units."""

    depth: int = 6
    width: int = 32
    steps: int = 100
    lr: float = 5e-3


def init_for(activation: str) -> str:
    """The initialisation the head-to-head uses: ``"xavier"`` for :data:`XAVIER`, else ``"he"``."""
    return "xavier" if activation in XAVIER else "he"


@dataclass
class Run:
    """One activation, one seed: the trained model, its metrics and its training loss."""

    activation: str
    seed: int
    model: nn.Module
    metrics: dict[str, float]
    loss: list[float] = field(default_factory=list)


def run(activation: str, seed: int, size: Size = Size()) -> Run:
    """Train ``activation``'s MLP on the digits split drawn from ``seed``; measure it.

    Metrics: ``val_loss`` and ``val_accuracy`` on the held-out images, ``grad_ratio``
    (first layer's :math:`\\lVert \\partial L/\\partial W \\rVert` over the last layer's, at
    initialisation, on the whole training set), ``dead`` (the mean over hidden layers of
    :func:`actlib.diagnostics.dead_fraction` after training) and ``ms_per_step`` (the median
    wall-clock time of one step, which depends on the machine and its load).
    """
    X, y, X_val, y_val = data.digits(seed=seed)
    X_t, y_t = torch.as_tensor(X), torch.as_tensor(y)
    model = mlp([X.shape[1]] + [size.width] * size.depth + [10], activation, seed=seed,
                init=init_for(activation))
    F.cross_entropy(model(X_t), y_t).backward()
    norms = gradient_norms(model)
    model.zero_grad(set_to_none=True)

    stamps = [time.perf_counter()]
    with one_thread():
        history = fit(model, X, y, steps=size.steps, lr=size.lr, loss="cross_entropy",
                      callback=lambda step, m: stamps.append(time.perf_counter()))
    with torch.no_grad():
        val_loss = F.cross_entropy(model(torch.as_tensor(X_val)), torch.as_tensor(y_val))
    metrics = {
        "val_loss": float(val_loss),
        "val_accuracy": accuracy(model, X_val, y_val),
        "grad_ratio": norms[0] / norms[-1],
        "dead": float(np.mean(dead_fraction(model, X_t))),
        "ms_per_step": float(np.median(np.diff(stamps))) * 1e3,
    }
    return Run(activation, seed, model, metrics, history.loss)


def head_to_head(seeds: Iterable[int] = (0, 1, 2), size: Size = Size(),
                 activations: Iterable[str] | None = None) -> dict[str, list[Run]]:
    """:func:`run` for every activation (all registered ones by default) and every seed."""
    chosen = names() if activations is None else list(activations)
    seeds = list(seeds)
    return {name: [run(name, seed, size) for seed in seeds] for name in chosen}


def with_activation(model: nn.Module, activation: str) -> nn.Module:
    """A deep copy of ``model`` whose activation modules are replaced by ``activation``'s.

    The weights are kept: this is what happens when weights trained with one activation are
    loaded into an implementation that uses another.
    """
    ported = copy.deepcopy(model)
    for parent in ported.modules():
        for key, child in parent.named_children():
            if is_activation(child) and not isinstance(child, nn.Identity):
                setattr(parent, key, get(activation).module())
    return ported


def porting_gap(model: nn.Module, X: np.ndarray, activation: str) -> dict[str, float]:
    """How much ``model``'s outputs on ``X`` change when its activation is swapped.

    Returns:
        ``max_logit_gap`` (largest absolute change of a logit) and ``flipped`` (the fraction
        of inputs whose predicted class changes).
    """
    ported = with_activation(model, activation)
    inputs = torch.as_tensor(X, dtype=torch.float32)
    with torch.no_grad():
        before, after = model(inputs), ported(inputs)
    return {
        "max_logit_gap": float((before - after).abs().max()),
        "flipped": float((before.argmax(1) != after.argmax(1)).float().mean()),
    }


def fused_glu_gaps(seed: int = 0, d_model: int = 8, d_ff: int = 16,
                   batch: int = 32) -> dict[str, float]:
    """The fused-projection pitfall: which half of ``F.glu``'s input gates.

    ``F.glu(torch.cat([a, b], -1))`` returns :math:`a \\otimes \\sigma(b)`: the *second* half
    gates. For a sigmoid :class:`~actlib.nn.GatedFeedForward` (gate ``W``, value ``V``),
    stacking the weights as ``[V; W]`` reproduces the layer; ``[W; V]`` (gate first) does not.

    Returns:
        The largest absolute output difference from the layer for ``"gate_first"`` and
        ``"value_first"``.
    """
    generator = torch.Generator().manual_seed(seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        layer = GatedFeedForward(d_model, d_ff, "sigmoid")
    x = torch.randn(batch, d_model, generator=generator)
    W, V = layer.gate_proj.weight, layer.up_proj.weight  # (d_ff, d_model) each
    with torch.no_grad():
        reference = layer(x)
        gaps = {}
        for label, stacked in [("gate_first", torch.cat([W, V])),
                               ("value_first", torch.cat([V, W]))]:
            fused = layer.down_proj(F.glu(x @ stacked.T, dim=-1))
            gaps[label] = float((fused - reference).abs().max())
    return gaps
