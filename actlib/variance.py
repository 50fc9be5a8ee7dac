r"""The variance argument behind the initialisation rules of Xavier and He.

A unit computes :math:`z = \sum_{j=1}^{n} w_j h_j + b` from the :math:`n` outputs of the layer
below. With weights drawn independently, with mean zero and independently of the inputs,

.. math:: \operatorname{Var}(z) = n \operatorname{Var}(w)\, \mathbb{E}[h^2] + \operatorname{Var}(b),

and backward each :math:`\delta = f'(z) \odot W^\top \delta'` gains the factor
:math:`n \operatorname{Var}(w)\, \mathbb{E}[f'(z)^2]` (Glorot & Bengio, 2010; He et al., 2015).
:func:`init_variances` gives what each of :data:`actlib.nn.INITS` draws;
:func:`propagate_variances` follows both variances through a deep network.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

from .nn import INITS

__all__ = ["init_variances", "gaussian_mean", "propagate_variances"]


def init_variances(init: str, n_in: int, n_out: int) -> tuple[float, float]:
    r"""The variances :math:`(\operatorname{Var}(w), \operatorname{Var}(b))` that
    :func:`actlib.nn.init_linear` draws for a layer with ``n_in`` inputs and ``n_out`` outputs.

    ``"default"``: uniform on :math:`\pm 1/\sqrt{n_{in}}`, variance :math:`1/(3 n_{in})` for
    weights and biases; ``"xavier"``: :math:`2/(n_{in} + n_{out})`; ``"he"``: :math:`2/n_{in}`;
    both with zero biases.

    >>> init_variances("he", 50, 10)
    (0.04, 0.0)
    """
    if init not in INITS:
        raise ValueError(f"unknown init {init!r}; choose one of: {', '.join(INITS)}")
    if init == "default":
        return 1 / (3 * n_in), 1 / (3 * n_in)
    return (2 / (n_in + n_out) if init == "xavier" else 2 / n_in), 0.0


@functools.cache
def _hermite_nodes(nodes: int) -> tuple[np.ndarray, np.ndarray]:
    x, w = np.polynomial.hermite_e.hermegauss(nodes)  # weight exp(-x²/2)
    return x, w / np.sqrt(2 * np.pi)


def gaussian_mean(f, variance: float, nodes: int = 80) -> float:
    """E[f(z)] for z ~ N(0, variance), by Gauss-Hermite quadrature.

    An even number of nodes puts none at 0 and half the weight on each side, so that the
    step ReLU′ gets exactly ½.
    """
    x, w = _hermite_nodes(nodes)
    return float(np.sum(w * f(np.sqrt(variance) * x)))


def propagate_variances(f: Callable, df: Callable, depth: int, *, width: int, weight_var: float,
                        bias_var: float = 0.0, input_var: float = 1.0
                        ) -> tuple[np.ndarray, np.ndarray]:
    r"""The forward and backward variances of ``depth`` layers of width ``width``, predicted.

    Taking each :math:`z_l` Gaussian (a sum of many small terms), with
    :math:`s = n \operatorname{Var}(w)`:

    .. math::
        v_1 = s\,\text{input\_var} + \operatorname{Var}(b), \quad
        v_{l+1} = s\, \mathbb{E}\bigl[f(\sqrt{v_l}\,\xi)^2\bigr] + \operatorname{Var}(b), \quad
        u_l = s\, \mathbb{E}\bigl[f'(\sqrt{v_l}\,\xi)^2\bigr]\, u_{l+1}, \quad u_{L+1} = 1,

    with :math:`\xi \sim N(0, 1)` and the averages from :func:`gaussian_mean`.

    >>> forward, backward = propagate_variances(lambda z: z, lambda z: 1 + 0 * z, 3, width=4,
    ...                                         weight_var=0.25)
    >>> np.round(forward, 12).tolist(), np.round(backward, 12).tolist()
    ([1.0, 1.0, 1.0], [1.0, 1.0, 1.0])

    Returns:
        ``(forward, backward)``: ``depth`` variances each, input side first.
    """
    scale = width * weight_var
    forward = [scale * input_var + bias_var]
    for _ in range(depth - 1):
        forward.append(scale * gaussian_mean(lambda z: f(z) ** 2, forward[-1]) + bias_var)
    backward = [1.0]
    for v in reversed(forward):
        backward.append(scale * gaussian_mean(lambda z: df(z) ** 2, v) * backward[-1])
    return np.array(forward), np.array(backward[:0:-1])
