"""The right panel: one slider per latent direction of the model, from -3 to 3.

Named directions come first, grouped (object, colour, background), then the unsupervised SeFa
ones. Dragging emits `changed` continuously (the worker keeps only the latest request); releasing
a slider, or resetting, emits `committed` (one undo step). The SeFa ones can be renamed (double-click
or right-click the name); the names live in the settings, per model (`direction_names`).
"""
from __future__ import annotations

import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QInputDialog, QLabel, QMenu, QScrollArea, QSlider,
                               QToolButton, QWidget)

from .direction_names import display_name, is_discovered, pretty, set_display_name, user_name
from .panel import styled_layout
from .prompt_panel import section
from .resources import icon

RANGE = 3.0
STEPS = 100                                      # slider ticks per unit


def order_directions(names) -> list[str]:
    """Named directions in the card's order, then sefa1, sefa2, … in numeric order."""
    names = list(names)
    sefa = sorted((n for n in names if re.fullmatch(r"sefa\d+", n)), key=lambda n: int(n[4:]))
    return [n for n in names if n not in sefa] + sefa


def group_of(name: str) -> str:
    if name.startswith("sefa"):
        return "Discovered (SeFa)"
    if name.startswith("color-"):
        return "Colour"
    if name.startswith("background-"):
        return "Background"
    return "Object"


class DirectionSlider(QSlider):
    resetRequested = Signal()

    def mouseDoubleClickEvent(self, e):              # noqa: N802 (Qt name)
        self.resetRequested.emit()


class NameLabel(QLabel):
    doubleClicked = Signal()

    def mouseDoubleClickEvent(self, e):              # noqa: N802 (Qt name)
        self.doubleClicked.emit()


class LatentPanel(QWidget):
    changed = Signal(dict)                       # all values, while dragging
    committed = Signal()
    renamed = Signal(str, str)                   # direction, the name now shown for it
    valuesSet = Signal(dict)                     # set_values put these on the sliders (no `changed`)

    def __init__(self, parent=None):
        super().__init__(parent)
        outer = styled_layout(self, "sidePanel", (14, 12, 6, 12), 6)
        head = QHBoxLayout()
        head.addWidget(section("Latent directions"))
        head.addStretch(1)
        self.reset_all = QToolButton()
        self.reset_all.setIcon(icon("reset"))
        self.reset_all.setText("Reset")
        self.reset_all.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.reset_all.setToolTip("Set every slider back to 0")
        self.reset_all.clicked.connect(self.reset)
        head.addWidget(self.reset_all)
        head.addSpacing(8)
        outer.addLayout(head)
        self.empty = QLabel("The sliders appear when a model is loaded.")
        self.empty.setObjectName("hint")
        self.empty.setWordWrap(True)
        outer.addWidget(self.empty)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(self.scroll, 1)
        hint = QLabel("Drag to reshape the clip · double-click a slider to reset it")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        outer.addWidget(hint)
        self.sliders: dict[str, DirectionSlider] = {}
        self.labels: dict[str, QLabel] = {}
        self.name_labels: dict[str, NameLabel] = {}
        self.settings, self.model = None, ""         # where the user's direction names live (set_model)
        self._quiet = False
        self._loaded_once = False
        self.set_directions([])

    # ------------------------------------------------------------------ building
    def set_directions(self, names) -> None:
        """Rebuilds the sliders; values of directions that the new model shares are kept."""
        old = self.values()
        body = QWidget()
        grid = QGridLayout(body)
        grid.setContentsMargins(0, 0, 8, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(1, 1)
        self.sliders, self.labels, self.name_labels = {}, {}, {}
        row, group = 0, None
        for name in order_directions(names):
            if group_of(name) != group:
                group = group_of(name)
                title = QLabel(group)
                title.setObjectName("fieldLabel")
                title.setStyleSheet("font-weight: bold; padding-top: 8px;")
                grid.addWidget(title, row, 0, 1, 3)
                row += 1
            label = self._name_label(name)
            slider = DirectionSlider(Qt.Orientation.Horizontal)
            slider.setRange(int(-RANGE * STEPS), int(RANGE * STEPS))
            slider.setSingleStep(5)
            slider.setPageStep(50)
            slider.setObjectName(f"slider-{name}")
            slider.setToolTip(f"{name}: -3 … 3 (double-click resets)")
            value = QLabel()
            value.setObjectName("sliderValue")
            value.setMinimumWidth(44)
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            slider.valueChanged.connect(lambda v, n=name: self._moved(n, v))
            slider.sliderReleased.connect(self.committed)
            slider.resetRequested.connect(lambda n=name: self._reset_one(n))
            grid.addWidget(label, row, 0)
            grid.addWidget(slider, row, 1)
            grid.addWidget(value, row, 2)
            self.sliders[name], self.labels[name] = slider, value
            row += 1
        grid.setRowStretch(row, 1)
        self.scroll.setWidget(body)
        self.empty.setVisible(not self.sliders)
        if self._loaded_once:
            self.empty.setText("This model has no latent directions. They are computed when a model finishes "
                               "training (see its model card).")
        self._loaded_once = True
        self.reset_all.setEnabled(bool(self.sliders))
        self.set_values({k: v for k, v in old.items() if k in self.sliders})

    # ------------------------------------------------------------------ names
    def set_model(self, settings, model: str) -> None:
        """The settings and model whose direction names to show (call before set_directions)."""
        self.settings, self.model = settings, model or ""

    def display(self, name: str) -> str:
        """What the direction is called on screen (the user's name for a discovered one)."""
        return display_name(self.settings, self.model, name)

    def _name_label(self, name: str) -> NameLabel:
        label = NameLabel(self.display(name))
        label.setObjectName("sliderName")
        self.name_labels[name] = label
        if is_discovered(name):
            label.setToolTip(f"{name} · double-click or right-click to rename")
            label.doubleClicked.connect(lambda n=name: self.rename(n))
            label.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            label.customContextMenuRequested.connect(lambda pos, n=name: self._name_menu(n, pos))
        else:
            label.setToolTip(name)
        return label

    def _name_menu(self, name: str, pos) -> None:
        menu = QMenu(self)
        menu.addAction("Rename…", lambda: self.rename(name))
        reset = menu.addAction(f"Back to “{pretty(name)}”", lambda: self.rename(name, ""))
        reset.setEnabled(bool(user_name(self.settings, self.model, name)))
        menu.popup(self.name_labels[name].mapToGlobal(pos))

    def ask_name(self, name: str, current: str) -> str | None:
        """The new name, or None when cancelled (tests replace this)."""
        text, ok = QInputDialog.getText(self, "Rename direction",
                                        f"A name for {pretty(name)} of {self.model} (empty: {pretty(name)}):",
                                        text=current)
        return text if ok else None

    def rename(self, name: str, new: str | None = None) -> None:
        """Renames a discovered direction for this model (asks when no name is given)."""
        if self.settings is None or not self.model or not is_discovered(name) or name not in self.name_labels:
            return
        if new is None:
            new = self.ask_name(name, self.display(name))
            if new is None:
                return
        shown = set_display_name(self.settings, self.model, name, new)
        if self.name_labels[name].text() != shown:
            self.name_labels[name].setText(shown)
            self.renamed.emit(name, shown)

    def in_force(self) -> list[tuple[str, float]]:
        """The sliders away from 0, as (name on screen, value), in the panel's order."""
        values = self.values()
        return [(self.display(n), values[n]) for n in self.sliders if n in values]

    # ------------------------------------------------------------------ values
    def values(self) -> dict[str, float]:
        return {n: s.value() / STEPS for n, s in self.sliders.items() if s.value() != 0}

    def set_values(self, values: dict[str, float]) -> None:
        """Sets the sliders without emitting `changed`."""
        self._quiet = True
        try:
            for name, slider in self.sliders.items():
                v = max(-RANGE, min(RANGE, float(values.get(name, 0.0))))
                slider.setValue(round(v * STEPS))
                self._show(name, slider.value())
        finally:
            self._quiet = False
        self.valuesSet.emit(self.values())

    def reset(self) -> None:
        if self.values():
            self.set_values({})
            self.changed.emit({})
            self.committed.emit()

    def _reset_one(self, name: str) -> None:
        slider = self.sliders[name]
        if slider.value() != 0:
            slider.setValue(0)
            self.committed.emit()

    def _moved(self, name: str, v: int) -> None:
        self._show(name, v)
        if not self._quiet:
            self.changed.emit(self.values())

    def _show(self, name: str, v: int) -> None:
        label = self.labels[name]
        label.setText(f"{v / STEPS:+.2f}")
        active = v != 0
        if label.property("active") != active:
            label.setProperty("active", active)
            label.style().unpolish(label)
            label.style().polish(label)
