from .attributes import GROUPS, Attributes, is_held_out, is_valid
from .render import render_clip
from .sampler import sample, random_attributes
