"""What a song does over time: loudness, onsets, beats and three bands, each 0..1 per clip frame.

    a = analyse_audio("song.mp3")                         # decoded and analysed once per file (cached)
    f = feature_frames(a, fps=24, frames=240, offset=12.0) # {feature: (240,) float64 in 0..1}
    f["beat"]                                             # 1 on the frame that holds a beat, then decaying

Decoding is libsndfile (soundfile: WAV, FLAC, OGG and MP3), analysis is librosa on a mono mix at
22050 Hz (hop 512: 43 analysis frames a second). Every curve is divided by its maximum over the
whole song, so one song gives the same values whatever part of it a clip uses. The beats are a
tempo grid (librosa's tempo estimate over the onset strength, phased on the onsets and each beat
snapped to the strongest onset near it): librosa.beat compiles a numba kernel on every import
(about 2 s), which alone would take most of the 3 s budget for a cold analysis of a 3-minute song.
No Qt, no torch: the CLI, the project, the engine thread and the tests share it.
"""
from __future__ import annotations

import math
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..basics.errors import StudioError

FEATURES = ("loudness", "onset", "beat", "low", "mid", "high")
CURVES = ("loudness", "onset", "low", "mid", "high")      # the features sampled from analysis curves


@dataclass(frozen=True)
class AudioConfig:
    sample_rate: int = 22050          # the mono mix is analysed at this rate
    hop: int = 512                    # samples between analysis frames
    n_fft: int = 2048
    low_hz: float = 200.0             # low: below this; mid: up to mid_hz; high: above
    mid_hz: float = 2000.0
    beat_decay: float = 0.1           # seconds: the beat pulse falls to 1/e this long after a beat
    snap: float = 0.125               # a grid beat moves to the strongest onset within this share of a beat
    quiet: float = 0.25               # a beat whose onset stands above the song's median onset by less
                                      # than this share of a typical beat's is dropped (silence, fades)


@dataclass
class AudioAnalysis:
    path: str
    duration: float                   # seconds of sound
    rate: float                       # analysis frames per second (frame k is at k / rate seconds)
    curves: dict = field(default_factory=dict)   # {name in CURVES: (n,) float32 in 0..1}
    beats: np.ndarray = field(default_factory=lambda: np.zeros(0))   # beat times, seconds
    tempo: float = 0.0                # beats per minute
    peaks: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))   # (n,) max |sample| per frame: the waveform
    config: AudioConfig = field(default_factory=AudioConfig)


def _check_feature(name: str) -> str:
    if name not in FEATURES:
        raise StudioError(f"unknown audio feature {name!r}; use {', '.join(FEATURES)}")
    return name


def _open_error(path: Path) -> StudioError | None:
    if not path.exists():
        return StudioError(f"the audio file {path} does not exist")
    if path.is_dir():
        return StudioError(f"the audio file {path} is a folder, not a sound file")
    if not os.access(path, os.R_OK):
        return StudioError(f"the audio file {path} cannot be read (no permission)")
    return None


def audio_duration(path: str | os.PathLike) -> float:
    """Seconds of sound in the file (from its header; no decoding), or StudioError with one sentence."""
    import soundfile as sf
    path = Path(path)
    if (err := _open_error(path)) is not None:
        raise err
    try:
        info = sf.info(str(path))
    except (RuntimeError, OSError, ValueError):
        raise StudioError(f"cannot read the audio file {path}: it is not WAV, FLAC, OGG or MP3 sound") from None
    if info.frames <= 0 or info.samplerate <= 0:
        raise StudioError(f"the audio file {path} holds no sound")
    return info.frames / info.samplerate


def read_audio(path: str | os.PathLike, sample_rate: int) -> np.ndarray:
    """The file's sound as a mono float32 mix at `sample_rate`, or StudioError with one sentence."""
    import soundfile as sf
    path = Path(path)
    if (err := _open_error(path)) is not None:
        raise err
    try:
        data, native = sf.read(str(path), dtype="float32", always_2d=True)
    except (RuntimeError, OSError, ValueError):
        raise StudioError(f"cannot read the audio file {path}: it is not WAV, FLAC, OGG or MP3 sound") from None
    if data.size == 0:
        raise StudioError(f"the audio file {path} holds no sound")
    mono = data.mean(axis=1)
    if native == sample_rate:
        return np.ascontiguousarray(mono)
    import librosa
    return librosa.resample(mono, orig_sr=native, target_sr=sample_rate, res_type="soxr_hq")


def _unit(curve: np.ndarray) -> np.ndarray:
    """Divided by its maximum (all zeros stay zeros), as float32."""
    top = float(np.max(curve)) if curve.size else 0.0
    return (curve / top if top > 0 else np.zeros_like(curve)).astype(np.float32)


def _beat_grid(onset: np.ndarray, rate: float, cfg: AudioConfig) -> tuple[np.ndarray, float]:
    """(beat times in seconds, tempo in bpm): librosa's global tempo; the first beat where a grid
    of that tempo meets the strongest onsets; then beat after beat one period on, each moved to the
    strongest onset within `snap` of a beat (so the beats follow the music where the estimated
    period is a little off, as its resolution of one analysis frame makes it). Beats on silence go."""
    import librosa
    if not onset.size or not np.any(onset > 0):
        return np.zeros(0), 0.0
    tempo = float(librosa.feature.tempo(onset_envelope=onset, sr=cfg.sample_rate, hop_length=cfg.hop)[0])
    if not math.isfinite(tempo) or tempo <= 0:
        return np.zeros(0), 0.0
    period = 60.0 * rate / tempo                              # analysis frames per beat
    n = len(onset)
    reach = max(1, int(round(period * cfg.snap)))
    near = librosa.util.localmax(onset) * onset               # the onsets' peaks
    grid = np.arange(0.0, min(n, 8 * period), period)        # the first eight beats choose the phase
    phases = np.arange(int(math.ceil(period)))
    spots = np.rint(phases[:, None] + grid[None]).astype(int)
    top = np.array([[near[max(0, j - reach):j + reach + 1].max(initial=0.0) for j in row] for row in spots])
    beat = int(phases[int(np.argmax(top.sum(1)))])
    beats = []
    while beat < n:
        lo, hi = max(0, beat - reach), min(n, beat + reach + 1)
        found = lo + int(np.argmax(near[lo:hi]))
        beat = found if near[found] > 0 else beat
        beats.append(beat)
        beat = int(round(beat + period))
    beats = np.array(beats)
    strength, floor = onset[beats], float(np.median(onset))
    keep = strength - floor >= cfg.quiet * (float(np.median(strength)) - floor)
    return np.unique(beats[keep]) / rate, tempo


def _analyse(path: Path, cfg: AudioConfig) -> AudioAnalysis:
    import librosa
    y = read_audio(path, cfg.sample_rate)
    sr, hop = cfg.sample_rate, cfg.hop
    spec = np.abs(librosa.stft(y, n_fft=cfg.n_fft, hop_length=hop))
    power = spec ** 2
    rms = librosa.feature.rms(S=spec, frame_length=cfg.n_fft)[0]
    mel = librosa.feature.melspectrogram(S=power, sr=sr)
    # center=False: the flux of a click peaks 0.3 to 1.2 analysis frames before it (librosa's centring
    # shifts it 2 frames, to 1.1 to 1.7 frames after it); one frame of delay puts it within half a frame
    onset = librosa.onset.onset_strength(S=librosa.power_to_db(mel, ref=np.max), sr=sr, hop_length=hop, center=False)
    n = spec.shape[1]
    onset = np.pad(onset, (1, max(0, n - len(onset) - 1)))[:n]
    freqs = librosa.fft_frequencies(sr=sr, n_fft=cfg.n_fft)
    bands = {"low": freqs < cfg.low_hz, "mid": (freqs >= cfg.low_hz) & (freqs < cfg.mid_hz), "high": freqs >= cfg.mid_hz}
    curves = {"loudness": _unit(rms), "onset": _unit(onset)}
    curves.update({name: _unit(np.sqrt(power[sel].sum(0))) for name, sel in bands.items()})
    rate = sr / hop
    frames = librosa.util.frame(np.pad(np.abs(y), (hop // 2, hop * n)), frame_length=hop, hop_length=hop)[:, :n]
    beats, tempo = _beat_grid(onset, rate, cfg)
    return AudioAnalysis(str(path), len(y) / sr, rate, curves, beats, tempo, frames.max(0).astype(np.float32), cfg)


_CACHE: dict = {}
_CACHE_SIZE = 4
_LOCK = threading.Lock()


def analyse_audio(path: str | os.PathLike, config: AudioConfig | None = None) -> AudioAnalysis:
    """The song's analysis, or StudioError with one sentence. Kept for the file as it is on disk
    (path, size, modification time): asking again is free until the file changes."""
    cfg = config or AudioConfig()
    path = Path(path).absolute()
    if (err := _open_error(path)) is not None:
        raise err
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns, cfg)
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
    result = _analyse(path, cfg)
    with _LOCK:
        _CACHE[key] = result
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
    return result


def _windows(analysis: AudioAnalysis, fps: float, frames: int, offset: float):
    """For each clip frame (it covers song time [offset + i/fps, offset + (i+1)/fps)): the analysis
    frames inside it as an index table (frames, width) and a mask of the valid cells. A frame
    shorter than an analysis hop takes the analysis frame nearest its middle."""
    n = len(analysis.peaks)
    t0 = offset + np.arange(frames, dtype=np.float64) / fps
    lo = np.ceil(t0 * analysis.rate - 1e-9).astype(np.int64)
    hi = np.ceil((t0 + 1.0 / fps) * analysis.rate - 1e-9).astype(np.int64)
    empty = hi <= lo
    mid = np.rint((t0 + 0.5 / fps) * analysis.rate).astype(np.int64)
    lo = np.where(empty, mid, lo)
    hi = np.where(empty, mid + 1, hi)
    width = int(max(1, (hi - lo).max())) if frames else 1
    idx = lo[:, None] + np.arange(width)[None]
    valid = (idx < hi[:, None]) & (idx >= 0) & (idx < n)
    return np.clip(idx, 0, max(n - 1, 0)), valid


def beat_pulse(beats: np.ndarray, fps: float, frames: int, offset: float, decay: float) -> np.ndarray:
    """(frames,) 1 on each frame that holds a beat, exp(-seconds since the beat / decay) after it,
    0 before the first beat."""
    t0 = offset + np.arange(frames, dtype=np.float64) / fps
    last = np.searchsorted(beats, t0 + 1.0 / fps, side="left") - 1       # the last beat before the frame ends
    since = np.maximum(t0 - beats[np.clip(last, 0, None)], 0.0) if len(beats) else np.zeros(frames)
    return np.where(last >= 0, np.exp(-since / decay), 0.0)


def feature_frames(analysis: AudioAnalysis, fps: float, frames: int, offset: float = 0.0,
                   names=FEATURES) -> dict[str, np.ndarray]:
    """{feature: (frames,) float64 in 0..1}: clip frame i shows the song from offset + i / fps.
    Loudness and the bands are the mean over the frame's time, onset its maximum (a short peak is
    never skipped), beat the pulse; past the end of the song everything is 0."""
    if fps <= 0 or frames < 0:
        raise StudioError(f"features need a positive fps and a frame count, not {fps} and {frames}")
    idx, valid = _windows(analysis, fps, frames, offset)
    out = {}
    for name in names:
        _check_feature(name)
        if name == "beat":
            out[name] = beat_pulse(analysis.beats, fps, frames, offset, analysis.config.beat_decay)
            continue
        cells = np.where(valid, analysis.curves[name].astype(np.float64)[idx], 0.0)
        if name == "onset":
            out[name] = cells.max(axis=1)
        else:
            out[name] = cells.sum(axis=1) / np.maximum(valid.sum(axis=1), 1)
    return out


def clip_features(path: str | os.PathLike, fps: float, frames: int, offset: float = 0.0,
                  names=FEATURES) -> dict[str, np.ndarray]:
    """`feature_frames` of the file at `path` (analysed once, then cached)."""
    return feature_frames(analyse_audio(path), fps, frames, offset, names)


_PRELOAD: list = []


def preload() -> None:
    """Starts importing librosa's analysis modules on a background thread (once per process) and
    returns at once. They take about 2 s to import (scipy.signal, numba's cached kernels), which is
    most of a cold analysis: the app calls this when the user starts choosing or dragging a song,
    so that the import runs while they browse."""
    with _LOCK:
        if _PRELOAD:
            return
        thread = threading.Thread(target=_import_analysis, name="librosa-preload", daemon=True)
        _PRELOAD.append(thread)
    thread.start()


def _import_analysis() -> None:
    import librosa.feature  # noqa: F401
    import librosa.onset  # noqa: F401


def warm_up() -> float:
    """Analyses a second of noise so that numba compiles librosa's kernels into its cache (about 15 s
    once after installing; scripts/setup.sh runs it). Returns the seconds it took."""
    import tempfile
    import time

    import soundfile as sf
    t = time.perf_counter()
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "noise.wav"
        sf.write(str(path), np.random.default_rng(0).uniform(-0.5, 0.5, 22050).astype(np.float32), 22050)
        analyse_audio(path)
    return time.perf_counter() - t
