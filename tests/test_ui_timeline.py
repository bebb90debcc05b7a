"""The latent timeline in the window: keyframe lane, sliders at the playhead, trajectory view,
seamless loop and noise loop, undo, and the preview matching `studio export` bit for bit."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from studio.project_frames import render_project

from test_ui_window import make_window

PROMPT = "a large red star moving right on a black background"


@pytest.fixture()
def win(models_env, qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, prompt=PROMPT)
    w.prompt.frames.setValue(24)
    qtbot.waitUntil(lambda: w.player.count == 24 and w.player.complete(), timeout=30000)
    yield w
    w.close()


def set_slider(w, name, value):
    w.latent.sliders[name].setValue(round(value * 100))


def two_keys(w, qtbot):
    w.player.seek(0)
    set_slider(w, "size", -1.0)
    qtbot.keyClick(w.preview, Qt.Key.Key_K)
    w.player.seek(23)
    set_slider(w, "size", 1.0)
    w.add_key()
    qtbot.waitUntil(lambda: w.player.complete(), timeout=30000)


def test_k_adds_keys_and_the_sliders_follow_the_playhead(win, qtbot):
    two_keys(win, qtbot)
    keys = win.project().keyframes
    assert [round(k.time * 8) for k in keys] == [0, 23]
    assert keys[0].sliders["size"] == -1.0 and keys[1].sliders["size"] == 1.0
    win.player.seek(23)
    assert win.latent.values()["size"] == pytest.approx(1.0)
    win.player.seek(0)
    assert win.latent.values()["size"] == pytest.approx(-1.0)
    win.player.seek(11)                                       # halfway (linear): about 0
    assert abs(win.latent.values().get("size", 0.0)) < 0.1
    assert len(win.keylane.keys) == 2


def test_a_slider_on_a_key_edits_that_key_and_elsewhere_adds_one(win, qtbot):
    two_keys(win, qtbot)
    win.player.seek(23)
    set_slider(win, "size", 2.0)
    assert win.project().keyframes[1].sliders["size"] == 2.0
    win.player.seek(12)
    set_slider(win, "size", 0.5)
    assert "Key added" in win.message.text()
    assert [k.sliders["size"] for k in win.project().keyframes] == [-1.0, 0.5, 2.0]


def test_lane_delete_easing_copy_paste_and_drag_are_each_one_undo_step(win, qtbot):
    two_keys(win, qtbot)
    lane = win.keylane
    steps = win.undo.count()
    lane.set_easing(0, "hold")
    assert win.project().keyframes[0].easing == "hold" and win.undo.count() == steps + 1
    lane.selected = 0
    lane.copy_selected()
    win.player.seek(10)
    lane.paste()
    assert [round(k.time * 8) for k in win.project().keyframes] == [0, 10, 23]
    lane.move_key(1, 15 / 8)
    assert [round(k.time * 8) for k in win.project().keyframes] == [0, 15, 23]
    lane.selected = 1
    lane.setFocus()
    qtbot.keyClick(lane, Qt.Key.Key_Delete)
    assert len(win.project().keyframes) == 2
    win.do_undo()
    assert len(win.project().keyframes) == 3
    win.do_undo()
    assert [round(k.time * 8) for k in win.project().keyframes] == [0, 10, 23]
    win.do_undo()
    win.do_undo()
    assert [k.easing for k in win.project().keyframes] == ["linear", "linear"]


def test_trajectory_view_draws_the_path_and_dragging_a_key_edits_it(win, qtbot):
    tv = win.trajectory
    assert not tv.hint.isHidden() and "Press K" in tv.hint.text()          # empty: says how to start
    two_keys(win, qtbot)
    assert tv.hint.isHidden()
    tv.x_axis.setCurrentIndex(tv.x_axis.findData("size"))
    tv.y_axis.setCurrentIndex(tv.y_axis.findData("sefa1"))
    xs, ys = tv.curve.getData()
    assert len(xs) == 24 and xs[0] == pytest.approx(-1.0) and xs[-1] == pytest.approx(1.0)
    kx, ky = tv.keys_item.getData()
    assert list(np.round(kx, 3)) == [-1.0, 1.0]
    tv._dragged(1, 0.5, 0.8, True)
    k = win.project().keyframes[1]
    assert k.sliders["size"] == pytest.approx(0.5) and k.sliders["sefa1"] == pytest.approx(0.8)
    tv.x_axis.setCurrentIndex(0)                              # principal components of the path
    tv.y_axis.setCurrentIndex(0)
    xs, _ = tv.curve.getData()
    assert np.ptp(xs) > 0


def test_loop_and_noise_loop_go_into_the_project_and_the_render(win, qtbot):
    win.loop_box.setChecked(True)
    win.noise_radius.setValue(0.8)
    win.noise_period.setValue(1.5)
    p = win.project()
    assert p.loop and p.sliders["noise"] == pytest.approx(0.8) and p.noise_period == 1.5
    qtbot.waitUntil(lambda: win.last_request.timeline != () and win.player.complete(), timeout=30000)
    assert win.last_request.timeline[1] is True


def test_the_preview_matches_studio_export_bit_for_bit(win, qtbot, tmp_path):
    two_keys(win, qtbot)
    finished = []                        # the clip on screen must be the last one asked for: complete()
    win.engine.clipFinished.connect(lambda rid, _t: finished.append(rid))   # alone is also true of the one before
    win.loop_box.setChecked(True)
    qtbot.waitUntil(lambda: win.player.complete() and win.last_request.timeline[1], timeout=30000)
    qtbot.wait(100)
    qtbot.waitUntil(lambda: win.player.complete() and win.last_request.id in finished, timeout=30000)
    p = win.project()
    expected = render_project(win.engine.worker.model, p)
    assert np.array_equal(win.player.frames, expected)


def test_a_first_key_before_any_slider_moved_holds_the_starting_look(win, qtbot):
    # the hint's own workflow: K, move the playhead and a slider, K again: the clip moves between the keys
    win.player.seek(0)
    win.add_key()
    win.player.seek(23)
    set_slider(win, "size", 1.5)
    win.add_key()
    keys = win.project().keyframes
    assert keys[0].sliders["size"] == 0.0 and keys[1].sliders["size"] == 1.5
    win.player.seek(0)
    assert win.latent.values().get("size", 0.0) == 0.0
    win.player.seek(23)
    assert win.latent.values()["size"] == pytest.approx(1.5)
