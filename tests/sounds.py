"""Synthetic sounds for the music tests (numpy, seeded), and reading sound back from written files
(ffprobe for the streams, imageio-ffmpeg's ffmpeg for the samples)."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

RATE = 22050
FFPROBE = shutil.which("ffprobe")
needs_ffprobe = pytest.mark.skipif(FFPROBE is None, reason="ffprobe is not installed (apt-get install ffmpeg)")


def quiet_loud(pattern: str, seconds: float = 1.0, rate: int = RATE, seed: int = 0) -> np.ndarray:
    """White noise, one stretch of `seconds` per letter of pattern: q quiet (1% amplitude), L loud (70%)."""
    rng = np.random.default_rng(seed)
    n = int(round(seconds * rate))
    parts = [(0.01 if c == "q" else 0.7) * rng.uniform(-1, 1, n) for c in pattern]
    return np.concatenate(parts).astype(np.float32)


def click_track(clicks, seconds: float, rate: int = RATE, seed: int = 0) -> np.ndarray:
    """Near silence with a short noise burst (decaying over ~2 ms) at each time in `clicks`."""
    rng = np.random.default_rng(seed)
    y = 0.002 * rng.standard_normal(int(round(seconds * rate)))
    burst = rng.uniform(-0.9, 0.9, 200) * np.exp(-np.arange(200) / 50)
    for c in clicks:
        i = int(round(c * rate))
        y[i:i + 200] += burst[:len(y[i:i + 200])]
    return y.astype(np.float32)


def write_sound(path: Path, samples: np.ndarray, rate: int = RATE) -> Path:
    sf.write(str(path), samples, rate)
    return path


def to_mp3(wav: Path, mp3: Path) -> Path:
    """An MP3 made by a real encoder (LAME in imageio-ffmpeg's ffmpeg)."""
    import imageio_ffmpeg
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-i", str(wav), "-c:a", "libmp3lame",
                    "-b:a", "128k", str(mp3)], check=True)
    return mp3


def streams(path: Path) -> list[dict]:
    """ffprobe's streams, each with `duration` in seconds (Matroska keeps it in a DURATION tag)."""
    out = subprocess.run([FFPROBE, "-v", "error", "-show_entries",
                          "stream=codec_type,codec_name,duration:stream_tags=DURATION", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True).stdout
    found = json.loads(out)["streams"]
    for s in found:
        if "duration" not in s and "DURATION" in s.get("tags", {}):
            h, m, sec = s["tags"]["DURATION"].split(":")
            s["duration"] = int(h) * 3600 + int(m) * 60 + float(sec)
        s["duration"] = float(s["duration"])
    return found


def decoded(path: Path, rate: int = RATE) -> np.ndarray:
    """The file's sound as mono float32 at `rate` (decoded by ffmpeg)."""
    import imageio_ffmpeg
    raw = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-vn", "-ac", "1",
                          "-ar", str(rate), "-f", "f32le", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.float32)
