"""Chapter 1's universal approximation: hinges by hand, trained 1-D networks, the x² limit."""

import numpy as np
import pytest
import torch

from actlib.experiments.nonlinearity import (
    Hinges,
    Square,
    fit_widths,
    hinge_interpolant,
    knots_of,
    predict_1d,
    rms_error,
)
from actlib.nn import mlp
from actlib.train import fit


def f(x):
    return np.sin(2 * x)


def test_hinge_interpolant_passes_through_the_knots_and_is_straight_between():
    knots = np.array([-2.0, -0.5, 0.3, 2.0])
    g = hinge_interpolant(f, knots)
    np.testing.assert_allclose(g(knots), f(knots), atol=1e-12)
    middle = (knots[:-1] + knots[1:]) / 2
    np.testing.assert_allclose(g(middle), (f(knots[:-1]) + f(knots[1:])) / 2, atol=1e-12)


def test_hat_function_on_its_base_is_two_hinges():
    # on [-1, 1] the hat is relu(x + 1) - 2 relu(x); the third hinge, relu(x - 1), acts beyond
    hat = hinge_interpolant(lambda x: np.maximum(0.0, 1 - np.abs(x)), np.array([-1.0, 0, 1]))
    assert isinstance(hat, Hinges) and hat.offset == 0.0
    np.testing.assert_array_equal(hat.knots, [-1.0, 0.0])
    np.testing.assert_array_equal(hat.slopes, [1.0, -2.0])
    np.testing.assert_allclose(hat(np.array([-1.0, -0.5, 0.0, 0.5, 1.0])), [0, 0.5, 1, 0.5, 0])


def test_a_line_needs_one_hinge_of_its_slope():
    g = hinge_interpolant(lambda x: 3 * x + 1, np.linspace(0, 1, 5))
    np.testing.assert_allclose(g.slopes, [3.0, 0, 0, 0], atol=1e-12)
    assert g.offset == pytest.approx(1.0)


def test_hinges_network_computes_the_same_function():
    g = hinge_interpolant(f, np.linspace(-2, 2, 9))
    x = np.linspace(-2, 2, 101)
    np.testing.assert_allclose(predict_1d(g.network(), x), g(x), atol=1e-5)
    assert knots_of(g.network()) == pytest.approx(g.knots)


def test_interpolation_error_falls_as_n_to_the_minus_two():
    errors = [rms_error(hinge_interpolant(f, np.linspace(-2, 2, n + 1)), f, (-2, 2))
              for n in (16, 32, 64)]
    assert np.log2(errors[0] / errors[1]) == pytest.approx(2, abs=0.1)
    assert np.log2(errors[1] / errors[2]) == pytest.approx(2, abs=0.1)


@pytest.mark.parametrize("knots", [[0.0], [1.0, 0.0], [0.0, 0.0, 1.0], [[0.0, 1.0]]])
def test_hinge_interpolant_rejects_bad_knots(knots):
    with pytest.raises(ValueError, match="increasing"):
        hinge_interpolant(f, np.array(knots))


def test_knots_of_reads_minus_b_over_w_and_skips_flat_units():
    model = mlp([1, 3, 1], "relu", seed=0)
    with torch.no_grad():
        model[0].weight.copy_(torch.tensor([[2.0], [0.0], [-1.0]]))
        model[0].bias.copy_(torch.tensor([1.0, 5.0, 1.0]))
    np.testing.assert_allclose(knots_of(model), [-0.5, 1.0])


def test_fit_widths_matches_training_each_network_alone():
    runs = fit_widths(f, [3, 5], "relu", [7, 8], steps=20, lr=0.05, n_points=50)
    x = np.linspace(-2, 2, 50, dtype=np.float32)
    for n in (3, 5):
        for run in runs[n]:
            alone = mlp([1, n, 1], "relu", seed=run.seed)
            fit(alone, x[:, None], f(x).astype(np.float32), steps=20, lr=0.05, loss="mse")
            np.testing.assert_allclose(predict_1d(run.model, x), predict_1d(alone, x),
                                       atol=1e-4)
            assert run.name == f"relu, width {n}" and len(run.loss) == 20


def test_fit_widths_reduces_the_error():
    runs = fit_widths(f, [16], "relu", [0], steps=300)
    assert runs[16][0].loss[-1] < runs[16][0].loss[0] / 10
    assert runs[16][0]["rms"] < 0.2


def test_square_network_is_a_parabola_whatever_its_width():
    runs = fit_widths(f, [32], "square", [0], steps=100)
    x = np.linspace(-2, 2, 201)
    y = predict_1d(runs[32][0].model, x)
    parabola = np.polyval(np.polyfit(x, y, 2), x)
    assert np.abs(y - parabola).max() < 1e-4 * np.abs(y).max()
    assert isinstance(runs[32][0].model[1], Square)


def test_fit_widths_names_the_valid_activations():
    with pytest.raises(ValueError, match="square"):
        fit_widths(f, [2], "cube", [0], steps=1)
