"""all-MiniLM-L6-v2's BERT forward in plain torch, read from the shipped safetensors and tokenizer.json.

`transformers` takes about 3 s to import on this machine's CPU, most of a cold prompt's cost when the
prompt holds a word the vocabulary lacks. This is the same network (6 layers, 384 wide, 12 heads,
GELU, post-LayerNorm) with the same weights: `tests/test_text.py` checks its token states against
`transformers.AutoModel` to 1e-5. Data only: safetensors weights and a JSON tokenizer, no pickle.
"""
from __future__ import annotations

import json
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

# MiniLM's names for a layer's parts, under `encoder.layer.{i}.`
LAYER_PARTS = {"query": "attention.self.query", "key": "attention.self.key", "value": "attention.self.value",
               "out": "attention.output.dense", "ln1": "attention.output.LayerNorm",
               "ff1": "intermediate.dense", "ff2": "output.dense", "ln2": "output.LayerNorm"}


class BertLayer(nn.Module):
    """One post-LayerNorm BERT layer (MiniLM's: 384 wide, 12 heads, GELU). MiniLM runs six of them; the
    prompt reader may fine-tune copies of the last ones (`ReaderConfig.tuned_layers`)."""

    def __init__(self, d: int = 384, heads: int = 12, ff: int = 1536, dropout: float = 0.1, eps: float = 1e-12):
        super().__init__()
        self.heads = heads
        self.query, self.key, self.value, self.out = (nn.Linear(d, d) for _ in range(4))
        self.ln1, self.ln2 = nn.LayerNorm(d, eps=eps), nn.LayerNorm(d, eps=eps)
        self.ff1, self.ff2 = nn.Linear(d, ff), nn.Linear(ff, d)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """x (B, T, d), mask (B, T) bool: which tokens are there to attend to."""
        B, T, d = x.shape
        q, k, v = (f(x).view(B, T, self.heads, -1).transpose(1, 2) for f in (self.query, self.key, self.value))
        ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=mask[:, None, None, :],
                                             dropout_p=self.drop.p if self.training else 0.0)
        x = self.ln1(x + self.drop(self.out(ctx.transpose(1, 2).reshape(B, T, d))))
        return self.ln2(x + self.drop(self.ff2(F.gelu(self.ff1(x)))))

    def load_minilm(self, w: dict, i: int) -> None:
        """Copies MiniLM layer i's weights (names as in its safetensors, without "bert.")."""
        with torch.no_grad():
            for mine, theirs in LAYER_PARTS.items():
                getattr(self, mine).weight.copy_(w[f"encoder.layer.{i}.{theirs}.weight"])
                getattr(self, mine).bias.copy_(w[f"encoder.layer.{i}.{theirs}.bias"])


class MiniLM:
    def __init__(self, folder: str | Path, max_tokens: int = 128):
        from safetensors.torch import load_file
        from tokenizers import Tokenizer
        self.folder = folder = Path(folder)
        cfg = json.loads((folder / "config.json").read_text())
        self.layers, self.heads = int(cfg["num_hidden_layers"]), int(cfg["num_attention_heads"])
        self.eps = float(cfg["layer_norm_eps"])
        w = load_file(str(folder / "model.safetensors"))
        w = {k.removeprefix("bert."): v.float() for k, v in w.items() if v.is_floating_point()}
        self.blocks = []
        for i in range(self.layers):
            block = BertLayer(heads=self.heads, eps=self.eps).eval().requires_grad_(False)
            block.load_minilm(w, i)
            self.blocks.append(block)
        self.w = {k: v for k, v in w.items() if not k.startswith("encoder.")}     # embeddings
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_tokens)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")        # to the longest in the batch

    def tokenize(self, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        enc = self.tokenizer.encode_batch(list(texts))
        ids = torch.tensor([e.ids for e in enc], dtype=torch.long)
        mask = torch.tensor([e.attention_mask for e in enc], dtype=torch.long)
        return ids, mask

    def _ln(self, x, name):
        return F.layer_norm(x, x.shape[-1:], self.w[f"{name}.weight"], self.w[f"{name}.bias"], self.eps)

    @torch.inference_mode()
    def states(self, ids: torch.Tensor, mask: torch.Tensor, layers: int | None = None) -> torch.Tensor:
        """(B, T, 384) last hidden states, as `BertModel(...).last_hidden_state`; with `layers`, the
        states after that many of the 6 layers."""
        w = self.w
        B, T = ids.shape
        pos = torch.arange(T)[None].expand(B, T)
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][pos] \
            + w["embeddings.token_type_embeddings.weight"][torch.zeros_like(ids)]
        x = self._ln(x, "embeddings.LayerNorm")
        for block in self.blocks[:layers]:
            x = block(x, mask.bool())
        return x
