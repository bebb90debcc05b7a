"""The mouse wheel scrolls panels; it changes a value only in the field that has focus.

Without this, a wheel turned over the left panel to scroll it lands on the Frames box as the box
passes under the pointer, changes the clip's length and starts a render. Spin boxes anywhere, and
sliders and combo boxes inside a scroll area, take the wheel only when focused (a click or Tab
focuses them); otherwise the wheel goes to the scroll area around them, or nowhere.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (QAbstractScrollArea, QAbstractSlider, QAbstractSpinBox, QApplication, QComboBox,
                               QScrollBar)


def _scroll_area(w):
    p = w.parentWidget()
    while p is not None:
        if isinstance(p, QAbstractScrollArea) and not isinstance(p, QComboBox):
            return p
        p = p.parentWidget()
    return None


def guarded(w) -> bool:
    """Whether a widget takes the wheel only when focused."""
    if isinstance(w, QAbstractSpinBox):
        return True
    if isinstance(w, (QAbstractSlider, QComboBox)) and not isinstance(w, QScrollBar):   # a bar scrolls
        return _scroll_area(w) is not None
    return False


class WheelGuard(QObject):
    """Installed once on the application (install())."""

    def eventFilter(self, obj, e):                     # noqa: N802 (Qt name)
        t = e.type()
        if t == QEvent.Type.Polish and obj.isWidgetType() and guarded(obj):
            if obj.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                obj.setFocusPolicy(Qt.FocusPolicy.StrongFocus)     # the wheel must not focus it either
        elif t == QEvent.Type.Wheel and obj.isWidgetType() and guarded(obj) and not obj.hasFocus():
            area = _scroll_area(obj)
            if area is not None:
                QApplication.sendEvent(area.viewport(), e)
            return True
        return False


def install(app=None) -> WheelGuard:
    app = app or QApplication.instance()
    guard = getattr(app, "_wheel_guard", None)
    if guard is None:
        guard = WheelGuard(app)
        app.installEventFilter(guard)
        app._wheel_guard = guard
    return guard
