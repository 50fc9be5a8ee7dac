"""check_he_init: He's rule passes, each typical mistake gets its own hint."""

import math

import torch
from torch import nn

from actlib.exercises import check_he_init


def he(linear):
    nn.init.normal_(linear.weight, 0.0, math.sqrt(2 / linear.in_features))
    nn.init.zeros_(linear.bias)


def scaled(variance):
    def init(linear):
        n_in, n_out = linear.in_features, linear.out_features
        nn.init.normal_(linear.weight, 0.0, math.sqrt(variance(n_in, n_out)))
        nn.init.zeros_(linear.bias)
    return init


def test_he_normal_and_torch_kaiming_pass(capsys):
    assert check_he_init(he)
    assert check_he_init(lambda m: (nn.init.kaiming_uniform_(m.weight, nonlinearity="relu"),
                                    nn.init.zeros_(m.bias)))
    assert "Correct" in capsys.readouterr().out


def test_fan_out_instead_of_fan_in_is_named(capsys):
    assert not check_he_init(scaled(lambda n_in, n_out: 2 / n_out))
    assert "n_out" in capsys.readouterr().out


def test_missing_factor_two_and_xavier_are_named(capsys):
    assert not check_he_init(scaled(lambda n_in, n_out: 1 / n_in))
    assert "factor 2" in capsys.readouterr().out
    assert not check_he_init(scaled(lambda n_in, n_out: 2 / (n_in + n_out)))
    assert "Xavier" in capsys.readouterr().out


def test_biases_left_alone_and_errors_are_reported(capsys):
    assert not check_he_init(lambda m: nn.init.normal_(m.weight, 0, math.sqrt(2 / 400)))
    assert "biases" in capsys.readouterr().out
    assert not check_he_init(lambda m: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out


def test_the_check_leaves_the_global_random_state_alone():
    torch.manual_seed(3)
    expected = torch.rand(1)
    torch.manual_seed(3)
    check_he_init(he)
    assert torch.equal(torch.rand(1), expected)
