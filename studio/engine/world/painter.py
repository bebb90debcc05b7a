"""Procedural renderer of the shapes world: attributes + seed -> clip and per-frame trajectory.

Every clip is fully determined by (attributes, seed, frames). Objects are drawn at 4x and
downsampled with area averaging, which gives anti-aliased edges.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from .attributes import BACKGROUNDS, COLORS, SIZES, SPEEDS, Attributes

RES = 64
SS = 4                      # supersampling factor for anti-aliasing
TRAIN_FRAMES = 16           # start positions are chosen so a 16-frame path stays in view
ORBIT_RADIUS = 14.0
BOUNCE_HEIGHT = 16.0
GROW_RATIO = {"slow": 2.2, "fast": 3.5}     # scale change across the first 16 frames
SCALE_LIMITS = (0.3, 3.0)
STAR_INNER = 0.4


@dataclass
class Trajectory:
    cx: np.ndarray          # (T,) centre x in pixels
    cy: np.ndarray          # (T,) centre y in pixels
    diameter: np.ndarray    # (T,) outer diameter in pixels


def background(name: str, res: int = RES) -> np.ndarray:
    """float32 (res, res, 3) in [0, 1]."""
    if name not in BACKGROUNDS:
        raise ValueError(f"unknown background {name!r}")
    flat = {"black": (0, 0, 0), "white": (255, 255, 255), "gray": (128, 128, 128), "night": (14, 20, 52)}
    if name in flat:
        return np.broadcast_to(np.array(flat[name], np.float32) / 255, (res, res, 3)).copy()
    top, bottom = {"sky": ((60, 120, 215), (175, 215, 250)), "sunset": ((105, 40, 140), (250, 150, 55))}[name]
    t = np.linspace(0.0, 1.0, res, dtype=np.float32)[:, None]
    col = (np.array(top, np.float32) * (1 - t) + np.array(bottom, np.float32) * t) / 255
    return np.broadcast_to(col[:, None, :], (res, res, 3)).copy()


def shape_polygon(shape: str, cx: float, cy: float, d: float) -> np.ndarray | None:
    """Vertices of the shape inscribed in a circle of diameter d (None for a circle)."""
    r = d / 2
    if shape == "circle":
        return None
    if shape == "square":
        h = r / math.sqrt(2) * 1.25  # a square that reads as the same size as a circle of diameter d
        h = min(h, r)
        return np.array([[cx - h, cy - h], [cx + h, cy - h], [cx + h, cy + h], [cx - h, cy + h]])
    if shape == "triangle":
        angles = [-90, 30, 150]
        return np.array([[cx + r * math.cos(math.radians(a)), cy + r * 1.0 * math.sin(math.radians(a)) + r * 0.2]
                         for a in angles])
    if shape == "star":
        pts = []
        for k in range(10):
            rad = r if k % 2 == 0 else r * STAR_INNER
            a = math.radians(-90 + 36 * k)
            pts.append([cx + rad * math.cos(a), cy + rad * math.sin(a) + r * 0.05])
        return np.array(pts)
    raise ValueError(f"unknown shape {shape!r}")


def object_alpha(shape: str, cx: float, cy: float, d: float, res: int = RES) -> np.ndarray:
    """Anti-aliased coverage mask, float32 (res, res) in [0, 1]."""
    canvas = np.zeros((res * SS, res * SS), np.uint8)
    # pixel centres are at i + 0.5; supersampled coordinates are scaled accordingly
    sx, sy, sd = cx * SS, cy * SS, d * SS
    shift = 4
    if shape == "circle":
        cv2.circle(canvas, (int(round(sx * 16)), int(round(sy * 16))), int(round(sd / 2 * 16)), 255, -1,
                   lineType=cv2.LINE_8, shift=shift)
    else:
        poly = shape_polygon(shape, sx, sy, sd)
        cv2.fillPoly(canvas, [np.round(poly * 16).astype(np.int32)], 255, lineType=cv2.LINE_8, shift=shift)
    return cv2.resize(canvas, (res, res), interpolation=cv2.INTER_AREA).astype(np.float32) / 255


def trajectory(a: Attributes, frames: int, rng: np.random.Generator, free_start: bool = False) -> Trajectory:
    """The object's path. `free_start` (for training the motion model, never for clips) starts it
    anywhere on the canvas: translations run on without wrapping and orbits keep the start's radius,
    which is what image-to-video needs when the still puts the object somewhere unusual."""
    d0 = SIZES[a.size]
    v = SPEEDS[a.speed]
    t = np.arange(frames, dtype=np.float64)
    travel = v * (TRAIN_FRAMES - 1)
    margin = d0 / 2 + 2
    lo, hi = margin, RES - margin
    scale = np.ones(frames)
    if a.motion in ("left", "right", "up", "down"):
        dx, dy = {"left": (-1, 0), "right": (1, 0), "up": (0, -1), "down": (0, 1)}[a.motion]
        def start(direction):
            if direction > 0:
                return rng.uniform(lo, hi - travel)
            if direction < 0:
                return rng.uniform(lo + travel, hi)
            return rng.uniform(lo, hi)
        x0, y0 = (rng.uniform(lo, hi), rng.uniform(lo, hi)) if free_start else (start(dx), start(dy))
        span = RES + d0
        cx, cy = x0 + dx * v * t, y0 + dy * v * t
        if not free_start:
            cx = (cx + d0 / 2) % span - d0 / 2       # wraps around after leaving the canvas
            cy = (cy + d0 / 2) % span - d0 / 2
    elif a.motion == "bouncing":
        floor = hi
        omega = math.pi * v / BOUNCE_HEIGHT
        phase = rng.uniform(0, math.pi)
        cx = np.full(frames, rng.uniform(lo, hi))
        cy = floor - BOUNCE_HEIGHT * np.abs(np.sin(omega * t + phase))
    elif a.motion == "orbiting":
        radius = rng.uniform(5, RES / 2 - margin) if free_start else ORBIT_RADIUS
        omega = 1.5 * v / radius
        phase = rng.uniform(0, 2 * math.pi)
        cx = RES / 2 + radius * np.cos(phase - omega * t)    # counter-clockwise on screen
        cy = RES / 2 + radius * np.sin(phase - omega * t)
    else:  # growing, shrinking, still
        if a.motion in ("growing", "shrinking"):
            k = math.log(GROW_RATIO[a.speed]) / (TRAIN_FRAMES - 1)
            s0 = 1 / math.sqrt(GROW_RATIO[a.speed])
            scale = np.clip(s0 * np.exp(k * t) if a.motion == "growing" else np.exp(-k * t) / s0, *SCALE_LIMITS)
            m = d0 * scale.max() / 2 + 1
            lo, hi = min(m, RES / 2), max(RES - m, RES / 2)
        cx = np.full(frames, rng.uniform(lo, hi))
        cy = np.full(frames, rng.uniform(lo, hi))
    return Trajectory(cx.astype(np.float32), cy.astype(np.float32), (d0 * scale).astype(np.float32))


def render_clip(a: Attributes, seed: int, frames: int = TRAIN_FRAMES, res: int = RES) -> tuple[np.ndarray, Trajectory]:
    """uint8 (frames, res, res, 3) RGB and the object's trajectory. Same inputs, same pixels."""
    if frames < 1:
        raise ValueError("frames must be at least 1")
    rng = np.random.default_rng(seed)
    traj = trajectory(a, frames, rng)
    bg = background(a.background, res)
    color = np.array(COLORS[a.color], np.float32) / 255
    scale = res / RES
    out = np.empty((frames, res, res, 3), np.uint8)
    for i in range(frames):
        alpha = object_alpha(a.shape, traj.cx[i] * scale, traj.cy[i] * scale, traj.diameter[i] * scale, res)[..., None]
        out[i] = np.round((bg * (1 - alpha) + color * alpha) * 255).astype(np.uint8)
    return out, traj
