"""The window's actions that open something or change how the clip is shown: animate an image,
scaling and zoom, the export dialog, the model card and About. A mixin of MainWindow."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ..worker import RenderRequest
from .export_dialog import ExportDialog, default_folder, remembered_folder, slug
from .model_card import ModelCardDialog


class WindowActions:
    # ------------------------------------------------------------------ image to video
    def choose_image(self) -> None:
        path = QFileDialog.getOpenFileName(self, "Animate an image", remembered_folder(self.settings, "imageDir",
                                                                                      "pictures"),
                                           "Images (*.png *.jpg *.jpeg *.bmp *.webp)")[0]
        if path:
            self.settings.setValue("imageDir", str(Path(path).parent))
            self.set_image(path)

    def _set_image_quiet(self, path: str) -> None:
        self.image_path = path or ""
        self.prompt.set_image(Path(path).name if path else "")

    def set_image(self, path: str) -> None:
        self._set_image_quiet(path)
        self._changed(render=True)
        self.commit()

    # ------------------------------------------------------------------ view
    def set_scaling(self, scaling: str) -> None:
        self.preview.set_scaling(scaling)
        self.transport.set_scaling(scaling)
        self.scaling_actions[scaling].setChecked(True)
        self.settings.setValue("scaling", scaling)
        if hasattr(self, "sharp"):
            self.sharp.set_enabled(scaling == "native")
            self._show_frame()

    def set_zoom(self, factor: int) -> None:
        self.preview.set_zoom(factor)
        self.transport.set_zoom(factor)
        self.zoom_actions[factor].setChecked(True)
        if hasattr(self, "sharp"):
            self.sharp.refresh()

    # ------------------------------------------------------------------ dialogs
    def open_export_dialog(self) -> ExportDialog | None:
        if self.model_info is None:
            self._error("export", "there is no clip to export yet: a model must be loaded first")
            return None
        self.commit()
        s = self.state()
        req = RenderRequest.from_project(self.project(), 0, self.image_path)
        folder = self.settings.value("exportDir") or default_folder(self.project_path)
        name = Path(self.project_path).stem if self.project_path else slug(s["prompt"])
        dlg = ExportDialog(self.engine, req, s["fps"], folder, name, self.export_options, self)
        dlg.options.connect(self._export_options)
        dlg.exported.connect(lambda path: (self.settings.setValue("exportDir", str(Path(path).parent)),
                                           self._say(f"Exported {path}")))
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.open()
        self.export_dialog = dlg
        return dlg

    def _export_options(self, options: dict) -> None:
        self.export_options = dict(options)
        self._update_title()

    def show_model_card(self) -> None:
        if self.model_info is None:
            self._say("No model is loaded")
            return
        ModelCardDialog(self.model_name, self.model_info["card"], self).open()

    def show_about(self) -> None:
        QMessageBox.about(self, "About Latent Studio",
                          "<h3>Latent Studio</h3><p>Short video clips from prompts, drawn by small GAN and VAE "
                          "models that run on your own computer.</p><p>Type a prompt, press Ctrl+Enter, shape the "
                          "clip with the latent sliders and export it (Ctrl+E). Everything here can also be done "
                          "with <code>python -m studio</code>.</p>")
