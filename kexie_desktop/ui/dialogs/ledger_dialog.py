"""导出 → 台账: the year's ledgers as one Excel workbook."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from kexie_desktop.core.store import Store
from kexie_desktop.ui.background import BackgroundTask
from kexie_desktop.ui.exporting import export_to

if TYPE_CHECKING:
    pass


class LedgerDialog(QDialog):
    def __init__(self, store: Store, year: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.year = year
        self.task: BackgroundTask | None = None
        self.setWindowTitle(f"导出{year}年台账")
        counts = {
            "activities": store.ledger.count("activities", year),
            "people": store.ledger.count("people"),
            "awards": store.ledger.count("awards", year),
            "units": store.ledger.count("units"),
        }
        text = QLabel(
            f"将导出一个 Excel 工作簿，含四张表：<br>"
            f"活动台账（{year}年，{counts['activities']}项）、人员花名册（{counts['people']}人）、"
            f"获奖情况（{year}年，{counts['awards']}项）、基层组织（{counts['units']}个）。"
            "<br>各表按 A4 横向排版，打印时每页重复表头。"
        )
        text.setWordWrap(True)
        self.full_ids = QCheckBox("身份证号和电话写完整（默认部分隐藏，如 430102********1234）")
        subordinates = store.packages.active_orgs(year)
        self.subordinates_box = QCheckBox(
            f"包括下级组织报送的记录（{len(subordinates)}个组织，另列两张表，注明报送组织）"
        )
        self.subordinates_box.setVisible(bool(subordinates))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("导出…")
        buttons.accepted.connect(self.export)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.full_ids)
        layout.addWidget(self.subordinates_box)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def export(self) -> None:
        from kexie_desktop.core.export import export_ledger, suggested_filename

        year, full = self.year, self.full_ids.isChecked()
        subs = self.subordinates_box.isChecked()
        self.task = export_to(
            self,
            self.store,
            title="导出台账",
            filename=suggested_filename(self.store, year, "ledger"),
            file_filter="Excel 工作簿 (*.xlsx)",
            label="正在写出台账……",
            op=lambda own, target, progress: export_ledger(
                own, year, target, full_ids=full, with_subordinates=subs, progress=progress
            ),
            on_done=lambda _r: self.accept(),
        )
