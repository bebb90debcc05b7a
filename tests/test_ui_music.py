"""Music in the window (issue 20, item 4): adding a song (menu API, a drop on the window or the
preview), the music lane, the drives editor, Bake to keys, undo, saving and reopening, a missing
song, the preview = `studio export` with drives, an app export that carries the song, and the
sound's sync logic (on a recording sink: tests have no sound device)."""
from __future__ import annotations

import shutil
from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QLabel
from sounds import needs_ffprobe, quiet_loud, streams, write_sound

from studio.cli import main as cli
from studio.engine.audio_drives import Drive, bake_drive
from studio.project import Project
from studio.project_audio import ProjectAudio
from studio.project_frames import render_project
from studio.ui.audio_playback import SNIPPET, SoundOut
from studio.ui.music import BAKE_TOLERANCE

from test_ui_window import make_window

PROMPT = "a medium white circle staying still on a black background"
FRAMES, FPS = 32, 8                     # 4 s: the song's quiet and loud seconds are 8 frames each


@pytest.fixture()
def song(tmp_path):
    (tmp_path / "music").mkdir()
    return write_sound(tmp_path / "music" / "song.wav", quiet_loud("qLqL"))


@pytest.fixture()
def win(qtbot, tmp_path, song, monkeypatch):
    monkeypatch.delenv("LATENT_STUDIO_MODELS", raising=False)        # the shipped shapes model: size shows
    w = make_window(qtbot, tmp_path, model="shapes-vae", prompt=PROMPT)
    w.doc.update({"frames": FRAMES, "fps": FPS, "seed": 2})
    qtbot.waitUntil(lambda: w.player.count == FRAMES and w.player.complete(), timeout=30000)
    w.commit()
    yield w
    w.close()


def settled(w, qtbot) -> None:
    """The render the window asked for last is complete on screen."""
    finished = []
    w.engine.clipFinished.connect(lambda rid, _t: finished.append(rid))
    w.request_render(force=True)
    qtbot.waitUntil(lambda: w.last_request is not None and w.last_request.id in finished and w.player.complete(),
                    timeout=30000)


def areas_of(frames: np.ndarray) -> np.ndarray:
    """Pixels of each frame that differ clearly from its corner (the background): the object's size."""
    bg = frames[:, :1, :1].astype(int)
    return (np.abs(frames.astype(int) - bg).sum(-1) > 60).sum((1, 2))


def add_song(w, qtbot, path) -> None:
    with qtbot.waitSignal(w.music.analysed, timeout=30000):
        w.music.add_music(str(path))


def drive_size(w, qtbot, amount=2.5) -> None:
    """Through the drives editor: + Add drive, then size, loudness, the amount, no smoothing."""
    ed = w.music.editor
    ed.add_drive.click()
    row = ed.rows[-1]
    row["direction"].setCurrentIndex(row["direction"].findData("size"))
    row["direction"].activated.emit(row["direction"].currentIndex())
    row["feature"].setCurrentIndex(row["feature"].findData("loudness"))
    row["feature"].activated.emit(row["feature"].currentIndex())
    row["smoothing"].setValue(0.0)
    row["amount"].setValue(amount)
    w.commit()
    settled(w, qtbot)


def drop_event(kind, path, pos=QPointF(40, 40)):
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    if kind is QDragEnterEvent:
        return QDragEnterEvent(pos.toPoint(), Qt.DropAction.CopyAction, data, Qt.MouseButton.NoButton,
                               Qt.KeyboardModifier.NoModifier), data
    return QDropEvent(pos, Qt.DropAction.CopyAction, data, Qt.MouseButton.NoButton,
                      Qt.KeyboardModifier.NoModifier), data


def test_adding_music_shows_the_lane_and_the_project_carries_it(win, qtbot, song, tmp_path):
    assert win.music_lane.isHidden() and not win.music.editor.panel.isVisibleTo(win.music.editor)
    steps = win.undo.count()
    add_song(win, qtbot, song)
    assert win.project().audio.path == str(song) and win.project().audio.offset == 0.0
    assert win.undo.count() == steps + 1 and win.is_dirty()
    assert win.music_lane.isVisible() and win.music.editor.panel.isVisibleTo(win.music.editor)
    x, peaks = win.music_lane.top.getData()
    assert len(x) > 100 and x[0] == pytest.approx(-0.5, abs=0.05) and x[-1] <= FRAMES - 0.5
    quiet, loud = peaks[(x > 1) & (x < 6)], peaks[(x > 9) & (x < 14)]   # the waveform: quiet, then loud
    assert loud.min() > 0.5 and quiet.max() < 0.05
    for frame in (0, 7, FRAMES - 1):              # the lane's frames sit under the keyframe lane's
        assert win.music_lane.x_of(frame) == pytest.approx(win.keylane._x_of_time(frame / FPS), abs=1.0)
    win.do_undo()
    assert win.project().audio is None and win.music_lane.isHidden()

    other = write_sound(tmp_path / "music" / "drop.flac", quiet_loud("Lq"))
    enter, _data = drop_event(QDragEnterEvent, other)
    QApplication.sendEvent(win, enter)                # dragged over the window (not the preview): taken
    assert enter.isAccepted()
    drop, _data = drop_event(QDropEvent, other)
    with qtbot.waitSignal(win.music.analysed, timeout=30000):
        QApplication.sendEvent(win, drop)
    assert win.project().audio.path == str(other) and win.music_lane.isVisible()
    dropped, _data = drop_event(QDropEvent, song)
    win.preview.dropEvent(dropped)                    # the preview takes a song too (analysed already: at once)
    assert win.project().audio.path == str(song) and len(win.music_lane.top.getData()[0]) == len(x)


def test_a_drive_moves_the_loud_frames_and_the_preview_equals_studio_export(win, qtbot, song, tmp_path):
    add_song(win, qtbot, song)
    settled(win, qtbot)
    before = win.player.frames.copy()
    drive_size(win, qtbot)
    assert win.project().audio.drives == [Drive("size", "loudness", 2.5, 0.0)]
    assert win.last_request.timeline and win.last_request.timeline[4] == (Drive("size", "loudness", 2.5, 0.0),)
    areas, still = areas_of(win.player.frames), areas_of(before)
    loud = np.r_[9:15, 25:31]                     # whole frames inside the loud seconds
    quiet = np.r_[1:7, 17:23]
    assert areas[loud].min() > 1.8 * areas[quiet].max(), areas     # the object grows where the song is loud
    assert np.abs(areas[quiet] - still[quiet]).max() <= 0.1 * still.mean()
    _x, curve = win.music_lane.curves["loudness"].getData()       # the driven feature, drawn on the lane
    assert len(curve) == FRAMES and curve[loud].min() > curve[quiet].max()
    p = win.project()
    assert np.array_equal(win.player.frames, render_project(win.engine.worker.model, p))
    path = tmp_path / "driven.lstudio"
    assert win._write(str(path))
    assert cli(["export", str(path), "--out", str(tmp_path / "x.npy"), "--device", "cpu"]) == 0
    assert np.array_equal(np.load(tmp_path / "x.npy"), win.player.frames)


def test_bake_to_keys_makes_the_drive_keys_and_is_one_undo_step(win, qtbot, song):
    add_song(win, qtbot, song)
    drive_size(win, qtbot)
    driven = win.player.frames.copy()
    features = win.music.features()
    undriven = win.key_editor._tracks().get("size")
    expected = bake_drive(Drive("size", "loudness", 2.5, 0.0), features, FPS, undriven, tolerance=BAKE_TOLERANCE)
    exact = [v for _t, v in bake_drive(Drive("size", "loudness", 2.5, 0.0), features, FPS, undriven)]
    steps = win.undo.count()
    win.music.editor.rows[0]["bake"].click()
    assert win.undo.count() == steps + 1
    assert win.project().audio.drives == [] and len(win.music.editor.rows) == 0
    keys = win.project().keyframes
    assert [(k.time, k.sliders["size"]) for k in keys] == expected
    assert len(win.keylane.keys) == len(expected) and 2 <= len(keys) < FRAMES
    keyed = win.key_editor._tracks()["size"]              # the keys' path: the drive's, within the tolerance
    assert np.abs(keyed - exact).max() <= BAKE_TOLERANCE + 1e-9
    settled(win, qtbot)
    assert np.abs(win.player.frames.astype(int) - driven.astype(int)).mean() < 1.0    # the same clip, as keys
    win.do_undo()                                  # Ctrl+Z: the drive is back, the keys are gone
    assert win.project().audio.drives == [Drive("size", "loudness", 2.5, 0.0)] and win.project().keyframes == []
    assert len(win.music.editor.rows) == 1 and win.music.editor.rows[0]["amount"].value() == 2.5
    win.do_redo()
    assert [(k.time, k.sliders["size"]) for k in win.project().keyframes] == expected


def test_saving_and_reopening_keeps_the_music_and_a_missing_song_is_one_sentence(win, qtbot, song, tmp_path):
    add_song(win, qtbot, song)
    drive_size(win, qtbot, amount=1.5)
    path = tmp_path / "with-music.lstudio"
    assert win._write(str(path))
    assert win.new_project() and win.project().audio is None and win.music_lane.isHidden()
    assert win.open_project(str(path))                 # its song was analysed before: no new analysis
    audio = win.project().audio
    assert audio.path == str(song) and audio.drives == [Drive("size", "loudness", 1.5, 0.0)]
    assert win.music_lane.isVisible() and win.music.editor.rows[0]["amount"].value() == 1.5
    assert not win.is_dirty()

    shutil.move(song, tmp_path / "elsewhere.wav")
    assert win.open_project(str(path))
    text = win.message.text()
    assert "song.wav is missing" in text and text.count(". ") == 0 and text.endswith(".")
    assert win.project().prompt == PROMPT and win.project().audio.path == str(song)   # open, its song kept
    assert win.music_lane.isVisible() and "missing: its drives move nothing" in win.music_lane.label.text()
    assert "missing (Replace…)" in win.music.editor.song.text()
    req = win.music.render_request()
    assert req is not None and req.timeline == ()          # nothing moves while the song is missing


class RecordingSink:
    """Stands for the sound device: records what the playback asks of it; the song is heard where
    the last play_from put it, plus `ahead` seconds."""
    available = True

    def __init__(self):
        self.calls, self.at, self.ahead, self.on = [], None, 0.0, False

    def load(self, samples, rate):
        self.calls.append(("load", None if samples is None else len(samples)))

    def play_from(self, seconds):
        self.calls.append(("play", round(seconds, 6)))
        self.at, self.on = seconds, True

    def pause(self):
        self.calls.append(("pause",))
        self.on = False

    def position(self):
        return self.at + self.ahead if self.on else None


def test_sound_sync_on_a_recording_sink(win, qtbot, song):
    pb = win.music.playback
    assert not pb.available and win.player.clock is None        # offscreen: no device, silent, no error
    pb.sink.play_from(1.0)
    pb.sink.pause()
    assert SoundOut().available is False
    sink = RecordingSink()
    pb.set_sink(sink)                                           # as a machine with a sound device
    add_song(win, qtbot, song)                                  # the engine decodes the song for playback too
    win.music.set_audio(replace(win.project().audio, offset=0.5))
    assert win.music.song()[1] is not None and win.player.clock is not None
    assert ("load", 4 * 22050) in sink.calls
    assert pb.seconds_of(6) == pytest.approx(0.5 + 6 / FPS)
    win.player.seek(6)
    sink.calls.clear()
    win.player.play()                                            # Space: the sound starts where the playhead is
    assert sink.calls == [("play", 1.25)]
    sink.ahead = 3 / FPS + 0.01                                  # the song has gone on three frames
    win.player._tick()
    assert win.player.index == 9                                 # the picture shows where the sound is
    sink.ahead = 0.0                                             # the sound is behind the picture: it waits
    win.player._tick()
    assert win.player.index == 9 and ("play", 1.25) == sink.calls[-1]
    sink.calls.clear()
    win.timeline._scrub(win.timeline.x_of(20))                   # scrubbing pauses the clip and its sound ...
    assert not win.player.playing and sink.calls[0] == ("pause",)
    assert sink.calls[1] == ("play", pytest.approx(0.5 + 20 / FPS))    # ... and plays a snippet at the playhead
    qtbot.wait(int(SNIPPET * 1000) + 150)
    assert sink.calls[-1] == ("pause",) and not sink.on         # scrubbing stopped: silence
    sink.calls.clear()
    win.player.update_frames([20], win.player.frames[[20]])       # new pixels under the playhead: no sound
    assert sink.calls == []
    win.play_action.trigger()                                    # Space again: both play
    assert win.player.playing and sink.calls == [("play", pytest.approx(0.5 + 20 / FPS))]
    win.play_action.trigger()
    assert not win.player.playing and sink.calls[-1] == ("pause",)


@needs_ffprobe
def test_an_app_export_carries_the_song(win, qtbot, song, tmp_path):
    add_song(win, qtbot, song)
    drive_size(win, qtbot, amount=1.0)
    dlg = win.open_export_dialog()
    assert dlg.audio == (str(song), 0.0)
    assert any("with song.wav" in label.text() for label in dlg.findChildren(QLabel))
    assert dlg.fps.value() == FPS and not dlg.fps.isEnabled()     # another rate would play the frames off the song
    out = tmp_path / "clip.mp4"
    dlg.set_choice(format="mp4", size="256", path=out)
    with qtbot.waitSignal(dlg.exported, timeout=60000):
        assert dlg.start()
    assert not dlg.fps.isEnabled() and dlg.export.isEnabled()          # still the clip's own rate after a run
    found = streams(out)
    audio = [s for s in found if s["codec_type"] == "audio"]
    assert len(audio) == 1 and audio[0]["codec_name"] == "aac"
    assert audio[0]["duration"] == pytest.approx(FRAMES / FPS, abs=1 / FPS)


def test_a_project_with_drives_opened_at_launch_renders_driven_once_its_song_is_analysed(qtbot, tmp_path, song,
                                                                                       monkeypatch):
    monkeypatch.delenv("LATENT_STUDIO_MODELS", raising=False)
    p = Project(model="shapes-vae", prompt=PROMPT, seed=2, frames=FRAMES, fps=FPS,
                audio=ProjectAudio(str(song), 0.25, [Drive("size", "loudness", 2.5, 0.1)]))
    path = p.save(tmp_path / "driven.lstudio")
    asked = []
    w = make_window(qtbot, tmp_path, model="shapes-vae", project=str(path), wait=False)
    w.engine.clipStarted.connect(lambda rid, n, _p: asked.append(w.last_request))
    qtbot.waitUntil(lambda: w.player.complete() and w.music.song() is not None and w.last_request is not None
                    and w.last_request.timeline != (), timeout=60000)
    qtbot.waitUntil(lambda: w.player.complete(), timeout=30000)
    assert asked and all(r.timeline for r in asked)       # never an undriven render while the song was analysed
    assert np.array_equal(w.player.frames, render_project(w.engine.worker.model, Project.load(path)))
    assert w.music_lane.isVisible() and not w.is_dirty()
    w.close()


def test_a_drive_of_a_direction_the_model_lacks_moves_nothing_and_the_clip_still_renders(win, qtbot, song):
    """After a switch to a model without `size`, the size drive stays in the project (the editor marks
    it) but the render leaves it out instead of failing on an unknown direction."""
    add_song(win, qtbot, song)
    settled(win, qtbot)
    drive_size(win, qtbot)
    assert win.music.render_request().timeline[4] == (Drive("size", "loudness", 2.5, 0.0),)
    win.model_info = {**win.model_info, "directions": ["sefa1", "sefa2"]}
    req = win.music.render_request()
    assert win.project().audio.drives == [Drive("size", "loudness", 2.5, 0.0)]
    assert not req.timeline or req.timeline[4] == ()
