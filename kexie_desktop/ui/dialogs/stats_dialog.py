"""导出 → 统计年报数据: the statistics tables' figures, the clerk's typed ones, the checks.

Every table is a tab of indicator rows. Computed figures are read-only with their note; typed
ones are edited in place and kept for the year as soon as they are whole numbers (a cell that is
not stays as typed, shown in red, and blocks the export). Hard-check failures are listed; each
soft check gets a one-line explanation field, kept for the year. The export itself runs in the
background, like the other exports, after the same checks as on the command line.

「包括下级组织报送的数据」 (shown only when the year has subordinates' data, unticked by default,
like the summary's and ledger's option; `export stats --with-subordinates` on the command line)
computes every figure over the own records and the subordinates' held for the year
(package.subordinates_included); the typed figures and explanations are the year's either way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QCloseEvent, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kexie_desktop.core import stats
from kexie_desktop.core.package import subordinates_included
from kexie_desktop.core.store import Store
from kexie_desktop.core.validation import ValidationError
from kexie_desktop.ui.background import BackgroundTask
from kexie_desktop.ui.exporting import export_to

if TYPE_CHECKING:
    from pathlib import Path

    from kexie_desktop.core.export import ExportResult
    from kexie_desktop.ui.background import Progress

VALUE_COLUMN = 2
TYPED_COLOUR = QColor("#fff8d6")  # the cells the clerk fills
ERROR_COLOUR = QColor("#f8d0d0")
HEADERS = ("指标名称", "计量单位", "本期数值", "上年数值", "来源", "计算说明")


class StatsDialog(QDialog):
    def __init__(self, store: Store, year: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.year = year
        self.task: BackgroundTask | None = None
        self.setWindowTitle(f"{year}年统计年报数据")
        self.setSizeGripEnabled(True)
        self.report: stats.Report | None = None
        self.explanations = store.typed_stats.explanations(year)
        self.explain_edits: dict[str, QLineEdit] = {}
        self.value_items: dict[str, QTableWidgetItem] = {}
        self._filling = False

        intro = QLabel(
            "按中国科协综合统计报表的表号和指标整理本年数值，供对照录入统计平台；"
            "导出的工作簿不是正式报表文件。黄色格子由您填写（没有的填 0），其余由程序从记录统计。"
        )
        intro.setWordWrap(True)
        self.period_combo = QComboBox()
        for key, text in stats.PERIODS.items():
            self.period_combo.addItem(text, key)
        self.period_combo.setCurrentIndex(self.period_combo.findData(stats.period(store)))
        self.period_combo.currentIndexChanged.connect(self._period_changed)
        self.threshold_spin = QSpinBox()
        self.threshold_spin.setRange(1, 1000)
        self.threshold_spin.setSuffix(" %")
        self.threshold_spin.setValue(stats.threshold(store))
        self.threshold_spin.valueChanged.connect(self._threshold_changed)
        settings = QHBoxLayout()
        settings.addWidget(QLabel("统计期间："))
        settings.addWidget(self.period_combo)
        settings.addSpacing(16)
        settings.addWidget(QLabel("与上年相比变化超过"))
        settings.addWidget(self.threshold_spin)
        settings.addWidget(QLabel("须写明原因"))
        settings.addStretch(1)
        subordinates = store.packages.active_orgs(year)
        self.subordinates_box = QCheckBox(f"包括已导入的{len(subordinates)}个下级组织报送的数据")
        self.subordinates_box.setToolTip(
            "勾选后，各项计算数值为本组织与下级组织记录的合计"
            "（与命令行 --with-subordinates 相同）；填写的数值和说明不变。"
        )
        self.subordinates_box.setVisible(bool(subordinates))
        self.subordinates_box.toggled.connect(self._subordinates_changed)
        settings.addWidget(self.subordinates_box)

        self.tabs = QTabWidget()
        self.tables: dict[str, QTableWidget] = {}
        for code, name in stats.TABLES:
            table = QTableWidget(0, len(HEADERS))
            table.setHorizontalHeaderLabels(list(HEADERS))
            table.verticalHeader().hide()
            header = table.horizontalHeader()
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
            table.itemChanged.connect(self._value_edited)
            self.tables[code] = table
            self.tabs.addTab(table, f"{code} {name}")

        self.hard_label = QLabel()
        self.hard_label.setObjectName("formError")
        self.hard_label.setWordWrap(True)
        self.soft_box = QWidget()
        self.soft_form = QFormLayout(self.soft_box)
        soft_scroll = QScrollArea()
        soft_scroll.setWidgetResizable(True)
        soft_scroll.setWidget(self.soft_box)
        soft_scroll.setMaximumHeight(150)
        self.soft_title = QLabel()
        self.soft_title.setWordWrap(True)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Close
        )
        self.export_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.export_button.setText("导出…")
        self.buttons.accepted.connect(self.export)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(settings)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.hard_label)
        layout.addWidget(self.soft_title)
        layout.addWidget(soft_scroll)
        layout.addWidget(self.buttons)

        self._recompute_timer = QTimer(self)
        self._recompute_timer.setSingleShot(True)
        self._recompute_timer.setInterval(300)
        self._recompute_timer.timeout.connect(self.recompute)
        self._fill_tables()
        self.recompute()
        available = self.screen().availableSize()
        self.resize(
            min(1100, int(available.width() * 0.9)), min(720, int(available.height() * 0.9))
        )

    # -- the tables ----------------------------------------------------------------------

    @property
    def with_subordinates(self) -> bool:
        return self.subordinates_box.isChecked()

    @contextlib.contextmanager
    def _scope(self) -> Iterator[None]:
        """The records the figures are computed over: the own, or with the subordinates'."""
        if self.with_subordinates:
            with subordinates_included(self.store, self.year):
                yield
        else:
            yield

    def _fill_tables(self) -> None:
        with self._scope():
            report = stats.compute(self.store, self.year)
        self.report = report
        self._filling = True
        for code, _name, figures in report.tables():
            table = self.tables[code]
            table.setRowCount(len(figures))
            for row, figure in enumerate(figures):
                cells = [
                    figure.indicator.name,
                    figure.indicator.unit,
                    figure.text if figure.typed else str(figure.value),
                    "" if figure.previous is None else str(figure.previous),
                    "填写" if figure.typed else "计算",
                    figure.indicator.hint if figure.typed else figure.note,
                ]
                for column, text in enumerate(cells):
                    item = QTableWidgetItem(text)
                    flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                    if column == VALUE_COLUMN and figure.typed:
                        flags |= Qt.ItemFlag.ItemIsEditable
                        item.setBackground(QBrush(TYPED_COLOUR))
                        item.setData(Qt.ItemDataRole.UserRole, figure.indicator.key)
                        item.setToolTip(figure.indicator.hint)
                    if column in (VALUE_COLUMN, 3):
                        item.setTextAlignment(
                            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                        )
                    item.setFlags(flags)
                    table.setItem(row, column, item)
                    if column == VALUE_COLUMN:
                        self.value_items[figure.indicator.key] = item
        self._filling = False

    def typed_texts(self) -> dict[str, str]:
        return {
            key: item.text()
            for key, item in self.value_items.items()
            if stats.BY_KEY[key].source is None
        }

    def _value_edited(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        key = item.data(Qt.ItemDataRole.UserRole)
        if not key:
            return
        parsed = stats.parse_typed(item.text())
        if isinstance(parsed, int) or parsed == "":
            # Kept for the year as soon as it is a whole number (or cleared).
            self.store.typed_stats.save_values(
                self.year, {key: parsed if isinstance(parsed, int) else None}
            )
        self._recompute_timer.start()

    def _period_changed(self) -> None:
        self.store.settings.set(stats.PERIOD_KEY, str(self.period_combo.currentData()))
        self._refresh_computed()  # a report of another period is not reused

    def _threshold_changed(self, value: int) -> None:
        self.store.settings.set(stats.THRESHOLD_KEY, str(value))
        self._recompute_timer.start()

    def _subordinates_changed(self) -> None:
        self.report = None  # computed over other records: nothing to reuse
        self._refresh_computed()

    def _refresh_computed(self) -> None:
        self.recompute()
        assert self.report is not None
        self._filling = True
        for code, _name, figures in self.report.tables():
            table = self.tables[code]
            for row, figure in enumerate(figures):
                cells = [table.item(row, column) for column in range(len(HEADERS))]
                value, previous, note = cells[VALUE_COLUMN], cells[3], cells[5]
                assert value is not None and previous is not None and note is not None
                if not figure.typed:
                    value.setText(str(figure.value))
                    note.setText(figure.note)
                previous.setText("" if figure.previous is None else str(figure.previous))
        self._filling = False

    # -- the checks ----------------------------------------------------------------------

    def _explanation_texts(self) -> dict[str, str]:
        texts = dict(self.explanations)
        texts.update({key: edit.text() for key, edit in self.explain_edits.items()})
        return texts

    def recompute(self) -> None:
        self._recompute_timer.stop()
        self.explanations = self._explanation_texts()
        # The computed figures change only with the period (the records cannot change while
        # this modal window is open): a typed figure only re-runs the checks.
        with self._scope():
            report = stats.compute(
                self.store,
                self.year,
                typed=dict(self.typed_texts()),
                explanations=self.explanations,
                reuse=self.report,
            )
        self.report = report
        self._filling = True
        for key, item in self.value_items.items():
            indicator = stats.BY_KEY[key]
            if indicator.source is None:
                colour = ERROR_COLOUR if key in report.failing else TYPED_COLOUR
                item.setBackground(QBrush(colour))
        self._filling = False
        if report.hard:
            self.hard_label.setText(
                "以下问题须先处理，才能导出：\n" + "\n".join(f"· {p}" for p in report.hard)
            )
        self.hard_label.setVisible(bool(report.hard))
        self._rebuild_soft(report)

    def _rebuild_soft(self, report: stats.Report) -> None:
        while self.soft_form.rowCount():
            self.soft_form.removeRow(0)
        self.explain_edits = {}
        for check in report.soft:
            edit = QLineEdit(self.explanations.get(check.key, ""))
            edit.setPlaceholderText("一句话说明原因，如：新成立企业科协3个")
            edit.setMaxLength(200)
            edit.editingFinished.connect(
                lambda key=check.key, e=edit: self._save_explanation(key, e)
            )
            edit.textChanged.connect(lambda _t: self._update_soft_title())
            label = QLabel(check.message)
            label.setWordWrap(True)
            self.soft_form.addRow(label, edit)
            self.explain_edits[check.key] = edit
        self._update_soft_title()

    def _update_soft_title(self) -> None:
        assert self.report is not None
        missing = [k for k, e in self.explain_edits.items() if not e.text().strip()]
        if not self.report.soft:
            self.soft_title.setText(
                f"各项数值与上年相比变化均未超过{self.report.threshold}%，无须说明。"
            )
        else:
            left = f"，还有{len(missing)}项未写" if missing else ""
            self.soft_title.setText(
                f"以下数值与上年相比变化超过{self.report.threshold}%，请各写一句说明"
                f"（写入工作簿的“报表说明”表）{left}："
            )

    def _save_explanation(self, key: str, edit: QLineEdit) -> bool:
        self.explanations[key] = edit.text()
        try:
            self.store.typed_stats.save_explanations(self.year, {key: edit.text()})
        except ValidationError as exc:
            QMessageBox.warning(self, "说明无法保存", str(exc.errors.get("text", exc)))
            return False
        return True

    def done(self, result: int) -> None:
        # A recomputation still pending would only query for a closed window.
        self._recompute_timer.stop()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._recompute_timer.stop()
        super().closeEvent(event)

    # -- export --------------------------------------------------------------------------

    def export(self) -> None:
        from kexie_desktop.core.export import suggested_filename

        if not all([self._save_explanation(k, e) for k, e in self.explain_edits.items()]):
            return
        self.recompute()
        assert self.report is not None
        problems = self.report.problems(command_line=False)
        if problems:
            QMessageBox.warning(
                self,
                "还不能导出",
                "统计数据未通过检查，请先处理：\n" + "\n".join(f"· {p}" for p in problems),
            )
            return
        year, subs = self.year, self.with_subordinates
        self.task = export_to(
            self,
            self.store,
            title="导出统计年报数据",
            filename=suggested_filename(self.store, year, "stats"),
            file_filter="Excel 工作簿 (*.xlsx)",
            label="正在写出统计年报数据……",
            op=lambda own, target, progress: _export_stats(own, year, target, subs, progress),
            on_done=lambda _r: self.accept(),
        )


def _export_stats(
    store: Store, year: int, target: Path, with_subordinates: bool, progress: Progress
) -> ExportResult:
    """The export on its own connection; with the subordinates' records counted in when the
    clerk chose so (subordinates_included)."""
    from kexie_desktop.core.export import export_stats

    scope = subordinates_included(store, year) if with_subordinates else contextlib.nullcontext()
    with scope:
        return export_stats(store, year, target, progress=progress)
