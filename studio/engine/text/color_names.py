"""Colour words the model never saw, grounded in a colour lexicon instead of guessed from text.

MiniLM's word embeddings place "crimson" nearer to "purple" than to "red"; the XKCD colour survey
names (949, shipped in matplotlib) and the CSS colour names give each such word its actual sRGB
value, which is then matched to the palette colour of nearest hue (white when unsaturated and light).
"""
from __future__ import annotations

import colorsys
from functools import lru_cache

import numpy as np

from ..world.attributes import COLORS


@lru_cache(maxsize=1)
def _names() -> dict:
    """Single-word colour names -> sRGB in [0, 1]; an XKCD name wins over the CSS one."""
    from matplotlib import colors as mc
    tables = [{k: v for k, v in mc.CSS4_COLORS.items()},
              {k[len("xkcd:"):]: v for k, v in mc.XKCD_COLORS.items()}]
    return {k: mc.to_rgb(v) for t in tables for k, v in t.items() if " " not in k and "/" not in k}


@lru_cache(maxsize=4096)
def palette_color(word: str) -> str | None:
    """The palette colour a colour word names, or None when the word is not a colour name."""
    names = _names()
    candidates = [word]
    if word.endswith("y") and len(word) > 4:
        candidates += [word[:-1], word[:-2]]          # snowy -> snow, milky -> milk
    if word.endswith("ish"):
        candidates.append(word[:-3])
    for w in candidates:
        if w in names:
            h, sat, val = colorsys.rgb_to_hsv(*names[w])
            if sat < 0.25:
                return "white" if val > 0.75 else None       # greys and blacks are no object colour
            return min(_HUES, key=lambda k: min(abs(_HUES[k] - h), 1 - abs(_HUES[k] - h)))
    return None


_HUES = {k: colorsys.rgb_to_hsv(*(np.array(v) / 255))[0] for k, v in COLORS.items() if k != "white"}
