"""Initialisation: init_linear's schemes from a seeded generator, mlp(seed=...), the course's
rule (default_init), the deep networks of chapters 2, 3 and 6 (deep_mlp), and shift_biases."""

import math

import pytest
import torch
from torch import nn

import actlib
from actlib.nn import (
    XAVIER_ACTIVATIONS,
    deep_mlp,
    default_init,
    init_linear,
    mlp,
    shift_biases,
)


def generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def assert_within_default_bounds(linear: nn.Linear) -> None:
    bound = 1 / math.sqrt(linear.in_features) * (1 + 1e-6)  # float32 rounding of the bound
    assert linear.weight.abs().max() <= bound
    if linear.bias is not None:
        assert linear.bias.abs().max() <= bound


@pytest.mark.parametrize(("n_in", "n_out"), [(1, 50), (4, 300), (100, 60)])
def test_init_linear_draws_within_one_over_sqrt_fan_in(n_in, n_out):
    linear = init_linear(nn.Linear(n_in, n_out), generator(0))
    assert_within_default_bounds(linear)


def test_init_linear_is_uniform_over_the_whole_range():
    n_in = 16
    linear = init_linear(nn.Linear(n_in, 4000), generator(0))
    bound = 1 / math.sqrt(n_in)
    weight = linear.weight.flatten()
    # U(-a, a): min and max near ±a, mean 0, variance a²/3, a tenth of the draws in each tenth
    assert weight.min() < -0.99 * bound and weight.max() > 0.99 * bound
    assert abs(weight.mean().item()) < 0.01 * bound
    assert weight.var().item() == pytest.approx(bound**2 / 3, rel=0.02)
    counts = torch.histc(weight, bins=10, min=-bound, max=bound)
    assert counts.min() > 0.9 * len(weight) / 10 and counts.max() < 1.1 * len(weight) / 10
    bias = linear.bias
    assert bias.min() < -0.99 * bound and bias.max() > 0.99 * bound


def test_init_linear_draws_from_the_generator_not_the_global_state():
    state = torch.random.get_rng_state()
    a = init_linear(nn.Linear(3, 5), generator(7))
    torch.manual_seed(123)  # a different global state must not matter
    b = init_linear(nn.Linear(3, 5), generator(7))
    torch.random.set_rng_state(state)
    assert torch.equal(a.weight, b.weight) and torch.equal(a.bias, b.bias)


def test_init_linear_different_seeds_give_different_weights():
    a = init_linear(nn.Linear(3, 5), generator(0))
    b = init_linear(nn.Linear(3, 5), generator(1))
    assert not torch.equal(a.weight, b.weight)


def test_init_linear_without_bias():
    linear = init_linear(nn.Linear(8, 3, bias=False), generator(0))
    assert linear.bias is None
    assert_within_default_bounds(linear)


def test_init_linear_returns_the_same_layer():
    linear = nn.Linear(2, 2)
    assert init_linear(linear, generator(0)) is linear


@pytest.mark.parametrize("sizes", [[2, 16, 1], [784, 64, 64, 10], [3, 1]])
def test_seeded_mlp_weights_are_within_the_default_bounds(sizes):
    model = mlp(sizes, "relu", seed=3)
    linears = [m for m in model if isinstance(m, nn.Linear)]
    assert len(linears) == len(sizes) - 1
    for linear in linears:
        assert_within_default_bounds(linear)


def test_seeded_mlp_repeats_and_leaves_the_global_state_alone():
    state = torch.random.get_rng_state()
    a = mlp([4, 8, 2], "tanh", seed=11)
    b = mlp([4, 8, 2], "tanh", seed=11)
    assert torch.equal(torch.random.get_rng_state(), state)
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.equal(p, q)


def linears(model: nn.Module) -> list[nn.Linear]:
    return [m for m in model if isinstance(m, nn.Linear)]


# the xavier and he schemes

def test_xavier_init_has_the_glorot_variance_and_zero_bias():
    layer = init_linear(nn.Linear(400, 600), generator(0), "xavier")
    expected = 2 / (400 + 600)
    assert layer.weight.var().item() == pytest.approx(expected, rel=0.02)
    bound = math.sqrt(6 / (400 + 600))
    assert layer.weight.abs().max().item() <= bound
    assert torch.count_nonzero(layer.bias) == 0


def test_he_init_has_variance_two_over_fan_in():
    layer = init_linear(nn.Linear(500, 500), generator(0), "he")
    assert layer.weight.mean().item() == pytest.approx(0.0, abs=0.003)
    assert layer.weight.var().item() == pytest.approx(2 / 500, rel=0.02)


def test_unknown_init_lists_the_schemes():
    with pytest.raises(ValueError, match="default, xavier, he"):
        mlp([2, 3, 1], "relu", seed=0, init="orthogonal")


# the course's rule

@pytest.mark.parametrize("name", actlib.names() + ["prelu"])
def test_default_init_is_xavier_for_the_near_linear_ones_and_he_for_the_rest(name):
    expected = "xavier" if name in ("identity", "sigmoid", "tanh") else "he"
    assert default_init(name) == expected
    assert (name in XAVIER_ACTIVATIONS) == (expected == "xavier")


# deep_mlp

def test_deep_mlp_has_depth_hidden_layers_of_the_given_width():
    model = deep_mlp("tanh", 3, seed=0, width=16)
    sizes = [(m.in_features, m.out_features) for m in linears(model)]
    assert sizes == [(64, 16), (16, 16), (16, 16), (16, 10)]  # the digits by default
    assert sum(isinstance(m, nn.Tanh) for m in model) == 3
    small = deep_mlp("relu", 1, seed=0, width=5, n_in=2, n_out=3)
    assert [(m.in_features, m.out_features) for m in linears(small)] == [(2, 5), (5, 3)]


@pytest.mark.parametrize("name", ["tanh", "relu"])
def test_deep_mlp_applies_the_course_rule_unless_told(name):
    for init in (None, "default", "xavier", "he"):
        chosen = default_init(name) if init is None else init
        expected = mlp([64, 8, 8, 10], name, seed=2, init=chosen)
        for a, b in zip(linears(deep_mlp(name, 2, seed=2, width=8, init=init)), linears(expected)):
            assert torch.equal(a.weight, b.weight) and torch.equal(a.bias, b.bias)


def test_gain_multiplies_every_weight_matrix_exactly_and_leaves_biases():
    plain = deep_mlp("sigmoid", 2, seed=3, width=8, init="default")
    scaled = deep_mlp("sigmoid", 2, seed=3, width=8, init="default", gain=4.0)
    for a, b in zip(linears(plain), linears(scaled)):
        assert torch.equal(b.weight, 4.0 * a.weight)  # a power of two: exact in float32
        assert torch.equal(b.bias, a.bias)
    thirds = deep_mlp("tanh", 1, seed=3, width=8, gain=1 / 3)
    torch.testing.assert_close(linears(thirds)[0].weight,
                               linears(deep_mlp("tanh", 1, seed=3, width=8))[0].weight / 3)


@pytest.mark.parametrize(("depth", "gain"), [(0, 1.0), (-1, 1.0), (2, 0.0), (2, -1.0),
                                             (2, math.nan)])
def test_deep_mlp_rejects_bad_depth_and_gain(depth, gain):
    with pytest.raises(ValueError, match="depth" if depth < 1 else "gain"):
        deep_mlp("sigmoid", depth, seed=0, gain=gain)


def test_prelu_has_one_learnable_slope_per_unit_in_place_of_relu():
    model = deep_mlp("prelu", 3, seed=0, width=16)
    prelus = [m for m in model if isinstance(m, nn.PReLU)]
    assert len(prelus) == 3 and not any(isinstance(m, nn.ReLU) for m in model)
    assert all(p.weight.shape == (16,) and bool((p.weight == 0.25).all()) for p in prelus)
    assert isinstance(model[-1], nn.Linear)


@pytest.mark.parametrize("family", [("relu", "leaky_relu", "prelu", "elu", "gelu", "silu"),
                                    ("identity", "sigmoid", "tanh")], ids=["he", "xavier"])
def test_same_seed_same_weights_across_activations_with_one_init(family):
    nets = [linears(deep_mlp(name, 3, seed=4, width=16)) for name in family]
    for other in nets[1:]:
        for a, b in zip(nets[0], other):
            assert torch.equal(a.weight, b.weight) and torch.equal(a.bias, b.bias)
    other_seed = linears(deep_mlp(family[0], 3, seed=5, width=16))
    assert not torch.equal(nets[0][0].weight, other_seed[0].weight)


# shift_biases

def test_shift_biases_lowers_hidden_biases_only():
    model = mlp([4, 8, 8, 3], "relu", seed=0)
    before = [m.bias.clone() for m in linears(model)]
    assert shift_biases(model, 2.0) is model
    after = [m.bias for m in linears(model)]
    assert torch.allclose(after[0], before[0] - 2.0)
    assert torch.allclose(after[1], before[1] - 2.0)
    assert torch.equal(after[2], before[2])  # the output layer feeds no activation


def test_shift_biases_reaches_the_layers_before_prelu():
    model = shift_biases(deep_mlp("prelu", 2, seed=0, width=8), 1.0)
    first, second, last = (m.bias.detach() for m in linears(model))
    assert torch.equal(first, torch.full((8,), -1.0)) and torch.equal(second, first)  # He: 0 - 1
    assert torch.equal(last, torch.zeros(10))
