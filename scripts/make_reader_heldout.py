"""Writes data/reader_heldout.jsonl: paraphrases the prompt reader is never trained or tuned on.

Written once, before the reader was trained. Every attribute phrase here is made of words the
reader's training captions never use (`reader_captions.training_vocabulary`), and the sentence
templates are not the training ones; `tests/test_prompt_reader.py` checks both. Each row holds the
prompt, its labels (group -> value or "open") and the phrases it was made from.

    nice -n 15 .venv/bin/python scripts/make_reader_heldout.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from studio.engine.world.attributes import GROUPS, Attributes, is_valid  # noqa: E402

OUT = ROOT / "data" / "reader_heldout.jsonl"
SEED = 1818

COLOR = {"red": ["crimson", "scarlet", "cardinal", "carmine", "garnet"],
         "orange": ["tangerine", "apricot", "saffron", "mandarin", "persimmon"],
         "yellow": ["lemon", "canary", "daffodil", "buttercup", "dandelion"],
         "green": ["emerald", "lime", "jade", "shamrock", "clover"],
         "cyan": ["turquoise", "aqua", "aquamarine", "lagoon"],
         "blue": ["azure", "cobalt", "sapphire", "ultramarine"],
         "purple": ["lavender", "lilac", "plum", "eggplant"],
         "pink": ["rose", "fuchsia", "bubblegum", "rosy"],
         "white": ["snowy", "ivory", "milky", "alabaster"]}
SHAPE = {"circle": ["orb", "globe", "bead", "pellet", "roundel"],
         "square": ["dice", "quadrate", "squarish slab", "checker piece"],
         "triangle": ["pyramid", "wedge", "trigon", "yield sign"],
         "star": ["starburst", "pentagram", "sparkle", "asterisk"]}
SIZE = {"small": ["miniature", "teeny", "minuscule", "diminutive"],
        "medium": ["moderate", "ordinary", "regular", "intermediate"],
        "large": ["giant", "enormous", "gigantic", "colossal", "immense"]}
SPEED = {"slow": ["sluggishly", "leisurely", "lazily", "languidly"],
         "fast": ["swiftly", "speedily", "briskly", "hastily"]}
MOTION = {"left": ["coasting leftward", "gliding westward", "careening leftwards", "veering leftward"],
          "right": ["coasting rightward", "gliding eastward", "careening rightwards", "veering rightward"],
          "up": ["ascending", "climbing", "levitating upward", "elevating skyward"],
          "down": ["descending", "dropping", "plunging downward", "plummeting"],
          "bouncing": ["hopping", "leaping", "bounding", "skipping", "rebounding"],
          "orbiting": ["revolving about the hub", "looping around the center", "rotating around the midpoint",
                       "whirling about"],
          "growing": ["expanding", "swelling", "enlarging", "widening"],
          "shrinking": ["contracting", "dwindling", "shriveling", "diminishing"],
          "still": ["motionless", "stationary", "frozen in place", "immobile"]}
BACKGROUND = {"black": ["an ebony void", "a jet void", "an obsidian void"],
              "white": ["a blank page", "a blank sheet", "a snowfield"],
              "gray": ["a silver haze", "an ashen haze", "a slate haze"],
              "night": ["midnight", "the depths of midnight", "a nocturnal heaven"],
              "sky": ["a noonday heaven", "the open heavens", "a cloudless heaven"],
              "sunset": ["dusk", "twilight", "sundown"]}
TEMPLATES = [
    "picture {size} {color} {shape} {motion} {speed}, framed by {bg}",
    "{bg} hosts one {color} {shape}, {size}, {motion} {speed}",
    "i envision {size} {shape} tinted {color}, {speed} {motion}, amid {bg}",
    "imagine {bg} where {size} {color} {shape} keeps {motion} {speed}",
    "observe {color} {shape} {motion}",
    "{shape} tinted {color}, {motion} {speed}",
    "depict {size} {color} {shape} beneath {bg}",
]
STILL = {"{speed}": "", " {speed}": "", "{speed} ": "", ", {speed}": ""}


def _pick(rng, items):
    return items[int(rng.integers(len(items)))]


def row(a: Attributes, rng) -> dict:
    template = _pick(rng, TEMPLATES)
    phrases = {"color": _pick(rng, COLOR[a.color]), "shape": _pick(rng, SHAPE[a.shape]),
               "size": _pick(rng, SIZE[a.size]), "motion": _pick(rng, MOTION[a.motion]),
               "speed": _pick(rng, SPEED[a.speed]), "bg": _pick(rng, BACKGROUND[a.background])}
    text = template
    if a.motion == "still":
        for k, v in STILL.items():
            text = text.replace(k, v)
    text = text.format(**phrases).replace("  ", " ").strip()
    key = {g: "bg" if g == "background" else g for g in GROUPS}
    used = {g: "{" + key[g] + "}" in template and (g != "speed" or a.motion != "still") for g in GROUPS}
    labels = {g: (getattr(a, g) if used[g] else "open") for g in GROUPS}
    return {"text": text, "labels": labels, "template": template,
            "phrases": {g: phrases["bg" if g == "background" else g] for g in GROUPS if used[g]}}


def write_rows(out: Path, n: int, seed: int, make_row) -> None:
    """n rows from make_row(attributes, rng), for valid attributes drawn uniformly, to out (JSON lines)."""
    rng = np.random.default_rng(seed)
    rows = []
    while len(rows) < n:
        a = Attributes(**{g: _pick(rng, vals) for g, vals in GROUPS.items()})
        if is_valid(a):
            rows.append(make_row(a, rng))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    print(f"wrote {len(rows)} rows to {out}")


def main(n: int = 600) -> None:
    write_rows(OUT, n, SEED, row)


if __name__ == "__main__":
    main()
