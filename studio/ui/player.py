"""The clip on screen and its playback state: frames arrive in chunks, the playhead moves over them."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QImage


def to_qimage(frame: np.ndarray) -> QImage:
    """A QImage that owns a copy of an RGB uint8 (H, W, 3) frame."""
    frame = np.ascontiguousarray(frame)
    h, w = frame.shape[:2]
    return QImage(frame.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


class Player(QObject):
    frameChanged = Signal(int)                 # the playhead moved (or the frame under it changed)
    framesUpdated = Signal(object)             # indices whose pixels changed
    lengthChanged = Signal(int)
    playingChanged = Signal(bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.frames = np.zeros((0, 64, 64, 3), np.uint8)
        self.have = np.zeros(0, bool)          # the slot holds a frame (maybe of the previous clip)
        self.fresh = np.zeros(0, bool)         # the slot holds a frame of the current clip
        self.index = 0
        self.loop = True
        self.fps = 8
        self.clock = None                      # () -> the frame the sound is at, or None: the sound leads (audio_playback)
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)
        self._set_interval()

    # ------------------------------------------------------------------ frames
    @property
    def count(self) -> int:
        return len(self.frames)

    def begin_clip(self, n: int, height: int = 64, width: int = 64, keep: bool = True) -> None:
        """A new clip of n frames is coming; the old pixels stay on screen until replaced
        (`keep=False`: they are not the new clip's at all, and go)."""
        if n != self.count or self.frames.shape[1:3] != (height, width):
            old, old_have = self.frames, self.have
            self.frames = np.zeros((n, height, width, 3), np.uint8)
            self.have = np.zeros(n, bool)
            if old.shape[1:3] == (height, width):
                k = min(n, len(old))
                self.frames[:k], self.have[:k] = old[:k], old_have[:k]
            self.fresh = np.zeros(n, bool)
            self.lengthChanged.emit(n)
            if self.index >= n:
                self.seek(n - 1)
        else:
            self.fresh[:] = False
        if not keep:
            self.have[:] = False

    def update_frames(self, indices, frames: np.ndarray) -> None:
        if frames.shape[1:3] != self.frames.shape[1:3]:
            self.begin_clip(self.count, *frames.shape[1:3])
        idx = np.asarray(list(indices), dtype=np.int64)
        self.frames[idx] = frames
        self.have[idx] = True
        self.fresh[idx] = True
        self.framesUpdated.emit(idx)
        if self.index in set(idx.tolist()):
            self.frameChanged.emit(self.index)

    def frame(self, i: int | None = None) -> np.ndarray | None:
        i = self.index if i is None else i
        if 0 <= i < self.count and self.have[i]:
            return self.frames[i]
        return None

    def complete(self) -> bool:
        return self.count > 0 and bool(self.fresh.all())

    # ------------------------------------------------------------------ playhead
    def seek(self, i: int) -> None:
        if self.count == 0:
            return
        i = max(0, min(self.count - 1, int(i)))
        if i != self.index:
            self.index = i
        self.frameChanged.emit(i)

    def step(self, delta: int) -> None:
        self.pause()
        if self.count:
            self.seek(self.index + delta)

    def first(self) -> None:
        self.pause()
        self.seek(0)

    def last(self) -> None:
        self.pause()
        self.seek(self.count - 1)

    # ------------------------------------------------------------------ playback
    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    def set_fps(self, fps: int) -> None:
        self.fps = max(1, int(fps))
        self._set_interval()

    def _set_interval(self) -> None:
        self._timer.setInterval(max(1, round(1000 / self.fps)))

    def play(self) -> None:
        if self.count and not self.playing:
            if not self.loop and self.index >= self.count - 1:
                self.seek(0)
            self._timer.start()
            self.playingChanged.emit(True)

    def pause(self) -> None:
        if self.playing:
            self._timer.stop()
            self.playingChanged.emit(False)

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def set_loop(self, loop: bool) -> None:
        self.loop = bool(loop)

    def _tick(self) -> None:
        nxt = self.index + 1
        heard = self.clock() if self.clock is not None else None
        if heard is not None:                  # playing with sound: show the frame the song is at
            if heard <= self.index:
                return
            nxt = heard
        if nxt >= self.count:
            if not self.loop:
                self.pause()
                return
            nxt = 0
        self.seek(nxt)
