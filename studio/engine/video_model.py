"""The Python API: a loaded model that turns prompts (or a still) into clips.

    m = load_model("shapes-vae")
    clip = m.generate("a red circle moving left", seed=3, frames=16)    # uint8 (T, H, W, 3)

Generation is split in two so that an interactive caller can show one frame before the rest:
`plan()` does the per-clip work (prompt, layers, the motion path, all cheap) and `render()`
composes any subset of frames.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import torch

from .conditioning import attribute_vector, fill_open
from .device import pick_device
from .errors import StudioError
from .modelio import load_module
from .text.encoder import default_encoder
from .text.parser import ParsedPrompt, PromptParser
from .world.attributes import COND_DIM

MAX_FRAMES = 4096


@dataclass
class Plan:
    prompt: str
    seed: int
    frames: int
    values: dict                  # attribute values used (prompt + seed-filled)
    parsed: ParsedPrompt
    w: torch.Tensor               # (COND_DIM + z_content,) latent state after sliders
    layers: tuple = ()            # background, alpha, rgb
    states: torch.Tensor = None   # (T, 3) object path
    timings: dict = field(default_factory=dict)


class VideoModel:
    def __init__(self, module, card: dict, folder, device: torch.device):
        self.module = module
        self.card = card
        self.folder = folder
        self.name = folder.name
        self.device = device
        self.family = card["family"]
        self.resolution = int(card["resolution"])
        self.fps = int(card["fps"])
        self.default_frames = int(card["frames"])
        self.text_conditioned = card["conditioning"] == "sentence"
        self.parser = PromptParser()
        self.motion_temperature = float(card.get("sampling", {}).get("motion_temperature", 1.0))
        self.directions = {k: torch.tensor(v["vector"], dtype=torch.float32)
                           for k, v in card.get("directions", {}).items()}

    @property
    def decoder(self):
        return self.module.decoder

    @property
    def z_content(self) -> int:
        return self.decoder.cfg.z_content

    # ------------------------------------------------------------------ prompts
    def parse(self, prompt: str) -> ParsedPrompt:
        return self.parser.parse(prompt)

    def _text(self, prompt: str) -> torch.Tensor | None:
        if not self.text_conditioned:
            return None
        return torch.from_numpy(default_encoder().encode([prompt])).to(self.device)

    # ------------------------------------------------------------------ generation
    @torch.inference_mode()
    def plan(self, prompt: str, seed: int = 0, frames: int | None = None, sliders: dict | None = None,
             values: dict | None = None, start: torch.Tensor | None = None, z_content=None) -> Plan:
        frames = self.default_frames if frames is None else frames
        if not isinstance(frames, int) or frames < 1:
            raise StudioError(f"frames must be a positive whole number, not {frames}")
        if frames > MAX_FRAMES:
            raise StudioError(f"frames must be at most {MAX_FRAMES}")
        t0 = time.perf_counter()
        parsed = self.parse(prompt or "")
        t1 = time.perf_counter()
        chosen = dict(parsed.values)
        if values:
            chosen.update({k: v for k, v in values.items() if v is not None and chosen.get(k) is None})
        filled = fill_open(chosen, seed)
        cond = attribute_vector(filled) if not self.text_conditioned else torch.zeros(COND_DIM)
        gen = torch.Generator().manual_seed(int(seed))
        zc = self.decoder.sample_content(1, gen, cond=cond[None])[0].cpu() if z_content is None else z_content.cpu()
        zm = torch.randn(1, frames, self.decoder.cfg.z_motion, generator=gen) * self.motion_temperature
        w = torch.cat([cond, zc])
        for name, value in (sliders or {}).items():
            if name not in self.directions:
                known = ", ".join(self.directions) or "none"
                raise StudioError(f"unknown direction {name!r}; this model has: {known}")
            w = w + float(value) * self.directions[name]
        dev = self.device
        wb = w[None].to(dev)
        text = self._text(prompt or "")
        cond_b, zc_b = wb[:, :COND_DIM], wb[:, COND_DIM:]
        layers = self.decoder.content(cond_b, text)
        states = self.decoder.path(cond_b, zc_b, zm.to(dev), text,
                                   None if start is None else start.to(dev)[None])
        t2 = time.perf_counter()
        return Plan(prompt, seed, frames, filled, parsed, w, layers, states,
                    {"parse_ms": (t1 - t0) * 1e3, "plan_ms": (t2 - t1) * 1e3})

    @torch.inference_mode()
    def render(self, plan: Plan, indices=None) -> np.ndarray:
        """uint8 (n, H, W, 3) for the given frame indices (all by default)."""
        states = plan.states if indices is None else plan.states[:, list(indices)]
        frames = self.decoder.compose(*plan.layers, states)[0]
        return np.ascontiguousarray((frames.clamp(0, 1) * 255 + 0.5).to(torch.uint8).permute(0, 2, 3, 1).cpu().numpy())

    def generate(self, prompt: str, seed: int = 0, frames: int | None = None, sliders: dict | None = None) -> np.ndarray:
        return self.render(self.plan(prompt, seed, frames, sliders))

    # ------------------------------------------------------------------ image to video
    @torch.inference_mode()
    def plan_animation(self, image: np.ndarray, prompt: str = "", seed: int = 0, frames: int | None = None,
                       sliders: dict | None = None) -> Plan:
        if self.family != "vae" or self.text_conditioned:
            raise StudioError(f"image-to-video needs a shapes VAE model; {self.name} is a {self.family}")
        from .image_fit import fit_square
        still = fit_square(image, self.resolution)
        x = torch.from_numpy(still).float().div(255).permute(2, 0, 1)[None, None].to(self.device)
        enc = self.module.encoder(x)
        from .world.attributes import GROUPS
        from_image = {g: GROUPS[g][int(enc["logits"][g][0].argmax())] for g in ("color", "shape", "size", "background")}
        parsed_motion = self.parse(prompt or "").values
        values = dict(from_image)
        values["motion"] = parsed_motion["motion"]
        values["speed"] = parsed_motion["speed"]
        plan = self.plan("", seed, frames, sliders, values=values, start=enc["states"][0, 0],
                         z_content=enc["zc_mu"][0])
        plan.prompt = prompt
        plan.parsed = self.parse(prompt or "")
        return plan

    def animate(self, image: np.ndarray, prompt: str = "", seed: int = 0, frames: int | None = None,
                sliders: dict | None = None) -> np.ndarray:
        return self.render(self.plan_animation(image, prompt, seed, frames, sliders))


def load_model(name_or_path: str = "shapes-vae", device: str = "auto") -> VideoModel:
    dev = pick_device(device)
    module, card, folder = load_module(name_or_path, dev)
    return VideoModel(module, card, folder, dev)
