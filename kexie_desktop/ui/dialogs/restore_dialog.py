"""从备份恢复: the automatic copies in the data folder's backups/, newest first, with what each
holds, to pick from, or another file (a USB stick) to browse for."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kexie_desktop.core.backup import BACKUP_FOLDER, BackupError, inspect_backup
from kexie_desktop.ui.history_table import fill, read_only_table
from kexie_desktop.ui.sizing import fit_to_screen

_KINDS = (
    (re.compile(r"^kexie-\d{4}-\d{2}-\d{2}\.db$"), "每日自动备份"),
    (re.compile(r"^kexie-before-migration-"), "程序升级前"),
    (re.compile(r"^kexie-before-restore-"), "恢复前"),
    (re.compile(r"^kexie-before-"), "自动备份"),
)


def automatic_backups(data_dir: Path) -> list[Path]:
    folder = Path(data_dir) / BACKUP_FOLDER
    if not folder.is_dir():
        return []
    found = [p for p in folder.glob("kexie-*.db") if p.is_file()]
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def backup_kind(path: Path) -> str:
    return next((kind for pattern, kind in _KINDS if pattern.match(path.name)), "备份")


class RestoreDialog(QDialog):
    """Either `chosen` is a backup from the list, or `browse` is True (另选文件…)."""

    def __init__(self, data_dir: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("从备份恢复")
        self.chosen: Path | None = None
        self.browse = False
        self.paths = automatic_backups(data_dir)
        self.table = read_only_table(["备份时间", "种类", "内容"], stretch=2)
        self.table.setSelectionMode(self.table.SelectionMode.SingleSelection)
        rows = []
        for path in self.paths:
            when = dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
            try:
                what = inspect_backup(path).describe()
            except BackupError as exc:
                what = f"不能使用：{exc}"
            rows.append((when, backup_kind(path), what))
        fill(self.table, rows)
        self.table.itemSelectionChanged.connect(self._update)
        self.table.doubleClicked.connect(lambda _i: self._restore())
        self.restore_button = QPushButton("用所选备份恢复…")
        self.restore_button.setDefault(True)
        self.restore_button.clicked.connect(self._restore)
        other = QPushButton("另选备份文件…")
        other.setAutoDefault(False)
        other.clicked.connect(self._browse)
        cancel = QPushButton("取消")
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(other)
        buttons.addStretch(1)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "程序每天第一次打开时自动备份，升级和恢复前也会备份。选一份，或另选U盘上的备份文件："
            )
        )
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        if self.paths:
            self.table.selectRow(0)
        self._update()
        fit_to_screen(self, 900, 420)

    def _update(self) -> None:
        self.restore_button.setEnabled(bool(self.table.selectionModel().selectedRows()))

    def _restore(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.chosen = self.paths[rows[0].row()]
            self.accept()

    def _browse(self) -> None:
        self.browse = True
        self.accept()
