"""Colour words the model never saw, grounded in colour data instead of guessed from text.

MiniLM's word embeddings place "crimson" nearer to "purple" than to "red". A colour word gets its
actual sRGB value instead: from the XKCD colour survey's and CSS's names (949 + 148, shipped in
matplotlib and copied to `colour_table.json`), or, for a word neither has, from WordNet's colour
senses ("cardinal: a variable color averaging a vivid red", whose hypernym "red" the survey names;
the table is built with the glosses, `glosses.colour_sense_rgb`). Which palette colour an sRGB value
is comes from how people named colours in the survey (`palette_of_rgb`), not from hue alone: a dark
magenta the survey's people call "dark purple" is purple, though its hue is nearer the palette's pink.
"""
from __future__ import annotations

import colorsys
import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..world.attributes import COLORS

NEIGHBOURS = 7
OTHER_TERMS = ("brown", "grey", "gray", "black")     # survey heads the palette has no colour for
CYAN_TERMS = ("teal", "turquoise", "aqua")           # the survey's words for the palette's cyan (31 names against
                                                     # 6 that say "cyan")
TABLE = Path(__file__).with_name("colour_table.json")     # matplotlib's XKCD and CSS data (scripts/build_glosses.py)


@lru_cache(maxsize=1)
def _table() -> dict:
    return json.loads(TABLE.read_text(encoding="utf-8"))


def _names() -> dict:
    """Single-word colour names -> sRGB in [0, 1]; an XKCD name wins over the CSS one."""
    return _table()["names"]


def _lab(rgb) -> np.ndarray:
    import cv2
    return cv2.cvtColor(np.asarray(rgb, np.float32).reshape(-1, 1, 3), cv2.COLOR_RGB2Lab).reshape(-1, 3)


@lru_cache(maxsize=1)
def _named_samples() -> tuple:
    """The survey's colours whose name ends in a basic colour term ("dark purple", "pinkish red", "light teal"
    for cyan), and the palette's own colours: CIELAB values, that term, and how many colours carry each term."""
    rgbs = [np.array(v) / 255 for v in COLORS.values()]
    terms = list(COLORS)
    for name, rgb in _table()["survey"]:
        head = name.replace("-", " ").split()[-1]
        head = "cyan" if head in CYAN_TERMS else head
        if head in COLORS or head in OTHER_TERMS:
            rgbs.append(rgb)
            terms.append(head)
    count = {t: terms.count(t) for t in set(terms)}
    return _lab(rgbs), terms, count


def palette_of_rgb(rgb) -> str | None:
    """The palette colour of an sRGB value in [0, 1], or None for greys and blacks.

    Unsaturated: white when light, else None. Otherwise the basic term of the survey colours nearest in
    CIELAB (7, votes weighted by 1 / distance and by 1 / how common the term is, so that the 36 reds are
    not outvoted by the 171 greens); a brown or grey there falls back to the palette colour of nearest hue."""
    h, sat, val = colorsys.rgb_to_hsv(*rgb)
    if sat < 0.25:
        return "white" if val > 0.75 else None           # greys and blacks are no object colour
    lab, terms, count = _named_samples()
    d = np.linalg.norm(lab - _lab(rgb)[0], axis=1)
    votes: dict[str, float] = {}
    for j in np.argsort(d)[:NEIGHBOURS]:
        votes[terms[j]] = votes.get(terms[j], 0.0) + 1.0 / (float(d[j]) + 1e-6) / count[terms[j]]
    term = max(votes, key=votes.get)
    if term in COLORS:
        return term
    return min(_HUES, key=lambda k: min(abs(_HUES[k] - h), 1 - abs(_HUES[k] - h)))


@lru_cache(maxsize=4096)
def palette_color(word: str, more: bool = False) -> str | None:
    """The palette colour a colour word names, or None when the word is not a colour name. With `more`, a word
    the survey, CSS and WordNet do not name is looked up in the larger lists too (Wikipedia's colour pages,
    meodai's color-names): they name many everyday words ("adrift", "afternoon"), so only a word already
    taken for a colour is looked up there."""
    rgb = colour_rgb(word)
    if rgb is None and more:
        rgb = _table()["more"].get(word)
    return palette_of_rgb(rgb) if rgb is not None else None


def colour_rgb(word: str):
    """A colour word's sRGB: the survey's (or CSS's) for the name, else its WordNet colour sense's; else the same
    for its stems, longest first ("pearly": "pearl"'s colour sense, not the survey's "pear")."""
    from .glosses import colour_sense_rgb
    names = _names()
    candidates = [word]
    if word.endswith("y") and len(word) > 4:
        candidates += [word[:-1], word[:-2]]          # snowy -> snow, milky -> milk
    if word.endswith("ish"):
        candidates.append(word[:-3])
    for w in candidates:
        rgb = names.get(w) or colour_sense_rgb(w)
        if rgb is not None:
            return rgb
    return None


_HUES = {k: colorsys.rgb_to_hsv(*(np.array(v) / 255))[0] for k, v in COLORS.items() if k != "white"}
