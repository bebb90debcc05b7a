"""`python main.py --screenshot PATH` in a subprocess, as a smoke test of the whole app."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(tmp_path, models, *args):
    env = dict(os.environ, LATENT_STUDIO_MODELS=str(models), QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)


def test_screenshot_smoke(models_env, tmp_path):
    shot = tmp_path / "shot.png"
    r = _run(tmp_path, models_env, "--screenshot", str(shot), "--model", "tiny-vae",
             "--prompt", "a large red star moving right on a sunset background", "--size", "1280x800")
    assert r.returncode == 0, r.stderr[-3000:]
    assert "Traceback" not in r.stderr and "QThread: Destroyed" not in r.stderr
    assert shot.is_file() and shot.stat().st_size > 20_000
    from PySide6.QtGui import QImage
    img = QImage(str(shot))
    assert (img.width(), img.height()) == (1280, 800)
    colours = {img.pixel(x, y) for x in range(0, 1280, 37) for y in range(0, 800, 29)}
    assert len(colours) > 50                                   # a real window, not a blank
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["shot.png"]


def test_screenshot_fails_without_models(tmp_path):
    empty = tmp_path / "none"
    empty.mkdir()
    shot = tmp_path / "empty.png"
    r = _run(tmp_path, empty, "--screenshot", str(shot))
    assert r.returncode == 1
    assert "no model" in r.stderr
    assert shot.is_file()                                      # the empty state, for a look


def test_screenshot_of_a_lesson_playing_in_the_preview(models_env, tmp_path):
    from studio.lesson.script import Lesson, Shot
    from studio.project import Project
    doc = Project(model="tiny-vae", prompt="a red circle", fps=8, frames=8,
                  lesson=Lesson("Title", [Shot(1.0, "a large red circle still on a white background", "Read me", 3)]))
    doc.save(tmp_path / "lesson.lstudio")
    shot = tmp_path / "lesson.png"
    r = _run(tmp_path, models_env, str(tmp_path / "lesson.lstudio"), "--screenshot", str(shot), "--play-lesson")
    assert r.returncode == 0, r.stderr[-3000:]
    assert shot.is_file()
    empty = Project(model="tiny-vae", prompt="a red circle")
    empty.save(tmp_path / "empty.lstudio")
    r = _run(tmp_path, models_env, str(tmp_path / "empty.lstudio"), "--screenshot", str(shot), "--play-lesson")
    assert r.returncode == 1 and "no lesson to play" in r.stderr
