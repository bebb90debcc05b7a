"""The window's menus and their shortcuts (File, Edit, View, Playback, Help)."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QApplication

from .preview import ZOOMS


def act(win, menu, text, slot=None, shortcut=None, checkable=False, tip=None) -> QAction:
    a = QAction(text, win)
    if shortcut:
        keys = shortcut if isinstance(shortcut, (list, tuple)) else [shortcut]
        a.setShortcuts([QKeySequence(k) for k in keys])
    if checkable:
        a.setCheckable(True)
    if slot is not None:
        (a.toggled if checkable else a.triggered).connect(slot)
    if tip:
        a.setStatusTip(tip)
    menu.addAction(a)
    return a


class WindowShortcuts(QObject):
    """Lets some of the window's shortcuts win over the key bindings of whatever field has focus: on
    X11, Ctrl+E means "end of line" in every line edit (the seed, frames and fps boxes), which would
    otherwise swallow Export."""

    def __init__(self, win, actions):
        super().__init__(win)
        self.win = win
        self.keys = [k for a in actions for k in a.shortcuts()]
        QApplication.instance().installEventFilter(self)

    def eventFilter(self, obj, e):                    # noqa: N802 (Qt name)
        if (e.type() == QEvent.Type.ShortcutOverride and obj.isWidgetType() and obj.window() is self.win
                and QKeySequence(e.keyCombination()) in self.keys):
            e.ignore()                                # not the field's: the window's action takes it
            return True
        return False


def build_menus(win) -> None:
    """Actions that the window needs later (undo, zoom, recent, …) become its attributes."""
    mb = win.menuBar()
    f = mb.addMenu("&File")
    act(win, f, "&New Project", win.new_project, "Ctrl+N")
    act(win, f, "&Open Project…", lambda: win.open_project(), "Ctrl+O")
    win.recent_menu = f.addMenu("Open &Recent")
    f.addSeparator()
    act(win, f, "&Save", win.save, "Ctrl+S")
    act(win, f, "Save &As…", win.save_as, "Ctrl+Shift+S")
    f.addSeparator()
    win.export_action = act(win, f, "&Export Clip…", win.open_export_dialog, "Ctrl+E")
    win.window_shortcuts = WindowShortcuts(win, [win.export_action])     # Ctrl+E exports from any field
    act(win, f, "Animate an &Image…", win.view_actions.choose_image, "Ctrl+I",
        tip="Image to video: the VAE model animates a still")
    act(win, f, "Add &Music…", win.music.choose, "Ctrl+M",
        tip="A song under the clip (WAV, FLAC, OGG, MP3): it can drive sliders, and MP4 and WebM exports carry it")
    act(win, f, "Remove Music", win.music.remove_music)
    act(win, f, "Content &Credentials of a File…", win.credentials_view.choose_file,
        tip="What a file's Content Credentials say (made by a model? changed since?), and whether they verify")
    f.addSeparator()
    act(win, f, "&Quit", win.close, "Ctrl+Q")

    e = mb.addMenu("&Edit")
    undo = win.undo.createUndoAction(win, "&Undo")
    undo.setShortcut(QKeySequence("Ctrl+Z"))
    undo.triggered.disconnect()
    undo.triggered.connect(win.do_undo)
    redo = win.undo.createRedoAction(win, "&Redo")
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    redo.triggered.disconnect()
    redo.triggered.connect(win.do_redo)
    e.addAction(undo)
    e.addAction(redo)
    win.undo_action, win.redo_action = undo, redo
    e.addSeparator()
    act(win, e, "&Generate", win.generate, ["Ctrl+Return", "Ctrl+Enter"])
    act(win, e, "New Random &Seed", win.random_seed, "Ctrl+R")
    act(win, e, "Reset &Sliders", win.latent.reset)
    act(win, e, "S&top Rendering", win.stop_render, "Esc")

    v = mb.addMenu("&View")
    zoom_group = QActionGroup(win)
    win.zoom_actions = {}
    for n, (text, factor) in enumerate(ZOOMS.items()):
        a = act(win, v, "Zoom to &Fit" if factor == 0 else f"Zoom {text}", None, f"Ctrl+{n}", checkable=True)
        a.triggered.connect(lambda _c=False, z=factor: win.set_zoom(z))
        zoom_group.addAction(a)
        win.zoom_actions[factor] = a
    v.addSeparator()
    scale_group = QActionGroup(win)
    win.scaling_actions = {}
    for key, text in (("native", "&Native Scaling (crisp)"), ("pixel", "&Pixel-exact Scaling"),
                      ("smooth", "S&mooth Scaling")):
        a = act(win, v, text, None, checkable=True)
        a.triggered.connect(lambda _c=False, s=key: win.set_scaling(s))
        scale_group.addAction(a)
        win.scaling_actions[key] = a
    v.addSeparator()
    win.show_prompt = act(win, v, "Show Prompt Panel", win.left_panel.setVisible, checkable=True)
    win.show_sliders = act(win, v, "Show Sliders Panel", win.latent.setVisible, checkable=True)
    win.show_prompt.setChecked(True)
    win.show_sliders.setChecked(True)

    p = mb.addMenu("&Playback")
    win.play_action = act(win, p, "&Play / Pause", win.player.toggle, "Space")
    act(win, p, "Previous Frame", lambda: win.player.step(-1), "Left")
    act(win, p, "Next Frame", lambda: win.player.step(1), "Right")
    act(win, p, "First Frame", win.player.first, "Home")
    act(win, p, "Last Frame", win.player.last, "End")
    p.addSeparator()
    win.loop_action = act(win, p, "&Loop", None, "Ctrl+L", checkable=True)
    win.loop_action.setChecked(win.player.loop)
    win.loop_action.toggled.connect(win.transport.loop.setChecked)
    win.transport.loop.toggled.connect(win.loop_action.setChecked)

    t = mb.addMenu("&Timeline")
    act(win, t, "Add &Key at Playhead", win.add_key, "K", tip="A keyframe here with the current look")
    act(win, t, "Delete Selected Key", win.keylane.delete_selected, tip="Also Delete in the keyframe lane")
    act(win, t, "Seamless Loop", win.loop_box.toggle, tip="The last frame flows into the first")
    t.addAction(win.trajectory_dock.toggleViewAction())

    h = mb.addMenu("&Help")
    win.card_action = act(win, h, "Model &Card", win.view_actions.show_model_card)
    act(win, h, "&About Latent Studio", win.view_actions.show_about)
