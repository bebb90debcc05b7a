"""Layered video decoder shared by the VAE and the GAN.

A clip is a background layer plus one object layer, MoCoGAN-style split into content (one code
per clip: background, sprite, colour) and motion (a recurrent path of the object's centre and
scale, one step per frame, that runs for any number of frames). Each branch reads only the
attribute groups it needs, which is what lets unseen combinations compose.

Frame t = background * (1 - alpha_t) + colour * alpha_t, where alpha_t is the sprite placed by
the motion path with a differentiable affine warp.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..layered_groups import group_slices
from ..world.attributes import GROUPS

SPRITE_DIAMETER = 24.0      # the canonical sprite's object diameter in pixels at scale 1
EDGE_RAMP_PX = 1.2          # native rendering: the alpha edge's 10-90% ramp, in output pixels


def _edge_gain(logit: torch.Tensor) -> torch.Tensor:
    """(B,) per sprite: the logit's steepness across its edge, inverted: multiplied by output pixels
    per sprite pixel it gives the sharpening that makes the ramp EDGE_RAMP_PX wide (never below 1:
    native rendering never blurs more than the model does). Summed in numpy, in float64: a torch
    reduction's order depends on the calling thread's thread count, and the pixels must not."""
    lg = logit[:, 0].detach().double().cpu().numpy()
    gy, gx = np.gradient(lg, axis=(1, 2))
    g = np.sqrt(gx ** 2 + gy ** 2)
    edge = np.abs(lg) < 2
    count = edge.sum((1, 2))
    steep = np.where(count > 0, (g * edge).sum((1, 2)) / np.maximum(count, 1), 6.0).clip(min=0.5)
    return torch.from_numpy(RAMP_UNITS / (EDGE_RAMP_PX * steep)).to(logit.dtype).to(logit.device)


def _upsample(img: torch.Tensor, res: int) -> torch.Tensor:
    """Bilinear resize of (N, C, H, W) to res x res (as F.interpolate, align_corners=False) from
    gathers, products and sums only: F.interpolate's last bit depends on the calling thread's
    thread count, and a frame's pixels must not."""
    def axis(size: int):
        src = ((torch.arange(res, dtype=torch.float64) + 0.5) * (size / res) - 0.5).clamp(min=0)
        i0 = src.floor().long().clamp(max=size - 1)
        return i0.to(img.device), (i0 + 1).clamp(max=size - 1).to(img.device), (src - i0).to(img.dtype).to(img.device)
    y0, y1, wy = axis(img.shape[2])
    x0, x1, wx = axis(img.shape[3])
    rows = img[:, :, y0] * (1 - wy)[:, None] + img[:, :, y1] * wy[:, None]
    return rows[..., x0] * (1 - wx) + rows[..., x1] * wx


RAMP_UNITS = 2 * 4 / 3      # _smooth_step goes from 10% to 90% over this many units


def _smooth_step(x: torch.Tensor) -> torch.Tensor:
    """An S-curve from 0 to 1 made of +, *, / and sqrt only, which IEEE rounds exactly: torch's
    vectorised exp (inside sigmoid) and its scalar one can differ in the last bit, and which one a
    pixel gets depends on how the frame is split over threads; the pixels must not."""
    return 0.5 + 0.5 * x / torch.sqrt(1 + x * x)



@dataclass
class DecoderConfig:
    cond_dim: int = sum(len(v) for v in GROUPS.values())
    text_dim: int = 0            # >0: every branch also reads a sentence embedding (footage models)
    z_content: int = 8
    z_motion: int = 4
    emb: int = 64
    hidden: int = 96
    channels: int = 32
    sprite_res: int = 32
    res: int = 64
    flat_color: bool = True      # object colour from the colour branch (shapes) or a sprite texture
    torus_state: bool = False    # the motion GRU reads the centre as a point on the torus canvas (sin, cos
                                 # of pi * x, y): its input stays in range however far the path has run
    branches: dict = field(default_factory=lambda: {
        "background": ["background"], "sprite": ["shape"], "color": ["color"],
        "motion": ["motion", "speed", "size"]})


def _up_block(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(cin, cout, 3, padding=1),
                         nn.GroupNorm(4, cout), nn.SiLU())


class ConvDecoder2d(nn.Module):
    """vector -> (out_ch, res, res) image with a 4x4 seed and nearest-upsample conv blocks."""

    def __init__(self, din: int, ch: int, res: int, out_ch: int):
        super().__init__()
        self.ch = ch
        self.fc = nn.Sequential(nn.Linear(din, 128), nn.SiLU(), nn.Linear(128, ch * 16))
        blocks, r = [], 4
        while r < res:
            blocks.append(_up_block(ch, ch))
            r *= 2
        self.blocks = nn.Sequential(*blocks)
        self.out = nn.Conv2d(ch, out_ch, 3, padding=1)

    def forward(self, v: torch.Tensor) -> torch.Tensor:
        x = self.fc(v).view(-1, self.ch, 4, 4)
        return self.out(self.blocks(x))


class LayeredDecoder(nn.Module):
    def __init__(self, cfg: DecoderConfig):
        super().__init__()
        self.cfg = cfg
        sl = group_slices()
        self._idx = {b: torch.cat([torch.arange(*sl[g]) for g in groups]) for b, groups in cfg.branches.items()}
        for b, idx in self._idx.items():
            self.register_buffer(f"idx_{b}", idx, persistent=False)
        width = {b: len(idx) + cfg.text_dim for b, idx in self._idx.items()}
        self.background = ConvDecoder2d(width["background"], cfg.channels, cfg.res // 4, 3)   # smooth: 16x16
        self.sprite = ConvDecoder2d(width["sprite"], cfg.channels, cfg.sprite_res, 4)
        self.color = nn.Sequential(nn.Linear(width["color"], cfg.emb), nn.SiLU(), nn.Linear(cfg.emb, 3))
        m_in = width["motion"]
        self.motion_emb = nn.Sequential(nn.Linear(m_in, cfg.emb), nn.SiLU(), nn.Linear(cfg.emb, cfg.emb))
        # start state: centre = a(e) + b(e) * tanh(z[:2]) keeps every prior sample inside the range the
        # motion needs; the start scale depends on the attributes only
        self.start = nn.Sequential(nn.Linear(cfg.emb, cfg.hidden), nn.SiLU(), nn.Linear(cfg.hidden, 5))
        self.h0 = nn.Sequential(nn.Linear(cfg.emb + cfg.z_content, cfg.hidden), nn.SiLU(),
                                nn.Linear(cfg.hidden, cfg.hidden))
        self.rnn = nn.GRUCell(cfg.emb + cfg.z_motion + (5 if cfg.torus_state else 3), cfg.hidden)
        # the distribution content codes are drawn from at generation: N(0, I) until `fit_content_prior`
        # replaces it with a Gaussian fitted to the codes the decoder was trained on (ex-post density estimation)
        # one Gaussian per motion value for attribute models (where an object starts depends on how it moves)
        k = len(GROUPS["motion"]) if cfg.text_dim == 0 else 1
        self.register_buffer("z_mean", torch.zeros(k, cfg.z_content))
        self.register_buffer("z_chol", torch.eye(cfg.z_content).repeat(k, 1, 1))
        self.step = nn.Sequential(nn.Linear(cfg.hidden, cfg.hidden), nn.SiLU(), nn.Linear(cfg.hidden, 3))

    def _prior_index(self, cond: torch.Tensor | None, n: int) -> torch.Tensor:
        if self.z_mean.shape[0] == 1 or cond is None:
            return torch.zeros(n, dtype=torch.long)
        a, b = group_slices()["motion"]
        return cond[:, a:b].argmax(1).cpu()

    def sample_content(self, n: int, gen: torch.Generator | None = None, device=None, cond=None) -> torch.Tensor:
        eps = torch.randn(n, self.cfg.z_content, generator=gen, device=device)
        k = self._prior_index(cond, n)
        mean, chol = self.z_mean[k].to(eps.device), self.z_chol[k].to(eps.device)
        return mean + (chol @ eps.unsqueeze(-1)).squeeze(-1)

    @torch.no_grad()
    def fit_content_prior(self, codes: torch.Tensor, cond: torch.Tensor | None = None) -> None:
        """codes (N, z_content): the trained-on content codes, with their conditioning; fits one
        full-covariance Gaussian per motion value (ex-post density estimation)."""
        k = self._prior_index(cond, len(codes))
        eye = 1e-4 * torch.eye(codes.shape[1], device=codes.device)
        for i in range(self.z_mean.shape[0]):
            c = codes[k == i] if (k == i).sum() > codes.shape[1] else codes
            mean = c.mean(0)
            self.z_mean[i] = mean
            self.z_chol[i] = torch.linalg.cholesky(torch.cov((c - mean).T) + eye)

    def branch_input(self, name: str, cond: torch.Tensor, text: torch.Tensor | None) -> torch.Tensor:
        x = cond.index_select(1, getattr(self, f"idx_{name}"))
        return torch.cat([x, text], 1) if text is not None and self.cfg.text_dim else x

    CONTENT_BRANCHES = ("background", "sprite", "color")

    def content(self, cond, text=None):
        """Per-clip layers: background (B,3,H,W), sprite alpha (B,1,s,s), object rgb (B,3,s,s)."""
        out = {b: self.branch_layer(b, self.branch_input(b, cond, text)) for b in self.CONTENT_BRANCHES}
        return self.assemble(out["background"], out["sprite"], out["color"])

    def branch_layer(self, name: str, x: torch.Tensor):
        """One content branch's output for its own input (`branch_input`): each branch reads only its
        attribute groups, so a latent change outside them (a size or speed key, a colour drive for the
        sprite) leaves that branch's output as it was, and a caller can keep it."""
        if name == "background":
            bg = torch.sigmoid(self.background(x))
            return F.interpolate(bg, size=(self.cfg.res, self.cfg.res), mode="bilinear", align_corners=False)
        if name == "sprite":
            sp = self.sprite(x)
            return torch.sigmoid(sp[:, :1]), (None if self.cfg.flat_color else torch.sigmoid(sp[:, 1:]))
        if not self.cfg.flat_color:
            return None
        first, _, last = self.color             # the module's own ops without its call overhead: a
        h = F.silu(F.linear(x, first.weight, first.bias))      # driven colour decodes one per frame
        return torch.sigmoid(F.linear(h, last.weight, last.bias))[:, :, None, None]

    @staticmethod
    def assemble(bg, sprite, color):
        alpha, texture = sprite
        rgb = texture if color is None else color.expand(-1, -1, alpha.shape[2], alpha.shape[3])
        return bg, alpha, rgb

    def _start_state(self, e, z_content):
        o = self.start(e)
        centre = o[:, :2] + F.softplus(o[:, 2:4]) * torch.tanh(z_content[:, :2])
        return torch.cat([centre, o[:, 4:5]], 1)

    def start_state(self, cond, z_content, text=None) -> torch.Tensor:
        """(B, 3): where the path starts: centre from the motion embedding and the content code, log-scale."""
        return self._start_state(self.motion_emb(self.branch_input("motion", cond, text)), z_content)

    def path(self, cond, z_content, z_motion, text=None, start: torch.Tensor | None = None,
             steps_cond: torch.Tensor | None = None) -> torch.Tensor:
        """Object state per frame (B,T,3): centre x, y in [-1,1] image units and log(diameter/24).
        `steps_cond` (B,T,cond_dim): the conditioning each step reads (a speed key changes how fast
        the object goes from that frame on); the start reads `cond`."""
        e = self.motion_emb(self.branch_input("motion", cond, text))
        state = self._start_state(e, z_content) if start is None else start
        h = self.first_hidden(e, z_content)
        T = z_motion.shape[1]
        if steps_cond is not None:
            B = steps_cond.shape[0]
            flat = steps_cond.reshape(B * T, -1)
            tb = None if text is None else text.repeat_interleave(T, 0)
            e = self.motion_emb(self.branch_input("motion", flat, tb)).view(B, T, -1)
        states, _ = self.roll(e, z_motion, state, h)
        return states

    def first_hidden(self, e: torch.Tensor, z_content: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.h0(torch.cat([e, z_content], 1)))

    def roll(self, e: torch.Tensor, z_motion: torch.Tensor, state: torch.Tensor, h: torch.Tensor):
        """The GRU from `state` and hidden `h` over z_motion's T frames (frame 0 is `state`): ((B,T,3)
        states, the last hidden). `e`: the motion embedding (B, emb), or one per frame (B, T, emb)."""
        states = [state]
        for t in range(1, z_motion.shape[1]):
            et = e if e.dim() == 2 else e[:, t]
            h = self.rnn(torch.cat([et, z_motion[:, t], self._state_input(state)], 1), h)
            state = state + 0.1 * self.step(h)
            states.append(state)
        return torch.stack(states, 1), h

    def _state_input(self, state: torch.Tensor) -> torch.Tensor:
        if not self.cfg.torus_state:
            return state
        ang = math.pi * state[:, :2]
        return torch.cat([torch.sin(ang), torch.cos(ang), state[:, 2:]], 1)

    def compose(self, bg, alpha, rgb, states, torus: bool = False, res: int | None = None) -> torch.Tensor:
        """(B,T,3,H,W) frames in [0,1] from the layers and the path. `torus`: the canvas wraps, so an
        object crossing an edge shows on both sides (long clips wrap their translations).

        `res`: draw at this size instead of the model's own (native rendering for export): the
        background is resampled, and the sprite's alpha is resampled as a logit (bicubic) and
        sharpened so that its edge ramp stays about one output pixel wide, however large the object
        is drawn. At the model's own size the result is exactly the model's."""
        B, T = states.shape[:2]
        res = int(res or self.cfg.res)
        native = res != self.cfg.res
        s = states.reshape(B * T, 3)
        # exp in float64, then float32: a vectorised exp and the scalar one for a batch's tail can
        # differ in the last bit, which would make a frame's pixels depend on the frames drawn with it
        half = (torch.exp(s[:, 2].double()) * (self.cfg.sprite_res / SPRITE_DIAMETER)
                * (SPRITE_DIAMETER / self.cfg.res)).to(s.dtype)
        if native:
            bg = _upsample(bg, res)
            logit = torch.logit(alpha.clamp(1e-6, 1 - 1e-6))
            gain = (_edge_gain(logit).repeat_interleave(T) * half * res / self.cfg.sprite_res).clamp(min=1)
            alpha = logit
        layer = torch.cat([alpha, rgb], 1).unsqueeze(1).expand(-1, T, -1, -1, -1).reshape(B * T, 4, *alpha.shape[2:])

        def put(rows, x, y):                        # rows None: every frame
            lay, hf = (layer, half) if rows is None else (layer[rows], half[rows])
            if native:
                return self._place_native(lay, x, y, hf, res, gain if rows is None else gain[rows])
            placed = self._place(lay, x, y, hf, res)
            return placed[:, :1], placed[:, 1:] * placed[:, :1]

        a, ca = put(None, s[:, 0], s[:, 1])
        if torus:
            # every copy one canvas away (2 units) that reaches into the picture, both sides of each
            # axis (an object larger than the picture crosses both edges), laid *under* what is
            # already drawn: where an object meets its own copy it keeps its colour (adding the
            # copies made a pale band with hard edges where a large object overlapped itself)
            a, ca = a.clone(), ca.clone()
            for kx, ky in ((-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1)):
                x, y = s[:, 0] + 2 * kx, s[:, 1] + 2 * ky
                idx = ((x.abs() < 1 + half) & (y.abs() < 1 + half)).nonzero()[:, 0]
                if len(idx):
                    ea, eca = put(idx, x[idx], y[idx])
                    under = 1 - a[idx]
                    a[idx] = a[idx] + ea * under
                    ca[idx] = ca[idx] + eca * under
        frames = bg.unsqueeze(1) * (1 - a.view(B, T, 1, res, res)) + ca.view(B, T, 3, res, res)
        return frames

    @staticmethod
    def _grid(x, y, half, res, channels):
        theta = torch.zeros(len(x), 2, 3, device=x.device, dtype=x.dtype)
        theta[:, 0, 0] = 1 / half
        theta[:, 1, 1] = 1 / half
        theta[:, 0, 2] = -x / half
        theta[:, 1, 2] = -y / half
        return F.affine_grid(theta, (len(x), channels, res, res), align_corners=False)

    @classmethod
    def _place(cls, layer, x, y, half, res):
        grid = cls._grid(x, y, half, res, layer.shape[1])
        return F.grid_sample(layer, grid, mode="bilinear", padding_mode="zeros", align_corners=False)

    @staticmethod
    def _place_native(layer, x, y, half, res, gain):
        """layer: (N, 1 + 3, s, s) alpha logit and colour; gain (N,): the logit's sharpening. Only the
        pixels under each sprite are sampled (a 512 px frame is mostly background)."""
        n = len(x)
        a = torch.zeros(n, 1, res, res, device=x.device, dtype=layer.dtype)
        ca = torch.zeros(n, 3, res, res, device=x.device, dtype=layer.dtype)
        lo = ((torch.stack([x, y], 1) - half[:, None] + 1) * res / 2).floor().long().clamp(0, res).tolist()
        hi = ((torch.stack([x, y], 1) + half[:, None] + 1) * res / 2).ceil().long().clamp(0, res).tolist()
        for i in range(n):
            (x0, y0), (x1, y1) = lo[i], hi[i]
            if x1 <= x0 or y1 <= y0:
                continue
            gx = ((torch.arange(x0, x1, device=x.device, dtype=layer.dtype) + 0.5) * 2 / res - 1 - x[i]) / half[i]
            gy = ((torch.arange(y0, y1, device=x.device, dtype=layer.dtype) + 0.5) * 2 / res - 1 - y[i]) / half[i]
            grid = torch.stack(torch.meshgrid(gx, gy, indexing="xy"), -1)[None]
            placed = F.grid_sample(layer[i:i + 1], grid, mode="bicubic", padding_mode="border", align_corners=False)
            inside = (grid.abs() <= 1).all(-1)[:, None]
            alpha = _smooth_step(placed[:, :1] * gain[i]) * inside
            a[i:i + 1, :, y0:y1, x0:x1] = alpha
            ca[i:i + 1, :, y0:y1, x0:x1] = placed[:, 1:].clamp(0, 1) * alpha
        return a, ca

    def forward(self, cond, z_content, z_motion, text=None, start=None):
        bg, alpha, rgb = self.content(cond, text)
        states = self.path(cond, z_content, z_motion, text, start)
        return self.compose(bg, alpha, rgb, states), states
