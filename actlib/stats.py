"""Statistics shared by the chapters: means and spreads over seeds, geometric summaries of
ratios, and paired comparisons of several variants with Holm's correction.

"Spread" here is always named: :func:`mean_and_spread` gives the sample standard deviation
over seeds (what the chapters' tables print as ±); figures that draw a band from the smallest to
the largest seed say so in their captions.

>>> mean_and_spread([{"acc": 0.5}, {"acc": 1.0}])["acc"]
(0.75, 0.3535533905932738)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

import numpy as np

__all__ = ["mean_and_spread", "geometric_summary", "holm", "PairedComparison", "paired_pvalue",
           "paired_comparisons"]


def mean_and_spread(runs: list[dict[str, float]]) -> dict[str, tuple[float, float]]:
    """For each key of the runs, the mean and the sample standard deviation over runs."""
    keys = runs[0].keys()
    values = {k: np.array([run[k] for run in runs]) for k in keys}
    return {k: (float(v.mean()), float(v.std(ddof=1)) if len(v) > 1 else 0.0)
            for k, v in values.items()}


def geometric_summary(values: Iterable[float]) -> tuple[float, float, float]:
    r"""The geometric mean, the smallest and the largest of positive values.

    Ratios that span orders of magnitude are averaged on a log scale:
    :math:`\exp\bigl(\tfrac1n \sum_i \log v_i\bigr)`.
    """
    v = np.asarray(list(values), dtype=float)
    if v.size == 0 or not np.all(v > 0):
        raise ValueError("geometric_summary needs one or more positive values")
    return float(np.exp(np.log(v).mean())), float(v.min()), float(v.max())


def holm(pvalues: Sequence[float]) -> np.ndarray:
    """Holm's step-down adjustment of ``pvalues`` for testing them all at once (Holm, 1979).

    The smallest p-value is multiplied by m (the number of tests), the next by m − 1, and so
    on; each adjusted value is at least the one before it and at most 1. Rejecting every test
    whose adjusted p-value is below α keeps the chance of even one false rejection among the m
    tests at most α, whatever the dependence between them.

    >>> holm([0.01, 0.04, 0.03, 0.005]).round(3).tolist()
    [0.03, 0.06, 0.06, 0.02]
    """
    p = np.asarray(pvalues, dtype=float)
    if p.ndim != 1 or np.any((p < 0) | (p > 1)) or np.any(np.isnan(p)):
        raise ValueError("pvalues must be a flat sequence of numbers in [0, 1]")
    m = len(p)
    order = np.argsort(p, kind="stable")
    stepped = np.maximum.accumulate(p[order] * (m - np.arange(m)))
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(stepped, 1.0)
    return adjusted


class PairedComparison(NamedTuple):
    """One pair of variants compared seed by seed; ``difference`` is the mean of a − b."""

    a: str
    b: str
    difference: float  # mean over seeds of (a's value − b's value); negative: a is lower
    pvalue: float  # two-sided paired t-test, uncorrected
    adjusted: float  # Holm-adjusted over all the pairs compared together
    separated: bool  # adjusted < alpha


def paired_pvalue(differences: Sequence[float]) -> float:
    r"""Two-sided p-value of a paired t-test: is the mean of ``differences`` zero?

    With n differences of mean :math:`\bar d` and sample standard deviation s, the statistic
    :math:`t = \bar d / (s / \sqrt n)` follows Student's t with n − 1 degrees of freedom when
    the true mean is zero, and :math:`p = 2\,F_{n-1}(-|t|)`. This is what
    ``scipy.stats.ttest_1samp(d, 0)`` returns, computed directly (many times faster).
    Differences that are all zero give 1; equal non-zero differences (no spread) give 0.
    """
    from scipy.special import stdtr  # here, so that worker processes start faster

    d = np.asarray(differences, dtype=float)
    if len(d) < 2:
        raise ValueError("a paired t-test needs at least two differences")
    if np.all(d == d[0]):
        return 1.0 if d[0] == 0 else 0.0
    t = d.mean() / (d.std(ddof=1) / np.sqrt(len(d)))
    return float(2 * stdtr(len(d) - 1, -abs(t)))


def paired_comparisons(samples: Mapping[str, Sequence[float]], alpha: float = 0.05
                       ) -> list[PairedComparison]:
    """Every pair of ``samples`` compared seed by seed, with Holm's correction over all pairs.

    ``samples[name][i]`` is the result of ``name`` on the i-th seed; a seed fixes the data
    every variant sees, so the differences are taken seed by seed (paired). Each pair gets a
    two-sided paired t-test; the p-values of all the pairs are adjusted together with
    :func:`holm`, so that the chance of separating any pair whose true difference is zero is at
    most ``alpha``. Pairs come in the order of ``itertools.combinations(samples, 2)``.
    """
    names = list(samples)
    values = {k: np.asarray(samples[k], dtype=float) for k in names}
    sizes = {len(v) for v in values.values()}
    if len(sizes) != 1:
        raise ValueError("every variant needs a value for each of the same seeds")
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1:]]
    if not pairs:
        return []
    raw = [paired_pvalue(values[a] - values[b]) for a, b in pairs]
    adjusted = holm(raw)
    return [PairedComparison(a, b, float(np.mean(values[a] - values[b])), p, float(q),
                             bool(q < alpha))
            for (a, b), p, q in zip(pairs, raw, adjusted)]
