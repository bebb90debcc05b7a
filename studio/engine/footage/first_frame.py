"""The first-frame generator: caption + content code -> the first frame's latent grid.

A conditional VAE in latent space. Its encoder reads a first latent (and the caption) into the
content code; its decoder maps the code and the caption back to a latent grid. At generation the
content code is drawn from N(0, I) with the clip's seed; the sliders move along it (SeFa on the
decoder's first layer) and keyframed seeds travel between codes by slerp.
"""
from __future__ import annotations

import torch
import torch.nn as nn

from .config import FootageConfig


class FirstFrame(nn.Module):
    def __init__(self, cfg: FootageConfig):
        super().__init__()
        self.cfg = cfg
        L, g, w = cfg.latent, cfg.grid, 64
        self.encoder = nn.Sequential(nn.Conv2d(L, w, 3, stride=2, padding=1), nn.SiLU(),
                                     nn.Conv2d(w, w, 3, stride=2, padding=1), nn.SiLU(), nn.Flatten(),
                                     nn.Linear(w * (g // 4) ** 2, 256), nn.SiLU())
        self.enc_text = nn.Linear(cfg.text_dim, 256)
        self.to_code = nn.Linear(256, 2 * cfg.content)
        self.fc = nn.Sequential(nn.Linear(cfg.content + cfg.text_dim, 256), nn.SiLU(),
                                nn.Linear(256, w * (g // 2) ** 2), nn.SiLU())
        self.up = nn.Sequential(nn.Conv2d(w, w, 3, padding=1), nn.SiLU(),
                                nn.Upsample(scale_factor=2), nn.Conv2d(w, w, 3, padding=1), nn.SiLU(),
                                nn.Conv2d(w, w, 3, padding=1), nn.SiLU(), nn.Conv2d(w, L, 3, padding=1))
        self.width = w

    def encode(self, z0: torch.Tensor, text: torch.Tensor):
        """(N, L, g, g), (N, text_dim) -> mean and log-variance of the content code."""
        mu, logvar = self.to_code(self.encoder(z0) + self.enc_text(text)).chunk(2, 1)
        return mu, logvar.clamp(-10, 4)

    def decode(self, code: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        g = self.cfg.grid // 2
        x = self.fc(torch.cat([code, text], 1)).view(-1, self.width, g, g)
        return self.up(x)

    def first_layer(self) -> torch.Tensor:
        """(out, content): the first layer's weights over the content code, for SeFa."""
        return self.fc[0].weight[:, :self.cfg.content]
