"""`python -m studio bench --soak [--minutes M]`: the real main window, offscreen, through scripted
work in a loop for M minutes, watching the count on `None` (issue 15).

PySide6 6.12.0 dropped a reference to `None` every time a QTimer called into Python; on Python 3.11
the interpreter then aborted with "none_dealloc: deallocating None" minutes into a session, which
no short test could see. The soak runs what a user does (type a prompt and generate, scrub, drag
sliders, play, add keys, play a lesson, train a tiny model for a few steps) with the window's own
timers running between the steps, and reports the count at the start, its lowest, and at the end.
"""
from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from pathlib import Path

PROMPTS = ["a large red star moving right on a white background", "a small blue circle bouncing on a black background",
           "a green triangle spinning on a sunset background", "a big yellow ball going up on the sky",
           "a purple square sliding left at night", "an orange star growing on a gray background"]
ACTIONS = ("render", "scrub", "drag", "play", "key", "lesson", "train")


class Soak:
    """Runs the window through ACTIONS in turn until `seconds` have passed (call run())."""

    def __init__(self, seconds: float, model: str | None = None, train: bool = True, log=None, seed: int = 0,
                 actions=ACTIONS):
        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QApplication

        from ..engine_client import EngineClient
        from ..ui.main_window import MainWindow
        self.app = QApplication.instance() or QApplication(["latent-studio-soak"])
        self.seconds, self.train, self.log = seconds, train, log or (lambda _s: None)
        self.rng = random.Random(seed)
        self.tmp = tempfile.TemporaryDirectory(prefix="latent-soak-")
        settings = QSettings(str(Path(self.tmp.name) / "settings.ini"), QSettings.Format.IniFormat)
        self.win = MainWindow(EngineClient(device="cpu", warm_encoder=False), settings, model=model,
                              prompt=PROMPTS[0])
        self.win.ask_unsaved = lambda: "discard"              # never block on a question
        self.win.resize(1440, 900)
        self.actions = tuple(actions)
        self.counts: dict[str, int] = {a: 0 for a in self.actions}
        self.none_min = self.none_start = self.none_end = sys.getrefcount(None)
        self.trained = False
        self.errors: list[str] = []

    # ------------------------------------------------------------------ waiting
    def pump(self, seconds: float) -> None:
        """Runs the event loop (the window's timers, the worker's signals) for a while."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.app.processEvents()
            self._watch()
            time.sleep(0.004)

    def wait(self, done, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if done():
                return True
            self.pump(0.02)
        return done()

    def _watch(self) -> None:
        self.none_min = min(self.none_min, sys.getrefcount(None))

    def alive(self) -> bool:
        try:
            return self.win.isVisible() and self.win.player is not None
        except RuntimeError:                      # the C++ window is gone
            return False

    # ------------------------------------------------------------------ actions
    def render(self) -> None:
        w = self.win
        w.prompt.editor.set_text(self.rng.choice(PROMPTS))
        w.prompt.frames.setValue(self.rng.choice([16, 24, 48, 96]))
        w.generate()
        rid = w.last_request.id if w.last_request is not None else None
        self.wait(lambda: w.player.complete() and w.last_request is not None and w.last_request.id == rid, 60)

    def scrub(self) -> None:
        w = self.win
        for _ in range(20):
            if w.player.count:
                w.player.seek(self.rng.randrange(w.player.count))
            self.pump(0.03)

    def drag(self) -> None:
        w = self.win
        if not w.latent.sliders:
            return
        name = self.rng.choice(list(w.latent.sliders))
        slider = w.latent.sliders[name]
        start = self.rng.randint(-200, 200)
        for step in range(15):
            slider.setValue(start + 10 * step)
            self.pump(0.03)
        slider.sliderReleased.emit()
        self.wait(w.player.complete, 60)

    def play(self) -> None:
        w = self.win
        w.player.play()
        self.pump(1.5)
        w.player.pause()

    def key(self) -> None:
        w = self.win
        if len(w._keyframes) >= 4:
            w.keylane.selected = 0
            w.keylane.delete_selected()
        if w.player.count:
            w.player.seek(self.rng.randrange(w.player.count))
        if w.latent.sliders:
            name = self.rng.choice([n for n in w.latent.sliders if n.startswith(("size", "sefa"))] or
                                   list(w.latent.sliders))
            w.latent.sliders[name].setValue(self.rng.randint(-150, 150))
        w.add_key()
        w.loop_box.setChecked(self.rng.random() < 0.5)
        self.wait(w.player.complete, 60)

    def lesson(self) -> None:
        w, panel = self.win, self.win.lesson_panel
        while len(panel.shots) >= 3:                    # a lesson of a few shots, not a growing one
            panel.list.setCurrentRow(0)
            panel.delete_selected()
        panel.add_current()
        panel.play_lesson()
        self.wait(lambda: w.lesson_view.active or not panel.job.running, 120)
        if w.lesson_view.active:
            self.pump(2.0)                            # the lesson plays in the preview
            w.lesson_view.leave()

    def train_step(self) -> bool:
        """A tiny shapes VAE, a few steps, from the Training panel (once per soak; False when skipped)."""
        if not self.train or self.trained:
            return False
        self.trained = True
        w = self.win
        dock = w.training_dock
        dock.show()
        panel = dock.panel()
        panel.models_root = Path(self.tmp.name) / "models"
        panel.models_root.mkdir(exist_ok=True)
        panel.name.setText("soak-vae")
        panel.tiny.setChecked(True)
        panel.unit.setCurrentText("steps")
        panel.amount.setValue(5)
        panel.start()
        self.wait(lambda: panel.state in ("finished", "failed", "idle") and panel.state != "running", 240)
        if panel.state != "finished":
            self.errors.append(f"training ended {panel.state}: {panel.status.text()}")
        dock.hide()
        return True

    # ------------------------------------------------------------------ the loop
    def run(self) -> dict:
        w = self.win
        t0 = time.monotonic()
        w.show()
        self.wait(lambda: w.player.complete() and w.player.count > 0, 120)
        self.pump(0.5)
        self.none_start = self.none_min = sys.getrefcount(None)
        step = {"render": self.render, "scrub": self.scrub, "drag": self.drag, "play": self.play, "key": self.key,
                "lesson": self.lesson, "train": self.train_step}
        started = time.monotonic()
        i = 0
        while time.monotonic() - started < self.seconds and self.alive():
            name = self.actions[i % len(self.actions)]
            i += 1
            try:
                ran = step[name]()
            except Exception as e:            # noqa: BLE001 - a soak reports every failure, then goes on
                self.errors.append(f"{name}: {type(e).__name__}: {e}")
                ran = True
            if ran is False:                  # the training runs once
                continue
            self.counts[name] += 1
            self._watch()
            self.log(f"{(time.monotonic() - started) / 60:5.2f} min  {name:7s} None refcount "
                     f"{sys.getrefcount(None)} (min {self.none_min})")
        minutes = (time.monotonic() - started) / 60
        alive = self.alive()
        self.none_end = sys.getrefcount(None)
        report = {"minutes": round(minutes, 2), "window_alive": alive, "none_refcount_start": self.none_start,
                  "none_refcount_min": self.none_min, "none_refcount_end": self.none_end,
                  "none_refcount_steady": self.none_min >= self.none_start - 1000,
                  "actions": sum(self.counts.values()), "per_action": dict(self.counts),
                  "errors": list(self.errors), "startup_s": round(started - t0, 1),
                  "binding": _binding()}
        if alive:
            w.close()
        self.pump(0.2)
        self.tmp.cleanup()
        return report


def _binding() -> str:
    import PySide6
    return f"PySide6 {PySide6.__version__}, Python {sys.version.split()[0]}"


def run_soak(minutes: float = 5.0, model: str | None = None, train: bool = True, log=None) -> dict:
    """The soak's figures (see the module docstring). Runs offscreen unless a platform is set."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return Soak(minutes * 60, model=model, train=train, log=log).run()

