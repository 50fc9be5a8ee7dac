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


# distributions and saturation maps

def test_layer_distributions_draw_one_violin_per_layer(ax):
    samples = [np.linspace(-1, 1, 50).reshape(5, 10), np.linspace(0, 2, 30)]
    assert plotting.plot_layer_distributions(ax, samples, color="#882255", shift=0.2) is ax
    bodies = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bodies) == 2
    assert ax.collections[-1].get_segments()[0][0][0] == pytest.approx(1.2 - 0.7 / 4)


def test_layer_distributions_on_a_log_scale_drop_zeros(ax):
    samples = [np.array([0.0, 1e-3, 1e-2, 1e-1]), np.array([0.0, 1.0, 10.0])]
    plotting.plot_layer_distributions(ax, samples, color="k", log=True)
    medians = ax.collections[-1].get_segments()
    assert [seg[0][1] for seg in medians] == pytest.approx([-2.0, 0.5])
    assert ax.yaxis.get_major_formatter()(-3, 0) == "$10^{-3}$"


def test_layer_distributions_refuse_an_all_zero_layer_on_a_log_scale(ax):
    with pytest.raises(ValueError, match="layer 2"):
        plotting.plot_layer_distributions(ax, [np.ones(3), np.zeros(3)], color="k", log=True)


def test_saturation_map_draws_layers_side_by_side(ax):
    maps = [np.eye(4, 3, dtype=bool), np.ones((4, 5), dtype=bool)]
    assert plotting.plot_saturation_map(ax, maps) is ax
    (image,) = ax.images
    assert image.get_array().shape == (4, 8)
    assert len(ax.lines) == 1  # one separator between two layers
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2"]


def test_saturation_map_needs_the_same_inputs_in_every_layer(ax):
    with pytest.raises(ValueError, match="same number of inputs"):
        plotting.plot_saturation_map(ax, [np.zeros((3, 2), bool), np.zeros((4, 2), bool)])
