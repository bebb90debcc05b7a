"""The footage GAN: the footage VAE's frame decoder fine-tuned adversarially from the VAE's
weights, with a frame (patch) discriminator and a temporal discriminator over short clips. Hinge
loss, spectral norm. The encoder, the first-frame generator and the motion model stay the VAE's
(frozen): the latent space the motion was learned in does not move, so the clips move as the
VAE's do, and the decoder learns to draw sharp frames from them. The decoder keeps the VAE's L1
and edge losses on reconstructions, and the frame critic judges reconstructions as well as
generated frames (the VQGAN recipe): L1 and edge losses alone settle on a blur.

Only the generator ships: the model folder of a footage GAN loads as the same FootageVAE module.
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.parametrizations import spectral_norm as sn

from .config import FootageConfig
from .network import FootageVAE

ADV_WEIGHT = 0.75            # the critics' gradient on the decoder's last layer, against the pixel losses
FAKE_FRAMES = 6              # frames per generated clip in a step (the temporal discriminator's window)


class PatchD(nn.Module):
    """Frames (N, 3, H, W) -> a map of real/fake scores, one per overlapping patch."""

    def __init__(self, c: int = 32):
        super().__init__()
        self.net = nn.Sequential(sn(nn.Conv2d(3, c, 4, 2, 1)), nn.LeakyReLU(0.2),
                                 sn(nn.Conv2d(c, 2 * c, 4, 2, 1)), nn.LeakyReLU(0.2),
                                 sn(nn.Conv2d(2 * c, 4 * c, 4, 2, 1)), nn.LeakyReLU(0.2),
                                 sn(nn.Conv2d(4 * c, 1, 3, 1, 1)))

    def forward(self, x):
        return self.net(x * 2 - 1)


class TemporalD(nn.Module):
    """Clips (N, T, 3, H, W) -> scores from 3D convolutions over time and space."""

    def __init__(self, c: int = 16):
        super().__init__()
        self.net = nn.Sequential(sn(nn.Conv3d(3, c, (3, 4, 4), (1, 2, 2), (1, 1, 1))), nn.LeakyReLU(0.2),
                                 sn(nn.Conv3d(c, 2 * c, (3, 4, 4), (1, 2, 2), (1, 1, 1))), nn.LeakyReLU(0.2),
                                 sn(nn.Conv3d(2 * c, 4 * c, (3, 4, 4), (2, 2, 2), (1, 1, 1))), nn.LeakyReLU(0.2),
                                 sn(nn.Conv3d(4 * c, 1, 3, 1, 1)))

    def forward(self, clip):
        return self.net(clip.transpose(1, 2) * 2 - 1)


def adaptive_weight(decoder, pixel: torch.Tensor, adversarial: torch.Tensor, scale: float) -> torch.Tensor:
    """The critics' weight from the gradients on the decoder's last layer (taming-transformers'
    recipe): `scale` times the pixel loss's gradient norm over the critics', so the critics sharpen
    without overruling the pixels however large their scores grow."""
    if not torch.is_grad_enabled():
        return pixel.new_tensor(scale)
    last = decoder.net[-1].weight
    gp = torch.autograd.grad(pixel, last, retain_graph=True)[0]
    ga = torch.autograd.grad(adversarial, last, retain_graph=True)[0]
    return (scale * gp.norm() / (ga.norm() + 1e-4)).clamp(0, 1e4).detach()


def hinge_d(critic: nn.Module, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return F.relu(1 - critic(real)).mean() + F.relu(1 + critic(fake)).mean()


class FootageGAN(nn.Module):
    family = "gan"
    kind = "footage"

    def __init__(self, cfg: FootageConfig):
        super().__init__()
        self.cfg = cfg
        self.vae = FootageVAE(cfg)
        self.d_frame = PatchD()
        self.d_time = TemporalD()
        for p in self.frozen():
            p.requires_grad_(False)

    def frozen(self) -> list:
        return list(self.vae.encoder.parameters()) + self.vae.latent_parameters()

    def forward(self, method: str, *args, **kwargs):          # DistributedDataParallel calls forward
        return getattr(self, method)(*args, **kwargs)

    def fake(self, text: torch.Tensor, gen: torch.Generator | None, frames: int = FAKE_FRAMES) -> torch.Tensor:
        """(N, frames, 3, H, W) clips from the generator: a code from N(0, I), its first latent,
        rolled forward with noise from N(0, 1) (no gradient: the latent models are frozen), decoded."""
        with torch.no_grad():
            lat = self._fake_latents(text, gen, frames)
        return self.vae.decoder(lat.flatten(0, 1)).view(lat.shape[0], frames, 3, self.cfg.res, self.cfg.res)

    def _fake_latents(self, text, gen, frames: int) -> torch.Tensor:
        v, N = self.vae, text.shape[0]
        dev = text.device
        code = torch.randn(N, self.cfg.content, generator=gen, device=dev)
        anchor = z = v.first.decode(code, text)
        cmap = v.motion.cond_map(text, code)
        state = v.motion.start(z, cmap)
        zs = [z]
        for _ in range(frames - 1):
            eps = torch.randn((N, self.cfg.noise, *z.shape[2:]), generator=gen, device=dev)
            z, state = v.motion.step(anchor, z, state, eps, cmap)
            zs.append(z)
        return torch.stack(zs, 1) * v.latent_scale

    def d_loss(self, real: torch.Tensor, text, gen, fake=None, recon=None) -> dict:
        """real: (N, FAKE_FRAMES, 3, H, W). `fake` and `recon`: the generator step's own clips and
        reconstructions (detached), so that a training step draws them once; else drawn here."""
        with torch.no_grad():
            fake = self.fake(text, gen, real.shape[1]) if fake is None else fake
            recon = self.vae.decoder(self.vae.encode(real[:, 0])) if recon is None else recon
        fakes = torch.cat([fake.flatten(0, 1), recon])
        df = hinge_d(self.d_frame, real.flatten(0, 1), fakes)
        dt = hinge_d(self.d_time, real, fake)
        return {"loss": df + dt, "d_frame": df, "d_time": dt}

    def g_loss(self, clip: torch.Tensor, text, gen) -> dict:
        """The decoder's loss: the critics on generated clips and on reconstructions, weighted
        against the VAE's L1 and edge losses on those reconstructions."""
        fake = self.fake(text, gen, FAKE_FRAMES)
        keep = self.vae.pixel_losses(clip, gen, images=True)   # the encoder is frozen: its KL is constant
        recon = keep.pop("images")[1]
        pixel = keep["l1"] + self.cfg.edge_weight * keep["edge"]
        g = -self.d_frame(fake.flatten(0, 1)).mean() - self.d_time(fake).mean()
        g_recon = -self.d_frame(recon).mean()
        weight = adaptive_weight(self.vae.decoder, pixel, g + g_recon, ADV_WEIGHT)
        return {"loss": weight * (g + g_recon) + pixel, "g": g, "g_recon": g_recon,
                "adv_weight": weight, "l1": keep["l1"], "edge": keep["edge"],
                "fake": fake.detach(), "recon": recon.detach()}
