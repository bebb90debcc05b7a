"""Reads a folder of the user's footage into fixed-size clips (OpenCV).

Each video is decoded, centre-cropped to a square and resized to the model resolution. Clips of
T frames are cut with a stride. A file that cannot be decoded is skipped, with its reason, and the
rest go on. A video's caption comes from a `.txt` file with the same name as the video, or else
from the words of its file name (`red_ball-bouncing.mp4`: "red ball bouncing").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from ..image_fit import fit_square

CAMERA_PREFIXES = {"img", "vid", "dsc", "dscn", "dscf", "mvi", "pxl", "gopr", "dji", "mov"}   # IMG_0042.mp4: no words
VIDEO_SUFFIXES = {".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg", ".gif"}


@dataclass
class Video:
    path: Path
    frames: np.ndarray          # uint8 (N, res, res, 3) RGB
    fps: float
    caption: str


@dataclass
class FootageFolder:
    videos: list[Video] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)     # (file name, reason)

    def clip_index(self, frames: int, stride: int) -> list[tuple[int, int]]:
        """(video, first frame) for every clip of `frames` frames taken every `stride` source frames."""
        span = (frames - 1) * stride + 1
        return [(vi, s) for vi, v in enumerate(self.videos) for s in range(0, len(v.frames) - span + 1, max(1, span // 2))]

    def clip(self, vi: int, start: int, frames: int, stride: int) -> np.ndarray:
        return self.videos[vi].frames[start:start + (frames - 1) * stride + 1:stride]


def caption_from_name(path: Path) -> str:
    """The words of a file name: separators become spaces, camelCase splits, numbers and camera
    prefixes go. "" when nothing is left."""
    stem = re.sub(r"([a-z])([A-Z])", r"\1 \2", Path(path).stem)
    words = [w.lower() for w in re.split(r"[^A-Za-z0-9']+", stem) if w]
    return " ".join(w for w in words if w.isalpha() and w not in CAMERA_PREFIXES)


def read_video(path: Path, res: int, max_frames: int = 2000) -> tuple[np.ndarray, float]:
    """Decodes a video; raises ValueError with the reason when it cannot be read."""
    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        raise ValueError("OpenCV cannot open it as a video")
    fps = cap.get(cv2.CAP_PROP_FPS) or 0.0
    expected = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
    out = []
    try:
        while len(out) < max_frames:
            ok, frame = cap.read()
            if not ok:
                break
            out.append(fit_square(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB), res))
    finally:
        cap.release()
    if not out:
        raise ValueError("no frame could be decoded")
    if expected and len(out) < min(expected, max_frames) * 0.9:
        raise ValueError(f"decoding stopped after {len(out)} of {expected} frames (corrupt stream)")
    return np.stack(out), fps


def read_folder(folder: str | Path, res: int = 64, min_frames: int = 1) -> FootageFolder:
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder")
    result = FootageFolder()
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in VIDEO_SUFFIXES):
        try:
            frames, fps = read_video(path, res)
        except ValueError as e:
            result.skipped.append((path.name, str(e)))
            continue
        if len(frames) < min_frames:
            result.skipped.append((path.name, f"only {len(frames)} frames, fewer than the {min_frames} a clip needs"))
            continue
        txt = path.with_suffix(".txt")
        caption = txt.read_text(encoding="utf-8", errors="replace").strip() if txt.is_file() else ""
        caption = caption or caption_from_name(path)
        result.videos.append(Video(path, frames, fps, caption))
    return result
