"""The trajectory view: the clip's path through latent space, projected on two directions the user
picks (or the path's first two principal components), with the keys as points to drag.

The path is the per-frame slider values (studio.engine.trajectory.slider_tracks); dragging a key's
point sets that key's values along the two axes (in principal-component view, along both
components' mixes of directions). A finished drag emits `keyEdited(index, {direction: value})`.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ..engine.trajectory import SLIDER_LIMIT

PCA = "__pca__"
MIN_SPAN = 1.0                                         # slider units an axis shows at least


class SliderAxis(pg.AxisItem):
    """Ticks in slider units, never more than two decimals (a path that hardly moves along an axis
    would otherwise be labelled 2.540043066440225), and no SI prefix: a path flat along an axis was labelled
    -400 .. 400 with "(x0.001)" after the axis name, which the narrow dock cut off."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values, scale, spacing):     # noqa: N802 (pyqtgraph name)
        places = int(np.clip(np.ceil(-np.log10(max(spacing * scale, 1e-12))), 0, 2))
        out = []
        for v in values:
            text = f"{v * scale:.{places}f}"
            out.append("0" if float(text) == 0 else text)
        return out


def _range(values, extra=()) -> tuple[float, float]:
    """An axis's range: the values' own, widened to MIN_SPAN around their middle when they hardly move."""
    v = np.concatenate([np.asarray(values, np.float64), np.asarray(list(extra), np.float64)])
    lo, hi = float(v.min()), float(v.max())
    if hi - lo < MIN_SPAN:
        mid = round((lo + hi) / 2, 2)
        lo, hi = min(lo, mid - MIN_SPAN / 2), max(hi, mid + MIN_SPAN / 2)
    pad = 0.05 * (hi - lo)
    return lo - pad, hi + pad


class DraggableKeys(pg.ScatterPlotItem):
    dragged = Signal(int, float, float, bool)          # key index, x, y, finished

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self._i = None

    def mouseDragEvent(self, ev):                      # noqa: N802 (pyqtgraph name)
        if ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        if ev.isStart():
            pts = self.pointsAt(ev.buttonDownPos())
            self._i = int(pts[0].index()) if len(pts) else None
        if self._i is None:
            ev.ignore()
            return
        ev.accept()
        p = ev.pos()
        self.dragged.emit(self._i, float(p.x()), float(p.y()), ev.isFinish())
        if ev.isFinish():
            self._i = None


class TrajectoryView(QWidget):
    keyEdited = Signal(int, dict)                      # key index (time order), new slider values

    def __init__(self, parent=None):
        super().__init__(parent)
        v = QVBoxLayout(self)
        v.setContentsMargins(6, 4, 6, 4)
        row = QHBoxLayout()
        row.addWidget(QLabel("Path through latent space:"))
        self.x_axis, self.y_axis = QComboBox(), QComboBox()
        for label, combo in (("x", self.x_axis), ("y", self.y_axis)):
            row.addWidget(QLabel(label))
            combo.setMinimumWidth(200)
            combo.currentIndexChanged.connect(self._redraw)
            row.addWidget(combo)
        row.addStretch(1)
        v.addLayout(row)
        self.hint = QLabel("No keyframes yet: the whole clip sits at one point in latent space. Press K to add a "
                           "key at the playhead, move the playhead and the sliders, press K again: the path the clip "
                           "takes between its keys shows here, and the keys can be dragged.")
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        v.addWidget(self.hint)
        self.plot = pg.PlotWidget(background="#15161b",
                                  axisItems={"bottom": SliderAxis("bottom"), "left": SliderAxis("left")})
        self.plot.showGrid(x=True, y=True, alpha=0.15)
        self.plot.setMinimumHeight(150)
        self.curve = self.plot.plot(pen=pg.mkPen("#6aa9ff", width=2))
        self.head = pg.ScatterPlotItem(size=11, brush=pg.mkBrush("#ff5c5c"), pen=pg.mkPen("#ffffff"))
        self.keys_item = DraggableKeys(size=14, symbol="d", brush=pg.mkBrush("#e0a040"), pen=pg.mkPen("#101114"))
        self.keys_item.dragged.connect(self._dragged)
        self.plot.addItem(self.head)
        self.plot.addItem(self.keys_item)
        v.addWidget(self.plot, 1)
        self.tracks: dict = {}
        self.key_frames: list[int] = []
        self.key_values: list[dict] = []
        self.frame = 0
        self._names: list[str] = []
        self._proj = None

    # ------------------------------------------------------------------ data
    def set_directions(self, names: list[str], label=lambda n: n) -> None:
        """The axes to choose from; `label(name)` is the direction's display name."""
        keep = (self.x_axis.currentData(), self.y_axis.currentData())
        for combo in (self.x_axis, self.y_axis):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("Principal component", PCA)
            for n in names:
                combo.addItem(label(n), n)
            combo.blockSignals(False)
        for combo, want in zip((self.x_axis, self.y_axis), keep):
            i = combo.findData(want)
            combo.setCurrentIndex(max(0, i))
        self._names = list(names)
        self._redraw()

    def relabel(self, label) -> None:
        """The same directions under new display names (a discovered direction was renamed)."""
        self.set_directions(self._names, label)

    def set_path(self, tracks: dict, key_frames: list[int], key_values: list[dict]) -> None:
        self.tracks, self.key_frames, self.key_values = tracks, key_frames, key_values
        self.hint.setVisible(not key_frames)
        self._redraw()

    def set_frame(self, i: int) -> None:
        self.frame = i
        if self._proj is not None and len(self._proj[0]):
            xs, ys = self._proj
            j = min(i, len(xs) - 1)
            self.head.setData([xs[j]], [ys[j]])

    def axes(self) -> tuple:
        return self.x_axis.currentData(), self.y_axis.currentData()

    # ------------------------------------------------------------------ projection
    def _matrix(self):
        names = self._names or list(self.tracks)
        if not names or not self.tracks:
            return names, None
        T = len(next(iter(self.tracks.values())))
        zero = np.zeros(T)
        return names, np.stack([self.tracks.get(n, zero) for n in names], 1)     # (T, D)

    def _components(self, M):
        centred = M - M.mean(0)
        if not np.any(centred):
            comp = np.zeros((2, M.shape[1]))
            comp[0, 0] = 1
            if M.shape[1] > 1:
                comp[1, 1] = 1
            return comp
        _, _, vt = np.linalg.svd(centred, full_matrices=False)
        comp = np.zeros((2, M.shape[1]))
        comp[:min(2, len(vt))] = vt[:2]
        return comp

    def _axis_vector(self, which: int, names, M) -> np.ndarray:
        data = self.axes()[which]
        if data == PCA:
            pcs = self._components(M)
            other = self.axes()[1 - which]
            return pcs[1] if (which == 1 and other == PCA) else pcs[0]
        vec = np.zeros(len(names))
        if data in names:
            vec[names.index(data)] = 1
        return vec

    def _redraw(self, *_a) -> None:
        names, M = self._matrix()
        if M is None:
            self.curve.setData([], [])
            self.keys_item.setData([], [])
            self.head.setData([], [])
            self._proj = None
            self.plot.setXRange(-1, 1, padding=0)      # not the ranges of the project before (a new one has no path)
            self.plot.setYRange(-1, 1, padding=0)
            return
        ax, ay = self._axis_vector(0, names, M), self._axis_vector(1, names, M)
        self._basis = (names, ax, ay)
        xs, ys = M @ ax, M @ ay
        self._proj = (xs, ys)
        self.curve.setData(xs, ys)
        kf = [min(f, len(xs) - 1) for f in self.key_frames]
        self.keys_item.setData([xs[f] for f in kf], [ys[f] for f in kf])
        self.plot.setXRange(*_range(xs), padding=0)
        self.plot.setYRange(*_range(ys), padding=0)
        both = self.axes() == (PCA, PCA)              # the path's first and second components: say which is which
        self.plot.setLabel("bottom", "1st principal component" if both else self.x_axis.currentText())
        self.plot.setLabel("left", "2nd principal component" if both else self.y_axis.currentText())
        self.set_frame(self.frame)

    def _dragged(self, i: int, x: float, y: float, finished: bool) -> None:
        if self._proj is None or i >= len(self.key_frames):
            return
        names, ax, ay = self._basis
        xs, ys = self._proj
        f = min(self.key_frames[i], len(xs) - 1)
        dx, dy = x - xs[f], y - ys[f]
        values = {n: float(self.tracks[n][f]) if n in self.tracks else 0.0 for n in names}
        delta = dx * ax / max(float(ax @ ax), 1e-9) + dy * ay / max(float(ay @ ay), 1e-9)
        new = {n: float(np.clip(values[n] + d, -SLIDER_LIMIT, SLIDER_LIMIT)) for n, d in zip(names, delta)
               if abs(d) > 1e-9}
        if finished and new:
            self.keyEdited.emit(i, {**{k: v for k, v in self.key_values[i].items()}, **new})
        elif new:
            pts_x = [xs[min(k, len(xs) - 1)] for k in self.key_frames]
            pts_y = [ys[min(k, len(ys) - 1)] for k in self.key_frames]
            pts_x[i], pts_y[i] = x, y
            self.keys_item.setData(pts_x, pts_y)
