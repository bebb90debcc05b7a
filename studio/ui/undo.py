"""Undo and redo of the editable state (prompt, seed, sliders, frames, fps) as snapshots."""
from __future__ import annotations

from PySide6.QtGui import QUndoCommand

NAMES = {"prompt": "Edit Prompt", "seed": "Change Seed", "sliders": "Move Sliders", "frames": "Change Frame Count",
         "fps": "Change Frame Rate", "image": "Change Image", "audio": "Change Music"}


def describe_change(before: dict, after: dict) -> str:
    changed = [k for k in NAMES if before.get(k) != after.get(k)]
    return NAMES[changed[0]] if len(changed) == 1 else "Edit Clip"


class SnapshotCommand(QUndoCommand):
    """Switches between two snapshots of the state through `apply(snapshot)`.
    Pushing it does nothing (the change has already happened on screen)."""

    def __init__(self, apply, before: dict, after: dict):
        super().__init__(describe_change(before, after))
        self.apply, self.before, self.after = apply, before, after
        self._pushed = False

    def redo(self) -> None:
        if self._pushed:
            self.apply(self.after)
        self._pushed = True

    def undo(self) -> None:
        self.apply(self.before)
