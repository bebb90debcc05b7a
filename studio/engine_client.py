"""The UI thread's handle on the engine thread (`studio.engine_thread.EngineWorker`).

    engine = EngineClient(device="auto"); engine.start()
    engine.load_model("shapes-vae")
    req = engine.render(RenderRequest.from_project(project, visible=0))   # stamped with a new id

It starts the thread, stamps every request with an id, sends the requests made in one turn of the
event loop together (newest only), and turns the worker's events into the signals below. Stale
results are dropped in one place, `_on_event`: an event whose request id is not the newest of its
kind never reaches the window.
"""
from __future__ import annotations

import dataclasses
import itertools
import logging

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from .engine_thread import EngineWorker
from .requests import ExportRequest, RenderRequest, NativeFramesRequest

log = logging.getLogger(__name__)

# worker event -> (the request kind whose newest id it must carry, whether the public signal gets the id)
ROUTES = {"modelLoaded": ("load", False), "parsed": ("parse", False), "clipStarted": ("render", True),
          "framesReady": ("render", True), "clipFinished": ("render", True), "exportFinished": ("export", False),
          "exportCancelled": ("export", False), "exportUnsigned": ("export", False),
          "renderCancelled": ("render", False), "audioAnalysed": ("audio", False)}


class EngineClient(QObject):
    """Lives on the UI thread; its signals carry only the newest request's results."""

    ready = Signal(str, list)                  # device description, installed model names
    status = Signal(str)                       # what the engine is busy with ("" when idle)
    modelLoaded = Signal(object)               # info dict
    parsed = Signal(object)                    # ParseResult
    clipStarted = Signal(int, int, object)     # request id, frame count, ParseResult of the prompt
    framesReady = Signal(int, object, object)  # request id, frame indices, uint8 (n, H, W, 3)
    clipFinished = Signal(int, object)         # request id, timings dict (ms)
    renderProgress = Signal(int, int, int)     # request id, done, total
    exportProgress = Signal(int, int)          # done, total
    exportFinished = Signal(str)               # path written
    exportCancelled = Signal()
    exportUnsigned = Signal(str)               # could not sign with Content Credentials (nothing written): why
    renderCancelled = Signal()
    nativeFramesReady = Signal(object, object, object)     # clip key, frame indices, uint8 (n, size, size, 3)
    audioAnalysed = Signal(str, object, object, int, str)  # song path, AudioAnalysis or None, samples (n, channels)
                                                           # float32 or None, their rate, "" or why it cannot be read
    failed = Signal(str, str)                  # job kind, message

    def __init__(self, device: str = "auto", warm_encoder: bool = True, parent=None):
        super().__init__(parent)
        self._ids = itertools.count(1)
        self.latest = {"render": 0, "load": 0, "parse": 0, "export": 0, "native": 0, "audio": 0}
        self._native_keys: dict[int, tuple] = {}
        self.thread = QThread()
        self.thread.setObjectName("engine")
        self.worker = EngineWorker(device, warm_encoder)
        self.worker.moveToThread(self.thread)
        self.thread.finished.connect(self.worker.deleteLater)
        self.worker.event.connect(self._on_event)
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

    @Slot(str, int, object)
    def _on_event(self, name: str, rid: int, payload: tuple) -> None:
        """Runs on the UI thread (queued): the one place where stale results are dropped."""
        latest = self.latest
        route = ROUTES.get(name)
        if route is not None:
            kind, with_id = route
            if rid == latest[kind]:
                signal = getattr(self, name)
                signal.emit(rid, *payload) if with_id else signal.emit(*payload)
        elif name == "progress":
            if rid == latest["render"]:
                self.renderProgress.emit(rid, *payload)
            elif rid == latest["export"]:
                self.exportProgress.emit(*payload)
        elif name == "nativeFramesReady":
            if rid == latest["native"]:
                self.nativeFramesReady.emit(self._native_keys.get(rid), *payload)
        elif name == "failed":
            kind, message = payload
            if kind == "start" or rid == latest.get(kind, rid):
                self.failed.emit(kind, message)
        else:                                   # ready, status: not tied to a request
            getattr(self, name).emit(*payload)

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

    def refresh_models(self) -> None:
        """Asks the engine again which models are installed (answered by `ready`)."""
        self.worker.submit("start", None)

    def load_model(self, name: str) -> int:
        rid = self._next("load")
        self._post("load", (name, rid))
        return rid

    def parse(self, text: str) -> int:
        rid = self._next("parse")
        self._post("parse", (text, rid))
        return rid

    def analyse_audio(self, path: str, with_sound: bool = False) -> int:
        """Asks for a song's analysis (and, `with_sound`, its samples for playback): `audioAnalysed`."""
        rid = self._next("audio")
        self._post("audio", (str(path), bool(with_sound), rid))
        return rid

    def render(self, req: RenderRequest) -> RenderRequest:
        req = req.with_id(self._next("render"))
        self._post("render", req)
        return req

    def draw_native(self, key: tuple, indices, size: int) -> NativeFramesRequest:
        """Asks for frames of the clip `key` (a RenderRequest.key()) drawn natively at size x size."""
        req = NativeFramesRequest(key, tuple(int(i) for i in indices), int(size), self._next("native"))
        self._native_keys = {req.id: key}
        self._post("native", req)
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
