"""`studio bench --model FOOTAGE_MODEL`: a footage model's speed figures, and the speed of one
footage training step (frames per second, achieved GFLOP/s against a plain matmul)."""
from __future__ import annotations

import time

import torch
from torch.utils.flop_counter import FlopCounterMode

from ..bench import _median_ms, matmul_gflops, rss_mb
from ..trajectory import Key, TimelineSpec
from .config import FootageConfig
from .network import LATENT_CLIPS, LATENT_STEPS, PIXEL_FRAMES, FootageVAE


def training_step(cfg: FootageConfig | None = None, batch: int = 8, frames: int = 16, repeat: int = 5) -> dict:
    """One joint training step (forward, backward, Adam) of the footage VAE at its default size."""
    cfg = cfg or FootageConfig()
    torch.manual_seed(0)
    m = FootageVAE(cfg).train()
    opt = torch.optim.Adam(m.parameters(), 1e-3)
    clip = torch.rand(batch, frames, 3, cfg.res, cfg.res)
    text = torch.randn(batch, cfg.text_dim)

    def step():
        out = m.losses(clip, text)
        opt.zero_grad(set_to_none=True)
        out["loss"].backward()
        opt.step()
    with FlopCounterMode(display=False) as fc:
        step()
    ms = _median_ms(step, repeat=repeat, warmup=1)
    mm = matmul_gflops()
    achieved = fc.get_total_flops() / (ms / 1e3) / 1e9
    pixel_frames = batch * PIXEL_FRAMES
    return {"footage_train_step_ms": round(ms, 1),
            "footage_train_pixel_frames_per_s": round(pixel_frames / (ms / 1e3), 1),
            "footage_train_frames_encoded_per_s": round((pixel_frames + LATENT_CLIPS * LATENT_STEPS) / (ms / 1e3), 1),
            "footage_train_step_gflop": round(fc.get_total_flops() / 1e9, 2),
            "footage_train_achieved_gflops": round(achieved, 2),
            "matmul_gflops": round(mm, 1),
            "footage_train_achieved_to_matmul_ratio": round(achieved / mm, 3)}


def run_footage_bench(m, threads: int) -> dict:
    torch.set_num_threads(threads)
    prompt = m.captions[0] if m.captions else "a street"
    m.generate(prompt, 0, 16)
    keyed = TimelineSpec(600, 8, {}, [Key(0.0, {"sefa1": -1.0}, "ease-in-out", 3), Key(40.0, {"sefa1": 1.5}, "linear", 9)],
                         loop=True, seed=3)
    plan = m.plan(prompt, 1, 16)
    t0 = time.perf_counter()
    out = {"model": m.name, "kind": "footage", "device": str(m.device), "threads": torch.get_num_threads(),
           "resolution": m.resolution,
           "clip_16_frames_ms": round(_median_ms(lambda: m.generate(prompt, 1, 16)), 2),
           "one_frame_ms": round(_median_ms(lambda: m.generate(prompt, 1, 1)), 2),
           "plan_16_frames_ms": round(_median_ms(lambda: m.plan(prompt, 1, 16)), 2),
           "decode_one_frame_ms": round(_median_ms(lambda: m.render(plan, [0])), 2),
           "keyframed_600_frames_ms": round(_median_ms(lambda: m.generate(prompt, 3, timeline=keyed), repeat=3, warmup=1), 1),
           "reconstruct_16_frames_ms": round(_median_ms(lambda: m.reconstruct(m.generate(prompt, 1, 16)), repeat=5), 1)}
    out.update(training_step(m.module.cfg))
    out["bench_seconds"] = round(time.perf_counter() - t0, 1)
    out["rss_mb"] = round(rss_mb(), 1)
    return out
