"""The chapters' experiments: what they return, that a seed repeats them, and chapter 1's claim."""

import numpy as np
import pytest
import torch
from torch import nn

from actlib.experiments import linear_vs_hidden, mean_and_spread, train_classifier


def test_train_classifier_returns_a_model_and_an_accuracy():
    model, acc = train_classifier("moons", [2, 8, 1], "tanh", seed=0, n=100, steps=30)
    assert isinstance(model, nn.Module)
    assert model(torch.zeros(5, 2)).shape == (5, 1)
    assert isinstance(acc, float)
    assert 0.0 <= acc <= 1.0


def test_train_classifier_is_reproducible_for_a_seed():
    model_a, acc_a = train_classifier("xor", [2, 8, 1], "relu", seed=4, n=100, steps=30)
    model_b, acc_b = train_classifier("xor", [2, 8, 1], "relu", seed=4, n=100, steps=30)
    assert acc_a == acc_b
    for p, q in zip(model_a.parameters(), model_b.parameters()):
        torch.testing.assert_close(p, q, rtol=0, atol=0)


def test_train_classifier_seeds_differ():
    model_a, _ = train_classifier("xor", [2, 8, 1], "relu", seed=0, n=100, steps=5)
    model_b, _ = train_classifier("xor", [2, 8, 1], "relu", seed=1, n=100, steps=5)
    assert not torch.equal(model_a[0].weight, model_b[0].weight)


@pytest.fixture(scope="module")
def xor_seed_0():
    return linear_vs_hidden("xor", seed=0)  # the chapter's default sizes


def test_linear_vs_hidden_returns_the_three_labelled_accuracies(xor_seed_0):
    assert set(xor_seed_0) == {"linear", "hidden, identity", "hidden, relu"}
    assert all(0.0 <= acc <= 1.0 for acc in xor_seed_0.values())


def test_linear_vs_hidden_labels_the_chosen_activation():
    result = linear_vs_hidden("xor", seed=0, hidden=2, activation="tanh")
    assert set(result) == {"linear", "hidden, identity", "hidden, tanh"}


def test_relu_network_beats_the_linear_model_on_xor(xor_seed_0):
    # chapter 1's claim: a straight line cannot separate xor, a relu layer can
    assert xor_seed_0["linear"] < 0.65
    assert xor_seed_0["hidden, identity"] < 0.65
    assert xor_seed_0["hidden, relu"] > 0.9
    assert xor_seed_0["hidden, relu"] - xor_seed_0["linear"] > 0.3


def test_mean_and_spread_equals_numpy_mean_and_sample_std():
    runs = [{"a": 0.5, "b": 1.0}, {"a": 0.7, "b": 0.25}, {"a": 0.9, "b": 0.5}]
    result = mean_and_spread(runs)
    assert set(result) == {"a", "b"}
    for key in ("a", "b"):
        values = np.array([run[key] for run in runs])
        mean, spread = result[key]
        assert mean == pytest.approx(values.mean())
        assert spread == pytest.approx(values.std(ddof=1))
    assert result["a"][1] == pytest.approx(0.2)  # sample std of 0.5, 0.7, 0.9


def test_mean_and_spread_of_a_single_run_has_zero_spread():
    assert mean_and_spread([{"linear": 0.5, "hidden, relu": 1.0}]) == {
        "linear": (0.5, 0.0), "hidden, relu": (1.0, 0.0)}
