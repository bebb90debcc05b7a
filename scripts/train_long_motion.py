"""Retrains a shipped shapes model's motion GRU on long paths (studio/engine/long_motion.py) and
writes the model with `long_motion` in its card's recipe.

    nice -n 10 .venv/bin/python scripts/train_long_motion.py --model models/shapes-vae --out models/shapes-vae --minutes 8

Only the GRU changes (h0, rnn, step); the model's layers, start head and content prior are kept.
Prints the torus path error against the world at 16, 64 and 600 frames before and after (an
evaluation seed the training never draws).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from studio.engine.long_motion import LongMotionConfig, path_error, to_torus, train_long_motion  # noqa: E402
from studio.engine.modelio import load_module, save_model  # noqa: E402

LENGTHS = (16, 64, 600)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--threads", type=int, default=1, help="torch threads (small ops: one is as fast, and never waits on a busy core)")
    for f in dataclasses.fields(LongMotionConfig):
        ap.add_argument(f"--{f.name}", type=type(f.default), default=f.default)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    cfg = LongMotionConfig(**{f.name: getattr(args, f.name) for f in dataclasses.fields(LongMotionConfig)})
    module, card, _ = load_module(args.model, "cpu")
    before = {n: path_error(module.decoder, n) for n in LENGTHS}
    print("path error before:", json.dumps(before), flush=True)
    decoder = to_torus(module.decoder)
    info = train_long_motion(decoder, cfg, log=lambda s: print(s, flush=True),
                             path_encoder=getattr(module, "path_encoder", None))
    after = {n: path_error(decoder, n) for n in LENGTHS}
    print("path error after:", json.dumps(after), flush=True)
    if module.family == "gan":
        module.generator_ema = decoder
    else:
        module.decoder = decoder
    module.cfg.decoder = decoder.cfg
    info.update(path_error_before={str(k): round(v, 5) for k, v in before.items()},
                path_error_after={str(k): round(v, 5) for k, v in after.items()},
                command="python scripts/train_long_motion.py " + " ".join(sys.argv[1:]))
    recipe = dict(card.get("recipe", {}), long_motion=info)
    keep = {k: v for k, v in card.items() if k not in ("format", "version", "family", "config", "recipe")}
    save_model(Path(args.out), module, {**keep, "recipe": recipe})
    print("wrote", args.out)


if __name__ == "__main__":
    main()
