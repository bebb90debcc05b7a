"""A project, rendered: the one path from a `.lstudio` document to frames.

The CLI (`studio export`), the worker behind the app's preview and the Python API all go through
`plan_project`, so a keyframed project renders to the same pixels everywhere on one device.

    from studio.engine import load_model
    from studio.project import Project
    from studio.project_frames import render_project
    p = Project.load("clip.lstudio")
    frames = render_project(load_model(p.model), p)      # uint8 (frames, H, W, 3)
"""
from __future__ import annotations

import numpy as np

from .engine.trajectory import TimelineSpec
from .media.writer import SIZES, ExportSettings

NATIVE_CHUNK = 8             # frames drawn at a time at export size (a 1080 px frame is 3.5 MB)


def plan_project(model, project, spec: TimelineSpec | None = None):
    """The model's Plan for a project (or for `spec`, a timeline the caller edited)."""
    return model.plan(project.prompt, project.seed, timeline=spec or project.timeline())


def render_project(model, project, indices=None, size: int | None = None) -> np.ndarray:
    return model.render(plan_project(model, project), indices, size)


def native_side(model, settings: ExportSettings) -> int | None:
    """The square size the model draws at for an export (`--scaling native`), or None when it
    draws at its own resolution (another scaling, `--size native`, or a size not above the model's)."""
    if settings.scaling != "native" or SIZES.get(settings.size) is None:
        return None
    tw, th = SIZES[settings.size]
    side = max(tw, th) if settings.fit == "crop" else min(tw, th)
    return side if side > model.resolution else None


class ExportFrames:
    """A plan's frames for an export: at the model's resolution in memory, or drawn natively at
    export size a few frames at a time while they are written (600 frames at 1080 px would be 2 GB).
    `len()` and iteration, as `write_clip` takes them."""

    def __init__(self, model, plan, settings: ExportSettings):
        self.model, self.plan, self.side = model, plan, native_side(model, settings)
        self._small = model.render(plan) if self.side is None else None

    def __len__(self) -> int:
        return self.plan.frames

    def __iter__(self):
        if self._small is not None:
            yield from self._small
            return
        for start in range(0, self.plan.frames, NATIVE_CHUNK):
            chunk = range(start, min(self.plan.frames, start + NATIVE_CHUNK))
            yield from self.model.render(self.plan, chunk, self.side)
