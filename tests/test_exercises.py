"""The exercise checkers of chapters 1, 3 and 5: right answers pass, each typical mistake
gets its own hint."""

from functools import reduce

import numpy as np
import pytest
import torch

from actlib.diagnostics import off_fraction
from actlib.exercises import (
    apply_layers,
    check_collapse,
    check_fused_weight,
    check_is_born_dead,
)
from actlib.nn import is_activation


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


# chapter 3: is_born_dead

def right(model, inputs):
    h = inputs
    for layer in model:
        h = layer(h)
        if is_activation(layer) and bool((h == 0).all()):
            return True
    return False


def only_last_layer(model, inputs):
    return bool((model[:-1](inputs) == 0).all())


def any_dead_unit(model, inputs):
    return any(f > 0 for f in off_fraction(model, inputs))


@pytest.mark.parametrize("seed", [0, 1, 1000])
def test_check_is_born_dead_accepts_a_right_answer(capsys, seed):
    assert check_is_born_dead(right, seed=seed)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize(("wrong", "hint"), [(only_last_layer, "every activation layer"),
                                             (any_dead_unit, "A few dead units")])
def test_check_is_born_dead_explains_a_wrong_answer(capsys, wrong, hint):
    assert not check_is_born_dead(wrong)
    assert hint in capsys.readouterr().out


def test_check_is_born_dead_accepts_a_tensor_and_rejects_a_non_boolean(capsys):
    assert check_is_born_dead(lambda m, x: torch.tensor(right(m, x)))
    assert not check_is_born_dead(lambda m, x: "no")
    assert "True or False" in capsys.readouterr().out


# chapter 5: the fused projection

def test_check_fused_weight_accepts_up_then_gate(capsys):
    assert check_fused_weight(
        lambda layer: torch.cat([layer.up_proj.weight, layer.gate_proj.weight])) is True
    assert "Correct" in capsys.readouterr().out


def test_check_fused_weight_explains_the_gate_first_mistake(capsys):
    assert check_fused_weight(
        lambda layer: torch.cat([layer.gate_proj.weight, layer.up_proj.weight])) is False
    assert "second" in capsys.readouterr().out


@pytest.mark.parametrize(("answer", "hint"), [
    (lambda layer: torch.stack([layer.up_proj.weight, layer.gate_proj.weight]), "shape"),
    (lambda layer: torch.cat([layer.up_proj.weight, layer.up_proj.weight]), "Not yet"),
    (lambda layer: layer.fused_proj.weight, "AttributeError"),
])
def test_check_fused_weight_gives_hints(answer, hint, capsys):
    assert check_fused_weight(answer) is False
    assert hint in capsys.readouterr().out


def test_check_resolved_order_accepts_a_right_answer_and_explains_wrong_ones(capsys):
    from actlib.exercises import check_resolved_order

    def right(comparisons):
        return {(c.a, c.b) if c.difference < 0 else (c.b, c.a)
                for c in comparisons if c.separated}

    def signs_swapped(comparisons):
        return {(c.b, c.a) if c.difference < 0 else (c.a, c.b)
                for c in comparisons if c.separated}

    def keeps_unresolved(comparisons):
        return {(c.a, c.b) if c.difference < 0 else (c.b, c.a) for c in comparisons}

    assert check_resolved_order(right)
    assert not check_resolved_order(signs_swapped)
    assert "negative difference" in capsys.readouterr().out
    assert not check_resolved_order(keeps_unresolved)
    assert "not resolved" in capsys.readouterr().out
    assert not check_resolved_order(lambda c: 1 / 0)
