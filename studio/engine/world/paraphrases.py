"""Evaluation-only wording: paraphrases that the caption generator never uses.

These lists are kept apart from `captions.py` on purpose; `tests/test_paraphrases.py` checks that no
word here is in the training vocabulary and that no paraphrased prompt can come out of `caption()`.
"""
from __future__ import annotations

import numpy as np

from .attributes import Attributes

COLOR = {
    "red": ["crimson", "scarlet", "ruby"], "orange": ["tangerine", "amber", "apricot"],
    "yellow": ["golden", "lemon", "canary"], "green": ["emerald", "lime", "jade"],
    "cyan": ["turquoise", "aqua", "aquamarine"], "blue": ["azure", "cobalt", "sapphire"],
    "purple": ["lavender", "lilac", "plum"], "pink": ["rose", "fuchsia", "bubblegum"],
    "white": ["snowy", "ivory", "milky"],
}
SHAPE = {"circle": ["ball", "orb", "round blob", "disc"], "square": ["block", "tile", "cube"],
         "triangle": ["pyramid", "wedge", "three-sided shape"], "star": ["starburst", "pentagram", "five-pointed shape"]}
SIZE = {"small": ["miniature", "teeny", "petite"], "medium": ["average-sized", "moderate", "regular-sized"],
        "large": ["giant", "enormous", "massive"]}
SPEED = {"slow": ["sluggishly", "leisurely", "lazily"], "fast": ["swiftly", "speedily", "briskly"]}
MOTION = {
    "left": ["drifting leftward", "gliding westward", "heading leftwards"],
    "right": ["drifting rightward", "gliding eastward", "heading rightwards"],
    "up": ["ascending", "floating upward", "climbing"],
    "down": ["descending", "dropping", "plunging downward"],
    "bouncing": ["hopping", "leaping", "bounding"],
    "orbiting": ["revolving around the middle", "looping around the center", "rotating around the midpoint"],
    "growing": ["expanding", "swelling", "enlarging"],
    "shrinking": ["contracting", "dwindling", "shriveling"],
    "still": ["motionless", "stationary", "frozen in place"],
}
BACKGROUND = {
    "black": ["a pitch-black backdrop", "a jet black backdrop", "an ebony backdrop"],
    "white": ["a snow-white backdrop", "a blank white backdrop", "a pure white backdrop"],
    "gray": ["a silver backdrop", "an ashen backdrop", "a slate-colored backdrop"],
    "night": ["a midnight backdrop", "the dark of midnight", "a nighttime backdrop"],
    "sky": ["a clear daytime heaven", "the open heavens", "a cloudless heaven"],
    "sunset": ["dusk", "twilight", "sundown"],
}
TEMPLATES = [
    "picture a {size} {color} {shape} {motion} {speed}, with {bg} behind it",
    "{bg}: one {color} {shape}, {size}, {motion} {speed}",
    "a {shape} coloured {color}, {size}, {speed} {motion} before {bg}",
    "imagine {bg} where a {size} {color} {shape} keeps {motion} {speed}",
]
STILL_TEMPLATES = [
    "picture a {size} {color} {shape} that is {motion}, with {bg} behind it",
    "{bg}: one {color} {shape}, {size}, {motion}",
]


def _pick(rng, items):
    return items[int(rng.integers(len(items)))]


def paraphrase(a: Attributes, rng: np.random.Generator) -> str:
    templates = STILL_TEMPLATES if a.motion == "still" else TEMPLATES
    return _pick(rng, templates).format(
        size=_pick(rng, SIZE[a.size]), color=_pick(rng, COLOR[a.color]), shape=_pick(rng, SHAPE[a.shape]),
        motion=_pick(rng, MOTION[a.motion]), speed=_pick(rng, SPEED[a.speed]), bg=_pick(rng, BACKGROUND[a.background]))
