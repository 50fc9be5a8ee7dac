"""Feed-forward layers against the way LLaMA and Gemma write them, the 2/3 rule, and mlp()."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import actlib
from actlib.nn import (
    GLU_VARIANTS,
    FeedForward,
    GatedFeedForward,
    glu_hidden_size,
    is_activation,
    mlp,
)


class LlamaMLP(nn.Module):
    """Hugging Face's LlamaMLP: down_proj(silu(gate_proj(x)) * up_proj(x)), no biases."""

    def __init__(self, hidden_size: int, intermediate_size: int):
        super().__init__()
        self.gate_proj = nn.Linear(hidden_size, intermediate_size, bias=False)
        self.up_proj = nn.Linear(hidden_size, intermediate_size, bias=False)
        self.down_proj = nn.Linear(intermediate_size, hidden_size, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class GemmaMLP(LlamaMLP):
    """Hugging Face's GemmaMLP: the same, with the tanh approximation of GELU on the gate."""

    def forward(self, x):
        return self.down_proj(F.gelu(self.gate_proj(x), approximate="tanh") * self.up_proj(x))


def copy_weights(source: nn.Module, target: nn.Module) -> None:
    with torch.no_grad():
        for name in ("gate_proj", "up_proj", "down_proj"):
            getattr(target, name).weight.copy_(getattr(source, name).weight)


def inputs(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def n_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


# FeedForward and GatedFeedForward

def test_feed_forward_has_up_and_down_proj_without_bias_by_default():
    ffn = FeedForward(8, 32)
    assert (ffn.up_proj.in_features, ffn.up_proj.out_features) == (8, 32)
    assert (ffn.down_proj.in_features, ffn.down_proj.out_features) == (32, 8)
    assert ffn.up_proj.bias is None and ffn.down_proj.bias is None
    assert not hasattr(ffn, "gate_proj")


@pytest.mark.parametrize(("activation", "fn"), [
    ("relu", F.relu), ("gelu", F.gelu), ("silu", F.silu),
    ("gelu_tanh", lambda t: F.gelu(t, approximate="tanh")),
])
def test_feed_forward_computes_down_act_up(activation, fn):
    torch.manual_seed(0)
    ffn = FeedForward(8, 32, activation)
    x = inputs(2, 5, 8)
    expected = fn(x @ ffn.up_proj.weight.T) @ ffn.down_proj.weight.T
    torch.testing.assert_close(ffn(x), expected)


def test_feed_forward_default_activation_is_relu():
    torch.manual_seed(0)
    ffn = FeedForward(8, 32)
    x = inputs(4, 8)
    torch.testing.assert_close(ffn(x), ffn.down_proj(F.relu(ffn.up_proj(x))))


def test_feed_forward_with_bias():
    torch.manual_seed(0)
    ffn = FeedForward(8, 32, "relu", bias=True)
    x = inputs(4, 8)
    up, down = ffn.up_proj, ffn.down_proj
    expected = F.relu(x @ up.weight.T + up.bias) @ down.weight.T + down.bias
    torch.testing.assert_close(ffn(x), expected)


def test_gated_feed_forward_has_gate_up_and_down_proj():
    glu = GatedFeedForward(8, 24)
    for name in ("gate_proj", "up_proj"):
        layer = getattr(glu, name)
        assert (layer.in_features, layer.out_features, layer.bias) == (8, 24, None)
    assert (glu.down_proj.in_features, glu.down_proj.out_features, glu.down_proj.bias) == (
        24, 8, None)


def test_gated_feed_forward_default_equals_llama_mlp():
    torch.manual_seed(0)
    ours, llama = GatedFeedForward(16, 40), LlamaMLP(16, 40)
    copy_weights(ours, llama)
    x = inputs(2, 7, 16)
    torch.testing.assert_close(ours(x), llama(x))


def test_geglu_with_tanh_gelu_equals_gemma_mlp():
    torch.manual_seed(0)
    ours, gemma = GatedFeedForward(16, 40, "gelu_tanh"), GemmaMLP(16, 40)
    copy_weights(ours, gemma)
    x = inputs(2, 7, 16)
    torch.testing.assert_close(ours(x), gemma(x))


def test_geglu_with_exact_gelu_differs_from_gemma_mlp():
    # Porting pitfall: Gemma's gate uses the tanh approximation, not the erf GELU.
    torch.manual_seed(0)
    ours, gemma = GatedFeedForward(16, 40, GLU_VARIANTS["geglu"]), GemmaMLP(16, 40)
    copy_weights(ours, gemma)
    x = inputs(2, 7, 16)
    assert not torch.allclose(ours(x), gemma(x), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize(("variant", "fn"), [
    ("glu", F.sigmoid), ("bilinear", lambda t: t), ("reglu", F.relu), ("geglu", F.gelu),
    ("swiglu", F.silu),
])
def test_gated_feed_forward_computes_each_variant(variant, fn):
    torch.manual_seed(0)
    glu = GatedFeedForward(8, 24, GLU_VARIANTS[variant])
    x = inputs(3, 8)
    gate, up, down = glu.gate_proj.weight, glu.up_proj.weight, glu.down_proj.weight
    torch.testing.assert_close(glu(x), (fn(x @ gate.T) * (x @ up.T)) @ down.T)


def test_glu_variants_match_the_contract():
    assert GLU_VARIANTS == {"glu": "sigmoid", "bilinear": "identity", "reglu": "relu",
                            "geglu": "gelu", "swiglu": "silu"}
    assert set(GLU_VARIANTS.values()) <= set(actlib.names())


def test_bilinear_is_glu_with_identity():
    torch.manual_seed(0)
    glu = GatedFeedForward(8, 24, GLU_VARIANTS["glu"])
    bilinear = GatedFeedForward(8, 24, GLU_VARIANTS["bilinear"])
    bilinear.load_state_dict(glu.state_dict())
    x = inputs(3, 8)
    glu.act_fn = nn.Identity()  # take the sigmoid out of the gate
    torch.testing.assert_close(bilinear(x), glu(x))


@pytest.mark.parametrize("cls", [FeedForward, GatedFeedForward])
@pytest.mark.parametrize("shape", [(8,), (4, 8), (2, 3, 8)], ids=str)
def test_shape_is_kept(cls, shape):
    assert cls(8, 16)(inputs(*shape)).shape == shape


# The 2/3 rule and LLaMA's rounding

def test_two_thirds_rule_keeps_parameter_count_equal():
    # Shazeer (2020): d_ff = 3072 dense, 2048 gated, both 2 * 768 * 3072 parameters
    assert n_params(FeedForward(768, 3072)) == 2 * 768 * 3072
    assert n_params(GatedFeedForward(768, 2048)) == 2 * 768 * 3072


@pytest.mark.parametrize(("d_model", "kwargs", "expected"), [
    (4096, {}, 11008),                                                # LLaMA 7B
    (5120, {}, 13824),                                                # LLaMA 13B
    (8192, {"multiple_of": 4096, "ffn_dim_multiplier": 1.3}, 28672),  # LLaMA 2 70B
])
def test_glu_hidden_size_matches_llama(d_model, kwargs, expected):
    assert glu_hidden_size(d_model, **kwargs) == expected


@pytest.mark.parametrize("d_model", [1, 3, 64, 768, 1000, 4096])
@pytest.mark.parametrize("multiple_of", [1, 8, 256])
def test_glu_hidden_size_is_two_thirds_of_4d_rounded_up(d_model, multiple_of):
    size = glu_hidden_size(d_model, multiple_of=multiple_of)
    assert isinstance(size, int)
    assert size % multiple_of == 0
    assert int(8 * d_model / 3) <= size < int(8 * d_model / 3) + multiple_of


@pytest.mark.parametrize("kwargs", [
    {"d_model": 0}, {"d_model": -4}, {"d_model": 7.5}, {"d_model": 4096, "multiple_of": 0},
    {"d_model": 4096, "ffn_dim_multiplier": 0.0}, {"d_model": 4096, "ffn_dim_multiplier": -1.3},
], ids=str)
def test_glu_hidden_size_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        glu_hidden_size(**kwargs)


# Bad input

@pytest.mark.parametrize("cls", [FeedForward, GatedFeedForward])
@pytest.mark.parametrize("shape", [(4, 7), (4, 9), (8, 4), ()], ids=str)
def test_wrong_last_dimension_names_the_expected_shape(cls, shape):
    with pytest.raises(ValueError, match=r"\(\.\.\., 8\)"):
        cls(8, 16)(torch.zeros(shape))


@pytest.mark.parametrize("cls", [FeedForward, GatedFeedForward])
@pytest.mark.parametrize(("d_model", "d_ff"), [
    (0, 16), (8, 0), (-8, 16), (8, -1), (8.0, 16), (8, 16.5), (True, 16), ("8", 16), (8, None),
], ids=str)
def test_non_positive_or_non_int_sizes_are_rejected(cls, d_model, d_ff):
    with pytest.raises(ValueError):
        cls(d_model, d_ff)


@pytest.mark.parametrize("build", [
    lambda: FeedForward(8, 16, "swishy"), lambda: GatedFeedForward(8, 16, "swishy"),
    lambda: mlp([2, 4, 1], "swishy"),
], ids=["FeedForward", "GatedFeedForward", "mlp"])
def test_unknown_activation_lists_the_names(build):
    with pytest.raises(ValueError) as info:
        build()
    for name in actlib.names():
        assert name in str(info.value)


# mlp

def test_mlp_layer_types_in_order():
    model = mlp([2, 64, 64, 1], "relu")
    assert isinstance(model, nn.Sequential)
    assert [type(m) for m in model] == [nn.Linear, nn.ReLU, nn.Linear, nn.ReLU, nn.Linear]
    linears = [m for m in model if isinstance(m, nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [(2, 64), (64, 64), (64, 1)]


def test_mlp_bias_flag():
    assert all(m.bias is not None for m in mlp([2, 3, 1]) if isinstance(m, nn.Linear))
    assert all(m.bias is None for m in mlp([2, 3, 1], bias=False) if isinstance(m, nn.Linear))


def test_mlp_same_seed_same_weights_other_seed_other_weights():
    first, second, other = mlp([2, 8, 1], seed=3), mlp([2, 8, 1], seed=3), mlp([2, 8, 1], seed=4)
    for a, b in zip(first.state_dict().values(), second.state_dict().values(), strict=True):
        assert torch.equal(a, b)
    assert not torch.equal(first[0].weight, other[0].weight)


def test_mlp_seed_leaves_global_rng_state_untouched():
    torch.manual_seed(123)
    state = torch.get_rng_state()
    mlp([2, 8, 1], seed=0)
    assert torch.equal(torch.get_rng_state(), state)


def test_mlp_seed_reseeds_no_accelerator(monkeypatch):
    # torch.manual_seed also reseeds CUDA and MPS, which fork_rng(devices=[]) does not restore:
    # on a GPU or Apple-silicon machine that would change their global state. The seed must
    # reach only the generator that draws these CPU weights.
    calls = []
    monkeypatch.setattr(torch.cuda, "manual_seed_all", lambda seed: calls.append(("cuda", seed)))
    monkeypatch.setattr(torch.mps, "manual_seed", lambda seed: calls.append(("mps", seed)))
    mlp([2, 8, 1], seed=0)
    assert calls == []


def test_mlp_without_seed_draws_from_global_rng():
    torch.manual_seed(5)
    first = mlp([2, 8, 1])
    torch.manual_seed(5)
    assert torch.equal(first[0].weight, mlp([2, 8, 1])[0].weight)


@pytest.mark.parametrize("sizes", [[], [3], [2, 0, 1], [2, -4, 1], [2, 3.5, 1], [2, "3", 1],
                                   [2, True, 1]], ids=str)
def test_mlp_rejects_bad_sizes(sizes):
    with pytest.raises(ValueError):
        mlp(sizes, "relu")


def test_mlp_passes_params_to_the_activation():
    model = mlp([2, 3, 1], "leaky_relu", slope=0.2)
    leaky = [m for m in model if isinstance(m, nn.LeakyReLU)]
    assert len(leaky) == 1
    assert leaky[0].negative_slope == 0.2


def test_mlp_rejects_unknown_activation_parameter():
    with pytest.raises(ValueError, match="slope"):
        mlp([2, 3, 1], "leaky_relu", alpha=0.2)



# is_activation

@pytest.mark.parametrize(("module", "expected"), [
    (nn.PReLU(3), True), (nn.PReLU(), True), (nn.GELU(), True), (nn.Identity(), True),
    (nn.Linear(2, 3), False), (nn.Sequential(nn.ReLU()), False), (nn.Softmax(-1), False),
], ids=repr)
def test_is_activation_counts_prelu_and_the_registered_types(module, expected):
    assert is_activation(module) == expected
    assert all(is_activation(actlib.get(name).module()) for name in actlib.names())
