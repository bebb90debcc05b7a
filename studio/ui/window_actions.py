"""The window's actions that open something or change how the clip is shown: animate an image,
scaling and zoom, the export dialog, the model card and About."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from .export_dialog import ExportDialog, default_folder, remembered_folder, slug
from .model_card import ModelCardDialog


class WindowActions(QObject):
    """Made by MainWindow (`window.actions`); the menus and the preview call these."""

    def __init__(self, window):
        super().__init__(window)
        self.w = window

    # ------------------------------------------------------------------ image to video
    def choose_image(self) -> None:
        path = QFileDialog.getOpenFileName(self.w, "Animate an image", remembered_folder(self.w.settings, "imageDir",
                                                                                      "pictures"),
                                           "Images (*.png *.jpg *.jpeg *.bmp *.webp)")[0]
        if path:
            self.w.settings.setValue("imageDir", str(Path(path).parent))
            self.set_image(path)

    def set_image(self, path: str) -> None:
        self.w.doc.image = path or ""              # the prompt panel shows its name (bindings.py)
        self.w.commit()

    # ------------------------------------------------------------------ view
    def set_scaling(self, scaling: str) -> None:
        self.w.preview.set_scaling(scaling)
        self.w.transport.set_scaling(scaling)
        self.w.scaling_actions[scaling].setChecked(True)
        self.w.settings.setValue("scaling", scaling)
        if hasattr(self.w, "native_preview"):
            self.w.native_preview.set_enabled(scaling == "native")
            self.w._show_frame()

    def set_zoom(self, factor: int) -> None:
        self.w.preview.set_zoom(factor)
        self.w.transport.set_zoom(factor)
        self.w.zoom_actions[factor].setChecked(True)
        if hasattr(self.w, "native_preview"):
            self.w.native_preview.refresh()

    # ------------------------------------------------------------------ dialogs
    def open_export_dialog(self) -> ExportDialog | None:
        if self.w.model_info is None:
            self.w._error("export", "there is no clip to export yet: a model must be loaded first")
            return None
        self.w.commit()
        s = self.w.state()
        req = self.w.music.render_request(0)
        if req is None:
            self.w._say("The song is still being analysed; export in a moment, when its lane shows it")
            return None
        folder = self.w.settings.value("exportDir") or default_folder(self.w.project_path)
        name = Path(self.w.project_path).stem if self.w.project_path else slug(s["prompt"])
        dlg = ExportDialog(self.w.engine, req, s["fps"], folder, name, self.w.export_options, self.w,
                           prefs=self.w.settings, audio=self.w.music.soundtrack())
        dlg.options.connect(self._export_options)
        dlg.exported.connect(lambda path: (self.w.settings.setValue("exportDir", str(Path(path).parent)),
                                           self.w._say(f"Exported {path}")))
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.open()
        self.w.export_dialog = dlg
        return dlg

    def _export_options(self, options: dict) -> None:
        self.w.doc.export = options

    def show_model_card(self) -> None:
        if self.w.model_info is None:
            self.w._say("No model is loaded")
            return
        ModelCardDialog(self.w.model_name, self.w.model_info["card"], self.w).open()

    def show_about(self) -> None:
        QMessageBox.about(self.w, "About Latent Studio",
                          "<h3>Latent Studio</h3><p>Short video clips from prompts, drawn by small GAN and VAE "
                          "models that run on your own computer.</p><p>Type a prompt, press Ctrl+Enter, shape the "
                          "clip with the latent sliders and export it (Ctrl+E). Everything here can also be done "
                          "with <code>python -m studio</code>.</p>")
