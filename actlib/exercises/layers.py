"""The checks of chapters 1 and 2: affine layers, σ′, He's initialisation, a residual block."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch
from torch import nn

from ..nn import mlp

__all__ = ["Layer", "apply_layers", "check_collapse", "check_hinge_knots",
           "check_sigmoid_derivative", "check_tanh_saturated",
           "check_he_init", "check_residual"]

Layer = tuple[np.ndarray, np.ndarray]  # (W, b) computing x -> W @ x + b


def _random_layers(widths: list[int], seed: int) -> list[Layer]:
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal((n_out, n_in)), rng.standard_normal(n_out))
            for n_in, n_out in zip(widths[:-1], widths[1:])]


def apply_layers(layers: list[Layer], x: np.ndarray) -> np.ndarray:
    """Apply the affine layers in order, input side first, with no activation between them."""
    for W, b in layers:
        x = W @ x + b
    return x


def check_collapse(collapse: Callable[[list[Layer]], Layer], seed: int = 0) -> bool:
    """Chapter 1: check a function that turns a list of affine layers into one ``(W, b)``."""
    layers = _random_layers([3, 5, 4, 2], seed)
    expected_W = layers[2][0] @ layers[1][0] @ layers[0][0]
    expected_b = apply_layers(layers, np.zeros(3))
    try:
        result = collapse(layers)
    except Exception as error:  # the learner's code failed: say how, and where to look
        print(f"collapse raised {type(error).__name__}: {error}\n"
              "The product runs last layer first, W3 @ W2 @ W1, with shapes"
              " (2, 4) @ (4, 5) @ (5, 3); in input order the shapes do not fit.")
        return False
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        print("collapse should return a pair (W, b).")
        return False
    W, b = (np.asarray(r, dtype=float) for r in result)
    if W.shape != expected_W.shape:
        print(f"W has shape {W.shape}; for layers 3 -> 5 -> 4 -> 2 it should be {expected_W.shape}."
              " Multiply the weight matrices last layer first: W3 @ W2 @ W1.")
        return False
    if not np.allclose(W, expected_W):
        print("W has the right shape but the wrong values: every layer's matrix belongs in the"
              " product, last layer first, so the first layer's matrix stands on the right.")
        return False
    if b.shape != expected_b.shape or not np.allclose(b, expected_b):
        print("W is right, b is not: each bias passes through every later layer's weights,"
              " so b = W3 @ (W2 @ b1 + b2) + b3. Hint: b is what the stack gives for x = 0.")
        return False
    print("Correct: the whole stack is the single affine map x -> W @ x + b.")
    return True


def check_hinge_knots(knots, max_hinges: int = 8, tol: float = 0.03) -> bool:
    r"""Chapter 1: check knots whose hinge interpolant follows :math:`\tanh(3x)` on [−2, 2].

    The interpolant through the knots (``np.interp``, the same function as the sum of ReLU
    hinges) must run from −2 to 2 with at most ``max_hinges`` hinges, and its root-mean-square
    error on 1001 evenly spaced points must be below ``tol``.
    """
    t = np.asarray(knots, dtype=float)
    if t.ndim != 1 or len(t) < 2 or not np.all(np.isfinite(t)):
        print("Give the knots as a list of at least two numbers.")
        return False
    if np.any(np.diff(t) <= 0):
        print("The knots must be strictly increasing.")
        return False
    if (t[0], t[-1]) != (-2, 2):
        print("The knots must start at -2 and end at 2.")
        return False
    if len(t) > max_hinges + 1:
        print(f"{len(t) - 1} hinges; the budget is {max_hinges}.")
        return False
    x = np.linspace(-2.0, 2.0, 1001)
    error = float(np.sqrt(np.mean((np.interp(x, t, np.tanh(3 * t)) - np.tanh(3 * x)) ** 2)))
    if error >= tol:
        print(f"Root-mean-square error {error:.3f}, not below {tol}: put short pieces where"
              " tanh(3x) bends (|x| from 0.1 to 0.8), long ones where it is flat.")
        return False
    print(f"Correct: {len(t) - 1} hinges, root-mean-square error {error:.3f}.")
    return True


def check_sigmoid_derivative(derivative: Callable[[np.ndarray], np.ndarray]) -> bool:
    r"""Chapter 2: check a learner's :math:`\sigma'(x)` on [−10, 10] and far out in the tails
    (±1000, where a careless formula overflows), against :func:`actlib.functions`."""
    import warnings

    from ..functions import sigmoid, sigmoid_grad

    x = np.linspace(-10.0, 10.0, 201)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        try:
            result = np.asarray(derivative(x), dtype=float)
        except RuntimeWarning as warning:
            print(f"Your function raised a warning on [-10, 10]: {warning}.")
            return False
    expected = sigmoid_grad(x)
    if result.shape != x.shape:
        print(f"For an array of shape {x.shape} it returned shape {result.shape};"
              " σ′ acts element by element, so the shapes should match.")
        return False
    if np.allclose(result, sigmoid(x)):
        print("This is σ(x) itself. Differentiate 1 / (1 + e^(−x)) with the chain rule.")
        return False
    if not np.allclose(result, expected, atol=1e-8):
        worst = int(np.argmax(np.abs(result - expected)))
        print(f"At x = {x[worst]:g} it gives {result[worst]:.6g}; σ′ is {expected[worst]:.6g}"
              f" there. Hint: σ′(0) = 1/4, and σ′(x) = σ(x)(1 − σ(x)).")
        return False
    tails = np.array([-1000.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        try:
            far = np.asarray(derivative(tails), dtype=float)
        except RuntimeWarning:
            print("Right on [-10, 10], but e^1000 overflows at x = ±1000. Write σ′ through σ,"
                  " as actlib.get('sigmoid')(x) * (1 - actlib.get('sigmoid')(x)), which is"
                  " computed from e^(−|x|).")
            return False
    if not np.allclose(far, 0.0):
        print(f"Right on [-10, 10], but at x = ±1000 it gives {far}; σ′ tends to 0 there.")
        return False
    print("Correct: your σ′ matches actlib's, including far out in the tails.")
    return True


def check_he_init(he_init_: Callable[[nn.Linear], object], seed: int = 0) -> bool:
    r"""Chapter 2: check a function that gives an ``nn.Linear`` He's initialisation in place.

    He's rule (He et al., 2015): weights with mean 0 and variance :math:`2 / n_{in}`, biases 0.
    Tried on a wide layer and a tall one, so that :math:`n_{in}` and :math:`n_{out}` cannot be
    confused.
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for n_in, n_out in [(400, 100), (100, 400)]:
            layer = nn.Linear(n_in, n_out)
            try:
                he_init_(layer)
            except Exception as error:  # the learner's code failed: say how
                print(f"he_init_ raised {type(error).__name__}: {error}")
                return False
            if not torch.all(layer.bias == 0):
                print("The biases should be 0: He's rule sets only the weights at random.")
                return False
            w = layer.weight.detach()
            var, target = w.var().item(), 2 / n_in
            if abs(w.mean().item()) > 0.1 * math.sqrt(target):
                print(f"The weights average {w.mean().item():.3g}; they should have mean 0.")
                return False
            if abs(var / target - 1) > 0.1:
                hints = {2 / n_out: "you divided by n_out, the number of outputs; the fan-in is"
                                    " n_in = linear.in_features (weight.shape[1])",
                         1 / n_in: "the factor 2 is missing: ReLU zeroes half the inputs",
                         2 / (n_in + n_out): "that is Xavier's rule, 2 / (n_in + n_out)",
                         math.sqrt(2 / n_in): "that is the standard deviation you want, used as"
                                              " the variance"}
                hint = next((h for v, h in hints.items() if abs(var / v - 1) < 0.1),
                            "compare your standard deviation with sqrt(2 / n_in)")
                print(f"For nn.Linear({n_in}, {n_out}) the weights have variance {var:.4g};"
                      f" He's rule gives 2 / {n_in} = {target:.4g}. Hint: {hint}.")
                return False
    print("Correct: variance 2 / n_in for the weights, zero biases.")
    return True


def check_residual(wrapper: Callable[[nn.Module], nn.Module], seed: int = 0) -> bool:
    r"""Chapter 2: check a module ``wrapper(block)`` computing :math:`x + \mathrm{block}(x)`.

    It wraps a sigmoid layer ``Linear(8, 8), Sigmoid`` drawn with ``seed`` and compares the
    output on a batch of inputs, with a hint for each usual slip.
    """
    generator = torch.Generator().manual_seed(seed)
    block = mlp([8, 8], seed=seed).append(nn.Sigmoid())
    x = torch.randn(5, 8, generator=generator)
    with torch.no_grad():
        try:
            out = torch.as_tensor(wrapper(block)(x))
        except Exception as error:  # the learner's code: report, never crash the notebook
            print(f"Your module raised {type(error).__name__}: {error}")
            return False
        slips = {"x + block(x)": x + block(x), "block(x) alone, without x": block(x),
                 "block(x + x)": block(x + x), "x * block(x)": x * block(x),
                 "x + block(block(x))": x + block(block(x))}
    if tuple(out.shape) != tuple(x.shape):
        print(f"For inputs of shape {tuple(x.shape)} it returned shape {tuple(out.shape)}; "
              "a residual connection keeps the shape.")
        return False
    found = next((name for name, value in slips.items() if torch.allclose(out, value)), None)
    if found == "x + block(x)":
        print("Correct: the block's output is added to its input, so the gradient reaches x "
              "through the identity as well as through the block.")
        return True
    hint = "Return x + self.block(x): apply the block once, then add its input."
    print(f"Not yet: your module computes {found or 'something else'}. {hint}")
    return False


def check_tanh_saturated(saturated: Callable[[np.ndarray], np.ndarray]) -> bool:
    r"""Chapter 2: check a learner's saturation mask for tanh units.

    ``saturated(z)`` should be ``True`` where :math:`\tanh'(z) = 1 - \tanh^2 z` is below 5%
    of its peak :math:`\tanh'(0) = 1`, that is where :math:`|z| > \operatorname{artanh}
    \sqrt{0.95} \approx 2.18`. Tries it on [−5, 5] and at ±1000.
    """
    z = np.concatenate([np.linspace(-5.0, 5.0, 1001), [-1000.0, 1000.0]])
    expected = 1 - np.tanh(z) ** 2 < 0.05
    try:
        result = np.asarray(saturated(z))
    except Exception as error:  # the learner's code failed: say how
        print(f"Your function raised {type(error).__name__}: {error}.")
        return False
    if result.shape != z.shape:
        print(f"For an array of shape {z.shape} it returned shape {result.shape};"
              " the mask has one entry per pre-activation.")
        return False
    if result.dtype != bool:
        print(f"It returned {result.dtype} values; return a boolean mask, e.g. a comparison.")
        return False
    if np.array_equal(result, ~expected):
        print("The mask is inverted: saturated means the derivative is *below* 5% of its peak.")
        return False
    if np.array_equal(result, np.abs(np.tanh(z)) > 0.95):
        print("You cut tanh(z) at 0.95, but the definition is about the derivative:"
              " 1 - tanh(z)^2 < 0.05, so |tanh(z)| > sqrt(0.95) = 0.975.")
        return False
    wrong = np.flatnonzero(result != expected)
    if wrong.size:
        first = z[wrong[0]]
        print(f"At z = {first:g} it says {bool(result[wrong[0]])}; tanh'(z) is"
              f" {1 - np.tanh(first) ** 2:.4f} there. Hint: the edges are at |z| = 2.18.")
        return False
    print("Correct: your mask marks exactly the units whose tanh' is below 5% of its peak.")
    return True
