"""Chapter 3's dying units: training with lowered biases, and networks born dead."""

import numpy as np
import pytest

from actlib.experiments import dying
from actlib.train import Run

# train_shifted

def test_train_shifted_records_what_it_promises():
    run = dying.train_shifted("elu", lr=0.01, steps=4, every=2, depth=2, width=8)
    assert isinstance(run, Run) and (run.name, run.seed) == ("elu", 0)
    assert run.steps == [0, 2, 4]
    assert run["off"].shape == (3, 2)
    assert len(run.loss) == 4
    assert 0.0 <= run["test_accuracy"] <= 1.0


def test_relu_units_killed_by_a_bias_shift_stay_dead():
    run = dying.train_shifted("relu", lr=0.01, shift=100.0, steps=6, every=1, depth=2, width=8)
    assert run["off"].shape == (7, 2) and np.all(run["off"] == 1.0)


def test_train_shifted_repeats_for_a_seed():
    a, b = (dying.train_shifted("prelu", lr=0.01, seed=3, steps=3, every=1, depth=2, width=8)
            for _ in range(2))
    assert a == b


def test_mean_off_and_mean_accuracy_average_the_end_of_each_run():
    runs = [Run("relu", 0, [2.0], [0, 5], {"off": np.array([[1.0, 1.0], [0.5, 0.0]])},
                {"test_accuracy": 0.8}),
            Run("relu", 1, [2.0], [0, 5], {"off": np.array([[0.0, 0.0], [1.0, 0.5]])},
                {"test_accuracy": 0.6})]
    assert dying.mean_off(runs) == pytest.approx((0.25 + 0.75) / 2)
    assert dying.mean_accuracy(runs) == pytest.approx(0.7)


# born_dead_by_depth

def test_width_one_network_dies_as_the_formula_says():
    # width 1, zero biases: a layer after the first dies exactly when its weight is negative,
    # so P(born dead at depth L) = 1 - 2^-(L - 1)
    trials = 4000
    p = dying.born_dead_by_depth(6, 1, trials=trials, seed=0)
    expected = 1 - 2.0 ** -np.arange(6)
    assert p[0] == 0.0
    assert np.all(np.abs(p - expected) < 4 * np.sqrt(0.25 / trials))


def test_wide_shallow_network_is_never_born_dead():
    assert np.all(dying.born_dead_by_depth(2, 64, trials=500, d_in=4) == 0.0)


def test_born_dead_probability_grows_with_depth_and_repeats():
    p = dying.born_dead_by_depth(20, 2, trials=500, seed=1)
    assert np.all(np.diff(p) >= 0)
    assert p[-1] > 0.8
    np.testing.assert_array_equal(p, dying.born_dead_by_depth(20, 2, trials=500, seed=1))


def test_leaky_relu_networks_are_never_born_dead():
    assert np.all(dying.born_dead_by_depth(20, 2, trials=200, activation="leaky_relu") == 0.0)


def test_born_dead_rejects_bad_sizes():
    with pytest.raises(ValueError):
        dying.born_dead_by_depth(0, 4)
    with pytest.raises(ValueError, match="unknown activation"):
        dying.born_dead_by_depth(3, 4, activation="relu6")
