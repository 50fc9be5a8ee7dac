"""The pinned corpus of chapter 5 and its character tokenizer."""

import gzip
import hashlib

import pytest
import torch

from actlib.text import CORPUS_SHA256, CharTokenizer, corpus_text, get_batch, load_corpus, split
from actlib.transformer import TransformerConfig


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


def test_corpus_is_real_english_text(corpus):
    tokens, tokenizer = corpus
    text = corpus_text()
    assert len(text) > 400_000
    assert text.count(" the ") > 1000
    assert len(tokens) == len(text)
    assert tokenizer.decode(tokens[:200]) == text[:200]


def test_corpus_is_the_pinned_text_on_every_python(corpus):
    """The same 465,126 characters (103 distinct) whichever Python runs the course."""
    text = corpus_text()
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == CORPUS_SHA256
    assert (len(text), corpus[1].vocab_size) == (465_126, 103)
    assert TransformerConfig().vocab_size == corpus[1].vocab_size


def test_damaged_corpus_is_an_error(tmp_path, monkeypatch):
    damaged = tmp_path / "corpus.txt.gz"
    damaged.write_bytes(gzip.compress(b"not the corpus"))
    monkeypatch.setattr("actlib.text.CORPUS_FILE", damaged)
    with pytest.raises(RuntimeError, match="damaged"):
        corpus_text()


def test_tokenizer_round_trip_and_unknown_characters():
    tokenizer = CharTokenizer.from_text("hello world")
    assert tokenizer.vocab_size == 8
    assert tokenizer.decode(tokenizer.encode("low herd")) == "low herd"
    with pytest.raises(ValueError, match="outside the vocabulary"):
        tokenizer.encode("hello!")


def test_split_holds_out_the_end_whole(corpus):
    tokens, _ = corpus
    train_tokens, val_tokens = split(tokens, 0.1)
    assert len(train_tokens) + len(val_tokens) == len(tokens)
    assert abs(len(val_tokens) / len(tokens) - 0.1) < 1e-3
    assert torch.equal(val_tokens, tokens[-len(val_tokens):])
    with pytest.raises(ValueError):
        split(tokens, 1.5)


def test_batch_targets_are_inputs_shifted_by_one():
    tokens = torch.arange(100)
    x, y = get_batch(tokens, 4, 8, torch.Generator().manual_seed(0))
    assert x.shape == y.shape == (4, 8)
    assert torch.equal(y, x + 1)
