"""Chapter 4's measurements against answer keys from math, scipy and torch."""

import math

import numpy as np
import pytest
import torch
from scipy import optimize, special

import actlib
from actlib.experiments import smooth

X = np.linspace(-5, 5, 41)


# the stochastic gate

def test_gate_samples_are_zero_or_x():
    samples = smooth.gate_samples(X, 50, np.random.default_rng(0))
    assert samples.shape == (50, X.size)
    assert np.all((samples == 0) | (samples == X))


def test_gate_keeps_with_probability_phi():
    samples = smooth.gate_samples(np.array([-1.0, 0.5, 2.0]), 200_000, np.random.default_rng(1))
    kept = (samples != 0).mean(axis=0)
    np.testing.assert_allclose(kept, special.ndtr([-1.0, 0.5, 2.0]), atol=5e-3)


def test_monte_carlo_gelu_converges_to_exact_gelu():
    estimate = smooth.monte_carlo_gelu(X, 100_000, seed=0)
    np.testing.assert_allclose(estimate, X * special.ndtr(X), atol=1e-2)


def test_monte_carlo_gelu_repeats_with_the_same_seed_only():
    a, b, c = (smooth.monte_carlo_gelu(X, 100, seed=s) for s in (3, 3, 4))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_monte_carlo_error_shrinks_with_n_at_slope_minus_half():
    sizes = [10, 100, 1_000, 10_000]
    errors = smooth.monte_carlo_errors(sizes, X, seed=0)
    assert np.all(np.diff(errors) < 0)
    assert smooth.loglog_slope(sizes, errors) == pytest.approx(-0.5, abs=0.1)


def test_loglog_slope_of_an_exact_power_law():
    n = np.array([1.0, 10.0, 100.0])
    assert smooth.loglog_slope(n, 3 * n**-0.5) == pytest.approx(-0.5)


# the approximations

def test_tanh_gelu_max_error_matches_torch():
    error, x_star = smooth.max_error(actlib.get("gelu_tanh"))
    t = torch.linspace(-10, 10, 200_001, dtype=torch.float64)
    key = (torch.nn.functional.gelu(t, approximate="tanh") - torch.nn.functional.gelu(t)).abs()
    assert error == pytest.approx(key.max().item(), rel=1e-4)
    assert abs(x_star) == pytest.approx(abs(t[key.argmax()].item()), abs=1e-3)
    assert 4.6e-4 < error < 4.8e-4


def test_sigmoid_gelu_max_error_and_where():
    error, x_star = smooth.max_error(smooth.sigmoid_gelu)
    t = torch.linspace(-10, 10, 200_001, dtype=torch.float64)
    key = (t * torch.sigmoid(1.702 * t) - torch.nn.functional.gelu(t)).abs()
    assert error == pytest.approx(key.max().item(), rel=1e-4)
    assert 1.9e-2 < error < 2.1e-2 and -2.5 < x_star < -2.0


def test_approximation_errors_are_even():
    for approx in (actlib.get("gelu_tanh"), smooth.sigmoid_gelu):
        error = approx(X) - actlib.get("gelu")(X)
        np.testing.assert_allclose(error, error[::-1], atol=1e-15)


# the negative bump

def test_silu_minimum_solves_the_derivative_equation():
    x_min, value = smooth.minimum(actlib.get("silu"))
    root = optimize.brentq(lambda x: 1 + x * (1 - special.expit(x)), -3, -0.5)
    assert x_min == pytest.approx(root, abs=1e-6)
    assert root == pytest.approx(-1.2785, abs=1e-4)
    assert value == pytest.approx(root * special.expit(root), abs=1e-12)


def test_gelu_minimum_solves_the_derivative_equation():
    x_min, value = smooth.minimum(actlib.get("gelu"))
    root = optimize.brentq(lambda x: special.ndtr(x) + x * math.exp(-x * x / 2)
                           / math.sqrt(2 * math.pi), -3, -0.1)
    assert x_min == pytest.approx(root, abs=1e-6)
    assert root == pytest.approx(-0.7518, abs=1e-4)
    assert value == pytest.approx(root * special.ndtr(root), abs=1e-12)


@pytest.mark.parametrize("beta", [0.5, 2.0, 10.0])
def test_swish_minimum_scales_as_one_over_beta(beta):
    silu_x, silu_value = smooth.minimum(actlib.get("silu"))
    x_min, value = smooth.minimum(actlib.get("swish", beta=beta))
    assert x_min == pytest.approx(silu_x / beta, abs=1e-6)
    assert value == pytest.approx(silu_value / beta, abs=1e-9)


# float32 zeros

def test_float32_zeros_of_gelu_and_silu():
    for module, edge in [(torch.nn.GELU(), (-7, -5)), (torch.nn.SiLU(), (-100, -80))]:
        always, sometimes = smooth.float32_zeros(module)
        assert edge[0] < always <= sometimes < edge[1]
        below = torch.linspace(-120, always, 10_001)
        assert bool((module(below) == 0).all())
        assert bool((module(torch.linspace(sometimes + 1e-3, -1e-3, 10_001)) != 0).all())


def test_float32_zeros_when_never_zero():
    assert smooth.float32_zeros(torch.nn.LeakyReLU()) == (float("-inf"), float("-inf"))


# training

def test_train_and_count_smoke():
    relu = smooth.train_and_count("relu", lr=0.01, shift=1.0, steps=3)
    silu = smooth.train_and_count("silu", lr=0.01, shift=1.0, steps=3)
    assert len(relu["dead"]) == 4 and relu["dead"][1:] == [1.0, 1.0, 1.0]
    assert relu["dead"] == relu["off"] == relu["frozen"]
    assert silu["dead"] == [0.0] * 4
    assert all(n >= d for n, d in zip(silu["nearly_dead"], silu["dead"]))
    assert 0 <= silu["test_accuracy"] <= 1 and np.isfinite(silu.loss[-1])
    assert (silu.name, silu.steps, len(silu.loss)) == ("silu", [], 3)


def test_train_and_count_keeps_the_trained_model_only_when_asked():
    from actlib.nn import deep_mlp, shift_biases

    assert smooth.train_and_count("relu", lr=0.01, steps=2).model is None
    run = smooth.train_and_count("gelu", lr=0.01, shift=0.5, seed=3, steps=2, keep_model=True)
    start = shift_biases(deep_mlp("gelu", 4, 3, width=64), 0.5)
    trained, initial = list(run.model.parameters()), list(start.parameters())
    assert [p.shape for p in trained] == [p.shape for p in initial]
    assert not all(torch.equal(a, b) for a, b in zip(trained, initial))  # it has trained
    again = smooth.train_and_count("gelu", lr=0.01, shift=0.5, seed=3, steps=2)
    assert again.loss == run.loss  # keeping the model changes nothing else


def test_float32_gradient_of_gelu_reaches_zero_further_out_than_its_output():
    gelu = torch.nn.GELU()
    out, _ = smooth.float32_zeros(gelu)
    grad, grad_some = smooth.float32_zeros(gelu, gradient=True)
    assert -7 < grad <= grad_some < out
    z = torch.tensor([grad - 0.5, (grad + out) / 2], requires_grad=True)
    y = gelu(z)
    y.sum().backward()
    assert y.tolist() == [0.0, 0.0] and z.grad[0] == 0 and z.grad[1] != 0


# the best sigmoid fits

def test_best_beta_for_the_gate_is_1702():
    beta, error = smooth.best_beta(gate=True)
    assert beta == pytest.approx(smooth.SIGMOID_GELU_SCALE, abs=1e-3)
    x = np.linspace(-10, 10, 200_001)
    assert error == pytest.approx(np.abs(special.expit(beta * x) - special.ndtr(x)).max(), rel=1e-4)


def test_best_beta_for_swish_against_gelu_beats_1702():
    beta, error = smooth.best_beta()
    at_1702, _ = smooth.max_error(smooth.sigmoid_gelu)
    assert 1.75 < beta < 1.8 and error < at_1702
    for other in (beta - 0.01, beta + 0.01):
        assert smooth.max_error(lambda x, b=other: x * special.expit(b * x))[0] > error
