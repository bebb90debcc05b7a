"""Samples training examples of the shapes world: clip, caption and labels.

The sampler never yields a held-out combination or an invalid one (white on white).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .attributes import GROUPS, Attributes, is_held_out, is_valid
from .captions import caption
from .painter import Trajectory, render_clip


@dataclass
class Example:
    clip: np.ndarray          # uint8 (T, H, W, 3)
    caption: str
    attributes: Attributes
    trajectory: Trajectory
    seed: int


def random_attributes(rng: np.random.Generator, allow_held_out: bool = False, **fixed) -> Attributes:
    """Uniform over the allowed combinations; keyword arguments pin some attributes."""
    for _ in range(10_000):
        values = {g: fixed.get(g) or vals[int(rng.integers(len(vals)))] for g, vals in GROUPS.items()}
        a = Attributes(**values)
        if is_valid(a) and (allow_held_out or not is_held_out(a)):
            return a
    raise ValueError(f"no valid combination with {fixed}")


def sample(seed: int, frames: int = 16, allow_held_out: bool = False) -> Example:
    rng = np.random.default_rng([seed, 7])
    a = random_attributes(rng, allow_held_out)
    clip_seed = int(rng.integers(2**31))
    clip, traj = render_clip(a, clip_seed, frames)
    return Example(clip, caption(a, rng), a, traj, clip_seed)
