"""Native preview scaling: once a clip is complete, its frames are drawn again by the model at the
size the preview shows them (crisp edges instead of enlarged 64 px pixels), the playhead's first.

The engine draws them as "native" jobs, after every render, export and parse, so a slider drag
never waits for them. Until a crisp frame arrives the preview shows the model's own frame. Long
clips at large sizes keep a window of crisp frames around the playhead (a memory budget).
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QObject, QTimer

BUDGET_BYTES = 96 * 2 ** 20      # crisp frames kept per clip (a 600-frame clip at 700 px would be 880 MB)
WINDOW = 24                      # frames around the playhead when the whole clip is over budget


class NativePreview(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.enabled = False
        self.key: tuple | None = None
        self.size = 0
        self.cache: dict[int, np.ndarray] = {}
        self._asked: set[int] = set()
        self._refresh_timer = QTimer(self, singleShot=True, interval=120, timeout=self.refresh)
        window.engine.nativeFramesReady.connect(self._arrived)
        window.engine.clipStarted.connect(lambda *_: self._forget())
        window.clipReady.connect(self.refresh)
        window.player.frameChanged.connect(self._moved)
        window.player.playingChanged.connect(lambda playing: None if playing else window._show_frame())
        window.preview.installEventFilter(self)

    # ------------------------------------------------------------------ state
    def set_enabled(self, on: bool) -> None:
        self.enabled = bool(on)
        if not self.enabled:
            self._forget()
        self.refresh()

    def _forget(self) -> None:
        self.cache.clear()
        self._asked.clear()
        self.key = None

    def frame(self, i: int) -> np.ndarray | None:
        """The crisp frame i of the clip on screen, if it has arrived. While the clip plays, crisp
        frames show only once all of them are in: a long clip flickering between crisp and
        enlarged frames looks worse than one that is enlarged throughout until it stops."""
        if not self._usable():
            return None
        if self.w.player.playing and len(self.cache) < self.w.player.count:
            return None
        return self.cache.get(i)

    def _usable(self) -> bool:
        w = self.w
        return (self.enabled and not w.lesson_view.active and w.last_request is not None and w.model_info is not None
                and self.key == w.last_request.key() and w.player.complete())

    # ------------------------------------------------------------------ asking the engine
    def side(self) -> int:
        res = self.w.model_info["resolution"] if self.w.model_info else 64
        return self.w.preview.display_side(res)

    def refresh(self) -> None:
        w = self.w
        if (not self.enabled or w.lesson_view.active or w.last_request is None or w.model_info is None
                or not w.player.complete()):
            return
        side, key = self.side(), w.last_request.key()
        if side <= w.model_info["resolution"]:
            return                                       # shown at or below the model's size: nothing to gain
        if key != self.key or side != self.size:
            self._forget()
            self.key, self.size = key, side
        n, i = w.player.count, w.player.index
        order = list(range(i, n)) + list(range(i))
        if n * side * side * 3 > BUDGET_BYTES:
            near = set(range(i - WINDOW // 4, i + WINDOW))
            order = [k for k in order if k in near or k - n in near]
            for k in [k for k in self.cache if k not in near and k - n not in near]:
                del self.cache[k]
        missing = [k for k in order if k not in self.cache]
        self._asked = set(missing)                         # one request for all: it replaces any earlier one
        if missing:
            w.engine.draw_native(key, missing, side)

    def _arrived(self, key, idx, frames) -> None:
        if key != self.key or frames.shape[1] != self.size:
            return
        for i, f in zip(idx, frames):
            self.cache[int(i)] = f
        if self.w.player.index in set(int(i) for i in idx):
            self.w._show_frame()

    def _moved(self, i: int) -> None:
        if self._usable() and i not in self.cache and i not in self._asked:
            self._refresh_timer.start(30)                  # left the window of crisp frames

    def eventFilter(self, obj, e):                        # noqa: N802 (Qt name)
        if e.type() == QEvent.Type.Resize and self.enabled:
            self._refresh_timer.start(120)                 # a new size: redraw once the resize settles
        return False
