"""The tuning figures of one or more readers, read from the text alone (no render): session 9's
sentence-shape probe (data/reader_tuning_v3.jsonl, the reader's own words in new sentence shapes),
session 10's vocabulary probe (data/reader_tuning_v4.jsonl, never-seen words in those shapes), session
11's shapes-and-motions probe (data/reader_tuning_v5.jsonl, never-seen everyday objects and rarer verbs),
the lexicon's dev words in those shapes (new words in new shapes, through the parser), and the dev
words in the training sentence shapes (the reader alone). None is a test list: decisions are made
on these, so that the held-out lists stay clean. With --misses, prints each reader's misses on the
probe. With --json FILE, writes the figures of the (last) reader there too.

    OMP_NUM_THREADS=2 .venv/bin/python scripts/reader_tuning_check.py [--misses] [--json F] models/prompt-reader [DIR ...]
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from studio.engine.text.parser import PromptParser  # noqa: E402
from studio.engine.text.reader import PromptReader  # noqa: E402
from studio.engine.world.attributes import GROUPS  # noqa: E402

PROBE = ROOT / "data" / "reader_tuning_v3.jsonl"
VOCABULARY_PROBE = ROOT / "data" / "reader_tuning_v4.jsonl"
OBJECT_PROBE = ROOT / "data" / "reader_tuning_v5.jsonl"


def probe(parser: PromptParser, misses: bool = False, path: Path = PROBE) -> dict:
    rows = [json.loads(ln) for ln in path.read_text(encoding="utf-8").splitlines() if ln]
    got = parser.parse_many([r["text"] for r in rows])
    hits = {g: [] for g in GROUPS}
    for r, p in zip(rows, got):
        wrong = {}
        for g in GROUPS:
            if r["labels"][g] != "open":
                hits[g].append(p.values[g] == r["labels"][g])
                if not hits[g][-1]:
                    wrong[g] = f"{r['labels'][g]}->{p.values[g]}"
        if misses and wrong:
            print("   ", r["text"], wrong)
    return {g: round(100 * float(np.mean(v)), 1) for g, v in hits.items()}


def dev_in_shapes(parser: PromptParser, n: int = 600) -> dict:
    """Colour, shape and motion of prompts made of the lexicon's dev words (never trained on) in the probe's
    sentence shapes, read through the parser."""
    from make_reader_heldout import _pick
    from make_reader_tuning_v3 import TEMPLATES, fill
    from studio.engine.text import reader_words as W
    dev = W.lexicon("dev")
    rng = np.random.default_rng(8)
    rows = []
    for _ in range(n):
        lab = {g: _pick(rng, [v for v in dev[g] if dev[g][v]]) for g in ("color", "shape", "motion")}
        ph = {g: _pick(rng, dev[g][lab[g]]) for g in lab}
        rows.append((fill(_pick(rng, TEMPLATES), {**ph, "size": "", "speed": "", "bg": "plain"}), lab))
    got = parser.parse_many([t for t, _ in rows])
    return {g: round(100 * float(np.mean([p.values[g] == lab[g] for p, (_, lab) in zip(got, rows)])), 1)
            for g in ("color", "shape", "motion")}


def main() -> None:
    from train_prompt_reader import dev_words
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("folders", nargs="+")
    ap.add_argument("--misses", action="store_true")
    ap.add_argument("--json", help="write the figures of the (last) reader to this file")
    args = ap.parse_args()
    show, out = args.misses, args.json
    for folder in args.folders:
        reader = PromptReader(Path(folder))
        parser = PromptParser(reader=reader)
        p = probe(parser, show)
        v = probe(parser, False, VOCABULARY_PROBE)
        o = probe(parser, False, OBJECT_PROBE)
        s = dev_in_shapes(parser)
        d = dev_words(reader)
        print(folder, "probe:", " ".join(f"{g} {x}" for g, x in p.items()),
              "| vocabulary probe:", " ".join(f"{g} {v[g]}" for g in ("color", "shape", "motion")),
              "| objects probe:", " ".join(f"{g} {o[g]}" for g in ("color", "shape", "motion")),
              "| dev words in its shapes:", " ".join(f"{g} {x}" for g, x in s.items()), "| dev:",
              " ".join(f"{g} {100 * d[g]:.1f}" for g in ("color", "shape", "motion", "all")), flush=True)
        if out:
            keep = ("color", "shape", "motion")
            Path(out).write_text(json.dumps({"probe": p, "vocab_probe": {g: v[g] for g in keep},
                                             "objects_probe": {g: o[g] for g in keep}, "dev_in_shapes": s}, indent=1))


if __name__ == "__main__":
    main()
