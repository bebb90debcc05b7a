"""Text-conditioned video GAN, MoCoGAN-style: one content code per clip and a recurrent motion path
(the layered decoder), an image discriminator and a video discriminator with spectral norm and
projection conditioning, hinge loss, clip-consistent augmentation and an EMA generator."""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import spectral_norm as SN

from .layered import DecoderConfig, LayeredDecoder


@dataclass
class GANConfig:
    decoder: DecoderConfig = field(default_factory=DecoderConfig)
    d_channels: int = 32
    image_frames: int = 4        # frames per clip shown to the image discriminator
    ema: float = 0.999
    motion_temperature: float = 1.0


class ImageDiscriminator(nn.Module):
    def __init__(self, cond_dim: int, ch: int):
        super().__init__()
        self.net = nn.Sequential(
            SN(nn.Conv2d(3, ch, 4, 2, 1)), nn.LeakyReLU(0.2), SN(nn.Conv2d(ch, 2 * ch, 4, 2, 1)), nn.LeakyReLU(0.2),
            SN(nn.Conv2d(2 * ch, 4 * ch, 4, 2, 1)), nn.LeakyReLU(0.2), SN(nn.Conv2d(4 * ch, 4 * ch, 4, 2, 1)),
            nn.LeakyReLU(0.2))
        self.out = SN(nn.Linear(4 * ch, 1))
        self.embed = SN(nn.Linear(cond_dim, 4 * ch, bias=False))

    def forward(self, frames, cond):            # frames (N,3,H,W), cond (N,C)
        h = self.net(frames * 2 - 1).sum((2, 3))
        return self.out(h)[:, 0] + (self.embed(cond) * h).sum(1)


class VideoDiscriminator(nn.Module):
    def __init__(self, cond_dim: int, ch: int):
        super().__init__()
        self.net = nn.Sequential(
            SN(nn.Conv3d(3, ch // 2, (3, 4, 4), (1, 2, 2), (1, 1, 1))), nn.LeakyReLU(0.2),
            SN(nn.Conv3d(ch // 2, ch, (4, 4, 4), (2, 2, 2), (1, 1, 1))), nn.LeakyReLU(0.2),
            SN(nn.Conv3d(ch, 4 * ch, (4, 4, 4), (2, 2, 2), (1, 1, 1))), nn.LeakyReLU(0.2),
            SN(nn.Conv3d(4 * ch, 4 * ch, (3, 3, 3), (1, 1, 1), (1, 1, 1))), nn.LeakyReLU(0.2))
        self.out = SN(nn.Linear(4 * ch, 1))
        self.embed = SN(nn.Linear(cond_dim, 4 * ch, bias=False))

    def forward(self, clip, cond):              # clip (B,T,3,H,W); motion is judged at half resolution
        x = F.avg_pool3d(clip.transpose(1, 2), (1, 2, 2))
        h = self.net(x * 2 - 1).sum((2, 3, 4))
        return self.out(h)[:, 0] + (self.embed(cond) * h).sum(1)


def augment(clip: torch.Tensor, gen: torch.Generator | None = None) -> torch.Tensor:
    """DiffAugment-style colour and translation, drawn once per clip and applied to every frame."""
    B = clip.shape[0]
    dev = clip.device
    r = lambda *s: torch.rand(*s, generator=gen, device=dev)  # noqa: E731
    x = clip + (r(B, 1, 1, 1, 1) - 0.5) * 0.2
    mean = x.mean(2, keepdim=True)
    x = (x - mean) * (r(B, 1, 1, 1, 1) * 0.5 + 0.75) + mean
    H = clip.shape[-1]
    shift = (H // 8)
    dx, dy = (torch.randint(-shift, shift + 1, (2,), generator=gen, device=dev)).tolist()
    x = torch.roll(x, shifts=(dy, dx), dims=(3, 4))
    return x


class VideoGAN(nn.Module):
    family = "gan"

    def __init__(self, cfg: GANConfig):
        super().__init__()
        self.cfg = cfg
        self.generator = LayeredDecoder(cfg.decoder)
        self.generator_ema = copy.deepcopy(self.generator).requires_grad_(False)
        cond_dim = cfg.decoder.cond_dim + cfg.decoder.text_dim
        self.d_image = ImageDiscriminator(cond_dim, cfg.d_channels)
        self.d_video = VideoDiscriminator(cond_dim, cfg.d_channels)

    @property
    def decoder(self) -> LayeredDecoder:
        return self.generator_ema

    def sample_noise(self, B: int, T: int, gen, device, cond=None):
        d = self.cfg.decoder
        return (self.generator.sample_content(B, gen, device, cond),
                torch.randn(B, T, d.z_motion, generator=gen, device=device) * self.cfg.motion_temperature)

    def _d_cond(self, cond, text):
        return torch.cat([cond, text], 1) if text is not None and self.cfg.decoder.text_dim else cond

    def _scores(self, clip, cond_full, gen):
        B, T = clip.shape[:2]
        clip = augment(clip, gen)
        idx = torch.randint(0, T, (B, self.cfg.image_frames), generator=gen, device=clip.device)
        frames = clip[torch.arange(B, device=clip.device)[:, None], idx].flatten(0, 1)
        s_img = self.d_image(frames, cond_full.repeat_interleave(self.cfg.image_frames, 0))
        return s_img, self.d_video(clip, cond_full)

    def d_loss(self, real, cond, text=None, gen=None) -> dict:
        with torch.no_grad():
            zc, zm = self.sample_noise(real.shape[0], real.shape[1], gen, real.device, cond)
            fake, _ = self.generator(cond, zc, zm, text)
        cf = self._d_cond(cond, text)
        ri, rv = self._scores(real, cf, gen)
        fi, fv = self._scores(fake, cf, gen)
        li = F.relu(1 - ri).mean() + F.relu(1 + fi).mean()
        lv = F.relu(1 - rv).mean() + F.relu(1 + fv).mean()
        return {"d_image": li, "d_video": lv, "loss": li + lv}

    def g_loss(self, B, T, cond, text=None, gen=None, device="cpu") -> dict:
        zc, zm = self.sample_noise(B, T, gen, device, cond)
        fake, _ = self.generator(cond, zc, zm, text)
        fi, fv = self._scores(fake, self._d_cond(cond, text), gen)
        g = -fi.mean() - fv.mean()
        return {"g": g, "loss": g}

    @torch.no_grad()
    def update_ema(self):
        for pe, p in zip(self.generator_ema.parameters(), self.generator.parameters()):
            pe.lerp_(p, 1 - self.cfg.ema)
        for be, b in zip(self.generator_ema.buffers(), self.generator.buffers()):
            be.copy_(b)
