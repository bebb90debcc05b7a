"""The command line: outputs that play back, and a clear one-line error for every bad input."""
import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from studio.cli import main

ROOT = Path(__file__).resolve().parents[1]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_clean_error(code, err, *needles):
    assert code != 0
    lines = [ln for ln in err.strip().splitlines() if ln]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    for n in needles:
        assert n in err, err


def decode(path):
    cap = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, f = cap.read()
        if not ok:
            break
        frames.append(f)
    fps = cap.get(cv2.CAP_PROP_FPS)
    cap.release()
    return frames, fps


@pytest.mark.parametrize("suffix", [".mp4", ".webm", ".gif", ".npy", ""])
def test_generate_every_format(models_env, tmp_path, capsys, suffix):
    out = tmp_path / f"clip{suffix}"
    code, stdout, err = run(capsys, "generate", "--prompt", "a red star moving left", "--model", "tiny-vae",
                            "--frames", "12", "--fps", "6", "--out", str(out))
    assert code == 0, err
    assert "wrote" in stdout
    if suffix == ".npy":
        arr = np.load(out, allow_pickle=False)
        assert arr.shape == (12, 64, 64, 3) and arr.dtype == np.uint8
    elif suffix == "":
        assert len(list(out.glob("*.png"))) == 12
    else:
        frames, fps = decode(out)
        assert len(frames) == 12 and frames[0].shape == (64, 64, 3)
        if suffix != ".gif":
            assert fps == pytest.approx(6, abs=0.01)
    assert not list(tmp_path.glob(".*partial*"))


def test_generate_with_directions_size_and_title(models_env, tmp_path, capsys):
    out = tmp_path / "t.mp4"
    code, _, err = run(capsys, "generate", "--prompt", "a blue circle", "--model", "tiny-gan", "--set", "size=1.5",
                       "--set", "sefa2=-1", "--size", "720p", "--title", "Lesson 1", "--caption", "circles",
                       "--out", str(out))
    assert code == 0, err
    frames, _ = decode(out)
    assert frames[0].shape == (720, 1280, 3)


def test_unknown_words_warning(models_env, tmp_path, capsys):
    code, _, err = run(capsys, "generate", "--prompt", "a cat playing a piano", "--model", "tiny-vae",
                       "--out", str(tmp_path / "c.npy"))
    assert code == 0
    warn = [ln for ln in err.splitlines() if ln.startswith("warning:")]
    assert len(warn) == 1 and all(w in warn[0] for w in ("cat", "playing", "piano"))


def test_unknown_model_lists_installed(models_env, tmp_path, capsys):
    code, _, err = run(capsys, "generate", "--prompt", "x", "--model", "nope", "--out", str(tmp_path / "a.mp4"))
    assert_clean_error(code, err, "unknown model", "tiny-vae", "tiny-gan")


def _copy_model(models_env, tmp_path, name="broken"):
    dst = tmp_path / name
    shutil.copytree(models_env / "tiny-vae", dst, ignore=shutil.ignore_patterns("train"))
    return dst


class _Boom:
    def __reduce__(self):
        return (os.system, (f"touch {os.environ.get('BOOM_FILE', '/tmp/boom')}",))


def test_pickle_weights_are_refused_and_never_run(models_env, tmp_path, capsys, monkeypatch):
    boom = tmp_path / "executed"
    monkeypatch.setenv("BOOM_FILE", str(boom))
    m = _copy_model(models_env, tmp_path)
    (m / "model.safetensors").write_bytes(pickle.dumps({"w": _Boom()}))
    code, _, err = run(capsys, "generate", "--prompt", "x", "--model", str(m), "--out", str(tmp_path / "a.mp4"))
    assert_clean_error(code, err, "not a readable safetensors file")
    assert not boom.exists()


def test_truncated_weights(models_env, tmp_path, capsys):
    m = _copy_model(models_env, tmp_path)
    data = (m / "model.safetensors").read_bytes()
    (m / "model.safetensors").write_bytes(data[: len(data) // 2])
    code, _, err = run(capsys, "generate", "--prompt", "x", "--model", str(m), "--out", str(tmp_path / "a.mp4"))
    assert_clean_error(code, err, "safetensors")


def test_wrong_shape_weights(models_env, tmp_path, capsys):
    m = _copy_model(models_env, tmp_path)
    card = json.loads((m / "model.json").read_text())
    card["config"]["decoder"]["channels"] = 12
    (m / "model.json").write_text(json.dumps(card))
    code, _, err = run(capsys, "generate", "--prompt", "x", "--model", str(m), "--out", str(tmp_path / "a.mp4"))
    assert_clean_error(code, err, "do not fit")


def test_missing_card(models_env, tmp_path, capsys):
    m = _copy_model(models_env, tmp_path)
    (m / "model.json").unlink()
    code, _, err = run(capsys, "generate", "--prompt", "x", "--model", str(m), "--out", str(tmp_path / "a.mp4"))
    assert_clean_error(code, err, "card")


@pytest.mark.parametrize("frames", ["0", "-5"])
def test_bad_frames(models_env, tmp_path, capsys, frames):
    code, _, err = run(capsys, "generate", "--prompt", "x", "--model", "tiny-vae", "--frames", frames,
                       "--out", str(tmp_path / "a.mp4"))
    assert_clean_error(code, err, "--frames")
    assert not list(tmp_path.iterdir())


def test_unknown_suffix(models_env, tmp_path, capsys):
    code, _, err = run(capsys, "generate", "--prompt", "x", "--model", "tiny-vae", "--out", str(tmp_path / "a.xyz"))
    assert_clean_error(code, err, "unknown output format")
    assert not list(tmp_path.iterdir())


def test_unwritable_folder(models_env, tmp_path, capsys):
    code, _, err = run(capsys, "generate", "--prompt", "a red circle", "--model", "tiny-vae",
                       "--out", str(tmp_path / "missing" / "a.mp4"))
    assert_clean_error(code, err, "does not exist")
    code, _, err = run(capsys, "generate", "--prompt", "a red circle", "--model", "tiny-vae", "--out", "/proc/latent.mp4")
    assert_clean_error(code, err, "cannot write")
    assert not list(tmp_path.iterdir())


def test_animate_rejects_non_images(models_env, tmp_path, capsys):
    bad = tmp_path / "notes.png"
    bad.write_text("not an image")
    code, _, err = run(capsys, "animate", "--image", str(bad), "--model", "tiny-vae", "--out", str(tmp_path / "a.mp4"))
    assert_clean_error(code, err, "not an image")


def test_animate_writes_clip(models_env, tmp_path, capsys):
    img = tmp_path / "still.png"
    cv2.imwrite(str(img), np.full((90, 160, 3), 200, np.uint8))
    out = tmp_path / "a.npy"
    code, _, err = run(capsys, "animate", "--image", str(img), "--prompt", "moving left", "--model", "tiny-vae",
                       "--frames", "6", "--out", str(out))
    assert code == 0, err
    assert np.load(out).shape == (6, 64, 64, 3)


def test_models_lists_directions(models_env, capsys):
    code, out, _ = run(capsys, "models")
    assert code == 0 and "tiny-vae: vae" in out and "size" in out and "sefa1" in out


def test_no_traceback_in_a_real_process(models_env, tmp_path):
    env = dict(os.environ, LATENT_STUDIO_MODELS=str(models_env))
    r = subprocess.run([sys.executable, "-m", "studio", "generate", "--prompt", "x", "--model", "nope",
                        "--out", str(tmp_path / "a.mp4")], cwd=ROOT, env=env, capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.startswith("error: unknown model") and "Traceback" not in r.stderr


def test_export_renders_a_saved_project(models_env, tmp_path, capsys):
    from studio.project import Project
    proj = tmp_path / "lesson.lstudio"
    Project(model="tiny-gan", prompt="a green square orbiting", seed=4, frames=10, fps=5,
            sliders={"size": 1.0}).save(proj)
    out = tmp_path / "lesson.mp4"
    code, _, err = run(capsys, "export", str(proj), "--out", str(out))
    assert code == 0, err
    frames, fps = decode(out)
    assert len(frames) == 10 and fps == pytest.approx(5, abs=0.01)
    bad = tmp_path / "bad.lstudio"
    bad.write_text("{not json")
    code, _, err = run(capsys, "export", str(bad), "--out", str(tmp_path / "b.mp4"))
    assert_clean_error(code, err)
    assert not (tmp_path / "b.mp4").exists()


def test_main_without_a_display_renders_the_demo(models_env, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["LATENT_STUDIO_MODELS"] = str(models_env)
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), "--model", "tiny-vae"], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    demo = tmp_path / "out" / "demo.mp4"
    assert str(demo) in r.stdout
    frames, _ = decode(demo)
    assert len(frames) == 32 and frames[0].shape == (512, 512, 3)
