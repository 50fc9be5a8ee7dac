r"""Chapter 4, GELU and Swish: measurements that compute and never draw.

- GELU as an expected gate (Hendrycks & Gimpel, 2016): if :math:`m \sim \mathrm{Bernoulli}(\Phi(x))`
  then :math:`\mathbb{E}[m\,x] = x\,\Phi(x) = \mathrm{GELU}(x)`; :func:`monte_carlo_gelu`
  averages such gates and :func:`monte_carlo_errors` measures how fast the average converges.
- The two cheap forms of GELU and their largest errors: :func:`max_error`.
- The β for which :math:`x\,\sigma(\beta x)` is closest to an exact function: :func:`best_beta`.
- The negative bump of Swish, SiLU and GELU: :func:`minimum`.
- Where float32 arithmetic rounds an output or a gradient to zero: :func:`float32_zeros`.
- Chapter 3's dying setup with smooth activations: :func:`train_and_count`, which also counts
  units that get no gradient at all (:func:`actlib.diagnostics.frozen_fraction`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import torch
from scipy import optimize, special

from .. import data
from ..diagnostics import dead_fraction, frozen_fraction, off_fraction
from ..functions import gelu, normal_cdf
from ..nn import deep_mlp, shift_biases
from ..train import Run, accuracy, train_and_watch

__all__ = ["SIGMOID_GELU_SCALE", "best_beta", "float32_zeros", "gate_samples", "loglog_slope",
           "max_error", "minimum", "monte_carlo_errors", "monte_carlo_gelu", "sigmoid_gelu",
           "train_and_count"]

SIGMOID_GELU_SCALE = 1.702  # x·σ(1.702x) ≈ GELU(x) (Hendrycks & Gimpel, 2016, section 2)


def sigmoid_gelu(x: np.ndarray) -> np.ndarray:
    r""":math:`x\,\sigma(1.702x)`, the sigmoid approximation of GELU ("QuickGELU")."""
    return x * special.expit(SIGMOID_GELU_SCALE * x)


def gate_samples(x: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    r"""``n`` draws of the stochastic gate :math:`m\,x`, :math:`m \sim \mathrm{Bernoulli}(\Phi(x))`.

    Args:
        x: inputs, shape ``(k,)``.
        n: draws per input.
        rng: the source of randomness.

    Shape:
        ``(n, k)``: row ``i`` holds the ``i``-th draw for every input.
    """
    x = np.asarray(x, dtype=float)
    keep = rng.random((n, x.size)) < normal_cdf(x)  # 1 with probability Φ(x)
    return keep * x


def monte_carlo_gelu(x: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    r"""The mean of ``n`` stochastic gates per input: an unbiased estimate of :math:`x\,\Phi(x)`.

    Its standard error is :math:`|x|\sqrt{\Phi(x)(1 - \Phi(x))/n}`, so it shrinks like
    :math:`n^{-1/2}`.

    Example:
        >>> monte_carlo_gelu(np.array([0.0, 1.0]), 100_000).round(2)
        array([0.  , 0.84])
    """
    rng = np.random.default_rng(seed)
    return gate_samples(x, n, rng).mean(axis=0)


def monte_carlo_errors(sizes: Sequence[int], x: np.ndarray, seed: int = 0) -> np.ndarray:
    r"""Root-mean-square error over ``x`` of :func:`monte_carlo_gelu` for each sample size.

    Each size gets its own independent draws, from one generator seeded with ``seed``.

    Returns:
        Shape ``(len(sizes),)``: :math:`\sqrt{\operatorname{mean}_x (\hat g_n(x) - x\Phi(x))^2}`.
    """
    rng = np.random.default_rng(seed)
    x = np.asarray(x, dtype=float)
    exact = gelu(x)
    return np.array([np.sqrt(np.mean((gate_samples(x, n, rng).mean(axis=0) - exact) ** 2))
                     for n in sizes])


def loglog_slope(sizes: Sequence[float], errors: Sequence[float]) -> float:
    r"""The least-squares slope :math:`p` of :math:`\log e = p \log n + c`; -1/2 for Monte Carlo."""
    slope, _ = np.polyfit(np.log(sizes), np.log(errors), 1)
    return float(slope)


def max_error(approx: Callable[[np.ndarray], np.ndarray],
              exact: Callable[[np.ndarray], np.ndarray] = gelu, *, lim: float = 10.0,
              n: int = 200_001) -> tuple[float, float]:
    r"""The largest :math:`|a(x) - f(x)|` over :math:`[-\text{lim}, \text{lim}]`, and where.

    A grid search in float64, refined by a bounded scalar search around the best grid point.
    Both GELU approximations satisfy :math:`a(x) - a(-x) = x`, like GELU itself, so their error
    is even: the maximum is reached at :math:`\pm x^*`; this returns the negative one.

    Returns:
        ``(error, x_star)``.
    """
    x = np.linspace(-lim, lim, n)
    i = int(np.argmax(np.abs(approx(x) - exact(x))))
    step = x[1] - x[0]

    def negative_error(t: float) -> float:
        t = np.array([t])
        return -float(np.abs(approx(t) - exact(t))[0])

    best = optimize.minimize_scalar(negative_error, bounds=(x[i] - step, x[i] + step),
                                    method="bounded", options={"xatol": 1e-10})
    return -float(best.fun), float(best.x)


def best_beta(gate: bool = False, exact: Callable[[np.ndarray], np.ndarray] = gelu,
              bounds: tuple[float, float] = (1.0, 3.0)) -> tuple[float, float]:
    r"""The :math:`\beta` that minimises the largest error of a sigmoid fit, and that error.

    With ``gate=False`` the fit is :math:`x\,\sigma(\beta x)` against ``exact`` (GELU by
    default); with ``gate=True`` it is the gate alone, :math:`\sigma(\beta x)` against
    :math:`\Phi(x)` (``exact`` is then ignored). The largest error is :func:`max_error`'s,
    minimised over ``bounds`` by a bounded scalar search.

    Returns:
        ``(beta, error)``.
    """
    if gate:
        exact = normal_cdf

    def worst(beta: float) -> float:  # a coarser grid: max_error refines the best point
        if gate:
            return max_error(lambda x: special.expit(beta * x), exact, n=20_001)[0]
        return max_error(lambda x: x * special.expit(beta * x), exact, n=20_001)[0]

    best = optimize.minimize_scalar(worst, bounds=bounds, method="bounded",
                                    options={"xatol": 1e-6})
    return float(best.x), float(best.fun)


def minimum(f: Callable[[np.ndarray], np.ndarray], bounds: tuple[float, float] = (-5.0, 0.0)
            ) -> tuple[float, float]:
    r"""Where ``f`` is smallest on ``bounds``, and its value there: ``(x_min, f(x_min))``.

    For SiLU the minimum solves :math:`\mathrm{SiLU}'(x) = \sigma(x)(1 + x(1 - \sigma(x))) = 0`,
    :math:`x \approx -1.2785`; for GELU it solves :math:`\Phi(x) + x\varphi(x) = 0`,
    :math:`x \approx -0.7518`. Since :math:`x\,\sigma(\beta x) = \mathrm{SiLU}(\beta x)/\beta`,
    Swish-β has its minimum at the SiLU point divided by β, with the value divided by β.
    """

    def scalar(t: float) -> float:
        return float(f(np.array([t]))[0])

    best = optimize.minimize_scalar(scalar, bounds=bounds, method="bounded",
                                    options={"xatol": 1e-10})
    return float(best.x), float(best.fun)


def float32_zeros(module: torch.nn.Module, lo: float = -120.0, step: float = 1e-4, *,
                  gradient: bool = False) -> tuple[float, float]:
    r"""Where ``module`` returns exactly zero for negative float32 inputs, on a fine grid.

    Mathematically :math:`z\,\Phi(z)` and :math:`z\,\sigma(z)` are never zero for
    :math:`z < 0`; in float32 the gate :math:`\Phi(z)` or :math:`\sigma(z)` eventually rounds
    to zero. Near the edge the rounding need not be monotonic, so two numbers describe it.
    With ``gradient=True`` the same is measured for the derivative that autograd computes,
    :math:`\partial a / \partial z`, which can reach zero further out than the output.

    Returns:
        ``(always, sometimes)``: the output is zero at every grid point :math:`z \le`
        ``always``, and ``sometimes`` is the largest grid point where it is zero. Both are
        ``-inf`` if the output is never zero on ``[lo, 0)``.
    """
    z = torch.arange(lo, 0.0, step, dtype=torch.float64).float()  # (n,) float32
    if gradient:
        z.requires_grad_(True)
        module(z).sum().backward()  # each output depends on its own input only
        zero = (z.grad == 0).numpy()
        z = z.detach()
    else:
        with torch.no_grad():
            zero = (module(z) == 0).numpy()
    if not zero.any():
        return float("-inf"), float("-inf")
    first_nonzero = int(np.argmin(zero)) if not zero.all() else zero.size
    always = float(z[first_nonzero - 1]) if first_nonzero > 0 else float("-inf")
    sometimes = float(z[np.flatnonzero(zero)[-1]])
    return always, sometimes


def train_and_count(activation: str, *, lr: float, shift: float = 0.0, seed: int = 0,
                    eps: float = 1e-2, steps: int = 60, keep_model: bool = False) -> Run:
    r"""Chapter 3's dying setup with any activation, counting dead units once, at the end.

    The network and training are those of :func:`actlib.experiments.dying.train_shifted`: four
    hidden layers of 64 units (:func:`~actlib.nn.deep_mlp` with seed ``seed``, so every
    activation starts from the same weights), hidden biases lowered by ``shift``, full-batch
    Adam on the training digits for ``steps`` steps, on one thread. After training, per hidden
    layer and on the training images, the run measures the fraction of units that are
    ``dead`` (output exactly 0 for every image), ``nearly_dead`` (within ``eps`` of 0), ``off``
    (pre-activation :math:`\le 0`) and ``frozen`` (local gradient exactly 0,
    :func:`actlib.diagnostics.frozen_fraction`), and the ``test_accuracy``.

    Args:
        activation: a registered name, e.g. ``"relu"``, ``"gelu"`` or ``"silu"``.
        lr: the learning rate (chapter 3: 0.01 is safe, 0.05 kills ReLU units).
        shift: how far to lower the hidden biases before training.
        seed: seeds the weights and the split of the data.
        eps: the tolerance of "nearly dead": :math:`|a| \le \varepsilon` for every input.
        steps: training steps.
        keep_model: keep the trained network in the run's ``model`` (``None`` otherwise).
            The untrained one is ``shift_biases(deep_mlp(activation, 4, seed, width=64),
            shift)`` again.

    Returns:
        A :class:`~actlib.train.Run`.
    """
    X, y, X_test, y_test = data.digits(seed=seed)
    inputs = torch.as_tensor(X)
    model = shift_biases(deep_mlp(activation, 4, seed, width=64), shift)
    return train_and_watch(
        model, X, y, name=activation, seed=seed, steps=steps, lr=lr, keep_model=keep_model,
        after={"dead": lambda m: dead_fraction(m, inputs),
               "nearly_dead": lambda m: dead_fraction(m, inputs, eps=eps),
               "off": lambda m: off_fraction(m, inputs),
               "frozen": lambda m: frozen_fraction(m, inputs),
               "test_accuracy": lambda m: accuracy(m, X_test, y_test)})
