"""The Music dock: the song under the clip and its drives, one row per drive.

A drive moves one direction (a slider of the model, or `noise`, the noise loop's radius) by
`amount` times one feature of the song (0..1 per frame), smoothed over `smoothing` seconds; drives
add to the keyframed value at each frame. Every edit goes into the document (`window.doc.audio`) at
once and re-renders. A choice in a list, a new or removed drive and Bake to keys are each one undo
step; a run of spin-box steps becomes one when it pauses (the window's commit timer). The rows show
the document; they keep nothing of it.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QGridLayout, QHBoxLayout, QLabel, QPushButton,
                               QToolButton, QVBoxLayout, QWidget)

from ..engine.audio_drives import MAX_AMOUNT, MAX_SMOOTHING, Drive
from ..engine.audio_features import FEATURES
from ..engine.trajectory import NOISE
from ..project_audio import ProjectAudio

FEATURE_TIPS = {"loudness": "how loud the song is", "onset": "where notes and hits start", "beat":
                "a pulse on each beat, falling off within a tenth of a second", "low": "the bass (below 200 Hz)",
                "mid": "the middle (200 Hz to 2 kHz)", "high": "the treble (above 2 kHz)"}


def _spin(lo: float, hi: float, step: float, suffix: str = "", tip: str = "") -> QDoubleSpinBox:
    s = QDoubleSpinBox()
    s.setRange(lo, hi)
    s.setSingleStep(step)
    s.setDecimals(2)
    s.setSuffix(suffix)
    s.setKeyboardTracking(False)               # typed numbers count when finished, not per keystroke
    s.setToolTip(tip)
    return s


def _set(widget, value) -> None:
    """Shows a value without it counting as an edit."""
    widget.blockSignals(True)
    if isinstance(widget, QComboBox):
        widget.setCurrentIndex(max(0, widget.findData(value)))
    else:
        widget.setValue(value)
    widget.blockSignals(False)


class DrivesEditor(QWidget):
    def __init__(self, window, music, parent=None):
        super().__init__(parent)
        self.w, self.music = window, music
        self.directions: list[str] = []          # the model's, from its last load
        self.rows: list[dict] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 6, 10, 6)
        self.empty = QWidget()
        e = QHBoxLayout(self.empty)
        e.setContentsMargins(0, 0, 0, 0)
        hint = QLabel("No music. Add a song (WAV, FLAC, OGG or MP3), or drop one on the window, and let it move "
                      "the sliders.")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.add_music = QPushButton("Add Music…")
        self.add_music.clicked.connect(music.choose)
        e.addWidget(hint, 1)
        e.addWidget(self.add_music)
        lay.addWidget(self.empty)

        self.panel = QWidget()
        p = QVBoxLayout(self.panel)
        p.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        self.song = QLabel()
        self.song.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.offset = _spin(0.0, 86400.0, 0.5, " s", "Where in the song the clip starts")
        self.offset.valueChanged.connect(self._offset_edited)
        replace_song = QPushButton("Replace…")
        replace_song.clicked.connect(music.choose)
        remove_song = QPushButton("Remove")
        remove_song.setToolTip("Remove the music (its drives go with it; Ctrl+Z brings them back)")
        remove_song.clicked.connect(music.remove_music)
        for w in (self.song, QLabel("starts at"), self.offset):
            head.addWidget(w)
        head.addStretch(1)
        head.addWidget(replace_song)
        head.addWidget(remove_song)
        p.addLayout(head)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(8)
        self.grid.setVerticalSpacing(4)
        self.grid.setColumnStretch(6, 1)          # the rows keep their widths; the dock's room goes right
        p.addLayout(self.grid)
        foot = QHBoxLayout()
        self.add_drive = QPushButton("+ Add drive")
        self.add_drive.setToolTip("A feature of the song moves a slider: it adds amount × feature (0..1) at each frame")
        self.add_drive.clicked.connect(self.add)
        self.note = QLabel()
        self.note.setObjectName("hint")
        foot.addWidget(self.add_drive)
        foot.addWidget(self.note, 1)
        p.addLayout(foot)
        p.addStretch(1)
        lay.addWidget(self.panel)
        lay.addStretch(1)

        window.doc.audioChanged.connect(self.show_audio)
        window.engine.modelLoaded.connect(       # after the window has taken the model (and its names)
            lambda info: QTimer.singleShot(0, lambda: self.set_directions(info["directions"])))
        window.latent.renamed.connect(lambda *_: self.set_directions(self.directions))
        music.analysed.connect(lambda: self.show_audio(window.doc.audio))
        self.show_audio(None)

    # ------------------------------------------------------------------ showing the document
    def set_directions(self, names) -> None:
        self.directions = list(names)
        self.rows = []                            # rebuilt: the lists name the new model's directions
        self.show_audio(self.w.doc.audio)

    def show_audio(self, audio) -> None:
        self.empty.setVisible(audio is None)
        self.panel.setVisible(audio is not None)
        if audio is None:
            return
        song = self.music.song()
        trouble = self.music.trouble()
        gone = f" · <span style='color:#f0c36b'>{trouble} (Replace…)</span>" if trouble else ""
        self.song.setText(f"♪ <b>{Path(audio.path).name}</b>{gone}")
        self.song.setToolTip(song[3] if trouble else audio.path)
        if song is not None and song[0] is not None:
            self.offset.setMaximum(max(0.0, song[0].duration))
        _set(self.offset, audio.offset)
        if len(self.rows) != len(audio.drives):
            self._build(audio.drives)
        for row, d in zip(self.rows, audio.drives):
            if row["direction"].findData(d.direction) < 0:
                row["direction"].addItem(f"{d.direction} (not in this model)", d.direction)
            for key in ("direction", "feature", "amount", "smoothing"):
                _set(row[key], getattr(d, key))
        self.note.setText("" if audio.drives else "Drives add to the keyframed values; Bake to keys makes them "
                          "keyframes you can edit.")

    def _build(self, drives) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.rows = []
        if drives:
            for col, text in enumerate(("Direction", "follows", "amount", "smoothing")):
                label = QLabel(text)
                label.setObjectName("hint")
                self.grid.addWidget(label, 0, col)
        for i, _d in enumerate(drives):
            self.rows.append(self._row(i))

    def _row(self, i: int) -> dict:
        row = {"direction": QComboBox(), "feature": QComboBox(),
               "amount": _spin(-MAX_AMOUNT, MAX_AMOUNT, 0.1, "", "Added at the feature's loudest (1); negative "
                               "moves the other way"),
               "smoothing": _spin(0.0, MAX_SMOOTHING, 0.05, " s", "Smoothing: how slowly the drive follows "
                                  "the song (0: at once)")}
        for name in self.directions + [NOISE]:
            row["direction"].addItem("noise (loop radius)" if name == NOISE else self.w.latent.display(name), name)
        for name in FEATURES:
            row["feature"].addItem(name, name)
            row["feature"].setItemData(row["feature"].count() - 1, FEATURE_TIPS[name], Qt.ItemDataRole.ToolTipRole)
        bake = QPushButton("Bake to keys")
        bake.setToolTip("Turn this drive into keyframes you can edit (the drive goes; Ctrl+Z brings it back)")
        bake.clicked.connect(lambda: self.music.bake(i))
        remove = QToolButton()
        remove.setText("✕")
        remove.setToolTip("Remove this drive")
        remove.clicked.connect(lambda: self._remove(i))
        row["direction"].activated.connect(lambda _j: self._edited(i, True))
        row["feature"].activated.connect(lambda _j: self._edited(i, True))
        row["amount"].valueChanged.connect(lambda _v: self._edited(i, False))
        row["smoothing"].valueChanged.connect(lambda _v: self._edited(i, False))
        row["direction"].setMinimumWidth(170)
        row["feature"].setMinimumWidth(120)
        for spin in (row["amount"], row["smoothing"]):
            spin.setFixedWidth(96)
        for col, w in enumerate((row["direction"], row["feature"], row["amount"], row["smoothing"], bake, remove)):
            self.grid.addWidget(w, i + 1, col)
        row["bake"], row["remove"] = bake, remove
        return row

    # ------------------------------------------------------------------ edits
    def _drives(self) -> list:
        return list(self.w.doc.audio.drives)

    def _put(self, drives: list, step: bool) -> None:
        audio = self.w.doc.audio
        self.music.set_audio(ProjectAudio(audio.path, audio.offset, drives), step)

    def _edited(self, i: int, step: bool) -> None:
        row, drives = self.rows[i], self._drives()
        drives[i] = Drive(row["direction"].currentData(), row["feature"].currentData(), row["amount"].value(),
                          row["smoothing"].value())
        self._put(drives, step)

    def _remove(self, i: int) -> None:
        drives = self._drives()
        del drives[i]
        self._put(drives, True)

    def add(self) -> None:
        """A new drive: the first of size, scale or the model's first direction not driven yet, by loudness."""
        driven = {d.direction for d in self.w.doc.audio.drives}
        names = [n for n in ["size", "scale"] + self.directions + [NOISE] if n in self.directions + [NOISE]]
        name = next((n for n in names if n not in driven), names[0])
        self._put(self._drives() + [Drive(name, "loudness", 1.0, 0.1)], True)

    def _offset_edited(self, value: float) -> None:
        self.music.set_audio(replace(self.w.doc.audio, offset=float(value)), step=False)
