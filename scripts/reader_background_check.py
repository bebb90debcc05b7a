"""Background words no reader trains on: WordNet's (the lexicon's background group, built but not
written, see `build_reader_lexicon.UNUSED_GROUPS`), read in three sentences each by one or more
readers; per background, how many read right.

    OMP_NUM_THREADS=2 .venv/bin/python scripts/reader_background_check.py models/prompt-reader [DIR ...]
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import build_reader_lexicon as B  # noqa: E402

from studio.engine.text import reader as R  # noqa: E402

SENTENCES = ["a red ball moving left on a {} background", "a small blue square bouncing, {} behind it",
             "a green star at {}, drifting right"]


def background_words() -> dict[str, list[str]]:
    lex = B.build(unused=())
    return {v: lex["train"]["background"][v] + lex["dev"]["background"][v] for v in lex["train"]["background"]}


def main() -> None:
    words = background_words()
    rows = [(v, s.format(w)) for v, ws in words.items() for w in ws for s in SENTENCES]
    for folder in sys.argv[1:]:
        got = R.PromptReader(Path(folder)).read_many([t for _, t in rows])
        per: dict[str, list[bool]] = {}
        for g, (v, _) in zip(got, rows):
            per.setdefault(v, []).append((g.values["background"] or "open") == v)
        right = sum(sum(x) for x in per.values())
        print(folder, f"{right}/{len(rows)} =", f"{right / len(rows):.1%};",
              ", ".join(f"{v} {sum(x)}/{len(x)}" for v, x in per.items()))


if __name__ == "__main__":
    main()
