"""A project, rendered: the one path from a `.lstudio` document to frames.

The CLI (`studio export`), the worker behind the app's preview and the Python API all go through
`plan_project`, so a keyframed project renders to the same pixels everywhere on one device.

    from studio.engine import load_model
    from studio.project import Project
    from studio.rendering import render_project
    p = Project.load("clip.lstudio")
    frames = render_project(load_model(p.model), p)      # uint8 (frames, H, W, 3)
"""
from __future__ import annotations

import numpy as np

from .engine.trajectory import TimelineSpec


def plan_project(model, project, spec: TimelineSpec | None = None):
    """The model's Plan for a project (or for `spec`, a timeline the caller edited)."""
    return model.plan(project.prompt, project.seed, timeline=spec or project.timeline())


def render_project(model, project, indices=None) -> np.ndarray:
    return model.render(plan_project(model, project), indices)
