r"""Chapter 2's experiments: how the learning signal fades through sigmoid and tanh layers.

Every function here is a function of a seed and of a size (a depth, a number of steps, a weight
scale). They measure and return numbers; the chapter draws them. All networks are
:func:`actlib.nn.deep_mlp` on scikit-learn's digits (:func:`actlib.data.digits`): 64 pixels in,
``depth`` hidden layers of equal width, 10 classes out.

Backpropagation through hidden layers :math:`h_l = f(z_l)`, :math:`z_l = W_l h_{l-1} + b_l`
multiplies one factor per layer:

.. math::
    \delta_l = \frac{\partial L}{\partial z_l} = f'(z_l) \odot W_{l+1}^\top \delta_{l+1},
    \qquad \frac{\partial L}{\partial W_l} = \delta_l\, h_{l-1}^\top,

so the gradient reaching the first layer has passed through every :math:`f'` and every
:math:`W` above it (Rumelhart et al., 1986; Glorot & Bengio, 2010).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import torch
from torch import nn

from .. import data
from ..diagnostics import gradient_norms, saturated_fraction, signal_variances
from ..distributions import update_ratios
from ..nn import deep_mlp, default_init
from ..registry import get, names
from ..train import Run, accuracy, one_thread, train_and_watch
from ..variance import init_variances, propagate_variances

__all__ = ["probe_batch", "gradient_profile", "gradient_profiles", "saturation_at_init",
           "first_last_ratio", "relative_change", "train_deep", "train_many", "CENTRED_SIGMOID",
           "CentredSigmoid", "build", "predicted_variances", "signal_profile"]

#: The name :func:`build` gives the sigmoid moved down by ½ (:class:`CentredSigmoid`).
CENTRED_SIGMOID = "centred_sigmoid"


class CentredSigmoid(nn.Sigmoid):
    r"""The sigmoid moved down by ½: :math:`\sigma(z) - \tfrac12`, zero at 0, slope ¼ there.

    It subclasses ``nn.Sigmoid`` so that the diagnostics treat it as a sigmoid layer (it has
    the same derivative). Times 4 it is :math:`4\sigma(z) - 2 = 2\tanh(z/2)`, slope 1 at 0.
    """

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return 0.5 * torch.tanh(0.5 * z)  # = σ(z) − ½, without cancellation near z = 0


def build(activation: str, depth: int, seed: int, **kwargs) -> nn.Sequential:
    """:func:`~actlib.nn.deep_mlp`, or with :data:`CENTRED_SIGMOID` the sigmoid network of the
    same seed (same weights) with every σ replaced by :class:`CentredSigmoid`.

    Keyword arguments go to :func:`~actlib.nn.deep_mlp`.
    """
    if activation != CENTRED_SIGMOID:
        return deep_mlp(activation, depth, seed, **kwargs)
    model = deep_mlp("sigmoid", depth, seed, **kwargs)
    for i, layer in enumerate(model):
        if isinstance(layer, nn.Sigmoid):
            model[i] = CentredSigmoid()
    return model


def probe_batch(seed: int, batch: int = 256) -> tuple[torch.Tensor, torch.Tensor]:
    """The first ``batch`` training images and labels of the digits split drawn with ``seed``."""
    X, y, _, _ = data.digits(seed=seed)
    return torch.as_tensor(X[:batch]), torch.as_tensor(y[:batch])


def gradient_profile(activation: str, depth: int, seed: int, *, width: int = 64,
                     init: str | None = None, gain: float = 1.0, batch: int = 256,
                     norm: str | None = None, residual: bool = False) -> list[float]:
    r"""Per-layer gradient norms of a fresh :func:`build` network on one batch of digits.

    .. math:: \bigl\lVert \partial L / \partial W_l \bigr\rVert_F, \quad l = 1, \dots,
        \text{depth} + 1,

    with :math:`L` the cross-entropy on the :func:`probe_batch` of ``seed``. Chapter 3 reruns
    it for ReLU with He's initialisation. ``norm`` and ``residual`` go to
    :func:`~actlib.nn.deep_mlp`.

    Returns:
        ``depth + 1`` norms, input side first.
    """
    model = build(activation, depth, seed, width=width, init=init, gain=gain, norm=norm,
                  residual=residual)
    X, y = probe_batch(seed, batch)
    with one_thread():
        return gradient_norms(model, X, y)


def gradient_profiles(activation: str, depth: int, seeds: Iterable[int],
                      **kwargs) -> np.ndarray:
    """:func:`gradient_profile` for several seeds, one row per seed: ``(seeds, depth + 1)``.

    Keyword arguments go to :func:`gradient_profile`.
    """
    return np.array([gradient_profile(activation, depth, seed, **kwargs) for seed in seeds])


def saturation_at_init(activation: str, depth: int, seed: int, *, width: int = 64,
                       init: str | None = None, gain: float = 1.0, batch: int = 256,
                       threshold: float = 0.05) -> list[float]:
    """Per hidden layer, the saturated fraction of a fresh :func:`~actlib.nn.deep_mlp` on digits.

    Saturation is :func:`actlib.diagnostics.saturated_fraction` with ``threshold``, measured
    on the :func:`probe_batch` of ``seed``.
    """
    model = build(activation, depth, seed, width=width, init=init, gain=gain)
    with one_thread():
        return saturated_fraction(model, probe_batch(seed, batch)[0], threshold)


def first_last_ratio(norms: Iterable[float]) -> float:
    r"""How much of the gradient reaches the input side: :math:`\lVert g_1 \rVert /
    \lVert g_{\text{last}} \rVert`."""
    norms = list(norms)
    if len(norms) < 2:
        raise ValueError(f"need at least two layers, got {len(norms)}")
    return float(norms[0] / norms[-1])


def relative_change(before: list[torch.Tensor], model: nn.Module) -> list[float]:
    r"""Per linear layer, how far training moved its weights, relative to where they started.

    .. math:: \frac{\lVert W_l^{\text{after}} - W_l^{\text{before}} \rVert_F}
                   {\lVert W_l^{\text{before}} \rVert_F}

    Args:
        before: copies of the weight matrices taken before training, input side first.
        model: the same model after training.
    """
    after = [m.weight.detach() for m in model.modules() if isinstance(m, nn.Linear)]
    if len(after) != len(before):
        raise ValueError(f"{len(before)} weight matrices before, {len(after)} in the model")
    return [((a - b).norm() / b.norm()).item() for a, b in zip(after, before)]


def train_deep(activation: str, depth: int, seed: int, *, width: int = 32, steps: int = 300,
               lr: float = 0.5, every: int = 10, probe: int = 256, threshold: float = 0.05,
               init: str | None = None, norm: str | None = None,
               residual: bool = False, keep_model: bool = False) -> Run:
    r"""Train a :func:`~actlib.nn.deep_mlp` on digits with plain full-batch gradient descent.

    Each step is :math:`W \leftarrow W - \eta\, \partial L / \partial W` on all training images
    (no Adam: it would rescale a vanishing gradient and hide the effect). Before training and
    every ``every`` steps the run watches ``gradients``, each layer's full-batch gradient norm
    (:func:`actlib.diagnostics.gradient_norms`, the gradient the next step will use);
    ``saturation``, each hidden layer's saturated fraction on the first ``probe`` training
    images; and ``update_ratio``, each layer's :func:`actlib.distributions.update_ratios`
    (the next step's size relative to the weights). After training it measures
    ``weight_change`` (:func:`relative_change`, per layer) and ``test_accuracy`` (in
    evaluation mode). A seed fixes the train/test split and the initial weights, so a run
    repeats exactly.

    Args:
        activation: a registered activation name.
        depth: the number of hidden layers.
        seed: seeds the split and the weights.
        width: the width of every hidden layer.
        steps: the number of gradient steps.
        lr: the learning rate :math:`\eta`.
        every: measure before training and after every ``every`` steps.
        probe: how many training images the saturation is measured on.
        threshold: see :func:`actlib.diagnostics.saturated_fraction`.
        init: the initialisation (``None``: :func:`actlib.nn.default_init`).
        norm, residual: a normalisation layer before each activation and residual
            connections, as in :func:`actlib.nn.deep_mlp` (default: neither).
        keep_model: keep the trained network in the run's ``model``.

    Returns:
        A :class:`~actlib.train.Run`.
    """
    X, y, X_test, y_test = data.digits(seed=seed)
    X_t, y_t = torch.as_tensor(X), torch.as_tensor(y)
    model = deep_mlp(activation, depth, seed, width=width, init=init, norm=norm,
                     residual=residual)
    before = [m.weight.detach().clone() for m in model.modules() if isinstance(m, nn.Linear)]
    last: list[float] = []  # the gradient norms just watched, reused by the update ratio

    def norms(m: nn.Module) -> list[float]:
        last[:] = gradient_norms(m, X_t, y_t)
        return list(last)

    return train_and_watch(
        model, X, y, name=activation, seed=seed, steps=steps, lr=lr, optimizer="sgd",
        every=every,
        watch={"gradients": norms,
               "saturation": lambda m: saturated_fraction(m, X_t[:probe], threshold),
               "update_ratio": lambda m: update_ratios(m, lr=lr, norms=last)},
        after={"test_accuracy": lambda m: _eval_accuracy(m, X_test, y_test),
               "weight_change": lambda m: relative_change(before, m)}, keep_model=keep_model)


def _eval_accuracy(model: nn.Module, X: np.ndarray, y: np.ndarray) -> float:
    """Test accuracy in evaluation mode: BatchNorm uses the statistics kept from training."""
    model.eval()
    try:
        return accuracy(model, X, y)
    finally:
        model.train()


def train_many(models: Mapping[str, tuple[str, int]], seeds: Iterable[int],
               **kwargs) -> dict[str, list[Run]]:
    """:func:`train_deep` for each labelled ``(activation, depth)`` and each seed.

    Keyword arguments go to :func:`train_deep`.

    Example:
        >>> runs = train_many({"shallow": ("sigmoid", 1)}, seeds=[0], steps=5)
        >>> len(runs["shallow"])
        1
    """
    seeds = list(seeds)
    return {label: [train_deep(act, depth, seed, **kwargs) for seed in seeds]
            for label, (act, depth) in models.items()}


def predicted_variances(activation: str, depth: int, *, init: str | None = None,
                        gain: float = 1.0, width: int = 128,
                        input_var: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    r"""What the variance argument (:func:`actlib.variance.propagate_variances`) predicts
    for :func:`signal_profile`'s network, with the weights of ``init`` scaled by ``gain``.

    With independent zero-mean weights, :math:`z = \sum_j w_j h_j + b` has
    :math:`\operatorname{Var}(z) = n\, g^2 \operatorname{Var}(w)\, \mathbb{E}[h^2] +
    \operatorname{Var}(b)`. Taking each :math:`z_l` Gaussian (a sum of many small terms),

    .. math::
        v_{l+1} = n g^2 \operatorname{Var}(w)\, \mathbb{E}\bigl[f(\sqrt{v_l}\,\xi)^2\bigr]
            + \operatorname{Var}(b), \qquad
        u_l = n g^2 \operatorname{Var}(w)\, \mathbb{E}\bigl[f'(\sqrt{v_l}\,\xi)^2\bigr]\,
            u_{l+1},

    with :math:`\xi \sim N(0, 1)`, :math:`v_l` the forward and :math:`u_l` the backward
    variance, :math:`v_1 = n g^2 \operatorname{Var}(w)\,\text{input\_var} +
    \operatorname{Var}(b)` and :math:`u_{L+1} = 1`. Every layer has width ``width``.

    Returns:
        ``(forward, backward)``: ``depth`` predicted variances each, input side first.
    """
    if activation == CENTRED_SIGMOID:
        act = get("sigmoid")
        f, df = (lambda z: 0.5 * np.tanh(0.5 * z)), act.derivative  # σ(z) − ½
    elif activation in names():
        act = get(activation)
        f, df = act, act.derivative
    else:
        raise ValueError(f"unknown activation {activation!r}; choose one of: "
                         f"{', '.join([*names(), CENTRED_SIGMOID])}")
    weight_var, bias_var = init_variances(
        default_init("sigmoid" if activation == CENTRED_SIGMOID else activation)
        if init is None else init, width, width)
    return propagate_variances(f, df, depth, width=width, weight_var=gain**2 * weight_var,
                               bias_var=bias_var, input_var=input_var)


def signal_profile(activation: str, depth: int, seed: int, *, width: int = 128,
                   init: str | None = None, gain: float = 1.0,
                   batch: int = 256) -> tuple[np.ndarray, np.ndarray]:
    r""":func:`actlib.diagnostics.signal_variances` of a fresh :func:`build` network.

    The network has ``depth`` hidden layers and input and output of width ``width`` too, and
    runs in float64 (a deep sigmoid's backward variance goes below float32's range). Its
    inputs are ``batch`` vectors of independent standard normal numbers, so
    :math:`\mathbb{E}[x^2] = 1`; inputs and the backward signal are drawn from streams of
    their own, derived from ``seed``. Compare with :func:`predicted_variances`.

    Returns:
        ``(forward, backward)``: ``depth`` measured variances each, input side first.
    """
    model = build(activation, depth, seed, width=width, n_in=width, n_out=width, init=init,
                  gain=gain).double()
    inputs_seed, signal_seed = np.random.SeedSequence([seed, 14]).generate_state(2)
    X = torch.as_tensor(np.random.default_rng(inputs_seed).standard_normal((batch, width)))
    with one_thread():
        forward, backward = signal_variances(model, X, seed=int(signal_seed))
    return np.array(forward), np.array(backward)
