"""A tab listing one kind of record: search box, buttons, sortable table, count.

RecordTab is the base of the four record tabs (people, activities, awards, units); each subclass
only declares its model, dialog and words. Its ~620 lines are what a list does for the clerk:
search and filters, copy, export and print of the rows as shown, add/edit/delete, and the
remembered column layout. Every one of them works on the same table, selection and filter
state, so moving a part out would only make it reach back into the tab.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import QByteArray, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kexie_desktop.core import fields
from kexie_desktop.core.records import Record
from kexie_desktop.core.store import Store, StoreError
from kexie_desktop.ui import ask
from kexie_desktop.ui.table_models import IdRole, RecordRole, RecordTableModel

if TYPE_CHECKING:
    from kexie_desktop.ui.dialogs.record_dialog import RecordDialog

# More rows than this are not laid out for printing (a 100,000-row document would take minutes).
PRINT_LIMIT = 5000
# Typing pauses this long before the list is filtered, so a fast typist is not slowed down.
SEARCH_DELAY_MS = 150


class _FilterCombo(QComboBox):
    """A drop-down that can fill itself just before it opens."""

    about_to_show: Callable[[], None] | None = None

    def showPopup(self) -> None:
        if self.about_to_show is not None:
            self.about_to_show()
        super().showPopup()


class RecordTab(QWidget):
    MODEL_TYPE: ClassVar[type[RecordTableModel]]
    UNIT_WORD: ClassVar[str] = "项"
    SEARCH_HINT: ClassVar[str] = "搜索"
    # The column that takes the room left (by key), and the one that names a record (its
    # title, a person's name) in messages. The other columns' widths are declared with their
    # fields (core/fields.py).
    STRETCH_KEY: ClassVar[str] = "name"
    NAME_KEY: ClassVar[str] = "name"
    # Drop-downs beside the search box: (column or condition key, label, fixed choices or ()
    # for the names of the units). A choice is its value, or (shown text, value).
    FILTERS: ClassVar[tuple[tuple[str, str, tuple[str | tuple[str, str], ...]], ...]] = ()
    # The first item of a drop-down, where "类别：全部" would be needlessly wide (月份: 全年).
    FILTER_ALL_TEXT: ClassVar[dict[str, str]] = {}

    # Emitted when records were added, changed or deleted, so other tabs can refresh.
    records_changed = Signal()
    status_changed = Signal(str)
    # A record was saved in a year other than the one shown: the window should switch to it.
    year_wanted = Signal(int)
    # For the window's undo (Ctrl+Z): (record as it was before, or None if new; record saved;
    # what the form did to its attachments, an AppliedChanges or None).
    saved = Signal(object, object, object)
    # Records just deleted: (recycle-bin entries, words for 撤销, record type, ids).
    deleted = Signal(list, str, object, list)
    # Several records changed at once (records before, records after, words for 撤销).
    batch_saved = Signal(list, list, str)
    # How many records are selected: the window's 修改/删除 follow it.
    selection_changed = Signal(int)

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.kind_label = self.MODEL_TYPE.RECORD_TYPE.KIND_LABEL
        self.model = self.MODEL_TYPE(store, self)
        self.stretch_column = self.model.column_of(self.STRETCH_KEY)
        self.name_column = self.model.column_of(self.NAME_KEY)
        self.column_widths = self.declared_widths()
        self.model.counts_changed.connect(self._update_status)

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(f"{self.SEARCH_HINT}（Ctrl+F），多个词用空格分开")
        self.search_edit.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_search)
        self.search_edit.textChanged.connect(lambda _t: self._search_timer.start())
        self.search_edit.returnPressed.connect(self.apply_search)

        self.new_button = QPushButton(f"新增{self.kind_label}")
        self.edit_button = QPushButton("修改")
        self.delete_button = QPushButton("删除")
        self.new_button.clicked.connect(self.new_record)
        self.edit_button.clicked.connect(self.edit_current)
        self.delete_button.clicked.connect(self.delete_selected)

        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setDefaultSectionSize(28)
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in self.column_widths.items():
            header.resizeSection(column, width)
        header.setSectionResizeMode(self.stretch_column, QHeaderView.ResizeMode.Stretch)
        # Only the rows on screen are measured when columns are fitted to their text.
        self.view.verticalHeader().setResizeContentsPrecision(0)
        # The list's own order, with its arrow: dates newest first, names 拼音 A to Z.
        key, descending = self.model.listing.default_order[0]
        column_keys = [c.key for c in self.model.listing.columns]
        header.setSortIndicator(
            column_keys.index(key),
            Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder,
        )
        self.view.doubleClicked.connect(lambda _i: self.edit_current())
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)

        for keys in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(keys), self.view)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.edit_current)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.view)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.delete_selected)
        # Ctrl+C copies whole rows, as Excel users expect, not the one cell under the cursor.
        copy = QShortcut(QKeySequence(QKeySequence.StandardKey.Copy), self.view)
        copy.setContext(Qt.ShortcutContext.WidgetShortcut)
        copy.activated.connect(self.copy_selected)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self._fitted = False

        self.top_bar = top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
        self.filter_combos: dict[str, QComboBox] = {}
        for key, caption, choices in self.FILTERS:
            combo = _FilterCombo()
            if not choices:
                # A thousand unit names are read when the list is opened, not at start-up.
                combo.about_to_show = self.refresh_filter_choices
            combo.setToolTip(f"只显示{caption}为所选的记录")
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            all_text = self.FILTER_ALL_TEXT.get(key, f"{caption}：全部")
            combo.setMinimumContentsLength(max(2 * len(all_text), 5))  # CJK: two average widths
            combo.addItem(all_text, None)
            # On a narrow window the drop-downs give way (their text cut short) rather than
            # make the whole window wider than a 1024 px screen.
            combo.setMinimumWidth(combo.minimumSizeHint().width() * 3 // 5)
            for choice in choices:
                text, value = choice if isinstance(choice, tuple) else (choice, choice)
                combo.addItem(text or "本会", value)
            combo.currentIndexChanged.connect(lambda _i, k=key: self._filter_changed(k))
            self.filter_combos[key] = combo
            top.addWidget(combo)
        top.addWidget(self.new_button)
        top.addWidget(self.edit_button)
        top.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self._update_buttons()

    # -- loading -------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        # A tab reads its records when first shown, so start-up reads only the visible one.
        self.ensure_loaded()
        super().showEvent(event)

    def ensure_loaded(self) -> None:
        if not self.model.loaded:
            self.reload()
            if not self._fitted:
                self.fit_columns()

    def mark_stale(self) -> None:
        """Records changed elsewhere: reload now if on screen, else when next shown."""
        if self.isVisible():
            self.reload()
        else:
            self.model.loaded = False

    # -- searching -----------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def apply_search(self) -> None:
        self._search_timer.stop()
        self.model.set_search(self.search_edit.text().strip())
        self._update_buttons()

    def set_year(self, year: int | None) -> None:
        self.model.set_year(year)
        self._update_buttons()

    def _filter_changed(self, key: str) -> None:
        data = self.filter_combos[key].currentData()
        self.model.set_filter(key, self.filter_value(key, data))
        self._update_buttons()

    def filter_value(self, key: str, data: object) -> str | None:
        """What the model filters on for a drop-down's chosen item (None: everything)."""
        return None if data is None else str(data)

    def show_filtered(self, filters: dict[str, str]) -> None:
        """The list with exactly these drop-downs chosen (by item value), every other
        drop-down, the search box and any extra box cleared: where a figure of the 概览
        leads. Reloads once, not once per drop-down."""
        was_loaded = self.model.loaded
        self.model.loaded = False
        self._search_timer.stop()
        self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(False)
        self.model.set_search("")
        self.clear_extra_filters()
        for key, combo in self.filter_combos.items():
            wanted = filters.get(key)
            if wanted is not None and combo.findData(wanted) < 0 and combo.count() <= 1:
                self.refresh_filter_choices()  # unit names are read on first use
            index = 0 if wanted is None else combo.findData(wanted)
            if index < 0:
                # A value outside the usual choices (a category another tool wrote): the
                # drop-down gets it too, so the list still shows what the figure counted.
                combo.addItem(str(wanted), wanted)
                index = combo.count() - 1
            combo.blockSignals(True)
            combo.setCurrentIndex(index)
            combo.blockSignals(False)
            self.model.set_filter(key, self.filter_value(key, combo.currentData()))
        if was_loaded:
            self.reload()
        self._update_buttons()
        self._update_status()

    def clear_extra_filters(self) -> None:
        """For subclasses: clear boxes other than the drop-downs (缺照片/签到表)."""

    def refresh_filter_choices(self) -> None:
        """The unit drop-downs list today's units (a unit added or renamed since)."""
        units = [name for _id, name in self.store.lists.unit_choices()]
        for key, _caption, choices in self.FILTERS:
            if choices:
                continue
            combo = self.filter_combos[key]
            current = combo.currentData()
            wanted = ["", *units] if key == "unit_name" and self.model.listing.year_key else units
            shown = [combo.itemData(i) for i in range(1, combo.count())]
            if shown == wanted:
                continue
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for name in wanted:
                combo.addItem(name or "本会", name)
            index = combo.findData(current) if current is not None else 0
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)
            if current is not None and index < 0:
                self._filter_changed(key)

    def status_text(self) -> str:
        shown, total = self.model.rowCount(), self.model.total
        filtered = [
            f"{caption}＝{self.filter_combos[key].currentText()}"
            for key, caption, _c in self.FILTERS
            if self.filter_combos[key].currentData() is not None
        ]
        if self.model.search_text or filtered:
            text = (
                f"{self.kind_label}：找到 {shown} {self.UNIT_WORD}（共 {total} {self.UNIT_WORD}）"
            )
            if filtered:
                text += "　筛选：" + "，".join(filtered)
            return text
        return f"{self.kind_label}：共 {total} {self.UNIT_WORD}"

    def _update_status(self, _shown: int = 0, _total: int = 0) -> None:
        self.status_changed.emit(self.status_text())

    def _update_buttons(self) -> None:
        selected = len(self.selected_ids())
        self.edit_button.setEnabled(selected == 1)
        self.delete_button.setEnabled(selected > 0)
        self.selection_changed.emit(selected)

    # -- Excel habits: copy, export, the right-click menu ---------------------------------

    def shown_columns(self) -> list[int]:
        """The columns in the order the clerk arranged them, hidden ones left out."""
        header = self.view.horizontalHeader()
        logical = [header.logicalIndex(v) for v in range(header.count())]
        return [c for c in logical if not header.isSectionHidden(c)]

    def headers(self, columns: list[int]) -> list[str]:
        return [str(self.model.headerData(c, Qt.Orientation.Horizontal)) for c in columns]

    def rows_as_shown(self, ids: list[int]) -> tuple[list[str], list[list[str]]]:
        columns = self.shown_columns()
        return self.headers(columns), [[row[c] for c in columns] for row in self.model.texts(ids)]

    def copy_selected(self) -> None:
        """The selected rows, with a header row, as tab-separated text and as an HTML table:
        both Excel and WPS paste either as cells."""
        from html import escape

        from PySide6.QtCore import QMimeData
        from PySide6.QtWidgets import QApplication

        ids = self.selected_ids()
        if not ids:
            return
        headers, rows = self.rows_as_shown(ids)
        table = [headers, *rows]
        flat = [[" ".join(cell.split()) for cell in row] for row in table]
        text = "".join("\t".join(row) + "\n" for row in flat)
        cells = "".join(
            "<tr>" + "".join(f"<{tag}>{escape(cell)}</{tag}>" for cell in row) + "</tr>"
            for tag, row in (("th" if i == 0 else "td", row) for i, row in enumerate(flat))
        )
        mime = QMimeData()
        mime.setText(text)
        mime.setHtml(f'<meta charset="utf-8"><table border="1">{cells}</table>')
        clipboard = QApplication.clipboard()
        clipboard.setMimeData(mime)
        self.status_changed.emit(f"已复制 {len(rows)} 行，可以粘贴到 Excel 或 WPS 表格中。")

    def export_list(self, selected_only: bool = False) -> None:
        """导出当前列表 / 导出所选: the rows as shown (search, year, sort, masked numbers
        unless the full ones are shown) into a new .xlsx workbook."""
        from PySide6.QtWidgets import QApplication

        from kexie_desktop.core.export import export_table
        from kexie_desktop.core.safe_write import ExportError
        from kexie_desktop.ui.exporting import ask_target, show_export_done

        ids = self.selected_ids() if selected_only else self.model.all_ids()
        if not ids:
            QMessageBox.information(self, "没有可导出的记录", "列表中没有记录。")
            return
        title = f"{self.kind_label}列表"
        target = ask_target(self, self.store, "导出列表", f"{title}.xlsx", "Excel 工作簿 (*.xlsx)")
        if target is None:
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            headers, rows = self.rows_as_shown(ids)
            result = export_table(target, title, headers, rows)
        except ExportError as exc:
            QApplication.restoreOverrideCursor()
            QMessageBox.warning(self, "导出没有完成", str(exc))
            return
        QApplication.restoreOverrideCursor()
        show_export_done(self, "导出完成", f"已导出 {len(rows)} 行。\n{result.summary()}", target)

    def print_document(self) -> object | None:
        """The list as shown, as a document to print: a title, the filters, a table.
        None (after saying why) when there is nothing to print or far too much."""
        import datetime as dt
        from html import escape

        from PySide6.QtGui import QTextDocument

        ids = self.model.all_ids()
        if not ids:
            QMessageBox.information(self, "没有可打印的记录", "列表中没有记录。")
            return None
        if len(ids) > PRINT_LIMIT:
            QMessageBox.information(
                self,
                "列表太长",
                f"列表有 {len(ids)} 行，打印前请用查找、筛选或年度缩小范围"
                f"（最多 {PRINT_LIMIT} 行），或用“导出当前列表”到 Excel 中打印。",
            )
            return None
        headers, rows = self.rows_as_shown(ids)
        head = "".join(f"<th>{escape(h)}</th>" for h in headers)
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows
        )
        title = escape(f"{self.kind_label}列表")
        note = escape(f"{self.status_text()}　打印于 {dt.date.today().isoformat()}")
        document = QTextDocument()
        document.setDefaultStyleSheet(
            "th { background-color: #e8e8e8; font-weight: bold; } td, th { padding: 2px 4px; }"
        )
        document.setHtml(
            f"<h3>{title}</h3><p>{note}</p>"
            f'<table border="1" cellspacing="0" width="100%"><thead><tr>{head}</tr></thead>'
            f"{body}</table>"
        )
        return document

    def make_printer(self) -> object:
        """A4 landscape: lists are wide."""
        from PySide6.QtGui import QPageLayout, QPageSize
        from PySide6.QtPrintSupport import QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        printer.setDocName(f"{self.kind_label}列表")
        return printer

    def print_list(self, preview: bool = False) -> None:
        from PySide6.QtGui import QTextDocument
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog

        document = self.print_document()
        if not isinstance(document, QTextDocument):
            return
        printer = self.make_printer()
        assert isinstance(printer, QPrinter)
        if preview:
            dialog = QPrintPreviewDialog(printer, self)
            dialog.setWindowTitle(f"打印预览 — {self.kind_label}列表")
            dialog.paintRequested.connect(document.print_)
            dialog.exec()
            return
        chooser = QPrintDialog(printer, self)
        if chooser.exec():
            document.print_(printer)

    def _context_menu(self, pos: QPoint) -> None:
        from PySide6.QtWidgets import QMenu

        index = self.view.indexAt(pos)
        if index.isValid() and not self.view.selectionModel().isRowSelected(index.row()):
            self.view.selectRow(index.row())
        count = len(self.selected_ids())
        menu = QMenu(self)
        menu.addAction("修改…", self.edit_current).setEnabled(count == 1)
        menu.addAction("删除…", self.delete_selected).setEnabled(count > 0)
        menu.addSeparator()
        menu.addAction("复制（Ctrl+C）", self.copy_selected).setEnabled(count > 0)
        menu.addAction("导出所选…", lambda: self.export_list(True)).setEnabled(count > 0)
        menu.addAction("导出当前列表…", self.export_list)
        self.add_menu_actions(menu, count)
        menu.popup(self.view.viewport().mapToGlobal(pos))
        self._menu = menu

    def add_menu_actions(self, menu: object, count: int) -> None:
        """For subclasses: more entries in the right-click menu."""

    # -- columns ---------------------------------------------------------------------------

    def declared_widths(self) -> dict[int, int]:
        """Column → width in pixels, from the fields' declarations."""
        return {
            self.model.column_of(f.list_key): f.listed.width
            for f in fields.listed(self.model.listing.table)
            if f.listed and f.listed.width
        }

    def fit_columns(self) -> None:
        """Columns as wide as the text of the first screen of rows needs (within reason), the
        name column taking what is left: at 1920 px nothing is cut, at 1024 px nothing is lost
        off screen. Only the rows on screen are measured, so 100,000 rows cost nothing."""
        header = self.view.horizontalHeader()
        widths: dict[int, int] = {}
        for column in range(self.model.columnCount()):
            if column == self.stretch_column:
                continue
            wanted = max(self.view.sizeHintForColumn(column), header.sectionSizeHint(column))
            base = self.column_widths.get(column, 100)
            widths[column] = min(max(wanted, min(base, 90)), max(base, 280))
        # The name column keeps at least a third of the width; on a small screen the other
        # columns go back to their usual widths (the clerk can still drag them wider).
        room = self.view.viewport().width() - self.view.viewport().width() // 3
        if sum(widths.values()) > room:
            widths = {c: self.column_widths.get(c, min(w, 100)) for c, w in widths.items()}
        for column, width in widths.items():
            header.resizeSection(column, width)
        self._fitted = True

    def header_state(self) -> QByteArray:
        return self.view.horizontalHeader().saveState()

    def restore_header_state(self, state: object) -> None:
        if isinstance(state, QByteArray) and not state.isEmpty():
            header = self.view.horizontalHeader()
            if header.restoreState(state):
                header.setSectionResizeMode(self.stretch_column, QHeaderView.ResizeMode.Stretch)
                self._fitted = True

    # -- records -------------------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        return [i for i in (self.model.id_at(row) for row in rows) if i >= 0]

    def current_record(self) -> Record | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        record: Record | None = self.model.data(index, RecordRole)
        return record

    def new_record(self) -> None:
        self.open_dialog(None)

    def edit_current(self) -> None:
        if not self.view.currentIndex().isValid():
            return
        record = self.current_record()
        if record is None:
            QMessageBox.information(self, "记录已不存在", f"这条{self.kind_label}记录已被删除。")
            self.reload()
            return
        self.open_dialog(record)

    def make_dialog(self, record: Record | None) -> RecordDialog:  # type: ignore[type-arg]
        raise NotImplementedError

    def open_dialog(self, record: Record | None) -> None:
        import datetime as dt

        dialog = self.make_dialog(record)
        if self.model.listing.year_key:
            dialog.set_default_year(self.model.year or dt.date.today().year)
        if dialog.exec() and dialog.saved is not None:
            saved = dialog.saved
            self.saved.emit(record, saved, dialog.attachment_changes)
            year = self.record_year(saved)
            if year is not None and self.model.year not in (None, year):
                # Otherwise a record dated in another year would seem to vanish on saving.
                self.year_wanted.emit(year)
            self.records_changed.emit()
            self.reload()
            assert saved.id is not None
            self.select_id(saved.id)

    def record_year(self, record: Record) -> int | None:
        """The year a record is listed under, for the kinds the year selector scopes."""
        key = self.model.listing.year_key
        value = getattr(record, key, None) if key else None
        return int(value[:4]) if value else None

    def select_id(self, record_id: int) -> None:
        row = self.model.row_of(record_id)
        if row >= 0:
            index = self.model.index(row, 0)
            self.view.setCurrentIndex(index)
            self.view.selectRow(row)
            self.view.scrollTo(index)

    def delete_message(self, ids: list[int]) -> str:
        if len(ids) == 1:
            row = self.model.row_of(ids[0])
            name = self.model.data(self.model.index(row, self.name_column)) if row >= 0 else ""
            text = f"确定删除{self.kind_label}“{name}”吗？"
        else:
            text = f"确定删除选中的 {len(ids)} {self.UNIT_WORD}{self.kind_label}吗？"
        refs = self.store.records.references(self.MODEL_TYPE.RECORD_TYPE, ids)
        if refs:
            parts = "、".join(
                f"{kind}{n}项" if kind != "人员" else f"人员{n}人" for kind, n in refs.items()
            )
            text += f"\n\n有{parts}与之关联，删除后这些记录中的关联将被清空。"
            if self.kind_label == "人员" and "奖项" in refs:
                text += "奖项的获奖者一栏仍会以文字保留其姓名。"
        return text + "\n\n删除的记录会放入回收站，需要时可以恢复（或按 Ctrl+Z 撤销）。"

    def deleted_words(self, ids: list[int]) -> str:
        """删除人员“张三” or 删除3位人员: the words 撤销 and 重做 show."""
        if len(ids) == 1:
            row = self.model.row_of(ids[0])
            name = self.model.data(self.model.index(row, self.name_column)) if row >= 0 else ""
            return f"删除{self.kind_label}“{name}”"
        measure = "名" if self.UNIT_WORD == "人" else self.UNIT_WORD  # 3名人员, not 3人人员
        return f"删除{len(ids)}{measure}{self.kind_label}"

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        if not ask.confirm(
            self,
            f"删除{self.kind_label}",
            self.delete_message(ids),
        ):
            return
        try:
            entries = self.store.records.delete(self.MODEL_TYPE.RECORD_TYPE, ids)
        except StoreError as exc:
            QMessageBox.warning(self, "无法删除", str(exc))
            return
        self.deleted.emit(entries, self.deleted_words(ids), self.MODEL_TYPE.RECORD_TYPE, ids)
        self.records_changed.emit()
        self.reload()

    def reload(self) -> None:
        current = self.view.currentIndex()
        keep = self.model.data(current, IdRole) if current.isValid() else None
        self.model.reload()
        if keep is not None:
            self.select_id(keep)
        self._update_buttons()

    def current_index(self) -> QModelIndex:
        return self.view.currentIndex()
