"""Chapter 6's harder arena: the character-level MLP language model and its runs."""

import pytest
import torch

import actlib
from actlib import stats
from actlib.experiments import arena
from actlib.transformer import count_parameters

TINY = arena.Arena(context=4, d_embed=4, d_ff=12, n_layer=2, steps=6, batch_size=8,
                   val_chars=64)


def test_arena_activations_are_the_registered_ones_but_the_twins():
    assert list(arena.VARIANTS) == [n for n in actlib.names() if n not in ("swish", "gelu_tanh")]
    assert set(arena.TWINS.values()) <= set(arena.VARIANTS)


def test_model_maps_a_window_of_characters_to_next_character_logits():
    model = arena.make_model("gelu", seed=0, arena=TINY, vocab_size=11)
    logits = model(torch.zeros(3, TINY.context, dtype=torch.long))
    assert logits.shape == (3, 11)


def test_wrong_window_length_is_an_error():
    model = arena.make_model("relu", seed=0, arena=TINY, vocab_size=11)
    with pytest.raises(ValueError, match="expected 4 characters"):
        model(torch.zeros(2, 5, dtype=torch.long))


def test_unknown_activation_lists_the_valid_ones():
    with pytest.raises(ValueError, match="gelu_tanh"):
        arena.make_model("nope", seed=0, arena=TINY, vocab_size=11)
    with pytest.raises(ValueError, match="relu"):
        arena.compete([0], activations=["nope"], arena=TINY, workers=1)


def test_every_activation_gets_the_same_parameters():
    counts = {count_parameters(arena.make_model(a, seed=0, arena=TINY, vocab_size=11))
              for a in ("identity", "relu", "mish")}
    d, h, v = TINY.d_model, TINY.d_ff, 11
    assert counts == {11 * TINY.d_embed + TINY.n_layer * (2 * d * h + h + d) + d * v + v}


def test_identity_model_is_one_affine_map_of_the_embeddings():
    model = arena.make_model("identity", seed=0, arena=TINY, vocab_size=11)
    x = model.embed(torch.randint(11, (5, TINY.context))).flatten(1)
    a, b = x[:2], x[2:4]
    f = lambda v: model.head(model.layers(v))  # noqa: E731
    zero = torch.zeros(1, x.shape[1])
    torch.testing.assert_close(f(a) + f(b) - f(zero), f(a + b))


def test_same_seed_same_weights_and_the_global_state_is_untouched():
    state = torch.random.get_rng_state()
    a = arena.make_model("tanh", seed=3, arena=TINY, vocab_size=11)
    b = arena.make_model("tanh", seed=3, arena=TINY, vocab_size=11)
    assert torch.equal(state, torch.random.get_rng_state())
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))


def test_windows_pair_each_context_with_the_next_character():
    tokens = torch.arange(10)
    x, y = arena.windows(tokens, 3)
    assert x[0].tolist() == [0, 1, 2] and y[0] == 3
    assert len(x) == 7 and y[-1] == 9


def test_run_is_repeatable_and_returns_a_run():
    first = arena.run("relu", seed=1, arena=TINY)
    second = arena.run("relu", seed=1, arena=TINY)
    assert isinstance(first, actlib.train.Run)
    assert first.loss == second.loss and first["val_loss"] == second["val_loss"]
    assert len(first.loss) == TINY.steps and first["val_loss"] > 0


def test_compete_feeds_paired_comparisons_in_seed_order():
    runs = arena.compete([2, 1], activations=["identity", "relu"], arena=TINY, workers=1)
    samples = arena.samples(runs)
    assert list(samples) == ["identity", "relu"]
    assert samples["relu"] == [arena.run("relu", s, TINY)["val_loss"] for s in (1, 2)]
    assert len(stats.paired_comparisons(samples)) == 1


def test_compete_applies_changes_to_the_arena():
    (only,) = arena.compete([0], activations=["relu"], arena=TINY, workers=1, steps=2)
    assert len(only.loss) == 2
