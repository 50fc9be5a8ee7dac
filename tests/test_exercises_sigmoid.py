"""check_sigmoid_derivative: a right answer passes, each typical mistake gets its own hint."""

import numpy as np
import pytest

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


# check_tanh_saturated (chapter 2)

def test_a_right_saturation_mask_passes(capsys):
    from actlib.exercises import check_tanh_saturated

    assert check_tanh_saturated(lambda z: 1 - np.tanh(z) ** 2 < 0.05)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("mask, hint", [
    (lambda z: 1 - np.tanh(z) ** 2 >= 0.05, "inverted"),
    (lambda z: np.abs(np.tanh(z)) > 0.95, "0.975"),
    (lambda z: np.abs(z) > 2.0, "At z = "),
    (lambda z: (np.abs(z) > 2.18).astype(float), "boolean"),
    (lambda z: True, "shape"),
    (lambda z: z.undefined, "AttributeError"),
])
def test_each_wrong_mask_gets_its_hint(capsys, mask, hint):
    from actlib.exercises import check_tanh_saturated

    assert not check_tanh_saturated(mask)
    assert hint in capsys.readouterr().out
