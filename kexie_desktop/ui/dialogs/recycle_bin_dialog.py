"""回收站: deleted records, restorable with their links; emptying it asks first."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kexie_desktop.core.records import RECORD_TYPES
from kexie_desktop.core.store import Store, StoreError
from kexie_desktop.ui import ask
from kexie_desktop.ui.history_table import fill, local_time, read_only_table
from kexie_desktop.ui.sizing import fit_to_screen


class RecycleBinDialog(QDialog):
    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.changed = False
        self.setWindowTitle("回收站")
        self.table = read_only_table(["删除时间", "种类", "名称"], stretch=2)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.restore_button = QPushButton("恢复所选")
        self.restore_button.clicked.connect(self.restore_selected)
        self.empty_button = QPushButton("清空回收站…")
        self.empty_button.clicked.connect(self.empty)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        # Enter restores (when something is selected), never empties the bin.
        for button in (self.empty_button, close):
            button.setAutoDefault(False)
        self.restore_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.empty_button)
        buttons.addStretch(1)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.entries: list[dict[str, object]] = []
        self.refresh()
        fit_to_screen(self, 640, 420)

    def refresh(self) -> None:
        self.entries = self.store.recycle_bin.entries()
        fill(self.table, [
            (local_time(str(e["deleted_at"])), _kind_label(str(e["table_name"])),
             str(e["label"]))
            for e in self.entries
        ])  # fmt: skip
        self._update_buttons()

    def _selected(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [int(str(self.entries[r]["id"])) for r in rows]

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(bool(self._selected()))
        self.empty_button.setEnabled(bool(self.entries))

    def restore_selected(self) -> None:
        try:
            restored = self.store.recycle_bin.restore(self._selected())
        except StoreError as exc:
            QMessageBox.warning(self, "无法恢复", str(exc))
            return
        self.changed = True
        self.refresh()
        QMessageBox.information(self, "已恢复", f"已恢复{restored}条记录（连同原来的关联）。")

    def empty(self) -> None:
        if ask.confirm(
            self,
            "清空回收站",
            f"回收站中的{len(self.entries)}条记录将被永久删除，无法再恢复。\n\n确定清空吗？",
        ):
            self.store.recycle_bin.empty()
            self.refresh()


def _kind_label(table: str) -> str:
    record_type = RECORD_TYPES.get(table)
    return record_type.KIND_LABEL if record_type else {"attachments": "附件"}.get(table, table)
