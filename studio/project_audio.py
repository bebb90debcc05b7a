"""A project's music: the song, where in it the clip starts, and the drives it feeds.

    p.audio = ProjectAudio("song.mp3", offset=12.0, drives=[Drive("size", "loudness", 1.5, 0.2)])
    p.audio.problem()          # None, or one sentence: the file is missing or unreadable
    p.timeline()               # the drives' offsets are in it (nothing, when the file is missing)

In memory `path` is the file as found (absolute once loaded from a project file); in the file it
is written relative to the project file's folder, so a project and its song can move together.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .basics.errors import StudioError
from .engine.audio_drives import Drive
from .engine.audio_features import audio_duration, clip_features


@dataclass
class ProjectAudio:
    path: str                                          # the song (see the module's note)
    offset: float = 0.0                                # seconds into the song where the clip starts
    drives: list[Drive] = field(default_factory=list)

    def problem(self) -> str | None:
        """None when the song can be read, else one sentence that says so and what follows from it."""
        try:
            audio_duration(self.path)
        except StudioError as e:
            reason = f"the audio file {self.path} is missing" if not Path(self.path).exists() else str(e)
            return f"{reason}; the project opens without its sound, and its drives move nothing until it is back"
        return None

    def features(self, fps: int, frames: int) -> dict:
        """{feature: (frames,) 0..1} for the features the drives read; {} when the song is missing
        (or unreadable, see `problem`)."""
        names = sorted({d.feature for d in self.drives})
        if not names or self.problem() is not None:
            return {}
        return clip_features(self.path, fps, frames, self.offset, names)

    def seconds(self) -> float:
        """The song's length after the offset (StudioError if it cannot be read)."""
        return max(0.0, audio_duration(self.path) - self.offset)

    # ------------------------------------------------------------------ the file's form
    def to_dict(self, folder: str | os.PathLike | None = None) -> dict:
        """`path` relative to `folder` (the project file's) where there is one."""
        path = self.path
        if folder is not None:
            try:
                path = os.path.relpath(os.path.abspath(self.path), os.path.abspath(folder))
            except ValueError:                     # another drive (Windows): keep it absolute
                path = os.path.abspath(self.path)
        drives = [{"direction": d.direction, "feature": d.feature, "amount": d.amount, "smoothing": d.smoothing}
                  for d in self.drives]
        return {"path": Path(path).as_posix(), "offset": self.offset, "drives": drives}

    @staticmethod
    def found(path: str, folder: str | os.PathLike | None) -> str:
        """The path a project file holds, as found from its folder (an absolute one stays)."""
        if folder is None or os.path.isabs(path):
            return path
        return os.path.normpath(os.path.join(os.path.abspath(folder), path))
