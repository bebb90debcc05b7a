"""WebM has no C2PA binding (the reference library cannot embed or read a manifest in it), so a WebM
export carries the same facts as Matroska tags, written by ffmpeg with `-c copy` (no re-encode) into
a file beside the original that is then renamed over it.

These tags are NOT Content Credentials: nothing signs them and nothing binds them to the frames, so
anyone can change or strip them. They say the clip was made by a model for tools that show container
metadata (ffprobe, mediainfo, VLC); export MP4 or GIF when the clip must carry verifiable credentials.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..basics.errors import StudioError

# tag -> GenerationFacts.generation() key; GENERATOR, SOURCE_TYPE and NOTE are written beside them
TAGS = {"AI_MODEL": "model", "AI_MODEL_VERSION": "model_version", "AI_SEED": "seed", "AI_PROMPT": "prompt",
        "AI_FRAMES": "frames", "AI_FPS": "fps", "AI_IMAGE_TO_VIDEO": "image_to_video"}
GENERATOR_TAG, SOURCE_TYPE_TAG, NOTE_TAG = "AI_GENERATOR", "DIGITAL_SOURCE_TYPE", "COMMENT"
NOTE = "Made by a model with Latent Studio (unsigned metadata: WebM cannot carry C2PA Content Credentials)"


def _ffmpeg() -> str:
    import imageio_ffmpeg
    return imageio_ffmpeg.get_ffmpeg_exe()


def write_webm_metadata(path: Path, facts) -> Path:
    """Writes the facts as tags into the WebM at path, atomically. Raises StudioError."""
    from .credentials import GENERATOR, app_version
    path = Path(path)
    if not path.is_file():
        raise StudioError(f"cannot add credentials metadata to {path}: there is no such file")
    tags = {GENERATOR_TAG: f"{GENERATOR} {app_version()}", SOURCE_TYPE_TAG: facts.source_type(), NOTE_TAG: NOTE}
    gen = facts.generation()
    tags.update({tag: _text(gen[key]) for tag, key in TAGS.items() if key in gen})
    try:
        fd, tmpname = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tagging.webm", dir=path.parent)
        os.close(fd)
    except OSError as e:
        raise StudioError(f"cannot add credentials metadata to {path}: {e.strerror or e}") from None
    tmp = Path(tmpname)
    cmd = [_ffmpeg(), "-v", "error", "-y", "-i", str(path), "-map", "0", "-c", "copy", "-map_metadata", "0"]
    for tag, value in tags.items():
        cmd += ["-metadata", f"{tag}={value}"]
    cmd += ["-f", "webm", str(tmp)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            why = (done.stderr.strip().splitlines() or ["ffmpeg failed"])[-1]
            raise StudioError(f"could not add credentials metadata to {path.name}: {why}")
        shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except OSError as e:
        raise StudioError(f"could not add credentials metadata to {path.name}: {e.strerror or e}") from None
    finally:
        tmp.unlink(missing_ok=True)
    return path


def read_webm_tags(path: Path) -> dict[str, str]:
    """The file's global tags (upper-case names), read through ffmpeg's ffmetadata output."""
    done = subprocess.run([_ffmpeg(), "-v", "error", "-i", str(path), "-f", "ffmetadata", "-"],
                          capture_output=True, text=True, encoding="utf-8", errors="replace")
    if done.returncode != 0:
        why = (done.stderr.strip().splitlines() or ["ffmpeg could not read it"])[-1]
        raise StudioError(f"cannot read the metadata of {path.name}: {why}")
    tags = {}
    for key, value in _entries(done.stdout):
        if key is None and value.startswith("["):
            break                                   # stream and chapter sections follow the global tags
        if key is not None and not key.startswith((";", "#")):
            tags[key.upper()] = value
    return tags


def _entries(text: str) -> list[tuple[str | None, str]]:
    """ffmetadata's lines as (key, value), its backslash escapes (for = ; # \\ and newline) undone;
    key None for a line with no unescaped '=' (the header, comments, section names)."""
    entries, cur, key, i = [], [], None, 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            cur.append(text[i + 1])
            i += 2
            continue
        if c == "\n":
            entries.append((key, "".join(cur)))
            cur, key = [], None
        elif c == "=" and key is None:
            key, cur = "".join(cur), []
        else:
            cur.append(c)
        i += 1
    if cur or key is not None:
        entries.append((key, "".join(cur)))
    return entries


def _text(value) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
