"""The Python API of a footage model: the same calls as the shapes models.

    m = load_model("footage-vae")
    clip = m.generate("fire burning in a fireplace", seed=3, frames=48)   # uint8 (T, H, W, 3)
    m.animate(still)            # encode the still, roll the motion forward
    m.reconstruct(clip)         # the frame VAE's encode + decode, same shape and dtype

A clip's frame latents are the first-frame generator's latent for the clip's content code (the
"anchor") moved by the motion model (a displacement field and a residual) with per-step noise
drawn from the seed. Sliders, keyframes and the noise loop move the content code; each frame
warps its own anchor, so the look follows the keys while the motion goes on. A seamless loop
is a rule, not learned: the clip is rolled a quarter further and that tail is cross-faded (in
latent space) into its first frames, so the last frame moves on into the first.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import cv2
import numpy as np
import torch
import torch.nn.functional as F

from ...basics.errors import StudioError
from ..image_fit import fit_square
from ..text.encoder import default_encoder
from ..text.parser import ParsedPrompt, WordInfo
from ..trajectory import NOISE, TimelineSpec, check_slider, clip_spec, noise_offsets, seed_track, slerp, slider_tracks



LOOP_OVERLAP = 0.25         # of a loop's length: the rolled tail cross-faded into its first frames


@dataclass
class FootagePlan:
    prompt: str
    seed: int
    frames: int
    parsed: ParsedPrompt
    latents: torch.Tensor                  # (T, L, g, g) frame latents, in the decoder's scale
    values: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)


class FootageModel:
    text_conditioned = True
    kind = "footage"

    def __init__(self, module, card: dict, folder, device: torch.device):
        self.module, self.card, self.folder, self.name, self.device = module, card, folder, folder.name, device
        self.family = card["family"]
        self.resolution = int(card["resolution"])
        self.fps = int(card["fps"])
        self.default_frames = int(card["frames"])
        self.motion_temperature = float(card.get("sampling", {}).get("motion_temperature", 1.0))
        self.captions = list(card.get("data", {}).get("captions", []))
        self.vocabulary = {w for c in self.captions for w in re.findall(r"[a-z']+", c.lower())}
        self.directions = {k: torch.tensor(v["vector"], dtype=torch.float32)
                           for k, v in card.get("directions", {}).items()}

    # ------------------------------------------------------------------ prompts
    def parse(self, prompt: str) -> ParsedPrompt:
        """Which words of the prompt the model saw in its training captions. The whole sentence
        conditions the model (its MiniLM embedding); words it never saw are listed as unknown."""
        words = []
        for w in re.findall(r"[A-Za-z']+", prompt or ""):
            known = w.lower() in self.vocabulary
            words.append(WordInfo(w, "known" if known else "unknown", "caption" if known else ""))
        return ParsedPrompt({}, words)

    def _text(self, prompt: str) -> torch.Tensor:
        return torch.from_numpy(default_encoder().encode([prompt or ""])).to(self.device)

    def check_sliders(self, sliders: dict) -> dict:
        out = {}
        for name, value in (sliders or {}).items():
            if name not in self.directions and name != NOISE:
                raise StudioError(f"unknown direction {name!r}; this model has: {', '.join(self.directions) or 'none'}")
            out[name] = check_slider(name, value)
        return out

    # ------------------------------------------------------------------ latents
    def _code(self, seed: int) -> np.ndarray:
        g = torch.Generator().manual_seed(int(seed))
        return torch.randn(self.module.cfg.content, generator=g).double().numpy()

    def _codes(self, spec: TimelineSpec, base: np.ndarray | None) -> np.ndarray:
        """(T, content): the content code at every frame: the seed's code (or `base`, from a still),
        travelling between keyed seeds by slerp, plus every direction's track and the noise wander."""
        T = spec.frames
        seed_a, seed_b, u = seed_track(spec)
        if base is not None and not any(k.seed is not None for k in spec.keys):
            codes = np.repeat(base[None], T, 0)
        else:
            table = {int(s): self._code(int(s)) for s in set(seed_a) | set(seed_b)}
            a = np.stack([table[int(s)] for s in seed_a])
            b = np.stack([table[int(s)] for s in seed_b])
            codes = np.where((seed_a == seed_b)[:, None], a, slerp(a, b, u))
        for name, track in slider_tracks(spec).items():
            if name != NOISE:
                codes = codes + track[:, None] * self.directions[name].double().numpy()[None]
        tracks = slider_tracks(spec)
        if NOISE in tracks:
            basis = np.stack([v.double().numpy() for k, v in self.directions.items()][:4]) if self.directions \
                else np.linalg.qr(np.random.default_rng([spec.seed, 29]).standard_normal((self.module.cfg.content, 4)))[0].T
            codes = codes + noise_offsets(spec, basis, tracks[NOISE])
        return codes

    def _anchors(self, codes: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        """(T, L, g, g) first-frame latents (unit scale) of each frame's code, one code at a time
        (a convolution's result depends on its batch size) and once per distinct code."""
        cache, out = {}, []
        for row in codes:
            key = row.numpy().tobytes()
            if key not in cache:
                cache[key] = self.module.first.decode(row[None].to(self.device), text)[0]
            out.append(cache[key])
        return torch.stack(out)

    def _roll(self, anchors, codes, text, seed: int, loop: bool) -> torch.Tensor:
        """Frame latents (T, L, g, g) in unit scale: the motion model rolled from the first anchor
        (each frame warps its own anchor, so keyed looks change as the motion goes on), noise
        from the seed. A loop rolls LOOP_OVERLAP of the length further and cross-fades that tail
        into the first frames, so the last frame moves on into the first as one more step."""
        mot = self.module.motion
        T = len(anchors)
        cmap = mot.cond_map(text.expand(T, -1), codes.to(self.device))
        gen = torch.Generator().manual_seed(int(seed) * 1_000_003 + 11)
        z = anchors[:1]
        state = mot.start(z, cmap[:1])
        out = [z[0]]
        extra = max(1, int(T * LOOP_OVERLAP)) if loop and T > 1 else 0
        for t in range(T - 1 + extra):
            nxt = (t + 1) % T
            eps = torch.randn((1, self.module.cfg.noise, *z.shape[2:]), generator=gen).to(self.device)
            z, state = mot.step(anchors[nxt:nxt + 1], z, state, eps * self.motion_temperature, cmap[t % T:t % T + 1])
            out.append(z[0])
        zs = torch.stack(out)
        if extra:                          # frame t < extra: from the rolled frame T + t to frame t
            w = (torch.arange(extra, device=zs.device, dtype=zs.dtype) / extra)[:, None, None, None]
            head = (1 - w) * zs[T:T + extra] + w * zs[:extra]
            zs = torch.cat([head, zs[extra:T]])
        return zs

    # ------------------------------------------------------------------ generation
    @torch.inference_mode()
    def plan(self, prompt: str, seed: int = 0, frames: int | None = None, sliders: dict | None = None,
             timeline: TimelineSpec | None = None, start_latent: torch.Tensor | None = None,
             base_code: np.ndarray | None = None) -> FootagePlan:
        spec, frames, sliders = clip_spec(self, seed, frames, sliders, timeline)
        t0 = time.perf_counter()
        parsed = self.parse(prompt)
        text = self._text(prompt)
        codes = torch.from_numpy(self._codes(spec, base_code)).float()
        anchors = self._anchors(codes, text)
        if start_latent is not None:       # image to video: the still's own latent, moved by the sliders
            anchors = anchors - anchors[:1] + start_latent[None]
        zs = self._roll(anchors, codes, text, seed, spec.loop)
        t1 = time.perf_counter()
        return FootagePlan(prompt, seed, frames, parsed, zs * self.module.latent_scale,
                           timings={"plan_ms": (t1 - t0) * 1e3})

    @torch.inference_mode()
    def render(self, plan: FootagePlan, indices=None, size: int | None = None) -> np.ndarray:
        """uint8 (n, H, W, 3), decoded one frame at a time so that a frame's pixels never depend on
        which other frames were asked for. `size`: the decoder draws at its own resolution; larger
        sizes are resampled (bicubic), not drawn natively."""
        idx = list(range(plan.frames)) if indices is None else [int(i) for i in indices]
        frames = torch.cat([self.module.decoder(plan.latents[i:i + 1]) for i in idx]) if idx else \
            torch.zeros(0, 3, self.resolution, self.resolution)
        if size is not None and size != self.resolution and len(idx):
            frames = F.interpolate(frames, size=(size, size), mode="bicubic", align_corners=False)
        frames = frames.clamp_(0, 1).mul_(255).add_(0.5).to(torch.uint8)
        return np.ascontiguousarray(frames.permute(0, 2, 3, 1).cpu().numpy())

    def generate(self, prompt: str, seed: int = 0, frames: int | None = None, sliders: dict | None = None,
                 timeline: TimelineSpec | None = None) -> np.ndarray:
        return self.render(self.plan(prompt, seed, frames, sliders, timeline=timeline))

    # ------------------------------------------------------------------ image to video, reconstruction
    def _frames_in(self, frames: np.ndarray, crop: bool = True) -> torch.Tensor:
        """(T, 3, res, res) floats: each frame centre-cropped to a square (or, with crop=False,
        squeezed whole into one) at the model's resolution."""
        arr = np.asarray(frames)
        if arr.dtype != np.uint8 or arr.ndim != 4 or arr.shape[-1] != 3:
            raise StudioError("a clip must be uint8 frames of shape (T, H, W, 3)")
        r = self.resolution
        sq = np.stack([fit_square(f, r) if crop else cv2.resize(f, (r, r), interpolation=cv2.INTER_AREA) for f in arr])
        return torch.from_numpy(sq).permute(0, 3, 1, 2).float().div(255).to(self.device)

    @torch.inference_mode()
    def plan_animation(self, image: np.ndarray, prompt: str = "", seed: int = 0, frames: int | None = None,
                       sliders: dict | None = None, timeline: TimelineSpec | None = None) -> FootagePlan:
        x = self._frames_in(np.asarray(image)[None, ..., :3])
        z0 = self.module.encode(x) / self.module.latent_scale
        text = self._text(prompt)
        code = self.module.first.encode(z0, text)[0][0].double().cpu().numpy()
        plan = self.plan(prompt, seed, frames, sliders, timeline, start_latent=z0[0], base_code=code)
        plan.values = {"still": "encoded"}
        return plan

    def animate(self, image: np.ndarray, prompt: str = "", seed: int = 0, frames: int | None = None,
                sliders: dict | None = None, timeline: TimelineSpec | None = None) -> np.ndarray:
        return self.render(self.plan_animation(image, prompt, seed, frames, sliders, timeline))

    @torch.inference_mode()
    def reconstruct(self, clip: np.ndarray) -> np.ndarray:
        """uint8 (T, H, W, 3) in, the frame VAE's reconstruction out, same shape and dtype."""
        arr = np.asarray(clip)
        x = self._frames_in(arr, crop=False)
        y = torch.cat([self.module.decoder(self.module.encode(x[i:i + 1])) for i in range(len(x))])
        h, w = arr.shape[1:3]
        y = F.interpolate(y, size=(h, w), mode="bicubic", align_corners=False) if (h, w) != y.shape[2:] else y
        return np.ascontiguousarray(y.clamp(0, 1).mul(255).add(0.5).to(torch.uint8).permute(0, 2, 3, 1).cpu().numpy())
