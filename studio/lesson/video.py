"""Renders a lesson: the title card, then each shot, into one video with a soft subtitle track,
SRT and WebVTT sidecars, one chapter per shot, and (with narration) a spoken track.

One ffmpeg run does it all: raw frames arrive on its stdin, the cues, the chapters and the
narration come from small files, and the result is written under a hidden temporary folder
beside the target. Only a finished lesson is renamed into place (sidecars first, then the
video), so a failed or cancelled lesson leaves nothing behind.

Timing: each part lasts its length rounded to the nearest frame (at least one frame); with
narration a part lasts at least its speech plus a short pause. Cue and chapter times are
computed from those frame numbers, so they fall exactly on the shots' first and last frames.
"""
from __future__ import annotations

import math
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..basics.errors import StudioError
from ..basics.files import publish, temp_beside
from ..media.writer import VIDEO_FORMATS, Cancelled, ExportSettings, check_writable, resize_frame
from .script import Lesson, Shot, check_length, shot_frames
from .subtitles import Cue, to_ffmetadata, to_srt, to_vtt

SUFFIXES = (".mp4", ".webm", ".npy")
SUBTITLE_CODEC = {".mp4": "mov_text", ".webm": "webvtt"}
AUDIO_CODEC = {".mp4": ["-c:a", "aac", "-b:a", "96k"], ".webm": ["-c:a", "libopus", "-b:a", "64k"]}
TITLE_BACKGROUND = (24, 30, 42)
NARRATION_PAUSE = 0.4                      # seconds of silence after a spoken caption


@dataclass
class Segment:
    start: int                             # first frame
    frames: int
    text: str                              # the title (title card) or the caption (shot)
    shot: Shot | None = None               # None: the title card

    @property
    def end(self) -> int:
        return self.start + self.frames


@dataclass
class LessonResult:
    path: Path
    sidecars: list[Path] = field(default_factory=list)
    frames: int = 0
    fps: int = 8
    width: int = 0
    height: int = 0
    chapters: int = 0
    cues: int = 0
    narrated: bool = False

    @property
    def seconds(self) -> float:
        return self.frames / self.fps


# ---------------------------------------------------------------------- timeline
def plan_segments(lesson: Lesson, fps: int, title_seconds: float, spoken: dict[int, float] | None = None
                  ) -> list[Segment]:
    """The title card (segment of shot None, when there is a title) and the shots, frame by frame.
    spoken: {part index (0 = title card, i + 1 = shot i): seconds of speech} stretches parts."""
    spoken = spoken or {}
    parts: list[tuple[float, str, Shot | None]] = []
    if lesson.title and title_seconds > 0:
        parts.append((title_seconds, lesson.title, None))
    parts += [(s.seconds, s.caption, s) for s in lesson.shots]
    segments, start = [], 0
    for seconds, text, shot in parts:
        key = 0 if shot is None else lesson.shots.index(shot) + 1
        n = shot_frames(seconds, fps)
        if key in spoken:
            n = max(n, math.ceil((spoken[key] + NARRATION_PAUSE) * fps))
        segments.append(Segment(start, n, text, shot))
        start += n
    return segments


def _ms(frame: int, fps: int) -> int:
    return round(frame * 1000 / fps)


def cues(segments: list[Segment], fps: int) -> list[Cue]:
    """One cue per captioned shot, from its first frame to its end."""
    return [Cue(_ms(s.start, fps), _ms(s.end, fps), s.text) for s in segments if s.shot is not None and s.text]


def chapters(segments: list[Segment], fps: int) -> list[Cue]:
    """One chapter per shot, named by its caption (or its prompt), after one for the title card
    (MP4 chapters run from 0 without gaps, so the title card needs its own to keep shots exact)."""
    return [Cue(_ms(s.start, fps), _ms(s.end, fps), s.text if s.shot is None else s.shot.label()) for s in segments]


# ---------------------------------------------------------------------- drawing
class TextLayer:
    """Text drawn once (Pillow's bundled scalable font), then blended onto every frame of a part.
    Captions sit along the bottom on a dark backing box; a title is centred, larger, with no box."""

    def __init__(self, text: str, width: int, height: int, title: bool = False):
        from PIL import Image, ImageDraw, ImageFont
        size = max(10, round(height * (0.075 if title else 0.05)))
        font = ImageFont.load_default(size=size)
        lines = _wrap(text, font, width * (0.8 if title else 0.88))
        line_h = round(size * 1.25)
        pad = max(3, size // 3)
        text_w = max(font.getlength(line) for line in lines)
        bw, bh = min(width, math.ceil(text_w) + 2 * pad), min(height, line_h * len(lines) + 2 * pad)
        x0 = (width - bw) // 2
        y0 = (height - bh) // 2 if title else max(0, height - bh - round(height * 0.06))
        mask = Image.new("L", (bw, bh), 0)
        draw = ImageDraw.Draw(mask)
        for i, line in enumerate(lines):
            draw.text(((bw - font.getlength(line)) / 2, pad + i * line_h + (line_h - size) / 2), line,
                      fill=255, font=font)
        t = np.asarray(mask, np.float32)[..., None] / 255
        box = 0.0 if title else 0.65
        self.keep = (1 - box) * (1 - t)            # share of the picture left under the box and the text
        self.ink = 255 * t
        self.slice = (slice(y0, y0 + bh), slice(x0, x0 + bw))

    def apply(self, frame: np.ndarray) -> np.ndarray:
        out = frame.copy()
        region = out[self.slice].astype(np.float32)
        out[self.slice] = np.clip(region * self.keep + self.ink + 0.5, 0, 255).astype(np.uint8)
        return out


def _wrap(text: str, font, max_width: float) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if line and font.getlength(trial) > max_width:
            lines.append(line)
            line = word
        else:
            line = trial
    return (lines + [line]) if line else (lines or [""])


def title_card(title: str, width: int, height: int) -> np.ndarray:
    card = np.empty((height, width, 3), np.uint8)
    card[:] = TITLE_BACKGROUND
    return TextLayer(title, width, height, title=True).apply(card)


# ---------------------------------------------------------------------- shots
def render_shot(model, shot: Shot, frames: int, fps: int, settings: ExportSettings | None = None):
    """The shot's frames (prompt, seed, sliders, keyframes): `len()` and iteration of uint8 (H, W, 3),
    at the model's resolution, or drawn at the export size when `settings` asks for native scaling."""
    from ..engine.trajectory import TimelineSpec
    from ..project_frames import ExportFrames
    spec = TimelineSpec.of(frames, fps, shot.sliders, shot.keyframes, seed=shot.seed)   # as a project of the shot
    plan = model.plan(shot.prompt, shot.seed, timeline=spec)
    return ExportFrames(model, plan, settings or ExportSettings(scaling="pixel"))


def _frames(model, segments, fps, settings, burn_in, progress, cancelled, total):
    """Every output frame in order, resized, with the title card and burnt-in captions drawn."""
    done = 0
    for seg in segments:
        layer = None
        if seg.shot is None:
            clip = [title_card(seg.text, *_output_size(model, settings))] * seg.frames
        else:
            clip = render_shot(model, seg.shot, seg.frames, fps, settings)
        for frame in clip:
            if cancelled():
                raise Cancelled()
            if seg.shot is not None:
                frame = resize_frame(frame, settings)
                if burn_in and seg.text:
                    layer = layer or TextLayer(seg.text, frame.shape[1], frame.shape[0])
                    frame = layer.apply(frame)
            yield np.ascontiguousarray(frame)
            done += 1
            if progress:
                progress(done, total)


def _output_size(model, settings) -> tuple[int, int]:
    probe = resize_frame(np.zeros((model.resolution, model.resolution, 3), np.uint8), settings)
    return probe.shape[1], probe.shape[0]


# ---------------------------------------------------------------------- the lesson
def render_lesson(lesson: Lesson, out: str | os.PathLike, model="shapes-vae", settings: ExportSettings | None = None,
                  title_seconds: float = 2.0, burn_in: bool = False, narrate: bool = False, device: str = "auto",
                  progress=None, cancelled=lambda: False, where: str = "the lesson script",
                  finish=None) -> LessonResult:
    """Writes the lesson to `out` (.mp4, .webm, or .npy frames for a preview) and, for a video, the
    .srt and .vtt sidecars beside it. `model` is a name, a folder or a loaded model; settings.fps
    None means the model's frame rate. `finish(path, result)` is called on the encoded video before it is
    renamed into place (Content Credentials sign it there); if it raises, nothing is written.
    Raises StudioError (nothing written) or Cancelled."""
    out = Path(out)
    kind = out.suffix.lower()
    if kind not in SUFFIXES:
        raise StudioError(f"a lesson is written as .mp4 or .webm (with a subtitle track) or .npy frames, "
                          f"not {out.suffix or 'a folder'!r}")
    check_writable(out)
    if not math.isfinite(title_seconds) or title_seconds < 0:
        raise StudioError(f"--title-seconds must be zero or more, not {title_seconds}")
    settings = settings or ExportSettings(size="720p", fps=None)
    if isinstance(model, (str, os.PathLike)):
        from ..engine import load_model
        model = load_model(str(model), device)
    settings = ExportSettings(settings.size, settings.fit, settings.scaling, settings.fps or model.fps)
    fps = settings.fps
    if not 1 <= fps <= 120:
        raise StudioError(f"fps must be between 1 and 120, not {fps}")
    width, height = _output_size(model, settings)          # also refuses an unknown size
    _check_length(lesson, plan_segments(lesson, fps, title_seconds), fps, where)    # before any speech

    speech: dict[int, np.ndarray] = {}
    rate = 0
    if narrate and kind != ".npy":
        from .narration import Narrator
        voice = Narrator()
        texts = {0: lesson.title} if lesson.title and title_seconds > 0 else {}
        texts.update({i + 1: s.caption for i, s in enumerate(lesson.shots) if s.caption})
        for key, text in texts.items():
            if cancelled():
                raise Cancelled()
            speech[key] = voice.speak(text)
        rate = voice.rate
    segments = plan_segments(lesson, fps, title_seconds, {k: len(v) / rate for k, v in speech.items()})
    total = _check_length(lesson, segments, fps, where)

    frames = _frames(model, segments, fps, settings, burn_in, progress, cancelled or (lambda: False), total)
    tmp = temp_beside(out, folder=True)
    result = LessonResult(out, [], total, fps, width, height)
    try:
        if kind == ".npy":
            np.save(tmp / "frames.npy", np.stack(list(frames)), allow_pickle=False)
            _publish([(tmp / "frames.npy", out)])
            return result
        cue_list, chapter_list = cues(segments, fps), chapters(segments, fps)
        (tmp / "captions.srt").write_text(to_srt(cue_list), encoding="utf-8")
        (tmp / "captions.vtt").write_text(to_vtt(cue_list), encoding="utf-8")
        (tmp / "chapters.txt").write_text(to_ffmetadata(lesson.title, chapter_list), encoding="utf-8")
        audio = None
        if speech:
            from .narration import mix, write_wav
            starts = {0 if s.shot is None else lesson.shots.index(s.shot) + 1: s.start / fps for s in segments}
            write_wav(tmp / "narration.wav", mix(total / fps, [(starts[k], v) for k, v in speech.items()], rate), rate)
            audio = tmp / "narration.wav"
        video = tmp / f"lesson{kind}"
        _encode(frames, video, tmp, kind, width, height, fps, audio, bool(cue_list))
        if finish is not None:
            finish(video, result)
        _publish([(tmp / "captions.srt", out.with_suffix(".srt")), (tmp / "captions.vtt", out.with_suffix(".vtt")),
                  (video, out)])
        result.sidecars = [out.with_suffix(".srt"), out.with_suffix(".vtt")]
        result.cues, result.chapters, result.narrated = len(cue_list), len(chapter_list), audio is not None
        return result
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _check_length(lesson, segments, fps, where) -> int:
    shot_lengths = [s.frames for s in segments if s.shot is not None]
    title = segments[0].frames if segments and segments[0].shot is None else 0
    return check_length(lesson, fps, title, shot_lengths, where=where)


def _encode(frames, video: Path, tmp: Path, kind: str, width: int, height: int, fps: int, audio: Path | None,
            subtitles: bool) -> None:
    import imageio_ffmpeg
    codec, params = VIDEO_FORMATS[kind]
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
           "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", str(fps), "-i", "pipe:0"]
    maps = ["-map", "0:v"]
    n = 1
    if audio is not None:
        cmd += ["-i", str(audio)]
        maps += ["-map", f"{n}:a"]
        n += 1
    if subtitles:
        cmd += ["-i", str(tmp / ("captions.vtt" if kind == ".webm" else "captions.srt"))]
        maps += ["-map", f"{n}:s"]
        n += 1
    cmd += ["-f", "ffmetadata", "-i", str(tmp / "chapters.txt")]
    cmd += maps + ["-map_metadata", str(n), "-map_chapters", str(n), "-c:v", codec] + params
    if audio is not None:
        cmd += AUDIO_CODEC[kind]
    if subtitles:
        cmd += ["-c:s", SUBTITLE_CODEC[kind], "-metadata:s:s:0", "title=Captions"]
    cmd += [str(video)]
    log = tmp / "ffmpeg.log"
    with open(log, "wb") as err:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=err)
        try:
            for f in frames:
                proc.stdin.write(f.tobytes())
            proc.stdin.close()
            code = proc.wait()
        except BrokenPipeError:
            code = proc.wait()
        except BaseException:
            proc.kill()
            proc.wait()
            raise
    if code != 0:
        reason = (log.read_text(errors="replace").strip().splitlines() or [f"exit status {code}"])[-1]
        raise StudioError(f"ffmpeg could not write the lesson: {reason}")


def _publish(moves: list[tuple[Path, Path]]) -> None:
    """Renames finished files into place; if one rename fails, the ones already placed are removed."""
    try:
        publish(moves)
    except OSError as e:
        raise StudioError(f"cannot write {moves[-1][1]}: {e.strerror or e}") from None
