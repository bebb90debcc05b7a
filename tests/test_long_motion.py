"""Long motion from the model: the GRU trained on long world paths (long_motion.py) runs whole
600-frame clips and loops (model_path.py); read back in pixels by the analyzer."""
import numpy as np
import pytest
import torch

from studio.engine import load_model
from studio.engine.evaluate import long_motion_right
from studio.engine.long_motion import LongMotionConfig, path_error, to_torus, torus_error, train_long_motion, world_paths
from studio.engine.models.layered import DecoderConfig, LayeredDecoder
from studio.engine.trajectory import TimelineSpec


def test_the_torus_error_forgives_a_whole_canvas():
    target = torch.zeros(1, 4, 3)
    pred = target.clone()
    pred[..., 0] += 2.0
    assert float(torus_error(pred, target)) < 1e-10
    pred[..., 0] += 0.5
    assert abs(float(torus_error(pred, target)) - 0.25 / 2) < 1e-6         # x off by half a unit, y right


def test_training_on_long_paths_lowers_the_path_error_and_keeps_the_start():
    torch.manual_seed(0)
    dec = LayeredDecoder(DecoderConfig(emb=16, hidden=24, channels=8))
    torus = to_torus(dec)
    assert torus.cfg.torus_state and not dec.cfg.torus_state
    cond, paths = world_paths(3, 8, 32)
    zc = torch.zeros(8, dec.cfg.z_content)
    with torch.no_grad():
        assert torch.equal(dec.start_state(cond, zc), torus.start_state(cond, zc))
    before = path_error(torus, 32, n=32)
    info = train_long_motion(torus, LongMotionConfig(frames=32, batch=32, steps=60, lr=5e-3), log=lambda s: None)
    assert info["steps"] == 60
    assert path_error(torus, 32, n=32) < 0.7 * before
    with torch.no_grad():
        assert torch.equal(dec.start_state(cond, zc), torus.start_state(cond, zc))


@pytest.fixture(scope="module")
def vae():
    return load_model("shapes-vae", device="cpu")


def test_the_shipped_models_run_long_clips_with_their_own_gru(vae):
    assert vae.decoder.cfg.torus_state
    assert "long_motion" in vae.card["recipe"]


@pytest.mark.parametrize("motion,words", [("right", "moving right fast"), ("bouncing", "bouncing"),
                                          ("orbiting", "orbiting slowly"), ("up", "moving up")])
def test_600_frames_from_the_model_keep_their_motion_all_along(vae, motion, words):
    clip = vae.generate(f"a large yellow circle {words} on a black background", seed=5, frames=600)
    assert long_motion_right(clip, motion)


def test_a_loop_from_the_model_closes(vae):
    spec = TimelineSpec(64, vae.fps, {}, [], loop=True, seed=2)
    clip = vae.generate("a medium cyan square moving left on a night background", seed=2, timeline=spec)
    from studio.engine.evaluate import _seam
    assert long_motion_right(clip, "left")
    assert _seam(clip) < 2.0


def test_a_speed_key_speeds_the_models_own_path_up(vae):
    from studio.project import Keyframe, Project
    from studio.project_frames import plan_project, render_project
    p = Project(prompt="a medium red circle moving right on a black background", seed=3, frames=64, fps=8,
                keyframes=[Keyframe(0.0, {"speed": -1.0}), Keyframe(7.9, {"speed": 1.5})])
    frames = render_project(vae, p)
    from studio.engine.analyze import read_clip
    early, late = read_clip(frames[:12]), read_clip(frames[-12:])
    assert early.motion == late.motion == "right"
    assert late.mean_speed > 1.5 * early.mean_speed
    assert plan_project(vae, p).states.shape == (1, 64, 3)
