"""Writes data/reader_heldout_v2.jsonl: a second list of paraphrases the prompt reader is never
trained or tuned on.

The first list (`make_reader_heldout.py`) is no longer clean for colour: its colour misses were
looked at while the colour-survey rule was written (docs/NOTES.md, session 4). This one was written
before the next retrain, and only its aggregate figures are read. Every attribute phrase is made of
words that neither the reader's training captions (`reader_captions.training_vocabulary`), nor the
first list, nor `studio eval`'s paraphrases (`world/paraphrases.py`) use; every template has its own
frame words and sentence shape (participial phrases, "X hued Y", the motion or the background first,
comma lists, apposition). `tests/test_prompt_reader.py` checks all of this. Each row holds the
prompt, its labels (group -> value or "open") and the phrases it was made from.

    nice -n 15 .venv/bin/python scripts/make_reader_heldout_v2.py
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_reader_heldout import _pick, write_rows  # noqa: E402

from studio.engine.world.attributes import GROUPS, Attributes  # noqa: E402

OUT = ROOT / "data" / "reader_heldout_v2.jsonl"
SEED = 2018

COLOR = {"red": ["vermilion", "cinnabar", "poppy", "rouge"],
         "orange": ["clementine", "marmalade", "papaya", "kumquat"],
         "yellow": ["citrine", "jonquil", "primrose", "sulphur"],
         "green": ["viridian", "malachite", "pistachio", "verdant"],
         "cyan": ["verdigris", "robin-egg", "caribbean"],
         "blue": ["lapis", "prussian", "blueberry", "bluebell"],
         "purple": ["wisteria", "aubergine", "damson"],
         "pink": ["peony", "candyfloss", "blossom"],
         "white": ["porcelain", "linen", "eggshell"]}
SHAPE = {"circle": ["gumball", "saucer", "medallion", "circlet"],
         "square": ["quadrilateral", "tessera", "carton"],
         "triangle": ["trilateral", "spearhead", "teepee"],
         "star": ["pentacle", "spangle", "starlike emblem"]}
SIZE = {"small": ["undersized", "lilliputian", "titchy"],
        "medium": ["midsize", "middleweight", "run-of-the-mill"],
        "large": ["hulking", "ginormous", "sizable", "towering"]}
SPEED = {"slow": ["ponderously", "lethargically", "sleepily", "torpidly"],
         "fast": ["nimbly", "posthaste", "headlong", "pell-mell"]}
MOTION = {"left": ["sidling westwards", "trundling leftwardly", "scuttling westerly"],
          "right": ["sidling eastwards", "trundling rightwardly", "scuttling easterly"],
          "up": ["surging aloft", "skyrocketing", "heaving heavenward", "upraising"],
          "down": ["nosediving", "cascading earthward", "dipping groundward", "sagging"],
          "bouncing": ["ricocheting", "prancing", "capering", "yo-yoing"],
          "orbiting": ["encircling the pivot", "gyrating about the axis", "whizzing about the nucleus"],
          "growing": ["mushrooming", "burgeoning", "dilating", "upsizing"],
          "shrinking": ["condensing", "downsizing", "lessening", "ebbing"],
          "still": ["inert", "anchored", "becalmed", "dormant"]}
BACKGROUND = {"black": ["a lightless abyss", "a sooty expanse", "a charcoal abyss"],
              "white": ["an empty whiteboard", "a bleached expanse", "a snowdrift"],
              "gray": ["a gunmetal murk", "a leaden murk", "a misty drizzle"],
              "night": ["a moonless firmament", "the witching hour", "a starlit vault"],
              "sky": ["the midday firmament", "a fair-weather vista", "a sunlit vista"],
              "sunset": ["the gloaming", "eventide"]}
TEMPLATES = [
    "behold a {size} {color} {shape}, {motion} {speed} amidst {bg}",
    "{motion} {speed} amidst {bg}: yonder {shape}, {size}, hued {color}",
    "kindly sketch a {shape} hued {color}, {size}, {motion} {speed}",
    "envisage {bg}; upon it, a {size} {color} {shape} {motion} {speed}",
    "portray: {color}, {shape}, {size}, {motion} {speed}, {bg}",
    "visualize a {shape} ({color} in hue) {motion} {speed} throughout",
    "my request: a {size} {shape}, the hue of {color}, {motion} {speed}, upon {bg}",
    "portray a {color} {shape} {motion} {speed} upon {bg}",
]
SLOT = re.compile(r"\{([a-z]+)\}")


def row(a: Attributes, rng) -> dict:
    template = _pick(rng, TEMPLATES)
    tables = {"color": COLOR, "shape": SHAPE, "size": SIZE, "motion": MOTION, "speed": SPEED, "bg": BACKGROUND}
    value = {**a.as_dict(), "bg": a.background}
    phrases = {k: _pick(rng, t[value[k]]) for k, t in tables.items()}
    if a.motion == "still":                                # nothing moves, so no speed is said
        phrases["speed"] = ""
    text = SLOT.sub(lambda m: phrases[m.group(1)], template)
    text = re.sub(r"\s+([,:;)])", r"\1", re.sub(r"\s+", " ", text)).strip()
    text = re.sub(r"\ba (?=[aeiou])", "an ", text)
    slots = set(SLOT.findall(template))
    said = {g: ("bg" if g == "background" else g) in slots and phrases["bg" if g == "background" else g] != ""
            for g in GROUPS}
    return {"text": text, "labels": {g: (getattr(a, g) if said[g] else "open") for g in GROUPS},
            "template": template,
            "phrases": {g: phrases["bg" if g == "background" else g] for g in GROUPS if said[g]}}


def main(n: int = 400) -> None:
    write_rows(OUT, n, SEED, row)


if __name__ == "__main__":
    main()
