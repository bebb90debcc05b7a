"""The window's project files (`ProjectFiles`): New, Open, Save, Save As, Recent, and the question
about unsaved changes. The file format itself is `studio.project` (pure Python)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMessageBox

from .export_dialog import remembered_folder, slug

PROJECT_FILTER = "Latent Studio project (*.lstudio)"
MAX_RECENT = 8


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in value]


class ProjectFiles(QObject):
    """The window's project files: it reads the document (`window.doc`) and puts an opened one in.
    The window forwards its File menu here; `window.ask_unsaved` asks (tests replace it)."""

    def __init__(self, window):
        super().__init__(window)
        self.w = window

    def ask(self) -> str:
        """'save', 'discard' or 'cancel'."""
        box = QMessageBox(QMessageBox.Icon.Warning, "Unsaved changes",
                          "This project has changes that are not saved. Save them first?",
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self.w)
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        return {QMessageBox.StandardButton.Save: "save",
                QMessageBox.StandardButton.Discard: "discard"}.get(QMessageBox.StandardButton(answer), "cancel")

    def maybe_save(self) -> bool:
        """True when it is safe to drop the current project (saved, discarded or clean)."""
        self.w.commit()
        if not self.w.is_dirty():
            return True
        answer = self.w.ask_unsaved()
        if answer == "save":
            return self.save()
        return answer == "discard"

    def save(self) -> bool:
        if not self.w.project_path:
            return self.save_as()
        return self._write(self.w.project_path)

    def save_as(self) -> bool:
        folder = remembered_folder(self.w.settings, "projectDir", "documents")
        start = self.w.project_path or str(Path(folder) / (slug(self.w.doc.prompt, "untitled") + ".lstudio"))
        path = QFileDialog.getSaveFileName(self.w, "Save project", start, PROJECT_FILTER)[0]
        if not path:
            return False
        if not path.endswith(".lstudio"):
            path += ".lstudio"
        return self._write(path)

    def _write(self, path: str) -> bool:
        from studio.basics.errors import StudioError
        self.w.commit()
        try:
            self.w.doc.project().save(path)
        except StudioError as e:
            self.w._error("save", str(e))
            return False
        self.w.project_path = str(path)
        self.w.settings.setValue("projectDir", str(Path(path).resolve().parent))
        self.w.doc.mark_saved()
        self.w.undo.setClean()
        self._add_recent(self.w.project_path)
        self.w._update_title()
        self.w._say(f"Saved {path}")
        return True

    def open_project(self, path: str | None = None, ask: bool = True) -> bool:
        if ask and not self.maybe_save():
            return False
        if path is None:
            folder = (str(Path(self.w.project_path).parent) if self.w.project_path
                      else remembered_folder(self.w.settings, "projectDir", "documents"))
            path = QFileDialog.getOpenFileName(self.w, "Open project", folder,
                                               PROJECT_FILTER)[0]
            if not path:
                return False
        from studio.basics.errors import StudioError

        from ..project import Project
        try:
            p = Project.load(path)
        except StudioError as e:
            self.w._error("open", str(e))
            self._remove_recent(path)
            return False
        self.w.project_path = str(path)
        self.apply_project(p)
        self._add_recent(self.w.project_path)
        return True

    def apply_project(self, p) -> None:
        self.w._applying = True
        try:
            self.w.lesson_panel.set_lesson(p.lesson)          # on its first shot (undo keeps the row)
            self.w.doc.update({"prompt": p.prompt, "seed": min(p.seed, self.w.prompt.seed.maximum()),
                             "seed_locked": p.seed_locked, "frames": p.frames, "fps": p.fps, "image": "",
                             "lesson": p.lesson, "audio": p.audio})
            self.w.latent.set_values(p.sliders)
            self.w.key_editor.apply_timeline(list(p.keyframes), p.loop, p.noise_period, p.sliders)
        finally:
            self.w._applying = False
        self.w.music.opened(p)                            # its music shows; a missing song is one sentence
        if p.lesson.shots:
            self.w.lesson_dock.raise_()                   # a teacher's project opens on its lesson
        self.w.doc.export = {k: v for k, v in vars(p.export).items() if v is not None}
        self.w.player.set_fps(self.w.doc.fps)
        self.w.undo.clear()
        self.w.doc.mark_committed()
        wanted = p.model
        if self.w.model_info is not None and wanted == self.w.model_name:
            self.w.doc.mark_saved()
            self.w.request_render(force=True)
        elif not self.w.engine_ready:                      # opened at launch: the engine picks it up
            self.w.requested_model = wanted
            self.w._sync_model()
            self.w._pending_sliders = dict(p.sliders)
            self.w._clean_after_load = True
            self.w.doc.mark_saved(model=wanted)
        elif wanted in self.w.installed or Path(wanted).is_dir():
            self.w._pending_sliders = dict(p.sliders)
            self.w.model_name = wanted
            self.w.model_info = None
            self.w._sync_model()
            self.w._clean_after_load = True                # the document is clean once its model is in
            self.w.doc.mark_saved(model=wanted)
            self.w.choose_model(wanted)
        else:
            self.w._error("open", f"the project uses the model {wanted!r}, which is not installed; "
                        f"it stays on {self.w.model_name or 'no model'}")
            self.w.doc.mark_saved(model=wanted)
            self.w.request_render(force=True)
        self.w._request_parse()
        self.w._update_title()

    def new_project(self) -> bool:
        if not self.maybe_save():
            return False
        from ..project import Project
        fresh = Project(model=self.w.model_name, prompt="", seed=0,
                        frames=max(16, int(self.w.model_info["frames"])) if self.w.model_info else 16,
                        fps=int(self.w.model_info["fps"]) if self.w.model_info else 8)
        self.w.project_path = None
        self.apply_project(fresh)
        self.w.doc.mark_saved()
        self.w._update_title()
        self.w.prompt.editor.setFocus()
        return True

    # ------------------------------------------------------------------ recent files
    def _recent(self) -> list[str]:
        return _as_list(self.w.settings.value("recent"))

    def _add_recent(self, path: str) -> None:
        path = str(Path(path).resolve())
        items = [path] + [p for p in self._recent() if p != path]
        self.w.settings.setValue("recent", items[:MAX_RECENT])
        self.fill_recent()

    def _remove_recent(self, path: str) -> None:
        path = str(Path(path).resolve())
        self.w.settings.setValue("recent", [p for p in self._recent() if p != path])
        self.fill_recent()

    def fill_recent(self) -> None:
        m = self.w.recent_menu
        m.clear()
        items = self._recent()
        for p in items:
            m.addAction(Path(p).name, lambda path=p: self.open_project(path)).setToolTip(p)
        if items:
            m.addSeparator()
            m.addAction("Clear Recent", lambda: (self.w.settings.setValue("recent", []), self.fill_recent()))
        m.setEnabled(bool(items))
