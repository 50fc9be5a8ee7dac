"""Chapter 2's experiments: hand backpropagation as the answer key, known changes, smoke runs."""

import numpy as np
import pytest
import torch
from torch import nn

from actlib import data, diagnostics, variance
from actlib.experiments import vanishing
from actlib.nn import deep_mlp


def linears(model: nn.Module) -> list[nn.Linear]:
    return [m for m in model if isinstance(m, nn.Linear)]


# gradient_profile

def hand_backprop(model: nn.Sequential, X: torch.Tensor, y: torch.Tensor) -> list[float]:
    """||dL/dW_l|| by the recursion delta_l = f'(z_l) * (W_(l+1)^T delta_(l+1)), in float64."""
    Ws = [m.weight.detach().double().numpy() for m in linears(model)]
    bs = [m.bias.detach().double().numpy() for m in linears(model)]
    h, hs, zs = X.double().numpy(), [], []
    for W, b in zip(Ws[:-1], bs[:-1]):
        hs.append(h)
        z = h @ W.T + b
        zs.append(z)
        h = 1 / (1 + np.exp(-z))  # sigmoid
    hs.append(h)
    logits = h @ Ws[-1].T + bs[-1]
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    delta = (p - np.eye(10)[y.numpy()]) / len(y)  # dL/dlogits for the mean cross-entropy
    norms = [np.linalg.norm(delta.T @ hs[-1])]
    for W, z, h_in in zip(Ws[:0:-1], zs[::-1], hs[-2::-1]):
        s = 1 / (1 + np.exp(-z))
        delta = s * (1 - s) * (delta @ W)  # the per-layer factor: sigma' times W^T
        norms.append(np.linalg.norm(delta.T @ h_in))
    return norms[::-1]


def test_gradient_profile_matches_backpropagation_by_hand():
    model = deep_mlp("sigmoid", 4, seed=2, width=16)
    X, y = vanishing.probe_batch(seed=2, batch=64)
    expected = hand_backprop(model, X, y)
    got = vanishing.gradient_profile("sigmoid", 4, seed=2, width=16, batch=64)
    np.testing.assert_allclose(got, expected, rtol=1e-4)


def test_gradient_profiles_stacks_one_row_per_seed():
    rows = vanishing.gradient_profiles("tanh", 3, seeds=[0, 1], width=8)
    assert rows.shape == (2, 4)
    assert rows[1].tolist() == vanishing.gradient_profile("tanh", 3, seed=1, width=8)


def test_sigmoid_gradient_fades_and_tanh_does_not_at_init():
    # the chapter's claim at a depth of 10, one seed
    sigmoid = vanishing.first_last_ratio(vanishing.gradient_profile("sigmoid", 10, seed=0))
    tanh = vanishing.first_last_ratio(vanishing.gradient_profile("tanh", 10, seed=0))
    assert sigmoid < 0.3**10
    assert 0.3 < tanh < 3


def test_gradient_profile_returns_one_norm_per_linear_layer_and_repeats():
    norms = vanishing.gradient_profile("tanh", depth=3, seed=0, width=16)
    assert len(norms) == 4
    assert all(n > 0 for n in norms)
    assert norms == vanishing.gradient_profile("tanh", depth=3, seed=0, width=16)


def test_gradient_of_he_initialised_relu_network_stays_within_an_order_of_magnitude():
    norms = vanishing.gradient_profile("relu", depth=10, seed=0, width=64, init="he")
    assert 0.1 < norms[0] / norms[-1] < 10
    assert norms == vanishing.gradient_profile("relu", depth=10, seed=0, width=64)  # the rule


def test_saturation_at_init_rises_with_the_gain():
    low = vanishing.saturation_at_init("tanh", 3, seed=0, width=16, gain=1.0)
    high = vanishing.saturation_at_init("tanh", 3, seed=0, width=16, gain=8.0)
    assert len(low) == len(high) == 3
    assert max(low) < 0.05 and min(high) > 0.3


# summaries

def test_first_last_ratio():
    assert vanishing.first_last_ratio([1e-3, 0.5, 2.0]) == pytest.approx(5e-4)
    with pytest.raises(ValueError):
        vanishing.first_last_ratio([1.0])


# relative_change

def test_relative_change_in_closed_form():
    model = nn.Sequential(nn.Linear(2, 2), nn.Sigmoid(), nn.Linear(2, 1))
    with torch.no_grad():
        model[0].weight.copy_(torch.eye(2))
        model[2].weight.copy_(torch.tensor([[3.0, 4.0]]))
    before = [m.weight.detach().clone() for m in linears(model)]
    with torch.no_grad():
        model[0].weight[0, 1] = 0.5  # ||dW|| = 0.5, ||W|| = √2
        model[2].weight.mul_(1.1)  # ||dW|| = 0.1 · 5
    got = vanishing.relative_change(before, model)
    assert got == [pytest.approx(0.5 / np.sqrt(2)), pytest.approx(0.1)]


def test_relative_change_needs_one_matrix_per_layer():
    with pytest.raises(ValueError):
        vanishing.relative_change([torch.ones(2, 2)], deep_mlp("tanh", 1, seed=0))


# training

@pytest.fixture(scope="module")
def short_run():
    return vanishing.train_deep("sigmoid", 2, seed=0, width=8, steps=20, every=10)


def test_train_deep_records_what_it_promises(short_run):
    assert (short_run.name, short_run.seed, len(short_run.loss)) == ("sigmoid", 0, 20)
    assert short_run.steps == [0, 10, 20]
    assert short_run["gradients"].shape == (3, 3)  # steps recorded × linear layers
    assert short_run["saturation"].shape == (3, 2)  # steps recorded × hidden layers
    assert len(short_run["weight_change"]) == 3
    assert 0.0 <= short_run["test_accuracy"] <= 1.0
    assert np.all((short_run["saturation"] >= 0) & (short_run["saturation"] <= 1))


def test_train_deep_starts_from_the_gradient_at_init(short_run):
    expected = diagnostics.gradient_norms(
        deep_mlp("sigmoid", 2, seed=0, width=8),
        *(torch.as_tensor(a) for a in data.digits(seed=0)[:2]))
    np.testing.assert_allclose(short_run["gradients"][0], expected, rtol=1e-6)


def test_train_deep_repeats_exactly_for_a_seed(short_run):
    again = vanishing.train_deep("sigmoid", 2, seed=0, width=8, steps=20, every=10)
    assert again.loss == short_run.loss
    assert again["weight_change"] == short_run["weight_change"]
    np.testing.assert_array_equal(again["gradients"], short_run["gradients"])


def test_train_deep_watches_the_update_ratio_of_the_next_step(short_run):
    assert short_run["update_ratio"].shape == (3, 3)  # steps recorded × linear layers
    model = deep_mlp("sigmoid", 2, seed=0, width=8)
    weights = np.array([m.weight.norm().item() for m in model if isinstance(m, nn.Linear)])
    np.testing.assert_allclose(short_run["update_ratio"][0],
                               0.5 * short_run["gradients"][0] / weights, rtol=1e-6)


def test_train_deep_keeps_the_model_when_asked():
    run = vanishing.train_deep("tanh", 1, seed=0, width=4, steps=2, every=1, keep_model=True)
    assert isinstance(run.model, nn.Sequential)
    assert vanishing.train_deep("tanh", 1, seed=0, width=4, steps=2, every=1).model is None


def test_a_shallow_network_learns_in_a_few_steps():
    run = vanishing.train_deep("tanh", 1, seed=0, width=16, steps=30, every=30)
    assert run.loss[-1] < 0.7 * run.loss[0]
    assert all(change > 0 for change in run["weight_change"])


def test_train_deep_rejects_bad_counts():
    with pytest.raises(ValueError):
        vanishing.train_deep("tanh", 1, seed=0, steps=0)


def test_train_many_labels_runs_per_seed():
    runs = vanishing.train_many({"a": ("tanh", 1), "b": ("sigmoid", 2)}, seeds=[0, 1],
                                width=4, steps=2, every=1)
    assert list(runs) == ["a", "b"]
    assert [len(v) for v in runs.values()] == [2, 2]
    assert runs["b"][0]["saturation"].shape == (3, 2)


# the variance argument: signal_profile, predicted_variances, init_variances, CentredSigmoid

def test_centred_sigmoid_is_sigmoid_minus_half():
    z = torch.linspace(-30, 30, 601, dtype=torch.float64)
    got = vanishing.CentredSigmoid()(z)
    assert torch.allclose(got, torch.sigmoid(z) - 0.5, atol=1e-15)
    assert vanishing.CentredSigmoid()(torch.zeros(1)).item() == 0  # zero-centred at z = 0


def test_build_centred_sigmoid_keeps_the_sigmoid_weights():
    plain = vanishing.build("sigmoid", 3, seed=5, width=8)
    centred = vanishing.build(vanishing.CENTRED_SIGMOID, 3, seed=5, width=8)
    assert sum(isinstance(m, vanishing.CentredSigmoid) for m in centred) == 3
    for a, b in zip(linears(plain), linears(centred)):
        assert torch.equal(a.weight, b.weight)


def test_init_variances_match_what_init_linear_draws():
    assert variance.init_variances("xavier", 30, 10) == (2 / 40, 0.0)
    assert variance.init_variances("default", 30, 10) == (1 / 90, 1 / 90)
    model = deep_mlp("relu", 1, seed=0, width=400, n_in=300, n_out=10, init="he")
    assert linears(model)[0].weight.var().item() == pytest.approx(2 / 300, rel=0.02)
    with pytest.raises(ValueError, match="xavier"):
        variance.init_variances("lecun", 3, 3)


def test_predicted_variances_relu_he_is_flat_and_xavier_halves():
    forward, backward = vanishing.predicted_variances("relu", 10, init="he", width=50)
    assert np.allclose(forward, 2.0) and np.allclose(backward, 1.0)
    forward, _ = vanishing.predicted_variances("relu", 10, init="xavier", width=50)
    assert np.allclose(forward[1:] / forward[:-1], 0.5)


def test_predicted_variances_identity_with_default_init_is_a_geometric_series():
    n = 20
    forward, _ = vanishing.predicted_variances("identity", 3, init="default", width=n)
    w = b = 1 / (3 * n)
    v1 = n * w + b
    assert np.allclose(forward, [v1, n * w * v1 + b, n * w * (n * w * v1 + b) + b])


def test_predicted_variances_rejects_unknown_names():
    with pytest.raises(ValueError, match="centred_sigmoid"):
        vanishing.predicted_variances("sigmoidal", 3)


def test_signal_profile_matches_the_prediction_for_tanh():
    forward, backward = vanishing.signal_profile("tanh", 8, seed=0, width=256, batch=128)
    pred_f, pred_b = vanishing.predicted_variances("tanh", 8, width=256)
    assert forward.shape == backward.shape == (8,)
    assert np.allclose(forward, pred_f, rtol=0.3) and np.allclose(backward, pred_b, rtol=0.3)


def test_signal_profile_repeats_for_a_seed():
    a = vanishing.signal_profile("relu", 3, seed=4, width=16, batch=8)
    b = vanishing.signal_profile("relu", 3, seed=4, width=16, batch=8)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))


def test_signal_variances_by_hand_for_a_linear_network():
    model = nn.Sequential(nn.Linear(2, 2, bias=False), nn.Identity(),
                          nn.Linear(2, 2, bias=False)).double()
    with torch.no_grad():
        model[0].weight.copy_(torch.eye(2) * 3)
        model[2].weight.copy_(torch.eye(2) * 2)
    X = torch.tensor([[1.0, -1.0], [-1.0, 1.0]], dtype=torch.float64)
    forward, backward = diagnostics.signal_variances(model, X, seed=0)
    assert forward == [pytest.approx(9.0)]  # z = 3x, entries ±3
    g = torch.randn(2, 2, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    assert backward == [pytest.approx((2 * g).var(unbiased=False).item())]
    assert all(p.grad is None for p in model.parameters())  # leaves no gradients behind
