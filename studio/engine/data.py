"""Training batches of the shapes world (rendered on the fly); footage batches are in footage/data.py."""
from __future__ import annotations

import queue
import threading

import numpy as np
import torch

from .conditioning import attribute_vector
from .models.layered import SPRITE_DIAMETER
from .text.parser import PromptParser
from dataclasses import dataclass
from functools import lru_cache

from .world.attributes import COLORS, GROUPS
from .world.painter import RES, background, object_alpha, trajectory
from .world.sampler import random_attributes
from .world.sampler import sample


def to_tensor(clips: np.ndarray) -> torch.Tensor:
    """uint8 (B,T,H,W,3) -> float (B,T,3,H,W) in [0,1]."""
    return torch.from_numpy(clips).permute(0, 1, 4, 2, 3).float().div_(255)


@lru_cache(maxsize=None)
def _sprite(shape: str) -> np.ndarray:
    """The renderer's object at the decoder's canonical placement: diameter 24 in a 32x32 sprite."""
    return object_alpha(shape, 16.0, 16.0, SPRITE_DIAMETER, res=32)


@lru_cache(maxsize=None)
def _background(name: str) -> np.ndarray:
    return np.ascontiguousarray(background(name).transpose(2, 0, 1))


class ShapesBatches:
    """Batch k of a run is a pure function of (seed, k): runs and resumes reproduce exactly."""

    labelled = True

    def __init__(self, seed: int, batch: int, frames: int, parser: PromptParser | None = None, paths: bool = True):
        self.seed, self.batch, self.frames, self.with_paths = seed, batch, frames, paths
        self.parser = parser or PromptParser()

    def make(self, k: int) -> dict:
        exs = [sample(self.seed * 1_000_003 + k * self.batch + i, self.frames) for i in range(self.batch)]
        conds = torch.stack([attribute_vector(self.parser.parse(e.caption).values) for e in exs])
        states = np.stack([np.stack([e.trajectory.cx / (RES / 2) - 1, e.trajectory.cy / (RES / 2) - 1,
                                     np.log(e.trajectory.diameter / SPRITE_DIAMETER)], 1) for e in exs])
        labels = {"attributes": {g: torch.tensor([GROUPS[g].index(getattr(e.attributes, g)) for e in exs])
                                 for g in GROUPS},
                  "states": torch.from_numpy(states).float(),
                  "sprite": torch.from_numpy(np.stack([_sprite(e.attributes.shape) for e in exs]))[:, None],
                  "background": torch.from_numpy(np.stack([_background(e.attributes.background) for e in exs])),
                  "color": torch.tensor([COLORS[e.attributes.color] for e in exs], dtype=torch.float32) / 255}
        if self.with_paths:
            labels["path_cond"], labels["paths"] = self.paths(k)
        return {"clip": to_tensor(np.stack([e.clip for e in exs])), "cond": conds, "text": None,
                "labels": labels, "captions": [e.caption for e in exs]}

    def paths(self, k: int, n: int = 256, free: float = 0.0):
        """Many labelled object paths without pixels: cheap supervision for the motion path. A
        fraction `free` of them start anywhere on the canvas (see `trajectory`)."""
        rng = np.random.default_rng([self.seed, k, 5])
        attrs = [random_attributes(rng) for _ in range(n)]
        trajs = [trajectory(a, self.frames, rng, free_start=i < free * n) for i, a in enumerate(attrs)]
        states = np.stack([np.stack([t.cx / (RES / 2) - 1, t.cy / (RES / 2) - 1, np.log(t.diameter / SPRITE_DIAMETER)], 1)
                           for t in trajs])
        return torch.stack([attribute_vector(a.as_dict()) for a in attrs]), torch.from_numpy(states).float()


@dataclass
class _Failed:
    error: BaseException


class Prefetch:
    """Builds the next batches on a helper thread (rendering releases the GIL in OpenCV/numpy)."""

    def __init__(self, source, start: int, depth: int = 2):
        self.source, self.k = source, start
        self.q: queue.Queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        k = self.k
        while not self._stop.is_set():
            try:
                item = self.source.make(k)
            except BaseException as e:             # noqa: BLE001 - handed to the trainer, raised there
                item = _Failed(e)
            while not self._stop.is_set():
                try:
                    self.q.put(item, timeout=0.2)
                    break
                except queue.Full:
                    continue
            k += 1

    def next(self) -> dict:
        """The next batch; an error raised while building it is raised here (before, the helper
        died with it and the trainer waited on the queue for ever)."""
        item = self.q.get()
        if isinstance(item, _Failed):
            self._stop.set()
            raise item.error
        return item

    def close(self, timeout: float = 60.0):
        """Stops the helper and waits for the batch it is building: a daemon thread still inside
        torch or OpenCV when the interpreter exits aborts the process (SIGABRT), which is how a
        torchrun worker that finishes before rank 0 used to die."""
        self._stop.set()
        self.thread.join(timeout)
