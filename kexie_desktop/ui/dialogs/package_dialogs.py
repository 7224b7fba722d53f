"""报送包: 导出 → 报送包, 文件 → 导入报送包 and 查看 → 报送情况 — thin windows over core/package."""

from __future__ import annotations

from collections.abc import Callable
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
        profile = store.settings.profile()
        counts = {
            "activities": store.ledger.count("activities", year),
            "people": store.ledger.count("people"),
            "awards": store.ledger.count("awards", year),
            "units": store.ledger.count("units"),
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
        subordinates = store.packages.active_orgs(year)
        self.subordinates_box = QCheckBox(
            f"一并转报已导入的{len(subordinates)}个下级组织的{year}年数据"
        )
        self.subordinates_box.setChecked(True)
        self.subordinates_box.setVisible(bool(subordinates))
        # Off by default: a year's photos make the package a thousand times larger, and a
        # scanned 签到表 carries names and phone numbers the masking above cannot reach.
        self.attachments_box = QCheckBox()
        self.attachments_box.setToolTip(
            "附带活动和奖项的照片、签到表、通知等附件文件和新闻链接，每个文件只放一份。"
            "签到表等扫描件中的个人信息不会被隐藏。"
        )
        self.attachments_note = QLabel()
        self.attachments_note.setWordWrap(True)
        self.attachments_note.setObjectName("fieldError")
        self.attachments_box.toggled.connect(self._update_attachments)
        self.subordinates_box.toggled.connect(self._update_attachments)
        self._update_attachments()
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
        layout.addWidget(self.attachments_box)
        layout.addWidget(self.attachments_note)
        layout.addWidget(buttons)
        self.resize(580, self.sizeHint().height())

    def _update_attachments(self) -> None:
        """The box says how many files and how much they add, for what would be carried."""
        files, size = pk.attachments_estimate(
            self.store, self.year, with_subordinates=self.subordinates_box.isChecked()
        )
        self.attachments_box.setText(
            f"附带佐证材料（附件文件{files}个，约{pk.size_text(size)}）"
            if files
            else "附带佐证材料（新闻链接等；没有附件文件）"
        )
        ticked = self.attachments_box.isChecked()
        text = "注意：签到表等扫描件中的姓名、电话不会被隐藏。" if ticked and files else ""
        if ticked and size > pk.LARGE_PACKAGE_BYTES:
            text += (
                f"报送包将有{pk.size_text(size)}以上，写到U盘需要一些时间，请确认U盘有足够的空间。"
            )
        self.attachments_note.setText(text)
        self.attachments_note.setVisible(bool(text))

    def export(self) -> None:
        year = self.year
        full, subs = self.full_ids.isChecked(), self.subordinates_box.isChecked()
        files = self.attachments_box.isChecked()
        self.task = export_to(
            self,
            self.store,
            title="导出报送包",
            filename=pk.suggested_filename(self.store, year),
            file_filter="报送包 (*.zip)",
            label="正在写出报送包……",
            op=lambda own, target, progress: pk.export_package(
                own,
                year,
                target,
                full_ids=full,
                with_subordinates=subs,
                with_attachments=files,
                progress=progress,
            ),
            on_done=lambda _r: self.accept(),
        )


Checked = tuple[list[pk.Package], list[str]]


def read_packages(paths: list[Path], progress: Callable[[int, int], None] | None = None) -> Checked:
    """Every chosen package read and checked in full (no database: may run off the GUI thread,
    as the main window does — a package with a year's photos is a gigabyte to hash)."""
    packages: list[pk.Package] = []
    refused: list[str] = []
    for n, path in enumerate(paths):
        if progress:
            progress(n, len(paths))
        try:
            packages.append(pk.read_package(path))
        except pk.PackageError as exc:
            refused.append(str(exc))
    return packages, refused


class PackageImportDialog(QDialog):
    """What the chosen packages hold, checked in full, before anything is merged.

    `checked`: the packages already read (read_packages, in the background); else they are
    read here. Merging stores the packages' attachment files in the background first (the
    file work touches no database), then merges the records on the GUI thread's connection."""

    def __init__(
        self,
        store: Store,
        paths: list[Path],
        parent: QWidget | None = None,
        *,
        checked: Checked | None = None,
    ):
        super().__init__(parent)
        self.store = store
        self.results: list[pk.MergeResult] = []
        self.task: BackgroundTask | None = None
        self.setWindowTitle("导入报送包")
        if checked is None:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                checked = read_packages(paths)
            finally:
                QApplication.restoreOverrideCursor()
        self.packages, self.refused = checked
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
        plans = [pk.blocks_to_receive(self.store, package) for package in self.packages]
        total = sum(pk.files_to_receive(blocks) for blocks in plans)
        if not total:
            self._merge_all({})
            return
        data_dir, packages = self.store.data_folder, list(self.packages)

        def job(progress: Callable[[int, int], None]) -> dict[int, str]:
            refused: dict[int, str] = {}
            for n, (package, blocks) in enumerate(zip(packages, plans, strict=True)):
                try:
                    pk.receive_files(data_dir, package, blocks)
                except pk.PackageError as exc:
                    refused[n] = str(exc)
                progress(n + 1, len(packages))
            return refused

        self.ok.setEnabled(False)
        self.task = BackgroundTask(
            self, f"正在核对并存入报送包中的佐证材料（{total}个文件）……", job
        )
        self.task.done.connect(self._merge_all)
        self.task.error.connect(self._failed)
        self.task.start()

    def _failed(self, exc: object) -> None:
        QMessageBox.warning(self, "导入报送包", f"存入佐证材料时出现意外问题，没有导入：{exc}")
        self.reject()

    def _merge_all(self, refused: dict[int, str]) -> None:
        messages = []
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            for n, package in enumerate(self.packages):
                if n in refused:
                    messages.append(f"不能导入：{refused[n]}")
                    continue
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
        self.store.packages.link_unit(str(entry.data(Qt.ItemDataRole.UserRole)), org.org_uuid)
        self.refresh()
