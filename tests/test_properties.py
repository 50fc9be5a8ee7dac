"""The atlas's properties: each computed answer pinned, and checked by a second method."""

import dataclasses
import math

import numpy as np
import pytest
from scipy import optimize, special

import actlib
from actlib.properties import (
    COMPUTED,
    DECLARED,
    GRID,
    SELF_GATES,
    Properties,
    number,
    properties,
)

PHI_0 = 1 / math.sqrt(2 * math.pi)  # the standard normal density at 0

# name: (monotonic, smooth, range, zero-centred, self-gated), the atlas's table in short.
EXPECTED = {
    "identity": (True, True, "(−∞, ∞)", True, False),
    "sigmoid": (True, True, "(0, 1)", False, False),
    "tanh": (True, True, "(−1, 1)", True, False),
    "softplus": (True, True, "(0, ∞)", False, False),
    "relu": (True, False, "[0, ∞)", False, False),
    "leaky_relu": (True, False, "(−∞, ∞)", False, False),
    "elu": (True, True, "(−1, ∞)", False, False),
    "gelu": (False, True, "[−0.17, ∞)", False, True),
    "gelu_tanh": (False, True, "[−0.17, ∞)", False, True),
    "silu": (False, True, "[−0.278, ∞)", False, True),
    "swish": (False, True, "[−0.278, ∞)", False, True),
    "mish": (False, True, "[−0.309, ∞)", False, True),
}


@pytest.fixture(scope="module")
def props() -> dict[str, Properties]:
    return {name: properties(actlib.get(name)) for name in actlib.names()}


# Every registered activation, and the metadata

def test_every_registered_name_has_properties_and_an_expected_answer(props):
    assert set(props) == set(EXPECTED)
    for name, p in props.items():
        assert isinstance(p, Properties) and p.name == name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_properties_match_the_pinned_answers(props, name):
    p = props[name]
    assert (p.monotonic, p.smooth, p.interval(), p.zero_centred, p.self_gated) == EXPECTED[name]


def test_computed_and_declared_fields_cover_the_dataclass():
    fields = {f.name for f in dataclasses.fields(Properties)}
    assert set(COMPUTED) | set(DECLARED) | {"name", "params"} == fields
    assert not set(COMPUTED) & set(DECLARED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_year_and_reference_come_from_the_registry(props, name):
    act, p = actlib.get(name), props[name]
    assert (p.year, p.reference) == (act.year, act.reference)
    if name == "identity":
        assert p.year is None and p.reference is None
    else:
        assert isinstance(p.year, int) and 1940 <= p.year <= 2100
        assert isinstance(p.reference, str) and p.reference


def test_parameters_are_kept():
    assert properties(actlib.get("swish", beta=2.0)).params == {"beta": 2.0}


# Bounds

def test_sigmoid_is_bounded_in_the_open_interval_0_1(props):
    p = props["sigmoid"]
    assert p.bounded_below and p.bounded_above
    assert (p.lower, p.upper) == (0.0, 1.0)
    assert not p.lower_attained and not p.upper_attained
    assert p.interval() == "(0, 1)"


def test_tanh_is_bounded_in_the_open_interval_minus_1_1(props):
    p = props["tanh"]
    assert (p.lower, p.upper) == (-1.0, 1.0)
    assert not p.lower_attained and not p.upper_attained


@pytest.mark.parametrize("name", ["identity", "leaky_relu"])
def test_unbounded_in_both_directions(props, name):
    p = props[name]
    assert not p.bounded_below and not p.bounded_above
    assert (p.lower, p.upper) == (-math.inf, math.inf)


def test_relu_attains_its_lower_bound_softplus_only_approaches_it(props):
    assert props["relu"].lower == 0.0 and props["relu"].lower_attained
    assert props["softplus"].lower == 0.0 and not props["softplus"].lower_attained
    assert not props["relu"].bounded_above and not props["softplus"].bounded_above


@pytest.mark.parametrize("alpha", [0.5, 1.0, 2.0])
def test_elu_approaches_minus_alpha_without_reaching_it(alpha):
    p = properties(actlib.get("elu", alpha=alpha))
    assert p.lower == -alpha and not p.lower_attained
    assert p.monotonic


@pytest.mark.parametrize("name", ["silu", "swish", "gelu", "gelu_tanh", "mish"])
def test_the_lower_bound_of_a_dip_is_its_minimum_and_attained(props, name):
    p = props[name]
    assert p.lower == p.minimum[1] and p.lower_attained
    assert not p.bounded_above


# Monotonic, and the minima of the non-monotonic ones

@pytest.mark.parametrize(("name", "x_star", "f_star"), [
    ("silu", -1.278, -0.2785), ("gelu", -0.752, -0.1700), ("mish", -1.192, -0.3088),
])
def test_silu_gelu_mish_are_not_monotonic_with_their_minima(props, name, x_star, f_star):
    p = props[name]
    assert not p.monotonic
    assert p.minimum[0] == pytest.approx(x_star, abs=1e-3)
    assert p.minimum[1] == pytest.approx(f_star, abs=1e-4)


@pytest.mark.parametrize("name", ["silu", "swish", "gelu", "gelu_tanh", "mish"])
def test_minimum_agrees_with_a_derivative_free_search(props, name):
    act = actlib.get(name)
    found = optimize.minimize_scalar(lambda x: float(act(np.array([x]))[0]),
                                     bounds=(-3.0, 0.0), method="bounded",
                                     options={"xatol": 1e-10})
    assert props[name].minimum[0] == pytest.approx(found.x, abs=1e-6)
    assert props[name].minimum[1] == pytest.approx(found.fun, abs=1e-12)
    assert act.derivative(np.array([props[name].minimum[0]]))[0] == pytest.approx(0, abs=1e-12)


def test_silu_minimum_is_one_above_where_it_lies(props):
    # f' = 0 means sigma(x) = 1 + 1/x, so f(x*) = x* sigma(x*) = x* + 1.
    x_star, f_star = props["silu"].minimum
    assert f_star == pytest.approx(x_star + 1, abs=1e-12)


@pytest.mark.parametrize("beta", [0.5, 2.0, 4.0])
def test_swish_minimum_scales_as_one_over_beta(props, beta):
    # swish_beta(x) = silu(beta x) / beta: the dip shrinks towards ReLU's corner as beta grows.
    x_star, f_star = props["silu"].minimum
    p = properties(actlib.get("swish", beta=beta))
    assert p.minimum[0] == pytest.approx(x_star / beta, abs=1e-9)
    assert p.minimum[1] == pytest.approx(f_star / beta, abs=1e-12)


def test_swish_with_beta_zero_is_the_monotonic_line_x_over_2():
    p = properties(actlib.get("swish", beta=0.0))
    assert p.monotonic and p.minimum is None and p.smooth
    assert not p.bounded_below and not p.bounded_above


def test_exact_and_tanh_gelu_have_nearly_the_same_minimum(props):
    exact, approx = props["gelu"].minimum, props["gelu_tanh"].minimum
    assert abs(exact[0] - approx[0]) < 1e-3 and abs(exact[1] - approx[1]) < 1e-4


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_monotonic_agrees_with_the_differences_of_f(props, name):
    # A second method that never calls the derivative: consecutive values of f on the grid.
    steps = np.diff(actlib.get(name)(GRID))
    assert props[name].monotonic == bool(steps.min() >= -1e-12)


def test_monotonic_functions_have_no_minimum(props):
    for p in props.values():
        assert (p.minimum is None) == p.monotonic


# Smooth (C1)

@pytest.mark.parametrize(("name", "size"), [("relu", 1.0), ("leaky_relu", 0.99)])
def test_relu_and_leaky_relu_are_not_smooth_their_derivative_jumps_at_0(props, name, size):
    p = props[name]
    assert not p.smooth
    where, jump = p.jump
    assert where == pytest.approx(0, abs=1e-12)
    assert jump == pytest.approx(size, abs=1e-12)


@pytest.mark.parametrize(("name", "size"), [("relu", 1.0), ("leaky_relu", 0.99)])
def test_the_jump_shows_in_one_sided_difference_quotients_of_f(name, size):
    f, h = actlib.get(name), 1e-6
    right = (f(np.array([h]))[0] - f(np.array([0.0]))[0]) / h
    left = (f(np.array([0.0]))[0] - f(np.array([-h]))[0]) / h
    assert right - left == pytest.approx(size, rel=1e-6)


def test_softplus_is_smooth_and_monotonic(props):
    p = props["softplus"]
    assert p.smooth and p.jump is None
    assert p.monotonic and p.minimum is None


@pytest.mark.parametrize(("alpha", "smooth"), [(1.0, True), (0.5, False), (2.0, False)])
def test_elu_is_smooth_for_alpha_1_only(alpha, smooth):
    # ELU'(x) is 1 for x > 0 and alpha e^x for x <= 0: continuous at 0 exactly when alpha = 1.
    p = properties(actlib.get("elu", alpha=alpha))
    assert p.smooth == smooth
    if not smooth:
        assert p.jump[1] == pytest.approx(abs(1 - alpha), abs=1e-12)


def test_elu_is_c1_but_its_second_derivative_jumps_at_0():
    df, h = actlib.get("elu").derivative, 1e-6
    right = (df(np.array([h]))[0] - df(np.array([0.0]))[0]) / h
    left = (df(np.array([0.0]))[0] - df(np.array([-h]))[0]) / h
    assert right == pytest.approx(0, abs=1e-9) and left == pytest.approx(1, abs=1e-5)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "gelu", "gelu_tanh", "silu", "mish"])
def test_the_smooth_ones_have_no_jump(props, name):
    assert props[name].smooth and props[name].jump is None


# Zero-centred, and the values at 0

@pytest.mark.parametrize(("name", "mean"), [
    ("identity", 0.0),
    ("tanh", 0.0),
    ("sigmoid", 0.5),
    ("relu", PHI_0),
    ("leaky_relu", 0.99 * PHI_0),
    ("elu", PHI_0 + math.exp(0.5) * special.ndtr(-1.0) - 0.5),
    ("gelu", 1 / (2 * math.sqrt(math.pi))),  # E[Z Phi(Z)] = E[phi(Z)]
])
def test_mean_on_normal_inputs_matches_closed_forms(props, name, mean):
    assert props[name].mean_normal == pytest.approx(mean, abs=1e-7)


def test_tanh_is_zero_centred_and_sigmoid_is_not(props):
    assert props["tanh"].zero_centred and abs(props["tanh"].mean_normal) < 1e-12
    assert not props["sigmoid"].zero_centred


def test_only_odd_functions_are_zero_centred(props):
    assert {n for n, p in props.items() if p.zero_centred} == {"identity", "tanh"}


@pytest.mark.parametrize(("name", "value", "slope"), [
    ("identity", 0.0, 1.0), ("sigmoid", 0.5, 0.25), ("tanh", 0.0, 1.0),
    ("softplus", math.log(2), 0.5), ("relu", 0.0, 0.0), ("leaky_relu", 0.0, 0.01),
    ("elu", 0.0, 1.0), ("gelu", 0.0, 0.5), ("gelu_tanh", 0.0, 0.5), ("silu", 0.0, 0.5),
    ("swish", 0.0, 0.5), ("mish", 0.0, 0.6),  # tanh(log 2) = 3/5
])
def test_value_and_derivative_at_0(props, name, value, slope):
    assert props[name].value_at_0 == pytest.approx(value, abs=1e-15)
    assert props[name].derivative_at_0 == pytest.approx(slope, abs=1e-15)


# Self-gated (declared)

def test_declared_self_gates_are_registered_names():
    assert set(SELF_GATES) <= set(actlib.names())


# The declared gates g, written independently with NumPy and SciPy.
GATES = {
    "gelu": special.ndtr,
    "gelu_tanh": lambda x: 0.5 * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3))),
    "silu": special.expit,
    "swish": special.expit,  # beta = 1
    "mish": lambda x: np.tanh(np.logaddexp(0, x)),
}


def test_every_declared_gate_has_a_numerical_twin_here():
    assert set(GATES) == set(SELF_GATES)


@pytest.mark.parametrize("name", sorted(SELF_GATES))
def test_the_function_is_x_times_its_declared_gate(name):
    x = np.linspace(-20.0, 20.0, 4001)
    np.testing.assert_allclose(actlib.get(name)(x), x * GATES[name](x), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", sorted(SELF_GATES))
def test_each_declared_gate_is_a_soft_gate(name):
    # f(x) / x must run from 0 to 1, non-decreasing and strictly inside (0, 1) near 0.
    x = np.linspace(-20.0, 20.0, 4000)  # even count: 0 is not on it
    gate = actlib.get(name)(x) / x
    assert np.all((gate >= 0) & (gate <= 1))
    assert np.diff(gate).min() >= -1e-12
    assert gate[0] < 1e-6 and gate[-1] > 1 - 1e-6
    near = np.abs(x) < 1
    assert np.all((gate[near] > 0.01) & (gate[near] < 0.99))


def test_relu_is_a_hard_gate_so_it_is_not_declared(props):
    x = np.linspace(-5.0, 5.0, 100)
    assert set(np.unique(actlib.get("relu")(x) / x)) == {0.0, 1.0}
    assert not props["relu"].self_gated and props["relu"].gate is None


def test_gate_formula_is_given_exactly_for_the_self_gated(props):
    for p in props.values():
        assert (p.gate is not None) == p.self_gated


# Formatting

@pytest.mark.parametrize(("value", "text"), [
    (-0.2784645, "−0.278"), (0.5, "0.5"), (1.0, "1"), (-0.0, "0"), (-1e-9, "0"),
    (math.inf, "∞"), (-math.inf, "−∞"), (0.693147, "0.693"),
])
def test_number(value, text):
    assert number(value) == text
