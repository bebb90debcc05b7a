"""The desktop app: `python main.py [PROJECT] [--model NAME] [--prompt TEXT] [--screenshot PATH]`.

The window appears first; the engine (torch, the model, the text encoder) loads on the worker
thread behind it. `--screenshot PATH` generates the clip, saves a PNG of the whole window and
exits (status 0 on success, 1 when the engine failed or no model is installed, 2 on a timeout).
"""
from __future__ import annotations

import time

T0 = time.perf_counter()

import argparse  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import traceback  # noqa: E402

log = logging.getLogger("studio")


def parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="latent-studio-app", description="Latent Studio, the desktop window.")
    ap.add_argument("project", nargs="?", help="a .lstudio project to open")
    ap.add_argument("--model", help="model name (a folder under models/) or a model folder path")
    ap.add_argument("--prompt", help="start with this prompt")
    ap.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    ap.add_argument("--screenshot", metavar="PATH", help="generate the clip, save a PNG of the window and exit")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds --screenshot waits for the clip")
    ap.add_argument("--play-lesson", action="store_true",
                    help="with --screenshot: play the project's lesson in the preview, shoot 2.5 s into it")
    ap.add_argument("--train", type=float, metavar="SECONDS",
                    help="with --screenshot: train a tiny model in the Training panel for SECONDS first")
    ap.add_argument("--size", default="1440x900", help="window size, WIDTHxHEIGHT")
    ap.add_argument("--autosave", type=float, default=60.0, metavar="SECONDS",
                    help="seconds between autosaves of unsaved changes (default 60)")
    ap.add_argument("--edit-prompt", help=argparse.SUPPRESS)      # tests: an unsaved edit once the window is up
    ap.add_argument("-v", "--verbose", action="store_true", help="log timings and engine events")
    return ap.parse_args(argv)


def _excepthook(window_ref):
    def hook(kind, value, tb):
        log.error("unexpected error:\n%s", "".join(traceback.format_exception(kind, value, tb)))
        w = window_ref()
        if w is not None:
            try:
                w.banner.show_message(f"Internal error: {kind.__name__}: {value}. The details are in the log.")
            except Exception:  # noqa: BLE001 - never fail inside the hook
                pass
    return hook


class Screenshot:
    """Waits for the first complete clip (or a failure), saves the window as a PNG and quits."""

    def __init__(self, app, window, path: str, timeout: float, train: float | None = None, scratch: str = "",
                 lesson: bool = False):
        from PySide6.QtCore import QTimer
        self.app, self.window, self.path, self.lesson = app, window, path, lesson
        self.code = None
        self.train, self.scratch = train, scratch
        timeout += train or 0
        window.clipReady.connect(self._ready)
        window.engineFailed.connect(self._failed)
        window.noModels.connect(lambda: self._failed("start", "no model is installed"))
        QTimer.singleShot(int(timeout * 1000), lambda: self._finish(2, f"no clip after {timeout:.0f} s"))

    def _ready(self):
        from PySide6.QtCore import QTimer
        if self.code is None:
            self.code = 0
            if self.train:
                from .bench.training_demo import demo_run
                demo_run(self.window, self.train, self.scratch, lambda: self._finish(0, ""))
                return
            if self.lesson:
                panel = self.window.lesson_panel
                if not panel.shots:
                    QTimer.singleShot(0, lambda: self._finish(1, "the project has no lesson to play"))
                    return
                self.window.lesson_dock.raise_()
                panel.rendered.connect(lambda *_: QTimer.singleShot(2500, lambda: self._finish(0, "")))
                panel.job.failed.connect(lambda m: self._finish(1, m))
                panel.play_lesson()
                return
            QTimer.singleShot(300, lambda: self._finish(0, ""))      # let the last frames paint

    def _failed(self, kind, message):
        from PySide6.QtCore import QTimer
        if self.code is None and kind in ("start", "load", "render"):
            self.code = 1
            QTimer.singleShot(300, lambda: self._finish(1, message))

    def _finish(self, code: int, message: str):
        if self.code not in (None, code) and code == 2:
            return
        img = self.window.grab()
        ok = img.save(self.path, "PNG")
        if message:
            print(f"screenshot: {message}", file=sys.stderr)
        if not ok:
            print(f"screenshot: could not write {self.path}", file=sys.stderr)
            code = code or 1
        else:
            print(f"screenshot saved to {self.path} ({img.width()}x{img.height()})", file=sys.stderr)
        t = self.window.timings
        print("timings: " + ", ".join(f"{k}={v:.0f}" for k, v in t.items()), file=sys.stderr)
        self.window.doc.mark_saved()                          # nothing to ask about on the way out
        self.window.close()
        self.app.exit(code)


DEMO_PROMPT = "a large red star moving right slowly on a sunset background"


def _has_display() -> bool:
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def headless_demo(args) -> int:
    """No screen to open a window on: render a demo clip with the shipped model and say where it is."""
    from pathlib import Path

    from .cli import main as cli_main
    out = Path("out") / "demo.mp4"
    out.parent.mkdir(exist_ok=True)
    print("no display found, so instead of opening the window this renders a demo clip headless")
    code = cli_main(["generate", "--prompt", args.prompt or DEMO_PROMPT, "--model", args.model or "shapes-vae",
                     "--seed", "3", "--frames", "32", "--size", "512", "--out", str(out)])   # drawn at 512: crisp
    if code == 0:
        print(f"demo clip: {out.resolve()}  (with a display, `python main.py` opens the studio window)")
    return code


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if not args.screenshot and not _has_display():
        sys.exit(headless_demo(args))
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from .ui.main_window import MainWindow
    from .ui.resources import stylesheet
    from .engine_client import EngineClient

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Latent Studio")
    app.setOrganizationName("LatentStudio")
    app.setStyle("Fusion")
    app.setStyleSheet(stylesheet())
    settings = QSettings()
    scratch = None
    if args.screenshot:                                  # a clean slate, not the user's last session
        import tempfile
        scratch = tempfile.mkdtemp(prefix="latent-studio-")
        settings = QSettings(os.path.join(scratch, "settings.ini"), QSettings.Format.IniFormat)
    engine = EngineClient(device=args.device, warm_encoder=not args.screenshot)
    window = MainWindow(engine, settings, model=args.model, prompt=args.prompt, project=args.project, t0=T0)
    try:
        w, h = (int(x) for x in args.size.lower().split("x"))
        window.resize(w, h)
    except ValueError:
        pass
    import weakref
    sys.excepthook = _excepthook(weakref.ref(window))
    window.exit_fast = True
    app.aboutToQuit.connect(lambda: engine.shutdown(2000, then_wait=False))
    window.screenshot = (Screenshot(app, window, args.screenshot, args.timeout, args.train, scratch,
                                     args.play_lesson)
                         if args.screenshot else None)
    window.show()
    from .ui.autosave import install as install_autosave      # no lost work: autosave, recovery after a crash
    autosave = None if args.screenshot else install_autosave(window, args.autosave, args.edit_prompt)
    code = app.exec()
    if autosave is not None:
        autosave.finish()                                       # a clean close leaves nothing to recover
    clean = engine.shutdown(2000, then_wait=False)
    if scratch is not None:
        import shutil
        shutil.rmtree(scratch, ignore_errors=True)
    if not clean:
        # The engine thread is inside a load that cannot be interrupted (torch or the text encoder).
        # Nothing of the user's is in flight (renders and exports stop at their next chunk, settings
        # and projects are saved), so the process ends now rather than keep a closed window's
        # process alive for seconds.
        log.info("exiting while the engine finishes a load")
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":          # python -m studio.app: the same as main.py
    main()
