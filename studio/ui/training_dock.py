"""The Training panel's dock (View > Training Panel, Ctrl+T). At the window's start it opens by
itself when a run is in progress in the user's models folder, and the panel follows that run."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDockWidget

from .. import training_process as detached


class TrainingDock(QDockWidget):
    """The panel in a dock (View > Training Panel, Ctrl+T). The panel itself (pyqtgraph, torch for
    reading checkpoints) is built the first time the dock is shown, so it costs the window's start
    nothing."""

    def __init__(self, window):
        super().__init__("Training", window)
        self.setObjectName("trainingDock")
        self.window_ = window
        self._panel = None
        self.visibilityChanged.connect(lambda visible: visible and self.panel())

    def _join_tabs(self) -> None:
        """Shares the bottom with the window's other panels as tabs, this one in front."""
        win = self.window_
        others = [d for d in win.findChildren(QDockWidget) if d is not self and d.isVisible() and not d.isFloating()
                  and win.dockWidgetArea(d) == win.dockWidgetArea(self)]
        if others:
            win.tabifyDockWidget(others[0], self)
            self.raise_()

    def panel(self):
        if self._panel is None:
            from .training_panel import TrainingPanel
            self._panel = TrainingPanel(self)
            self.setWidget(self._panel)
            self._panel.modelFinished.connect(lambda _out: self.window_._refresh_models())
            QTimer.singleShot(0, self._join_tabs)
            app = QApplication.instance()
            if app is not None:
                app.aboutToQuit.connect(self._panel.shutdown)
        return self._panel


def install(window) -> TrainingDock:
    """Adds the Training dock to the main window, hidden unless a run is in progress, with its
    toggle in the View menu; a finished model refreshes the model picker."""
    dock = TrainingDock(window)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    dock.hide()
    toggle = dock.toggleViewAction()
    toggle.setText("Training Panel")
    toggle.setShortcut("Ctrl+T")
    view = next((a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "View"), None)
    (view or window.menuBar()).addAction(toggle)
    window.training_dock = dock
    try:
        from ..training_job import user_models_root
        if detached.find_running(user_models_root()):
            dock.show()                         # a run the last window started: the panel follows it again
    except OSError:
        pass
    return dock
