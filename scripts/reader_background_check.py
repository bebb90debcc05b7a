"""WordNet's background words (the lexicon's background group), read in three sentences each by one
or more readers; per background, how many read right. By default its dev words, which no reader
trains on; with --all, its training words too (the shipped reader trains on none of them).

    OMP_NUM_THREADS=2 .venv/bin/python scripts/reader_background_check.py [--all] models/prompt-reader [DIR ...]
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from studio.engine.text import reader as R  # noqa: E402
from studio.engine.text import reader_words as W  # noqa: E402

SENTENCES = ["a red ball moving left on a {} background", "a small blue square bouncing, {} behind it",
             "a green star at {}, drifting right"]


def background_words(everything: bool = False) -> dict[str, list[str]]:
    dev = W.lexicon("dev")["background"]
    train = W.lexicon("train")["background"] if everything else {}
    return {v: train.get(v, []) + dev[v] for v in dev if train.get(v) or dev[v]}


def main() -> None:
    everything = "--all" in sys.argv
    words = background_words(everything)
    rows = [(v, s.format(w)) for v, ws in words.items() for w in ws for s in SENTENCES]
    for folder in [a for a in sys.argv[1:] if a != "--all"]:
        got = R.PromptReader(Path(folder)).read_many([t for _, t in rows])
        per: dict[str, list[bool]] = {}
        for g, (v, _) in zip(got, rows):
            per.setdefault(v, []).append((g.values["background"] or "open") == v)
        right = sum(sum(x) for x in per.values())
        print(folder, f"{right}/{len(rows)} =", f"{right / len(rows):.1%};",
              ", ".join(f"{v} {sum(x)}/{len(x)}" for v, x in per.items()))


if __name__ == "__main__":
    main()
