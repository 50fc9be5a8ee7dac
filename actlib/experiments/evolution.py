"""Chapter 6's measurements: the generations of activations and a head-to-head on one task.

Every registered activation trains the same deep MLP on scikit-learn's digits
(:func:`actlib.data.digits`) with full-batch Adam, for several seeds. Per activation and seed
we record the validation loss and accuracy, the first-to-last gradient ratio at
initialisation and the dead fraction after training; :func:`step_times` measures the cost of
a training step separately. The functions here measure and return numbers; the chapter
draws them.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from .. import data
from ..diagnostics import dead_fraction, gradient_norms
from ..nn import GatedFeedForward, deep_mlp, init_linear, is_activation
from ..registry import get, names
from ..train import Run, accuracy, one_thread, train_and_watch
from ..transformer import FFN_LABELS

__all__ = ["CHAPTERS", "GENERATIONS", "PROBLEMS", "UNREGISTERED", "USED_IN", "Generation",
           "Size", "fused_glu_gaps", "generation_table", "head_to_head", "porting_gap", "run",
           "step_times", "with_activation"]

#: The problem each activation was introduced to address, in the course's words.
PROBLEMS = {
    "identity": "none: the linear baseline, which any depth collapses to one layer",
    "sigmoid": "a smooth threshold that backpropagation can differentiate",
    "tanh": "zero-centred outputs, for better-conditioned training",
    "softplus": "a smooth, positive rectifier with a sigmoid derivative",
    "relu": "vanishing gradients in deep networks; cheap, sparse units",
    "leaky_relu": "dying units: a small slope keeps negative inputs alive",
    "prelu": "dying units, with the negative slope learned per channel",
    "elu": "dying units and a positive mean shift, via negative outputs",
    "gelu": "a smooth, probabilistic gate instead of a hard on/off",
    "gelu_tanh": "GELU without the error function, where erf was slow",
    "swish": "found by automated search; a smooth gate with a tunable β",
    "silu": "a smooth self-gated unit, x weighted by its own sigmoid",
    "mish": "a smoother self-gated unit with a non-monotonic bump",
    "glu": "gradient flow in deep gated convolutions: a learned sigmoid gate",
    "swiglu": "a better Transformer feed-forward layer: a SiLU gate on a second projection",
    "geglu": "the same, with a GELU gate",
}

#: The eras this course follows, in order; each activation belongs to one.
GENERATIONS = {
    "identity": "baseline",
    "sigmoid": "early days", "tanh": "early days", "softplus": "early days",
    "relu": "the rectifier",
    "leaky_relu": "rectifier repairs", "prelu": "rectifier repairs", "elu": "rectifier repairs",
    "gelu": "smooth gates", "gelu_tanh": "smooth gates", "swish": "smooth gates",
    "silu": "smooth gates", "mish": "smooth gates",
    "glu": "gated layers", "swiglu": "gated layers", "geglu": "gated layers",
}
_ERAS = list(dict.fromkeys(GENERATIONS.values()))

#: Label, year and paper of the activations that are not registered functions (PReLU has a
#: learned parameter; the GLU family are layers, :class:`~actlib.nn.GatedFeedForward`).
UNREGISTERED = {
    "prelu": ("PReLU", 2015, "he2015delving"),
    "glu": (FFN_LABELS["glu"], 2017, "dauphin2017language"),
    "swiglu": (FFN_LABELS["swiglu"], 2020, "shazeer2020glu"),
    "geglu": (FFN_LABELS["geglu"], 2020, "shazeer2020glu"),
}

#: Where each activation is used today, with the papers that say so (keys in references.bib).
USED_IN = {
    "sigmoid": ("output probabilities; the gates of LSTMs", ("hochreiter1997long",)),
    "tanh": ("the state of LSTMs and other recurrent networks", ("hochreiter1997long",)),
    "relu": ("the original Transformer's feed-forward layer",
             ("vaswani2017attention",)),
    "prelu": ("the ImageNet networks of its paper", ("he2015delving",)),
    "gelu": ("the feed-forward layers of BERT and GPT-2",
             ("devlin2019bert", "radford2019language")),
    "gelu_tanh": ("GPT-2's released code; the gate of Gemma's GEGLU",
                  ("radford2019language", "gemma2024gemma")),
    "silu": ("the gate of SwiGLU", ("touvron2023llama",)),
    "swiglu": ("PaLM and LLaMA", ("chowdhery2022palm", "touvron2023llama")),
    "geglu": ("Gemma, with the tanh form of GELU", ("gemma2024gemma",)),
}

#: The chapter that measures each activation (documents in chapters/).
CHAPTERS = {
    "identity": "01_why_nonlinearity", "sigmoid": "02_sigmoid_tanh", "tanh": "02_sigmoid_tanh",
    "softplus": "06_evolution", "relu": "03_relu", "leaky_relu": "03_relu", "prelu": "03_relu",
    "elu": "03_relu", "gelu": "04_gelu_swish", "gelu_tanh": "04_gelu_swish",
    "swish": "04_gelu_swish", "silu": "04_gelu_swish", "mish": "06_evolution",
    "glu": "05_glu", "swiglu": "05_glu", "geglu": "05_glu",
}

@dataclass(frozen=True)
class Generation:
    """One row of the generation table.

    For a registered activation, ``label``, ``year`` and ``reference`` come from the registry;
    for the others (``registered`` false), from :data:`UNREGISTERED`. ``used_in`` and ``cites`` come
    from :data:`USED_IN` (empty where the course cites no current use), ``chapter`` from
    :data:`CHAPTERS`.
    """

    name: str
    label: str
    year: int | None
    reference: str | None
    generation: str
    problem: str
    used_in: str = ""
    cites: tuple[str, ...] = ()
    chapter: str = ""
    registered: bool = True


def generation_table() -> list[Generation]:
    """Every registered activation, and the layers and variants the registry lacks, in order.

    Rows follow the generations (:data:`GENERATIONS`, baseline first, gated layers last), then
    the year, then the name.

    Raises:
        KeyError: if a registered activation has no entry in :data:`PROBLEMS`.
    """
    rows = []
    for name in names():
        act = get(name)
        rows.append(_row(name, act.label, act.year, act.reference, registered=True))
    for name, (label, year, reference) in UNREGISTERED.items():
        rows.append(_row(name, label, year, reference, registered=False))
    return sorted(rows, key=lambda row: (_ERAS.index(row.generation), row.year or 0, row.name))


def _row(name: str, label: str, year: int | None, reference: str | None,
         registered: bool) -> Generation:
    used_in, cites = USED_IN.get(name, ("", ()))
    return Generation(name, label, year, reference, GENERATIONS[name], PROBLEMS[name], used_in,
                      cites, CHAPTERS[name], registered)


@dataclass(frozen=True)
class Size:
    """The head-to-head's network and training: ``depth`` hidden layers of ``width`` units."""

    depth: int = 6
    width: int = 32
    steps: int = 100
    lr: float = 5e-3


def _model(activation: str, n_in: int, seed: int, size: Size) -> nn.Sequential:
    return deep_mlp(activation, size.depth, seed, width=size.width, n_in=n_in)


def run(activation: str, seed: int, size: Size = Size()) -> Run:
    r"""Train ``activation``'s MLP on the digits split drawn from ``seed``; measure it.

    The network is :func:`~actlib.nn.deep_mlp` with the course's initialisation rule
    (:func:`~actlib.nn.default_init`), trained with full-batch Adam. The run measures
    ``val_loss`` and ``val_accuracy`` on the held-out images, ``grad_ratio`` (first layer's
    :math:`\lVert \partial L/\partial W \rVert` over the last layer's, at initialisation, on
    the whole training set) and ``dead`` (the mean over hidden layers of
    :func:`actlib.diagnostics.dead_fraction` after training), and keeps the trained model.
    All four repeat exactly for a given seed; time is measured apart, by :func:`step_times`.
    """
    X, y, X_val, y_val = data.digits(seed=seed)
    X_t, y_t = torch.as_tensor(X), torch.as_tensor(y)
    X_v, y_v = torch.as_tensor(X_val), torch.as_tensor(y_val)
    model = _model(activation, X.shape[1], seed, size)
    norms = gradient_norms(model, X_t, y_t)

    def val_loss(m: nn.Module) -> float:
        with torch.no_grad():
            return float(F.cross_entropy(m(X_v), y_v))

    return train_and_watch(
        model, X, y, name=activation, seed=seed, steps=size.steps, lr=size.lr, keep_model=True,
        after={"val_loss": val_loss,
               "val_accuracy": lambda m: accuracy(m, X_val, y_val),
               "grad_ratio": lambda m: norms[0] / norms[-1],
               "dead": lambda m: float(np.mean(dead_fraction(m, X_t)))})


def head_to_head(seeds: Iterable[int], size: Size = Size(),
                 activations: Iterable[str] | None = None) -> dict[str, list[Run]]:
    """:func:`run` for every activation (all registered ones by default) and every seed."""
    chosen = names() if activations is None else list(activations)
    seeds = list(seeds)
    return {name: [run(name, seed, size) for seed in seeds] for name in chosen}


def step_times(seed: int, size: Size = Size(), activations: Iterable[str] | None = None,
               repeats: int = 10) -> dict[str, float]:
    """The CPU time of one training step (forward and backward, whole training set), in ms.

    Each activation's network (:func:`run`'s, untrained) is timed ``repeats`` times, taking
    turns with the others so that a change in the machine's load touches all of them alike,
    and the fastest repeat is kept. The clock is the thread's CPU time on one thread, which
    other processes do not advance; what remains depends on the machine.
    """
    chosen = names() if activations is None else list(activations)
    X, y, _, _ = data.digits(seed=seed)
    X_t, y_t = torch.as_tensor(X), torch.as_tensor(y)
    models = {name: _model(name, X.shape[1], seed, size) for name in chosen}
    best = dict.fromkeys(chosen, float("inf"))
    with one_thread():
        for _ in range(repeats):
            for name, model in models.items():
                start = time.thread_time()
                F.cross_entropy(model(X_t), y_t).backward()
                best[name] = min(best[name], time.thread_time() - start)
                model.zero_grad(set_to_none=True)
    return {name: seconds * 1e3 for name, seconds in best.items()}


def with_activation(model: nn.Module, activation: str) -> nn.Module:
    """A deep copy of ``model`` whose activation modules are replaced by ``activation``'s.

    The weights are kept: this is what happens when weights trained with one activation are
    loaded into an implementation that uses another.
    """
    ported = copy.deepcopy(model)
    for parent in ported.modules():
        for key, child in parent.named_children():
            if is_activation(child) and not isinstance(child, nn.Identity):
                setattr(parent, key, get(activation).module())
    return ported


def porting_gap(model: nn.Module, X: np.ndarray, activation: str) -> dict[str, float]:
    """How much ``model``'s outputs on ``X`` change when its activation is swapped.

    Returns:
        ``max_logit_gap`` (largest absolute change of a logit) and ``flipped`` (the fraction
        of inputs whose predicted class changes).
    """
    ported = with_activation(model, activation)
    inputs = torch.as_tensor(X, dtype=torch.float32)
    with torch.no_grad():
        before, after = model(inputs), ported(inputs)
    return {
        "max_logit_gap": float((before - after).abs().max()),
        "flipped": float((before.argmax(1) != after.argmax(1)).float().mean()),
    }


def fused_glu_gaps(seed: int, d_model: int = 8, d_ff: int = 16,
                   batch: int = 32) -> dict[str, float]:
    """The fused-projection pitfall: which half of ``F.glu``'s input gates.

    ``F.glu(torch.cat([a, b], -1))`` returns :math:`a \\otimes \\sigma(b)`: the *second* half
    gates. For a sigmoid :class:`~actlib.nn.GatedFeedForward` (gate ``W``, value ``V``),
    stacking the weights as ``[V; W]`` reproduces the layer; ``[W; V]`` (gate first) does not.
    The layer's weights and the inputs are drawn from one ``torch.Generator`` seeded with
    ``seed``; the global random state is neither used nor changed.

    Returns:
        The largest absolute output difference from the layer for ``"gate_first"`` and
        ``"value_first"``.
    """
    generator = torch.Generator().manual_seed(seed)
    with torch.device("meta"):  # build without drawing from the global generator
        layer = GatedFeedForward(d_model, d_ff, "sigmoid")
    layer.to_empty(device="cpu")
    for linear in (layer.gate_proj, layer.up_proj, layer.down_proj):
        init_linear(linear, generator)
    x = torch.randn(batch, d_model, generator=generator)
    W, V = layer.gate_proj.weight, layer.up_proj.weight  # (d_ff, d_model) each
    with torch.no_grad():
        reference = layer(x)
        gaps = {}
        for label, stacked in [("gate_first", torch.cat([W, V])),
                               ("value_first", torch.cat([V, W]))]:
            fused = layer.down_proj(F.glu(x @ stacked.T, dim=-1))
            gaps[label] = float((fused - reference).abs().max())
    return gaps
