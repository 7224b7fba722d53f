"""The main window: a tab per kind of record, a year selector, menus and the status line.

The window declares its actions and hands each to whoever does the work: the dialogs
(ui/dialogs/), the whole-data workflows — backup, restore, the import template, the demo data
(ui/workflows.py) — and 撤销/重做 (ui/undo_history.py). Its ~750 lines are that declaration
(actions, menus, tool bar), the tabs by key with the 概览, the year selector, the window's
remembered state and one-line hand-offs: all about the window itself. After any change underneath
the lists it calls its one reload_all().

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
    from kexie_desktop.ui.background import BackgroundTask
    from kexie_desktop.ui.tabs.activities_tab import ActivitiesTab
    from kexie_desktop.ui.tabs.awards_tab import AwardsTab
    from kexie_desktop.ui.tabs.overview_tab import Link, OverviewTab
    from kexie_desktop.ui.tabs.people_tab import PeopleTab
    from kexie_desktop.ui.tabs.record_tab import RecordTab
    from kexie_desktop.ui.tabs.units_tab import UnitsTab

ALL_YEARS = 0


# The tabs by key, in their order. Code and window.ini name a tab by its key, never by its
# position: the 概览 came in front of the lists, and a position kept from before would now
# point at the wrong tab.
TABS = (
    ("overview", "概览"),
    ("activities", "活动"),
    ("people", "人员"),
    ("awards", "奖项"),
    ("units", "基层组织"),
)
TAB_TITLES = tuple(title for _key, title in TABS)
# window.ini's "tab" before the 概览: an index into this order.
_OLD_TAB_ORDER = ("activities", "people", "awards", "units")
# Where a first start opens: the list a clerk works in (the 概览 is a click away, and is
# never computed while the window starts).
DEFAULT_TAB = "activities"
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
        self._pages: dict[str, QWidget] = {}
        for key, title in TABS:
            page = QWidget()
            QVBoxLayout(page).setContentsMargins(0, 0, 0, 0)
            self._pages[key] = page
            self.tabs.addTab(page, title)
        self.tabs.setCurrentWidget(self._pages[DEFAULT_TAB])
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
            self.export_list_action, self.next_tab_action, self.previous_tab_action,
            self.print_action, self.print_preview_action,
        )  # fmt: skip
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)
        # The long-running operation under way (backup, restore, 图文台账), kept while it runs.
        self.task: BackgroundTask | None = None
        for action in self._record_actions:
            action.setEnabled(False)
        if store is not None:
            self.attach(store)

    def attach(self, store: Store) -> None:
        """Fill the window from the opened store."""
        from kexie_desktop.ui.tabs.activities_tab import ActivitiesTab
        from kexie_desktop.ui.tabs.awards_tab import AwardsTab
        from kexie_desktop.ui.tabs.overview_tab import OverviewTab
        from kexie_desktop.ui.tabs.people_tab import PeopleTab
        from kexie_desktop.ui.tabs.units_tab import UnitsTab
        from kexie_desktop.ui.undo_history import UndoHistory

        self.store = store
        # This session's edits and deletions: what Ctrl+Z takes back and Ctrl+Y does again.
        self.history = UndoHistory(self)
        # Built empty: its figures are computed when it is first shown (never at start-up).
        self.overview_tab: OverviewTab = OverviewTab(store)
        self.activities_tab: ActivitiesTab = ActivitiesTab(store)
        self.people_tab: PeopleTab = PeopleTab(store)
        self.awards_tab: AwardsTab = AwardsTab(store)
        self.units_tab: UnitsTab = UnitsTab(store)
        for key, widget in self.tab_widgets().items():
            page_layout = self._pages[key].layout()
            assert page_layout is not None
            page_layout.addWidget(widget)
        self.overview_tab.link_activated.connect(self.open_link)
        self.overview_tab.status_changed.connect(lambda _t: self._show_status())
        for tab in self.record_tabs():
            tab.records_changed.connect(self._records_changed)
            tab.status_changed.connect(self._tab_status_changed)
            tab.year_wanted.connect(self.show_year)
            tab.saved.connect(self.history.remember_save)
            tab.deleted.connect(self.history.remember_delete)
            tab.selection_changed.connect(self._selection_changed)
            tab.batch_saved.connect(self.history.remember_batch)
        self._restore_lists()
        self.tabs.currentChanged.connect(lambda _i: self._tab_changed())
        self._install_shortcuts()
        for action in self._record_actions:
            action.setEnabled(True)
        remembered = self._remembered_year()
        self.refresh_years(select=self._default_year() if remembered is None else remembered)
        self.year_combo.currentIndexChanged.connect(self._year_changed)
        self._year_changed()
        self._selection_changed()
        self.update_title()

    # -- building ------------------------------------------------------------------------

    def _build_actions(self) -> None:
        self.new_action = QAction("新增(&N)", self)
        self.new_action.triggered.connect(lambda: self._on_list(lambda t: t.new_record()))
        self.edit_action = QAction("修改(&E)", self)
        self.edit_action.triggered.connect(lambda: self._on_list(lambda t: t.edit_current()))
        self.delete_action = QAction("删除(&D)", self)
        self.delete_action.triggered.connect(lambda: self._on_list(lambda t: t.delete_selected()))
        self.undo_action = QAction("撤销(&U)", self)
        self.undo_action.triggered.connect(lambda: self.history.undo_last())
        self.redo_action = QAction("重做(&R)", self)
        self.redo_action.triggered.connect(lambda: self.history.redo_last())
        self.next_tab_action = QAction("下一页", self)
        self.next_tab_action.triggered.connect(lambda: self._switch_tab(1))
        self.previous_tab_action = QAction("上一页", self)
        self.previous_tab_action.triggered.connect(lambda: self._switch_tab(-1))
        self.export_list_action = QAction("导出当前列表(&C)…", self)
        self.export_list_action.triggered.connect(lambda: self._on_list(lambda t: t.export_list()))
        self.print_action = QAction("打印当前列表(&P)…", self)
        self.print_action.triggered.connect(lambda: self._on_list(lambda t: t.print_list()))
        self.print_preview_action = QAction("打印预览(&V)…", self)
        self.print_preview_action.triggered.connect(
            lambda: self._on_list(lambda t: t.print_list(preview=True))
        )
        self.help_action = QAction("使用说明(&H)", self)
        self.help_action.triggered.connect(self.show_help)
        self.recycle_action = QAction("回收站(&R)…", self)
        self.recycle_action.triggered.connect(self.open_recycle_bin)
        self.audit_action = QAction("操作记录(&L)…", self)
        self.audit_action.triggered.connect(self.open_audit_log)
        self.find_action = QAction("查找(&F)", self)
        self.find_action.triggered.connect(lambda: self._on_list(lambda t: t.focus_search()))
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
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        # From the table too (which would otherwise take Ctrl+Tab and Ctrl+PgDn for itself).
        self.next_tab_action.setShortcuts([QKeySequence("Ctrl+Tab"), QKeySequence("Ctrl+PgDown")])
        self.previous_tab_action.setShortcuts(
            [QKeySequence("Ctrl+Shift+Tab"), QKeySequence("Ctrl+PgUp")]
        )
        for action in (self.next_tab_action, self.previous_tab_action):
            self.addAction(action)
        self.help_action.setShortcut(QKeySequence("F1"))
        self.print_action.setShortcut(QKeySequence.StandardKey.Print)
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
        file_menu.addAction(self.print_preview_action)
        file_menu.addAction(self.print_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu("编辑(&E)")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
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
        export_menu.addSeparator()
        export_menu.addAction(self.export_list_action)
        view_menu = bar.addMenu("查看(&V)")
        view_menu.addAction(self.private_action)
        view_menu.addAction(self.audit_action)
        settings_menu = bar.addMenu("设置(&S)")
        settings_menu.addAction(self.profile_action)
        help_menu = bar.addMenu("帮助(&H)")
        help_menu.addAction(self.help_action)
        help_menu.addAction(self.about_action)

    # -- tabs and years ------------------------------------------------------------------

    def record_tabs(self) -> list[RecordTab]:
        return [self.activities_tab, self.people_tab, self.awards_tab, self.units_tab]

    def tab_widgets(self) -> dict[str, QWidget]:
        """Every tab's widget by its key (TABS)."""
        return {
            "overview": self.overview_tab,
            "activities": self.activities_tab,
            "people": self.people_tab,
            "awards": self.awards_tab,
            "units": self.units_tab,
        }

    def show_tab(self, tab: QWidget | str) -> None:
        """Show a tab, given by its widget or its key."""
        if isinstance(tab, str):
            key = tab
        else:
            key = next(k for k, w in self.tab_widgets().items() if w is tab)
        self.tabs.setCurrentWidget(self._pages[key])

    def current_key(self) -> str:
        page = self.tabs.currentWidget()
        return next((k for k, p in self._pages.items() if p is page), DEFAULT_TAB)

    def current_tab(self) -> RecordTab | None:
        """The record list on show; None on the 概览."""
        from kexie_desktop.ui.tabs.record_tab import RecordTab

        widget = self.tab_widgets()[self.current_key()]
        return widget if isinstance(widget, RecordTab) else None

    def _on_list(self, act: Callable[[RecordTab], object]) -> None:
        """An action of the list on show (新增, 查找, 打印…); none on the 概览."""
        tab = self.current_tab()
        if tab is not None:
            act(tab)

    def open_link(self, link: Link) -> None:
        """A figure of the 概览 was opened: its list, with its year and drop-downs."""
        from kexie_desktop.ui.tabs.record_tab import RecordTab

        tab = self.tab_widgets()[link.tab]
        assert isinstance(tab, RecordTab)
        if link.year is not None and link.year != self.selected_year():
            self.refresh_years(select=link.year)
            self._year_changed()
        tab.show_filtered(link.filters)
        self.show_tab(tab)
        tab.view.setFocus()
        self._show_status()

    def _overview_year(self) -> tuple[int, str]:
        year = self.selected_year()
        if year:
            return year, ""
        newest = self.export_year()
        return newest, f"全部年度时，概览显示最近有记录的{newest}年。"

    def _mark_stale(self, keep: QWidget | None = None) -> None:
        """Records changed: every tab but `keep` reloads now if on show, else when shown."""
        for tab in self.record_tabs():
            if tab is not keep:
                tab.mark_stale()
        self.overview_tab.mark_stale()

    def _default_year(self) -> int:
        this_year = dt.date.today().year
        years = self.store.lists.years()
        if not years or this_year in years:
            return this_year
        # A clerk opening the program in January still works on last year's records.
        return years[0]

    def refresh_years(self, select: int | None = None) -> None:
        current = select if select is not None else self.selected_year()
        years = set(self.store.lists.years()) | {dt.date.today().year}
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
        self.units_tab.set_selected_year(year)  # 本年新建, 本年无活动
        self.overview_tab.set_year(*self._overview_year())
        self._show_status()

    def _records_changed(self) -> None:
        # A new unit shows in the people tab's unit column, a deleted person in awards, etc.
        sender = self.sender()
        self.reload_all(except_tab=sender if isinstance(sender, QWidget) else None)

    def _tab_status_changed(self, text: str) -> None:
        if text.startswith(("已复制", "已把")):
            self.statusBar().showMessage(text, 6000)
            return
        self._show_status()

    def _switch_tab(self, step: int) -> None:
        self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % self.tabs.count())

    def _tab_changed(self) -> None:
        self._show_status()
        self._selection_changed()
        if self.current_tab() is None:
            self.overview_tab.take_focus()

    def _selection_changed(self, _count: int = 0) -> None:
        # The tool bar's 修改/删除 follow the selection of the tab on show; on the 概览 the
        # list actions have nothing to act on.
        tab = self.current_tab()
        count = len(tab.selected_ids()) if tab is not None else 0
        self.edit_action.setEnabled(count == 1)
        self.delete_action.setEnabled(count > 0)
        for action in (
            self.new_action, self.find_action, self.export_list_action, self.print_action,
            self.print_preview_action,
        ):  # fmt: skip
            action.setEnabled(tab is not None)

    def show_help(self) -> None:
        """The clerk's guide (the README's first part, shipped with the program), offline."""
        from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser

        from kexie_desktop.core.paths import guide_text
        from kexie_desktop.ui.sizing import fit_to_screen

        text = guide_text()
        if not text:
            QMessageBox.information(self, "使用说明", "没有找到使用说明文件，请重新安装程序。")
            return
        dialog = QDialog(self)
        dialog.setWindowTitle("使用说明")
        browser = QTextBrowser()
        browser.setOpenExternalLinks(False)
        browser.setMarkdown(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(browser, 1)
        layout.addWidget(buttons)
        fit_to_screen(dialog, 820, 700)
        self._help = dialog
        dialog.show()

    def _show_status(self) -> None:
        tab = self.current_tab()
        if tab is None:
            self.status_label.setText(self.overview_tab.status_text())
            return
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
        org = self.store.settings.profile().org_name
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
        from kexie_desktop.ui.workflows import offer_demo

        offer_demo(self)

    def load_demo_data(self) -> None:
        from kexie_desktop.ui.workflows import load_demo_data

        load_demo_data(self)

    def export_evidence(self) -> None:
        """导出 → 图文台账: the year's activity forms with their photos, in the background."""
        from kexie_desktop.core.evidence_export import (
            EvidenceResult,
            export_evidence,
            suggested_filename,
        )
        from kexie_desktop.ui.exporting import export_to

        year = self.export_year()

        def told(result: object) -> None:
            warnings: list[str] = result.warnings() if isinstance(result, EvidenceResult) else []
            if warnings:
                QMessageBox.warning(self, "有附件文件缺失或已改变", "\n".join(warnings))

        self.task = export_to(
            self,
            self.store,
            title=f"导出{year}年图文台账",
            filename=suggested_filename(self.store, year),
            file_filter="Word 文档 (*.docx)",
            label=f"正在导出{year}年图文台账……",
            op=lambda own, target, progress: export_evidence(own, year, target, progress=progress),
            on_done=told,
        )

    def export_year(self) -> int:
        """The year to export: the one selected, or under 全部年度 the newest with records."""
        year = self.selected_year()
        if year:
            return year
        years = self.store.lists.years()
        return years[0] if years else dt.date.today().year

    def reload_all(
        self, *, except_tab: QWidget | None = None, select_year: int | None = None
    ) -> None:
        """After the data changed underneath the lists (an import, undo, a restore, the 回收站,
        another program): every list and the 概览 reload, the years are counted again.
        `except_tab` is the tab that made the change and is up to date already."""
        self._mark_stale(keep=except_tab)
        self.refresh_years(select=select_year)
        self._year_changed()

    def open_import(self) -> None:
        from kexie_desktop.ui.dialogs.import_dialog import ImportDialog

        dialog = ImportDialog(self.store, self, settings=self.window_settings)
        dialog.choose_file()
        if dialog.path is None:
            return
        dialog.exec()
        if dialog.import_result is not None:
            self.reload_all()
            self.statusBar().showMessage(dialog.import_result.summary(), 15_000)

    def open_import_history(self) -> None:
        from kexie_desktop.ui.dialogs.import_history_dialog import ImportHistoryDialog

        dialog = ImportHistoryDialog(self.store, self)
        dialog.exec()
        if dialog.undone:
            self.reload_all()

    def backup_to(self) -> None:
        from kexie_desktop.ui.workflows import backup_to

        backup_to(self)

    def restore_from(self) -> None:
        from kexie_desktop.ui.workflows import restore_from

        restore_from(self)

    # -- undo, 回收站, change log ------------------------------------------------------

    def open_recycle_bin(self) -> None:
        from kexie_desktop.ui.dialogs.recycle_bin_dialog import RecycleBinDialog

        dialog = RecycleBinDialog(self.store, self)
        dialog.exec()
        if dialog.changed:
            self.reload_all()
        self.history.drop_stale_steps()

    def open_audit_log(self) -> None:
        from kexie_desktop.ui.dialogs.audit_log_dialog import AuditLogDialog

        AuditLogDialog(self.store, self).exec()

    def save_template(self) -> None:
        from kexie_desktop.ui.workflows import save_template

        save_template(self)

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

        from kexie_desktop.ui.background import BackgroundTask
        from kexie_desktop.ui.dialogs.package_dialogs import (
            Checked,
            PackageImportDialog,
            read_packages,
        )
        from kexie_desktop.ui.exporting import default_folder

        chosen, _ = QFileDialog.getOpenFileNames(
            self, "导入报送包", str(default_folder(self.store)), "报送包 (*.zip);;所有文件 (*)"
        )
        if not chosen:
            return
        paths = [Path(p) for p in chosen]

        def show(checked: Checked) -> None:
            dialog = PackageImportDialog(self.store, paths, self, checked=checked)
            dialog.exec()
            if dialog.changed:
                self.statusBar().showMessage("报送包已导入，可在“文件 → 报送情况”中查看。", 15_000)

        # Checking reads and hashes every byte (a package with photos may be a gigabyte on a
        # slow stick): in the background, the window stays responsive.
        self.package_task = BackgroundTask(
            self, "正在检查报送包……", lambda progress: read_packages(paths, progress)
        )
        self.package_task.done.connect(show)
        self.package_task.error.connect(
            lambda exc: QMessageBox.warning(self, "导入报送包", f"检查报送包时出现意外问题：{exc}")
        )
        self.package_task.start()

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
        from kexie_desktop.ui.sizing import fit_to_screen, keep_on_screen

        geometry = self.window_settings.value("geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
            keep_on_screen(self)
        else:
            # 1180×720 where there is room; on 1366×768 with a task bar, what is left.
            fit_to_screen(self, 1180, 720)

    def _restore_lists(self) -> None:
        """Column widths, order and sort of each list, and the tab last shown."""
        for tab in self.record_tabs():
            tab.restore_header_state(
                self.window_settings.value(f"columns/{tab.model.listing.table}")
            )
        self.show_tab(remembered_tab(self.window_settings.value("tab")))

    def _remembered_year(self) -> int | None:
        year = self.window_settings.value("year")
        if isinstance(year, str) and year.lstrip("-").isdigit():
            return int(year)
        return None

    def changeEvent(self, event: QEvent) -> None:
        # Back from DB Browser or a colleague's second program: show what they changed.
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.check_outside_changes()
        super().changeEvent(event)

    def check_outside_changes(self) -> None:
        if not hasattr(self, "store"):
            return
        if any(tab.model.outside_changes() for tab in self.record_tabs()):
            self.reload_all()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.window_settings.setValue("geometry", self.saveGeometry())
        if hasattr(self, "store"):
            for tab in self.record_tabs():
                self.window_settings.setValue(
                    f"columns/{tab.model.listing.table}", tab.header_state()
                )
            self.window_settings.setValue("tab", self.current_key())
            self.window_settings.setValue("year", str(self.year_combo.currentData() or 0))
        self.window_settings.sync()
        super().closeEvent(event)


def remembered_tab(value: object) -> str:
    """The tab window.ini remembers: a key; from before the 概览, an index into the old order
    (so an old "0" is still 活动, not the 概览 now in front); anything else, the default."""
    keys = [key for key, _title in TABS]
    if isinstance(value, str) and value in keys:
        return value
    if isinstance(value, str) and value.isdigit() and int(value) < len(_OLD_TAB_ORDER):
        return _OLD_TAB_ORDER[int(value)]
    return DEFAULT_TAB
