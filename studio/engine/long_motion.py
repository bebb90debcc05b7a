"""Teaching a shapes model's motion GRU to run for any length: long labelled paths, no pixels.

The motion model was trained on 16-frame clips and drifts past them. Here its recurrent part (h0,
rnn, step) learns from the shapes world's own paths of `frames` frames (480 by default: 30 times
the training clips, many bounce and orbit periods), with the centre read on the torus canvas
(`DecoderConfig.torus_state`) and the error measured on the torus (a translation that crosses an
edge is right where the renderer draws it). The GRU runs each path whole, one optimiser step per
chunk of 48 frames (truncated backpropagation through time), carrying its hidden state from chunk
to chunk, so that it learns what to do at frame 400 as well as at frame 4. Most chunks start from
the world's state rather than the model's own: a loss over a phase lost hundreds of frames ago
would teach it to stop (the mean position is the best guess of a lost phase). The start head and the motion embedding stay as they
were, so where a clip starts, image-to-video's fitted start and the content prior do not move.

    python scripts/train_long_motion.py --model models/shapes-vae --minutes 8
"""
from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn

from .conditioning import attribute_vector
from .models.layered import SPRITE_DIAMETER, LayeredDecoder
from .models.vae import PATH_HINT
from .world.attributes import Attributes
from .world.sampler import random_attributes
from .world.painter import RES, trajectory

TRAINED = ("h0", "rnn", "step")


@dataclass
class LongMotionConfig:
    frames: int = 480            # each path's length: the GRU runs it whole, in chunks
    chunk: int = 48              # truncated backpropagation: one optimiser step per chunk, the hidden state carried
    batch: int = 64
    lr: float = 2e-3
    minutes: float = 8.0
    seed: int = 18
    free: float = 0.5            # share of paths that start anywhere (image-to-video puts objects anywhere)
    reset: float = 0.75          # share of chunks that start from the world's state, not the model's own
    steps: int = 0               # > 0: stop after this many optimiser steps (tests), whatever the minutes
    kl_weight: float = 0.05      # PhaseCodes (GAN): how hard the training codes are pulled towards its N(0, I) prior


def world_paths(seed: int, n: int, frames: int, free: float = 0.5, attrs: list[Attributes] | None = None):
    """(cond (n, COND_DIM), states (n, frames, 3)) of the shapes world: centre in [-1, 1] units, not
    wrapped (translations run on; the loss wraps them), log(diameter / 24)."""
    rng = np.random.default_rng([seed, 41])
    attrs = attrs or [random_attributes(rng) for _ in range(n)]
    rows = []
    for i, a in enumerate(attrs):
        translate = a.motion in ("left", "right", "up", "down")
        t = trajectory(a, frames, rng, free_start=translate or i < free * n)
        rows.append(np.stack([t.cx / (RES / 2) - 1, t.cy / (RES / 2) - 1, np.log(t.diameter / SPRITE_DIAMETER)], 1))
    cond = torch.stack([attribute_vector(a.as_dict()) for a in attrs])
    return cond, torch.from_numpy(np.stack(rows)).float()


def torus_error(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean squared error with the centre compared on the torus canvas (period 2 units)."""
    d = pred[..., :2] - target[..., :2]
    d = torch.remainder(d + 1, 2.0) - 1
    return (d ** 2).mean() + ((pred[..., 2] - target[..., 2]) ** 2).mean()


def to_torus(decoder: LayeredDecoder) -> LayeredDecoder:
    """A copy of `decoder` whose GRU reads the centre on the torus: its weights for the motion
    embedding, the motion noise and the log-scale are kept; those for the centre start small."""
    if decoder.cfg.torus_state:
        return decoder
    cfg = dataclasses.replace(decoder.cfg, torus_state=True)
    new = LayeredDecoder(cfg)
    state = {k: v for k, v in decoder.state_dict().items() if k != "rnn.weight_ih"}
    new.load_state_dict(state, strict=False)
    old_w = decoder.rnn.weight_ih.detach()
    keep = cfg.emb + cfg.z_motion
    with torch.no_grad():
        w = new.rnn.weight_ih
        w.mul_(0.1)
        w[:, :keep] = old_w[:, :keep]
        w[:, keep + 4] = old_w[:, keep + 2]          # log-scale
    return new


class PhaseCodes(nn.Module):
    """Content codes for a GAN's training paths, which have none: the centre part (the first two
    values) inverts the start head at the path's first state, the rest is a Gaussian code read from
    the first PATH_HINT states (where a bounce is going and how fast), pulled towards N(0, I) by a
    KL term, the prior a GAN draws its codes from. Without it the code says nothing of the phase,
    and the GRU learns the average of every phase: a bounce a third of its height."""

    def __init__(self, decoder: LayeredDecoder, hidden: int = 64):
        super().__init__()
        self.rest = decoder.cfg.z_content - 2
        self.net = nn.Sequential(nn.Linear(3 * PATH_HINT, hidden), nn.SiLU(), nn.Linear(hidden, 2 * self.rest))

    def forward(self, decoder: LayeredDecoder, e: torch.Tensor, paths: torch.Tensor, gen) -> tuple:
        o = decoder.start(e)
        u = ((paths[:, 0, :2] - o[:, :2]) / nn.functional.softplus(o[:, 2:4])).clamp(-0.995, 0.995)
        mu, logvar = self.net(paths[:, :PATH_HINT].flatten(1)).chunk(2, 1)
        code = mu + torch.randn(mu.shape, generator=gen) * (0.5 * logvar).exp()
        kl = 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum(1).mean()
        return torch.cat([torch.atanh(u), code], 1), kl


def train_long_motion(decoder: LayeredDecoder, cfg: LongMotionConfig, stop=lambda: False, log=print,
                      path_encoder: nn.Module | None = None) -> dict:
    """Trains the GRU of a torus decoder in place on long world paths; returns what it did.
    `path_encoder` (a shapes VAE's, kept as it is): the content code of each path is read from its
    first states, as the VAE's own path training did, so that the code carries the motion's phase
    and its content prior still fits. Without one (a GAN), `PhaseCodes` learns such codes."""
    assert decoder.cfg.torus_state, "convert the decoder with to_torus first"
    torch.manual_seed(cfg.seed)
    was = {name: p.requires_grad for name, p in decoder.named_parameters()}
    for name, p in decoder.named_parameters():
        p.requires_grad_(name.split(".")[0] in TRAINED)
    phase = PhaseCodes(decoder) if path_encoder is None else None
    params = [p for p in decoder.parameters() if p.requires_grad]
    coded = params + ([] if phase is None else list(phase.parameters()))
    opt = torch.optim.Adam(coded, lr=cfg.lr)
    gen = torch.Generator().manual_seed(cfg.seed)
    t0, k, losses = time.monotonic(), 0, []
    budget = cfg.minutes * 60
    def progress() -> float:
        return k / cfg.steps if cfg.steps else (time.monotonic() - t0) / budget

    while progress() < 1 and not stop():
        cond, paths = world_paths(cfg.seed * 1_000_003 + k, cfg.batch, cfg.frames, cfg.free)
        with torch.no_grad():
            e = decoder.motion_emb(decoder.branch_input("motion", cond, None))
        kl = torch.zeros(())
        if phase is None:
            with torch.no_grad():
                zc = path_encoder(paths[:, :PATH_HINT].flatten(1))
        else:
            zc, kl = phase(decoder, e, paths, gen)
        h, state = decoder.first_hidden(e, zc), paths[:, 0]
        for c0 in range(0, cfg.frames - 1, cfg.chunk):
            if progress() >= 1 or stop():
                break
            c1 = min(c0 + cfg.chunk, cfg.frames - 1)
            for g in opt.param_groups:                                   # cosine decay over the budget
                g["lr"] = cfg.lr * 0.5 * (1 + math.cos(math.pi * min(1.0, progress())))
            zm = torch.zeros(cfg.batch, c1 - c0 + 1, decoder.cfg.z_motion)
            states, h = decoder.roll(e, zm, state, h)
            loss = torus_error(states, paths[:, c0:c1 + 1])
            opt.zero_grad(set_to_none=True)
            (100 * loss + (cfg.kl_weight * kl if c0 == 0 else 0)).backward()
            nn.utils.clip_grad_norm_(coded, 5.0)
            opt.step()
            losses.append(loss.item())
            k += 1
            if k % 50 == 0:
                log(f"long motion: step {k}, torus path MSE {np.mean(losses[-50:]):.2e}")
            # the next chunk goes on from the hidden state the model reached; where it starts is mostly
            # the world's (the loss then measures the next 48 frames, not a phase lost long ago)
            h = h.detach()
            truth = torch.rand(cfg.batch, 1, generator=gen) < cfg.reset
            state = torch.where(truth, paths[:, c1], states[:, -1].detach())
    for name, p in decoder.named_parameters():
        p.requires_grad_(was[name])
    return {"steps": k, "frames": cfg.frames, "chunk": cfg.chunk, "reset": cfg.reset, "batch": cfg.batch, "lr": cfg.lr,
            "minutes": cfg.minutes,
            "final_path_mse": float(np.mean(losses[-50:])) if losses else None,
            "what": "the motion GRU (h0, rnn, step) only, on the shapes world's paths of "
                    f"{cfg.frames} frames without pixels, in chunks of {cfg.chunk} with the hidden state carried, "
                    "centre error on the torus"}


@torch.no_grad()
def path_error(decoder: LayeredDecoder, frames: int, n: int = 256, seed: int = 99) -> float:
    """Torus path MSE of the model against the world over `frames` frames (an evaluation seed)."""
    cond, paths = world_paths(seed, n, frames, 0.0)
    zc = decoder.sample_content(n, torch.Generator().manual_seed(seed), cond=cond)
    zm = torch.zeros(n, frames, decoder.cfg.z_motion)
    return float(torus_error(decoder.path(cond, zc, zm, start=paths[:, 0]), paths))
