"""The project document side of the window: New, Open, Save, Save As, Recent, and the question
about unsaved changes. The file format itself is `studio.project` (pure Python)."""
from __future__ import annotations

from pathlib import Path

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


class DocumentMixin:
    """Mixed into MainWindow, which provides state(), document_state(), the widgets and the engine."""

    def ask_unsaved(self) -> str:
        """'save', 'discard' or 'cancel' (tests replace this)."""
        box = QMessageBox(QMessageBox.Icon.Warning, "Unsaved changes",
                          "This project has changes that are not saved. Save them first?",
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self)
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        return {QMessageBox.StandardButton.Save: "save",
                QMessageBox.StandardButton.Discard: "discard"}.get(QMessageBox.StandardButton(answer), "cancel")

    def maybe_save(self) -> bool:
        """True when it is safe to drop the current project (saved, discarded or clean)."""
        self.commit()
        if not self.is_dirty():
            return True
        answer = self.ask_unsaved()
        if answer == "save":
            return self.save()
        return answer == "discard"

    def project(self):
        from ..project import ExportOptions, Project
        s = self.document_state()
        opts = ExportOptions(**{k: v for k, v in self.export_options.items()
                                if k in ("format", "size", "fit", "scaling", "fps")})
        return Project(model=s["model"], prompt=s["prompt"], seed=s["seed"], frames=s["frames"], fps=s["fps"],
                       sliders=s["sliders"], export=opts, seed_locked=s["seed_locked"],
                       keyframes=list(self._keyframes), loop=s["loop"], noise_period=s["noise_period"],
                       lesson=s["lesson"])

    def save(self) -> bool:
        if not self.project_path:
            return self.save_as()
        return self._write(self.project_path)

    def save_as(self) -> bool:
        folder = remembered_folder(self.settings, "projectDir", "documents")
        start = self.project_path or str(Path(folder) / (slug(self.prompt.editor.text(), "untitled") + ".lstudio"))
        path = QFileDialog.getSaveFileName(self, "Save project", start, PROJECT_FILTER)[0]
        if not path:
            return False
        if not path.endswith(".lstudio"):
            path += ".lstudio"
        return self._write(path)

    def _write(self, path: str) -> bool:
        from studio.engine.errors import StudioError
        self.commit()
        try:
            self.project().save(path)
        except StudioError as e:
            self._error("save", str(e))
            return False
        self.project_path = str(path)
        self.settings.setValue("projectDir", str(Path(path).resolve().parent))
        self._saved = self.document_state()
        self.undo.setClean()
        self._add_recent(self.project_path)
        self._update_title()
        self._say(f"Saved {path}")
        return True

    def open_project(self, path: str | None = None, ask: bool = True) -> bool:
        if ask and not self.maybe_save():
            return False
        if path is None:
            folder = (str(Path(self.project_path).parent) if self.project_path
                      else remembered_folder(self.settings, "projectDir", "documents"))
            path = QFileDialog.getOpenFileName(self, "Open project", folder,
                                               PROJECT_FILTER)[0]
            if not path:
                return False
        from studio.engine.errors import StudioError

        from ..project import Project
        try:
            p = Project.load(path)
        except StudioError as e:
            self._error("open", str(e))
            self._remove_recent(path)
            return False
        self.project_path = str(path)
        self._apply_project(p)
        self._add_recent(self.project_path)
        return True

    def _apply_project(self, p) -> None:
        self._applying = True
        try:
            self.prompt.editor.set_text(p.prompt)
            self.prompt.seed.setValue(min(p.seed, self.prompt.seed.maximum()))
            self.prompt.lock.setChecked(p.seed_locked)
            self.prompt.frames.setValue(p.frames)
            self.prompt.fps.setValue(p.fps)
            self._set_image_quiet("")
            self.latent.set_values(p.sliders)
        finally:
            self._applying = False
        self._applying = True
        try:
            self.apply_timeline(list(p.keyframes), p.loop, p.noise_period, p.sliders)
        finally:
            self._applying = False
        self.lesson_panel.set_lesson(p.lesson)
        if p.lesson.shots:
            self.lesson_dock.raise_()                   # a teacher's project opens on its lesson
        self.export_options = {k: v for k, v in vars(p.export).items() if v is not None}
        self.player.set_fps(p.fps)
        self.undo.clear()
        self._committed = self.state()
        wanted = p.model
        if self.model_info is not None and wanted == self.model_name:
            self._saved = self.document_state()
            self.request_render(force=True)
        elif not self.engine_ready:                      # opened at launch: the engine picks it up
            self.requested_model = wanted
            self._pending_sliders = dict(p.sliders)
            self._clean_after_load = True
            self._saved = {**self.document_state(), "model": wanted}
        elif wanted in self.installed or Path(wanted).is_dir():
            self._pending_sliders = dict(p.sliders)
            self.model_name = wanted
            self.model_info = None
            self._clean_after_load = True                # the document is clean once its model is in
            self._saved = {**self.document_state(), "model": wanted}
            self.choose_model(wanted)
        else:
            self._error("open", f"the project uses the model {wanted!r}, which is not installed; "
                        f"it stays on {self.model_name or 'no model'}")
            self._saved = {**self.document_state(), "model": wanted}
            self.request_render(force=True)
        self._request_parse()
        self._update_title()

    def new_project(self) -> bool:
        if not self.maybe_save():
            return False
        from ..project import Project
        fresh = Project(model=self.model_name, prompt="", seed=0,
                        frames=max(16, int(self.model_info["frames"])) if self.model_info else 16,
                        fps=int(self.model_info["fps"]) if self.model_info else 8)
        self.project_path = None
        self._apply_project(fresh)
        self._saved = self.document_state()
        self._update_title()
        self.prompt.editor.setFocus()
        return True

    # ------------------------------------------------------------------ recent files
    def _recent(self) -> list[str]:
        return _as_list(self.settings.value("recent"))

    def _add_recent(self, path: str) -> None:
        path = str(Path(path).resolve())
        items = [path] + [p for p in self._recent() if p != path]
        self.settings.setValue("recent", items[:MAX_RECENT])
        self._fill_recent()

    def _remove_recent(self, path: str) -> None:
        path = str(Path(path).resolve())
        self.settings.setValue("recent", [p for p in self._recent() if p != path])
        self._fill_recent()

    def _fill_recent(self) -> None:
        m = self.recent_menu
        m.clear()
        items = self._recent()
        for p in items:
            m.addAction(Path(p).name, lambda path=p: self.open_project(path)).setToolTip(p)
        if items:
            m.addSeparator()
            m.addAction("Clear Recent", lambda: (self.settings.setValue("recent", []), self._fill_recent()))
        m.setEnabled(bool(items))
