"""A spin box that says its range: a typed number outside it is not silently cut down.

QSpinBox refuses the keystroke that would leave its range, so 99999 typed in a 1…4096 box becomes
999 without a word. This one lets the number be typed, keeps the value it had, and emits
`outOfRange(text)` with a sentence that gives the range."""
from __future__ import annotations

import re

from PySide6.QtCore import Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QSpinBox


class RangeSpinBox(QSpinBox):
    outOfRange = Signal(str)                   # "Frames go from 1 to 4096; 99999 is outside, so it stays 24."

    def __init__(self, what: str, parent=None):
        super().__init__(parent)
        self.what = what                       # "Frames", "Speed", …: the sentence's subject
        self.editingFinished.connect(self._check)
        self._refused: int | None = None      # the out-of-range number fixup() put back, for _check()

    def _number(self, text: str) -> int | None:
        core = text
        if self.suffix() and core.endswith(self.suffix()):
            core = core[: -len(self.suffix())]
        core = core[len(self.prefix()):] if self.prefix() and core.startswith(self.prefix()) else core
        core = core.strip()
        return int(core) if re.fullmatch(r"-?\d+", core) else None

    def validate(self, text, pos):                   # noqa: D102 (Qt override)
        n = self._number(text)
        if n is not None and not (self.minimum() <= n <= self.maximum()):
            return QValidator.State.Intermediate, text, pos     # typed on, judged when finished
        return super().validate(text, pos)

    def _check(self) -> None:
        n, self._refused = self._refused, None
        text_n = self._number(self.lineEdit().text())
        if text_n is not None and not (self.minimum() <= text_n <= self.maximum()):
            n = text_n
            self.lineEdit().setText(self.textFromValue(self.value()) + self.suffix())
        if n is None:
            return
        kept = self.value()
        self.outOfRange.emit(f"{self.what} go from {self.minimum()} to {self.maximum()}; {n} is outside that, so it "
                             f"stays {kept}.")

    def fixup(self, text):                           # noqa: D102 (Qt override)
        n = self._number(text)
        if n is not None and not (self.minimum() <= n <= self.maximum()):
            self._refused = n
            return self.textFromValue(self.value()) + self.suffix()
        return super().fixup(text)
