"""The main window: prompt and controls on the left, preview and timeline in the centre, sliders on
the right. It holds no engine math: it turns widget state into requests for the worker and draws
what comes back.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (QDockWidget, QHBoxLayout, QLabel, QMainWindow, QScrollArea, QSplitter, QStackedWidget,
                               QVBoxLayout, QWidget)

from ..project import Keyframe
from ..worker import Engine, RenderRequest
from .documents import DocumentMixin, _as_list
from .empty_state import EmptyState
from .keyframe_editing import KeyframeMixin
from .latent_panel import LatentPanel
from .lesson_panel import attach_lesson_panel
from .lesson_playback import LessonPlayback
from .menus import build_menus
from .panel import styled_layout
from .player import Player
from .preview import PreviewView
from .prompt_panel import PromptPanel
from .resources import example_prompts, icon
from .sharp_preview import SharpPreview
from .status import Banner, Spinner, StatusLine
from .timeline import Timeline
from .training_panel import install as install_training_dock
from .transport import TransportBar
from .undo import SnapshotCommand
from .wheel_guard import install as install_wheel_guard
from .window_actions import WindowActions

log = logging.getLogger(__name__)
UNDOABLE = ("prompt", "seed", "sliders", "frames", "fps", "image", "keyframes", "loop", "noise_period", "lesson")


class MainWindow(WindowActions, KeyframeMixin, DocumentMixin, QMainWindow):
    clipReady = Signal()                       # a complete clip is on screen
    engineFailed = Signal(str, str)            # job kind, message (for --screenshot)
    noModels = Signal()

    def __init__(self, engine: Engine, settings: QSettings | None = None, model: str | None = None,
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
        self.image_path = ""
        self.export_options: dict = {}
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
        self._committed: dict = {}
        self._saved: dict = {}

        self.setWindowTitle("Latent Studio")
        self.setWindowIcon(icon("app"))
        self.resize(1440, 900)
        self.player = Player(self)
        self.undo = QUndoStack(self)
        self._build()
        build_menus(self)
        install_training_dock(self)                 # View > Training Panel (Ctrl+T)
        self._connect()
        self.sharp = SharpPreview(self)             # native scaling: crisp frames at the shown size
        self._restore_settings()

        if prompt is not None:
            self.prompt.editor.set_text(prompt)
        elif not self.prompt.editor.text():
            examples = example_prompts()
            self.prompt.editor.set_text(examples[0] if examples else "")
        self._committed = self.state()
        self._saved = self.document_state()
        self._update_title()
        if project:
            QTimer.singleShot(0, lambda: self.open_project(project, ask=False))

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        self.prompt = PromptPanel()
        self.latent = LatentPanel()
        self.latent.setMinimumWidth(260)
        self.latent.setMaximumWidth(420)

        self.preview = PreviewView()
        self.preview.set_placeholder("Starting the engine…")
        self.transport = TransportBar(self.player)
        self.timeline = Timeline(self.player)
        self.banner = Banner()
        clip_page = QWidget()
        v = QVBoxLayout(clip_page)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(0)
        v.addWidget(self.preview, 1)
        v.addWidget(self.transport)
        v.addWidget(self.timeline)
        self._build_keyframe_ui(v)
        self.lesson_view = LessonPlayback(self, v)         # a rendered lesson plays in this preview
        self.empty = EmptyState()
        self.stack = QStackedWidget()
        self.stack.addWidget(clip_page)
        self.stack.addWidget(self.empty)
        center = QWidget()
        cv = styled_layout(center, "centerPanel", spacing=0)
        banner_row = QHBoxLayout()
        banner_row.setContentsMargins(12, 8, 12, 0)
        banner_row.addWidget(self.banner)
        cv.addLayout(banner_row)
        cv.addWidget(self.stack, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        left = QScrollArea()                        # small screens: the left panel scrolls, never squeezes
        left.setWidget(self.prompt)
        left.setWidgetResizable(True)
        left.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        left.setMinimumWidth(290)
        left.setMaximumWidth(460)
        self.left_panel = left
        self.splitter.addWidget(left)
        self.splitter.addWidget(center)
        self.splitter.addWidget(self.latent)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([340, 760, 320])
        self.setCentralWidget(self.splitter)
        self.lesson_panel = attach_lesson_panel(self)          # issue 9: the Lesson dock (lesson_panel.py)
        self.tabifyDockWidget(self.findChild(QDockWidget, "lessonDock"), self.trajectory_dock)
        self.trajectory_dock.raise_()
        self.resizeDocks([self.trajectory_dock], [230], Qt.Orientation.Vertical)

        bar = self.statusBar()
        bar.setSizeGripEnabled(False)
        self.spinner = Spinner()
        self.message = StatusLine("Starting…")        # busy texts end when their work ends
        bar.addWidget(self.spinner)
        bar.addWidget(self.message, 1)
        self.model_chip = QLabel("no model")
        self.device_chip = QLabel("device: …")
        self.render_chip = QLabel("render: –")
        for chip in (self.model_chip, self.device_chip, self.render_chip):
            chip.setObjectName("statusChip")
            bar.addPermanentWidget(chip)

    def _connect(self) -> None:
        eng = self.engine
        eng.ready.connect(self._on_ready)
        eng.status.connect(self._on_status)
        eng.modelLoaded.connect(self._on_model_loaded)
        eng.parsed.connect(self._on_parsed)
        eng.clipStarted.connect(self._on_clip_started)
        eng.framesReady.connect(self._on_frames)
        eng.clipFinished.connect(self._on_clip_finished)
        eng.renderProgress.connect(self._on_progress)
        eng.failed.connect(self._on_failed)
        eng.renderCancelled.connect(self._on_render_cancelled)

        pp = self.prompt
        pp.generateRequested.connect(self.generate)
        pp.modelChosen.connect(self.choose_model)
        pp.promptEdited.connect(self._on_prompt_edited)
        pp.seedChanged.connect(lambda _s: self._changed(render=True))
        pp.framesChanged.connect(lambda _n: self._changed(render=True))
        pp.fpsChanged.connect(self._on_fps)
        pp.imageCleared.connect(lambda: self.set_image(""))
        self.latent.changed.connect(lambda v: (self.sliders_moved(v), self._changed(render=True)))
        self.latent.committed.connect(self.commit)
        self.latent.renamed.connect(lambda *_: (self.prompt.set_sliders_in_force(self.latent.in_force()),
                                                self.trajectory.relabel(self.direction_label)))
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

    def _refresh_models(self) -> None:
        self.engine.worker.submit("start", None)

    def _on_ready(self, device: str, models: list) -> None:
        self.device_chip.setText(device.replace("(1 threads)", "(1 thread)"))
        self.engine_ready = True
        self.installed = list(models)
        box = self.prompt.model_box
        box.blockSignals(True)
        box.clear()
        box.addItems(self.installed)
        box.blockSignals(False)
        from studio.engine.modelio import models_dir
        self.empty.set_folder(str(models_dir()))
        if not self.installed:
            self.stack.setCurrentWidget(self.empty)
            self.prompt.generate.setEnabled(False)
            self._say("No model installed: train one, then press Refresh")
            self.noModels.emit()
            return
        self.stack.setCurrentIndex(0)
        self.prompt.generate.setEnabled(True)
        if self.model_info is not None and self.model_name in self.installed:
            box.setCurrentText(self.model_name)
            return
        wanted = [self.requested_model, self.settings.value("lastModel"), "shapes-vae", "shapes-gan"]
        name = next((m for m in wanted if m and m in self.installed), None)
        if self.requested_model and name != self.requested_model:
            if Path(self.requested_model).is_dir():
                name = self.requested_model             # a model folder given by path
            else:
                self._error("load", f"the model {self.requested_model!r} is not installed; installed models: "
                            f"{', '.join(self.installed)}")
                return
        self.choose_model(name or self.installed[0])

    def choose_model(self, name: str) -> None:
        name = self._model_paths.get(name, name)          # a model opened by folder path keeps its path
        if not name or (self.model_info is not None and name in (self.model_name, self.model_info.get("folder"))):
            return
        box = self.prompt.model_box
        if box.findText(Path(name).name) >= 0:
            box.setCurrentText(Path(name).name)
        self.preview.set_placeholder(f"Loading {Path(name).name}…")
        self.model_chip.setText(f"model: {Path(name).name} (loading)")
        self.engine.load_model(name)

    def _on_model_loaded(self, info: dict) -> None:
        self.model_info = info
        self.model_name = info["name"]
        if self.model_name not in self.installed:
            self._model_paths[self.model_name] = info["folder"]
        self.settings.setValue("lastModel", self.model_name)
        self.model_chip.setText(f"model: {self.model_name} · {info['family'].upper()}")
        self.preview.base_res = int(info["resolution"])
        self.prompt.set_model_card(info.get("card"))      # a footage model speaks of its own captions
        box = self.prompt.model_box
        if box.findText(self.model_name) < 0:
            box.addItem(self.model_name)
        box.setCurrentText(self.model_name)
        self._applying = True
        try:
            self.latent.set_model(self.settings, self.model_name)      # the user's names for its directions
            self.latent.set_directions(info["directions"])
            self.trajectory.set_directions(info["directions"], self.direction_label)
            if self._pending_sliders is not None:
                self.latent.set_values(self._pending_sliders)
                self._pending_sliders = None
            if self._first_load and not self.project_path:
                self.prompt.frames.setValue(max(16, int(info["frames"])))
                self.prompt.fps.setValue(int(info["fps"]))
        finally:
            self._applying = False
        if (self._first_load and not self.project_path and not self._edited_early) or self._clean_after_load:
            self._committed = self.state()
            self._saved = self.document_state()     # model defaults (or a project's model) are no change
            self._clean_after_load = False
        self._first_load = False
        self.player.set_fps(self.prompt.fps.value())
        self.preview.set_placeholder("Rendering…")
        self.card_action.setEnabled(True)
        self._update_title()
        self._request_parse()
        self.request_render(force=True)

    # ------------------------------------------------------------------ state
    def state(self) -> dict:
        return {"prompt": self.prompt.editor.text(), "seed": self.prompt.seed.value(),
                "frames": self.prompt.frames.value(), "fps": self.prompt.fps.value(),
                "sliders": self.document_sliders(), "image": self.image_path, **self.timeline_state(),
                "lesson": self.lesson_panel.lesson()}

    def document_state(self) -> dict:
        return {**self.state(), "model": self.model_name or self.requested_model or "",
                "seed_locked": self.prompt.lock.isChecked(), "export": dict(self.export_options)}

    def is_dirty(self) -> bool:
        return self.document_state() != self._saved

    def _update_title(self, *_args) -> None:
        name = Path(self.project_path).name if self.project_path else "Untitled"
        self.setWindowTitle(f"{name}[*] — Latent Studio")
        self.setWindowModified(self.is_dirty())

    def _apply_state(self, s: dict) -> None:
        """Puts a snapshot back on the widgets (undo/redo), then re-renders."""
        self._applying = True
        try:
            self.prompt.editor.set_text(s["prompt"])
            self.prompt.seed.setValue(s["seed"])
            self.prompt.frames.setValue(s["frames"])
            self.prompt.fps.setValue(s["fps"])
            self.latent.set_values(s["sliders"])
            self._set_image_quiet(s.get("image", ""))
            keys = [Keyframe(t, dict(sl), e, sd) for t, sl, e, sd in s.get("keyframes", [])]
            self.apply_timeline(keys, s.get("loop", False), s.get("noise_period", 2.0), s["sliders"])
            if s.get("lesson") is not None and s["lesson"] != self.lesson_panel.lesson():
                self.lesson_panel.set_lesson(s["lesson"], keep_row=True)
        finally:
            self._applying = False
        self._committed = self.state()
        self.player.set_fps(s["fps"])
        self._update_title()
        self._request_parse()
        self.request_render()

    def commit(self) -> None:
        """Makes the changes since the last commit one undo step."""
        self._commit_timer.stop()
        now = self.state()
        if any(now[k] != self._committed.get(k) for k in UNDOABLE):
            self.undo.push(SnapshotCommand(self._apply_state, self._committed, now))
            self._committed = now
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
        if self.model_info is None and self._saved:      # typed while the model loads: not a default
            self._edited_early = True
        self._commit_timer.start()
        self._update_title()
        if render:
            self.request_render()

    def _on_prompt_edited(self, _text: str) -> None:
        if self._applying:
            return
        self._parse_timer.start()
        self._changed(render=False)

    def _show_frame(self, _i: int = 0) -> None:
        crisp = self.sharp.frame(self.player.index)
        self.preview.set_frame(crisp if crisp is not None else self.player.frame())

    def _on_fps(self, fps: int) -> None:
        self.player.set_fps(fps)
        self.transport.refresh()
        self._changed(render=False)

    # ------------------------------------------------------------------ generating
    def generate(self) -> None:
        if self.model_info is None:
            self._say("The model is still loading; the clip renders as soon as it is ready")
            return
        if not self.prompt.lock.isChecked():
            self._applying = True
            self.prompt.roll_seed()
            self._applying = False
        self.commit()
        text = self.prompt.editor.text()
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

    def _on_render_cancelled(self) -> None:
        self.last_request = None                     # so that the same settings render again when asked
        self.spinner.set_busy(False)
        done = int(self.player.fresh.sum())
        self._say(f"Rendering stopped after {done} of {self.player.count} frames")

    def random_seed(self) -> None:
        self.prompt.roll_seed()

    def request_render(self, force: bool = False) -> RenderRequest | None:
        if self.model_info is None:
            return None
        self.lesson_view.leave(render=False)            # any edit of the clip puts the clip back
        req = RenderRequest.from_project(self.project(), self.player.index, self.image_path)
        if not force and self.last_request is not None and req.key() == self.last_request.key():
            return self.last_request                    # nothing that the frames depend on has changed
        self.banner.hide()
        self.last_request = self.engine.render(req)
        return self.last_request

    def _request_parse(self) -> None:
        if self.model_info is not None:
            self.engine.parse(self.prompt.editor.text())

    def _on_parsed(self, result) -> None:
        status = {w.word: w.status for w in result.words}
        values = {w.word: w.value for w in result.words if w.status == "matched"}
        self._word_status = {**getattr(self, "_word_status", {}), **status}
        self._matched = {**getattr(self, "_matched", {}), **values}
        self.prompt.set_word_status(self._word_status, self._matched)
        asked = [w.value for w in result.words if w.group == "motion" and w.status in ("known", "matched") and w.value]
        self.prompt.set_motions(list(dict.fromkeys(asked)), result.values.get("motion"))

    def _on_clip_started(self, rid: int, n: int, parse) -> None:
        if self.lesson_view.active:
            return
        res = self.model_info["resolution"] if self.model_info else 64
        self.player.begin_clip(n, res, res)
        self._on_parsed(parse)
        self.prompt.set_understood(parse.values, self.latent.in_force(), parse.drawn, parse.from_image)
        self._say_progress(f"Rendering {n} frames…")

    def _on_frames(self, rid: int, indices, frames) -> None:
        if self.lesson_view.active:
            return
        self.player.update_frames(indices, frames)
        if "first_frame_ms" not in self.timings:
            self.timings["first_frame_ms"] = (time.perf_counter() - self.t0) * 1e3

    def _on_progress(self, rid: int, done: int, total: int) -> None:
        if done < total:
            self._say_progress(f"Rendering… {done}/{total} frames")

    def _on_clip_finished(self, rid: int, timings: dict) -> None:
        if self.lesson_view.active:
            return
        total = timings.get("total_ms", 0.0)
        first = timings.get("first_ms") or 0.0
        self.render_chip.setText(f"render: {total:.0f} ms")
        self.render_chip.setToolTip(f"first frame after {first:.0f} ms, all {self.player.count} frames after "
                                    f"{total:.0f} ms" + (" (cached)" if timings.get("cached") else ""))
        parse = timings.get("parse_ms") or 0.0
        extra = f" (of which {parse:.0f} ms loading the text encoder)" if parse > 500 else ""
        self._say_progress(f"Rendered {self.player.count} frames in {total:.0f} ms{extra}")
        if "first_clip_ms" not in self.timings:
            self.timings["first_clip_ms"] = (time.perf_counter() - self.t0) * 1e3
            log.info("first clip on screen after %.0f ms", self.timings["first_clip_ms"])
        self.preview.set_frame(self.player.frame())
        self.clipReady.emit()

    def _on_status(self, text: str) -> None:
        self.spinner.set_busy(bool(text))
        self.message.set_busy(text)
        if text and self.player.count == 0:
            self.preview.set_placeholder(text)

    def _on_failed(self, kind: str, message: str) -> None:
        self._error(kind, message)

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
        self._fill_recent()
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
