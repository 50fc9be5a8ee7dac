"""saturated_fraction and activation_spread on networks whose answer is known by construction."""

import math

import numpy as np
import pytest
import torch
from torch import nn

import actlib
from actlib import diagnostics
from actlib.nn import mlp

# Each basis vector and its negative: a unit with weight row c * e_k sees z = ±c on two inputs.
SIGNED_BASIS = torch.cat([torch.eye(4), -torch.eye(4)])  # (8, 4)


def set_layer(layer: nn.Linear, weight: torch.Tensor, bias: torch.Tensor) -> None:
    with torch.no_grad():
        layer.weight.copy_(weight)
        layer.bias.copy_(bias)


def constant_units(n_units: int, d_in: int, biases: list[float]) -> tuple:
    """Zero weights, so unit k sees z = biases[k] on every input."""
    return torch.zeros(n_units, d_in), torch.tensor(biases)


# elementwise_derivative and peak_derivative: autograd against actlib's closed forms

@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "gelu", "silu"])
def test_elementwise_derivative_equals_the_closed_form(name):
    act = actlib.get(name)
    z = torch.linspace(-6, 6, 121, dtype=torch.float64)
    expected = act.derivative(z.numpy())
    got = diagnostics.elementwise_derivative(act.module(), z).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


def test_elementwise_derivative_works_under_no_grad():
    with torch.no_grad():
        d = diagnostics.elementwise_derivative(nn.Sigmoid(), torch.zeros(3))
    assert d.tolist() == [0.25, 0.25, 0.25]


@pytest.mark.parametrize(("name", "peak"), [("sigmoid", 0.25), ("tanh", 1.0), ("relu", 1.0)])
def test_peak_derivative(name, peak):
    assert diagnostics.peak_derivative(actlib.get(name).module()) == pytest.approx(peak, abs=1e-12)


def test_peak_derivative_of_gelu_is_found_away_from_zero():
    x = np.linspace(-10, 10, 20_001)
    expected = actlib.get("gelu").derivative(x).max()  # about 1.129 near x = 1.41
    assert expected > 1.1
    assert diagnostics.peak_derivative(nn.GELU()) == pytest.approx(expected, rel=1e-9)


# saturated_fraction

@pytest.mark.parametrize(("activation", "far", "near"), [("sigmoid", 10.0, 0.0),
                                                         ("sigmoid", -10.0, 2.0),
                                                         ("tanh", 3.0, 1.0),
                                                         ("tanh", -3.0, 0.0)])
def test_saturated_fraction_counts_exactly_the_saturated_units(activation, far, near):
    # σ'(±10) = 4.5e-5 < 0.05 · 1/4 and tanh'(±3) = 0.0099 < 0.05 · 1; the others are not
    model = mlp([4, 8, 2], activation, seed=0)
    biases = [far, near, far, near, near, near, far, near]
    set_layer(model[0], *constant_units(8, 4, biases))
    assert diagnostics.saturated_fraction(model, SIGNED_BASIS) == [3 / 8]


def test_a_unit_saturated_on_some_inputs_counts_for_those_inputs():
    # unit k has weight row 10 e_k: z = ±10 on two of the eight inputs, 0 on the other six
    model = mlp([4, 4, 2], "sigmoid", seed=0)
    set_layer(model[0], 10 * torch.eye(4), torch.zeros(4))
    assert diagnostics.saturated_fraction(model, SIGNED_BASIS) == [pytest.approx(2 / 8)]


def test_threshold_is_a_fraction_of_the_peak_derivative():
    # tanh'(2) = 0.0707: saturated below 10 % of the peak, not below 5 %
    model = mlp([4, 2, 2], "tanh", seed=0)
    set_layer(model[0], *constant_units(2, 4, [2.0, 0.0]))
    assert diagnostics.saturated_fraction(model, SIGNED_BASIS, threshold=0.05) == [0.0]
    assert diagnostics.saturated_fraction(model, SIGNED_BASIS, threshold=0.1) == [0.5]


def test_default_threshold_matches_the_documented_sigmoid_and_tanh_cut_offs():
    s = 0.5 * (1 - math.sqrt(1 - 4 * 0.05 * 0.25))  # σ(z)(1 − σ(z)) = 0.05 · 1/4
    assert math.log(s / (1 - s)) == pytest.approx(-4.36, abs=0.01)
    assert math.atanh(math.sqrt(0.95)) == pytest.approx(2.18, abs=0.01)


def test_saturated_fraction_reports_every_layer_input_side_first():
    model = mlp([4, 4, 4, 2], "sigmoid", seed=0)
    set_layer(model[0], *constant_units(4, 4, [20.0, 20.0, 20.0, 20.0]))  # all saturated: h = 1
    # the second layer sees z = W 1 + b = b: one unit of four far out
    set_layer(model[2], *constant_units(4, 4, [0.0, -8.0, 0.0, 0.0]))
    assert diagnostics.saturated_fraction(model, SIGNED_BASIS) == [1.0, 0.25]


def test_saturated_fraction_leaves_the_model_without_hooks_or_grads():
    model = mlp([4, 8, 2], "tanh", seed=0)
    diagnostics.saturated_fraction(model, SIGNED_BASIS)
    assert all(not m._forward_hooks for m in model.modules())
    assert all(p.grad is None for p in model.parameters())


@pytest.mark.parametrize("threshold", [0.0, 1.0, -0.1, 1.5])
def test_saturated_fraction_rejects_a_threshold_outside_zero_one(threshold):
    with pytest.raises(ValueError, match="threshold"):
        diagnostics.saturated_fraction(mlp([4, 8, 2], "tanh", seed=0), SIGNED_BASIS, threshold)


def test_saturated_fraction_needs_an_activation_layer():
    with pytest.raises(ValueError, match="activation"):
        diagnostics.saturated_fraction(nn.Sequential(nn.Linear(4, 2)), SIGNED_BASIS)


# activation_spread

def test_activation_spread_in_closed_form():
    # identity units with weights 1 and 3 see x = ±1: outputs ±1 and ±3, sample stds √2 and 3√2
    model = mlp([1, 2, 1], "identity", seed=0)
    set_layer(model[0], torch.tensor([[1.0], [3.0]]), torch.zeros(2))
    spread = diagnostics.activation_spread(model, torch.tensor([[-1.0], [1.0]]))
    assert spread == [pytest.approx(2 * math.sqrt(2))]


def test_activation_spread_is_zero_for_a_layer_that_ignores_its_input():
    model = mlp([4, 8, 8, 2], "sigmoid", seed=0)
    set_layer(model[2], *constant_units(8, 8, [0.5] * 8))
    spread = diagnostics.activation_spread(model, SIGNED_BASIS)
    assert spread[0] > 0 and spread[1] == 0.0


# mean_derivative

def test_mean_derivative_in_closed_form():
    # units see z = 0 (σ' = 1/4) and z = 2 (σ' = σ(2)(1 − σ(2))) on every input
    model = mlp([4, 2, 2], "sigmoid", seed=0)
    set_layer(model[0], *constant_units(2, 4, [0.0, 2.0]))
    s = 1 / (1 + math.exp(-2.0))
    expected = 0.5 * (0.25 + s * (1 - s))
    assert diagnostics.mean_derivative(model, SIGNED_BASIS) == [pytest.approx(expected)]


def test_mean_derivative_of_relu_is_the_fraction_of_active_pairs():
    model = mlp([4, 4, 2], "relu", seed=0)
    set_layer(model[0], torch.eye(4), torch.zeros(4))  # each unit positive on one input of 8
    assert diagnostics.mean_derivative(model, SIGNED_BASIS) == [pytest.approx(1 / 8)]
