"""The small Transformer: shapes, causality, equal parameters across FFNs, labels, training."""

import math

import pytest
import torch

import actlib
from actlib.nn import FeedForward, GatedFeedForward
from actlib.text import load_corpus, split
from actlib.transformer import (
    DENSE_VARIANTS,
    FFN_LABELS,
    FFN_VARIANTS,
    Transformer,
    TransformerConfig,
    count_parameters,
    default_device,
    evaluate,
    feed_forward,
    ffn_parameters,
    gated_width,
    lr_at,
    train,
)

TINY = TransformerConfig(vocab_size=11, context=16, d_model=24, n_layer=2, n_head=2, d_ff=96)


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


def ids(*shape, high=11, seed=0):
    return torch.randint(high, shape, generator=torch.Generator().manual_seed(seed))


# The feed-forward layers and their sizes

def test_ffn_variants_are_shazeers_table_in_order():
    assert list(FFN_VARIANTS) == ["relu", "gelu", "swish", "glu", "bilinear", "geglu",
                                  "swiglu", "reglu"]
    assert FFN_VARIANTS["swish"] == "silu"  # Shazeer's Swish has β = 1


def test_ffn_labels_name_every_variant_in_order():
    assert list(FFN_LABELS) == list(FFN_VARIANTS)
    assert all(isinstance(label, str) and label for label in FFN_LABELS.values())
    assert {v: FFN_LABELS[v] for v in DENSE_VARIANTS} == {
        v: actlib.get(v).label for v in DENSE_VARIANTS}
    assert (FFN_LABELS["swiglu"], FFN_LABELS["gelu"]) == ("SwiGLU", "GELU")


def test_gated_width_is_two_thirds():
    assert gated_width(3072) == 2048  # Shazeer (2020): T5-base's d_ff
    assert gated_width(192) == 128


@pytest.mark.parametrize("variant", FFN_VARIANTS)
def test_feed_forward_builds_the_right_layer(variant):
    ffn = feed_forward(variant, 48, 192)
    if variant in ("relu", "gelu", "swish"):
        assert isinstance(ffn, FeedForward) and ffn.up_proj.out_features == 192
    else:
        assert isinstance(ffn, GatedFeedForward) and ffn.gate_proj.out_features == 128


@pytest.mark.parametrize("d_ff", [192, 256, 3072])
def test_parameter_counts_match_across_variants(d_ff):
    counts = {v: count_parameters(feed_forward(v, 64, d_ff)) for v in FFN_VARIANTS}
    dense = counts["relu"]
    for variant, count in counts.items():
        assert abs(count - dense) / dense < 0.005, variant
    if d_ff % 3 == 0:
        assert len(set(counts.values())) == 1


def test_whole_models_have_equal_parameter_counts():
    counts = {v: count_parameters(Transformer(TransformerConfig(ffn=v, d_ff=384)))
              for v in FFN_VARIANTS}
    assert len(set(counts.values())) == 1


def test_unknown_variant_is_an_error_with_the_names():
    with pytest.raises(ValueError, match="swiglu"):
        feed_forward("swigelu", 8, 24)
    with pytest.raises(ValueError, match="choose one of"):
        Transformer(TransformerConfig(ffn="tanh"))


# The model

def test_output_shapes():
    model = Transformer(TINY, seed=0)
    logits, loss = model(ids(3, 16), ids(3, 16, seed=1))
    assert logits.shape == (3, 16, TINY.vocab_size)
    assert loss.shape == ()
    logits, loss = model(ids(2, 5))
    assert logits.shape == (2, 5, TINY.vocab_size) and loss is None


def test_loss_at_initialisation_is_near_uniform_guessing():
    model = Transformer(TINY, seed=0)
    _, loss = model(ids(8, 16), ids(8, 16, seed=1))
    assert abs(loss.item() - math.log(TINY.vocab_size)) < 1.0


@pytest.mark.parametrize("variant", ["relu", "swiglu"])
def test_causal_a_future_token_does_not_change_earlier_outputs(variant):
    model = Transformer(TransformerConfig(**{**TINY.__dict__, "ffn": variant}), seed=0)
    x = ids(2, 16)
    changed = x.clone()
    changed[:, 10] = (changed[:, 10] + 1) % TINY.vocab_size
    with torch.no_grad():
        before, after = model(x)[0], model(changed)[0]
    torch.testing.assert_close(before[:, :10], after[:, :10], rtol=0, atol=0)
    assert not torch.allclose(before[:, 10:], after[:, 10:])


def test_sequence_longer_than_context_is_an_error():
    with pytest.raises(ValueError, match="exceeds context"):
        Transformer(TINY)(ids(1, 17))


def test_d_model_must_split_into_heads():
    with pytest.raises(ValueError, match="n_head"):
        Transformer(TransformerConfig(d_model=50, n_head=4))


def test_same_seed_same_weights_and_global_state_untouched():
    state = torch.random.get_rng_state()
    a, b, c = Transformer(TINY, seed=3), Transformer(TINY, seed=3), Transformer(TINY, seed=4)
    assert torch.equal(torch.random.get_rng_state(), state)
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.equal(p, q)
    assert not torch.equal(a.blocks[0].ffn.gate_proj.weight, c.blocks[0].ffn.gate_proj.weight)


def test_output_layer_is_tied_to_the_token_embedding():
    model = Transformer(TINY)
    assert model.lm_head.weight is model.tok_emb.weight
    untied = sum(p.numel() for _, p in model.named_parameters(remove_duplicate=False))
    assert count_parameters(model) == untied - TINY.vocab_size * TINY.d_model


def test_ffn_parameters_counts_every_block():
    model = Transformer(TINY)
    assert ffn_parameters(model) == TINY.n_layer * 3 * TINY.d_model * gated_width(TINY.d_ff)


def test_generate_extends_the_prompt():
    model = Transformer(TINY, seed=0)
    out = model.generate(ids(1, 3), 20, torch.Generator().manual_seed(0))
    assert out.shape == (1, 23)
    again = model.generate(ids(1, 3), 20, torch.Generator().manual_seed(0))
    assert torch.equal(out, again)


# Training

def test_learning_rate_warms_up_then_decays():
    assert lr_at(0, 100, 1.0, 10) == pytest.approx(0.1)
    assert lr_at(9, 100, 1.0, 10) == pytest.approx(1.0)
    assert lr_at(99, 100, 1.0, 10) == pytest.approx(0.1, abs=1e-3)
    rates = [lr_at(s, 100, 1.0, 10) for s in range(10, 100)]
    assert all(a >= b for a, b in zip(rates, rates[1:]))


def test_evaluate_is_the_mean_loss_over_fixed_windows():
    model = Transformer(TINY, seed=0)
    tokens = ids(16 * 5 + 3)
    x = tokens[: 5 * 16].view(5, 16)
    y = tokens[1: 5 * 16 + 1].view(5, 16)
    with torch.no_grad():
        expected = model(x, y)[1].item()
    assert evaluate(model, tokens, batch_size=2) == pytest.approx(expected, rel=1e-6)


def test_smoke_the_loss_falls(corpus):
    tokens, tokenizer = corpus
    train_tokens, val_tokens = split(tokens)
    config = TransformerConfig(vocab_size=tokenizer.vocab_size, context=16, d_model=24,
                               n_layer=1, n_head=2, d_ff=96, ffn="swiglu")
    model = Transformer(config, seed=0)
    before = evaluate(model, val_tokens[:4000])
    history = train(model, train_tokens, val_tokens[:4000], steps=60, batch_size=16,
                    lr=1e-2, seed=0)
    assert history.val_loss[-1] < before - 1.0
    assert sum(history.train_loss[-10:]) / 10 < history.train_loss[0] - 1.0


def test_training_repeats_exactly_for_a_seed(corpus):
    tokens, tokenizer = corpus
    train_tokens, val_tokens = split(tokens)
    config = TransformerConfig(vocab_size=tokenizer.vocab_size, context=16, d_model=24,
                               n_layer=1, n_head=2, d_ff=96, ffn="geglu")
    runs = []
    for _ in range(2):
        model = Transformer(config, seed=1)
        history = train(model, train_tokens, val_tokens[:2000], steps=15, batch_size=8,
                        lr=1e-2, seed=1, eval_every=5)
        runs.append((history, model))
    (h1, m1), (h2, m2) = runs
    assert h1.train_loss == h2.train_loss and h1.val_loss == h2.val_loss
    assert h1.val_steps == [5, 10, 15]
    for p, q in zip(m1.parameters(), m2.parameters()):
        assert torch.equal(p, q)


def test_default_device_follows_cuda(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert default_device() == "cpu"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert default_device() == "cuda"
