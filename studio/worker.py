"""The one engine thread: a QObject moved to a QThread that owns the model.

The UI talks to it through `Engine` (below), which lives on the UI thread:

    engine = Engine(); engine.start()
    engine.load_model("shapes-vae")
    rid = engine.render(RenderRequest(prompt="a red star", seed=3, frames=16, visible=0))

Jobs wait in slots, one per kind (start, load, render, export, parse, sharp), never in a queue: a new
request replaces the pending one of its kind, and a render in progress stops at its next chunk
when a newer render arrives. Every request carries an id; results whose id is older than the
newest request are dropped twice over (the worker stops early, the Engine filters late signals).
A render shows the visible frame first, then the rest in chunks, so progress, cancel and the
UI's event loop all get their turn. An engine error becomes a `failed` signal; the thread lives on.

The engine (and torch) is imported on this thread, so that the window appears before it loads.
"""
from __future__ import annotations

import dataclasses
import gc
import itertools
import logging
import os
import re
import threading
import time
import traceback

import numpy as np
from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from .requests import ExportRequest, ParseResult, RenderRequest, SharpRequest, WordStatus  # noqa: F401 (re-exported)

log = logging.getLogger(__name__)

CHUNK_SECONDS = 0.008           # a render chunk aims at this much work: a newer request (a slider drag) waits at most this
MAX_CHUNK = 64


class EngineWorker(QObject):
    """Lives on the engine thread. Only `submit`, `cancel_export` and `stop` are called from outside."""

    ready = Signal(str, list)                  # device description, installed model names
    status = Signal(str)                       # what the engine is busy with ("" when idle)
    modelLoaded = Signal(int, object)          # request id, info dict
    parsed = Signal(int, object)               # request id, ParseResult
    clipStarted = Signal(int, int, object)     # request id, frame count, ParseResult of the prompt
    framesReady = Signal(int, object, object)  # request id, frame indices, uint8 (n, H, W, 3)
    clipFinished = Signal(int, object)         # request id, timings dict (ms)
    progress = Signal(int, int, int)           # request id, done, total
    exportFinished = Signal(int, str)          # request id, path written
    exportCancelled = Signal(int)
    renderCancelled = Signal(int)
    sharpReady = Signal(int, object, object)   # request id, frame indices, uint8 (n, size, size, 3)
    failed = Signal(int, str, str)             # request id, job kind, one-sentence message
    _wake = Signal()

    ORDER = ("start", "load", "render", "export", "parse", "sharp")     # sharp frames wait for everything else

    def __init__(self, device: str = "auto", warm_encoder: bool = True):
        super().__init__()
        self.device_name = device
        self.model = None
        self._lock = threading.Lock()
        self._slots: dict[str, object] = {}
        self._stop = threading.Event()
        self._export_cancel = threading.Event()
        self._render_cancel = threading.Event()
        self._last_clip = None                 # (key, frames) of the last complete render
        self._partial = None                   # (key, plan, frames, drawn mask) of the clip being drawn
        self._plan_of_clip = None              # (key, plan) of the last complete clip: sharp frames draw from it
        self._warmed = not warm_encoder
        self._threads_set = False
        self._rendered = False             # the encoder warms up only after a first clip
        self.executed = {k: 0 for k in self.ORDER}     # jobs started, per kind (tests read it)
        self.loading = False                   # inside a load that cannot stop at a chunk boundary
        self._wake.connect(self._drain)

    # ------------------------------------------------------------------ called from any thread
    def submit(self, kind: str, request) -> None:
        with self._lock:
            self._slots[kind] = request
        if kind == "export":
            self._export_cancel.clear()
        elif kind == "render":
            self._render_cancel.clear()
        self._wake.emit()                      # queued: runs _drain on the engine thread

    def cancel_export(self) -> None:
        self._export_cancel.set()

    def cancel_render(self) -> None:
        with self._lock:
            self._slots.pop("render", None)
        self._render_cancel.set()

    def stop(self) -> None:
        self._stop.set()
        self._export_cancel.set()
        with self._lock:
            self._slots.clear()

    def _take(self):
        with self._lock:
            for kind in self.ORDER:
                if kind in ("render", "parse", "sharp") and self.model is None and "load" not in self._slots:
                    continue                   # nothing to draw with yet: keep it for after the load
                if kind in self._slots:
                    return kind, self._slots.pop(kind)
        return None, None

    def _superseded(self) -> bool:
        return (self._stop.is_set() or self._render_cancel.is_set() or "render" in self._slots
                or "load" in self._slots)

    # ------------------------------------------------------------------ the engine thread
    @Slot()
    def _drain(self) -> None:
        while not self._stop.is_set():
            kind, req = self._take()
            if kind is None:
                break
            self.executed[kind] += 1
            try:
                getattr(self, f"_do_{kind}")(req)
            except Exception as e:             # noqa: BLE001 - the thread must live on
                rid = req[1] if isinstance(req, tuple) else getattr(req, "id", 0)
                self.failed.emit(rid, kind, self._message(e))
            finally:
                self.status.emit("")
        if not self._stop.is_set() and self.model is not None and not self._warmed and self._rendered:
            self._warm_text_encoder()

    @staticmethod
    def _message(e: Exception) -> str:
        from studio.engine.errors import StudioError
        if isinstance(e, StudioError):
            return str(e)
        log.error("engine error:\n%s", traceback.format_exc())
        return f"Internal error: {e.__class__.__name__}: {e}"

    def _do_start(self, _req) -> None:
        self.status.emit("Starting the engine…")
        from studio.engine.device import describe, pick_device
        from studio.engine.modelio import installed_models
        self.device = pick_device(self.device_name)
        if self.device.type == "cpu" and not self._threads_set:
            # leave a core to the UI thread: oversubscribed BLAS threads spin and starve the event loop
            import torch
            torch.set_num_threads(max(1, (os.cpu_count() or 2) - 1))
            self._threads_set = True
        self.ready.emit(describe(self.device), installed_models())

    def _do_load(self, req) -> None:
        name, rid = req
        self.status.emit(f"Loading model {name}…")
        from studio.engine import load_model
        self.loading = True
        try:
            m = load_model(name, device=self.device_name)  # on failure the previous model stays
        finally:
            self.loading = False
        self.model = m
        self._last_clip = self._partial = None
        gc.freeze()                            # long-lived model objects: keep them out of GC passes
        info = {"name": m.name, "family": m.family, "fps": m.fps, "frames": m.default_frames,
                "resolution": m.resolution, "directions": list(m.directions), "card": m.card,
                "folder": str(m.folder)}
        self.modelLoaded.emit(rid, info)

    def _do_parse(self, req) -> None:
        text, rid = req
        self.loading = self._needs_encoder(text)
        if self.loading:
            self.status.emit("Loading the text encoder…")
        try:
            self.parsed.emit(rid, self._parse_result(text, self.model.parse(text)))
        finally:
            self.loading = False

    @staticmethod
    def _parse_result(text, parsed) -> ParseResult:
        words = [WordStatus(w.word, w.status, w.group, w.value) for w in parsed.words]
        return ParseResult(text, words, list(parsed.unknown), dict(parsed.values))

    def _needs_encoder(self, text: str) -> bool:
        from studio.engine.text.encoder import default_encoder
        if default_encoder().loaded:
            return False
        if self.model is not None and self.model.text_conditioned:
            return True
        from studio.engine.text.vocabulary import STOPWORDS, VOCAB
        return any(t not in VOCAB and t not in STOPWORDS and len(t) > 1 for t in re.findall(r"[a-z]+", text.lower()))

    def _plan(self, req: RenderRequest):
        m = self.model
        if m is None:
            from studio.engine.errors import StudioError
            raise StudioError("no model is loaded")
        self.loading = self._needs_encoder(req.prompt)      # the first unknown word loads the encoder
        if self.loading:
            self.status.emit("Loading the text encoder…")
        sliders, spec = dict(req.sliders), req.spec()
        try:
            if req.image_path:
                return m.plan_animation(_read_image(req.image_path), req.prompt, req.seed, req.frames, sliders, spec)
            return m.plan(req.prompt, req.seed, req.frames, sliders, timeline=spec)
        finally:
            self.loading = False

    def _do_render(self, req: RenderRequest) -> None:
        t0 = time.perf_counter()
        if self._last_clip is not None and self._last_clip[0] == req.key():
            frames = self._last_clip[1]
            self.clipStarted.emit(req.id, len(frames), self._last_clip[2])
            self.framesReady.emit(req.id, list(range(len(frames))), frames)
            self.progress.emit(req.id, len(frames), len(frames))
            self.clipFinished.emit(req.id, {"first_ms": 0.0, "total_ms": (time.perf_counter() - t0) * 1e3,
                                            "cached": True})
            return
        self.status.emit("Rendering…")
        if self._partial is not None and self._partial[0] == req.key():
            _key, plan, out, have = self._partial        # the same clip, asked again (a scrub): keep what is drawn
        else:
            plan = self._plan(req)
            out = np.zeros((req.frames, self.model.resolution, self.model.resolution, 3), np.uint8)
            have = np.zeros(req.frames, bool)
            self._partial = (req.key(), plan, out, have)
        if self._superseded():
            return self._abandon(req)
        parse = self._parse_result(req.prompt, plan.parsed)
        parse.drawn = {k: v for k, v in plan.values.items() if v is not None}
        parse.from_image = bool(req.image_path)
        n = req.frames
        self.clipStarted.emit(req.id, n, parse)
        if have.any():
            drawn = np.nonzero(have)[0].tolist()
            self.framesReady.emit(req.id, drawn, out[drawn])
        order = [i for i in list(range(req.visible, n)) + list(range(req.visible)) if not have[i]]
        first_ms = None
        done, chunk = 0, 1
        while done < len(order):
            if self._superseded():
                return self._abandon(req)      # a newer request (or a cancel, or shutdown) wins
            idx = order[done:done + chunk]
            t = time.perf_counter()
            frames = self.model.render(plan, indices=idx)
            dt = time.perf_counter() - t
            out[idx] = frames
            have[idx] = True
            done += len(idx)
            if first_ms is None:
                first_ms = (time.perf_counter() - t0) * 1e3
            self.framesReady.emit(req.id, idx, frames)
            self.progress.emit(req.id, n - len(order) + done, n)
            chunk = _next_chunk(dt, len(idx), MAX_CHUNK)
            QThread.yieldCurrentThread()       # let the UI thread take the GIL between chunks
        total_ms = (time.perf_counter() - t0) * 1e3
        self._last_clip = (req.key(), out, parse)
        self._plan_of_clip = (req.key(), plan)
        self._partial = None
        self._rendered = True
        self.clipFinished.emit(req.id, {"first_ms": first_ms or 0.0, "total_ms": total_ms, "cached": False,
                                        **plan.timings})

    def _do_sharp(self, req: SharpRequest) -> None:
        """Draws frames of the last complete clip at the preview's size, a few at a time; anything
        newer (a render, a load, another sharp request) stops it."""
        if self._plan_of_clip is None or self._plan_of_clip[0] != req.key or self.model is None:
            return                                       # the clip changed meanwhile
        plan = self._plan_of_clip[1]
        order = [i for i in req.indices if 0 <= i < plan.frames]
        done, chunk = 0, 1
        while done < len(order):
            with self._lock:
                newer = any(k in self._slots for k in ("render", "load", "sharp", "export"))
            if newer or self._stop.is_set():
                return
            idx = order[done:done + chunk]
            t = time.perf_counter()
            frames = self.model.render(plan, idx, req.size)
            self.sharpReady.emit(req.id, idx, frames)
            done += len(idx)
            chunk = _next_chunk(time.perf_counter() - t, len(idx), 16)
            QThread.yieldCurrentThread()

    def _abandon(self, req: RenderRequest) -> None:
        if self._render_cancel.is_set():
            self.renderCancelled.emit(req.id)

    def _do_export(self, req: ExportRequest) -> None:
        from studio.media.writer import Cancelled, ExportSettings, write_clip
        self.status.emit("Exporting…")
        n = req.render.frames
        settings = ExportSettings(size=req.size, fit=req.fit, scaling=req.scaling, fps=req.fps)
        from studio.rendering import ExportFrames, native_side
        if native_side(self.model, settings):
            frames, offset, total = ExportFrames(self.model, self._plan(req.render), settings), 0, n   # drawn as written
        elif self._last_clip is not None and self._last_clip[0] == req.render.key():
            frames, offset, total = self._last_clip[1], 0, n
        else:
            frames, offset, total = self._render_all(req), n, 2 * n     # rendering is the first half
            if frames is None:
                self.exportCancelled.emit(req.id)
                return
        from studio.media.overlay import text_overlay
        try:
            path = write_clip(frames, req.path, settings, overlay=text_overlay(req.title, req.caption, n, req.fps),
                              progress=lambda done, _t: self.progress.emit(req.id, offset + done, total),
                              cancelled=self._export_cancel.is_set)
        except Cancelled:
            self.exportCancelled.emit(req.id)
            return
        self.exportFinished.emit(req.id, str(path))

    def _render_all(self, req: ExportRequest):
        """Renders the whole clip for an export in chunks (progress: the first half)."""
        plan = self._plan(req.render)
        n = req.render.frames
        parts = []
        for start in range(0, n, 16):
            if self._export_cancel.is_set():
                return None
            parts.append(self.model.render(plan, indices=range(start, min(n, start + 16))))
            self.progress.emit(req.id, min(n, start + 16), 2 * n)
        return np.concatenate(parts)

    def _warm_text_encoder(self) -> None:
        """When idle after the first work, load the text encoder so that word matching is ready."""
        self._warmed = True
        from studio.engine.text.encoder import default_encoder
        from studio.engine.text.lexicon import preload as preload_lexicon
        enc = default_encoder()
        if enc.loaded:
            return
        self.status.emit("Loading the text encoder…")
        self.loading = True
        try:
            enc.encode(["warm up"])
            preload_lexicon()                    # the WordNet table, for words outside the vocabulary
        except Exception as e:                 # noqa: BLE001 - matching by meaning is optional
            log.warning("the text encoder could not be loaded: %s", e)
        finally:
            self.loading = False
            self.status.emit("")


def _next_chunk(seconds: float, frames: int, cap: int) -> int:
    """How many frames the next chunk draws: about CHUNK_SECONDS of work at the last chunk's pace."""
    return int(max(1, min(cap, CHUNK_SECONDS / max(seconds / frames, 1e-5))))


def _read_image(path: str):
    import cv2
    from studio.engine.errors import StudioError
    img = cv2.imread(path, cv2.IMREAD_COLOR)
    if img is None:
        raise StudioError(f"cannot read {path} as an image")
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


class Engine(QObject):
    """The UI thread's handle on the engine thread: it stamps requests and drops stale results."""

    ready = Signal(str, list)
    status = Signal(str)
    modelLoaded = Signal(object)
    parsed = Signal(object)
    clipStarted = Signal(int, int, object)
    framesReady = Signal(int, object, object)
    clipFinished = Signal(int, object)
    renderProgress = Signal(int, int, int)
    exportProgress = Signal(int, int)
    exportFinished = Signal(str)
    exportCancelled = Signal()
    renderCancelled = Signal()
    sharpReady = Signal(object, object, object)     # clip key, frame indices, uint8 (n, size, size, 3)
    failed = Signal(str, str)                  # job kind, message

    def __init__(self, device: str = "auto", warm_encoder: bool = True, parent=None):
        super().__init__(parent)
        self._ids = itertools.count(1)
        self.latest = {"render": 0, "load": 0, "parse": 0, "export": 0, "sharp": 0}
        self._sharp_keys: dict[int, tuple] = {}
        self.thread = QThread()
        self.thread.setObjectName("engine")
        self.worker = EngineWorker(device, warm_encoder)
        self.worker.moveToThread(self.thread)
        self.thread.finished.connect(self.worker.deleteLater)
        w = self.worker
        w.ready.connect(self.ready)
        w.status.connect(self.status)
        w.modelLoaded.connect(self._on_model_loaded)
        w.parsed.connect(self._on_parsed)
        w.clipStarted.connect(self._on_clip_started)
        w.framesReady.connect(self._on_frames)
        w.clipFinished.connect(self._on_clip_finished)
        w.progress.connect(self._on_progress)
        w.exportFinished.connect(self._on_export_finished)
        w.exportCancelled.connect(self._on_export_cancelled)
        w.renderCancelled.connect(self._on_render_cancelled)
        w.sharpReady.connect(self._on_sharp)
        w.failed.connect(self._on_failed)
        self.running = False
        self._outbox: dict[str, object] = {}
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(0)
        self._flush_timer.timeout.connect(self._flush)

    def _post(self, kind: str, request) -> None:
        """Requests made in one turn of the UI event loop reach the worker together, newest only:
        a burst of 100 slider updates in one turn is one request, never 100."""
        self._outbox[kind] = request
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    @Slot()
    def _flush(self) -> None:
        if not self.running:
            return                              # kept until start()
        outbox, self._outbox = self._outbox, {}
        for kind, request in outbox.items():
            self.worker.submit(kind, request)

    # Slots of this object run on the UI thread (queued), where the stale results are dropped.
    @Slot(int, object)
    def _on_model_loaded(self, rid, info):
        if rid == self.latest["load"]:
            self.modelLoaded.emit(info)

    @Slot(int, object)
    def _on_parsed(self, rid, result):
        if rid == self.latest["parse"]:
            self.parsed.emit(result)

    @Slot(int, int, object)
    def _on_clip_started(self, rid, n, parse):
        if rid == self.latest["render"]:
            self.clipStarted.emit(rid, n, parse)

    @Slot(int, object, object)
    def _on_frames(self, rid, idx, frames):
        if rid == self.latest["render"]:
            self.framesReady.emit(rid, idx, frames)

    @Slot(int, object)
    def _on_clip_finished(self, rid, timings):
        if rid == self.latest["render"]:
            self.clipFinished.emit(rid, timings)

    @Slot(int, int, int)
    def _on_progress(self, rid, done, total):
        if rid == self.latest["render"]:
            self.renderProgress.emit(rid, done, total)
        elif rid == self.latest["export"]:
            self.exportProgress.emit(done, total)

    @Slot(int, str)
    def _on_export_finished(self, rid, path):
        if rid == self.latest["export"]:
            self.exportFinished.emit(path)

    @Slot(int)
    def _on_export_cancelled(self, rid):
        if rid == self.latest["export"]:
            self.exportCancelled.emit()

    @Slot(int)
    def _on_render_cancelled(self, rid):
        if rid == self.latest["render"]:
            self.renderCancelled.emit()

    @Slot(int, object, object)
    def _on_sharp(self, rid, idx, frames):
        if rid == self.latest["sharp"]:
            self.sharpReady.emit(self._sharp_keys.get(rid), idx, frames)

    @Slot(int, str, str)
    def _on_failed(self, rid, kind, message):
        if kind == "start" or rid == self.latest.get(kind, rid):
            self.failed.emit(kind, message)

    def _next(self, kind: str) -> int:
        rid = next(self._ids)
        self.latest[kind] = rid
        return rid

    # ------------------------------------------------------------------ requests
    def start(self) -> None:
        self.thread.start()
        self.running = True
        self.worker.submit("start", None)
        self._flush()

    def load_model(self, name: str) -> int:
        rid = self._next("load")
        self._post("load", (name, rid))
        return rid

    def parse(self, text: str) -> int:
        rid = self._next("parse")
        self._post("parse", (text, rid))
        return rid

    def render(self, req: RenderRequest) -> RenderRequest:
        req = req.with_id(self._next("render"))
        self._post("render", req)
        return req

    def sharpen(self, key: tuple, indices, size: int) -> SharpRequest:
        """Asks for frames of the clip `key` (a RenderRequest.key()) drawn natively at size x size."""
        req = SharpRequest(key, tuple(int(i) for i in indices), int(size), self._next("sharp"))
        self._sharp_keys = {req.id: key}
        self._post("sharp", req)
        return req

    def export(self, req: ExportRequest) -> ExportRequest:
        req = dataclasses.replace(req, id=self._next("export"))
        self._post("export", req)
        return req

    def cancel_export(self) -> None:
        self.worker.cancel_export()

    def cancel_render(self) -> None:
        """Stops the render in progress at its next chunk; the frames so far stay on screen."""
        self._outbox.pop("render", None)
        self.worker.cancel_render()

    def shutdown(self, timeout_ms: int = 2000, then_wait: bool = True) -> bool:
        """Stops the engine thread; True when it ended within the timeout. A render or an export
        stops at its next chunk; only a load (model or text encoder) cannot be interrupted: with
        then_wait it is waited out, else the caller (the app, about to exit) decides."""
        if not self.running:
            return not self.thread.isRunning()
        self.running = False
        self._flush_timer.stop()
        self._outbox.clear()
        self.worker.stop()
        self.thread.quit()
        if not then_wait and self.worker.loading:
            timeout_ms = min(timeout_ms, 200)    # a load will not stop at a chunk: no use waiting long
        ok = self.thread.wait(timeout_ms)
        if not ok and then_wait:
            log.warning("the engine is finishing a load; waiting for it before exit")
            self.thread.wait()
        return ok
