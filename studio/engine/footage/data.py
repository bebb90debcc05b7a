"""Training and evaluation windows from a folder of footage.

Each video's last `HOLDOUT` of frames is kept for evaluation: training clips are cut only from the
frames before it, and `studio eval` measures reconstruction on clips cut only from after it.
Batch k of a run is a pure function of (seed, k), as for the shapes world.
"""
from __future__ import annotations

import numpy as np
import torch

from ..data import to_tensor
from .reading import FootageFolder

HOLDOUT = 0.2


def split(n: int, holdout: float = HOLDOUT) -> int:
    """The first held-out frame of a video of n frames."""
    return int(round(n * (1 - holdout)))


def windows(folder: FootageFolder, frames: int, stride: int, part: str) -> list[tuple[int, int]]:
    """(video, first frame) of every clip wholly inside the training part or the held-out part."""
    span = (frames - 1) * stride + 1
    out = []
    for vi, v in enumerate(folder.videos):
        cut = split(len(v.frames))
        lo, hi = (0, cut) if part == "train" else (cut, len(v.frames))
        out += [(vi, s) for s in range(lo, hi - span + 1, max(1, span // 4))]
    return out


class FootageWindows:
    labelled = False

    def __init__(self, folder: FootageFolder, seed: int, batch: int, frames: int, stride: int, text_encoder):
        self.folder, self.seed, self.batch, self.frames, self.stride = folder, seed, batch, frames, stride
        self.index = windows(folder, frames, stride, "train")
        if not self.index:
            need = (frames - 1) * stride + 1
            raise ValueError(f"no video in the folder has the {need} frames a clip needs in its first "
                             f"{round(100 * (1 - HOLDOUT))}% (the rest is kept for evaluation)")
        self.captions = sorted({v.caption for v in folder.videos})
        self.embeddings = dict(zip(self.captions, text_encoder.encode(self.captions)))

    def make(self, k: int) -> dict:
        rng = np.random.default_rng([self.seed, k])
        picks = [self.index[int(i)] for i in rng.integers(len(self.index), size=self.batch)]
        clips = np.stack([self.folder.clip(vi, s, self.frames, self.stride) for vi, s in picks])
        flip = rng.random(self.batch) < 0.5
        clips[flip] = clips[flip][:, :, :, ::-1]
        caps = [self.folder.videos[vi].caption for vi, _ in picks]
        text = torch.from_numpy(np.stack([self.embeddings[c] for c in caps]))
        return {"clip": to_tensor(np.ascontiguousarray(clips)), "text": text, "captions": caps}

    def held_out(self) -> list[tuple[str, np.ndarray]]:
        """(caption, uint8 frames) of every video's held-out part: its last HOLDOUT of frames."""
        return [(v.caption, v.frames[split(len(v.frames)):]) for v in self.folder.videos]
