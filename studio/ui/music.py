"""The window's music (issue 20): the song in the document, its analysis, and what follows from it.

    window.music.add_music("song.mp3")     # File > Add Music…, or an audio file dropped on the window
    window.music.remove_music()            # each one undo step
    window.music.features()                # {feature: (frames,)} over the clip's span of the song: {} without
                                           # a readable song, None while the engine thread analyses it
    window.music.render_request(visible)   # the document's RenderRequest; None while the song is analysed
    window.music.bake(i)                   # drive i becomes keyframes (one undo step)

The song is the document's `audio` property (a ProjectAudio: path, offset, drives). The analysis runs
on the engine thread (`EngineClient.analyse_audio`), never on the UI thread; it is kept per song file
(path and modification time) and its features per (song, offset, fps, frames), so scrubbing and
re-rendering never analyse again. The music lane, the drives editor and the sound read from here.
"""
from __future__ import annotations

import logging
import os
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QDockWidget, QFileDialog

from ..engine.audio_drives import bake_drive
from ..engine.audio_features import FEATURES, feature_frames
from ..engine.audio_features import preload as preload_analysis
from ..project import Keyframe
from ..project_audio import ProjectAudio
from ..requests import RenderRequest
from .audio_playback import AudioPlayback
from .drives_editor import DrivesEditor
from .export_dialog import remembered_folder
from .music_lane import MusicLane
from .preview import AUDIO_SUFFIXES

log = logging.getLogger(__name__)

AUDIO_FILTER = "Audio (*.wav *.flac *.ogg *.mp3)"
KEEP_SONGS = 3                 # songs whose analysis (and samples) stay in memory: undo and redo switch at once
BAKE_TOLERANCE = 0.05          # slider units: the baked keys' straight lines stay this close to the driven values


def dropped_audio(mime) -> str:
    """The first audio file among a drag's files, or ""."""
    for url in (mime.urls() if mime.hasUrls() else []):
        if url.toLocalFile().lower().endswith(AUDIO_SUFFIXES):
            return url.toLocalFile()
    return ""


def sentence(text: str) -> str:
    """A message as the status line shows it: capitalised, with its full stop."""
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."


class MusicTrack(QObject):
    """Made by `attach_music(window)`; the window's `music`."""
    analysed = Signal()                   # the document's song was analysed (or found unreadable)

    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self._songs: dict[tuple, tuple] = {}        # (path, mtime) -> (AudioAnalysis or None, samples, rate, problem)
        self._features: dict[tuple, dict] = {}     # (song key, offset, fps, frames) -> {feature: (frames,)}
        self._asked: tuple | None = None            # the song key the engine is analysing
        window.engine.audioAnalysed.connect(self._arrived)
        window.doc.audioChanged.connect(lambda _a: self._ask())
        window.preview.audioDropped.connect(self.add_music)
        window.setAcceptDrops(True)                 # an audio file dropped anywhere on the window
        window.installEventFilter(self)

    # ------------------------------------------------------------------ the song in the document
    def choose(self) -> None:
        preload_analysis()                          # librosa imports while the user browses
        folder = remembered_folder(self.w.settings, "musicDir", "music")
        path = QFileDialog.getOpenFileName(self.w, "Add music", folder, AUDIO_FILTER)[0]
        if path:
            self.w.settings.setValue("musicDir", str(Path(path).parent))
            self.add_music(path)

    def add_music(self, path: str) -> None:
        """The song under the clip (one undo step); one that replaces another keeps its offset and drives
        (a song found again where it moved plays on as before)."""
        old = self.w.doc.audio
        self.w.doc.audio = ProjectAudio(os.path.abspath(path), old.offset if old else 0.0,
                                        list(old.drives) if old else [])
        self.w.commit()
        self.w.music_dock.show()
        self.w.music_dock.raise_()
        self.w._say(f"Music: {Path(path).name} · add a drive to let it move a slider")

    def remove_music(self) -> None:
        if self.w.doc.audio is not None:
            self.w.doc.audio = None
            self.w.commit()
            self.w._say("Music removed (Ctrl+Z brings it back)")

    def set_audio(self, audio: ProjectAudio, step: bool = True) -> None:
        """An edit of the offset or the drives; `step`: now one undo step (else when the edits pause)."""
        self.w.doc.audio = audio
        if step:
            self.w.commit()

    def opened(self, project) -> None:
        """A project was put in the document: its music shows; a missing song is one sentence (the
        project is open all the same)."""
        if project.audio is not None:
            self.w.music_dock.raise_()
        problem = project.audio_problem()
        if problem:
            self.w._say(sentence(problem), hold=15.0)

    # ------------------------------------------------------------------ analysis
    @staticmethod
    def song_key(path: str) -> tuple:
        try:
            return (path, os.stat(path).st_mtime_ns)
        except OSError:
            return (path, None)

    def song(self) -> tuple | None:
        """(AudioAnalysis or None, samples or None, rate, problem) of the document's song; None while
        it is analysed (or without a song)."""
        audio = self.w.doc.audio
        return None if audio is None else self._songs.get(self.song_key(audio.path))

    def trouble(self) -> str:
        """"missing" or "cannot be read" when the document's song was found unusable, else ""."""
        song, audio = self.song(), self.w.doc.audio
        if song is None or song[0] is not None:
            return ""
        return "missing" if not Path(audio.path).exists() else "cannot be read"

    def _ask(self) -> None:
        audio = self.w.doc.audio
        if audio is None:
            return
        key = self.song_key(audio.path)
        if key in self._songs or key == self._asked:
            return
        if key[1] is None:                            # missing: nothing to analyse
            self._songs[key] = (None, None, 0, audio.problem())
            self.analysed.emit()
            return
        self._asked = key
        self.w.engine.analyse_audio(audio.path, with_sound=self.playback.available)

    def _arrived(self, path: str, analysis, samples, rate: int, problem: str) -> None:
        key = self.song_key(path)
        if self._asked is not None and self._asked[0] == path:
            self._asked = None
        self._songs = {k: v for k, v in self._songs.items() if k[0] != path}   # an older version of the file
        self._songs[key] = (analysis, samples, rate, problem)
        while len(self._songs) > KEEP_SONGS:                  # decoded songs are large: the latest few stay
            self._songs.pop(next(iter(self._songs)))
        if problem and self.w.doc.audio is not None and self.w.doc.audio.path == path:
            self.w._say(sentence(problem), hold=10.0)
        self.analysed.emit()
        self._ask()                                   # the document's song changed meanwhile
        self.w.request_render()

    def features(self) -> dict | None:
        """Every feature over the clip's span of the document's song (cached); {} when it cannot be
        read (its drives move nothing), None while it is being analysed."""
        audio, d = self.w.doc.audio, self.w.doc
        if audio is None:
            return {}
        song = self.song()
        if song is None:
            self._ask()
            return None
        if song[0] is None:
            return {}
        key = (self.song_key(audio.path), audio.offset, d.fps, d.frames)
        if key not in self._features:
            if len(self._features) > 16:
                self._features.clear()
            self._features[key] = feature_frames(song[0], d.fps, d.frames, audio.offset, FEATURES)
        return self._features[key]

    def render_request(self, visible: int = 0) -> RenderRequest | None:
        """The document's RenderRequest, drawn as `studio export` draws it; None while its song, which
        drives sliders, is analysed (the render follows as soon as it is)."""
        p = self.w.project()
        directions = (getattr(self.w, "model_info", None) or {}).get("directions")
        if directions is not None:          # keys and drives of directions this model lacks move nothing
            p, _dropped = p.for_directions(directions)
        features = {}
        if p.audio is not None and p.audio.drives:
            features = self.features()
            if features is None:
                return None
        return RenderRequest.from_project(p, visible, self.w.image_path, features)

    def soundtrack(self) -> tuple:
        """(path, offset) of the song an MP4 or WebM export carries; () without a readable song."""
        audio = self.w.doc.audio
        song = self.song()
        if audio is None or (song is not None and song[0] is None) or audio.problem():
            return ()
        return (audio.path, audio.offset)

    # ------------------------------------------------------------------ bake to keys
    def bake(self, i: int) -> bool:
        """Drive i becomes linear keys of its direction holding the values it gives (within
        BAKE_TOLERANCE between keys, exactly on them), and goes: one undo step."""
        audio = self.w.doc.audio
        features = self.features()
        if audio is None or not 0 <= i < len(audio.drives):
            return False
        if not features:
            self.w._say("The song is not analysed yet (or cannot be read): there is nothing to bake", hold=6.0)
            return False
        drive, fps, frames = audio.drives[i], self.w.doc.fps, self.w.doc.frames
        track = self.w.key_editor._tracks().get(drive.direction)      # its keyframed values, without drives
        baked = bake_drive(drive, features, fps, track, tolerance=BAKE_TOLERANCE)
        keys = []
        for k in self.w.doc.keyframes:                # the direction's old keys go: the baked ones hold its path
            sliders = {n: v for n, v in k.sliders.items() if n != drive.direction}
            if sliders or k.seed is not None:
                keys.append(replace(k, sliders=sliders))
        at = {min(round(k.time * fps), frames - 1): j for j, k in enumerate(keys)}
        for t, value in baked:
            j = at.get(round(t * fps))
            if j is None:
                keys.append(Keyframe(t, {drive.direction: value}, "linear"))
            else:
                keys[j] = replace(keys[j], sliders={**keys[j].sliders, drive.direction: value})
        rest = ProjectAudio(audio.path, audio.offset, [d for j, d in enumerate(audio.drives) if j != i])
        keys.sort(key=lambda k: k.time)
        self.w.doc.update({"keyframes": keys, "audio": rest, "sliders": self.w.key_editor.document_sliders(keys)})
        self.w.key_editor.refresh_timeline()
        self.w._changed(render=True)
        self.w.commit()
        self.w._say(f"Baked {self.w.key_editor.direction_label(drive.direction)} ← {drive.feature} into "
                    f"{len(baked)} keys (Ctrl+Z brings the drive back)", hold=8.0)
        return True

    # ------------------------------------------------------------------ drops on the window
    def eventFilter(self, obj, e):                     # noqa: N802 (Qt name)
        if obj is self.w and e.type() in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            if dropped_audio(e.mimeData()):
                preload_analysis()
                e.acceptProposedAction()
                return True
        elif obj is self.w and e.type() == QEvent.Type.Drop:
            path = dropped_audio(e.mimeData())
            if path:
                e.acceptProposedAction()
                self.add_music(path)
                return True
        return False


def attach_music(window) -> MusicTrack:
    """The music lane under the keyframe lane, the Music dock (the drives editor) beside the
    Trajectory dock, the sound, and `window.music`."""
    music = MusicTrack(window)
    window.music = music
    music.playback = AudioPlayback(window.player, window.doc, music)
    music.playback.silent = lambda: window.lesson_view.active     # a lesson preview plays its own sound
    window.lesson_view.started.connect(music.playback.load)
    window.lesson_view.ended.connect(music.playback.load)
    lane = MusicLane(window.player, music)
    column = window.keylane.parentWidget().layout()
    column.insertWidget(column.indexOf(window.keylane) + 1, lane)
    window.music_lane = lane
    music.editor = DrivesEditor(window, music)
    dock = QDockWidget("Music", window)
    dock.setObjectName("musicDock")
    dock.setWidget(music.editor)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    window.tabifyDockWidget(window.trajectory_dock, dock)
    window.music_dock = dock
    return music

