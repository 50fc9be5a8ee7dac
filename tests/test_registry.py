"""The registry: names, factories, parameters, labels, metadata and an Activation's input checks."""

import math
import re

import numpy as np
import pytest
import torch
from matplotlib import mathtext

import actlib
from actlib import registry

REQUIRED = {"identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "gelu_tanh",
            "silu", "swish", "softplus", "mish"}
DEFAULT_PARAMS = {"leaky_relu": {"slope": 0.01}, "elu": {"alpha": 1.0}, "swish": {"beta": 1.0}}


def test_names_are_sorted_and_unique():
    names = actlib.names()
    assert names == sorted(set(names))


def test_names_contain_every_required_activation():
    assert REQUIRED <= set(actlib.names())


@pytest.mark.parametrize("name", actlib.names())
def test_get_returns_activation_with_its_name(name):
    act = actlib.get(name)
    assert isinstance(act, actlib.Activation)
    assert act.name == name


@pytest.mark.parametrize("name", actlib.names())
def test_get_returns_a_new_object_each_call(name):
    first, second = actlib.get(name), actlib.get(name)
    assert first is not second
    assert first.module() is not second.module()
    assert first.module() is not first.module()


def test_overridden_parameter_does_not_leak_into_the_next_get():
    actlib.get("swish", beta=2.0)
    act = actlib.get("swish")
    assert act.params["beta"] == 1.0
    with pytest.raises(TypeError):  # read-only, so no caller can change what others get
        act.params["beta"] = 5.0


def test_unknown_name_message_lists_every_valid_name():
    with pytest.raises(ValueError) as info:
        actlib.get("swishy")
    message = str(info.value)
    assert "swishy" in message
    for name in actlib.names():
        assert name in message


@pytest.mark.parametrize("name", actlib.names())
def test_default_params(name):
    assert dict(actlib.get(name).params) == DEFAULT_PARAMS.get(name, {})


@pytest.mark.parametrize(("name", "params"), [
    ("swish", {"beta": 2.0}), ("swish", {"beta": 3}), ("leaky_relu", {"slope": 0.2}),
    ("elu", {"alpha": 0.5}), ("swish", {"beta": np.float64(0.5)}),
])
def test_params_override_defaults(name, params):
    act = actlib.get(name, **params)
    assert dict(act.params) == {key: float(value) for key, value in params.items()}


@pytest.mark.parametrize(("name", "bad", "takes"), [
    ("swish", "alpha", ["beta"]), ("leaky_relu", "alpha", ["slope"]),
    ("elu", "beta", ["alpha"]), ("gelu", "approximate", []), ("relu", "slope", []),
])
def test_unknown_parameter_message_names_what_the_function_takes(name, bad, takes):
    with pytest.raises(ValueError) as info:
        actlib.get(name, **{bad: 1.0})
    message = str(info.value)
    assert bad in message
    for param in takes:
        assert param in message
    if not takes:
        assert re.search(r"\bno\b|\bnone\b", message, re.IGNORECASE)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, "2.0", None, True, 1j, [1.0]],
                         ids=repr)
def test_non_finite_or_non_numeric_parameter_is_rejected(value):
    with pytest.raises(ValueError, match="beta"):
        actlib.get("swish", beta=value)


@pytest.mark.parametrize("x", [np.arange(3), np.arange(3, dtype=np.int32),
                               np.array([True, False])], ids=["int64", "int32", "bool"])
@pytest.mark.parametrize("method", ["__call__", "derivative"])
def test_non_float_array_raises_type_error_naming_the_dtype(x, method):
    act = actlib.get("relu")
    with pytest.raises(TypeError) as info:
        getattr(act, method)(x)
    message = str(info.value)
    assert str(x.dtype) in message
    assert "float" in message


@pytest.mark.parametrize("method", ["__call__", "derivative"])
def test_torch_tensor_raises_type_error_pointing_to_numpy_or_module(method):
    act = actlib.get("gelu")
    with pytest.raises(TypeError) as info:
        getattr(act, method)(torch.zeros(3))
    message = str(info.value)
    assert "numpy" in message.lower()
    assert "module()" in message


@pytest.mark.parametrize("name", actlib.names())
def test_formula_is_a_non_empty_string(name):
    formula = actlib.get(name).formula
    assert isinstance(formula, str)
    assert formula.strip()


@pytest.mark.parametrize("name", actlib.names())
def test_formula_renders_with_matplotlib_mathtext(name, tmp_path):
    # The formula labels plots; matplotlib's default mathtext must be able to parse it.
    mathtext.math_to_image(f"${actlib.get(name).formula}$", tmp_path / "formula.png")


@pytest.mark.parametrize("name", actlib.names())
def test_year_and_reference_come_together(name):
    act = actlib.get(name)
    assert (act.year is None) == (act.reference is None)
    if act.year is not None:
        assert isinstance(act.year, int)
        assert 1940 <= act.year <= 2100
        assert isinstance(act.reference, str) and act.reference


@pytest.mark.parametrize("name", [n for n in actlib.names() if actlib.get(n).reference])
def test_reference_key_exists_in_references_bib(name, bibliography):
    act = actlib.get(name)
    assert act.reference in bibliography, f"{act.reference!r} is not a key of references.bib"
    if bibliography[act.reference] is not None:
        assert str(act.year) == bibliography[act.reference]


# labels

@pytest.mark.parametrize("name", actlib.names())
def test_every_activation_has_a_label(name):
    label = actlib.get(name).label
    assert isinstance(label, str) and label.strip() == label and label


def test_labels_are_written_as_the_course_writes_them():
    assert [actlib.get(n).label for n in ("gelu", "leaky_relu", "silu")] == [
        "GELU", "Leaky ReLU", "SiLU"]


@pytest.fixture
def register():
    """``register(name, **kwargs)`` adds a test activation (2x) that is removed afterwards."""
    added = []

    def add(name, **kwargs):
        added.append(name)
        actlib.register(name, lambda x: 2 * x, lambda x: np.full_like(x, 2.0), torch.nn.Identity,
                        "2x", **kwargs)

    try:
        yield add
    finally:
        for name in added:
            registry._REGISTRY.pop(name, None)


def test_the_label_defaults_to_the_name(register):
    register("_test_double")
    register("_test_twice", label="Twice")
    assert actlib.get("_test_double").label == "_test_double"
    assert actlib.get("_test_twice").label == "Twice"
    with pytest.raises(ValueError, match="already registered"):
        register("_test_double", label="Again")
