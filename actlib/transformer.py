"""A small decoder-only Transformer, after nanoGPT, whose feed-forward layer is pluggable.

The model reads text one character at a time and predicts the next character. Its
feed-forward layer is one of the eight of Shazeer (2020), Table 1 (:data:`FFN_VARIANTS`): a
dense :class:`actlib.nn.FeedForward` or a gated :class:`actlib.nn.GatedFeedForward`.
Everything else (attention, LayerNorm, embeddings, initialisation) is the same for all eight.

The text is a real English corpus, :func:`actlib.text.load_corpus`: Python's own help pages,
pinned and shipped with actlib. Nothing is downloaded.

>>> from actlib.text import load_corpus
>>> tokens, tokenizer = load_corpus()
>>> model = Transformer(TransformerConfig(vocab_size=tokenizer.vocab_size, ffn="swiglu"), seed=0)
>>> logits, loss = model(tokens[None, :32], tokens[None, 1:33])
>>> logits.shape
torch.Size([1, 32, 103])
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from .nn import GLU_VARIANTS, FeedForward, GatedFeedForward
from .registry import get
from .text import get_batch

__all__ = ["DENSE_VARIANTS", "FFN_VARIANTS", "FFN_LABELS", "default_device", "gated_width",
           "feed_forward", "TransformerConfig", "Transformer", "count_parameters", "ffn_parameters",
           "TrainHistory", "lr_at", "evaluate", "train"]

#: The activation of each dense feed-forward layer in Shazeer (2020), Table 1. His "Swish" is
#: Swish with β = 1, which PyTorch calls SiLU.
DENSE_VARIANTS = {"relu": "relu", "gelu": "gelu", "swish": "silu"}

#: The eight feed-forward layers of Shazeer (2020), Table 1, in the table's order, each mapped to
#: the activation it applies (to the hidden layer if dense, to the gate if gated).
FFN_VARIANTS = {
    **DENSE_VARIANTS,
    **{name: GLU_VARIANTS[name] for name in ("glu", "bilinear", "geglu", "swiglu", "reglu")},
}

#: How the paper writes each variant (for a dense one, the registry's label).
FFN_LABELS = {
    **{name: get(name).label for name in DENSE_VARIANTS},
    "glu": "GLU", "bilinear": "Bilinear", "geglu": "GEGLU", "swiglu": "SwiGLU", "reglu": "ReGLU",
}


def default_device() -> str:
    """``"cuda"`` when PyTorch sees a GPU, else ``"cpu"``."""
    return "cuda" if torch.cuda.is_available() else "cpu"


def gated_width(d_ff: int) -> int:
    """The hidden width of a gated layer with as many parameters as a dense one of width d_ff.

    A gated layer has three matrices (W, V, W₂) where a dense one has two (W₁, W₂), so its
    hidden width is ⅔ as large: Shazeer (2020) uses 2048 where the dense layers use 3072.
    """
    return round(2 * d_ff / 3)


def feed_forward(variant: str, d_model: int, d_ff: int) -> nn.Module:
    """Shazeer's FFN_<variant> with about the parameters of a dense layer of width ``d_ff``.

    The dense variants (``relu``, ``gelu``, ``swish``) have hidden width ``d_ff``, the gated
    ones :func:`gated_width` ``(d_ff)``; when ``d_ff`` is a multiple of 3 the counts are equal.
    """
    if variant in DENSE_VARIANTS:
        return FeedForward(d_model, d_ff, DENSE_VARIANTS[variant])
    if variant in GLU_VARIANTS:
        return GatedFeedForward(d_model, gated_width(d_ff), GLU_VARIANTS[variant])
    raise ValueError(f"unknown feed-forward variant {variant!r}; "
                     f"choose one of: {', '.join(FFN_VARIANTS)}")


# The model

@dataclass(frozen=True)
class TransformerConfig:
    """The model's sizes. The defaults are the ``"cpu"`` scale of :mod:`actlib.experiments.glu`."""

    vocab_size: int = 103  # the distinct characters of corpus_text(), on every Python
    context: int = 32  # T: characters the model sees at once
    d_model: int = 48  # C: width of the residual stream
    n_layer: int = 2
    n_head: int = 2
    d_ff: int = 192  # dense hidden width, 4 · d_model; gated variants use ⅔ of it
    ffn: str = "swiglu"  # one of FFN_VARIANTS
    dropout: float = 0.0


class CausalSelfAttention(nn.Module):
    """Multi-head self-attention in which each position sees only itself and earlier ones."""

    def __init__(self, config: TransformerConfig):
        super().__init__()
        if config.d_model % config.n_head:
            raise ValueError(f"d_model={config.d_model} is not a multiple of "
                             f"n_head={config.n_head}")
        self.n_head = config.n_head
        self.dropout = config.dropout
        self.qkv_proj = nn.Linear(config.d_model, 3 * config.d_model, bias=False)
        self.out_proj = nn.Linear(config.d_model, config.d_model, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, C = x.shape
        q, k, v = self.qkv_proj(x).split(C, dim=2)  # 3 × (B, T, C)
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
                   for t in (q, k, v))  # 3 × (B, H, T, C / H)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True,
                                           dropout_p=self.dropout if self.training else 0.0)
        y = y.transpose(1, 2).reshape(B, T, C)  # heads side by side again
        return self.out_proj(y)


class Block(nn.Module):
    """One pre-norm Transformer block: x + attention(norm(x)), then x + FFN(norm(x))."""

    def __init__(self, config: TransformerConfig):
        super().__init__()
        self.attn_norm = nn.LayerNorm(config.d_model, bias=False)
        self.attn = CausalSelfAttention(config)
        self.ffn_norm = nn.LayerNorm(config.d_model, bias=False)
        self.ffn = feed_forward(config.ffn, config.d_model, config.d_ff)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.dropout(self.attn(self.attn_norm(x)))  # (B, T, C)
        return x + self.dropout(self.ffn(self.ffn_norm(x)))  # (B, T, C)


class Transformer(nn.Module):
    """A decoder-only character model: embeddings, ``n_layer`` blocks, LayerNorm, logits.

    The output layer shares its weights with the token embedding, as in GPT-2 and nanoGPT.
    Weights are drawn from a ``torch.Generator`` seeded with ``seed``, so two models with the
    same seed are equal and the global random state is neither used nor changed.

    Shape: token ids ``(B, T)`` in, logits ``(B, T, vocab_size)`` out, with ``T ≤ context``.
    """

    def __init__(self, config: TransformerConfig, seed: int = 0):
        super().__init__()
        if config.ffn not in FFN_VARIANTS:
            raise ValueError(f"unknown feed-forward variant {config.ffn!r}; "
                             f"choose one of: {', '.join(FFN_VARIANTS)}")
        self.config = config
        with torch.random.fork_rng(devices=[]):  # constructors draw weights we replace below
            self.tok_emb = nn.Embedding(config.vocab_size, config.d_model)
            self.pos_emb = nn.Embedding(config.context, config.d_model)
            self.blocks = nn.ModuleList(Block(config) for _ in range(config.n_layer))
            self.norm = nn.LayerNorm(config.d_model, bias=False)
            self.lm_head = nn.Linear(config.d_model, config.vocab_size, bias=False)
        self.lm_head.weight = self.tok_emb.weight
        self._init_weights(torch.Generator().manual_seed(seed))

    def _init_weights(self, generator: torch.Generator) -> None:
        # T5's scheme, as in Shazeer (2020): each matrix N(0, 1 / fan_in), so that a layer
        # keeps its input's scale; embeddings N(0, 1), and the tied output layer reads the
        # final state scaled by 1 / √d_model (see forward).
        with torch.no_grad():
            for name, p in self.named_parameters():
                if p.ndim < 2:
                    continue  # LayerNorm gains stay at 1
                std = 1.0 if name.endswith("emb.weight") else p.shape[1] ** -0.5
                p.normal_(0.0, std, generator=generator)

    def forward(self, idx: torch.Tensor, targets: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Logits for the next character at every position and, given targets, the mean
        cross-entropy in nats per character."""
        B, T = idx.shape
        if T > self.config.context:
            raise ValueError(f"sequence of length {T} exceeds context {self.config.context}")
        x = self.tok_emb(idx) + self.pos_emb.weight[:T]  # (B, T, C)
        for block in self.blocks:
            x = block(x)  # (B, T, C)
        logits = self.lm_head(self.norm(x) * self.config.d_model**-0.5)  # (B, T, vocab_size)
        if targets is None:
            return logits, None
        loss = F.cross_entropy(logits.view(B * T, -1), targets.reshape(B * T))
        return logits, loss

    @torch.no_grad()
    def generate(self, idx: torch.Tensor, length: int, generator: torch.Generator,
                 temperature: float = 1.0) -> torch.Tensor:
        """Extend ``idx`` of shape ``(B, T)`` by ``length`` sampled characters."""
        for _ in range(length):
            logits, _ = self(idx[:, -self.config.context:])
            probs = F.softmax(logits[:, -1] / temperature, dim=-1)  # (B, vocab_size)
            next_id = torch.multinomial(probs.cpu(), 1, generator=generator).to(idx.device)
            idx = torch.cat([idx, next_id], dim=1)
        return idx


def count_parameters(module: nn.Module) -> int:
    """The number of distinct parameters (a tied weight counts once)."""
    return sum(p.numel() for p in module.parameters())


def ffn_parameters(model: Transformer) -> int:
    """The parameters in the model's feed-forward layers."""
    return sum(count_parameters(block.ffn) for block in model.blocks)


# Training

@dataclass
class TrainHistory:
    """What :func:`train` recorded: the training loss of every step and the validation loss
    at the steps in ``val_steps``."""

    train_loss: list[float] = field(default_factory=list)
    val_steps: list[int] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)


def lr_at(step: int, steps: int, lr: float, warmup: int, min_lr_ratio: float = 0.1) -> float:
    """Linear warm-up over ``warmup`` steps, then cosine decay to ``min_lr_ratio · lr``."""
    if step < warmup:
        return lr * (step + 1) / warmup
    progress = (step - warmup) / max(1, steps - warmup)
    return lr * (min_lr_ratio + (1 - min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * progress)))


@torch.no_grad()
def evaluate(model: Transformer, tokens: torch.Tensor, batch_size: int = 256) -> float:
    """Mean loss, in nats per character, over the non-overlapping windows of ``tokens``.

    The windows are fixed, so the same model always gets the same number.
    """
    T = model.config.context
    n = (len(tokens) - 1) // T
    device = model.lm_head.weight.device
    x = tokens[: n * T].view(n, T).to(device)  # (N, T)
    y = tokens[1: n * T + 1].view(n, T).to(device)  # (N, T)
    was_training = model.training
    model.eval()
    total = 0.0
    for i in range(0, n, batch_size):
        _, loss = model(x[i:i + batch_size], y[i:i + batch_size])
        total += loss.item() * len(x[i:i + batch_size])
    model.train(was_training)
    return total / n


def train(model: Transformer, train_tokens: torch.Tensor, val_tokens: torch.Tensor, *,
          steps: int, batch_size: int, lr: float, seed: int, warmup: int | None = None,
          weight_decay: float = 0.1, eval_every: int | None = None) -> TrainHistory:
    """Train with AdamW, warm-up and cosine decay, on random windows of ``train_tokens``.

    The windows are drawn from a generator seeded with ``seed``; with the model's own seeded
    initialisation, a run repeats exactly on the same machine and thread count.

    Args:
        warmup: warm-up steps; by default 5% of ``steps``.
        weight_decay: applied to matrices only, not to LayerNorm gains (as nanoGPT does).
        eval_every: measure the validation loss every this many steps; it is always measured
            once at the end.
    """
    device = model.lm_head.weight.device
    warmup = max(1, steps // 20) if warmup is None else warmup
    matrices = [p for p in model.parameters() if p.ndim >= 2]
    gains = [p for p in model.parameters() if p.ndim < 2]
    optimizer = torch.optim.AdamW(
        [{"params": matrices, "weight_decay": weight_decay},
         {"params": gains, "weight_decay": 0.0}],
        lr=lr, betas=(0.9, 0.95), fused=True)  # one kernel for all parameters
    generator = torch.Generator().manual_seed(seed)
    history = TrainHistory()
    model.train()
    for step in range(steps):
        for group in optimizer.param_groups:
            group["lr"] = lr_at(step, steps, lr, warmup)
        x, y = get_batch(train_tokens, batch_size, model.config.context, generator)
        _, loss = model(x.to(device), y.to(device))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        history.train_loss.append(loss.item())
        if (eval_every and (step + 1) % eval_every == 0) or step + 1 == steps:
            if not history.val_steps or history.val_steps[-1] != step + 1:
                history.val_steps.append(step + 1)
                history.val_loss.append(evaluate(model, val_tokens))
    return history
