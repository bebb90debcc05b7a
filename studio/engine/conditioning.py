"""Prompt -> conditioning: attribute vectors for shapes models, a sentence embedding for footage models.

Attributes a prompt leaves open are drawn from the seed, so every clip is reproducible and
different seeds give different clips.
"""
from __future__ import annotations

import numpy as np
import torch

from .layered_groups import group_slices
from .world.attributes import COND_DIM, GROUPS, Attributes, is_valid


def fill_open(values: dict, seed: int) -> dict:
    """Draw the values a prompt left open, from the seed, keeping the world's rules."""
    rng = np.random.default_rng([seed, 11])
    for _ in range(1000):
        out = {g: v if v is not None else GROUPS[g][int(rng.integers(len(GROUPS[g])))] for g, v in values.items()}
        if is_valid(Attributes(**out)) or all(values[g] is not None for g in ("color", "background")):
            return out
    return out


def attribute_vector(values: dict) -> torch.Tensor:
    """One-hot per group, concatenated in GROUPS order: (COND_DIM,)."""
    v = torch.zeros(COND_DIM)
    sl = group_slices()
    for g, val in values.items():
        if val is not None:
            v[sl[g][0] + GROUPS[g].index(val)] = 1.0
    return v
