"""Training captions: many templates, synonyms and word orders.

The words here are the *training vocabulary*. The paraphrase word lists used by `studio eval`
live in `paraphrases.py` and must never appear here (a test checks this).
"""
from __future__ import annotations

import numpy as np

from .attributes import Attributes

COLOR_WORDS = {
    "red": ["red"], "orange": ["orange"], "yellow": ["yellow"], "green": ["green"], "cyan": ["cyan", "teal"],
    "blue": ["blue"], "purple": ["purple", "violet"], "pink": ["pink"], "white": ["white"],
}
SHAPE_WORDS = {
    "circle": ["circle", "dot", "disk"], "square": ["square", "box"], "triangle": ["triangle"],
    "star": ["star"],
}
SIZE_WORDS = {"small": ["small", "tiny", "little"], "medium": ["medium", "medium-sized", "mid-sized"],
              "large": ["large", "big", "huge"]}
SPEED_WORDS = {"slow": ["slow", "slowly", "gently"], "fast": ["fast", "quickly", "rapidly"]}
# motion phrases; {speed} is filled with an adverb or left out
MOTION_PHRASES = {
    "left": ["moving left", "sliding to the left", "going left", "travelling left"],
    "right": ["moving right", "sliding to the right", "going right", "travelling right"],
    "up": ["moving up", "rising", "going upwards", "travelling up"],
    "down": ["moving down", "falling", "going downwards", "sinking"],
    "bouncing": ["bouncing", "bouncing up and down", "jumping"],
    "orbiting": ["orbiting", "circling the centre", "going around in a circle", "orbiting the middle"],
    "growing": ["growing", "getting bigger", "inflating"],
    "shrinking": ["shrinking", "getting smaller", "deflating"],
    "still": ["staying still", "not moving", "sitting still", "standing still"],
}
BACKGROUND_PHRASES = {
    "black": ["a black background", "black"], "white": ["a white background", "white"],
    "gray": ["a gray background", "a grey background", "gray"], "night": ["a night sky", "night", "a dark night"],
    "sky": ["a blue sky", "sky", "a daytime sky"], "sunset": ["a sunset", "sunset", "an evening sunset"],
}

BACKGROUND_WORDS = {"black": ["black"], "white": ["white"], "gray": ["gray", "grey"], "night": ["night", "night sky"],
                    "sky": ["sky", "blue sky"], "sunset": ["sunset"]}

TEMPLATES = [
    "a {size} {color} {shape} {motion} on {bg_a}",
    "a {size} {color} {shape} {motion} in front of {bg_a}",
    "{color} {shape}, {size}, {motion}, {bg} background",
    "{bg_a} with a {size} {color} {shape} {motion}",
    "there is a {size} {color} {shape} {motion} against {bg_a}",
    "a {color} {shape} of {size} size {motion} on {bg_a}",
    "{motion_cap}: a {size} {color} {shape} on {bg_a}",
    "the {size} {shape} is {color} and {motion} over {bg_a}",
    "{size} {color} {shape} {motion}, {bg} background",
]


def _pick(rng: np.random.Generator, items):
    return items[int(rng.integers(len(items)))]


def caption(a: Attributes, rng: np.random.Generator) -> str:
    """One natural sentence that names every attribute of `a`."""
    bg_phrase = _pick(rng, BACKGROUND_PHRASES[a.background])
    bg_a = bg_phrase if bg_phrase.startswith(("a ", "an ")) else f"a {bg_phrase} background"
    bg_word = _pick(rng, BACKGROUND_WORDS[a.background])
    speed = "" if a.motion == "still" else _pick(rng, SPEED_WORDS[a.speed])
    motion = _pick(rng, MOTION_PHRASES[a.motion])
    if speed:
        motion = f"{motion} {speed}" if rng.random() < 0.7 or not speed.endswith("ly") else f"{speed} {motion}"
    size = _pick(rng, SIZE_WORDS[a.size])
    fields = dict(size=size, color=_pick(rng, COLOR_WORDS[a.color]), shape=_pick(rng, SHAPE_WORDS[a.shape]),
                  motion=motion, motion_cap=motion[0].upper() + motion[1:], bg_a=bg_a, bg=bg_word)
    template = _pick(rng, TEMPLATES)
    if template.startswith("a {size}") and size[0] in "aeiou":
        template = "an" + template[1:]
    return template.format(**fields)
