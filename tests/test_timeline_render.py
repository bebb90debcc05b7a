"""Keyframed projects rendered by the shipped shapes-vae, read back in pixels (object size,
position and colour measured on the frames, never taken from the engine's own numbers)."""
import json
import subprocess
import sys

import numpy as np
import pytest

from studio.engine import StudioError, load_model
from studio.project import Keyframe, Project
from studio.project_frames import render_project

BLACK = "on a black background"


@pytest.fixture(scope="module")
def vae():
    return load_model("shapes-vae", device="cpu")


def _circular_mean(v: np.ndarray, n: int) -> float:
    """Mean position on a wrapping axis of n pixels (an object crossing an edge shows on both sides)."""
    a = v * 2 * np.pi / n
    return float(np.mod(np.arctan2(np.sin(a).mean(), np.cos(a).mean()) * n / (2 * np.pi), n))


def objects(frames: np.ndarray):
    """Per frame: (area in pixels, centroid x, centroid y, mean RGB) of what is not the black background."""
    out = []
    for f in frames:
        mask = f.astype(int).sum(-1) > 90
        if not mask.any():
            out.append((0, np.nan, np.nan, np.zeros(3)))
            continue
        ys, xs = np.nonzero(mask)
        out.append((int(mask.sum()), _circular_mean(xs, f.shape[1]), _circular_mean(ys, f.shape[0]), f[mask].mean(0)))
    return out


def test_a_version_1_project_without_keys_renders_as_before(vae, tmp_path):
    doc = {"format": "latent-studio-project", "version": 1, "model": "shapes-vae", "prompt": "a red star moving left",
           "seed": 4, "frames": 16, "fps": 8, "sliders": {"size": 1.0}, "keyframes": []}
    path = tmp_path / "v1.lstudio"
    path.write_text(json.dumps(doc))
    p = Project.load(path)
    assert np.array_equal(render_project(vae, p), vae.render(vae.plan("a red star moving left", 4, 16, {"size": 1.0})))


def test_keyframed_size_grows_the_object_in_pixels(vae):
    p = Project(prompt=f"a medium white circle staying still {BLACK}", seed=2, frames=33, fps=8,
                keyframes=[Keyframe(0.0, {"size": -2.0}), Keyframe(4.0, {"size": 2.0})])
    obj = objects(render_project(vae, p))
    areas = np.array([o[0] for o in obj])
    assert areas[32] > 3 * areas[0]                       # 2.38x diameter from -2 to +2 measured in eval
    assert areas[0] < areas[16] < areas[32]
    assert np.all(np.diff(areas) >= -3)                   # grows steadily (anti-aliasing noise aside)
    xs = np.array([o[1] for o in obj])
    assert np.ptp(xs) < 2.0                               # a size key does not move a still object


def test_a_first_key_that_changes_nothing_leaves_the_picture_as_it_was(vae):
    """A key holding the clip's own look draws the clip bit for bit as before: the plain 16-frame clip is drawn on
    the torus as a keyed one is. (Before session 12 it was not: this triangle, leaving the canvas, was gone in the
    last four frames without a key and wrapped round with one, 170 levels apart.)"""
    from studio.engine.trajectory import Key, TimelineSpec
    prompt = "a green triangle drifting to the right on a sky background"
    plain = vae.render(vae.plan(prompt, 0, 16))
    keyed = vae.render(vae.plan(prompt, 0, 16, timeline=TimelineSpec.of(16, 8, {}, [Key(0.0, {}, "linear", None)])))
    assert np.array_equal(plain, keyed)


def test_hold_keeps_the_value_until_the_next_key(vae):
    p = Project(prompt=f"a large yellow square staying still {BLACK}", seed=1, frames=24, fps=8,
                keyframes=[Keyframe(0.0, {"size": -2.0}, "hold"), Keyframe(2.0, {"size": 2.0})])
    areas = np.array([o[0] for o in objects(render_project(vae, p))])
    # the held size does not move (the model's still path wobbles by well under a pixel, which moves a
    # square's edge pixels by a few percent of its area); the key's jump is three times that and more
    assert np.ptp(areas[:16]) <= 0.1 * areas[:16].mean() and areas[16] > 3 * areas[15]


def test_keyframed_colour_changes_the_object_not_the_background(vae):
    p = Project(prompt=f"a large blue circle staying still {BLACK}", seed=5, frames=17, fps=8,
                keyframes=[Keyframe(0.0, {"color-red": 0.0, "color-blue": 0.0}),
                           Keyframe(2.0, {"color-red": 2.0, "color-blue": -2.0})])
    frames = render_project(vae, p)
    first, last = objects(frames[[0, 16]])
    assert first[3][2] > 150 and first[3][0] < 80        # blue
    assert last[3][0] > 150 and last[3][2] < 80          # red
    corners = frames[:, :6, :6].reshape(17, -1, 3)
    assert corners.max() <= 8                            # the black background stays black


def test_seed_keys_move_the_content_code_by_slerp(vae):
    prompt = f"a medium green circle staying still {BLACK}"
    a, b = (objects(vae.generate(prompt, seed=s, frames=1))[0] for s in (3, 11))
    assert abs(a[1] - b[1]) + abs(a[2] - b[2]) > 6       # the two seeds put the object in different places
    p = Project(prompt=prompt, seed=3, frames=17, fps=8,
                keyframes=[Keyframe(0.0, {}, seed=3), Keyframe(2.0, {}, seed=11)])
    obj = objects(render_project(vae, p))
    assert abs(obj[0][1] - a[1]) < 1 and abs(obj[0][2] - a[2]) < 1
    assert abs(obj[16][1] - b[1]) < 1.5 and abs(obj[16][2] - b[2]) < 1.5
    mid = np.array(obj[8][1:3])
    assert np.linalg.norm(mid - np.array(a[1:3])) > 1 and np.linalg.norm(mid - np.array(b[1:3])) > 1


@pytest.mark.parametrize("motion", ["moving left", "moving right", "moving up", "moving down", "bouncing",
                                    "orbiting", "growing", "shrinking", "staying still"])
def test_600_frames_keep_the_object_on_the_canvas(vae, motion):
    frames = vae.generate(f"a medium pink star {motion} fast {BLACK}", seed=6, frames=600)
    obj = objects(frames)
    areas = np.array([o[0] for o in obj])
    # growth stops at the world's scale limits (0.3x to 3x): a shrinking star ends as a dot of a few pixels
    assert np.mean(areas > (0 if motion == "shrinking" else 20)) >= 0.95
    late = np.array([[o[1], o[2]] for o in obj[300:]])
    if motion.startswith("moving"):
        axis = 0 if motion in ("moving left", "moving right") else 1
        sign = 1 if motion in ("moving right", "moving down") else -1
        step = np.diff(late[:, axis])
        step = step[np.abs(step) < 10]                  # leave out the wrap-around jumps
        assert np.median(step) * sign > 1.0              # still travelling its way late in the clip
    if motion == "bouncing":
        assert np.ptp(late[:, 1]) > 5                    # still bouncing after frame 300 (the world's height is
                                                         # 16 px; the model keeps about 7 for this fast bounce)


@pytest.mark.parametrize("motion", ["moving right", "bouncing", "orbiting", "growing"])
def test_a_loop_closes(vae, motion):
    p = Project(prompt=f"a large cyan square {motion} slowly {BLACK}", seed=2, frames=40, fps=8, loop=True,
                keyframes=[Keyframe(0.0, {"size": 0.0}), Keyframe(2.5, {"size": 1.5})])
    obj = objects(render_project(vae, p))
    pos = np.array([[o[1], o[2]] for o in obj])
    areas = np.array([o[0] for o in obj], float)
    torus = lambda d: np.linalg.norm(np.mod(d + 32, 64) - 32, axis=-1)   # noqa: E731
    steps = torus(np.diff(pos, axis=0))
    seam = torus(pos[-1] - pos[0])
    assert seam <= 2.5 * max(np.median(steps), 0.5)      # the last frame flows into the first
    area_steps = np.abs(np.diff(areas))
    assert abs(areas[-1] - areas[0]) <= 2.5 * max(np.median(area_steps), 4)


def test_noise_loop_wanders_and_returns(vae):
    p = Project(prompt=f"a large orange circle staying still {BLACK}", seed=2, frames=32, fps=8, loop=True,
                sliders={"noise": 1.5}, noise_period=2.0)
    frames = render_project(vae, p).astype(int)
    d = np.abs(frames - frames[0]).mean(axis=(1, 2, 3))
    assert d[8] > 1.0 and d[16] < 0.5 * d[8]             # it moves away and comes back every turn


def test_slider_values_the_model_cannot_honour(vae, tmp_path):
    for value in (1e9, float("nan")):
        with pytest.raises(StudioError, match="size"):
            vae.generate("a red circle", seed=1, frames=2, sliders={"size": value})
    path = tmp_path / "huge.lstudio"
    path.write_text(json.dumps({"format": "latent-studio-project", "version": 1, "model": "shapes-vae",
                                "sliders": {"size": 1e300}}))
    with pytest.raises(StudioError, match="size"):
        Project.load(path)
    r = subprocess.run([sys.executable, "-m", "studio", "generate", "--prompt", "a red circle", "--set", "size=1e9",
                        "--out", str(tmp_path / "x.npy")], capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "size" in r.stderr
    assert not (tmp_path / "x.npy").exists()


def test_preview_cli_and_api_agree_bit_for_bit(vae, tmp_path):
    p = Project(prompt="a large purple star moving right fast on a sunset background", seed=9, frames=48, fps=8,
                loop=True, sliders={"noise": 0.5},
                keyframes=[Keyframe(0.0, {"size": -1.0}, "ease-in", seed=9), Keyframe(3.0, {"size": 1.5, "sefa1": 1.0},
                                                                                     "hold", seed=2)])
    path = p.save(tmp_path / "k.lstudio")
    api = render_project(vae, Project.load(path))
    r = subprocess.run([sys.executable, "-m", "studio", "export", str(path), "--out", str(tmp_path / "k.npy"),
                        "--device", "cpu"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert np.array_equal(np.load(tmp_path / "k.npy"), api)
    from studio.project_frames import plan_project
    plan = plan_project(vae, p)
    order = list(range(30, 48)) + list(range(30))          # the preview's order: the visible frame first, in chunks
    out = np.zeros_like(api)
    for i in range(0, 48, 7):
        idx = order[i:i + 7]
        out[idx] = vae.render(plan, idx)
    assert np.array_equal(out, api)


def test_a_branch_is_decoded_once_per_distinct_input_and_frames_agree_however_asked(vae):
    """Size keys change no content branch's input, colour keys only the colour branch's: the sprite
    and the background are decoded once. A frame drawn alone (one shared look) and drawn among
    frames of other colours (per-frame layers) has the same pixels."""
    size_only = Project(prompt="a green star moving right on a black background", seed=4, frames=40, fps=8,
                        keyframes=[Keyframe(0.0, {"size": -1.0}), Keyframe(4.0, {"size": 1.5})])
    from studio.project_frames import plan_project
    plan = plan_project(vae, size_only)
    whole = vae.render(plan)
    assert sorted(k[0] for k in plan.cache) == ["background", "color", "sprite"]
    assert np.array_equal(np.concatenate([vae.render(plan, [i]) for i in range(0, 40, 9)]), whole[::9])
    held = Project(prompt="a green star moving right on a black background", seed=4, frames=40, fps=8,
                   keyframes=[Keyframe(0.0, {"sefa1": 0.0}, "hold"), Keyframe(2.5, {"sefa1": 1.5}, "hold")])
    plan = plan_project(vae, held)
    whole = vae.render(plan)
    names = [k[0] for k in plan.cache]
    assert names.count("sprite") == 1 and names.count("background") == 1 and names.count("color") == 2
    alone = np.concatenate([vae.render(plan, [i]) for i in range(40)])
    assert np.array_equal(alone, whole)
    assert not np.array_equal(whole[0], whole[39])
