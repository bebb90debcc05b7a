"""The latent timeline's math: keyframes -> per-frame slider values, content seeds and noise wander.

Pure numpy, no torch and no Qt; the CLI, the worker, the Python API and the tests share it.
Semantics (DESIGN.md, binding):

- frame i is at time i / fps;
- between two keys a value goes from the earlier key's to the later key's, shaped by the earlier
  key's easing; `hold` keeps the earlier value until the next key;
- before the first key and after the last, the first and last keys' values hold;
- a direction named in no key keeps the base value; one named in some keys interpolates between
  the keys that name it (with the easing of the earlier of those keys);
- content codes of different seeds travel by slerp (`seed_track` gives the pair and the weight);
- `loop`: the clip is a circle of length frames / fps; after the last key values travel on to the
  first key, which they reach one frame after the last frame, so the clip closes.

The "noise loop" is a keyframable pseudo-direction named `noise`: its value is the radius of a
seamless periodic wander around the current look (period `noise_period` seconds).

Drives (audio_drives.Drive) add a song's features to the keyed values frame by frame: a timeline
holds the drives and the per-frame features they read (audio_features.feature_frames).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..basics.errors import StudioError
from .audio_drives import apply_drives

EASINGS = ("linear", "ease-in", "ease-out", "ease-in-out", "hold")
NOISE = "noise"                 # the pseudo-direction whose value is the noise loop's radius
SLIDER_LIMIT = 5.0              # |value| beyond this is refused: the directions are scaled for -3..3
NOISE_LIMIT = 3.0


@dataclass(frozen=True)
class Key:
    time: float                                  # seconds from the clip start
    sliders: dict = field(default_factory=dict)  # {direction: value}
    easing: str = "linear"                       # towards the next key
    seed: int | None = None                      # the content code at this key


@dataclass
class TimelineSpec:
    frames: int
    fps: int
    sliders: dict = field(default_factory=dict)   # base values (the project's sliders)
    keys: list = field(default_factory=list)      # [Key]
    loop: bool = False
    seed: int = 0                                 # the content seed where no key names one
    noise_period: float = 2.0                     # seconds per turn of the noise loop
    drives: tuple = ()                            # (audio_drives.Drive, ...)
    features: dict = field(default_factory=dict)  # {feature: (frames,) 0..1}: what the drives read

    @classmethod
    def of(cls, frames: int, fps: int, sliders: dict, keyframes, loop: bool = False, seed: int = 0,
           noise_period: float = 2.0, drives=(), features: dict | None = None) -> "TimelineSpec":
        """The timeline of a clip from its document fields; `keyframes`: anything with time, sliders,
        easing and seed (a project's or a lesson shot's keys)."""
        keys = [Key(k.time, dict(k.sliders), k.easing, k.seed) for k in keyframes]
        return cls(frames, fps, dict(sliders), keys, loop, seed, noise_period, tuple(drives), dict(features or {}))

    @property
    def driven(self) -> bool:
        """Whether a drive moves something (it has an amount and its feature is here)."""
        return any(d.amount != 0 and d.feature in self.features for d in self.drives)

    @property
    def animated(self) -> bool:
        """Whether anything changes over time (keys, a loop, a noise wander or a drive)."""
        return bool(self.keys) or self.loop or abs(self.sliders.get(NOISE, 0.0)) > 0 or self.driven


MAX_FRAMES = 4096


def check_frames(frames) -> int:
    """A clip length a model can draw, or StudioError with one sentence."""
    if not isinstance(frames, int) or frames < 1:
        raise StudioError(f"frames must be a positive whole number, not {frames}")
    if frames > MAX_FRAMES:
        raise StudioError(f"frames must be at most {MAX_FRAMES}")
    return frames


def check_slider(name: str, value) -> float:
    """A slider value the model can honour, or StudioError with one sentence."""
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "…"
    try:
        v = float(value)
    except OverflowError:                              # an int too large for a float (10**400)
        v = math.inf
    except (TypeError, ValueError):
        raise StudioError(f"the value of {name!r} must be a number, not {shown}") from None
    limit = NOISE_LIMIT if name == NOISE else SLIDER_LIMIT
    if not math.isfinite(v) or abs(v) > limit:
        raise StudioError(f"the value of {name!r} must be a number from {-limit:g} to {limit:g}, not {shown}")
    return v


def ease(u: np.ndarray, easing: str) -> np.ndarray:
    """Maps progress u in [0, 1] between two keys to the fraction of the change applied."""
    u = np.clip(u, 0.0, 1.0)
    if easing == "linear":
        return u
    if easing == "ease-in":
        return u * u
    if easing == "ease-out":
        return 1 - (1 - u) ** 2
    if easing == "ease-in-out":
        return u * u * (3 - 2 * u)
    if easing == "hold":
        return np.where(u >= 1.0, 1.0, 0.0)
    raise StudioError(f"unknown easing {easing!r}; use {', '.join(EASINGS)}")


def frame_times(spec: TimelineSpec) -> np.ndarray:
    return np.arange(spec.frames, dtype=np.float64) / spec.fps


def _segments(times: np.ndarray, key_times: list, loop: bool, length: float):
    """For each time: index of the earlier key, index of the later key, progress u in [0, 1]."""
    kt = np.asarray(key_times, np.float64)
    n = len(kt)
    # stable: keys at the same time keep their order, the later one wins
    after = np.searchsorted(kt, times, side="right")          # keys with time <= t: after
    lo = after - 1
    hi = after
    u = np.zeros_like(times)
    if not loop:
        before = lo < 0
        past = hi >= n
        mid = ~before & ~past
        lo_c, hi_c = np.clip(lo, 0, n - 1), np.clip(hi, 0, n - 1)
        span = kt[hi_c] - kt[lo_c]
        u[mid] = np.where(span[mid] > 0, (times[mid] - kt[lo_c][mid]) / np.maximum(span[mid], 1e-12), 1.0)
        lo = np.where(before, 0, lo_c)
        hi = np.where(past, n - 1, hi_c)
        u[before] = 0.0
        u[past] = 0.0
        return lo, hi, u
    # loop: the keys repeat every `length` seconds; wrap segments run last -> first
    lo_w = np.where(lo < 0, n - 1, lo)
    hi_w = np.where(hi >= n, 0, hi)
    t0 = np.where(lo < 0, kt[n - 1] - length, kt[lo_w])
    t1 = np.where(hi >= n, kt[0] + length, kt[hi_w])
    span = t1 - t0
    u = np.where(span > 0, (times - t0) / np.maximum(span, 1e-12), 1.0)
    return lo_w, hi_w, u


def _track(times, keyed: list, loop: bool, length: float) -> np.ndarray:
    """keyed: [(time, value, easing)] sorted by time."""
    kt = [k[0] for k in keyed]
    vals = np.array([k[1] for k in keyed], np.float64)
    lo, hi, u = _segments(times, kt, loop, length)
    easings = [k[2] for k in keyed]
    f = np.empty_like(u)
    for e in set(easings):
        sel = np.array([easings[i] == e for i in lo])
        f[sel] = ease(u[sel], e)
    return vals[lo] + (vals[hi] - vals[lo]) * f


def _sorted_keys(spec: TimelineSpec) -> list:
    return sorted(spec.keys, key=lambda k: k.time)         # sorted() is stable: ties keep file order


def slider_tracks(spec: TimelineSpec) -> dict:
    """{direction: (frames,) float64}: every direction in force over the clip, noise included,
    drives added."""
    times = frame_times(spec)
    keys = _sorted_keys(spec)
    length = spec.frames / spec.fps
    names = list(spec.sliders)
    for k in keys:
        names += [n for n in k.sliders if n not in names]
    out = {}
    for name in names:
        keyed = [(k.time, k.sliders[name], k.easing) for k in keys if name in k.sliders]
        if keyed:
            out[name] = _track(times, keyed, spec.loop, length)
        else:
            out[name] = np.full(spec.frames, float(spec.sliders.get(name, 0.0)))
    return apply_drives(out, spec.drives, spec.features, spec.fps, spec.frames) if spec.driven else out


def seed_track(spec: TimelineSpec):
    """(seed_a, seed_b, u): per frame, the content code is slerp(code(seed_a), code(seed_b), u)."""
    keys = [k for k in _sorted_keys(spec) if k.seed is not None]
    n = spec.frames
    if not keys:
        return np.full(n, spec.seed, np.int64), np.full(n, spec.seed, np.int64), np.zeros(n)
    times = frame_times(spec)
    lo, hi, u = _segments(times, [k.time for k in keys], spec.loop, n / spec.fps)
    seeds = np.array([k.seed for k in keys], np.int64)
    f = np.empty_like(u)
    easings = [k.easing for k in keys]
    for e in set(easings):
        sel = np.array([easings[i] == e for i in lo])
        f[sel] = ease(u[sel], e)
    return seeds[lo], seeds[hi], f


def slerp(a: np.ndarray, b: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Spherical interpolation of rows of a and b (N, D) by u (N,), norms interpolated linearly."""
    na = np.linalg.norm(a, axis=1, keepdims=True)
    nb = np.linalg.norm(b, axis=1, keepdims=True)
    ua, ub = a / np.maximum(na, 1e-12), b / np.maximum(nb, 1e-12)
    cos = np.clip((ua * ub).sum(1, keepdims=True), -1.0, 1.0)
    omega = np.arccos(cos)
    so = np.sin(omega)
    u = u[:, None]
    small = so < 1e-6
    wa = np.where(small, 1 - u, np.sin((1 - u) * omega) / np.where(small, 1, so))
    wb = np.where(small, u, np.sin(u * omega) / np.where(small, 1, so))
    return (wa * ua + wb * ub) * (na * (1 - u) + nb * u)


def noise_period_frames(spec: TimelineSpec) -> float:
    """The wander's period in frames; on a loop it is adjusted so a whole number of turns fits."""
    period = max(spec.noise_period, 1.0 / spec.fps) * spec.fps
    if spec.loop:
        turns = max(1, round(spec.frames / period))
        period = spec.frames / turns
    return period


def noise_offsets(spec: TimelineSpec, basis: np.ndarray, radius: np.ndarray) -> np.ndarray:
    """(frames, D) periodic wander: radius (frames,) times a closed curve through the basis rows
    (K, D), two harmonics with phases drawn from the project's seed."""
    k = basis.shape[0]
    if k == 0 or not np.any(radius):
        return np.zeros((spec.frames, basis.shape[1] if basis.ndim == 2 else 0))
    rng = np.random.default_rng([int(spec.seed), 23])
    phases = rng.uniform(0, 2 * math.pi, k)
    harmonics = np.array([1 + (i % 2) for i in range(k)], np.float64)
    weights = 1.0 / harmonics
    weights /= math.sqrt((weights ** 2).sum() / 2)             # the curve's RMS radius is 1
    t = np.arange(spec.frames, dtype=np.float64)
    angle = 2 * math.pi * t[:, None] / noise_period_frames(spec) * harmonics[None] + phases[None]
    coeff = np.cos(angle) * weights[None]                       # (frames, K)
    return radius[:, None] * (coeff @ basis)


def clip_spec(model, seed: int, frames: int | None, sliders: dict | None, timeline: "TimelineSpec | None"):
    """A plan's (timeline, frames, checked sliders): `timeline` as given, else a still look of
    `frames` frames (the model's default when None) at `sliders`; the frame count and every
    key's sliders are checked by the model's own `check_sliders`."""
    if timeline is not None:
        frames, sliders = timeline.frames, timeline.sliders
    frames = model.default_frames if frames is None else frames
    check_frames(frames)
    sliders = model.check_sliders(sliders)
    spec = timeline or TimelineSpec(frames, model.fps, sliders, seed=int(seed))
    for k in spec.keys:
        model.check_sliders(k.sliders)
    model.check_sliders({d.direction: 0.0 for d in spec.drives})
    return spec, frames, sliders
