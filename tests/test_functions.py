"""Values and derivatives of every activation, checked against torch (the answer key)."""

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import actlib

# Each case: registered name, parameters, the same function written with torch.
CASES = [
    ("identity", {}, lambda t: t),
    ("sigmoid", {}, F.sigmoid),
    ("tanh", {}, F.tanh),
    ("relu", {}, F.relu),
    ("leaky_relu", {}, F.leaky_relu),
    ("leaky_relu", {"slope": 0.2}, lambda t: F.leaky_relu(t, negative_slope=0.2)),
    ("elu", {}, F.elu),
    ("elu", {"alpha": 0.5}, lambda t: F.elu(t, alpha=0.5)),
    ("gelu", {}, F.gelu),
    ("gelu_tanh", {}, lambda t: F.gelu(t, approximate="tanh")),
    ("silu", {}, F.silu),
    ("swish", {}, lambda t: t * F.sigmoid(t)),
    ("swish", {"beta": 2.0}, lambda t: t * F.sigmoid(2.0 * t)),
    ("softplus", {}, F.softplus),
    ("mish", {}, F.mish),
]
IDS = [name + "".join(f"-{k}={v}" for k, v in params.items()) for name, params, _ in CASES]
CASE = pytest.mark.parametrize(("name", "params", "reference"), CASES, ids=IDS)
NAME_PARAMS = pytest.mark.parametrize(("name", "params"), [c[:2] for c in CASES], ids=IDS)
KINKED = {"relu", "leaky_relu", "elu"}  # not differentiable at 0 (ELU is, only for alpha = 1)

GRID = np.linspace(-8.0, 8.0, 321)  # step 0.05, contains 0
TOL = {np.float64: {"rtol": 1e-12, "atol": 1e-15}, np.float32: {"rtol": 1e-5, "atol": 1e-6}}


def torch_value(reference, x: np.ndarray) -> np.ndarray:
    return reference(torch.from_numpy(x)).numpy()


def torch_grad(reference, x: np.ndarray) -> np.ndarray:
    t = torch.from_numpy(x).requires_grad_(True)
    (grad,) = torch.autograd.grad(reference(t).sum(), t)
    return grad.numpy()


def test_every_registered_activation_has_a_torch_reference():
    assert set(actlib.names()) <= {name for name, _, _ in CASES}


# Values and derivatives against torch

@CASE
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_value_matches_torch(name, params, reference, dtype):
    x = GRID.astype(dtype)
    np.testing.assert_allclose(actlib.get(name, **params)(x), torch_value(reference, x),
                               **TOL[dtype])


@CASE
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_module_equals_torch_builtin(name, params, reference, dtype):
    module = actlib.get(name, **params).module()
    assert isinstance(module, torch.nn.Module)
    x = torch.linspace(-8.0, 8.0, 321, dtype=dtype)
    torch.testing.assert_close(module(x), reference(x), rtol=0, atol=0)


# Derivatives are O(1); where one is nearly 0, 1 + tanh(u) or 1 - tanh(u)^2 cancels, in actlib
# as in torch, leaving an absolute error of a few ulps of 1 (torch's own float32 backward of
# gelu_tanh is off by 1e-6 near x = -5).
GRAD_TOL = {np.float64: {"rtol": 1e-12, "atol": 1e-14}, np.float32: {"rtol": 1e-5, "atol": 2e-6}}


@CASE
def test_derivative_matches_autograd_float64(name, params, reference):
    np.testing.assert_allclose(actlib.get(name, **params).derivative(GRID),
                               torch_grad(reference, GRID), **GRAD_TOL[np.float64])


@CASE
def test_float32_derivative_matches_autograd(name, params, reference):
    x = GRID.astype(np.float32)
    np.testing.assert_allclose(actlib.get(name, **params).derivative(x),
                               torch_grad(reference, x.astype(np.float64)), **GRAD_TOL[np.float32])


@NAME_PARAMS
def test_derivative_matches_central_differences(name, params):
    act, h = actlib.get(name, **params), 1e-6
    x = GRID[np.abs(GRID) > 0.01] if name in KINKED else GRID
    numeric = (act(x + h) - act(x - h)) / (2 * h)
    np.testing.assert_allclose(act.derivative(x), numeric, rtol=1e-7, atol=1e-8)


# Conventions, one test each

def test_relu_grad_at_zero_is_zero():
    zero = np.zeros(1)
    assert actlib.get("relu").derivative(zero)[0] == 0.0
    assert torch_grad(F.relu, zero)[0] == 0.0  # PyTorch's convention, the one we follow


def test_leaky_relu_default_slope():
    act = actlib.get("leaky_relu")
    x = np.array([-3.0, -1.0, 2.0])
    np.testing.assert_allclose(act(x), [-0.03, -0.01, 2.0], rtol=1e-15)
    np.testing.assert_allclose(act.derivative(x), [0.01, 0.01, 1.0], rtol=1e-15)
    assert act.module().negative_slope == 0.01


def test_elu_default_alpha():
    act = actlib.get("elu")
    x = np.array([-1.0, -50.0, 2.0])
    np.testing.assert_allclose(act(x), [np.expm1(-1.0), -1.0, 2.0], rtol=1e-15)
    np.testing.assert_allclose(act.derivative(x), [np.exp(-1.0), np.exp(-50.0), 1.0], rtol=1e-15)
    assert act.module().alpha == 1.0


def test_tanh_is_rescaled_sigmoid():
    sigmoid, tanh = actlib.get("sigmoid"), actlib.get("tanh")
    np.testing.assert_allclose(tanh(GRID), 2 * sigmoid(2 * GRID) - 1, rtol=1e-12, atol=1e-15)


def test_sigmoid_grad_peaks_at_quarter():
    grad = actlib.get("sigmoid").derivative(GRID)
    assert grad[np.flatnonzero(GRID == 0.0)[0]] == 0.25
    assert grad.max() == 0.25
    assert np.all(grad[GRID != 0.0] < 0.25)


def test_swish_beta_zero_is_half_x():
    act = actlib.get("swish", beta=0.0)
    np.testing.assert_array_equal(act(GRID), GRID / 2)
    np.testing.assert_array_equal(act.derivative(GRID), np.full_like(GRID, 0.5))


def test_swish_large_beta_tends_to_relu():
    relu = actlib.get("relu")
    errors = []
    for beta in [1.0, 10.0, 100.0, 1000.0]:
        error = np.max(np.abs(actlib.get("swish", beta=beta)(GRID) - relu(GRID)))
        # max over x > 0 of x σ(-βx) is W(1/e)/β ≈ 0.2785/β (W: Lambert's function)
        assert error <= 0.2785 / beta
        errors.append(error)
    assert errors == sorted(errors, reverse=True)
    away = GRID[np.abs(GRID) >= 0.1]
    np.testing.assert_allclose(actlib.get("swish", beta=1000.0).derivative(away),
                               relu.derivative(away), atol=1e-12)


def test_swish_beta_one_is_silu():
    swish, silu = actlib.get("swish"), actlib.get("silu")
    assert swish.params["beta"] == 1.0
    np.testing.assert_allclose(swish(GRID), silu(GRID), rtol=1e-14, atol=0)
    np.testing.assert_allclose(swish.derivative(GRID), silu.derivative(GRID), rtol=1e-14, atol=0)


def test_softplus_grad_is_sigmoid():
    np.testing.assert_allclose(actlib.get("softplus").derivative(GRID),
                               torch_value(F.sigmoid, GRID), rtol=1e-12, atol=1e-15)


# Numerical stability on [-1e4, 1e4]

def zero(x):
    return np.zeros_like(x)


def ident(x):
    return x


# name: (limit of f as x -> -inf, limit as x -> +inf, f' at -inf, f' at +inf)
LIMITS = {
    "identity": (ident, ident, 1.0, 1.0),
    "sigmoid": (zero, np.ones_like, 0.0, 0.0),
    "tanh": (lambda x: -np.ones_like(x), np.ones_like, 0.0, 0.0),
    "relu": (zero, ident, 0.0, 1.0),
    "leaky_relu": (lambda x: 0.01 * x, ident, 0.01, 1.0),
    "elu": (lambda x: -np.ones_like(x), ident, 0.0, 1.0),
    "gelu": (zero, ident, 0.0, 1.0),
    "gelu_tanh": (zero, ident, 0.0, 1.0),
    "silu": (zero, ident, 0.0, 1.0),
    "swish": (zero, ident, 0.0, 1.0),
    "softplus": (zero, ident, 0.0, 1.0),
    "mish": (zero, ident, 0.0, 1.0),
}
FAR = np.logspace(np.log10(60.0), 4, 30)  # from 60 to 1e4: every limit is reached in float64
WIDE = np.concatenate([-np.logspace(-3, 4, 71)[::-1], [0.0], np.logspace(-3, 4, 71)])


def strict(fn, x):
    """fn(x) with overflow, invalid and division errors raised (underflow to 0 is harmless)."""
    with warnings.catch_warnings(), np.errstate(all="raise", under="ignore"):
        warnings.simplefilter("error")
        return fn(x)


def test_every_registered_activation_has_limits():
    assert set(actlib.names()) <= set(LIMITS)


@pytest.mark.parametrize("name", sorted(LIMITS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_stable_and_finite_on_wide_range(name, dtype):
    act, x = actlib.get(name), WIDE.astype(dtype)
    assert np.all(np.isfinite(strict(act, x)))
    assert np.all(np.isfinite(strict(act.derivative, x)))


@pytest.mark.parametrize("name", sorted(LIMITS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_correct_limits(name, dtype):
    act = actlib.get(name)
    lower, upper, lower_grad, upper_grad = LIMITS[name]
    for x, limit, grad in [(-FAR.astype(dtype), lower, lower_grad),
                           (FAR.astype(dtype), upper, upper_grad)]:
        np.testing.assert_allclose(strict(act, x), limit(x), rtol=1e-6, atol=1e-20)
        np.testing.assert_allclose(strict(act.derivative, x), np.full_like(x, grad),
                                   rtol=1e-6, atol=1e-20)


@CASE
def test_wide_range_matches_torch_float64(name, params, reference):
    if name == "softplus":  # F.softplus returns x itself above x = 20; logaddexp stays exact
        reference = lambda t: torch.logaddexp(t, torch.zeros_like(t))  # noqa: E731
    act = actlib.get(name, **params)
    # atol: in the far tails torch rounds to 0 what actlib keeps (e.g. GELU(-30) ~ -1e-197)
    np.testing.assert_allclose(strict(act, WIDE), torch_value(reference, WIDE), **TOL[np.float64])
    np.testing.assert_allclose(strict(act.derivative, WIDE), torch_grad(reference, WIDE),
                               **GRAD_TOL[np.float64])


# dtype, NaN and shape

@NAME_PARAMS
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_dtype_is_kept(name, params, dtype):
    act, x = actlib.get(name, **params), GRID.astype(dtype)
    assert act(x).dtype == dtype
    assert act.derivative(x).dtype == dtype


@NAME_PARAMS
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_nan_passes_through(name, params, dtype):
    act = actlib.get(name, **params)
    x = np.array([np.nan, -1.5, 0.5, np.nan, 2.0], dtype=dtype)
    for y in (act(x), act.derivative(x)):
        np.testing.assert_array_equal(np.isnan(y), np.isnan(x))


@NAME_PARAMS
@pytest.mark.parametrize("shape", [(), (7,), (2, 3, 4), (0,)], ids=str)
def test_shape_is_kept(name, params, shape):
    act = actlib.get(name, **params)
    x = np.random.default_rng(0).normal(size=shape)
    for fn in (act, act.derivative):
        y = fn(x)
        assert isinstance(y, np.ndarray | np.generic)
        assert np.shape(y) == shape
        np.testing.assert_array_equal(np.ravel(y), fn(x.ravel()))
