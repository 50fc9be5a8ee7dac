"""Diagnostics on networks whose answer is known by construction."""

import numpy as np
import pytest
import torch
from torch import nn

from actlib import diagnostics
from actlib.exercises.networks import _hand_built_net as hand_built_net
from actlib.nn import FeedForward, deep_mlp, mlp, shift_biases

# Each basis vector and its negative: a unit with weight row e_k is positive on e_k only.
SIGNED_BASIS = torch.cat([torch.eye(4), -torch.eye(4)])  # (8, 4)


def set_layer(layer: nn.Linear, weight: torch.Tensor, bias: torch.Tensor) -> None:
    with torch.no_grad():
        layer.weight.copy_(weight)
        layer.bias.copy_(bias)


def basis_rows(n_units: int, d_in: int, silenced: list[int], bias: float) -> tuple:
    """Row k is e_(k mod d_in), bias 0; the silenced rows are zero with the given bias."""
    weight = torch.eye(d_in).repeat(n_units // d_in, 1)
    b = torch.zeros(n_units)
    weight[silenced] = 0.0
    b[silenced] = bias
    return weight, b


# dead_fraction

def test_dead_fraction_counts_exactly_the_dead_relu_units():
    model = mlp([4, 8, 8, 2], "relu", seed=0)
    set_layer(model[0], *basis_rows(8, 4, silenced=[0, 3], bias=-1.0))
    # layer 2 sees h + 0.5 > 0 for every unit, even the ones fed by dead units
    set_layer(model[2], torch.eye(8), torch.full((8,), 0.5))
    assert diagnostics.dead_fraction(model, SIGNED_BASIS) == [2 / 8, 0.0]


def test_unit_zero_on_all_inputs_but_one_is_alive():
    model = mlp([4, 8, 2], "relu", seed=0)
    set_layer(model[0], *basis_rows(8, 4, silenced=[], bias=0.0))
    hidden = model[1](model[0](SIGNED_BASIS))
    assert ((hidden > 0).sum(dim=0) == 1).all()  # each unit fires on exactly one input
    assert diagnostics.dead_fraction(model, SIGNED_BASIS) == [0.0]


def test_dead_fraction_of_a_feed_forward_layer():
    torch.manual_seed(0)
    ffn = FeedForward(4, 8, "relu")
    weight, _ = basis_rows(8, 4, silenced=[1, 2, 6], bias=0.0)
    with torch.no_grad():
        ffn.up_proj.weight.copy_(weight)
    assert diagnostics.dead_fraction(ffn, SIGNED_BASIS.reshape(2, 4, 4)) == [3 / 8]


# σ(-30) ~ 9e-14 and GELU(-4) ~ -1e-4: small but not zero in float32 (torch's float32 GELU,
# 0.5 x (1 + erf(x / √2)), is exactly 0 below about -5.5)
@pytest.mark.parametrize(("activation", "bias", "eps"), [("sigmoid", -30.0, 1e-6),
                                                         ("gelu", -4.0, 1e-3)])
def test_eps_counts_nearly_dead_units(activation, bias, eps):
    model = mlp([4, 8, 2], activation, seed=0)
    set_layer(model[0], *basis_rows(8, 4, silenced=[1, 2, 5], bias=bias))
    assert diagnostics.dead_fraction(model, SIGNED_BASIS) == [0.0]
    assert diagnostics.dead_fraction(model, SIGNED_BASIS, eps=eps) == [3 / 8]


@pytest.mark.parametrize("measure", ["dead_fraction", "off_fraction", "zero_fraction",
                                     "frozen_fraction"])
def test_measures_need_an_activation_layer(measure):
    model = nn.Sequential(nn.Linear(4, 8), nn.Linear(8, 2))
    with pytest.raises(ValueError, match="activation"):
        getattr(diagnostics, measure)(model, SIGNED_BASIS)


def test_dead_fraction_rejects_negative_eps():
    with pytest.raises(ValueError, match="eps"):
        diagnostics.dead_fraction(mlp([4, 8, 2], "relu", seed=0), SIGNED_BASIS, eps=-1e-3)


# gradient_norms

def batch(n: int, d: int) -> torch.Tensor:
    return torch.randn(n, d, generator=torch.Generator().manual_seed(1), dtype=torch.float64)


def test_gradient_norms_of_one_linear_layer_in_closed_form():
    # L = sum of W x_n + b over the batch, so dL/dW = 1 (sum_n x_n)^T for every output row
    model = mlp([3, 2], seed=0).double()
    x = batch(5, 3)
    model(x).sum().backward()
    expected = np.sqrt(2) * np.linalg.norm(x.sum(dim=0).numpy())
    assert diagnostics.gradient_norms(model) == pytest.approx([expected], rel=1e-12)


def test_gradient_norms_of_two_linear_layers_in_closed_form_input_side_first():
    # L = sum_n 1^T (W2 h_n + b2), h_n = W1 x_n + b1:
    # dL/dW2 = 1 (sum_n h_n)^T and dL/dW1 = (W2^T 1)(sum_n x_n)^T
    model = mlp([3, 4, 2], "identity", seed=0).double()
    x = batch(5, 3)
    model(x).sum().backward()
    w1, b1, w2 = (t.detach().numpy() for t in (model[0].weight, model[0].bias, model[2].weight))
    x_sum = x.sum(dim=0).numpy()
    h_sum = w1 @ x_sum + len(x) * b1
    expected = [np.linalg.norm(w2.sum(axis=0)) * np.linalg.norm(x_sum),
                np.sqrt(2) * np.linalg.norm(h_sum)]
    assert abs(expected[0] - expected[1]) > 0.01 * expected[1]  # so the order is visible
    assert diagnostics.gradient_norms(model) == pytest.approx(expected, rel=1e-12)


def test_gradient_norms_equal_the_norm_of_each_weight_grad():
    model = mlp([2, 16, 8, 1], "relu", seed=0)
    x = batch(32, 2).float()
    ((model(x) - 1.0) ** 2).mean().backward()
    linears = [m for m in model if isinstance(m, nn.Linear)]
    expected = [float(np.sqrt((m.weight.grad.numpy().astype(np.float64) ** 2).sum()))
                for m in linears]
    assert diagnostics.gradient_norms(model) == pytest.approx(expected, rel=1e-6)


def test_gradient_norms_before_backward_raises():
    with pytest.raises(ValueError, match="backward"):
        diagnostics.gradient_norms(mlp([2, 8, 1], "relu", seed=0))


def test_gradient_norms_needs_a_linear_layer():
    with pytest.raises(ValueError):
        diagnostics.gradient_norms(nn.Sequential(nn.ReLU()))


def test_gradient_norms_of_a_batch_equal_the_backward_path_and_leave_grad_alone():
    model = deep_mlp("tanh", 2, seed=0, width=8)
    X = torch.randn(32, 64, generator=torch.Generator().manual_seed(0))
    y = torch.arange(32) % 10
    got = diagnostics.gradient_norms(model, X, y)
    assert all(p.grad is None for p in model.parameters())
    nn.functional.cross_entropy(model(X), y).backward()
    assert got == pytest.approx(diagnostics.gradient_norms(model), rel=1e-6)
    grads = [p.grad.clone() for p in model.parameters()]
    other = diagnostics.gradient_norms(model, X[:8], y[:8])  # mid-training: .grad stays put
    assert all(torch.equal(p.grad, g) for p, g in zip(model.parameters(), grads))
    assert other != got


# off_fraction and zero_fraction, on ReLU networks whose dead units are known

INPUTS = torch.randn(64, 2, generator=torch.Generator().manual_seed(0))


def test_units_killed_by_hand_are_off_and_dead():
    model = hand_built_net(dead_units=(0, 1))
    assert diagnostics.off_fraction(model, INPUTS) == [0.5, 0.5, 0.5]
    assert diagnostics.dead_fraction(model, INPUTS) == [0.5, 0.5, 0.5]


def test_a_dead_layer_makes_the_network_constant():
    model = hand_built_net(dead_layer=1)
    assert diagnostics.off_fraction(model, INPUTS) == [0.0, 1.0, 0.0]  # the last adds 1/2 to 0
    output = model(INPUTS)
    assert torch.all(output == output[0])  # born dead: a constant function


def test_healthy_hand_built_network_has_no_off_unit():
    model = hand_built_net()
    assert diagnostics.off_fraction(model, INPUTS) == [0.0, 0.0, 0.0]
    output = model(INPUTS)
    assert not torch.all(output == output[0])


def test_zero_fraction_counts_zero_outputs():
    # at x = 0 every first-layer unit outputs ReLU(0 + 1) = 1, the next ones 1.5 and 2
    zeros = torch.zeros(5, 2)
    assert diagnostics.zero_fraction(hand_built_net(), zeros) == [0.0, 0.0, 0.0]
    assert diagnostics.zero_fraction(hand_built_net(dead_units=(3,)), zeros) == [0.25] * 3


def test_zero_fraction_of_a_relu_layer_on_symmetric_inputs_is_about_half():
    model = mlp([2, 256, 1], "relu", seed=0, init="he")
    inputs = torch.randn(512, 2, generator=torch.Generator().manual_seed(1))
    (fraction,) = diagnostics.zero_fraction(model, inputs)
    assert 0.4 < fraction < 0.6


def test_off_fraction_equals_dead_fraction_for_relu():
    model = shift_biases(mlp([2, 32, 32, 32, 1], "relu", seed=1, init="he"), 0.5)
    off = diagnostics.off_fraction(model, INPUTS)
    assert off == diagnostics.dead_fraction(model, INPUTS)
    assert any(0.0 < f < 1.0 for f in off)


def test_off_prelu_units_are_counted_but_not_zero():
    model = shift_biases(deep_mlp("prelu", 2, seed=0, width=8, n_in=2, n_out=1), 1000.0)
    assert sum(isinstance(m, nn.PReLU) for m in model) == 2
    off = diagnostics.off_fraction(model, INPUTS)
    assert len(off) == 2 and off[0] == 1.0
    assert diagnostics.zero_fraction(model, INPUTS)[0] == 0.0  # a slope of 0.25 is not a zero


# frozen_fraction

def test_frozen_fraction_of_a_network_with_known_answer():
    model = nn.Sequential(nn.Linear(2, 3), nn.GELU(), nn.Linear(3, 1))
    with torch.no_grad():
        model[0].weight.zero_()
        model[0].bias.copy_(torch.tensor([-10.0, -5.8, 1.0]))  # frozen, dead but not frozen, alive
    inputs = torch.randn(16, 2, generator=torch.Generator().manual_seed(0))
    assert diagnostics.frozen_fraction(model, inputs) == [pytest.approx(1 / 3)]


def test_dead_relu_units_are_frozen():
    model = hand_built_net(dead_units=(0, 1))
    assert diagnostics.frozen_fraction(model, INPUTS) == diagnostics.dead_fraction(model, INPUTS)


def test_gradient_norms_needs_targets_with_inputs():
    model = mlp([2, 4, 3], "relu", seed=0)
    with pytest.raises(ValueError, match="inputs without targets"):
        diagnostics.gradient_norms(model, torch.zeros(5, 2))
