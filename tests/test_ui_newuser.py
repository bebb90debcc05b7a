"""What a new user lost in the first ten minutes (issue 15, item 3), driven through the real widgets."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from test_ui_window import make_window

PROMPT = "a large red star moving right on a black background"


@pytest.fixture()
def win(models_env, qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, prompt=PROMPT)
    w.prompt.frames.setValue(24)
    qtbot.waitUntil(lambda: w.player.count == 24 and w.player.complete(), timeout=30000)
    w.finished = []
    w.engine.clipFinished.connect(lambda rid, _t: w.finished.append(rid))
    yield w
    w.close()


def drag_to(qtbot, slider, value):
    """Moves a slider with the keyboard, as a user's drag does: valueChanged step by step."""
    slider.setFocus()
    for _ in range(200):
        if slider.value() == value:
            return
        qtbot.keyClick(slider, Qt.Key.Key_Up if slider.value() < value else Qt.Key.Key_Down)
        if abs(slider.value() - value) < slider.singleStep():
            slider.setValue(value)
    raise AssertionError(f"the slider stays at {slider.value()}, not {value}")


def settle(win, qtbot):
    """Waits for the clip of the latest request (complete() alone is also true of the one before)."""
    qtbot.waitUntil(lambda: win.last_request.id in win.finished, timeout=30000)


def test_a_slider_moved_off_a_key_is_kept_when_another_moves_and_k_stores_it(win, qtbot):
    size, other = win.latent.sliders["size"], win.latent.sliders["sefa1"]
    win.player.seek(0)
    drag_to(qtbot, size, -100)
    qtbot.keyClick(win.preview, Qt.Key.Key_K)
    win.player.seek(23)
    drag_to(qtbot, size, 100)
    qtbot.keyClick(win.preview, Qt.Key.Key_K)
    win.player.seek(12)                                       # between the keys, no key here
    drag_to(qtbot, size, 50)
    size.sliderReleased.emit()
    assert "Key added at 1.50 s (frame 12)" in win.message.text()      # said, not silent
    drag_to(qtbot, other, 80)                                 # another slider moves
    other.sliderReleased.emit()
    settle(win, qtbot)                                        # the new clip's frames arrive, the playhead's too
    assert size.value() == 50 and other.value() == 80         # neither was forgotten
    qtbot.waitUntil(lambda: not win.message._busy, timeout=10000)
    assert "Key added at 1.50 s" in win.message.text()        # still there to read once the clip is drawn
    qtbot.keyClick(win.preview, Qt.Key.Key_K)
    keys = {round(k.time * 8): k.sliders for k in win.project().keyframes}
    assert sorted(keys) == [0, 12, 23]
    assert keys[12]["size"] == pytest.approx(0.5) and keys[12]["sefa1"] == pytest.approx(0.8)
    assert keys[0]["size"] == -1.0 and keys[23]["size"] == 1.0
    win.player.seek(0)
    win.player.seek(12)
    assert size.value() == 50                                 # the clip has that look there


def tick_labels(view, side):
    axis = view.plot.getAxis(side)
    lo, hi = axis.range
    length = axis.geometry().width() if side == "bottom" else axis.geometry().height()
    return [s for spacing, values in axis.tickValues(lo, hi, length)
            for s in axis.tickStrings(values, axis.autoSIPrefixScale, spacing)]


def test_the_trajectory_axes_are_labelled_with_short_numbers(win, qtbot):
    win.trajectory_dock.show()
    win.trajectory_dock.raise_()
    drag_to(qtbot, win.latent.sliders["sefa1"], 254)           # a look held all along the path
    win.player.seek(0)
    drag_to(qtbot, win.latent.sliders["size"], -100)
    qtbot.keyClick(win.preview, Qt.Key.Key_K)
    win.player.seek(23)
    drag_to(qtbot, win.latent.sliders["size"], 100)
    qtbot.keyClick(win.preview, Qt.Key.Key_K)
    view = win.trajectory
    assert view.axes() == ("__pca__", "__pca__")                # the default: the path's principal components
    assert view.plot.getAxis("bottom").labelText == "1st principal component"     # not the same name twice
    assert view.plot.getAxis("left").labelText == "2nd principal component"
    qtbot.waitUntil(lambda: view.plot.getAxis("left").geometry().height() > 20, timeout=5000)
    for side in ("bottom", "left"):
        labels = tick_labels(view, side)
        assert labels, side
        assert all(len(s) <= 5 for s in labels), (side, labels)  # "2.5", "-0.25", never 2.540043066440225
    # a direction that hardly moves: float noise (a projection's, a dragged key's) around 2.540043066440225
    held = 2.540043066440225 + np.linspace(0.0, 4e-15, 24)
    view.set_path({"size": np.linspace(-1, 1, 24), "sefa1": held}, [0, 23],
                  [{"size": -1.0, "sefa1": held[0]}, {"size": 1.0, "sefa1": held[-1]}])
    view.x_axis.setCurrentIndex(view.x_axis.findData("sefa1"))
    qtbot.waitUntil(lambda: view.plot.getAxis("bottom").range[0] > 1, timeout=5000)
    labels = tick_labels(view, "bottom")
    assert labels and all(len(s) <= 5 for s in labels), labels
    assert any(abs(float(s) - 2.54) < 0.3 for s in labels)
    # a path flat along the second component: its axis reads -0.4 .. 0.4, not -400 .. 400 "(x0.001)"
    view.x_axis.setCurrentIndex(0)
    view.set_path({"size": np.linspace(0, 2.65, 24)}, [0, 23], [{"size": 0.0}, {"size": 2.65}])
    qtbot.wait(50)
    left = view.plot.getAxis("left")
    assert left.autoSIPrefixScale == 1
    assert all(abs(float(s)) <= 0.6 for s in tick_labels(view, "left"))


def wheel(widget, steps=-3):
    pos = QPointF(widget.width() / 2, widget.height() / 2)
    ev = QWheelEvent(pos, widget.mapToGlobal(pos), QPoint(0, 0), QPoint(0, 120 * steps), Qt.MouseButton.NoButton,
                     Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, ev)


def test_the_wheel_scrolls_the_left_panel_and_changes_frames_only_when_focused(models_env, qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, prompt=PROMPT, size=(1280, 420))     # a short screen: the panel scrolls
    bar = w.left_panel.verticalScrollBar()
    assert bar.maximum() > 0
    frames, request = w.prompt.frames.value(), w.last_request
    w.preview.setFocus()
    wheel(w.prompt.frames)
    assert w.prompt.frames.value() == frames and bar.value() > 0           # scrolled, not changed
    wheel(w.prompt.frames.lineEdit())                                      # over the box's text: the same
    assert w.prompt.frames.value() == frames
    assert w.last_request is request                                       # and nothing re-rendered
    w.prompt.model_box.setFocus()
    wheel(w.latent.sliders["size"])                                        # a slider in the sliders' scroll area
    assert w.latent.sliders["size"].value() == 0
    w.prompt.frames.setFocus()
    assert w.prompt.frames.hasFocus() or QApplication.focusWidget() is w.prompt.frames.lineEdit()
    wheel(w.prompt.frames, steps=2)                                        # focused: the wheel is the box's
    assert w.prompt.frames.value() == frames + 2
    w.close()


def test_a_number_outside_a_box_range_is_said_not_cut(win, qtbot):
    box = win.prompt.frames
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box.lineEdit(), "99999")
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
    assert box.value() == 24                                               # not 999, not 4096
    note = win.prompt.range_note
    assert note.isVisible() and "1 to 4096" in note.text() and "99999" in note.text()
    box.selectAll()
    qtbot.keyClicks(box.lineEdit(), "32")
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
    assert box.value() == 32 and not note.isVisible()


def exporting(win, qtbot, tmp_path):
    win.prompt.frames.setValue(600)                               # long enough to still be writing
    dlg = win.open_export_dialog()
    dlg.set_choice(format="png", size="1080p", path=str(tmp_path / "frames"))
    progressed = []
    win.engine.exportProgress.connect(lambda d, t: progressed.append(d))
    assert dlg.start()
    qtbot.waitUntil(lambda: bool(progressed), timeout=30000)
    return dlg


def test_esc_cancels_a_running_export(win, qtbot, tmp_path):
    dlg = exporting(win, qtbot, tmp_path)
    cancelled = []
    win.engine.exportCancelled.connect(lambda: cancelled.append(1))
    qtbot.keyClick(dlg.focusWidget() or dlg, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: bool(cancelled) and not dlg.busy, timeout=30000)
    assert not (tmp_path / "frames").exists()
    assert "Cancelled" in dlg.message.text()
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)                        # idle: Esc closes it
    qtbot.waitUntil(lambda: not dlg.isVisible(), timeout=5000)


def test_ctrl_q_during_an_export_asks_cancels_and_quits(win, qtbot, tmp_path):
    dlg = exporting(win, qtbot, tmp_path)
    asked = []
    dlg.ask_quit = lambda: asked.append(1) or False                # "go on exporting"
    qtbot.keyClick(dlg.focusWidget() or dlg, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert asked == [1] and dlg.busy and win.isVisible()
    dlg.ask_quit = lambda: asked.append(2) or True                 # "cancel it and quit"
    qtbot.keyClick(dlg.focusWidget() or dlg, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not win.isVisible(), timeout=30000)
    assert asked == [1, 2] and not dlg.busy
    assert not (tmp_path / "frames").exists()


def test_a_seamless_loop_whose_end_keys_differ_says_so(win, qtbot):
    win.player.seek(0)
    drag_to(qtbot, win.latent.sliders["size"], -100)
    qtbot.keyClick(win.preview, Qt.Key.Key_K)
    win.player.seek(23)
    drag_to(qtbot, win.latent.sliders["size"], 100)              # on the last frame: the loop has no room
    qtbot.keyClick(win.preview, Qt.Key.Key_K)
    assert not win.loop_note.isVisible()                          # no loop, nothing to say
    qtbot.mouseClick(win.loop_box, Qt.MouseButton.LeftButton, pos=QPoint(8, win.loop_box.height() // 2))
    assert win.loop_box.isChecked()
    note = win.loop_note.text()
    assert win.loop_note.isVisible() and "first and last keys differ" in note and "Size +1.00" in note
    settle(win, qtbot)
    qtbot.waitUntil(lambda: not win.message._busy, timeout=10000)
    assert note in win.message.text()                             # not covered by "Rendered 24 frames"
    win.prompt.frames.setValue(96)                                # a longer clip: the loop has room to close
    assert not win.loop_note.isVisible()
    win.prompt.frames.setValue(24)
    assert win.loop_note.isVisible()
    drag_to(qtbot, win.latent.sliders["size"], -100)              # the last key now matches the first
    win.latent.sliders["size"].sliderReleased.emit()
    assert not win.loop_note.isVisible()
    win.player.seek(12)
    drag_to(qtbot, win.latent.sliders["size"], 150)               # a key in the middle: the loop still closes
    assert not win.loop_note.isVisible()


CAPTIONS = ["a brown dog running on the beach", "waves rolling onto the sand", "a dog jumping into the waves",
            "seagulls flying over the beach"]


def as_footage(win, qtbot, captions):
    """The window told (as by the worker) that a footage model is loaded: its card is the one that counts."""
    card = {**win.model_info["card"], "conditioning": "sentence"}
    card["data"] = {**(card.get("data") or {}), "captions": captions} if captions is not None else {}
    win.engine.modelLoaded.emit({**win.model_info, "card": card})
    qtbot.waitUntil(lambda: win.prompt.footage is not None, timeout=5000)


def type_prompt(win, qtbot, text):
    win.prompt.editor.clear()
    qtbot.keyClicks(win.prompt.editor, text)
    qtbot.waitUntil(lambda: win.prompt.unknown.isVisible(), timeout=10000)


def test_a_footage_model_speaks_of_its_own_captions(win, qtbot):
    as_footage(win, qtbot, CAPTIONS)
    type_prompt(win, qtbot, "a dog running on the beach at night")
    text = win.prompt.unknown.text()
    assert "circle" not in text and "square" not in text and "star" not in text
    assert "night" in text and "4 clips of footage" in text and "brown dog running on the beach" in text
    assert "seagulls" in text and "waves" in text                       # its own words
    status = win.prompt.editor.highlighter.status
    assert status["dog"] == status["beach"] == status["running"] == "known" and status["night"] == "unknown"
    assert "shape" not in win.prompt.understood_text()


def test_a_footage_model_without_captions_on_its_card_says_so(win, qtbot):
    as_footage(win, qtbot, None)
    type_prompt(win, qtbot, "a red circle moving left")
    text = win.prompt.unknown.text()
    assert "keeps no captions" in text and "draws circles" not in text


@pytest.mark.parametrize("half", [0.45, 0.8, 1.3])
@pytest.mark.parametrize("res", [None, 256, 720])
def test_an_object_wrapping_the_torus_is_continuous_across_the_picture_edges(models_env, half, res):
    """The canvas is a torus: moving a large object by k pixels rolls the picture by k pixels, at the
    model's size and drawn natively at export sizes (720p letterboxed and cropped draw a 720 and a
    1280 square), whether it crosses one edge, both, or is larger than the picture."""
    import torch

    from studio.engine import load_model
    dec = load_model("tiny-vae", device="cpu").decoder
    size = res or dec.cfg.res
    s = dec.cfg.sprite_res
    yy, xx = torch.meshgrid(torch.linspace(-1, 1, s), torch.linspace(-1, 1, s), indexing="ij")
    alpha = ((xx ** 2 + yy ** 2) < 0.9).float()[None, None] * 0.98 + 0.01   # a disc filling its sprite
    rgb = torch.stack([0.9 + 0 * xx, 0.45 + 0.25 * xx, 0.1 + 0 * xx])[None]       # a colour ramp: sides differ
    bg = torch.full((1, 3, dec.cfg.res, dec.cfg.res), 0.5)
    log_half = float(np.log(half * dec.cfg.res / s))
    k = 7 * size // 64
    x0 = 0.6
    states = torch.tensor([[[x0, 0.1, log_half], [x0 + 2 * k / size, 0.1, log_half]]], dtype=torch.float32)
    states[..., 0] = torch.remainder(states[..., 0] + 1, 2) - 1            # the path keeps x in [-1, 1)
    frames = dec.compose(bg, alpha, rgb, states, torus=True, res=res)[0].numpy()
    a, b = frames[0], frames[1]
    assert np.abs(np.roll(a, k, axis=2) - b).max() < 2e-3
    # where the object meets its own wrapped copy it is the object's colour, not the two added up
    brightest = np.maximum(rgb[0].amax((1, 2)).numpy(), 0.5)
    assert (a.max(axis=(1, 2)) <= brightest + 1e-3).all(), (a.max(axis=(1, 2)), brightest)
