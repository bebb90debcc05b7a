"""The Lesson panel in the window (pytest-qt, offscreen, the shipped shapes-vae): add shots, captions,
lengths, reorder by drag and buttons, delete, total, scripts, the lesson in the project file, export
with progress and Cancel, the lesson preview; the clip export dialog's title and caption; folders."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QModelIndex, QSettings, Qt
from test_ui_window import make_window as window_on

from studio.lesson.script import Lesson, Shot
from studio.project import Project
from studio.ui.lesson_dialog import LessonExportDialog
from studio.ui.lesson_panel import LessonPanel
from studio.ui.main_window import MainWindow

SCRIPT = "# Shapes\n1 | a large red circle still on a white background | Red.\n1 | a large blue square still on a " \
         "black background | Blue.\n"


def make_window(qtbot, tmp_path) -> MainWindow:
    return window_on(qtbot, tmp_path, model="shapes-vae", size=(1280, 900),
                     prompt="a large red circle moving right on a white background")


@pytest.fixture()
def window(qtbot, tmp_path):
    win = make_window(qtbot, tmp_path)
    yield win
    win.close()


def texts(panel) -> list[str]:
    return [panel.list.item(i).text() for i in range(panel.list.count())]


def test_add_caption_reorder_delete_total_and_save(window, qtbot, tmp_path):
    win, panel = window, window.lesson_panel
    assert not win.is_dirty() and panel.list.count() == 0 and not panel.export_button.isEnabled()
    assert not panel.caption.isEnabled() and "first" in panel.caption.placeholderText()   # says why it is off
    prompts = ["a large red circle moving right on a white background", "a large blue square bouncing on a black "
               "background", "a small green star still on a sky background"]
    for i, prompt in enumerate(prompts):
        if i:
            win.prompt.editor.set_text(prompt)
            win.prompt.seed.setValue(10 + i)
            win.latent.set_values({"size": 0.5 * i})
            win.commit()
        qtbot.mouseClick(panel.add, Qt.MouseButton.LeftButton)
        qtbot.keyClicks(panel.caption, f"Caption {i + 1}")
    assert [s.prompt for s in panel.shots] == prompts
    assert panel.shots[2].seed == 12 and panel.shots[2].sliders.get("size") == pytest.approx(1.0)
    assert panel.shots[0].seconds == pytest.approx(win.prompt.frames.value() / win.prompt.fps.value())
    assert [s.caption for s in panel.shots] == ["Caption 1", "Caption 2", "Caption 3"]
    panel.list.setCurrentRow(1)
    panel.seconds.setValue(3.5)
    total = sum(s.seconds for s in panel.shots)
    assert panel.total.text() == f"3 shots · {total:g} s"
    assert win.is_dirty() and win.isWindowModified()

    panel.list.model().moveRow(QModelIndex(), 0, QModelIndex(), 3)        # what a drag to the end does
    assert [s.caption for s in panel.shots] == ["Caption 2", "Caption 3", "Caption 1"]
    assert texts(panel)[0].startswith("1.  Caption 2")
    panel.list.setCurrentRow(2)
    qtbot.mouseClick(panel.up, Qt.MouseButton.LeftButton)
    assert [s.caption for s in panel.shots] == ["Caption 2", "Caption 1", "Caption 3"]
    panel.list.setCurrentRow(0)
    qtbot.mouseClick(panel.delete, Qt.MouseButton.LeftButton)
    assert [s.caption for s in panel.shots] == ["Caption 1", "Caption 3"] and panel.total.text().startswith("2 shots")
    qtbot.keyClicks(panel.title, "Shapes lesson")
    assert "title card" in panel.total.text()

    path = tmp_path / "lesson.lstudio"
    assert win._write(str(path))
    doc = json.loads(path.read_text())
    assert doc["lesson"]["title"] == "Shapes lesson"
    assert [s["caption"] for s in doc["lesson"]["shots"]] == ["Caption 1", "Caption 3"]
    assert Project.load(path).lesson == panel.lesson()
    assert not win.is_dirty()

    win.new_project()
    assert panel.list.count() == 0 and panel.title.text() == ""
    win.trajectory_dock.raise_()
    qtbot.waitUntil(lambda: win.lesson_dock.visibleRegion().isEmpty(), timeout=3000)
    assert win.open_project(str(path), ask=False)
    qtbot.waitUntil(lambda: not win.lesson_dock.visibleRegion().isEmpty(), timeout=3000)   # opens on its lesson
    assert [s.caption for s in panel.shots] == ["Caption 1", "Caption 3"] and panel.title.text() == "Shapes lesson"


def test_a_caption_typed_after_a_new_clip_does_not_overwrite_the_shot_before(window, qtbot):
    win, panel = window, window.lesson_panel
    qtbot.mouseClick(panel.add, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(panel.caption, "The ball bounces")
    win.prompt.editor.set_text("a green triangle drifting to the right on a sky background")
    win.generate()                                       # the next clip: shot 1 is no longer selected
    assert panel.list.currentRow() == -1 and not panel.caption.isEnabled()
    qtbot.keyClicks(panel.caption, "Now a triangle")     # typed too early: goes nowhere
    assert panel.shots[0].caption == "The ball bounces"
    qtbot.mouseClick(panel.add, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(panel.caption, "Now a triangle")
    assert [s.caption for s in panel.shots] == ["The ball bounces", "Now a triangle"]


def test_import_and_export_scripts(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    panel = LessonPanel(settings=settings)
    qtbot.addWidget(panel)
    (tmp_path / "in.txt").write_text(SCRIPT, encoding="utf-8")
    assert panel.import_script(str(tmp_path / "in.txt"))
    assert panel.title.text() == "Shapes" and texts(panel) == ["1.  Red.  ·  1 s", "2.  Blue.  ·  1 s"]
    assert settings.value("lessonDir") == str(tmp_path.resolve())            # remembered for the next dialog
    assert panel._folder() == str(tmp_path.resolve())
    assert panel.export_script(str(tmp_path / "out.txt"))
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == SCRIPT
    (tmp_path / "bad.txt").write_text("# T\n2 | a red star\nx | oops\n", encoding="utf-8")
    assert not panel.import_script(str(tmp_path / "bad.txt"))
    assert "line 3" in panel.message.text() and panel.list.count() == 2      # the lesson is kept


def _probe(path: Path) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-of", "json", "-show_streams", "-show_chapters", str(path)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="ffprobe is not installed (apt-get install ffmpeg)")
def test_export_dialog_writes_the_lesson_and_cancel_leaves_nothing(qtbot, tmp_path):
    from studio.lesson.script import parse_script
    project = Project(model="shapes-vae", lesson=parse_script(SCRIPT))
    out = tmp_path / "out"
    out.mkdir()
    dlg = LessonExportDialog(project, str(out), "shapes", narration_available=False)
    qtbot.addWidget(dlg)
    assert dlg.path.text() == str(out / "shapes.mp4") and not dlg.narrate.isEnabled()
    dlg.size.setCurrentIndex(dlg.size.findData("256"))
    dlg.burn_in.setChecked(True)
    with qtbot.waitSignal(dlg.exported, timeout=60000):
        assert dlg.start()
        assert dlg.cancel.text() == "Cancel" and not dlg.export.isEnabled()
    assert dlg.progress.value() == 100 and "Saved" in dlg.message.text()
    info = _probe(out / "shapes.mp4")
    assert sorted(s["codec_type"] for s in info["streams"] if s["codec_type"] != "data") == ["subtitle", "video"]
    assert len(info["chapters"]) == 3 and sorted(p.name for p in out.iterdir()) == ["shapes.mp4", "shapes.srt",
                                                                                     "shapes.vtt"]
    srt = (out / "shapes.srt").read_text()
    dlg.format.setCurrentIndex(dlg.format.findData("webm"))
    assert dlg.path.text().endswith("shapes.webm")
    dlg.project = Project(model="shapes-vae", lesson=parse_script("300 | a large red circle | Long.\n"))
    dlg.size.setCurrentIndex(dlg.size.findData("1080p"))
    with qtbot.waitSignal(dlg.job.progress, timeout=60000):          # cancel while it is writing
        dlg.start()
    with qtbot.waitSignal(dlg.job.cancelled, timeout=60000):
        qtbot.mouseClick(dlg.cancel, Qt.MouseButton.LeftButton)
    assert "Cancelled" in dlg.message.text() and dlg.export.isEnabled()
    assert sorted(p.name for p in out.iterdir()) == ["shapes.mp4", "shapes.srt", "shapes.vtt"]   # no partial left
    assert (out / "shapes.srt").read_text() == srt


def test_play_lesson_runs_in_the_main_preview_with_captions_then_back_to_the_clip(window, qtbot):
    panel = window.lesson_panel
    panel.set_lesson(Lesson("", [Shot(1.0, "a large red circle still on a white background", "Read me", seed=3)]))
    clip, scaling = window.player.frames.copy(), window.preview.scaling
    with qtbot.waitSignal(panel.rendered, timeout=60000):
        panel.play_lesson()
        assert panel.play.text() == "Cancel preview" and not panel.progress.isHidden()
    assert panel.play.text() == "Play lesson"
    frames = window.player.frames                                      # the window's own player
    assert window.lesson_view.active and window.lesson_view.bar.isVisible() and window.player.playing
    assert frames.shape == (8, 512, 512, 3) and window.player.complete()
    band = frames[0, int(512 * 0.8):int(512 * 0.95), 128:384].astype(int)
    assert (band.max(axis=2) < 110).mean() > 0.15 and (band.min(axis=2) > 230).any()   # the caption box and letters
    assert frames[0, :100].min() > 200                                                   # the white backdrop above
    assert window.preview.scaling == "smooth"
    with qtbot.waitSignal(window.engine.clipFinished, timeout=60000):
        window.engine.render(window.last_request)                      # a clip render arriving now is not drawn
    assert window.player.frames.shape == (8, 512, 512, 3)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    window.preview.setFocus()
    qtbot.keyClick(window.preview, Qt.Key.Key_Escape)                  # Esc: back to the clip
    assert not window.lesson_view.active and not window.lesson_view.bar.isVisible()
    assert window.preview.scaling == scaling
    qtbot.waitUntil(window.player.complete, timeout=60000)
    assert window.player.frames.shape == clip.shape and np.array_equal(window.player.frames, clip)


def test_lesson_preview_cancels_from_its_button(window, qtbot):
    panel = window.lesson_panel
    panel.set_lesson(Lesson("", [Shot(4.0, "a large red circle moving right on a white background", "A", seed=3)]))
    panel.play_lesson()
    assert panel.play.text() == "Cancel preview"
    with qtbot.waitSignal(panel.job.cancelled, timeout=30000):
        panel.play.click()
    assert panel.play.text() == "Play lesson" and panel.progress.isHidden()
    assert "cancelled" in panel.message.text() and not window.lesson_view.active


def test_any_edit_of_the_clip_ends_the_lesson_preview(window, qtbot):
    panel = window.lesson_panel
    panel.set_lesson(Lesson("", [Shot(1.0, "a large red circle still on a white background", "Read me", seed=3)]))
    with qtbot.waitSignal(panel.rendered, timeout=60000):
        panel.play_lesson()
    window.prompt.seed.setValue(window.prompt.seed.value() + 1)
    assert not window.lesson_view.active
    qtbot.waitUntil(window.player.complete, timeout=60000)
    assert window.player.frames.shape[1:3] == (64, 64)


def test_clip_export_dialog_draws_title_and_caption(window, qtbot, tmp_path):
    dlg = window.open_export_dialog()
    frames_dir = tmp_path / "frames"
    dlg.set_choice(format="png", size="512", path=str(frames_dir), title="My title", caption="My caption")
    assert dlg.settings()["title"] == "My title" and dlg.settings()["caption"] == "My caption"
    with qtbot.waitSignal(dlg.exported, timeout=60000):
        dlg.start()
    first = cv2.imread(str(sorted(frames_dir.iterdir())[0]))
    plain = cv2.resize(window.player.frames[0][..., ::-1], (512, 512), interpolation=cv2.INTER_NEAREST)
    diff = np.abs(first.astype(int) - plain).max(axis=2) > 40
    rows = np.where(diff.any(axis=1))[0]
    assert rows.min() < 512 * 0.3 and rows.max() > 512 * 0.8                    # title on top, caption at the bottom
    dlg.close()


def test_dialogs_open_in_the_users_folders_and_remember(tmp_path, monkeypatch):
    import platformdirs

    from studio.ui.export_dialog import default_folder, remembered_folder
    videos, docs, pictures = tmp_path / "Videos", tmp_path / "Documents", tmp_path / "Pictures"
    for d in (videos, docs, pictures):
        d.mkdir()
    monkeypatch.setattr(platformdirs, "user_videos_dir", lambda: str(videos))
    monkeypatch.setattr(platformdirs, "user_documents_dir", lambda: str(docs))
    monkeypatch.setattr(platformdirs, "user_pictures_dir", lambda: str(pictures))
    assert remembered_folder(None, "imageDir", "pictures") == str(pictures)    # images to animate
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    assert default_folder(None) == str(videos) and remembered_folder(settings, "projectDir", "documents") == str(docs)
    settings.setValue("projectDir", str(tmp_path))
    assert remembered_folder(settings, "projectDir", "documents") == str(tmp_path)
    settings.setValue("projectDir", str(tmp_path / "gone"))
    assert remembered_folder(settings, "projectDir", "documents") == str(docs)


def test_shots_carry_keyframes_and_lesson_edits_undo(window, qtbot):
    win, panel = window, window.lesson_panel
    win.player.seek(0)
    win.add_key()
    win.player.seek(win.player.count - 1)
    win.latent.set_values({"size": 1.5})
    win.add_key()
    keys = list(win.project().keyframes)
    assert len(keys) == 2
    panel.add_current()
    assert panel.shots[0].keyframes == keys                   # the trajectory comes with the shot
    panel.add_current()
    panel.caption.setText("")
    qtbot.keyClicks(panel.caption, "Second")
    win.commit()                                               # what the typing pause does
    assert [s.caption for s in panel.shots] == ["", "Second"]
    panel.list.setCurrentRow(1)
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Delete)              # the Delete key in the shot list: one step
    assert len(panel.shots) == 1
    win.do_undo()                                              # Ctrl+Z brings the deleted shot back
    assert [s.caption for s in panel.shots] == ["", "Second"]
    win.do_undo()                                              # ... then the caption goes
    assert [s.caption for s in panel.shots] == ["", ""]
    win.do_undo()                                              # ... then the second add
    assert len(panel.shots) == 1 and panel.shots[0].keyframes == keys
    for _ in range(3):
        win.do_redo()
    assert len(panel.shots) == 1 and win.isWindowModified()


def test_long_lessons_preview_smaller():
    from studio.ui.lesson_panel import preview_size
    assert preview_size(8 * 60) == "512"            # a minute at 8 fps: 377 MB of frames
    assert preview_size(24 * 60) == "256"           # a minute at 24 fps would be 1.1 GB at 512


def test_closing_the_window_stops_a_lesson_preview(window, qtbot):
    panel = window.lesson_panel
    panel.set_lesson(Lesson("", [Shot(30.0, "a large red circle moving right on a white background", "A", seed=3)]))
    panel.play_lesson()
    qtbot.waitUntil(lambda: panel.job.running, timeout=5000)
    proc = panel.job.proc
    window.close()
    assert proc.state() == proc.ProcessState.NotRunning          # no orphan renderer left behind
