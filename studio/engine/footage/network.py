"""The footage VAE as one module: frame VAE + first-frame generator + latent motion model.

`losses` is one training step's objective on a batch of clips (N, T, 3, H, W) with their caption
embeddings: the frame VAE learns pixels on a few frames of each clip; the first-frame generator
and the motion model learn on the encoder's latents of every frame (detached, so they never pull
the frame VAE toward latents that are easy to predict).
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from .autoencoder import FrameDecoder, FrameEncoder, edge_l1, kl_free_bits
from .config import FootageConfig
from .first_frame import FirstFrame
from .motion import LatentMotion

PIXEL_FRAMES = 4            # frames per clip that the pixel loss sees each step
LATENT_CLIPS, LATENT_STEPS = 4, 8     # clips and frames per clip that the latent models see in the joint step


class FootageVAE(nn.Module):
    family = "vae"
    kind = "footage"

    def __init__(self, cfg: FootageConfig):
        super().__init__()
        self.cfg = cfg
        self.encoder = FrameEncoder(cfg)
        self.decoder = FrameDecoder(cfg)
        self.first = FirstFrame(cfg)
        self.motion = LatentMotion(cfg)
        # the encoder's latent standard deviation (a running mean in training): the first-frame
        # generator and the motion model work on latents divided by it
        self.register_buffer("latent_scale", torch.ones(()))

    def frame_parameters(self) -> list:
        return list(self.encoder.parameters()) + list(self.decoder.parameters())

    def latent_parameters(self) -> list:
        return list(self.first.parameters()) + list(self.motion.parameters())

    def encode(self, frames: torch.Tensor) -> torch.Tensor:
        """(N, 3, H, W) -> the latent means (N, L, g, g)."""
        return self.encoder(frames)[0]

    def pixel_losses(self, clip: torch.Tensor, gen: torch.Generator | None, images: bool = False) -> dict:
        """L1, edge L1 and KL on PIXEL_FRAMES random frames of each clip; with `images`, also the
        frames and their reconstructions (out["images"] = (x, y), for the GAN's frame critic)."""
        N, T = clip.shape[:2]
        k = min(PIXEL_FRAMES, T)
        pick = torch.rand(N, T, generator=gen, device=clip.device).argsort(1)[:, :k]
        x = clip[torch.arange(N, device=clip.device)[:, None], pick].flatten(0, 1)
        mu, logvar = self.encoder(x)
        z = mu + torch.randn(mu.shape, generator=gen, device=x.device) * (0.5 * logvar).exp()
        y = self.decoder(z)
        out = {"l1": F.l1_loss(y, x), "edge": edge_l1(y, x), "kl": kl_free_bits(mu, logvar, self.cfg.free_bits)}
        if images:
            out["images"] = (x, y)
        return out

    def latent_losses(self, zs: torch.Tensor, text: torch.Tensor, gen: torch.Generator | None,
                      teacher: int = 1) -> dict:
        """zs: (N, T, L, g, g) latent means of whole clips, scaled to unit variance by the caller."""
        cfg = self.cfg
        mu, logvar = self.first.encode(zs[:, 0], text)
        code = mu + torch.randn(mu.shape, generator=gen, device=mu.device) * (0.5 * logvar).exp()
        first = F.mse_loss(self.first.decode(code, text), zs[:, 0])
        kl_code = 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum(1).mean()
        motion, kl_noise = self.motion.rollout_loss(zs, self.motion.cond_map(text, code), gen, teacher)
        return {"first": first, "motion": motion, "kl_code": kl_code, "kl_noise": kl_noise}

    def losses(self, clip, text, gen: torch.Generator | None = None, images: bool = False) -> dict:
        """The whole objective for clips (N, T, 3, H, W) in [0, 1] and caption embeddings (N, text_dim)."""
        cfg = self.cfg
        out = self.pixel_losses(clip, gen, images)
        with torch.no_grad():                   # encoding whole clips costs more than the pixel loss: a part
            part = clip[:LATENT_CLIPS, :LATENT_STEPS]
            N, T = part.shape[:2]
            zs = self.encode(part.flatten(0, 1)).view(N, T, cfg.latent, cfg.grid, cfg.grid)
            if self.training:
                self.latent_scale.mul_(0.98).add_(0.02 * zs.std())
            zs = zs / self.latent_scale
        out.update(self.latent_losses(zs, text[:N], gen))
        out["loss"] = (out["l1"] + cfg.edge_weight * out["edge"] + cfg.beta * out["kl"]
                       + out["first"] + out["motion"] + cfg.content_beta * out["kl_code"]
                       + cfg.motion_beta * out["kl_noise"])
        return out

    def forward(self, method: str, *args, **kwargs):          # DistributedDataParallel calls forward
        return getattr(self, method)(*args, **kwargs)
