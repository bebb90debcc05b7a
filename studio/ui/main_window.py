"""The main window: prompt and controls on the left, preview and timeline in the centre, sliders on
the right. It holds no engine math and no document state: the document is `self.doc`
(`document.ClipDocument`, bound to the widgets in `bindings.py`); the window turns it into
requests for the engine thread and draws what comes back.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMainWindow

from ..engine_client import EngineClient
from ..requests import RenderRequest
from .bindings import bind_window
from .credentials_dialog import CredentialsView
from .document import BY_NAME, ClipDocument
from .documents import ProjectFiles, _as_list
from .engine_view import EngineView
from .menus import build_menus
from .native_preview import NativePreview
from .player import Player
from .resources import example_prompts, icon
from .training_panel import install as install_training_dock
from .undo import SnapshotCommand
from .wheel_guard import install as install_wheel_guard
from .window_actions import WindowActions
from .window_layout import build_layout

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    clipReady = Signal()                       # a complete clip is on screen
    engineFailed = Signal(str, str)            # job kind, message (for --screenshot)
    noModels = Signal()

    def __init__(self, engine: EngineClient, settings: QSettings | None = None, model: str | None = None,
                 prompt: str | None = None, project: str | None = None, t0: float | None = None):
        super().__init__()
        install_wheel_guard()                       # the wheel scrolls panels; values change only when focused
        self.engine = engine
        self.settings = settings if settings is not None else QSettings()
        self.t0 = t0 if t0 is not None else time.perf_counter()
        self.timings: dict[str, float] = {}
        self.model_info: dict | None = None
        self.model_name = ""
        self.installed: list[str] = []
        self.requested_model = model
        self.project_path: str | None = None
        self.doc = ClipDocument(self)
        self.files = ProjectFiles(self)            # New, Open, Save, Recent (the File menu's half)
        self.view_actions = WindowActions(self)    # image, scaling, zoom, export, model card, About
        self.last_request: RenderRequest | None = None
        self._applying = False
        self._first_load = True
        self._pending_sliders: dict | None = None
        self._engine_started = False
        self.engine_ready = False
        self._model_paths: dict[str, str] = {}
        self.exit_fast = False               # the app sets it: a load still running at close ends with the process
        self._clean_after_load = False
        self._edited_early = False           # the user changed something before the first model was in
        self._started = False                # __init__ is through (its own edits are no user's)

        self.setWindowTitle("Latent Studio")
        self.setWindowIcon(icon("app"))
        self.resize(1440, 900)
        self.player = Player(self)
        self.undo = QUndoStack(self)
        build_layout(self)
        bind_window(self)                           # before any other connection: reactions read the document
        self.credentials_view = CredentialsView(self)   # File > Content Credentials, dropped videos, the still's line
        build_menus(self)
        install_training_dock(self)                 # View > Training Panel (Ctrl+T)
        self._connect()
        self.native_preview = NativePreview(self)             # native scaling: crisp frames at the shown size
        self._restore_settings()

        if prompt is not None:
            self.doc.prompt = prompt
        elif not self.doc.prompt:
            examples = example_prompts()
            self.doc.prompt = examples[0] if examples else ""
        self.doc.mark_committed()
        self.doc.mark_saved()
        self._started = True
        self._update_title()
        if project:
            QTimer.singleShot(0, lambda: self.open_project(project, ask=False))

    def _connect(self) -> None:
        self.engine_view = EngineView(self)           # the engine's answers, drawn on the window

        pp = self.prompt
        pp.generateRequested.connect(self.generate)
        pp.modelChosen.connect(self.choose_model)
        self.doc.changed.connect(self._on_doc_changed)
        self.key_editor.connect_document()
        pp.imageCleared.connect(lambda: self.set_image(""))
        self.latent.changed.connect(self.key_editor.sliders_edited)
        self.latent.committed.connect(self.commit)
        self.latent.renamed.connect(lambda *_: (self.prompt.set_sliders_in_force(self.latent.in_force()),
                                                self.trajectory.relabel(self.key_editor.direction_label)))
        pp.resetSlidersRequested.connect(self.latent.reset)        # "Understood as" shows them: one click zeroes
        self.empty.refreshRequested.connect(self._refresh_models)
        self.preview.imageDropped.connect(self.set_image)

        self.player.frameChanged.connect(self._show_frame)
        self.transport.scalingChanged.connect(self.set_scaling)
        self.transport.zoomChanged.connect(self.set_zoom)

        self._parse_timer = QTimer(self, singleShot=True, interval=250, timeout=self._request_parse)
        self._commit_timer = QTimer(self, singleShot=True, interval=700, timeout=self.commit)
        self.undo.cleanChanged.connect(self._update_title)
        self.undo.indexChanged.connect(self._update_title)

    # ------------------------------------------------------------------ engine start
    def showEvent(self, e):                              # noqa: N802 (Qt name)
        super().showEvent(e)
        if not self._engine_started:
            self._engine_started = True
            QTimer.singleShot(0, self._window_shown)

    def _window_shown(self) -> None:
        self.timings["window_ms"] = (time.perf_counter() - self.t0) * 1e3
        log.info("window shown after %.0f ms", self.timings["window_ms"])
        QTimer.singleShot(30, self.engine.start)        # after the first paint

    def choose_model(self, name: str) -> None:
        self.engine_view.choose_model(name)

    def set_image(self, path: str) -> None:
        self.view_actions.set_image(path)

    def set_scaling(self, scaling: str) -> None:
        self.view_actions.set_scaling(scaling)

    def set_zoom(self, factor: int) -> None:
        self.view_actions.set_zoom(factor)

    def open_export_dialog(self):
        return self.view_actions.open_export_dialog()

    def _refresh_models(self) -> None:
        self.engine.refresh_models()

    # ------------------------------------------------------------------ the document
    @property
    def image_path(self) -> str:
        return self.doc.image

    @property
    def export_options(self) -> dict:
        return self.doc.export

    # the File menu, tests and the autosave speak to the window; the files are ProjectFiles'
    def project(self):
        return self.doc.project()

    def ask_unsaved(self) -> str:
        """'save', 'discard' or 'cancel' (tests replace this)."""
        return self.files.ask()

    def maybe_save(self) -> bool:
        return self.files.maybe_save()

    def new_project(self) -> bool:
        return self.files.new_project()

    def open_project(self, path: str | None = None, ask: bool = True) -> bool:
        return self.files.open_project(path, ask)

    def save(self) -> bool:
        return self.files.save()

    def save_as(self) -> bool:
        return self.files.save_as()

    def _write(self, path: str) -> bool:
        return self.files._write(path)

    @property
    def _keyframes(self) -> list:
        return list(self.doc.keyframes)

    def add_key(self) -> None:
        self.key_editor.add_key()

    def state(self) -> dict:
        """An undo snapshot of the document."""
        return self.doc.snapshot()

    def is_dirty(self) -> bool:
        return self.doc.is_dirty()

    def _sync_model(self) -> None:
        self.doc.model = self.model_name or self.requested_model or ""

    def _on_doc_changed(self, name: str) -> None:
        """Every change of the document, by the user or by undo: what follows from it."""
        if name in ("frames", "fps"):
            self.key_editor.refresh_timeline()   # the clip's length and speed place the keys
        if name == "fps":
            self.player.set_fps(self.doc.fps)
            self.transport.refresh()
        if self._applying:
            return
        if name == "prompt":
            self._parse_timer.start()
        field = BY_NAME[name]
        if field.undo:
            self._changed(render=field.render)
        else:
            self._update_title()

    def _update_title(self, *_args) -> None:
        name = Path(self.project_path).name if self.project_path else "Untitled"
        self.setWindowTitle(f"{name}[*] — Latent Studio")
        self.setWindowModified(self.is_dirty())

    def _apply_state(self, s: dict) -> None:
        """Puts an undo snapshot back into the document (the bindings show it), then re-renders."""
        self._applying = True
        try:
            self.doc.update({n: s[n] for n in ("prompt", "seed", "frames", "fps", "image", "lesson", "audio")})
            self.latent.set_values(s["sliders"])
            self.key_editor.apply_timeline(list(s["keyframes"]), s["loop"], s["noise_period"], s["sliders"])
        finally:
            self._applying = False
        self.doc.mark_committed()
        self.player.set_fps(s["fps"])
        self._update_title()
        self._request_parse()
        self.request_render()

    def commit(self) -> None:
        """Makes the changes since the last commit one undo step."""
        self._commit_timer.stop()
        step = self.doc.take_step()
        if step is not None:
            self.undo.push(SnapshotCommand(self._apply_state, *step))
        self._update_title()

    def do_undo(self) -> None:
        self.commit()
        self.undo.undo()

    def do_redo(self) -> None:
        self.commit()
        self.undo.redo()

    def _changed(self, render: bool) -> None:
        if self._applying:
            return
        if self.model_info is None and self._started:    # typed while the model loads: not a default
            self._edited_early = True
        self._commit_timer.start()
        self._update_title()
        if render:
            self.request_render()

    def _show_frame(self, _i: int = 0) -> None:
        crisp = self.native_preview.frame(self.player.index)
        self.preview.set_frame(crisp if crisp is not None else self.player.frame())

    # ------------------------------------------------------------------ generating
    def generate(self) -> None:
        if self.model_info is None:
            self._say("The model is still loading; the clip renders as soon as it is ready")
            return
        if not self.doc.seed_locked:
            self._applying = True
            self.prompt.roll_seed()
            self._applying = False
        self.commit()
        self.lesson_panel.clip_changed()
        text = self.doc.prompt
        self.prompt.editor.remember(text)
        self.settings.setValue("history", self.prompt.editor.history)
        self.request_render(force=True)

    def stop_render(self) -> None:
        """Esc: ends a lesson preview (or stops rendering it), else stops the clip's render."""
        if self.lesson_view.active or self.lesson_panel.job.running:
            self.lesson_view.leave()
            if self.lesson_panel.job.running:
                self.lesson_panel.play_lesson()            # pressed while rendering: cancels
            return
        if self.player.complete() or self.last_request is None:
            return
        self.engine.cancel_render()

    def random_seed(self) -> None:
        self.prompt.roll_seed()

    def request_render(self, force: bool = False) -> RenderRequest | None:
        if self.model_info is None:
            return None
        self.lesson_view.leave(render=False)            # any edit of the clip puts the clip back
        req = self.music.render_request(self.player.index)
        if req is None:
            return self.last_request                    # the song that drives it is being analysed: it follows
        if not force and self.last_request is not None and req.key() == self.last_request.key():
            return self.last_request                    # nothing that the frames depend on has changed
        self.banner.hide()
        self.last_request = self.engine.render(req)
        return self.last_request

    def _request_parse(self) -> None:
        if self.model_info is not None:
            self.engine.parse(self.doc.prompt)

    def _error(self, kind: str, message: str) -> None:
        if kind == "render":
            self.last_request = None
        text = message[:1].upper() + message[1:]
        if not text.endswith("."):
            text += "."
        self.banner.show_message(text)
        self._say(text)
        if kind == "load":
            if self.model_info is not None:
                self.prompt.model_box.setCurrentText(self.model_name)    # still drawing with the old one
            self.model_chip.setText("model: none loaded" if self.model_info is None else
                                    f"model: {self.model_name} · {self.model_info['family'].upper()}")
            if self.model_info is None:
                self.preview.set_placeholder("No model loaded. Pick one in the Model list.")
        log.warning("%s failed: %s", kind, message)
        self.engineFailed.emit(kind, message)

    def _say(self, text: str, hold: float = 0.0) -> None:
        """A message in the status line; `hold` seconds: render progress does not cover it meanwhile
        (a note the user must read, such as a key added for them)."""
        self.message.setText(text)
        self._note_until = time.monotonic() + hold if hold else 0.0

    def _say_progress(self, text: str) -> None:
        if time.monotonic() >= getattr(self, "_note_until", 0.0):
            self.message.setText(text)

    # ------------------------------------------------------------------ settings and closing
    def _restore_settings(self) -> None:
        geometry = self.settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        self.prompt.editor.history = _as_list(self.settings.value("history"))
        scaling = self.settings.value("scaling") or "native"
        self.set_scaling(scaling if scaling in self.scaling_actions else "native")
        self.set_zoom(0)
        self.files.fill_recent()
        self.card_action.setEnabled(False)

    def closeEvent(self, e):                              # noqa: N802 (Qt name)
        if not self.maybe_save():
            e.ignore()
            return
        self.player.pause()
        if self.lesson_panel.job.running:            # a lesson preview in its own process: stop it cleanly
            self.lesson_panel.job.cancel()
            self.lesson_panel.job.wait(3000)
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("history", self.prompt.editor.history)
        self.settings.sync()
        self.hide()
        t = time.perf_counter()
        self.engine.shutdown(2000, then_wait=not self.exit_fast)
        self.timings["close_ms"] = (time.perf_counter() - t) * 1e3
        log.info("engine stopped %.0f ms after close", self.timings["close_ms"])
        e.accept()
