"""Writes data/reader_tuning_v4.jsonl: a vocabulary probe for tuning the prompt reader, written in
session 10. Its words are everyday and rare colour, shape and motion words written for it (below),
less every word that a test list or studio eval's paraphrases use (and every word sharing its first
five letters with one: `build_reader_lexicon.held_out_words`), and less the shipped reader's training
words. So each of its colour, shape and motion phrases is a word the reader never saw, as in the
held-out lists, but it is a tuning list: its rows may be read and decided on, so that the held-out
lists stay clean. Its sentences are session 9's probe shapes (`make_reader_tuning_v3.TEMPLATES`);
size, speed and background are the reader's own words.

Each row holds the prompt, its labels (group -> value or "open"), its template and phrases.

    nice -n 15 .venv/bin/python scripts/make_reader_tuning_v4.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_reader_lexicon import held_out_words  # noqa: E402
from make_reader_heldout import _pick  # noqa: E402
from make_reader_tuning_v3 import TEMPLATES, probe_row  # noqa: E402

OUT = ROOT / "data" / "reader_tuning_v4.jsonl"
SEED = 2610

WORDS = {
    "color": {
        "red": "oxblood claret cinnabar carnelian sanguine ruby garnet crimson cardinal brick poppy cherry "
               "strawberry tomato lobster ketchup ladybug rosewood madder burgundy firebrick rubicund ruddy "
               "cochineal alizarin pimento paprika chili cayenne radish pomegranate lipstick rowan",
        "orange": "tangerine apricot pumpkin marigold amber saffron papaya carrot persimmon clementine mandarin "
                  "cantaloupe copper rust tawny kumquat nectarine ginger marmalade mango ember flame bronze yam "
                  "koi goldfish sherbet satsuma rufous",
        "yellow": "canary lemon mustard banana butter daffodil sunflower buttercup gold golden honey straw citrine "
                  "maize flaxen jonquil primrose custard dandelion sulphur yolk lemony sallow citron sunshine brass "
                  "brassy corn cornsilk wheat blond blonde bumblebee goldenrod mimosa quince",
        "green": "emerald jade olive lime moss sage chartreuse pistachio mint fern shamrock clover verdant leafy "
                 "grassy avocado malachite viridian pea celadon kelly spinach cucumber basil verdure greenery "
                 "lettuce kale broccoli cactus frog lizard jungle pine spruce ivy algae pickle gherkin kiwi lichen",
        "cyan": "teal turquoise aqua aquamarine seafoam peacock lagoon cyanine verdigris robin mermaid",
        "blue": "sapphire cobalt navy ultramarine azure cerulean denim cornflower royal lapis bluebell midnight "
                "blueberry ocean marine bluebird jay slate admiral delft prussian larkspur hyacinth",
        "purple": "violet lavender lilac plum mauve amethyst eggplant aubergine grape orchid heather mulberry "
                  "byzantium damson wisteria iris amaranth puce boysenberry blackberry beetroot fig prune raisin "
                  "thistle crocus clematis violaceous",
        "pink": "rose blush salmon coral fuchsia magenta flamingo bubblegum carnation peony raspberry watermelon "
                "rosy cerise shrimp roseate pinkish candyfloss piglet rhubarb hibiscus azalea petunia "
                "bougainvillea blossom",
        "white": "ivory snow snowy pearl milky chalk alabaster cream bone eggshell linen porcelain frost pearly "
                 "chalky whitish hoary argent snowdrop lily swan dove cloud cotton paper marble sugar salt milk "
                 "vanilla lace",
    },
    "shape": {
        "circle": "orb globe sphere bead marble coin disc wheel ring hoop bubble pellet dot blob button puck "
                  "plate pizza round roundel",
        "square": "box cube block tile crate brick die dice quadrilateral tablet slab cushion waffle cracker "
                  "stamp envelope pane checker",
        "triangle": "wedge pyramid cone arrowhead pennant delta spearhead tent nacho sail prism trigon "
                    "triangular wedgelike",
        "star": "asterisk starfish pentagram sparkle snowflake starburst rowel spark twinkle starry",
    },
    "motion": {
        "up": "soaring levitating rocketing climbing hoisting elevating surfacing mounting skyrocketing lofting "
              "upswinging uplifting ascending rising",
        "down": "plummeting sinking tumbling plunging dropping subsiding cascading sagging drooping nosediving "
                "diving settling slumping toppling parachuting descending",
        "bouncing": "bobbing hopping jouncing springing rebounding ricocheting pogoing trampolining bounding "
                    "leaping skipping dribbling boinging vaulting jumping",
        "orbiting": "circling revolving gyrating spiralling looping wheeling rotating swirling whirling "
                    "circumnavigating pirouetting twirling",
        "growing": "expanding swelling inflating ballooning enlarging magnifying widening bloating dilating "
                   "burgeoning mushrooming puffing amplifying waxing",
        "shrinking": "contracting deflating dwindling diminishing shriveling waning compressing receding "
                     "condensing withering shrivelling narrowing evaporating fading",
        "still": "motionless stationary frozen resting parked idle unmoving static immobile inert dormant sitting "
                 "lounging loafing perched anchored",
    },
}


def vocabulary() -> dict:
    """group -> value -> the words above that no test list uses and the shipped reader never trained on."""
    from studio.engine.text.reader import FOLDER
    known = set(json.loads((FOLDER / "model.json").read_text(encoding="utf-8")).get("training_words", []))
    held = held_out_words()
    prefixes = {w[:5] for w in held if len(w) >= 5}
    return {g: {v: [w for w in ws.split() if w not in held and w[:5] not in prefixes and w not in known]
                for v, ws in vals.items()} for g, vals in WORDS.items()}


def write(vocab: dict, out: Path, seed: int, templates: list, n: int = 600, motion=lambda phrase: phrase) -> None:
    """Writes n probe rows: colour, shape and motion phrases from `vocab` (`motion` may reword a motion phrase),
    size, speed and background the reader's own words, in `templates`."""
    from studio.engine.text import reader_words as W
    rng = np.random.default_rng(seed)
    own = {"size": W.SIZE, "speed": W.SPEED, "bg": W.BACKGROUND}
    rows = []
    while len(rows) < n:
        values = {g: _pick(rng, [v for v, ws in vocab[g].items() if ws]) for g in vocab}
        values |= {g: _pick(rng, list(getattr(W, g.upper()))) for g in ("size", "speed", "background")}
        template = _pick(rng, templates)
        phrases = {g: _pick(rng, vocab[g][values[g]]) for g in vocab}
        phrases["motion"] = motion(phrases["motion"])
        phrases |= {k: _pick(rng, b[values["background" if k == "bg" else k]]) for k, b in own.items()}
        rows.append(probe_row(template, values, phrases))
    out.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    counts = {g: {v: len(ws) for v, ws in vals.items()} for g, vals in vocab.items()}
    print(f"wrote {len(rows)} rows to {out}; words kept per value: {counts}")


def main() -> None:
    write(vocabulary(), OUT, SEED, TEMPLATES)


if __name__ == "__main__":
    main()
