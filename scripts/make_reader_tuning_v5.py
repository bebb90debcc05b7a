"""Writes data/reader_tuning_v5.jsonl: a second vocabulary probe for tuning the prompt reader, written in
session 11 for shapes and motions, which session 10's probe (v4) holds few of (7 shape and 19 motion words).
Its shape words are everyday objects and rare shape names, its motion words rarer verbs, written for it
(below); its colour words are v4's. As in v4, every word that a test list or studio eval's paraphrases use
(or that shares its first five letters with one) and every word the shipped reader trained on is dropped
(`make_reader_tuning_v4.vocabulary`), without printing which. It is a tuning list: its rows may be read and
decided on, so that the held-out lists stay clean. Some labels are arguable (an envelope or a television is
a rectangle, drawn as the world's square; a horn or a beak is pointed, drawn as a triangle).

Sentences: session 9's probe shapes plus three plain ones. An adverb of motion ("uphill") is said after
"going", which says nothing of the motion.

    nice -n 15 .venv/bin/python scripts/make_reader_tuning_v5.py
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_reader_tuning_v4 as V4  # noqa: E402
from make_reader_tuning_v3 import TEMPLATES  # noqa: E402

OUT = ROOT / "data" / "reader_tuning_v5.jsonl"
SEED = 2611
PLAIN = [
    "a {size} {color} {shape} {motion} {speed} on a {bg} background",
    "{color} {shape}, {motion}",
    "show me the {shape}, {size} and {color}, {motion} {speed}",
]
ADVERBS = ("uphill", "downhill", "leftish", "port", "westward", "eastward", "skyward", "aloft")

WORDS = {
    "shape": {
        "circle": "orb globe sphere bead pearl marble pellet coin medallion plate saucer wheel hoop ring bagel "
                  "donut doughnut pizza cookie biscuit pancake tortilla lens button dot spot bubble balloon moon "
                  "planet pea berry cherry grape olive oval ellipse disk disc roundel bauble puck globule droplet "
                  "blob token washer tyre tire rim halo porthole manhole gong cymbal tambourine dial frisbee "
                  "discus wreath loop spherule ringlet lollipop pebble cd record vinyl lid cap",
        "square": "block box cube crate brick tile dice die slab chest carton parcel package cabinet window pane "
                  "frame board chessboard checker panel sheet card envelope napkin handkerchief quilt cushion "
                  "pixel quad quadrate quadrangle rectangle oblong tablet plaque plank wafer cracker toast "
                  "sandwich locker safe vault container bin suitcase trunk cage television screen monitor stamp "
                  "sticker canvas waffle cuboid bale",
        "triangle": "wedge pyramid cone prism delta arrowhead spearhead pennant sail tent teepee tepee gable roof "
                    "slice nacho samosa funnel horn spike fang fin beak thorn trigon tricorn ramp peak mountain "
                    "volcano spire steeple arrow chevron dart trowel triangular",
        "star": "asterisk starfish sparkle twinkle starburst pentagram pentacle hexagram snowflake badge spark "
                "glint glimmer nova supernova shuriken sunburst rosette firework sparkler",
    },
    "motion": {
        "up": "ascending rising climbing soaring levitating lifting elevating rocketing surging mounting scaling "
              "escalating clambering hoisting upward upwards skyward aloft uphill",
        "down": "descending sinking plummeting plunging dropping falling tumbling diving nosediving cascading "
                "toppling slumping sagging drooping settling subsiding dipping swooping parachuting dripping "
                "trickling downward downwards downhill",
        "left": "westward leftward leftwards port sidling leftish",
        "right": "eastward rightward rightwards starboard",
        "bouncing": "hopping bouncing bobbing jouncing rebounding ricocheting skipping springing leaping jumping "
                    "vaulting boinging pogoing jiggling dribbling bounding capering gambolling frolicking bumping",
        "orbiting": "circling orbiting revolving whirling swirling looping gyrating circulating wheeling twirling "
                    "pirouetting corkscrewing eddying spiralling spiraling",
        "growing": "swelling expanding inflating enlarging ballooning bloating widening magnifying blossoming "
                   "bulging mushrooming dilating distending waxing growing",
        "shrinking": "shrinking dwindling contracting deflating diminishing waning compressing shrivelling "
                     "shriveling withering receding condensing tapering constricting collapsing",
        "still": "idle resting pausing frozen halted stopped lingering loitering standing staying sitting "
                 "hovering dormant motionless stationary inert immobile parked poised static unmoving becalmed "
                 "stagnant",
    },
}


def vocabulary() -> dict:
    """group -> value -> the words (v4's colours, the shapes and motions above) that no test list uses and the
    shipped reader never trained on."""
    words = {"color": V4.WORDS["color"], **WORDS}
    saved, V4.WORDS = V4.WORDS, words
    try:
        return V4.vocabulary()
    finally:
        V4.WORDS = saved


def main() -> None:
    V4.write(vocabulary(), OUT, SEED, TEMPLATES + PLAIN,
             motion=lambda phrase: "going " + phrase if phrase in ADVERBS else phrase)


if __name__ == "__main__":
    main()
