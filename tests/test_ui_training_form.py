"""The Training panel's form and file table as a new user meets them (issue 15, item 3), in the real
window's dock, driven with pytest-qt."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QLabel, QStyle
from test_training import _write_video as write_video
from test_ui_window import make_window


@pytest.fixture()
def panel(models_env, qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("LATENT_STUDIO_DATA", str(tmp_path / "data"))
    win = make_window(qtbot, tmp_path, size=(1280, 800), wait=False)
    win.training_dock.show()
    p = win.training_dock.panel()
    qtbot.waitExposed(p)
    yield p
    win.close()


def _folder(tmp_path):
    folder = tmp_path / "clips"
    folder.mkdir()
    write_video(folder / "good walk along the river.mp4", 40)
    for i in range(3):
        write_video(folder / f"short take {i}.mp4", 10)            # too short for a clip
    (folder / "camera card dump.mp4").write_bytes(b"not a video at all" * 50)
    (folder / "shooting notes.pdf").write_bytes(b"%PDF")
    (folder / "storyboard.odt").write_bytes(b"PK")
    return folder


def _shown_labels(panel) -> list[str]:
    return [w.text() for w in panel.findChildren(QLabel) if w.isVisible() and w.text()]


def test_file_table_shows_several_rows_and_the_whole_reasons(panel, qtbot, tmp_path):
    panel.set_folder(str(_folder(tmp_path)))
    qtbot.waitUntil(lambda: panel.state == "idle" and panel.report is not None, timeout=30000)
    table = panel.files
    assert table.topLevelItemCount() == 7 and panel.check_summary.text() == "1 video will be used, 6 skipped."
    qtbot.wait(50)                                           # rows laid out
    view = table.viewport().rect()
    rects = [table.visualItemRect(table.topLevelItem(i)) for i in range(7)]
    whole = [i for i, r in enumerate(rects) if r.height() > 0 and r.top() >= 0 and r.bottom() <= view.bottom()]
    assert len(whole) >= 5, f"only {len(whole)} whole rows visible in a {view.height()} px tall table"
    margin = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1
    fm = table.fontMetrics()
    skipped = 0
    for i in whole:
        item = table.topLevelItem(i)
        if item.text(0) != "✗":
            continue
        skipped += 1
        why = item.text(2)
        assert why == dict(panel.report.skipped)[item.text(1)] and item.toolTip(2) == why
        cell = table.visualRect(table.indexFromItem(item, 2))
        need = fm.boundingRect(QRect(0, 0, cell.width() - 2 * margin, 100000), Qt.TextFlag.TextWordWrap, why)
        assert need.width() <= cell.width() - 2 * margin and need.height() <= cell.height(), \
            f"{why!r} needs {need.width()}x{need.height()} px, its cell is {cell.width()}x{cell.height()}"
    assert skipped >= 4
    long_ = "only 10 frames, fewer than the 31 a clip needs"
    assert any(table.topLevelItem(i).text(2) == long_ for i in whole)


def test_shapes_note_goes_when_a_folder_is_chosen(panel, qtbot, tmp_path):
    note = "The shapes world is drawn on the fly"
    assert any(note in t for t in _shown_labels(panel))
    panel.data.setCurrentIndex(1)                            # "A folder of videos", no folder yet
    assert not any(note in t for t in _shown_labels(panel)), _shown_labels(panel)
    assert panel.check_summary.isVisible() and "Choose a folder" in panel.check_summary.text()
    panel.set_folder(str(_folder(tmp_path)))
    qtbot.waitUntil(lambda: panel.state == "idle" and panel.report is not None, timeout=30000)
    assert not any(note in t for t in _shown_labels(panel)), _shown_labels(panel)
    panel.data.setCurrentIndex(0)
    assert any(note in t for t in _shown_labels(panel)) and not panel.files.isVisible()


def test_each_length_unit_keeps_its_typed_value(panel, qtbot):
    def type_length(text):
        panel.amount.lineEdit().selectAll()
        qtbot.keyClicks(panel.amount.lineEdit(), text)
        qtbot.keyClick(panel.amount.lineEdit(), Qt.Key.Key_Tab)

    type_length("1234")
    assert panel.spec().steps == 1234
    panel.unit.setCurrentText("minutes")
    assert panel.amount.value() == 10                       # minutes' own value, not 1234 minutes
    type_length("45")
    panel.unit.setCurrentText("steps")
    assert panel.amount.value() == 1234 and (panel.spec().steps, panel.spec().minutes) == (1234, None)
    panel.unit.setCurrentText("minutes")
    assert panel.amount.value() == 45 and (panel.spec().steps, panel.spec().minutes) == (None, 45.0)
