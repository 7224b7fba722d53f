"""导入: a clerk's Excel or CSV file — checked first, corrected if need be, then imported."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kexie_desktop.core.importing.mapping import FIELD_LABELS, KIND_LABELS
from kexie_desktop.core.privacy import mask_in_text
from kexie_desktop.core.store import Store
from kexie_desktop.ui import ask
from kexie_desktop.ui.background import BackgroundTask, run_on_store
from kexie_desktop.ui.sizing import fit_to_screen

if TYPE_CHECKING:
    from kexie_desktop.core.importing.importer import ImportPlan, ImportResult

FILE_FILTER = "Excel 或 CSV 文件 (*.xlsx *.xlsm *.xls *.csv);;所有文件 (*)"
_NOT_IMPORTED = "（不导入）"
IMPORT_FOLDER_KEY = "import/folder"


def import_start_folder(settings: QSettings | None) -> Path:
    """Where 选择文件 opens: the folder of the last imported file (kept in the window
    settings), else a mounted USB stick (clerks bring the units' workbooks on one), else home."""
    from kexie_desktop.core.removable import removable_drives

    last = settings.value(IMPORT_FOLDER_KEY) if settings is not None else None
    if isinstance(last, str) and last and Path(last).is_dir():
        return Path(last)
    drives = removable_drives()
    return drives[0] if drives else Path.home()


class ImportDialog(QDialog):
    def __init__(
        self,
        store: Store,
        parent: QWidget | None = None,
        path: Path | None = None,
        settings: QSettings | None = None,
    ):
        super().__init__(parent)
        self.store = store
        self.settings = settings
        self.path = path
        self.plan: ImportPlan | None = None
        self.import_result: ImportResult | None = None
        self.task: BackgroundTask | None = None
        self.mappings: dict[str, dict[int, str]] = {}
        self.setWindowTitle("导入 Excel / CSV 文件")
        self.setSizeGripEnabled(True)

        self.file_label = QLabel("尚未选择文件")
        self.choose_button = QPushButton("选择文件…")
        self.choose_button.clicked.connect(self.choose_file)
        self.kind_combo = QComboBox()
        self.kind_combo.addItem("自动识别", None)
        for kind, label in KIND_LABELS.items():
            self.kind_combo.addItem(label, kind)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        top = QHBoxLayout()
        top.addWidget(self.file_label, 1)
        top.addWidget(QLabel("记录种类："))
        top.addWidget(self.kind_combo)
        top.addWidget(self.choose_button)

        self.summary = QPlainTextEdit()
        self.summary.setReadOnly(True)
        self.mapping_tabs = QTabWidget()
        self.problems = QTableWidget(0, 4)
        self.problems.setHorizontalHeaderLabels(["工作表", "行", "列", "问题"])
        self.problems.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.problems.verticalHeader().setVisible(False)
        self.problems.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.details = QTabWidget()
        self.details.addTab(self.summary, "检查结果")
        self.details.addTab(self.problems, "问题")
        self.details.addTab(self.mapping_tabs, "各列对应")

        self.skip_invalid = QCheckBox("只导入没有问题的行（有问题的行跳过）")
        self.recheck_button = QPushButton("按修改后的对应关系重新检查")
        self.recheck_button.clicked.connect(self.run_check)
        self.import_button = QPushButton("导入")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.run_import)
        self.close_button = QPushButton("关闭")
        self.close_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.skip_invalid, 1)
        bottom.addWidget(self.recheck_button)
        bottom.addWidget(self.import_button)
        bottom.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.details, 1)
        layout.addLayout(bottom)
        self._update_buttons()
        fit_to_screen(self, 980, 640)
        if path is not None:
            self.file_label.setText(str(path))
            self.run_check()

    # -- choosing and checking ------------------------------------------------------

    def _kind_changed(self) -> None:
        # Column corrections belong to the kind they were made for.
        self.mappings = {}
        self.run_check()

    def choose_file(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "选择要导入的文件", str(import_start_folder(self.settings)), FILE_FILTER
        )
        if not chosen:
            return
        self.path = Path(chosen)
        if self.settings is not None:
            self.settings.setValue(IMPORT_FOLDER_KEY, str(self.path.parent))
        self.mappings = {}
        self.file_label.setText(str(self.path))
        self.run_check()

    def run_check(self) -> None:
        from kexie_desktop.core.importing.importer import check

        if self.path is None:
            return
        path, kind, mappings, store = (
            self.path, self.kind_combo.currentData(), dict(self.mappings), self.store,
        )  # fmt: skip

        self.task = run_on_store(
            self,
            store,
            "正在检查文件……",
            lambda own, progress: check(
                own, path, kind=kind, mappings=mappings or None, progress=progress
            ),
            success=self._checked,
            failure=self._failed,
        )

    def _failed(self, exc: object) -> None:
        from kexie_desktop.core.importing.importer import ImportFailed

        message = str(exc) if isinstance(exc, ImportFailed) else f"意外问题：{exc}"
        message = mask_in_text(message)  # an unexpected error may quote a cell
        self.plan = None
        self.summary.setPlainText(message)
        self._update_buttons()
        QMessageBox.warning(self, "无法读取文件", message)

    def _checked(self, plan: Any) -> None:
        self.plan = plan
        self.summary.setPlainText(plan.report())
        self._fill_problems()
        self._fill_mappings()
        self._update_buttons()

    def _fill_problems(self) -> None:
        assert self.plan is not None
        problems = self.plan.problems
        self.problems.setRowCount(len(problems))
        red = QBrush(QColor("#c0392b"))
        for row, issue in enumerate(problems):
            for column, text in enumerate(
                (issue.sheet, str(issue.row or ""), issue.column, issue.message)
            ):
                item = QTableWidgetItem(text)
                if column == 3:
                    item.setForeground(red)
                self.problems.setItem(row, column, item)
        self.problems.resizeColumnsToContents()
        self.details.setTabText(1, f"问题（{len(problems)}）")
        if problems:
            self.details.setCurrentIndex(1)

    def _fill_mappings(self) -> None:
        assert self.plan is not None
        self.mapping_tabs.clear()
        for sheet in self.plan.sheets:
            if sheet.layout is None:
                continue
            layout = sheet.layout
            fields = FIELD_LABELS[layout.kind]
            table = QTableWidget(len(layout.headers), 2)
            table.setHorizontalHeaderLabels(["文件中的列", "导入为"])
            table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
            table.verticalHeader().setVisible(False)
            for column, header in enumerate(layout.headers):
                item = QTableWidgetItem(header or f"（第{column + 1}列，无表头）")
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                table.setItem(column, 0, item)
                combo = QComboBox()
                combo.addItem(_NOT_IMPORTED, None)
                for name, label in fields.items():
                    combo.addItem(label, name)
                combo.setCurrentIndex(max(combo.findData(layout.mapping.get(column)), 0))
                combo.currentIndexChanged.connect(
                    lambda _i, s=sheet.name, c=column, box=combo: self._remap(s, c, box)
                )
                table.setCellWidget(column, 1, combo)
            self.mapping_tabs.addTab(table, f"{sheet.name}（{KIND_LABELS[layout.kind]}）")

    def _remap(self, sheet: str, column: int, combo: QComboBox) -> None:
        assert self.plan is not None
        if sheet not in self.mappings:
            layout = next(s.layout for s in self.plan.sheets if s.name == sheet)
            assert layout is not None
            self.mappings[sheet] = dict(layout.mapping)
        field = combo.currentData()
        mapping = self.mappings[sheet]
        mapping.pop(column, None)
        if field:
            for other, name in list(mapping.items()):
                if name == field:
                    del mapping[other]  # one column per field
            mapping[column] = field
        self.import_button.setEnabled(False)
        self.import_button.setToolTip("对应关系改过了，请先重新检查")

    def _update_buttons(self) -> None:
        has_plan = self.plan is not None
        counts = self.plan.counts() if self.plan else None
        writable = bool(counts and (counts["add"] or counts["update"]))
        self.import_button.setEnabled(has_plan and writable)
        self.import_button.setToolTip("" if writable else "没有可以导入的行")
        self.recheck_button.setEnabled(has_plan)

    # -- importing --------------------------------------------------------------------

    def run_import(self) -> None:
        from kexie_desktop.core.importing.importer import apply

        if self.plan is None:
            return
        problems = self.plan.problems
        skip = self.skip_invalid.isChecked()
        if problems and not skip:
            QMessageBox.warning(
                self,
                "有问题，未导入",
                f"文件中有{len(problems)}处问题（见“问题”页）。请在 Excel 中改正后重新选择文件，"
                "或勾选“只导入没有问题的行”。",
            )
            return
        unmapped = self.plan.unmapped_with_data
        # As the command line refuses without --ignore-unmapped: a column of figures the
        # program did not recognise is never dropped without the clerk saying so.
        if unmapped and not ask.confirm(
            self,
            "有未认出的列",
            f"{'、'.join(unmapped)}有数据，但程序没有认出是哪一项，这些数据不会导入。\n\n"
            "可以在“各列对应”页指定它们对应哪一项后重新检查。仍然只导入认出的各列吗？",
        ):
            return
        plan = self.plan
        self.task = run_on_store(
            self,
            self.store,
            "正在导入……",
            lambda own, progress: apply(own, plan, skip_invalid=skip, progress=progress),
            success=self._imported,
            failure=self._failed,
        )

    def _imported(self, result: Any) -> None:
        self.import_result = result
        QMessageBox.information(self, "导入完成", result.summary())
        self.accept()
