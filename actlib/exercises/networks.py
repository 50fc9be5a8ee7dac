"""The checks of chapters 3, 5 and 6: dead networks, a fused GLU weight, resolved pairs."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..nn import GatedFeedForward, mlp
from ..stats import PairedComparison

__all__ = ["check_is_born_dead", "check_fused_weight", "check_resolved_order"]


def _hand_built_net(dead_layer: int | None = None,
                   dead_units: tuple[int, ...] = ()) -> nn.Sequential:
    """A 2 -> 4 -> 4 -> 4 -> 1 ReLU network whose dead units are known in advance.

    The first layer computes :math:`\\mathrm{ReLU}(\\pm x_i + 1)`, so each unit fires for some
    inputs; the next two add 1/2 to their input (identity weights, bias 1/2), so a layer after
    a dead one outputs the constant 1/2, not zero. A unit is killed by zero weights and bias
    −1: all units of hidden layer ``dead_layer`` (0, 1 or 2), and units ``dead_units`` of
    every hidden layer.
    """
    model = mlp([2, 4, 4, 4, 1], "relu", seed=0)
    first = torch.tensor([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])
    hidden = [m for m in model if isinstance(m, nn.Linear)][:-1]
    with torch.no_grad():
        for k, linear in enumerate(hidden):
            linear.weight.copy_(first if k == 0 else torch.eye(4))
            linear.bias.fill_(1.0 if k == 0 else 0.5)
            killed = list(range(4)) if k == dead_layer else list(dead_units)
            linear.weight[killed] = 0.0
            linear.bias[killed] = -1.0
    return model


def check_is_born_dead(is_born_dead: Callable[[nn.Module, torch.Tensor], bool], *,
                       seed: int = 0) -> bool:
    """Chapter 3: check a function ``is_born_dead(model, inputs) -> bool``.

    It is tried on ReLU networks built by hand, whose dead units are known: healthy, dead in the
    first, middle or last hidden layer, and with half of every layer's units dead but the
    network alive, on 32 random inputs drawn with ``seed``.
    """
    inputs = torch.randn(32, 2, generator=torch.Generator().manual_seed(seed))
    cases = [("a healthy network", _hand_built_net(), False),
             *[(f"a network whose hidden layer {k} is dead", _hand_built_net(k), True)
               for k in range(3)],
             ("a network with half of each layer's units dead", _hand_built_net(dead_units=(0, 1)),
              False)]
    for label, model, expected in cases:
        answer = is_born_dead(model, inputs)
        if isinstance(answer, torch.Tensor | np.ndarray | np.generic) and answer.ndim == 0:
            answer = answer.item()  # a 0-d tensor or array holding True or False
        if not isinstance(answer, bool):
            print(f"is_born_dead should return True or False, got {answer!r}.")
            return False
        if answer != expected:
            hint = ("A few dead units do not stop the signal: the network is dead only when one"
                    " whole layer outputs zero for every input." if not expected else
                    "Look at the output of every activation layer, not only the first or the"
                    " last, and require zero in all units for all inputs: (a == 0).all().")
            print(f"For {label} the answer is {expected}, but is_born_dead said {answer}. {hint}")
            return False
    print("Correct: is_born_dead finds a dead layer wherever it is, and only then.")
    return True


def check_fused_weight(fuse: Callable[[GatedFeedForward], torch.Tensor], seed: int = 0) -> bool:
    """Chapter 5: check an answer to the exercise on fused projections, with a hint if wrong.

    ``fuse(layer)`` takes a GLU layer (sigmoid gate) and must return the single weight matrix
    ``W`` of shape ``(2 · d_ff, d_model)`` for which
    ``layer.down_proj(F.glu(x @ W.T, dim=-1))`` equals ``layer(x)``.
    """
    generator = torch.Generator().manual_seed(seed)
    with torch.random.fork_rng(devices=[]):
        layer = GatedFeedForward(6, 10, "sigmoid")
    with torch.no_grad():
        for linear in (layer.gate_proj, layer.up_proj, layer.down_proj):
            linear.weight.normal_(0.0, 0.5, generator=generator)
        x = torch.randn(5, 6, generator=generator)
        try:
            W = torch.as_tensor(fuse(layer))
        except Exception as error:  # the learner's code: report, never crash the notebook
            print(f"Your function raised {type(error).__name__}: {error}")
            return False
        if tuple(W.shape) != (20, 6):
            print(f"The fused weight should stack two (d_ff, d_model) = (10, 6) weights along "
                  f"dim 0, giving (20, 6); yours has shape {tuple(W.shape)}.")
            return False
        fused = layer.down_proj(F.glu(x @ W.T, dim=-1))
        if torch.allclose(fused, layer(x), atol=1e-5):
            print("Correct: F.glu splits the projection in two and gates the first half with "
                  "the sigmoid of the second.")
            return True
        gate_first = torch.cat([layer.gate_proj.weight, layer.up_proj.weight])
        if torch.allclose(W, gate_first):
            print("Close: you stacked gate_proj first, as LLaMA lists them, but F.glu gates "
                  "with the *second* half: it computes a * sigmoid(b) for the halves (a, b). "
                  "Put up_proj's weight first.")
        else:
            print("Not yet: the fused weight should hold exactly the rows of up_proj.weight "
                  "and gate_proj.weight, one block after the other.")
        return False


def check_resolved_order(resolved_order: Callable[[list[PairedComparison]], set[tuple[str, str]]]
                         ) -> bool:
    """Chapter 6: check a function that lists the resolved pairs as ``(lower, higher)`` loss.

    The learner's function gets the output of :func:`actlib.stats.paired_comparisons` and
    should return the set of pairs ``(better, worse)`` for which the gap is resolved
    (``separated``), the variant with the lower loss first.
    """
    comparisons = [PairedComparison("relu", "silu", 0.12, 1e-4, 2e-3, True),
                   PairedComparison("gelu", "relu", -0.05, 1e-4, 1e-3, True),
                   PairedComparison("gelu", "silu", 0.01, 0.04, 0.3, False)]
    expected = {("silu", "relu"), ("gelu", "relu")}
    try:
        result = set(resolved_order(comparisons))
    except Exception as error:  # the learner's code failed: say how
        print(f"resolved_order raised {type(error).__name__}: {error}")
        return False
    if ("gelu", "silu") in result or ("silu", "gelu") in result:
        print("A pair whose gap is not resolved (separated is False) is not a ranking: leave it"
              " out, whatever the sign of its difference.")
        return False
    if ("relu", "silu") in result or ("relu", "gelu") in result:
        print("difference is the mean of a − b: a negative difference means a has the lower loss"
              " and comes first; a positive one means b does.")
        return False
    if result != expected:
        print(f"Expected {sorted(expected)}, got {sorted(result)}.")
        return False
    print("Right: only the resolved pairs, the lower loss first.")
    return True
