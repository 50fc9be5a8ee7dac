"""actlib: the activation functions of the course, their derivatives and their torch modules.

The core, which the chapters compose and which never imports a chapter's module:

- ``registry``, ``functions``: the activations (names, formulas, derivatives, metadata);
- ``nn``: feed-forward layers (dense and gated), ``mlp``, initialisation;
- ``diagnostics``: per-layer measures (gradient norms, dead and saturated units);
- ``stats``: mean and spread over seeds, geometric summaries, paired comparisons;
- ``data``, ``train``, ``seeding``: data sets, the training loop, the seed switch;
- ``transformer``: the small character-level Transformer and its pinned corpus;
- ``plotting``, ``widgets``, ``exercises``, ``properties``: figures, explorers, checks for
  learners, the atlas's computed properties.

One module of experiments per chapter: ``experiments`` (1), ``vanishing`` (2), ``dying`` and
``speed`` (3), ``smooth`` (4), ``glu`` (5), ``evolution`` (6). A new activation goes into the
registry, a new measure into ``diagnostics``, a chapter's experiment into its module.

>>> import numpy as np
>>> import actlib
>>> actlib.names()[:3]
['elu', 'gelu', 'gelu_tanh']
>>> act = actlib.get("gelu")
>>> act.derivative(np.zeros(1))
array([0.5])
>>> actlib.seeds(3)  # shifted by the environment variable ACTLIB_SEED (unset here)
[0, 1, 2]
"""

from importlib.metadata import version

from .registry import Activation, get, names, register
from .seeding import seed, seeds

__all__ = ["Activation", "get", "names", "register", "seed", "seeds"]
__version__ = version("actlib")  # written once, in pyproject.toml
