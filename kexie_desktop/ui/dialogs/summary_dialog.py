"""导出 → 年度工作总结: the composed summary previewed, any paragraph edited, then exported.

The preview renders the same Document that the Word file is written from. Clicking a paragraph
opens it for editing on the right; the clerk's wording is kept per year under what the
paragraph tells (summary.apply_edits), never under its position. Drafted paragraphs (不足, 打算
the clerk has not written) are shaded yellow, edited ones green, and edited ones whose records
changed since orange, for review. Nothing the clerk wrote is thrown away without a question,
and a paragraph put back to the generated text can be had back (撤销恢复).

Some 590 lines for one dialog: its three panes (paragraphs, 不足与打算, layout) and the preview all
work on the same composed Document and the same per-year edits, and each change re-renders the
preview; render_document() is the only piece that stands alone, and it is kept here beside its
one user.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QFont,
    QFontMetricsF,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kexie_desktop.core.document import Block, Document
from kexie_desktop.core.store import Store
from kexie_desktop.core.summary import (
    NARRATIVE_KINDS,
    OPENING,
    PLANS,
    SHORTCOMINGS,
    SIGN_DATE,
    Narratives,
    SummaryError,
    compose_summary,
    missing_narratives,
    paragraph_text,
    save_section_order,
)
from kexie_desktop.ui import ask
from kexie_desktop.ui.background import BackgroundTask
from kexie_desktop.ui.exporting import export_to, missing_fonts_note
from kexie_desktop.ui.widgets import OptionalDateEdit

PREVIEW_DELAY_MS = 300

_HINTS = {
    OPENING: "不填则使用默认开头（其中的数字由记录统计得出）。",
    SHORTCOMINGS: "如：一是……；二是……。不填则使用程序根据记录起草的草稿（预览中黄色标出）。",
    PLANS: "如：一是……；二是……。不填则使用程序根据记录起草的草稿（预览中黄色标出）。",
}
# The shading of a paragraph in the preview: drafted, edited by the clerk, edited but its
# records changed since.
DRAFT_COLOUR, EDITED_COLOUR, STALE_COLOUR = "#FFF4C2", "#E3F2E1", "#FFD9B8"
# Parts that are not paragraphs of the text: they keep their place after the sections.
_FIXED_SECTIONS = (SHORTCOMINGS, PLANS)


def shading(block: Block) -> str | None:
    if block.stale:
        return STALE_COLOUR
    if block.edited:
        return EDITED_COLOUR
    if block.draft:
        return DRAFT_COLOUR
    return None


def render_document(document: Document, target: QTextDocument, base_pt: float = 12.0) -> None:
    """Lay the document out like the printed 公文, at screen size (the print is 16 pt)."""
    target.clear()
    base = QFont(target.defaultFont())
    base.setPointSizeF(base_pt)
    target.setDefaultFont(base)
    indent = QFontMetricsF(base).horizontalAdvance("中") * 2
    cursor = QTextCursor(target)

    def add(text: str, *, block: QTextBlockFormat, bold: bool = False, italic: bool = False,
            size: float = base_pt, first: bool = False,
            shade: str | None = None) -> None:  # fmt: skip
        if shade:
            block = QTextBlockFormat(block)
            block.setBackground(QColor(shade))
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
    # One text block per document block, in order (block n + 1 is document.blocks[n]): a click
    # in the preview finds its paragraph by the block number.
    for item in document.blocks:
        if item.kind == "body":
            add(item.full_text, block=paragraph(Qt.AlignmentFlag.AlignJustify), shade=shading(item))
        else:
            add(
                item.full_text,
                block=paragraph(Qt.AlignmentFlag.AlignLeft),
                bold=item.kind in ("heading1", "heading3"),
                italic=item.kind == "heading2",  # 楷体 on paper
                shade=shading(item),
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
        self.document: Document | None = None
        self.generated: Document | None = None  # without the clerk's paragraph edits
        self.selected_key = ""
        self._loading = False  # the paragraph editor is being filled, not typed in
        self._closed = False  # after done(): late signals (a field losing focus) change nothing
        # What 恢复自动生成 last removed: (key, digest, text), for 撤销恢复.
        self.restored: tuple[str, str, str] | None = None
        self.setWindowTitle(f"{year}年工作总结 — 预览与导出")
        self.setSizeGripEnabled(True)

        self.preview = QTextBrowser()
        self.preview.setOpenLinks(False)
        self.preview.setToolTip("点击任一段落，在右侧修改这一段的文字")
        self.preview.cursorPositionChanged.connect(self._preview_clicked)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_paragraph_tab(), "修改段落")
        self.tabs.addTab(self._build_narrative_tab(), "开头、不足与打算")
        self.tabs.addTab(self._build_layout_tab(), "章节顺序与落款")

        splitter = QSplitter()
        splitter.addWidget(self.preview)
        splitter.addWidget(self.tabs)
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
        # Shown only where subordinates' packages were imported for the year (报送包).
        self.subordinates_box = QCheckBox("包括下级组织报送的工作")
        self.subordinates_box.setToolTip(
            "加入一节“指导基层组织开展工作”，由已导入的下级组织报送包中的记录生成"
        )
        self.subordinates_box.setVisible(bool(store.packages.active_orgs(year)))
        self.subordinates_box.toggled.connect(self._schedule_preview)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.subordinates_box)
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
        self.refresh_preview()
        self.resize(1180, 760)

    # -- the three tabs ----------------------------------------------------------------

    def _build_paragraph_tab(self) -> QWidget:
        tab = QWidget()
        box = QVBoxLayout(tab)
        legend = QLabel(
            "在左侧点击任一段落，即可在这里修改这一段；修改按年度保存，记录重新统计后仍然保留。"
            f"<br><span style='background:{DRAFT_COLOUR}'>&nbsp;黄色&nbsp;</span> 程序起草的草稿　"
            f"<span style='background:{EDITED_COLOUR}'>&nbsp;绿色&nbsp;</span> 您修改过的段落　"
            f"<span style='background:{STALE_COLOUR}'>&nbsp;橙色&nbsp;</span> "
            "修改后所依据的记录又有变化，请复核"
        )
        legend.setWordWrap(True)
        box.addWidget(legend)
        self.paragraph_caption = QLabel("尚未选择段落。")
        self.paragraph_caption.setWordWrap(True)
        box.addWidget(self.paragraph_caption)
        self.paragraph_editor = QPlainTextEdit()
        self.paragraph_editor.setEnabled(False)
        self.paragraph_editor.textChanged.connect(self._paragraph_edited)
        box.addWidget(self.paragraph_editor, 1)
        row = QHBoxLayout()
        self.restore_button = QPushButton("恢复自动生成")
        self.restore_button.setToolTip("这一段换回程序根据记录生成的文字（会先询问，可撤销）")
        self.restore_button.clicked.connect(self.restore_paragraph)
        self.undo_restore_button = QPushButton("撤销恢复")
        self.undo_restore_button.clicked.connect(self.undo_restore)
        self.reviewed_button = QPushButton("已复核")
        self.reviewed_button.setToolTip("记录虽有变化，这段文字仍然合适：不再标出")
        self.reviewed_button.clicked.connect(self.mark_reviewed)
        for button in (self.restore_button, self.undo_restore_button, self.reviewed_button):
            button.setEnabled(False)
            row.addWidget(button)
        row.addStretch(1)
        box.addLayout(row)
        return tab

    def _build_narrative_tab(self) -> QWidget:
        tab = QWidget()
        box = QVBoxLayout(tab)
        intro = QLabel(
            "开头、存在的不足和下一年工作打算由您撰写，按年度保存；不填时总结使用程序根据记录"
            "生成的默认开头和草稿。"
        )
        intro.setWordWrap(True)
        box.addWidget(intro)
        self.editors: dict[str, QPlainTextEdit] = {}
        for kind in (OPENING, SHORTCOMINGS, PLANS):
            caption = QLabel(f"<b>{NARRATIVE_KINDS[kind]}</b>")
            editor = QPlainTextEdit()
            editor.setPlaceholderText(_HINTS[kind])
            editor.setPlainText(self.store.narratives.get(self.year, kind) or "")
            editor.textChanged.connect(self._schedule_preview)
            caption.setBuddy(editor)
            box.addWidget(caption)
            box.addWidget(editor, 1)
            self.editors[kind] = editor
        self.default_opening_button = QPushButton("改用默认开头")
        self.default_opening_button.clicked.connect(self.use_default_opening)
        box.addWidget(self.default_opening_button, 0, Qt.AlignmentFlag.AlignLeft)
        return tab

    def _build_layout_tab(self) -> QWidget:
        tab = QWidget()
        box = QVBoxLayout(tab)
        caption = QLabel("<b>章节顺序</b>（默认按工作分量排列；调整后按年度保存）")
        caption.setWordWrap(True)
        box.addWidget(caption)
        self.section_list = QListWidget()
        box.addWidget(self.section_list, 1)
        row = QHBoxLayout()
        self.up_button = QPushButton("上移")
        self.down_button = QPushButton("下移")
        self.weight_order_button = QPushButton("按分量排序")
        self.up_button.clicked.connect(lambda: self.move_section(-1))
        self.down_button.clicked.connect(lambda: self.move_section(1))
        self.weight_order_button.clicked.connect(self.reset_section_order)
        for button in (self.up_button, self.down_button, self.weight_order_button):
            row.addWidget(button)
        row.addStretch(1)
        box.addLayout(row)
        date_caption = QLabel("<b>落款日期</b>（不填则为导出当天）")
        self.sign_date_edit = OptionalDateEdit()
        self.sign_date_edit.set_value(self.store.narratives.get(self.year, SIGN_DATE))
        self.sign_date_edit.changed.connect(self._sign_date_changed)
        date_caption.setBuddy(self.sign_date_edit)
        box.addWidget(date_caption)
        box.addWidget(self.sign_date_edit)
        return tab

    # -- preview ---------------------------------------------------------------------------

    def narratives(self) -> Narratives:
        texts = {
            kind: editor.toPlainText().strip() or None for kind, editor in self.editors.items()
        }
        return Narratives(texts[OPENING], texts[SHORTCOMINGS], texts[PLANS])

    def _schedule_preview(self) -> None:
        self._timer.start()

    def refresh_preview(self) -> None:
        self._timer.stop()
        if self._closed:
            return
        narratives = self.narratives()
        try:
            subs = self.subordinates_box.isChecked()
            self.document = compose_summary(
                self.store, self.year, narratives=narratives, with_subordinates=subs
            )
            self.generated = compose_summary(
                self.store, self.year, narratives=narratives, edits={}, with_subordinates=subs
            )
        except SummaryError as exc:
            self.document = self.generated = None
            self.preview.setPlainText(str(exc))
            self.export_button.setEnabled(False)
            self.status.setText("")
            return
        scroll = self.preview.verticalScrollBar().value()
        self.preview.blockSignals(True)
        render_document(self.document, self.preview.document())
        self.preview.moveCursor(QTextCursor.MoveOperation.Start)
        self.preview.blockSignals(False)
        self.preview.verticalScrollBar().setValue(scroll)
        self.export_button.setEnabled(True)
        self._fill_section_list()
        self._show_paragraph_state()
        missing = missing_narratives(self.store, self.year, narratives)
        notes = [f"{'、'.join(missing)}为程序起草的草稿（黄色），请审阅修改"] if missing else []
        stale = len({b.key for b in self.document.blocks if b.stale})
        if stale:
            notes.append(f"有{stale}处修改过的文字所依据的记录已变化（橙色），请复核")
        undated = self.store.figures.undated_awards()
        if undated:
            notes.append(f"有{undated}个奖项没有填写获奖日期，未计入本年总结")
        self.status.setText("；".join(notes))

    # -- editing a paragraph ---------------------------------------------------------------

    def _preview_clicked(self) -> None:
        if self.document is None:
            return
        index = self.preview.textCursor().blockNumber() - 1  # block 0 is the title
        if not 0 <= index < len(self.document.blocks):
            return
        self.select_paragraph(self.document.blocks[index].key)

    def select_paragraph(self, key: str) -> None:
        """Open the paragraph(s) told under `key` in the editor; the clerk's own parts (opening,
        不足, 打算) open in their own editors."""
        if key in self.editors:
            self.tabs.setCurrentIndex(1)
            self.editors[key].setFocus()
            return
        if not key or self.document is None:
            return
        self.selected_key = key
        self._loading = True
        self.paragraph_editor.setPlainText(paragraph_text(self.document, key))
        self._loading = False
        self.paragraph_editor.setEnabled(True)
        self.tabs.setCurrentIndex(0)
        self._show_paragraph_state()

    def _block(self, key: str, document: Document | None) -> Block | None:
        if document is None:
            return None
        return next((b for b in document.blocks if b.key == key), None)

    def _show_paragraph_state(self) -> None:
        block = self._block(self.selected_key, self.document)
        if block is None:
            self.paragraph_caption.setText("尚未选择段落。")
            self.paragraph_editor.setEnabled(False)
            self.restore_button.setEnabled(False)
            self.reviewed_button.setEnabled(False)
        else:
            state = "由程序根据记录生成，可直接修改。"
            if block.stale:
                state = (
                    "您修改过这一段，但它所依据的记录后来有变化：请复核，"
                    "再修改、标为已复核或恢复自动生成。"
                )
            elif block.edited:
                state = "您修改过这一段（已保存）。"
            self.paragraph_caption.setText(f"所选段落：{block.full_text[:24]}……\n{state}")
            self.restore_button.setEnabled(block.edited)
            self.reviewed_button.setEnabled(block.stale)
        self.undo_restore_button.setEnabled(self.restored is not None)

    def _paragraph_edited(self) -> None:
        if self._loading or self._closed or not self.selected_key:
            return
        generated = self._block(self.selected_key, self.generated)
        if generated is None:
            return
        text = self.paragraph_editor.toPlainText().strip()
        if text == paragraph_text(self.generated, self.selected_key).strip() or not text:  # type: ignore[arg-type]
            self.store.narratives.save_edit(self.year, self.selected_key, "", None)
        else:
            from kexie_desktop.core.validation import ValidationError

            try:
                self.store.narratives.save_edit(
                    self.year, self.selected_key, generated.digest, text
                )
            except ValidationError as exc:
                # Said beside the editor, not in a box on every keystroke; the text stays.
                self.paragraph_caption.setText(f"这一段无法保存：{exc.errors['text']}。")
                return
        self._schedule_preview()

    def restore_paragraph(self) -> None:
        key = self.selected_key
        edit = self.store.narratives.edits(self.year).get(key)
        if edit is None:
            return
        if not ask.confirm(
            self,
            "恢复自动生成",
            "这一段将换回程序根据记录生成的文字，您修改的文字将不再使用。\n\n"
            "恢复后可以点“撤销恢复”找回。确定恢复吗？",
        ):
            return
        self.restored = (key, *edit)
        self.store.narratives.save_edit(self.year, key, "", None)
        self.refresh_preview()
        self.select_paragraph(key)

    def undo_restore(self) -> None:
        if self.restored is None:
            return
        key, digest, text = self.restored
        self.store.narratives.save_edit(self.year, key, digest, text)
        self.restored = None
        self.refresh_preview()
        self.select_paragraph(key)

    def mark_reviewed(self) -> None:
        block = self._block(self.selected_key, self.generated)
        edit = self.store.narratives.edits(self.year).get(self.selected_key)
        if block is None or edit is None:
            return
        self.store.narratives.save_edit(self.year, self.selected_key, block.digest, edit[1])
        self.refresh_preview()

    def use_default_opening(self) -> None:
        editor = self.editors[OPENING]
        if not editor.toPlainText().strip():
            return
        if not ask.confirm(
            self,
            "改用默认开头",
            "您写的开头将被清除，改用程序根据记录生成的默认开头。\n\n"
            "清除后可以在开头的编辑框中按 Ctrl+Z 撤销。确定吗？",
        ):
            return
        # Removed through the editor's own cursor, so that Ctrl+Z brings the text back
        # (QPlainTextEdit.clear() would forget the undo history).
        cursor = editor.textCursor()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.removeSelectedText()
        editor.setTextCursor(cursor)

    # -- sections and 落款 -------------------------------------------------------------------

    def _fill_section_list(self) -> None:
        assert self.document is not None
        current = self.section_list.currentRow()
        self.section_list.clear()
        for block in self.document.blocks:
            key = block.key.removesuffix("/heading")
            if block.kind == "heading1" and key not in _FIXED_SECTIONS:
                item = QListWidgetItem(block.text)
                item.setData(Qt.ItemDataRole.UserRole, key)
                self.section_list.addItem(item)
        if current >= 0:
            self.section_list.setCurrentRow(min(current, self.section_list.count() - 1))

    def section_keys(self) -> list[str]:
        return [
            str(self.section_list.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.section_list.count())
        ]

    def move_section(self, step: int) -> None:
        row = self.section_list.currentRow()
        keys = self.section_keys()
        if row < 0 or not 0 <= row + step < len(keys):
            return
        keys[row], keys[row + step] = keys[row + step], keys[row]
        save_section_order(self.store, self.year, keys)
        self.refresh_preview()
        self.section_list.setCurrentRow(row + step)

    def reset_section_order(self) -> None:
        save_section_order(self.store, self.year, None)
        self.refresh_preview()

    def _sign_date_changed(self) -> None:
        if self._closed:
            return
        value = self.sign_date_edit.value()
        if value is None:
            self.store.narratives.save(self.year, SIGN_DATE, None)
        elif len(value) == 10 and value[4] == "-":
            self.store.narratives.save(self.year, SIGN_DATE, value)
        else:
            return  # not a date yet: the clerk is still typing
        self._schedule_preview()

    # -- saving and exporting --------------------------------------------------------------

    def save_narratives(self) -> bool:
        """Store the clerk's paragraphs; False (after saying why) if one cannot be stored."""
        from kexie_desktop.core.validation import ValidationError

        texts = self.narratives()
        for kind, text in ((OPENING, texts.opening), (SHORTCOMINGS, texts.shortcomings),
                           (PLANS, texts.plans)):  # fmt: skip
            try:
                self.store.narratives.save(self.year, kind, text)
            except ValidationError as exc:
                part = NARRATIVE_KINDS.get(kind, kind)
                QMessageBox.warning(self, "无法保存", f"“{part}”{exc.errors['text']}。")
                return False
        return True

    def done(self, result: int) -> None:
        # The clerk's paragraphs are kept when the window closes, as in any editor; a preview
        # still pending would only redo work for a closed window.
        if not self._closed and not self.save_narratives():
            return  # stays open: the text that cannot be stored is still in its editor
        self._timer.stop()
        self._closed = True
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        # A dialog closed without ever being shown gets no reject() from Qt, only this event:
        # its pending preview must not fire later on a store that is closed by then.
        if not self.isVisible():
            self._timer.stop()
            self._closed = True
        super().closeEvent(event)

    def export(self) -> None:
        """Write the document on show. A preview still pending (the clerk typed less than
        PREVIEW_DELAY_MS ago) is brought up to date first, so the preview is always what is
        written; otherwise nothing is composed again."""
        from kexie_desktop.core.export import suggested_filename, write_summary

        if self._timer.isActive():
            self.refresh_preview()
        document = self.document
        if document is None:
            return
        if not self.save_narratives():
            return
        missing = missing_narratives(self.store, self.year)
        if missing and not ask.confirm(
            self,
            "尚未填写",
            f"“{'”“'.join(missing)}”尚未填写，导出的总结中这些部分是程序根据记录起草的草稿"
            "（预览中黄色标出）。\n\n仍然导出吗？",
        ):
            return
        year = self.year
        self.task = export_to(
            self,
            self.store,
            title="导出年度工作总结",
            filename=suggested_filename(self.store, year, "summary"),
            file_filter="Word 文档 (*.docx)",
            label="正在写出年度工作总结……",
            op=lambda own, target, progress: write_summary(
                own, year, document, target, progress=progress
            ),
            note=missing_fonts_note,
        )
