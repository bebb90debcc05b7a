"""The left panel: model picker, prompt editor, unknown words, Generate, seed, frames and fps."""
from __future__ import annotations

import html
import random
import re

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (QComboBox, QGridLayout, QHBoxLayout, QLabel, QMenu, QPushButton,
                               QToolButton, QWidget)

from .panel import styled_layout
from .prompt_editor import STATUS_COLOURS, PromptEditor, word_spans
from .resources import example_prompts, icon
from .spin import RangeSpinBox

MAX_SEED = 2**31 - 1


def section(text: str) -> QLabel:
    label = QLabel(text.upper())
    label.setObjectName("sectionTitle")
    return label


def _signed(value: float) -> str:
    """+1.50 or \u22121.80 (a true minus sign)."""
    return f"{value:+.2f}".replace("-", "\u2212")


def _listed(items: list[str]) -> str:
    """"a, b, c and d"."""
    return ", ".join(items[:-1]) + (" and " if len(items) > 1 else "") + items[-1]


def _row(name: str, shown: str) -> str:
    return f"<tr><td style='color:#8d92a3;padding-right:10px'>{html.escape(name)}</td><td>{shown}</td></tr>"


def field_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("fieldLabel")
    return label


class PromptPanel(QWidget):
    generateRequested = Signal()
    modelChosen = Signal(str)
    promptEdited = Signal(str)
    seedChanged = Signal(int)
    framesChanged = Signal(int)
    fpsChanged = Signal(int)
    imageCleared = Signal()
    resetSlidersRequested = Signal()            # the "Reset sliders" link under "Understood as"

    def __init__(self, parent=None):
        super().__init__(parent)
        lay = styled_layout(self, "sidePanel", (16, 12, 16, 16), 8)

        lay.addWidget(section("Model"))
        self.model_box = QComboBox()
        self.model_box.setToolTip("The model that draws the clip (folders under models/)")
        self.model_box.activated.connect(lambda _i: self.modelChosen.emit(self.model_box.currentText()))
        lay.addWidget(self.model_box)

        head = QHBoxLayout()
        head.addWidget(section("Prompt"))
        head.addStretch(1)
        self.examples = QToolButton()
        self.examples.setText("Examples")
        self.examples.setIcon(icon("chevron-down"))
        self.examples.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.examples.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        self.examples.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.examples)
        for text in example_prompts():
            menu.addAction(text, lambda t=text: self.use_example(t))
        self.examples.setMenu(menu)
        head.addWidget(self.examples)
        lay.addLayout(head)

        self.editor = PromptEditor()
        self.editor.setMinimumHeight(84)
        self.editor.setMaximumHeight(130)
        self.editor.setToolTip("Ctrl+Enter generates · Up/Down in an empty prompt recall earlier prompts")
        self.editor.textChanged.connect(lambda: self.promptEdited.emit(self.editor.text()))
        self.editor.generateRequested.connect(self.generateRequested)
        lay.addWidget(self.editor)

        legend = QLabel("&nbsp;&nbsp;".join(f"<span style='color:{c}'>●</span>&nbsp;{t}" for t, c in (
            ("known", STATUS_COLOURS["known"]), ("by meaning", STATUS_COLOURS["matched"]),
            ("unknown", STATUS_COLOURS["unknown"]))))
        legend.setObjectName("hint")
        legend.setWordWrap(True)
        legend.setToolTip("How the model reads each word of the prompt: words it was trained on, words it "
                          "matches to a known word by meaning, and words it ignores")
        lay.addWidget(legend)

        self.unknown = QLabel()
        self.unknown.setObjectName("unknownWords")
        self.unknown.setWordWrap(True)
        self.unknown.hide()
        self.motion_note = QLabel()
        self.motion_note.setObjectName("hint")
        self.motion_note.setWordWrap(True)
        self.motion_note.hide()
        self.matched = QLabel()
        self.matched.setObjectName("matchedWords")
        self.matched.setWordWrap(True)
        self.matched.hide()
        lay.addWidget(self.unknown)
        lay.addWidget(self.motion_note)
        lay.addWidget(self.matched)

        chip = QHBoxLayout()
        self.image_chip = QLabel()
        self.image_chip.setObjectName("imageChip")
        self.image_clear = QToolButton()
        self.image_clear.setIcon(icon("close"))
        self.image_clear.setToolTip("Stop animating the image")
        self.image_clear.clicked.connect(self.imageCleared)
        chip.addWidget(self.image_chip, 1)
        chip.addWidget(self.image_clear)
        self.image_row = QWidget()
        self.image_row.setLayout(chip)
        chip.setContentsMargins(0, 0, 0, 0)
        self.image_row.hide()
        lay.addWidget(self.image_row)

        self.generate = QPushButton("  Generate")
        self.generate.setObjectName("generateButton")
        self.generate.setIcon(icon("sparkle"))
        self.generate.setIconSize(QSize(18, 18))
        self.generate.setToolTip("Generate the clip (Ctrl+Enter)")
        self.generate.setCursor(Qt.CursorShape.PointingHandCursor)
        self.generate.clicked.connect(self.generateRequested)
        lay.addSpacing(4)
        lay.addWidget(self.generate)

        lay.addSpacing(8)
        lay.addWidget(section("Clip"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(8)
        grid.addWidget(field_label("Seed"), 0, 0)
        self.seed = RangeSpinBox("Seeds")
        self.seed.setRange(0, MAX_SEED)
        self.seed.setKeyboardTracking(False)
        self.seed.setToolTip("The random seed: the same seed and prompt give the same clip")
        self.seed.valueChanged.connect(self.seedChanged)
        self.dice = QToolButton()
        self.dice.setIcon(icon("dice"))
        self.dice.setToolTip("A new random seed (Ctrl+R)")
        self.dice.clicked.connect(self.roll_seed)
        self.lock = QToolButton()
        self.lock.setCheckable(True)
        self.lock.setChecked(True)
        self.lock.toggled.connect(self._lock_icon)
        self._lock_icon(True)
        seed_row = QHBoxLayout()
        seed_row.setSpacing(6)
        seed_row.addWidget(self.seed, 1)
        seed_row.addWidget(self.dice)
        seed_row.addWidget(self.lock)
        grid.addLayout(seed_row, 0, 1)

        grid.addWidget(field_label("Frames"), 1, 0)
        self.frames = RangeSpinBox("Frames")
        self.frames.setRange(1, 4096)
        self.frames.setValue(16)
        self.frames.setKeyboardTracking(False)
        self.frames.setSuffix(" frames")
        self.frames.valueChanged.connect(self.framesChanged)
        grid.addWidget(self.frames, 1, 1)
        grid.addWidget(field_label("Speed"), 2, 0)
        self.fps = RangeSpinBox("Speeds (frames per second)")
        self.fps.setRange(1, 60)
        self.fps.setValue(8)
        self.fps.setSuffix(" fps")
        self.fps.valueChanged.connect(self.fpsChanged)
        grid.addWidget(self.fps, 2, 1)
        grid.setColumnStretch(1, 1)
        lay.addLayout(grid)

        self.duration = QLabel()
        self.duration.setObjectName("hint")
        lay.addWidget(self.duration)
        self.range_note = QLabel()                # a typed number outside a box's range, said plainly
        self.range_note.setObjectName("hint")
        self.range_note.setStyleSheet("color: #ff8a7a;")
        self.range_note.setWordWrap(True)
        self.range_note.hide()
        lay.addWidget(self.range_note)
        for box in (self.seed, self.frames, self.fps):
            box.outOfRange.connect(self._say_range)
            box.valueChanged.connect(self.range_note.hide)
        self.frames.valueChanged.connect(self._update_duration)
        self.fps.valueChanged.connect(self._update_duration)
        self._update_duration()

        lay.addSpacing(8)
        lay.addWidget(section("Understood as"))
        self.understood = QLabel("–")
        self.understood.setObjectName("fieldLabel")
        self.understood.setWordWrap(True)
        self.understood.setToolTip("What the model takes from the prompt, and the sliders that change the "
                                   "picture on top of it; open choices are made by the seed")
        lay.addWidget(self.understood)
        self.reset_sliders = QPushButton("Reset sliders")
        self.reset_sliders.setObjectName("resetSliders")
        self.reset_sliders.setIcon(icon("reset"))
        self.reset_sliders.setToolTip("Set every latent slider back to 0, so the clip is drawn from the prompt alone")
        self.reset_sliders.clicked.connect(self.resetSlidersRequested)
        self.reset_sliders.hide()
        lay.addWidget(self.reset_sliders, 0, Qt.AlignmentFlag.AlignLeft)
        self._values: dict = {}                  # what the prompt said, per group (None: left open)
        self._drawn: dict = {}                   # what the clip shows, per group
        self._from_image = False                 # open groups were read from a still (image to video)
        self._unknown: list[str] = []            # words the model ignored
        self._sliders: list[tuple[str, float]] = []
        self._still: tuple[str, bool] | None = None   # what the animated still's Content Credentials say, verified
        self.footage: dict | None = None         # a footage model: {"captions": [...], "words": set}; else None

        lay.addStretch(1)

    # ------------------------------------------------------------------ seed
    def _lock_icon(self, locked: bool) -> None:
        self.lock.setIcon(icon("lock" if locked else "unlock"))
        self.lock.setToolTip("Seed locked: Generate keeps it" if locked
                             else "Seed unlocked: each Generate picks a new random seed")

    def roll_seed(self) -> int:
        seed = random.randint(0, MAX_SEED)
        self.seed.setValue(seed)
        return seed

    # ------------------------------------------------------------------ prompt
    def use_example(self, text: str) -> None:
        self.editor.set_text(text)
        self.editor.setFocus()

    def set_model_card(self, card: dict | None) -> None:
        """The loaded model's card: a footage model (conditioning "sentence") is spoken of in its own
        captions' words (card["data"]["captions"]), never in the shapes world's."""
        card = card or {}
        if card.get("conditioning") != "sentence":
            self.footage = None
            return
        data = card.get("data") if isinstance(card.get("data"), dict) else {}
        captions = [str(c).strip() for c in (data.get("captions") or []) if str(c).strip()]
        from studio.engine.text.vocabulary import STOPWORDS
        words = {w for c in captions for w in re.findall(r"[a-z]+", c.lower()) if w not in STOPWORDS and len(w) > 1}
        self.footage = {"captions": list(dict.fromkeys(captions)), "words": words}
        self._values, self._drawn = {}, {}

    def footage_status(self) -> dict[str, str]:
        """A footage model's reading of the prompt: words of its captions are known, others are not."""
        from studio.engine.text.vocabulary import STOPWORDS
        status = {}
        for _, _, w in word_spans(self.editor.text()):
            if w in STOPWORDS or len(w) < 2 or not w.isalpha():
                continue
            status[w] = "known" if w in self.footage["words"] else "unknown"
        return status

    def set_word_status(self, status: dict[str, str], matched_values: dict[str, str]) -> None:
        """Colours the words and lists those the model does not understand under the editor."""
        if self.footage is not None:
            status, matched_values = self.footage_status(), {}
        self.editor.highlighter.set_status(status)
        words = [w for _, _, w in word_spans(self.editor.text())]
        unknown = list(dict.fromkeys(w for w in words if status.get(w) == "unknown"))
        matched = list(dict.fromkeys(w for w in words if status.get(w) == "matched"))
        self._unknown = unknown
        self._explain_unknown()
        self.matched.setText("Understood by meaning: " + ", ".join(
            f"{html.escape(w)} → {html.escape(matched_values.get(w, '?'))}" for w in matched))
        self.matched.setVisible(bool(matched))

    def set_motions(self, asked: list[str], used: str | None) -> None:
        """More than one motion asked for ("moves left, then up"): a clip follows one; say which."""
        show = len(asked) > 1 and used is not None
        self.motion_note.setVisible(show)
        if show:
            self.motion_note.setText(
                f"Motions asked for: {_listed([html.escape(m) for m in asked])}. A clip follows one motion, so "
                f"this one is <b>{html.escape(used)}</b>; for the other, make a second clip (a lesson can put "
                f"them one after the other).")

    def set_understood(self, values: dict, sliders=(), drawn: dict | None = None, from_image: bool = False) -> None:
        """The attribute values the prompt resolved to (None: the seed chooses), the sliders in
        force on top of them as (name, value), and `drawn`: what the seed (or, `from_image`, the
        still being animated) chose for the rest."""
        footage = self.footage is not None          # its parse is not the shapes world's: no groups to show
        self._values = {} if footage else dict(values or {})
        self._drawn = {} if footage else dict(drawn or {})
        self._from_image = from_image
        self.set_sliders_in_force(sliders)
        self._explain_unknown()

    def _explain_unknown(self) -> None:
        """Words the model ignored, in plain words: what this model can draw, and what it drew instead."""
        unknown = self._unknown
        if self.footage is not None:
            self.unknown.setVisible(bool(unknown))
            if unknown:
                self.unknown.setText(self._footage_text(unknown))
            return
        self.unknown.setVisible(bool(unknown))
        if not unknown:
            return
        text = "Not understood (ignored): " + ", ".join(html.escape(w) for w in unknown) + "."
        values, drawn = self._values, self._drawn
        seeded = [(g, drawn[g]) for g in ("shape", "color", "motion", "background")
                  if g in values and values[g] is None and g in drawn]
        if values:                                   # an attribute model (the shapes world), not footage
            from studio.engine.world.attributes import GROUPS
            text += (f" This model draws {_listed([s + 's' for s in GROUPS['shape']])} that move over plain or "
                     "graded backgrounds")
            text += (", so the seed chose " + ", ".join(f"{g} <b>{html.escape(str(v))}</b>" for g, v in seeded) + "."
                     if seeded else ".")
        self.unknown.setText(text)

    def _footage_text(self, unknown: list[str]) -> str:
        """What a footage model makes of words outside its captions, in its own captions' words."""
        text = "Not in this model's captions: " + ", ".join(html.escape(w) for w in unknown) + "."
        captions, words = self.footage["captions"], sorted(self.footage["words"])
        if not captions:
            return text + (" This model learned from footage, and its card keeps no captions, so the words it "
                           "knows cannot be listed; it reads the prompt by meaning.")
        shown = [f"“{html.escape(c)}”" for c in captions[:3]]
        more = f" and {len(captions) - 3} more" if len(captions) > 3 else ""
        text += (f" This model learned from {len(captions)} clip{'s' * (len(captions) != 1)} of footage captioned "
                 f"{_listed(shown) if not more else ', '.join(shown)}{more}; it reads other words by meaning, "
                 f"so prompts in its captions' words work best")
        if words:
            listed = words[:24]
            text += ": " + ", ".join(html.escape(w) for w in listed) + (", …" if len(words) > len(listed) else "")
        return text + "."

    def set_still_credentials(self, text: str | None, verified: bool = True) -> None:
        """What the Content Credentials of the still being animated say (None: it carries none)."""
        self._still = (text, verified) if text else None
        self.set_sliders_in_force(self._sliders)

    def set_sliders_in_force(self, sliders) -> None:
        self._sliders = [(str(n), float(v)) for n, v in sliders if v]
        self.reset_sliders.setVisible(bool(self._sliders))
        still = "" if self._still is None else (
            f"<p style='margin:0 0 4px 0'><span style='color:#8d92a3'>Still:</span> <span style='color:"
            f"{'#e2e4ea' if self._still[1] else '#ff8a7a'}'>{html.escape(self._still[0])}</span></p>")
        if not self._values and not self._sliders:
            self.understood.setText(still or "–")
            return
        rows = []
        for group, value in self._values.items():
            shown = (f"<span style='color:#e2e4ea'>{html.escape(str(value))}</span>" if value is not None
                     else f"<span style='color:#6f7486'>{html.escape(self._seeded(group))}</span>")
            rows.append(_row(group, shown))
        for name, value in self._sliders:
            rows.append(_row(name, f"<span style='color:#f0c36b'>{_signed(value)}</span> "
                                   "<span style='color:#6f7486'>(slider)</span>"))
        self.understood.setText(f"{still}<table cellspacing='0' cellpadding='1'>{''.join(rows)}</table>")

    def _seeded(self, group: str) -> str:
        chosen = self._drawn.get(group)
        from_still = self._from_image and group in ("color", "shape", "size", "background")
        source = "read from the image" if from_still else "chosen by the seed"
        return f"{chosen} ({source})" if chosen is not None else source

    def understood_text(self) -> str:
        """The panel as plain text, one line per row (for tests and accessibility)."""
        lines = [f"Still: {self._still[0]}"] if self._still else []
        lines += [f"{g} {v if v is not None else self._seeded(g)}" for g, v in self._values.items()]
        return "\n".join(lines + [f"{n} {_signed(v)} (slider)" for n, v in self._sliders])

    def set_image(self, name: str) -> None:
        self.image_chip.setText(f"Animating image: {name}")
        self.image_row.setVisible(bool(name))

    def _say_range(self, text: str) -> None:
        self.range_note.setText(text)
        self.range_note.show()

    def _update_duration(self) -> None:
        n, fps = self.frames.value(), self.fps.value()
        self.duration.setText(f"{n} frames at {fps} fps = {n / fps:.2f} s")
