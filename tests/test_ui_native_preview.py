"""Native preview scaling: the clip on screen is drawn again by the model at the size the preview
shows it (crisp), after the clip itself, never in the way of a render."""
from __future__ import annotations

import numpy as np
from test_ui_window import preview_pixels as shown
from test_ui_window import window  # noqa: F401  (the fixture: a window on tiny-vae)

from studio.project_frames import plan_project


def test_native_preview_shows_frames_drawn_at_the_shown_size(window, qtbot):
    win = window
    assert win.preview.scaling == "native" and win.transport.scaling.currentData() == "native"
    n = win.player.count
    qtbot.waitUntil(lambda: len(win.native_preview.cache) == n, timeout=30000)
    side = win.preview.display_side(64)
    assert side > 64 and win.native_preview.size == side
    m = win.engine.worker.model
    plan = plan_project(m, win.project())
    win.player.seek(3)
    assert np.array_equal(shown(win), m.render(plan, [3], side)[0])           # the model's drawing at that size
    rect = win.preview.image_rect()
    assert abs(rect.width() - side) <= 1                                       # shown 1:1, not scaled again
    win.set_scaling("pixel")
    assert shown(win).shape == (64, 64, 3) and not win.native_preview.cache
    win.set_scaling("native")
    qtbot.waitUntil(lambda: len(win.native_preview.cache) == n, timeout=30000)


def test_a_new_clip_forgets_the_crisp_frames_and_draws_its_own(window, qtbot):
    win = window
    qtbot.waitUntil(lambda: len(win.native_preview.cache) == win.player.count, timeout=30000)
    old_key = win.native_preview.key
    with qtbot.waitSignal(win.clipReady, timeout=30000):
        win.prompt.seed.setValue(win.prompt.seed.value() + 1)
    qtbot.waitUntil(lambda: win.native_preview.key not in (None, old_key) and len(win.native_preview.cache) == win.player.count,
                    timeout=30000)
    assert win.native_preview.key == win.last_request.key()


def test_long_clips_keep_a_window_of_crisp_frames_around_the_playhead(window, qtbot, monkeypatch):
    import studio.ui.native_preview as sp
    monkeypatch.setattr(sp, "BUDGET_BYTES", 1)                # every clip is over budget
    win = window
    with qtbot.waitSignal(win.clipReady, timeout=60000):
        win.prompt.frames.setValue(120)
    qtbot.waitUntil(lambda: len(win.native_preview.cache) >= sp.WINDOW, timeout=30000)
    assert len(win.native_preview.cache) <= sp.WINDOW + sp.WINDOW // 4 and 0 in win.native_preview.cache
    win.player.seek(90)
    qtbot.waitUntil(lambda: 90 in win.native_preview.cache, timeout=30000)
    assert 0 not in win.native_preview.cache and len(win.native_preview.cache) <= sp.WINDOW + sp.WINDOW // 4


def test_playback_does_not_flicker_between_crisp_and_enlarged_frames(window, qtbot, monkeypatch):
    import studio.ui.native_preview as sp
    monkeypatch.setattr(sp, "BUDGET_BYTES", 1)                # a long clip: only a window is crisp
    win = window
    with qtbot.waitSignal(win.clipReady, timeout=60000):
        win.prompt.frames.setValue(120)
    qtbot.waitUntil(lambda: len(win.native_preview.cache) >= sp.WINDOW, timeout=30000)
    assert win.native_preview.frame(0) is not None                     # paused: crisp where it can be
    win.player.set_fps(2)                                     # slow ticks: the checks fall between two
    with qtbot.waitSignal(win.player.frameChanged, timeout=5000):
        win.player.play()
    assert win.native_preview.frame(win.player.index) is None and shown(win).shape[:2] == (64, 64)
    qtbot.waitUntil(lambda: win.player.index in win.native_preview.cache, timeout=30000)
    win.player.pause()
    assert shown(win).shape[:2] == (win.native_preview.size, win.native_preview.size)          # paused: crisp at once
