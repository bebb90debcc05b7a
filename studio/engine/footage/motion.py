"""The latent motion model: a convolutional GRU that rolls frame latents forward over the grid.

Each step reads the current latent, per-step noise and a conditioning map (the caption's MiniLM
embedding and the clip's content code, broadcast over the grid) and moves a displacement field
over the clip's first latent, plus a residual (see LatentMotion). In training the noise comes from a posterior that sees the true next latent (SVG's
learned-noise recipe with a fixed N(0, 1) prior), so the noise carries what the caption and the
past cannot predict; at generation it is drawn from N(0, 1) with the clip's seed, so two seeds move
differently. Training rolls the model on its own predictions, which is what keeps it going past
its training length.
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from .config import FootageConfig


class ConvGRUCell(nn.Module):
    def __init__(self, cin: int, hidden: int):
        super().__init__()
        self.hidden = hidden
        self.gates = nn.Conv2d(cin + hidden, 2 * hidden, 3, padding=1)
        self.cand = nn.Conv2d(cin + hidden, hidden, 3, padding=1)

    def forward(self, x, h):
        r, u = torch.sigmoid(self.gates(torch.cat([x, h], 1))).chunk(2, 1)
        c = torch.tanh(self.cand(torch.cat([x, r * h], 1)))
        return (1 - u) * h + u * c


MODE = "bicubic"    # bilinear sampling at a fractional shift averages neighbouring cells: each frame's
#                    latent lost detail (generated frames after the first were half as sharp)


def warp(z: torch.Tensor, flow: torch.Tensor) -> torch.Tensor:
    """z (N, L, g, g) sampled at each cell displaced by flow (N, 2, g, g), in cells (x, y);
    outside the grid the latent is mirrored (a pan that runs past the anchor's edge shows
    mirrored content, not a smear of the edge cells)."""
    N, _, g, _ = z.shape
    ys, xs = torch.meshgrid(torch.arange(g, device=z.device, dtype=z.dtype),
                            torch.arange(g, device=z.device, dtype=z.dtype), indexing="ij")
    gx = (xs[None] + flow[:, 0]) * 2 / (g - 1) - 1
    gy = (ys[None] + flow[:, 1]) * 2 / (g - 1) - 1
    return F.grid_sample(z, torch.stack([gx, gy], -1), mode=MODE, padding_mode="reflection", align_corners=True)


RESIDUAL = 0.25     # bound of the residual per element, in units of the latent's standard deviation:
#                    unbounded, a rollout fitted by squared error learned to wash the anchor out
#                    toward the mean latent (a clip blurred away within 20 frames, even without noise)


class LatentMotion(nn.Module):
    """A frame's latent is the clip's first latent (its anchor) warped by an accumulated
    displacement field, plus a bounded residual read from the state: content is carried, not
    redrawn at every step, so it neither fades to grey nor freezes as long as the flow moves."""

    def __init__(self, cfg: FootageConfig):
        super().__init__()
        self.cfg = cfg
        L, H = cfg.latent, cfg.hidden
        self.condition = nn.Sequential(nn.Linear(cfg.text_dim + cfg.content, 64), nn.SiLU(), nn.Linear(64, cfg.cond))
        self.h0 = nn.Conv2d(L + cfg.cond, H, 3, padding=1)
        self.cell = ConvGRUCell(L + cfg.noise + cfg.cond, H)
        self.flow = nn.Conv2d(H, 2, 3, padding=1)             # change of the displacement, cells per step
        self.out = nn.Conv2d(H, L, 3, padding=1)              # the residual over the warped anchor
        for layer in (self.flow, self.out):
            nn.init.zeros_(layer.weight)
            nn.init.zeros_(layer.bias)
        self.posterior = nn.Sequential(nn.Conv2d(2 * L, 32, 3, padding=1), nn.SiLU(),
                                       nn.Conv2d(32, 2 * cfg.noise, 3, padding=1))

    def cond_map(self, text: torch.Tensor, content: torch.Tensor) -> torch.Tensor:
        """(N, cond, g, g) from the caption embedding (N, text_dim) and content code (N, content)."""
        g = self.cfg.grid
        return self.condition(torch.cat([text, content], 1))[:, :, None, None].expand(-1, -1, g, g)

    def start(self, z0: torch.Tensor, cmap: torch.Tensor):
        """The state at the first frame: (GRU state, zero displacement)."""
        return torch.tanh(self.h0(torch.cat([z0, cmap], 1))), z0.new_zeros(z0.shape[0], 2, *z0.shape[2:])

    def step(self, anchor, z, state, eps, cmap):
        """One step from latent z: (next latent, next state). `anchor` is the clip's first latent
        (or, for keyframed looks, the current frame's)."""
        h, flow = state
        h = self.cell(torch.cat([z, eps, cmap], 1), h)
        flow = flow + self.smooth(0.5 * torch.tanh(self.flow(h)))   # at most half a cell (2 px at 64 px) a step
        return warp(anchor, flow) + RESIDUAL * torch.tanh(self.out(h)), (h, flow)

    def smooth(self, field: torch.Tensor) -> torch.Tensor:
        """A per-cell field averaged over blocks and spread back bilinearly: the displacement is
        a smooth field of `flow_grid` x `flow_grid` control points, so neighbouring cells move
        together and the accumulated field never folds (a per-cell field scrambled the anchor
        into texture within 30-40 frames)."""
        g, k = field.shape[-1], self.cfg.flow_grid
        if k >= g:
            return field
        coarse = F.adaptive_avg_pool2d(field, k)
        return F.interpolate(coarse, size=(g, g), mode="bilinear", align_corners=False)

    def infer_noise(self, z, z_next):
        mu, logvar = self.posterior(torch.cat([z, z_next], 1)).chunk(2, 1)
        return mu, logvar.clamp(-10, 4)

    def rollout_loss(self, zs: torch.Tensor, cmap: torch.Tensor, gen: torch.Generator | None = None,
                     teacher: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
        """zs: (N, T, L, g, g) true latents. The model sees the truth for `teacher` frames, then its
        own predictions; noise comes from the posterior over the true pair. Returns (MSE of the
        predicted latents, KL of the noise per element)."""
        N, T = zs.shape[:2]
        anchor = z = zs[:, 0]
        state = self.start(z, cmap)
        err, kl = 0.0, 0.0
        for t in range(T - 1):
            if t < teacher:
                z = zs[:, t]
            mu, logvar = self.infer_noise(zs[:, t], zs[:, t + 1])
            eps = mu + torch.randn(mu.shape, generator=gen, device=mu.device) * (0.5 * logvar).exp()
            z, state = self.step(anchor, z, state, eps, cmap)
            err = err + (z - zs[:, t + 1]).pow(2).mean()
            kl = kl + 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).mean()
        return err / (T - 1), kl / (T - 1)
