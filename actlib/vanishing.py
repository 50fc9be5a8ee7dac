r"""Chapter 2's experiments: how the learning signal fades through sigmoid and tanh layers.

Every function here is a function of a seed and of a size (a depth, a number of steps, a weight
scale). They measure and return numbers; the chapter draws them. All networks are
:func:`actlib.nn.mlp` on scikit-learn's digits (:func:`actlib.data.digits`): 64 pixels in,
``depth`` hidden layers of equal width, 10 classes out.

Backpropagation through hidden layers :math:`h_l = f(z_l)`, :math:`z_l = W_l h_{l-1} + b_l`
multiplies one factor per layer:

.. math::
    \delta_l = \frac{\partial L}{\partial z_l} = f'(z_l) \odot W_{l+1}^\top \delta_{l+1},
    \qquad \frac{\partial L}{\partial W_l} = \delta_l\, h_{l-1}^\top,

so the gradient reaching the first layer has passed through every :math:`f'` and every
:math:`W` above it (Rumelhart et al., 1986; Glorot & Bengio, 2010).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from . import data
from .diagnostics import gradient_norms, saturated_fraction
from .nn import mlp
from .train import accuracy, fit, one_thread

__all__ = ["deep_mlp", "probe_batch", "gradient_profile", "gradient_profiles",
           "saturation_at_init", "first_last_ratio", "weight_gradient_norms",
           "relative_change", "Run", "train_and_watch", "train_many"]

N_PIXELS, N_CLASSES = 64, 10  # digits: 8 × 8 images, 10 classes


def deep_mlp(activation: str, depth: int, seed: int, *, width: int = 64,
             init: str = "xavier", gain: float = 1.0) -> nn.Sequential:
    r"""``mlp([64] + [width] * depth + [10], activation, init=init)``, weights times ``gain``.

    .. math:: W_l \leftarrow \text{gain} \cdot W_l \quad \text{for every layer } l

    A gain above 1 pushes pre-activations further from 0, into the saturated tails of σ and
    tanh; a gain of 1 leaves the initialisation as it is.

    Args:
        activation: a registered activation name.
        depth: the number of hidden layers (≥ 1).
        seed: seeds the weights.
        width: the width of every hidden layer.
        init: ``"default"``, ``"xavier"`` or ``"he"`` (see :func:`actlib.nn.init_linear`).
        gain: the factor applied to every weight matrix after initialisation.
    """
    if depth < 1:
        raise ValueError(f"depth must be at least 1, got {depth}")
    if not gain > 0:
        raise ValueError(f"gain must be positive, got {gain}")
    model = mlp([N_PIXELS] + [width] * depth + [N_CLASSES], activation, seed=seed, init=init)
    with torch.no_grad():
        for layer in model:
            if isinstance(layer, nn.Linear):
                layer.weight.mul_(gain)
    return model


def probe_batch(seed: int, batch: int = 256) -> tuple[torch.Tensor, torch.Tensor]:
    """The first ``batch`` training images and labels of the digits split drawn with ``seed``."""
    X, y, _, _ = data.digits(seed=seed)
    return torch.as_tensor(X[:batch]), torch.as_tensor(y[:batch])


def gradient_profile(activation: str, depth: int, seed: int, *, width: int = 64,
                     init: str = "xavier", gain: float = 1.0, batch: int = 256) -> list[float]:
    r"""Per-layer gradient norms of a fresh :func:`deep_mlp` on one batch of digits.

    .. math:: \bigl\lVert \partial L / \partial W_l \bigr\rVert_F, \quad l = 1, \dots,
        \text{depth} + 1,

    with :math:`L` the cross-entropy on the :func:`probe_batch` of ``seed``. Chapter 3 reruns
    it for ReLU with He's initialisation.

    Returns:
        ``depth + 1`` norms, input side first.
    """
    model = deep_mlp(activation, depth, seed, width=width, init=init, gain=gain)
    X, y = probe_batch(seed, batch)
    with one_thread():
        nn.functional.cross_entropy(model(X), y).backward()
    return gradient_norms(model)


def gradient_profiles(activation: str, depth: int, seeds: Iterable[int],
                      **kwargs) -> np.ndarray:
    """:func:`gradient_profile` for several seeds, one row per seed: ``(seeds, depth + 1)``.

    Keyword arguments go to :func:`gradient_profile`.
    """
    return np.array([gradient_profile(activation, depth, seed, **kwargs) for seed in seeds])


def saturation_at_init(activation: str, depth: int, seed: int, *, width: int = 64,
                       init: str = "xavier", gain: float = 1.0, batch: int = 256,
                       threshold: float = 0.05) -> list[float]:
    """Per hidden layer, the saturated fraction of a fresh :func:`deep_mlp` on digits.

    Saturation is :func:`actlib.diagnostics.saturated_fraction` with ``threshold``, measured
    on the :func:`probe_batch` of ``seed``.
    """
    model = deep_mlp(activation, depth, seed, width=width, init=init, gain=gain)
    with one_thread():
        return saturated_fraction(model, probe_batch(seed, batch)[0], threshold)


def first_last_ratio(norms: Iterable[float]) -> float:
    r"""How much of the gradient reaches the input side: :math:`\lVert g_1 \rVert /
    \lVert g_{\text{last}} \rVert`."""
    norms = list(norms)
    if len(norms) < 2:
        raise ValueError(f"need at least two layers, got {len(norms)}")
    return float(norms[0] / norms[-1])


def weight_gradient_norms(model: nn.Module, X: torch.Tensor, y: torch.Tensor) -> list[float]:
    r"""Per linear layer, :math:`\lVert \partial L / \partial W_l \rVert_F` at the current weights.

    :math:`L` is the cross-entropy on ``(X, y)``. Unlike
    :func:`actlib.diagnostics.gradient_norms` it leaves every ``.grad`` untouched, so it can be
    called in the middle of training.
    """
    weights = [m.weight for m in model.modules() if isinstance(m, nn.Linear)]
    with torch.enable_grad():
        loss = nn.functional.cross_entropy(model(X), y)
        grads = torch.autograd.grad(loss, weights)
    return [g.norm().item() for g in grads]


def relative_change(before: list[torch.Tensor], model: nn.Module) -> list[float]:
    r"""Per linear layer, how far training moved its weights, relative to where they started.

    .. math:: \frac{\lVert W_l^{\text{after}} - W_l^{\text{before}} \rVert_F}
                   {\lVert W_l^{\text{before}} \rVert_F}

    Args:
        before: copies of the weight matrices taken before training, input side first.
        model: the same model after training.
    """
    after = [m.weight.detach() for m in model.modules() if isinstance(m, nn.Linear)]
    if len(after) != len(before):
        raise ValueError(f"{len(before)} weight matrices before, {len(after)} in the model")
    return [((a - b).norm() / b.norm()).item() for a, b in zip(after, before)]


@dataclass
class Run:
    """What :func:`train_and_watch` recorded for one network and one seed."""

    loss: list[float]  # loss[s]: the training loss at the weights after s steps
    recorded: list[int]  # the steps after which we measured (0 = before training)
    gradients: np.ndarray  # (len(recorded), depth + 1): full-batch gradient norm per layer
    saturation: np.ndarray  # (len(recorded), depth): saturated fraction per hidden layer
    weight_change: list[float]  # per linear layer, input side first (see relative_change)
    test_accuracy: float


def train_and_watch(activation: str, depth: int, seed: int, *, width: int = 32,
                    steps: int = 300, lr: float = 0.5, every: int = 10, probe: int = 256,
                    threshold: float = 0.05, init: str = "xavier") -> Run:
    r"""Train a :func:`deep_mlp` on digits with plain full-batch gradient descent, watching it.

    Each step is :math:`W \leftarrow W - \eta\, \partial L / \partial W` on all training images
    (no Adam: it would rescale a vanishing gradient and hide the effect). Before training and
    every ``every`` steps it measures each layer's full-batch gradient norm
    (:func:`weight_gradient_norms`, the gradient the next step will use) and each hidden
    layer's saturated fraction on the first ``probe`` training images; at the end, each
    layer's :func:`relative_change` and the test accuracy. A seed fixes the train/test split
    and the initial weights, so a run repeats exactly.

    Args:
        activation: a registered activation name.
        depth: the number of hidden layers.
        seed: seeds the split and the weights.
        width: the width of every hidden layer.
        steps: the number of gradient steps.
        lr: the learning rate :math:`\eta`.
        every: measure before training and after every ``every`` steps.
        probe: how many training images the saturation is measured on.
        threshold: see :func:`actlib.diagnostics.saturated_fraction`.
        init: the initialisation (see :func:`deep_mlp`).
    """
    if steps < 1 or every < 1:
        raise ValueError(f"steps and every must be positive, got {steps} and {every}")
    X, y, X_test, y_test = data.digits(seed=seed)
    X_t, y_t = torch.as_tensor(X), torch.as_tensor(y)
    model = deep_mlp(activation, depth, seed, width=width, init=init)
    before = [m.weight.detach().clone() for m in model if isinstance(m, nn.Linear)]
    recorded: list[int] = []
    gradients: list[list[float]] = []
    saturation: list[list[float]] = []

    def watch(step: int, model: nn.Module) -> None:
        if step % every == 0:
            recorded.append(step)
            gradients.append(weight_gradient_norms(model, X_t, y_t))
            saturation.append(saturated_fraction(model, X_t[:probe], threshold))

    with one_thread():
        watch(0, model)
        history = fit(model, X, y, steps=steps, lr=lr, loss="cross_entropy",
                      optimizer="sgd", callback=lambda step, m: watch(step + 1, m))
        test_accuracy = accuracy(model, X_test, y_test)
    return Run(loss=history.loss, recorded=recorded, gradients=np.array(gradients),
               saturation=np.array(saturation), weight_change=relative_change(before, model),
               test_accuracy=test_accuracy)


def train_many(models: Mapping[str, tuple[str, int]], seeds: Iterable[int],
               **kwargs) -> dict[str, list[Run]]:
    """:func:`train_and_watch` for each labelled ``(activation, depth)`` and each seed.

    Keyword arguments go to :func:`train_and_watch`.

    Example:
        >>> runs = train_many({"shallow": ("sigmoid", 1)}, seeds=[0], steps=5)
        >>> len(runs["shallow"])
        1
    """
    seeds = list(seeds)
    return {label: [train_and_watch(act, depth, seed, **kwargs) for seed in seeds]
            for label, (act, depth) in models.items()}
