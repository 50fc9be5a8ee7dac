"""The training loop: the loss falls, runs repeat exactly, the prediction helpers, and Run."""

import dataclasses

import numpy as np
import pytest
import torch
from torch import nn

from actlib import data
from actlib.nn import mlp
from actlib.train import (
    LOSSES,
    Run,
    accuracy,
    fit,
    one_thread,
    predict,
    predict_proba,
    torch_threads,
    train_and_watch,
)


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


# the thread count

@pytest.mark.parametrize("block", [one_thread, lambda: torch_threads(1)],
                         ids=["one_thread", "torch_threads"])
def test_thread_count_is_restored_even_after_an_error(block):
    with torch_threads(2):
        with pytest.raises(RuntimeError), block():
            assert torch.get_num_threads() == 1
            raise RuntimeError("inside")
        assert torch.get_num_threads() == 2


# Run: the record every experiment returns

def a_run(**changes) -> Run:
    fields = {"name": "relu", "seed": 0, "loss": [2.0, 1.0], "steps": [0, 2],
              "watched": {"gradients": np.array([[1.0, 2.0], [0.5, 1.5]])},
              "final": {"test_accuracy": 0.75}}
    return Run(**{**fields, **changes})


def test_run_looks_up_watched_measures_then_final_ones():
    run = a_run()
    np.testing.assert_array_equal(run["gradients"], [[1.0, 2.0], [0.5, 1.5]])
    assert run["test_accuracy"] == 0.75
    run.final["gradients"] = "final"  # only mutation can put one name in both
    assert isinstance(run["gradients"], np.ndarray)


def test_a_missing_measure_is_a_key_error_listing_the_measures():
    with pytest.raises(KeyError, match="'dead'.*gradients, test_accuracy"):
        a_run()["dead"]
    with pytest.raises(KeyError, match="none"):
        Run("relu", 0, [1.0])["dead"]


def test_run_rejects_a_name_both_watched_and_final():
    with pytest.raises(ValueError, match="gradients"):
        a_run(final={"gradients": [1.0], "test_accuracy": 0.5})


def test_run_rejects_watched_rows_that_do_not_match_the_steps():
    with pytest.raises(ValueError, match="rows"):
        a_run(steps=[0, 2, 4])
    with pytest.raises(ValueError, match="saturation"):
        a_run(watched={"gradients": np.ones((2, 2)), "saturation": np.ones((3, 1))})


def test_run_is_frozen():
    run = a_run()
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.loss = []


def test_runs_compare_their_numbers_and_not_their_model():
    assert a_run() == a_run(model=nn.Linear(2, 2))
    assert a_run() != a_run(watched={"gradients": np.array([[1.0, 2.0], [0.5, 1.0]])})
    assert a_run() != a_run(final={"test_accuracy": 0.5})


# train_and_watch

def watched_run(**kwargs) -> tuple[Run, nn.Module]:
    X, y = toy_set(n=20)
    model = mlp([2, 4, 2], "relu", seed=0)
    settings = {"name": "relu", "seed": 0, "steps": 7, "lr": 0.1, "every": 3,
                "watch": {"w": lambda m: m[0].weight[0, 0].item()}, **kwargs}
    return train_and_watch(model, X, y, **settings), model


def test_train_and_watch_measures_before_training_and_every_few_steps():
    first = mlp([2, 4, 2], "relu", seed=0)[0].weight[0, 0].item()
    run, model = watched_run()
    assert (run.name, run.seed, run.steps, len(run.loss)) == ("relu", 0, [0, 3, 6], 7)
    assert run["w"].shape == (3,) and run["w"][0] == first
    assert run["w"][1] != first


def test_train_and_watch_trains_as_fit_does():
    run, model = watched_run()
    X, y = toy_set(n=20)
    history = fit(mlp([2, 4, 2], "relu", seed=0), X, y, steps=7, lr=0.1, loss="cross_entropy")
    assert run.loss == history.loss


def test_nothing_watched_means_no_steps():
    run, _ = watched_run(watch=None)
    assert run.steps == [] and run.watched == {} and len(run.loss) == 7


def test_after_measures_are_taken_once_on_the_trained_model():
    calls = []
    after = {"accuracy": lambda m: calls.append(m) or accuracy(m, *toy_set(n=20))}
    run, model = watched_run(after=after, keep_model=True)
    assert len(calls) == 1 and calls[0] is model and run.model is model
    assert run["accuracy"] == accuracy(model, *toy_set(n=20))
    assert watched_run()[0].model is None


@pytest.mark.parametrize("bad", [{"steps": 0}, {"every": 0}, {"every": -1}, {"loss": "hinge"},
                                 {"optimizer": "lbfgs"}], ids=str)
def test_train_and_watch_rejects_bad_arguments(bad):
    with pytest.raises(ValueError):
        watched_run(**bad)


def test_train_and_watch_trains_on_one_thread_and_restores_the_count():
    with torch_threads(2):
        run, _ = watched_run(watch={"threads": lambda m: torch.get_num_threads()})
        assert torch.get_num_threads() == 2
    assert run["threads"].tolist() == [1, 1, 1]
