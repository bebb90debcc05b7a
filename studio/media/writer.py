"""Writes clips: MP4 (H.264, yuv420p), WebM (VP9), GIF, a PNG sequence (a directory) or .npy.
MP4 and WebM carry a soundtrack when given one (AAC and Opus), cut to the clip's length.

Writing is atomic: frames go to a temporary name beside the target, which is renamed into place
only when everything is written. A cancel or an error leaves no partial file behind.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from ..basics.errors import StudioError
from ..basics.export_sizes import SIZES
from ..basics.files import atomic_path

VIDEO_FORMATS = {".mp4": ("libx264", ["-pix_fmt", "yuv420p", "-crf", "18", "-preset", "medium"]),
                 ".webm": ("libvpx-vp9", ["-pix_fmt", "yuv420p", "-b:v", "0", "-crf", "30", "-deadline", "good"])}
AUDIO_CODECS = {".mp4": ["-c:a", "aac", "-b:a", "160k"], ".webm": ["-c:a", "libopus", "-b:a", "128k"]}
SUFFIXES = (".mp4", ".webm", ".gif", ".npy")


class Cancelled(Exception):
    pass


@dataclass
class ExportSettings:
    size: str = "native"          # a key of SIZES
    fit: str = "letterbox"        # letterbox or crop, when the frame and the size differ in aspect
    scaling: str = "native"       # native (the model draws at the export size), smooth or pixel (nearest)
    fps: int = 8


@dataclass(frozen=True)
class Soundtrack:
    """A song under a clip: the clip's first frame shows `offset` seconds into it. It is cut to the
    clip's length and padded with silence where it ends sooner."""
    path: str
    offset: float = 0.0

    def output_args(self, kind: str, seconds: float) -> list:
        """ffmpeg's output arguments for this song (its second input) from `offset`, `seconds` long."""
        trim = f"atrim=start={self.offset:.6f},asetpts=PTS-STARTPTS,apad,atrim=end={seconds:.6f}"
        return ["-af", trim, *AUDIO_CODECS[kind]]


def kind_of(path: Path) -> str:
    """'dir' for a PNG sequence, else the suffix; raises StudioError for an unknown suffix."""
    suffix = path.suffix.lower()
    if suffix in SUFFIXES:
        return suffix
    if suffix == "" or path.is_dir():
        return "dir"
    raise StudioError(f"unknown output format {path.suffix!r}; use .mp4, .webm, .gif, .npy or a folder for PNG frames")


def check_writable(path: Path) -> None:
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise StudioError(f"cannot write {path}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise StudioError(f"cannot write {path}: the folder {parent} is not writable")


def resize_frame(frame: np.ndarray, settings: ExportSettings) -> np.ndarray:
    target = SIZES.get(settings.size, "bad")
    if target == "bad":
        raise StudioError(f"unknown size {settings.size!r}; use one of {', '.join(SIZES)}")
    if target is None:
        return frame
    tw, th = target
    h, w = frame.shape[:2]
    interp = cv2.INTER_NEAREST if settings.scaling == "pixel" else cv2.INTER_CUBIC   # native: drawn at size
    if settings.fit == "crop":
        s = max(tw / w, th / h)
        big = cv2.resize(frame, (round(w * s), round(h * s)), interpolation=interp)
        y, x = (big.shape[0] - th) // 2, (big.shape[1] - tw) // 2
        return np.ascontiguousarray(big[y:y + th, x:x + tw])
    s = min(tw / w, th / h)
    fit = (round(w * s), round(h * s))
    small = frame if fit == (w, h) else cv2.resize(frame, fit, interpolation=interp)
    out = np.zeros((th, tw, 3), np.uint8)
    y, x = (th - small.shape[0]) // 2, (tw - small.shape[1]) // 2
    out[y:y + small.shape[0], x:x + small.shape[1]] = small
    return out


def write_clip(frames: np.ndarray, path: str | os.PathLike, settings: ExportSettings | None = None,
               progress=None, cancelled=lambda: False, overlay=None, credentials=None, identity=None,
               soundtrack: Soundtrack | None = None) -> Path:
    """frames: uint8 (T, H, W, 3) RGB, or frames drawn as they are written (anything with len() whose
    iteration gives such frames: `studio.project_frames.ExportFrames`). progress(done, total) is called
    per frame; cancelled() may stop it.
    overlay(frame, index) -> frame draws titles or captions on the resized frame.
    credentials: a `credentials.GenerationFacts`; the file (each PNG frame) is signed with Content
    Credentials (WebM: the same facts as tags) before it is renamed into place, so a failure to
    sign leaves no file. identity: a `SigningIdentity` (default: the local one).
    soundtrack: the song an MP4 or WebM carries, muxed before signing (other formats have no sound)."""
    try:
        return _write_clip(frames, Path(path), settings, progress, cancelled, overlay, credentials, identity,
                           soundtrack)
    except OSError as e:
        reason = e.strerror or (str(e).strip().splitlines() or ["input/output error"])[0]
        raise StudioError(f"cannot write {path}: {reason}") from None


class SigningFailed(StudioError):
    """The clip was drawn but could not be signed with Content Credentials; nothing was written."""


def _sign(tmp: Path, kind: str, final: Path, facts, identity) -> None:
    if facts is None or kind == ".npy":
        return
    from .credentials import sign_file, sign_folder
    try:
        if kind == "dir":
            sign_folder(tmp, facts, identity)
        else:
            sign_file(tmp, facts, identity, title=final.name)
    except StudioError as e:                # its message names the temporary file: give the reason only
        raise SigningFailed(f"could not sign {final.name} with Content Credentials: {str(e).split(': ', 1)[-1]}") from None


def _write_clip(frames, path: Path, settings, progress, cancelled, overlay, credentials=None, identity=None,
                soundtrack=None) -> Path:
    settings = settings or ExportSettings()
    path = Path(path)
    kind = kind_of(path)
    bad = StudioError("a clip must be a non-empty uint8 array of shape frames x height x width x 3")
    if not hasattr(frames, "__len__") or isinstance(frames, np.ndarray) or not hasattr(frames, "__iter__"):
        frames = np.asarray(frames)
        if frames.ndim != 4 or frames.shape[-1] != 3 or frames.dtype != np.uint8:
            raise bad
    if len(frames) == 0:
        raise bad
    if settings.fps < 1 or settings.fps > 120:
        raise StudioError(f"fps must be between 1 and 120, not {settings.fps}")
    check_writable(path)
    if soundtrack is not None and kind in VIDEO_FORMATS:
        from ..engine.audio_features import audio_duration
        audio_duration(soundtrack.path)                 # a missing or unreadable song: one sentence, nothing written
    if kind == "dir" and path.exists() and any(path.iterdir()):
        raise StudioError(f"{path} is a folder that is not empty; choose a new folder for PNG frames")
    total = len(frames)

    def frames_out():
        for i, f in enumerate(frames):
            if cancelled():
                raise Cancelled()
            if f.ndim != 3 or f.shape[-1] != 3 or f.dtype != np.uint8:
                raise bad
            f = resize_frame(f, settings)
            if overlay is not None:
                f = overlay(f, i)
            yield np.ascontiguousarray(f)
            if progress:
                progress(i + 1, total)

    if kind == "dir":
        with atomic_path(path, folder=True) as tmp:
            for i, f in enumerate(frames_out()):
                if not cv2.imwrite(str(tmp / f"frame_{i:05d}.png"), f[..., ::-1]):
                    raise StudioError(f"could not write PNG frames into {tmp.parent}")
            _sign(tmp, kind, path, credentials, identity)
            if path.exists():
                path.rmdir()
        return path
    # the temporary name keeps the suffix: np.save keeps a name ending in .npy, ffmpeg picks the format by it
    with atomic_path(path, prefix=f".{path.stem}.", suffix=f".partial{kind}") as tmp:
        if kind == ".npy":
            np.save(tmp, np.stack(list(frames_out())), allow_pickle=False)
        elif kind == ".gif":
            from PIL import Image
            imgs = [Image.fromarray(f) for f in frames_out()]
            imgs[0].save(tmp, format="GIF", save_all=True, append_images=imgs[1:], loop=0,
                         duration=round(1000 / settings.fps), disposal=2, optimize=False)
        else:
            import imageio_ffmpeg
            codec, params = VIDEO_FORMATS[kind]
            it = frames_out()
            first = next(it)
            h, w = first.shape[:2]
            sound = {}
            if soundtrack is not None:
                sound = {"audio_path": str(soundtrack.path)}
                params = params + soundtrack.output_args(kind, total / settings.fps)
            writer = imageio_ffmpeg.write_frames(str(tmp), (w, h), fps=settings.fps, codec=codec,
                                                 output_params=list(params), macro_block_size=1, quality=None,
                                                 ffmpeg_log_level="error", **sound)
            writer.send(None)
            try:
                writer.send(first)
                for f in it:
                    writer.send(f)
            finally:
                writer.close()
        _sign(tmp, kind, path, credentials, identity)
    return path
