"""The exercise checkers: right answers pass, each typical mistake gets its own hint."""

from functools import reduce

import numpy as np

from actlib.exercises import apply_layers, check_collapse


def collapse(layers):
    """A correct answer: W = W3 @ W2 @ W1, and b is what the stack gives for x = 0."""
    W, b = layers[0]
    for W_next, b_next in layers[1:]:
        W, b = W_next @ W, W_next @ b + b_next
    return W, b


def test_apply_layers_matches_the_manual_computation():
    rng = np.random.default_rng(0)
    W1, b1 = rng.standard_normal((4, 3)), rng.standard_normal(4)
    W2, b2 = rng.standard_normal((2, 4)), rng.standard_normal(2)
    x = rng.standard_normal(3)
    expected = W2 @ (W1 @ x + b1) + b2
    np.testing.assert_allclose(apply_layers([(W1, b1), (W2, b2)], x), expected)


def test_apply_layers_of_no_layers_is_the_identity():
    x = np.array([1.0, -2.0])
    np.testing.assert_array_equal(apply_layers([], x), x)


def test_correct_collapse_passes(capsys):
    assert check_collapse(collapse) is True
    assert "Correct" in capsys.readouterr().out


def test_correct_collapse_passes_for_other_seeds(capsys):
    assert all(check_collapse(collapse, seed=seed) for seed in range(3))


def test_product_in_input_order_fails_with_a_hint(capsys):
    # the usual slip: W1 @ W2 @ W3, first layer on the left
    def wrong_order(layers):
        return reduce(np.matmul, [W for W, _ in layers]), collapse(layers)[1]

    assert check_collapse(wrong_order) is False  # a hint, not numpy's matmul error
    out = capsys.readouterr().out
    assert "W3 @ W2 @ W1" in out or "order" in out


def test_transposed_product_fails_with_a_hint(capsys):
    # W1ᵀ @ W2ᵀ @ W3ᵀ: the weights multiplied first layer first, as for row vectors
    def row_vector_order(layers):
        return reduce(np.matmul, [W.T for W, _ in layers]), collapse(layers)[1]

    assert check_collapse(row_vector_order) is False
    out = capsys.readouterr().out
    assert "shape" in out and "W3 @ W2 @ W1" in out


def test_bias_not_propagated_fails_with_a_hint(capsys):
    def last_bias_only(layers):
        return collapse(layers)[0], layers[-1][1]

    assert check_collapse(last_bias_only) is False
    out = capsys.readouterr().out
    assert "b is not" in out and "W3 @ (W2 @ b1 + b2) + b3" in out


def test_first_bias_dropped_fails_with_a_hint(capsys):
    def without_b1(layers):  # W3 @ b2 + b3: b1 never passes through W2 and W3
        (_, _), (_, b2), (W3, b3) = layers
        return collapse(layers)[0], W3 @ b2 + b3

    assert check_collapse(without_b1) is False
    assert "b is not" in capsys.readouterr().out


def test_wrong_shape_fails_with_a_hint(capsys):
    def transposed(layers):
        W, b = collapse(layers)
        return W.T, b

    assert check_collapse(transposed) is False
    out = capsys.readouterr().out
    assert "(3, 2)" in out and "(2, 3)" in out


def test_wrong_bias_shape_fails_with_a_hint(capsys):
    def column_bias(layers):
        W, b = collapse(layers)
        return W, b[:, None]

    assert check_collapse(column_bias) is False
    assert "b is not" in capsys.readouterr().out


def test_non_pair_fails_with_a_hint(capsys):
    assert check_collapse(lambda layers: collapse(layers)[0]) is False
    assert "pair (W, b)" in capsys.readouterr().out


def test_triple_fails_with_a_hint(capsys):
    assert check_collapse(lambda layers: (*collapse(layers), None)) is False
    assert "pair (W, b)" in capsys.readouterr().out
