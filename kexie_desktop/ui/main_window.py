"""The main window: a tab per kind of record, a year selector, menus and the status line.

What the window needs only once the data is open is imported there, not at the top: the frame
must be on screen as fast as an empty Qt window (even `Qt`'s enums take 40 ms to build).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QSettings
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kexie_desktop import APP_NAME, __version__

if TYPE_CHECKING:
    from kexie_desktop.core.store import Store
    from kexie_desktop.ui.tabs.activities_tab import ActivitiesTab
    from kexie_desktop.ui.tabs.awards_tab import AwardsTab
    from kexie_desktop.ui.tabs.people_tab import PeopleTab
    from kexie_desktop.ui.tabs.record_tab import RecordTab
    from kexie_desktop.ui.tabs.units_tab import UnitsTab

ALL_YEARS = 0


class _Done:
    """A finished background job's message for the clerk (run_export shows summary())."""

    def __init__(self, text: str):
        self.text = text

    def summary(self) -> str:
        return self.text


TAB_TITLES = ("活动", "人员", "奖项", "基层组织")
_WINDOW_FILE = "window.ini"


class MainWindow(QMainWindow):
    """Built in two steps so the window is on screen as soon as Qt is: the frame first, then,
    once the database is open, attach() fills the tabs (at once when a store is given)."""

    def __init__(self, store: Store | None, data_dir: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.data_dir = data_dir
        # Window state lives beside the database, so tests and several data folders never mix.
        self.window_settings = QSettings(str(data_dir / _WINDOW_FILE), QSettings.Format.IniFormat)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self._pages: list[QWidget] = []
        for title in TAB_TITLES:
            page = QWidget()
            QVBoxLayout(page).setContentsMargins(0, 0, 0, 0)
            self._pages.append(page)
            self.tabs.addTab(page, title)
        self.setCentralWidget(self.tabs)

        self.year_combo = QComboBox()
        self.year_combo.setMinimumContentsLength(8)
        self.year_combo.setToolTip("活动和奖项按所选年度显示")
        self._build_actions()
        self._build_toolbar()
        self._build_menus()
        self.status_label = QLabel("正在打开数据……")
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(QLabel(f"数据文件夹：{data_dir}"))
        self.setWindowTitle(APP_NAME)
        self._restore_window()
        self._record_actions = (
            self.new_action, self.edit_action, self.delete_action, self.find_action,
            self.profile_action, self.demo_action, self.private_action,
            self.summary_action, self.ledger_action, self.stats_action, self.evidence_action,
            self.import_action,
            self.import_history_action, self.template_action, self.backup_action,
            self.restore_action, self.recycle_action, self.audit_action,
            self.package_action, self.import_package_action, self.submissions_action,
        )  # fmt: skip
        self.undo_action.setEnabled(False)
        # This session's edits and deletions, newest last: what Ctrl+Z takes back.
        self._undo_stack: list[tuple[str, Callable[[], object]]] = []
        for action in self._record_actions:
            action.setEnabled(False)
        if store is not None:
            self.attach(store)

    def attach(self, store: Store) -> None:
        """Fill the window from the opened store."""
        from kexie_desktop.ui.tabs.activities_tab import ActivitiesTab
        from kexie_desktop.ui.tabs.awards_tab import AwardsTab
        from kexie_desktop.ui.tabs.people_tab import PeopleTab
        from kexie_desktop.ui.tabs.units_tab import UnitsTab

        self.store = store
        self.activities_tab: ActivitiesTab = ActivitiesTab(store)
        self.people_tab: PeopleTab = PeopleTab(store)
        self.awards_tab: AwardsTab = AwardsTab(store)
        self.units_tab: UnitsTab = UnitsTab(store)
        for page, tab in zip(self._pages, self.record_tabs(), strict=True):
            page_layout = page.layout()
            assert page_layout is not None
            page_layout.addWidget(tab)
            tab.records_changed.connect(self._records_changed)
            tab.status_changed.connect(self._tab_status_changed)
            tab.year_wanted.connect(self.show_year)
            tab.saved.connect(self._remember_save)
            tab.deleted.connect(self._remember_delete)
        self.tabs.currentChanged.connect(lambda _i: self._show_status())
        self._install_shortcuts()
        for action in self._record_actions:
            action.setEnabled(True)
        self.refresh_years(select=self._default_year())
        self.year_combo.currentIndexChanged.connect(self._year_changed)
        self._year_changed()
        self.update_title()

    # -- building ------------------------------------------------------------------------

    def _build_actions(self) -> None:
        self.new_action = QAction("新增(&N)", self)
        self.new_action.triggered.connect(lambda: self.current_tab().new_record())
        self.edit_action = QAction("修改(&E)", self)
        self.edit_action.triggered.connect(lambda: self.current_tab().edit_current())
        self.delete_action = QAction("删除(&D)", self)
        self.delete_action.triggered.connect(lambda: self.current_tab().delete_selected())
        self.undo_action = QAction("撤销(&U)", self)
        self.undo_action.triggered.connect(self.undo_last)
        self.recycle_action = QAction("回收站(&R)…", self)
        self.recycle_action.triggered.connect(self.open_recycle_bin)
        self.audit_action = QAction("操作记录(&L)…", self)
        self.audit_action.triggered.connect(self.open_audit_log)
        self.find_action = QAction("查找(&F)", self)
        self.find_action.triggered.connect(lambda: self.current_tab().focus_search())
        self.profile_action = QAction("组织信息(&O)…", self)
        self.profile_action.triggered.connect(self.edit_profile)
        self.import_action = QAction("导入 Excel/CSV 文件(&I)…", self)
        self.import_action.triggered.connect(self.open_import)
        self.import_history_action = QAction("导入记录与撤销(&U)…", self)
        self.import_history_action.triggered.connect(self.open_import_history)
        self.template_action = QAction("保存空白导入模板(&T)…", self)
        self.template_action.triggered.connect(self.save_template)
        self.backup_action = QAction("备份数据(&B)…", self)
        self.backup_action.triggered.connect(self.backup_to)
        self.restore_action = QAction("从备份恢复(&R)…", self)
        self.restore_action.triggered.connect(self.restore_from)
        self.demo_action = QAction("载入演示数据(&D)…", self)
        self.demo_action.triggered.connect(self.offer_demo)
        self.quit_action = QAction("退出(&X)", self)
        self.quit_action.triggered.connect(self.close)
        self.private_action = QAction("显示完整身份证号和电话(&P)", self)
        self.private_action.setCheckable(True)
        self.private_action.toggled.connect(self._toggle_private)
        self.summary_action = QAction("年度工作总结(&S)…", self)
        self.summary_action.triggered.connect(self.open_summary)
        self.ledger_action = QAction("台账(&L)…", self)
        self.ledger_action.triggered.connect(self.open_ledger)
        self.package_action = QAction("报送包(&P)…", self)
        self.package_action.triggered.connect(self.open_package_export)
        self.import_package_action = QAction("导入报送包(&K)…", self)
        self.import_package_action.triggered.connect(self.open_package_import)
        self.submissions_action = QAction("报送情况(&S)…", self)
        self.submissions_action.triggered.connect(self.open_submissions)
        self.stats_action = QAction("统计年报数据(&T)…", self)
        self.stats_action.triggered.connect(self.open_stats)
        self.evidence_action = QAction("图文台账(&E)…", self)
        self.evidence_action.triggered.connect(self.export_evidence)
        self.about_action = QAction(f"关于{APP_NAME}(&A)", self)
        self.about_action.triggered.connect(self.show_about)

    def _install_shortcuts(self) -> None:
        # Not in _build_actions(): key sequences build Qt's key enums, which would hold up
        # the first showing of the window; the actions are disabled until attach() anyway.
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))

    def _build_toolbar(self) -> None:
        toolbar = self.addToolBar("工具栏")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.addWidget(QLabel(" 年度："))
        toolbar.addWidget(self.year_combo)
        toolbar.addSeparator()
        toolbar.addAction(self.new_action)
        toolbar.addAction(self.edit_action)
        toolbar.addAction(self.delete_action)
        toolbar.addSeparator()
        toolbar.addAction(self.find_action)
        toolbar.addSeparator()
        # Short words on the tool bar; the menus keep the full names.
        self.import_action.setIconText("导入…")
        self.summary_action.setIconText("年度总结…")
        self.ledger_action.setIconText("台账…")
        toolbar.addAction(self.import_action)
        toolbar.addAction(self.summary_action)
        toolbar.addAction(self.ledger_action)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("文件(&F)")
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.import_history_action)
        file_menu.addAction(self.template_action)
        file_menu.addSeparator()
        file_menu.addAction(self.import_package_action)
        file_menu.addAction(self.submissions_action)
        file_menu.addSeparator()
        file_menu.addAction(self.backup_action)
        file_menu.addAction(self.restore_action)
        file_menu.addSeparator()
        file_menu.addAction(self.demo_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu("编辑(&E)")
        edit_menu.addAction(self.undo_action)
        edit_menu.addSeparator()
        for action in (self.new_action, self.edit_action, self.delete_action, self.find_action):
            edit_menu.addAction(action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.recycle_action)
        export_menu = bar.addMenu("导出(&X)")
        export_menu.addAction(self.summary_action)
        export_menu.addAction(self.ledger_action)
        export_menu.addAction(self.stats_action)
        export_menu.addAction(self.evidence_action)
        export_menu.addSeparator()
        export_menu.addAction(self.package_action)
        view_menu = bar.addMenu("查看(&V)")
        view_menu.addAction(self.private_action)
        view_menu.addAction(self.audit_action)
        settings_menu = bar.addMenu("设置(&S)")
        settings_menu.addAction(self.profile_action)
        help_menu = bar.addMenu("帮助(&H)")
        help_menu.addAction(self.about_action)

    # -- tabs and years ------------------------------------------------------------------

    def record_tabs(self) -> list[RecordTab]:
        return [self.activities_tab, self.people_tab, self.awards_tab, self.units_tab]

    def show_tab(self, tab: RecordTab) -> None:
        self.tabs.setCurrentIndex(self.record_tabs().index(tab))

    def current_tab(self) -> RecordTab:
        return self.record_tabs()[self.tabs.currentIndex()]

    def _default_year(self) -> int:
        this_year = dt.date.today().year
        years = self.store.years()
        if not years or this_year in years:
            return this_year
        # A clerk opening the program in January still works on last year's records.
        return years[0]

    def refresh_years(self, select: int | None = None) -> None:
        current = select if select is not None else self.selected_year()
        years = set(self.store.years()) | {dt.date.today().year}
        if current:
            years.add(current)
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        for year in sorted(years, reverse=True):
            self.year_combo.addItem(f"{year}年", year)
        self.year_combo.addItem("全部年度", ALL_YEARS)
        index = self.year_combo.findData(current if current is not None else ALL_YEARS)
        self.year_combo.setCurrentIndex(max(index, 0))
        self.year_combo.blockSignals(False)

    def show_year(self, year: int) -> None:
        self.refresh_years(select=year)
        self._year_changed()
        self.statusBar().showMessage(f"已切换到{year}年，以显示刚保存的记录。", 8000)

    def selected_year(self) -> int | None:
        year = self.year_combo.currentData()
        return None if not year else int(year)

    def _year_changed(self) -> None:
        year = self.selected_year()
        self.activities_tab.set_year(year)
        self.awards_tab.set_year(year)
        self._show_status()

    def _records_changed(self) -> None:
        # A new unit shows in the people tab's unit column, a deleted person in awards, etc.
        sender = self.sender()
        for tab in self.record_tabs():
            if tab is not sender:
                tab.mark_stale()
        self.refresh_years()
        self._year_changed()

    def _tab_status_changed(self, _text: str) -> None:
        self._show_status()

    def _show_status(self) -> None:
        tab = self.current_tab()
        tab.ensure_loaded()
        text = tab.status_text()
        if tab.model.listing.year_key and self.selected_year():
            text += f"　（{self.selected_year()}年）"
        self.status_label.setText(text)

    def _toggle_private(self, full: bool) -> None:
        for tab in self.record_tabs():
            tab.model.set_show_full_private(full)

    # -- settings, demo, about -----------------------------------------------------------

    def update_title(self) -> None:
        org = self.store.profile().org_name
        self.setWindowTitle(f"{org} — {APP_NAME}" if org else APP_NAME)

    def edit_profile(self) -> bool:
        from kexie_desktop.ui.dialogs.profile_dialog import ProfileDialog

        dialog = ProfileDialog(self.store, parent=self)
        accepted = bool(dialog.exec())
        self.update_title()
        return accepted

    def first_start(self) -> None:
        """Ask for the organisation profile and offer the demo data (first start only)."""
        from kexie_desktop.ui.dialogs.profile_dialog import ProfileDialog

        dialog = ProfileDialog(self.store, first_run=True, parent=self)
        if dialog.exec():
            self.update_title()
            if dialog.wants_demo:
                self.load_demo_data()

    def offer_demo(self) -> None:
        answer = QMessageBox.question(
            self,
            "载入演示数据",
            "演示数据是虚构的一年记录（基层组织、人员、活动和奖项），会加入到当前数据中，"
            "便于熟悉程序。\n\n确定载入吗？",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.load_demo_data()

    def load_demo_data(self) -> None:
        from PySide6.QtCore import Qt

        from kexie_desktop.core.demo import load_demo
        from kexie_desktop.core.store import StoreError

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            result = load_demo(self.store)
        except StoreError as exc:
            QApplication.restoreOverrideCursor()
            QMessageBox.warning(self, "无法载入演示数据", str(exc))
            return
        QApplication.restoreOverrideCursor()
        self.update_title()
        for tab in self.record_tabs():
            tab.mark_stale()
        self.refresh_years(select=result.year)
        self._year_changed()
        self.statusBar().showMessage(result.summary(), 10_000)

    def export_evidence(self) -> None:
        """导出 → 图文台账: the year's activity forms with their photos, in the background."""
        from kexie_desktop.core.evidence_export import (
            EvidenceResult,
            export_evidence,
            suggested_filename,
        )
        from kexie_desktop.ui.exporting import ask_target, run_export

        year = self.export_year()
        target = ask_target(
            self, self.store, f"导出{year}年图文台账", suggested_filename(self.store, year),
            "Word 文档 (*.docx)",
        )  # fmt: skip
        if target is None:
            return
        store = self.store

        def job(progress: Callable[[int, int], None]) -> object:
            reader = store.reopen()
            try:
                return export_evidence(reader, year, target, progress=progress)
            finally:
                reader.close()

        def told(result: object) -> None:
            warnings: list[str] = result.warnings() if isinstance(result, EvidenceResult) else []
            if warnings:
                QMessageBox.warning(self, "有附件文件缺失或已改变", "\n".join(warnings))

        self._task = run_export(self, f"正在导出{year}年图文台账……", job, told)

    def export_year(self) -> int:
        """The year to export: the one selected, or under 全部年度 the newest with records."""
        year = self.selected_year()
        if year:
            return year
        years = self.store.years()
        return years[0] if years else dt.date.today().year

    def _reload_all(self) -> None:
        for tab in self.record_tabs():
            tab.mark_stale()
        self.refresh_years()
        self._year_changed()

    def open_import(self) -> None:
        from kexie_desktop.ui.dialogs.import_dialog import ImportDialog

        dialog = ImportDialog(self.store, self)
        dialog.choose_file()
        if dialog.path is None:
            return
        dialog.exec()
        if dialog.import_result is not None:
            self._reload_all()
            self.statusBar().showMessage(dialog.import_result.summary(), 15_000)

    def open_import_history(self) -> None:
        from kexie_desktop.ui.dialogs.import_history_dialog import ImportHistoryDialog

        dialog = ImportHistoryDialog(self.store, self)
        dialog.exec()
        if dialog.undone:
            self._reload_all()

    def backup_to(self) -> None:
        """A checked copy of the data where the clerk says (a USB stick, when one is in)."""
        from kexie_desktop.core.backup import copy_database
        from kexie_desktop.ui.exporting import ask_target, run_export

        name = f"科协工作台备份{dt.date.today().isoformat()}.db"
        target = ask_target(self, self.store, "备份数据", name, "备份文件 (*.db)")
        if target is None:
            return
        store = self.store

        def job(_progress: object) -> object:
            reader = store.reopen()
            from kexie_desktop.core.attachments import backup_files
            from kexie_desktop.core.safe_write import ExportError, explain_os_error

            try:
                info = copy_database(reader.conn, target)
                try:
                    files = backup_files(reader, target)
                except OSError as exc:
                    raise ExportError(
                        f"附件文件没有备份完：{explain_os_error(exc, target)}"
                    ) from exc
            finally:
                reader.close()
            return _Done(
                f"已备份到：{info.path}，文件已检查完整。\n{info.describe()}\n"
                f"{files.describe()}附件在备份旁的 attachments 文件夹中，请一并保存。"
            )

        self._task = run_export(
            self, "正在备份……", job, done_title="备份完成", failed_title="备份没有完成"
        )

    def restore_from(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        from kexie_desktop.core.backup import BackupError, inspect_backup
        from kexie_desktop.core.store import StoreError
        from kexie_desktop.ui.exporting import default_folder

        chosen, _ = QFileDialog.getOpenFileName(
            self, "选择备份文件", str(default_folder(self.store)), "备份文件 (*.db);;所有文件 (*)"
        )
        if not chosen:
            return
        try:
            info = inspect_backup(Path(chosen))
        except BackupError as exc:
            QMessageBox.warning(self, "不能使用这个备份", str(exc))
            return
        answer = QMessageBox.question(
            self,
            "从备份恢复",
            f"{info.describe()}\n\n用这个备份替换现在的全部数据吗？"
            "恢复前会先把现在的数据另存一份，需要时可以再恢复回来。",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        from kexie_desktop.core.attachments import files_for_restore

        try:
            assert self.store.path is not None
            files = files_for_restore(Path(chosen), self.store.path.parent)
            safety, described = self.store.restore(Path(chosen))
        except (BackupError, StoreError) as exc:
            QMessageBox.warning(self, "恢复没有完成", f"{exc}\n\n现在的数据没有改动。")
            return
        self.update_title()
        self._reload_all()
        missing = (
            f"\n\n注意：备份中有{len(files.problems)}个附件文件找不到或已损坏（备份旁应有 "
            "attachments 文件夹），这些附件会显示为缺失。"
            if files.problems else ""
        )  # fmt: skip
        QMessageBox.information(
            self, "已恢复", f"已恢复：{described}\n\n恢复前的数据已另存为：{safety}{missing}"
        )

    # -- undo, 回收站, change log ------------------------------------------------------

    def _push_undo(self, text: str, action: Callable[[], object]) -> None:
        self._undo_stack.append((text, action))
        self.undo_action.setEnabled(True)
        self.undo_action.setText(f"撤销“{text}”(&U)")

    def _remember_save(self, before: object, saved: object) -> None:
        from kexie_desktop.core.records import Record

        assert isinstance(saved, Record) and saved.id is not None
        label = str(getattr(saved, "name", "") or getattr(saved, "title", ""))
        if isinstance(before, Record):
            self._push_undo(f"修改“{label}”", lambda: self.store.save(before))
        else:
            record_type, record_id = type(saved), saved.id
            self._push_undo(f"新增“{label}”", lambda: self.store.delete(record_type, [record_id]))

    def _remember_delete(self, entries: list[int], text: str) -> None:
        self._push_undo(text, lambda: self.store.restore_deleted(entries))

    def undo_last(self) -> None:
        from kexie_desktop.core.store import StoreError
        from kexie_desktop.core.validation import ValidationError

        if not self._undo_stack:
            return
        text, action = self._undo_stack.pop()
        try:
            action()
        except (StoreError, ValidationError) as exc:
            QMessageBox.warning(self, "无法撤销", f"无法撤销“{text}”：{exc}")
        else:
            self.statusBar().showMessage(f"已撤销：{text}", 8000)
        self._reload_all()
        if self._undo_stack:
            self.undo_action.setText(f"撤销“{self._undo_stack[-1][0]}”(&U)")
        else:
            self.undo_action.setText("撤销(&U)")
            self.undo_action.setEnabled(False)

    def open_recycle_bin(self) -> None:
        from kexie_desktop.ui.dialogs.recycle_bin_dialog import RecycleBinDialog

        dialog = RecycleBinDialog(self.store, self)
        dialog.exec()
        if dialog.changed:
            self._reload_all()

    def open_audit_log(self) -> None:
        from kexie_desktop.ui.dialogs.audit_log_dialog import AuditLogDialog

        AuditLogDialog(self.store, self).exec()

    def save_template(self) -> None:
        from kexie_desktop.core.importing.template import write_template
        from kexie_desktop.core.safe_write import ExportError, write_safely
        from kexie_desktop.ui.exporting import ask_target

        target = ask_target(
            self, self.store, "保存空白导入模板", "科协工作台导入模板.xlsx", "Excel 工作簿 (*.xlsx)"
        )
        if target is None:
            return
        try:
            write_safely(target, write_template)
        except ExportError as exc:
            QMessageBox.warning(self, "无法保存模板", str(exc))
            return
        QMessageBox.information(
            self, "模板已保存", f"已保存：{target}\n\n按模板中的示例行填写后，用“导入”即可导入。"
        )

    def open_summary(self) -> None:
        from kexie_desktop.ui.dialogs.summary_dialog import SummaryDialog

        SummaryDialog(self.store, self.export_year(), self).exec()

    def open_ledger(self) -> None:
        from kexie_desktop.ui.dialogs.ledger_dialog import LedgerDialog

        LedgerDialog(self.store, self.export_year(), self).exec()

    def open_stats(self) -> None:
        from kexie_desktop.ui.dialogs.stats_dialog import StatsDialog

        StatsDialog(self.store, self.export_year(), self).exec()

    def open_package_export(self) -> None:
        from kexie_desktop.ui.dialogs.package_dialogs import PackageExportDialog

        PackageExportDialog(self.store, self.export_year(), self).exec()

    def open_package_import(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        from kexie_desktop.ui.dialogs.package_dialogs import PackageImportDialog
        from kexie_desktop.ui.exporting import default_folder

        chosen, _ = QFileDialog.getOpenFileNames(
            self, "导入报送包", str(default_folder(self.store)), "报送包 (*.zip);;所有文件 (*)"
        )
        if not chosen:
            return
        dialog = PackageImportDialog(self.store, [Path(p) for p in chosen], self)
        dialog.exec()
        if dialog.changed:
            self.statusBar().showMessage("报送包已导入，可在“文件 → 报送情况”中查看。", 15_000)

    def open_submissions(self) -> None:
        from kexie_desktop.ui.dialogs.package_dialogs import SubmissionsDialog

        SubmissionsDialog(self.store, self.export_year(), self).exec()

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            f"关于{APP_NAME}",
            f"<b>{APP_NAME}</b> {__version__}<br><br>"
            "基层科协年度工作记录、总结与台账的离线程序。<br>"
            "所有数据只保存在本机，不连接网络。<br><br>"
            f"数据文件夹：{self.data_dir}",
        )

    # -- window state --------------------------------------------------------------------

    def _restore_window(self) -> None:
        geometry = self.window_settings.value("geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1180, 720)

    def changeEvent(self, event: QEvent) -> None:
        # Back from DB Browser or a colleague's second program: show what they changed.
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.check_outside_changes()
        super().changeEvent(event)

    def check_outside_changes(self) -> None:
        if not hasattr(self, "store"):
            return
        if any(tab.model.outside_changes() for tab in self.record_tabs()):
            for tab in self.record_tabs():
                tab.mark_stale()
            self.refresh_years()
            self._year_changed()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.window_settings.setValue("geometry", self.saveGeometry())
        self.window_settings.sync()
        super().closeEvent(event)
