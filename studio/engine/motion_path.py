"""The fallback path for clips of any length: a formula fitted to the model's first 16 frames.

Used only by models whose GRU was not trained on long paths (`DecoderConfig.torus_state` off: models
trained without `--long-motion-minutes`, and older ones). The shipped shapes models run their own GRU
for every frame instead (`model_path.py`).

Such a motion model (a GRU, `LayeredDecoder.path`) was trained on 16-frame clips; run past that it
drifts off the canvas or stops bouncing. So a long, keyframed or looping clip takes the model's
own 16-frame path as a sample of its motion, fits the shapes world's motion family to it (a line,
a bounce, an orbit, a growth) and continues that family for as long as the clip runs, wrapping
translations around the canvas edges (a torus) and bouncing growth between its ends, the way the world
itself does. The fit reads everything from the model's path: where the object starts, its
speed, the bounce's height and period, the orbit's centre, radius and angular speed.

Per-frame latents move the path through the model's own heads:
- the start-state head evaluated on each frame's latent gives that frame's anchor (centre and
  log-scale); its change from frame 0 is added to the path (size keys grow the object, seed keys
  move where the content code puts it);
- each frame's step length, relative to frame 0's, advances a motion phase (speed keys).
On a loop the phase is scaled so the clip holds a whole number of motion periods and closes.
"""
from __future__ import annotations

import math

import numpy as np
import torch


TRAIN_FRAMES = 16
TRANSLATIONS = {"left": 0, "right": 0, "up": 1, "down": 1}


class MotionFit:
    """A motion family fitted to a 16-frame path: `at(tau)` -> (n, 3) states; `period` in phase units."""

    period: float | None = None

    def at(self, tau: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class Linear(MotionFit):
    def __init__(self, W: np.ndarray, axis: int | None):
        t = np.arange(len(W), dtype=np.float64)
        self.v = np.zeros(3)
        self.p0 = W.mean(0)
        for a in range(2):
            slope, icpt = np.polyfit(t, W[:, a], 1)
            if axis is None or a == axis:
                self.v[a], self.p0[a] = slope, icpt
        self.axis = axis if axis is not None else int(np.argmax(np.abs(self.v[:2])))
        self.span = None                          # set by long_path: the wrap period along the axis

    @property
    def period(self):
        speed = abs(self.v[self.axis])
        return self.span / speed if self.span and speed > 1e-4 else None

    def at(self, tau):
        return self.p0[None] + tau[:, None] * self.v[None]


class Still(MotionFit):
    def __init__(self, W):
        self.p = W.mean(0)

    def at(self, tau):
        return np.repeat(self.p[None], len(tau), 0)


class Bounce(MotionFit):
    """y = floor - height * |sin(pi * tau / period + phase)|, x fixed (the world's bounce)."""

    def __init__(self, W):
        t = np.arange(len(W), dtype=np.float64)
        y = W[:, 1]
        periods = np.linspace(4.0, 24.0, 81)
        phases = np.linspace(0, math.pi, 48, endpoint=False)
        P, F = np.meshgrid(periods, phases, indexing="ij")
        s = np.abs(np.sin(math.pi * t[None, None] / P[..., None] + F[..., None]))      # (p, f, T)
        sm, ym = s.mean(-1), y.mean()
        cov = ((s - sm[..., None]) * (y - ym)).mean(-1)
        var = np.maximum(((s - sm[..., None]) ** 2).mean(-1), 1e-12)
        h = -cov / var                                                 # y = floor - h * s
        floor = ym + h * sm
        err = ((floor[..., None] - h[..., None] * s - y) ** 2).mean(-1)
        err = np.where(h > 0, err, np.inf)
        i, j = np.unravel_index(int(np.argmin(err)), err.shape)
        self.period, self.phase = float(P[i, j]), float(F[i, j])
        self.height, self.floor = float(max(h[i, j], 0.0)), float(floor[i, j])
        self.x, self.scale = float(W[:, 0].mean()), float(W[:, 2].mean())

    def at(self, tau):
        y = self.floor - self.height * np.abs(np.sin(math.pi * tau / self.period + self.phase))
        return np.stack([np.full_like(tau, self.x), y, np.full_like(tau, self.scale)], 1)


class Orbit(MotionFit):
    def __init__(self, W):
        x, y = W[:, 0].astype(np.float64), W[:, 1].astype(np.float64)
        A = np.stack([x, y, np.ones_like(x)], 1)
        (d, e, f), *_ = np.linalg.lstsq(A, -(x * x + y * y), rcond=None)
        self.cx, self.cy = -d / 2, -e / 2
        r2 = self.cx ** 2 + self.cy ** 2 - f
        self.r = math.sqrt(r2) if r2 > 0 else 0.0
        ang = np.unwrap(np.arctan2(y - self.cy, x - self.cx))
        self.omega, self.theta0 = np.polyfit(np.arange(len(W), dtype=np.float64), ang, 1)
        self.scale = float(W[:, 2].mean())
        self.ok = 0.05 < self.r < 1.2 and abs(self.omega) > 1e-3

    @property
    def period(self):
        return 2 * math.pi / abs(self.omega)

    def at(self, tau):
        a = self.theta0 + self.omega * tau
        return np.stack([self.cx + self.r * np.cos(a), self.cy + self.r * np.sin(a),
                         np.full_like(tau, self.scale)], 1)


class Growth(MotionFit):
    """log-scale grows (or shrinks) along the model's line, then back: a ping-pong between its ends."""

    def __init__(self, W):
        n = len(W) - 1
        slope, icpt = np.polyfit(np.arange(len(W), dtype=np.float64), W[:, 2], 1)
        self.s0, self.s1, self.n = icpt, icpt + slope * n, n
        self.xy = W[:, :2].mean(0)
        self.period = 2.0 * n

    def at(self, tau):
        x = np.mod(tau / self.n, 2.0)
        tri = np.where(x <= 1.0, x, 2.0 - x)
        s = self.s0 + (self.s1 - self.s0) * tri
        return np.concatenate([np.repeat(self.xy[None], len(tau), 0), s[:, None]], 1)


def fit_motion(W: np.ndarray, motion: str | None) -> MotionFit:
    if motion in TRANSLATIONS:
        return Linear(W, TRANSLATIONS[motion])
    if motion == "bouncing":
        return Bounce(W)
    if motion == "orbiting":
        fit = Orbit(W)
        return fit if fit.ok else Linear(W, None)
    if motion in ("growing", "shrinking"):
        return Growth(W)
    if motion == "still":
        return Still(W)
    return Linear(W, None)


def wrap(states: np.ndarray) -> np.ndarray:
    """Centres wrap around the canvas, a torus in [-1, 1) units: the renderer draws an object that
    crosses an edge on both sides, so it never leaves the picture."""
    out = states.copy()
    out[..., :2] = np.mod(out[..., :2] + 1, 2.0) - 1
    return out


# ---------------------------------------------------------------------- torch side
SPEED_EVERY = 8             # the step length is measured every 8 frames (and around every key), between them interpolated


@torch.inference_mode()
def anchors_and_speed(decoder, cond: torch.Tensor, zc: torch.Tensor, text, start=None, breaks=()):
    """Per frame: the anchor (T, 3) and the mean step length of the 16-frame path of its latent.
    The anchor's centre comes from frame 0's motion embedding with the frame's content code (so a
    seed key moves the object and a size key does not), its log-scale from the frame's latent.
    The step length (16 GRU steps per latent) is measured on every 8th frame and on both sides of
    each key frame in `breaks` (so a hold's jump stays a jump), and interpolated in between."""
    T = cond.shape[0]
    sample = sorted({*range(0, T, SPEED_EVERY), T - 1, *(f + d for f in breaks for d in (-1, 0) if 0 <= f + d < T)})
    rows = torch.cat([cond, zc], 1)[sample]
    uniq, inverse = torch.unique(rows, dim=0, return_inverse=True)
    c, z = uniq[:, :cond.shape[1]], uniq[:, cond.shape[1]:]
    tb = None if text is None else text.expand(len(uniq), -1)
    zm = torch.zeros(len(uniq), TRAIN_FRAMES, decoder.cfg.z_motion, device=uniq.device)
    st = None if start is None else start[None].expand(len(uniq), -1)
    paths = decoder.path(c, z, zm, tb, st)                          # (N, 16, 3)
    steps = (paths[:, 1:] - paths[:, :-1]).norm(dim=2).mean(1)
    measured = steps[inverse].double().cpu().numpy()
    return anchors(decoder, cond, zc, text), torch.from_numpy(np.interp(np.arange(T), sample, measured))


def anchors(decoder, cond: torch.Tensor, zc: torch.Tensor, text) -> torch.Tensor:
    """(T, 3) per-frame anchor: the centre from frame 0's motion embedding with the frame's content
    code (a seed key moves the object, a size key does not), the log-scale from the frame's latent."""
    t0 = None if text is None else text.expand(len(zc), -1)
    centre = decoder.start_state(cond[:1].expand(len(zc), -1), zc, t0)[:, :2]
    scale = decoder.start_state(cond, zc, t0)[:, 2]
    return torch.cat([centre, scale[:, None]], 1)


def long_path(decoder, cond_t: torch.Tensor, zc_t: torch.Tensor, text, window: torch.Tensor, motion: str | None,
              loop: bool, res: int, start=None, breaks=()) -> torch.Tensor:
    """(1, T, 3) object states for per-frame latents (cond_t, zc_t: (T, ·)); `window` (16, 3) is the
    model's own path for frame 0's latent."""
    T = cond_t.shape[0]
    anchor, steps = anchors_and_speed(decoder, cond_t, zc_t, text, start, breaks)
    anchor, steps = anchor.double().cpu().numpy(), steps.double().cpu().numpy()
    W = window.double().cpu().numpy()
    base = max(steps[0], 1e-6)
    k = np.where(steps[0] > 1e-3, steps / base, 1.0)                 # speed relative to frame 0
    tau = np.concatenate([[0.0], np.cumsum(k)])                      # (T + 1,): phase at frames 0..T
    fit = fit_motion(W, motion)
    if isinstance(fit, Linear):
        fit.span = 2.0
    if loop:
        period = fit.period
        if period:
            turns = max(1, round(tau[-1] / period))
            tau = tau * (turns * period / max(tau[-1], 1e-9))
        states = fit.at(tau[:T])
        if period is None and not isinstance(fit, Still):        # no family period: close the drift
            drift = fit.at(tau[-1:])[0] - fit.at(tau[:1])[0]
            states = states - (tau[:T, None] / max(tau[-1], 1e-9)) * drift[None]
    else:
        tau = tau[:T]
        n = len(W) - 1
        inside = tau <= n
        states = fit.at(tau)
        states[inside] = np.stack([np.interp(tau[inside], np.arange(n + 1), W[:, a]) for a in range(3)], 1)
        if isinstance(fit, (Linear, Still)):
            states[~inside] += W[n] - fit.at(np.array([float(n)]))[0]
    states = states + (anchor - anchor[0])
    states = wrap(states)
    return torch.from_numpy(states).float()[None].to(window.device)
