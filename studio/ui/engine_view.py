"""The engine's answers drawn on the window: the models found, a model loaded, a prompt parsed, a
clip arriving frame by chunk, progress, status and failures (`EngineView`, made by MainWindow).
The requests go out from the window (`request_render`, `generate`); this is the way back."""
from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6.QtCore import QObject

log = logging.getLogger("studio.ui.main_window")


class EngineView(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.w = window
        eng = window.engine
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

    def _on_ready(self, device: str, models: list) -> None:
        self.w.device_chip.setText(device.replace("(1 threads)", "(1 thread)"))
        self.w.engine_ready = True
        self.w.installed = list(models)
        box = self.w.prompt.model_box
        box.blockSignals(True)
        box.clear()
        box.addItems(self.w.installed)
        box.blockSignals(False)
        from studio.engine.modelio import models_dir
        self.w.empty.set_folder(str(models_dir()))
        if not self.w.installed:
            self.w.stack.setCurrentWidget(self.w.empty)
            self.w.prompt.generate.setEnabled(False)
            self.w._say("No model installed: train one, then press Refresh")
            self.w.noModels.emit()
            return
        self.w.stack.setCurrentIndex(0)
        self.w.prompt.generate.setEnabled(True)
        if self.w.model_info is not None and self.w.model_name in self.w.installed:
            box.setCurrentText(self.w.model_name)
            return
        wanted = [self.w.requested_model, self.w.settings.value("lastModel"), "shapes-vae", "shapes-gan"]
        name = next((m for m in wanted if m and m in self.w.installed), None)
        if self.w.requested_model and name != self.w.requested_model:
            if Path(self.w.requested_model).is_dir():
                name = self.w.requested_model             # a model folder given by path
            else:
                self.w._error("load", f"the model {self.w.requested_model!r} is not installed; installed models: "
                            f"{', '.join(self.w.installed)}")
                return
        self.choose_model(name or self.w.installed[0])

    def choose_model(self, name: str) -> None:
        name = self.w._model_paths.get(name, name)          # a model opened by folder path keeps its path
        if not name or (self.w.model_info is not None and name in (self.w.model_name, self.w.model_info.get("folder"))):
            return
        box = self.w.prompt.model_box
        if box.findText(Path(name).name) >= 0:
            box.setCurrentText(Path(name).name)
        self.w.preview.set_placeholder(f"Loading {Path(name).name}…")
        self.w.model_chip.setText(f"model: {Path(name).name} (loading)")
        self.w.engine.load_model(name)

    def _on_model_loaded(self, info: dict) -> None:
        self.w.model_info = info
        self.w.model_name = info["name"]
        if self.w.model_name not in self.w.installed:
            self.w._model_paths[self.w.model_name] = info["folder"]
        self.w.settings.setValue("lastModel", self.w.model_name)
        self.w.model_chip.setText(f"model: {self.w.model_name} · {info['family'].upper()}")
        self.w.preview.base_res = int(info["resolution"])
        self.w.prompt.set_model_card(info.get("card"))      # a footage model speaks of its own captions
        box = self.w.prompt.model_box
        if box.findText(self.w.model_name) < 0:
            box.addItem(self.w.model_name)
        box.setCurrentText(self.w.model_name)
        self.w._applying = True
        try:
            self.w.latent.set_model(self.w.settings, self.w.model_name)      # the user's names for its directions
            self.w.latent.set_directions(info["directions"])
            self.w.trajectory.set_directions(info["directions"], self.w.key_editor.direction_label)
            if self.w._pending_sliders is not None:
                self.w.latent.set_values(self.w._pending_sliders)
                self.w._pending_sliders = None
            self.w.key_editor.keep_directions(info["directions"])
            _p, dropped = self.w.project().for_directions(info["directions"])
            if dropped:
                self.w._say(f"{self.w.model_name} has no {', '.join(dropped)}: the keys and drives that move "
                            f"{'it' if len(dropped) == 1 else 'them'} are left out while it is loaded (the project "
                            "keeps them for the model that has them)", hold=8.0)
            if self.w._first_load and not self.w.project_path:
                self.w.doc.update({"frames": max(16, int(info["frames"])), "fps": int(info["fps"])})
        finally:
            self.w._applying = False
        self.w._sync_model()
        if (self.w._first_load and not self.w.project_path and not self.w._edited_early) or self.w._clean_after_load:
            self.w.doc.mark_committed()
            self.w.doc.mark_saved()                   # model defaults (or a project's model) are no change
            self.w._clean_after_load = False
        self.w._first_load = False
        self.w.player.set_fps(self.w.doc.fps)
        self.w.preview.set_placeholder("Rendering…")
        self.w.card_action.setEnabled(True)
        self.w._update_title()
        self.w._request_parse()
        self.w.request_render(force=True)

    def _on_render_cancelled(self) -> None:
        self.w.last_request = None                     # so that the same settings render again when asked
        self.w.spinner.set_busy(False)
        done = int(self.w.player.fresh.sum())
        self.w._say(f"Rendering stopped after {done} of {self.w.player.count} frames")

    def _on_parsed(self, result) -> None:
        status = {w.word: w.status for w in result.words}
        values = {w.word: w.value for w in result.words if w.status == "matched"}
        self._word_status = {**getattr(self, "_word_status", {}), **status}
        self._matched = {**getattr(self, "_matched", {}), **values}
        self.w.prompt.set_word_status(self._word_status, self._matched)
        asked = [w.value for w in result.words if w.group == "motion" and w.status in ("known", "matched") and w.value]
        self.w.prompt.set_motions(list(dict.fromkeys(asked)), result.values.get("motion"))

    def _on_clip_started(self, rid: int, n: int, parse) -> None:
        if self.w.lesson_view.active:
            return
        res = self.w.model_info["resolution"] if self.w.model_info else 64
        self.w.player.begin_clip(n, res, res)
        self._on_parsed(parse)
        self.w.prompt.set_understood(parse.values, self.w.latent.in_force(), parse.drawn, parse.from_image)
        self.w._say_progress(f"Rendering {n} frames…")

    def _on_frames(self, rid: int, indices, frames) -> None:
        if self.w.lesson_view.active:
            return
        self.w.player.update_frames(indices, frames)
        if "first_frame_ms" not in self.w.timings:
            self.w.timings["first_frame_ms"] = (time.perf_counter() - self.w.t0) * 1e3

    def _on_progress(self, rid: int, done: int, total: int) -> None:
        if done < total:
            self.w._say_progress(f"Rendering… {done}/{total} frames")

    def _on_clip_finished(self, rid: int, timings: dict) -> None:
        if self.w.lesson_view.active:
            return
        total = timings.get("total_ms", 0.0)
        first = timings.get("first_ms") or 0.0
        self.w.render_chip.setText(f"render: {total:.0f} ms")
        self.w.render_chip.setToolTip(f"first frame after {first:.0f} ms, all {self.w.player.count} frames after "
                                    f"{total:.0f} ms" + (" (cached)" if timings.get("cached") else ""))
        parse = timings.get("parse_ms") or 0.0
        extra = f" (of which {parse:.0f} ms loading the text encoder)" if parse > 500 else ""
        if timings.get("cached"):             # the same request again: nothing was drawn
            self.w._say_progress(f"Rendered {self.w.player.count} frames (unchanged: shown again from the cache)")
        else:
            self.w._say_progress(f"Rendered {self.w.player.count} frames in {total:.0f} ms{extra}")
        if "first_clip_ms" not in self.w.timings:
            self.w.timings["first_clip_ms"] = (time.perf_counter() - self.w.t0) * 1e3
            log.info("first clip on screen after %.0f ms", self.w.timings["first_clip_ms"])
        self.w.preview.set_frame(self.w.player.frame())
        self.w.clipReady.emit()

    def _on_status(self, text: str) -> None:
        self.w.spinner.set_busy(bool(text))
        self.w.message.set_busy(text)
        if text and self.w.player.count == 0:
            self.w.preview.set_placeholder(text)

    def _on_failed(self, kind: str, message: str) -> None:
        self.w._error(kind, message)
