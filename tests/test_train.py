"""The training loop: the loss falls, runs repeat exactly, and the prediction helpers."""


import numpy as np
import pytest
import torch
from torch import nn

from actlib import data
from actlib.nn import mlp
from actlib.train import LOSSES, accuracy, fit, predict, predict_proba


def toy_set(n=100, seed=0):
    return data.xor(n=n, noise=0.1, seed=seed)


def x_zero_model() -> nn.Linear:
    """A Linear layer whose logit is x0, so its class is x0 > 0."""
    model = nn.Linear(2, 1)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[1.0, 0.0]]))
        model.bias.zero_()
    return model


def test_fit_lowers_the_loss():  # how long it takes belongs in the build log, not in a test
    X, y = toy_set()
    history = fit(mlp([2, 16, 1], "relu", seed=0), X, y, steps=100, lr=0.05)
    assert history.loss[-1] < 0.5 * history.loss[0]


def test_history_has_one_entry_per_step():
    X, y = toy_set(n=20)
    history = fit(mlp([2, 4, 1], seed=0), X, y, steps=7)
    assert len(history.loss) == 7
    assert all(isinstance(value, float) for value in history.loss)


def test_first_entry_is_the_loss_of_the_initial_model():
    X, y = toy_set(n=20)
    model = mlp([2, 4, 1], seed=0)
    with torch.no_grad():
        logits = model(torch.as_tensor(X))[:, 0]
    expected = nn.functional.binary_cross_entropy_with_logits(logits, torch.as_tensor(y))
    history = fit(model, X, y, steps=1)
    assert history.loss[0] == pytest.approx(expected.item(), rel=1e-6)


def test_same_seeded_model_gives_identical_histories():
    X, y = toy_set()
    first = fit(mlp([2, 8, 1], "tanh", seed=5), X, y, steps=50)
    second = fit(mlp([2, 8, 1], "tanh", seed=5), X, y, steps=50)
    assert first.loss == second.loss


def test_unknown_loss_lists_the_losses():
    X, y = toy_set(n=10)
    with pytest.raises(ValueError, match="hinge") as info:
        fit(mlp([2, 1], seed=0), X, y, loss="hinge")
    for name in LOSSES:
        assert name in str(info.value)


def test_mse_loss_trains_a_linear_regression():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 2)).astype(np.float32)
    y = (X @ np.array([2.0, -1.0]) + 0.5).astype(np.float32)
    history = fit(mlp([2, 1], seed=0), X, y, steps=200, lr=0.1, loss="mse")
    assert history.loss[-1] < 1e-3 * history.loss[0]


def test_cross_entropy_with_three_classes():
    rng = np.random.default_rng(0)
    centres = np.array([[3.0, 0.0], [-3.0, 3.0], [-3.0, -3.0]])
    y = rng.integers(0, 3, size=90)
    X = (centres[y] + 0.3 * rng.standard_normal((90, 2))).astype(np.float32)
    model = mlp([2, 8, 3], "relu", seed=0)
    history = fit(model, X, y.astype(np.float32), steps=100, lr=0.05, loss="cross_entropy")
    assert history.loss[-1] < 0.5 * history.loss[0]
    assert accuracy(model, X, y) == 1.0


def test_predict_of_several_outputs_is_the_argmax():
    X = np.random.default_rng(1).standard_normal((30, 2)).astype(np.float32)
    model = mlp([2, 5, 3], seed=0)
    with torch.no_grad():
        expected = model(torch.as_tensor(X)).argmax(dim=1).numpy()
    labels = predict(model, X)
    assert labels.dtype == np.int64
    np.testing.assert_array_equal(labels, expected)


def test_predict_of_one_output_is_logit_above_zero():
    X = np.array([[-2.0, 1.0], [-0.1, 5.0], [0.1, -5.0], [3.0, 0.0]], dtype=np.float32)
    np.testing.assert_array_equal(predict(x_zero_model(), X), [0, 0, 1, 1])


def test_predict_proba_is_sigmoid_of_the_logit():
    X = np.random.default_rng(2).standard_normal((40, 2)).astype(np.float32) * 5
    model = mlp([2, 6, 1], seed=0)
    with torch.no_grad():
        expected = torch.sigmoid(model(torch.as_tensor(X))[:, 0]).numpy()
    p = predict_proba(model, X)
    assert p.shape == (40,)
    np.testing.assert_allclose(p, expected, rtol=1e-6)
    assert np.all((p >= 0) & (p <= 1))


def test_accuracy_of_a_model_with_known_weights():
    X = np.random.default_rng(3).standard_normal((50, 2)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(np.float32)  # the model sees x0 only
    expected = np.mean((X[:, 0] > 0) == (y == 1))
    assert 0 < expected < 1
    assert accuracy(x_zero_model(), X, y) == pytest.approx(expected)


def test_callback_is_called_once_per_step_with_the_step_index():
    X, y = toy_set(n=20)
    model = mlp([2, 4, 1], seed=0)
    calls = []
    fit(model, X, y, steps=5, callback=lambda step, m: calls.append((step, m)))
    assert [step for step, _ in calls] == [0, 1, 2, 3, 4]
    assert all(m is model for _, m in calls)
