"""Reading Content Credentials in the app: File > Content Credentials of a File…, a video or GIF dropped on
the preview (a read-only dialog with what `python -m studio credentials FILE` prints), and the still being
animated (its line in the prompt panel's "Understood as")."""
from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QFontDatabase, QTextOption
from PySide6.QtWidgets import QDialog, QFileDialog, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout

from ..basics.errors import StudioError
from ..media.credentials_read import format_credentials, read_credentials, summary

FILES = "Media (*.mp4 *.m4v *.mov *.gif *.png *.jpg *.jpeg *.webm);;All files (*)"


def credentials_text(path: str | Path) -> tuple[str, dict | None]:
    """(what `python -m studio credentials FILE` prints, the read_credentials dict), or (one sentence,
    None) for a file that cannot be read or cannot carry credentials."""
    try:
        info = read_credentials(path)
    except StudioError as e:
        text = str(e)
        return text[:1].upper() + text[1:] + ("" if text.endswith(".") else "."), None
    return format_credentials(info), info


class CredentialsDialog(QDialog):
    """What one file's Content Credentials say, and whether they verify (read-only)."""

    def __init__(self, path: str | Path, parent=None):
        super().__init__(parent)
        self.path = Path(path)
        self.setWindowTitle(f"Content Credentials: {self.path.name}")
        self.setMinimumWidth(480)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(18, 16, 18, 12)
        lay.setSpacing(10)
        text, info = credentials_text(self.path)
        self.info = info
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        present = info is not None and info["present"]
        if present:
            good = info["validates"] or not info["signed"]
            self.headline.setText(summary(info)[:1].upper() + summary(info)[1:] + ".")
            self.headline.setStyleSheet(f"font-weight: 600; color: {'#7fd49a' if good else '#ff8a7a'};")
        else:
            self.headline.setText(text)        # no credentials (or no file to read): one sentence says it all
        lay.addWidget(self.headline)
        self.text = QPlainTextEdit(text)
        self.text.setReadOnly(True)
        self.text.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)   # a long error line wraps
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family()
        self.text.setStyleSheet(f"font-family: '{mono}'; font-size: 9pt;")   # the app's style sets 11pt
        self.text.ensurePolished()
        fm = self.text.fontMetrics()
        widths = [fm.horizontalAdvance(line) for line in text.splitlines() or [""]]
        width = min(max(widths) + 40, 1000)                          # the command's columns, up to 1000 px
        rows = sum(max(1, math.ceil(w / (width - 40))) for w in widths)
        self.text.setMinimumSize(width, min(fm.lineSpacing() * rows + 28, 520))
        lay.addWidget(self.text, 1)
        note = QLabel("The same as <code>python -m studio credentials FILE</code>. An “untrusted signer” means "
                      "that no trust list knows the signing certificate (as with Latent Studio's local identity): a "
                      "reader can still tell whether the file changed since it was signed, but nobody vouches for "
                      "who signed it.")
        note.setObjectName("hint")
        note.setWordWrap(True)
        lay.addWidget(note)
        self.text.setVisible(present)
        note.setVisible(present)
        row = QHBoxLayout()
        row.addStretch(1)
        close = QPushButton("Close")
        close.setDefault(True)
        close.clicked.connect(self.reject)
        row.addWidget(close)
        lay.addLayout(row)


class CredentialsView(QObject):
    """Made by MainWindow (`window.credentials_view`): the File menu's item, dropped videos and GIFs, and
    the still's line in "Understood as" (read again whenever the document's image changes)."""

    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.dialog: CredentialsDialog | None = None
        window.preview.videoDropped.connect(self.show_file)
        window.doc.imageChanged.connect(self._still_changed)

    def choose_file(self) -> None:
        from .export_dialog import remembered_folder
        path = QFileDialog.getOpenFileName(self.w, "Content Credentials of a file",
                                           remembered_folder(self.w.settings, "exportDir"), FILES)[0]
        if path:
            self.show_file(path)

    def show_file(self, path: str) -> CredentialsDialog:
        self.dialog = CredentialsDialog(path, self.w)
        self.dialog.open()
        return self.dialog

    def _still_changed(self, path: str) -> None:
        line, ok = None, True
        if path:
            try:
                info = read_credentials(path)
            except StudioError:
                info = None                      # a kind of image that cannot carry credentials, or gone
            if info is not None and info["present"]:
                line, ok = summary(info), info["validates"] or not info["signed"]
        self.w.prompt.set_still_credentials(line, ok)
