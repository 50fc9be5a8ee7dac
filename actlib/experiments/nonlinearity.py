"""The chapters' experiments, each a function of a seed (and of a size where it has one)."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import torch
from torch import nn

from .. import data
from ..nn import mlp
from ..registry import get
from ..train import Run, accuracy, fit, one_thread, predict_proba

__all__ = ["TEST_SEED_OFFSET", "XOR_CORNERS", "cut_off_one_cluster", "clusters_right",
           "fold_of_xor", "lines_on_xor", "linear_vs_hidden", "middle_class",
           "train_classifier", "Hinges", "hinge_interpolant", "rms_error", "Square",
           "fit_widths", "predict_1d", "knots_of"]

#: The centres of XOR's four clusters, class 0's diagonal first.
XOR_CORNERS = ((1, 1), (-1, -1), (1, -1), (-1, 1))

TEST_SEED_OFFSET = 10_000  # the test set of seed s is drawn with seed s + 10_000


def train_classifier(dataset: str, sizes: list[int], activation: str, seed: int, *,
                     n: int = 400, steps: int = 300, lr: float = 0.05) -> tuple[nn.Module, float]:
    """Train ``mlp(sizes, activation)`` on a 2-D data set; return it and its test accuracy.

    The training set, the test set and the initial weights all derive from ``seed``.
    """
    X, y = data.load(dataset, n=n, seed=seed)
    X_test, y_test = data.load(dataset, n=n, seed=seed + TEST_SEED_OFFSET)
    model = mlp(sizes, activation, seed=seed)
    with one_thread():
        fit(model, X, y, steps=steps, lr=lr, loss="bce")
    return model, accuracy(model, X_test, y_test)


def linear_vs_hidden(dataset: str, seed: int, hidden: int = 16,
                     activation: str = "relu") -> dict[str, float]:
    """Chapter 1: test accuracy of three models on the same data.

    A linear model (logistic regression), one hidden layer *without* an activation, and one
    hidden layer *with* ``activation``. The first two can only draw a straight boundary.
    """
    models = {
        "linear": ([2, 1], "identity"),
        "hidden, identity": ([2, hidden, 1], "identity"),
        f"hidden, {activation}": ([2, hidden, 1], activation),
    }
    return {label: train_classifier(dataset, sizes, act, seed)[1]
            for label, (sizes, act) in models.items()}


def cut_off_one_cluster(X: np.ndarray) -> np.ndarray:
    """Chapter 1's hand-placed line on XOR: class 0 beyond ``x1 + x2 = 1``, class 1 elsewhere.

    The line cuts off the cluster at (1, 1), so of XOR's four clusters it gets three right (all
    but the one at (−1, −1)): about 75%, the most a straight line can score on XOR.

    >>> cut_off_one_cluster(np.array([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]]))
    array([0, 1, 1, 1])
    """
    return (X[:, 0] + X[:, 1] < 1).astype(np.int64)


def lines_on_xor(seed: int) -> dict[str, float]:
    """Chapter 1: a line trained with log loss against a line placed by hand, on XOR.

    Returns, for the data and weights of ``seed``: the test accuracy of the trained linear
    model (``"trained"``), its final training log loss (``"trained loss"``), the mean distance
    ``|p - 1/2|`` of its predicted probabilities from one half on the test points
    (``"trained confidence"``), and the test accuracy of :func:`cut_off_one_cluster`
    (``"hand"``).
    """
    model, acc = train_classifier("xor", [2, 1], "identity", seed)
    X, y = data.load("xor", seed=seed)
    X_test, y_test = data.load("xor", seed=seed + TEST_SEED_OFFSET)
    p = np.clip(predict_proba(model, X).astype(np.float64), 1e-12, 1 - 1e-12)
    loss = float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    confidence = float(np.mean(np.abs(predict_proba(model, X_test) - 0.5)))
    hand = float(np.mean(cut_off_one_cluster(X_test) == y_test))
    return {"trained": acc, "trained loss": loss, "trained confidence": confidence, "hand": hand}


def fold_of_xor(model: nn.Module, X: np.ndarray) -> dict[tuple[int, int], np.ndarray]:
    """Where a network with two hidden units sends each of XOR's four clusters.

    ``model`` is ``mlp([2, 2, 1], ...)``; a point belongs to the cluster whose corner has the
    signs of its coordinates. Returns, for each corner of :data:`XOR_CORNERS`, the mean hidden
    vector ``h`` of its points, of shape ``(2,)``.
    """
    with torch.no_grad():
        H = model[:2](torch.as_tensor(X, dtype=torch.float32)).numpy()  # (N, 2)
    return {(s1, s2): H[(np.sign(X[:, 0]) == s1) & (np.sign(X[:, 1]) == s2)].mean(axis=0)
            for s1, s2 in XOR_CORNERS}


def middle_class(centres: dict[tuple[int, int], np.ndarray], corner: float = 0.5) -> int | None:
    """Which class a two-unit network has folded into the middle of XOR, if it has.

    ``centres`` is what :func:`fold_of_xor` returns. The network **folds** the plane when the
    four centres sit near three corners of the square (every coordinate beyond ``±corner``):
    the two clusters of one class together at one corner, the two of the other class at the
    two corners on either side of it, so that a straight line cuts off the middle corner.

    Returns:
        The class (0 or 1) of the two clusters that share the middle corner, or ``None`` if the
        centres are not placed like that.
    """
    if any(np.any(np.abs(h) <= corner) for h in centres.values()):
        return None
    signs = {c: tuple(np.sign(h).astype(int)) for c, h in centres.items()}
    diagonals = {0: ((1, 1), (-1, -1)), 1: ((1, -1), (-1, 1))}
    for label, (a, b) in diagonals.items():
        (c, d) = diagonals[1 - label]
        middle, left, right = signs[a], signs[c], signs[d]
        beside = all(sum(u != v for u, v in zip(middle, end)) == 1 for end in (left, right))
        if signs[b] == middle and beside and left != right:
            return label
    return None


def clusters_right(model: nn.Module, X: np.ndarray, y: np.ndarray) -> int:
    """How many of XOR's four clusters ``model`` gets right, each by a majority of its points."""
    predicted = predict_proba(model, X) > 0.5
    right = 0
    for s1, s2 in XOR_CORNERS:
        cluster = (np.sign(X[:, 0]) == s1) & (np.sign(X[:, 1]) == s2)
        right += int(np.mean(predicted[cluster] == (y[cluster] == 1)) > 0.5)
    return right


class Hinges(NamedTuple):
    r"""A sum of ReLU hinges, :math:`g(x) = c_0 + \sum_i a_i \operatorname{ReLU}(x - t_i)`.

    It is a one-hidden-layer ReLU network with one unit per hinge: input weight 1, bias
    :math:`-t_i`, output weight :math:`a_i` (the change of slope at the knot :math:`t_i`) and
    output bias :math:`c_0`. :meth:`network` builds that network.
    """

    knots: np.ndarray  # t_i, shape (n,)
    slopes: np.ndarray  # a_i, shape (n,)
    offset: float  # c_0

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        return self.offset + np.maximum(x[..., None] - self.knots, 0.0) @ self.slopes

    def network(self) -> nn.Sequential:
        """The same function as ``mlp([1, n, 1], "relu")`` with these weights (float32)."""
        model = mlp([1, len(self.knots), 1], "relu", seed=0)
        with torch.no_grad():
            model[0].weight.fill_(1.0)
            model[0].bias.copy_(torch.as_tensor(-self.knots))
            model[2].weight.copy_(torch.as_tensor(self.slopes)[None, :])
            model[2].bias.fill_(self.offset)
        return model


def hinge_interpolant(f: Callable[[np.ndarray], np.ndarray], knots: np.ndarray) -> Hinges:
    r"""The hinges whose sum joins the points :math:`(t_i, f(t_i))` by straight lines.

    With knots :math:`t_0 < t_1 < \dots < t_n` the interpolant has slope
    :math:`s_i = (f(t_{i+1}) - f(t_i)) / (t_{i+1} - t_i)` on :math:`[t_i, t_{i+1}]`, so on
    :math:`[t_0, t_n]` it equals

    .. math:: f(t_0) + s_0 \operatorname{ReLU}(x - t_0)
              + \sum_{i=1}^{n-1} (s_i - s_{i-1}) \operatorname{ReLU}(x - t_i):

    :math:`n` hinges (the last knot needs none) for :math:`n` pieces. Its error is at most
    :math:`h^2 \max |f''| / 8` for a spacing :math:`h`, so it falls as :math:`n^{-2}`.

    >>> g = hinge_interpolant(np.abs, np.array([-1.0, 0.0, 1.0]))
    >>> g.slopes, g(np.array([-0.5, 0.5]))
    (array([-1.,  2.]), array([0.5, 0.5]))
    """
    t = np.asarray(knots, dtype=np.float64)
    if t.ndim != 1 or len(t) < 2 or np.any(np.diff(t) <= 0):
        raise ValueError(f"knots must be at least two increasing numbers, got {knots!r}")
    s = np.diff(f(t)) / np.diff(t)  # the slope of each piece
    return Hinges(t[:-1], np.diff(s, prepend=0.0), float(f(t[0])))


def rms_error(g: Callable[[np.ndarray], np.ndarray], f: Callable[[np.ndarray], np.ndarray],
              interval: tuple[float, float], n: int = 1001) -> float:
    """The root-mean-square difference of ``g`` and ``f`` on ``n`` even points of ``interval``."""
    x = np.linspace(*interval, n)
    return float(np.sqrt(np.mean((np.asarray(g(x), dtype=np.float64) - f(x)) ** 2)))


class Square(nn.Module):
    """The polynomial activation z ↦ z²."""

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return z * z


def _activation_module(name: str) -> nn.Module:
    if name == "square":
        return Square()
    try:
        return get(name).module()
    except ValueError as error:
        raise ValueError(f"{error}, or 'square' (z ** 2)") from None


def fit_widths(f: Callable[[np.ndarray], np.ndarray], widths: list[int], activation: str,
               seeds: list[int], *, interval: tuple[float, float] = (-2.0, 2.0),
               n_points: int = 50, steps: int = 1000, lr: float = 0.05) -> dict[int, list[Run]]:
    r"""Train ``mlp([1, n, 1])`` with ``activation`` to fit ``f`` on ``interval``, for each width
    ``n`` of ``widths`` and each seed.

    The network computes :math:`\sum_j a_j\, \phi(w_j x + b_j) + c`, trained by full-batch
    Adam on the mean squared error at ``n_points`` even points; each seed draws the initial
    weights as :func:`actlib.nn.mlp` does. ``activation`` is a registered name or ``"square"``
    (:math:`\phi(z) = z^2`: the network is then a polynomial of degree at most 2 in :math:`x`).
    All networks train at once, padded to the largest width with units whose output weight is
    held at zero; each still gets the updates it would get alone (the summed loss separates,
    and Adam acts on each weight by itself).

    Returns, per width, one :class:`~actlib.train.Run` per seed, with the trained network as
    ``model`` and ``run["rms"]``, its :func:`rms_error` on 1001 points of ``interval``.
    """
    act = _activation_module(activation)
    cases = [(n, s) for n in widths for s in seeds]
    inits = [mlp([1, n, 1], "identity", seed=s) for n, s in cases]
    mask = torch.zeros(len(cases), max(widths))  # (G, width): 1 for a real unit
    w, b, a = (torch.zeros_like(mask) for _ in range(3))
    for k, ((n, _), model) in enumerate(zip(cases, inits)):
        mask[k, :n] = 1.0
        w[k, :n], b[k, :n] = model[0].weight.detach()[:, 0], model[0].bias.detach()
        a[k, :n] = model[2].weight.detach()[0]
    c = torch.stack([model[2].bias.detach() for model in inits])  # (G, 1)
    params = [p.requires_grad_() for p in (w, b, a, c)]
    x = torch.linspace(*interval, n_points)
    y = torch.as_tensor(f(x.numpy().astype(np.float64)), dtype=torch.float32)
    optimizer = torch.optim.Adam(params, lr=lr)
    losses = []
    with one_thread():
        for _ in range(steps):
            hidden = act(x[None, :, None] * w[:, None, :] + b[:, None, :])  # (G, N, width)
            out = (hidden @ (a * mask)[:, :, None])[..., 0] + c  # (G, N)
            per_net = ((out - y) ** 2).mean(dim=1)  # (G,)
            optimizer.zero_grad()
            per_net.sum().backward()
            optimizer.step()
            losses.append(per_net.detach())
    curves = torch.stack(losses).T.tolist()  # (G, steps)
    runs: dict[int, list[Run]] = {n: [] for n in widths}
    for k, ((n, seed), model) in enumerate(zip(cases, inits)):
        model[1] = _activation_module(activation)
        with torch.no_grad():
            model[0].weight.copy_(w[k, :n, None])
            model[0].bias.copy_(b[k, :n])
            model[2].weight.copy_(a[k, None, :n])
            model[2].bias.copy_(c[k])
        rms = rms_error(lambda x, m=model: predict_1d(m, x), f, interval)
        runs[n].append(Run(f"{activation}, width {n}", seed, curves[k], final={"rms": rms},
                           model=model))
    return runs


def predict_1d(model: nn.Module, x: np.ndarray) -> np.ndarray:
    """A 1-D network's outputs at the points ``x``, shape ``x.shape``."""
    with torch.no_grad():
        out = model(torch.as_tensor(np.asarray(x), dtype=torch.float32).reshape(-1, 1))
    return out.numpy().reshape(np.shape(x)).astype(np.float64)


def knots_of(model: nn.Module) -> np.ndarray:
    r"""The knots :math:`-b_j / w_j` of a ReLU network with one input and one hidden layer.

    Unit :math:`j` computes :math:`\operatorname{ReLU}(w_j x + b_j)`, which bends where
    :math:`w_j x + b_j = 0`. Sorted; units with :math:`w_j = 0` have no knot and are left out.
    """
    w, b = model[0].weight.detach().numpy()[:, 0], model[0].bias.detach().numpy()
    return np.sort(-b[w != 0] / w[w != 0]).astype(np.float64)
