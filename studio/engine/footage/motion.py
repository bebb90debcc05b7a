"""The latent motion model: a convolutional GRU that rolls frame latents forward over the grid.

Each step reads the current latent, per-step noise and a conditioning map (the caption's MiniLM
embedding and the clip's content code, broadcast over the grid) and predicts the change to the
next latent. In training the noise comes from a posterior that sees the true next latent (SVG's
learned-noise recipe with a fixed N(0, 1) prior), so the noise carries what the caption and the
past cannot predict; at generation it is drawn from N(0, 1) with the clip's seed, so two seeds move
differently. Training rolls the model on its own predictions, which is what keeps it going past
its training length.
"""
from __future__ import annotations

import torch
import torch.nn as nn

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


class LatentMotion(nn.Module):
    def __init__(self, cfg: FootageConfig):
        super().__init__()
        self.cfg = cfg
        L, H = cfg.latent, cfg.hidden
        self.condition = nn.Sequential(nn.Linear(cfg.text_dim + cfg.content, 64), nn.SiLU(), nn.Linear(64, cfg.cond))
        self.h0 = nn.Conv2d(L + cfg.cond, H, 3, padding=1)
        self.cell = ConvGRUCell(L + cfg.noise + cfg.cond, H)
        self.out = nn.Conv2d(H, L, 3, padding=1)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)
        self.posterior = nn.Sequential(nn.Conv2d(2 * L, 32, 3, padding=1), nn.SiLU(),
                                       nn.Conv2d(32, 2 * cfg.noise, 3, padding=1))

    def cond_map(self, text: torch.Tensor, content: torch.Tensor) -> torch.Tensor:
        """(N, cond, g, g) from the caption embedding (N, text_dim) and content code (N, content)."""
        g = self.cfg.grid
        return self.condition(torch.cat([text, content], 1))[:, :, None, None].expand(-1, -1, g, g)

    def start(self, z0: torch.Tensor, cmap: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.h0(torch.cat([z0, cmap], 1)))

    def step(self, z, h, eps, cmap):
        """One step: (next latent, next state)."""
        h = self.cell(torch.cat([z, eps, cmap], 1), h)
        return z + self.out(h), h

    def infer_noise(self, z, z_next):
        mu, logvar = self.posterior(torch.cat([z, z_next], 1)).chunk(2, 1)
        return mu, logvar.clamp(-10, 4)

    def rollout_loss(self, zs: torch.Tensor, cmap: torch.Tensor, gen: torch.Generator | None = None,
                     teacher: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
        """zs: (N, T, L, g, g) true latents. The model sees the truth for `teacher` frames, then its
        own predictions; noise comes from the posterior over the true pair. Returns (MSE of the
        predicted latents, KL of the noise per element)."""
        N, T = zs.shape[:2]
        z = zs[:, 0]
        h = self.start(z, cmap)
        err, kl = 0.0, 0.0
        for t in range(T - 1):
            if t < teacher:
                z = zs[:, t]
            mu, logvar = self.infer_noise(zs[:, t], zs[:, t + 1])
            eps = mu + torch.randn(mu.shape, generator=gen, device=mu.device) * (0.5 * logvar).exp()
            z, h = self.step(z, h, eps, cmap)
            err = err + (z - zs[:, t + 1]).pow(2).mean()
            kl = kl + 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).mean()
        return err / (T - 1), kl / (T - 1)
