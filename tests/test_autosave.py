"""No lost work: autosave while there are unsaved changes, and recovery after a crash or `kill -9`."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from test_ui_window import make_window

from studio.project import Project
from studio.ui import autosave as autosave_mod
from studio.ui.autosave import Autosave, left_behind

ROOT = Path(__file__).resolve().parents[1]


def dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def leave_copy(folder: Path, project: Project, project_path: str | None = None, pid: int | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"autosave-{pid or dead_pid()}.lstudio"
    project.save(path)
    path.with_suffix(".json").write_text(json.dumps({"project_path": project_path, "saved_at": time.time()}))
    return path


def test_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("LATENT_STUDIO_DATA", str(tmp_path))
    assert autosave_mod.autosave_dir() == tmp_path / "autosave"
    monkeypatch.delenv("LATENT_STUDIO_DATA")
    import platformdirs
    assert autosave_mod.data_dir() == Path(platformdirs.user_data_dir("LatentStudio", appauthor=False))


def test_autosaves_while_dirty_and_drops_the_copy_once_saved(models_env, qtbot, tmp_path):
    win = make_window(qtbot, tmp_path)
    saver = Autosave(win, interval_ms=100, folder=tmp_path / "autosave")
    qtbot.wait(350)
    assert not saver.path.exists()                                      # clean: nothing to keep
    win.prompt.editor.setFocus()
    qtbot.keyClicks(win.prompt.editor, " now in green")
    assert win.is_dirty()
    qtbot.waitUntil(saver.path.exists, timeout=3000)
    copy = Project.load(saver.path)
    assert copy.prompt == win.prompt.editor.text() and copy.model == "tiny-vae"
    assert json.loads(saver.path.with_suffix(".json").read_text())["pid"] == os.getpid()
    assert left_behind(saver.folder) == []                              # our own session's copy is not offered

    assert win._write(str(tmp_path / "mine.lstudio"))
    assert not saver.path.exists() and not saver.path.with_suffix(".json").exists()   # at once, not a tick later
    qtbot.keyClicks(win.prompt.editor, " again")
    qtbot.waitUntil(saver.path.exists, timeout=3000)
    saver.finish()
    assert not saver.path.exists() and list(saver.folder.iterdir()) == []
    win.close()


def test_a_crashed_sessions_copy_is_offered_and_opens_unsaved(models_env, qtbot, tmp_path):
    folder = tmp_path / "autosave"
    original = tmp_path / "star.lstudio"
    copy = leave_copy(folder, Project(model="tiny-vae", prompt="a large red star moving left", seed=7, frames=21,
                                      fps=6, sliders={"size": 1.5}), str(original))
    win = make_window(qtbot, tmp_path, wait=False)              # as at start: the model is still loading
    saver = Autosave(win, interval_ms=60_000, folder=folder)
    asked = []
    saver.ask_recover = lambda path, meta: asked.append((path, meta["project_path"])) or True
    with qtbot.waitSignal(win.clipReady, timeout=60000):
        assert saver.offer_recovery()
    assert asked == [(copy, str(original))]
    assert win.prompt.editor.text() == "a large red star moving left"
    assert (win.prompt.seed.value(), win.prompt.frames.value(), win.prompt.fps.value()) == (7, 21, 6)
    assert win.latent.values().get("size") == 1.5
    assert win.player.count == 21
    assert win.is_dirty() and win.isWindowModified() and win.project_path == str(original)
    assert not copy.exists() and not copy.with_suffix(".json").exists()
    assert Project.load(saver.path).prompt == "a large red star moving left"   # this session holds it now
    assert left_behind(folder) == []
    saver.finish()
    win.close()


def test_discard_forgets_the_copy(models_env, qtbot, tmp_path):
    folder = tmp_path / "autosave"
    copies = [leave_copy(folder, Project(model="tiny-vae", prompt=f"old {i}")) for i in range(2)]
    win = make_window(qtbot, tmp_path)
    before = win.prompt.editor.text()
    saver = Autosave(win, folder=folder)
    saver.ask_recover = lambda path, meta: False
    assert not saver.offer_recovery()
    assert win.prompt.editor.text() == before and not win.is_dirty()
    assert not any(c.exists() for c in copies) and list(folder.iterdir()) == []
    win.close()


def test_a_running_sessions_copy_is_not_offered(tmp_path):
    folder = tmp_path / "autosave"
    leave_copy(folder, Project(model="tiny-vae", prompt="still open elsewhere"), pid=os.getppid())
    assert left_behind(folder) == []


def test_kill_9_leaves_a_copy_that_the_next_start_offers(models_env, qtbot, tmp_path):
    data = tmp_path / "data"
    env = {**os.environ, "LATENT_STUDIO_DATA": str(data), "LATENT_STUDIO_MODELS": str(models_env),
           "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path / "home")}      # HOME: a throwaway QSettings
    words = "a small green square moving up on a white background"
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--model", "tiny-vae", "--device", "cpu",
                             "--autosave", "0.3", "--edit-prompt", words], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    copy = data / "autosave" / f"autosave-{proc.pid}.lstudio"
    try:
        deadline = time.monotonic() + 90
        while not copy.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert copy.exists(), f"no autosave after {time.monotonic() - deadline + 90:.0f} s (exit: {proc.poll()})"
        time.sleep(0.5)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    assert copy.exists() and Project.load(copy).prompt == words
    assert left_behind(data / "autosave") == [copy]

    before = os.environ.get("LATENT_STUDIO_DATA")
    os.environ["LATENT_STUDIO_DATA"] = str(data)                # the next start, in this process
    try:
        win = make_window(qtbot, tmp_path, wait=False)
        saver = Autosave(win, interval_ms=60_000)
    finally:                                                    # the suite's own temporary data folder again
        if before is None:
            del os.environ["LATENT_STUDIO_DATA"]
        else:
            os.environ["LATENT_STUDIO_DATA"] = before
    asked = []
    saver.ask_recover = lambda path, meta: asked.append(path) or True
    with qtbot.waitSignal(win.clipReady, timeout=60000):
        assert saver.offer_recovery() and asked == [copy]
    assert win.prompt.editor.text() == words and win.is_dirty() and win.project_path is None
    assert not copy.exists()
    saver.finish()
    win.close()


def test_the_question_has_recover_and_discard(models_env, qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QApplication, QMessageBox
    win = make_window(qtbot, tmp_path)
    saver = Autosave(win, folder=tmp_path / "autosave")
    copy = leave_copy(saver.folder, Project(model="tiny-vae", prompt="x"), "/somewhere/clip.lstudio")
    seen = {}

    def answer():
        box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
        seen["text"] = box.text()
        seen["buttons"] = [b.text() for b in box.buttons()]
        qtbot.mouseClick(next(b for b in box.buttons() if b.text() == "Discard"), Qt.MouseButton.LeftButton)
    from PySide6.QtCore import QTimer
    QTimer.singleShot(200, answer)
    assert not saver.ask_recover(copy, {"project_path": "/somewhere/clip.lstudio", "saved_at": time.time()})
    assert sorted(seen["buttons"]) == ["Discard", "Recover"] and "clip.lstudio" in seen["text"]
    win.close()


@pytest.mark.parametrize("seconds", [60.0])
def test_the_app_autosaves_every_minute_by_default(seconds):
    from studio.app import parse_args
    assert parse_args([]).autosave == seconds and autosave_mod.INTERVAL_MS == 60_000
