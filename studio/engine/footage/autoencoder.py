"""The frame VAE: a convolutional encoder to a spatial latent (a grid of cells, `latent` channels
each) and a decoder back to pixels. Frames are coded one at a time; motion lives in `motion.py`."""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from .config import FootageConfig


def _norm(c: int) -> nn.GroupNorm:
    return nn.GroupNorm(min(8, c // 4), c)


class ResBlock(nn.Module):
    def __init__(self, c: int):
        super().__init__()
        self.body = nn.Sequential(_norm(c), nn.SiLU(), nn.Conv2d(c, c, 3, padding=1),
                                  _norm(c), nn.SiLU(), nn.Conv2d(c, c, 3, padding=1))

    def forward(self, x):
        return x + self.body(x)


class FrameEncoder(nn.Module):
    """A plain convolution at full resolution, then at each halving a strided convolution and a
    residual block (residual blocks only below full resolution: they cost the most there)."""

    def __init__(self, cfg: FootageConfig):
        super().__init__()
        c = cfg.channels
        layers: list[nn.Module] = [nn.Conv2d(3, c, 3, padding=1), nn.SiLU()]
        for _ in range(cfg.down):
            layers += [nn.Conv2d(c, 2 * c, 4, stride=2, padding=1), ResBlock(2 * c)]
            c *= 2
        layers += [_norm(c), nn.SiLU(), nn.Conv2d(c, 2 * cfg.latent, 1)]
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(N, 3, H, W) in [0, 1] -> mean and log-variance, each (N, latent, g, g)."""
        mu, logvar = self.net(x * 2 - 1).chunk(2, 1)
        return mu, logvar.clamp(-12, 6)


class FrameDecoder(nn.Module):
    """The encoder mirrored: residual blocks below full resolution, nearest-neighbour upsampling
    followed by a convolution at each doubling."""

    def __init__(self, cfg: FootageConfig):
        super().__init__()
        c = cfg.channels * 2 ** cfg.down
        layers: list[nn.Module] = [nn.Conv2d(cfg.latent, c, 3, padding=1)]
        for _ in range(cfg.down):
            layers += [ResBlock(c), nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(c, c // 2, 3, padding=1)]
            c //= 2
        layers += [_norm(c), nn.SiLU(), nn.Conv2d(c, 3, 3, padding=1)]
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """(N, latent, g, g) -> (N, 3, H, W) in [0, 1]."""
        return torch.sigmoid(self.net(z))


def kl_free_bits(mu, logvar, free_bits: float) -> torch.Tensor:
    """KL to N(0, 1) in nats per latent element: averaged per channel over the batch and the grid,
    each channel's floored at `free_bits` (a channel that carries little is not pushed to carry
    nothing), then averaged over channels."""
    kl = 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar)
    per_channel = kl.mean(dim=[0] + list(range(2, kl.dim())))
    return per_channel.clamp(min=free_bits).mean()


def edge_l1(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """L1 between the horizontal and vertical image gradients: a blur costs here even where plain
    L1 would accept it."""
    dx = lambda a: a[..., :, 1:] - a[..., :, :-1]       # noqa: E731
    dy = lambda a: a[..., 1:, :] - a[..., :-1, :]       # noqa: E731
    return F.l1_loss(dx(x), dx(y)) + F.l1_loss(dy(x), dy(y))
