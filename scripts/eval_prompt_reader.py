"""Prompt reading, end to end: generate from each prompt and read the clip with the project's analyzer.

    nice -n 15 .venv/bin/python scripts/eval_prompt_reader.py [--model shapes-vae] [--per-group 108]
        [--reader DIR]

Groups: the reader's held-out lists (data/reader_heldout.jsonl and the second one,
data/reader_heldout_v2.jsonl: colour / shape / motion of the clip against the row's labels,
attributes the row leaves open not scored), and `studio eval`'s own training / paraphrase /
held-out-paraphrase groups (`evaluate.prompt_group`, same seeds). Set STUDIO_ROOT to measure another
checkout (the parser before the reader, for instance); --reader reads the prompts with the reader
in DIR instead of the shipped one (a retrained reader before it is shipped).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(os.environ.get("STUDIO_ROOT") or Path(__file__).resolve().parents[1])
sys.path.insert(0, str(ROOT))

from studio.engine import load_model  # noqa: E402
from studio.engine.analyze import read_clip  # noqa: E402
from studio.engine.evaluate import prompt_group  # noqa: E402
from studio.engine.world.captions import caption  # noqa: E402
from studio.engine.world.paraphrases import paraphrase  # noqa: E402

HELDOUT = Path(__file__).resolve().parents[1] / "data" / "reader_heldout.jsonl"
HELDOUT_V2 = HELDOUT.with_name("reader_heldout_v2.jsonl")


def heldout_list(model, n: int, path: Path = HELDOUT) -> dict:
    rows = [json.loads(ln) for ln in path.read_text().splitlines() if ln][:n]
    hits = {g: [] for g in ("color", "shape", "motion")}
    text_hits = {g: [] for g in ("color", "shape", "motion")}
    for i, r in enumerate(rows):
        parsed = model.parse(r["text"]).values
        plan = model.plan(r["text"], i, 16)
        reading = read_clip(model.render(plan))
        for g in hits:           # the analyzer reads no outline on a small object: its shape is not scored
            if r["labels"][g] != "open" and not (g == "shape" and plan.values["size"] == "small"):
                hits[g].append(getattr(reading, g) == r["labels"][g])
            if r["labels"][g] != "open":
                text_hits[g].append(parsed[g] == r["labels"][g])
    return {"clip": {g: round(float(np.mean(v)), 4) for g, v in hits.items()},
            "text": {g: round(float(np.mean(v)), 4) for g, v in text_hits.items()}, "n": len(rows)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="shapes-vae")
    ap.add_argument("--per-group", type=int, default=108)
    ap.add_argument("--heldout", type=int, default=600)
    ap.add_argument("--reader", help="a prompt-reader folder to read with instead of the shipped one")
    ap.add_argument("--no-v2", action="store_true", help="leave out the second held-out list (it is read once, "
                    "for the reader that is shipped, so that its figure stays clean)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    model = load_model(args.model, "cpu")
    out = {"root": str(ROOT), "model": args.model, "per_group": args.per_group}
    if args.reader:
        from studio.engine.text.parser import PromptParser
        from studio.engine.text.reader import PromptReader
        model.parser = PromptParser(reader=PromptReader(Path(args.reader)))
        out["reader"] = args.reader
    out["reader_heldout_list"] = heldout_list(model, args.heldout)
    if not args.no_v2:
        out["reader_heldout_v2"] = heldout_list(model, args.heldout, HELDOUT_V2)
    out["training"], _ = prompt_group(model, caption, args.per_group, 1)
    out["paraphrase"], _ = prompt_group(model, paraphrase, args.per_group, 2)
    out["held_out_paraphrase"], _ = prompt_group(model, paraphrase, args.per_group, 4, held_out=True)
    out["seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
