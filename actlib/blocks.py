r"""Normalisation layers and residual connections for the chapters' deep networks.

A hidden layer of :func:`actlib.nn.deep_mlp` computes :math:`h_l = f(W_l h_{l-1} + b_l)`.
Two additions change how a signal and its gradient cross many such layers:

- a **normalisation layer** between the linear map and the activation standardises each
  pre-activation, :math:`h_l = f(\mathrm{norm}(W_l h_{l-1} + b_l))`: BatchNorm over the images
  of a batch, unit by unit (Ioffe & Szegedy, 2015); LayerNorm over the units of a layer,
  image by image (Ba et al., 2016);
- a **residual connection** adds the layer's input to its output,
  :math:`h_l = h_{l-1} + f(W_l h_{l-1} + b_l)`, so the layer's Jacobian is the identity plus
  the plain layer's Jacobian (He et al., 2016).
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["NORMS", "Residual", "norm_layer", "add_norm_and_residual"]

#: The normalisation layers :func:`norm_layer` builds, by name.
NORMS = {"batch": nn.BatchNorm1d, "layer": nn.LayerNorm}


class Residual(nn.Module):
    r"""A residual connection around ``branch``: :math:`x \mapsto x + \mathrm{branch}(x)`.

    The branch must return a tensor of the shape it receives. Backpropagation through the
    block multiplies the gradient by :math:`I + \partial\,\mathrm{branch} / \partial x`, so
    a branch whose Jacobian is small still passes the gradient on unchanged (He et al., 2016).

    Example:
        >>> block = Residual(nn.Linear(3, 3))
        >>> with torch.no_grad():
        ...     _ = block.branch.weight.zero_(), block.branch.bias.zero_()
        ...     block(torch.ones(2, 3))  # a branch that outputs 0 leaves x as it is
        tensor([[1., 1., 1.],
                [1., 1., 1.]])
    """

    def __init__(self, branch: nn.Module):
        super().__init__()
        self.branch = branch

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.branch(x)
        if out.shape != x.shape:
            raise ValueError(f"a residual branch must keep the shape: got {tuple(x.shape)} in,"
                             f" {tuple(out.shape)} out")
        return x + out


def norm_layer(kind: str, width: int) -> nn.Module:
    r"""A fresh normalisation layer for ``width`` units: ``"batch"`` or ``"layer"``.

    Both compute :math:`\gamma \odot (z - \mu) / \sqrt{s^2 + \epsilon} + \beta`, starting from
    :math:`\gamma = 1, \beta = 0`. BatchNorm takes the mean :math:`\mu` and variance
    :math:`s^2` of each unit over the batch; LayerNorm those of each input over the units.
    """
    if kind not in NORMS:
        raise ValueError(f"unknown norm {kind!r}; choose one of: {', '.join(NORMS)}")
    return NORMS[kind](width)


def add_norm_and_residual(model: nn.Sequential, norm: str | None = None,
                          residual: bool = False) -> nn.Sequential:
    """Rebuild an MLP ``Linear, act, ..., Linear`` with normalisation and residual connections.

    Each hidden layer ``Linear, act`` becomes ``Linear, norm, act`` when ``norm`` is given,
    and, when ``residual`` is true and the layer keeps the width (as many outputs as inputs),
    that group is wrapped in :class:`Residual`. The last ``Linear`` stays as it is. The
    modules (and so their weights) are reused, not copied.

    Example:
        >>> from actlib.nn import mlp
        >>> net = add_norm_and_residual(mlp([4, 8, 8, 2], "tanh"), "layer", residual=True)
        >>> [type(m).__name__ for m in net]
        ['Sequential', 'Residual', 'Linear']
    """
    if norm is not None and norm not in NORMS:
        raise ValueError(f"unknown norm {norm!r}; choose one of: {', '.join(NORMS)}")
    layers = list(model)
    if len(layers) % 2 == 0 or not all(isinstance(m, nn.Linear) for m in layers[::2]):
        raise ValueError("expected an MLP of the form Linear, activation, ..., Linear")
    rebuilt: list[nn.Module] = []
    for linear, act in zip(layers[:-1:2], layers[1::2]):
        width = linear.out_features
        group = nn.Sequential(linear, *([norm_layer(norm, width)] if norm else []), act)
        keeps_width = linear.in_features == width
        rebuilt.append(Residual(group) if residual and keeps_width else group)
    return nn.Sequential(*rebuilt, layers[-1])
