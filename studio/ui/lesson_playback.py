"""The rendered lesson playing in the window's own preview: the title card and the shots with their
captions drawn as viewers will see them, on the same player, transport and timeline as a clip.

While it plays, frames the engine sends for the clip are not drawn; a bar over the preview says a
lesson is on show. "Back to clip" (or Esc, the window's Stop key, or any edit of the clip) puts the
clip back.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton


class LessonBar(QFrame):
    back = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("lessonBar")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(12, 4, 6, 4)
        self.label = QLabel()
        button = QPushButton("Back to clip")
        button.setToolTip("Stop the lesson preview and edit the clip again (Esc)")
        button.clicked.connect(self.back)
        lay.addWidget(self.label, 1)
        lay.addWidget(button)
        self.button = button
        self.hide()


class LessonPlayback(QObject):
    """Owns the window's preview while a lesson plays. `window` is the MainWindow."""
    started = Signal()
    ended = Signal()

    def __init__(self, window, column):
        """column: the layout above the preview, where the bar goes."""
        super().__init__(window)
        self.w = window
        self.active = False
        self._scaling = "pixel"
        self.bar = LessonBar()
        column.insertWidget(0, self.bar)
        self.bar.back.connect(self.leave)

    def show(self, frames: np.ndarray, fps: int, shots: int) -> None:
        w = self.w
        if not self.active:
            self._scaling = w.preview.scaling
        self.active = True
        p = w.player
        p.pause()
        n, h, wd = frames.shape[:3]
        p.begin_clip(n, h, wd)
        p.set_fps(fps)
        p.update_frames(range(n), frames)
        self._show_scaling("smooth")                    # the captions' letters, scaled to the view
        w.keylane.setEnabled(False)
        self.bar.label.setText(f"Lesson preview: {shots} shot{'s' * (shots != 1)}, {n / fps:.1f} s, captions as "
                               f"viewers will see them. Press Esc or Back to clip to edit the clip.")
        self.bar.show()
        p.seek(0)
        p.play()
        self.started.emit()

    def leave(self, render: bool = True) -> None:
        """Puts the clip back on the preview (`render`: ask the engine for it again)."""
        if not self.active:
            return
        w = self.w
        self.active = False
        self.bar.hide()
        w.player.pause()
        w.player.set_fps(w.doc.fps)
        self._show_scaling(self._scaling)
        w.keylane.setEnabled(True)
        res = w.model_info["resolution"] if w.model_info else 64
        w.player.begin_clip(w.doc.frames, res, res, keep=False)   # no lesson frame passes as the clip's
        w.player.seek(0)
        self.ended.emit()
        if render:
            w.request_render(force=True)

    def _show_scaling(self, scaling: str) -> None:
        """For the lesson only: the user's scaling setting is not changed."""
        combo = self.w.transport.scaling
        combo.blockSignals(True)
        self.w.transport.set_scaling(scaling)
        combo.blockSignals(False)
        self.w.preview.set_scaling(scaling)
