"""Sample strips of a footage model for docs/: for each training video, a row of its held-out
frames, a row of the model's reconstructions of them, and a row of a clip generated from the
video's caption (frames 0 to 10x the training length).

    python scripts/footage_strips.py --model footage-vae --out docs/footage_samples.png
"""
from __future__ import annotations

import argparse

import cv2
import numpy as np

from studio.engine import load_model
from studio.engine.footage.data import split
from studio.engine.footage.evaluate import data_folder
from studio.engine.footage.reading import read_folder

COLS = 8


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="footage-vae")
    ap.add_argument("--data", default=None)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    m = load_model(args.model, "cpu")
    folder = read_folder(data_folder(m, args.data), m.resolution)
    long = m.default_frames * 10
    rows = []
    for v in folder.videos:
        held = v.frames[split(len(v.frames)):]
        real = held[np.linspace(0, len(held) - 1, COLS).round().astype(int)]
        gen = m.generate(v.caption, seed=args.seed, frames=long)
        rows += [np.concatenate(list(real), 1), np.concatenate(list(m.reconstruct(real)), 1),
                 np.concatenate(list(gen[np.linspace(0, long - 1, COLS).round().astype(int)]), 1)]
        rows.append(np.full((4, rows[-1].shape[1], 3), 255, np.uint8))
    cv2.imwrite(args.out, np.concatenate(rows[:-1], 0)[..., ::-1])
    print(f"wrote {args.out}: per video, held-out frames / reconstructions / generated frames 0..{long - 1}")


if __name__ == "__main__":
    main()
