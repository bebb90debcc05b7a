"""A training run that outlives the window (no Qt).

The window does not own the training process. `launch` starts a small supervisor,
`python -m studio.training_process DIR/train`, in a session of its own (POSIX; a detached process
group on Windows), with stdin closed and stdout/stderr appended to `DIR/train/output.log`, never a
pipe: a window that dies (closed, killed, aborted) leaves no broken pipe and sends no signal to it.
The supervisor starts the training command (`python -m studio train …`) in its own session too,
waits for it, and writes how it ended into `DIR/train/job.json`.

`job.json` holds the job (argv, spec, start time, where this run's output begins in output.log),
the supervisor's and the trainer's process ids, and at the end `exit` (the trainer's exit status,
negative for a signal) and `ended`. Any window reads it: `find_running` lists the runs still in
progress under a models folder, so a window started later re-attaches to them; pausing and
stopping go through the run's control file (`training_job.request`), as for any run.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

from .basics.files import write_text
from .basics.train_folder import OUTPUT, STATUS
from .training_job import ROOT, TRAIN_DIR, JobSpec, command, environment, log_path

MODULE = "studio.training_process"
STARTING_S = 30.0              # a job.json without pids yet: the supervisor is starting (or failed to)


def _write_json(path: Path, data: dict) -> None:
    write_text(path, json.dumps(data, indent=1))


def read_status(work: str | Path) -> dict:
    try:
        data = json.loads((Path(work) / STATUS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


# ---------------------------------------------------------------- processes

def _detached() -> dict:
    """Popen arguments that cut a process off from its parent's session and signals."""
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.DETACHED_PROCESS}
    return {"start_new_session": True}


def pid_alive(pid: int | None, marker: str = "") -> bool:
    """Whether process `pid` runs (a zombie does not); on Linux, also that its command line holds
    `marker`, so that a recycled id is not taken for the run."""
    if not pid or pid <= 0:
        return False
    if sys.platform == "win32":
        import ctypes
        kernel = ctypes.windll.kernel32
        handle = kernel.OpenProcess(0x1000, False, pid)            # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        ok = kernel.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel.CloseHandle(handle)
        return bool(ok) and code.value == 259                      # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    proc = Path(f"/proc/{pid}")
    if proc.is_dir():
        try:
            if proc.joinpath("stat").read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X"):
                return False
            if marker and marker.encode() not in proc.joinpath("cmdline").read_bytes():
                return False
        except (OSError, IndexError):
            pass
    return True


def launch(spec: JobSpec, python: str = sys.executable) -> "Run":
    """Starts `spec` detached from this process; returns the Run that follows it."""
    argv = command(spec, python)
    work = Path(spec.out) / TRAIN_DIR
    work.mkdir(parents=True, exist_ok=True)
    output = work / OUTPUT
    (work / STATUS).unlink(missing_ok=True)
    with open(output, "ab") as f:
        start = f.tell()
        f.write(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(argv)}\n".encode())
        _write_json(work / STATUS, {"argv": argv, "spec": asdict(spec), "started": time.time(),
                                    "output_from": start, "launched_by": os.getpid()})
        env = environment()
        env.setdefault("TQDM_MININTERVAL", "5")        # the progress bar: a line every 5 s in output.log
        popen = subprocess.Popen([python, "-m", MODULE, str(work)], cwd=str(ROOT), env=env,
                                 stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT, **_detached())
    return Run(spec.out, popen=popen)


def supervise(work: str | Path) -> int:
    """The supervisor's body: runs the job's argv, forwards SIGTERM (a pause) to it, and records
    how it ended in job.json."""
    work = Path(work)
    status = read_status(work)
    for name in ("SIGHUP", "SIGINT"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    try:
        child = subprocess.Popen(status["argv"], stdin=subprocess.DEVNULL, **_detached())
    except (OSError, KeyError) as e:
        print(f"error: the training process could not start ({e})", flush=True)
        status.update(pid=os.getpid(), exit=127, ended=time.time())
        _write_json(work / STATUS, status)
        return 1
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, lambda *_: child.send_signal(signal.SIGTERM))
    status.update(pid=os.getpid(), child=child.pid)
    _write_json(work / STATUS, status)
    while True:
        try:
            code = child.wait()
            break
        except InterruptedError:                    # a forwarded signal: keep waiting
            continue
    status.update(exit=code, ended=time.time())
    _write_json(work / STATUS, status)
    return 0


# ---------------------------------------------------------------- following a run

class Run:
    """A detached run seen from a window: the one that started it (`popen`) or a later one."""

    def __init__(self, out: str | Path, popen: subprocess.Popen | None = None):
        self.out = Path(out)
        self.work = self.out / TRAIN_DIR
        self.popen = popen
        self.status = read_status(self.work)

    @property
    def spec(self) -> JobSpec:
        return JobSpec(**self.status["spec"])

    @property
    def log(self) -> Path:
        return log_path(self.out)

    def refresh(self) -> dict:
        self.status = read_status(self.work) or self.status
        return self.status

    def running(self) -> bool:
        """True while the trainer (or its supervisor, about to start it) is alive."""
        st = self.refresh()
        if "exit" in st:
            return False
        if self.popen is not None and self.popen.poll() is None:
            return True                                 # our own child: the supervisor still runs
        if pid_alive(st.get("child"), str(st.get("spec", {}).get("out", ""))) or pid_alive(st.get("pid"), str(self.work)):
            return True
        if self.popen is None and "pid" not in st:      # just launched by another window
            return time.time() - st.get("started", 0) < STARTING_S
        return False

    def exit_code(self) -> int | None:
        """The trainer's exit status once it has ended (negative: killed by that signal); None when
        it ended unrecorded (its supervisor was killed too)."""
        return self.refresh().get("exit")

    def output_tail(self, chars: int = 8000) -> str:
        path = self.work / OUTPUT
        try:
            size = path.stat().st_size
            with open(path, "rb") as f:
                f.seek(max(int(self.status.get("output_from", 0)), size - chars))
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def kill(self, timeout: float = 10.0) -> None:
        """Ends the trainer at once (SIGKILL to its process group), as a crash would; the supervisor
        records it."""
        deadline = time.monotonic() + timeout
        while "child" not in self.refresh() and "exit" not in self.status and time.monotonic() < deadline:
            time.sleep(0.05)
        pid = self.status.get("child")
        if pid and "exit" not in self.status:
            try:
                if sys.platform == "win32":
                    os.kill(pid, signal.SIGTERM)        # TerminateProcess
                else:
                    os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.wait(deadline - time.monotonic())

    def wait(self, timeout: float) -> bool:
        """Waits up to `timeout` seconds for the run to end; True when it has."""
        deadline = time.monotonic() + max(0.0, timeout)
        while self.running():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        if self.popen is not None:
            try:
                self.popen.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        return True


def find_running(root: str | Path) -> list[Run]:
    """The runs in progress under the models folder `root`, the latest started first."""
    root = Path(root)
    if not root.is_dir():
        return []
    runs = []
    for status in root.glob(f"*/{TRAIN_DIR}/{STATUS}"):
        run = Run(status.parent.parent)
        if run.status.get("spec") and run.running():
            runs.append(run)
    return sorted(runs, key=lambda r: -float(r.status.get("started", 0)))


if __name__ == "__main__":
    raise SystemExit(supervise(sys.argv[1]))
