"""Files: reading one the user named, and writing atomically (a temporary name beside the target,
renamed into place when complete, so a reader never sees half a file and a failure leaves nothing).

    save_text(path, text)                        # a project, a lesson script: StudioError on failure
    with atomic_path(path) as tmp:               # anything written by name (weights, a video, a PNG)
        save_file(state, str(tmp))
    with atomic_paths(weights, card) as (tw, tc):   # several files that appear together, in order
        ...
"""
from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .errors import StudioError


def read_bytes(path: Path, kind: str) -> bytes:
    """The file's bytes; `kind` names what it should be ("a project file", "a lesson script")."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise StudioError(f"cannot open {path}: the file does not exist") from None
    except IsADirectoryError:
        raise StudioError(f"cannot open {path}: it is a folder, not {kind}") from None
    except OSError as e:
        raise StudioError(f"cannot open {path}: {e.strerror or e}") from None


def umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def folder_of(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def temp_beside(path: str | os.PathLike, suffix: str = ".partial", prefix: str | None = None,
                folder: bool = False) -> Path:
    """A new temporary file (or folder) in the target's folder, named `.<name>.XXXX<suffix>`."""
    path = Path(path)
    prefix = f".{path.name}." if prefix is None else prefix
    if folder:
        return Path(tempfile.mkdtemp(prefix=prefix, suffix=suffix, dir=folder_of(path)))
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder_of(path))
    os.close(fd)
    return Path(name)


def publish(moves) -> None:
    """Renames finished (temporary, target) pairs into place in order, each with the usual mode
    (mkstemp makes 0600); if one rename fails, the targets already placed are removed (OSError)."""
    placed = []
    try:
        for src, dst in moves:
            os.chmod(src, (0o777 if Path(src).is_dir() else 0o666) & ~umask())
            os.replace(src, dst)
            placed.append(Path(dst))
    except OSError:
        for p in placed:
            p.unlink(missing_ok=True)
        raise


def _remove(tmp: Path) -> None:
    if tmp.is_dir():
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        tmp.unlink(missing_ok=True)


@contextmanager
def atomic_paths(*targets, suffix: str = ".partial", prefix: str | None = None, folder: bool = False):
    """Yields one temporary path per target (a list); when the block ends, they take the targets'
    places in order; on any error (or a cancel) they are removed and nothing is placed."""
    targets = [Path(t) for t in targets]
    tmps = []
    try:
        for t in targets:
            tmps.append(temp_beside(t, suffix, prefix, folder))
        yield tmps
        publish(zip(tmps, targets))
    except BaseException:
        for tmp in tmps:
            _remove(tmp)
        raise


@contextmanager
def atomic_path(target, suffix: str = ".partial", prefix: str | None = None, folder: bool = False):
    """`atomic_paths` for one target: yields its temporary path."""
    with atomic_paths(target, suffix=suffix, prefix=prefix, folder=folder) as (tmp,):
        yield tmp


def write_text(path: str | os.PathLike, text: str, fsync: bool = False) -> Path:
    """Writes `text` (UTF-8) atomically; raises OSError."""
    path = Path(path)
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            if fsync:
                f.flush()
                os.fsync(f.fileno())
    return path


def save_text(path: str | os.PathLike, text: str, fsync: bool = False) -> Path:
    """Writes a document the user saves (a project, a lesson script) atomically; a failure is one
    StudioError sentence and leaves the old file as it was."""
    path = Path(path)
    if not folder_of(path).is_dir():
        raise StudioError(f"cannot save {path}: the folder {folder_of(path)} does not exist")
    try:
        return write_text(path, text, fsync)
    except OSError as e:
        raise StudioError(f"cannot save {path}: {e.strerror or e}") from None
