"""The registry: activation names mapped to factories of :class:`Activation` objects.

>>> import numpy as np
>>> import actlib
>>> act = actlib.get("swish", beta=2.0)
>>> y = act(np.array([0.0, 1.0], dtype=np.float32))  # NumPy in, NumPy out
>>> y.dtype, round(float(y[1]), 4)  # float32 stays float32
(dtype('float32'), 0.8808)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import torch
from torch import nn

from . import functions as F

__all__ = ["Activation", "register", "names", "get", "Swish"]


@dataclass(frozen=True)
class Activation:
    """One activation function with its parameters bound.

    Call it on a floating-point NumPy array; ``derivative`` gives the exact derivative and
    ``module()`` a new ``torch.nn.Module`` computing the same function.

    Attributes:
        name: the registered name, e.g. ``"gelu"``.
        label: how the course writes the name in text, tables and legends, e.g. ``"GELU"``.
        formula: the function in LaTeX, for plots and tables.
        params: the parameters and their values, e.g. ``{"beta": 2.0}``.
        year: the year of the paper in ``reference``, or ``None``.
        reference: the key of that paper in the course's ``references.bib``, or ``None``.
    """

    name: str
    label: str
    formula: str
    params: Mapping[str, float]
    year: int | None
    reference: str | None
    _fn: Callable = field(repr=False)
    _grad: Callable = field(repr=False)
    _module: Callable[..., nn.Module] = field(repr=False)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """f(x), element-wise; the dtype of ``x`` is kept."""
        return self._fn(self._check(x), **self.params)

    def derivative(self, x: np.ndarray) -> np.ndarray:
        """f'(x), element-wise and exact (no finite differences)."""
        return self._grad(self._check(x), **self.params)

    def module(self) -> nn.Module:
        """A new ``torch.nn.Module`` computing f, PyTorch's built-in where there is one."""
        return self._module(**self.params)

    def _check(self, x) -> np.ndarray:
        if isinstance(x, torch.Tensor):
            raise TypeError(
                f"{self.name} takes NumPy arrays; for a tensor use "
                f"actlib.get({self.name!r}).module()(x), or pass x.detach().numpy()"
            )
        array = np.asarray(x)
        if not np.issubdtype(array.dtype, np.floating):
            raise TypeError(
                f"{self.name} expects a floating-point array, got dtype {array.dtype}; "
                "convert it first, e.g. np.asarray(x, dtype=np.float32)"
            )
        return array


@dataclass(frozen=True)
class _Entry:
    fn: Callable
    grad: Callable
    module: Callable[..., nn.Module]
    label: str
    formula: str
    defaults: Mapping[str, float]
    year: int | None
    reference: str | None


_REGISTRY: dict[str, _Entry] = {}


def register(name: str, fn, grad, module, formula: str, *, label=None, defaults=None,
             year=None, reference=None) -> None:
    """Add an activation under ``name``; ``defaults`` lists its parameters and their values.

    ``label`` is how text and figures write it (default: ``name``).
    """
    if name in _REGISTRY:
        raise ValueError(f"an activation named {name!r} is already registered")
    _REGISTRY[name] = _Entry(fn, grad, module, label or name, formula,
                             MappingProxyType(dict(defaults or {})), year, reference)


def names() -> list[str]:
    """The registered activation names, sorted."""
    return sorted(_REGISTRY)


def get(name: str, **params: float) -> Activation:
    """A new :class:`Activation` for ``name``, with ``params`` overriding its defaults.

    Raises:
        ValueError: for an unknown name (the message lists the valid ones), an unknown
            parameter (the message lists the ones it takes) or a non-finite value.
    """
    if name not in _REGISTRY:
        raise ValueError(f"unknown activation {name!r}; choose one of: {', '.join(names())}")
    entry = _REGISTRY[name]
    unknown = sorted(set(params) - set(entry.defaults))
    if unknown:
        takes = ", ".join(f"{k}={v}" for k, v in entry.defaults.items()) or "no parameters"
        raise ValueError(f"{name} got unknown parameter(s) {unknown}; it takes {takes}")
    values = {key: _finite_float(name, key, value) for key, value in params.items()}
    bound = MappingProxyType({**entry.defaults, **values})
    return Activation(name, entry.label, entry.formula, bound, entry.year, entry.reference,
                      entry.fn, entry.grad, entry.module)


def _finite_float(name: str, key: str, value) -> float:
    """``value`` as a float if it is a finite real number (Python or NumPy), else ValueError."""
    problem = ValueError(f"{name}: parameter {key} must be a finite number, got {value!r}")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise problem
    try:
        value = float(value)
    except OverflowError:
        raise problem from None
    if not math.isfinite(value):
        raise problem
    return value


class Swish(nn.Module):
    r"""Swish with a fixed β: :math:`x\,\sigma(\beta x)` (Ramachandran et al., 2017).

    Shape: any; the output has the shape of the input.
    """

    def __init__(self, beta: float = 1.0):
        super().__init__()
        self.beta = beta

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.sigmoid(self.beta * x)

    def extra_repr(self) -> str:
        return f"beta={self.beta}"


register("identity", F.identity, F.identity_grad, nn.Identity, r"x")
register("sigmoid", F.sigmoid, F.sigmoid_grad, nn.Sigmoid, r"\sigma(x) = \frac{1}{1 + e^{-x}}",
         year=1986, reference="rumelhart1986learning")
register("tanh", F.tanh, F.tanh_grad, nn.Tanh, r"\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}",
         year=1998, reference="lecun1998efficient")
register("relu", F.relu, F.relu_grad, nn.ReLU, r"\max(0, x)", label="ReLU",
         year=2010, reference="nair2010rectified")
register("leaky_relu", F.leaky_relu, F.leaky_relu_grad,
         lambda slope: nn.LeakyReLU(negative_slope=slope), r"\max(\alpha x, x)", label="Leaky ReLU",
         defaults={"slope": 0.01}, year=2013, reference="maas2013rectifier")
register("elu", F.elu, F.elu_grad, lambda alpha: nn.ELU(alpha=alpha),
         r"x \text{ if } x > 0 \text{ else } \alpha (e^{x} - 1)", label="ELU",
         defaults={"alpha": 1.0}, year=2016, reference="clevert2016fast")
register("gelu", F.gelu, F.gelu_grad, nn.GELU, r"x\,\Phi(x)", label="GELU",
         year=2016, reference="hendrycks2016gaussian")
register("gelu_tanh", F.gelu_tanh, F.gelu_tanh_grad, lambda: nn.GELU(approximate="tanh"),
         r"\frac{1}{2}x\left(1 + \tanh\left[\sqrt{2/\pi}\,(x + 0.044715\,x^{3})\right]\right)",
         label="GELU (tanh)",
         year=2016, reference="hendrycks2016gaussian")
register("silu", F.silu, F.silu_grad, nn.SiLU, r"x\,\sigma(x)", label="SiLU",
         year=2018, reference="elfwing2018sigmoid")
register("swish", F.swish, F.swish_grad, Swish, r"x\,\sigma(\beta x)", label="Swish",
         defaults={"beta": 1.0}, year=2017, reference="ramachandran2017searching")
register("softplus", F.softplus, F.softplus_grad, nn.Softplus, r"\log(1 + e^{x})",
         year=2001, reference="dugas2001incorporating")
register("mish", F.mish, F.mish_grad, nn.Mish, r"x\,\tanh(\operatorname{softplus}(x))",
         label="Mish",
         year=2019, reference="misra2019mish")
