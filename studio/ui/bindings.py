"""Two-way bindings between the document (`document.ClipDocument`) and the widgets that edit it.

A widget's edit is written into the document at once (these connections are made before any
other, so every reaction reads the new value from the document); a document change (undo, opening
a project) is put on the widget. A binding is the only code that reads a widget's value: where the
widget's range or precision changes a value (a seed above the box's maximum, 90 fps in a box that
stops at 60), the widget's value is the one the document keeps, as it was before the document.
"""
from __future__ import annotations

from pathlib import Path

from .document import signal_name


def bind(doc, name: str, edited, get, put) -> None:
    """`edited`: the widget's signal for a user's edit; `get()` / `put(value)` read and show the value."""
    edited.connect(lambda *_: doc.set(name, get()))

    def show(value) -> None:
        if get() != value:
            put(value)
            if get() != value:                 # the widget's range or precision: its value is the document's
                doc.set(name, get())
    getattr(doc, signal_name(name)).connect(show)


def bind_window(window) -> None:
    """The window's widgets and its document (the sliders and keys: `keyframe_editing`)."""
    doc, pp = window.doc, window.prompt
    bind(doc, "prompt", pp.promptEdited, pp.editor.text, pp.editor.set_text)
    bind(doc, "seed", pp.seedChanged, pp.seed.value, pp.seed.setValue)
    bind(doc, "seed_locked", pp.lock.toggled, pp.lock.isChecked, pp.lock.setChecked)
    bind(doc, "frames", pp.framesChanged, pp.frames.value, pp.frames.setValue)
    bind(doc, "fps", pp.fpsChanged, pp.fps.value, pp.fps.setValue)
    doc.imageChanged.connect(lambda path: pp.set_image(Path(path).name if path else ""))
    lesson = window.lesson_panel
    bind(doc, "lesson", lesson.changed, lesson.lesson, lambda v: lesson.set_lesson(v, keep_row=True))
    lesson.committed.connect(lambda: (doc.set("lesson", lesson.lesson()), window.commit()))   # one undo step
