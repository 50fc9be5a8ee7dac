"""Dying ReLU units, during training and at birth: experiments that measure and never draw.

A ReLU unit whose pre-activation :math:`z` is negative for every input outputs 0 for every
input, and its gradient :math:`\\mathrm{ReLU}'(z) = 0` is zero too, so the weights feeding it
stop changing: the unit is **dead**. Units die during training, when a large step or a shift
of the biases pushes :math:`z` below zero everywhere, and whole networks can be dead from the
start, when they are deep and narrow (Lu et al., 2019).
"""

from __future__ import annotations

import math

import numpy as np
import torch

from .. import data
from ..diagnostics import off_fraction
from ..nn import deep_mlp, shift_biases
from ..registry import get
from ..train import Run, accuracy, one_thread, train_and_watch

__all__ = ["ACTIVATIONS", "train_shifted", "mean_off", "mean_accuracy", "born_dead_by_depth"]

#: The activations chapter 3 compares; ``"prelu"`` is ``torch.nn.PReLU`` with one slope per unit.
ACTIVATIONS = ("relu", "leaky_relu", "prelu", "elu")


def train_shifted(activation: str, *, lr: float, shift: float = 0.0, seed: int = 0,
                  steps: int = 60, depth: int = 4, width: int = 64, every: int = 5,
                  optimizer: str = "adam") -> Run:
    r"""Train a network on the digits, its hidden biases lowered, watching how many units are off.

    The network is :func:`~actlib.nn.deep_mlp` ``(activation, depth, seed, width=width)`` with
    He's initialisation; every hidden bias is then lowered by ``shift``
    (:func:`~actlib.nn.shift_biases`), so that :math:`z = Wx + b - \text{shift}`. Training is
    full-batch on the training digits of :func:`actlib.data.digits` (split with ``seed``). The
    run watches ``off`` (:func:`actlib.diagnostics.off_fraction` per layer, on the same
    images) before training and after every ``every`` steps, and measures ``test_accuracy``
    on the held-out digits at the end.

    Args:
        activation: one of :data:`ACTIVATIONS` or any registered name.
        lr: the learning rate; a large one kills ReLU units.
        shift: how far to lower the hidden biases before training.
        seed: seeds the weights and the split of the data.
        steps, depth, width, every, optimizer: the training run and how often to measure.

    Returns:
        A :class:`~actlib.train.Run`.
    """
    X, y, X_test, y_test = data.digits(seed=seed)
    inputs = torch.as_tensor(X)
    model = shift_biases(deep_mlp(activation, depth, seed, width=width), shift)
    return train_and_watch(model, X, y, name=activation, seed=seed, steps=steps, lr=lr,
                           optimizer=optimizer, every=every,
                           watch={"off": lambda m: off_fraction(m, inputs)},
                           after={"test_accuracy": lambda m: accuracy(m, X_test, y_test)})


def mean_off(runs: list[Run]) -> float:
    """The off fraction at the end of training, averaged over the layers and the runs."""
    return float(np.mean([np.mean(run["off"][-1]) for run in runs]))


def mean_accuracy(runs: list[Run]) -> float:
    """The test accuracy after training, averaged over the runs."""
    return float(np.mean([run["test_accuracy"] for run in runs]))


def born_dead_by_depth(max_depth: int, width: int, *, d_in: int = 1, trials: int = 2000,
                       batch: int = 64, bias: float = 0.0, activation: str = "relu",
                       seed: int = 0) -> np.ndarray:
    r"""Monte Carlo: the probability that a fresh network of each depth is born dead.

    Following Lu et al. (2019), a network is **born dead** when it computes a constant
    function at initialisation. We detect the usual way it happens: some hidden layer
    outputs zero in every unit for every input, after which every later layer sees the same
    input. Each trial draws ``batch`` inputs :math:`x \sim \mathcal{N}(0, I_{d_{in}})` and the
    weights of ``max_depth`` hidden layers of ``width`` units from He's normal
    :math:`\mathcal{N}(0, 2/n_{in})`, with every bias equal to ``bias`` (0 is the symmetric
    case of Lu et al.). The depth-:math:`L` network is the first :math:`L` layers, so one
    pass gives every depth; all trials run at once as batched matrix products.

    Args:
        max_depth: the deepest network, in hidden layers.
        width: units per hidden layer.
        d_in: input dimension.
        trials: networks drawn; the standard error is at most :math:`0.5/\sqrt{\text{trials}}`.
        batch: inputs per network on which "zero for every input" is checked.
        bias: the initial value of every bias.
        activation: a registered name; for Leaky ReLU or ELU a layer is all zero only if
            every pre-activation is exactly zero, so no network is born dead.
        seed: seeds the inputs and weights.

    Returns:
        ``p`` of shape ``(max_depth,)``: ``p[L - 1]`` is the estimated probability for depth
        ``L``, non-decreasing in ``L``.
    """
    if min(max_depth, width, d_in, trials, batch) < 1:
        raise ValueError("max_depth, width, d_in, trials and batch must all be >= 1")
    f = get(activation).module()
    generator = torch.Generator().manual_seed(seed)
    h = torch.randn(trials, batch, d_in, generator=generator)  # (trials, batch, d_in)
    dead = torch.zeros(trials, dtype=torch.bool)
    p = np.empty(max_depth)
    with one_thread():
        for layer in range(max_depth):
            n_in = h.shape[-1]
            W = torch.randn(trials, n_in, width, generator=generator) * math.sqrt(2 / n_in)
            h = f(h @ W + bias)  # (trials, batch, width)
            dead |= (h == 0).flatten(1).all(dim=1)
            p[layer] = dead.double().mean().item()
    return p
