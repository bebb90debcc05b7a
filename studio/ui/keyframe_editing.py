"""The window's latent-timeline behaviour: keys, loop, noise loop and the sliders at the playhead.

`KeyframeEditor`, made by MainWindow, so main_window.py stays about layout and the engine. The keys, the loop,
the noise loop's period and the base look live in the document (`self.w.doc.keyframes`, `loop`,
`noise_period`, `sliders`); every edit is one undo step through `commit()`. This module is the
sliders' binding: the panel shows the interpolated look at the playhead, the document holds the
base look. Moving a slider on a key edits that key; elsewhere, moving a direction that keys control
adds a key there holding the look (and says so).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (QCheckBox, QDockWidget, QDoubleSpinBox, QHBoxLayout, QLabel, QToolButton,
                               QWidget)

from ..engine.trajectory import NOISE, TimelineSpec, slider_tracks
from ..project import Keyframe
from .keyframe_lane import KeyframeLane
from .trajectory_view import TrajectoryView


class KeyframeEditor(QObject):
    """The window's keyframe lane, loop and noise-loop bar, trajectory dock, and the sliders' binding."""

    SHOWN = ("keylane", "add_key_button", "loop_box", "noise_radius", "noise_period", "loop_note", "trajectory",
             "trajectory_dock")            # the window shows these under the same names

    def __init__(self, window, column) -> None:
        super().__init__(window)
        self.w = window
        self.keylane = KeyframeLane(self.w.player)
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
        dock = QDockWidget("Trajectory", window)
        dock.setObjectName("trajectoryDock")
        dock.setWidget(self.trajectory)
        self.w.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        self.trajectory_dock = dock
        for name in self.SHOWN:
            setattr(window, name, getattr(self, name))

    def connect_document(self) -> None:
        """After the document's bindings (bindings.bind_window): the reactions read the document."""
        from .bindings import bind
        doc = self.w.doc
        bind(doc, "loop", self.loop_box.toggled, self.loop_box.isChecked, self.loop_box.setChecked)
        bind(doc, "noise_period", self.noise_period.valueChanged, self.noise_period.value, self.noise_period.setValue)
        self.keylane.keysEdited.connect(self._keys_edited)
        self.keylane.addRequested.connect(self.add_key)
        self.trajectory.keyEdited.connect(self._key_values_edited)
        doc.loopChanged.connect(self._timeline_option_changed)
        doc.noisePeriodChanged.connect(self._timeline_option_changed)
        self.noise_radius.valueChanged.connect(self._noise_changed)
        self.w.latent.valuesSet.connect(self._sliders_shown)
        self.w.player.frameChanged.connect(self._playhead_moved)
        # the clip's length and speed place the keys: the window refreshes the lane, the path and the
        # loop's note when the document's frames or fps change (main_window._on_doc_changed)

    def direction_label(self, name: str) -> str:
        """What the sliders call the direction (a discovered one may carry the user's name)."""
        return self.w.latent.display(name)

    @property
    def _keyframes(self) -> list:
        return list(self.w.doc.keyframes)

    # ------------------------------------------------------------------ document parts
    def document_sliders(self, keys=None, look: dict | None = None) -> dict:
        """The project's own slider values (its base look): `look` (the panel's values as its signal
        carried them; default the document's own) for directions no key names, the document's base
        for keyed ones (the panel shows their interpolated value at the playhead), plus the noise.
        `keys`: the keys about to be the document's (default: its own)."""
        keyed = self._keyed_names(keys)
        base = self.w.doc.sliders
        look = base if look is None else look
        out = {n: v for n, v in look.items() if n not in keyed and n != NOISE}
        out.update({n: v for n, v in base.items() if n in keyed and v and n != NOISE})
        if base.get(NOISE) and NOISE not in keyed:
            out[NOISE] = base[NOISE]
        return out

    def apply_timeline(self, keys: list, loop: bool, noise_period: float, base: dict) -> None:
        """Puts a document's timeline and base look into the document (opening a project,
        undo/redo; the caller holds `_applying`), and the noise radius on its box."""
        self.noise_radius.blockSignals(True)
        self.noise_radius.setValue(base.get(NOISE, 0.0))
        self.noise_radius.blockSignals(False)
        self.w.doc.update({"keyframes": keys, "loop": loop, "noise_period": noise_period, "sliders": dict(base)})
        self.w.player.set_loop(loop) if loop else None
        self.refresh_timeline()
        self.sync_sliders()

    def sync_sliders(self, keys=None, look: dict | None = None) -> None:
        """The document's base look: `look` (the panel's values, from its signal) for the
        directions no key names, the document's base for keyed ones, and the noise."""
        self.w.doc.sliders = self.document_sliders(keys, look)

    def keep_directions(self, names) -> None:
        """A model with these directions was loaded: the base look keeps only them (and the noise)."""
        names = set(names) | {NOISE}
        self.w.doc.sliders = {n: v for n, v in self.w.doc.sliders.items() if n in names}

    def _sliders_shown(self, values: dict) -> None:
        """The panel was set without an edit (a project, undo, the look at the playhead, a script):
        the document's base look follows, as no user's change (nothing renders or becomes a step)."""
        applying, self.w._applying = self.w._applying, True
        try:
            self.sync_sliders(look=values)
        finally:
            self.w._applying = applying

    def sliders_edited(self, values: dict) -> None:
        """The user moved a slider of the latent panel (`values`: the panel's whole look)."""
        self.sliders_moved(values)
        self.sync_sliders(look=values)
        self.w._changed(render=True)

    def timeline_spec(self) -> TimelineSpec:
        d = self.w.doc                             # the panel's look as it is now (mid-drag included)
        return TimelineSpec.of(d.frames, d.fps, self.document_sliders(), d.keyframes, d.loop, d.seed, d.noise_period)

    # ------------------------------------------------------------------ edits
    def _keyed_names(self, keys=None) -> set:
        return {n for k in (self.w.doc.keyframes if keys is None else keys) for n in k.sliders}

    def add_key(self) -> None:
        """A key at the playhead holding the current look: every direction of the panel, at 0 too, so that a
        first key pressed before any slider moved holds the look the clip starts from (else a slider moved
        later, with no key naming it, changes the base look of the whole clip and K makes no path)."""
        look = {n: 0.0 for n in self.w.latent.sliders}
        self._key_here({**look, **self._values_at(self.w.player.index)})

    def _key_here(self, look: dict) -> None:
        """A key at the playhead holding `look` (the panel's values), the keyed directions and the noise."""
        frame = self.w.player.index
        fps = self.w.doc.fps
        look = dict(look)
        for n in self._keyed_names():
            look.setdefault(n, 0.0)
        radius = self.w.doc.sliders.get(NOISE, 0.0)
        if radius or NOISE in self._keyed_names():
            look[NOISE] = self._value_at(NOISE, frame, radius)
        keys = [k for k in self._keyframes if round(k.time * fps) != frame]
        self._keys_edited(keys + [Keyframe(frame / fps, look, "linear")])
        self.w._say(f"Key added at {frame / fps:.2f} s (frame {frame})")

    def _keys_edited(self, keys: list) -> None:
        self.w.doc.update({"keyframes": keys, "sliders": self.document_sliders(keys)})
        self.refresh_timeline()
        self.w._changed(render=True)
        self.w.commit()

    def _key_values_edited(self, i: int, values: dict) -> None:
        keys = list(self._keyframes)
        keys[i] = replace(keys[i], sliders=values)
        self._keys_edited(keys)

    def _timeline_option_changed(self, *_a) -> None:
        if self.w._applying:
            return
        self.w.player.set_loop(self.w.doc.loop) if self.w.doc.loop else None
        self.refresh_timeline()
        self.sync_sliders()
        self.w._changed(render=True)
        self.w.commit()
        if self.loop_note.text() and self.w.doc.loop:
            self.w._say(self.loop_note.text(), hold=8.0)

    def loop_jump(self) -> str:
        """On a seamless loop, a sentence when the clip jumps from its last frame to its first (the
        first and last keys differ and the loop has no frames left to close between them), else ""."""
        if not self.w.doc.loop or not self.w.doc.keyframes:
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
        i = self.keylane.key_at_frame(self.w.player.index)
        if i is not None and NOISE in self.w.doc.keyframes[i].sliders:
            self._edit_key(i, {NOISE: value})
            return
        if NOISE not in self._keyed_names():
            base = {n: v for n, v in self.w.doc.sliders.items() if n != NOISE}
            self.w.doc.sliders = {**base, NOISE: value} if value else base
        self._timeline_option_changed()

    def _edit_key(self, i: int, values: dict) -> None:
        keys = list(self._keyframes)
        keys[i] = replace(keys[i], sliders={**keys[i].sliders, **values})
        self._keys_edited(keys)

    def sliders_moved(self, values: dict) -> bool:
        """The latent panel moved; True when the keys took the change (else it is the base look)."""
        if not self.w.doc.keyframes:
            return False
        shown = self._values_at(self.w.player.index)
        changed = {n: values.get(n, 0.0) for n in set(values) | set(shown)
                   if abs(values.get(n, 0.0) - shown.get(n, 0.0)) > 1e-9}
        i = self.keylane.key_at_frame(self.w.player.index)
        if i is not None:
            keys = list(self._keyframes)
            keys[i] = replace(keys[i], sliders={**keys[i].sliders, **changed})
            self.w.doc.update({"keyframes": keys, "sliders": self.document_sliders(keys)})
            self.refresh_timeline(sync_sliders=False)
            return True
        if set(changed) & self._keyed_names():
            # a keyed direction moved off a key: the sliders would snap back to the keys' values as soon
            # as the frame is drawn again, so the look becomes a key here (one undo step), and we say so
            frame = self.w.player.index
            self._key_here(values)
            self.w._say(f"Key added at {frame / self.w.doc.fps:.2f} s (frame {frame}) with this look: the "
                      "direction is keyframed, so a change between keys makes a key (Ctrl+Z takes it back)", hold=8.0)
            return True
        return False

    # ------------------------------------------------------------------ playhead
    def _values_at(self, frame: int) -> dict:
        if not self.w.doc.keyframes:
            return {n: v for n, v in self.w.doc.sliders.items() if n != NOISE}
        tracks = self._tracks()
        frame = min(frame, self.w.doc.frames - 1)
        return {n: float(t[frame]) for n, t in tracks.items() if n != NOISE}

    def _value_at(self, name: str, frame: int, default: float) -> float:
        t = self._tracks().get(name)
        return default if t is None else float(t[min(frame, len(t) - 1)])

    def _tracks(self) -> dict:
        """The per-frame values, computed once per timeline (not on every playhead move)."""
        spec = self.timeline_spec()
        key = (spec.frames, spec.fps, tuple(sorted(spec.sliders.items())), spec.loop, spec.seed,
               spec.noise_period, tuple((k.time, tuple(sorted(k.sliders.items())), k.easing, k.seed)
                                        for k in self.w.doc.keyframes))
        if getattr(self, "_tracks_cache", (None,))[0] != key:
            self._tracks_cache = (key, slider_tracks(spec))
        return self._tracks_cache[1]

    def _playhead_moved(self, i: int) -> None:
        if self.w.lesson_view.active:                  # the lesson's frames, not the clip's
            return
        if self.w.doc.keyframes:
            self.w.latent.set_values(self._values_at(i))
        self.trajectory.set_frame(i)
        if (self.w.last_request is not None and not self.w.player.playing and not self.w.player.complete()
                and not self.w.player.fresh[i]):
            self.w.request_render(force=True)        # scrubbing: the frame under the playhead comes next

    def refresh_timeline(self, sync_sliders: bool = True) -> None:
        fps, keys = self.w.doc.fps, self._keyframes
        self.keylane.set_keys(keys, fps)
        tracks = self._tracks()
        frames = [min(round(k.time * fps), self.w.doc.frames - 1) for k in keys]
        self.trajectory.set_path(tracks, frames, [dict(k.sliders) for k in self._keyframes])
        if sync_sliders and self._keyframes:
            self.w.latent.set_values(self._values_at(self.w.player.index))
        note = self.loop_jump()
        self.loop_note.setText(note)
        self.loop_note.setVisible(bool(note))
