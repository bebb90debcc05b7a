"""Audio features from real sound files (synthetic, written with soundfile; MP3 by LAME): loudness,
onsets, beats and bands per clip frame, four formats decoded, and clear sentences for bad files."""
import numpy as np
import pytest
from sounds import RATE, click_track, quiet_loud, to_mp3, write_sound

from studio.basics.errors import StudioError
from studio.engine.audio_features import FEATURES, analyse_audio, audio_duration, feature_frames

FPS = 12


def test_loudness_follows_quiet_and_loud_seconds(tmp_path):
    a = analyse_audio(write_sound(tmp_path / "ql.wav", quiet_loud("qLqL")))
    f = feature_frames(a, FPS, 4 * FPS)
    loud = f["loudness"].reshape(4, FPS)[:, 2:-2]           # away from the edges between seconds
    assert loud[[1, 3]].min() > 0.85 and loud[[0, 2]].max() < 0.05
    assert set(f) == set(FEATURES) and all(v.shape == (4 * FPS,) and 0 <= v.min() and v.max() <= 1 for v in f.values())


def test_a_click_track_driving_beat_peaks_on_the_clicks_frames(tmp_path):
    clicks = np.arange(0.54, 7.5, 0.5)                     # 120 bpm; each click 0.48 of a frame into its frame
    a = analyse_audio(write_sound(tmp_path / "clicks.wav", click_track(clicks, 8.0)))
    assert abs(a.tempo - 120) < 4
    beat = feature_frames(a, FPS, 8 * FPS)["beat"]
    click_frames = np.floor(clicks * FPS).astype(int)
    assert list(np.flatnonzero(beat == 1.0)) == list(click_frames)
    assert beat[:click_frames[0]].max() == 0.0              # nothing before the first click
    after = beat[click_frames[3] + 1:click_frames[4]]       # decays between two clicks
    assert np.all(np.diff(after) < 0) and after[-1] < 0.05
    onset = feature_frames(a, FPS, 8 * FPS)["onset"]
    assert set(np.flatnonzero(onset > 0.5)) == set(click_frames)


def test_bands_split_a_low_tone_from_a_high_one(tmp_path):
    t = np.arange(RATE) / RATE
    y = np.concatenate([0.5 * np.sin(2 * np.pi * 80 * t), 0.5 * np.sin(2 * np.pi * 5000 * t)]).astype(np.float32)
    f = feature_frames(analyse_audio(write_sound(tmp_path / "tones.wav", y)), FPS, 2 * FPS)
    first, second = slice(2, FPS - 2), slice(FPS + 2, 2 * FPS - 2)
    assert f["low"][first].min() > 0.8 and f["low"][second].max() < 0.05
    assert f["high"][second].min() > 0.8 and f["high"][first].max() < 0.05
    assert max(f["mid"][first].max(), f["mid"][second].max()) < 0.05     # each band is divided by its own
                                                                         # maximum: here the tones' clicks


@pytest.mark.parametrize("suffix", [".flac", ".ogg", ".mp3"])
def test_flac_ogg_and_mp3_give_the_wavs_features(tmp_path, suffix):
    y = quiet_loud("qLq")
    wav = write_sound(tmp_path / "s.wav", y)
    other = to_mp3(wav, tmp_path / "s.mp3") if suffix == ".mp3" else write_sound(tmp_path / f"s{suffix}", y)
    ref = feature_frames(analyse_audio(wav), FPS, 3 * FPS)["loudness"]
    got = feature_frames(analyse_audio(other), FPS, 3 * FPS)["loudness"]
    assert abs(audio_duration(other) - 3.0) < 0.06
    assert np.abs(got - ref).max() < 0.08


def test_the_offset_shifts_the_song_and_past_its_end_is_silence(tmp_path):
    a = analyse_audio(write_sound(tmp_path / "ql.wav", quiet_loud("qLq")))
    whole = feature_frames(a, FPS, 3 * FPS)["loudness"]
    later = feature_frames(a, FPS, 3 * FPS, offset=1.0)["loudness"]
    assert np.allclose(later[:2 * FPS], whole[FPS:], atol=1e-6)
    assert np.all(later[2 * FPS:] == 0)


def test_analysis_is_kept_until_the_file_changes(tmp_path):
    path = write_sound(tmp_path / "a.wav", quiet_loud("qL"))
    assert analyse_audio(path) is analyse_audio(path)
    write_sound(path, quiet_loud("Lq"))
    f = feature_frames(analyse_audio(path), FPS, 2 * FPS)["loudness"]
    assert f[2] > 0.85 and f[-3] < 0.05


@pytest.mark.parametrize("make, words", [
    (lambda p: p / "none.wav", "does not exist"),
    (lambda p: p, "is a folder"),
    (lambda p: (p / "text.mp3").write_text("not a song") and p / "text.mp3", "is not WAV, FLAC, OGG or MP3"),
])
def test_a_bad_audio_file_is_one_sentence(tmp_path, make, words):
    with pytest.raises(StudioError) as e:
        analyse_audio(make(tmp_path))
    assert words in str(e.value) and "\n" not in str(e.value)
