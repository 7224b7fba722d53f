"""报送包: 导出 → 报送包, 文件 → 导入报送包 and 查看 → 报送情况 — thin windows over core/package."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kexie_desktop.core import package as pk
from kexie_desktop.core.store import Store, StoreError
from kexie_desktop.ui.background import BackgroundTask
from kexie_desktop.ui.exporting import export_to


class PackageExportDialog(QDialog):
    """The year's package for the parent organisation, onto the stick."""

    def __init__(self, store: Store, year: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.year = year
        self.task: BackgroundTask | None = None
        self.setWindowTitle(f"导出{year}年报送包")
        profile = store.profile()
        counts = {
            "activities": store.ledger_count("activities", year),
            "people": store.ledger_count("people"),
            "awards": store.ledger_count("awards", year),
            "units": store.ledger_count("units"),
        }
        to = profile.parent_name or "上级组织"
        text = QLabel(
            f"将为{profile.org_name or '本组织'}导出{year}年报送包（一个 .zip 文件），"
            f"交{to}导入汇总。"
            f"<br>包中有：{year}年活动{counts['activities']}项、获奖{counts['awards']}项、"
            f"人员{counts['people']}人、基层组织{counts['units']}个的记录，"
            "以及年度工作总结（Word）和台账（Excel），并附每个文件的校验值。"
            "<br>没有安装科协工作台的电脑也可以打开这个 .zip，查看其中的总结和台账。"
        )
        text.setWordWrap(True)
        self.full_ids = QCheckBox("身份证号和电话写完整（默认部分隐藏，如 430102********1234）")
        subordinates = store.active_sub_orgs(year)
        self.subordinates_box = QCheckBox(
            f"一并转报已导入的{len(subordinates)}个下级组织的{year}年数据"
        )
        self.subordinates_box.setChecked(True)
        self.subordinates_box.setVisible(bool(subordinates))
        if not profile.parent_name:
            hint = QLabel("提示：“设置 → 组织信息”中还没有填写上级组织。")
            hint.setObjectName("fieldError")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("导出…")
        buttons.accepted.connect(self.export)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        if not profile.parent_name:
            layout.addWidget(hint)
        layout.addWidget(self.full_ids)
        layout.addWidget(self.subordinates_box)
        layout.addWidget(buttons)
        self.resize(580, self.sizeHint().height())

    def export(self) -> None:
        year = self.year
        full, subs = self.full_ids.isChecked(), self.subordinates_box.isChecked()
        self.task = export_to(
            self,
            self.store,
            title="导出报送包",
            filename=pk.suggested_filename(self.store, year),
            file_filter="报送包 (*.zip)",
            label="正在写出报送包……",
            op=lambda own, target, progress: pk.export_package(
                own, year, target, full_ids=full, with_subordinates=subs, progress=progress
            ),
            on_done=lambda _r: self.accept(),
        )


class PackageImportDialog(QDialog):
    """What the chosen packages hold, checked in full, before anything is merged."""

    def __init__(self, store: Store, paths: list[Path], parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.packages: list[pk.Package] = []
        self.refused: list[str] = []
        self.results: list[pk.MergeResult] = []
        self.setWindowTitle("导入报送包")
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            for path in paths:
                try:
                    self.packages.append(pk.read_package(path))
                except pk.PackageError as exc:
                    self.refused.append(str(exc))
        finally:
            QApplication.restoreOverrideCursor()
        parts = [
            "\n".join(filter(None, [p.describe(), pk.addressed_elsewhere(store, p)]))
            for p in self.packages
        ]
        parts += [f"不能导入：{text}" for text in self.refused]
        self.text = QPlainTextEdit("\n\n".join(parts))
        self.text.setReadOnly(True)
        intro = QLabel(
            f"已检查{len(paths)}个文件：{len(self.packages)}个完整无误"
            + (f"，{len(self.refused)}个不能导入（原因见下）" if self.refused else "")
            + "。下级组织的记录单独保存，不会混入本组织的记录；同一组织同一年度较新的包"
            "替换较旧的，导入后可在“文件 → 导入记录与撤销”中撤销。"
        )
        intro.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(f"导入{len(self.packages)}个报送包")
        self.ok.setEnabled(bool(self.packages))
        buttons.accepted.connect(self.merge)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(640, 480)

    def merge(self) -> None:
        messages = []
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            for package in self.packages:
                try:
                    result = pk.merge_package(self.store, package)
                except (pk.PackageError, StoreError) as exc:
                    messages.append(f"不能导入：{exc}")
                    continue
                self.results.append(result)
                messages.append(result.summary())
        finally:
            QApplication.restoreOverrideCursor()
        QMessageBox.information(self, "导入报送包", "\n\n".join(messages))
        self.accept()

    @property
    def changed(self) -> bool:
        return any(r.batch_id is not None for r in self.results)


class SubmissionsDialog(QDialog):
    """报送情况: who has submitted for the year, when and with what; who has not yet."""

    HEADERS = ("组织", "层级", "导出时间", "导入时间", "转报", "活动", "人员", "奖项", "对应单位")

    def __init__(self, store: Store, year: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.year = year
        self.setWindowTitle(f"{year}年报送情况")
        self.caption = QLabel()
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(self.HEADERS)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.missing_caption = QLabel()
        self.missing = QListWidget()
        self.link_button = QPushButton("指定对应的报送组织…")
        self.link_button.clicked.connect(self.link_selected)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.link_button)
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.table, 2)
        layout.addWidget(self.missing_caption)
        layout.addWidget(self.missing, 1)
        layout.addLayout(row)
        self.resize(900, 560)
        self.refresh()

    def refresh(self) -> None:
        self.status = pk.submission_status(self.store, self.year)
        submitted = self.status.submitted
        self.caption.setText(
            f"{self.year}年已报送的组织：{len(submitted)}个（含经下级转报的）"
            if submitted
            else f"{self.year}年还没有导入任何下级组织的报送包（文件 → 导入报送包）。"
        )
        self.table.setRowCount(len(submitted))
        for r, item in enumerate(submitted):
            values = [
                item.name, item.level, pk.local_time(item.exported_at),
                pk.local_time(item.imported_at), item.via,
                str(item.counts.get("activities", 0)), str(item.counts.get("people", 0)),
                str(item.counts.get("awards", 0)), item.unit,
            ]  # fmt: skip
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))
        missing = self.status.missing
        self.missing_caption.setText(
            f"尚未报送（本组织登记的基层组织中应报送而没有对应报送包的）：{len(missing)}个"
        )
        self.missing.clear()
        for unit in missing:
            entry = QListWidgetItem(f"{unit['name']}（{unit['kind']}）")
            entry.setData(Qt.ItemDataRole.UserRole, unit["uuid"])
            self.missing.addItem(entry)
        self.link_button.setEnabled(bool(missing and submitted))

    def link_selected(self) -> None:
        """A unit whose name differs from its organisation's (河口科协 / 河口镇科协)."""
        entry = self.missing.currentItem() or self.missing.item(0)
        if entry is None or not self.status.submitted:
            return
        names = [f"{s.name}（{s.org_uuid[:8]}）" for s in self.status.submitted]
        choice, ok = QInputDialog.getItem(
            self, "指定对应的报送组织", f"“{entry.text()}”对应的是：", names, 0, False
        )
        if not ok:
            return
        org = self.status.submitted[names.index(choice)]
        self.store.link_unit(str(entry.data(Qt.ItemDataRole.UserRole)), org.org_uuid)
        self.refresh()
