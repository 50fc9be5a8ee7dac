"""actlib: the activation functions of the course, their derivatives and their torch modules.

>>> import actlib
>>> actlib.names()[:3]
['elu', 'gelu', 'gelu_tanh']
>>> act = actlib.get("gelu")
>>> act.derivative(np.zeros(1))
array([0.5])
"""

from .registry import Activation, get, names, register

__all__ = ["Activation", "get", "names", "register"]
__version__ = "0.1.0"
