"""Video encoder of the VAE.

Per frame: a small CNN finds the object (soft-argmax over a 16x16 heat map), then a glimpse,
a 24x24 crop resampled around that point, is read by a second CNN that refines the position and
reads the object's scale, colour, shape and size. The background is read from the whole frame.
A bidirectional GRU over the frames reads the motion. Heads give the attributes (used for
image-to-video and as auxiliary supervision) and the Gaussian content and motion latents.
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..world.attributes import GROUPS
from .layered import DecoderConfig

GLIMPSE = 24
GLIMPSE_HALF = 0.5          # half the glimpse's width in image units: 32 pixels of a 64-pixel frame
OBJECT_GROUPS = ("color", "shape", "size")


def _down(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride=2, padding=1), nn.SiLU(),
                         nn.Conv2d(cout, cout, 3, padding=1), nn.GroupNorm(4, cout), nn.SiLU())


def _grid(n: int, like: torch.Tensor) -> torch.Tensor:
    return torch.linspace(-1 + 1 / n, 1 - 1 / n, n, device=like.device, dtype=like.dtype)


class VideoEncoder(nn.Module):
    def __init__(self, cfg: DecoderConfig, ch: int = 32):
        super().__init__()
        self.cfg = cfg
        self.stem = nn.Sequential(nn.Conv2d(5, ch // 2, 4, stride=2, padding=1), nn.SiLU())   # RGB + x, y; 32
        self.d2 = _down(ch // 2, ch)       # 16
        self.d3 = _down(ch, 2 * ch)        # 8
        self.heat = nn.Conv2d(ch, 1, 3, padding=1)
        self.glimpse = nn.Sequential(
            nn.Conv2d(3, ch // 2, 3, padding=1), nn.SiLU(), nn.Conv2d(ch // 2, ch, 3, stride=2, padding=1), nn.SiLU(),
            nn.Conv2d(ch, 2 * ch, 3, stride=2, padding=1), nn.SiLU(),                                           # 6
            nn.Conv2d(2 * ch, 2 * ch, 3, stride=2, padding=1), nn.SiLU(), nn.Flatten(),                        # 3
            nn.Linear(2 * ch * 9, 128), nn.SiLU())
        self.refine = nn.Linear(128, 3)
        feat = 2 * ch
        self.frame_fc = nn.Sequential(nn.Linear(feat + 128 + 3, 128), nn.SiLU())
        self.temporal = nn.GRU(128 + 3, 128, batch_first=True, bidirectional=True)
        self.object_heads = nn.ModuleDict({g: nn.Linear(128, len(GROUPS[g])) for g in OBJECT_GROUPS})
        self.scene_heads = nn.ModuleDict({g: nn.Linear(128 + 256, len(v)) for g, v in GROUPS.items()
                                          if g not in OBJECT_GROUPS})
        self.z_c = nn.Linear(128 + 256 + 3, 2 * cfg.z_content)
        self.z_m = nn.Linear(256 + 3, 2 * cfg.z_motion)

    def forward(self, clip: torch.Tensor) -> dict:
        """clip (B,T,3,H,W) in [0,1] -> per-frame object states, attribute logits and latent stats."""
        B, T, _, H, W = clip.shape
        img = clip.reshape(B * T, 3, H, W)
        gy, gx = torch.meshgrid(_grid(H, img), _grid(W, img), indexing="ij")
        x = torch.cat([img, gx.expand(B * T, 1, H, W), gy.expand(B * T, 1, H, W)], 1)
        h2 = self.d2(self.stem(x))
        h3 = self.d3(h2)
        p = F.softmax(self.heat(h2).flatten(1), dim=1).view(B * T, 1, *h2.shape[2:])
        py, px = torch.meshgrid(_grid(h2.shape[2], img), _grid(h2.shape[3], img), indexing="ij")
        coarse = torch.stack([(p * px).flatten(1).sum(1), (p * py).flatten(1).sum(1)], 1)
        theta = torch.zeros(B * T, 2, 3, device=img.device, dtype=img.dtype)
        theta[:, 0, 0] = theta[:, 1, 1] = GLIMPSE_HALF
        theta[:, :, 2] = coarse.detach()
        grid = F.affine_grid(theta, (B * T, 3, GLIMPSE, GLIMPSE), align_corners=False)
        g = self.glimpse(F.grid_sample(img, grid, mode="bilinear", padding_mode="border", align_corners=False))
        r = self.refine(g)
        states = torch.cat([coarse + 0.1 * r[:, :2], r[:, 2:]], 1).view(B, T, 3)
        pooled = h3.mean((2, 3))
        f = self.frame_fc(torch.cat([pooled, g, states.view(B * T, 3)], 1)).view(B, T, 128)
        seq, _ = self.temporal(torch.cat([f, states], 2))
        summary = torch.cat([f.mean(1), seq.mean(1)], 1)
        g_mean = g.view(B, T, 128).mean(1)
        logits = {k: head(g_mean) for k, head in self.object_heads.items()}
        logits.update({k: head(summary) for k, head in self.scene_heads.items()})
        zc = self.z_c(torch.cat([summary, states[:, 0]], 1))
        zm = self.z_m(torch.cat([seq, states], 2))
        return {"states": states, "coarse": coarse.view(B, T, 2), "logits": logits,
                "zc_mu": zc[:, :self.cfg.z_content], "zc_logvar": zc[:, self.cfg.z_content:].clamp(-8, 4),
                "zm_mu": zm[..., :self.cfg.z_motion], "zm_logvar": zm[..., self.cfg.z_motion:].clamp(-8, 4)}
