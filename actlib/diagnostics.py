"""Measurements of a network's health. They measure and return numbers; they never draw."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from .nn import is_activation

__all__ = ["gradient_norms", "dead_fraction", "off_fraction", "zero_fraction", "frozen_fraction",
           "activation_io", "elementwise_derivative", "peak_derivative", "saturated_fraction",
           "activation_spread", "mean_derivative", "signal_variances"]


def gradient_norms(model: nn.Module, inputs: torch.Tensor | None = None,
                   targets: torch.Tensor | None = None) -> list[float]:
    r"""The Frobenius norm :math:`\lVert \partial L / \partial W \rVert` of each ``nn.Linear``.

    Without ``inputs``, call it after ``loss.backward()``: it reads each weight's ``.grad``.
    With ``inputs`` and class ``targets``, :math:`L` is the cross-entropy on that batch and its
    gradient is computed here, leaving every ``.grad`` untouched, so it can be called in the
    middle of training. Layers are listed in the order the model registers them, which for
    ``nn.Sequential`` and :func:`actlib.nn.mlp` is input side first.

    Raises:
        ValueError: if the model has no linear layer, or (without ``inputs``) a layer has no
            gradient yet.
    """
    weights = [m.weight for m in model.modules() if isinstance(m, nn.Linear)]
    if not weights:
        raise ValueError("the model has no nn.Linear layer")
    if inputs is not None:
        if targets is None:
            raise ValueError("gradient_norms got inputs without targets: pass both, or neither")
        with torch.enable_grad():
            loss = nn.functional.cross_entropy(model(inputs), targets)
            grads = torch.autograd.grad(loss, weights)
    elif any(w.grad is None for w in weights):
        raise ValueError("a linear layer has no gradient: call loss.backward() first, "
                         "or pass inputs and targets")
    else:
        grads = [w.grad for w in weights]
    return [g.norm().item() for g in grads]


def dead_fraction(model: nn.Module, inputs: torch.Tensor, eps: float = 0.0) -> list[float]:
    r"""Per activation layer, the fraction of units whose output is zero for every input.

    A unit counts as dead when :math:`|a(x)| \le \varepsilon` for all inputs ``x`` in the
    batch; with ``eps=0`` that is exactly zero, the way a ReLU unit dies. Units are the last
    dimension of a layer's output; all other dimensions count as inputs.

    Args:
        model: any module containing activation modules (see :func:`actlib.nn.is_activation`).
        inputs: a batch the model accepts, e.g. of shape ``(N, d_in)``.
        eps: the tolerance; a small positive value measures "nearly dead" units.

    Returns:
        One fraction in [0, 1] per activation layer, input side first.
    """
    if eps < 0:
        raise ValueError(f"eps must be >= 0, got {eps}")
    fractions = []
    for _, _, out in activation_io(model, inputs):
        out = out.reshape(-1, out.shape[-1])  # (inputs, units)
        dead = (out.abs() <= eps).all(dim=0)
        fractions.append(dead.float().mean().item())
    return fractions


def off_fraction(model: nn.Module, inputs: torch.Tensor) -> list[float]:
    r"""Per activation layer, the fraction of units switched off for every input.

    A unit is off when its pre-activation :math:`z \le 0` for all inputs of the batch. For
    ReLU that is exactly a dead unit (it equals :func:`dead_fraction`); a Leaky ReLU, PReLU or
    ELU unit that is off still passes a small signal and gradient.

    Returns:
        One fraction in [0, 1] per activation layer, input side first.
    """
    return [(z.reshape(-1, z.shape[-1]) <= 0).all(dim=0).float().mean().item()
            for _, z, _ in activation_io(model, inputs)]


def zero_fraction(model: nn.Module, inputs: torch.Tensor) -> list[float]:
    r"""Per activation layer, the fraction of outputs that are exactly zero: its sparsity.

    Counts pairs (input, unit) with :math:`a = 0`, so a ReLU layer whose pre-activations are
    symmetric about zero has a zero fraction near 1/2 (Glorot et al., 2011).
    """
    return [(a == 0).float().mean().item() for _, _, a in activation_io(model, inputs)]


def frozen_fraction(model: nn.Module, inputs: torch.Tensor) -> list[float]:
    r"""Per activation layer, the fraction of units whose local gradient is zero for every input.

    A unit is frozen when :math:`\partial a / \partial z = 0`, as autograd computes it, for all
    inputs of the batch: no gradient reaches its incoming weights, so training cannot move it.
    A dead ReLU unit is frozen; a smooth unit is frozen only where its arithmetic rounds the
    derivative to zero.

    Returns:
        One fraction in [0, 1] per activation layer, input side first.
    """
    fractions = []
    for module, z, _ in activation_io(model, inputs):
        z = z.detach().reshape(-1, z.shape[-1]).requires_grad_(True)  # (inputs, units)
        with torch.enable_grad():
            module(z).sum().backward()
        fractions.append((z.grad == 0).all(dim=0).float().mean().item())
    return fractions


def activation_io(model: nn.Module, inputs: torch.Tensor,
                  is_layer: Callable[[nn.Module], bool] = is_activation,
                  ) -> list[tuple[nn.Module, torch.Tensor, torch.Tensor]]:
    """Each activation layer with what it received and what it returned, input side first.

    Runs the model once on ``inputs`` without gradients. ``is_layer`` says which modules
    count as activation layers (default :func:`actlib.nn.is_activation`).
    """
    layers = [m for m in model.modules() if is_layer(m)]
    if not layers:
        raise ValueError("the model has no activation layer (see actlib.names())")
    seen: dict[nn.Module, tuple[torch.Tensor, torch.Tensor]] = {}
    hooks = [m.register_forward_hook(lambda m, args, out: seen.__setitem__(m, (args[0], out)))
             for m in layers]
    try:
        with torch.no_grad():
            model(inputs)
    finally:
        for hook in hooks:
            hook.remove()
    return [(layer, *seen[layer]) for layer in layers]


def elementwise_derivative(layer: nn.Module, z: torch.Tensor) -> torch.Tensor:
    r"""The derivative :math:`f'(z)` of an element-wise activation module, entry by entry.

    Because :math:`f` acts on each entry alone, the gradient of :math:`\sum f(z)` with
    respect to :math:`z` is exactly :math:`f'(z)`.
    """
    z = z.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        (derivative,) = torch.autograd.grad(layer(z).sum(), z)
    return derivative


def peak_derivative(layer: nn.Module, lim: float = 10.0, n: int = 20_001) -> float:
    r"""The largest value of :math:`f'` on ``n`` points spread over [−lim, lim], 0 among them.

    For the sigmoid it is 1/4, for tanh and ReLU 1.
    """
    grid = torch.linspace(-lim, lim, n, dtype=torch.float64)
    return elementwise_derivative(layer, grid).max().item()


def saturated_fraction(model: nn.Module, inputs: torch.Tensor,
                       threshold: float = 0.05) -> list[float]:
    r"""Per activation layer, the fraction of (input, unit) pairs where the unit is saturated.

    A unit is **saturated** on an input when the derivative of its activation at its
    pre-activation :math:`z` has fallen below ``threshold`` times the activation's largest
    derivative:

    .. math:: f'(z) < \text{threshold} \cdot \max_t f'(t).

    With the default 0.05 that means :math:`|z| > 4.36` for the sigmoid (outputs within 0.013
    of 0 or 1) and :math:`|z| > 2.18` for tanh (:math:`|\tanh z| > 0.975`). A saturated unit
    passes almost no gradient back, whatever arrives from above (Glorot & Bengio, 2010).

    Args:
        model: any module containing element-wise activation modules.
        inputs: a batch the model accepts, e.g. of shape ``(N, d_in)``.
        threshold: the fraction of the peak derivative below which a unit counts as
            saturated, in (0, 1).

    Returns:
        One fraction in [0, 1] per activation layer, input side first.
    """
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must be in (0, 1), got {threshold}")
    fractions = []
    peaks: dict[type, float] = {}
    for layer, z, _ in activation_io(model, inputs):
        key = type(layer)
        if key not in peaks:
            peaks[key] = peak_derivative(layer)
        saturated = elementwise_derivative(layer, z) < threshold * peaks[key]
        fractions.append(saturated.float().mean().item())
    return fractions


def activation_spread(model: nn.Module, inputs: torch.Tensor) -> list[float]:
    r"""Per activation layer, how much its output differs from one input to the next.

    For each unit, the standard deviation of its output over the inputs of the batch;
    then the mean over units. A layer whose spread is near 0 gives every input (nearly) the
    same representation, so nothing after it can tell the inputs apart.

    Returns:
        One non-negative number per activation layer, input side first.
    """
    spreads = []
    for _, _, out in activation_io(model, inputs):
        out = out.reshape(-1, out.shape[-1])  # (inputs, units)
        spreads.append(out.std(dim=0).mean().item())
    return spreads


def mean_derivative(model: nn.Module, inputs: torch.Tensor) -> list[float]:
    r"""Per activation layer, the average local factor :math:`f'(z)` over inputs and units.

    Backpropagation multiplies the gradient by :math:`f'(z)` at every layer, so this is the
    typical factor a layer contributes besides its weights: at most 1/4 for the sigmoid,
    close to 1 for tanh near :math:`z = 0`.

    Returns:
        One number per activation layer, input side first.
    """
    return [elementwise_derivative(layer, z).mean().item()
            for layer, z, _ in activation_io(model, inputs)]


def signal_variances(model: nn.Module, inputs: torch.Tensor,
                     seed: int = 0) -> tuple[list[float], list[float]]:
    r"""Per activation layer, the variance of its input :math:`z_l` and of the gradient there.

    Forward: :math:`\operatorname{Var}(z_l)` over inputs and units. Backward: a random signal
    :math:`g` with independent standard normal entries (drawn with ``seed``) is sent back from
    the output, as if the loss were :math:`L = \sum \text{output} \cdot g`, and we measure
    :math:`\operatorname{Var}(\delta_l)` with :math:`\delta_l = \partial L / \partial z_l`.
    These are the two quantities Glorot & Bengio (2010) and He et al. (2015) keep constant from
    layer to layer when they choose the scale of the initial weights.

    Returns:
        ``(forward, backward)``: one variance per activation layer each, input side first.
    """
    layers = [m for m in model.modules() if is_activation(m)]
    if not layers:
        raise ValueError("the model has no activation layer (see actlib.names())")
    zs: list[torch.Tensor] = []

    def keep(module: nn.Module, args: tuple[torch.Tensor, ...], out: torch.Tensor) -> None:
        args[0].retain_grad()
        zs.append(args[0])

    hooks = [m.register_forward_hook(keep) for m in layers]
    try:
        with torch.enable_grad():
            out = model(inputs.to(next(model.parameters()).dtype))
            g = torch.randn(out.shape, generator=torch.Generator().manual_seed(seed),
                            dtype=out.dtype)
            model.zero_grad()
            (out * g).sum().backward()
    finally:
        for hook in hooks:
            hook.remove()
        model.zero_grad(set_to_none=True)
    return ([z.detach().var(unbiased=False).item() for z in zs],
            [z.grad.var(unbiased=False).item() for z in zs])
