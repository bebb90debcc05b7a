"""The window's latent-timeline behaviour: keys, loop, noise loop and the sliders at the playhead.

A mixin of MainWindow, so main_window.py stays about layout and the engine. The key list lives in
`self._keyframes` ([studio.project.Keyframe]); every edit is one undo step through `commit()`.
The sliders show the interpolated look at the playhead: moving one on a key edits that key;
elsewhere, moving a direction that keys control adds a key there holding the look (and says so).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QDockWidget, QDoubleSpinBox, QHBoxLayout, QLabel, QToolButton,
                               QWidget)

from ..engine.trajectory import NOISE, TimelineSpec, slider_tracks
from ..project import Keyframe
from .keyframe_lane import KeyframeLane
from .trajectory_view import TrajectoryView


class KeyframeMixin:
    # ------------------------------------------------------------------ building
    def _build_keyframe_ui(self, column) -> None:
        self._keyframes: list = []
        self._base_sliders: dict = {}
        self.keylane = KeyframeLane(self.player)
        column.addWidget(self.keylane)
        bar = QWidget()
        bar.setObjectName("timelineBar")
        h = QHBoxLayout(bar)
        h.setContentsMargins(10, 2, 10, 4)
        self.add_key_button = QToolButton()
        self.add_key_button.setText("◆ Add key (K)")
        self.add_key_button.setToolTip("Add a keyframe at the playhead with the current look")
        self.add_key_button.clicked.connect(self.add_key)
        self.loop_box = QCheckBox("Seamless loop")
        self.loop_box.setToolTip("The last frame flows into the first: the path and every latent close")
        self.noise_radius = QDoubleSpinBox()
        self.noise_radius.setRange(0.0, 3.0)
        self.noise_radius.setSingleStep(0.1)
        self.noise_radius.setToolTip("Noise loop: how far the look wanders around itself (0 = off); keyframable")
        self.noise_period = QDoubleSpinBox()
        self.noise_period.setRange(0.25, 60.0)
        self.noise_period.setValue(2.0)
        self.noise_period.setSuffix(" s")
        self.noise_period.setToolTip("Noise loop: seconds per turn")
        for w in (self.add_key_button, self.loop_box, QLabel("Noise loop"), self.noise_radius,
                  QLabel("period"), self.noise_period):
            h.addWidget(w)
        h.addStretch(1)
        column.addWidget(bar)
        self.loop_note = QLabel()                 # a seamless loop that jumps: the first and last keys differ
        self.loop_note.setObjectName("hint")
        self.loop_note.setStyleSheet("color: #f0c36b; padding: 0 10px 4px 10px;")
        self.loop_note.setWordWrap(True)
        self.loop_note.hide()
        column.addWidget(self.loop_note)
        self.trajectory = TrajectoryView()
        dock = QDockWidget("Trajectory", self)
        dock.setObjectName("trajectoryDock")
        dock.setWidget(self.trajectory)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        self.trajectory_dock = dock

        self.keylane.keysEdited.connect(self._keys_edited)
        self.keylane.addRequested.connect(self.add_key)
        self.trajectory.keyEdited.connect(self._key_values_edited)
        self.loop_box.toggled.connect(self._timeline_option_changed)
        self.noise_radius.valueChanged.connect(self._noise_changed)
        self.noise_period.valueChanged.connect(self._timeline_option_changed)
        self.player.frameChanged.connect(self._playhead_moved)
        # the clip's length and speed place the keys: the lane, the path and the loop's note follow them
        self.prompt.framesChanged.connect(lambda _n: self._refresh_timeline())
        self.prompt.fpsChanged.connect(lambda _n: self._refresh_timeline())

    def direction_label(self, name: str) -> str:
        """What the sliders call the direction (a discovered one may carry the user's name)."""
        return self.latent.display(name)

    # ------------------------------------------------------------------ document parts
    def timeline_state(self) -> dict:
        return {"keyframes": [(k.time, tuple(sorted(k.sliders.items())), k.easing, k.seed) for k in self._keyframes],
                "loop": self.loop_box.isChecked(), "noise_period": self.noise_period.value()}

    def document_sliders(self) -> dict:
        """The project's own slider values: the panel's for directions no key names, the stored base
        for keyed ones (the panel shows their interpolated value at the playhead), plus the noise."""
        keyed = self._keyed_names()
        out = {n: v for n, v in self.latent.values().items() if n not in keyed}
        out.update({n: v for n, v in self._base_sliders.items() if n in keyed and v})
        if self.noise_radius.value() and NOISE not in keyed:
            out[NOISE] = self.noise_radius.value()
        return out

    def apply_timeline(self, keys: list, loop: bool, noise_period: float, base: dict) -> None:
        """Puts a document's timeline on the widgets (opening a project, undo/redo)."""
        self._keyframes = sorted(keys, key=lambda k: k.time)
        self._base_sliders = dict(base)
        for w, v in ((self.loop_box, loop), (self.noise_period, noise_period),
                     (self.noise_radius, base.get(NOISE, 0.0))):
            w.blockSignals(True)
            w.setChecked(v) if w is self.loop_box else w.setValue(v)
            w.blockSignals(False)
        self.player.set_loop(loop) if loop else None
        self._refresh_timeline()

    def timeline_spec(self) -> TimelineSpec:
        s = self.document_sliders()
        from ..engine.trajectory import Key
        keys = [Key(k.time, dict(k.sliders), k.easing, k.seed) for k in self._keyframes]
        return TimelineSpec(self.prompt.frames.value(), self.prompt.fps.value(), s, keys,
                            self.loop_box.isChecked(), self.prompt.seed.value(), self.noise_period.value())

    # ------------------------------------------------------------------ edits
    def _keyed_names(self) -> set:
        return {n for k in self._keyframes for n in k.sliders}

    def add_key(self) -> None:
        """A key at the playhead holding the current look (every direction in force or keyed)."""
        frame = self.player.index
        fps = self.prompt.fps.value()
        look = dict(self.latent.values())
        for n in self._keyed_names():
            look.setdefault(n, 0.0)
        if self.noise_radius.value() or NOISE in self._keyed_names():
            look[NOISE] = self._value_at(NOISE, frame, self.noise_radius.value())
        keys = [k for k in self._keyframes if round(k.time * fps) != frame]
        self._keys_edited(keys + [Keyframe(frame / fps, look, "linear")])
        self._say(f"Key added at {frame / fps:.2f} s (frame {frame})")

    def _keys_edited(self, keys: list) -> None:
        if not self._keyframes and keys:
            self._base_sliders = dict(self.latent.values())       # the look before the first key
        self._keyframes = sorted(keys, key=lambda k: k.time)
        self._refresh_timeline()
        self._changed(render=True)
        self.commit()

    def _key_values_edited(self, i: int, values: dict) -> None:
        keys = list(self._keyframes)
        keys[i] = replace(keys[i], sliders=values)
        self._keys_edited(keys)

    def _timeline_option_changed(self, *_a) -> None:
        self.player.set_loop(self.loop_box.isChecked()) if self.loop_box.isChecked() else None
        self._refresh_timeline()
        self._changed(render=True)
        self.commit()
        if self.loop_note.text() and self.loop_box.isChecked():
            self._say(self.loop_note.text(), hold=8.0)

    def loop_jump(self) -> str:
        """On a seamless loop, a sentence when the clip jumps from its last frame to its first (the
        first and last keys differ and the loop has no frames left to close between them), else ""."""
        if not self.loop_box.isChecked() or not self._keyframes:
            return ""
        jumps = []
        for name, t in self._tracks().items():
            if len(t) < 3:
                continue
            wrap = abs(float(t[0] - t[-1]))
            if wrap > 0.05 and wrap > 2 * float(np.abs(np.diff(t)).max()):
                jumps.append(f"{self.direction_label(name)} {t[-1]:+.2f} → {t[0]:+.2f}")
        if not jumps:
            return ""
        return ("Seamless loop: the first and last keys differ (" + ", ".join(jumps[:3]) +
                (", …" if len(jumps) > 3 else "") + " from the last frame to the first), so the loop jumps there. "
                "Give the last key the first key's values, or move it earlier so the loop has frames to close in.")

    def _noise_changed(self, value: float) -> None:
        i = self.keylane.key_at_frame(self.player.index)
        if i is not None and NOISE in self._keyframes[i].sliders:
            self._edit_key(i, {NOISE: value})
            return
        self._timeline_option_changed()

    def _edit_key(self, i: int, values: dict) -> None:
        keys = list(self._keyframes)
        keys[i] = replace(keys[i], sliders={**keys[i].sliders, **values})
        self._keys_edited(keys)

    def sliders_moved(self, values: dict) -> bool:
        """The latent panel moved; True when the keys took the change (else it is the base look)."""
        if not self._keyframes:
            return False
        shown = self._values_at(self.player.index)
        changed = {n: values.get(n, 0.0) for n in set(values) | set(shown)
                   if abs(values.get(n, 0.0) - shown.get(n, 0.0)) > 1e-9}
        i = self.keylane.key_at_frame(self.player.index)
        if i is not None:
            keys = list(self._keyframes)
            keys[i] = replace(keys[i], sliders={**keys[i].sliders, **changed})
            self._keyframes = keys
            self._refresh_timeline(sync_sliders=False)
            return True
        if set(changed) & self._keyed_names():
            # a keyed direction moved off a key: the sliders would snap back to the keys' values as soon
            # as the frame is drawn again, so the look becomes a key here (one undo step), and we say so
            frame = self.player.index
            self.add_key()
            self._say(f"Key added at {frame / self.prompt.fps.value():.2f} s (frame {frame}) with this look: the "
                      "direction is keyframed, so a change between keys makes a key (Ctrl+Z takes it back)", hold=8.0)
            return True
        return False

    # ------------------------------------------------------------------ playhead
    def _values_at(self, frame: int) -> dict:
        if not self._keyframes:
            return self.latent.values()
        tracks = self._tracks()
        frame = min(frame, self.prompt.frames.value() - 1)
        return {n: float(t[frame]) for n, t in tracks.items() if n != NOISE}

    def _value_at(self, name: str, frame: int, default: float) -> float:
        t = self._tracks().get(name)
        return default if t is None else float(t[min(frame, len(t) - 1)])

    def _tracks(self) -> dict:
        """The per-frame values, computed once per timeline (not on every playhead move)."""
        spec = self.timeline_spec()
        key = (spec.frames, spec.fps, tuple(sorted(spec.sliders.items())), spec.loop, spec.seed,
               spec.noise_period, tuple(self.timeline_state()["keyframes"]))
        if getattr(self, "_tracks_cache", (None,))[0] != key:
            self._tracks_cache = (key, slider_tracks(spec))
        return self._tracks_cache[1]

    def _playhead_moved(self, i: int) -> None:
        if self.lesson_view.active:                  # the lesson's frames, not the clip's
            return
        if self._keyframes:
            self.latent.set_values(self._values_at(i))
        self.trajectory.set_frame(i)
        if (self.last_request is not None and not self.player.playing and not self.player.complete()
                and not self.player.fresh[i]):
            self.request_render(force=True)        # scrubbing: the frame under the playhead comes next

    def _refresh_timeline(self, sync_sliders: bool = True) -> None:
        fps = self.prompt.fps.value()
        self.keylane.set_keys(self._keyframes, fps)
        tracks = self._tracks()
        frames = [min(round(k.time * fps), self.prompt.frames.value() - 1) for k in self._keyframes]
        self.trajectory.set_path(tracks, frames, [dict(k.sliders) for k in self._keyframes])
        if sync_sliders and self._keyframes:
            self.latent.set_values(self._values_at(self.player.index))
        note = self.loop_jump()
        self.loop_note.setText(note)
        self.loop_note.setVisible(bool(note))
