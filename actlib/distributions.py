r"""Per-layer samples of what flows through a network: activations, gradients, saturation.

:mod:`actlib.diagnostics` condenses each layer into one number (a norm, a fraction); the
functions here keep the whole sample, one value per (input, unit) pair, so that a chapter can
draw its distribution layer by layer. They measure and return arrays; they never draw (see
:func:`actlib.plotting.plot_layer_distributions` and :func:`actlib.plotting.plot_saturation_map`).

Layers are listed input side first. For a hidden layer :math:`h_l = f(z_l)`,
:math:`z_l = W_l h_{l-1} + b_l`, the samples are :math:`h_l` (activations), :math:`\partial
\ell / \partial z_l` (gradients with respect to pre-activations) or :math:`\partial L / \partial
W_l` (gradients with respect to weights).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .diagnostics import activation_io, elementwise_derivative, peak_derivative
from .train import one_thread

__all__ = ["activation_samples", "preactivation_gradients", "weight_gradients",
           "saturation_map", "update_ratios"]


def activation_samples(model: nn.Module, inputs: torch.Tensor) -> list[np.ndarray]:
    """Per activation layer, its outputs on ``inputs`` as an ``(inputs, units)`` array.

    Uses :func:`actlib.diagnostics.activation_io` (one forward pass, no gradient).
    """
    with one_thread():  # tiny tensors: a second thread only adds overhead
        return [out.reshape(-1, out.shape[-1]).numpy().copy() for _, _, out in
                activation_io(model, inputs)]


def _layers(model: nn.Module, kind: type | None = None) -> list[nn.Module]:
    from .nn import is_activation

    found = [m for m in model.modules() if (isinstance(m, kind) if kind else is_activation(m))]
    if not found:
        raise ValueError("the model has no " + (f"{kind.__name__} layer" if kind else
                                                 "activation layer (see actlib.names())"))
    return found


def preactivation_gradients(model: nn.Module, inputs: torch.Tensor,
                            targets: torch.Tensor) -> list[np.ndarray]:
    r"""Per activation layer, :math:`\partial \ell_n / \partial z_{l}` for every input and unit.

    :math:`\ell_n` is the cross-entropy of input :math:`n` alone, so each row is that input's
    own backpropagated signal :math:`\delta_l = f'(z_l) \odot W_{l+1}^\top \delta_{l+1}` and
    its size does not depend on the batch size. ``.grad`` of the parameters is left untouched.

    Returns:
        One ``(inputs, units)`` array per activation layer, input side first.
    """
    if targets is None or len(targets) != len(inputs):
        raise ValueError("pass one class target per input")
    layers = _layers(model)
    seen: dict[nn.Module, torch.Tensor] = {}
    hooks = [m.register_forward_hook(lambda m, args, out: seen.__setitem__(m, args[0]))
             for m in layers]
    try:
        with torch.enable_grad(), one_thread():
            loss = nn.functional.cross_entropy(model(inputs), targets, reduction="sum")
            grads = torch.autograd.grad(loss, [seen[m] for m in layers])
    finally:
        for hook in hooks:
            hook.remove()
    return [g.reshape(-1, g.shape[-1]).numpy().copy() for g in grads]


def weight_gradients(model: nn.Module, inputs: torch.Tensor,
                     targets: torch.Tensor) -> list[np.ndarray]:
    r"""Per ``nn.Linear`` layer, the entries of :math:`\partial L / \partial W_l` as an array.

    :math:`L` is the mean cross-entropy over the batch, the loss a training step descends;
    the Frobenius norm of each array is :func:`actlib.diagnostics.gradient_norms`.

    Returns:
        One ``(out_features, in_features)`` array per linear layer, input side first.
    """
    weights = [m.weight for m in _layers(model, nn.Linear)]
    with torch.enable_grad(), one_thread():
        loss = nn.functional.cross_entropy(model(inputs), targets)
        grads = torch.autograd.grad(loss, weights)
    return [g.numpy().copy() for g in grads]


def saturation_map(model: nn.Module, inputs: torch.Tensor,
                   threshold: float = 0.05) -> list[np.ndarray]:
    r"""Per activation layer, which unit is saturated on which input: a boolean array.

    Entry :math:`(n, j)` is ``True`` when :math:`f'(z_{nj}) < \text{threshold} \cdot \max_t
    f'(t)`, the course's definition of saturated (:func:`actlib.diagnostics.saturated_fraction`
    is the mean of each map). A column that is ``True`` all the way down is a unit stuck in a
    tail for every input; scattered entries are units that saturate only on some inputs.

    Returns:
        One ``(inputs, units)`` boolean array per activation layer, input side first.
    """
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must be in (0, 1), got {threshold}")
    maps, peaks = [], {}
    with one_thread():
        for layer, z, _ in activation_io(model, inputs):
            if type(layer) not in peaks:  # the same activation has the same peak
                peaks[type(layer)] = peak_derivative(layer)
            derivative = elementwise_derivative(layer, z.reshape(-1, z.shape[-1]))
            maps.append((derivative < threshold * peaks[type(layer)]).numpy())
    return maps


def update_ratios(model: nn.Module, inputs: torch.Tensor | None = None,
                  targets: torch.Tensor | None = None, *, lr: float,
                  norms: list[float] | None = None) -> list[float]:
    r"""Per linear layer, the size of the next gradient-descent step relative to the weights.

    .. math:: \frac{\lVert \Delta W_l \rVert_F}{\lVert W_l \rVert_F}
              = \frac{\eta\, \lVert \partial L / \partial W_l \rVert_F}{\lVert W_l \rVert_F}

    with :math:`L` the mean cross-entropy on ``(inputs, targets)``. For plain gradient descent
    on that batch (``optimizer="sgd"`` in :func:`actlib.train.fit`, full batch) this is exactly
    the update-to-data ratio of the step the model is about to take; Adam takes steps of
    another size. Use it as a ``watch`` measure of :func:`actlib.train.train_and_watch`.
    ``norms``, gradient norms already computed by :func:`actlib.diagnostics.gradient_norms`
    for this model and batch, replaces ``inputs`` and ``targets`` and saves a backward pass.
    """
    if not lr > 0:
        raise ValueError(f"lr must be positive, got {lr}")
    weights = [m.weight.detach() for m in _layers(model, nn.Linear)]
    if norms is None:
        if inputs is None or targets is None:
            raise ValueError("pass inputs and targets, or the gradient norms")
        norms = [float(np.linalg.norm(g)) for g in weight_gradients(model, inputs, targets)]
    if len(norms) != len(weights):
        raise ValueError(f"{len(norms)} gradient norms for {len(weights)} linear layers")
    return [lr * g / w.norm().item() for g, w in zip(norms, weights)]
