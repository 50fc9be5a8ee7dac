"""One switch for every seed in the course: the environment variable ``ACTLIB_SEED``.

Every seed a chapter uses comes from :func:`seed` or :func:`seeds`, which add the value of
``ACTLIB_SEED`` (0 when unset) to the seed written on the page. The page's own results use
seeds 0, 1, 2, ...; a reader who sets ``ACTLIB_SEED=1000`` reruns every experiment of every
chapter on seeds 1000, 1001, ... and the hidden assertions check that the text still holds.

The variable is read at each call, not at import, so it can also be set from a notebook
cell (``%env ACTLIB_SEED=1000``) before the experiments run.

>>> import os
>>> os.environ.pop(SEED_VARIABLE, None) and None
>>> seeds(3)
[0, 1, 2]
>>> os.environ[SEED_VARIABLE] = "1000"
>>> seed(), seeds(3)
(1000, [1000, 1001, 1002])
>>> del os.environ[SEED_VARIABLE]
"""

from __future__ import annotations

import os

__all__ = ["SEED_VARIABLE", "seed", "seed_offset", "seeds"]

SEED_VARIABLE = "ACTLIB_SEED"


def seed_offset() -> int:
    """The value of ``ACTLIB_SEED``: a whole number ≥ 0 added to every seed (0 when unset)."""
    text = os.environ.get(SEED_VARIABLE, "").strip()
    if not text:
        return 0
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{SEED_VARIABLE} must be a whole number >= 0, got {text!r}") from None
    if value < 0:
        raise ValueError(f"{SEED_VARIABLE} must be a whole number >= 0, got {value}")
    return value


def seed(k: int = 0) -> int:
    """The ``k``-th seed of the current seed set: ``ACTLIB_SEED + k``."""
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    return seed_offset() + k


def seeds(n: int) -> list[int]:
    """The first ``n`` seeds of the current seed set: ``ACTLIB_SEED + 0`` to ``+ n - 1``."""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    start = seed_offset()
    return list(range(start, start + n))
