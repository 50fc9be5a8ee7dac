"""Explorers: the static sweep (an embedded animation) and the ipywidgets explorer."""

import matplotlib
import matplotlib.pyplot as plt
import pytest
from IPython.display import HTML

from actlib.widgets import EXPLORER_CLASS, SWEEP_NOTE, explorer, sweep

matplotlib.use("Agg")


class Recorder:
    """A draw(ax, **values) that remembers each call and draws one point."""

    def __init__(self):
        self.calls = []

    def __call__(self, ax, **values):
        self.calls.append(values)
        ax.plot([0.0], [values.get("w", 0.0)], "o")


@pytest.fixture
def no_new_figures():
    """Closes any figure a test leaves open, so one test cannot leak into the next."""
    before = set(plt.get_fignums())
    yield before
    for num in set(plt.get_fignums()) - before:
        plt.close(num)


# sweep

def test_sweep_returns_html_with_the_animation(no_new_figures):
    values = [-1.0, 0.0, 1.0]
    html = sweep(Recorder(), "w", values, dpi=20)
    assert isinstance(html, HTML)
    assert "<script" in html.data
    assert f"new Array({len(values)})" in html.data  # one embedded frame per value
    assert html.data.count("data:image/png;base64") == len(values)


def test_sweep_closes_its_figure(no_new_figures):
    sweep(Recorder(), "w", [0.0, 1.0], dpi=20)
    assert set(plt.get_fignums()) == no_new_figures


def test_sweep_passes_the_fixed_values_and_each_swept_value(no_new_figures):
    draw = Recorder()
    values = [0.5, 1.5, 2.5, 3.5]
    sweep(draw, "w", values, fixed={"b": -1.0, "activation": "tanh"}, dpi=20)
    assert all(call["b"] == -1.0 and call["activation"] == "tanh" for call in draw.calls)
    assert set(draw.calls[0]) == {"w", "b", "activation"}
    assert {call["w"] for call in draw.calls} == set(values)


def test_sweep_works_with_plot_neuron(no_new_figures):
    from actlib.plotting import plot_neuron

    html = sweep(plot_neuron, "w", [-1.0, 1.0], fixed={"b": 0.5, "activation": "relu"}, dpi=20)
    assert "new Array(2)" in html.data


def test_sweep_says_where_the_live_explorer_is(no_new_figures):
    html = sweep(Recorder(), "w", [-1.0, 1.0], dpi=20)
    assert f'<p class="actlib-sweep-note">{SWEEP_NOTE}</p>' in html.data


# explorer

def test_explorer_returns_an_interactive_with_the_controls(no_new_figures):
    ipywidgets = pytest.importorskip("ipywidgets")
    widget = explorer(Recorder(), w=(-3.0, 3.0, 0.1), activation=["relu", "tanh"])
    assert isinstance(widget, ipywidgets.interactive)
    controls = {control.description: control for control in widget.kwargs_widgets}
    assert set(controls) == {"w", "activation"}
    assert isinstance(controls["w"], ipywidgets.FloatSlider)
    assert (controls["w"].min, controls["w"].max) == (-3.0, 3.0)
    assert isinstance(controls["activation"], ipywidgets.Dropdown)
    assert list(controls["activation"].options) == ["relu", "tanh"]


def test_explorer_carries_the_class_the_static_site_hides(no_new_figures):
    widget = explorer(Recorder(), w=(-3.0, 3.0, 0.1))
    assert EXPLORER_CLASS in widget._dom_classes


def test_explorer_calls_draw_with_the_control_values(no_new_figures):
    ipywidgets = pytest.importorskip("ipywidgets")
    draw = Recorder()
    widget = explorer(draw, w=(-3.0, 3.0, 0.5), activation=["relu", "tanh"])
    assert isinstance(widget, ipywidgets.interactive)
    controls = {control.description: control for control in widget.kwargs_widgets}
    controls["w"].value = 2.0
    controls["activation"].value = "tanh"
    assert draw.calls[-2] == {"w": 2.0, "activation": "relu"}
    assert draw.calls[-1] == {"w": 2.0, "activation": "tanh"}


def test_explorer_controls_start_at_the_given_values(no_new_figures):
    pytest.importorskip("ipywidgets")
    widget = explorer(Recorder(), {"w": 1.5, "name": "tanh"},
                      w=(-3.0, 3.0, 0.25), name=["relu", "tanh"])
    values = {c.description: c.value for c in widget.children if hasattr(c, "value")}
    assert values == {"w": 1.5, "name": "tanh"}


def test_explorer_rejects_a_start_value_without_a_control():
    pytest.importorskip("ipywidgets")
    with pytest.raises(ValueError, match="no control"):
        explorer(Recorder(), {"b": 1.0}, w=(-3.0, 3.0, 0.25))
