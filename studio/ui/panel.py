"""The one way a styled panel is set up: object name for the stylesheet, painted background, layout."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QVBoxLayout, QWidget


def styled_layout(widget: QWidget, name: str, margins=(0, 0, 0, 0), spacing: int | None = None,
                  horizontal: bool = False) -> QBoxLayout:
    widget.setObjectName(name)
    widget.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
    lay = (QHBoxLayout if horizontal else QVBoxLayout)(widget)
    lay.setContentsMargins(*margins)
    if spacing is not None:
        lay.setSpacing(spacing)
    return lay
