"""Measurements of a network's health. They measure and return numbers; they never draw."""

from __future__ import annotations

import torch
from torch import nn

from .nn import is_activation


def gradient_norms(model: nn.Module) -> list[float]:
    r"""The Frobenius norm :math:`\lVert \partial L / \partial W \rVert` of each ``nn.Linear``.

    Call it after ``loss.backward()``. Layers are listed in the order the model registers
    them, which for ``nn.Sequential`` and :func:`actlib.nn.mlp` is input side first.

    Raises:
        ValueError: if the model has no linear layer, or a layer has no gradient yet.
    """
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if not linears:
        raise ValueError("the model has no nn.Linear layer")
    if any(m.weight.grad is None for m in linears):
        raise ValueError("a linear layer has no gradient: call loss.backward() first")
    return [m.weight.grad.norm().item() for m in linears]


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
    layers = [m for m in model.modules() if is_activation(m)]
    if not layers:
        raise ValueError("the model has no activation layer (see actlib.names())")
    outputs: dict[nn.Module, torch.Tensor] = {}
    hooks = [m.register_forward_hook(lambda m, _, out: outputs.__setitem__(m, out))
             for m in layers]
    try:
        with torch.no_grad():
            model(inputs)
    finally:
        for hook in hooks:
            hook.remove()
    fractions = []
    for layer in layers:
        out = outputs[layer].reshape(-1, outputs[layer].shape[-1])  # (inputs, units)
        dead = (out.abs() <= eps).all(dim=0)
        fractions.append(dead.float().mean().item())
    return fractions
