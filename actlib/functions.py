"""Activation functions and their exact derivatives, in NumPy.

Each function takes a floating-point array and returns one of the same shape and dtype.
They are written to be stable on [-1e4, 1e4] in float32 and float64: no ``exp`` of a
large positive number is ever formed, so no overflow warning is raised, and NaN passes
through both the function and its derivative. Each derivative sits right under its
function. Conventions follow PyTorch: ReLU'(0) = 0, leaky slope 0.01, ELU alpha = 1.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

__all__ = ["SQRT_2_OVER_PI", "GELU_TANH_CUBIC", "identity", "identity_grad", "sigmoid",
           "sigmoid_grad", "tanh", "tanh_grad", "relu", "relu_grad", "leaky_relu",
           "leaky_relu_grad", "elu", "elu_grad", "normal_cdf", "normal_pdf", "gelu", "gelu_grad",
           "gelu_tanh", "gelu_tanh_grad", "swish", "swish_grad", "silu", "silu_grad", "softplus",
           "softplus_grad", "mish", "mish_grad"]

# Python floats, not NumPy scalars, so that float32 arrays stay float32 (NEP 50).
SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
GELU_TANH_CUBIC = 0.044715  # Hendrycks & Gimpel (2016), the tanh approximation


def _nan_aware(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``y`` where ``x`` is a number, NaN where ``x`` is NaN (for piecewise constants)."""
    return np.where(np.isnan(x), x, y).astype(x.dtype, copy=False)


def _step(x: np.ndarray) -> np.ndarray:
    """Heaviside step with step(0) = 0, the derivative PyTorch uses for ReLU."""
    return np.heaviside(x, 0).astype(x.dtype, copy=False)


def identity(x: np.ndarray) -> np.ndarray:
    r""":math:`f(x) = x`."""
    return x.copy()


def identity_grad(x: np.ndarray) -> np.ndarray:
    r""":math:`f'(x) = 1`."""
    return _nan_aware(x, np.ones_like(x))


def sigmoid(x: np.ndarray) -> np.ndarray:
    r""":math:`\sigma(x) = 1 / (1 + e^{-x})`, from :math:`e^{-|x|}` so that it never overflows."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


def sigmoid_grad(x: np.ndarray) -> np.ndarray:
    r""":math:`\sigma'(x) = \sigma(x)(1 - \sigma(x))`, at most 1/4."""
    s = sigmoid(x)
    return s * (1 - s)


def tanh(x: np.ndarray) -> np.ndarray:
    r""":math:`\tanh(x) = 2\sigma(2x) - 1`."""
    return np.tanh(x)


def tanh_grad(x: np.ndarray) -> np.ndarray:
    r""":math:`\tanh'(x) = 1 - \tanh^2(x)`, at most 1."""
    return 1 - np.tanh(x) ** 2


def relu(x: np.ndarray) -> np.ndarray:
    r""":math:`\mathrm{ReLU}(x) = \max(0, x)`."""
    return np.maximum(x, 0).astype(x.dtype, copy=False)


def relu_grad(x: np.ndarray) -> np.ndarray:
    r""":math:`\mathrm{ReLU}'(x) = 1` if :math:`x > 0`, else 0; the convention ReLU'(0) = 0."""
    return _step(x)


def leaky_relu(x: np.ndarray, slope: float = 0.01) -> np.ndarray:
    r""":math:`\mathrm{LeakyReLU}(x) = x` if :math:`x > 0`, else :math:`\text{slope}\cdot x`."""
    return np.where(x > 0, x, slope * x).astype(x.dtype, copy=False)


def leaky_relu_grad(x: np.ndarray, slope: float = 0.01) -> np.ndarray:
    r"""The derivative: 1 if :math:`x > 0`, else ``slope``."""
    return (slope + (1 - slope) * _step(x)).astype(x.dtype, copy=False)


def elu(x: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    r""":math:`\mathrm{ELU}(x) = x` if :math:`x > 0`, else :math:`\alpha(e^x - 1)`.

    The exponent is clipped at 0, so a large positive x never reaches ``exp``.
    """
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))).astype(x.dtype, copy=False)


def elu_grad(x: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    r"""The derivative: 1 if :math:`x > 0`, else :math:`\alpha e^x`."""
    return np.where(x > 0, 1, alpha * np.exp(np.minimum(x, 0))).astype(x.dtype, copy=False)


def normal_cdf(x: np.ndarray) -> np.ndarray:
    r""":math:`\Phi(x)`, the standard normal CDF, accurate in both tails."""
    return special.ndtr(x).astype(x.dtype, copy=False)


def normal_pdf(x: np.ndarray) -> np.ndarray:
    r""":math:`\varphi(x) = e^{-x^2/2} / \sqrt{2\pi}`, the standard normal density."""
    return np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


def gelu(x: np.ndarray) -> np.ndarray:
    r""":math:`\mathrm{GELU}(x) = x\,\Phi(x)`, the exact form with the normal CDF."""
    return x * normal_cdf(x)


def gelu_grad(x: np.ndarray) -> np.ndarray:
    r""":math:`\mathrm{GELU}'(x) = \Phi(x) + x\,\varphi(x)`."""
    return normal_cdf(x) + x * normal_pdf(x)


def gelu_tanh(x: np.ndarray) -> np.ndarray:
    r""":math:`\tfrac12 x\bigl(1 + \tanh[\sqrt{2/\pi}\,(x + 0.044715x^3)]\bigr)`."""
    return 0.5 * x * (1 + np.tanh(SQRT_2_OVER_PI * (x + GELU_TANH_CUBIC * x**3)))


def gelu_tanh_grad(x: np.ndarray) -> np.ndarray:
    r"""The derivative of the tanh form of GELU.

    With :math:`u = \sqrt{2/\pi}(x + 0.044715x^3)`:
    :math:`\tfrac12(1 + \tanh u) + \tfrac12 x(1 - \tanh^2 u)\,u'`.
    """
    t = np.tanh(SQRT_2_OVER_PI * (x + GELU_TANH_CUBIC * x**3))
    du = SQRT_2_OVER_PI * (1 + 3 * GELU_TANH_CUBIC * x**2)
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du


def swish(x: np.ndarray, beta: float = 1.0) -> np.ndarray:
    r""":math:`\mathrm{Swish}(x) = x\,\sigma(\beta x)`.

    β = 1 is SiLU, β = 0 is x/2, and as β → ∞ it tends to ReLU.
    """
    return x * sigmoid(np.asarray(beta * x, dtype=x.dtype))


def swish_grad(x: np.ndarray, beta: float = 1.0) -> np.ndarray:
    r"""The derivative of Swish.

    :math:`\mathrm{Swish}'(x) = \sigma(\beta x) + \beta x\,\sigma(\beta x)(1 - \sigma(\beta x))`.
    """
    s = sigmoid(np.asarray(beta * x, dtype=x.dtype))
    return s + beta * x * s * (1 - s)


def silu(x: np.ndarray) -> np.ndarray:
    r""":math:`\mathrm{SiLU}(x) = x\,\sigma(x)`."""
    return x * sigmoid(x)


def silu_grad(x: np.ndarray) -> np.ndarray:
    r""":math:`\mathrm{SiLU}'(x) = \sigma(x)\bigl(1 + x(1 - \sigma(x))\bigr)`."""
    s = sigmoid(x)
    return s * (1 + x * (1 - s))


def softplus(x: np.ndarray) -> np.ndarray:
    r""":math:`\mathrm{softplus}(x) = \log(1 + e^x) = \max(x, 0) + \log(1 + e^{-|x|})`."""
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def softplus_grad(x: np.ndarray) -> np.ndarray:
    r""":math:`\mathrm{softplus}'(x) = \sigma(x)`."""
    return sigmoid(x)


def mish(x: np.ndarray) -> np.ndarray:
    r""":math:`\mathrm{Mish}(x) = x\tanh(\mathrm{softplus}(x))`."""
    return x * np.tanh(softplus(x))


def mish_grad(x: np.ndarray) -> np.ndarray:
    r"""The derivative of Mish.

    With :math:`t = \tanh(\mathrm{softplus}(x))`:
    :math:`\mathrm{Mish}'(x) = t + x(1 - t^2)\,\sigma(x)`.
    """
    t = np.tanh(softplus(x))
    return t + x * (1 - t * t) * sigmoid(x)
