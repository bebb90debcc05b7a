"""Drives: a song's feature moving a direction. The user's mapping, nothing learned.

    d = Drive("size", "loudness", amount=1.5, smoothing=0.2)
    tracks = apply_drives(tracks, [d], features, fps)    # per-frame values + 1.5 x smoothed loudness
    keys = bake_drive(d, features, fps, tracks["size"])  # [(time, value)]: the same values as keyframes

A drive adds `amount` x feature (0..1, see audio_features) to its direction's keyframed value at
every frame, after a one-pole low-pass with time constant `smoothing` seconds (0: none). The sum
is kept within the direction's range (slider limits; the noise loop's radius for `noise`).
Pure numpy (scipy's lfilter for the smoothing): the timeline, the CLI, the project and the app
share it, so every way of rendering a project adds the same offsets bit for bit.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..basics.errors import StudioError
from .audio_features import FEATURES, _check_feature

MAX_AMOUNT = 5.0              # a drive moves a direction at most its whole slider range
MAX_SMOOTHING = 10.0          # seconds


@dataclass(frozen=True)
class Drive:
    direction: str            # any slider name, `noise` included
    feature: str              # one of audio_features.FEATURES
    amount: float = 1.0       # added at feature 1
    smoothing: float = 0.0    # seconds: the time constant of the low-pass (0: the raw feature)

    def checked(self) -> "Drive":
        """This drive with float fields, or StudioError naming what is wrong (the direction is the
        model's to check)."""
        if not isinstance(self.direction, str) or not self.direction.strip():
            raise StudioError("a drive needs a direction name")
        _check_feature(self.feature)
        amount, smoothing = _number(self.amount, "amount"), _number(self.smoothing, "smoothing")
        if abs(amount) > MAX_AMOUNT:
            raise StudioError(f"a drive's amount must be from {-MAX_AMOUNT:g} to {MAX_AMOUNT:g}, not {amount:g}")
        if not 0 <= smoothing <= MAX_SMOOTHING:
            raise StudioError(f"a drive's smoothing must be from 0 to {MAX_SMOOTHING:g} seconds, not {smoothing:g}")
        return Drive(self.direction, self.feature, amount, smoothing)


def _number(v, what: str) -> float:
    shown = repr(v) if len(repr(v)) <= 40 else repr(v)[:37] + "…"
    try:
        ok = not isinstance(v, bool) and isinstance(v, (int, float)) and math.isfinite(v)
    except OverflowError:                              # an int too large for a float (10**400)
        ok = False
    if not ok:
        raise StudioError(f"a drive's {what} must be a number, not {shown}")
    return float(v)


def parse_drive(text: str) -> Drive:
    """`DIRECTION=FEATURE[:AMOUNT]` (the CLI's --drive), or StudioError with one sentence."""
    direction, sep, rest = text.partition("=")
    feature, colon, amount = rest.partition(":")
    if not sep or not direction.strip() or not feature.strip():
        raise StudioError(f"--drive expects DIRECTION=FEATURE[:AMOUNT] (features: {', '.join(FEATURES)}), not {text!r}")
    try:
        value = float(amount) if colon else 1.0
    except ValueError:
        raise StudioError(f"--drive {text!r}: the amount after ':' must be a number") from None
    return Drive(direction.strip(), feature.strip(), value).checked()


def smooth(curve: np.ndarray, fps: float, seconds: float) -> np.ndarray:
    """A one-pole low-pass of time constant `seconds`, starting settled at the first value."""
    curve = np.asarray(curve, np.float64)
    if seconds <= 0 or curve.size == 0:
        return curve
    from scipy.signal import lfilter
    a = 1.0 - math.exp(-1.0 / (fps * seconds))
    out, _ = lfilter([a], [1.0, a - 1.0], curve, zi=[curve[0] * (1.0 - a)])
    return out


def drive_offsets(drives, features: dict, fps: float) -> dict[str, np.ndarray]:
    """{direction: (frames,) float64}: what the drives add, summed per direction in list order.
    A drive whose feature is not in `features` (no audio) adds nothing."""
    out: dict[str, np.ndarray] = {}
    for d in drives:
        if d.feature not in features or d.amount == 0:
            continue
        add = d.amount * smooth(features[d.feature], fps, d.smoothing)
        out[d.direction] = out[d.direction] + add if d.direction in out else add
    return out


def apply_drives(tracks: dict, drives, features: dict, fps: float, frames: int | None = None) -> dict:
    """Per-frame direction values with the drives added: `tracks` {direction: (frames,)} (the
    keyframed values, as trajectory.slider_tracks gives them) is not changed; a driven direction it
    lacks starts from 0. Values stay within the direction's range."""
    from .trajectory import NOISE, NOISE_LIMIT, SLIDER_LIMIT
    out = dict(tracks)
    for name, add in drive_offsets(drives, features, fps).items():
        n = len(add) if frames is None else frames
        if len(add) != n:
            raise StudioError(f"the audio features have {len(add)} frames and the clip {n}")
        base = out.get(name, np.zeros(n))
        limit = NOISE_LIMIT if name == NOISE else SLIDER_LIMIT
        out[name] = np.clip(base + add, -limit, limit)
    return out


def bake_drive(drive: Drive, features: dict, fps: float, track: np.ndarray | None = None,
               tolerance: float = 0.0) -> list[tuple[float, float]]:
    """The drive's values as keyframes: [(time in seconds, value)] for linear keys that give the
    direction the values it has with the drive (`track`: its values without it, else 0). With
    tolerance 0 there is a key on every frame; a larger tolerance keeps only the keys needed for
    the linear path between them to stay within `tolerance` of every frame's value."""
    n = len(features[drive.feature])
    base = np.zeros(n) if track is None else np.asarray(track, np.float64)
    values = apply_drives({drive.direction: base}, [drive], features, fps, n)[drive.direction]
    keep = _keys_within(values, tolerance) if tolerance > 0 else range(n)
    return [(i / fps, float(values[i])) for i in keep]


def _keys_within(values: np.ndarray, tolerance: float) -> list[int]:
    """Frame indices, first and last included, such that straight lines between them pass within
    `tolerance` of every value: each segment runs as far as it can (greedy)."""
    n = len(values)
    keys, start = [0], 0
    while start < n - 1:
        end = start + 1
        while end + 1 < n:
            i = np.arange(start, end + 2)
            line = values[start] + (values[end + 1] - values[start]) * (i - start) / (end + 1 - start)
            if np.max(np.abs(line - values[i])) > tolerance:
                break
            end += 1
        keys.append(end)
        start = end
    return keys
