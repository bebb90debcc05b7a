"""Reading a file the user named, with one clear sentence for each way it can fail (no Qt)."""
from __future__ import annotations

from pathlib import Path

from .engine.errors import StudioError


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
