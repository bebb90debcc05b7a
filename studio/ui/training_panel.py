"""The Training panel: pick data, family, resolution and length, check the folder, then train in a
detached process (`python -m studio train …`, or torch's launcher for several workers; see
studio/training_process.py) and follow its files: one loss curve per term from the JSONL log, the
latest sample strip, how it ended from job.json; pause / resume / stop through the run's control
file. Nothing trains in this process, and the run does not depend on it: a window that crashes
leaves it training, and the next window re-attaches to it.
"""
from __future__ import annotations

import re
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFileDialog, QLabel, QSizePolicy, QSplitter, QVBoxLayout, QWidget

from .. import training_job as job
from .. import training_process as detached
from .panel import styled_layout
from .training_dock import TrainingDock, install  # noqa: F401  (the main window installs the dock from here)
from .training_files import FileTable
from .training_form import SHAPES, TrainingForm, hint  # noqa: F401  (SHAPES: the data choice's first item)
from .training_plot import LossPlot

POLL_MS = 250
NO_FOLDER = "Choose a folder of videos (a .txt beside a video is its caption)."
CLOSE_WAIT_S = 5.0                   # closing the window waits this long for the run's pause checkpoint
ACTIVE = ("running", "pausing", "stopping")


user_models_root = job.user_models_root


def fmt_seconds(seconds: float) -> str:
    """"40 s", "3 min", "1 h 5 min": a time left, as a person says it."""
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60} min"


class TrainingPanel(QWidget):
    """States: idle, checking, running, pausing, stopping, paused, finished, failed."""

    modelFinished = Signal(str)          # the model folder, once a run has finished
    stateChanged = Signal(str)
    recordsArrived = Signal(int)         # how many new log records the last poll read

    def __init__(self, parent=None, models_root: Path | None = None, reattach: bool = True):
        super().__init__(parent)
        self.state = "idle"
        self.run: detached.Run | None = None
        self.spec_running: job.JobSpec | None = None
        self.reader: job.LogReader | None = None
        self.report: job.FolderReport | None = None
        self.folder = ""
        self._asked = ""                 # "pause", "stop" or "close" while the run winds down
        self.models_root = models_root   # where models are trained to; None: the user's models folder
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="folder-check")
        self._check = None
        self._build()
        self._poll = QTimer(self, interval=POLL_MS, timeout=self.poll)
        self._check_timer = QTimer(self, interval=100, timeout=self._check_done)
        self._name_changed()
        if reattach:
            self.reattach()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        lay = styled_layout(self, "sidePanel", (10, 8, 10, 8), horizontal=True)
        self.form = left = TrainingForm()
        for attr in ("data", "choose", "family", "resolution", "amount", "unit", "workers", "name", "tiny",
                     "train_button", "pause_button", "resume_button", "stop_button", "progress", "status",
                     "shapes_note"):
            setattr(self, attr, getattr(left, attr))
        self.choose.clicked.connect(self.choose_folder)
        self.name.textChanged.connect(self._name_changed)
        for b, slot in ((self.train_button, self.start), (self.pause_button, self.pause),
                        (self.resume_button, self.resume), (self.stop_button, self.stop)):
            b.clicked.connect(slot)

        self.files_box = QWidget()                    # the folder check: summary and the file table
        fv = QVBoxLayout(self.files_box)
        fv.setContentsMargins(0, 0, 0, 0)
        self.check_summary = hint()
        self.files = FileTable()
        fv.addWidget(self.check_summary)
        fv.addWidget(self.files, 1)

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
        self.sample.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)   # a strip never widens the window
        sv.addWidget(self.sample_title)
        sv.addWidget(self.sample, 1)
        right.addWidget(self.plot)
        right.addWidget(samples)
        right.setSizes([300, 160])
        self.split = QSplitter(Qt.Orientation.Horizontal)     # the file table beside the curves, resizable
        self.split.addWidget(self.files_box)
        self.split.addWidget(right)
        self.files_box.setMinimumWidth(300)
        self.split.setSizes([440, 560])
        self.split.setChildrenCollapsible(False)
        lay.addWidget(left)
        lay.addWidget(self.split, 1)
        self.data.currentIndexChanged.connect(self._data_changed)
        self._data_changed()

    # ------------------------------------------------------------------ settings
    def root(self) -> Path:
        return self.models_root or user_models_root()

    def out(self) -> Path:
        """The model folder for the typed name: the user's (where new models go), or a shipped
        folder of that name that holds a run to resume."""
        name = self.name.text().strip()
        if self.models_root is not None:
            return self.models_root / name
        mine = user_models_root() / name
        if mine.exists():
            return mine
        return next((r / name for r in job.model_roots() if (r / name / job.TRAIN_DIR).is_dir()), mine)

    def _taken(self, name: str) -> bool:
        """A model of that name exists (shipped or the user's), or a run of it has a checkpoint."""
        if job.checkpoint_step(self.out()) is not None:
            return True
        if self.models_root is not None:
            return (self.models_root / name / "model.json").exists()
        return any((r / name / "model.json").exists() for r in job.model_roots())

    def _data_changed(self, *_):
        shapes = self.data.currentIndex() == 0
        self.shapes_note.setVisible(shapes)
        self.files_box.setVisible(not shapes)
        if shapes:
            self.resolution.setCurrentText("64")
            self.files.clear()
            self.check_summary.setText("")
        elif self.folder:
            self.check(self.folder)
        else:
            self.check_summary.setText(NO_FOLDER)
        self._update_buttons()

    def set_folder(self, folder: str) -> None:
        self.folder = folder
        if self.data.currentIndex() == 1:
            self.check(folder)
        else:
            self.data.setCurrentIndex(1)              # checks it

    def choose_folder(self) -> None:
        from .export_dialog import user_folder
        folder = QFileDialog.getExistingDirectory(self, "A folder of videos to train on",
                                                  self.folder or user_folder("videos"))
        if folder:
            self.set_folder(folder)

    def _name_changed(self, *_):
        """A name with a checkpoint can be resumed, also after the app was closed: show its past log."""
        if self.state in ACTIVE:
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
        self.files.show_report(self.report)
        self.check_summary.setText(self.report.summary())
        self._set_state("idle")

    # ------------------------------------------------------------------ running
    def spec(self, resume: bool = False) -> job.JobSpec:
        steps, minutes = self.form.length()
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
        if not name or "/" in name or "\\" in name or name.startswith("."):
            return self._say("Give the model a name (letters, digits and dashes).")
        if self._taken(name):
            return self._say(f"A model named {name} already exists: press Resume to go on training it, "
                             f"or choose another name.")
        if self.data.currentIndex() == 1 and (self.report is None or not self.report.used):
            return self._say("Choose a folder with at least one usable video first.")
        work = self.out() / job.TRAIN_DIR             # a run that ended before its first checkpoint:
        job.log_path(self.out()).unlink(missing_ok=True)          # start over, its curves too
        shutil.rmtree(work / job.SAMPLES, ignore_errors=True)
        self.plot.clear()
        self.sample.clear()
        self.sample_title.setText("Latest samples")     # not the title of the samples just cleared
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
        try:
            run = detached.launch(spec)
        except OSError as e:
            self._set_state("failed")
            return self._say(f"The training process could not start ({e.strerror or e}).")
        if spec.resume and (self.reader is None or self.reader.path != run.log):
            self.plot.clear()
        what = "Resuming" if spec.resume else "Starting"
        self._follow(run, f"{what} training of {Path(spec.out).name}" +
                     (f" on {spec.workers} workers" if spec.workers > 1 else "") + "…")

    def _follow(self, run: detached.Run, message: str, asked: str = "") -> None:
        self.run, self.spec_running, self._asked = run, run.spec, asked
        if self.reader is None or self.reader.path != run.log:
            self.reader = job.LogReader(run.log)
        self._set_state({"pause": "pausing", "stop": "stopping"}.get(asked, "running"))
        self._say(message)
        self.progress.setFormat("starting…")
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self._poll.start()

    def reattach(self) -> bool:
        """Follows a run still in progress under the models folder (the window that started it is
        gone): its curves so far, then live; Pause and Stop work on it."""
        if self.state in ACTIVE:
            return False
        try:
            runs = detached.find_running(self.root())
        except OSError:
            return False
        if not runs:
            return False
        run = runs[0]
        spec = run.spec
        for w, set_value in ((self.name, lambda: self.name.setText(run.out.name)),
                             (self.family, lambda: self.family.setCurrentText(spec.family)),
                             (self.data, lambda: self.data.setCurrentIndex(int(spec.data != "shapes")))):
            w.blockSignals(True)
            set_value()
            w.blockSignals(False)
        self.form.set_length(spec.steps, spec.minutes)
        self.tiny.setChecked(spec.tiny)
        self.workers.setValue(spec.workers)
        self.shapes_note.setVisible(spec.data == "shapes")
        self.files_box.setVisible(spec.data != "shapes")
        if spec.data != "shapes":
            self.folder = spec.data
            self.check_summary.setText(f"Training on {spec.data}.")
        self.plot.clear()
        self.sample.clear()
        self.reader = job.LogReader(run.log)
        since = time.strftime("%H:%M", time.localtime(run.status.get("started", time.time())))
        self._follow(run, f"Training of {run.out.name} is still running (since {since}): following it again.",
                     asked=self._control(run))
        self.poll()
        self._show_latest_sample()
        return True

    @staticmethod
    def _control(run: detached.Run) -> str:
        return job.asked(run.work)

    def pause(self) -> None:
        self._ask("pause", "Pausing: writing a checkpoint…")

    def stop(self) -> None:
        self._ask("stop", "Stopping: saving the model…")

    def _ask(self, what: str, message: str) -> None:
        if self.state != "running":
            return
        job.request(self.spec_running.out, what)
        self._asked = what
        self._set_state("pausing" if what == "pause" else "stopping")
        self._say(message)

    def kill(self) -> None:
        """Ends the training process at once, as a crash would (tests; the panel offers no button)."""
        if self.run is not None:
            self.run.kill()

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
                self._show_progress(last)
        self.recordsArrived.emit(len(records))
        if self.run is not None and self.state in ACTIVE and not self.run.running():
            self._ended()

    def _ended(self) -> None:
        self._poll.stop()
        run, self.run = self.run, None
        if self._asked == "close":
            return                                   # the window is closing: nothing left to show
        self.plot.add(self.reader.read())
        self.progress.setVisible(False)
        code, tail, out = run.exit_code(), run.output_tail(), self.spec_running.out
        if code == 0 and (self._asked == "pause" or re.search(r"^paused at step", tail, re.M)):
            self._set_state("paused")
            self._say(f"Paused at step {job.checkpoint_step(out)}; Resume continues from the checkpoint.")
        elif code == 0:
            self._set_state("finished")
            self._show_latest_sample()
            self._say(f"Finished: {Path(out).name} is in the model picker ({job.card_summary(out)}).")
            self.modelFinished.emit(out)
        else:
            self._set_state("failed")
            self._say(job.failure_sentence(tail, code, out))
        self._asked = ""

    # ------------------------------------------------------------------ showing
    def _show_latest_sample(self) -> None:
        folder = Path(self.reader.path).parent / job.SAMPLES if self.reader else None
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
        footage = self.spec_running is not None and self.spec_running.data != "shapes"
        rows = "each video: its frames over the model's reconstruction" if footage else "one row per prompt"
        self.sample_title.setText(f"Latest samples · {files[-1].stem.replace('_', ' ')} ({rows})")

    def _show_progress(self, last: dict) -> None:
        """The bar: the share of the run's steps or minutes (totals: a resumed run counts from its first step),
        whichever is further, and the time left at the pace so far."""
        spec = self.spec_running
        if spec is None:
            return
        step, seconds = int(last["step"]), float(last["seconds"])
        shares = []
        if spec.steps:
            shares.append((step / spec.steps, f"step {step} of {spec.steps}"))
        if spec.minutes:
            shares.append((seconds / (spec.minutes * 60), f"{seconds / 60:.1f} of {spec.minutes:g} min"))
        if not shares:
            return
        share, what = max(shares)
        share = min(max(share, 0.0), 1.0)
        left = seconds * (1 - share) / share if share > 0 else None
        self.progress.setValue(round(share * 1000))
        self.progress.setFormat(what + (f" · about {fmt_seconds(left)} left" if left is not None else ""))
        self.progress.setVisible(True)

    def _say(self, text: str) -> None:
        self.status.setText(text)

    def _set_state(self, state: str) -> None:
        self.state = state
        self._update_buttons()
        self.stateChanged.emit(state)

    def _update_buttons(self) -> None:
        busy = self.state in ACTIVE + ("checking",)
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
        """The window is closing: a running job pauses (a fresh checkpoint; Resume continues it next
        time). The run is not this process's: after a short wait it finishes pausing on its own."""
        if self.run is not None and self.state in ACTIVE:
            if self.state == "running":
                job.request(self.spec_running.out, "pause")
            self._asked = "close"
            self.run.wait(CLOSE_WAIT_S)
        self._poll.stop()
        self._pool.shutdown(wait=False, cancel_futures=True)
