"""The music lane under the keyframe lane (pyqtgraph): the clip's span of the song as a waveform
envelope, the features its drives read as curves over it, and the playhead.

Frame i is drawn where the timeline and the keyframe lane draw it (the centre of the i-th of the
clip's cells between the lanes' margins, `timeline.PAD`), so a beat's peak sits under the frame it
moves. Click or drag to scrub, as on the timeline. It shows what `window.music` holds and keeps
nothing of the document.
"""
from __future__ import annotations

from html import escape
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QLabel, QSizePolicy

from .timeline import PAD, Scrubbing

HEIGHT = 74
MAX_POINTS = 2400                  # the envelope is drawn from at most this many peaks
COLOURS = {"loudness": "#f0c36b", "onset": "#ff8a5c", "beat": "#e86bd8", "low": "#5fb0ff", "mid": "#7ddc8f",
           "high": "#b69cff"}
WAVE = "#3f4d6e"


def envelope(peaks: np.ndarray, rate: float, offset: float, fps: int, frames: int) -> tuple[np.ndarray, np.ndarray]:
    """(x in frames, peak 0..1) of the song's waveform over the clip: frame i covers song time
    offset + [i, i + 1) / fps, so x runs from -0.5 to frames - 0.5; at most MAX_POINTS points (the
    loudest of each run). The peaks are scaled by the song's loudest, so a quiet part looks quiet."""
    top = float(peaks.max()) if peaks.size else 0.0
    lo = max(0, int(np.floor(offset * rate)))
    hi = min(len(peaks), int(np.ceil((offset + frames / fps) * rate)) + 1)
    p = peaks[lo:hi] / top if top > 0 and hi > lo else np.zeros(0, np.float32)
    x = (np.arange(lo, lo + len(p)) / rate - offset) * fps - 0.5
    if len(p) > MAX_POINTS:
        step = int(np.ceil(len(p) / MAX_POINTS))
        cut = len(p) // step * step
        p, x = p[:cut].reshape(-1, step).max(1), x[:cut:step]
    keep = x <= frames - 0.5
    return x[keep], p[keep]


class MusicLane(Scrubbing, pg.GraphicsView):
    def __init__(self, player, music, parent=None):
        super().__init__(parent, background="#121318")
        self.player, self.music, self.doc = player, music, music.w.doc
        self.setFixedHeight(HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFrameShape(self.Shape.NoFrame)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("The song under the clip: its waveform, and the features that drive sliders "
                        "(Music dock) · click or drag to scrub")
        self.view = pg.ViewBox(enableMouse=False, enableMenu=False, defaultPadding=0)
        self.setCentralItem(self.view)
        self.top = pg.PlotCurveItem(pen=pg.mkPen(WAVE))
        self.bottom = pg.PlotCurveItem(pen=pg.mkPen(WAVE))
        self.wave = pg.FillBetweenItem(self.top, self.bottom, brush=pg.mkBrush(WAVE))
        for item in (self.top, self.bottom, self.wave):
            self.view.addItem(item)
        self.curves: dict[str, pg.PlotCurveItem] = {}
        self.playhead = pg.InfiniteLine(angle=90, pen=pg.mkPen("#ff5d73", width=2))
        self.view.addItem(self.playhead)
        self.playhead.setZValue(10)
        self.label = QLabel(self)
        self.label.setObjectName("musicLaneLabel")
        self.label.setStyleSheet("background: rgba(18,19,24,170); color: #9aa0b0; padding: 1px 4px;")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.move(PAD + 2, 2)
        self.setVisible(False)
        player.frameChanged.connect(self._move_playhead)
        player.lengthChanged.connect(lambda _n: self.refresh())
        music.analysed.connect(self.refresh)
        for signal in (self.doc.audioChanged, self.doc.framesChanged, self.doc.fpsChanged):
            signal.connect(lambda _v: self.refresh())

    # ------------------------------------------------------------------ geometry
    def frame_count(self) -> int:
        return max(1, self.player.count or self.doc.frames)

    def _fit(self) -> None:
        """x: frame i at the centre of the i-th cell between the margins; y: -1..1."""
        n, w = self.frame_count(), max(1.0, float(self.width()))
        cell = max(1.0, w - 2 * PAD) / n
        left = -0.5 - PAD / cell
        self.view.setRange(xRange=(left, left + w / cell), yRange=(-1.0, 1.0), padding=0)

    def x_of(self, frame: int) -> float:
        """Where frame `frame` is drawn, in the lane's pixels."""
        return self.mapFromScene(self.view.mapViewToScene(QPointF(frame, 0))).x()

    def frame_at(self, x: float) -> int:
        n = self.frame_count()
        return max(0, min(n - 1, int((x - PAD) / max(1.0, self.width() - 2 * PAD) * n)))

    def resizeEvent(self, e):                          # noqa: N802 (Qt name)
        super().resizeEvent(e)
        if hasattr(self, "label"):                      # pyqtgraph resizes inside its __init__, before ours ends
            self._fit()
            self._say(self.label.text())

    # ------------------------------------------------------------------ drawing
    def _say(self, text: str) -> None:
        self.label.setText(text)
        self.label.setMaximumWidth(max(100, self.width() - 2 * PAD - 4))
        self.label.adjustSize()

    def refresh(self) -> None:
        audio = self.doc.audio
        self.setVisible(audio is not None)
        if audio is None:
            return
        self._fit()
        song = self.music.song()
        name = escape(Path(audio.path).name)
        analysis = song[0] if song is not None else None
        if analysis is None:
            self._draw([], [], {})
            why = "analysing…" if song is None else (f"{self.music.trouble()}: its drives move nothing "
                                                      "(Replace… in the Music dock)")
            colour = "#9aa0b0" if song is None else "#f0c36b"
            self._say(f"♪ {name} · <span style='color:{colour}'>{why}</span>")
            self.label.setToolTip(song[3] if song is not None else "")
            return
        fps, frames = self.doc.fps, self.doc.frames
        x, p = envelope(analysis.peaks, analysis.rate, audio.offset, fps, frames)
        features = self.music.features() or {}
        shown = list(dict.fromkeys(d.feature for d in audio.drives))
        self._draw(x, p, {f: features[f] for f in shown if f in features})
        span = f"{audio.offset:.1f}–{audio.offset + frames / fps:.1f} s"
        keys = " ".join(f"<span style='color:{COLOURS[f]}'>— {f}</span>" for f in shown)
        self._say(f"♪ {name} · {span}" + (f" · {keys}" if keys else ""))
        self.label.setToolTip(audio.path)
        self._move_playhead(self.player.index)

    def _draw(self, x, peaks, features: dict) -> None:
        self.top.setData(np.asarray(x, float), 0.92 * np.asarray(peaks, float))
        self.bottom.setData(np.asarray(x, float), -0.92 * np.asarray(peaks, float))
        for name in list(self.curves):
            if name not in features:
                self.view.removeItem(self.curves.pop(name))
        for name, values in features.items():
            if name not in self.curves:
                self.curves[name] = pg.PlotCurveItem(pen=pg.mkPen(COLOURS[name], width=1.6))
                self.view.addItem(self.curves[name])
            self.curves[name].setData(np.arange(len(values), dtype=float), 1.84 * np.asarray(values) - 0.92)

    def _move_playhead(self, i: int) -> None:
        self.playhead.setValue(i)

    # ------------------------------------------------------------------ scrubbing (Scrubbing)
    def mouseReleaseEvent(self, _e):                   # noqa: N802 (Qt name)
        pass

    def wheelEvent(self, e):                           # noqa: N802 (Qt name)
        e.ignore()                                      # the panel scrolls; the lane never zooms
