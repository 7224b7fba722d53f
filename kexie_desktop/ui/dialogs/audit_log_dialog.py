"""操作记录: every change to the records, filterable by kind and by record; read only."""

from __future__ import annotations

import json

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kexie_desktop.core.records import RECORD_TYPES
from kexie_desktop.core.store import Store
from kexie_desktop.core.validation import label
from kexie_desktop.ui.history_table import fill, local_time, read_only_table
from kexie_desktop.ui.sizing import fit_to_screen

ACTIONS = {
    "insert": "新增", "update": "修改", "delete": "删除（放入回收站）", "restore": "从回收站恢复",
    "empty-bin": "清空回收站", "import": "导入", "undo-import": "撤销导入",
    "attach": "添加附件",
    "restore-backup": "从备份恢复全部数据",
}  # fmt: skip
# An attachment's entries say what happened to the attachment, not to a record.
ATTACHMENT_ACTIONS = {
    "attach": "添加附件", "update": "修改附件", "delete": "移除附件（放入回收站）",
    "restore": "从回收站恢复附件",
}  # fmt: skip
TABLES = {**{t: c.KIND_LABEL for t, c in RECORD_TYPES.items()}, "import_batches": "导入",
          "recycle_bin": "回收站", "attachments": "附件"}  # fmt: skip


class AuditLogDialog(QDialog):
    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("操作记录")
        self.kind = QComboBox()
        self.kind.addItem("全部", "")
        for table, text in TABLES.items():
            self.kind.addItem(text, table)
        self.search = QLineEdit()
        self.search.setPlaceholderText("按名称或记录编号查找")
        self.kind.currentIndexChanged.connect(lambda _i: self.refresh())
        self.search.textChanged.connect(lambda _t: self.refresh())
        top = QHBoxLayout()
        top.addWidget(QLabel("种类："))
        top.addWidget(self.kind)
        top.addWidget(self.search, 1)
        self.table = read_only_table(["时间", "操作", "种类", "编号", "名称"], stretch=4)
        self.table.itemSelectionChanged.connect(self._show_details)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        note = QLabel("操作记录只能查看，不能修改或删除。")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(note)
        self.entries: list[dict[str, object]] = []
        self.refresh()
        fit_to_screen(self, 1000, 560)

    def refresh(self) -> None:
        self.entries = self.store.change_log.entries(
            table=str(self.kind.currentData() or ""), search=self.search.text()
        )
        fill(self.table, [
            (
                local_time(str(e["at"])),
                action_text(str(e["action"]), str(e["table_name"])),
                TABLES.get(str(e["table_name"]), str(e["table_name"])),
                "" if e["record_id"] is None else str(e["record_id"]),
                str(e["label"]),
            )
            for e in self.entries
        ])  # fmt: skip
        self.details.clear()

    def _show_details(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        entry = self.entries[rows[0].row()]
        table = str(entry["table_name"])
        before = json.loads(str(entry["before_json"])) if entry["before_json"] else {}
        after = json.loads(str(entry["after_json"])) if entry["after_json"] else {}
        lines = []
        for key in dict.fromkeys([*before, *after]):
            if key in ("id", "uuid", "created_at", "updated_at", "name_key", "team_key",
                       "position"):  # fmt: skip
                continue
            old, new = before.get(key), after.get(key)
            if before and after and old == new:
                continue
            name = label(key, table)
            if before and after:
                lines.append(f"{name}：{self._shown(key, old)} → {self._shown(key, new)}")
            elif not _empty(new if after else old):
                lines.append(f"{name}：{self._shown(key, new if after else old)}")
        self.details.setPlainText("\n".join(lines) or "（没有字段变化）")

    def _shown(self, key: str, value: object) -> str:
        """A stored value as the clerk knows it: 是/否, names rather than numbers."""
        if _empty(value):
            return "（空）"
        if isinstance(value, bool) or key in _YES_NO:
            return "是" if value else "否"
        if key in ("unit_id", "person_id", "person_ids"):
            ids = [int(str(v)) for v in (value if isinstance(value, list) else [value])]
            if key == "unit_id":
                names = dict(self.store.lists.unit_choices())
            else:
                names = self.store.lists.person_labels(ids)
            return "、".join(names.get(i, f"（已删除，编号{i}）") for i in ids)
        if isinstance(value, list):
            return "、".join(str(v) for v in value)
        return str(value)


_YES_NO = frozenset({"highlight", "founded_this_year", "in_summary"})


def action_text(action: str, table: str) -> str:
    if table == "attachments" and action in ATTACHMENT_ACTIONS:
        return ATTACHMENT_ACTIONS[action]
    return ACTIONS.get(action, action)


def _empty(value: object) -> bool:
    return value is None or value == "" or value == []
