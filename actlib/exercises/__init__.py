"""Checks for the chapters' coding exercises: they run the learner's code and say what is off.

Chapters 1 and 2's checks are in :mod:`actlib.exercises.layers`, those of chapters 3, 5 and 6
in :mod:`actlib.exercises.networks`; all are imported here.

Every check prints what is wrong (with a hint for the usual slips), or that the answer is
right, and returns whether it is right. An exception in the learner's code is reported, never
raised, so that the notebook goes on.
"""

from .layers import (
    Layer,
    apply_layers,
    check_collapse,
    check_he_init,
    check_hinge_knots,
    check_residual,
    check_sigmoid_derivative,
    check_tanh_saturated,
)
from .networks import check_fused_weight, check_is_born_dead, check_resolved_order

__all__ = ["Layer", "apply_layers", "check_collapse", "check_hinge_knots",
           "check_sigmoid_derivative", "check_tanh_saturated",
           "check_he_init", "check_residual", "check_is_born_dead", "check_fused_weight",
           "check_resolved_order"]
