"""The Training panel's settings column: data, family, resolution, length, workers, name, the
buttons, the progress bar and the status line. The length keeps one value per unit: a number typed for steps is
still there after a look at minutes, and the other way round."""
from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QProgressBar, QPushButton, QSpinBox, QVBoxLayout, QWidget)

SHAPES = "The shapes world"
SHAPES_NOTE = "The shapes world is drawn on the fly at 64x64, with labels."
DEFAULT_LENGTH = {"steps": 500.0, "minutes": 10.0}


def hint(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("hint")
    label.setWordWrap(True)
    return label


class TrainingForm(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        data_row = QHBoxLayout()
        self.data = QComboBox()
        self.data.addItems([SHAPES, "A folder of videos"])
        self.choose = QPushButton("Choose…")
        data_row.addWidget(self.data, 1)
        data_row.addWidget(self.choose)
        form.addRow("Data", data_row)
        self.family = QComboBox()
        self.family.addItems(["vae", "gan"])
        form.addRow("Family", self.family)
        self.resolution = QComboBox()
        self.resolution.addItems(["32", "64", "128"])
        self.resolution.setCurrentText("64")
        form.addRow("Resolution", self.resolution)
        length = QHBoxLayout()
        self.amount = QDoubleSpinBox(decimals=0, minimum=1, maximum=1_000_000, value=DEFAULT_LENGTH["steps"])
        self.unit = QComboBox()
        self.unit.addItems(["steps", "minutes"])
        self._unit = "steps"
        self._amounts = dict(DEFAULT_LENGTH)
        self.unit.currentTextChanged.connect(self._unit_changed)
        length.addWidget(self.amount, 1)
        length.addWidget(self.unit)
        form.addRow("Length", length)
        self.workers = QSpinBox(minimum=1, maximum=max(1, os.cpu_count() or 1), value=1)
        self.workers.setToolTip("Data-parallel worker processes (torch.distributed, gloo on CPU, NCCL on CUDA)")
        form.addRow("Workers", self.workers)
        self.name = QLineEdit("my-model")
        form.addRow("Model name", self.name)
        self.tiny = QCheckBox("Tiny network (a quick trial)")
        form.addRow("", self.tiny)
        box.addLayout(form)
        buttons = QHBoxLayout()
        self.train_button = QPushButton("Train")
        self.train_button.setObjectName("primaryButton")
        self.pause_button = QPushButton("Pause")
        self.resume_button = QPushButton("Resume")
        self.stop_button = QPushButton("Stop")
        for b in (self.train_button, self.pause_button, self.resume_button, self.stop_button):
            buttons.addWidget(b)
        box.addLayout(buttons)
        self.progress = QProgressBar()               # how far the run is through its steps or minutes
        self.progress.setRange(0, 1000)
        self.progress.setVisible(False)
        box.addWidget(self.progress)
        self.status = hint("Pick the data and press Train.")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addWidget(self.status)
        self.shapes_note = hint(SHAPES_NOTE)
        box.addWidget(self.shapes_note)
        box.addStretch(1)
        self.setMinimumWidth(330)
        self.setMaximumWidth(460)

    def _unit_changed(self, unit: str) -> None:
        self._amounts[self._unit] = self.amount.value()
        self._unit = unit
        self.amount.setValue(self._amounts[unit])

    def set_length(self, steps: int | None, minutes: float | None) -> None:
        """Shows a run's own length (a run followed again after the window that started it died)."""
        unit = "steps" if steps else "minutes"
        self.unit.blockSignals(True)
        self.unit.setCurrentText(unit)
        self.unit.blockSignals(False)
        self._unit = unit
        self.amount.setValue(float(steps or minutes or self.amount.value()))

    def length(self) -> tuple[int | None, float | None]:
        v = self.amount.value()
        return (int(v), None) if self.unit.currentText() == "steps" else (None, float(v))
