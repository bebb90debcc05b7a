"""Small status widgets: a busy spinner for the status bar and an error banner over the preview."""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from .resources import icon


class Spinner(QWidget):
    """A small rotating arc, shown while the engine is busy."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFixedSize(16, 16)
        self._angle = 0
        self._timer = QTimer(self)
        self._timer.setInterval(40)
        self._timer.timeout.connect(self._turn)
        self.busy = False
        self.setVisible(False)

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.setVisible(busy)
        if busy:
            self._timer.start()
        else:
            self._timer.stop()

    def _turn(self) -> None:
        self._angle = (self._angle + 30) % 360
        self.update()

    def paintEvent(self, _e):                          # noqa: N802 (Qt name)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(2, 2, self.width() - 4, self.height() - 4)
        p.setPen(QPen(QColor("#30343f"), 2))
        p.drawEllipse(r)
        p.setPen(QPen(QColor("#9d91ff"), 2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        p.drawArc(r, -self._angle * 16, 100 * 16)
        p.end()


class Banner(QFrame):
    """A non-modal message over the preview (engine errors); the close button hides it."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("banner")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(12, 6, 6, 6)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton()
        close.setIcon(icon("close"))
        close.setToolTip("Dismiss")
        close.clicked.connect(self.hide)
        lay.addWidget(self.label, 1)
        lay.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_message(self, text: str) -> None:
        self.label.setText(text)
        self.show()


class StatusLine(QLabel):
    """The status bar's message. The engine's busy text ("Loading the text encoder…", "Exporting…")
    lasts exactly as long as the work: when the engine says it is idle, the message it replaced
    comes back, unless something newer was said meanwhile."""

    def __init__(self, text: str = "", parent=None):
        super().__init__(text, parent)
        self._busy = text                       # the busy text on show ("Starting…" counts as one)
        self._before = ""                       # what it covered

    def set_busy(self, text: str) -> None:
        if text:
            if not self._busy or self.text() != self._busy:
                self._before = self.text()
            self._busy = text
            self.setText(text)
        elif self._busy:
            if self.text() == self._busy:
                self.setText(self._before)
            self._busy = ""
