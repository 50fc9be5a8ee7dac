"""Chapter 5: a small reproduction of Shazeer (2020), Table 1, and what the gates do.

Eight feed-forward layers (:data:`VARIANTS`) go into the same tiny character-level Transformer
(:mod:`actlib.transformer`) at equal parameter counts, each trained for several seeds on
Python's own help pages. One run is a function of a variant, a seed and a :data:`SCALES`
preset; :func:`reproduce` runs them all, on two CPU processes or on a GPU if there is one.

>>> records = reproduce(seeds=[0, 1, 2, 3, 4])       # doctest: +SKIP
>>> summarize(records)["swiglu"]                      # doctest: +SKIP
(1.79..., 0.01...)
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import multiprocessing
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import torch
from torch import nn

from ..nn import GatedFeedForward, init_linear
from ..stats import mean_and_spread
from ..text import load_corpus, split
from ..train import Run
from ..transformer import (
    FFN_VARIANTS,
    Transformer,
    TransformerConfig,
    count_parameters,
    default_device,
    ffn_parameters,
    train,
)

__all__ = ["VARIANTS", "PaperResult", "SHAZEER_TABLE1", "Scale", "SCALES", "get_scale",
           "replace_scale", "make_model", "run", "reproduce", "summarize", "seeded", "GATE_BINS",
           "gate_statistics"]

#: Shazeer's eight feed-forward layers, in the order of his Table 1 (labels:
#: :data:`actlib.transformer.FFN_LABELS`).
VARIANTS = tuple(FFN_VARIANTS)


class PaperResult(NamedTuple):
    """One row of Shazeer (2020), Table 1: held-out log-perplexity of a T5-base model."""

    steps_65k: float  # after 65,536 training steps
    spread_65k: float  # the spread between runs at 65,536 steps, in brackets in the paper
    steps_524k: float  # after 524,288 training steps


#: The published numbers of Table 1 in Shazeer (2020), for T5 (base) pre-trained on C4 with
#: the span-filling objective.
SHAZEER_TABLE1 = {
    "relu": PaperResult(1.997, 0.005, 1.677),
    "gelu": PaperResult(1.983, 0.005, 1.679),
    "swish": PaperResult(1.994, 0.003, 1.683),
    "glu": PaperResult(1.982, 0.006, 1.663),
    "bilinear": PaperResult(1.960, 0.005, 1.648),
    "geglu": PaperResult(1.942, 0.004, 1.633),
    "swiglu": PaperResult(1.944, 0.010, 1.636),
    "reglu": PaperResult(1.953, 0.003, 1.645),
}


@dataclass(frozen=True)
class Scale:
    """The size of the model and of its training; ``d_ff`` is always 4 · ``d_model``."""

    context: int  # characters the model sees at once
    d_model: int
    n_layer: int
    n_head: int
    steps: int
    batch_size: int
    lr: float
    dropout: float = 0.0
    eval_every: int | None = None  # also measure validation loss every this many steps

    @property
    def d_ff(self) -> int:
        return 4 * self.d_model


#: The presets. ``"cpu"`` runs eight variants × five seeds in about 70 seconds on two idle
#: cores (about 135 CPU-seconds in all): we measured several sizes, and at
#: this budget a narrow two-block model with a short context, small batches and many steps
#: learned the most per second. The others run the same code
#: longer, wider and with longer contexts, for a GPU; the corpus is small, so they use dropout.
SCALES = {
    "cpu": Scale(context=32, d_model=48, n_layer=2, n_head=2, steps=250, batch_size=16,
                 lr=1e-2),
    "gpu-small": Scale(context=128, d_model=192, n_layer=4, n_head=4, steps=5_000,
                       batch_size=64, lr=3e-3, dropout=0.1, eval_every=500),
    "gpu": Scale(context=256, d_model=384, n_layer=6, n_head=6, steps=20_000, batch_size=64,
                 lr=1e-3, dropout=0.2, eval_every=1_000),
}


def get_scale(scale: str | Scale) -> Scale:
    """A preset by name, or a :class:`Scale` as it is."""
    if isinstance(scale, Scale):
        return scale
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of: {', '.join(SCALES)}")
    return SCALES[scale]


def replace_scale(scale: str | Scale, **changes: Any) -> Scale:
    """A preset with some fields changed, e.g. ``replace_scale("cpu", steps=20)``."""
    return dataclasses.replace(get_scale(scale), **changes)


def make_model(variant: str, seed: int, scale: str | Scale = "cpu",
               vocab_size: int | None = None) -> Transformer:
    """The Transformer of one run, with FFN ``variant`` and weights drawn from ``seed``.

    ``vocab_size`` defaults to the number of distinct characters in the corpus.
    """
    s = get_scale(scale)
    if vocab_size is None:
        vocab_size = load_corpus()[1].vocab_size
    config = TransformerConfig(vocab_size=vocab_size, context=s.context, d_model=s.d_model,
                               n_layer=s.n_layer, n_head=s.n_head, d_ff=s.d_ff, ffn=variant,
                               dropout=s.dropout)
    return Transformer(config, seed=seed)


def run(variant: str, seed: int, scale: str | Scale = "cpu", device: str | None = None,
        sample_length: int = 0) -> Run:
    """Train one model and return what happened as a :class:`~actlib.train.Run`.

    The seed draws the weights and the training windows; the validation set is the fixed
    last 10% of the corpus. On the same machine and thread count, a run repeats exactly.

    Returns:
        A run named ``variant``: ``loss`` is the training loss at every step; it watches
        ``val_curve``, the validation loss at each of ``steps``; and it measures ``val_loss``
        (nats per character, at the end), ``params``, ``ffn_params``, ``gates``
        (:func:`gate_statistics` on validation text, or ``None`` for a dense layer), ``sample``
        (``sample_length`` characters the model writes after the prompt "The "), ``seconds``
        and ``cpu_seconds`` (wall-clock and CPU time of the run) and ``device``.
    """
    start, cpu_start = time.perf_counter(), time.process_time()
    s = get_scale(scale)
    device = device or default_device()
    tokens, tokenizer = load_corpus()
    train_tokens, val_tokens = split(tokens)
    model = make_model(variant, seed, s, tokenizer.vocab_size).to(device)
    history = train(model, train_tokens, val_tokens, steps=s.steps, batch_size=s.batch_size,
                    lr=s.lr, seed=seed, eval_every=s.eval_every)
    model.eval()
    gates = None
    if isinstance(model.blocks[0].ffn, GatedFeedForward):
        gates = gate_statistics(model, val_tokens[: 32 * s.context + 1])
    sample = ""
    if sample_length:
        prompt = tokenizer.encode("The ")[None].to(device)
        ids = model.generate(prompt, sample_length, torch.Generator().manual_seed(seed))
        sample = tokenizer.decode(ids[0].tolist())
    final = {"val_loss": history.val_loss[-1], "params": count_parameters(model),
             "ffn_params": ffn_parameters(model), "gates": gates, "sample": sample,
             "seconds": time.perf_counter() - start,
             "cpu_seconds": time.process_time() - cpu_start, "device": device}
    return Run(variant, seed, history.train_loss, history.val_steps,
               {"val_curve": np.array(history.val_loss)}, final)


def _run_one_thread(args: tuple) -> Run:
    torch.set_num_threads(1)  # in a worker process: one core each
    return run(*args)


def reproduce(seeds: Iterable[int] = (0, 1, 2), scale: str | Scale = "cpu",
              variants: Sequence[str] = VARIANTS, workers: int | None = None,
              sample_length: int = 0) -> list[Run]:
    """Every variant for every seed: the runs of :func:`run`, variant by variant.

    On a GPU the runs go one after another. On a CPU they are shared between ``workers``
    processes (by default one per core), each on one thread: models this small gain far more
    from two processes than from two threads. With ``workers=1`` they run here, on the current
    thread count. The workers are started with "spawn", which is safe in Jupyter; from a
    script, call this under ``if __name__ == "__main__":``.
    """
    unknown = [v for v in variants if v not in FFN_VARIANTS]
    if unknown:
        raise ValueError(f"unknown variants {unknown}; choose from: {', '.join(VARIANTS)}")
    device = default_device()
    jobs = [(v, seed, scale, device, sample_length) for v in variants for seed in seeds]
    if workers is None:
        workers = 1 if device == "cuda" else min(os.cpu_count() or 1, len(jobs))
    if workers <= 1:
        return [run(*job) for job in jobs]
    context = multiprocessing.get_context("spawn")  # safe from a Jupyter kernel
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        return list(pool.map(_run_one_thread, jobs))


def summarize(records: list[Run], key: str = "val_loss") -> dict[str, tuple[float, float]]:
    """Per variant, the mean and sample standard deviation of ``key`` over seeds."""
    by_variant: dict[str, list[dict[str, float]]] = {}
    for record in records:
        by_variant.setdefault(record.name, []).append({key: record[key]})
    return {v: mean_and_spread(runs)[key] for v, runs in by_variant.items()}


def seeded(module: nn.Module, seed: int) -> nn.Module:
    """Redraw every ``nn.Linear`` of ``module`` with PyTorch's default initialisation from a
    generator seeded with ``seed``, leaving the global random state alone; returns ``module``.

    >>> a = seeded(GatedFeedForward(4, 6, "silu"), seed=3)
    >>> b = seeded(GatedFeedForward(4, 6, "silu"), seed=3)
    >>> all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    True
    """
    generator = torch.Generator().manual_seed(seed)
    for layer in module.modules():
        if isinstance(layer, nn.Linear):
            init_linear(layer, generator)
    return module


# What the gate does

#: The bin edges of the gate histograms; values beyond them are counted in the end bins.
GATE_BINS = np.linspace(-2.0, 3.0, 101)


@torch.no_grad()
def gate_statistics(model: Transformer, tokens: torch.Tensor) -> dict[str, Any]:
    r"""How the gates of a trained gated model behave on ``tokens`` (real text).

    For every gated layer we record the gate :math:`g = \mathrm{act}(xW)` and the
    up-projection :math:`u = xV` at every position and hidden unit.

    Returns:
        ``hist``: counts of g in :data:`GATE_BINS` (clipped at the ends), all layers together;
        ``zero``, ``negative``, ``small``: fractions of gate values with :math:`g = 0`,
        :math:`g < 0` and :math:`|g| < 0.1`; ``mean_abs``: the mean of :math:`|g|`;
        ``passed``: the fraction of the up-projection's size that gets through,
        :math:`\lVert g \otimes u \rVert / \lVert u \rVert` averaged over positions.
    """
    gates, ups = [], []

    def keep(store):
        return lambda module, inputs, output: store.append(output.float())

    hooks = []
    for block in model.blocks:
        hooks.append(block.ffn.act_fn.register_forward_hook(keep(gates)))
        hooks.append(block.ffn.up_proj.register_forward_hook(keep(ups)))
    context = model.config.context
    n = (len(tokens) - 1) // context
    device = model.lm_head.weight.device
    try:
        model(tokens[: n * context].view(n, context).to(device))
    finally:
        for hook in hooks:
            hook.remove()
    g = torch.cat([t.flatten(0, -2) for t in gates])  # (layers · positions, hidden)
    u = torch.cat([t.flatten(0, -2) for t in ups])
    passed = (g * u).norm(dim=1) / u.norm(dim=1).clamp_min(1e-12)
    counts, _ = np.histogram(g.clamp(GATE_BINS[0], GATE_BINS[-1]).cpu().numpy(), GATE_BINS)
    return {
        "hist": counts.tolist(),
        "zero": float((g == 0).float().mean()),
        "negative": float((g < 0).float().mean()),
        "small": float((g.abs() < 0.1).float().mean()),
        "mean_abs": float(g.abs().mean()),
        "passed": float(passed.mean()),
    }
