"""A word's dictionary definitions (WordNet 3.0), which the prompt reader reads beside the word.

MiniLM's token state of a rare word carries little of its meaning ("rhombus", "dawdle"); the
definitions say it in common words ("a parallelogram with four equal sides", "proceed slowly"), which MiniLM
reads well. The table (`glosses.json.gz`, built by scripts/build_glosses.py) is data: the first two
senses of each part of speech of every single-word WordNet lemma, with WordNet's inflection
exceptions and detachment rules, so "drifting" finds "drift" without loading WordNet itself.
"""
from __future__ import annotations

import gzip
import json
import threading
from functools import lru_cache
from pathlib import Path

FILE = Path(__file__).with_name("glosses.json.gz")
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _table() -> dict:
    with _lock:
        return json.loads(gzip.decompress(FILE.read_bytes()))


def lemma(word: str) -> str | None:
    """The WordNet lemma a surface word inflects (itself when it is one), or None."""
    t = _table()
    g = t["glosses"]
    if word in g:
        return word
    base = t["exceptions"].get(word)
    if base:
        return base
    for suffix, new in t["rules"]:
        if word.endswith(suffix) and len(word) > len(suffix):
            cand = word[: -len(suffix)] + new
            if cand in g:
                return cand
    return None


def _entry(section: str, word: str):
    """What the table's `section` holds for the word's lemma, or None."""
    base = lemma(word.lower()) if word else None
    return _table()[section].get(base) if base else None


@lru_cache(maxsize=8192)
def gloss(word: str) -> str | None:
    """The word's definitions joined by "; ", or None when WordNet does not have it."""
    return _entry("glosses", word)


def colour_sense_rgb(word: str):
    """The sRGB (0-1) of the word's first WordNet colour sense ("cardinal" -> red's), or None."""
    rgb = _entry("colours", word)
    return tuple(rgb) if rgb else None
