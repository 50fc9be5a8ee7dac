"""The text the course's language models read, and the tokenizer that turns it into numbers.

The corpus is Python's own help pages (``pydoc_data.topics``), pinned to the version of
Python 3.11.7 and shipped with actlib (465 kB), so that every Python trains on the same
characters. Nothing is downloaded.

>>> tokens, tokenizer = load_corpus()
>>> tokenizer.decode(tokens[:3]) == corpus_text()[:3]
True
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import torch

__all__ = ["CORPUS_SHA256", "corpus_text", "CharTokenizer", "load_corpus", "split", "get_batch"]

CORPUS_FILE = Path(__file__).with_name("corpus.txt.gz")
CORPUS_SHA256 = "71f2ff5d99bdc1f9c48c5c2353ad138201c5ca1c377e0226857ef8fa89b8bcee"


def corpus_text() -> str:
    """Python's own help pages, as Python 3.11.7 ships them, the same on every Python.

    The text is ``pydoc_data.topics`` of CPython 3.11.7 (PSF licence), its pages joined by
    blank lines in the order of their names: 465,126 characters, 103 distinct. It ships with
    actlib (``corpus.txt.gz``) because each Python has its own version of these pages (3.12's
    join is 492,311 characters long, 3.13's 510,742), and a model trained on another text would
    give other numbers. Its SHA-256 is checked on every load.
    """
    text = gzip.decompress(CORPUS_FILE.read_bytes()).decode("utf-8")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if digest != CORPUS_SHA256:
        raise RuntimeError(f"{CORPUS_FILE} is damaged: SHA-256 {digest}, expected {CORPUS_SHA256}")
    return text


@dataclass(frozen=True)
class CharTokenizer:
    """Maps each character of a text to an integer, in sorted order, and back."""

    chars: tuple[str, ...]
    index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", {c: i for i, c in enumerate(self.chars)})

    @classmethod
    def from_text(cls, text: str) -> CharTokenizer:
        return cls(tuple(sorted(set(text))))

    @property
    def vocab_size(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> torch.Tensor:
        """A string as a 1-D ``int64`` tensor; a character outside the vocabulary is an error."""
        unknown = set(text) - self.index.keys()
        if unknown:
            raise ValueError(f"characters outside the vocabulary: {sorted(unknown)!r}")
        return torch.tensor([self.index[c] for c in text], dtype=torch.long)

    def decode(self, ids: torch.Tensor | list[int]) -> str:
        return "".join(self.chars[int(i)] for i in ids)


def load_corpus() -> tuple[torch.Tensor, CharTokenizer]:
    """The corpus as one long tensor of character ids, and the tokenizer that made it."""
    text = corpus_text()
    tokenizer = CharTokenizer.from_text(text)
    return tokenizer.encode(text), tokenizer


def split(tokens: torch.Tensor, val_fraction: float = 0.1) -> tuple[torch.Tensor, torch.Tensor]:
    """Training and validation tokens: the last ``val_fraction`` of the text is held out whole,
    so that no validation window overlaps a training one."""
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must be in (0, 1), got {val_fraction}")
    n_train = int(len(tokens) * (1 - val_fraction))
    return tokens[:n_train], tokens[n_train:]


def get_batch(tokens: torch.Tensor, batch_size: int, context: int,
              generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """``batch_size`` random windows of ``context`` characters and, shifted by one, their
    next characters: inputs and targets of shape ``(B, T)``."""
    starts = torch.randint(len(tokens) - context, (batch_size,), generator=generator)
    offsets = torch.arange(context)
    x = tokens[starts[:, None] + offsets]  # (B, T)
    y = tokens[starts[:, None] + offsets + 1]  # (B, T)
    return x, y
