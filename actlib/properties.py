r"""The properties of an activation, computed from its function and its exact derivative.

>>> import actlib
>>> from actlib.properties import properties
>>> p = properties(actlib.get("silu"))
>>> p.monotonic, p.smooth, p.interval()
(False, True, '[−0.278, ∞)')

Every property is measured in float64 on the wide grid :data:`GRID` (step :data:`STEP`), at
the far points ±:data:`FAR`, and with the registry's exact derivative; the numerical method
and its tolerance are written in each helper below. Only two things are *declared* rather
than computed: whether a function is self-gated (:data:`SELF_GATES`, because the form
:math:`x\,g(x)` is a fact about how the function is defined, not about its values) and its
year and reference (from the registry).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from scipy import optimize

from .registry import Activation

__all__ = ["LIMIT", "STEP", "MONOTONE_TOL", "JUMP_TOL", "MEAN_TOL", "ATTAIN_TOL", "ATTAIN_RANGE",
           "SELF_GATES", "COMPUTED", "DECLARED", "GRID", "FAR", "Properties", "number",
           "properties", "is_monotonic", "global_minimum", "largest_jump", "limit_at_infinity",
           "bounds", "attains", "mean_on_normal"]

#: Half-width of the grid, which spans [−LIMIT, LIMIT].
LIMIT = 50.0
#: Step of the grid.
STEP = 1e-3
#: The wide grid every property is measured on, [−50, 50] with step 1e−3; it contains 0.
GRID = np.linspace(-LIMIT, LIMIT, int(round(2 * LIMIT / STEP)) + 1)
GRID.flags.writeable = False  # shared by every call: nobody may change it
#: Where "infinity" is read. f(±FAR) gives the limits, and f(±FAR / 10) shows whether f still
#: grows out there.
FAR = 1e4
#: A derivative below −MONOTONE_TOL somewhere on the grid makes f non-monotonic. The dips of
#: SiLU, GELU and Mish reach about −0.1, while rounding in an exact derivative stays near 1e−16.
MONOTONE_TOL = 1e-12
#: A jump in f′ larger than this, after bisecting down to adjacent floats, makes f not C¹.
JUMP_TOL = 1e-6
#: How far from 0 the mean E f(Z), Z ~ N(0, 1), may be to count as zero-centred; the
#: quadrature error is about 1e−8.
MEAN_TOL = 1e-6
#: The largest distance from a bound at which f counts as reaching it.
ATTAIN_TOL = 1e-12
#: A bound is attained (a closed end of the range) if f reaches it at some x in
#: [−ATTAIN_RANGE, ATTAIN_RANGE].
ATTAIN_RANGE = 10.0

#: Declared, not computed. The gate g of each self-gated function, f(x) = x g(x), in LaTeX.
#: Any f with f(0) = 0 can be written x · (f(x)/x), so the values cannot tell a gate from a
#: rewriting; what makes these self-gated is that they are *defined* as the input times a
#: soft gate in (0, 1) read from the input itself (Ramachandran et al., 2017). ReLU,
#: x · 1[x > 0], is the hard-gated limit of Swish as β → ∞; like Ramachandran et al. we keep
#: the term for soft gates, so ReLU is not listed. The tests check that f(x) = x g(x) for
#: each g listed here, and that g is a soft gate.
SELF_GATES: Mapping[str, str] = MappingProxyType({
    "gelu": r"\Phi(x)",
    "gelu_tanh": r"\tfrac{1}{2}\left(1 + \tanh\left[\sqrt{2/\pi}\,(x + 0.044715\,x^{3})\right]"
                 r"\right)",
    "silu": r"\sigma(x)",
    "swish": r"\sigma(\beta x)",
    "mish": r"\tanh(\operatorname{softplus}(x))",
})

#: Which fields of :class:`Properties` are measured and which are declared or looked up.
COMPUTED = ("monotonic", "minimum", "smooth", "jump", "lower", "upper", "lower_attained",
            "upper_attained", "mean_normal", "zero_centred", "value_at_0", "derivative_at_0")
DECLARED = ("self_gated", "gate", "year", "reference")


@dataclass(frozen=True)
class Properties:
    """What :func:`properties` finds for one activation (with its parameters bound).

    Attributes:
        name: the registered name.
        params: the parameter values the properties were computed with.
        monotonic: f is non-decreasing: f′(x) ≥ 0 on the whole grid.
        minimum: ``(x*, f(x*))``, the global minimum of a non-monotonic f, else ``None``.
        smooth: f is continuously differentiable (C¹): f′ has no jump.
        jump: ``(where, size)`` of f′'s jump for a function that is not C¹, else ``None``.
        lower, upper: inf f and sup f over ℝ; ``-inf`` / ``inf`` when unbounded.
        lower_attained, upper_attained: whether f takes that value at a finite x.
        mean_normal: E f(Z) for Z ~ N(0, 1), the mean output on standard normal inputs.
        zero_centred: E f(Z) = 0.
        value_at_0, derivative_at_0: f(0) and f′(0), the latter by the registry's convention
            at a kink (ReLU′(0) = 0, as in PyTorch).
        self_gated, gate: declared in :data:`SELF_GATES`; ``gate`` is g in LaTeX, or ``None``.
        year, reference: from the registry.
    """

    name: str
    params: Mapping[str, float]
    monotonic: bool
    minimum: tuple[float, float] | None
    smooth: bool
    jump: tuple[float, float] | None
    lower: float
    upper: float
    lower_attained: bool
    upper_attained: bool
    mean_normal: float
    zero_centred: bool
    value_at_0: float
    derivative_at_0: float
    self_gated: bool
    gate: str | None
    year: int | None
    reference: str | None

    @property
    def bounded_below(self) -> bool:
        return math.isfinite(self.lower)

    @property
    def bounded_above(self) -> bool:
        return math.isfinite(self.upper)

    def interval(self, digits: int = 3) -> str:
        """The range of f as an interval: ``"(0, 1)"``, ``"[−0.278, ∞)"``, ``"(−∞, ∞)"``."""
        left = "[" if self.lower_attained else "("
        right = "]" if self.upper_attained else ")"
        return (f"{left}{number(self.lower, digits)}, "
                f"{number(self.upper, digits)}{right}")


def number(value: float, digits: int = 3) -> str:
    """A value for prose and tables: at most ``digits`` decimals, a true minus sign, ∞."""
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    text = "0" if text in ("-0", "") else text
    return text.replace("-", "−")


def properties(act: Activation) -> Properties:
    """The properties of ``act``, computed from ``act`` and ``act.derivative`` in float64.

    Example:
        >>> import actlib
        >>> properties(actlib.get("sigmoid")).interval()
        '(0, 1)'
    """
    f = act(GRID)
    df = act.derivative(GRID)
    monotonic = is_monotonic(df)
    minimum = None if monotonic else global_minimum(act, f, df)
    jump = largest_jump(act, df)
    lower, upper = bounds(act, f, minimum)
    mean = mean_on_normal(act)
    zero = np.zeros(1)
    return Properties(
        name=act.name,
        params=dict(act.params),
        monotonic=monotonic,
        minimum=minimum,
        smooth=jump is None,
        jump=jump,
        lower=lower,
        upper=upper,
        lower_attained=attains(act, lower, minimum),
        upper_attained=attains(act, upper, None),
        mean_normal=mean,
        zero_centred=abs(mean) <= MEAN_TOL,
        value_at_0=float(act(zero)[0]),
        derivative_at_0=float(act.derivative(zero)[0]),
        self_gated=act.name in SELF_GATES,
        gate=SELF_GATES.get(act.name),
        year=act.year,
        reference=act.reference,
    )


def is_monotonic(df: np.ndarray) -> bool:
    r"""Whether f is non-decreasing: :math:`f'(x) \ge -\varepsilon` at every grid point.

    With :math:`\varepsilon` = :data:`MONOTONE_TOL` (1e−12), only rounding is forgiven: the
    negative dips of SiLU (−0.10), GELU (−0.13) and Mish (−0.11) are far beyond it. None of
    the registered functions decreases; a decreasing one would count as not monotonic.
    """
    return bool(df.min() >= -MONOTONE_TOL)


def global_minimum(act: Activation, f: np.ndarray, df: np.ndarray) -> tuple[float, float]:
    r"""``(x*, f(x*))`` for the smallest value of f on the grid, refined where f′ = 0.

    If f′ changes sign from − to + around the best grid point, Brent's method on the exact
    derivative places :math:`x^*` to about 1e−12; otherwise the grid point is kept.
    """
    i = int(np.argmin(f))
    x_star = float(GRID[i])
    if 0 < i < len(GRID) - 1 and df[i - 1] < 0 < df[i + 1]:
        x_star = optimize.brentq(lambda x: float(act.derivative(np.array([x]))[0]),
                                 GRID[i - 1], GRID[i + 1], xtol=1e-14)
    return x_star, float(act(np.array([x_star]))[0])


def largest_jump(act: Activation, df: np.ndarray, candidates: int = 5
                 ) -> tuple[float, float] | None:
    r"""Where and by how much f′ jumps, or ``None`` if f is C¹ (f′ continuous) on the grid.

    A continuous f′ changes by at most :math:`\max|f''|\,h` between neighbouring grid points
    (h = 1e−3), a jump by its full size however small h is. So we take the ``candidates``
    grid intervals where f′ changes most and bisect each, keeping the half across which f′
    changes more, until its ends are adjacent floats. Across such an interval a continuous
    f′ changes by rounding only, a jump by its size; sizes above :data:`JUMP_TOL` count.
    Jumps smaller than the grid's own variation (about 1e−3) could be missed.

    "Smooth" in the course means exactly this, C¹. It is what gradient descent feels: ReLU
    and Leaky ReLU fail it (f′ jumps at 0), ELU passes it for α = 1 only, and ELU is C¹ but
    not C² (f″ jumps from 1 to 0 at 0). The other smooth ones are infinitely differentiable.
    """
    def grad(x: float) -> float:
        return float(act.derivative(np.array([x]))[0])

    changes = np.abs(np.diff(df))
    best = None
    for i in np.argsort(changes)[::-1][:candidates]:
        a, b = float(GRID[i]), float(GRID[i + 1])
        ga, gb = grad(a), grad(b)
        while True:
            m = 0.5 * (a + b)
            if not a < m < b:
                break
            gm = grad(m)
            if abs(gm - ga) >= abs(gb - gm):
                b, gb = m, gm
            else:
                a, ga = m, gm
        size = abs(gb - ga)
        if size > JUMP_TOL and (best is None or size > best[1]):
            best = (0.5 * (a + b), size)
    return best


def limit_at_infinity(act: Activation, sign: float) -> float:
    """The limit of f at ``sign`` · ∞, f(±FAR), or ±inf if f still grows out there.

    A function that still moves by more than 1 between ±FAR/10 and ±FAR is taken to grow
    without bound; every bounded function here has settled to rounding long before.
    """
    near, far = act(np.array([sign * FAR / 10, sign * FAR]))
    if abs(far - near) > 1:
        return math.inf if far > near else -math.inf
    return float(far)


def bounds(act: Activation, f: np.ndarray, minimum: tuple[float, float] | None
           ) -> tuple[float, float]:
    """inf f and sup f, from the limits at ±∞ and the extremes on the grid.

    The limits come from :func:`limit_at_infinity`. The refined minimum of a non-monotonic
    f is included, so SiLU's lower bound is its minimum value, not the nearest grid value.
    """
    tails = [limit_at_infinity(act, -1.0), limit_at_infinity(act, 1.0)]
    lows = [*tails, float(f.min())] + ([minimum[1]] if minimum else [])
    highs = [*tails, float(f.max())]
    return min(lows), max(highs)


def attains(act: Activation, bound: float, minimum: tuple[float, float] | None) -> bool:
    r"""Whether f takes the value ``bound`` at some finite x (a closed end of its range).

    True if f meets the bound to within :data:`ATTAIN_TOL` at a grid point with
    :math:`|x| \le` :data:`ATTAIN_RANGE`, or at the refined minimum. A bound that is only
    approached (sigmoid → 0, tanh → 1, ELU → −α) is approached like :math:`e^{-|x|}` here
    and still at least 4e−9 away at :math:`|x| = 10`, far above rounding.
    """
    if not math.isfinite(bound):
        return False
    if minimum is not None and abs(minimum[1] - bound) <= ATTAIN_TOL:
        return True
    inner = GRID[np.abs(GRID) <= ATTAIN_RANGE]
    return bool(np.min(np.abs(act(inner) - bound)) <= ATTAIN_TOL)


def mean_on_normal(act: Activation) -> float:
    r""":math:`\mathbb{E}\,f(Z)` for :math:`Z \sim N(0, 1)`, by the trapezoid rule.

    The integral :math:`\int f(x)\,\varphi(x)\,dx` is taken over [−12, 12] with step 1e−3,
    a grid that contains 0, where the kinks are; the normal density outside is below 1e−31.
    This is what "zero-centred" means here: the mean output over the standard normal inputs
    a well-initialised layer feeds the activation is 0 (tanh, not the sigmoid).
    """
    x = np.linspace(-12.0, 12.0, 24001)
    density = np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
    return float(np.trapezoid(act(x) * density, x))
