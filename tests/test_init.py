"""init_linear and mlp(seed=...): PyTorch's default bounds, drawn from a seeded generator."""

import math

import pytest
import torch
from torch import nn

from actlib.nn import init_linear, mlp


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
