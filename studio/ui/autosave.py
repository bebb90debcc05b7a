"""No lost work: while the document has unsaved changes, a copy is written to the user's data folder
at least every minute; the next start after a crash (or `kill -9`) offers to recover it.

    autosave = Autosave(window)          # the app does this; tests pass interval_ms and folder
    autosave.offer_recovery()            # at start: Recover / Discard for a copy a dead session left
    autosave.finish()                    # after a clean close: the copy goes

Each running app writes `autosave-<pid>.lstudio` (atomically, through `Project.save`) and a small
`autosave-<pid>.json` beside it naming the project file it belongs to. A copy whose process is no
longer alive was left by a session that did not close properly. The copy goes away as soon as the
document is clean again (saved, or undone back to the saved state), and after a clean close.
"""
from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QMessageBox

log = logging.getLogger(__name__)
INTERVAL_MS = 60_000                 # the promise: at least every 60 s while there are changes
ENV = "LATENT_STUDIO_DATA"           # overrides the user's data folder (tests, portable installs)


def data_dir() -> Path:
    """The user's data folder for Latent Studio (platformdirs), or $LATENT_STUDIO_DATA."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    import platformdirs
    return Path(platformdirs.user_data_dir("LatentStudio", appauthor=False))


def autosave_dir() -> Path:
    return data_dir() / "autosave"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True                 # someone else's process (or unknown): do not take its copy
    return True


def _pid_of(path: Path) -> int | None:
    try:
        return int(path.stem.split("-", 1)[1])
    except (IndexError, ValueError):
        return None


def left_behind(folder: Path) -> list[Path]:
    """Autosaved copies whose session has ended without a clean close, newest first."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.glob("autosave-*.lstudio") if (pid := _pid_of(p)) is not None and not _alive(pid)]
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def _meta(path: Path) -> dict:
    try:
        meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        return meta if isinstance(meta, dict) else {}
    except (OSError, ValueError):
        return {}


def _remove(path: Path) -> None:
    for p in (path, path.with_suffix(".json")):
        p.unlink(missing_ok=True)


class Autosave(QObject):
    """Watches one window: writes its project while dirty, drops the copy when it is clean."""

    def __init__(self, window, interval_ms: int = INTERVAL_MS, folder: str | os.PathLike | None = None):
        super().__init__(window)
        self.window = window
        self.folder = Path(folder) if folder is not None else autosave_dir()
        self.path = self.folder / f"autosave-{os.getpid()}.lstudio"
        self._written: dict | None = None              # what the copy on disk holds
        self.timer = QTimer(self, interval=int(interval_ms), timeout=self.tick)
        self.timer.start()
        window.installEventFilter(self)                 # ModifiedChange: clean again means no copy

    # ------------------------------------------------------------------ writing
    def tick(self) -> None:
        """Writes the document if it has unsaved changes that the copy does not hold yet."""
        try:
            if not self.window.is_dirty():
                self.discard()
                return
            project = self.window.project()
            project.model = project.model or "shapes-vae"      # a copy must be a loadable document
            doc = project.to_dict()
            if doc == self._written:
                return
            self.folder.mkdir(parents=True, exist_ok=True)
            meta = {"project_path": self.window.project_path, "saved_at": time.time(), "pid": os.getpid()}
            self.path.with_suffix(".json").write_text(json.dumps(meta), encoding="utf-8")
            project.save(self.path)
            self._written = doc
        except Exception as e:            # noqa: BLE001 - an autosave must never take the app down
            log.warning("autosave to %s failed: %s", self.path, e)

    def discard(self) -> None:
        """Removes this session's copy (the document is saved or clean)."""
        if self._written is not None or self.path.exists():
            _remove(self.path)
            self._written = None

    def finish(self) -> None:
        """A clean close: stop, and leave nothing to recover."""
        self.timer.stop()
        self.discard()

    def eventFilter(self, obj, event):                # noqa: N802 (Qt name)
        if obj is self.window and event.type() == QEvent.Type.ModifiedChange and not obj.isWindowModified():
            self.discard()
        return False

    # ------------------------------------------------------------------ recovering
    def ask_recover(self, path: Path, meta: dict) -> bool:
        """True to recover the copy (tests replace this)."""
        name = Path(meta["project_path"]).name if meta.get("project_path") else "an untitled project"
        when = time.strftime("%H:%M on %d %b", time.localtime(meta.get("saved_at") or path.stat().st_mtime))
        box = QMessageBox(QMessageBox.Icon.Question, "Recover unsaved work",
                          f"Latent Studio did not close properly last time. Changes to {name} were "
                          f"autosaved at {when}. Recover them?", parent=self.window)
        recover = box.addButton("Recover", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(recover)
        box.exec()
        return box.clickedButton() is recover

    def offer_recovery(self) -> bool:
        """Offers the newest copy a dead session left; True when it was recovered."""
        stale = left_behind(self.folder)
        if not stale:
            return False
        newest, meta = stale[0], _meta(stale[0])
        recovered = False
        if self.ask_recover(newest, meta):
            recovered = self.recover(newest, meta.get("project_path"))
        for p in stale:
            _remove(p)
        return recovered

    def recover(self, path: Path, project_path: str | None = None) -> bool:
        """Opens the copy as an unsaved document (it keeps the project file it belonged to)."""
        from studio.basics.errors import StudioError
        from studio.project import Project
        w = self.window
        try:
            project = Project.load(path)
        except StudioError as e:
            w._error("open", f"the autosaved work could not be recovered: {e}")
            return False
        w.project_path = project_path or None
        w.files.apply_project(project)
        # the document stays unsaved, also once its model has loaded (no first-load defaults either)
        w._first_load = w._clean_after_load = False
        w.doc.mark_unsaved()
        w._update_title()
        w._say("Recovered the autosaved work; save it to keep it")
        self.tick()                                     # this session's copy holds it from now on
        return True


def install(window, seconds: float = INTERVAL_MS / 1000, edit_prompt: str | None = None) -> Autosave:
    """The app's hook: autosave the window, and offer what a crashed session left once it is up."""
    autosave = Autosave(window, int(max(0.05, seconds) * 1000))
    QTimer.singleShot(0, autosave.offer_recovery)
    if edit_prompt:                                     # tests: an unsaved change, typed once the clip is up
        def edit():
            window.clipReady.disconnect(edit)
            window.prompt.editor.set_text(edit_prompt)
        window.clipReady.connect(edit)
    return autosave
