"""`studio bench`: speed and memory figures, measured in this run on this machine."""
from __future__ import annotations

import random
import statistics
import time

import numpy as np
import torch
from torch.utils.flop_counter import FlopCounterMode

BENCH_PROMPT = "a large red star moving right quickly on a sunset background"


def _median_ms(fn, repeat: int = 15, warmup: int = 3) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)


def matmul_gflops(n: int = 1024, repeat: int = 10) -> float:
    a, b = torch.randn(n, n), torch.randn(n, n)
    ms = _median_ms(lambda: a @ b, repeat)
    return 2 * n ** 3 / (ms / 1e3) / 1e9


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def run_bench(model_name: str, threads: int = 2, batch: int = 64) -> dict:
    """prompt_encoding_ms: the engine reading a prompt that holds two words it has never seen (MiniLM
    on those words, WordNet, the colour lexicon); prompt_encoding_known_words_ms: a prompt of
    vocabulary words; minilm_sentence_ms: a whole-sentence MiniLM forward (what footage models use)."""
    from . import load_model
    from .text.encoder import default_encoder
    torch.set_num_threads(threads)
    t0 = time.perf_counter()
    m = load_model(model_name, "auto")
    if getattr(m, "kind", "") == "footage":
        from .footage.bench import run_footage_bench
        return run_footage_bench(m, threads)
    enc = default_encoder()
    enc.encode(["warm up"])                  # the text encoder is loaded lazily; load it now
    m.generate(BENCH_PROMPT, 0, 16)
    load_s = time.perf_counter() - t0
    rng = random.Random(0)
    nrng = np.random.default_rng(0)
    from .text.lexicon import _wordnet
    pool = sorted(w for w in _wordnet()[0].all_lemma_names(pos="n") if w and w.isalpha() and w.islower() and 4 <= len(w) <= 10)
    unseen = iter(rng.sample(pool, 200))

    def novel(n: int) -> str:                # real English words the engine has not seen: no cache hit
        return " ".join(next(unseen) for _ in range(n))
    from .world.paraphrases import paraphrase
    from .world.sampler import random_attributes
    prompts = iter([paraphrase(random_attributes(nrng), nrng) for _ in range(40)])   # realistic and all distinct
    prompt_ms = _median_ms(lambda: enc.encode([next(prompts)]))
    # the engine's prompt encoding: the word-by-word reader; MiniLM runs only on words it has not seen
    parse_ms = _median_ms(lambda: m.parse(f"a crimson {novel(2)} gliding westward at dusk"))
    known_ms = _median_ms(lambda: m.parse(BENCH_PROMPT))
    clip_ms = _median_ms(lambda: m.generate(BENCH_PROMPT, 1, 16))
    from .trajectory import Key, TimelineSpec
    keyed = TimelineSpec(600, 8, {"sefa2": 0.5}, [Key(0.0, {"size": -1.0}, "ease-in-out", 3),
                                                  Key(40.0, {"size": 1.5, "color-blue": 1.0}, "linear", 9),
                                                  Key(74.0, {"color-blue": -1.0})], loop=True, seed=3)
    keyed_ms = _median_ms(lambda: m.generate(BENCH_PROMPT, 3, timeline=keyed), repeat=5, warmup=1)
    frame_ms = _median_ms(lambda: m.generate(BENCH_PROMPT, 1, 1))
    clip_plan = m.plan(BENCH_PROMPT, 1, 16)          # --scaling native: the model draws at export size
    native512_ms = _median_ms(lambda: m.render(clip_plan, size=512), repeat=7, warmup=1)
    native1080_ms = _median_ms(lambda: m.render(clip_plan, size=1080), repeat=5, warmup=1)
    dec = m.decoder
    plan = m.plan(BENCH_PROMPT, 0, 16)
    cond = plan.w[None, :-m.z_content].repeat(batch, 1).to(m.device)
    zc = torch.randn(batch, m.z_content, device=m.device)
    zm = torch.randn(batch, 16, dec.cfg.z_motion, device=m.device)
    text = m._text(BENCH_PROMPT)
    text = None if text is None else text.repeat(batch, 1)

    def batched():
        with torch.inference_mode():
            frames, _ = dec(cond, zc, zm, text)
            (frames.clamp(0, 1) * 255 + 0.5).to(torch.uint8)
    with FlopCounterMode(display=False) as fc:
        batched()
    flops = fc.get_total_flops()
    batch_ms = _median_ms(batched, repeat=5, warmup=1)
    fps = batch * 16 / (batch_ms / 1e3)
    mm = matmul_gflops()
    achieved = flops / (batch_ms / 1e3) / 1e9
    return {
        "model": m.name, "device": str(m.device), "threads": torch.get_num_threads(),
        "resolution": m.resolution,
        "clip_16_frames_ms": round(clip_ms, 2),
        "one_frame_ms": round(frame_ms, 2),
        "native_512_clip_16_frames_ms": round(native512_ms, 1),
        "native_1080_clip_16_frames_ms": round(native1080_ms, 1),
        "keyframed_600_frames_ms": round(keyed_ms, 1),
        "prompt_encoding_ms": round(parse_ms, 2),
        "prompt_encoding_known_words_ms": round(known_ms, 3),
        "minilm_sentence_ms": round(prompt_ms, 2),
        "batched_frames_per_s": round(fps, 1),
        "batched_batch_clips": batch,
        "model_flops_per_frame_M": round(flops / (batch * 16) / 1e6, 2),
        "model_achieved_gflops": round(achieved, 2),
        "matmul_gflops": round(mm, 1),
        "achieved_to_matmul_ratio": round(achieved / mm, 4),
        "load_seconds": round(load_s, 2),
        "rss_mb_model_and_text_encoder": round(rss_mb(), 1),
    }
