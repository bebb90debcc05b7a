"""The Training panel: pick data, family, resolution and length, check the folder, then train in a
child process (`python -m studio train …`, or torch's launcher for several workers) and watch its
log: one loss curve per term, the latest sample strip, pause / resume / stop. Nothing trains in
this process: the window only reads a JSONL file and a PNG four times a second.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PySide6.QtCore import QProcess, QProcessEnvironment, Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (QApplication, QCheckBox, QComboBox, QDockWidget, QDoubleSpinBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QSplitter,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from .. import training_job as job
from .panel import styled_layout

POLL_MS = 250
TAIL_CHARS = 8000
COLOURS = ["#9d91ff", "#8cc8ff", "#ffb86b", "#7ee0a1", "#ff8a8a", "#e6d36a", "#c792ea", "#6ad4d4"]
SHAPES = "The shapes world"


def _models_root() -> Path:
    from ..engine.modelio import models_dir
    return models_dir()


class StallMeter:
    """Gaps between ticks of a 10 ms timer: how long the event loop was blocked at a time."""

    def __init__(self, parent=None):
        import time
        self._clock = time.perf_counter
        self.last, self.gaps = self._clock(), []
        self.timer = QTimer(parent, interval=10, timeout=self._tick)
        self.timer.start()

    def _tick(self):
        now = self._clock()
        self.gaps.append(now - self.last)
        self.last = now

    def stop(self) -> dict:
        self.timer.stop()
        g = np.asarray(self.gaps or [0.0]) * 1e3
        return {"max_ms": float(g.max()), "p99_ms": float(np.percentile(g, 99)), "ticks": len(self.gaps)}


class LossPlot(QWidget):
    """One curve per loss term against the step, with a log-scale toggle."""

    def __init__(self, parent=None):
        super().__init__(parent)
        import pyqtgraph as pg
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.plot = pg.PlotWidget(background="#15161b")
        self.plot.showGrid(x=True, y=True, alpha=0.15)
        self.plot.setLabel("bottom", "step")
        self.plot.setLabel("left", "loss")
        self.plot.addLegend(offset=(-10, 10), labelTextColor="#e2e4ea")
        self.plot.setClipToView(True)
        self.plot.setDownsampling(auto=True, mode="peak")
        self.log_scale = QCheckBox("Log scale")
        self.log_scale.setChecked(True)
        self.log_scale.toggled.connect(self._set_log)
        lay.addWidget(self.plot, 1)
        lay.addWidget(self.log_scale)
        self.steps: list[float] = []
        self.values: dict[str, list[float]] = {}
        self.curves: dict = {}
        self._set_log(True)

    def clear(self) -> None:
        self.steps, self.values = [], {}
        for c in self.curves.values():
            self.plot.removeItem(c)
        self.curves = {}
        self.plot.plotItem.legend.clear()

    def add(self, records: list[dict]) -> None:
        for rec in records:
            terms = job.losses(rec)
            self.steps.append(rec["step"])
            for k in list(self.values) + [k for k in terms if k not in self.values]:
                self.values.setdefault(k, [np.nan] * (len(self.steps) - 1)).append(terms.get(k, np.nan))
        self._redraw()

    def points(self) -> int:
        return len(self.steps)

    def _set_log(self, on: bool) -> None:
        self.plot.setLogMode(y=on)
        self.plot.setLabel("left", "loss (log)" if on else "loss")
        self._redraw()

    def _redraw(self) -> None:
        x = np.asarray(self.steps, dtype=float)
        for i, (k, v) in enumerate(self.values.items()):
            y = np.asarray(v, dtype=float)
            if self.log_scale.isChecked():
                y = np.where(y > 0, y, np.nan)           # a GAN's hinge terms go below zero
            if k not in self.curves:
                self.curves[k] = self.plot.plot(name=k, pen={"color": COLOURS[i % len(COLOURS)], "width": 1.5},
                                                connect="finite")
            self.curves[k].setData(x, y)


class TrainingPanel(QWidget):
    """States: idle, checking, running, pausing, stopping, paused, finished, failed."""

    modelFinished = Signal(str)          # the model folder, once a run has finished
    stateChanged = Signal(str)
    recordsArrived = Signal(int)         # how many new log records the last poll read

    def __init__(self, parent=None):
        super().__init__(parent)
        self.state = "idle"
        self.proc: QProcess | None = None
        self.reader: job.LogReader | None = None
        self.report: job.FolderReport | None = None
        self.tail = ""
        self.folder = ""
        self._asked = ""                 # "pause" or "stop" while the run winds down
        self.models_root: Path | None = None     # where models are trained to; None: the models folder
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="folder-check")
        self._check = None
        self._build()
        self._poll = QTimer(self, interval=POLL_MS, timeout=self.poll)
        self._check_timer = QTimer(self, interval=100, timeout=self._check_done)
        self._name_changed()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        lay = styled_layout(self, "sidePanel", (10, 8, 10, 8), horizontal=True)
        left = QWidget()
        form_box = QVBoxLayout(left)
        form_box.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        data_row = QHBoxLayout()
        self.data = QComboBox()
        self.data.addItems([SHAPES, "A folder of videos"])
        self.choose = QPushButton("Choose…")
        self.choose.clicked.connect(self.choose_folder)
        data_row.addWidget(self.data, 1)
        data_row.addWidget(self.choose)
        form.addRow("Data", data_row)
        self.family = QComboBox()
        self.family.addItems(["vae", "gan"])
        form.addRow("Family", self.family)
        self.resolution = QComboBox()
        self.resolution.addItems(["32", "64", "128"])
        self.resolution.setCurrentText("64")
        form.addRow("Resolution", self.resolution)
        length = QHBoxLayout()
        self.amount = QDoubleSpinBox(decimals=0, minimum=1, maximum=1_000_000, value=500)
        self.unit = QComboBox()
        self.unit.addItems(["steps", "minutes"])
        self.unit.currentTextChanged.connect(self._unit_changed)
        length.addWidget(self.amount, 1)
        length.addWidget(self.unit)
        form.addRow("Length", length)
        self.workers = QSpinBox(minimum=1, maximum=max(1, os.cpu_count() or 1), value=1)
        self.workers.setToolTip("Data-parallel worker processes (torch.distributed, gloo on CPU, NCCL on CUDA)")
        form.addRow("Workers", self.workers)
        self.name = QLineEdit("my-model")
        self.name.textChanged.connect(self._name_changed)
        form.addRow("Model name", self.name)
        self.tiny = QCheckBox("Tiny network (a quick trial)")
        form.addRow("", self.tiny)
        form_box.addLayout(form)
        buttons = QHBoxLayout()
        self.train_button = QPushButton("Train")
        self.train_button.setObjectName("primaryButton")
        self.pause_button = QPushButton("Pause")
        self.resume_button = QPushButton("Resume")
        self.stop_button = QPushButton("Stop")
        for b, slot in ((self.train_button, self.start), (self.pause_button, self.pause),
                        (self.resume_button, self.resume), (self.stop_button, self.stop)):
            b.clicked.connect(slot)
            buttons.addWidget(b)
        form_box.addLayout(buttons)
        self.status = QLabel("Pick the data and press Train.")
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form_box.addWidget(self.status)
        self.files = QTreeWidget()
        self.files.setHeaderLabels(["", "File", "Frames / why skipped", "Caption"])
        self.files.setRootIsDecorated(False)
        self.files.setColumnWidth(0, 22)
        self.files.setColumnWidth(1, 150)
        self.check_summary = QLabel("")
        self.check_summary.setObjectName("hint")
        self.check_summary.setWordWrap(True)
        form_box.addWidget(self.check_summary)
        form_box.addWidget(self.files, 1)
        left.setMinimumWidth(330)
        left.setMaximumWidth(460)

        right = QSplitter(Qt.Orientation.Vertical)
        self.plot = LossPlot()
        samples = QWidget()
        sv = QVBoxLayout(samples)
        sv.setContentsMargins(0, 0, 0, 0)
        self.sample_title = QLabel("Latest samples")
        self.sample_title.setObjectName("sectionTitle")
        self.sample = QLabel()
        self.sample.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.sample.setMinimumHeight(60)
        sv.addWidget(self.sample_title)
        sv.addWidget(self.sample, 1)
        right.addWidget(self.plot)
        right.addWidget(samples)
        right.setSizes([300, 160])
        lay.addWidget(left)
        lay.addWidget(right, 1)
        self.data.currentIndexChanged.connect(self._data_changed)
        self._data_changed()

    # ------------------------------------------------------------------ settings
    def out(self) -> Path:
        return (self.models_root or _models_root()) / self.name.text().strip()

    def _unit_changed(self, unit: str) -> None:
        self.amount.setValue(10 if unit == "minutes" else 500)

    def _length(self) -> tuple[int | None, float | None]:
        v = self.amount.value()
        return (int(v), None) if self.unit.currentText() == "steps" else (None, float(v))

    def _data_changed(self, *_):
        shapes = self.data.currentIndex() == 0
        self.choose.setEnabled(not shapes)
        self.resolution.setEnabled(not shapes)
        self.files.setVisible(not shapes)
        if shapes:
            self.resolution.setCurrentText("64")
            self.files.clear()
            self.check_summary.setText("The shapes world is drawn on the fly at 64x64, with labels.")
        elif self.folder:
            self.check(self.folder)
        self._update_buttons()

    def set_folder(self, folder: str) -> None:
        self.folder = folder
        self.data.setCurrentIndex(1)
        self.check(folder)

    def choose_folder(self) -> None:
        from .export_dialog import user_folder
        folder = QFileDialog.getExistingDirectory(self, "A folder of videos to train on",
                                                  self.folder or user_folder("videos"))
        if folder:
            self.set_folder(folder)

    def _name_changed(self, *_):
        """A name with a checkpoint can be resumed, also after the app was closed: show its past log."""
        if self.state in ("running", "pausing", "stopping"):
            return
        self.plot.clear()
        self.sample.clear()
        name = self.name.text().strip()
        self.reader = None
        if name and (self.out() / job.TRAIN_DIR).is_dir():
            self.reader = job.LogReader(job.log_path(self.out()))
            self.plot.add(self.reader.read())
            self._show_latest_sample()
        self._update_buttons()

    # ------------------------------------------------------------------ the folder check
    def check(self, folder: str) -> None:
        """Reads the folder on a helper thread; the list fills in when it is done."""
        self.files.clear()
        self.report = None
        self.check_summary.setText(f"Checking {folder}…")
        self._check = self._pool.submit(job.check_folder, folder, 16, int(self.resolution.currentText()))
        self._set_state("checking")
        self._check_timer.start()

    def _check_done(self) -> None:
        if self._check is None or not self._check.done():
            return
        self._check_timer.stop()
        fut, self._check = self._check, None
        try:
            self.report = fut.result()
        except Exception as e:  # noqa: BLE001 - shown as one sentence
            self.report = None
            self.check_summary.setText(job.sentence(str(e) or "the folder could not be checked") + ".")
            self._set_state("idle")
            return
        for name, frames, caption in self.report.used:
            shown = caption or "(no caption: no .txt and no words in the name)"
            QTreeWidgetItem(self.files, ["✓", name, f"{frames} frames", shown])
        for name, why in self.report.skipped:
            item = QTreeWidgetItem(self.files, ["✗", name, why, ""])
            item.setToolTip(2, why)
        self.check_summary.setText(self.report.summary())
        self._set_state("idle")

    # ------------------------------------------------------------------ running
    def spec(self, resume: bool = False) -> job.JobSpec:
        steps, minutes = self._length()
        out = str(self.out())
        if resume:
            return job.resume_spec(out, steps, minutes, self.workers.value())
        data = "shapes" if self.data.currentIndex() == 0 else self.folder
        return job.JobSpec(out=out, data=data, family=self.family.currentText(),
                           resolution=int(self.resolution.currentText()), steps=steps, minutes=minutes,
                           workers=self.workers.value(), tiny=self.tiny.isChecked(),
                           sample_every=10 if self.tiny.isChecked() else 50)

    def start(self) -> None:
        name = self.name.text().strip()
        if not name or "/" in name or "\\" in name:
            return self._say("Give the model a name (letters, digits and dashes).")
        if self.out().exists():
            return self._say(f"A model named {name} already exists: press Resume to go on training it, "
                             f"or choose another name.")
        if self.data.currentIndex() == 1 and (self.report is None or not self.report.used):
            return self._say("Choose a folder with at least one usable video first.")
        self.plot.clear()
        self.sample.clear()
        self._launch(self.spec())

    def resume(self) -> None:
        if job.checkpoint_step(self.out()) is None:
            return self._say(f"There is no checkpoint of {self.name.text().strip()} to resume.")
        try:
            spec = self.spec(resume=True)
        except (OSError, ValueError, KeyError):
            return self._say("The model folder has no readable card to resume from.")
        self._launch(spec)

    def _launch(self, spec: job.JobSpec) -> None:
        argv = job.command(spec)
        self.spec_running = spec
        self.tail = ""
        self._asked = ""
        if self.reader is None or self.reader.path != job.log_path(spec.out):
            self.reader = job.LogReader(job.log_path(spec.out))
            if spec.resume:
                self.plot.clear()
        proc = QProcess(self)
        env = QProcessEnvironment()
        for k, v in job.environment().items():
            env.insert(k, v)
        proc.setProcessEnvironment(env)
        proc.setWorkingDirectory(str(job.ROOT))
        proc.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        proc.readyReadStandardOutput.connect(self._read_output)
        proc.finished.connect(self._finished)
        proc.errorOccurred.connect(self._process_error)
        self.proc = proc
        self._set_state("running")
        what = "Resuming" if spec.resume else "Starting"
        self._say(f"{what} training of {Path(spec.out).name}" +
                  (f" on {spec.workers} workers" if spec.workers > 1 else "") + "…")
        proc.start(argv[0], argv[1:])
        self._poll.start()

    def pause(self) -> None:
        self._ask("pause", "Pausing: writing a checkpoint…")

    def stop(self) -> None:
        self._ask("stop", "Stopping: saving the model…")

    def _ask(self, what: str, message: str) -> None:
        if self.state != "running":
            return
        from ..engine.train import request
        request(self.spec_running.out, what)
        self._asked = what
        self._set_state("pausing" if what == "pause" else "stopping")
        self._say(message)

    def kill(self) -> None:
        """Ends the child process at once (the app is closing, or a test simulates a crash)."""
        if self.proc is not None and self.proc.state() != QProcess.ProcessState.NotRunning:
            self.proc.kill()
            self.proc.waitForFinished(3000)

    def poll(self) -> None:
        if self.reader is None:
            return
        records = self.reader.read()
        if records:
            self.plot.add(records)
            last = records[-1]
            if any("sample" in r for r in records):
                self._show_latest_sample()
            if self.state == "running":
                terms = ", ".join(f"{k} {v:.3g}" for k, v in job.losses(last).items())
                self._say(f"Step {last['step']} · {last['seconds']:.0f} s · {terms}")
        self.recordsArrived.emit(len(records))

    def _read_output(self) -> None:
        data = bytes(self.proc.readAllStandardOutput()).decode("utf-8", "replace")
        self.tail = (self.tail + data)[-TAIL_CHARS:]

    def _process_error(self, error) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self._poll.stop()
            self._set_state("failed")
            self._say(f"The training process could not start ({self.proc.errorString()}).")

    def _finished(self, code: int, status) -> None:
        self._poll.stop()
        if self._asked == "close":
            return                                   # the window is closing: nothing left to show
        self.poll()
        crashed = status == QProcess.ExitStatus.CrashExit
        out = self.spec_running.out
        if not crashed and code == 0:
            if self._asked == "pause":
                self._set_state("paused")
                self._say(f"Paused at step {job.checkpoint_step(out)}; Resume continues from the checkpoint.")
            else:
                self._set_state("finished")
                self._show_latest_sample()
                summary = job.card_summary(out)
                self._say(f"Finished: {Path(out).name} is in the model picker ({summary}).")
                self.modelFinished.emit(out)
        else:
            self._set_state("failed")
            self._say(job.failure_sentence(self.tail, None if crashed else code, out))
        self._asked = ""

    # ------------------------------------------------------------------ showing
    def _show_latest_sample(self) -> None:
        folder = Path(self.reader.path).parent / "samples" if self.reader else None
        files = sorted(folder.glob("step_*.png")) if folder and folder.is_dir() else []
        files = [f for f in files if not f.name.endswith(".tmp.png")]
        if not files:
            return
        pix = QPixmap(str(files[-1]))
        if pix.isNull():
            return
        box = self.sample.size().boundedTo(pix.size() * 2)     # at most 2x: the pixels stay crisp
        self.sample.setPixmap(pix.scaled(box, Qt.AspectRatioMode.KeepAspectRatio,
                                         Qt.TransformationMode.FastTransformation))
        self.sample_title.setText(f"Latest samples · {files[-1].stem.replace('_', ' ')} (one row per prompt)")

    def _say(self, text: str) -> None:
        self.status.setText(text)

    def _set_state(self, state: str) -> None:
        self.state = state
        self._update_buttons()
        self.stateChanged.emit(state)

    def _update_buttons(self) -> None:
        busy = self.state in ("running", "pausing", "stopping", "checking")
        running = self.state == "running"
        has_ckpt = not busy and bool(self.name.text().strip()) and job.checkpoint_step(self.out()) is not None
        self.train_button.setEnabled(not busy)
        self.pause_button.setEnabled(running)
        self.stop_button.setEnabled(running)
        self.resume_button.setEnabled(has_ckpt)
        for w in (self.data, self.family, self.name, self.amount, self.unit, self.workers, self.tiny):
            w.setEnabled(not busy)
        self.choose.setEnabled(not busy and self.data.currentIndex() == 1)
        self.resolution.setEnabled(not busy and self.data.currentIndex() == 1)

    def shutdown(self) -> None:
        """The window is closing: a running job pauses (checkpoint) so Resume continues it next time."""
        if self.proc is not None and self.proc.state() != QProcess.ProcessState.NotRunning:
            from ..engine.train import request
            request(self.spec_running.out, "pause")
            self._asked = "close"
            if not self.proc.waitForFinished(15000):
                self.proc.kill()
        self._pool.shutdown(wait=False, cancel_futures=True)


class TrainingDock(QDockWidget):
    """The panel in a dock (View > Training Panel, Ctrl+T). The panel itself (pyqtgraph, torch for
    reading checkpoints) is built the first time the dock is shown, so it costs the window's start
    nothing."""

    def __init__(self, window):
        super().__init__("Training", window)
        self.setObjectName("trainingDock")
        self.window_ = window
        self._panel: TrainingPanel | None = None
        self.visibilityChanged.connect(lambda visible: visible and self.panel())

    def _join_tabs(self) -> None:
        """Shares the bottom with the window's other panels as tabs, this one in front."""
        win = self.window_
        others = [d for d in win.findChildren(QDockWidget) if d is not self and d.isVisible() and not d.isFloating()
                  and win.dockWidgetArea(d) == win.dockWidgetArea(self)]
        if others:
            win.tabifyDockWidget(others[0], self)
            self.raise_()

    def panel(self) -> TrainingPanel:
        if self._panel is None:
            self._panel = TrainingPanel(self)
            self.setWidget(self._panel)
            self._panel.modelFinished.connect(lambda _out: self.window_._refresh_models())
            QTimer.singleShot(0, self._join_tabs)
            app = QApplication.instance()
            if app is not None:
                app.aboutToQuit.connect(self._panel.shutdown)
        return self._panel


def install(window) -> TrainingDock:
    """Adds the Training dock to the main window, hidden, with its toggle in the View menu; a
    finished model refreshes the model picker."""
    dock = TrainingDock(window)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    dock.hide()
    toggle = dock.toggleViewAction()
    toggle.setText("Training Panel")
    toggle.setShortcut("Ctrl+T")
    view = next((a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "View"), None)
    (view or window.menuBar()).addAction(toggle)
    window.training_dock = dock
    return dock


def demo_run(window, seconds: float, root: str, done) -> None:
    """`main.py --screenshot PATH --train SECONDS`: opens the Training panel, and a second later
    (as a user would, once it is on screen) trains a tiny shapes VAE in it for SECONDS while the
    window keeps generating clips; prints the event loop's longest stalls (opening the panel, from
    the press of Train, once steps arrive), then calls `done` (which takes the screenshot)."""
    import sys
    dock = window.training_dock
    opening = StallMeter(window)                # the dock's first paint (pyqtgraph) is not the press
    dock.show()
    panel = dock.panel()
    window.resizeDocks([dock], [int(window.height() * 0.5)], Qt.Orientation.Vertical)
    panel.models_root = Path(root)
    panel.name.setText("my-first-vae")
    panel.tiny.setChecked(True)
    panel.amount.setValue(100000)
    clips = []
    window.clipReady.connect(lambda: clips.append(1))
    regenerate = QTimer(window, interval=1500, timeout=window.generate)
    meters: dict = {}
    steady: list = []                           # from the first log record on: training running

    def first_records(n):
        if n and not steady:
            steady.append(StallMeter(window))

    def press():
        meters["open"] = opening.stop()
        meters["press"] = StallMeter(window)    # from the press of Train: the launch counts too
        panel.recordsArrived.connect(first_records)
        panel.start()
        regenerate.start()
        QTimer.singleShot(int(seconds * 1000), finish)

    def finish():
        regenerate.stop()
        o, m = meters["open"], meters["press"].stop()
        s = steady[0].stop() if steady else {"max_ms": float("nan"), "p99_ms": float("nan")}
        print(f"training demo over {seconds:.0f} s, a 10 ms timer's longest gap: {o['max_ms']:.0f} ms opening the "
              f"panel, {m['max_ms']:.0f} ms from the press of Train (99th percentile {m['p99_ms']:.0f} ms), "
              f"{s['max_ms']:.0f} ms once steps were arriving (99th percentile {s['p99_ms']:.0f} ms); "
              f"{panel.plot.points()} steps logged; {len(clips)} clips generated meanwhile", file=sys.stderr)
        done()

    QTimer.singleShot(1000, press)
