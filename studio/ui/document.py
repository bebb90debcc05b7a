"""The window's document: one QObject over the pure `studio.project.Project`.

Every property of the document is declared once, in FIELDS, with what it takes part in:

- `undo`: an undo snapshot holds it (an edit of it is an undo step);
- `saved`: the project file holds it (the image to animate is the one property that is not saved,
  yet a change of it still makes the document dirty);
- `render`: the frames depend on it, so a change asks for a new render.

Each property has one change signal (`promptChanged`, `seedChanged`, `noisePeriodChanged`, …) and
all of them also emit `changed(name)`. From the document come the widgets' bindings (`bindings.py`),
the undo snapshots (`snapshot`), the dirty flag (`is_dirty`), autosave and the render request
(`project`). Setting a property to its current value emits nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from ..lesson.script import Lesson
from ..project import ExportOptions, Keyframe, Project
from ..project_audio import ProjectAudio


@dataclass(frozen=True)
class Field:
    name: str
    default: object
    undo: bool = True
    saved: bool = True
    render: bool = False


FIELDS = (
    Field("prompt", ""),                                  # renders on Generate, not per keystroke
    Field("seed", 0, render=True),
    Field("frames", 16, render=True),
    Field("fps", 8),                                      # playback speed; keys are placed in seconds
    Field("sliders", {}, render=True),                    # the base look: {direction: value}, noise included
    Field("image", "", saved=False, render=True),         # an image to animate (not in the file)
    Field("keyframes", (), render=True),                  # (Keyframe, …) sorted by time
    Field("loop", False, render=True),
    Field("noise_period", 2.0, render=True),
    Field("lesson", Lesson()),
    Field("audio", None, render=True),                    # the music: a ProjectAudio (song, offset, drives) or None
    Field("seed_locked", True, undo=False),
    Field("model", "", undo=False),
    Field("export", {}, undo=False),                      # the export dialog's last settings
)
BY_NAME = {f.name: f for f in FIELDS}
UNDOABLE = tuple(f.name for f in FIELDS if f.undo)
EXPORT_KEYS = ("format", "size", "fit", "scaling", "fps")


def signal_name(name: str) -> str:
    """"noise_period" -> "noisePeriodChanged"."""
    head, *rest = name.split("_")
    return head + "".join(w.title() for w in rest) + "Changed"


def _copy(name: str, value):
    """A value as the document keeps it: containers copied, so that no caller shares them."""
    if name == "sliders":
        return dict(value)
    if name == "export":
        return dict(value)
    if name == "keyframes":
        return tuple(Keyframe(k.time, dict(k.sliders), k.easing, k.seed) for k in sorted(value, key=lambda k: k.time))
    if name == "lesson":
        return Lesson(value.title, list(value.shots))
    if name == "audio" and value is not None:
        return ProjectAudio(value.path, value.offset, list(value.drives))
    return value


def _property(name: str):
    return property(lambda self: self._values[name], lambda self, value: self.set(name, value))


class ClipDocument(QObject):
    changed = Signal(str)                       # a property's name, after its own signal
    for _f in FIELDS:
        locals()[signal_name(_f.name)] = Signal(object)
        locals()[_f.name] = _property(_f.name)
    del _f

    def __init__(self, parent=None):
        super().__init__(parent)
        self._values = {f.name: _copy(f.name, f.default) for f in FIELDS}
        self._committed = self.snapshot()       # the undo stack's last step
        self._saved = self.state()              # what the file (or a fresh document) holds

    def set(self, name: str, value) -> None:
        self.update({name: value})

    def update(self, values: dict) -> None:
        """Sets several properties, then signals each change: a reaction to the first already sees
        the others (keys and the base look change together)."""
        new = {n: _copy(n, v) for n, v in values.items()}
        changed = [n for n, v in new.items() if self._values[n] != v]
        for n in changed:
            self._values[n] = new[n]
        for n in changed:
            getattr(self, signal_name(n)).emit(self._values[n])
            self.changed.emit(n)

    # ------------------------------------------------------------------ snapshots
    def snapshot(self) -> dict:
        """The undoable properties (an undo step switches between two of these)."""
        return {n: self._values[n] for n in UNDOABLE}

    def state(self) -> dict:
        """Every property: two equal states are the same document."""
        return dict(self._values)

    def is_dirty(self) -> bool:
        return self.state() != self._saved

    def mark_saved(self, **overrides) -> None:
        """The document as it is now is what is saved (`overrides`: what the file holds instead)."""
        self._saved = {**self.state(), **{n: _copy(n, v) for n, v in overrides.items()}}

    def mark_unsaved(self) -> None:
        """Dirty whatever it holds (a recovered copy: the user saves it somewhere)."""
        self._saved = {}

    def take_step(self) -> tuple[dict, dict] | None:
        """(before, after) when an undoable property changed since the last step, else None."""
        now = self.snapshot()
        if any(now[k] != self._committed.get(k) for k in UNDOABLE):
            before, self._committed = self._committed, now
            return before, now
        return None

    def mark_committed(self) -> None:
        self._committed = self.snapshot()

    # ------------------------------------------------------------------ the pure document
    def project(self) -> Project:
        v = self._values
        opts = ExportOptions(**{k: x for k, x in v["export"].items() if k in EXPORT_KEYS})
        return Project(model=v["model"], prompt=v["prompt"], seed=v["seed"], frames=v["frames"], fps=v["fps"],
                       sliders=dict(v["sliders"]), export=opts, seed_locked=v["seed_locked"],
                       keyframes=list(v["keyframes"]), loop=v["loop"], noise_period=v["noise_period"],
                       lesson=Lesson(v["lesson"].title, list(v["lesson"].shots)), audio=_copy("audio", v["audio"]))
