"""Footage models: tiny ones trained for a few steps on the shared real clips (CPU)."""
import json

import numpy as np
import pytest

from studio.engine import load_model
from studio.engine.footage.evaluate import histogram, motion, psnr, sharpness
from studio.engine.train import TrainConfig, run_training
from studio.engine.trajectory import Key, TimelineSpec


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    from conftest import REAL_DATA
    if not REAL_DATA.is_dir():
        pytest.skip(f"the real clips folder {REAL_DATA} is absent")
    out = tmp_path_factory.mktemp("footage") / "tiny"
    cfg = TrainConfig(data=str(REAL_DATA), family="vae", out=str(out), steps=100, batch=4, frames=8,
                      tiny=True, resolution=32, lr=4e-3, sample_every=50, seed=1)
    run_training(cfg, log=lambda *_: None)
    return out


def _log(folder, key):
    return [json.loads(x)[key] for x in (folder / "train" / "log.jsonl").read_text().splitlines()]


def test_the_loss_goes_down(tiny):
    l1 = _log(tiny, "l1")
    assert np.mean(l1[-10:]) < 0.6 * np.mean(l1[:5])


def test_reconstruction_keeps_the_shape_and_beats_the_mean_frame(tiny, real_data):
    from studio.engine.footage.reading import read_video
    m = load_model(str(tiny), "cpu")
    for name in ("bikes.mp4", "carphone_pristine.mp4"):
        frames, _ = read_video(real_data / name, 32)
        clip = frames[::10][:12]
        rec = m.reconstruct(clip)
        assert rec.shape == clip.shape and rec.dtype == np.uint8
        mean = np.broadcast_to(frames.mean(0).round().astype(np.uint8), clip.shape)
        assert psnr(rec, clip) > psnr(mean, clip) + 0.3, name
    odd = np.random.default_rng(0).integers(0, 255, (3, 40, 70, 3), dtype=np.uint8)   # not square, not 32 px
    assert m.reconstruct(odd).shape == odd.shape


def test_a_generated_clip_moves_and_is_reproducible(tiny):
    m = load_model(str(tiny), "cpu")
    clip = m.generate(m.captions[0], seed=4, frames=24)
    assert clip.shape == (24, 32, 32, 3)
    assert motion(clip) > 0.2                            # not constant over time
    assert np.array_equal(clip, m.generate(m.captions[0], seed=4, frames=24))
    other = m.generate(m.captions[0], seed=5, frames=24)
    assert not np.array_equal(clip, other)               # two seeds differ
    plan = m.plan(m.captions[0], seed=4, frames=24)
    assert np.array_equal(m.render(plan, [20, 3]), clip[[20, 3]])   # a frame never depends on its company


def test_keys_loops_sliders_and_image_to_video(tiny):
    m = load_model(str(tiny), "cpu")
    assert [k for k in m.directions][:2] == ["sefa1", "sefa2"]
    spec = TimelineSpec(frames=32, fps=8, keys=[Key(0.0, {"sefa1": -2.0}, "linear", seed=3),
                                                Key(3.0, {"sefa1": 2.0}, seed=9)], loop=True, seed=3)
    clip = m.generate("a street", seed=3, timeline=spec).astype(np.float32)
    step = np.abs(np.diff(clip, axis=0)).mean(axis=(1, 2, 3))
    closing = np.abs(clip[-1] - clip[0]).mean()
    assert closing <= max(step[0], step[-1]) + 1e-6       # the seam is no bigger than the steps beside it
    plain = m.generate("a street", seed=3, timeline=TimelineSpec(frames=32, fps=8, loop=True, seed=3)).astype(np.float32)
    step = np.abs(np.diff(plain, axis=0)).mean(axis=(1, 2, 3))
    assert np.abs(plain[-1] - plain[0]).mean() <= 2 * np.median(step)    # the last frame flows into the first
    a = m.generate("a street", seed=3, sliders={"sefa1": -3}, frames=4)
    b = m.generate("a street", seed=3, sliders={"sefa1": 3}, frames=4)
    assert np.abs(a.astype(int) - b.astype(int)).mean() > 1       # the slider changes the picture
    still = m.generate("a street", seed=1, frames=1)[0]
    anim = m.animate(still, "a street", seed=2, frames=12)
    assert anim.shape == (12, 32, 32, 3)
    assert psnr(anim[0], m.reconstruct(still[None])[0]) > 30      # it starts from the still


def test_the_card_and_the_prompt_words(tiny):
    card = json.loads((tiny / "model.json").read_text())
    assert card["kind"] == "footage" and card["conditioning"] == "sentence"
    assert card["data"]["captions"] == ["bikes", "carphone pristine"]
    assert [s[0] for s in card["data"]["skipped"]] == ["corrupted.mp4"]
    m = load_model(str(tiny), "cpu")
    assert m.parse("bikes riding past a dragon").unknown == ["riding", "past", "a", "dragon"]


def test_measures():
    flat = np.full((4, 16, 16, 3), 128, np.uint8)
    noisy = np.random.default_rng(0).integers(0, 255, (4, 16, 16, 3), dtype=np.uint8)
    assert sharpness(flat) == 0 and sharpness(noisy) > 1000
    assert motion(flat) == 0 and motion(noisy) > 50
    assert histogram(flat).sum() == pytest.approx(1) and histogram(flat).max() == pytest.approx(1)
    assert psnr(flat, flat) == 99.0


def test_a_footage_gan_fine_tunes_the_vae_and_ships_the_generator(tiny, tmp_path):
    from conftest import REAL_DATA
    out = tmp_path / "gan"
    cfg = TrainConfig(data=str(REAL_DATA), family="gan", out=str(out), steps=4, batch=4, frames=8, tiny=True,
                      resolution=32, lr=1e-4, sample_every=0, seed=1, init_from=str(tiny))
    run_training(cfg, log=lambda *_: None)
    card = json.loads((out / "model.json").read_text())
    assert card["family"] == "gan" and card["kind"] == "footage"
    assert {"d_frame", "d_time", "g"} <= set(json.loads((out / "train" / "log.jsonl").read_text().splitlines()[-1]))
    m = load_model(str(out), "cpu")
    vae = load_model(str(tiny), "cpu")
    clip = m.generate(m.captions[0], seed=2, frames=6)
    assert clip.shape == (6, 32, 32, 3) and not np.array_equal(clip, vae.generate(m.captions[0], seed=2, frames=6))
    same = lambda part: all(__import__("torch").equal(x, y) for x, y in
                            zip(getattr(m.module, part).parameters(), getattr(vae.module, part).parameters()))
    assert same("encoder") and same("first") and same("motion") and not same("decoder")   # only the decoder learns
    with pytest.raises(Exception, match="footage VAE"):
        run_training(TrainConfig(data=str(REAL_DATA), family="gan", out=str(tmp_path / "x"), steps=1, tiny=True,
                                 resolution=32, frames=8), log=lambda *_: None)


@pytest.mark.skipif(not __import__("torch").cuda.is_available(), reason="needs a CUDA GPU")
def test_a_footage_step_and_a_clip_on_cuda(tmp_path):
    """Run whenever a GPU is lent: one bf16-autocast training step and a generated clip on cuda."""
    import torch

    from studio.engine.footage.config import FootageConfig
    from studio.engine.footage.network import FootageVAE
    m = FootageVAE(FootageConfig()).cuda()
    clip = torch.rand(4, 8, 3, 64, 64, device="cuda")
    with torch.autocast("cuda", dtype=torch.bfloat16):
        out = m.losses(clip, torch.randn(4, 384, device="cuda"))
    out["loss"].backward()
    assert torch.isfinite(out["loss"]) and all(p.grad is not None for p in m.encoder.parameters())
