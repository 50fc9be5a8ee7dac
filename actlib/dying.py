"""Dying ReLU units, during training and at birth: experiments that measure and never draw.

A ReLU unit whose pre-activation :math:`z` is negative for every input outputs 0 for every
input, and its gradient :math:`\\mathrm{ReLU}'(z) = 0` is zero too, so the weights feeding it
stop changing: the unit is **dead**. Units die during training, when a large step or a shift
of the biases pushes :math:`z` below zero everywhere, and whole networks can be dead from the
start, when they are deep and narrow (Lu et al., 2019).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from . import data
from .diagnostics import activation_io
from .nn import is_activation, mlp
from .registry import get
from .train import accuracy, fit, one_thread

__all__ = ["ACTIVATIONS", "is_unit_layer", "off_fraction", "zero_fraction", "build",
           "shift_biases", "DyingRun", "train_and_watch", "mean_off", "mean_accuracy",
           "born_dead_by_depth", "hand_built_net", "check_is_born_dead"]

#: The activations chapter 3 compares; ``"prelu"`` is ``torch.nn.PReLU`` with one slope per unit.
ACTIVATIONS = ("relu", "leaky_relu", "prelu", "elu")


def is_unit_layer(module: nn.Module) -> bool:
    """Whether ``module`` is an activation layer: a registered activation or ``nn.PReLU``."""
    return is_activation(module) or isinstance(module, nn.PReLU)


def layer_values(model: nn.Module, inputs: torch.Tensor) -> list[tuple[torch.Tensor, ...]]:
    """Per activation layer, its input :math:`z` and output :math:`a`, each ``(N, units)``.

    Layers are listed input side first; the model runs once, without gradients.
    """
    return [(z.reshape(-1, z.shape[-1]), a.reshape(-1, a.shape[-1]))
            for _, z, a in activation_io(model, inputs, is_unit_layer)]


def off_fraction(model: nn.Module, inputs: torch.Tensor) -> list[float]:
    r"""Per activation layer, the fraction of units switched off for every input.

    A unit is off when its pre-activation :math:`z \le 0` for all inputs of the batch. For
    ReLU that is exactly a dead unit (it equals :func:`actlib.diagnostics.dead_fraction`);
    a Leaky ReLU, PReLU or ELU unit that is off still passes a small signal and gradient.

    Returns:
        One fraction in [0, 1] per activation layer, input side first.
    """
    return [(z <= 0).all(dim=0).float().mean().item() for z, _ in layer_values(model, inputs)]


def zero_fraction(model: nn.Module, inputs: torch.Tensor) -> list[float]:
    r"""Per activation layer, the fraction of outputs that are exactly zero: its sparsity.

    Counts pairs (input, unit) with :math:`a = 0`, so a ReLU layer whose pre-activations are
    symmetric about zero has a zero fraction near 1/2 (Glorot et al., 2011).
    """
    return [(a == 0).float().mean().item() for _, a in layer_values(model, inputs)]


def build(activation: str, depth: int, width: int, seed: int, *, n_in: int = 64,
          n_out: int = 10, init: str = "he") -> nn.Sequential:
    """``mlp([n_in] + [width] * depth + [n_out])`` with ``"prelu"`` allowed as the activation.

    For ``"prelu"`` each ReLU is replaced by ``nn.PReLU(width)``, one learnable slope per
    unit starting at 0.25 (He et al., 2015). The weights depend only on ``seed``, so networks
    built with the same seed and different activations start from the same weights.
    """
    sizes = [n_in] + [width] * depth + [n_out]
    model = mlp(sizes, "relu" if activation == "prelu" else activation, seed=seed, init=init)
    if activation == "prelu":
        for i, layer in enumerate(model):
            if isinstance(layer, nn.ReLU):
                model[i] = nn.PReLU(width)
    return model


def shift_biases(model: nn.Module, shift: float) -> nn.Module:
    """Subtract ``shift`` from the bias of every linear layer that feeds an activation."""
    layers = list(model.children())
    with torch.no_grad():
        for layer, following in zip(layers[:-1], layers[1:]):
            if isinstance(layer, nn.Linear) and is_unit_layer(following):
                layer.bias -= shift
    return model


@dataclass(frozen=True)
class DyingRun:
    """What :func:`train_and_watch` recorded.

    Attributes:
        steps: the training steps after which ``off`` was measured; 0 is before training.
        off: ``off[i][l]``, the off fraction of layer ``l`` after ``steps[i]`` steps.
        loss: the training loss at every step.
        test_accuracy: the accuracy on the held-out digits after training.
    """

    steps: list[int]
    off: list[list[float]]
    loss: list[float]
    test_accuracy: float


def train_and_watch(activation: str, *, lr: float, shift: float = 0.0, seed: int = 0,
                    steps: int = 60, depth: int = 4, width: int = 64, every: int = 5,
                    optimizer: str = "adam") -> DyingRun:
    r"""Train a network on the digits and record, as it trains, how many units are off.

    The network is :func:`build` ``(activation, depth, width, seed)`` with He
    initialisation; every hidden bias is then lowered by ``shift``, so that
    :math:`z = Wx + b - \text{shift}`. Training is full-batch on the training digits of
    :func:`actlib.data.digits` (split with ``seed``); the off fraction (:func:`off_fraction`)
    is measured on the same images before training and after every ``every`` steps.

    Args:
        activation: one of :data:`ACTIVATIONS` or any registered name.
        lr: the learning rate; a large one kills ReLU units.
        shift: how far to lower the hidden biases before training.
        seed: seeds the weights and the split of the data.
        steps, depth, width, every, optimizer: the training run and how often to measure.

    Returns:
        A :class:`DyingRun`.
    """
    X, y, X_test, y_test = data.digits(seed=seed)
    inputs = torch.as_tensor(X)
    model = shift_biases(build(activation, depth, width, seed), shift)
    measured_at, off = [0], [off_fraction(model, inputs)]

    def measure(step: int, model: nn.Module) -> None:
        if (step + 1) % every == 0:
            measured_at.append(step + 1)
            off.append(off_fraction(model, inputs))

    with one_thread():
        history = fit(model, X, y, steps=steps, lr=lr, loss="cross_entropy",
                      optimizer=optimizer, callback=measure)
    return DyingRun(measured_at, off, history.loss, accuracy(model, X_test, y_test))


def mean_off(runs: list[DyingRun]) -> float:
    """The off fraction at the end of training, averaged over the layers and the runs."""
    return float(np.mean([np.mean(run.off[-1]) for run in runs]))


def mean_accuracy(runs: list[DyingRun]) -> float:
    """The test accuracy after training, averaged over the runs."""
    return float(np.mean([run.test_accuracy for run in runs]))


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


def hand_built_net(dead_layer: int | None = None,
                   dead_units: tuple[int, ...] = ()) -> nn.Sequential:
    """A 2 -> 4 -> 4 -> 4 -> 1 ReLU network whose dead units are known in advance.

    The first layer computes :math:`\\mathrm{ReLU}(\\pm x_i + 1)`, so each unit fires for some
    inputs; the next two add 1/2 to their input (identity weights, bias 1/2), so a layer after
    a dead one outputs the constant 1/2, not zero. A unit is killed by zero weights and bias
    −1: all units of hidden layer ``dead_layer`` (0, 1 or 2), and units ``dead_units`` of
    every hidden layer.
    """
    model = mlp([2, 4, 4, 4, 1], "relu", seed=0)
    first = torch.tensor([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])
    hidden = [m for m in model if isinstance(m, nn.Linear)][:-1]
    with torch.no_grad():
        for k, linear in enumerate(hidden):
            linear.weight.copy_(first if k == 0 else torch.eye(4))
            linear.bias.fill_(1.0 if k == 0 else 0.5)
            killed = list(range(4)) if k == dead_layer else list(dead_units)
            linear.weight[killed] = 0.0
            linear.bias[killed] = -1.0
    return model


def check_is_born_dead(is_born_dead: Callable[[nn.Module, torch.Tensor], bool], *,
                       seed: int = 0) -> bool:
    """Chapter 3: check a function ``is_born_dead(model, inputs) -> bool``.

    It is tried on ReLU networks built by hand (:func:`hand_built_net`): healthy, dead in the
    first, middle or last hidden layer, and with half of every layer's units dead but the
    network alive, on 32 random inputs drawn with ``seed``. Prints what is wrong, or that it is
    right, and returns whether it is right.
    """
    inputs = torch.randn(32, 2, generator=torch.Generator().manual_seed(seed))
    cases = [("a healthy network", hand_built_net(), False),
             *[(f"a network whose hidden layer {k} is dead", hand_built_net(k), True)
               for k in range(3)],
             ("a network with half of each layer's units dead", hand_built_net(dead_units=(0, 1)),
              False)]
    for label, model, expected in cases:
        answer = is_born_dead(model, inputs)
        if isinstance(answer, torch.Tensor | np.ndarray | np.generic) and answer.ndim == 0:
            answer = answer.item()  # a 0-d tensor or array holding True or False
        if not isinstance(answer, bool):
            print(f"is_born_dead should return True or False, got {answer!r}.")
            return False
        if answer != expected:
            hint = ("A few dead units do not stop the signal: the network is dead only when one"
                    " whole layer outputs zero for every input." if not expected else
                    "Look at the output of every activation layer, not only the first or the"
                    " last, and require zero in all units for all inputs: (a == 0).all().")
            print(f"For {label} the answer is {expected}, but is_born_dead said {answer}. {hint}")
            return False
    print("Correct: is_born_dead finds a dead layer wherever it is, and only then.")
    return True
