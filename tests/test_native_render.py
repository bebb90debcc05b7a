"""`--scaling native`: the shipped shapes-vae draws at the export size. Read in pixels: edges one
or two pixels wide, no 8x8 blocks, the same picture as the model's own 64 px frames; the CLI, the
lesson and the writer's frames-as-they-are-drawn path."""
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from studio.engine import load_model
from studio.media.writer import ExportSettings, write_clip
from studio.project import Keyframe, Project
from studio.project_frames import ExportFrames, native_side, plan_project

ROOT = Path(__file__).resolve().parents[1]
PROMPTS = ["a large red circle still on a white background", "a big blue square still on a black background",
           "a large green triangle still on a white background", "a large yellow star still on a black background"]


@pytest.fixture(scope="module")
def vae():
    return load_model("shapes-vae", device="cpu")


def object_mask(frame: np.ndarray, bg: np.ndarray) -> np.ndarray:
    return np.abs(frame.astype(int) - bg).sum(-1) > 120


def ramps(frame: np.ndarray) -> list[int]:
    """Per object edge crossed by the row through the object's middle: how many pixels lie between
    10% and 90% of the way from the background to the object."""
    bg = frame[2, 2].astype(int)
    mask = object_mask(frame, bg)
    ys = np.nonzero(mask.any(1))[0]
    row = frame[(ys.min() + ys.max()) // 2].astype(float)
    inside = row[mask[(ys.min() + ys.max()) // 2]].mean(0)
    t = ((row - bg) @ (inside - bg)) / max(float((inside - bg) @ (inside - bg)), 1e-6)    # 0 background, 1 object
    mid = (t > 0.1) & (t < 0.9)
    xs = np.nonzero(t > 0.5)[0]
    left, right = xs.min(), xs.max()
    return [int(mid[max(0, left - 6):left + 6].sum()), int(mid[right - 5:right + 7].sum())]


def block_share(frame: np.ndarray) -> float:
    """Of the horizontal edge energy, the share on columns at multiples of 8: 1.0 for a 64 px frame
    enlarged 8x pixel by pixel, about 1/8 when the edges fall anywhere."""
    g = np.abs(np.diff(frame.astype(float).sum(-1), axis=1)).sum(0)
    return float(g[7::8].sum() / max(g.sum(), 1e-6))


@pytest.mark.parametrize("prompt", PROMPTS)
def test_native_512_has_thin_edges_and_no_blocks(vae, prompt):
    plan = vae.plan(prompt, 3, 4)
    big = vae.render(plan, size=512)
    small = vae.render(plan)
    assert big.shape == (4, 512, 512, 3)
    for f in big:
        assert max(ramps(f)) <= 2                          # the edge ramp: at most 2 px at 512
        assert block_share(f) < 0.3
    pixel = np.stack([cv2.resize(f, (512, 512), interpolation=cv2.INTER_NEAREST) for f in small])
    assert block_share(pixel[0]) > 0.9                     # what the check catches
    smooth = cv2.resize(small[0], (512, 512), interpolation=cv2.INTER_CUBIC)
    assert max(ramps(smooth)) > 3                          # ... and what native rendering fixes


@pytest.mark.parametrize("prompt", PROMPTS)
def test_native_is_the_same_picture_as_the_models_own_frames(vae, prompt):
    plan = vae.plan(prompt, 5, 4)
    small = vae.render(plan).astype(int)
    big = vae.render(plan, size=512)
    down = np.stack([cv2.resize(f, (64, 64), interpolation=cv2.INTER_AREA) for f in big]).astype(int)
    assert np.abs(down - small).mean() < 4                 # same object, place, size, colours
    bg = small[0, 2, 2]
    a, b = object_mask(small[0], bg), object_mask(down[0], bg)
    assert (a & b).sum() / (a | b).sum() > 0.85


def test_the_models_own_size_is_bit_exact(vae):
    plan = vae.plan(PROMPTS[0], 3, 4)
    assert np.array_equal(vae.render(plan, size=64), vae.render(plan))


def test_keyframed_long_clip_renders_natively_frame_by_frame(vae):
    p = Project(prompt="a large red circle moving right on a white background", seed=3, frames=40, fps=8,
                keyframes=[Keyframe(0.0, {"size": -1.0}), Keyframe(4.0, {"size": 1.0})])
    plan = plan_project(vae, p)
    whole = vae.render(plan, size=256)
    assert np.array_equal(vae.render(plan, [7, 30], size=256), whole[[7, 30]])   # frames do not depend on the batch
    areas = [object_mask(f, f[2, 2].astype(int)).sum() for f in whole]
    assert areas[-1] > 2 * areas[0]                                               # the size key grows it


def test_native_side_follows_size_fit_and_scaling(vae):
    assert native_side(vae, ExportSettings("720p", "letterbox", "native")) == 720
    assert native_side(vae, ExportSettings("720p", "crop", "native")) == 1280
    assert native_side(vae, ExportSettings("512", "letterbox", "pixel")) is None
    assert native_side(vae, ExportSettings("native", "letterbox", "native")) is None


def test_export_frames_are_drawn_a_chunk_at_a_time_and_written(vae, tmp_path, monkeypatch):
    plan = vae.plan(PROMPTS[1], 2, 20)
    asked = []
    real = vae.render
    monkeypatch.setattr(vae, "render",
                        lambda pl, idx=None, size=None: (asked.append(len(list(idx))), real(pl, idx, size))[1])
    settings = ExportSettings("720p", "letterbox", "native", 8)
    frames = ExportFrames(vae, plan, settings)
    assert asked == [] and len(frames) == 20                   # nothing drawn until written
    out = write_clip(frames, tmp_path / "clip.npy", settings)
    assert max(asked) <= 8 and sum(asked) == 20
    clip = np.load(out)
    assert clip.shape == (20, 720, 1280, 3)
    assert clip[:, :, :280].max() == 0 and clip[:, :, 1000:].max() == 0           # pillarbox around the 720 square
    assert max(ramps(clip[0][:, 280:1000])) <= 2


def test_writer_checks_frames_drawn_as_written(tmp_path):
    from studio.basics.errors import StudioError
    with pytest.raises(StudioError, match="uint8"):
        write_clip([np.zeros((8, 8, 3), np.float32)], tmp_path / "x.npy")
    assert not list(tmp_path.iterdir())


def test_cli_generate_draws_natively_by_default_and_pixel_on_request(tmp_path):
    def gen(*extra):
        out = tmp_path / f"g{len(extra)}.npy"
        r = subprocess.run([sys.executable, "-m", "studio", "generate", "--prompt", PROMPTS[2], "--frames", "2",
                            "--size", "512", "--device", "cpu", "--out", str(out), *extra], cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        return np.load(out), r.stdout
    native, said = gen()
    assert "drawn at 512x512" in said and max(ramps(native[0])) <= 2 and block_share(native[0]) < 0.3
    pixel, said = gen("--scaling", "pixel")
    assert "scaled (pixel)" in said and block_share(pixel[0]) > 0.9


def test_native_pixels_do_not_depend_on_the_thread_count(vae):
    """The app's engine thread runs torch on one thread, the CLI on several: an export from either
    must be the same file."""
    import torch
    plan = vae.plan("a large red star moving right on a sunset background", 0, 8)
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        one = vae.render(plan, size=300)
        torch.set_num_threads(2)
        two = vae.render(plan, size=300)
    finally:
        torch.set_num_threads(before)
    assert np.array_equal(one, two)
