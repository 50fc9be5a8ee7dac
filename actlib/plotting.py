"""Plot helpers: each takes a matplotlib ``ax``, draws on it and returns it.

They never call ``plt.show()`` and never change matplotlib's global style. Every activation
has one colour across the whole course (:data:`COLORS`), taken from the colour-blind-safe
palettes of Okabe & Ito and of Paul Tol.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from matplotlib.axes import Axes

from .registry import Activation, get, names

#: One colour per activation, the same in every figure of the course.
COLORS = {
    "identity": "#777777",
    "sigmoid": "#CC6677",
    "tanh": "#882255",
    "relu": "#0072B2",
    "leaky_relu": "#88CCEE",
    "elu": "#44AA99",
    "gelu": "#E69F00",
    "gelu_tanh": "#DDCC77",
    "silu": "#117733",
    "swish": "#999933",
    "softplus": "#AA4499",
    "mish": "#332288",
}
CLASS_COLORS = ("#0072B2", "#E69F00")  # class 0, class 1
CLASS_MARKERS = ("o", "^")  # shapes differ too, for readers who cannot tell the colours apart


def color(name: str) -> str:
    """The course's colour for an activation name."""
    if name not in COLORS:
        raise ValueError(f"no colour for {name!r}; activations with colours: {', '.join(names())}")
    return COLORS[name]


def activation_grid(n: int = 401) -> np.ndarray:
    """The inputs every activation plot uses: ``n`` points on [−5, 5]."""
    return np.linspace(-5.0, 5.0, n)


def plot_activation(ax: Axes, act: Activation | str, derivative: bool = True,
                    label: str | None = None) -> Axes:
    """Draw f on [−5, 5] as a solid line and, if ``derivative``, f' dashed in the same colour."""
    act = get(act) if isinstance(act, str) else act
    x = activation_grid()
    label = label or act.name
    ax.plot(x, act(x), lw=2, color=color(act.name), label=label)
    if derivative:
        ax.plot(x, act.derivative(x), lw=1.5, ls="--", color=color(act.name),
                label=f"{label}′")
    ax.axhline(0, color="0.8", lw=0.8, zorder=0)
    ax.axvline(0, color="0.8", lw=0.8, zorder=0)
    ax.set_xlabel("x")
    return ax


def plot_neuron(ax: Axes, w: float, b: float, activation: str = "relu") -> Axes:
    """One neuron with one input: the pre-activation z = wx + b (grey) and a(z) (in colour)."""
    act = get(activation)
    x = activation_grid()
    z = w * x + b
    ax.plot(x, z, lw=1.5, color="0.6", ls=":", label="z = wx + b")
    ax.plot(x, act(z), lw=2, color=color(activation), label=f"{activation}(z)")
    ax.axhline(0, color="0.8", lw=0.8, zorder=0)
    ax.set(xlim=(-5, 5), ylim=(-5, 5), xlabel="input x", ylabel="output")
    ax.legend(loc="upper left", frameon=False)
    return ax


def plot_classes(ax: Axes, X: np.ndarray, y: np.ndarray, size: float = 12) -> Axes:
    """Scatter a 2-D two-class data set, one colour and one marker per class."""
    for label in (0, 1):
        points = X[y == label]
        ax.scatter(points[:, 0], points[:, 1], s=size, color=CLASS_COLORS[label],
                   marker=CLASS_MARKERS[label], edgecolors="white", linewidths=0.3,
                   label=f"class {label}")
    ax.set(xlabel="$x_1$", ylabel="$x_2$")
    ax.set_aspect("equal")
    return ax


def plot_decision_boundary(ax: Axes, predict_proba: Callable[[np.ndarray], np.ndarray],
                           X: np.ndarray, y: np.ndarray, resolution: int = 200) -> Axes:
    """Shade the plane by a classifier's probability of class 1 and draw the data on top.

    ``predict_proba`` maps an ``(N, 2)`` array of points to ``N`` probabilities.
    """
    pad = 0.5
    (x0, y0), (x1, y1) = X.min(axis=0) - pad, X.max(axis=0) + pad
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    p = predict_proba(np.column_stack([gx.ravel(), gy.ravel()])).reshape(gx.shape)
    ax.contourf(gx, gy, p, levels=np.linspace(0, 1, 11), cmap="PuOr_r", alpha=0.35)
    ax.contour(gx, gy, p, levels=[0.5], colors="black", linewidths=1.5)
    return plot_classes(ax, X, y)


def plot_warped_grid(ax: Axes, transform: Callable[[np.ndarray], np.ndarray],
                     lim: float = 2.0, lines: int = 17, color_: str = "0.45") -> Axes:
    """Draw the image of a square grid of lines under a map of the plane.

    ``transform`` maps an ``(N, 2)`` array of points to ``(N, 2)``. A linear map keeps the
    lines straight; a non-linear one bends them.
    """
    t = np.linspace(-lim, lim, 200)
    for c in np.linspace(-lim, lim, lines):
        for points in (np.column_stack([t, np.full_like(t, c)]),
                       np.column_stack([np.full_like(t, c), t])):
            image = transform(points)
            ax.plot(image[:, 0], image[:, 1], lw=0.8, color=color_)
    ax.set_aspect("equal")
    return ax
