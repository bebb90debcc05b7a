"""The Training panel's loss curves: one per loss term against the step (pyqtgraph)."""
from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QCheckBox, QVBoxLayout, QWidget

from .. import training_job as job

COLOURS = ["#9d91ff", "#8cc8ff", "#ffb86b", "#7ee0a1", "#ff8a8a", "#e6d36a", "#c792ea", "#6ad4d4"]


class LossPlot(QWidget):
    """One curve per loss term against the step, with a log-scale toggle."""

    def __init__(self, parent=None):
        super().__init__(parent)
        import pyqtgraph as pg
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.plot = pg.PlotWidget(background="#15161b")
        self.plot.showGrid(x=True, y=True, alpha=0.15)
        self.plot.setLabel("bottom", "step")
        self.plot.setLabel("left", "loss")
        self.plot.addLegend(offset=(-10, 10), labelTextColor="#e2e4ea")
        self.plot.setClipToView(True)
        self.plot.setDownsampling(auto=True, mode="peak")
        self.log_scale = QCheckBox("Log scale")
        self.log_scale.setChecked(True)
        self.log_scale.toggled.connect(self._set_log)
        lay.addWidget(self.plot, 1)
        lay.addWidget(self.log_scale)
        self.steps: list[float] = []
        self.values: dict[str, list[float]] = {}
        self.curves: dict = {}
        self._set_log(True)

    def clear(self) -> None:
        self.steps, self.values = [], {}
        for c in self.curves.values():
            self.plot.removeItem(c)
        self.curves = {}
        self.plot.plotItem.legend.clear()

    def add(self, records: list[dict]) -> None:
        for rec in records:
            terms = job.losses(rec)
            self.steps.append(rec["step"])
            for k in list(self.values) + [k for k in terms if k not in self.values]:
                self.values.setdefault(k, [np.nan] * (len(self.steps) - 1)).append(terms.get(k, np.nan))
        self._redraw()

    def points(self) -> int:
        return len(self.steps)

    def _set_log(self, on: bool) -> None:
        self.plot.setLogMode(y=on)
        self.plot.setLabel("left", "loss (log)" if on else "loss")
        self._redraw()

    def _redraw(self) -> None:
        x = np.asarray(self.steps, dtype=float)
        for i, (k, v) in enumerate(self.values.items()):
            y = np.asarray(v, dtype=float)
            if self.log_scale.isChecked():
                y = np.where(y > 0, y, np.nan)           # a GAN's hinge terms go below zero
            if k not in self.curves:
                self.curves[k] = self.plot.plot(name=k, pen={"color": COLOURS[i % len(COLOURS)], "width": 1.5},
                                                connect="finite")
            self.curves[k].setData(x, y)
