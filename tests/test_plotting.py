"""Plot helpers, checked by what they draw on the axes (Agg backend), never by pixels."""

import matplotlib
import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.colors import same_color, to_hex
from matplotlib.contour import ContourSet

import actlib
from actlib import plotting
from actlib.plotting import COLORS

matplotlib.use("Agg")


def curves(ax):
    """The plotted curves, leaving out axhline/axvline (two points in axes coordinates)."""
    return [line for line in ax.lines if len(line.get_xdata()) > 2]


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def two_classes(n=40):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, 2)).astype(np.float32)
    return X, (X[:, 0] > 0).astype(np.float32)


# plot_activation

def test_plot_activation_draws_function_and_derivative_on_minus_five_to_five(ax):
    plotting.plot_activation(ax, "tanh")
    function, derivative = curves(ax)
    x = function.get_xdata()
    assert (x.min(), x.max()) == (-5.0, 5.0)
    np.testing.assert_allclose(function.get_ydata(), np.tanh(x))
    np.testing.assert_allclose(derivative.get_ydata(), 1 - np.tanh(x) ** 2)
    np.testing.assert_array_equal(derivative.get_xdata(), x)


def test_plot_activation_uses_the_activation_colour_for_both_lines(ax):
    plotting.plot_activation(ax, "relu")
    assert len(curves(ax)) == 2
    for line in curves(ax):
        assert same_color(line.get_color(), COLORS["relu"])


def test_derivative_is_dashed(ax):
    plotting.plot_activation(ax, "gelu")
    function, derivative = curves(ax)
    assert function.get_linestyle() == "-"
    assert derivative.get_linestyle() == "--"


def test_plot_activation_without_derivative_draws_one_line(ax):
    plotting.plot_activation(ax, "sigmoid", derivative=False)
    (function,) = curves(ax)
    np.testing.assert_allclose(function.get_ydata(), sigmoid(function.get_xdata()))


def test_plot_activation_accepts_an_activation(ax):
    act = actlib.get("swish", beta=2.0)
    plotting.plot_activation(ax, act, label="swish, β = 2")
    function, _ = curves(ax)
    x = function.get_xdata()
    np.testing.assert_allclose(function.get_ydata(), x * sigmoid(2 * x))
    assert same_color(function.get_color(), COLORS["swish"])
    assert function.get_label() == "swish, β = 2"


def test_plot_activation_labels_lines_with_the_name_by_default(ax):
    plotting.plot_activation(ax, "elu")
    function, derivative = curves(ax)
    assert function.get_label() == "elu"
    assert derivative.get_label().startswith("elu")
    assert derivative.get_label() != "elu"


# colours

def test_every_activation_has_a_colour():
    assert set(actlib.names()) <= set(COLORS)


def test_activation_colours_are_distinct():
    hexes = [to_hex(c) for c in COLORS.values()]
    assert len(set(hexes)) == len(hexes)


@pytest.mark.parametrize("name", actlib.names())
def test_color_returns_the_course_colour(name):
    assert plotting.color(name) == COLORS[name]


def test_color_of_unknown_name_raises():
    with pytest.raises(ValueError, match="softsign"):
        plotting.color("softsign")


def test_activation_grid_is_minus_five_to_five():
    x = plotting.activation_grid()
    assert (x[0], x[-1]) == (-5.0, 5.0)
    assert 0.0 in x  # an odd number of points puts one at the kink of relu


# plot_neuron

@pytest.mark.parametrize(("activation", "fn"), [
    ("relu", lambda z: np.maximum(z, 0)), ("tanh", np.tanh), ("sigmoid", sigmoid),
])
def test_plot_neuron_draws_pre_activation_and_output(ax, activation, fn):
    w, b = 1.5, -0.5
    plotting.plot_neuron(ax, w, b, activation)
    z_line, a_line = curves(ax)
    x = z_line.get_xdata()
    assert (x.min(), x.max()) == (-5.0, 5.0)
    np.testing.assert_allclose(z_line.get_ydata(), w * x + b)
    np.testing.assert_allclose(a_line.get_ydata(), fn(w * x + b))
    assert same_color(a_line.get_color(), COLORS[activation])


# plot_classes and plot_decision_boundary

def test_plot_classes_draws_one_collection_per_class(ax):
    X, y = two_classes()
    plotting.plot_classes(ax, X, y)
    assert len(ax.collections) == 2
    for label, collection in enumerate(ax.collections):
        assert isinstance(collection, PathCollection)
        np.testing.assert_array_equal(collection.get_offsets(), X[y == label])
    first, second = (c.get_facecolor()[0] for c in ax.collections)
    assert not same_color(first, second)


def test_plot_decision_boundary_draws_contours_and_points(ax):
    X, y = two_classes()
    plotting.plot_decision_boundary(ax, lambda P: sigmoid(P[:, 0]), X, y, resolution=50)
    contours = [c for c in ax.collections if isinstance(c, ContourSet)]
    points = [c for c in ax.collections if not isinstance(c, ContourSet)]
    assert len(contours) == 2  # shading, and the p = 0.5 line
    assert len(points) == 2
    assert sum(len(c.get_offsets()) for c in points) == len(X)


def test_decision_boundary_line_is_where_the_probability_is_one_half(ax):
    X, y = two_classes()
    plotting.plot_decision_boundary(ax, lambda P: sigmoid(P[:, 0]), X, y, resolution=51)
    (line,) = [c for c in ax.collections if isinstance(c, ContourSet) and not c.filled]
    assert list(line.levels) == [0.5]
    vertices = np.concatenate([path.vertices for path in line.get_paths()])
    assert len(vertices) > 0
    # σ(x0) = 1/2 at x0 = 0; contour interpolates linearly between grid points
    np.testing.assert_allclose(vertices[:, 0], 0.0, atol=1e-3)


# plot_warped_grid

def test_warped_grid_under_identity_draws_two_families_of_straight_lines(ax):
    plotting.plot_warped_grid(ax, lambda P: P, lim=2.0, lines=5)
    assert len(ax.lines) == 10
    for line in ax.lines:
        x, y = line.get_xdata(), line.get_ydata()
        assert np.ptp(x) == 0 or np.ptp(y) == 0  # horizontal or vertical
    levels = sorted({line.get_ydata()[0] for line in ax.lines if np.ptp(line.get_ydata()) == 0})
    np.testing.assert_allclose(levels, np.linspace(-2, 2, 5))


def straightness(line) -> float:
    """The largest distance of a point of the line from the chord joining its ends."""
    points = np.column_stack([line.get_xdata(), line.get_ydata()])
    chord = points[-1] - points[0]
    normal = np.array([-chord[1], chord[0]]) / np.linalg.norm(chord)
    return float(np.abs((points - points[0]) @ normal).max())


def test_warped_grid_keeps_lines_straight_under_a_linear_map(ax):
    A = np.array([[1.0, 0.5], [-0.3, 2.0]])
    plotting.plot_warped_grid(ax, lambda P: P @ A.T, lines=7)
    assert len(ax.lines) == 14
    assert max(straightness(line) for line in ax.lines) < 1e-9


def test_warped_grid_bends_lines_under_a_tanh_layer(ax):
    A = np.array([[1.0, 0.5], [-0.3, 2.0]])  # tanh alone keeps axis-parallel lines straight
    plotting.plot_warped_grid(ax, lambda P: np.tanh(P @ A.T), lim=2.0, lines=5)
    assert max(straightness(line) for line in ax.lines) > 0.1


# contract shared by every helper

def draw_every_helper(ax):
    X, y = two_classes()
    return [
        plotting.plot_activation(ax, "mish"),
        plotting.plot_activation(ax, actlib.get("leaky_relu"), derivative=False),
        plotting.plot_neuron(ax, 2.0, 1.0, "elu"),
        plotting.plot_classes(ax, X, y),
        plotting.plot_decision_boundary(ax, lambda P: sigmoid(P.sum(axis=1)), X, y,
                                        resolution=20),
        plotting.plot_warped_grid(ax, np.tanh, lines=3),
    ]


def test_every_helper_returns_the_ax_it_was_given(ax):
    assert all(returned is ax for returned in draw_every_helper(ax))


def test_no_helper_changes_rcparams(ax):
    before = matplotlib.rcParams.copy()
    draw_every_helper(ax)
    assert dict(matplotlib.rcParams) == dict(before)
