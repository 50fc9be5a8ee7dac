"""Per-layer samples, saturation maps and update ratios, on networks with known answers."""

import numpy as np
import pytest
import torch
from torch import nn

from actlib import diagnostics, distributions
from actlib.nn import deep_mlp, mlp


@pytest.fixture
def net_and_batch():
    model = deep_mlp("tanh", 3, seed=0, width=6, n_in=4, n_out=3)
    inputs = torch.randn(10, 4, generator=torch.Generator().manual_seed(0))
    targets = torch.arange(10) % 3
    return model, inputs, targets


def test_activation_samples_are_each_layers_outputs(net_and_batch):
    model, inputs, _ = net_and_batch
    samples = distributions.activation_samples(model, inputs)
    assert [s.shape for s in samples] == [(10, 6)] * 3
    h = inputs
    for layer, sample in zip([0, 2, 4], samples):
        h = torch.tanh(model[layer](h))
        np.testing.assert_allclose(sample, h.detach().numpy(), rtol=1e-6)


def test_preactivation_gradients_match_autograd_per_example(net_and_batch):
    model, inputs, targets = net_and_batch
    grads = distributions.preactivation_gradients(model, inputs, targets)
    # input 3 alone: its own loss, differentiated by hand with autograd
    z1 = model[0](inputs[3:4]).detach().requires_grad_(True)
    loss = nn.functional.cross_entropy(model[1:](z1), targets[3:4])
    (expected,) = torch.autograd.grad(loss, z1)
    np.testing.assert_allclose(grads[0][3], expected[0].numpy(), rtol=1e-5, atol=1e-8)
    assert [g.shape for g in grads] == [(10, 6)] * 3
    assert all(p.grad is None for p in model.parameters())


def test_weight_gradients_have_the_norms_of_gradient_norms(net_and_batch):
    model, inputs, targets = net_and_batch
    grads = distributions.weight_gradients(model, inputs, targets)
    assert [g.shape for g in grads] == [(6, 4), (6, 6), (6, 6), (3, 6)]
    np.testing.assert_allclose([np.linalg.norm(g) for g in grads],
                               diagnostics.gradient_norms(model, inputs, targets), rtol=1e-5)


def test_saturation_map_marks_the_units_built_to_saturate():
    model = mlp([2, 3, 1], "tanh")
    with torch.no_grad():  # unit 0 sees z = 5 (saturated), unit 1 z = 0, unit 2 z = 3 x_0
        model[0].weight.copy_(torch.tensor([[0.0, 0.0], [0.0, 0.0], [3.0, 0.0]]))
        model[0].bias.copy_(torch.tensor([5.0, 0.0, 0.0]))
    inputs = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
    (saturated,) = distributions.saturation_map(model, inputs)
    np.testing.assert_array_equal(saturated, [[True, False, False], [True, False, True]])
    assert saturated.mean() == pytest.approx(diagnostics.saturated_fraction(model, inputs)[0])


def test_saturation_map_rejects_a_bad_threshold(net_and_batch):
    model, inputs, _ = net_and_batch
    with pytest.raises(ValueError, match="threshold"):
        distributions.saturation_map(model, inputs, threshold=1.5)


def test_update_ratio_is_the_relative_size_of_a_real_sgd_step(net_and_batch):
    model, inputs, targets = net_and_batch
    ratios = distributions.update_ratios(model, inputs, targets, lr=0.3)
    before = [m.weight.detach().clone() for m in model if isinstance(m, nn.Linear)]
    step = torch.optim.SGD(model.parameters(), lr=0.3)
    nn.functional.cross_entropy(model(inputs), targets).backward()
    step.step()
    after = [m.weight.detach() for m in model if isinstance(m, nn.Linear)]
    np.testing.assert_allclose(ratios, [((a - b).norm() / b.norm()).item()
                                        for a, b in zip(after, before)], rtol=1e-4)


def test_update_ratio_from_given_norms(net_and_batch):
    model, inputs, targets = net_and_batch
    norms = diagnostics.gradient_norms(model, inputs, targets)
    np.testing.assert_allclose(distributions.update_ratios(model, lr=0.1, norms=norms),
                               distributions.update_ratios(model, inputs, targets, lr=0.1),
                               rtol=1e-5)


def test_update_ratio_bad_input(net_and_batch):
    model, inputs, targets = net_and_batch
    with pytest.raises(ValueError, match="lr"):
        distributions.update_ratios(model, inputs, targets, lr=0.0)
    with pytest.raises(ValueError, match="inputs and targets"):
        distributions.update_ratios(model, lr=0.1)
    with pytest.raises(ValueError, match="4 linear layers"):
        distributions.update_ratios(model, lr=0.1, norms=[1.0])


def test_models_without_the_layers_are_refused():
    with pytest.raises(ValueError, match="activation layer"):
        distributions.preactivation_gradients(nn.Linear(2, 2), torch.zeros(1, 2),
                                              torch.zeros(1, dtype=torch.long))
    with pytest.raises(ValueError, match="one class target per input"):
        distributions.preactivation_gradients(mlp([2, 2, 2], "tanh"), torch.zeros(3, 2),
                                              torch.zeros(1, dtype=torch.long))
