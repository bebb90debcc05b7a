"""`studio bench`'s music figures, measured in this run on a synthetic 3-minute song (a 120 bpm
click track, a chord that changes every two seconds and a little noise; WAV and a LAME MP3):

- music_analysis_cold_{mp3,wav}_s: analysing the song in a new process that has imported the
  engine (as the app and the CLI have), librosa's first import included; the median of 3 runs;
- music_analysis_in_app_mp3_s: the same after `preload()` had BROWSE_S seconds, as in the app, which
  starts librosa's import when the user opens Add Music or drags a song over the window;
- drive_render_600_*: a 600-frame clip drawn with and without drives, for the bench's keyframed
  clip and for a still look (a drive makes every frame's look its own, as keys do); and the still
  look with one drive on one attribute group's direction at a time (`_by_group`: a drive that
  changes only the path or the colour reuses the decoded sprite and background, one on the
  background or the shape decodes them again for every frame);
- music_export_*: a 3-minute driven MP4 with the song: its audio and video stream durations
  (ffprobe) and how far the clicks in its last seconds are from where the song has them.
"""
from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

BPM, SECONDS, RATE = 120, 180.0, 44100
COLD = ("import time, studio.engine\nfrom studio.engine.audio_features import analyse_audio, preload\n"
        "if {browse}: preload(); time.sleep({browse})\n"
        "t = time.perf_counter(); analyse_audio({path!r}); print(time.perf_counter() - t)")
BROWSE_S = 3.0              # the app starts librosa's import when the user opens Add Music or drags a song


def synthetic_song(seconds: float = SECONDS, rate: int = RATE, seed: int = 0) -> np.ndarray:
    """(n, 2) float32: clicks on every beat, a chord changing every 2 s, noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * rate)) / rate
    roots = 110 * 2 ** (rng.integers(0, 12, int(seconds // 2) + 1) / 12)
    root = roots[(t // 2).astype(int)]
    y = sum(0.08 * np.sin(2 * np.pi * root * r * t) for r in (1, 1.25, 1.5)) + 0.02 * rng.standard_normal(len(t))
    burst = rng.uniform(-0.8, 0.8, 300) * np.exp(-np.arange(300) / 60)
    for c in beat_times(seconds):
        i = int(round(c * rate))
        y[i:i + 300] += burst[:len(y[i:i + 300])]
    return np.stack([y, y], 1).astype(np.float32)


def beat_times(seconds: float = SECONDS) -> np.ndarray:
    return np.arange(0.25, seconds - 0.1, 60 / BPM)


def write_song(folder: Path) -> tuple[Path, Path]:
    import imageio_ffmpeg
    import soundfile as sf
    wav, mp3 = folder / "song.wav", folder / "song.mp3"
    sf.write(str(wav), synthetic_song(), RATE)
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-i", str(wav), "-c:a", "libmp3lame",
                    "-b:a", "192k", str(mp3)], check=True)
    return wav, mp3


def cold_analysis_s(path: Path, repeat: int = 3, browse: float = 0.0) -> float:
    """Median seconds to analyse the song in a new process; `browse`: after the app's preload had
    that many seconds (the user choosing the file) to import librosa."""
    runs = [float(subprocess.run([sys.executable, "-c", COLD.format(path=str(path), browse=browse)], capture_output=True, text=True,
                                 check=True).stdout.split()[-1]) for _ in range(repeat)]
    return statistics.median(runs)


def _look(model) -> str:
    """The direction the bench keys and drives: size where the model has it (shapes), else sefa2."""
    return "size" if "size" in model.directions else "sefa2"


def _drives(model):
    from ..engine.audio_drives import Drive
    return (Drive(_look(model), "loudness", 1.0, 0.2), Drive("sefa1", "beat", 1.0), Drive("noise", "onset", 0.5, 0.1))


def _by_group(model) -> dict:
    """{group: (direction, feature)}: for each attribute group, the first of the model's directions that
    moves only that group's conditioning (none for footage models, whose directions have no groups)."""
    from ..engine.layered_groups import group_slices
    from ..engine.world.attributes import COND_DIM
    out = {}
    for name, vector in getattr(model, "directions", {}).items():
        moved = {g for g, (a, b) in group_slices().items() if bool(vector[a:b].any())}
        if len(vector) > COND_DIM and len(moved) == 1 and not bool(vector[COND_DIM:].any()):
            out.setdefault(moved.pop(), (name, "loudness"))
    return out


def drive_render(model, song: Path, prompt: str, repeat: int = 3) -> dict:
    """Median seconds to plan and draw 600 frames at 8 fps, with and without drives (3 drives: loudness,
    beat and onset, on a look direction, sefa1 and the noise loop)."""
    from ..engine.audio_features import clip_features
    from ..engine.audio_drives import Drive
    from ..engine.trajectory import Key, TimelineSpec
    features = clip_features(song, 8, 600)
    d = _look(model)
    keys = [Key(0.0, {d: -1.0}, "ease-in-out", 3), Key(40.0, {d: 1.5}, "linear", 9), Key(74.0, {d: 0.0})]

    def seconds(*specs) -> list[float]:
        """The median time of each spec, run in turns (a busy machine slows both alike)."""
        runs = [[] for _ in specs]
        for r in range(repeat + 1):                       # the first turn warms up
            for spec, times in zip(specs, runs):
                t = time.perf_counter()
                model.generate(prompt, 3, timeline=spec)
                if r:
                    times.append(time.perf_counter() - t)
        return [statistics.median(t) for t in runs]
    out = {}
    for group, (direction, feature) in _by_group(model).items():
        one = (Drive(direction, feature, 1.0, 0.2),)
        plain, driven = seconds(TimelineSpec(600, 8, {}, [], seed=3),
                                TimelineSpec(600, 8, {}, [], seed=3, drives=one, features=features))
        out[f"drive_render_600_still_{group}_ratio"] = round(driven / plain, 2)
    for name, k in (("keyframed", keys), ("still", [])):
        plain, driven = seconds(TimelineSpec(600, 8, {}, k, loop=bool(k), seed=3),
                                TimelineSpec(600, 8, {}, k, loop=bool(k), seed=3, drives=_drives(model), features=features))
        out[f"drive_render_600_{name}_s"] = round(plain, 3)
        out[f"drive_render_600_{name}_driven_s"] = round(driven, 3)
        out[f"drive_render_600_{name}_ratio"] = round(driven / plain, 2)
    return out


def export_drift(model, song: Path, folder: Path, prompt: str) -> dict:
    """A 3-minute driven MP4 at 8 fps with the song; stream durations and the clicks' drift at its end."""
    from ..engine.audio_features import clip_features
    from ..engine.trajectory import TimelineSpec
    from .writer import ExportSettings, Soundtrack, write_clip
    fps, frames = 8, int(SECONDS * 8)
    spec = TimelineSpec(frames, fps, {}, [], seed=3, drives=_drives(model), features=clip_features(song, fps, frames))
    out = folder / "music.mp4"
    t = time.perf_counter()
    write_clip(model.render(model.plan(prompt, 3, timeline=spec)), out, ExportSettings(fps=fps),
               soundtrack=Soundtrack(str(song)))
    figures = {"music_export_3min_s": round(time.perf_counter() - t, 2), "music_export_frame_ms": round(1000 / fps, 1)}
    probe = shutil.which("ffprobe")
    if probe:
        found = subprocess.run([probe, "-v", "error", "-show_entries", "stream=codec_type,duration", "-of", "csv=p=0",
                                str(out)], capture_output=True, text=True, check=True).stdout.split()
        lengths = {kind: float(d) for kind, d in (line.split(",") for line in found)}
        figures.update(music_export_video_s=lengths["video"], music_export_audio_s=lengths["audio"],
                       music_export_duration_gap_ms=round(abs(lengths["audio"] - lengths["video"]) * 1e3, 1))
    figures["music_export_end_click_drift_ms"] = round(_end_click_drift(out) * 1e3, 1)
    return figures


def _end_click_drift(video: Path, last: float = 10.0, rate: int = 22050) -> float:
    """The largest distance (s) between a click in the file's last `last` seconds of sound and the
    song's click nearest it."""
    import imageio_ffmpeg
    raw = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(video), "-vn", "-ac", "1", "-ar",
                          str(rate), "-f", "f32le", "-"], capture_output=True, check=True).stdout
    y = np.abs(np.frombuffer(raw, np.float32))
    start = len(y) - int(last * rate)
    loud = np.flatnonzero(y[start:] > 0.5) + start
    firsts = loud[np.r_[True, np.diff(loud) > rate // 10]] / rate          # the first loud sample of each click
    expected = beat_times()
    return float(max(np.abs(expected[np.argmin(np.abs(expected[None] - firsts[:, None]), 1)] - firsts)))


def run_music_bench(model_name: str, prompt: str) -> dict:
    from ..engine import load_model
    model = load_model(model_name, "auto")
    with tempfile.TemporaryDirectory(prefix="latent-studio-music-bench-") as d:
        wav, mp3 = write_song(Path(d))
        figures = {"music_analysis_cold_mp3_s": round(cold_analysis_s(mp3), 2),
                   "music_analysis_cold_wav_s": round(cold_analysis_s(wav), 2),
                   "music_analysis_in_app_mp3_s": round(cold_analysis_s(mp3, browse=BROWSE_S), 2)}
        figures.update(drive_render(model, mp3, prompt))
        figures.update(export_drift(model, mp3, Path(d), prompt))
    return figures
