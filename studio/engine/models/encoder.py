"""Video encoder of the VAE: per-frame CNN, a soft-argmax locator for the object, and heads that
read the attributes of the clip (used for image-to-video and as auxiliary supervision)."""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..world.attributes import GROUPS
from .layered import DecoderConfig


def _down(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride=2, padding=1), nn.SiLU(),
                         nn.Conv2d(cout, cout, 3, padding=1), nn.GroupNorm(4, cout), nn.SiLU())


class VideoEncoder(nn.Module):
    def __init__(self, cfg: DecoderConfig, ch: int = 32):
        super().__init__()
        self.cfg = cfg
        self.stem = nn.Sequential(nn.Conv2d(5, ch // 2, 4, stride=2, padding=1), nn.SiLU())   # RGB + x, y; 32
        self.d2 = _down(ch // 2, ch)       # 16
        self.d3 = _down(ch, 2 * ch)        # 8
        self.heat = nn.Conv2d(ch, 1, 3, padding=1)
        feat = 2 * ch
        self.frame_fc = nn.Sequential(nn.Linear(feat + 3, 128), nn.SiLU())
        self.scale = nn.Linear(feat, 1)
        self.temporal = nn.GRU(128 + 3, 128, batch_first=True, bidirectional=True)
        self.heads = nn.ModuleDict({g: nn.Linear(128 + 256, len(v)) for g, v in GROUPS.items()})
        self.z_c = nn.Linear(128 + 256 + 3, 2 * cfg.z_content)
        self.z_m = nn.Linear(256 + 3, 2 * cfg.z_motion)

    def forward(self, clip: torch.Tensor) -> dict:
        """clip (B,T,3,H,W) in [0,1] -> dict of per-frame states, attribute logits and latent stats."""
        B, T, _, H, W = clip.shape
        x = clip.reshape(B * T, 3, H, W)
        ys = torch.linspace(-1 + 1 / H, 1 - 1 / H, H, device=x.device, dtype=x.dtype)
        xs = torch.linspace(-1 + 1 / W, 1 - 1 / W, W, device=x.device, dtype=x.dtype)
        gy, gx = torch.meshgrid(ys, xs, indexing="ij")
        x = torch.cat([x, gx.expand(B * T, 1, H, W), gy.expand(B * T, 1, H, W)], 1)
        h2 = self.d2(self.stem(x))
        h3 = self.d3(h2)
        heat = self.heat(h2).flatten(1)
        p = F.softmax(heat, dim=1).view(B * T, 1, *h2.shape[2:])
        hy, hx = h2.shape[2:]
        gy2, gx2 = torch.meshgrid(torch.linspace(-1 + 1 / hy, 1 - 1 / hy, hy, device=x.device, dtype=x.dtype),
                                  torch.linspace(-1 + 1 / hx, 1 - 1 / hx, hx, device=x.device, dtype=x.dtype),
                                  indexing="ij")
        cx = (p * gx2).flatten(1).sum(1)
        cy = (p * gy2).flatten(1).sum(1)
        pooled = h3.mean((2, 3))
        states = torch.stack([cx, cy, self.scale(pooled)[:, 0]], 1).view(B, T, 3)
        f = self.frame_fc(torch.cat([pooled, states.view(B * T, 3)], 1)).view(B, T, 128)
        seq, _ = self.temporal(torch.cat([f, states], 2))
        summary = torch.cat([f.mean(1), seq.mean(1)], 1)
        logits = {g: head(summary) for g, head in self.heads.items()}
        zc = self.z_c(torch.cat([summary, states[:, 0]], 1))
        zm = self.z_m(torch.cat([seq, states], 2))
        return {"states": states, "logits": logits, "zc_mu": zc[:, :self.cfg.z_content],
                "zc_logvar": zc[:, self.cfg.z_content:].clamp(-8, 4),
                "zm_mu": zm[..., :self.cfg.z_motion], "zm_logvar": zm[..., self.cfg.z_motion:].clamp(-8, 4)}
