"""`studio eval` for a footage model: measured on its own footage, never with shapes metrics.

- reconstruction: PSNR of `reconstruct` on each video's held-out frames (its last 20%, which
  training never sees), at the model's resolution, averaged over the videos;
- sharpness: variance of the Laplacian of generated frames against the footage's own frames;
- motion: mean absolute frame-to-frame change (0..255) of generated clips at the training length
  and at 10x it, against each caption's footage; a clip "keeps moving" when its last 16 frames
  still change at least 20% as much as the footage does, and keeps at least half the footage's
  contrast (it has not frozen or drifted to grey);
- caption fidelity: whether the clip generated from a caption is nearer, in colour distribution
  (a normalised 8x8x8 RGB histogram, L1 distance), to that caption's footage than to any other's.
"""
from __future__ import annotations

import datetime
import math
import time
from pathlib import Path

import cv2
import numpy as np

from ...basics.errors import StudioError
from .data import FootageWindows, split
from .reading import read_folder

SEEDS = (0, 1, 2)
LONG = 10                    # long clips are this many times the training length


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(((a.astype(np.float64) - b.astype(np.float64)) ** 2).mean())
    return 99.0 if mse == 0 else 10 * math.log10(255 ** 2 / mse)


def sharpness(frames: np.ndarray) -> float:
    """Mean variance of the Laplacian of the frames' grey levels."""
    return float(np.mean([cv2.Laplacian(cv2.cvtColor(f, cv2.COLOR_RGB2GRAY), cv2.CV_64F).var() for f in frames]))


def motion(frames: np.ndarray) -> float:
    return float(np.abs(np.diff(frames.astype(np.float32), axis=0)).mean()) if len(frames) > 1 else 0.0


def contrast(frames: np.ndarray) -> float:
    return float(frames.reshape(len(frames), -1, 3).astype(np.float32).std(axis=1).mean())


def histogram(frames: np.ndarray) -> np.ndarray:
    h = cv2.calcHist([np.ascontiguousarray(frames.reshape(-1, frames.shape[-2], 3))], [0, 1, 2], None,
                     [8, 8, 8], [0, 256] * 3).ravel()
    return h / h.sum()


def data_folder(model, data: str | None) -> Path:
    """The footage the model was trained on: `data`, else the folder its card names (as given at
    training, relative to the working folder or to the project)."""
    given = data or model.card.get("data", {}).get("source")
    if not given:
        raise StudioError(f"{model.name} does not say which footage it learned; give --data DIR")
    for p in (Path(given), Path(__file__).resolve().parents[3] / given):
        if p.is_dir():
            return p
    raise StudioError(f"the footage of {model.name} ({given}) is not here; give --data DIR")


def evaluate_footage(model, data: str | None = None, write_card: bool = True) -> dict:
    from ..text.encoder import default_encoder
    t0 = time.perf_counter()
    folder = read_folder(data_folder(model, data), model.resolution)
    frames = model.default_frames
    stride = int(model.card.get("recipe", {}).get("stride", 2))
    src = FootageWindows(folder, 0, 1, frames, stride, default_encoder())
    held = src.held_out()
    recon = [psnr(model.reconstruct(c), c) for _, c in held]
    by_caption: dict[str, np.ndarray] = {}
    for v in folder.videos:
        part = v.frames[:split(len(v.frames))][::stride]
        by_caption[v.caption] = np.concatenate([by_caption[v.caption], part]) if v.caption in by_caption else part
    captions = sorted(by_caption)
    hists = {c: histogram(by_caption[c]) for c in captions}
    rows = []
    for cap in captions:
        real = by_caption[cap]
        real_motion, real_contrast = motion(real), contrast(real)
        for seed in SEEDS:
            clip = model.generate(cap, seed=seed, frames=frames * LONG)
            short, tail = clip[:frames], clip[-16:]
            dist = {c: float(np.abs(histogram(short) - hists[c]).sum()) for c in captions}
            rows.append({"caption": cap, "seed": seed,
                         "sharpness_ratio": sharpness(short) / max(sharpness(real), 1e-9),
                         "motion": motion(short), "motion_tail": motion(tail), "footage_motion": real_motion,
                         "keeps_moving": motion(tail) >= 0.2 * real_motion and contrast(tail) >= 0.5 * real_contrast,
                         "nearest": min(dist, key=dist.get)})
    per_caption = {}
    for cap in captions:
        mine = [r for r in rows if r["caption"] == cap]
        votes = [r["nearest"] == cap for r in mine]
        per_caption[cap] = {"sharpness_ratio": round(float(np.mean([r["sharpness_ratio"] for r in mine])), 3),
                            "motion": round(float(np.mean([r["motion"] for r in mine])), 2),
                            "motion_at_10x_tail": round(float(np.mean([r["motion_tail"] for r in mine])), 2),
                            "footage_motion": round(mine[0]["footage_motion"], 2),
                            "keeps_moving": all(r["keeps_moving"] for r in mine),
                            "nearest_own_footage": sum(votes) * 2 > len(votes)}
    report = {"model": model.name, "kind": "footage", "resolution": model.resolution,
              "reconstruction": {"psnr_db_mean": round(float(np.mean(recon)), 2),
                                 "psnr_db_min": round(float(np.min(recon)), 2), "held_out_videos": len(held),
                                 "held_out_frames": int(sum(len(c) for _, c in held))},
              "sharpness_ratio_mean": round(float(np.mean([r["sharpness_ratio"] for r in rows])), 3),
              "captions_that_keep_moving": sum(v["keeps_moving"] for v in per_caption.values()),
              "captions_nearest_own_footage": sum(v["nearest_own_footage"] for v in per_caption.values()),
              "captions": len(captions), "per_caption": per_caption, "seeds": list(SEEDS),
              "long_frames": frames * LONG, "eval_seconds": round(time.perf_counter() - t0, 1),
              "date": datetime.date.today().isoformat()}
    if write_card:
        from ..evaluate import record_eval
        record_eval(model, report)
    return report


def format_footage_report(r: dict) -> str:
    rec = r["reconstruction"]
    lines = [f"model {r['model']} (footage, {r['resolution']} px, {r['eval_seconds']} s)",
             f"  reconstruction of {rec['held_out_frames']} held-out frames ({rec['held_out_videos']} videos): "
             f"PSNR {rec['psnr_db_mean']} dB (mean of the videos; worst video {rec['psnr_db_min']} dB)",
             f"  generated sharpness vs footage: {r['sharpness_ratio_mean']:.0%}",
             f"  captions whose clips keep moving at {r['long_frames']} frames: {r['captions_that_keep_moving']} of {r['captions']}",
             f"  captions whose clip is nearest its own footage (colour): {r['captions_nearest_own_footage']} of {r['captions']}"]
    for cap, v in r["per_caption"].items():
        lines.append(f"    {cap[:44]:44s} sharp {v['sharpness_ratio']:.0%}  motion {v['motion']} "
                     f"(10x tail {v['motion_at_10x_tail']}, footage {v['footage_motion']})"
                     f"  moving {'yes' if v['keeps_moving'] else 'NO'}  own colours {'yes' if v['nearest_own_footage'] else 'NO'}")
    return "\n".join(lines)
