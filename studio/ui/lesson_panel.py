"""The Lesson panel: shots captured from the current clip, each with a caption and a length; drag to
reorder, delete, the total length; import/export the lesson script; play the lesson with its
captions; export it. The lesson lives in the project file (`Project.lesson`).

The window hooks it in with `attach_lesson_panel(window)` (a dock); everything else is here.
"""
from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QDockWidget, QDoubleSpinBox, QFileDialog, QFormLayout, QGridLayout,
                               QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QProgressBar, QPushButton, QVBoxLayout,
                               QWidget)

from ..lesson.script import Lesson, Shot, read_script, save_script
from .export_dialog import remembered_folder, slug
from .lesson_dialog import LessonExportDialog, LessonJob

SCRIPT_FILTER = "Lesson script (*.txt);;All files (*)"
PREVIEW_SIZE = "512"
PREVIEW_BYTES = 400 * 2 ** 20       # a long lesson previews at 256 px: 1,440 frames at 512 px would be 1.1 GB


def preview_size(frames: int) -> str:
    return PREVIEW_SIZE if frames * 512 * 512 * 3 <= PREVIEW_BYTES else "256"


class LessonPanel(QWidget):
    changed = Signal()
    committed = Signal()                         # a whole edit (add, delete, move, import): one undo step now
    rendered = Signal(object, int, int)          # the lesson's frames (title card, captions drawn), fps, shots

    def __init__(self, capture=None, settings=None, parent=None):
        """capture() -> studio.project.Project: the current clip (prompt, seed, sliders, keyframes, model, fps)."""
        super().__init__(parent)
        self.setObjectName("sidePanel")
        self.capture = capture
        self.settings = settings
        self.shots: list[Shot] = []
        self._filling = False
        self.job = LessonJob(self)
        self.frames: np.ndarray | None = None        # the last lesson rendered for the preview
        self.dialog: LessonExportDialog | None = None

        self.title = QLineEdit()
        self.title.setPlaceholderText("Lesson title (the title card)")
        self.list = QListWidget()
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.list.setMinimumWidth(280)
        self.list.setMaximumHeight(150)                 # the preview keeps the window's height
        self.list.setToolTip("Drag shots to reorder them; Delete removes the selected one (Ctrl+Z brings it back)")
        self.list.installEventFilter(self)
        self.caption = QLineEdit()
        self.caption.setPlaceholderText("What viewers read (and hear) during this shot")
        self.seconds = QDoubleSpinBox()
        self.seconds.setRange(0.1, 600)
        self.seconds.setDecimals(1)
        self.seconds.setSingleStep(0.5)
        self.seconds.setSuffix(" s")
        self.prompt = QLabel("")
        self.prompt.setObjectName("hint")
        self.prompt.setWordWrap(True)
        self.total = QLabel("")
        self.message = QLabel("")
        self.message.setObjectName("hint")
        self.message.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.hide()

        self.add = QPushButton("Add to lesson")
        self.add.setObjectName("primaryButton")
        self.add.setToolTip("Capture the current clip (prompt, seed, sliders, keyframes) as a shot")
        self.delete = QPushButton("Delete")
        self.up, self.down = QPushButton("Move up"), QPushButton("Move down")
        self.import_button, self.export_script_button = QPushButton("Import script…"), QPushButton("Export script…")
        self.play = QPushButton("Play lesson")
        self.export_button = QPushButton("Export lesson…")

        lay = QHBoxLayout(self)
        lay.setContentsMargins(12, 8, 12, 8)
        left = QVBoxLayout()
        left.addWidget(self.title)
        left.addWidget(self.list, 1)
        left.addWidget(self.total)
        lay.addLayout(left, 3)
        middle = QFormLayout()
        middle.addRow("Caption", self.caption)
        middle.addRow("Length", self.seconds)
        middle.addRow("Prompt", self.prompt)
        middle.addRow(self.progress)
        middle.addRow(self.message)
        lay.addLayout(middle, 3)
        grid = QGridLayout()
        for i, b in enumerate((self.add, self.play, self.delete, self.export_button, self.up, self.import_button,
                               self.down, self.export_script_button)):
            grid.addWidget(b, i // 2, i % 2)
        right = QVBoxLayout()
        right.addLayout(grid)
        right.addStretch(1)
        lay.addLayout(right, 2)

        self.add.clicked.connect(self.add_current)
        self.delete.clicked.connect(self.delete_selected)
        self.up.clicked.connect(lambda: self.move(self.list.currentRow(), self.list.currentRow() - 1))
        self.down.clicked.connect(lambda: self.move(self.list.currentRow(), self.list.currentRow() + 1))
        self.import_button.clicked.connect(self.choose_import)
        self.export_script_button.clicked.connect(self.choose_export_script)
        self.play.clicked.connect(self.play_lesson)
        self.export_button.clicked.connect(self.open_export_dialog)
        self.list.currentRowChanged.connect(self._show_selected)
        self.list.model().rowsMoved.connect(self._after_drag)
        self.caption.textEdited.connect(self._edit_caption)
        self.seconds.valueChanged.connect(self._edit_seconds)
        self.title.textEdited.connect(lambda _t: self._changed())
        self.job.progress.connect(lambda d, t: self.progress.setValue(100 * d // max(1, t)))
        self.job.finished.connect(self._play_rendered)
        self.job.failed.connect(lambda m: (self._rendering(False), self._say(m, error=True)))
        self.job.cancelled.connect(lambda: (self._rendering(False), self._say("Lesson preview cancelled.")))
        self._refresh()

    # ------------------------------------------------------------------ the document
    def lesson(self) -> Lesson:
        return Lesson(self.title.text().strip(), list(self.shots))

    def set_lesson(self, lesson: Lesson, keep_row: bool = False) -> None:
        """Shows `lesson` (quietly: no `changed`). keep_row: stay on the selected shot (undo/redo)."""
        row = self.list.currentRow() if keep_row else 0
        self.title.setText(lesson.title)
        self.shots = list(lesson.shots)
        self._refresh(min(max(row, 0), len(self.shots) - 1))

    # ------------------------------------------------------------------ editing
    def add_current(self) -> Shot | None:
        if self.capture is None:
            return None
        p = self.capture()
        if not p.prompt.strip():
            self._say("Type a prompt first: a shot is the current clip.", error=True)
            return None
        shot = Shot(round(p.frames / p.fps, 2), p.prompt, "", p.seed, dict(p.sliders), copy.deepcopy(list(p.keyframes)))
        self.shots.append(shot)
        self._refresh(len(self.shots) - 1)
        self._changed(commit=True)
        self._say("Added. Give the shot a caption viewers will read.")
        self.caption.setFocus()
        return shot

    def clip_changed(self) -> None:
        """A new clip was asked for: no shot stays selected, so a caption typed for the next shot cannot
        overwrite the caption of the one added before (the field waits, disabled, for Add)."""
        if self.list.currentRow() >= 0:
            self.list.setCurrentRow(-1)

    def eventFilter(self, obj, e):                        # noqa: N802 (Qt name)
        from PySide6.QtCore import QEvent
        if obj is self.list and e.type() == QEvent.Type.KeyPress and e.key() in (Qt.Key.Key_Delete,
                                                                                 Qt.Key.Key_Backspace):
            self.delete_selected()
            return True
        return super().eventFilter(obj, e)

    def delete_selected(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.shots):
            del self.shots[row]
            self._refresh(min(row, len(self.shots) - 1))
            self._changed(commit=True)

    def move(self, row: int, to: int) -> None:
        if 0 <= row < len(self.shots) and 0 <= to < len(self.shots) and row != to:
            self.shots.insert(to, self.shots.pop(row))
            self._refresh(to)
            self._changed(commit=True)

    def _after_drag(self, *_args) -> None:
        order = [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]
        self.shots = [self.shots[i] for i in order]
        self._refresh(self.list.currentRow())
        self._changed(commit=True)

    def _edit_caption(self, text: str) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.shots):
            self.shots[row] = replace(self.shots[row], caption=text.strip())
            self._refresh_item(row)
            self._changed()

    def _edit_seconds(self, value: float) -> None:
        row = self.list.currentRow()
        if not self._filling and 0 <= row < len(self.shots):
            self.shots[row] = replace(self.shots[row], seconds=float(value))
            self._refresh_item(row)
            self._changed()

    def _changed(self, commit: bool = False) -> None:
        self._update_total()
        self.changed.emit()
        if commit:
            self.committed.emit()

    # ------------------------------------------------------------------ drawing
    def _refresh(self, select: int = -1) -> None:
        self._filling = True
        try:
            self.list.clear()
            for i in range(len(self.shots)):
                item = QListWidgetItem()
                item.setData(Qt.ItemDataRole.UserRole, i)
                self.list.addItem(item)
                self._refresh_item(i)
            self.list.setCurrentRow(select)
        finally:
            self._filling = False
        self._show_selected(self.list.currentRow())
        self._update_total()

    def _refresh_item(self, i: int) -> None:
        s = self.shots[i]
        item = self.list.item(i)
        item.setText(f"{i + 1}.  {s.caption or s.prompt}  ·  {s.seconds:g} s")
        item.setToolTip(f"{s.prompt} (seed {s.seed})")
        item.setData(Qt.ItemDataRole.UserRole, i)

    def _show_selected(self, row: int) -> None:
        has = 0 <= row < len(self.shots)
        self._filling = True
        try:
            self.caption.setText(self.shots[row].caption if has else "")
            self.seconds.setValue(self.shots[row].seconds if has else 1.0)
            self.prompt.setText(self.shots[row].prompt if has else "Add the current clip to start a lesson.")
        finally:
            self._filling = False
        for w in (self.caption, self.seconds, self.delete):
            w.setEnabled(has)
        self.caption.setPlaceholderText("What viewers read (and hear) during this shot" if has else
                                        "Add the clip to the lesson first, then caption it here")
        self.up.setEnabled(has and row > 0)
        self.down.setEnabled(has and row < len(self.shots) - 1)
        for w in (self.play, self.export_button, self.export_script_button):
            w.setEnabled(bool(self.shots))

    def _update_total(self) -> None:
        n, seconds = len(self.shots), sum(s.seconds for s in self.shots)
        title = " + a 2 s title card" if self.title.text().strip() else ""
        self.total.setText(f"{n} shot{'s' * (n != 1)} · {seconds:g} s{title}")

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #ff8a7a;" if error else "")

    # ------------------------------------------------------------------ scripts
    def import_script(self, path: str) -> bool:
        from studio.basics.errors import StudioError
        try:
            lesson = read_script(path)
        except StudioError as e:
            self._say(str(e), error=True)
            return False
        self.set_lesson(lesson)
        self._remember(path)
        self._changed(commit=True)
        self._say(f"Imported {len(lesson.shots)} shots from {Path(path).name}.")
        return True

    def export_script(self, path: str) -> bool:
        from studio.basics.errors import StudioError
        try:
            save_script(self.lesson(), path)
        except StudioError as e:
            self._say(str(e), error=True)
            return False
        self._remember(path)
        self._say(f"Saved {Path(path).name} (seeds, sliders and keyframes stay in the project file).")
        return True

    def _folder(self) -> str:
        return remembered_folder(self.settings, "lessonDir", "documents")

    def _remember(self, path: str) -> None:
        if self.settings is not None:
            self.settings.setValue("lessonDir", str(Path(path).resolve().parent))

    def choose_import(self) -> None:
        path = QFileDialog.getOpenFileName(self, "Import lesson script", self._folder(), SCRIPT_FILTER)[0]
        if path:
            self.import_script(path)

    def choose_export_script(self) -> None:
        start = str(Path(self._folder()) / (slug(self.title.text(), "lesson") + ".txt"))
        path = QFileDialog.getSaveFileName(self, "Export lesson script", start, SCRIPT_FILTER)[0]
        if path:
            self.export_script(path if Path(path).suffix else path + ".txt")

    # ------------------------------------------------------------------ rendering
    def project(self):
        """The document the lesson renders from: the current project (its model and fps) with this lesson."""
        from ..project import Project
        base = self.capture() if self.capture is not None else Project()
        base.lesson = self.lesson()
        return base

    def play_lesson(self) -> None:
        """Renders the whole lesson with its title card and captions drawn, then sends it to the
        preview (`rendered`). Pressed again while rendering, it cancels."""
        if self.job.running:
            self._say("Cancelling…")
            self.job.cancel()
            return
        if not self.shots:
            return
        import tempfile
        self._preview_dir = tempfile.TemporaryDirectory(prefix="latent-lesson-preview-")
        self._rendering(True)
        self._say("Rendering the lesson for the preview…")
        project = self.project()
        frames = round((sum(sh.seconds for sh in self.shots) + 2.0 * bool(self.title.text().strip())) * project.fps)
        self.job.start(project, str(Path(self._preview_dir.name) / "lesson.npy"), preview_size(frames),
                       burn_in=True)

    def _rendering(self, busy: bool) -> None:
        self.progress.setValue(0)
        self.progress.setVisible(busy)
        self.play.setText("Cancel preview" if busy else "Play lesson")
        self.play.setToolTip("Stop rendering the lesson preview" if busy else
                             "Play the whole lesson in the preview, captions drawn as viewers will see them")

    def _play_rendered(self, path: str) -> None:
        self._rendering(False)
        self.frames = np.load(path)
        self._preview_dir.cleanup()
        self._say(f"Playing the lesson in the preview ({len(self.frames)} frames).")
        self.rendered.emit(self.frames, self.project().fps, len(self.shots))

    def open_export_dialog(self) -> LessonExportDialog | None:
        if not self.shots:
            return None
        from ..lesson.narration import find_engine
        name = slug(self.title.text(), "lesson")
        dlg = LessonExportDialog(self.project(), remembered_folder(self.settings, "exportDir", "videos"), name,
                                 find_engine() is not None, self.window(), prefs=self.settings)
        dlg.exported.connect(lambda p: self.settings is not None and self.settings.setValue(
            "exportDir", str(Path(p).parent)))
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.open()
        self.dialog = dlg
        return dlg


def attach_lesson_panel(window) -> LessonPanel:
    """Docks a Lesson panel under the window's preview; `window.project()` is the clip to capture."""
    panel = LessonPanel(capture=window.project, settings=window.settings, parent=window)
    dock = QDockWidget("Lesson", window)
    dock.setObjectName("lessonDock")
    dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                     | QDockWidget.DockWidgetFeature.DockWidgetClosable)
    dock.setWidget(panel)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    # its edits reach the document through bindings.bind_window: an undo step, the title's "*"
    panel.rendered.connect(window.lesson_view.show)
    window.lesson_dock = dock
    return panel
