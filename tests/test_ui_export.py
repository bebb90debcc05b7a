"""The export dialog, driven programmatically: an MP4 that decodes right, and a cancel that leaves nothing."""
from __future__ import annotations

import pytest
from test_ui_window import make_window


@pytest.fixture()
def window(models_env, qtbot, tmp_path):
    win = make_window(qtbot, tmp_path)
    yield win
    win.close()


def test_export_mp4_through_the_dialog(window, qtbot, tmp_path):
    import cv2
    win = window
    with qtbot.waitSignal(win.clipReady, timeout=30000):
        win.prompt.frames.setValue(20)
    out = tmp_path / "out" / "clip.mp4"
    out.parent.mkdir()
    dlg = win.open_export_dialog()
    assert dlg.isVisible()
    dlg.set_choice(format="webm")
    dlg.set_choice(format="mp4", size="256", fit="letterbox", scaling="pixel", fps=12, path=out)
    assert dlg.path.text().endswith("clip.mp4")
    with qtbot.waitSignal(dlg.exported, timeout=60000) as done:
        dlg.export.click()
    assert done.args[0] == str(out) and "Saved" in dlg.message.text()
    cap = cv2.VideoCapture(str(out))
    frames = 0
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames += 1
        assert frame.shape == (256, 256, 3)
    assert frames == 20
    assert cap.get(cv2.CAP_PROP_FPS) == pytest.approx(12)
    cap.release()
    assert win.export_options["format"] == "mp4" and win.export_options["fps"] == 12
    assert [p.name for p in out.parent.iterdir()] == ["clip.mp4"]
    from studio.media.credentials import read_credentials
    info = read_credentials(out)                       # signed, by this model, without the prompt
    assert info["validates"] and info["model"] == win.model_name and info["prompt"] is None
    assert info["source_type"] == "trainedAlgorithmicMedia"
    dlg.close()


def test_format_changes_the_suffix(window):
    dlg = window.open_export_dialog()
    dlg.set_choice(path="/tmp/x/clip.mp4", format="gif")
    assert dlg.path.text() == "/tmp/x/clip.gif"
    dlg.set_choice(format="png")
    assert dlg.path.text() == "/tmp/x/clip"
    dlg.set_choice(format="webm")
    assert dlg.path.text() == "/tmp/x/clip.webm"
    dlg.close()


def test_cancel_export_leaves_no_file(window, qtbot, tmp_path):
    win = window
    with qtbot.waitSignal(win.clipReady, timeout=30000):
        win.prompt.frames.setValue(300)
    out_dir = tmp_path / "cancel"
    out_dir.mkdir()
    dlg = win.open_export_dialog()
    dlg.set_choice(format="mp4", size="1080p", path=out_dir / "big.mp4")
    seen = []

    def on_progress(done, total):
        seen.append(done)
        if len(seen) == 5:
            qtbot.mouseClick(dlg.cancel, __import__("PySide6.QtCore", fromlist=["Qt"]).Qt.MouseButton.LeftButton)

    win.engine.exportProgress.connect(on_progress)
    dlg.start()
    assert dlg.cancel.text() == "Cancel"
    qtbot.waitUntil(lambda: not dlg.busy, timeout=60000)
    assert "Cancelled" in dlg.message.text()
    assert max(seen) < 300
    qtbot.wait(300)
    assert list(out_dir.iterdir()) == []
    dlg.close()


def test_native_is_the_default_and_matches_the_api(window, qtbot, tmp_path):
    import cv2
    import numpy as np

    from studio.project_frames import plan_project
    win = window
    dlg = win.open_export_dialog()
    assert dlg.settings()["scaling"] == "native"
    out = tmp_path / "frames"
    dlg.set_choice(format="png", size="512", path=out)
    with qtbot.waitSignal(dlg.exported, timeout=60000):
        dlg.export.click()
    files = sorted(out.iterdir())
    assert len(files) == win.prompt.frames.value()
    first = cv2.imread(str(files[0]))[..., ::-1]
    m = win.engine.worker.model                                          # idle now; its threads, its numbers
    want = m.render(plan_project(m, win.project()), [0], size=512)[0]     # drawn at 512, not enlarged
    d = np.abs(first.astype(int) - want.astype(int))
    assert first.shape == (512, 512, 3) and d.max() == 0, (d.max(), (d > 0).sum(), np.argwhere(d > 0)[:5])
    dlg.close()
