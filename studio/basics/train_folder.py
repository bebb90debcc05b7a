"""The one description of a training run's folder (`DIR/train/` beside the model it makes):

    DIR/model.safetensors, DIR/model.json    the model (written when the run finishes or pauses)
    DIR/train/log.jsonl                      one JSON record a step (the Training panel's curves)
    DIR/train/samples/step_N.png             sample strips
    DIR/train/control                        "pause" or "stop", written by whoever asks the run to end
    DIR/train/job.json, DIR/train/output.log a detached run's status and output (studio.training_process)

The trainer (engine), the detached process and the Training panel all name these files from here.
"""
from __future__ import annotations

from pathlib import Path

from .files import write_text

WORK, LOG, CONTROL, SAMPLES, STATUS, OUTPUT = "train", "log.jsonl", "control", "samples", "job.json", "output.log"
ASKS = ("pause", "stop")


def work_dir(out: str | Path) -> Path:
    """The run's own folder inside the model folder `out`."""
    return Path(out) / WORK


def log_path(out: str | Path) -> Path:
    return work_dir(out) / LOG


def request(out: str | Path, what: str) -> None:
    """Asks the run training into `out` to "pause" (checkpoint, then exit) or "stop" (finish now)."""
    if what not in ASKS:
        raise ValueError(what)
    work = work_dir(out)
    work.mkdir(parents=True, exist_ok=True)
    write_text(work / CONTROL, what)


def asked(work: str | Path) -> str:
    """What the run in the folder `work` has been asked ("pause", "stop"), or ""."""
    try:
        return (Path(work) / CONTROL).read_text(encoding="utf-8").strip()
    except OSError:
        return ""
