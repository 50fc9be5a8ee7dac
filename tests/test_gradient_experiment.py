"""The digits data, the initialisation schemes and the gradient experiment of chapters 2-3."""

import math

import numpy as np
import pytest
import torch

from actlib import data
from actlib.nn import init_linear, mlp
from actlib.vanishing import gradient_profile


def test_digits_split_is_a_seeded_partition_of_the_1797_images():
    X_train, y_train, X_test, y_test = data.digits(seed=0)
    assert X_train.shape[1] == X_test.shape[1] == 64
    assert len(X_train) + len(X_test) == 1797
    assert len(X_test) == round(0.25 * 1797)
    assert X_train.dtype == np.float32 and y_train.dtype == np.int64
    assert 0.0 <= X_train.min() and X_train.max() <= 1.0
    assert set(np.unique(y_test)) == set(range(10))
    again = data.digits(seed=0)
    other = data.digits(seed=1)
    assert np.array_equal(again[0], X_train)
    assert not np.array_equal(other[0], X_train)


def test_digits_rejects_a_test_fraction_outside_the_unit_interval():
    with pytest.raises(ValueError, match="test_fraction"):
        data.digits(test_fraction=1.0)


def test_xavier_init_has_the_glorot_variance_and_zero_bias():
    layer = init_linear(torch.nn.Linear(400, 600), torch.Generator().manual_seed(0), "xavier")
    expected = 2 / (400 + 600)
    assert layer.weight.var().item() == pytest.approx(expected, rel=0.02)
    bound = math.sqrt(6 / (400 + 600))
    assert layer.weight.abs().max().item() <= bound
    assert torch.count_nonzero(layer.bias) == 0


def test_he_init_has_variance_two_over_fan_in():
    layer = init_linear(torch.nn.Linear(500, 500), torch.Generator().manual_seed(0), "he")
    assert layer.weight.mean().item() == pytest.approx(0.0, abs=0.003)
    assert layer.weight.var().item() == pytest.approx(2 / 500, rel=0.02)


def test_unknown_init_lists_the_schemes():
    with pytest.raises(ValueError, match="default, xavier, he"):
        mlp([2, 3, 1], "relu", seed=0, init="orthogonal")


def test_gradient_experiment_returns_one_norm_per_linear_layer():
    norms = gradient_profile("tanh", depth=3, seed=0, width=16)
    assert len(norms) == 4
    assert all(n > 0 for n in norms)
    assert norms == gradient_profile("tanh", depth=3, seed=0, width=16)


def test_gradient_of_deep_sigmoid_network_vanishes_towards_the_input():
    norms = gradient_profile("sigmoid", depth=10, seed=0, width=32)
    # sigma' <= 1/4 at every layer: ten layers shrink the signal by orders of magnitude
    assert norms[0] < 1e-3 * norms[-1]


def test_gradient_of_he_initialised_relu_network_stays_within_an_order_of_magnitude():
    norms = gradient_profile("relu", depth=10, seed=0, width=64, init="he")
    assert 0.1 < norms[0] / norms[-1] < 10
