"""The Training panel's file table: every video a run would use (frames, caption) and every file it
skips, with the whole reason: long texts wrap inside their column (rows grow to fit), each cell's
full text is its tooltip, the columns can be resized, and the table is several rows tall."""
from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import (QHeaderView, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTreeWidget,
                               QTreeWidgetItem)

from .. import training_job as job

MIN_ROWS = 6
NO_CAPTION = "(no caption: no .txt and no words in the name)"


class WrapDelegate(QStyledItemDelegate):
    """Row heights that fit the text wrapped at its column's width (QTreeView alone sizes rows
    for one line)."""

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 (Qt name)
        size = super().sizeHint(option, index)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        view = self.parent()
        margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
        width = view.columnWidth(index.column()) - 2 * margin
        if not opt.text or width <= 0:
            return size
        text = opt.fontMetrics.boundingRect(QRect(0, 0, width, 100000), Qt.TextFlag.TextWordWrap, opt.text)
        return QSize(size.width(), max(size.height(), text.height() + 4))


class FileTable(QTreeWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setHeaderLabels(["", "File", "Frames / why skipped", "Caption"])
        self.setRootIsDecorated(False)
        self.setWordWrap(True)
        self.setUniformRowHeights(False)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setItemDelegate(WrapDelegate(self))
        head = self.header()
        head.setStretchLastSection(False)
        head.setMinimumSectionSize(24)
        for col, mode in enumerate(("Fixed", "Interactive", "Stretch", "Stretch")):
            head.setSectionResizeMode(col, getattr(QHeaderView.ResizeMode, mode))
        head.sectionResized.connect(lambda *_: self.doItemsLayout())     # the rows wrap again
        self.setColumnWidth(0, 24)
        self.setColumnWidth(1, 130)
        row = self.fontMetrics().height() + 6
        self.setMinimumHeight(head.sizeHint().height() + MIN_ROWS * row + 2 * self.frameWidth())

    def show_report(self, report: job.FolderReport) -> None:
        self.clear()
        for name, frames, caption in report.used:
            self._add(["✓", name, f"{frames} frames", caption or NO_CAPTION])
        for name, why in report.skipped:
            self._add(["✗", name, why, ""])

    def _add(self, texts: list[str]) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self, texts)
        for col, text in enumerate(texts):
            if col and text:
                item.setToolTip(col, text)
            item.setTextAlignment(col, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return item

    def rows(self) -> list[list[str]]:
        return [[self.topLevelItem(i).text(c) for c in range(self.columnCount())]
                for i in range(self.topLevelItemCount())]
