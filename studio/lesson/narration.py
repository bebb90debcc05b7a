"""Spoken captions with espeak-ng, a real offline speech engine (Debian: `apt-get install espeak-ng`).

    voice = Narrator()                         # StudioError with the install line if it is missing
    pcm = voice.speak("The red circle moves right.")    # int16 mono at voice.rate
    track = mix(total_seconds, [(start_s, pcm), ...], voice.rate)
    write_wav(path, track, voice.rate)
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

from ..basics.errors import StudioError

INSTALL = ("--narrate needs the espeak-ng speech engine, which is not installed; install it with "
           "`sudo apt-get install espeak-ng` (Debian/Ubuntu) and try again")


def find_engine() -> str | None:
    return shutil.which("espeak-ng") or shutil.which("espeak")


class Narrator:
    def __init__(self, voice: str = "en-us", words_per_minute: int = 150):
        exe = find_engine()
        if exe is None:
            raise StudioError(INSTALL)
        self.exe, self.voice, self.wpm = exe, voice, words_per_minute
        self.rate = 0

    def speak(self, text: str) -> np.ndarray:
        """The text spoken, as int16 mono samples at self.rate."""
        fd, name = tempfile.mkstemp(suffix=".wav")
        os.close(fd)
        try:
            run = subprocess.run([self.exe, "-v", self.voice, "-s", str(self.wpm), "-w", name, "--", text],
                                 capture_output=True, text=True, timeout=120)
            if run.returncode != 0:
                reason = (run.stderr.strip().splitlines() or ["no reason given"])[-1]
                raise StudioError(f"espeak-ng could not speak {text[:40]!r}: {reason}")
            pcm, rate = read_wav(Path(name))
        finally:
            Path(name).unlink(missing_ok=True)
        self.rate = self.rate or rate
        if rate != self.rate:                      # one voice keeps one rate; resample if it ever differs
            idx = np.linspace(0, len(pcm) - 1, max(1, round(len(pcm) * self.rate / rate)))
            pcm = np.interp(idx, np.arange(len(pcm)), pcm).astype(np.int16)
        return pcm


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2:
            raise StudioError(f"{path} is not 16-bit audio")
        data = np.frombuffer(w.readframes(w.getnframes()), np.int16)
        channels, rate = w.getnchannels(), w.getframerate()
    if channels > 1:
        data = data.reshape(-1, channels).mean(axis=1).astype(np.int16)
    return data, rate


def mix(seconds: float, parts: list[tuple[float, np.ndarray]], rate: int) -> np.ndarray:
    """One mono track `seconds` long with each part starting at its time (silence elsewhere)."""
    track = np.zeros(round(seconds * rate), np.int16)
    for start, pcm in parts:
        i = round(start * rate)
        n = max(0, min(len(pcm), len(track) - i))
        track[i:i + n] = pcm[:n]
    return track


def write_wav(path: Path, pcm: np.ndarray, rate: int) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.ascontiguousarray(pcm, np.int16).tobytes())
