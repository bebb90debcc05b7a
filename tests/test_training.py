import json

import numpy as np
import pytest
import torch

from studio.engine import load_model
from studio.basics.errors import StudioError
from studio.engine.train import TrainConfig, Trainer


def _run(tmp_path, name, **kw):
    base = dict(out=str(tmp_path / name), batch=4, frames=8, tiny=True, sample_every=0, seed=3)
    base.update(kw)
    t = Trainer(TrainConfig(**base), log=lambda *_: None)
    t.run()
    return t


def _losses(folder, key):
    return [json.loads(line)[key] for line in (folder / "train" / "log.jsonl").read_text().splitlines()]


def test_tiny_vae_loss_goes_down(tmp_path):
    _run(tmp_path, "vae", family="vae", steps=40, lr=3e-3)
    rec = _losses(tmp_path / "vae", "loss")
    assert np.mean(rec[-5:]) < 0.7 * np.mean(rec[:5])


def test_tiny_gan_discriminator_learns(tmp_path):
    _run(tmp_path, "gan", family="gan", steps=25, lr=1e-3)
    d = [a + b for a, b in zip(_losses(tmp_path / "gan", "d_image"), _losses(tmp_path / "gan", "d_video"))]
    assert np.mean(d[-5:]) < np.mean(d[:5])


def test_resume_reproduces_an_uninterrupted_run(tmp_path):
    straight = _run(tmp_path, "a", family="vae", steps=6)
    _run(tmp_path, "b", family="vae", steps=3)
    resumed = _run(tmp_path, "b", family="vae", steps=6, resume=True)
    assert resumed.step == 6
    for (k, v), (_, w) in zip(straight.model.state_dict().items(), resumed.model.state_dict().items()):
        assert torch.allclose(v, w, atol=1e-6), k


def test_same_seed_same_run(tmp_path):
    a = _run(tmp_path, "x", family="gan", steps=3)
    b = _run(tmp_path, "y", family="gan", steps=3)
    for v, w in zip(a.model.state_dict().values(), b.model.state_dict().values()):
        assert torch.equal(v, w)


def test_card_records_the_recipe(tmp_path):
    _run(tmp_path, "vae", family="vae", steps=2)
    card = json.loads((tmp_path / "vae" / "model.json").read_text())
    assert card["recipe"]["command"].startswith("python -m studio train --data shapes --family vae")
    assert card["recipe"]["steps_done"] == 2 and card["recipe"]["device"]
    m = load_model(str(tmp_path / "vae"), device="cpu")
    assert m.generate("a red star", seed=1, frames=4).shape == (4, 64, 64, 3)


def test_resume_without_checkpoint_is_a_clear_error(tmp_path):
    with pytest.raises(StudioError, match="no checkpoint"):
        Trainer(TrainConfig(out=str(tmp_path / "none"), steps=2, tiny=True, resume=True))


def test_unbounded_run_is_refused(tmp_path):
    with pytest.raises(StudioError, match="--steps or --minutes"):
        Trainer(TrainConfig(out=str(tmp_path / "none"), tiny=True))


def test_train_on_real_footage(tmp_path, real_data):
    from studio.engine.footage.training import FootageTrainer
    t = FootageTrainer(TrainConfig(out=str(tmp_path / "footage"), batch=4, frames=8, tiny=True, sample_every=0,
                                   seed=3, family="vae", steps=2, data=str(real_data)), log=lambda *_: None)
    t.run()
    assert [s[0] for s in t.skipped] == ["corrupted.mp4"]
    card = json.loads((tmp_path / "footage" / "model.json").read_text())
    assert card["conditioning"] == "sentence"
    assert card["data"]["skipped"][0][0] == "corrupted.mp4"
    m = load_model(str(tmp_path / "footage"), device="cpu")
    assert m.generate("a street with bikes", seed=0, frames=5).shape == (5, 64, 64, 3)


# ---------------------------------------------------------------- the job seen from outside (training_job)

import os  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from studio import training_job as job  # noqa: E402


def _write_video(path: Path, frames: int, size: int = 48):
    import cv2
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 8, (size, size))
    for i in range(frames):
        img = np.zeros((size, size, 3), np.uint8)
        img[:, (i * 2) % size] = 255
        w.write(img)
    w.release()


def test_folder_check_lists_used_and_skipped_videos(tmp_path):
    _write_video(tmp_path / "walk.mp4", 40)
    (tmp_path / "walk.txt").write_text("a white line moving right")
    _write_video(tmp_path / "short.mp4", 10)
    (tmp_path / "broken.mp4").write_bytes(b"not a video at all" * 100)
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    report = job.check_folder(tmp_path, frames=16)
    assert report.used == [("walk.mp4", 40, "a white line moving right")]
    why = dict(report.skipped)
    assert set(why) == {"short.mp4", "broken.mp4", "notes.pdf"}
    assert why["short.mp4"] == "only 10 frames, fewer than the 31 a clip needs"
    assert why["notes.pdf"] == "not a video file"
    assert report.summary() == "1 video will be used, 3 skipped."
    with pytest.raises(StudioError, match="is not a folder"):
        job.check_folder(tmp_path / "missing")


def test_log_reader_takes_whole_lines_as_they_arrive(tmp_path):
    path = tmp_path / "log.jsonl"
    reader = job.LogReader(path)
    assert reader.read() == []                               # no file yet
    path.write_text('{"step": 1, "seconds": 0.1, "world_size": 1, "loss": 2.0}\n{"step": 2, "sec')
    assert [r["step"] for r in reader.read()] == [1]
    with open(path, "a") as f:
        f.write('onds": 0.2, "world_size": 1, "loss": 1.5, "sample": "samples/step_000002.png"}\n')
    recs = reader.read()
    assert [r["step"] for r in recs] == [2] and job.losses(recs[0]) == {"loss": 1.5}
    path.write_text('{"step": 1, "seconds": 0.1, "loss": 3.0}\n')   # a new run: read afresh
    assert [r["loss"] for r in reader.read()] == [3.0]


def test_commands_for_one_and_many_workers():
    one = job.command(job.JobSpec(out="m/x", steps=10, tiny=True, threads=1, nice=0), python="py")
    assert one[:4] == ["py", "-m", "studio", "train"] and "--tiny" in one and "--resolution" not in one
    many = job.command(job.JobSpec(out="m/x", data="/v", minutes=2.5, workers=2, resume=True, nice=0), python="py")
    assert many[:6] == ["py", "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", "-m"]
    assert many[-1] == "--resume" and ["--minutes", "2.5"] == many[many.index("--minutes"):][:2]
    assert ["--resolution", "64"] == many[many.index("--resolution"):][:2]
    if sys.platform != "win32":
        assert job.command(job.JobSpec(out="m/x", steps=1), python="py")[:4] == ["nice", "-n", "10", "py"]


def test_failure_sentences(tmp_path):
    s = job.failure_sentence("train vae: 3%\rerror: no usable video in /x (a.mp4: no frame could be decoded)\n",
                             2, tmp_path)
    assert s == ("Training stopped: no usable video in /x (a.mp4: no frame could be decoded); "
                 "no checkpoint had been written yet.")
    _run(tmp_path, "m", family="vae", steps=2)
    s = job.failure_sentence("Traceback (most recent call last):\n  ...\nRuntimeError: boom\n", 1, tmp_path / "m")
    assert s.startswith("Training stopped with an internal error (RuntimeError: boom); the last checkpoint (step 2)")
    assert job.failure_sentence("", None, tmp_path / "m").startswith("The training process was killed;")
    assert s.count(".") == 1 and s.endswith(".")


def test_resolution_for_footage_only(tmp_path):
    with pytest.raises(StudioError, match="64x64"):
        Trainer(TrainConfig(out=str(tmp_path / "x"), steps=1, tiny=True, resolution=32))
    with pytest.raises(StudioError, match="one of 32, 64, 128"):
        Trainer(TrainConfig(out=str(tmp_path / "x"), steps=1, tiny=True, data=str(tmp_path), resolution=48))


def test_sigterm_pauses_with_a_checkpoint_and_resume_continues(tmp_path):
    out = tmp_path / "sig"
    cmd = [sys.executable, "-m", "studio", "train", "--data", "shapes", "--family", "vae", "--out", str(out),
           "--batch", "4", "--frames", "8", "--tiny", "--sample-every", "0", "--threads", "1"]
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    p = subprocess.Popen(cmd + ["--steps", "100000"], cwd=root, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    log = out / "train" / "log.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (log.is_file() and log.read_text().count("\n") >= 3):
        time.sleep(0.1)
    p.send_signal(signal.SIGTERM)
    stdout, stderr = p.communicate(timeout=60)
    assert p.returncode == 0, stderr[-1500:]
    assert "paused at step" in stdout
    paused = job.checkpoint_step(out)
    assert paused == len(log.read_text().splitlines()) and paused >= 3
    r = subprocess.run(cmd + ["--steps", str(paused + 2), "--resume"], cwd=root, env=env, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-1500:]
    assert [json.loads(x)["step"] for x in log.read_text().splitlines()] == list(range(1, paused + 3))


def test_prefetch_close_waits_for_the_batch_in_progress():
    """A worker must not exit with the prefetch thread inside torch/OpenCV (it aborts the process)."""
    import threading
    from studio.engine.data import Prefetch

    started, release = threading.Event(), threading.Event()

    class Slow:
        def make(self, k):
            started.set()
            release.wait(5)
            return {"k": k}

    p = Prefetch(Slow(), 0)
    assert started.wait(5)
    threading.Timer(0.3, release.set).start()
    p.close()
    assert not p.thread.is_alive()


def test_prefetch_hands_a_failed_batch_to_the_trainer():
    """A batch that cannot be built raises in the trainer, instead of leaving it waiting for ever."""
    from studio.engine.data import Prefetch

    class Broken:
        def make(self, k):
            if k == 1:
                raise StudioError("frame 7 of clip.mp4 cannot be decoded")
            return {"k": k}

    p = Prefetch(Broken(), 0)
    assert p.next() == {"k": 0}
    with pytest.raises(StudioError, match="cannot be decoded"):
        p.next()
    p.close()
    assert not p.thread.is_alive()


@pytest.mark.parametrize("family", ["vae", "gan"])     # codes from the VAE's path encoder; learned for the GAN
def test_long_motion_phase_makes_a_model_that_runs_long_clips_itself(tmp_path, family):
    _run(tmp_path, "lm", family=family, steps=2, long_motion_minutes=0.02)
    card = json.loads((tmp_path / "lm" / "model.json").read_text())
    assert card["config"]["decoder"]["torus_state"] is True
    assert card["recipe"]["long_motion"]["steps"] > 0 and "--long-motion-minutes 0.02" in card["recipe"]["command"]
    m = load_model(str(tmp_path / "lm"), device="cpu")
    assert m.generate("a red star moving left", seed=1, frames=40).shape == (40, 64, 64, 3)
