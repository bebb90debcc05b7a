"""The attributes of the shapes world (see shared SHAPES_WORLD.md) and their numeric meaning."""
from __future__ import annotations

from dataclasses import dataclass, asdict

COLORS = {
    "red": (225, 35, 35), "orange": (245, 140, 20), "yellow": (240, 225, 30),
    "green": (40, 190, 60), "cyan": (30, 215, 225), "blue": (40, 70, 230),
    "purple": (150, 50, 210), "pink": (245, 110, 190), "white": (245, 245, 245),
}
SHAPES = ("circle", "square", "triangle", "star")
SIZES = {"small": 9.0, "medium": 14.0, "large": 21.0}          # outer diameter in pixels
MOTIONS = ("left", "right", "up", "down", "bouncing", "orbiting", "growing", "shrinking", "still")
SPEEDS = {"slow": 1.0, "fast": 2.5}                            # pixels per frame
BACKGROUNDS = ("black", "white", "gray", "night", "sky", "sunset")

# attribute group name -> ordered tuple of its values; this order is the model's conditioning layout
GROUPS: dict[str, tuple[str, ...]] = {
    "color": tuple(COLORS), "shape": SHAPES, "size": tuple(SIZES),
    "motion": MOTIONS, "speed": tuple(SPEEDS), "background": BACKGROUNDS,
}
COND_DIM = sum(len(v) for v in GROUPS.values())


@dataclass(frozen=True)
class Attributes:
    color: str
    shape: str
    size: str
    motion: str
    speed: str
    background: str

    def __post_init__(self):
        for group, values in GROUPS.items():
            if getattr(self, group) not in values:
                raise ValueError(f"unknown {group} {getattr(self, group)!r}; expected one of {', '.join(values)}")

    def as_dict(self) -> dict:
        return asdict(self)


def is_valid(a: Attributes) -> bool:
    """The world's own rule: a white object never stands on a white background."""
    return not (a.color == "white" and a.background == "white")


def is_held_out(a: Attributes) -> bool:
    """Combinations that the training data never contains (SHAPES_WORLD.md, 'Held out')."""
    return ((a.color == "purple" and a.shape == "star")
            or (a.motion == "bouncing" and a.shape == "triangle")
            or (a.color == "orange" and a.motion == "growing")
            or (a.shape == "square" and a.background == "sunset"))
