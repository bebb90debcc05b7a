"""The project's own analyzer: reads the attributes of a shapes-world clip from its pixels.

It knows nothing of the models. It finds the object against the background (estimated row by
row, so gradients work), reads its colour by nearest palette colour, its shape by the outline
(extent and solidity), its size by its extent, and its motion by the path of its centroid and the
change of its area.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from .world.attributes import BACKGROUNDS, COLORS, SIZES
from .world.painter import RES, background

_BG = {name: background(name)[:, 0, :] * 255 for name in BACKGROUNDS}      # row profiles (H, 3)
_PALETTE = np.array(list(COLORS.values()), np.float32)
_BBOX_PER_DIAMETER = {"circle": 1.0, "square": 0.884, "triangle": 0.866, "star": 0.95}


@dataclass
class FrameObject:
    area: float
    cx: float
    cy: float
    bbox: tuple
    extent: float
    solidity: float
    rgb: np.ndarray


@dataclass
class Reading:
    color: str | None = None
    shape: str | None = None
    size: str | None = None
    motion: str | None = None
    speed: str | None = None
    background: str | None = None
    areas: list = field(default_factory=list)
    path: list = field(default_factory=list)
    diameter: float = float("nan")
    mean_speed: float = float("nan")
    area_cv: float = float("nan")
    flicker: float = float("nan")

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("color", "shape", "size", "motion", "speed", "background")}


def _background_rows(frame: np.ndarray) -> np.ndarray:
    return np.median(frame.astype(np.float32), axis=1)               # (H, 3)


def _find_object(frame: np.ndarray, bg_rows: np.ndarray) -> FrameObject | None:
    f = frame.astype(np.float32)
    diff = np.abs(f - bg_rows[:, None, :]).max(2)
    mask = (diff > 28).astype(np.uint8)
    n, labels, stats, cents = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if n <= 1:
        return None
    k = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    if stats[k, cv2.CC_STAT_AREA] < 4:
        return None
    comp = labels == k
    peak = diff[comp].max()
    core = comp & (diff > 0.5 * peak)
    ys, xs = np.nonzero(core)
    if len(xs) < 3:
        return None
    x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    area = float(len(xs))
    contours, _ = cv2.findContours(core.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    hull_area = max(cv2.contourArea(cv2.convexHull(max(contours, key=cv2.contourArea))), 1.0)
    inner = comp & (diff > 0.8 * peak)
    rgb = f[inner].mean(0) if inner.any() else f[core].mean(0)
    w = diff * comp
    return FrameObject(area, float((w * np.arange(frame.shape[1])[None]).sum() / w.sum() + 0.5),
                       float((w * np.arange(frame.shape[0])[:, None]).sum() / w.sum() + 0.5),
                       (x0, y0, x1 - x0, y1 - y0), area / ((x1 - x0) * (y1 - y0)),
                       min(1.0, area / hull_area),
                       rgb)


def classify_shape(o: FrameObject) -> str:
    if o.solidity < 0.88 or o.extent < 0.45:
        return "star"
    if o.extent > 0.9:
        return "square"
    if o.extent > 0.68:
        return "circle"
    return "triangle"


def _mode(values):
    values = [v for v in values if v is not None]
    return max(set(values), key=values.count) if values else None


def read_clip(clip: np.ndarray) -> Reading:
    """clip: uint8 (T, H, W, 3) RGB at any resolution (resized to 64x64 first)."""
    if clip.shape[1] != RES or clip.shape[2] != RES:
        clip = np.stack([cv2.resize(f, (RES, RES), interpolation=cv2.INTER_AREA) for f in clip])
    r = Reading()
    rows = np.median(np.stack([_background_rows(f) for f in clip]), axis=0)
    r.background = min(_BG, key=lambda n: float(((_BG[n] - rows) ** 2).mean()))
    objs = [_find_object(f, _background_rows(f)) for f in clip]
    seen = [o for o in objs if o is not None]
    if not seen:
        return r
    r.areas = [o.area if o else 0.0 for o in objs]
    r.path = [(o.cx, o.cy) if o else None for o in objs]
    rgb = np.median(np.stack([o.rgb for o in seen]), 0)
    r.color = list(COLORS)[int(np.argmin(((_PALETTE - rgb) ** 2).sum(1)))]
    big = [o for o in seen if o.area >= 20]
    r.shape = _mode([classify_shape(o) for o in big]) if big else None
    if r.shape:
        diam = [max(o.bbox[2], o.bbox[3]) / _BBOX_PER_DIAMETER[r.shape] for o in seen]
        r.diameter = float(np.median(diam))
        r.size = min(SIZES, key=lambda s: abs(math.log(SIZES[s] / max(r.diameter, 1e-3))))
    _read_motion(r, objs)
    areas = np.array([o.area for o in seen])
    r.area_cv = float(areas.std() / max(areas.mean(), 1e-6))
    if len(clip) > 1:
        jumps = [abs(b.area - a.area) / max(a.area, 1) for a, b in zip(objs, objs[1:]) if a and b]
        r.flicker = float(np.mean([j > 0.3 for j in jumps])) if jumps else 1.0
    return r


def _inside(o: FrameObject) -> bool:
    x, y, w, h = o.bbox
    return x > 0 and y > 0 and x + w < RES and y + h < RES


def torus_moves(pts: np.ndarray, size: float) -> np.ndarray:
    """Centroid moves between consecutive points on a canvas of `size` pixels that wraps: long clips
    draw on a torus (an object leaving one edge comes in at the other), so a jump of more than half
    the canvas is the wrap, not the motion."""
    return np.mod(np.diff(pts, axis=0) + size / 2, size) - size / 2


def _read_motion(r: Reading, objs: list) -> None:
    idx = [i for i, o in enumerate(objs) if o is not None]
    whole = [i for i in idx if _inside(objs[i])]
    if len(whole) >= 3:
        idx = whole        # an object cut by the frame edge is leaving, not shrinking: judge it where it is whole
    if len(idx) < 3:
        r.motion = "still" if len(objs) == 1 else None
        return
    pts = np.array([(objs[i].cx, objs[i].cy) for i in idx])
    areas = np.array([objs[i].area for i in idx])
    k = max(1, len(idx) // 5)
    ratio = areas[-k:].mean() / max(areas[:k].mean(), 1e-6)
    moves = torus_moves(pts, RES)
    pts = np.concatenate([pts[:1], pts[0] + np.cumsum(moves, axis=0)])
    steps = moves / np.diff(idx)[:, None]
    per_frame = float(np.linalg.norm(steps, axis=1).mean())
    r.mean_speed = per_frame
    if ratio > 1.7 or ratio < 1 / 1.7:
        r.motion = "growing" if ratio > 1 else "shrinking"
        slope = np.polyfit(np.array(idx, float), np.log(np.maximum(areas, 1.0)), 1)[0]
        r.speed = "fast" if math.exp(abs(slope) / 2 * 15) > 2.77 else "slow"     # scale change over 16 frames
        return
    if per_frame < 0.35:
        r.motion = "still"
        return
    centre = np.array([RES / 2, RES / 2])
    rad = np.linalg.norm(pts - centre, axis=1)
    ang = np.unwrap(np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0]))
    swept = abs(ang[-1] - ang[0])
    dy = steps[:, 1]
    moving = np.abs(dy) > 0.3
    signs = np.sign(dy[moving])
    reversals = int((np.diff(signs) != 0).sum()) if len(signs) > 1 else 0
    x_span = pts[:, 0].max() - pts[:, 0].min()
    y_span = pts[:, 1].max() - pts[:, 1].min()
    if rad.std() < 2.5 and rad.mean() > 4 and swept > 0.8 and x_span > 3 and y_span > 3:
        r.motion = "orbiting"
        r.speed = "fast" if per_frame > 2.6 else "slow"
    elif x_span < 3 and reversals >= 1 and y_span > 3:
        r.motion = "bouncing"
        r.speed = "fast" if per_frame > 3.5 else "slow"
    else:
        net = pts[-1] - pts[0]
        if abs(net[0]) >= abs(net[1]):
            r.motion = "right" if net[0] > 0 else "left"
        else:
            r.motion = "down" if net[1] > 0 else "up"
        r.speed = "fast" if per_frame > 1.75 else "slow"
