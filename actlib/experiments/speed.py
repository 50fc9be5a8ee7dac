"""How long activations take on a large tensor, next to the memory traffic they cannot avoid.

An element-wise function reads every number of its input once and writes every number of its
output once. A plain copy does exactly that and nothing else, so it is the natural reference
for an activation's forward pass: what an activation takes beyond it is, roughly, the cost of
its arithmetic. The backward pass reads two tensors (the incoming gradient and the saved input
or output) and writes one, like a product of two tensors. These functions measure and return
numbers; they never draw.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

from ..registry import get
from ..train import torch_threads

__all__ = ["Timing", "SpeedReport", "median_times", "measure_speed"]


@dataclass(frozen=True)
class Timing:
    """Median wall-clock seconds of an activation's forward and backward pass."""

    forward: float
    backward: float


@dataclass(frozen=True)
class SpeedReport:
    """What :func:`measure_speed` measured: the references first, then each activation.

    Attributes:
        size: the number of float32 elements in the tensor.
        threads: the number of threads PyTorch used.
        copy: seconds for ``x.clone()``: read one tensor, write a new one.
        product: seconds for ``g * x``: read two tensors, write a new one, the least a
            backward pass does.
        layer: seconds for a linear layer of width ``width`` whose output has ``size``
            elements, ``x.view(-1, width) @ W``.
        width: the width of that layer.
        activations: one :class:`Timing` per activation name.
    """

    size: int
    threads: int
    copy: float
    product: float
    layer: float
    width: int
    activations: dict[str, Timing]


def median_times(calls: dict[str, Callable[[], object]], repeats: int = 5,
                 warmup: int = 1) -> dict[str, float]:
    """The median wall-clock time of each call, timed in turns with ``time.perf_counter``.

    Each round calls every function once, so a slow moment of the machine (another program,
    a clock change) hits all of them alike instead of one; ``warmup`` rounds are not timed.

    Returns:
        Seconds per call, one median of ``repeats`` per key of ``calls``.
    """
    if repeats < 1 or warmup < 0:
        raise ValueError(f"need repeats >= 1 and warmup >= 0, got {repeats} and {warmup}")
    times: dict[str, list[float]] = {key: [] for key in calls}
    for round_ in range(warmup + repeats):
        for key, call in calls.items():
            start = time.perf_counter()
            call()
            elapsed = time.perf_counter() - start
            if round_ >= warmup:
                times[key].append(elapsed)
    return {key: statistics.median(values) for key, values in times.items()}


def _calls(names: Sequence[str], size: int, width: int,
           seed: int) -> dict[str, Callable[[], object]]:
    """The timed calls: three references, then a forward and a backward per activation."""
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(size, generator=generator)  # (size,)
    g = torch.randn(size, generator=generator)  # an incoming gradient, (size,)
    W = torch.randn(width, width, generator=generator) / math.sqrt(width)
    calls: dict[str, Callable[[], object]] = {
        "copy": x.clone,
        "product": lambda: g * x,
        "layer": lambda: x.view(-1, width) @ W,  # (size / width, width)
    }
    for name in names:
        f = get(name).module()
        x_grad = x.clone().requires_grad_(True)
        y = f(x_grad)  # the graph stays alive so that the backward can run again and again
        calls[f"{name}/forward"] = lambda f=f: f(x)  # x needs no gradient: no graph
        calls[f"{name}/backward"] = lambda y=y, x_grad=x_grad: torch.autograd.grad(
            y, x_grad, g, retain_graph=True)
    return calls


def measure_speed(names: Sequence[str], *, size: int = 2**23, width: int = 512,
                  repeats: int = 5, warmup: int = 1, threads: int | None = None,
                  seed: int = 0) -> SpeedReport:
    r"""Time the forward and backward pass of activations on one large float32 tensor.

    The forward pass computes :math:`y = f(x)` into a new tensor, as a network does; the
    backward pass computes :math:`\partial L/\partial x = g \odot f'(x)` from an incoming
    gradient :math:`g` with ``torch.autograd.grad``. Next to them are three references:
    a copy of :math:`x`, the product :math:`g \odot x`, and a linear layer producing a tensor
    of the same size. Everything is timed in turns (see :func:`median_times`).

    Args:
        names: registered activation names, e.g. ``["relu", "gelu"]``.
        size: elements in the tensor; :math:`2^{23}` float32 numbers are 32 MiB, more than
            the caches of most CPUs hold, so every pass streams from main memory.
        width: the width of the reference linear layer; ``size`` must be a multiple of it.
        repeats: timed rounds; the median is reported.
        warmup: untimed rounds first.
        threads: PyTorch threads during the measurement (``None``: the current setting),
            restored afterwards.
        seed: seeds the random tensors.

    Returns:
        A :class:`SpeedReport` in seconds. Timings vary from run to run and machine to
        machine; compare ratios measured together, not absolute numbers.
    """
    if size < 1 or width < 1 or size % width:
        raise ValueError(f"size must be a positive multiple of width, got {size} and {width}")
    with torch_threads(threads) as used:
        times = median_times(_calls(names, size, width, seed), repeats, warmup)
    activations = {name: Timing(times[f"{name}/forward"], times[f"{name}/backward"])
                   for name in names}
    return SpeedReport(size, used, times["copy"], times["product"], times["layer"], width,
                       activations)
