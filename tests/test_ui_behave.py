"""Issue 8, section 4 and the direction names: sliders that the "Understood as" panel owns up to,
focus that follows the click, shortcuts from any field, status messages that end with their work,
and discovered directions the user can rename."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from test_ui_window import make_window

from studio.ui.direction_names import display_name, is_discovered, set_display_name, settings_key
from studio.ui.latent_panel import LatentPanel


@pytest.fixture()
def window(models_env, qtbot, tmp_path):
    win = make_window(qtbot, tmp_path)
    yield win
    win.close()


# ---------------------------------------------------------------------- "Understood as" owns up to the sliders
def test_understood_lists_the_sliders_in_force_and_resets_them(window, qtbot):
    win = window
    assert win.prompt.reset_sliders.isHidden() and "(slider)" not in win.prompt.understood_text()
    win.commit()
    steps = win.undo.count()
    with qtbot.waitSignal(win.clipReady, timeout=30000):
        win.latent.sliders["sefa1"].setValue(-180)
    win.latent.committed.emit()
    text = win.prompt.understood_text()
    assert "Direction 1 \u22121.80 (slider)" in text, text
    assert "(slider)" in win.prompt.understood.text() and not win.prompt.reset_sliders.isHidden()
    assert win.undo.count() == steps + 1

    win.prompt.editor.set_text("a small red circle moving left on a white background")
    with qtbot.waitSignal(win.clipReady, timeout=30000):
        win.generate()                                          # the sliders carry over to a new prompt ...
    assert win.last_request.sliders == (("sefa1", -1.8),)
    assert "Direction 1 \u22121.80 (slider)" in win.prompt.understood_text()   # ... and the panel says so
    steps = win.undo.count()
    with qtbot.waitSignal(win.clipReady, timeout=30000):
        qtbot.mouseClick(win.prompt.reset_sliders, Qt.MouseButton.LeftButton)
    assert win.latent.values() == {} and win.last_request.sliders == ()
    assert "(slider)" not in win.prompt.understood_text() and win.prompt.reset_sliders.isHidden()
    assert win.undo.count() == steps + 1                        # one click, one undo step
    with qtbot.waitSignal(win.clipReady, timeout=30000):
        win.do_undo()
    assert win.latent.values() == {"sefa1": -1.8}
    assert "Direction 1 \u22121.80 (slider)" in win.prompt.understood_text()


# ---------------------------------------------------------------------- focus and shortcuts
# (also run under Xvfb: `QT_QPA_PLATFORM=xcb xvfb-run -a pytest tests/test_ui_behave.py`; X11 binds
# Ctrl+E to "end of line" in line edits, which offscreen does not)
def focus(qtbot, widget):
    widget.window().activateWindow()
    qtbot.waitUntil(widget.window().isActiveWindow, timeout=3000)
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus, timeout=3000)


@pytest.mark.parametrize("target", ["preview", "timeline"])
def test_clicking_the_clip_takes_focus_for_playback(window, qtbot, target):
    win = window
    focus(qtbot, win.prompt.editor)
    qtbot.keyClicks(win.prompt.editor, " fast")
    assert win.prompt.editor.hasFocus()
    widget = win.preview if target == "preview" else win.timeline
    at = QPoint(widget.width() // 2, widget.height() // 2) if target == "preview" else QPoint(int(widget.x_of(3)), 40)
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=at)
    assert widget.hasFocus() and not win.prompt.editor.hasFocus()
    player, n = win.player, win.player.count
    qtbot.keyClick(widget, Qt.Key.Key_End)
    assert player.index == n - 1
    qtbot.keyClick(widget, Qt.Key.Key_Home)
    assert player.index == 0
    qtbot.keyClick(widget, Qt.Key.Key_Right)
    qtbot.keyClick(widget, Qt.Key.Key_Right)
    qtbot.keyClick(widget, Qt.Key.Key_Left)
    assert player.index == 1
    qtbot.keyClick(widget, Qt.Key.Key_Space)
    assert player.playing
    qtbot.keyClick(widget, Qt.Key.Key_Space)
    assert not player.playing
    assert win.prompt.editor.text().endswith(" fast")            # no key went into the prompt


def _focus_fields(win):
    return {"prompt": win.prompt.editor, "seed": win.prompt.seed, "frames": win.prompt.frames,
            "fps": win.prompt.fps, "model": win.prompt.model_box}


@pytest.mark.parametrize("field", ["prompt", "seed", "frames", "fps", "model"])
def test_ctrl_e_exports_from_any_field(window, qtbot, field):
    win = window
    opened = []
    win.export_action.triggered.disconnect()
    win.export_action.triggered.connect(lambda *_: opened.append(1))
    widget = _focus_fields(win)[field]
    focus(qtbot, widget)
    before = win.prompt.editor.text()
    qtbot.keyClick(widget, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert opened == [1]
    assert win.prompt.editor.text() == before


# ---------------------------------------------------------------------- status messages end with their work
def test_text_encoder_message_ends_when_loaded(window, qtbot):
    win = window
    worker = win.engine.worker
    said = []
    win.engine.status.connect(said.append)
    worker.event.emit("status", 0, ("Loading the text encoder…",))    # what _warm_text_encoder says, then ""
    qtbot.waitUntil(lambda: win.message.text() == "Loading the text encoder…", timeout=2000)
    worker.event.emit("status", 0, ("",))
    qtbot.waitUntil(lambda: said[-1:] == [""], timeout=2000)
    assert "text encoder" not in win.message.text() and not win.spinner.busy
    assert win.message.text().startswith("Rendered")             # what it covered comes back


def test_real_text_encoder_load_does_not_stay(window, qtbot):
    win = window
    from studio.engine.text.encoder import default_encoder
    enc = default_encoder()
    if enc.loaded:
        pytest.skip("the text encoder is already loaded in this process")
    win.engine.worker._warmed = False
    with qtbot.waitSignal(win.clipReady, timeout=30000):
        win.prompt.seed.setValue(win.prompt.seed.value() + 1)
    # the load starts after the clip (a gap where nothing is busy): wait for the encoder itself
    qtbot.waitUntil(lambda: enc.loaded and not win.spinner.busy and "text encoder" not in win.message.text(),
                    timeout=120000)
    qtbot.wait(300)
    assert "text encoder" not in win.message.text()


def test_exporting_message_ends_after_cancel(window, qtbot, tmp_path):
    win = window
    with qtbot.waitSignal(win.clipReady, timeout=30000):
        win.prompt.frames.setValue(300)
    dlg = win.open_export_dialog()
    dlg.set_choice(format="mp4", size="1080p", path=tmp_path / "big.mp4")
    seen = []

    def on_progress(done, total):
        seen.append(win.message.text())
        if len(seen) == 3:
            qtbot.mouseClick(dlg.cancel, Qt.MouseButton.LeftButton)
    win.engine.exportProgress.connect(on_progress)
    dlg.start()
    qtbot.waitUntil(lambda: not dlg.busy, timeout=60000)
    assert "Exporting…" in seen
    qtbot.waitUntil(lambda: not win.spinner.busy, timeout=5000)
    assert win.message.text() != "Exporting…" and "Exporting" not in win.message.text()
    dlg.close()


def test_status_line_restores_only_what_it_covered(qapp):
    from studio.ui.status import StatusLine
    line = StatusLine("Starting…")
    line.set_busy("Starting the engine…")
    line.set_busy("")
    assert line.text() == ""                                    # the start-up text is not brought back
    line.setText("Rendered 16 frames in 30 ms")
    line.set_busy("Exporting…")
    line.set_busy("")
    assert line.text() == "Rendered 16 frames in 30 ms"
    line.set_busy("Rendering…")
    line.setText("Rendered 8 frames in 10 ms")                   # said meanwhile: it stays
    line.set_busy("")
    assert line.text() == "Rendered 8 frames in 10 ms"


# ---------------------------------------------------------------------- renaming discovered directions
def test_direction_names_helper(tmp_path, qapp):
    s = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    assert display_name(s, "tiny-vae", "sefa3") == "Direction 3"
    assert display_name(s, "tiny-vae", "color-red") == "Red" and display_name(None, "", "size") == "Size"
    assert set_display_name(s, "tiny-vae", "sefa3", "  Squash   and stretch ") == "Squash and stretch"
    assert s.value("directionNames/tiny-vae/sefa3") == "Squash and stretch"
    assert display_name(s, "tiny-vae", "sefa3") == "Squash and stretch"
    assert display_name(s, "tiny-gan", "sefa3") == "Direction 3"               # per model
    assert display_name(s, "tiny-vae", "sefa4") == "Direction 4"
    assert set_display_name(s, "tiny-vae", "sefa3", "") == "Direction 3"
    assert s.value(settings_key("tiny-vae", "sefa3")) is None
    assert settings_key("/models/a/b", "sefa1") == "directionNames/_models_a_b/sefa1"
    assert is_discovered("sefa12") and not is_discovered("size") and not is_discovered("sefa")
    set_display_name(s, "m", "size", "Big")                                   # named directions keep their names
    assert display_name(s, "m", "size") == "Size"


def test_rename_a_discovered_direction_in_the_panel(tmp_path, qtbot):
    s = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    panel = LatentPanel()
    qtbot.addWidget(panel)
    panel.set_model(s, "tiny-vae")
    panel.set_directions(["size", "sefa2", "sefa1"])
    panel.show()
    names = []
    panel.renamed.connect(lambda d, n: names.append((d, n)))
    panel.ask_name = lambda d, current: (names.append(("asked", current)), "Wobble")[1]
    label = panel.name_labels["sefa2"]
    assert label.text() == "Direction 2"
    qtbot.mouseDClick(label, Qt.MouseButton.LeftButton)
    assert names == [("asked", "Direction 2"), ("sefa2", "Wobble")]
    assert label.text() == "Wobble" and s.value("directionNames/tiny-vae/sefa2") == "Wobble"
    panel.ask_name = lambda d, current: None                                  # cancelled: nothing changes
    qtbot.mouseDClick(label, Qt.MouseButton.LeftButton)
    assert label.text() == "Wobble" and len(names) == 2
    qtbot.mouseDClick(panel.name_labels["size"], Qt.MouseButton.LeftButton)   # named ones are not renamed
    assert panel.name_labels["size"].text() == "Size" and len(names) == 2
    assert panel.name_labels["sefa2"].contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu

    panel.sliders["sefa2"].setValue(-150)
    assert panel.in_force() == [("Wobble", -1.5)]
    panel.set_directions(["size", "sefa1", "sefa2"])                          # rebuilt: the name stays
    assert panel.name_labels["sefa2"].text() == "Wobble"
    panel.set_model(s, "tiny-gan")
    panel.set_directions(["sefa1", "sefa2"])
    assert panel.name_labels["sefa2"].text() == "Direction 2"                 # another model's directions
    panel.set_model(s, "tiny-vae")
    panel.set_directions(["sefa1", "sefa2"])
    panel.rename("sefa2", "")                                                 # back to the built-in name
    assert panel.name_labels["sefa2"].text() == "Direction 2" and names[-1] == ("sefa2", "Direction 2")


def test_renamed_direction_shows_in_the_window(window, qtbot):
    win = window
    with qtbot.waitSignal(win.clipReady, timeout=30000):
        win.latent.sliders["sefa1"].setValue(120)
    assert "Direction 1 +1.20 (slider)" in win.prompt.understood_text()
    win.latent.ask_name = lambda d, current: "Tilt"
    with qtbot.waitSignal(win.latent.renamed, timeout=1000):
        qtbot.mouseDClick(win.latent.name_labels["sefa1"], Qt.MouseButton.LeftButton)
    assert "Tilt +1.20 (slider)" in win.prompt.understood_text()
    tv = win.trajectory                                                  # the trajectory's axes too
    assert tv.x_axis.itemText(tv.x_axis.findData("sefa1")) == "Tilt"
    assert display_name(win.settings, "tiny-vae", "sefa1") == "Tilt"
    assert win.settings.value("directionNames/tiny-vae/sefa1") == "Tilt"


# ---------------------------------------------------------------------- words outside the world, in plain words
def generate(win, qtbot, prompt: str, note, shown: bool) -> None:
    """Types `prompt`, generates, and waits for the label `note` to be shown (or hidden)."""
    with qtbot.waitSignal(win.clipReady, timeout=60000):
        win.prompt.editor.set_text(prompt)
        win.generate()
    qtbot.waitUntil(lambda: note.isVisibleTo(win) == shown, timeout=10000)


def test_words_outside_the_world_say_what_the_model_drew_instead(window, qtbot):
    win = window
    generate(win, qtbot, "a giraffe", win.prompt.unknown, True)       # "a ball" is a circle to the prompt reader
    plan = win.engine.worker.model.plan("a giraffe", win.prompt.seed.value())
    text = win.prompt.unknown.text()
    assert "Not understood (ignored): giraffe." in text
    assert "draws circles, squares, triangles and stars" in text
    assert f"shape <b>{plan.values['shape']}</b>" in text                  # what the clip shows instead
    assert f"shape {plan.values['shape']} (chosen by the seed)" in win.prompt.understood_text()
    generate(win, qtbot, "a red square", win.prompt.unknown, False)


def test_two_motions_in_one_prompt_say_which_one_the_clip_follows(window, qtbot):
    win = window
    generate(win, qtbot, "a red circle moving left, then up", win.prompt.motion_note, True)
    text = win.prompt.motion_note.text()
    assert "left and up" in text and "this one is <b>left</b>" in text
    generate(win, qtbot, "a red circle moving left", win.prompt.motion_note, False)
