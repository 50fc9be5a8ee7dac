"""check_hinge_knots: good knots pass, even spacing fails, each malformed answer is told why."""

import numpy as np
import pytest

from actlib.exercises import check_hinge_knots

GOOD = [-2.0, -0.9, -0.5, -0.2, 0.0, 0.2, 0.5, 0.9, 2.0]  # 8 hinges, error about 0.02


def test_knots_placed_where_the_curve_bends_pass(capsys):
    assert check_hinge_knots(GOOD)
    assert "Correct" in capsys.readouterr().out


def test_evenly_spaced_knots_are_too_coarse_and_get_a_hint(capsys):
    assert not check_hinge_knots(np.linspace(-2, 2, 9))  # error about 0.066
    out = capsys.readouterr().out
    assert "0.066" in out and "bends" in out


def test_more_hinges_than_the_budget_are_refused(capsys):
    assert not check_hinge_knots(np.linspace(-2, 2, 41))  # 40 hinges would pass the tolerance
    assert "budget is 8" in capsys.readouterr().out


@pytest.mark.parametrize(("knots", "message"), [
    ([-2.0, 0.5, 0.0, 2.0], "increasing"),
    ([-2.0, 0.0, 0.0, 2.0], "increasing"),
    ([-1.0, 0.0, 2.0], "start at -2"),
    ([-2.0, 0.0, 1.5], "start at -2"),
    ([0.0], "at least two"),
    ([[-2.0, 2.0]], "at least two"),
    ([-2.0, float("nan"), 2.0], "at least two"),
])
def test_malformed_knots_are_told_what_is_wrong(knots, message, capsys):
    assert not check_hinge_knots(knots)
    assert message in capsys.readouterr().out


def test_the_budget_and_tolerance_can_be_changed():
    assert check_hinge_knots(np.linspace(-2, 2, 41), max_hinges=40)
    assert not check_hinge_knots(GOOD, tol=0.01)
