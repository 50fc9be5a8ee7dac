"""Dying units, during training and at birth, on networks whose answer is known in advance."""


import numpy as np
import pytest
import torch
from torch import nn

from actlib import diagnostics, dying
from actlib.nn import mlp

INPUTS = torch.randn(64, 2, generator=torch.Generator().manual_seed(0))


# off_fraction, zero_fraction and the hand-built network

def test_hand_built_units_killed_by_hand_are_off_and_dead():
    model = dying.hand_built_net(dead_units=(0, 1))
    assert dying.off_fraction(model, INPUTS) == [0.5, 0.5, 0.5]
    assert diagnostics.dead_fraction(model, INPUTS) == [0.5, 0.5, 0.5]


def test_a_dead_layer_makes_the_network_constant():
    model = dying.hand_built_net(dead_layer=1)
    assert dying.off_fraction(model, INPUTS) == [0.0, 1.0, 0.0]  # the last adds 1/2 to zero
    output = model(INPUTS)
    assert torch.all(output == output[0])  # born dead: a constant function


def test_healthy_hand_built_network_has_no_off_unit():
    model = dying.hand_built_net()
    assert dying.off_fraction(model, INPUTS) == [0.0, 0.0, 0.0]
    output = model(INPUTS)
    assert not torch.all(output == output[0])


def test_zero_fraction_counts_zero_outputs():
    # at x = 0 every first-layer unit outputs ReLU(0 + 1) = 1, the next ones 1.5 and 2
    zeros = torch.zeros(5, 2)
    assert dying.zero_fraction(dying.hand_built_net(), zeros) == [0.0, 0.0, 0.0]
    assert dying.zero_fraction(dying.hand_built_net(dead_units=(3,)), zeros) == [0.25] * 3


def test_zero_fraction_of_a_relu_layer_on_symmetric_inputs_is_about_half():
    model = mlp([2, 256, 1], "relu", seed=0, init="he")
    (fraction,) = dying.zero_fraction(model, torch.randn(512, 2))
    assert 0.4 < fraction < 0.6


def test_off_fraction_equals_dead_fraction_for_relu():
    model = dying.shift_biases(mlp([2, 32, 32, 32, 1], "relu", seed=1, init="he"), 0.5)
    off = dying.off_fraction(model, INPUTS)
    assert off == diagnostics.dead_fraction(model, INPUTS)
    assert any(0.0 < f < 1.0 for f in off)


def test_off_prelu_units_are_counted_but_not_zero():
    model = dying.shift_biases(dying.build("prelu", 2, 8, seed=0, n_in=2, n_out=1), 1000.0)
    assert sum(isinstance(m, nn.PReLU) for m in model) == 2
    off = dying.off_fraction(model, INPUTS)
    assert len(off) == 2 and off[0] == 1.0
    assert dying.zero_fraction(model, INPUTS)[0] == 0.0  # a slope of 0.25 is not a zero


def test_layer_values_needs_an_activation_layer():
    with pytest.raises(ValueError, match="activation"):
        dying.off_fraction(nn.Sequential(nn.Linear(2, 3)), INPUTS)


# build and shift_biases

def test_build_starts_every_activation_from_the_same_weights():
    nets = [dying.build(name, 3, 16, seed=4) for name in dying.ACTIVATIONS]
    linears = [[m for m in net if isinstance(m, nn.Linear)] for net in nets]
    for other in linears[1:]:
        for a, b in zip(linears[0], other):
            assert torch.equal(a.weight, b.weight) and torch.equal(a.bias, b.bias)
    prelu = nets[dying.ACTIVATIONS.index("prelu")][1]
    assert isinstance(prelu, nn.PReLU) and prelu.weight.shape == (16,)


def test_shift_biases_lowers_hidden_biases_only():
    model = mlp([4, 8, 8, 3], "relu", seed=0)
    before = [m.bias.clone() for m in model if isinstance(m, nn.Linear)]
    dying.shift_biases(model, 2.0)
    after = [m.bias for m in model if isinstance(m, nn.Linear)]
    assert torch.allclose(after[0], before[0] - 2.0)
    assert torch.allclose(after[1], before[1] - 2.0)
    assert torch.equal(after[2], before[2])  # the output layer feeds no activation


# train_and_watch

def test_train_and_watch_records_what_it_promises():
    run = dying.train_and_watch("elu", lr=0.01, steps=4, every=2, depth=2, width=8)
    assert run.steps == [0, 2, 4]
    assert np.asarray(run.off).shape == (3, 2)
    assert len(run.loss) == 4
    assert 0.0 <= run.test_accuracy <= 1.0


def test_relu_units_killed_by_a_bias_shift_stay_dead():
    run = dying.train_and_watch("relu", lr=0.01, shift=100.0, steps=6, every=1, depth=2, width=8)
    assert all(off == [1.0, 1.0] for off in run.off)


def test_train_and_watch_repeats_for_a_seed():
    a, b = (dying.train_and_watch("prelu", lr=0.01, seed=3, steps=3, every=1, depth=2, width=8)
            for _ in range(2))
    assert a == b


def test_mean_off_and_mean_accuracy_average_the_end_of_each_run():
    runs = [dying.DyingRun([0, 5], [[1.0, 1.0], [0.5, 0.0]], [2.0], 0.8),
            dying.DyingRun([0, 5], [[0.0, 0.0], [1.0, 0.5]], [2.0], 0.6)]
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


# check_is_born_dead

def right(model, inputs):
    h = inputs
    for layer in model:
        h = layer(h)
        if dying.is_unit_layer(layer) and bool((h == 0).all()):
            return True
    return False


def only_last_layer(model, inputs):
    return bool((model[:-1](inputs) == 0).all())


def any_dead_unit(model, inputs):
    return any(f > 0 for f in dying.off_fraction(model, inputs))


@pytest.mark.parametrize("seed", [0, 1, 1000])
def test_check_is_born_dead_accepts_a_right_answer(capsys, seed):
    assert dying.check_is_born_dead(right, seed=seed)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize(("wrong", "hint"), [(only_last_layer, "every activation layer"),
                                             (any_dead_unit, "A few dead units")])
def test_check_is_born_dead_explains_a_wrong_answer(capsys, wrong, hint):
    assert not dying.check_is_born_dead(wrong)
    assert hint in capsys.readouterr().out


def test_check_is_born_dead_accepts_a_tensor_and_rejects_a_non_boolean(capsys):
    assert dying.check_is_born_dead(lambda m, x: torch.tensor(right(m, x)))
    assert not dying.check_is_born_dead(lambda m, x: "no")
    assert "True or False" in capsys.readouterr().out
