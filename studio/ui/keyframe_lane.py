"""The keyframe lane under the timeline's thumbnails: one diamond per key.

Click a key to select it (the playhead jumps to it), drag it in time, right-click for its easing,
Copy, Paste and Delete; Delete/Backspace, Ctrl+C and Ctrl+V work while the lane has focus. Every
finished edit emits `keysEdited` with the whole new list (the window makes it one undo step).
"""
from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QKeySequence, QPainter, QPolygonF
from PySide6.QtWidgets import QMenu, QSizePolicy, QWidget

from ..engine.trajectory import EASINGS
from .player import Player
from .timeline import PAD

HEIGHT = 26
HALF = 6


class KeyframeLane(QWidget):
    keysEdited = Signal(list)                  # [Keyframe], sorted by time
    addRequested = Signal()                    # "Add key at the playhead" from the menu

    def __init__(self, player: Player, parent=None):
        super().__init__(parent)
        self.player = player
        self.keys: list = []
        self.fps = 8
        self.selected: int | None = None
        self.clipboard = None
        self._drag: int | None = None
        self._drag_time = 0.0
        self.setFixedHeight(HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setToolTip("Keyframes: K adds one at the playhead · drag to move · right-click for easing")
        player.frameChanged.connect(lambda _i: self.update())
        player.lengthChanged.connect(lambda _n: self.update())

    # ------------------------------------------------------------------ data
    def set_keys(self, keys: list, fps: int) -> None:
        self.keys = sorted(keys, key=lambda k: k.time)
        self.fps = max(1, int(fps))
        if self.selected is not None and self.selected >= len(self.keys):
            self.selected = None
        self.update()

    def key_at_frame(self, frame: int) -> int | None:
        """The index of a key on this frame (its time rounds to the frame), or None."""
        for i, k in enumerate(self.keys):
            if round(k.time * self.fps) == frame:
                return i
        return None

    def _emit(self, keys: list, select_time: float | None = None) -> None:
        keys = sorted(keys, key=lambda k: k.time)
        if select_time is not None:
            self.selected = next((i for i, k in enumerate(keys) if k.time == select_time), None)
        self.keys = keys
        self.update()
        self.keysEdited.emit(list(keys))

    # ------------------------------------------------------------------ edits
    def delete_selected(self) -> None:
        if self.selected is None:
            return
        keys = [k for i, k in enumerate(self.keys) if i != self.selected]
        self.selected = None
        self._emit(keys)

    def copy_selected(self) -> None:
        if self.selected is not None:
            self.clipboard = self.keys[self.selected]

    def paste(self) -> None:
        """The copied key's look, at the playhead (replacing a key already there)."""
        if self.clipboard is None:
            return
        t = self.player.index / self.fps
        keys = [k for k in self.keys if round(k.time * self.fps) != self.player.index]
        self._emit(keys + [replace(self.clipboard, time=t)], select_time=t)

    def set_easing(self, i: int, easing: str) -> None:
        keys = list(self.keys)
        keys[i] = replace(keys[i], easing=easing)
        self._emit(keys, select_time=keys[i].time)

    # ------------------------------------------------------------------ geometry
    def _x_of_time(self, t: float) -> float:
        n = max(1, self.player.count)
        w = max(1.0, self.width() - 2 * PAD)
        return PAD + (t * self.fps + 0.5) * w / n

    def _frame_at(self, x: float) -> int:
        n = max(1, self.player.count)
        w = max(1.0, self.width() - 2 * PAD)
        return max(0, min(n - 1, int((x - PAD) / w * n)))

    def _hit(self, x: float) -> int | None:
        best, dist = None, HALF + 3
        for i, k in enumerate(self.keys):
            d = abs(self._x_of_time(k.time) - x)
            if d <= dist:
                best, dist = i, d
        return best

    # ------------------------------------------------------------------ painting
    def paintEvent(self, _e):                           # noqa: N802 (Qt name)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("#14151a"))
        y = self.height() / 2
        p.setPen(QColor("#2a2d36"))
        p.drawLine(QPointF(PAD, y), QPointF(self.width() - PAD, y))
        if not self.keys:
            p.setPen(QColor("#5d6272"))
            p.drawText(self.rect().adjusted(PAD + 4, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter,
                       "No keyframes · press K to add one at the playhead")
        for i, k in enumerate(self.keys):
            t = self._drag_time if i == self._drag else k.time
            x = self._x_of_time(t)
            sel = i == self.selected
            p.setPen(QColor("#ffffff") if sel else QColor("#101114"))
            p.setBrush(QColor("#ffb347") if sel else QColor("#e0a040" if k.easing != "hold" else "#8f9bb3"))
            if k.easing == "hold":
                p.drawRect(QRectF(x - HALF + 1, y - HALF + 1, 2 * HALF - 2, 2 * HALF - 2))
            else:
                p.drawPolygon(QPolygonF([QPointF(x, y - HALF), QPointF(x + HALF, y), QPointF(x, y + HALF),
                                         QPointF(x - HALF, y)]))
        x = self._x_of_time(self.player.index / self.fps) if self.player.count else None
        if x is not None:
            p.setPen(QColor("#ff5c5c"))
            p.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        p.end()

    # ------------------------------------------------------------------ mouse and keys
    def mousePressEvent(self, e):                       # noqa: N802 (Qt name)
        x = e.position().x()
        i = self._hit(x)
        self.selected = i
        if i is not None:
            self.player.pause()
            self.player.seek(round(self.keys[i].time * self.fps))
            if e.button() == Qt.MouseButton.LeftButton:
                self._drag, self._drag_time = i, self.keys[i].time
        else:
            self.player.seek(self._frame_at(x))
        if e.button() == Qt.MouseButton.RightButton:
            self._menu(i, e.globalPosition().toPoint())
        self.update()

    def mouseMoveEvent(self, e):                        # noqa: N802 (Qt name)
        if self._drag is not None:
            self._drag_time = self._frame_at(e.position().x()) / self.fps
            self.player.seek(self._frame_at(e.position().x()))
            self.update()

    def mouseReleaseEvent(self, _e):                    # noqa: N802 (Qt name)
        if self._drag is None:
            return
        i, t = self._drag, self._drag_time
        self._drag = None
        if t != self.keys[i].time:
            self.move_key(i, t)

    def move_key(self, i: int, t: float) -> None:
        keys = [k for j, k in enumerate(self.keys) if j != i and round(k.time * self.fps) != round(t * self.fps)]
        self._emit(keys + [replace(self.keys[i], time=max(0.0, t))], select_time=max(0.0, t))

    def keyPressEvent(self, e):                         # noqa: N802 (Qt name)
        if e.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_selected()
        elif e.matches(QKeySequence.StandardKey.Copy):
            self.copy_selected()
        elif e.matches(QKeySequence.StandardKey.Paste):
            self.paste()
        else:
            super().keyPressEvent(e)

    def _menu(self, i: int | None, where) -> None:
        menu = QMenu(self)
        if i is not None:
            ease = menu.addMenu("Easing to the next key")
            group = QActionGroup(ease)
            for name in EASINGS:
                act = QAction(name, ease, checkable=True, checked=self.keys[i].easing == name)
                act.triggered.connect(lambda _c=False, n=name, j=i: self.set_easing(j, n))
                group.addAction(act)
                ease.addAction(act)
            menu.addAction("Copy key", self.copy_selected)
            menu.addAction("Delete key", self.delete_selected)
        else:
            menu.addAction("Add key here (K)", self.addRequested.emit)
        paste = menu.addAction("Paste key at the playhead", self.paste)
        paste.setEnabled(self.clipboard is not None)
        menu.popup(where)
