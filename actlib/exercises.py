"""Checks for the chapters' coding exercises: they run the learner's code and say what is off."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["Layer", "apply_layers", "check_collapse", "check_sigmoid_derivative"]

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
    """Chapter 1: check a function that turns a list of affine layers into one ``(W, b)``.

    Prints what is wrong, or that it is right, and returns whether it is right.
    """
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


def check_sigmoid_derivative(derivative: Callable[[np.ndarray], np.ndarray]) -> bool:
    r"""Chapter 2: check a learner's :math:`\sigma'(x)` against :func:`actlib.functions`.

    Tries it on [−10, 10] and far out in the tails (±1000, where a careless formula
    overflows). Prints what is wrong, or that it is right, and returns whether it is right.
    """
    import warnings

    from .functions import sigmoid, sigmoid_grad

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
