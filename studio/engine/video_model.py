"""The Python API: a loaded model that turns prompts (or a still) into clips.

    m = load_model("shapes-vae")
    clip = m.generate("a red circle moving left", seed=3, frames=16)    # uint8 (T, H, W, 3)

Generation is split in two so that an interactive caller can show one frame before the rest:
`plan()` does the per-clip work (prompt, layers, the motion path, all cheap) and `render()`
composes any subset of frames.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import torch

from .conditioning import attribute_vector, fill_open
from .device import pick_device
from ..basics.errors import StudioError
from .modelio import load_module
from .model_path import model_path
from .motion_path import TRAIN_FRAMES, long_path
from .text.encoder import default_encoder
from .trajectory import NOISE, TimelineSpec, check_slider, clip_spec, noise_offsets, seed_track, slerp, slider_tracks
from .text.parser import ParsedPrompt, PromptParser
from .world.attributes import COND_DIM

FIT_STEPS, FIT_LR = 20, 0.02      # image to video: refining the still's first object state on its pixels



@dataclass
class Plan:
    prompt: str
    seed: int
    frames: int
    values: dict                  # attribute values used (prompt + seed-filled)
    parsed: ParsedPrompt
    w: torch.Tensor               # (COND_DIM + z_content,) latent state after sliders
    layers: tuple = ()            # background, alpha, rgb
    states: torch.Tensor = None   # (1, T, 3) object path
    timings: dict = field(default_factory=dict)
    ws: torch.Tensor | None = None    # (T, w_dim) per-frame latent when it moves, else None
    text: torch.Tensor | None = None
    cache: dict = field(default_factory=dict)    # decoded layers per distinct latent


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
    def check_sliders(self, sliders: dict) -> dict:
        """Known directions with values the model can honour, or StudioError with one sentence."""
        out = {}
        for name, value in (sliders or {}).items():
            if name not in self.directions and name != NOISE:
                known = ", ".join(self.directions) or "none"
                raise StudioError(f"unknown direction {name!r}; this model has: {known}")
            out[name] = check_slider(name, value)
        return out

    def _content_code(self, seed: int, cond: torch.Tensor) -> torch.Tensor:
        gen = torch.Generator().manual_seed(int(seed))
        return self.decoder.sample_content(1, gen, cond=cond[None])[0].cpu()

    @torch.inference_mode()
    def plan(self, prompt: str, seed: int = 0, frames: int | None = None, sliders: dict | None = None,
             values: dict | None = None, start: torch.Tensor | None = None, z_content=None,
             timeline: TimelineSpec | None = None) -> Plan:
        """The per-clip work. `timeline` (keyframes, loop, noise wander) makes the latent move over
        time; without it (and within the training length) this is the model's plain clip."""
        spec, frames, sliders = clip_spec(self, seed, frames, sliders, timeline)
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
        for name, value in sliders.items():
            if name != NOISE:
                w = w + float(value) * self.directions[name]
        dev = self.device
        text = self._text(prompt or "")
        if not spec.animated and frames <= TRAIN_FRAMES:
            wb = w[None].to(dev)
            cond_b, zc_b = wb[:, :COND_DIM], wb[:, COND_DIM:]
            layers = self.decoder.content(cond_b, text)
            states = self.decoder.path(cond_b, zc_b, zm.to(dev), text, None if start is None else start.to(dev)[None])
            ws = None
        else:
            ws = self._latents(spec, cond, zc if z_content is not None else None, w)
            wb = ws[:1].to(dev)
            st = None if start is None else start.to(dev)
            wd = ws.to(dev)
            if self.decoder.cfg.torus_state:           # trained on long paths: the model runs the whole clip
                states = model_path(self.decoder, wd[:, :COND_DIM], wd[:, COND_DIM:], text, filled.get("motion"),
                                    spec.loop, st)
            else:                                      # the formula continues the model's first 16 frames
                window = self.decoder.path(wb[:, :COND_DIM], wb[:, COND_DIM:],
                                           zm[:, :TRAIN_FRAMES].to(dev) if frames >= TRAIN_FRAMES
                                           else torch.zeros(1, TRAIN_FRAMES, zm.shape[2], device=dev), text,
                                           None if st is None else st[None])[0]
                states = long_path(self.decoder, wd[:, :COND_DIM], wd[:, COND_DIM:], text, window,
                                   filled.get("motion"), spec.loop, self.resolution, st,
                                   breaks=[math.ceil(k.time * spec.fps) for k in spec.keys])
            layers = ()
            if not bool((ws != ws[:1]).any()):
                ws = None                      # one look for the whole clip: decode its layers once
                layers = self.decoder.content(wb[:, :COND_DIM], text)
        t2 = time.perf_counter()
        return Plan(prompt, seed, frames, filled, parsed, w, layers, states,
                    {"parse_ms": (t1 - t0) * 1e3, "plan_ms": (t2 - t1) * 1e3}, ws=ws, text=text)

    def _latents(self, spec: TimelineSpec, cond: torch.Tensor, fixed_zc, w_static: torch.Tensor) -> torch.Tensor:
        """(T, w_dim) per-frame latent: the prompt's conditioning, the content code travelling between
        the keys' seeds by slerp, every direction's track and the noise wander."""
        T = spec.frames
        tracks = slider_tracks(spec)
        seed_a, seed_b, u = seed_track(spec)
        if fixed_zc is not None and not any(k.seed is not None for k in spec.keys):
            zc = fixed_zc[None].expand(T, -1).double().numpy()
        else:
            codes = {int(s): self._content_code(int(s), cond).double().numpy() for s in set(seed_a) | set(seed_b)}
            a = np.stack([codes[int(s)] for s in seed_a])
            b = np.stack([codes[int(s)] for s in seed_b])
            zc = np.where((seed_a == seed_b)[:, None], a, slerp(a, b, u))
        w = np.concatenate([np.repeat(cond.double().numpy()[None], T, 0), zc], 1)
        for name, track in tracks.items():
            if name != NOISE:
                w = w + track[:, None] * self.directions[name].double().numpy()[None]
        if NOISE in tracks:
            w = w + noise_offsets(spec, self._noise_basis(spec.seed), tracks[NOISE])
        return torch.from_numpy(w).float()

    def _noise_basis(self, seed: int) -> np.ndarray:
        """The noise loop wanders along the discovered directions (or random ones in the content code)."""
        found = [v.double().numpy() for k, v in self.directions.items() if k.startswith("sefa")][:4]
        if found:
            return np.stack(found)
        rng = np.random.default_rng([int(seed), 29])
        basis = np.zeros((4, COND_DIM + self.z_content))
        basis[:, COND_DIM:] = np.linalg.qr(rng.standard_normal((self.z_content, 4)))[0].T
        return basis

    @torch.inference_mode()
    def render(self, plan: Plan, indices=None, size: int | None = None) -> np.ndarray:
        """uint8 (n, H, W, 3) for the given frame indices (all by default). A frame's pixels never
        depend on which other frames were asked for with it: the preview, the CLI and the API agree
        bit for bit. `size`: draw natively at size x size (crisp edges at export size) instead of
        the model's resolution."""
        idx = list(range(plan.frames)) if indices is None else [int(i) for i in indices]
        if plan.ws is None:
            states = plan.states if indices is None else plan.states[:, idx]
            # every clip is drawn on the torus, 16 frames too: an object crossing an edge shows on both sides, as
            # it does once the clip has a key (the first key no longer changes the picture; session 12)
            frames = self.decoder.compose(*plan.layers, states, torus=True, res=size)[0]
        else:
            layers, shared = self._frame_layers(plan, idx)
            if shared:                          # one look for these frames: drawn as one clip
                frames = self.decoder.compose(*layers, plan.states[:, idx], torus=True, res=size)[0]
            else:
                frames = self.decoder.compose(*layers, plan.states[0, idx][:, None], torus=True, res=size)[:, 0]
        frames = frames.clamp_(0, 1).mul_(255).add_(0.5).to(torch.uint8)         # in place: 1080 px frames are big
        return np.ascontiguousarray(frames.permute(0, 2, 3, 1).cpu().numpy())

    def _frame_layers(self, plan: Plan, idx: list[int]):
        """The layers of frames `idx` and whether they all share one look. Layers are decoded one
        latent at a time (a convolution's result depends on its batch size, so batching frames would
        make a frame's pixels depend on the request), per content branch and per distinct input of
        that branch: frames whose latents differ only outside a branch's attribute groups (a size
        key, a colour drive for the sprite) share that branch's output, exactly."""
        cond = plan.ws[idx, :COND_DIM]
        text = None if plan.text is None else plan.text.cpu().expand(len(idx), -1)
        out, shared = [], True
        for name in self.decoder.CONTENT_BRANCHES:
            uniq, inverse = torch.unique(self.decoder.branch_input(name, cond, text), dim=0, return_inverse=True)
            decoded = []
            for row in uniq:
                key = (name, row.numpy().tobytes())
                if key not in plan.cache:
                    plan.cache[key] = self.decoder.branch_layer(name, row[None].to(self.device))
                decoded.append(plan.cache[key])
            shared = shared and len(uniq) == 1
            out.append(_pick(decoded, None if len(uniq) == 1 else inverse.to(self.device)))
        layers = self.decoder.assemble(*out)
        if not shared:
            layers = tuple(t.expand(len(idx), *t.shape[1:]) for t in layers)
        return layers, shared

    def generate(self, prompt: str, seed: int = 0, frames: int | None = None, sliders: dict | None = None,
                 timeline: TimelineSpec | None = None) -> np.ndarray:
        return self.render(self.plan(prompt, seed, frames, sliders, timeline=timeline))

    # ------------------------------------------------------------------ image to video
    @torch.inference_mode()
    def plan_animation(self, image: np.ndarray, prompt: str = "", seed: int = 0, frames: int | None = None,
                       sliders: dict | None = None, timeline: TimelineSpec | None = None) -> Plan:
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
        start = self._fit_start(x[0, 0], values, seed, enc["states"][0, 0])
        plan = self.plan("", seed, frames, sliders, values=values, start=start,
                         z_content=enc["zc_mu"][0], timeline=timeline)
        plan.prompt = prompt
        parsed = self.parse(prompt or "")
        # the still decides colour, shape, size and background; the prompt only the motion and its speed
        parsed.values = {g: (v if g in ("motion", "speed") else None) for g, v in parsed.values.items()}
        plan.parsed = parsed
        return plan

    def animate(self, image: np.ndarray, prompt: str = "", seed: int = 0, frames: int | None = None,
                sliders: dict | None = None, timeline: TimelineSpec | None = None) -> np.ndarray:
        return self.render(self.plan_animation(image, prompt, seed, frames, sliders, timeline))

    def _fit_start(self, still: torch.Tensor, values: dict, seed: int, start: torch.Tensor) -> torch.Tensor:
        """The object's first state (centre x, y and log-size) for a still: the encoder's estimate,
        refined by FIT_STEPS Adam steps so that the model's first frame matches the still's pixels
        (the refinement step of GAN inversion; deterministic, about 50 ms). The encoder alone left
        one still in eight under 25 dB, most of them large objects a few pixels off."""
        cond = attribute_vector(fill_open(dict(values), seed))[None].to(self.device)
        with torch.inference_mode(False), torch.enable_grad():
            target = still.clone()
            with torch.no_grad():
                layers = [t.clone() for t in self.decoder.content(cond.clone(), self._text(""))]
            s = start.clone().requires_grad_(True)
            opt = torch.optim.Adam([s], lr=FIT_LR)
            for _ in range(FIT_STEPS):
                loss = torch.nn.functional.mse_loss(self.decoder.compose(*layers, s[None, None])[0, 0], target)
                opt.zero_grad()
                loss.backward()
                opt.step()
        return s.detach()


def _pick(decoded: list, inverse):
    """Per frame, its branch output: `decoded` holds one output (a tensor, a tuple of them, or None)
    per distinct input; `inverse` maps frames to them (None: one output shared by every frame)."""
    first = decoded[0]
    if isinstance(first, tuple):
        return tuple(_pick([d[k] for d in decoded], inverse) for k in range(len(first)))
    if first is None or inverse is None:
        return first
    return torch.cat(decoded).index_select(0, inverse)


def load_model(name_or_path: str = "shapes-vae", device: str = "auto") -> VideoModel:
    dev = pick_device(device)
    module, card, folder = load_module(name_or_path, dev)
    if card.get("kind") == "footage":
        from .footage.clip_model import FootageModel
        return FootageModel(module, card, folder, dev)
    return VideoModel(module, card, folder, dev)
