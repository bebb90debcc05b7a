"""Drives: a feature added to a direction per frame (smoothed, clipped, baked to keys), and read back
in pixels on the shipped shapes model and a footage model."""
import math

import numpy as np
import pytest
from sounds import quiet_loud, write_sound

from studio.basics.errors import StudioError
from studio.engine import load_model
from studio.engine.audio_drives import Drive, apply_drives, bake_drive, parse_drive, smooth
from studio.engine.trajectory import Key, TimelineSpec, slider_tracks
from studio.project import Project
from studio.project_audio import ProjectAudio
from studio.project_frames import render_project

FPS = 8


def test_parse_drive():
    assert parse_drive("size=loudness") == Drive("size", "loudness", 1.0, 0.0)
    assert parse_drive(" noise = beat:-0.5") == Drive("noise", "beat", -0.5, 0.0)


@pytest.mark.parametrize("text, words", [("size", "DIRECTION=FEATURE"), ("size=bass", "unknown audio feature 'bass'"),
                                         ("size=beat:loud", "must be a number"), ("size=beat:9", "from -5 to 5"),
                                         ("=beat", "DIRECTION=FEATURE")])
def test_a_bad_drive_is_one_sentence(text, words):
    with pytest.raises(StudioError) as e:
        parse_drive(text)
    assert words in str(e.value) and "\n" not in str(e.value)


def test_smoothing_is_a_low_pass_of_the_given_time_constant():
    step = np.r_[np.zeros(10), np.ones(80)]
    out = smooth(step, fps=20, seconds=0.5)                 # 10 frames a time constant
    assert out[9] == 0 and abs(out[19] - (1 - math.exp(-1))) < 1e-9 and out[-1] > 0.999
    assert np.array_equal(smooth(step, 20, 0.0), step)
    assert smooth(np.full(5, 0.7), 20, 2.0) == pytest.approx(np.full(5, 0.7))   # starts settled


def test_drives_add_to_the_keyed_values_within_the_range():
    beat = np.array([0.0, 1.0, 0.5, 0.0])
    spec = TimelineSpec(4, FPS, {"size": 4.0}, [Key(0.0, {"sefa1": 0.0}), Key(3 / FPS, {"sefa1": 3.0})],
                        drives=(Drive("sefa1", "beat", 1.0), Drive("size", "beat", 2.0), Drive("noise", "beat", -1.0),
                                Drive("speed", "loudness", 1.0)),
                        features={"beat": beat})
    t = slider_tracks(spec)
    assert np.allclose(t["sefa1"], [0.0, 2.0, 2.5, 3.0])           # keyed 0, 1, 2, 3 + beat
    assert np.allclose(t["size"], [4.0, 5.0, 5.0, 4.0])            # 4 + 2 x beat, kept at the limit 5
    assert np.allclose(t["noise"], [0.0, -1.0, -0.5, 0.0])         # a direction named nowhere else starts at 0
    assert "speed" not in t                                        # no loudness here: that drive adds nothing
    assert spec.animated
    assert not TimelineSpec(4, FPS, drives=(Drive("size", "beat"),)).animated


def test_a_baked_drive_gives_the_same_values_as_keys():
    rng = np.random.default_rng(1)
    features = {"onset": rng.uniform(0, 1, 40)}
    drive = Drive("size", "onset", 1.5, 0.3)
    keyed = [Key(0.0, {"size": -1.0}, "ease-in"), Key(4.0, {"size": 1.0})]
    spec = TimelineSpec(40, FPS, {}, keyed, drives=(drive,), features=features)
    driven = slider_tracks(spec)["size"]
    base = slider_tracks(TimelineSpec(40, FPS, {}, keyed))["size"]
    keys = bake_drive(drive, features, FPS, base)
    baked = slider_tracks(TimelineSpec(40, FPS, {}, [Key(t, {"size": v}) for t, v in keys]))["size"]
    assert len(keys) == 40 and np.allclose(baked, driven, atol=1e-12)
    few = bake_drive(drive, features, FPS, base, tolerance=0.05)
    assert len(few) < 40 and few[0][0] == 0 and few[-1][0] == 39 / FPS
    approx = slider_tracks(TimelineSpec(40, FPS, {}, [Key(t, {"size": v}) for t, v in few]))["size"]
    assert np.abs(approx - driven).max() <= 0.05 + 1e-9


def _areas(frames: np.ndarray) -> np.ndarray:
    """Pixels of each frame that differ clearly from the frame's corner (the background)."""
    bg = frames[:, :1, :1].astype(int)
    return (np.abs(frames.astype(int) - bg).sum(-1) > 60).sum((1, 2))


def test_loud_seconds_driving_size_make_the_object_bigger_in_pixels(tmp_path):
    song = write_sound(tmp_path / "qLqL.wav", quiet_loud("qLqL"))
    m = load_model("shapes-vae", device="cpu")
    p = Project(model="shapes-vae", prompt="a medium white circle staying still on a black background", seed=2,
                frames=4 * FPS, fps=FPS, audio=ProjectAudio(str(song), 0.0, [Drive("size", "loudness", 2.5)]))
    areas = _areas(render_project(m, p)).reshape(4, FPS)[:, 1:-1]      # away from the edges between seconds
    assert areas[[1, 3]].min() > 1.8 * areas[[0, 2]].max()
    still = _areas(render_project(m, Project(model="shapes-vae", prompt=p.prompt, seed=2, frames=4 * FPS, fps=FPS)))
    assert abs(int(areas[0].mean()) - int(still.mean())) <= 0.1 * still.mean()   # quiet: about the undriven size


def test_a_footage_model_follows_a_drive_too(tmp_path):
    song = write_sound(tmp_path / "qL.wav", quiet_loud("qL"))
    m = load_model("footage-vae", device="cpu")
    base = Project(model="footage-vae", prompt="a cat walking", seed=1, frames=2 * FPS, fps=FPS)
    driven = Project(model="footage-vae", prompt="a cat walking", seed=1, frames=2 * FPS, fps=FPS,
                     audio=ProjectAudio(str(song), 0.0, [Drive("sefa1", "loudness", 3.0)]))
    a, b = render_project(m, base).astype(int), render_project(m, driven).astype(int)
    change = np.abs(a - b).mean((1, 2, 3))
    assert change[FPS + 1:].min() > 4 * change[:FPS - 1].max()      # the loud second moves it, the quiet one barely
