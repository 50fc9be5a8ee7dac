r"""Chapter 6's harder arena: a character-level MLP language model, one activation at a time.

The model reads the last ``context`` characters of Python's help pages
(:func:`actlib.text.load_corpus`) and predicts the next one, in the manner of Bengio et al.
(2003): each character is looked up in an embedding table, the embeddings are concatenated,
and ``n_layer`` feed-forward layers (:class:`~actlib.nn.FeedForward`) lead to the scores of
the next character. The activation is on the only path from the input
to the output, so a model with the identity collapses to one linear map of its context.

>>> runs = compete(seeds=[0, 1, 2, 3, 4])              # doctest: +SKIP
>>> stats.paired_comparisons(samples(runs))            # doctest: +SKIP
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import functools
import multiprocessing
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from ..nn import FeedForward, default_init, init_linear
from ..registry import names
from ..text import load_corpus, split
from ..train import Run, one_thread
from ..transformer import count_parameters, lr_at

__all__ = ["TWINS", "VARIANTS", "Arena", "CharMLP", "make_model", "windows", "run", "compete",
           "samples"]

#: Activations the arena leaves out as near-copies of others, each mapped to its twin. Swish
#: with its default β = 1 is SiLU, and GELU's tanh form differs from GELU by less than 10⁻³.
TWINS = {"swish": "silu", "gelu_tanh": "gelu"}

#: The arena's activations, every registered one but the :data:`TWINS`.
VARIANTS = tuple(name for name in names() if name not in TWINS)


@dataclass(frozen=True)
class Arena:
    """The model's sizes and its training; ``d_ff`` is the dense hidden width."""

    context: int = 8  # characters the model reads
    d_embed: int = 16  # width of one character's embedding; the layers see context · d_embed
    d_ff: int = 256  # hidden width of each feed-forward layer
    n_layer: int = 1
    steps: int = 250
    batch_size: int = 128
    lr: float = 1e-2
    val_chars: int = 8192  # validation positions, from the start of the held-out text

    @property
    def d_model(self) -> int:
        return self.context * self.d_embed


def _check(activation: str) -> None:
    if activation not in names():
        raise ValueError(f"unknown activation {activation!r}; choose one of: "
                         f"{', '.join(names())}")


class CharMLP(nn.Module):
    r"""A character-level MLP language model.

    .. math:: h_0 = [e(c_{t-k}); \dots; e(c_{t-1})], \quad
              h_{i} = \mathrm{FFN}_i(h_{i-1}), \quad \mathrm{logits} = h_L W_o + b_o

    Each FFN is ``act(h W_1 + b_1) W_2 + b_2``. Weights are drawn from a
    generator seeded with ``seed`` (embeddings N(0, 1); layers by the course's rule,
    :func:`~actlib.nn.default_init`; the output layer Xavier's), so the global random state is
    neither used nor changed.

    Shape: character ids ``(B, context)`` in, logits ``(B, vocab_size)`` out.
    """

    def __init__(self, activation: str, vocab_size: int, arena: Arena = Arena(), seed: int = 0):
        super().__init__()
        _check(activation)
        self.context = arena.context
        with torch.random.fork_rng(devices=[]):  # constructors draw weights we replace
            self.embed = nn.Embedding(vocab_size, arena.d_embed)
            self.layers = nn.Sequential(*[FeedForward(arena.d_model, arena.d_ff, activation,
                                                      bias=True)
                                          for _ in range(arena.n_layer)])
            self.head = nn.Linear(arena.d_model, vocab_size)
        generator = torch.Generator().manual_seed(seed)
        with torch.no_grad():
            self.embed.weight.normal_(0.0, 1.0, generator=generator)
        scheme = default_init(activation)
        for module in self.layers.modules():
            if isinstance(module, nn.Linear):
                init_linear(module, generator, scheme)
        init_linear(self.head, generator, "xavier")

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        if idx.shape[-1] != self.context:
            raise ValueError(f"expected {self.context} characters, got {idx.shape[-1]}")
        x = self.embed(idx).flatten(1)  # (B, context · d_embed)
        return self.head(self.layers(x))  # (B, vocab_size)


def make_model(activation: str, seed: int, arena: Arena = Arena(),
               vocab_size: int | None = None) -> CharMLP:
    """The model of one run; ``vocab_size`` defaults to the corpus's number of characters."""
    if vocab_size is None:
        vocab_size = _corpus()[2]
    return CharMLP(activation, vocab_size, arena, seed)


def windows(tokens: torch.Tensor, context: int, starts: torch.Tensor | None = None
            ) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs ``(N, context)`` and targets ``(N,)``: the ``context`` characters before each
    position and the character at it. Positions are ``starts`` + ``context`` (default: all)."""
    if starts is None:
        starts = torch.arange(len(tokens) - context)
    x = tokens[starts[:, None] + torch.arange(context)]  # (N, context)
    return x, tokens[starts + context]


@functools.cache
def _corpus() -> tuple[torch.Tensor, torch.Tensor, int]:
    """Training tokens, validation tokens and vocabulary size, encoded once per process."""
    tokens, tokenizer = load_corpus()
    return *split(tokens), tokenizer.vocab_size


def run(activation: str, seed: int, arena: Arena = Arena()) -> Run:
    """Train one model with Adam (warm-up, then cosine decay) on random windows; a Run.

    The seed draws the weights and the windows; the validation positions are the first
    ``arena.val_chars`` of the held-out last 10% of the corpus, the same for every run.

    Returns:
        A run named ``activation`` whose ``loss`` is the training loss at every step, and which
        measures ``val_loss`` (nats per character), ``params`` and ``cpu_seconds``.
    """
    cpu_start = time.process_time()
    train_tokens, val_tokens, vocab_size = _corpus()
    model = make_model(activation, seed, arena, vocab_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=arena.lr, fused=True)
    generator = torch.Generator().manual_seed(seed)
    warmup = max(1, arena.steps // 20)
    losses = []
    with one_thread():
        for step in range(arena.steps):
            for group in optimizer.param_groups:
                group["lr"] = lr_at(step, arena.steps, arena.lr, warmup)
            starts = torch.randint(len(train_tokens) - arena.context, (arena.batch_size,),
                                   generator=generator)
            x, y = windows(train_tokens, arena.context, starts)
            loss = F.cross_entropy(model(x), y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        x, y = windows(val_tokens[: arena.val_chars + arena.context], arena.context)
        with torch.no_grad():
            val_loss = float(F.cross_entropy(model(x), y))
    final = {"val_loss": val_loss, "params": count_parameters(model),
             "cpu_seconds": time.process_time() - cpu_start}
    return Run(activation, seed, losses, final=final)


def _run_one_thread(args: tuple) -> Run:
    torch.set_num_threads(1)  # in a worker process: one core each
    return run(*args)


def compete(seeds: Iterable[int], activations: Sequence[str] = VARIANTS, arena: Arena = Arena(),
            workers: int | None = None, **changes: Any) -> list[Run]:
    """:func:`run` for every activation and seed, shared between ``workers`` processes.

    ``changes`` replace fields of ``arena`` (e.g. ``steps=100``). By default there is one
    worker per core, each on one thread, started with "spawn" (safe in Jupyter; from a script,
    call this under ``if __name__ == "__main__":``); ``workers=1`` runs here.
    """
    arena = dataclasses.replace(arena, **changes)
    for activation in activations:
        _check(activation)  # fails early, with the list of names
    jobs = [(activation, seed, arena) for activation in activations for seed in seeds]
    if workers is None:
        workers = min(os.cpu_count() or 1, len(jobs))
    if workers <= 1:
        return [run(*job) for job in jobs]
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        return list(pool.map(_run_one_thread, jobs))


def samples(runs: Iterable[Run], key: str = "val_loss") -> dict[str, list[float]]:
    """Per activation, ``key`` of its runs in order of seed: the input of
    :func:`actlib.stats.paired_comparisons`."""
    by_activation: dict[str, list[Run]] = {}
    for r in runs:
        by_activation.setdefault(r.name, []).append(r)
    return {name: [r[key] for r in sorted(rs, key=lambda r: r.seed)]
            for name, rs in by_activation.items()}
