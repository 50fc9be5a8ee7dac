"""Explorers: one drawing function, two front ends.

A chapter writes ``draw(ax, **values)`` once. :func:`explorer` wraps it in ipywidgets
controls for readers with a running kernel; :func:`sweep` plays the same drawing over a range
of one parameter as a JavaScript animation that runs on the static site with no kernel.
ipywidgets is imported only when an explorer is made.

On the static site a slider would move and redraw nothing, since no Python runs there: the
site hides every explorer (it carries the CSS class :data:`EXPLORER_CLASS`), and each sweep
says under its controls how to get the live explorer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from html import escape
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.animation import FuncAnimation

__all__ = ["EXPLORER_CLASS", "SWEEP_NOTE", "explorer", "sweep"]

Draw = Callable[..., Any]  # draw(ax, **values) draws on ax

#: The CSS class of every explorer; the site's stylesheet (site/offline_site.py) hides it.
EXPLORER_CLASS = "actlib-explorer"
#: The line under every animation, which says where the live version of the figure is.
SWEEP_NOTE = ("This animation plays on any page. To set the values yourself, run the chapter "
              "(the rocket button at the top of the page, or <code>make lab</code>): the "
              "explorer with sliders appears there, just before this animation.")


def explorer(draw: Draw, start: dict[str, Any] | None = None,
             figsize: tuple[float, float] = (5, 3.2), **controls: Any):
    """An ipywidgets explorer calling ``draw(ax, **values)`` whenever a control moves.

    Controls use ipywidgets' abbreviations: ``(min, max, step)`` makes a slider, a list makes
    a drop-down; ``start`` gives the values the controls start at, e.g.
    ``explorer(plot_neuron, {"w": 1.5}, w=(-3, 3, 0.1), activation=["relu", "tanh"])``.
    """
    import ipywidgets

    start = start or {}
    unknown = set(start) - set(controls)
    if unknown:
        raise ValueError(f"start values for {sorted(unknown)}, which have no control")

    def update(**values: Any) -> None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
        draw(ax, **values)
        plt.show()

    widgets = {name: ipywidgets.interactive.widget_from_abbrev(
                   abbrev, start.get(name, ipywidgets.widgets.interaction.empty))
               for name, abbrev in controls.items()}
    live = ipywidgets.interactive(update, **widgets)
    live.add_class(EXPLORER_CLASS)  # hidden on the static site, where it could not redraw
    return live


def sweep(draw: Draw, param: str, values: Sequence[float], fixed: dict[str, Any] | None = None,
          figsize: tuple[float, float] = (5, 3.2), fps: int = 3, dpi: int = 80):
    """The static counterpart of :func:`explorer`: ``draw`` swept over ``param`` as an animation.

    Returns an ``IPython.display.HTML`` object; the frames are embedded, so it plays on a static
    page with no kernel and no network. The value of ``param`` is written in a corner.
    """
    from IPython.display import HTML

    fixed = fixed or {}
    fig, ax = plt.subplots(figsize=figsize, dpi=dpi, layout="constrained")

    def frame(i: int) -> None:
        ax.clear()
        draw(ax, **fixed, **{param: values[i]})
        ax.text(0.98, 0.04, f"{param} = {values[i]:.2g}", transform=ax.transAxes, ha="right")

    animation = FuncAnimation(fig, frame, frames=len(values))
    html = animation.to_jshtml(fps=fps, default_mode="loop")
    plt.close(fig)
    html = _self_contained(html, alt=f"animation of the figure as {param} sweeps "
                                     f"from {values[0]:.2g} to {values[-1]:.2g}")
    return HTML(f'{html}\n<p class="actlib-sweep-note">{SWEEP_NOTE}</p>')


def _self_contained(html: str, alt: str) -> str:
    """Matplotlib's animation HTML without its CDN stylesheet, and with alt text on the frame.

    The stylesheet only draws the buttons' icons; the course's theme ships the same icons.
    """
    html = re.sub(r'<link rel="stylesheet"[^>]*font-awesome[^>]*>\s*', "", html)
    return re.sub(r'<img id="(_anim_img\w+)"', rf'<img id="\1" alt="{escape(alt)}"', html)
