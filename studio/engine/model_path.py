"""The object's path for long, keyframed and looping clips, run by the motion model itself.

For a model whose motion GRU reads the canvas as a torus and was trained on long paths
(`long_motion.py`, card key `long_motion`), every frame of the path comes from the GRU:
- a speed key changes the conditioning the GRU reads from that frame on;
- size and seed keys move the path's anchor: the start head evaluated on each frame's latent gives
  the centre (from frame 0's motion embedding with that frame's content code) and the log-scale;
  their change from frame 0 is added to the path, as for the formula (`motion_path.py`). The GRU
  keeps frame 0's size, so the object grows with its key and not twice;
- a loop plays the model's own path retimed: the rate (0.5x to 4x) at which its path over the
  clip comes back to where it started (on the torus), found by search, then whatever gap is left
  is spread over the clip. A growing or shrinking loop (the world's growth stops at a limit, so
  there is no period to find) plays the path forward for half the clip and back for the other
  half. Both are rules on top of the model's path, and the README says so.
"""
from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import torch

from .layered_groups import group_slices
from .motion_path import anchors, wrap

RATES = np.exp(np.linspace(np.log(0.5), np.log(4.0), 241))     # loop retiming rates searched
RATE_COST = 0.02                                                # closure error units per unit of |log rate|


def _at(path: np.ndarray, tau: np.ndarray) -> np.ndarray:
    """States at fractional frame times (linear between the model's frames; centres unwrapped)."""
    i0 = np.clip(np.floor(tau).astype(int), 0, len(path) - 2)
    w = (tau - i0)[:, None]
    return path[i0] * (1 - w) + path[i0 + 1] * w


def loop_path(path: np.ndarray, frames: int, growth: bool) -> np.ndarray:
    """(frames, 3) states that close into a loop, from the model's `path` (at least 4x frames + 1
    long, centres not wrapped)."""
    if growth:
        half = frames / 2.0
        t = np.arange(frames, dtype=np.float64)
        tau = np.where(t <= half, t, frames - t)
        return _at(path, tau)
    ends = np.stack([_at(path, np.array([r * frames]))[0] for r in RATES])
    gap = np.abs(wrap(ends - path[0])).sum(1)
    rate = float(RATES[int(np.argmin(gap + RATE_COST * np.abs(np.log(RATES))))])
    tau = rate * np.arange(frames + 1, dtype=np.float64)
    states = _at(path, tau)
    left = wrap(states[-1:] - states[:1])[0]                  # what is left to close, spread over the clip
    states = states - (np.arange(frames + 1)[:, None] / frames) * left[None]
    return states[:frames]


@contextmanager
def one_thread():
    """A batch of one through hundreds of GRU steps runs on one thread: at 2 threads each step
    waits on the other (0.19 ms a step on one thread, several ms on two when the cores are busy)."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(n)


@torch.inference_mode()
def model_path(decoder, cond_t: torch.Tensor, zc_t: torch.Tensor, text, motion: str | None, loop: bool,
               start=None) -> torch.Tensor:
    """(1, T, 3) object states for per-frame latents (cond_t, zc_t: (T, ·)), centres wrapped to the canvas."""
    T = cond_t.shape[0]
    a, b = group_slices()["size"]
    steps = cond_t.clone()
    steps[:, a:b] = cond_t[:1, a:b]                              # size moves the anchor, not the GRU
    run = 4 * T + 1 if loop else T
    if run > T:
        steps = torch.cat([steps, steps[-1:].expand(run - T, -1)])
    zm = torch.zeros(1, run, decoder.cfg.z_motion, device=cond_t.device)
    st = None if start is None else start[None]
    with one_thread():
        path = decoder.path(cond_t[:1], zc_t[:1], zm, text, st, steps_cond=steps[None])[0].double().cpu().numpy()
    if loop:
        path = loop_path(path, T, motion in ("growing", "shrinking"))
    anchor = anchors(decoder, cond_t, zc_t, text).double().cpu().numpy()
    states = wrap(path + (anchor - anchor[:1]))
    return torch.from_numpy(states).float()[None].to(cond_t.device)
