"""actlib: the activation functions of the course, their derivatives and their torch modules.

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
