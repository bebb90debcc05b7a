"""The preview's sound: the document's song plays in sync with the playhead.

Frame i of the clip shows the song at `offset + i / fps` seconds (`song_seconds`). While the clip
plays with sound, the sound is the clock: each of the player's ticks shows the frame the song has
reached (`Player.clock`), so picture and sound never drift apart; a jump of the playhead while it
plays (a click on a lane, the loop wrapping) moves the song with it. While the clip is paused, a
scrub plays SNIPPET seconds of the song at the playhead, then silence: scrubbing is heard, and
stopping is silent. Space (Play / Pause) starts and stops both.

The sound goes out through PortAudio (`sounddevice`). Without it, without an output device, or
under the offscreen platform, the preview plays as before without sound: no error, no dialog
(`SoundOut.available` is False and the sync logic still runs, on nothing).
"""
from __future__ import annotations

import logging
import math

import numpy as np
from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QGuiApplication

log = logging.getLogger(__name__)

SNIPPET = 0.12                  # seconds of sound a scrub plays, then silence


def song_seconds(frame: int, fps: int, offset: float) -> float:
    """Where in the song frame `frame` is (seconds)."""
    return offset + frame / fps


def frame_at(seconds: float, fps: int, offset: float) -> int:
    """The frame that shows the song at `seconds`."""
    return int(math.floor((seconds - offset) * fps + 1e-6))


def _output_device() -> bool:
    """True when PortAudio is there and has an output device (never asked under offscreen Qt)."""
    app = QGuiApplication.instance()
    if app is None or QGuiApplication.platformName() in ("offscreen", "minimal"):
        return False
    try:
        import sounddevice as sd
        sd.query_devices(kind="output")
    except Exception as e:                  # noqa: BLE001 - no library, no device: the clip plays silent
        log.info("no sound output (%s): the preview plays without sound", e)
        return False
    return True


class SoundOut:
    """A song's samples played from a position (the one part that touches a device)."""

    def __init__(self):
        self.available = _output_device()
        self.samples: np.ndarray | None = None        # (n, channels) float32
        self.rate = 0
        self._pos = 0                                  # the next sample the device is given
        self._stream = None

    def load(self, samples: np.ndarray | None, rate: int) -> None:
        self._close()
        self.samples, self.rate = samples, int(rate)

    def play_from(self, seconds: float) -> None:
        if not self.available or self.samples is None:
            return
        self._pos = max(0, int(round(seconds * self.rate)))
        try:
            if self._stream is None:
                import sounddevice as sd
                self._stream = sd.OutputStream(samplerate=self.rate, channels=self.samples.shape[1],
                                               dtype="float32", callback=self._fill)
            if not self._stream.active:
                self._stream.start()
        except Exception as e:                 # noqa: BLE001 - the device went away: silent from now on
            log.warning("the sound cannot be played (%s); the preview plays without it", e)
            self.available = False
            self._stream = None

    def pause(self) -> None:
        if self._stream is not None and self._stream.active:
            try:
                self._stream.abort()
            except Exception as e:             # noqa: BLE001
                log.info("stopping the sound: %s", e)

    def playing(self) -> bool:
        return self._stream is not None and self._stream.active

    def position(self) -> float | None:
        """Seconds into the song that are being heard now; None when no sound plays."""
        if not self.playing():
            return None
        return max(0.0, self._pos / self.rate - float(self._stream.latency))

    def _fill(self, out, frames, _time, _status) -> None:   # PortAudio's thread
        s, p = self.samples, self._pos
        n = 0 if s is None else max(0, min(frames, len(s) - p))     # past the song's end: silence
        if n:
            out[:n] = s[p:p + n]
        out[n:] = 0
        self._pos = p + frames

    def _close(self) -> None:
        if self._stream is not None:
            try:
                self._stream.abort()
                self._stream.close()
            except Exception as e:             # noqa: BLE001
                log.info("closing the sound: %s", e)
        self._stream = None


class AudioPlayback(QObject):
    """Made by `music.attach_music`: keeps `sink` (a SoundOut) in step with the player."""

    def __init__(self, player, doc, music, sink=None):
        super().__init__(player.parent())
        self.player, self.doc, self.music = player, doc, music
        self.sink = sink if sink is not None else SoundOut()
        self.silent = lambda: False                   # True while the player shows something else (a lesson)
        self._loaded = None                           # the song whose samples the sink holds
        self._last = player.index
        self._snippet = QTimer(self, singleShot=True, interval=round(SNIPPET * 1000), timeout=self._quiet)
        player.playingChanged.connect(self._playing)
        player.frameChanged.connect(self._moved)
        music.analysed.connect(self.load)
        doc.audioChanged.connect(lambda _a: self.load())
        doc.fpsChanged.connect(lambda _f: self.load())

    @property
    def available(self) -> bool:
        return bool(self.sink.available)

    def seconds_of(self, frame: int) -> float:
        """Where the sound is asked to play from for frame `frame` of the clip."""
        audio = self.doc.audio
        return song_seconds(frame, self.doc.fps, audio.offset if audio else 0.0)

    def set_sink(self, sink) -> None:
        self.sink.load(None, 0)
        self.sink, self._loaded = sink, None
        self.load()

    def load(self) -> None:
        """The document's song (its samples, when analysed) into the sink; the sound leads the
        player while there is one to hear."""
        audio, song = self.doc.audio, self.music.song()
        samples = song[1] if song is not None and audio is not None else None
        if samples is None:
            self.sink.load(None, 0)
            self._loaded, self.player.clock = None, None
            return
        if self._loaded != audio.path:
            self.sink.load(samples, song[2])
            self._loaded = audio.path
        if self.silent():
            self.sink.pause()
            self.player.clock = None
            return
        self.player.clock = self._clock if self.available else None
        if self.player.playing:                       # the offset or the speed changed while it plays
            self.sink.play_from(self.seconds_of(self.player.index))

    def _clock(self) -> int | None:
        heard = self.sink.position()
        audio = self.doc.audio
        return None if heard is None or audio is None else frame_at(heard, self.doc.fps, audio.offset)

    def _playing(self, playing: bool) -> None:
        self._snippet.stop()
        self._last = self.player.index
        if playing and not self.silent():
            self.sink.play_from(self.seconds_of(self.player.index))
        else:
            self.sink.pause()

    def _moved(self, i: int) -> None:
        last, self._last = self._last, i
        if i == last or self._loaded is None or self.silent():
            return                                    # new pixels under the playhead, or nothing to hear
        if self.player.playing:
            heard = self._clock()
            if heard is None or abs(heard - i) > 1:   # a jump (a click, the loop wrapping): the song follows
                self.sink.play_from(self.seconds_of(i))
            return
        self.sink.play_from(self.seconds_of(i))       # scrubbing: a snippet here, then silence
        self._snippet.start()

    def _quiet(self) -> None:
        if not self.player.playing:
            self.sink.pause()
