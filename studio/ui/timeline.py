"""The timeline under the preview: a ruler, a strip of frame thumbnails and a draggable playhead.

Clicking or dragging anywhere on it moves the playhead, and the preview follows at once. A thin
bar under the strip shows which frames of the current clip have arrived from the worker.
"""
from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from .player import Player, to_qimage

RULER = 20
STRIP = 54
BAR = 4
PAD = 10


class Scrubbing:
    """A lane over the clip's frames (it has `player` and `frame_at(x)`): a click or a drag with the
    left button puts the paused playhead on the frame under the pointer."""

    def mousePressEvent(self, e):                       # noqa: N802 (Qt name)
        if e.button() == Qt.MouseButton.LeftButton:
            self._scrub(e.position().x())

    def mouseMoveEvent(self, e):                        # noqa: N802 (Qt name)
        if e.buttons() & Qt.MouseButton.LeftButton:
            self._scrub(e.position().x())

    def _scrub(self, x: float) -> int:
        self.player.pause()
        i = self.frame_at(x)
        self.player.seek(i)
        return i


class Timeline(Scrubbing, QWidget):
    scrubbed = Signal(int)

    def __init__(self, player: Player, parent=None):
        super().__init__(parent)
        self.player = player
        self.setMinimumHeight(RULER + STRIP + BAR + 12)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._thumbs: dict[int, object] = {}
        player.frameChanged.connect(lambda _i: self.update())
        player.lengthChanged.connect(self._clear)
        player.framesUpdated.connect(self._invalidate)

    def sizeHint(self):                                 # noqa: N802 (Qt name)
        from PySide6.QtCore import QSize
        return QSize(600, RULER + STRIP + BAR + 12)

    def _clear(self, _n=None) -> None:
        self._thumbs.clear()
        self.update()

    def _invalidate(self, indices) -> None:
        for i in indices:
            self._thumbs.pop(int(i), None)
        self.update()

    # ------------------------------------------------------------------ geometry
    def _track(self) -> QRectF:
        return QRectF(PAD, 0, max(1.0, self.width() - 2 * PAD), self.height())

    def frame_at(self, x: float) -> int:
        n = self.player.count
        if n == 0:
            return 0
        t = self._track()
        return max(0, min(n - 1, int((x - t.left()) / t.width() * n)))

    def x_of(self, i: int) -> float:
        t = self._track()
        n = max(1, self.player.count)
        return t.left() + (i + 0.5) * t.width() / n

    # ------------------------------------------------------------------ painting
    def paintEvent(self, _e):                           # noqa: N802 (Qt name)
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#17181d"))
        n = self.player.count
        t = self._track()
        if n == 0:
            p.setPen(QColor("#5d6272"))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "The timeline fills in when a clip is generated")
            p.end()
            return
        self._paint_ruler(p, t, n)
        self._paint_strip(p, t, n)
        self._paint_arrived(p, t, n)
        self._paint_playhead(p)
        p.end()

    def _paint_ruler(self, p: QPainter, t: QRectF, n: int) -> None:
        small = QFont(self.font())
        small.setPointSizeF(7.5)
        p.setFont(small)
        cell = t.width() / n
        step = 1
        for s in (1, 2, 4, 5, 8, 10, 16, 20, 25, 32, 50, 64, 100, 128, 200, 256, 500, 1000):
            step = s
            if s * cell >= 44:
                break
        minor = max(1, step // 4) if step >= 4 else step
        p.setPen(QPen(QColor("#3a3e4b"), 1))
        for i in range(0, n, minor):
            x = self.x_of(i)
            p.drawLine(QPointF(x, RULER - 4), QPointF(x, RULER))
        p.setPen(QColor("#7d8293"))
        labelled = [0] + [k - 1 for k in range(step, n + 1, step) if k - 1 > 0]   # frames are shown from 1
        for i in labelled:
            x = self.x_of(i)
            if i and self.x_of(i) - self.x_of(0) < 24:
                continue
            p.drawLine(QPointF(x, RULER - 8), QPointF(x, RULER))
            p.drawText(QRectF(x + 7, 2, 60, RULER - 6), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                       str(i + 1))

    def _paint_strip(self, p: QPainter, t: QRectF, n: int) -> None:
        strip = QRectF(t.left(), RULER + 2, t.width(), STRIP)
        p.fillRect(strip, QColor("#0f1013"))
        slots = max(1, min(n, int(math.ceil(strip.width() / STRIP))))
        w = strip.width() / slots
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        p.save()
        p.setClipRect(strip)
        for j in range(slots):
            i = min(n - 1, int((j + 0.5) * n / slots))
            img = self._thumb(i)
            cell = QRectF(strip.left() + j * w, strip.top(), w, strip.height())
            if img is None:
                continue
            side = strip.height()
            # keep the thumbnail square, centred in its cell (cropped by neighbours if narrower)
            target = QRectF(cell.center().x() - side / 2, cell.top(), side, side) if w < side else \
                QRectF(cell.left() + (w - side) / 2, cell.top(), side, side)
            if w < side:
                p.save()
                p.setClipRect(cell.intersected(strip))
                p.drawImage(target, img)
                p.restore()
            else:
                p.drawImage(target, img)
        p.restore()
        p.setPen(QPen(QColor("#2a2d36"), 1))
        p.drawRect(strip.adjusted(0, 0, -1, -1))

    def _thumb(self, i: int):
        img = self._thumbs.get(i)
        if img is None:
            frame = self.player.frame(i)
            if frame is None:
                return None
            img = to_qimage(frame)
            self._thumbs[i] = img
        return img

    def _paint_arrived(self, p: QPainter, t: QRectF, n: int) -> None:
        y = RULER + 2 + STRIP + 2
        p.fillRect(QRectF(t.left(), y, t.width(), BAR - 1), QColor("#22242c"))
        fresh = self.player.fresh
        if fresh.all():
            p.fillRect(QRectF(t.left(), y, t.width(), BAR - 1), QColor("#3b3566"))
            return
        cell = t.width() / n
        colour = QColor("#7c6cf2")
        start = None
        for i in range(n + 1):                          # draw runs of arrived frames
            on = i < n and bool(fresh[i])
            if on and start is None:
                start = i
            elif not on and start is not None:
                p.fillRect(QRectF(t.left() + start * cell, y, (i - start) * cell, BAR - 1), colour)
                start = None

    def _paint_playhead(self, p: QPainter) -> None:
        x = self.x_of(self.player.index)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(QPen(QColor("#ff5d73"), 2))
        p.drawLine(QPointF(x, 6), QPointF(x, RULER + 2 + STRIP + BAR))
        head = QPainterPath()
        head.moveTo(x - 6, 1)
        head.lineTo(x + 6, 1)
        head.lineTo(x + 6, 8)
        head.lineTo(x, 13)
        head.lineTo(x - 6, 8)
        head.closeSubpath()
        p.fillPath(head, QColor("#ff5d73"))

    # ------------------------------------------------------------------ scrubbing
    def _scrub(self, x: float) -> int:
        i = super()._scrub(x)
        self.scrubbed.emit(i)
        return i
