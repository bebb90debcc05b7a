"""Play, pause, loop and step buttons, the frame and time readout, and the zoom and scaling pickers."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QComboBox, QLabel, QToolButton, QWidget

from .panel import styled_layout
from .player import Player
from .preview import ZOOMS
from .resources import icon


def _button(name: str, tip: str, object_name: str = "transportButton") -> QToolButton:
    b = QToolButton()
    b.setObjectName(object_name)
    b.setIcon(icon(name))
    b.setIconSize(QSize(18, 18))
    b.setToolTip(tip)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    b.setCursor(Qt.CursorShape.PointingHandCursor)
    return b


class TransportBar(QWidget):
    scalingChanged = Signal(str)
    zoomChanged = Signal(int)

    def __init__(self, player: Player, parent=None):
        super().__init__(parent)
        self.player = player
        lay = styled_layout(self, "transportBar", (12, 6, 12, 6), 4, horizontal=True)
        self.first = _button("first", "First frame (Home)")
        self.back = _button("step-back", "Previous frame (Left)")
        self.play = _button("play", "Play (Space)", "playButton")
        self.play.setFixedSize(34, 34)
        self.forward = _button("step-forward", "Next frame (Right)")
        self.last = _button("last", "Last frame (End)")
        self.loop = _button("loop", "Loop playback")
        self.loop.setCheckable(True)
        self.loop.setChecked(player.loop)
        for b in (self.first, self.back, self.play, self.forward, self.last):
            lay.addWidget(b)
        lay.addSpacing(6)
        lay.addWidget(self.loop)
        lay.addSpacing(14)
        self.readout = QLabel()
        self.readout.setObjectName("frameLabel")
        self.readout.setMinimumWidth(180)
        lay.addWidget(self.readout)
        lay.addStretch(1)

        self.zoom = QComboBox()
        self.zoom.setToolTip("Zoom: fit the preview, or a fixed size (View menu, Ctrl+0 … Ctrl+4)")
        for text, factor in ZOOMS.items():
            self.zoom.addItem("Fit" if factor == 0 else text, factor)
        self.zoom.currentIndexChanged.connect(lambda _i: self.zoomChanged.emit(self.zoom.currentData()))
        self.scaling = QComboBox()
        self.scaling.setToolTip("Native: the model draws each frame at the size shown (crisp edges); "
                                "pixel-exact enlarges its 64×64 pixels; smooth blurs them")
        self.scaling.addItem("Native", "native")
        self.scaling.addItem("Pixel-exact", "pixel")
        self.scaling.addItem("Smooth", "smooth")
        self.scaling.currentIndexChanged.connect(lambda _i: self.scalingChanged.emit(self.scaling.currentData()))
        for combo in (self.zoom, self.scaling):
            combo.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            lay.addWidget(combo)

        self.first.clicked.connect(player.first)
        self.back.clicked.connect(lambda: player.step(-1))
        self.play.clicked.connect(player.toggle)
        self.forward.clicked.connect(lambda: player.step(1))
        self.last.clicked.connect(player.last)
        self.loop.toggled.connect(player.set_loop)
        player.playingChanged.connect(self._playing)
        player.frameChanged.connect(lambda _i: self.refresh())
        player.lengthChanged.connect(lambda _n: self.refresh())
        self.refresh()

    def _playing(self, playing: bool) -> None:
        self.play.setIcon(icon("pause" if playing else "play"))
        self.play.setToolTip("Pause (Space)" if playing else "Play (Space)")

    def set_scaling(self, scaling: str) -> None:
        self.scaling.setCurrentIndex(max(0, self.scaling.findData(scaling)))

    def set_zoom(self, factor: int) -> None:
        self.zoom.setCurrentIndex(max(0, self.zoom.findData(factor)))

    def refresh(self) -> None:
        n, i, fps = self.player.count, self.player.index, self.player.fps
        if n == 0:
            self.readout.setText("no clip")
            return
        self.readout.setText(f"frame {i + 1:>{len(str(n))}}/{n} · {i / fps:.2f}/{n / fps:.2f} s")
        self.readout.setToolTip(f"frame {i + 1} of {n}, at {i / fps:.3f} s of a {n / fps:.3f} s clip ({fps} fps)")
