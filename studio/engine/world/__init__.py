"""The shapes world: attributes, renderer, captions and the training sampler."""
from .attributes import GROUPS, Attributes, is_held_out, is_valid
from .painter import render_clip
from .sampler import random_attributes, sample

__all__ = ["GROUPS", "Attributes", "is_held_out", "is_valid", "render_clip", "random_attributes", "sample"]
