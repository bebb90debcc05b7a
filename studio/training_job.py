"""A training job seen from outside its process (no Qt): the command line that starts it, its JSONL
log read as it grows, the folder check before it starts, and one sentence for how it ended.

The Training panel runs `python -m studio train …` (or `python -m torch.distributed.run
--standalone --nproc_per_node=N -m studio train …`) as a child process with these pieces, so the
window never trains on its own threads.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .basics.train_folder import LOG as LOG_NAME, SAMPLES, WORK as TRAIN_DIR, asked, log_path, request  # noqa: F401

NOT_LOSSES = {"step", "seconds", "world_size", "sample", "checkpoint"}
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class JobSpec:
    out: str                              # the model folder the run writes (and resumes from)
    data: str = "shapes"                  # "shapes" or a folder of videos
    family: str = "vae"
    resolution: int = 64
    steps: int | None = None
    minutes: float | None = None
    workers: int = 1                      # > 1: data-parallel workers under torch.distributed.run
    resume: bool = False
    tiny: bool = False
    batch: int | None = None
    frames: int | None = None
    sample_every: int = 50
    checkpoint_minutes: float = 1.0
    threads: int | None = None            # torch threads per worker; None: leave a core to the window
    nice: int = 10                        # POSIX: a lower CPU priority, so the window always gets its turn


def default_threads(workers: int) -> int:
    return max(1, ((os.cpu_count() or 2) - 1) // max(1, workers))


def command(spec: JobSpec, python: str = sys.executable) -> list[str]:
    """The argv that runs `spec`: one process, or torch's own launcher for several workers."""
    if spec.steps is None and spec.minutes is None:
        raise ValueError("a job needs steps or minutes")
    if spec.nice and shutil.which("nice"):
        python_ = ["nice", "-n", str(spec.nice), python]
    else:
        python_ = [python]
    launcher = python_ + ["-m", "studio"]
    if spec.workers > 1:
        launcher = python_ + ["-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={spec.workers}",
                              "-m", "studio"]
    args = ["train", "--data", spec.data, "--family", spec.family, "--out", spec.out,
            "--sample-every", str(spec.sample_every), "--checkpoint-minutes", str(spec.checkpoint_minutes),
            "--threads", str(spec.threads or default_threads(spec.workers))]
    if spec.data != "shapes":
        args += ["--resolution", str(spec.resolution)]
    for flag, value in (("--steps", spec.steps), ("--minutes", spec.minutes), ("--batch", spec.batch),
                        ("--frames", spec.frames)):
        if value is not None:
            args += [flag, str(value)]
    args += ["--tiny"] * spec.tiny + ["--resume"] * spec.resume
    return launcher + args


def environment(base: dict | None = None) -> dict:
    """The child's environment: unbuffered output, and this source tree importable."""
    env = dict(os.environ if base is None else base)
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env.setdefault("OMP_NUM_THREADS", "1")            # torchrun's default; --threads sets torch's own pool
    return env


def user_models_root() -> Path:
    """Where the user's own models (and the runs that make them) live."""
    from .engine.modelio import user_models_dir
    return user_models_dir()


def model_roots() -> list[Path]:
    """Every folder models are found in (shipped and the user's)."""
    from .engine.modelio import model_roots as roots
    return roots()


class LogReader:
    """Reads the records a run appends to its log.jsonl, a few at a time, as they arrive. A line
    still being written is left for the next call; a log that shrank (a new run) is read afresh."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.offset = 0
        self._rest = b""

    def read(self) -> list[dict]:
        try:
            size = self.path.stat().st_size
            if size < self.offset:
                self.offset, self._rest = 0, b""
            if size == self.offset:
                return []
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                chunk = f.read(size - self.offset)
        except OSError:
            return []
        self.offset += len(chunk)
        lines = (self._rest + chunk).split(b"\n")
        self._rest = lines.pop()
        out = []
        for line in lines:
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if isinstance(rec, dict) and "step" in rec:
                out.append(rec)
        return out


def losses(rec: dict) -> dict:
    """The loss terms of one log record."""
    return {k: v for k, v in rec.items() if k not in NOT_LOSSES and isinstance(v, (int, float))}


# ---------------------------------------------------------------- the folder check

@dataclass
class FolderReport:
    folder: str
    used: list[tuple[str, int, str]] = field(default_factory=list)      # name, frames, caption
    skipped: list[tuple[str, str]] = field(default_factory=list)        # name, why

    def summary(self) -> str:
        n, k = len(self.used), len(self.skipped)
        if not n:
            return f"No usable video in {self.folder}: training cannot start."
        return (f"{n} video{'s' * (n != 1)} will be used" + (f", {k} skipped" if k else "") + ".")


def check_folder(folder: str | Path, frames: int = 16, resolution: int = 64) -> FolderReport:
    """Which videos of `folder` a run would train on and which it skips, with the reason: the
    same reading and the same length rule as training itself."""
    from .basics.errors import StudioError
    from .engine.train import clip_span
    from .engine.footage.reading import VIDEO_SUFFIXES, read_folder
    folder = Path(folder)
    try:
        found = read_folder(folder, resolution, min_frames=clip_span(frames))
    except FileNotFoundError as e:
        raise StudioError(str(e)) from None
    except OSError as e:
        raise StudioError(f"cannot read the folder {folder}: {e.strerror or e}") from None
    report = FolderReport(str(folder), skipped=list(found.skipped))
    for v in found.videos:
        report.used.append((v.path.name, len(v.frames), v.caption))
    videos = {p.stem for p in folder.iterdir() if p.suffix.lower() in VIDEO_SUFFIXES}
    for p in sorted(folder.iterdir()):
        if p.is_file() and p.suffix.lower() not in VIDEO_SUFFIXES and not p.name.startswith("."):
            if not (p.suffix.lower() == ".txt" and p.stem in videos):          # a caption, not a stray file
                report.skipped.append((p.name, "not a video file"))
    report.skipped.sort()
    return report


# ---------------------------------------------------------------- how a run ended

def checkpoint_step(out: str | Path) -> int | None:
    """The step of the run's last checkpoint, or None when it has none."""
    from .engine import checkpoint
    info = checkpoint.info(Path(out) / TRAIN_DIR)
    return None if info is None else int(info.get("step", 0))


def sentence(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].upper() + text[1:]


def failure_sentence(output_tail: str, exit_code: int | None, out: str | Path) -> str:
    """One sentence for a run that ended badly: the CLI's own error line where there is one, else
    the last line of a traceback, else how the process died; and what was kept."""
    lines = [ln.strip() for ln in re.split(r"[\r\n]+", output_tail) if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("error: ")]
    tb = [ln for ln in lines if re.match(r"^[A-Za-z_.]*(Error|Exception|Interrupt)\b.*:", ln)]
    if errors:
        what = f"training stopped: {errors[-1][7:].rstrip('.')}"
    elif tb:
        what = f"training stopped with an internal error ({tb[-1][:160].rstrip('.')})"
    elif exit_code is None:
        what = "the training process was killed"
    elif exit_code < 0:
        what = f"the training process was killed by signal {-exit_code}"
    else:
        what = f"the training process ended with exit status {exit_code}"
    step = checkpoint_step(out)
    kept = (f"; the last checkpoint (step {step}) is kept and Resume continues from it" if step is not None
            else "; no checkpoint had been written yet")
    return sentence(what) + kept + "."


def card_summary(out: str | Path) -> str:
    """A line about a finished model from its card: steps, time, workers, figures."""
    try:
        card = json.loads((Path(out) / "model.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    r = card.get("recipe", {})
    bits = [f"{card.get('family', '?').upper()} {card.get('resolution', '?')}x{card.get('resolution', '?')}",
            f"{r.get('steps_done', '?')} steps in {r.get('train_seconds', 0):.0f} s"]
    if r.get("world_size", 1) > 1:
        bits.append(f"{r['world_size']} workers")
    if card.get("directions"):
        bits.append(f"{len(card['directions'])} directions")
    for name, value in (card.get("metrics") or {}).items():
        if isinstance(value, (int, float)):
            bits.append(f"{name} {value:.3g}")
    return ", ".join(bits)


def resume_spec(out: str | Path, steps: int | None, minutes: float | None, workers: int = 1) -> JobSpec:
    """The job that continues the run in `out`: its recipe from the card, the new length and workers."""
    card = json.loads((Path(out) / "model.json").read_text(encoding="utf-8"))
    c = card["recipe"]["config"]
    return JobSpec(out=str(out), data=c["data"], family=c["family"], resolution=c.get("resolution", 64),
                   steps=steps, minutes=minutes, workers=workers, resume=True, tiny=c.get("tiny", False),
                   batch=c.get("batch"), frames=c.get("frames"))
