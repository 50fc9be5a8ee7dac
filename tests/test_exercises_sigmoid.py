"""check_sigmoid_derivative: a right answer passes, each typical mistake gets its own hint."""

import numpy as np

import actlib
from actlib.exercises import check_sigmoid_derivative

sigma = actlib.get("sigmoid")


def test_a_stable_answer_passes(capsys):
    assert check_sigmoid_derivative(lambda x: sigma(x) * (1 - sigma(x)))
    assert "Correct" in capsys.readouterr().out


def test_actlib_own_derivative_passes():
    assert check_sigmoid_derivative(sigma.derivative)


def test_an_answer_that_overflows_in_the_tails_is_told_so(capsys):
    def naive(x):
        return np.exp(-x) / (1 + np.exp(-x)) ** 2

    assert not check_sigmoid_derivative(naive)
    assert "overflows" in capsys.readouterr().out


def test_sigma_itself_is_recognised(capsys):
    assert not check_sigmoid_derivative(sigma)
    assert "σ(x) itself" in capsys.readouterr().out


def test_a_wrong_formula_gets_the_worst_point_and_a_hint(capsys):
    assert not check_sigmoid_derivative(lambda x: sigma(x) * (1 + sigma(x)))
    out = capsys.readouterr().out
    assert "At x = " in out and "1/4" in out


def test_a_scalar_answer_gets_a_shape_message(capsys):
    assert not check_sigmoid_derivative(lambda x: 0.25)
    assert "shape" in capsys.readouterr().out


def test_an_answer_wrong_only_far_out_is_caught(capsys):
    def clipped(x):
        return np.where(np.abs(x) > 100, 0.25, sigma(x) * (1 - sigma(x)))

    assert not check_sigmoid_derivative(clipped)
    assert "±1000" in capsys.readouterr().out
