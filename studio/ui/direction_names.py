"""What a latent direction is called on screen, including the names a user gave discovered ones.

The discovered (SeFa) directions `sefa1`, `sefa2`, … show as "Direction 1", … until the user renames
them (as GANSpace lets its users do). Names are kept per model in the user's settings, under
`directionNames/<model>/<direction>`, and every view that shows a direction asks `display_name`.

    display_name(settings, "shapes-vae", "sefa1")      # "Direction 1", or the user's name for it
    set_display_name(settings, "shapes-vae", "sefa1", "Squash")
"""
from __future__ import annotations

import re

GROUP = "directionNames"
MAX_LENGTH = 40


def is_discovered(direction: str) -> bool:
    """A direction found by SeFa (unnamed by the model): the user may rename it."""
    return re.fullmatch(r"sefa\d+", direction) is not None


def pretty(direction: str) -> str:
    """The built-in name: "Direction 3" for sefa3, "Red" for color-red, "Size" for size."""
    if is_discovered(direction):
        return f"Direction {direction[4:]}"
    for prefix in ("color-", "background-"):
        if direction.startswith(prefix):
            direction = direction[len(prefix):]
    return direction.replace("-", " ").capitalize()


def settings_key(model: str, direction: str) -> str:
    """The QSettings key; a model given by folder path keeps to one key level (no '/' or '\\')."""
    safe = re.sub(r"[/\\]+", "_", model or "") or "_"
    return f"{GROUP}/{safe}/{direction}"


def user_name(settings, model: str, direction: str) -> str:
    """The name the user gave the direction for this model, or ""."""
    if settings is None or not model or not is_discovered(direction):
        return ""
    value = settings.value(settings_key(model, direction))
    return value.strip() if isinstance(value, str) else ""


def display_name(settings, model: str, direction: str) -> str:
    """What to call the direction on screen: the user's name for it, else the built-in name."""
    return user_name(settings, model, direction) or pretty(direction)


def set_display_name(settings, model: str, direction: str, name: str) -> str:
    """Keeps (or, for an empty name, forgets) the user's name; returns the name now shown."""
    name = " ".join((name or "").split())[:MAX_LENGTH]
    key = settings_key(model, direction)
    if name and name != pretty(direction):
        settings.setValue(key, name)
    else:
        settings.remove(key)
    settings.sync()
    return display_name(settings, model, direction)
