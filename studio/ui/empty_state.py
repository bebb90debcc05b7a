"""What the centre shows when no model is installed: how to get or train one."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from .panel import styled_layout

TRAIN_COMMAND = "python -m studio train --data shapes --family vae --out models/shapes-vae --minutes 30"


class EmptyState(QWidget):
    refreshRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        lay = styled_layout(self, "emptyState", (48, 48, 48, 48))
        lay.addStretch(1)
        title = QLabel("No model installed yet")
        title.setObjectName("emptyTitle")
        self.body = QLabel()
        self.body.setObjectName("emptyBody")
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.command = QLabel(TRAIN_COMMAND.replace(" --out", " \\\n    --out"))     # a shell line continuation
        self.command.setObjectName("command")
        self.command.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.command.setWordWrap(False)
        self.command.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)   # never widens the window
        self.command.setToolTip(TRAIN_COMMAND)
        after = QLabel("It trains a small VAE on the built-in shapes world (about 30 minutes on a CPU, much less "
                       "on a GPU). Copy a trained model folder (model.json + model.safetensors) into the models "
                       "folder to use it instead, then press Refresh.")
        after.setObjectName("emptyBody")
        after.setWordWrap(True)
        buttons = QHBoxLayout()
        copy = QPushButton("Copy command")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(TRAIN_COMMAND))
        refresh = QPushButton("Refresh")
        refresh.setObjectName("primaryButton")
        refresh.clicked.connect(self.refreshRequested)
        buttons.addWidget(copy)
        buttons.addWidget(refresh)
        buttons.addStretch(1)
        for w in (title, self.body, self.command, after):
            w.setMaximumWidth(760)
            lay.addWidget(w)
            lay.addSpacing(6)
        lay.addLayout(buttons)
        lay.addStretch(2)
        self.set_folder("models/")

    def set_folder(self, folder: str) -> None:
        self.body.setText(f"Latent Studio draws clips with models that live in <b>{folder}</b>, and that folder "
                          "has none. Train the shapes model from the repository folder with:")
