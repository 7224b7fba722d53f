"""导出 → 年度工作总结: the composed summary previewed, its narrative parts edited, then exported.

The preview renders the same Document that the Word file is written from.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import (
    QFont,
    QFontMetricsF,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kexie_desktop.core.document import Document
from kexie_desktop.core.store import Store
from kexie_desktop.core.summary import (
    NARRATIVE_KINDS,
    OPENING,
    PLANS,
    SHORTCOMINGS,
    Narratives,
    SummaryError,
    compose_summary,
    missing_narratives,
)
from kexie_desktop.ui.background import BackgroundTask
from kexie_desktop.ui.exporting import ask_target, missing_fonts_note, run_export

if TYPE_CHECKING:
    from kexie_desktop.core.export import ExportResult

PREVIEW_DELAY_MS = 300

_HINTS = {
    OPENING: "不填则使用默认开头（其中的数字由记录统计得出）。",
    SHORTCOMINGS: "如：一是……；二是……。不填则总结中不含这一部分。",
    PLANS: "如：一是……；二是……。不填则总结中不含这一部分。",
}


def render_document(document: Document, target: QTextDocument, base_pt: float = 12.0) -> None:
    """Lay the document out like the printed 公文, at screen size (the print is 16 pt)."""
    target.clear()
    base = QFont(target.defaultFont())
    base.setPointSizeF(base_pt)
    target.setDefaultFont(base)
    indent = QFontMetricsF(base).horizontalAdvance("中") * 2
    cursor = QTextCursor(target)

    def add(text: str, *, block: QTextBlockFormat, bold: bool = False, italic: bool = False,
            size: float = base_pt, first: bool = False) -> None:  # fmt: skip
        char = QTextCharFormat()
        char.setFontPointSize(size)
        char.setFontWeight(QFont.Weight.Bold if bold else QFont.Weight.Normal)
        char.setFontItalic(italic)
        if first:
            cursor.setBlockFormat(block)
        else:
            cursor.insertBlock(block)
        cursor.insertText(text, char)

    def paragraph(align: Qt.AlignmentFlag, indented: bool = True) -> QTextBlockFormat:
        fmt = QTextBlockFormat()
        fmt.setAlignment(align)
        fmt.setLineHeight(160, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        if indented:
            fmt.setTextIndent(indent)
        return fmt

    title = paragraph(Qt.AlignmentFlag.AlignHCenter, indented=False)
    title.setBottomMargin(base_pt)
    add(document.title, block=title, bold=True, size=base_pt * 22 / 16, first=True)
    for item in document.blocks:
        if item.kind == "body":
            add(item.full_text, block=paragraph(Qt.AlignmentFlag.AlignJustify))
        else:
            add(
                item.full_text,
                block=paragraph(Qt.AlignmentFlag.AlignLeft),
                bold=item.kind in ("heading1", "heading3"),
                italic=item.kind == "heading2",  # 楷体 on paper
            )
    if document.signature:
        sign = paragraph(Qt.AlignmentFlag.AlignRight, indented=False)
        sign.setRightMargin(indent)
        sign.setTopMargin(base_pt * 1.5)
        add(document.signature.organisation, block=sign)
        sign.setTopMargin(0)
        add(document.signature.date_text, block=sign)


class SummaryDialog(QDialog):
    def __init__(self, store: Store, year: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.year = year
        self.task: BackgroundTask | None = None
        self.setWindowTitle(f"{year}年工作总结 — 预览与导出")
        self.setSizeGripEnabled(True)

        self.preview = QTextBrowser()
        self.preview.setOpenLinks(False)
        self.editors: dict[str, QPlainTextEdit] = {}
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        intro = QLabel(
            "左侧是根据本年记录生成的总结，其中的数字都由记录统计得出。"
            "在这里填写开头、存在的不足和下一年工作打算，左侧随之更新；文字按年度保存。"
        )
        intro.setWordWrap(True)
        side_layout.addWidget(intro)
        for kind in (OPENING, SHORTCOMINGS, PLANS):
            caption = QLabel(f"<b>{NARRATIVE_KINDS[kind]}</b>")
            editor = QPlainTextEdit()
            editor.setPlaceholderText(_HINTS[kind])
            editor.setPlainText(store.narrative(year, kind) or "")
            editor.textChanged.connect(self._schedule_preview)
            caption.setBuddy(editor)
            side_layout.addWidget(caption)
            side_layout.addWidget(editor, 1)
            self.editors[kind] = editor
        self.default_opening_button = QPushButton("改用默认开头")
        self.default_opening_button.clicked.connect(lambda: self.editors[OPENING].clear())
        side_layout.addWidget(self.default_opening_button, 0, Qt.AlignmentFlag.AlignLeft)

        splitter = QSplitter()
        splitter.addWidget(self.preview)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.save_button = QPushButton("保存文字")
        self.export_button = QPushButton("导出 Word 文件…")
        self.export_button.setDefault(True)
        self.close_button = QPushButton("关闭")
        self.save_button.clicked.connect(self.save_narratives)
        self.export_button.clicked.connect(self.export)
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh_preview)
        self.document: Document | None = None
        self.refresh_preview()
        self.resize(1180, 760)

    def narratives(self) -> Narratives:
        texts = {
            kind: editor.toPlainText().strip() or None for kind, editor in self.editors.items()
        }
        return Narratives(texts[OPENING], texts[SHORTCOMINGS], texts[PLANS])

    def _schedule_preview(self) -> None:
        self._timer.start()

    def refresh_preview(self) -> None:
        self._timer.stop()
        try:
            self.document = compose_summary(self.store, self.year, narratives=self.narratives())
        except SummaryError as exc:
            self.document = None
            self.preview.setPlainText(str(exc))
            self.export_button.setEnabled(False)
            self.status.setText("")
            return
        scroll = self.preview.verticalScrollBar().value()
        render_document(self.document, self.preview.document())
        self.preview.moveCursor(QTextCursor.MoveOperation.Start)
        self.preview.verticalScrollBar().setValue(scroll)
        self.export_button.setEnabled(True)
        missing = missing_narratives(self.store, self.year, self.narratives())
        notes = [f"尚未填写：{'、'.join(missing)}"] if missing else []
        undated = self.store.undated_awards()
        if undated:
            notes.append(f"有{undated}个奖项没有填写获奖日期，未计入本年总结")
        self.status.setText("；".join(notes))

    def save_narratives(self) -> None:
        texts = self.narratives()
        self.store.save_narrative(self.year, OPENING, texts.opening)
        self.store.save_narrative(self.year, SHORTCOMINGS, texts.shortcomings)
        self.store.save_narrative(self.year, PLANS, texts.plans)

    def done(self, result: int) -> None:
        # The clerk's paragraphs are kept when the window closes, as in any editor; a preview
        # still pending would only redo work for a closed window.
        self._timer.stop()
        self.save_narratives()
        super().done(result)

    def export(self) -> None:
        from kexie_desktop.core.export import export_summary, suggested_filename

        self.refresh_preview()
        if self.document is None:
            return
        self.save_narratives()
        missing = missing_narratives(self.store, self.year)
        if missing:
            answer = QMessageBox.question(
                self,
                "尚未填写",
                f"“{'”“'.join(missing)}”尚未填写，导出的总结将不含这些部分。\n\n仍然导出吗？",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        target = ask_target(
            self,
            self.store,
            "导出年度工作总结",
            suggested_filename(self.store, self.year, "summary"),
            "Word 文档 (*.docx)",
        )
        if target is None:
            return
        year, store = self.year, self.store

        def job(progress: Callable[[int, int], None]) -> ExportResult:
            # Its own connection: the export thread never shares one with the window.
            reader = store.reopen()
            try:
                return export_summary(reader, year, Path(target), progress=progress)
            finally:
                reader.close()

        self.task = run_export(self, "正在生成并写出年度工作总结……", job, note=missing_fonts_note)
