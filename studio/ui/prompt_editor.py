"""The prompt editor: words coloured by whether the model knows them, a history on Up and Down.

The engine tokenises with `re.findall(r"[a-z]+", prompt.lower())`; `word_spans` finds the same
tokens with their positions in the original text, so that each can be coloured in place.
"""
from __future__ import annotations

import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeySequence, QSyntaxHighlighter, QTextCharFormat
from PySide6.QtWidgets import QPlainTextEdit

_TOKEN = re.compile(r"[a-z]+")
HISTORY_SIZE = 50

STATUS_COLOURS = {"known": "#7ee2a8", "matched": "#8cc8ff", "unknown": "#ff8a7a"}


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, token) in `text` for every token the engine sees in `text.lower()`."""
    lowered, origin = [], []
    for i, ch in enumerate(text):
        low = ch.lower()                       # may be longer than one character (e.g. "İ")
        lowered.append(low)
        origin.extend([i] * len(low))
    low_text = "".join(lowered)
    spans = []
    for m in _TOKEN.finditer(low_text):
        start, end = origin[m.start()], origin[m.end() - 1] + 1
        spans.append((start, end, m.group()))
    return spans


class WordHighlighter(QSyntaxHighlighter):
    def __init__(self, document):
        super().__init__(document)
        self.status: dict[str, str] = {}
        self._formats = {}
        for status, colour in STATUS_COLOURS.items():
            f = QTextCharFormat()
            f.setForeground(QColor(colour))
            if status == "unknown":
                f.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
                f.setUnderlineColor(QColor(colour))
            elif status == "matched":
                f.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
                f.setUnderlineColor(QColor(colour))
            self._formats[status] = f
        stop = QTextCharFormat()
        stop.setForeground(QColor("#9aa0b0"))
        self._formats["stop"] = stop

    def set_status(self, status: dict[str, str]) -> None:
        self.status = dict(status)
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:          # noqa: N802 (Qt name)
        for start, end, word in word_spans(text):
            fmt = self._formats.get(self.status.get(word, ""))
            if fmt is not None:
                self.setFormat(start, end - start, fmt)


class PromptEditor(QPlainTextEdit):
    """Ctrl+Enter generates; Up/Down in an empty editor (or while browsing) walk the history.
    Its own undo is off: Ctrl+Z goes to the window's undo stack, which covers prompt, seed and sliders."""

    generateRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setUndoRedoEnabled(False)
        self.setTabChangesFocus(True)
        self.setPlaceholderText("Describe a clip, e.g. “a large red star moving right on a sunset background”")
        font = QFont(self.font())
        font.setPointSizeF(11.5)
        self.setFont(font)
        self.highlighter = WordHighlighter(self.document())
        self.history: list[str] = []
        self._browse: int | None = None          # index into history while browsing

    def text(self) -> str:
        return self.toPlainText()

    def set_text(self, text: str) -> None:
        if text != self.toPlainText():
            self.setPlainText(text)
            self.moveCursor(self.textCursor().MoveOperation.End)

    def remember(self, prompt: str) -> None:
        prompt = prompt.strip()
        if prompt:
            if prompt in self.history:
                self.history.remove(prompt)
            self.history.append(prompt)
            del self.history[:-HISTORY_SIZE]
        self._browse = None

    def event(self, e):
        if e.type() == e.Type.ShortcutOverride and (e.matches(QKeySequence.StandardKey.Undo)
                                                    or e.matches(QKeySequence.StandardKey.Redo)):
            e.ignore()                              # let the window's Undo/Redo actions have it
            return False
        return super().event(e)

    def keyPressEvent(self, e):                    # noqa: N802 (Qt name)
        key, mods = e.key(), e.modifiers()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and mods & Qt.KeyboardModifier.ControlModifier:
            self.generateRequested.emit()
            return
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and not mods and self._browsing():
            self._walk_history(-1 if key == Qt.Key.Key_Up else 1)
            return
        super().keyPressEvent(e)

    def _browsing(self) -> bool:
        text = self.toPlainText()
        if not text:
            return True
        return self._browse is not None and self._browse < len(self.history) and self.history[self._browse] == text

    def _walk_history(self, step: int) -> None:
        if not self.history:
            return
        n = len(self.history)
        pos = n if self._browse is None or not self.toPlainText() else self._browse
        pos = max(0, min(n, pos + step))
        self._browse = pos if pos < n else None
        self.set_text(self.history[pos] if pos < n else "")
