"""The engine thread's side: `EngineWorker`, a QObject moved to a QThread, owns the model.

The UI never calls it directly but through `studio.engine_client.EngineClient`, which lives on the
UI thread, starts this thread, stamps requests and drops stale results:

    engine = EngineClient(); engine.start()
    engine.load_model("shapes-vae")
    rid = engine.render(RenderRequest(prompt="a red star", seed=3, frames=16, visible=0))

Jobs wait in slots, one per kind (start, load, audio, render, export, parse, native), never in a queue: a new
request replaces the pending one of its kind, and a render in progress stops at its next chunk
when a newer render arrives. Every request carries an id; results whose id is older than the
newest request are dropped twice over (the worker stops early, the client filters late events).
A render shows the visible frame first, then the rest in chunks, so progress, cancel and the
UI's event loop all get their turn. An engine error becomes a "failed" event; the thread lives on.

Everything the worker reports is one signal, `event(name, request id, payload tuple)`; the client
turns each event into its own public signal (declared there once), after dropping stale ones.

The engine (and torch) is imported on this thread, so that the window appears before it loads.
"""
from __future__ import annotations

import gc
import logging
import os
import re
import threading
import time
import traceback
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

from .basics.images import read_image
from .requests import ExportRequest, ParseResult, RenderRequest, NativeFramesRequest, WordStatus

log = logging.getLogger(__name__)

CHUNK_SECONDS = 0.008           # a render chunk aims at this much work: a newer request (a slider drag) waits at most this
MAX_CHUNK = 64


EVENTS = {                                     # name: payload (the request id travels beside it)
    "ready": "device description, installed model names",
    "status": "what the engine is busy with (\"\" when idle)",
    "modelLoaded": "info dict",
    "parsed": "ParseResult",
    "clipStarted": "frame count, ParseResult of the prompt",
    "framesReady": "frame indices, uint8 (n, H, W, 3)",
    "clipFinished": "timings dict (ms)",
    "progress": "done, total",
    "exportFinished": "path written",
    "exportCancelled": "",
    "exportUnsigned": "one-sentence message: drawn, but signing failed, so nothing was written",
    "renderCancelled": "",
    "nativeFramesReady": "frame indices, uint8 (n, size, size, 3)",
    "failed": "job kind, one-sentence message",
}


class EngineWorker(QObject):
    """Lives on the engine thread. Only `submit`, `cancel_export`, `cancel_render` and `stop` are
    called from outside."""

    event = Signal(str, int, object)           # name, request id, payload tuple (see EVENTS)
    _wake = Signal()

    ORDER = ("start", "load", "audio", "render", "export", "parse", "native")   # native frames wait for everything else

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
        self._plan_of_clip = None              # (key, plan) of the last complete clip: native frames draw from it
        self._warmed = not warm_encoder
        self._threads_set = False
        self._rendered = False             # the encoder warms up only after a first clip
        self.executed = {k: 0 for k in self.ORDER}     # jobs started, per kind (tests read it)
        self.loading = False                   # inside a load that cannot stop at a chunk boundary
        self._wake.connect(self._drain)

    def _emit(self, name: str, rid: int, *payload) -> None:
        self.event.emit(name, rid, payload)

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
                if kind in ("render", "parse", "native") and self.model is None and "load" not in self._slots:
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
                self._emit("failed", rid, kind, self._message(e))
            finally:
                self._emit("status", 0, "")
        if not self._stop.is_set() and self.model is not None and not self._warmed and self._rendered:
            self._warm_text_encoder()

    @staticmethod
    def _message(e: Exception) -> str:
        from studio.basics.errors import StudioError
        if isinstance(e, StudioError):
            return str(e)
        log.error("engine error:\n%s", traceback.format_exc())
        return f"Internal error: {e.__class__.__name__}: {e}"

    def _do_start(self, _req) -> None:
        self._emit("status", 0, "Starting the engine…")
        from studio.engine.device import describe, pick_device
        from studio.engine.modelio import installed_models
        self.device = pick_device(self.device_name)
        if self.device.type == "cpu" and not self._threads_set:
            # leave a core to the UI thread: oversubscribed BLAS threads spin and starve the event loop
            import torch
            torch.set_num_threads(max(1, (os.cpu_count() or 2) - 1))
            self._threads_set = True
        self._emit("ready", 0, describe(self.device), installed_models())

    def _do_load(self, req) -> None:
        name, rid = req
        self._emit("status", 0, f"Loading model {name}…")
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
        self._emit("modelLoaded", rid, info)

    def _do_parse(self, req) -> None:
        text, rid = req
        self.loading = self._needs_encoder(text)
        if self.loading:
            self._emit("status", 0, "Loading the text encoder…")
        try:
            self._emit("parsed", rid, self._parse_result(text, self.model.parse(text)))
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

    def _do_audio(self, req) -> None:
        """A song analysed (engine/audio_features: loudness, onsets, beats, bands, the waveform's peaks)
        and, when `with_sound`, decoded at its own rate for playback; a song that cannot be read is one
        sentence in the answer, not a failure (the project keeps it, silent)."""
        path, with_sound, rid = req
        from studio.basics.errors import StudioError
        from studio.engine.audio_features import analyse_audio
        self._emit("status", 0, "Analysing the song…")
        samples, rate = None, 0
        try:
            analysis = analyse_audio(path)
            if with_sound:
                import soundfile as sf
                samples, rate = sf.read(str(path), dtype="float32", always_2d=True)
        except StudioError as e:
            self._emit("audioAnalysed", rid, path, None, None, 0, str(e))
            return
        except (RuntimeError, OSError) as e:     # decoded for analysis, yet not for playback: silent
            log.warning("the song %s cannot be decoded for playback: %s", path, e)
        self._emit("audioAnalysed", rid, path, analysis, samples, rate, "")

    def _plan(self, req: RenderRequest):
        m = self.model
        if m is None:
            from studio.basics.errors import StudioError
            raise StudioError("no model is loaded")
        self.loading = self._needs_encoder(req.prompt)      # the first unknown word loads the encoder
        if self.loading:
            self._emit("status", 0, "Loading the text encoder…")
        sliders, spec = dict(req.sliders), req.spec()
        try:
            if req.image_path:
                return m.plan_animation(read_image(req.image_path), req.prompt, req.seed, req.frames, sliders, spec)
            return m.plan(req.prompt, req.seed, req.frames, sliders, timeline=spec)
        finally:
            self.loading = False

    def _do_render(self, req: RenderRequest) -> None:
        t0 = time.perf_counter()
        if self._last_clip is not None and self._last_clip[0] == req.key():
            frames = self._last_clip[1]
            self._emit("clipStarted", req.id, len(frames), self._last_clip[2])
            self._emit("framesReady", req.id, list(range(len(frames))), frames)
            self._emit("progress", req.id, len(frames), len(frames))
            self._emit("clipFinished", req.id, {"first_ms": 0.0, "total_ms": (time.perf_counter() - t0) * 1e3,
                                            "cached": True})
            return
        self._emit("status", 0, "Rendering…")
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
        self._emit("clipStarted", req.id, n, parse)
        if have.any():
            drawn = np.nonzero(have)[0].tolist()
            self._emit("framesReady", req.id, drawn, out[drawn])
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
            self._emit("framesReady", req.id, idx, frames)
            self._emit("progress", req.id, n - len(order) + done, n)
            chunk = _next_chunk(dt, len(idx), MAX_CHUNK)
            QThread.yieldCurrentThread()       # let the UI thread take the GIL between chunks
        total_ms = (time.perf_counter() - t0) * 1e3
        self._last_clip = (req.key(), out, parse)
        self._plan_of_clip = (req.key(), plan)
        self._partial = None
        self._rendered = True
        self._emit("clipFinished", req.id, {"first_ms": first_ms or 0.0, "total_ms": total_ms, "cached": False,
                                        **plan.timings})

    def _do_native(self, req: NativeFramesRequest) -> None:
        """Draws frames of the last complete clip at the preview's size, a few at a time; anything
        newer (a render, a load, another native request) stops it."""
        if self._plan_of_clip is None or self._plan_of_clip[0] != req.key or self.model is None:
            return                                       # the clip changed meanwhile
        plan = self._plan_of_clip[1]
        order = [i for i in req.indices if 0 <= i < plan.frames]
        done, chunk = 0, 1
        while done < len(order):
            with self._lock:
                newer = any(k in self._slots for k in ("render", "load", "native", "export"))
            if newer or self._stop.is_set():
                return
            idx = order[done:done + chunk]
            t = time.perf_counter()
            frames = self.model.render(plan, idx, req.size)
            self._emit("nativeFramesReady", req.id, idx, frames)
            done += len(idx)
            chunk = _next_chunk(time.perf_counter() - t, len(idx), 16)
            QThread.yieldCurrentThread()

    def _abandon(self, req: RenderRequest) -> None:
        if self._render_cancel.is_set():
            self._emit("renderCancelled", req.id)

    def _do_export(self, req: ExportRequest) -> None:
        from studio.media.writer import VIDEO_FORMATS, Cancelled, ExportSettings, SigningFailed, Soundtrack, write_clip
        self._emit("status", 0, "Exporting…")
        n = req.render.frames
        settings = ExportSettings(size=req.size, fit=req.fit, scaling=req.scaling, fps=req.fps)
        from studio.project_frames import ExportFrames, native_side
        if native_side(self.model, settings):
            frames, offset, total = ExportFrames(self.model, self._plan(req.render), settings), 0, n   # drawn as written
        elif self._last_clip is not None and self._last_clip[0] == req.render.key():
            frames, offset, total = self._last_clip[1], 0, n
        else:
            frames, offset, total = self._render_all(req), n, 2 * n     # rendering is the first half
            if frames is None:
                self._emit("exportCancelled", req.id)
                return
        from studio.media.overlay import text_overlay
        facts = None
        if req.credentials:
            from studio.media.credentials import GenerationFacts
            r = req.render
            facts = GenerationFacts.of(self.model, r.seed, r.prompt, req.credentials_prompt, n, req.fps, r.image_path)
        sound = Soundtrack(*req.audio) if req.audio and Path(req.path).suffix.lower() in VIDEO_FORMATS else None
        try:
            path = write_clip(frames, req.path, settings, overlay=text_overlay(req.title, req.caption, n, req.fps),
                              progress=lambda done, _t: self._emit("progress", req.id, offset + done, total),
                              cancelled=self._export_cancel.is_set, credentials=facts, identity=req.identity,
                              soundtrack=sound)
        except Cancelled:
            self._emit("exportCancelled", req.id)
            return
        except SigningFailed as e:               # the user may save it unsigned: the export dialog asks
            self._emit("exportUnsigned", req.id, str(e))
            return
        self._emit("exportFinished", req.id, str(path))

    def _render_all(self, req: ExportRequest):
        """Renders the whole clip for an export in chunks (progress: the first half)."""
        plan = self._plan(req.render)
        n = req.render.frames
        parts = []
        for start in range(0, n, 16):
            if self._export_cancel.is_set():
                return None
            parts.append(self.model.render(plan, indices=range(start, min(n, start + 16))))
            self._emit("progress", req.id, min(n, start + 16), 2 * n)
        return np.concatenate(parts)

    def _warm_text_encoder(self) -> None:
        """When idle after the first work, load the text encoder so that word matching is ready."""
        self._warmed = True
        from studio.engine.text.encoder import default_encoder
        from studio.engine.text.lexicon import preload as preload_lexicon
        enc = default_encoder()
        if enc.loaded:
            return
        self._emit("status", 0, "Loading the text encoder…")
        self.loading = True
        try:
            enc.encode(["warm up"])
            preload_lexicon()                    # the WordNet table, for words outside the vocabulary
        except Exception as e:                 # noqa: BLE001 - matching by meaning is optional
            log.warning("the text encoder could not be loaded: %s", e)
        finally:
            self.loading = False
            self._emit("status", 0, "")


def _next_chunk(seconds: float, frames: int, cap: int) -> int:
    """How many frames the next chunk draws: about CHUNK_SECONDS of work at the last chunk's pace."""
    return int(max(1, min(cap, CHUNK_SECONDS / max(seconds / frames, 1e-5))))
