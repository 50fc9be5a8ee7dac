"""The per-layer plot helpers of chapter 2, checked by what they draw (Agg), never by pixels."""

import matplotlib
import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.colors import same_color

from actlib import plotting

matplotlib.use("Agg")


PROFILES = np.array([[1e-4, 1e-2, 1.0], [4e-4, 4e-2, 4.0]])  # two seeds, three layers


def test_layer_profile_draws_the_geometric_mean_relative_to_the_last_layer(ax):
    assert plotting.plot_layer_profile(ax, PROFILES, color="#CC6677", label="sigmoid") is ax
    (line,) = ax.lines
    np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3])
    np.testing.assert_allclose(line.get_ydata(), [1e-4, 1e-2, 1.0])
    assert same_color(line.get_color(), "#CC6677")
    assert ax.get_yscale() == "log"
    assert sum(isinstance(c, PolyCollection) for c in ax.collections) == 1


def test_layer_profile_absolute_values_and_spread(ax):
    plotting.plot_layer_profile(ax, PROFILES, color="k", label="x", relative=False)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [2e-4, 2e-2, 2.0])
    assert ax.lines[0].get_linestyle() == "-"
    band = ax.collections[0].get_paths()[0].vertices
    assert band[:, 1].min() == pytest.approx(1e-4) and band[:, 1].max() == pytest.approx(4.0)


def test_layer_profile_line_style(ax):
    plotting.plot_layer_profile(ax, PROFILES, color="k", label="x", ls="--")
    assert ax.lines[0].get_linestyle() == "--"


def test_bound_is_the_factor_to_the_layers_above(ax):
    plotting.plot_bound(ax, 4, factor=0.25)
    (line,) = ax.lines
    np.testing.assert_allclose(line.get_ydata(), [0.25**3, 0.25**2, 0.25, 1.0])
    assert line.get_linestyle() == "--"
    assert line.get_label() == "0.25 per layer"


def test_gradient_bars_one_bar_per_layer_relative_to_the_last(ax):
    plotting.plot_gradient_bars(ax, [1e-6, 1e-3, 2.0], color="#882255", ylim=(1e-8, 10))
    heights = [patch.get_height() for patch in ax.patches]
    np.testing.assert_allclose(heights, [5e-7, 5e-4, 1.0])
    assert ax.get_yscale() == "log" and ax.get_ylim() == pytest.approx((1e-8, 10))
    assert not ax.lines


def test_gradient_bars_with_a_bound_draw_the_line_and_a_legend(ax):
    plotting.plot_gradient_bars(ax, [1.0, 1.0, 1.0], color="k", bound=0.25, relative=False)
    assert len(ax.patches) == 3 and len(ax.lines) == 1
    assert ax.get_legend() is not None
    assert "last" not in ax.get_ylabel()


def test_mean_band_draws_the_mean_and_shades_min_to_max(ax):
    x = np.arange(3)
    plotting.plot_mean_band(ax, x, np.array([[0.0, 1.0, 2.0], [2.0, 3.0, 4.0]]),
                            color="#0072B2", label="relu", ls="--")
    (line,) = ax.lines
    np.testing.assert_allclose(line.get_ydata(), [1.0, 2.0, 3.0])
    assert line.get_linestyle() == "--" and line.get_label() == "relu"
    assert len(ax.collections) == 1


def test_per_layer_draws_one_line_per_layer_from_dark_to_light(ax):
    values = np.arange(12.0).reshape(4, 3)  # four steps, three layers
    plotting.plot_per_layer(ax, np.arange(4), values)
    assert len(ax.lines) == 3
    np.testing.assert_allclose(ax.lines[2].get_ydata(), values[:, 2])
    colors = [line.get_color() for line in ax.lines]
    assert len({tuple(c) for c in colors}) == 3
    assert same_color(colors[0], matplotlib.colormaps["viridis"](0.0))
    assert len(ax.figure.axes) == 2  # the colour bar


def test_per_layer_without_a_colour_bar(ax):
    plotting.plot_per_layer(ax, np.arange(2), np.ones((2, 1)), colorbar=False)
    assert len(ax.figure.axes) == 1 and len(ax.lines) == 1
