"""Training outlives the window (issue 15, item 2): a run started from the Training panel keeps going
when the window's process is killed outright, a window started later follows it again (its curves,
Pause and Stop), and trained models live in the user's data folder, listed beside the shipped ones."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from studio import training_job as job
from studio import training_process as detached

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="kills a process group")

WINDOW = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from studio.ui.training_panel import TrainingPanel
    panel = TrainingPanel()
    panel.name.setText("survivor")
    panel.tiny.setChecked(True)
    panel.amount.setValue(100000)
    panel.show()
    panel.start()
    def seen(n):
        if panel.plot.points() >= 3:
            print("TRAINING", panel.run.refresh().get("child"), flush=True)
    panel.recordsArrived.connect(seen)
    app.exec()
""")


def _lines(path: Path) -> int:
    try:
        return path.read_text().count("\n")
    except OSError:
        return 0


def _wait(cond, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.fixture()
def data(tmp_path, monkeypatch) -> Path:
    """The user's data folder of this test; its models folder is where the panel trains to."""
    monkeypatch.setenv("LATENT_STUDIO_DATA", str(tmp_path / "data"))
    return tmp_path / "data" / "models"


@pytest.fixture()
def runs():
    """Runs a test started: whatever happens, none is left training."""
    started: list[Path] = []
    yield started
    for out in started:
        run = detached.Run(out)
        if run.status and run.running():
            run.kill()


def test_a_run_outlives_a_window_killed_outright_and_a_new_panel_follows_and_stops_it(data, runs, qtbot):
    """The window's process (its whole process group, as a session manager or xvfb-run would) is
    killed with SIGKILL mid-run: training goes on, its log keeps growing, and a panel opened later
    re-attaches, shows the curves and stops the run into a finished model."""
    out = data / "survivor"
    runs.append(out)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    window = subprocess.Popen([sys.executable, "-c", WINDOW], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    try:
        line = ""
        deadline = time.monotonic() + 120
        while not line.startswith("TRAINING") and time.monotonic() < deadline and window.poll() is None:
            line = window.stdout.readline()
        assert line.startswith("TRAINING"), "the window never saw its run train"
        trainer = int(line.split()[1])
    finally:
        os.killpg(window.pid, signal.SIGKILL)                # the window dies: no close, no cleanup
        window.wait(10)
    assert window.returncode == -signal.SIGKILL
    killed_at = _lines(job.log_path(out))
    time.sleep(2)
    assert detached.pid_alive(trainer), "the training process died with the window"
    _wait(lambda: _lines(job.log_path(out)) >= killed_at + 3, 90, "the log to grow after the window died")
    assert detached.Run(out).running() and "exit" not in detached.read_status(out / "train")

    from studio.ui.training_panel import TrainingPanel
    panel = TrainingPanel()                                  # the next launch
    qtbot.addWidget(panel)
    assert panel.state == "running" and panel.name.text() == "survivor", panel.status.text()
    assert panel.tiny.isChecked() and panel.stop_button.isEnabled() and not panel.train_button.isEnabled()
    assert panel.plot.points() >= killed_at                  # the curves so far ...
    seen = panel.plot.points()
    qtbot.waitUntil(lambda: panel.plot.points() > seen + 1, timeout=60000)     # ... and live ones
    assert set(panel.plot.curves) >= {"loss", "recon", "kl"}
    with qtbot.waitSignal(panel.modelFinished, timeout=120000):
        panel.stop_button.click()
    assert panel.state == "finished" and "is in the model picker" in panel.status.text()
    assert not detached.pid_alive(trainer)
    status = detached.read_status(out / "train")
    assert status["exit"] == 0
    card = json.loads((out / "model.json").read_text())
    steps = [json.loads(x)["step"] for x in job.log_path(out).read_text().splitlines()]
    assert steps == list(range(1, len(steps) + 1)) and card["recipe"]["steps_done"] == steps[-1]


def test_a_new_window_reattaches_at_launch_and_pause_works_on_the_run(models_env, data, runs, qtbot, tmp_path):
    """A run in progress (started by a window that is gone) opens the Training dock of the next
    window, which follows it; Pause writes a checkpoint at the last logged step."""
    from test_ui_window import make_window
    spec = job.JobSpec(out=str(data / "background"), steps=100000, tiny=True, batch=4, frames=8, sample_every=5,
                       threads=1)
    runs.append(Path(spec.out))
    run = detached.launch(spec)
    _wait(lambda: _lines(run.log) >= 3, 120, "the first steps")
    assert detached.find_running(data)[0].out == Path(spec.out)

    win = make_window(qtbot, tmp_path, wait=False)
    try:
        qtbot.waitUntil(win.training_dock.isVisible, timeout=5000)      # opened by itself
        panel = win.training_dock.panel()
        assert panel.state == "running" and panel.name.text() == "background"
        assert "still running" in panel.status.text() or panel.status.text().startswith("Step ")
        qtbot.waitUntil(lambda: panel.plot.points() >= _lines(run.log) >= 5, timeout=60000)
        qtbot.waitUntil(lambda: panel.sample.pixmap() is not None and not panel.sample.pixmap().isNull(),
                        timeout=60000)
        with qtbot.waitSignal(panel.stateChanged, timeout=60000, check_params_cb=lambda s: s == "paused"):
            panel.pause_button.click()
        paused = job.checkpoint_step(spec.out)
        assert paused == _lines(run.log) and f"Paused at step {paused}" in panel.status.text()
        assert panel.resume_button.isEnabled() and detached.read_status(run.work)["exit"] == 0
        assert detached.find_running(data) == []
    finally:
        win.close()


def test_trained_models_live_in_the_users_data_folder_beside_the_shipped_ones(tiny_models, tmp_path, monkeypatch,
                                                                              capsys, qtbot):
    from studio import cli
    from studio.engine import load_model
    from studio.engine.modelio import installed_models, resolve, user_models_dir
    from studio.ui.training_panel import TrainingPanel
    assert os.environ["LATENT_STUDIO_DATA"] != "" and "latent-studio-test-data" in os.environ["LATENT_STUDIO_DATA"]
    from platformdirs import user_data_dir
    real = Path(user_data_dir("Latent Studio", appauthor=False))
    assert not str(user_models_dir()).startswith(str(real))  # the suite never touches the real folder
    monkeypatch.delenv("LATENT_STUDIO_DATA")
    assert user_models_dir() == real / "models"

    shipped, data = tmp_path / "shipped", tmp_path / "data"
    shutil.copytree(tiny_models / "tiny-vae", shipped / "tiny-vae")
    shutil.copytree(tiny_models / "tiny-gan", data / "models" / "mine")
    monkeypatch.setenv("LATENT_STUDIO_MODELS", str(shipped))
    monkeypatch.setenv("LATENT_STUDIO_DATA", str(data))
    assert installed_models() == ["mine", "tiny-vae"]
    assert resolve("mine") == data / "models" / "mine" and resolve("tiny-vae") == shipped / "tiny-vae"
    assert load_model("mine", device="cpu").generate("a red circle", seed=1, frames=4).shape[0] == 4
    assert cli.main(["models"]) == 0
    listed = capsys.readouterr().out
    assert "mine: gan" in listed and f"yours (in {data / 'models'})" in listed and "tiny-vae: vae" in listed
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    panel.name.setText("next")
    assert panel.out() == data / "models" / "next"           # where the panel trains to
    panel.name.setText("tiny-vae")
    panel.start()                                            # a shipped name is taken
    assert "already exists" in panel.status.text() and panel.state == "idle"


def test_closing_the_window_pauses_the_run_with_a_fresh_checkpoint(data, runs, qtbot):
    from studio.ui.training_panel import TrainingPanel
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    panel.name.setText("closing")
    panel.tiny.setChecked(True)
    panel.amount.setValue(100000)
    runs.append(panel.out())
    panel.start()
    qtbot.waitUntil(lambda: panel.plot.points() >= 3, timeout=90000)
    run = panel.run
    assert job.checkpoint_step(panel.out()) is None          # the 1-minute checkpoint is not due yet
    panel.shutdown()                                         # what the app's aboutToQuit calls
    assert run.wait(60) and detached.read_status(run.work)["exit"] == 0
    assert job.checkpoint_step(panel.out()) == _lines(run.log)
    assert "paused at step" in run.output_tail()
