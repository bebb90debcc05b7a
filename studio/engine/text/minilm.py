"""all-MiniLM-L6-v2's BERT forward in plain torch, read from the shipped safetensors and tokenizer.json.

`transformers` takes about 3 s to import on this machine's CPU, most of a cold prompt's cost when the
prompt holds a word the vocabulary lacks. This is the same network (6 layers, 384 wide, 12 heads,
GELU, post-LayerNorm) with the same weights: `tests/test_text.py` checks its token states against
`transformers.AutoModel` to 1e-5. Data only: safetensors weights and a JSON tokenizer, no pickle.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import torch
import torch.nn.functional as F


class MiniLM:
    def __init__(self, folder: str | Path, max_tokens: int = 128):
        from safetensors.torch import load_file
        from tokenizers import Tokenizer
        folder = Path(folder)
        cfg = json.loads((folder / "config.json").read_text())
        self.layers, self.heads = int(cfg["num_hidden_layers"]), int(cfg["num_attention_heads"])
        self.eps = float(cfg["layer_norm_eps"])
        w = load_file(str(folder / "model.safetensors"))
        self.w = {k.removeprefix("bert."): v.float() for k, v in w.items() if v.is_floating_point()}
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

    def _lin(self, x, name):
        return F.linear(x, self.w[f"{name}.weight"], self.w[f"{name}.bias"])

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
        bias = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        d = x.shape[-1] // self.heads
        for i in range(self.layers if layers is None else layers):
            p = f"encoder.layer.{i}"
            q, k, v = (self._lin(x, f"{p}.attention.self.{n}").view(B, T, self.heads, d).transpose(1, 2)
                       for n in ("query", "key", "value"))
            att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + bias, -1)
            ctx = (att @ v).transpose(1, 2).reshape(B, T, -1)
            x = self._ln(x + self._lin(ctx, f"{p}.attention.output.dense"), f"{p}.attention.output.LayerNorm")
            h = F.gelu(self._lin(x, f"{p}.intermediate.dense"))
            x = self._ln(x + self._lin(h, f"{p}.output.dense"), f"{p}.output.LayerNorm")
        return x
