"""Plot helpers: each takes a matplotlib ``ax``, draws on it and returns it.

They never call ``plt.show()`` and never change matplotlib's global style. Every activation
has one colour across the whole course (:data:`COLORS`), taken from the colour-blind-safe
palettes of Okabe & Ito and of Paul Tol.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .registry import Activation, get, names

__all__ = ["COLORS", "color", "activation_grid", "plot_activation", "plot_neuron", "plot_classes",
           "plot_decision_boundary", "plot_warped_grid", "plot_layer_profile", "plot_bound",
           "plot_gradient_bars", "plot_mean_band", "plot_per_layer", "plot_layer_distributions",
           "plot_saturation_map"]

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


def plot_layer_profile(ax: Axes, profiles: np.ndarray, color: str, label: str,
                       relative: bool = True, marker: str = "o", ls: str = "-") -> Axes:
    """One value per layer on a log scale: the geometric mean over seeds, min–max shaded.

    ``profiles`` has one row per seed and one column per layer, input side first. With
    ``relative``, each row is divided by its last entry first, so the output layer sits at 1.
    """
    profiles = np.atleast_2d(np.asarray(profiles, dtype=float))
    if relative:
        profiles = profiles / profiles[:, -1:]
    layers = np.arange(1, profiles.shape[1] + 1)
    mean = np.exp(np.log(profiles).mean(axis=0))
    ax.fill_between(layers, profiles.min(axis=0), profiles.max(axis=0), color=color,
                    alpha=0.2, lw=0)
    ax.plot(layers, mean, lw=2, color=color, marker=marker, ms=3, ls=ls, label=label)
    ax.set_yscale("log")
    ax.set(xlabel="layer (input side first)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    return ax


def plot_bound(ax: Axes, n_layers: int, factor: float = 0.25, label: str | None = None) -> Axes:
    r"""The reference line :math:`\text{factor}^{\,n - l}` for layers :math:`l = 1 \dots n`.

    For ``factor=0.25`` it is what the sigmoid's derivative alone allows between layer ``l``
    and the last layer ``n``, if the weights neither grow nor shrink the signal.
    """
    layers = np.arange(1, n_layers + 1)
    ax.plot(layers, factor ** (n_layers - layers), lw=1.5, ls="--", color="0.3",
            label=label if label is not None else f"{factor:g} per layer")
    ax.set_yscale("log")
    return ax


def plot_gradient_bars(ax: Axes, norms: list[float], color: str, relative: bool = True,
                       bound: float | None = None, ylim: tuple[float, float] | None = None) -> Axes:
    """Per-layer gradient norms as bars on a log scale, input side first.

    With ``relative``, the norms are divided by the last layer's. ``bound`` adds the dashed
    line of :func:`plot_bound`; a fixed ``ylim`` keeps frames of an animation comparable.
    """
    values = np.asarray(norms, dtype=float)
    if relative:
        values = values / values[-1]
    layers = np.arange(1, len(values) + 1)
    ax.bar(layers, values, color=color, width=0.8)
    if bound is not None:
        plot_bound(ax, len(values), bound)
        ax.legend(loc="upper left", frameon=False)
    ax.set_yscale("log")
    ax.set(xlabel="layer (input side first)",
           ylabel="gradient norm / last layer's" if relative else "gradient norm")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if ylim is not None:
        ax.set_ylim(*ylim)
    return ax


def plot_mean_band(ax: Axes, x: np.ndarray, samples: np.ndarray, color: str, label: str,
                   ls: str = "-", alpha: float = 1.0) -> Axes:
    """The mean over rows of ``samples`` (one row per seed) as a line, min–max shaded.

    ``alpha`` is the line's opacity; the band is always lighter.
    """
    samples = np.atleast_2d(np.asarray(samples, dtype=float))
    ax.fill_between(x, samples.min(axis=0), samples.max(axis=0), color=color,
                    alpha=0.2 * alpha, lw=0)
    ax.plot(x, samples.mean(axis=0), lw=2, color=color, ls=ls, alpha=alpha, label=label)
    return ax


def plot_per_layer(ax: Axes, x: np.ndarray, values: np.ndarray, cmap: str = "viridis",
                   colorbar: bool = True) -> Axes:
    """One line per layer over ``x`` (e.g. training steps), coloured from input to output.

    ``values`` has shape ``(len(x), layers)``. The first layer takes the darkest colour of
    ``cmap``, the last layer the lightest; a colour bar labelled "layer" explains them.
    """
    import matplotlib as mpl

    values = np.asarray(values, dtype=float)
    n = values.shape[1]
    colormap = mpl.colormaps[cmap]
    norm = mpl.colors.Normalize(vmin=1, vmax=max(n, 2))
    for layer in range(n):
        ax.plot(x, values[:, layer], lw=1.5, color=colormap(norm(layer + 1)))
    if colorbar:
        mappable = mpl.cm.ScalarMappable(norm=norm, cmap=colormap)
        ax.figure.colorbar(mappable, ax=ax, label="layer")
    return ax


def plot_layer_distributions(ax: Axes, samples: list[np.ndarray], color: str, *,
                             log: bool = False, shift: float = 0.0, width: float = 0.7,
                             max_points: int = 1000, label: str | None = None) -> Axes:
    r"""One violin per layer: the distribution of each array of ``samples``, input side first.

    Arrays may have any shape (they are flattened). With ``log`` the violins show
    :math:`\log_{10} |v|` of the non-zero entries, with ticks labelled as powers of ten, for
    gradients that span orders of magnitude. ``shift`` moves the violins sideways, so two
    sets (say, before and after training) can stand next to each other. At most
    ``max_points`` evenly spaced entries of each layer are used, to keep drawing fast.
    """
    data = []
    for layer, values in enumerate(samples, start=1):
        values = np.asarray(values, dtype=float).ravel()
        if log:
            values = np.log10(np.abs(values[values != 0]))
        if values.size == 0:
            raise ValueError(f"layer {layer} has nothing to draw (every entry is zero)")
        data.append(values[np.linspace(0, values.size - 1, min(max_points, values.size))
                           .astype(int)])
    positions = np.arange(1, len(data) + 1) + shift
    parts = ax.violinplot(data, positions=positions, widths=width, showextrema=False,
                          showmedians=True)
    for body in parts["bodies"]:
        body.set(facecolor=color, edgecolor=color, alpha=0.6)
    parts["cmedians"].set(color=color, lw=1.5)
    if label is not None:
        parts["bodies"][0].set_label(label)
    if log:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"$10^{{{v:g}}}$"))
    ax.set_xlabel("layer (input side first)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    return ax


def plot_saturation_map(ax: Axes, maps: list[np.ndarray], color: str = "black") -> Axes:
    """Where units are saturated: one row per input, one column per unit, layers side by side.

    ``maps`` holds one ``(inputs, units)`` boolean array per layer, input side first, such as
    :func:`actlib.distributions.saturation_map` returns. Saturated entries are drawn in
    ``color``, the rest white; thin grey lines separate the layers, numbered below.
    """
    from matplotlib.colors import ListedColormap

    widths = [m.shape[1] for m in maps]
    if len({m.shape[0] for m in maps}) != 1:
        raise ValueError("every layer's map must have the same number of inputs (rows)")
    ax.imshow(np.concatenate(maps, axis=1).astype(float), cmap=ListedColormap(["white", color]),
              vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    edges = np.cumsum(widths)
    for edge in edges[:-1]:
        ax.axvline(edge - 0.5, color="0.6", lw=0.8)
    ax.set_xticks(edges - np.array(widths) / 2 - 0.5, [str(i) for i in range(1, len(maps) + 1)])
    ax.set(xlabel="units, grouped by layer (input side first)", ylabel="input")
    return ax
