"""The main window, driven like a user would (pytest-qt, offscreen), on the tiny test models."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QSettings, Qt

from studio.ui.main_window import MainWindow
from studio.engine_client import EngineClient

PROMPT = "a small blue circle bouncing on a black background"


def make_window(qtbot, tmp_path, model="tiny-vae", prompt="", wait=True, size=(1280, 800), **kw) -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    engine = EngineClient(device="cpu", warm_encoder=False)
    win = MainWindow(engine, settings, model=model, prompt=prompt, **kw)
    win.ask_unsaved = lambda: "discard"           # never block a test on a question
    qtbot.addWidget(win)
    win.resize(*size)
    if wait:
        with qtbot.waitSignal(win.clipReady, timeout=60000):
            win.show()
    else:
        win.show()
    return win


@pytest.fixture()
def window(models_env, qtbot, tmp_path):
    win = make_window(qtbot, tmp_path)
    yield win
    win.close()


def preview_pixels(win) -> np.ndarray:
    img = win.preview.image.convertToFormat(win.preview.image.Format.Format_RGB888)
    h, w = img.height(), img.width()
    return np.frombuffer(img.constBits(), np.uint8).reshape(h, img.bytesPerLine())[:, :3 * w].reshape(h, w, 3)


def test_generate_shows_frames(window, qtbot):
    win = window
    win.prompt.editor.clear()
    qtbot.keyClicks(win.prompt.editor, PROMPT)
    win.prompt.frames.setValue(12)
    with qtbot.waitSignal(win.clipReady, timeout=30000):
        qtbot.mouseClick(win.prompt.generate, Qt.MouseButton.LeftButton)
    assert win.last_request.prompt == PROMPT
    assert win.player.count == 12 and win.player.complete()
    assert win.player.frames.std() > 0                          # a real picture, not a blank
    assert np.array_equal(preview_pixels(win), win.player.frame())
    expected = win.engine.worker.model.generate(PROMPT, win.prompt.seed.value(), 12)
    assert np.array_equal(win.player.frames, expected)
    assert win.render_chip.text().startswith("render:") and "ms" in win.render_chip.text()
    assert "tiny-vae" in win.model_chip.text() and "CPU" in win.device_chip.text()


def test_scrub_and_play(window, qtbot):
    win = window
    tl, player = win.timeline, win.player
    n = player.count
    qtbot.mouseClick(tl, Qt.MouseButton.LeftButton, pos=QPoint(int(tl.x_of(5)), 40))
    assert player.index == 5
    assert np.array_equal(preview_pixels(win), player.frame(5))           # the preview follows at once
    qtbot.mousePress(tl, Qt.MouseButton.LeftButton, pos=QPoint(int(tl.x_of(2)), 40))
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication
    ev = QMouseEvent(QMouseEvent.Type.MouseMove, QPointF(tl.x_of(9), 40), tl.mapToGlobal(QPointF(tl.x_of(9), 40)),
                     Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(tl, ev)
    qtbot.mouseRelease(tl, Qt.MouseButton.LeftButton, pos=QPoint(int(tl.x_of(9)), 40))
    assert player.index == 9
    assert win.transport.readout.text().startswith(f"frame {10:>{len(str(n))}}/{n} · ")

    win.activateWindow()
    tl.setFocus()
    qtbot.keyClick(tl, Qt.Key.Key_Home)
    assert player.index == 0
    qtbot.keyClick(tl, Qt.Key.Key_Right)
    qtbot.keyClick(tl, Qt.Key.Key_Right)
    assert player.index == 2
    qtbot.keyClick(tl, Qt.Key.Key_Left)
    assert player.index == 1
    qtbot.keyClick(tl, Qt.Key.Key_End)
    assert player.index == n - 1
    qtbot.keyClick(tl, Qt.Key.Key_Home)
    seen = []
    player.frameChanged.connect(seen.append)
    qtbot.keyClick(tl, Qt.Key.Key_Space)
    assert player.playing
    qtbot.waitUntil(lambda: len(set(seen)) >= 3, timeout=3000)               # frames advance while playing
    assert seen[:2] == [1, 2]
    qtbot.keyClick(tl, Qt.Key.Key_Space)
    assert not player.playing


def test_space_types_in_the_prompt_editor(window, qtbot):
    win = window
    win.prompt.editor.clear()
    win.activateWindow()
    win.prompt.editor.setFocus()
    qtbot.keyClicks(win.prompt.editor, "red star")
    assert win.prompt.editor.text() == "red star" and not win.player.playing


def test_burst_of_requests_shows_the_last(window, qtbot):
    win = window
    worker = win.engine.worker
    before = worker.executed["render"]
    finished = []                                      # complete() alone is also true of an older clip
    win.engine.clipFinished.connect(lambda rid, _t: finished.append(rid))
    for seed in range(1, 101):
        win.prompt.seed.setValue(seed)                 # each change asks for a render
    qtbot.waitUntil(lambda: win.player.complete() and win.last_request.seed == 100 and not worker._slots
                    and win.render_chip.toolTip() != "" and win.last_request.id in finished, timeout=30000)
    qtbot.wait(200)
    assert worker.executed["render"] - before <= 3
    expected = worker.model.generate(win.prompt.editor.text(), 100, win.player.count)
    assert np.array_equal(win.player.frames, expected)


def test_sliders_rerender_and_undo_redo(window, qtbot):
    win = window
    assert list(win.latent.sliders)[:2] == ["size", "speed"] and list(win.latent.sliders)[-1] == "sefa8"
    before = win.player.frames.copy()
    slider = win.latent.sliders["size"]
    with qtbot.waitSignal(win.clipReady, timeout=30000):
        slider.setValue(250)
    assert win.last_request.sliders == (("size", 2.5),)
    assert not np.array_equal(win.player.frames, before)
    win.commit()
    with qtbot.waitSignal(win.clipReady, timeout=30000):
        win.prompt.seed.setValue(7)
    win.commit()
    assert win.undo_action.text().endswith("Change Seed")
    with qtbot.waitSignal(win.clipReady, timeout=30000):
        win.undo_action.trigger()
    assert win.prompt.seed.value() == 0 and win.latent.values() == {"size": 2.5}
    with qtbot.waitSignal(win.clipReady, timeout=30000):
        win.undo_action.trigger()
    assert win.latent.values() == {}
    assert np.array_equal(win.player.frames, before)
    win.redo_action.trigger()
    win.redo_action.trigger()
    assert win.prompt.seed.value() == 7 and win.latent.values() == {"size": 2.5}


def test_ctrl_z_in_editor_uses_the_window_undo(window, qtbot):
    win = window
    win.activateWindow()
    win.prompt.editor.setFocus()
    original = win.prompt.editor.text()
    qtbot.keyClicks(win.prompt.editor, " fast")
    win.commit()
    qtbot.keyClick(win.prompt.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert win.prompt.editor.text() == original
    qtbot.keyClick(win.prompt.editor, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert win.prompt.editor.text() == original + " fast"


def test_seed_lock_and_dice(window, qtbot):
    win = window
    seed = win.prompt.seed.value()
    with qtbot.waitSignal(win.clipReady, timeout=30000):
        win.generate()
    assert win.prompt.seed.value() == seed                     # locked: kept
    win.prompt.lock.setChecked(False)
    seeds = set()
    for _ in range(3):
        with qtbot.waitSignal(win.clipReady, timeout=30000):
            win.generate()
        seeds.add(win.prompt.seed.value())
    assert len(seeds) == 3 and win.last_request.seed in seeds
    with qtbot.waitSignal(win.clipReady, timeout=30000):
        win.prompt.dice.click()
    assert win.last_request.seed == win.prompt.seed.value()


def test_save_open_and_unsaved_changes(window, qtbot, tmp_path):
    win = window
    path = tmp_path / "clip.lstudio"
    assert not win.is_dirty()
    win.prompt.editor.set_text("a red star moving left")
    win.latent.sliders["sefa2"].setValue(-120)
    assert win.is_dirty() and win.isWindowModified()
    answers = []
    win.ask_unsaved = lambda: answers.append(1) or "cancel"
    win.close()
    assert win.isVisible() and answers                        # cancel keeps the window and the work
    assert not win.new_project() and win.prompt.editor.text() == "a red star moving left"
    assert win._write(str(path))
    assert not win.is_dirty()
    from studio.project import Project
    p = Project.load(path)
    assert (p.model, p.prompt, p.sliders) == ("tiny-vae", "a red star moving left", {"sefa2": -1.2})
    win.ask_unsaved = lambda: "discard"
    assert win.new_project()
    assert win.prompt.editor.text() == "" and win.latent.values() == {}
    with qtbot.waitSignal(win.clipReady, timeout=30000):
        assert win.open_project(str(path))
    assert win.prompt.editor.text() == "a red star moving left" and win.latent.values() == {"sefa2": -1.2}
    assert not win.is_dirty()
    assert win.recent_menu.actions()[0].text() == "clip.lstudio"


def test_open_bad_project_shows_banner(window, tmp_path):
    bad = tmp_path / "bad.lstudio"
    bad.write_text("{broken")
    assert not window.open_project(str(bad))
    assert window.banner.isVisible() and "not valid JSON" in window.banner.label.text()


def test_engine_error_is_non_modal(window, qtbot):
    win = window
    with qtbot.waitSignal(win.engineFailed, timeout=30000):
        win.engine.render(win.last_request.__class__.make("x", 0, 4, {"bogus": 1.0}))
    assert win.banner.isVisible() and "Unknown direction" in win.banner.label.text()
    with qtbot.waitSignal(win.clipReady, timeout=30000):
        win.generate()                                          # the worker lives on


def test_prompt_words_are_coloured(window, qtbot):
    win = window
    with qtbot.waitSignal(win.engine.parsed, timeout=30000):
        win.prompt.editor.set_text("the big red square")
    status = win.prompt.editor.highlighter.status
    assert status["red"] == "known" and status["the"] == "stop"
    assert not win.prompt.unknown.isVisible()


def test_model_switch_and_card(window, qtbot):
    win = window
    win.latent.sliders["size"].setValue(100)
    with qtbot.waitSignal(win.clipReady, timeout=30000):
        win.choose_model("tiny-gan")
    assert win.model_name == "tiny-gan" and win.latent.values() == {"size": 1.0}
    from studio.ui.model_card import card_html
    html = card_html(win.model_name, win.model_info["card"])
    assert "gan" in html and "Latent directions" in html and "sefa1" in html


def test_empty_state_without_models(tmp_path, qtbot, monkeypatch):
    empty = tmp_path / "no-models"
    empty.mkdir()
    monkeypatch.setenv("LATENT_STUDIO_MODELS", str(empty))
    win = make_window(qtbot, tmp_path, model=None, wait=False)
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.empty, timeout=30000)
    command = "python -m studio train --data shapes --family vae --out models/shapes-vae --minutes 30"
    assert win.empty.command.text().replace(" \\\n    ", " ") == command == win.empty.command.toolTip()
    assert str(empty) in win.empty.body.text()
    assert not win.prompt.generate.isEnabled()
    win.close()


def test_animate_a_dropped_image(window, qtbot, tmp_path):
    import cv2
    win = window
    still = np.zeros((48, 48, 3), np.uint8)
    cv2.circle(still, (24, 24), 10, (40, 40, 230), -1)          # a red disc (BGR) on black
    path = tmp_path / "still.png"
    cv2.imwrite(str(path), still)
    with qtbot.waitSignal(win.clipReady, timeout=30000):
        win.set_image(str(path))
    assert win.last_request.image_path == str(path) and win.prompt.image_row.isVisibleTo(win)
    assert win.player.complete()
    said = win.prompt.understood_text()                        # what the model read from the still
    assert "(read from the image)" in said and "motion" in said, said
    with qtbot.waitSignal(win.clipReady, timeout=30000):
        win.prompt.image_clear.click()
    assert win.last_request.image_path == "" and not win.prompt.image_row.isVisibleTo(win)


def test_escape_stops_a_long_render(window, qtbot):
    win = window
    with qtbot.waitSignal(win.engine.framesReady, timeout=30000):
        win.prompt.frames.setValue(4096)
    with qtbot.waitSignal(win.engine.renderCancelled, timeout=5000):
        win.stop_render()
    assert not win.player.complete() and "stopped" in win.message.text()


def test_failed_model_switch_keeps_the_old_model(window, qtbot):
    win = window
    with qtbot.waitSignal(win.engineFailed, timeout=30000):
        win.choose_model("/no/such/model-folder")
    assert win.banner.isVisible() and win.prompt.model_box.currentText() == "tiny-vae"
    with qtbot.waitSignal(win.clipReady, timeout=30000):
        win.prompt.seed.setValue(11)                            # still renders with tiny-vae
    assert win.model_name == "tiny-vae"


def test_project_given_at_launch(models_env, qtbot, tmp_path):
    from studio.project import Project
    path = tmp_path / "launch.lstudio"
    Project(model="tiny-gan", prompt="a green square moving up", seed=5, frames=10, fps=12,
            sliders={"sefa1": 0.5}).save(path)
    win = make_window(qtbot, tmp_path, model=None, prompt=None, project=str(path))
    assert win.model_name == "tiny-gan" and win.last_request.prompt == "a green square moving up"
    assert win.last_request.sliders == (("sefa1", 0.5),) and win.player.count == 10 and win.player.fps == 12
    assert not win.is_dirty() and win.windowTitle().startswith("launch.lstudio")
    win.close()


def test_an_edit_made_while_the_model_loads_is_not_lost(models_env, qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(EngineClient(device="cpu", warm_encoder=False), settings, model="tiny-vae", prompt="")
    win.ask_unsaved = lambda: "discard"
    qtbot.addWidget(win)
    qtbot.keyClicks(win.prompt.editor, "a blue square")              # before the engine is even up
    win._commit_timer.stop()                                          # the model arrives within the typing pause
    assert win.model_info is None and win.undo.count() == 0
    with qtbot.waitSignal(win.clipReady, timeout=60000):
        win.show()
    assert win.is_dirty() and win.isWindowModified()                  # closing would ask to save it
    win.close()
