"""Lesson jobs and the lesson export dialog (progress, Cancel).

A lesson renders in its own process, `python -m studio lesson PROJECT --out …`, the same code path
as the command line. The engine thread stays free for the preview, Cancel is a SIGTERM that the
command turns into a clean stop (its files are written atomically, so nothing is left behind), and
a crash in the encoder cannot take the window with it. The lesson is signed with Content Credentials
as the settings say; when signing fails the command keeps nothing, and the dialog asks whether to
render it again unsigned.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QSettings, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QPushButton, QSpinBox, QVBoxLayout)

from .credentials_settings import ExportSigning
from .export_dialog import SIZES, QuitWhileExporting, add_progress_and_buttons, ask_quit

ROOT = Path(__file__).resolve().parents[2]
FORMATS = {"mp4": ("MP4 (H.264) with a subtitle track", ".mp4"), "webm": ("WebM (VP9) with a WebVTT track", ".webm")}
NOT_KEPT = "; the lesson was not kept (add --no-credentials to save it unsigned)"   # how `studio lesson` ends a
#                                                                    failed signature's message (cli._lesson_signer)


def signing_args(sign: bool, with_prompt: bool, identity) -> list[str]:
    """The `studio lesson` options for an export's Content Credentials."""
    if not sign:
        return ["--no-credentials"]
    args = ["--credentials-prompt"] if with_prompt else []
    if identity is not None and not identity.local:
        args += ["--signing-cert", str(identity.cert_chain_path), "--signing-key", str(identity.key_path)]
    return args


class LessonJob(QObject):
    """One `studio lesson` run in a child process."""
    progress = Signal(int, int)
    finished = Signal(str)                     # the path written
    cancelled = Signal()
    failed = Signal(str)                       # one sentence
    unsigned = Signal(str)                     # could not sign with Content Credentials (nothing kept): why

    def __init__(self, parent=None):
        super().__init__(parent)
        self.proc: QProcess | None = None
        self.out = ""
        self._tmp = None
        self._cancelling = False
        self._err = b""

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.state() != QProcess.ProcessState.NotRunning

    def start(self, project, out: str, size: str = "720p", fps: int | None = None, title_seconds: float = 2.0,
              burn_in: bool = False, narrate: bool = False, signing: list[str] = ()) -> None:
        """project: a studio.project.Project whose lesson (and model) is rendered; signing: options from
        `signing_args` (none: signed with the local identity, without the prompts)."""
        self._tmp = tempfile.mkdtemp(prefix="latent-lesson-")
        doc = project.save(Path(self._tmp) / "lesson.lstudio")
        args = ["-m", "studio", "lesson", str(doc), "--out", out, "--size", size, "--title-seconds",
                f"{title_seconds:g}", "--progress"]
        args += (["--fps", str(fps)] if fps else []) + (["--burn-in"] if burn_in else []) + \
            (["--narrate"] if narrate else []) + list(signing)
        self.out, self._cancelling, self._err = out, False, b""
        self.proc = QProcess(self)
        self.proc.setWorkingDirectory(str(ROOT))
        self.proc.readyReadStandardOutput.connect(self._read)
        self.proc.readyReadStandardError.connect(lambda: setattr(self, "_err", self._err + bytes(
            self.proc.readAllStandardError())))
        self.proc.finished.connect(self._done)
        self.proc.errorOccurred.connect(self._error)
        self.proc.start(sys.executable, args)

    def cancel(self) -> None:
        if self.running:
            self._cancelling = True
            self.proc.terminate()

    def wait(self, ms: int = 30000) -> bool:
        return self.proc is None or self.proc.waitForFinished(ms)

    def _read(self) -> None:
        for line in bytes(self.proc.readAllStandardOutput()).decode(errors="replace").splitlines():
            if line.startswith("progress "):
                done, total = line.split()[1].split("/")
                self.progress.emit(int(done), int(total))

    def _error(self, error) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self._cleanup()
            self.failed.emit(f"could not start {sys.executable} to render the lesson")

    def _done(self, code: int, _status) -> None:
        self._cleanup()
        if self._cancelling:
            self.cancelled.emit()
        elif code == 0:
            self.finished.emit(self.out)
        else:
            lines = [s for s in self._err.decode(errors="replace").strip().splitlines() if s.strip()]
            message = (lines[-1] if lines else f"the lesson stopped with status {code}").removeprefix("error: ")
            if message.endswith(NOT_KEPT):
                out = Path(self.out)
                for sidecar in (out.with_suffix(".srt"), out.with_suffix(".vtt")):
                    if not out.exists():          # the command kept the captions of a video it did not keep
                        sidecar.unlink(missing_ok=True)
                self.unsigned.emit(message.removesuffix(NOT_KEPT))
            else:
                self.failed.emit(message)

    def _cleanup(self) -> None:
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None


class LessonExportDialog(QDialog):
    """Format, size, frame rate, title card, burn-in and narration; progress and Cancel."""
    exported = Signal(str)

    def __init__(self, project, folder: str, name: str, narration_available: bool, parent=None,
                 prefs: QSettings | None = None):
        """prefs: the app's QSettings (Content Credentials)."""
        super().__init__(parent)
        self.setWindowTitle("Export lesson")
        self.setMinimumWidth(540)
        self.project = project
        self.job = LessonJob(self)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(18, 16, 18, 16)
        lay.setSpacing(12)
        n = len(project.lesson.shots)
        summary = QLabel(f"“{project.lesson.title or 'Untitled lesson'}” · {n} shot{'s' * (n != 1)} · "
                         f"{project.lesson.seconds():g} s · model {project.model}")
        summary.setObjectName("hint")
        lay.addWidget(summary)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.format = QComboBox()
        for key, (label, _s) in FORMATS.items():
            self.format.addItem(label, key)
        self.size = QComboBox()
        for key, label in SIZES.items():
            self.size.addItem(label, key)
        self.size.setCurrentIndex(self.size.findData("720p"))
        self.fps = QSpinBox()
        self.fps.setRange(1, 120)
        self.fps.setSuffix(" fps")
        self.fps.setValue(project.fps)
        self.title_seconds = QDoubleSpinBox()
        self.title_seconds.setRange(0, 30)
        self.title_seconds.setSingleStep(0.5)
        self.title_seconds.setSuffix(" s")
        self.title_seconds.setValue(2.0)
        self.burn_in = QCheckBox("Draw the captions into the picture too")
        self.narrate = QCheckBox("Speak the captions (espeak-ng)")
        self.narrate.setEnabled(narration_available)
        if not narration_available:
            self.narrate.setToolTip("Install espeak-ng (sudo apt-get install espeak-ng) to narrate lessons")
        self.path = QLineEdit(str(Path(folder) / (name + ".mp4")))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        for label, w in (("Format", self.format), ("Size", self.size), ("Frame rate", self.fps),
                         ("Title card", self.title_seconds), ("", self.burn_in), ("", self.narrate), ("Save to", row)):
            form.addRow(label, w)
        self.signing = ExportSigning(self, prefs if prefs is not None else QSettings(), form)
        self.signing.group.prompt.setText("Record the shots' prompts")
        lay.addLayout(form)
        add_progress_and_buttons(self, lay)
        self.message.setText("A soft subtitle track, .srt and .vtt files beside the video, and a chapter per shot.")
        self.format.currentIndexChanged.connect(self._suffix_follows_format)
        self.job.progress.connect(lambda d, t: self.progress.setValue(round(100 * d / max(1, t))))
        self.quitter = QuitWhileExporting(self, lambda: self.job.running, self.job.cancel)
        self.job.finished.connect(self._finished)
        self.job.cancelled.connect(lambda: self._end("Cancelled; no file was written."))
        self.job.failed.connect(lambda m: self._end(m, error=True))
        self.job.unsigned.connect(self._not_signed)

    def _suffix_follows_format(self) -> None:
        p = Path(self.path.text().strip() or "lesson")
        self.path.setText(str(p.with_suffix(FORMATS[self.format.currentData()][1])))

    def browse(self) -> None:
        label, suffix = FORMATS[self.format.currentData()]
        path = QFileDialog.getSaveFileName(self, "Export lesson", self.path.text(), f"{label} (*{suffix})")[0]
        if path:
            self.path.setText(path if path.lower().endswith(suffix) else path + suffix)

    def start(self, unsigned: bool = False) -> bool:
        """Renders the lesson, signed as the settings ask; unsigned: without credentials this once (the
        user's answer to a signature that failed)."""
        if self.job.running or self.signing.question is not None:
            return False
        path = self.path.text().strip()
        if not path:
            self._say("Choose where to save the lesson.", error=True)
            return False
        signing = self.signing.choices(unsigned)
        if signing is None:
            return False
        for w in (self.format, self.size, self.fps, self.title_seconds, self.burn_in, self.narrate, self.path,
                  self.signing.group, self.export):
            w.setEnabled(False)
        self.cancel.setText("Cancel")
        self.progress.setValue(0)
        self._say("Rendering the lesson…")
        self.job.start(self.project, str(Path(path).expanduser()), self.size.currentData(), self.fps.value(),
                       self.title_seconds.value(), self.burn_in.isChecked(), self.narrate.isChecked(),
                       signing_args(*signing))
        return True

    def _finished(self, path: str) -> None:
        self.progress.setValue(100)
        unsigned = "" if self.signing.signed else ", without Content Credentials"
        self._end(f"Saved {path} (+ .srt and .vtt{unsigned})")
        self.exported.emit(path)

    def _not_signed(self, message: str) -> None:
        """The lesson could not be signed, so nothing was kept: ask what to do."""
        quitting = self.quitter.quitting
        self._end(message, error=True)
        if not quitting:
            self.signing.failed(message)

    def _end(self, text: str, error: bool = False) -> None:
        for w in (self.format, self.size, self.fps, self.title_seconds, self.burn_in, self.path, self.signing.group,
                  self.export):
            w.setEnabled(True)
        self.narrate.setEnabled(self.narrate.toolTip() == "")
        self.cancel.setText("Close")
        if error:
            self.progress.setValue(0)
        self._say(text, error)
        self.quitter.ended()

    def ask_quit(self) -> bool:
        """Ctrl+Q while exporting: whether to cancel the export and quit (tests replace this)."""
        return ask_quit(self)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #ff8a7a;" if error else "")

    def _cancel_or_close(self) -> None:
        if self.job.running:
            self._say("Cancelling…")
            self.job.cancel()
        else:
            self.reject()

    def reject(self) -> None:
        if self.job.running:                    # Escape while exporting cancels first
            self.job.cancel()
            return
        super().reject()
