"""How much of what the tuning probes ask the app's own knowledge holds, word by word: for each never-seen colour
word of data/reader_tuning_v4.jsonl, each shape word of data/reader_tuning_v5.jsonl and each motion word of both
(tuning lists, never test lists), whether the colour lists name its colour (`palette_color`, with the larger lists), whether its first two
WordNet definitions name the value with a plain shape or colour word (a hand-written keyword list, below), and
whether MiniLM, asked without the reader ("a {word}: {definitions}" against "a round circle", "a red thing"...),
is nearest the right value; and whether the parser reads it right, alone in a plain prompt ("a {word} ball", "a
red {word}", "a red ball {word}"). The union is what an ideal reader of these three sources could get right on these
words, if it always knew which source to trust.

    OMP_NUM_THREADS=2 .venv/bin/python scripts/knowledge_ceiling.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from studio.engine.text.parser import DEFINITION_WORDS  # noqa: E402

KEYWORDS = {**DEFINITION_WORDS,          # the parser's plain shape and motion words; colour words only here
            "color": {"red": "red scarlet crimson blood", "orange": "orange", "yellow": "yellow golden gold lemon",
                      "green": "green", "cyan": "cyan turquoise teal", "blue": "blue", "purple": "purple violet",
                      "pink": "pink rose", "white": "white snow milk pale"}}
PROMPTS = {"shape": ["a round circle", "a square box", "a pointed triangle", "a star"],
           "color": ["a {} thing"], "motion": ["moving up", "moving down", "moving left", "moving right",
                                               "bouncing", "going round in circles", "growing bigger",
                                               "shrinking", "staying still"]}


def words_of(probes: list[str], group: str) -> list[tuple[str, str]]:
    rows = [json.loads(ln) for p in probes for ln in (ROOT / "data" / p).read_text().splitlines() if ln]
    return sorted({(r["phrases"][group].removeprefix("going "), r["labels"][group]) for r in rows
                   if group in r["phrases"]})


def main() -> None:
    from studio.engine.text.color_names import palette_color
    from studio.engine.text.encoder import TextEncoder
    from studio.engine.text.parser import PromptParser, definition_text, named_in_definitions
    enc, parser = TextEncoder(), PromptParser()
    report = {}
    v4, v5 = "reader_tuning_v4.jsonl", "reader_tuning_v5.jsonl"
    for group, probes, frame in (("color", [v4], "a {} ball"), ("shape", [v5], "a red {}"),
                                 ("motion", [v4, v5], "a red ball {}")):
        pairs = words_of(probes, group)
        values = list(KEYWORDS[group])
        defs = {w: definition_text(w) for w, _ in pairs}
        said = {w: named_in_definitions(w, KEYWORDS[group]) for w, _ in pairs}
        protos = [PROMPTS[group][0].format(v) for v in values] if group == "color" else PROMPTS[group]
        P = enc.encode(protos)
        P /= np.linalg.norm(P, axis=1, keepdims=True)
        E = enc.encode([f"a {w}: {defs[w]}" if defs[w] else f"a {w}" for w, _ in pairs])
        E /= np.linalg.norm(E, axis=1, keepdims=True)
        minilm = {w: values[int(i)] for (w, _), i in zip(pairs, (E @ P.T).argmax(1))}
        got = {w: p.values[group] for (w, _), p in zip(pairs, parser.parse_many([frame.format(w) for w, _ in pairs]))}
        rows = {}
        for w, v in pairs:
            rows[w] = {"label": v, "lists": group == "color" and palette_color(w, more=True) == v,
                       "definitions": said[w] == [v], "minilm": minilm[w] == v, "parser": got[w] == v}
        n = len(rows)
        share = {k: round(100 * sum(r[k] for r in rows.values()) / n, 1)
                 for k in ("lists", "definitions", "minilm", "parser")}
        share["any source"] = round(100 * sum(r["lists"] or r["definitions"] or r["minilm"] or r["parser"]
                                              for r in rows.values()) / n, 1)
        share["lists or definitions"] = round(100 * sum(r["lists"] or r["definitions"] for r in rows.values()) / n, 1)
        report[group] = {"words": n, "percent": share}
        print(group, n, "words:", share, flush=True)
    if "--json" in sys.argv:
        Path(sys.argv[sys.argv.index("--json") + 1]).write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
