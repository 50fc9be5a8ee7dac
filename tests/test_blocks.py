"""Normalisation layers and residual connections (actlib.blocks) and deep_mlp's options."""

import pytest
import torch
from torch import nn

from actlib.blocks import NORMS, Residual, add_norm_and_residual, norm_layer
from actlib.experiments import vanishing
from actlib.nn import deep_mlp, mlp


def linears(model):
    return [m for m in model.modules() if isinstance(m, nn.Linear)]


def test_residual_adds_the_input_to_the_branch():
    branch = nn.Linear(4, 4)
    x = torch.randn(5, 4)
    assert torch.allclose(Residual(branch)(x), x + branch(x))


def test_residual_jacobian_is_identity_plus_the_branch_jacobian():
    branch = nn.Sequential(nn.Linear(3, 3), nn.Tanh()).double()
    x = torch.randn(3, dtype=torch.float64)
    jac = torch.autograd.functional.jacobian(Residual(branch), x)
    assert torch.allclose(jac, torch.eye(3, dtype=torch.float64)
                          + torch.autograd.functional.jacobian(branch, x))


def test_residual_refuses_a_branch_that_changes_the_shape():
    with pytest.raises(ValueError, match="keep the shape"):
        Residual(nn.Linear(4, 3))(torch.zeros(2, 4))


@pytest.mark.parametrize("kind", NORMS)
def test_norm_layer_standardises_what_it_normalises(kind):
    z = 3.0 + 5.0 * torch.randn(64, 16, generator=torch.Generator().manual_seed(0))
    out = norm_layer(kind, 16)(z)
    dim = 0 if kind == "batch" else 1  # over the batch, unit by unit; or over the units
    assert torch.allclose(out.mean(dim), torch.zeros(1), atol=1e-5)
    assert torch.allclose(out.std(dim, unbiased=False), torch.ones(1), atol=1e-3)


def test_norm_layer_lists_the_names_on_a_bad_one():
    with pytest.raises(ValueError, match="batch, layer"):
        norm_layer("group", 8)


def test_add_norm_and_residual_wraps_only_layers_that_keep_the_width():
    net = add_norm_and_residual(mlp([5, 8, 8, 8, 2], "sigmoid", seed=0), "batch", residual=True)
    assert [type(m).__name__ for m in net] == ["Sequential", "Residual", "Residual", "Linear"]
    assert [type(m).__name__ for m in net[1].branch] == ["Linear", "BatchNorm1d", "Sigmoid"]


def test_add_norm_and_residual_refuses_what_is_not_an_mlp():
    with pytest.raises(ValueError, match="Linear, activation"):
        add_norm_and_residual(nn.Sequential(nn.Linear(2, 2), nn.ReLU()), "layer")
    with pytest.raises(ValueError, match="unknown norm"):
        add_norm_and_residual(mlp([2, 2, 2]), "rms")


def test_deep_mlp_defaults_are_unchanged():
    plain = deep_mlp("sigmoid", 3, seed=0, width=8)
    assert all(not isinstance(m, (Residual, *NORMS.values())) for m in plain.modules())
    assert len(plain) == 7


@pytest.mark.parametrize("options", [{"norm": "layer"}, {"norm": "batch"}, {"residual": True},
                                     {"norm": "layer", "residual": True}])
def test_deep_mlp_options_keep_the_weights(options):
    plain = deep_mlp("sigmoid", 4, seed=3, width=8)
    other = deep_mlp("sigmoid", 4, seed=3, width=8, **options)
    assert len(linears(other)) == 5
    assert all(torch.equal(a.weight, b.weight) for a, b in zip(linears(plain), linears(other)))
    norms = [m for m in other.modules() if isinstance(m, (nn.LayerNorm, nn.BatchNorm1d))]
    assert len(norms) == (4 if "norm" in options else 0)
    # the first layer maps 64 pixels to 8 units, so only the three others can be residual
    assert sum(isinstance(m, Residual) for m in other) == (3 if options.get("residual") else 0)


def test_deep_mlp_residual_computes_h_plus_f():
    net = deep_mlp("tanh", 2, seed=0, width=6, n_in=6, n_out=2, residual=True)
    x = torch.randn(4, 6)
    first = net[0].branch
    assert torch.allclose(first(x) + x, net[0](x))


def test_residual_connections_carry_the_gradient_through_a_deep_sigmoid_network():
    plain = vanishing.first_last_ratio(vanishing.gradient_profile("sigmoid", 10, 0, width=32))
    res = vanishing.first_last_ratio(
        vanishing.gradient_profile("sigmoid", 10, 0, width=32, residual=True))
    batch = vanishing.first_last_ratio(
        vanishing.gradient_profile("sigmoid", 10, 0, width=32, norm="batch"))
    assert plain < 1e-4 and res > 1e-2 and batch > 1e-1


def test_train_deep_takes_the_options():
    run = vanishing.train_deep("sigmoid", 3, seed=0, width=8, steps=3, every=3, norm="batch",
                               residual=True)
    assert len(run["weight_change"]) == 4 and len(run.loss) == 3


class GoodResidual(nn.Module):
    def __init__(self, block):
        super().__init__()
        self.block = block

    def forward(self, x):
        return x + self.block(x)


def test_check_residual_passes_a_right_answer(capsys):
    from actlib.exercises import check_residual

    assert check_residual(GoodResidual) and check_residual(Residual)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize(("forward", "message"), [
    (lambda block, x: block(x), "without x"),
    (lambda block, x: block(x + x), "block(x + x)"),
    (lambda block, x: x * block(x), "x * block(x)"),
    (lambda block, x: x - block(x), "something else"),
    (lambda block, x: block(x)[:, :4], "shape"),
    (lambda block, x: 1 / 0, "ZeroDivisionError"),
])
def test_check_residual_names_the_slip(capsys, forward, message):
    from actlib.exercises import check_residual

    class Wrapper(nn.Module):
        def __init__(self, block):
            super().__init__()
            self.block = block

        def forward(self, x):
            return forward(self.block, x)

    assert not check_residual(Wrapper)
    assert message in capsys.readouterr().out
