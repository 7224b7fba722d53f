"""A tab listing one kind of record: search box, buttons, sortable table, count."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kexie_desktop.core.records import Record
from kexie_desktop.core.store import Store, StoreError
from kexie_desktop.ui.table_models import IdRole, RecordRole, RecordTableModel

if TYPE_CHECKING:
    from kexie_desktop.ui.dialogs.record_dialog import RecordDialog

# Typing pauses this long before the list is filtered, so a fast typist is not slowed down.
SEARCH_DELAY_MS = 150


class RecordTab(QWidget):
    MODEL_TYPE: ClassVar[type[RecordTableModel]]
    UNIT_WORD: ClassVar[str] = "项"
    SEARCH_HINT: ClassVar[str] = "搜索"
    COLUMN_WIDTHS: ClassVar[dict[int, int]] = {}
    STRETCH_COLUMN: ClassVar[int] = 1
    # The column that names a record (its title, a person's name) in messages.
    NAME_COLUMN: ClassVar[int] = 0

    # Emitted when records were added, changed or deleted, so other tabs can refresh.
    records_changed = Signal()
    status_changed = Signal(str)
    # A record was saved in a year other than the one shown: the window should switch to it.
    year_wanted = Signal(int)
    # For the window's undo (Ctrl+Z): (record as it was before, or None if new; record saved).
    saved = Signal(object, object)
    # The recycle-bin entries of records just deleted.
    deleted = Signal(list, str)

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.kind_label = self.MODEL_TYPE.RECORD_TYPE.KIND_LABEL
        self.model = self.MODEL_TYPE(store, self)
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
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
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
        for column, width in self.COLUMN_WIDTHS.items():
            header.resizeSection(column, width)
        header.setSectionResizeMode(self.STRETCH_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.view.doubleClicked.connect(lambda _i: self.edit_current())
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)

        for keys in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(keys), self.view)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.edit_current)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.view)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.delete_selected)

        self.top_bar = top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
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

    def status_text(self) -> str:
        shown, total = self.model.rowCount(), self.model.total
        if self.model.search_text:
            return (
                f"{self.kind_label}：找到 {shown} {self.UNIT_WORD}（共 {total} {self.UNIT_WORD}）"
            )
        return f"{self.kind_label}：共 {total} {self.UNIT_WORD}"

    def _update_status(self, _shown: int = 0, _total: int = 0) -> None:
        self.status_changed.emit(self.status_text())

    def _update_buttons(self) -> None:
        selected = len(self.selected_ids())
        self.edit_button.setEnabled(selected == 1)
        self.delete_button.setEnabled(selected > 0)

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
        dialog = self.make_dialog(record)
        if dialog.exec() and dialog.saved is not None:
            saved = dialog.saved
            self.saved.emit(record, saved)
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
            name = self.model.data(self.model.index(row, self.NAME_COLUMN)) if row >= 0 else ""
            text = f"确定删除{self.kind_label}“{name}”吗？"
        else:
            text = f"确定删除选中的 {len(ids)} {self.UNIT_WORD}{self.kind_label}吗？"
        refs = self.store.references(self.MODEL_TYPE.RECORD_TYPE, ids)
        if refs:
            parts = "、".join(
                f"{kind}{n}项" if kind != "人员" else f"人员{n}人" for kind, n in refs.items()
            )
            text += f"\n\n有{parts}与之关联，删除后这些记录中的关联将被清空。"
        return text + "\n\n删除的记录会放入回收站，需要时可以恢复（或按 Ctrl+Z 撤销）。"

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        answer = QMessageBox.question(
            self,
            f"删除{self.kind_label}",
            self.delete_message(ids),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            entries = self.store.delete(self.MODEL_TYPE.RECORD_TYPE, ids)
        except StoreError as exc:
            QMessageBox.warning(self, "无法删除", str(exc))
            return
        self.deleted.emit(entries, f"删除{len(entries)}{self.UNIT_WORD}{self.kind_label}")
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
