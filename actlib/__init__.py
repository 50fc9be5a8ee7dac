"""actlib: the activation functions of the course, their derivatives and their torch modules.

The package has two layers. The **core** is the flat modules of ``actlib/``; it never imports
the experiments:

- ``registry``, ``functions``: the activations (names, labels, formulas, derivatives, years);
- ``nn``: feed-forward layers (dense and gated), ``mlp`` and ``deep_mlp``, initialisation;
  ``blocks``: the normalisation layers and residual connections ``deep_mlp`` can add;
  ``variance``: the variance argument behind the initialisation rules, as predictions;
- ``diagnostics``: per-layer measures (gradient norms, dead, off and saturated units);
- ``distributions``: per-layer samples (activations, gradients, saturation maps, update
  ratios);
- ``stats``: means and spreads over seeds, geometric summaries, paired comparisons;
- ``data``, ``seeding``, ``train``: data sets, the seed switch, the training loop and ``Run``,
  the one record every experiment returns;
- ``text``, ``transformer``: the pinned corpus and the small character-level Transformer;
- ``plotting``, ``widgets``, ``exercises``, ``properties``: figures, explorers, checks for
  learners, the atlas's computed properties.

The **experiments** (``actlib.experiments``) hold one module per chapter, named by its topic:
``nonlinearity`` (1), ``vanishing`` (2), ``dying`` and ``speed`` (3), ``smooth`` (4),
``glu`` (5), ``evolution`` and ``arena`` (6). Each composes the core and none imports another.
Where a new piece goes: a new activation into the registry (``functions`` for its math); a
new measure of a network into ``diagnostics``; a chapter's new experiment into its module in
``experiments``, and anything a second chapter needs down into the core.

>>> import numpy as np
>>> import actlib
>>> actlib.names()[:3]
['elu', 'gelu', 'gelu_tanh']
>>> act = actlib.get("gelu")
>>> act.label, act.derivative(np.zeros(1))
('GELU', array([0.5]))
>>> actlib.seeds(3)  # shifted by the environment variable ACTLIB_SEED (unset here)
[0, 1, 2]
"""

from importlib.metadata import version

from .registry import Activation, get, names, register
from .seeding import seed, seeds

__all__ = ["Activation", "get", "names", "register", "seed", "seeds"]
__version__ = version("actlib")  # written once, in pyproject.toml
