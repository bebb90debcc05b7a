"""Training a footage model: the shapes trainer's loop (budget, log, checkpoints, pause, resume,
torchrun) with the footage family's step, samples and finish.

A run spends 60% of its --minutes on the joint step (frame VAE on pixels; first-frame generator
and motion model on the encoder's latents), then the rest on the latent models alone over the
finished encoder's latents of every training window: cheap steps (no pixels), longer rollouts.
"""
from __future__ import annotations

import os
import time

import numpy as np
import torch

from ..train import SAMPLES, Trainer, TrainConfig, _requested
from .config import FootageConfig
from .data import windows
from .adversarial import FAKE_FRAMES, FootageGAN
from .config import config_from_card
from .network import FootageVAE

JOINT_SHARE = 0.6           # of --minutes; the rest trains the latent models alone
LATENT_FRAMES = 32           # rollout length of the latent phase (2x the clip length)
TINY = {"channels": 8, "down": 1, "latent": 4, "content": 8, "hidden": 8, "cond": 4, "noise": 2}


def footage_config(cfg: TrainConfig, text_dim: int) -> FootageConfig:
    extra = dict(TINY) if cfg.tiny else {}
    extra.update(cfg.decoder)
    return FootageConfig(res=cfg.resolution, text_dim=text_dim, **extra)


class FootageTrainer(Trainer):
    def build(self, cfg: TrainConfig, text_dim: int):
        if cfg.family == "gan":
            if not cfg.init_from:
                from ...basics.errors import StudioError
                raise StudioError("a footage GAN starts from a footage VAE: give --init-from MODEL")
            return FootageGAN(footage_config(cfg, text_dim))
        return FootageVAE(footage_config(cfg, text_dim))

    @property
    def vae(self) -> FootageVAE:
        return self.model if isinstance(self.model, FootageVAE) else self.model.vae

    def make_optims(self, cfg: TrainConfig) -> dict:
        if cfg.family == "vae":
            return super().make_optims(cfg)
        from ...basics.errors import StudioError
        from ..modelio import read_card, read_weights, resolve
        folder = resolve(cfg.init_from)
        card = read_card(folder)
        if card.get("kind") != "footage" or config_from_card(card["config"]) != self.vae.cfg:
            raise StudioError(f"--init-from {cfg.init_from}: not a footage model with this configuration")
        self.vae.load_state_dict(read_weights(folder))
        self.log(f"generator initialised from {folder}")
        m = self.model
        return {"g": torch.optim.Adam(m.vae.decoder.parameters(), lr=cfg.lr, betas=(0.0, 0.99)),
                "d": torch.optim.Adam(list(m.d_frame.parameters()) + list(m.d_time.parameters()),
                                      lr=cfg.lr * 2, betas=(0.0, 0.99))}

    def budget_seconds(self):
        share = JOINT_SHARE if self.cfg.family == "vae" else 1.0
        return self.cfg.minutes * 60 * share if self.cfg.minutes else None

    def train_step(self, batch: dict) -> dict:
        """One step; on CUDA the forward passes run under bf16 autocast (batches are built on the
        prefetch thread and copied without blocking, off the step's critical path)."""
        dev = self.device
        self.gen.manual_seed(self.cfg.seed * 7919 + self.step * self.ctx.world_size + self.ctx.rank)
        clip, text = batch["clip"].to(dev, non_blocking=True), batch["text"].to(dev, non_blocking=True)
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=dev.type == "cuda"):
            return self._step(clip, text)

    def _step(self, clip, text) -> dict:
        if self.cfg.family == "gan":
            # the decoder's step first; the critics' step then judges the same generated clips and
            # reconstructions (drawn once per step), against real frames of the batch
            g = self.ddp("g_loss", clip, text, self.gen)
            self.optims["g"].zero_grad(set_to_none=True)
            g["loss"].backward()
            self._clip_gradients()
            self.optims["g"].step()
            fake, recon = g.pop("fake"), g.pop("recon")
            d = self.ddp("d_loss", clip[:, :FAKE_FRAMES], text, self.gen, fake, recon)
            self.optims["d"].zero_grad(set_to_none=True)
            d["loss"].backward()
            self.optims["d"].step()
            return {"d_frame": float(d["d_frame"].detach()), "d_time": float(d["d_time"].detach()),
                    **{k: float(v.detach()) for k, v in g.items() if k != "loss"}}
        out = self.ddp("losses", clip, text, self.gen)
        opt = self.optims["vae"]
        opt.zero_grad(set_to_none=True)
        out["loss"].backward()
        self._clip_gradients()
        opt.step()
        return {k: float(v.detach()) for k, v in out.items()}

    def _clip_gradients(self):
        """The frame VAE's gradient and the latent models' are clipped apart: a rollout's large
        gradient never shrinks the frame VAE's step."""
        for group in (self.vae.frame_parameters(), self.vae.latent_parameters()):
            torch.nn.utils.clip_grad_norm_(group, 5.0)

    def shipped(self):
        """Only the generator ships: a footage GAN's model folder loads as a FootageVAE."""
        return self.vae

    def finish(self, stop) -> dict:
        """The latent phase (VAE): the rest of --minutes (for --steps, a quarter as many steps as
        the joint phase had) on the first-frame generator and the motion model alone."""
        cfg = self.cfg
        if cfg.family == "gan":
            return {}
        seconds = cfg.minutes * 60 * (1 - JOINT_SHARE) if cfg.minutes else None
        steps = None if seconds else max(10, (cfg.steps or 0) // 4)
        loss = self.train_latents(seconds, steps, stop)
        return {"latent_phase": loss}

    @torch.no_grad()
    def _all_latents(self, frames: int):
        """Scaled latents of every training window of `frames` frames, with caption embeddings."""
        src = self.source                      # a Shard passes attributes through
        m = self.vae
        m.eval()
        zs, texts = [], []
        for vi, s in windows(src.folder, frames, src.stride, "train"):
            clip = src.folder.clip(vi, s, frames, src.stride)
            x = torch.from_numpy(np.ascontiguousarray(clip)).permute(0, 3, 1, 2).float().div(255).to(self.device)
            zs.append(m.encode(x) / m.latent_scale)
            texts.append(torch.from_numpy(src.embeddings[src.folder.videos[vi].caption]))
        m.train()
        return torch.stack(zs), torch.stack(texts).to(self.device)

    def train_latents(self, seconds: float | None, steps: int | None, stop, batch: int = 8) -> float:
        src = self.source                      # a Shard passes attributes through
        length = LATENT_FRAMES if windows(src.folder, LATENT_FRAMES, src.stride, "train") else src.frames
        zs, texts = self._all_latents(length)
        m = self.vae
        params = m.latent_parameters()
        opt = torch.optim.Adam(params, lr=self.cfg.lr * 0.5)
        g = torch.Generator(device=self.device).manual_seed(self.cfg.seed + 17)
        t0, k, loss = time.monotonic(), 0, 0.0
        while not stop() and not _requested(self.work):
            if seconds is not None and time.monotonic() - t0 >= seconds:
                break
            if steps is not None and k >= steps:
                break
            pick = torch.randint(len(zs), (batch,), generator=torch.Generator().manual_seed(k + 99))
            out = m.latent_losses(zs[pick], texts[pick], g)
            cfg = m.cfg
            total = out["first"] + out["motion"] + cfg.content_beta * out["kl_code"] + cfg.motion_beta * out["kl_noise"]
            opt.zero_grad(set_to_none=True)
            total.backward()
            torch.nn.utils.clip_grad_norm_(params, 5.0)
            opt.step()
            loss, k = float(total.detach()), k + 1
        self.latent_steps = k
        self.log(f"latent phase: {k} steps over {len(zs)} windows of {length} frames, loss {loss:.4f}")
        return loss

    def _card(self) -> dict:
        card = super()._card()
        src = self.source                      # a Shard passes attributes through
        card.update({"kind": "footage", "family": self.cfg.family, "conditioning": "sentence", "fps": 8,
                     "sampling": {"content_prior": "N(0, I)", "motion_temperature": 1.0}})
        card["recipe"]["latent_phase_steps"] = getattr(self, "latent_steps", 0)
        card["data"]["captions"] = src.captions
        card["data"]["videos"] = [{"file": v.path.name, "caption": v.caption, "frames": len(v.frames)}
                                  for v in src.folder.videos]
        return card

    def sample_prompts(self) -> list[str]:
        src = self.source                      # a Shard passes attributes through
        return src.captions[:4]

    @torch.no_grad()
    def write_samples(self) -> str:
        """For up to four videos: a row of ground-truth frames over a row of the model's
        reconstructions of them, as train/samples/step_N.png."""
        import cv2
        src = self.source                      # a Shard passes attributes through
        rows = []
        m = self.vae
        was = m.training
        m.eval()
        for vi in range(min(4, len(src.folder.videos))):
            clip = src.folder.clip(vi, 0, src.frames, src.stride)[::2]
            x = torch.from_numpy(np.ascontiguousarray(clip)).permute(0, 3, 1, 2).float().div(255).to(self.device)
            y = m.decoder(m.encode(x)).clamp(0, 1).mul(255).byte().permute(0, 2, 3, 1).cpu().numpy()
            rows += [np.concatenate(list(clip), 1), np.concatenate(list(y), 1)]
        m.train(was)
        grid = np.concatenate(rows, 0)
        (self.work / SAMPLES).mkdir(parents=True, exist_ok=True)
        name = f"{SAMPLES}/step_{self.step:06d}.png"
        tmp = self.work / (name + ".tmp.png")
        cv2.imwrite(str(tmp), np.ascontiguousarray(grid[..., ::-1]))
        os.replace(tmp, self.work / name)
        return name

