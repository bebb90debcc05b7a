"""Text-conditioned video VAE: encoder to a content latent plus per-frame motion latents, and the
layered decoder. Loss: reconstruction + beta * KL, plus attribute and path supervision where the
data has labels (the shapes world does; a folder of footage does not)."""
from __future__ import annotations

from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F

from .video_encoder import VideoEncoder
from .layered import DecoderConfig, LayeredDecoder

PATH_HINT = 4        # frames of a labelled path shown to the path encoder


@dataclass
class VAEConfig:
    decoder: DecoderConfig = field(default_factory=DecoderConfig)
    encoder_channels: int = 32
    beta: float = 0.05
    aux_weight: float = 1.0


def kl(mu, logvar):
    return 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum(-1).mean()


class VideoVAE(nn.Module):
    family = "vae"

    def __init__(self, cfg: VAEConfig):
        super().__init__()
        self.cfg = cfg
        self.decoder = LayeredDecoder(cfg.decoder)
        self.encoder = VideoEncoder(cfg.decoder, cfg.encoder_channels)
        # reads the first frames of a labelled path into a content code, so that the motion path can be
        # trained on many cheap trajectories per step (no pixels) besides the rendered clips
        d = cfg.decoder
        self.path_encoder = nn.Sequential(nn.Linear(3 * PATH_HINT, d.hidden), nn.SiLU(), nn.Linear(d.hidden, d.z_content))

    def losses(self, clip, cond, text=None, labels: dict | None = None, gen: torch.Generator | None = None) -> dict:
        enc = self.encoder(clip)
        eps_c = torch.randn(enc["zc_mu"].shape, generator=gen, device=clip.device)
        eps_m = torch.randn(enc["zm_mu"].shape, generator=gen, device=clip.device)
        zc = enc["zc_mu"] + eps_c * (0.5 * enc["zc_logvar"]).exp()
        zm = enc["zm_mu"] + eps_m * (0.5 * enc["zm_logvar"]).exp()
        dec = self.decoder
        bg, alpha, rgb = dec.content(cond, text)
        states = dec.path(cond, zc, zm, text)
        recon = dec.compose(bg, alpha, rgb, states)
        out = {"recon": F.l1_loss(recon, clip) + F.mse_loss(recon, clip),
               "kl": kl(enc["zc_mu"], enc["zc_logvar"]) + kl(enc["zm_mu"], enc["zm_logvar"]) * clip.shape[1]}
        total = out["recon"] + self.cfg.beta * out["kl"]
        if labels is not None:
            aux = sum(F.cross_entropy(enc["logits"][g], y) for g, y in labels["attributes"].items())
            aux = aux + 100 * F.mse_loss(enc["states"], labels["states"]) + 100 * F.mse_loss(states, labels["states"])
            aux = aux + 100 * F.mse_loss(enc["coarse"], labels["states"][..., :2])
            if "sprite" in labels:      # the renderer's own layers, where the data has them
                aux = aux + 10 * (F.mse_loss(alpha, labels["sprite"]) + F.mse_loss(bg, labels["background"])
                                  + F.mse_loss(rgb[:, :, 0, 0], labels["color"]))
            out["aux"] = aux
            total = total + self.cfg.aux_weight * aux
        if labels is not None and "paths" in labels:
            paths, pcond = labels["paths"], labels["path_cond"]
            zc_p = self.path_encoder(paths[:, :PATH_HINT].flatten(1))
            zm_p = torch.zeros(paths.shape[0], paths.shape[1], self.cfg.decoder.z_motion, device=paths.device)
            out["path"] = F.mse_loss(dec.path(pcond, zc_p, zm_p), paths)
            total = total + 100 * out["path"]
        out["loss"] = total
        return out
