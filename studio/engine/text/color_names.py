"""Colour words the model never saw, grounded in a colour lexicon instead of guessed from text.

MiniLM's word embeddings place "crimson" nearer to "purple" than to "red"; the XKCD colour survey
names (949, shipped in matplotlib) and the CSS colour names give each such word its actual sRGB
value, which is then matched to the palette colour of nearest hue (white when unsaturated and light).
"""
from __future__ import annotations

from functools import lru_cache

import colorsys

import numpy as np

from ..world.attributes import COLORS


@lru_cache(maxsize=1)
def _tables():
    from matplotlib import colors as mc
    names = {}
    for table, prefix in ((mc.CSS4_COLORS, ""), (mc.XKCD_COLORS, "xkcd:")):
        for k, v in table.items():
            name = k[len(prefix):]
            if " " not in name and "/" not in name:
                names.setdefault(name, mc.to_rgb(v))
    names.update({k[len("xkcd:"):]: mc.to_rgb(v) for k, v in mc.XKCD_COLORS.items()
                  if " " not in k[len("xkcd:"):] and "/" not in k})
    return names, None, None


def palette_color(word: str) -> str | None:
    """The palette colour a colour word names, or None when the word is not a colour name."""
    names, palette, lab = _tables()
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
