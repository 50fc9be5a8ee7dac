"""The reproduction of Shazeer (2020): presets, records, determinism, parallel runs, gates."""

import dataclasses
import math
import pickle

import pytest
import torch
import torch.nn.functional as F

from actlib.experiments import glu
from actlib.nn import GatedFeedForward
from actlib.train import Run
from actlib.transformer import FFN_LABELS, Transformer, TransformerConfig, count_parameters

TINY = glu.Scale(context=16, d_model=24, n_layer=1, n_head=2, steps=25, batch_size=8,
                 lr=1e-2, eval_every=10)


def without_timing(record: Run) -> Run:
    final = {k: v for k, v in record.final.items() if k not in ("seconds", "cpu_seconds")}
    return dataclasses.replace(record, final=final)


# The paper's numbers and the presets

def test_paper_table_has_every_variant_in_order():
    assert list(glu.SHAZEER_TABLE1) == list(glu.VARIANTS) == list(FFN_LABELS)
    assert glu.SHAZEER_TABLE1["relu"] == (1.997, 0.005, 1.677)
    assert glu.SHAZEER_TABLE1["swiglu"].spread_65k == 0.010


def test_paper_ranks_geglu_first_and_the_dense_layers_last():
    by_65k = sorted(glu.VARIANTS, key=lambda v: glu.SHAZEER_TABLE1[v].steps_65k)
    assert by_65k[:2] == ["geglu", "swiglu"]
    assert by_65k[-3:] == ["gelu", "swish", "relu"]


@pytest.mark.parametrize("name", glu.SCALES)
def test_every_preset_gives_equal_parameter_counts(name):
    scale = glu.SCALES[name]
    assert scale.d_ff % 3 == 0 and scale.d_model % scale.n_head == 0
    counts = {count_parameters(glu.make_model(v, 0, name)) for v in glu.VARIANTS}
    assert len(counts) == 1


def test_get_scale_and_replace_scale():
    assert glu.get_scale("cpu") is glu.SCALES["cpu"]
    assert glu.get_scale(TINY) is TINY
    assert glu.replace_scale("cpu", steps=5).steps == 5
    with pytest.raises(ValueError, match="gpu-small"):
        glu.get_scale("tpu")


# One run

@pytest.fixture(scope="module")
def records():
    return {v: glu.run(v, 0, TINY, sample_length=10) for v in ("relu", "glu", "reglu")}


def test_a_run_returns_a_plain_record(records):
    record = records["glu"]
    assert isinstance(record, Run) and record.model is None
    assert record.name == "glu" and record.seed == 0 and record["device"] == "cpu"
    assert record["params"] == count_parameters(glu.make_model("glu", 0, TINY))
    assert record["ffn_params"] == 3 * 24 * 64
    assert math.isfinite(record["val_loss"]) and record["val_loss"] == record["val_curve"][-1]
    assert record.steps == [10, 20, 25] and record["val_curve"].shape == (3,)
    assert len(record.loss) == TINY.steps
    assert record["sample"].startswith("The ") and len(record["sample"]) == 14
    assert pickle.loads(pickle.dumps(record)) == record  # it can come back from a worker
    assert all(isinstance(x, float) for x in record.loss)


def test_dense_runs_have_no_gate_statistics(records):
    assert records["relu"]["gates"] is None


def test_gate_statistics_describe_each_gate(records):
    sigmoid_gates, relu_gates = records["glu"]["gates"], records["reglu"]["gates"]
    assert sigmoid_gates["negative"] == 0.0 and sigmoid_gates["zero"] == 0.0
    assert 0.0 < sigmoid_gates["passed"] < 1.0  # a sigmoid gate only ever lets part through
    assert relu_gates["negative"] == 0.0 and relu_gates["zero"] > 0.1
    n_values = 32 * TINY.context * 64  # 32 windows, 1 layer of 64 gated units
    assert len(relu_gates["hist"]) == len(glu.GATE_BINS) - 1
    assert sum(relu_gates["hist"]) == sum(sigmoid_gates["hist"]) == n_values


def test_a_run_repeats_exactly_for_a_seed(records):
    again = glu.run("glu", 0, TINY, sample_length=10)
    assert without_timing(again) == without_timing(records["glu"])


def test_seeds_differ(records):
    other = glu.run("glu", 1, TINY)
    assert other["val_loss"] != records["glu"]["val_loss"]


# Gates with a known answer

def gated_model(activation_variant):
    config = TransformerConfig(vocab_size=11, context=8, d_model=12, n_layer=2, n_head=2,
                               d_ff=48, ffn=activation_variant)
    model = Transformer(config, seed=0)
    for block in model.blocks:
        torch.nn.init.zeros_(block.ffn.gate_proj.weight)  # every gate input is 0
    return model


def test_a_closed_relu_gate_passes_nothing():
    stats = glu.gate_statistics(gated_model("reglu"), torch.arange(33) % 11)
    assert stats["zero"] == 1.0 and stats["passed"] == 0.0 and stats["small"] == 1.0


def test_a_sigmoid_gate_at_zero_passes_half():
    stats = glu.gate_statistics(gated_model("glu"), torch.arange(33) % 11)
    assert stats["passed"] == pytest.approx(0.5)
    assert stats["mean_abs"] == pytest.approx(0.5) and stats["small"] == 0.0


def test_gate_statistics_leave_no_hooks_behind():
    model = gated_model("swiglu")
    glu.gate_statistics(model, torch.arange(33) % 11)
    for block in model.blocks:
        assert not block.ffn.act_fn._forward_hooks and not block.ffn.up_proj._forward_hooks


# Several runs

def test_reproduce_runs_every_variant_and_seed_in_order():
    records = glu.reproduce(seeds=[0, 1], scale=TINY, variants=["relu", "bilinear"],
                            workers=1)
    assert [(r.name, r.seed) for r in records] == [
        ("relu", 0), ("relu", 1), ("bilinear", 0), ("bilinear", 1)]


def test_two_worker_processes_give_the_same_numbers_as_one():
    jobs = {"seeds": [0, 1], "scale": TINY, "variants": ["swiglu"]}
    here = glu.reproduce(**jobs, workers=1)
    parallel = glu.reproduce(**jobs, workers=2)
    assert [without_timing(r) for r in parallel] == [without_timing(r) for r in here]


def test_on_a_gpu_runs_go_one_after_another_on_cuda(monkeypatch):
    calls = []
    monkeypatch.setattr(glu, "default_device", lambda: "cuda")
    monkeypatch.setattr(glu, "run", lambda *args: calls.append(args) or Run(args[0], args[1], []))
    glu.reproduce(seeds=[0, 1], scale=TINY, variants=["gelu"])
    assert [args[3] for args in calls] == ["cuda", "cuda"]


def test_reproduce_rejects_unknown_variants():
    with pytest.raises(ValueError, match="swiglu"):
        glu.reproduce(variants=["relu", "swiglu2"])


def test_summarize_gives_mean_and_spread_per_variant():
    records = [Run(variant, seed, [], final={"val_loss": x}) for variant, seed, x in
               [("relu", 0, 1.0), ("relu", 1, 2.0), ("relu", 2, 3.0), ("glu", 0, 1.5)]]
    summary = glu.summarize(records)
    assert summary["relu"] == pytest.approx((2.0, 1.0))
    assert summary["glu"] == (1.5, 0.0)


# The pitfall of fused projections

def test_torch_glu_gates_with_the_second_half():
    torch.manual_seed(0)
    a, b = torch.randn(4, 6), torch.randn(4, 6)
    fused = torch.cat([a, b], dim=-1)
    torch.testing.assert_close(F.glu(fused, dim=-1), a * torch.sigmoid(b))
    assert not torch.allclose(F.glu(fused, dim=-1), torch.sigmoid(a) * b)


def test_a_fused_gate_up_projection_split_in_llama_order_matches():
    torch.manual_seed(0)
    layer = GatedFeedForward(8, 12, "sigmoid")
    fused = torch.cat([layer.up_proj.weight, layer.gate_proj.weight])  # F.glu's order
    x = torch.randn(5, 8)
    torch.testing.assert_close(layer.down_proj(F.glu(x @ fused.T, dim=-1)), layer(x))


# Which gaps are larger than the noise

def test_seeded_redraws_every_linear_from_the_seed_alone():
    torch.manual_seed(0)
    a = glu.seeded(GatedFeedForward(6, 9, "silu"), seed=5)
    state = torch.random.get_rng_state()
    b = glu.seeded(GatedFeedForward(6, 9, "silu"), seed=5)
    c = glu.seeded(GatedFeedForward(6, 9, "silu"), seed=6)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert not torch.equal(a.gate_proj.weight, c.gate_proj.weight)
    torch.manual_seed(0)
    GatedFeedForward(6, 9, "silu")
    assert torch.equal(state, torch.random.get_rng_state())  # only the constructor drew


# The real thing: Hugging Face's LLaMA and Gemma feed-forward layers

def real_mlp(name, d_model, d_ff):
    """``transformers``' own LlamaMLP or GemmaMLP (a test-only dependency)."""
    if name == "llama":
        from transformers.models.llama.configuration_llama import LlamaConfig
        from transformers.models.llama.modeling_llama import LlamaMLP

        return LlamaMLP(LlamaConfig(hidden_size=d_model, intermediate_size=d_ff,
                                    num_attention_heads=2, num_key_value_heads=2,
                                    hidden_act="silu", mlp_bias=False))
    from transformers.models.gemma.configuration_gemma import GemmaConfig
    from transformers.models.gemma.modeling_gemma import GemmaMLP

    return GemmaMLP(GemmaConfig(hidden_size=d_model, intermediate_size=d_ff,
                                num_attention_heads=2, num_key_value_heads=2, head_dim=8,
                                hidden_activation="gelu_pytorch_tanh"))


@pytest.mark.parametrize(("name", "activation"), [("llama", "silu"), ("gemma", "gelu_tanh")])
def test_gated_feed_forward_computes_what_transformers_computes(name, activation):
    ours = glu.seeded(GatedFeedForward(16, 40, activation), seed=0)
    theirs = real_mlp(name, 16, 40)
    missing = theirs.load_state_dict(ours.state_dict(), strict=True)  # same names, same shapes
    assert not missing.missing_keys and not missing.unexpected_keys
    x = torch.randn(2, 7, 16, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        torch.testing.assert_close(ours(x), theirs(x))


def test_exact_gelu_geglu_is_not_gemmas_mlp():
    ours = glu.seeded(GatedFeedForward(16, 40, "gelu"), seed=0)
    gemma = real_mlp("gemma", 16, 40)
    gemma.load_state_dict(ours.state_dict())
    x = torch.randn(2, 7, 16, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        gap = float((ours(x) - gemma(x)).abs().max())
    assert 1e-6 < gap < 1e-3
