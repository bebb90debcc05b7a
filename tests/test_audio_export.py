"""Exports with the song, read back from the files: one audio stream as long as the clip (ffprobe),
the sound from the offset in sync with the frames (decoded samples), Content Credentials that still
verify, and one clear sentence for every bad input."""
import numpy as np
import pytest
from sounds import click_track, decoded, needs_ffprobe, quiet_loud, streams, to_mp3, write_sound

from studio.cli import main
from studio.engine.audio_drives import Drive
from studio.media.credentials import read_credentials
from studio.project import Project
from studio.project_audio import ProjectAudio

PROMPT = "a medium white circle staying still on a black background"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@needs_ffprobe
@pytest.mark.parametrize("suffix, codec", [(".mp4", "aac"), (".webm", "opus")])
def test_the_clip_is_as_long_as_the_song_and_carries_it(tmp_path, capsys, suffix, codec):
    song = to_mp3(write_sound(tmp_path / "s.wav", quiet_loud("qLq", 0.8)), tmp_path / "s.mp3")
    out = tmp_path / f"clip{suffix}"
    code, said, err = run(capsys, "generate", "--prompt", PROMPT, "--audio", song, "--drive", "size=loudness:2",
                          "--fps", 10, "--out", out, "--device", "cpu")
    assert code == 0, err
    assert "24 frames" in said and "music s.mp3 driving size=loudness:2" in said
    found = streams(out)
    video = [s for s in found if s["codec_type"] == "video"]
    audio = [s for s in found if s["codec_type"] == "audio"]
    assert len(video) == 1 and len(audio) == 1 and audio[0]["codec_name"] == codec
    assert abs(video[0]["duration"] - 2.4) < 1e-3
    assert abs(audio[0]["duration"] - video[0]["duration"]) <= 1 / 10
    if suffix == ".mp4":                                        # signed after the sound went in: still verifies
        assert read_credentials(out)["validates"]
    else:                                                       # WebM has no binding: the facts are tags
        assert read_credentials(out)["seed"] == 0 and read_credentials(out)["made_by_model"]


@needs_ffprobe
@pytest.mark.parametrize("suffix", [".mp4", ".webm"])
def test_the_sound_starts_at_the_offset_in_sync_with_the_frames(tmp_path, capsys, suffix):
    song = write_sound(tmp_path / "click.wav", click_track([1.8125], 4.0))
    p = Project(model="shapes-vae", prompt=PROMPT, seed=2, frames=12, fps=8,
                audio=ProjectAudio(str(song), 1.0, [Drive("size", "onset", 2.0)]))
    path = p.save(tmp_path / "p.lstudio")
    out = tmp_path / f"p{suffix}"
    code, _, err = run(capsys, "export", path, "--out", out, "--device", "cpu", "--no-credentials")
    assert code == 0, err
    sound = decoded(out, 22050)
    assert abs(len(sound) / 22050 - 1.5) <= 1 / 8
    loud = np.flatnonzero(np.abs(sound) > 0.2)
    assert abs(loud[0] / 22050 - 0.8125) < 0.01                 # the click 1.8125 s into the song, 0.8125 s into the clip
    frames = np.load(_npy(capsys, path, tmp_path))
    area = (np.abs(frames.astype(int) - frames[:, :1, :1].astype(int)).sum(-1) > 60).sum((1, 2))
    assert int(np.argmax(area)) == 6                            # and the frame it drives is the one showing 0.8125 s


def _npy(capsys, path, tmp_path):
    out = tmp_path / "frames.npy"
    assert run(capsys, "export", path, "--out", out, "--device", "cpu")[0] == 0
    return out


@needs_ffprobe
def test_a_project_whose_song_is_missing_exports_silent_with_one_warning(tmp_path, capsys):
    song = write_sound(tmp_path / "gone.wav", quiet_loud("qL"))
    path = Project(model="shapes-vae", prompt=PROMPT, frames=8, fps=8,
                   audio=ProjectAudio(str(song), 0.0, [Drive("size", "loudness")])).save(tmp_path / "p.lstudio")
    song.unlink()
    code, _, err = run(capsys, "export", path, "--out", tmp_path / "p.mp4", "--device", "cpu")
    assert code == 0
    assert err.count("\n") == 1 and err.startswith("warning: ") and "gone.wav is missing" in err
    assert [s["codec_type"] for s in streams(tmp_path / "p.mp4")] == ["video"]


@needs_ffprobe
def test_animate_takes_the_song_too(tmp_path, capsys):
    import cv2
    still = np.zeros((64, 64, 3), np.uint8)
    cv2.circle(still, (32, 32), 12, (40, 40, 220), -1)
    cv2.imwrite(str(tmp_path / "still.png"), still)
    song = write_sound(tmp_path / "s.wav", quiet_loud("qL", 0.75))
    out = tmp_path / "a.mp4"
    code, said, err = run(capsys, "animate", "--image", tmp_path / "still.png", "--audio", song, "--drive",
                          "size=loudness:2", "--out", out, "--device", "cpu")
    assert code == 0, err
    assert "12 frames" in said
    assert [(s["codec_type"], round(s["duration"], 2)) for s in streams(out)] == [("video", 1.5), ("audio", 1.5)]


def test_a_gif_has_no_sound_but_follows_the_song(tmp_path, capsys):
    song = write_sound(tmp_path / "s.wav", quiet_loud("qL", 0.5))
    code, said, err = run(capsys, "generate", "--prompt", PROMPT, "--audio", song, "--drive", "size=loudness",
                          "--out", tmp_path / "c.gif", "--device", "cpu")
    assert code == 0 and "8 frames" in said and "c.gif carries no sound" in err


@pytest.mark.parametrize("argv, words", [
    (["--audio", "{tmp}/none.mp3"], "the audio file"),
    (["--audio", "{tmp}/bad.mp3"], "is not WAV, FLAC, OGG or MP3 sound"),
    (["--drive", "size=beat"], "--drive needs a song to follow; add --audio FILE"),
    (["--audio", "{tmp}/ok.wav", "--drive", "size=bass"], "unknown audio feature 'bass'"),
    (["--audio", "{tmp}/ok.wav", "--drive", "wobble=beat"], "unknown direction 'wobble'"),
    (["--audio", "{tmp}/ok.wav", "--fps", "30", "--audio", "{tmp}/long.wav"], "a clip holds at most 4096"),
])
def test_bad_music_options_are_one_sentence(tmp_path, capsys, argv, words):
    (tmp_path / "bad.mp3").write_text("not a song")
    write_sound(tmp_path / "ok.wav", quiet_loud("q", 0.2))
    write_sound(tmp_path / "long.wav", np.zeros(200 * 8000, np.float32), rate=8000)
    out = tmp_path / "x.mp4"
    code, _, err = run(capsys, "generate", "--prompt", PROMPT, "--out", out, "--device", "cpu",
                       *[a.format(tmp=tmp_path) for a in argv])
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error: ") and words in err, err
    assert not out.exists()
