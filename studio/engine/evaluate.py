"""`studio eval`: does the model do what the prompt says? Measured by the project's analyzer.

Groups (medium and large objects, as the quality bar states):
  training    captions from the training caption generator, seen combinations
  paraphrase  wording from `world/paraphrases.py` (never used in training), seen combinations
  held_out    the combinations that training never showed
  stability   area variation over frames (motions that keep the size) and flicker
  diversity   attributes the prompt leaves open vary across seeds
plus image-to-video (VAE), the named directions, reproducibility and timings.
"""
from __future__ import annotations

import datetime
import math
import time
from pathlib import Path

import numpy as np

from .analyze import read_clip, torus_moves
from .world.attributes import GROUPS, Attributes, is_held_out, is_valid
from .world.captions import caption
from .world.paraphrases import paraphrase
from .world.painter import render_clip

BIG = ("medium", "large")
SCORED = ("color", "shape", "size", "motion", "speed", "background")


def _attrs(rng, held_out: bool) -> Attributes:
    while True:
        v = {g: vals[int(rng.integers(len(vals)))] for g, vals in GROUPS.items()}
        v["size"] = BIG[int(rng.integers(2))]
        a = Attributes(**v)
        if is_valid(a) and is_held_out(a) == held_out:
            return a


def _score(truth: Attributes, reading) -> dict:
    out = {}
    for g in SCORED:
        if g == "speed" and truth.motion == "still":
            continue
        if g == "size" and truth.motion in ("growing", "shrinking"):
            continue
        out[g] = getattr(reading, g) == getattr(truth, g)
    return out


def _accuracy(rows: list[dict]) -> dict:
    acc = {}
    for g in SCORED:
        vals = [r[g] for r in rows if g in r]
        if vals:
            acc[g] = round(float(np.mean(vals)), 4)
    acc["n"] = len(rows)
    return acc


def prompt_group(model, make_prompt, n: int, seed: int, held_out: bool = False, keep=None):
    rng = np.random.default_rng(seed)
    rows, times = [], []
    for i in range(n):
        a = _attrs(rng, held_out)
        prompt = make_prompt(a, rng)
        t = time.perf_counter()
        clip = model.generate(prompt, seed=seed * 100_000 + i, frames=16)
        times.append(time.perf_counter() - t)
        reading = read_clip(clip)
        rows.append(_score(a, reading))
        if keep is not None:
            keep.append((a, prompt, reading))
    return _accuracy(rows), float(np.mean(times) * 1e3)


def stability(kept) -> dict:
    cv = [r.area_cv for a, _, r in kept if a.motion not in ("growing", "shrinking") and not math.isnan(r.area_cv)]
    fl = [r.flicker for _, _, r in kept if not math.isnan(r.flicker)]
    return {"area_cv_mean": round(float(np.mean(cv)), 4), "area_cv_p90": round(float(np.percentile(cv, 90)), 4),
            "flicker_rate": round(float(np.mean(fl)), 4), "n": len(cv)}


DIVERSITY_PROMPTS = ["a circle moving left", "a red star", "something bouncing", "a large square on a sunset",
                     "a green triangle orbiting", "a shape", "a blue shape growing on a black background",
                     "a small star staying still"]


def diversity(model, seeds: int = 8) -> dict:
    hits, total = 0, 0
    detail = {}
    for p in DIVERSITY_PROMPTS:
        open_groups = [g for g, v in model.parse(p).values.items() if v is None and g in ("color", "shape", "background")]
        readings = [read_clip(model.generate(p, seed=s, frames=16)) for s in range(seeds)]
        varied = {g: len({getattr(r, g) for r in readings}) for g in open_groups}
        detail[p] = varied
        hits += sum(v >= 2 for v in varied.values())
        total += len(varied)
    return {"open_attributes_that_vary": round(hits / max(total, 1), 4), "seeds": seeds, "detail": detail}


def reproducibility(model) -> dict:
    p = "a large pink star moving left quickly on a night background"
    a, b = model.generate(p, seed=5), model.generate(p, seed=5)
    c = model.generate(p, seed=6)
    return {"same_seed_identical": bool(np.array_equal(a, b)),
            "other_seed_mean_abs_diff": round(float(np.abs(a.astype(float) - c.astype(float)).mean()), 3)}


def directions(model, trials: int = 40, seed: int = 3) -> dict:
    if not {"size", "speed"} <= set(model.directions):
        return {"skipped": "the model has no size/speed directions"}
    rng = np.random.default_rng(seed)
    size_ratios, speed_ratios, kept = [], [], []
    for i in range(trials):
        a = _attrs(rng, False)
        a = Attributes(a.color, a.shape, "medium", ("left", "right", "up", "down")[i % 4], "slow", a.background)
        prompt = caption(a, rng)
        lo = read_clip(model.generate(prompt, seed=i, sliders={"size": -2}))
        hi = read_clip(model.generate(prompt, seed=i, sliders={"size": 2}))
        size_ratios.append(hi.diameter / max(lo.diameter, 1e-6))
        slo = read_clip(model.generate(prompt, seed=i, sliders={"speed": -2}))
        shi = read_clip(model.generate(prompt, seed=i, sliders={"speed": 2}))
        speed_ratios.append(shi.mean_speed / max(slo.mean_speed, 1e-6))
        kept += [all(getattr(r, g) == getattr(a, g) for g in ("color", "shape", "motion")) for r in (lo, hi, slo, shi)]
    return {"size_diameter_ratio_median": round(float(np.nanmedian(size_ratios)), 3),
            "speed_ratio_median": round(float(np.nanmedian(speed_ratios)), 3),
            "attributes_kept": round(float(np.mean(kept)), 4), "trials": trials}


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(((a.astype(np.float64) - b.astype(np.float64)) ** 2).mean())
    return 99.0 if mse == 0 else 10 * math.log10(255 ** 2 / mse)


def image_to_video(model, n: int = 120, seed: int = 9) -> dict:
    if model.family != "vae" or model.text_conditioned:
        return {"skipped": "image-to-video needs a shapes VAE"}
    rng = np.random.default_rng(seed)
    psnrs, moved, kept_color = [], [], []
    motions = GROUPS["motion"]
    for i in range(n):
        a = _attrs(rng, bool(i % 4 == 0))
        still = render_clip(a, 50_000_000 + i, 1)[0][0]     # seeds far from the training stream
        target = motions[i % len(motions)]
        speed = GROUPS["speed"][i % 2]
        prompt = f"{'staying still' if target == 'still' else ('moving ' + target if target in ('left', 'right', 'up', 'down') else target)} {'' if target == 'still' else speed}"
        clip = model.animate(still, prompt.strip(), seed=i, frames=16)
        psnrs.append(psnr(clip[0], still))
        r = read_clip(clip)
        moved.append(r.motion == target)
        kept_color.append(r.color == a.color)
    return {"first_frame_psnr_db_mean": round(float(np.mean(psnrs)), 2),
            "first_frame_psnr_db_p10": round(float(np.percentile(psnrs, 10)), 2),
            "first_frame_at_least_25db": round(float(np.mean(np.array(psnrs) >= 25)), 4),
            "moves_as_prompted": round(float(np.mean(moved)), 4),
            "color_kept": round(float(np.mean(kept_color)), 4), "n": n}


WINDOW = 16                 # long clips are read in windows of the training length (start, middle, end)
GROWTH = ("growing", "shrinking")


def _windows(frames: int) -> list[slice]:
    if frames <= WINDOW:
        return [slice(0, frames)]
    mid = frames // 2 - WINDOW // 2
    return [slice(0, WINDOW), slice(mid, mid + WINDOW), slice(frames - WINDOW, frames)]


def long_motion_right(clip: np.ndarray, motion: str) -> bool:
    """Does a clip of any length show `motion` all along? Each window (start, middle, end) must read
    it. Growth is the exception: the world's growth stops at its limit (SHAPES_WORLD: a scale change
    of at least 2x across the clip), so the first window must read it and the object's area over
    the last window must have changed at least 1.7x from the first frame's, the analyzer's own ratio."""
    reads = [read_clip(clip[w]) for w in _windows(len(clip))]
    if motion not in GROWTH:
        return all(r.motion == motion for r in reads)
    first, last = reads[0], reads[-1]
    if first.motion != motion or not first.areas or not last.areas:
        return False
    ratio = float(np.mean(last.areas)) / max(first.areas[0], 1e-6)
    return ratio > 1.7 if motion == "growing" else ratio < 1 / 1.7


def _seam(clip: np.ndarray) -> float | None:
    """A loop's seam (last frame to first) over the median step between frames, both in centroid
    pixels on the wrapping canvas; None where the object is not found."""
    pts = read_clip(clip).path
    if len(pts) != len(clip) or any(p is None for p in pts):
        return None
    steps = np.linalg.norm(torus_moves(np.array(pts + pts[:1], dtype=np.float64), clip.shape[1]), axis=1)
    return float(steps[-1] / max(np.median(steps[:-1]), 0.5))


def long_motion(model, lengths=(16, 64, 600), per_motion: int = 6, seed: int = 23) -> dict:
    """Motion read right at each length (captions of the training kind, medium and large objects,
    every motion alike), and seamless loops of 64 frames: the share read right and the median seam."""
    from .trajectory import TimelineSpec
    if model.family not in ("vae", "gan") or model.text_conditioned:
        return {"skipped": "long motion is measured on shapes models"}
    out = {}
    motions = GROUPS["motion"]
    for frames in lengths:
        rng = np.random.default_rng([seed, frames])
        right = {m: [] for m in motions}
        for i in range(per_motion * len(motions)):
            m = motions[i % len(motions)]
            a = _attrs_with(rng, motion=m)
            clip = model.generate(caption(a, rng), seed=seed * 1000 + i, frames=frames)
            right[m].append(long_motion_right(clip, m))
        out[str(frames)] = {"motion": round(float(np.mean([v for vs in right.values() for v in vs])), 4),
                            "by_motion": {m: round(float(np.mean(v)), 3) for m, v in right.items()},
                            "n": per_motion * len(motions)}
    rng = np.random.default_rng([seed, 1])
    loops, seams = [], []
    for i in range(per_motion * len(motions)):
        m = motions[i % len(motions)]
        a = _attrs_with(rng, motion=m)
        clip = model.generate(caption(a, rng), seed=seed * 1000 + i, timeline=TimelineSpec(64, model.fps, {}, [], loop=True,
                                                                                            seed=seed * 1000 + i))
        loops.append(long_motion_right(clip, m) if m not in GROWTH else read_clip(clip[:WINDOW]).motion == m)
        seam = _seam(clip)
        if seam is not None and m != "still":
            seams.append(seam)
    out["loop_64"] = {"motion": round(float(np.mean(loops)), 4), "seam_over_median_step": round(float(np.median(seams)), 2),
                      "seam_over_median_step_p90": round(float(np.percentile(seams, 90)), 2), "n": len(loops)}
    return out


def _attrs_with(rng, **fixed) -> Attributes:
    while True:
        a = _attrs(rng, False)
        a = Attributes(**{**a.as_dict(), **fixed})
        if is_valid(a) and not is_held_out(a):
            return a


def evaluate_model(name: str, prompts_file: str | None = None, per_group: int = 216, device: str = "auto",
                   write_card: bool = True) -> dict:
    from . import load_model
    model = load_model(name, device)
    t0 = time.perf_counter()
    report: dict = {"model": model.name, "per_group": per_group}
    kept: list = []
    report["training"], ms = prompt_group(model, caption, per_group, 1, keep=kept)
    report["paraphrase"], _ = prompt_group(model, paraphrase, per_group, 2)
    report["held_out"], _ = prompt_group(model, caption, per_group, 3, held_out=True)
    report["held_out_paraphrase"], _ = prompt_group(model, paraphrase, per_group, 4, held_out=True)
    report["stability"] = stability(kept)
    report["diversity"] = diversity(model)
    report["reproducibility"] = reproducibility(model)
    report["directions"] = directions(model)
    report["image_to_video"] = image_to_video(model)
    report["long_motion"] = long_motion(model)
    if prompts_file:
        lines = [ln.strip() for ln in Path(prompts_file).read_text(encoding="utf-8").splitlines() if ln.strip()]
        report["prompts_file"] = {"n": len(lines), "unknown_words": sorted({w for p in lines
                                                                           for w in model.parse(p).unknown})}
    report["generate_ms_mean"] = round(ms, 2)
    report["eval_seconds"] = round(time.perf_counter() - t0, 1)
    report["date"] = datetime.date.today().isoformat()
    if write_card:
        record_eval(model, report)
    return report


def record_eval(model, report: dict) -> None:
    """Writes an evaluation report into the model's card (metrics.eval)."""
    from .modelio import update_card
    metrics = dict(model.card.get("metrics", {}))
    metrics["eval"] = report
    update_card(model.folder, metrics=metrics)


def format_report(r: dict) -> str:
    lines = [f"model {r['model']}  ({r['per_group']} prompts per group, {r['eval_seconds']} s)"]
    for g in ("training", "paraphrase", "held_out", "held_out_paraphrase"):
        acc = r[g]
        lines.append(f"  {g:20s} " + "  ".join(f"{k} {v:.0%}" for k, v in acc.items() if k != "n"))
    for k in ("stability", "diversity", "reproducibility", "directions", "image_to_video", "long_motion"):
        if k not in r:
            continue
        v = {kk: vv for kk, vv in r[k].items() if kk != "detail"}
        lines.append(f"  {k:20s} {v}")
    lines.append(f"  generate_ms_mean     {r['generate_ms_mean']}")
    return "\n".join(lines)
