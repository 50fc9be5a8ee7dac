"""Torch building blocks: the Transformer feed-forward layers, dense and gated, and small MLPs.

Names follow Hugging Face's ``LlamaMLP`` (``gate_proj``, ``up_proj``, ``down_proj``); in
Shazeer (2020) the same matrices are W, V and W2.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

import torch
from torch import nn

from .blocks import add_norm_and_residual
from .registry import get, names

__all__ = ["GLU_VARIANTS", "FeedForward", "GatedFeedForward", "glu_hidden_size", "mlp", "INITS",
           "XAVIER_ACTIVATIONS", "default_init", "deep_mlp", "init_linear", "shift_biases",
           "is_activation"]

#: The activation applied to the gate in each GLU variant of Shazeer (2020), Table 1.
GLU_VARIANTS = {
    "glu": "sigmoid",
    "bilinear": "identity",
    "reglu": "relu",
    "geglu": "gelu",
    "swiglu": "silu",
}


def _check_sizes(**sizes: int) -> None:
    for key, value in sizes.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{key} must be a positive integer, got {value!r}")


def _check_last_dim(x: torch.Tensor, d_model: int) -> None:
    if x.ndim == 0 or x.shape[-1] != d_model:
        raise ValueError(f"expected input of shape (..., {d_model}), got {tuple(x.shape)}")


class FeedForward(nn.Module):
    r"""The Transformer's position-wise feed-forward layer (Vaswani et al., 2017).

    .. math:: \mathrm{FFN}(x) = \mathrm{act}(x W_1) W_2

    Args:
        d_model: width of the input and output.
        d_ff: width of the hidden layer.
        activation: a registered activation name.
        bias: whether the two projections have biases (Shazeer 2020 and LLaMA use none).

    Shape: ``(..., d_model)`` in and out.

    Example:
        >>> ffn = FeedForward(768, 3072, "gelu")
        >>> ffn(torch.zeros(2, 5, 768)).shape
        torch.Size([2, 5, 768])
    """

    def __init__(self, d_model: int, d_ff: int, activation: str = "relu", bias: bool = False):
        super().__init__()
        _check_sizes(d_model=d_model, d_ff=d_ff)
        self.d_model = d_model
        self.up_proj = nn.Linear(d_model, d_ff, bias=bias)
        self.act_fn = get(activation).module()
        self.down_proj = nn.Linear(d_ff, d_model, bias=bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_last_dim(x, self.d_model)
        return self.down_proj(self.act_fn(self.up_proj(x)))  # (..., d_ff) inside


class GatedFeedForward(nn.Module):
    r"""A gated linear unit feed-forward layer (Dauphin et al., 2017; Shazeer, 2020).

    .. math:: \mathrm{FFN}_{\mathrm{GLU}}(x) = (\mathrm{act}(x W) \otimes x V)\, W_2

    With ``activation="silu"`` this is SwiGLU as LLaMA computes it; see :data:`GLU_VARIANTS`
    for the others. Three matrices instead of two: keep parameters equal to a
    :class:`FeedForward` of width ``d_ff`` by using a hidden width of ``2/3 d_ff``.

    Args:
        d_model: width of the input and output.
        d_ff: width of the hidden (gated) layer.
        activation: a registered activation name, applied to the gate.
        bias: whether the three projections have biases.

    Shape: ``(..., d_model)`` in and out.

    Example:
        >>> swiglu = GatedFeedForward(768, 2048, GLU_VARIANTS["swiglu"])
        >>> swiglu(torch.zeros(3, 768)).shape
        torch.Size([3, 768])
    """

    def __init__(self, d_model: int, d_ff: int, activation: str = "silu", bias: bool = False):
        super().__init__()
        _check_sizes(d_model=d_model, d_ff=d_ff)
        self.d_model = d_model
        self.gate_proj = nn.Linear(d_model, d_ff, bias=bias)
        self.up_proj = nn.Linear(d_model, d_ff, bias=bias)
        self.act_fn = get(activation).module()
        self.down_proj = nn.Linear(d_ff, d_model, bias=bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_last_dim(x, self.d_model)
        return self.down_proj(self.act_fn(self.gate_proj(x)) * self.up_proj(x))


def glu_hidden_size(d_model: int, multiple_of: int = 256,
                    ffn_dim_multiplier: float | None = None) -> int:
    """LLaMA's hidden width for a SwiGLU layer (Touvron et al., 2023).

    Start from the dense width 4·d_model, take 2/3 of it so that three matrices hold as many
    parameters as two, optionally scale by ``ffn_dim_multiplier``, then round up to a
    multiple of ``multiple_of``.

    Example:
        >>> glu_hidden_size(4096)      # LLaMA 7B
        11008
    """
    _check_sizes(d_model=d_model, multiple_of=multiple_of)
    hidden = int(2 * (4 * d_model) / 3)
    if ffn_dim_multiplier is not None:
        if not ffn_dim_multiplier > 0:
            raise ValueError(f"ffn_dim_multiplier must be positive, got {ffn_dim_multiplier!r}")
        hidden = int(ffn_dim_multiplier * hidden)
    return multiple_of * -(-hidden // multiple_of)  # ceiling division


def mlp(sizes: Sequence[int], activation: str = "relu", *, bias: bool = True,
        seed: int | None = None, init: str = "default", **params: float) -> nn.Sequential:
    """A multilayer perceptron: Linear, activation, ..., Linear (no activation at the end).

    Args:
        sizes: layer widths from input to output, e.g. ``[2, 64, 64, 1]``.
        activation: a registered activation name; ``params`` are passed to it.
        bias: whether the linear layers have biases.
        seed: if given, the weights are drawn from a ``torch.Generator`` seeded with it, so the
            global random state is neither used nor changed; if ``None``, from the global state.
        init: ``"default"`` (PyTorch's), ``"xavier"`` or ``"he"``; see :func:`init_linear`.

    Example:
        >>> mlp([2, 16, 1], "tanh", seed=0)
        Sequential(
          (0): Linear(in_features=2, out_features=16, bias=True)
          (1): Tanh()
          (2): Linear(in_features=16, out_features=1, bias=True)
        )
    """
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(f"sizes needs an input and an output width, got {sizes}")
    _check_sizes(**{f"sizes[{i}]": s for i, s in enumerate(sizes)})
    get(activation, **params)  # fails early, with the list of names, on a bad activation
    if init not in INITS:
        raise ValueError(f"unknown init {init!r}; choose one of: {', '.join(INITS)}")
    if seed is None:
        seed = int(torch.randint(2**62, (1,)).item())  # from the global state, as torch would
    generator = torch.Generator().manual_seed(seed)
    layers: list[nn.Module] = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        if i > 0:
            layers.append(get(activation, **params).module())
        with torch.random.fork_rng(devices=[]):  # the constructor's own draw is undone
            linear = nn.Linear(n_in, n_out, bias=bias)
        layers.append(init_linear(linear, generator, init))
    return nn.Sequential(*layers)


#: The initialisation schemes :func:`init_linear` and :func:`mlp` accept.
INITS = ("default", "xavier", "he")

#: The activations Xavier's rule was derived for (linear near 0); He's rule serves the rest.
XAVIER_ACTIVATIONS = ("identity", "sigmoid", "tanh")


def default_init(activation: str) -> str:
    """The course's initialisation rule: ``"xavier"`` for :data:`XAVIER_ACTIVATIONS`, else ``"he"``.

    Xavier keeps the variance of a layer's output equal to its input's when the activation is
    close to the identity near 0; He doubles it to make up for a rectifier zeroing half its
    inputs, which also suits the smooth rectifiers (GELU, SiLU, ...).

    >>> default_init("tanh"), default_init("gelu")
    ('xavier', 'he')
    """
    return "xavier" if activation in XAVIER_ACTIVATIONS else "he"


def deep_mlp(activation: str, depth: int, seed: int, *, width: int = 64, n_in: int = 64,
             n_out: int = 10, init: str | None = None, gain: float = 1.0, norm: str | None = None,
             residual: bool = False) -> nn.Sequential:
    r"""``mlp([n_in] + [width] * depth + [n_out], activation)``: the chapters' deep networks.

    The defaults fit scikit-learn's digits (64 pixels, 10 classes). ``init=None`` applies
    :func:`default_init`. Every weight matrix is then multiplied by ``gain``,
    :math:`W_l \leftarrow \text{gain} \cdot W_l`: above 1 it pushes pre-activations into the
    tails of σ and tanh. ``activation="prelu"`` puts ``nn.PReLU(width)`` (one learnable slope
    per unit, starting at 0.25; He et al., 2015) where ReLU would be. The weights depend only on
    ``seed`` and the sizes, so networks with different activations start from the same weights
    when they share an initialisation scheme.

    ``norm="batch"`` or ``"layer"`` puts a BatchNorm or LayerNorm between each hidden linear
    layer and its activation; ``residual=True`` makes every hidden layer that keeps the width
    compute :math:`h + f(Wh + b)` (see :func:`actlib.blocks.add_norm_and_residual`). Either
    option groups each hidden layer into a sub-module; the weights stay the same.

    >>> deep_mlp("prelu", depth=2, seed=0, width=8)[1]
    PReLU(num_parameters=8)
    """
    if depth < 1:
        raise ValueError(f"depth must be at least 1, got {depth}")
    if not gain > 0:
        raise ValueError(f"gain must be positive, got {gain}")
    prelu = activation == "prelu"
    model = mlp([n_in] + [width] * depth + [n_out], "relu" if prelu else activation, seed=seed,
                init=default_init(activation) if init is None else init)
    with torch.no_grad():
        for i, layer in enumerate(model):
            if isinstance(layer, nn.Linear):
                layer.weight.mul_(gain)
            elif prelu:
                model[i] = nn.PReLU(width)
    if norm is None and not residual:
        return model
    return add_norm_and_residual(model, norm, residual)


def shift_biases(model: nn.Module, shift: float) -> nn.Module:
    """Subtract ``shift`` from the bias of every linear layer that feeds an activation."""
    layers = list(model.children())
    with torch.no_grad():
        for layer, following in zip(layers[:-1], layers[1:]):
            if isinstance(layer, nn.Linear) and is_activation(following):
                layer.bias -= shift
    return model


def init_linear(linear: nn.Linear, generator: torch.Generator,
                scheme: str = "default") -> nn.Linear:
    r"""PyTorch's default initialisation of ``nn.Linear``, drawn from ``generator``.

    Weights and biases are uniform on :math:`[-1/\sqrt{n_{in}}, 1/\sqrt{n_{in}}]`, which is
    what ``nn.Linear.reset_parameters`` draws (Kaiming-uniform with ``a = √5``).

    The other schemes set the weights' variance from the layer's widths and the biases to 0:

    - ``"xavier"`` (Glorot & Bengio, 2010): uniform with variance :math:`2 / (n_{in} + n_{out})`,
      which keeps signals steady through tanh and sigmoid layers near the origin;
    - ``"he"`` (He et al., 2015): normal with variance :math:`2 / n_{in}`, which makes up for
      ReLU setting half of its inputs to zero.
    """
    if scheme not in INITS:
        raise ValueError(f"unknown init {scheme!r}; choose one of: {', '.join(INITS)}")
    n_in, n_out = linear.in_features, linear.out_features
    with torch.no_grad():
        if scheme == "default":
            bound = 1 / math.sqrt(n_in)
            linear.weight.uniform_(-bound, bound, generator=generator)
        elif scheme == "xavier":
            bound = math.sqrt(6 / (n_in + n_out))
            linear.weight.uniform_(-bound, bound, generator=generator)
        else:
            linear.weight.normal_(0.0, math.sqrt(2 / n_in), generator=generator)
        if linear.bias is not None:
            if scheme == "default":
                linear.bias.uniform_(-bound, bound, generator=generator)
            else:
                linear.bias.zero_()
    return linear


def is_activation(module: nn.Module) -> bool:
    """Whether ``module`` is an activation layer: of a type that some registered activation's
    ``module()`` returns, or ``nn.PReLU`` (whose slope is learned, so it is not registered).

    ``identity`` is registered, so every ``nn.Identity`` in a model counts as an activation.
    """
    return isinstance(module, (*_activation_types(), nn.PReLU))


def _activation_types() -> tuple[type, ...]:
    return _module_types(tuple(names()))


@functools.cache
def _module_types(registered: tuple[str, ...]) -> tuple[type, ...]:
    """The module types of the registered activations (cached per set of names)."""
    return tuple({type(get(name).module()) for name in registered})
