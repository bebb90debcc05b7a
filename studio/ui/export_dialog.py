"""The export dialog: format, size, fit, scaling, fps and Content Credentials; the worker renders and
writes the clip.

The file is written atomically by the media writer, so Cancel (or an error) leaves nothing behind. A
clip that cannot be signed is not written either: the dialog asks whether to save it without
credentials, and only that choice exports it again unsigned.
"""
from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (QApplication, QComboBox, QDialog, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QMessageBox, QProgressBar, QPushButton, QSpinBox, QVBoxLayout)

from ..basics.export_sizes import SIZES as EXPORT_SIZES, size_label
from ..engine_client import EngineClient
from ..requests import ExportRequest, RenderRequest
from .credentials_settings import ExportSigning

FORMATS = {"mp4": ("MP4 (H.264, yuv420p)", ".mp4"), "webm": ("WebM (VP9)", ".webm"),
           "gif": ("GIF (looping)", ".gif"), "png": ("PNG sequence (a folder)", "")}
SIZES = {name: size_label(name) for name in EXPORT_SIZES}     # the menu's labels, from the one table


def slug(text: str, fallback: str = "clip") -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())[:6]
    return "-".join(words) or fallback


class ExportDialog(QDialog):
    exported = Signal(str)                # path written
    options = Signal(dict)                # the settings used, for the project document

    def __init__(self, engine: EngineClient, request: RenderRequest, fps: int, folder: str, name: str,
                 settings: dict | None = None, parent=None, prefs: QSettings | None = None, audio: tuple = ()):
        """settings: the project's export options; prefs: the app's QSettings (Content Credentials);
        audio: (song path, offset) that an MP4 or WebM carries."""
        super().__init__(parent)
        self.setWindowTitle("Export clip")
        self.setMinimumWidth(520)
        self.engine = engine
        self.request = request
        self.audio = tuple(audio)
        self.busy = False
        s = settings or {}

        lay = QVBoxLayout(self)
        lay.setContentsMargins(18, 16, 18, 16)
        lay.setSpacing(12)
        music = f" · with {Path(self.audio[0]).name} (MP4, WebM)" if self.audio else ""
        summary = QLabel(f"“{request.prompt or '(no prompt)'}” · seed {request.seed} · {request.frames} frames{music}")
        summary.setObjectName("hint")
        summary.setWordWrap(True)
        lay.addWidget(summary)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(8)
        self.format = QComboBox()
        for key, (label, _suffix) in FORMATS.items():
            self.format.addItem(label, key)
        self.size = QComboBox()
        for key, label in SIZES.items():
            self.size.addItem(label, key)
        self.fit = QComboBox()
        self.fit.addItem("Letterbox (show the whole frame)", "letterbox")
        self.fit.addItem("Crop (fill the frame)", "crop")
        self.scaling = QComboBox()
        self.scaling.addItem("Native (drawn at this size: crisp edges)", "native")
        self.scaling.addItem("Pixel-exact (the model's pixels, enlarged)", "pixel")
        self.scaling.addItem("Smooth (the model's pixels, blurred)", "smooth")
        self.fps = QSpinBox()
        self.fps.setRange(1, 120)
        self.fps.setSuffix(" fps")
        self.fps.setValue(int(s.get("fps") or fps))
        if self.audio:                  # the frames are timed to the song: another rate would play them off it
            self.fps.setValue(int(fps))
            self.fps.setEnabled(False)
            self.fps.setToolTip("The song sets the pace: this clip's frames are timed to it at its own frame rate. "
                                "Change the clip's speed in the window (its drives follow).")
        self.title = QLineEdit(str(s.get("title") or ""))
        self.title.setPlaceholderText("optional: shown over the first second")
        self.caption = QLineEdit(str(s.get("caption") or ""))
        self.caption.setPlaceholderText("optional: shown along the bottom")
        self.path = QLineEdit()
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow("Format", self.format)
        form.addRow("Size", self.size)
        form.addRow("Fit", self.fit)
        form.addRow("Scaling", self.scaling)
        form.addRow("Frame rate", self.fps)
        form.addRow("Title", self.title)
        form.addRow("Caption", self.caption)
        form.addRow("Save to", row)
        self.signing = ExportSigning(self, prefs if prefs is not None else QSettings(), form)
        lay.addLayout(form)

        add_progress_and_buttons(self, lay)

        for combo, key, default in ((self.format, "format", "mp4"), (self.size, "size", "512"),
                                    (self.fit, "fit", "letterbox"), (self.scaling, "scaling", "native")):
            combo.setCurrentIndex(max(0, combo.findData(s.get(key, default))))
        self.path.setText(str(Path(folder) / (name + FORMATS[self.format.currentData()][1])))
        self.format.currentIndexChanged.connect(self._suffix_follows_format)

        self.quitter = QuitWhileExporting(self, lambda: self.busy, self.engine.cancel_export)
        engine.exportProgress.connect(self._progress)
        engine.exportFinished.connect(self._finished)
        engine.exportCancelled.connect(self._cancelled)
        engine.exportUnsigned.connect(self._not_signed)
        engine.failed.connect(self._failed)

    # ------------------------------------------------------------------ choices
    def settings(self) -> dict:
        return {"format": self.format.currentData(), "size": self.size.currentData(), "fit": self.fit.currentData(),
                "scaling": self.scaling.currentData(), "fps": self.fps.value(),
                "title": self.title.text().strip(), "caption": self.caption.text().strip()}

    def set_choice(self, **values) -> None:
        """Programmatic driving (tests, scripts): set_choice(format="gif", size="256", fps=12)."""
        for key, value in values.items():
            if key == "fps":
                self.fps.setValue(int(value))
            elif key in ("title", "caption"):
                getattr(self, key).setText(str(value))
            elif key == "path":
                self.path.setText(str(value))
            else:
                combo = getattr(self, key)
                i = combo.findData(value)
                if i < 0:
                    raise ValueError(f"unknown {key} {value!r}")
                combo.setCurrentIndex(i)

    def _suffix_follows_format(self) -> None:
        text = self.path.text().strip()
        if not text:
            return
        p = Path(text)
        stem = p.name[: -len(p.suffix)] if p.suffix.lower() in (".mp4", ".webm", ".gif", ".npy") else p.name
        self.path.setText(str(p.with_name(stem + FORMATS[self.format.currentData()][1])))

    def browse(self) -> None:
        fmt = self.format.currentData()
        if fmt == "png":
            path = QFileDialog.getSaveFileName(self, "New folder for the PNG frames", self.path.text())[0]
        else:
            label, suffix = FORMATS[fmt]
            path = QFileDialog.getSaveFileName(self, "Export clip", self.path.text(), f"{label} (*{suffix})")[0]
            if path and not path.lower().endswith(suffix):
                path += suffix
        if path:
            self.path.setText(path)

    # ------------------------------------------------------------------ running
    def start(self, unsigned: bool = False) -> bool:
        """Exports with the Content Credentials the settings ask for; unsigned: without them this once
        (the user's answer to a signature that failed)."""
        if self.busy or self.signing.question is not None:
            return False
        path = self.path.text().strip()
        if not path:
            self._say("Choose where to save the clip.", error=True)
            return False
        target = Path(path).expanduser()
        if (not unsigned and self.format.currentData() != "png" and target.is_file() and self.isVisible()
                and not self._confirm(target)):
            return False
        signing = self.signing.choices(unsigned)
        if signing is None:
            return False
        sign, with_prompt, identity = signing
        s = self.settings()
        self.busy = True
        self._set_running(True)
        self.progress.setValue(0)
        self._say("Rendering and writing…")
        self.options.emit(s)
        self.engine.export(ExportRequest(self.request, str(target), size=s["size"], fit=s["fit"],
                                         scaling=s["scaling"], fps=s["fps"], title=s["title"], caption=s["caption"],
                                         credentials=sign, credentials_prompt=with_prompt, identity=identity,
                                         audio=self.audio))
        return True

    def _not_signed(self, message: str) -> None:
        """The clip was drawn but could not be signed, so nothing was written: ask what to do."""
        if not self._end():
            return
        self.progress.setValue(0)
        if not self.quitter.quitting:
            self.signing.failed(message)
        self.quitter.ended()

    def ask_quit(self) -> bool:
        """Ctrl+Q while exporting: whether to cancel the export and quit (tests replace this)."""
        return ask_quit(self)

    def _confirm(self, target: Path) -> bool:
        answer = QMessageBox.question(self, "Replace file?", f"{target.name} exists. Replace it?",
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _set_running(self, running: bool) -> None:
        for w in (self.format, self.size, self.fit, self.scaling, self.fps, self.title, self.caption, self.path,
                  self.signing.group, self.export):
            w.setEnabled(not running)
        self.fps.setEnabled(not running and not self.audio)      # with a song the clip's own rate stays
        self.cancel.setText("Cancel" if running else "Close")

    def _cancel_or_close(self) -> None:
        if self.busy:
            self._say("Cancelling…")
            self.engine.cancel_export()
        else:
            self.reject()

    def _progress(self, done: int, total: int) -> None:
        if self.busy and total:
            self.progress.setValue(round(100 * done / total))

    def _end(self) -> bool:
        """The running export is over (False: none was running)."""
        if not self.busy:
            return False
        self.busy = False
        self._set_running(False)
        return True

    def _finished(self, path: str) -> None:
        if not self._end():
            return
        self.progress.setValue(100)
        self._say(f"Saved {path}" + ("" if self.signing.signed else " without Content Credentials"))
        self.exported.emit(path)
        self.quitter.ended()

    def _cancelled(self) -> None:
        if not self._end():
            return
        self.progress.setValue(0)
        self._say("Cancelled; no file was written.")
        self.quitter.ended()

    def _failed(self, kind: str, message: str) -> None:
        if kind != "export" or not self._end():
            return
        self.progress.setValue(0)
        self._say(message, error=True)
        self.quitter.ended()

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #ff8a7a;" if error else "")

    def reject(self) -> None:
        if self.busy:                         # Escape while exporting cancels first
            self.engine.cancel_export()
            return
        super().reject()

    def done(self, r) -> None:
        for sig, slot in ((self.engine.exportProgress, self._progress), (self.engine.exportFinished, self._finished),
                          (self.engine.exportCancelled, self._cancelled), (self.engine.failed, self._failed),
                          (self.engine.exportUnsigned, self._not_signed)):
            try:
                sig.disconnect(slot)
            except (RuntimeError, TypeError):
                pass
        super().done(r)


class QuitWhileExporting(QObject):
    """Ctrl+Q in an export dialog quits the app, as in the window (a window-modal dialog takes the
    keys, so the window's Quit never saw it). While an export runs it asks first (dialog.ask_quit()),
    cancels the export (nothing is written) and quits once the cancel is through."""

    def __init__(self, dialog, busy, cancel):
        super().__init__(dialog)
        self.dialog, self.busy, self.cancel = dialog, busy, cancel
        self.quitting = False
        # not a QShortcut: on X11 the window's own Ctrl+Q action made it ambiguous, and neither fired
        QApplication.instance().installEventFilter(self)

    def eventFilter(self, obj, e):                      # noqa: N802 (Qt name)
        t = e.type()
        if t not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) or not obj.isWidgetType():
            return False
        if obj.window() is not self.dialog or QKeySequence(e.keyCombination()) != QKeySequence("Ctrl+Q"):
            return False
        e.accept()                                      # a key for this dialog, not a shortcut elsewhere
        if t == QEvent.Type.KeyPress:
            self.quit()
        return True

    def quit(self) -> None:
        if self.quitting:
            return
        if self.busy():
            if not self.dialog.ask_quit():
                return
            self.quitting = True
            self.dialog._say("Cancelling the export, then quitting…")
            self.cancel()
            return
        self._close_all()

    def ended(self) -> None:
        """The export finished, failed or was cancelled."""
        if self.quitting:
            QTimer.singleShot(0, self._close_all)

    def _close_all(self) -> None:
        parent = self.dialog.parentWidget()
        window = parent.window() if parent is not None else None
        self.dialog.done(QDialog.DialogCode.Rejected)
        if window is not None:
            window.close()


def ask_quit(dialog) -> bool:
    answer = QMessageBox.question(dialog, "Quit while exporting?",
                                  "An export is running. Cancel it (nothing is written) and quit Latent Studio?",
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def add_progress_and_buttons(dialog, lay) -> None:
    """The bottom of an export dialog: dialog.progress, dialog.message and the Close/Cancel and Export
    buttons, wired to dialog._cancel_or_close and dialog.start."""
    dialog.progress = QProgressBar()
    dialog.progress.setRange(0, 100)
    dialog.progress.setValue(0)
    dialog.progress.setTextVisible(False)
    dialog.message = QLabel("")
    dialog.message.setObjectName("hint")
    dialog.message.setWordWrap(True)
    dialog.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    lay.addWidget(dialog.progress)
    lay.addWidget(dialog.message)
    buttons = QHBoxLayout()
    buttons.addStretch(1)
    dialog.cancel = QPushButton("Close")
    dialog.cancel.clicked.connect(dialog._cancel_or_close)
    dialog.export = QPushButton("Export")
    dialog.export.setObjectName("primaryButton")
    dialog.export.setDefault(True)
    dialog.export.clicked.connect(dialog.start)
    buttons.addWidget(dialog.cancel)
    buttons.addWidget(dialog.export)
    lay.addLayout(buttons)


def user_folder(kind: str = "videos") -> str:
    """The user's Videos, Documents, Pictures or Music folder (platformdirs), else the home folder; never
    the folder the app happened to be started from."""
    import platformdirs
    found = Path({"videos": platformdirs.user_videos_dir, "pictures": platformdirs.user_pictures_dir,
                  "music": platformdirs.user_music_dir}.get(kind, platformdirs.user_documents_dir)())
    return str(found if found.is_dir() else Path.home())


def default_folder(project_path: str | None, kind: str = "videos") -> str:
    if project_path:
        return str(Path(project_path).parent)
    return user_folder(kind)


def remembered_folder(settings, key: str, kind: str = "videos") -> str:
    """The last folder used for `key` (QSettings), when it still exists, else the user's folder."""
    last = settings.value(key) if settings is not None else None
    return str(last) if last and Path(str(last)).is_dir() else user_folder(kind)
