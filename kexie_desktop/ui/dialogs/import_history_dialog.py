"""撤销导入: the import batches, newest first; one can be undone as a whole."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from kexie_desktop.core.store import Store, StoreError
from kexie_desktop.ui import ask
from kexie_desktop.ui.history_table import fill, local_time, read_only_table
from kexie_desktop.ui.sizing import fit_to_screen


class ImportHistoryDialog(QDialog):
    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.undone = False
        self.setWindowTitle("导入记录与撤销")
        self.table = read_only_table(["导入时间", "文件", "结果", "状态"], stretch=2)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.undo_button = QPushButton("撤销所选的这次导入")
        self.undo_button.clicked.connect(self.undo_selected)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.undo_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.batches: list[dict[str, object]] = []
        self.refresh()
        fit_to_screen(self, 860, 380)

    def refresh(self) -> None:
        self.batches = self.store.imports.batches()
        rows = []
        for batch in self.batches:
            undone = batch["undone_at"]
            rows.append((
                local_time(str(batch["created_at"])),
                str(batch["file_name"]),
                str(batch["summary"]),
                f"已于{local_time(str(undone))}撤销" if undone else "",
            ))  # fmt: skip
        fill(self.table, rows)
        self._update_buttons()

    def selected_batch(self) -> dict[str, object] | None:
        rows = self.table.selectionModel().selectedRows()
        return self.batches[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        batch = self.selected_batch()
        self.undo_button.setEnabled(batch is not None and not batch["undone_at"])

    def undo_selected(self) -> None:
        batch = self.selected_batch()
        if batch is None:
            return
        if not ask.confirm(
            self,
            "撤销导入",
            f"撤销“{batch['file_name']}”的这次导入？\n\n这次导入新增的记录将被删除，"
            "被它修改过的记录恢复到导入前的样子。",
        ):
            return
        try:
            changes = self.store.imports.undo(int(str(batch["id"])))
        except StoreError as exc:
            QMessageBox.warning(self, "无法撤销", str(exc))
            return
        self.undone = True
        self.refresh()
        QMessageBox.information(self, "已撤销", f"已撤销这次导入（{changes}处改动已恢复）。")
