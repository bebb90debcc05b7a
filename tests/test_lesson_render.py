"""Rendered lessons, read back from the written files: streams, chapters and cue times with ffprobe,
the sidecars, each shot's pixels, burn-in, narration, determinism, and atomic writes."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from studio.cli import main
from studio.engine.analyze import read_clip
from studio.lesson import parse_script, render_lesson
from studio.lesson.narration import find_engine
from studio.lesson.video import TITLE_BACKGROUND
from studio.media.writer import Cancelled, ExportSettings

FFPROBE = shutil.which("ffprobe")
needs_ffprobe = pytest.mark.skipif(FFPROBE is None, reason="ffprobe is not installed (apt-get install ffmpeg)")
SCRIPT = """# Colours
2 | a large red circle still on a white background | The red circle.
1.5 | a large blue square still on a black background
1 | a large yellow star still on a sky background | A yellow star.
"""
# (first frame, frames) at 8 fps: the title card 1 s, then 2 s, 1.5 s, 1 s
PARTS = [(0, 8), (8, 16), (24, 12), (36, 8)]
WANT = [("red", "circle", "white"), ("blue", "square", "black"), ("yellow", "star", "sky")]


def probe(path: Path) -> dict:
    out = subprocess.run([FFPROBE, "-v", "error", "-of", "json", "-show_streams", "-show_chapters", "-show_format",
                          str(path)], capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def decode(path: Path, w: int, h: int) -> np.ndarray:
    import imageio_ffmpeg
    raw = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "rawvideo",
                          "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, h, w, 3)


def cue_times(path: Path) -> list[tuple[float, float, str]]:
    """Cues as ffmpeg's own SRT/WebVTT demuxer reads them (an independent parser)."""
    out = subprocess.run([FFPROBE, "-v", "error", "-of", "json", "-select_streams", "s", "-show_packets", "-show_data",
                          str(path)],
                         capture_output=True, text=True, check=True).stdout
    cues = []
    for p in json.loads(out)["packets"]:
        if int(p["size"]) <= 2:
            continue                                   # mov_text fills the gaps between cues with empty samples
        text = "".join(t.strip() for t in re.findall(r"  ([^\n]*)$", p.get("data", ""), re.M))  # hexdump's text
        cues.append((float(p["pts_time"]), float(p["pts_time"]) + float(p["duration_time"]), text))
    return cues


@pytest.fixture(scope="module")
def lesson_mp4(tmp_path_factory):
    d = tmp_path_factory.mktemp("lesson")
    (d / "lesson.txt").write_text(SCRIPT, encoding="utf-8")
    code = main(["lesson", str(d / "lesson.txt"), "--out", str(d / "lesson.mp4"), "--size", "native",
                 "--fps", "8", "--title-seconds", "1"])
    assert code == 0
    return d


@needs_ffprobe
def test_mp4_has_video_subtitles_and_chapters(lesson_mp4):
    info = probe(lesson_mp4 / "lesson.mp4")
    kinds = {s["codec_type"]: s for s in info["streams"]}
    assert kinds["video"]["codec_name"] == "h264" and kinds["video"]["pix_fmt"] == "yuv420p"
    assert kinds["subtitle"]["codec_name"] == "mov_text"
    assert int(kinds["video"]["nb_frames"]) == 44
    assert float(info["format"]["duration"]) == pytest.approx(5.5, abs=0.01)
    assert info["format"]["tags"]["title"] == "Colours"
    chapters = [(float(c["start_time"]), float(c["end_time"]), c["tags"]["title"]) for c in info["chapters"]]
    assert chapters == [(0.0, 1.0, "Colours"), (1.0, 3.0, "The red circle."),
                        (3.0, 4.5, "a large blue square still on a black background"), (4.5, 5.5, "A yellow star.")]
    assert [(round(a, 3), round(b, 3)) for a, b, _ in cue_times(lesson_mp4 / "lesson.mp4")] == [(1.0, 3.0), (4.5, 5.5)]


@needs_ffprobe
def test_sidecars_parse_with_cues_on_the_shots(lesson_mp4):
    srt = (lesson_mp4 / "lesson.srt").read_text(encoding="utf-8")
    vtt = (lesson_mp4 / "lesson.vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT")
    assert re.findall(r"(\d\d:\d\d:\d\d,\d\d\d) --> (\d\d:\d\d:\d\d,\d\d\d)", srt) == [
        ("00:00:01,000", "00:00:03,000"), ("00:00:04,500", "00:00:05,500")]
    for sidecar in ("lesson.srt", "lesson.vtt"):
        got = cue_times(lesson_mp4 / sidecar)
        assert [(round(a, 3), round(b, 3)) for a, b, _ in got] == [(1.0, 3.0), (4.5, 5.5)]
        assert [t for *_, t in got] == ["The red circle.", "A yellow star."]


def test_each_shot_shows_its_prompt_in_pixels(lesson_mp4):
    frames = decode(lesson_mp4 / "lesson.mp4", 64, 64)
    assert len(frames) == 44
    title = frames[:8].reshape(-1, 3).astype(float)
    assert np.abs(np.median(title, axis=0) - TITLE_BACKGROUND).max() < 8         # the title card's plain backdrop
    for (start, n), (colour, shape, background) in zip(PARTS[1:], WANT):
        clip = frames[start:start + n]
        reading = read_clip(clip)
        assert (reading.color, reading.shape, reading.background) == (colour, shape, background), reading.as_dict()
    corners = lambda c: np.concatenate([c[:, :4, :4], c[:, :4, -4:]], axis=1).reshape(-1, 3).mean(0)  # noqa: E731
    assert corners(frames[8:24]).min() > 230                # white backdrop
    assert corners(frames[24:36]).max() < 25                # black backdrop
    assert corners(frames[36:44])[2] > corners(frames[36:44])[0] + 40     # sky: blue over red


@needs_ffprobe
def test_webm_has_a_webvtt_track_and_chapters(tmp_path):
    lesson = parse_script(SCRIPT)
    r = render_lesson(lesson, tmp_path / "l.webm", settings=ExportSettings(size="native", fps=8), title_seconds=1)
    info = probe(r.path)
    assert {s["codec_type"]: s["codec_name"] for s in info["streams"]} == {"video": "vp9", "subtitle": "webvtt"}
    assert [float(c["start_time"]) for c in info["chapters"]] == [0.0, 1.0, 3.0, 4.5]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l.srt", "l.vtt", "l.webm"]


def test_burn_in_draws_captions_with_a_backing_box_at_720p_and_1080p(tmp_path):
    lesson = parse_script("1 | a large red circle still on a white background | Read me please\n2 | a large red "
                          "circle still on a white background\n")
    for size, (w, h) in (("720p", (1280, 720)), ("1080p", (1920, 1080))):
        plain = render_lesson(lesson, tmp_path / "a.npy", settings=ExportSettings(size=size, fps=4))
        a = np.load(plain.path)
        render_lesson(lesson, tmp_path / "b.npy", settings=ExportSettings(size=size, fps=4), burn_in=True)
        b = np.load(tmp_path / "b.npy")
        assert a.shape == b.shape == (12, h, w, 3)
        changed = (b[0].astype(int) != a[0]).any(axis=2)
        rows, cols = np.where(changed.any(axis=1))[0], np.where(changed.any(axis=0))[0]
        assert rows.min() > h * 0.75 and rows.max() - rows.min() > h * 0.06   # along the bottom, tall enough
        assert cols.max() - cols.min() > w * 0.15
        box = b[0][rows.min():rows.max() + 1, cols.min():cols.max() + 1].astype(int)
        assert (box.max(axis=2) < 110).mean() > 0.6                    # a dark box over the white backdrop
        assert (box.min(axis=2) > 230).mean() > 0.05                   # white letters inside it
        assert np.array_equal(a[4:], b[4:])                           # the uncaptioned shot is untouched
    shutil.rmtree(tmp_path)


def test_same_script_same_frames(tmp_path):
    lesson = parse_script(SCRIPT)
    a = render_lesson(lesson, tmp_path / "a.npy", settings=ExportSettings(size="native", fps=8))
    b = render_lesson(parse_script(SCRIPT), tmp_path / "b.npy", settings=ExportSettings(size="native", fps=8))
    assert np.array_equal(np.load(a.path), np.load(b.path))


@needs_ffprobe
@pytest.mark.skipif(find_engine() is None, reason="espeak-ng is not installed (apt-get install espeak-ng)")
def test_narrated_lesson_has_audio_as_long_as_the_video(tmp_path):
    script = ("# Narration\n0.5 | a large red circle still on a white background | This caption takes far longer "
              "to say than half a second.\n1 | a large blue circle still on a black background\n")
    (tmp_path / "n.txt").write_text(script, encoding="utf-8")
    assert main(["lesson", str(tmp_path / "n.txt"), "--out", str(tmp_path / "n.mp4"), "--size", "native",
                 "--fps", "8", "--narrate"]) == 0
    info = probe(tmp_path / "n.mp4")
    streams = {s["codec_type"]: s for s in info["streams"]}
    assert streams["audio"]["codec_name"] == "aac"
    video, audio = float(streams["video"]["duration"]), float(streams["audio"]["duration"])
    assert audio == pytest.approx(video, abs=0.05)
    first_shot = [c for c in info["chapters"]][1]
    assert float(first_shot["end_time"]) - float(first_shot["start_time"]) > 2.0     # stretched to its speech
    import imageio_ffmpeg
    pcm = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(tmp_path / "n.mp4"), "-map",
                          "0:a", "-f", "s16le", "-ac", "1", "-ar", "8000", "-"], capture_output=True, check=True).stdout
    loud = np.abs(np.frombuffer(pcm, np.int16).astype(float))
    at = lambda t0, t1: loud[int(t0 * 8000):int(t1 * 8000)].mean()   # noqa: E731
    start, end = float(first_shot["start_time"]), float(first_shot["end_time"])
    assert at(start, start + 1.5) > 20 * max(1.0, at(end + 0.2, video))          # speech in the shot, silence after


def test_narrate_without_a_speech_engine_says_how_to_install(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    (tmp_path / "n.txt").write_text("1 | a red star | Hello\n", encoding="utf-8")
    assert main(["lesson", str(tmp_path / "n.txt"), "--out", str(tmp_path / "n.mp4"), "--narrate"]) == 2
    assert "apt-get install espeak-ng" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n.txt"]


def test_cancel_and_failure_leave_nothing_behind(tmp_path, monkeypatch):
    lesson = parse_script(SCRIPT)
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 20
    with pytest.raises(Cancelled):
        render_lesson(lesson, tmp_path / "c.mp4", settings=ExportSettings(size="native", fps=8), cancelled=cancel)
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "c.srt").write_text("old")                      # an earlier sidecar is kept on failure
    import studio.lesson.video as render
    monkeypatch.setitem(render.VIDEO_FORMATS, ".mp4", ("no-such-codec", []))
    from studio.basics.errors import StudioError
    with pytest.raises(StudioError, match="ffmpeg could not write the lesson"):
        render_lesson(lesson, tmp_path / "c.mp4", settings=ExportSettings(size="native", fps=8))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.srt"] and (tmp_path / "c.srt").read_text() == "old"
