"""The main window under a clerk's habits: keyboard, screens, Excel, undo/redo."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from kexie_desktop.core import removable
from kexie_desktop.core.records import Person, Unit
from kexie_desktop.core.store import Store
from kexie_desktop.ui import exporting
from kexie_desktop.ui.dialogs.audit_log_dialog import AuditLogDialog
from kexie_desktop.ui.dialogs.import_history_dialog import ImportHistoryDialog
from kexie_desktop.ui.dialogs.person_dialog import PersonDialog
from kexie_desktop.ui.dialogs.recycle_bin_dialog import RecycleBinDialog
from kexie_desktop.ui.main_window import MainWindow
from tests.ui.conftest import Questions, trigger_and_wait


def test_edit_and_delete_follow_the_selection(window: MainWindow) -> None:
    tab = window.people_tab
    window.show_tab(tab)
    tab.view.clearSelection()
    assert not window.edit_action.isEnabled() and not window.delete_action.isEnabled()
    tab.view.selectRow(0)
    assert window.edit_action.isEnabled() and window.delete_action.isEnabled()
    tab.view.selectAll()
    assert not window.edit_action.isEnabled() and window.delete_action.isEnabled()


def test_ctrl_tab_and_ctrl_page_down_switch_tabs_from_the_table(
    window: MainWindow, qtbot: Any
) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.show_tab(window.activities_tab)
    window.activities_tab.view.setFocus()
    qtbot.keyClick(window.activities_tab.view, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert window.current_tab() is window.people_tab
    window.people_tab.view.setFocus()
    qtbot.keyClick(window.people_tab.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.current_tab() is window.awards_tab
    window.awards_tab.view.setFocus()
    qtbot.keyClick(window.awards_tab.view, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.current_tab() is window.people_tab


def test_ctrl_c_copies_the_selected_rows_with_a_header(window: MainWindow, qtbot: Any) -> None:
    tab = window.people_tab
    window.show_tab(tab)
    tab.view.selectRow(0)
    tab.view.selectionModel().select(
        tab.model.index(1, 0),
        tab.view.selectionModel().SelectionFlag.Select
        | tab.view.selectionModel().SelectionFlag.Rows,
    )
    tab.view.setFocus()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(tab.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    mime = QApplication.clipboard().mimeData()
    text, html = mime.text(), mime.html()
    del mime
    QApplication.clipboard().clear()
    lines = text.splitlines()
    assert len(lines) == 3
    assert lines[0].split("\t")[:3] == ["姓名", "性别", "出生日期"]
    names = [tab.model.data(tab.model.index(r, 0)) for r in (0, 1)]
    assert [line.split("\t")[0] for line in lines[1:]] == names
    # The ID number stays masked, as on screen.
    id_column = lines[0].split("\t").index("公民身份号码")
    shown = tab.model.data(tab.model.index(0, id_column))
    assert lines[1].split("\t")[id_column] == shown
    assert "<th>姓名</th>" in html and f"<td>{names[0]}</td>" in html


def test_the_right_click_menu(window: MainWindow) -> None:
    tab = window.units_tab
    window.show_tab(tab)
    rect = tab.view.visualRect(tab.model.index(0, 0))
    tab._context_menu(rect.center())
    texts = [a.text() for a in tab._menu.actions() if a.text()]
    assert texts[:5] == ["修改…", "删除…", "复制（Ctrl+C）", "导出所选…", "导出当前列表…"]
    assert all(a.isEnabled() for a in tab._menu.actions())
    tab._menu.close()


def test_export_the_list_as_shown(
    window: MainWindow, demo_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "列表.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: (str(target), ""))
    shown: list[tuple[str, str, Any]] = []
    monkeypatch.setattr(exporting, "done_box", lambda _p, t, m, path: shown.append((t, m, path)))
    monkeypatch.setattr(removable, "removable_drives", lambda: [])
    tab = window.people_tab
    window.show_tab(tab)
    tab.search_edit.setText("青江")
    tab.apply_search()
    tab.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    window.export_list_action.trigger()
    sheet = load_workbook(target).active
    rows = [[c or "" for c in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "姓名"
    assert len(rows) - 1 == tab.model.rowCount() > 0
    assert [r[0] for r in rows[1:]] == [
        tab.model.data(tab.model.index(i, 0)) for i in range(tab.model.rowCount())
    ]
    # Not on a USB stick: no word about pulling it out; the file is offered to open.
    assert shown and "U盘" not in shown[0][1] and shown[0][2] == target


def test_export_done_mentions_the_stick_only_for_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: Any
) -> None:
    seen: list[str] = []
    monkeypatch.setattr(exporting, "done_box", lambda _p, _t, text, _path: seen.append(text))
    stick = tmp_path / "stick"
    stick.mkdir()
    (stick / "a.xlsx").write_bytes(b"x")
    monkeypatch.setattr(removable, "removable_drives", lambda: [stick])
    exporting.show_export_done(None, "导出完成", "已写出", stick / "a.xlsx")  # type: ignore[arg-type]
    exporting.show_export_done(None, "导出完成", "已写出", tmp_path / "b.xlsx")  # type: ignore[arg-type]
    assert "安全地拔出U盘" in seen[0] and "U盘" not in seen[1]


def test_export_done_offers_to_open_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: Any
) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QDesktopServices

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    target = tmp_path / "a.xlsx"
    target.write_bytes(b"x")

    buttons: list[str] = []

    def click() -> None:
        boxes = [w for w in QApplication.topLevelWidgets()
                 if isinstance(w, QMessageBox) and w.isVisible()]  # fmt: skip
        if not boxes:
            QTimer.singleShot(20, click)
            return
        buttons.extend(b.text() for b in boxes[0].buttons())
        for button in boxes[0].buttons():
            if button.text() == "打开所在文件夹":
                button.click()

    QTimer.singleShot(50, click)
    exporting.done_box(None, "导出完成", "已写出", target)  # type: ignore[arg-type]
    assert {"打开文件", "打开所在文件夹", "关闭"} <= set(buttons)
    assert opened == [str(tmp_path)]


def test_undo_says_what_it_undoes_and_redo_does_it_again(
    window: MainWindow,
    demo_store: Store,
    qtbot: Any,
    monkeypatch: pytest.MonkeyPatch,
    questions: Questions,
) -> None:
    tab = window.people_tab
    window.show_tab(tab)
    tab.view.selectRow(0)
    person_id = tab.selected_ids()[0]
    name = demo_store.records.get(Person, person_id).name
    count = demo_store.records.count(Person)
    tab.delete_selected()
    assert window.undo_action.text() == f"撤销 删除人员“{name}”(&U)"
    tab.view.selectRow(0)
    tab.view.selectionModel().select(
        tab.model.index(1, 0),
        tab.view.selectionModel().SelectionFlag.Select
        | tab.view.selectionModel().SelectionFlag.Rows,
    )
    tab.delete_selected()
    assert window.undo_action.text() == "撤销 删除2名人员(&U)"
    window.undo_action.trigger()
    window.undo_action.trigger()
    assert demo_store.records.count(Person) == count
    assert window.redo_action.text() == f"重做 删除人员“{name}”(&R)"
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert demo_store.records.count(Person) == count - 1
    window.undo_action.trigger()
    assert demo_store.records.count(Person) == count


def test_after_restoring_from_the_bin_undo_does_not_claim_the_deletion(
    window: MainWindow, demo_store: Store, monkeypatch: pytest.MonkeyPatch, questions: Questions
) -> None:
    tab = window.units_tab
    window.show_tab(tab)
    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
    tab.view.selectRow(0)
    tab.delete_selected()
    assert window.undo_action.isEnabled()

    def restore_all(dialog: RecycleBinDialog) -> int:
        dialog.table.selectAll()
        dialog.restore_selected()
        return 0

    monkeypatch.setattr(RecycleBinDialog, "exec", restore_all)
    window.open_recycle_bin()
    assert not window.undo_action.isEnabled()
    assert window.undo_action.text() == "撤销(&U)"


def test_the_recycle_bin_defaults_to_restore(demo_store: Store, qtbot: Any) -> None:
    demo_store.records.delete(Unit, [demo_store.lists.ids("units")[0]])
    dialog = RecycleBinDialog(demo_store)
    qtbot.addWidget(dialog)
    assert dialog.restore_button.isDefault()
    assert not dialog.empty_button.isDefault() and not dialog.empty_button.autoDefault()


def test_lists_start_in_their_own_order_with_the_arrow(window: MainWindow) -> None:
    people = window.people_tab.view.horizontalHeader()
    assert people.sortIndicatorSection() == 0
    assert people.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    activities = window.activities_tab.view.horizontalHeader()
    assert activities.sortIndicatorSection() == 0
    assert activities.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder


def test_the_window_remembers_columns_sort_tab_and_year(
    demo_store: Store, data_dir: Path, qtbot: Any
) -> None:
    first = MainWindow(demo_store, data_dir)
    qtbot.addWidget(first)
    first.show()
    first.show_tab(first.people_tab)
    first.people_tab.view.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    first.people_tab.view.horizontalHeader().resizeSection(1, 77)
    years = [first.year_combo.itemData(i) for i in range(first.year_combo.count())]
    first.year_combo.setCurrentIndex(years.index(0))  # 全部年度
    first.close()

    again = MainWindow(demo_store, data_dir)
    qtbot.addWidget(again)
    again.show()
    assert again.current_tab() is again.people_tab
    header = again.people_tab.view.horizontalHeader()
    assert header.sortIndicatorSection() == 3
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert header.sectionSize(1) == 77
    assert again.selected_year() is None


@pytest.mark.parametrize("size", [(1024, 768), (1366, 768), (1280, 720)])
def test_every_window_fits_the_available_area(
    window: MainWindow, demo_store: Store, qtbot: Any, monkeypatch: pytest.MonkeyPatch,
    size: tuple[int, int],
) -> None:  # fmt: skip
    # The screen less a 40 px task bar, as on Windows.
    area = QRect(0, 0, size[0], size[1] - 40)
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _self: area)
    fresh = MainWindow(demo_store, window.data_dir / "other")
    qtbot.addWidget(fresh)
    assert fresh.width() <= area.width() and fresh.height() <= area.height()
    assert fresh.minimumSizeHint().width() <= area.width()
    dialogs: list[QDialog] = [
        PersonDialog(demo_store),
        RecycleBinDialog(demo_store),
        AuditLogDialog(demo_store),
        ImportHistoryDialog(demo_store),
    ]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        assert dialog.width() <= area.width() and dialog.height() <= area.height(), dialog
        assert dialog.minimumSizeHint().height() <= area.height(), dialog


def test_help_shows_the_clerk_guide(window: MainWindow) -> None:
    from PySide6.QtWidgets import QTextBrowser

    window.help_action.trigger()
    browser = window._help.findChild(QTextBrowser)
    assert browser is not None
    shown = browser.toPlainText()
    assert "第一次打开" in shown and "开发者说明" not in shown
    window._help.close()


def test_categories_sort_in_report_order(window: MainWindow) -> None:
    from kexie_desktop.core.records import CATEGORIES

    tab = window.activities_tab
    window.show_tab(tab)
    tab.view.sortByColumn(tab.model.column_of("category"), Qt.SortOrder.AscendingOrder)
    shown = [
        tab.model.data(tab.model.index(r, tab.model.column_of("category")))
        for r in range(tab.model.rowCount())
    ]
    assert len(set(shown)) > 2
    assert shown == sorted(shown, key=CATEGORIES.index)


def test_filters_beside_the_search_box(window: MainWindow, demo_store: Store) -> None:

    tab = window.activities_tab
    window.show_tab(tab)
    total = tab.model.rowCount()
    combo = tab.filter_combos["category"]
    combo.setCurrentIndex(combo.findData("学术交流"))
    shown = {
        tab.model.data(tab.model.index(r, tab.model.column_of("category")))
        for r in range(tab.model.rowCount())
    }
    assert shown == {"学术交流"} and 0 < tab.model.rowCount() < total
    assert "筛选：类别＝学术交流" in window.status_label.text()
    units = tab.filter_combos["unit_name"]
    assert units.count() == 1  # filled when opened, not at start-up
    units.showPopup()
    units.hidePopup()
    assert units.itemText(1) == "本会"
    units.setCurrentIndex(1)
    assert all(
        tab.model.data(tab.model.index(r, tab.model.column_of("unit_name"))) == "本会"
        for r in range(tab.model.rowCount())
    )
    assert "主办单位＝本会" in window.status_label.text()
    combo.setCurrentIndex(0)
    units.setCurrentIndex(0)
    assert tab.model.rowCount() == total
    assert "筛选" not in window.status_label.text()

    people = window.people_tab
    window.show_tab(people)
    status = people.filter_combos["status"]
    status.setCurrentIndex(status.findData("在册"))
    assert (
        people.model.rowCount()
        == demo_store.conn.execute("SELECT count(*) FROM people WHERE status = '在册'").fetchone()[
            0
        ]
    )
    units_tab = window.units_tab
    window.show_tab(units_tab)
    kind = units_tab.filter_combos["kind"]
    kind.setCurrentIndex(kind.findData("企业科协"))
    assert (
        units_tab.model.rowCount()
        == demo_store.conn.execute("SELECT count(*) FROM units WHERE kind = '企业科协'").fetchone()[
            0
        ]
    )


def test_founded_this_year_follows_the_selected_year(
    demo_store: Store, data_dir: Path, qtbot: Any
) -> None:

    demo_store.records.save(Unit(name="甲新科协", kind="企业科协", established_date="2024-05-01"))
    demo_store.records.save(Unit(name="乙老科协", kind="老科协", established_date="2019-05-01",
                                 founded_this_year=True))  # fmt: skip
    win = MainWindow(demo_store, data_dir)
    qtbot.addWidget(win)
    win.show()
    tab = win.units_tab
    win.show_tab(tab)

    def new(name: str) -> str:
        row = next(r for r in range(tab.model.rowCount())
                   if tab.model.data(tab.model.index(r, 0)) == name)  # fmt: skip
        return tab.model.data(tab.model.index(row, tab.model.column_of("founded_this_year")))

    win.show_year(2024)
    assert new("甲新科协") == "是" and new("乙老科协") == ""
    win.show_year(2019)
    assert new("甲新科协") == "" and new("乙老科协") == "是"


def test_deleting_a_winner_says_the_name_stays_on_the_award(
    window: MainWindow, demo_store: Store
) -> None:
    from kexie_desktop.core.records import Award

    person = demo_store.records.save(Person(name="获奖的李四"))
    demo_store.records.save(Award(name="科普先进个人", level="市级", person_id=person.id))
    tab = window.people_tab
    window.show_tab(tab)
    tab.reload()
    assert "保留其姓名" in tab.delete_message([person.id])


def test_restore_offers_the_automatic_backups(
    window: MainWindow,
    demo_store: Store,
    monkeypatch: pytest.MonkeyPatch,
    qtbot: Any,
    questions: Questions,
) -> None:
    from kexie_desktop.core.backup import automatic_backup
    from kexie_desktop.ui.dialogs.restore_dialog import RestoreDialog

    automatic_backup(demo_store.conn, window.data_dir)
    demo_store.records.save(Person(name="备份后才加的人"))
    listed: list[list[str]] = []

    def pick_first(dialog: RestoreDialog) -> int:
        listed.append([dialog.table.item(0, c).text() for c in range(3)])
        assert dialog.restore_button.isDefault()
        dialog._restore()
        return int(dialog.result())

    monkeypatch.setattr(RestoreDialog, "exec", pick_first)
    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
    trigger_and_wait(qtbot, window, window.restore_action)
    assert listed[0][1] == "每日自动备份" and "活动" in listed[0][2]
    assert demo_store.imports.people_named("备份后才加的人") == []


def test_set_the_status_of_several_people_as_one_undo_step(
    window: MainWindow, demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QInputDialog

    tab = window.people_tab
    window.show_tab(tab)
    tab.view.selectAll()
    ids = tab.selected_ids()
    before = {i: demo_store.records.get(Person, i).status for i in ids}
    assert "退出" not in set(before.values()) or len(set(before.values())) > 1
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a: ("退出", True))
    tab._context_menu(tab.view.visualRect(tab.model.index(0, 0)).center())
    entry = next(a for a in tab._menu.actions() if a.text() == "设置所选人员的状态…")
    tab._menu.close()
    entry.trigger()
    assert {demo_store.records.get(Person, i).status for i in ids} == {"退出"}
    assert window.undo_action.text().startswith("撤销 把") and "状态设为“退出”" in (
        window.undo_action.text()
    )
    window.undo_action.trigger()
    assert {i: demo_store.records.get(Person, i).status for i in ids} == before
    window.redo_action.trigger()
    assert {demo_store.records.get(Person, i).status for i in ids} == {"退出"}


def test_set_the_unit_of_several_people(
    window: MainWindow, demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QInputDialog

    unit_id, unit_name = demo_store.lists.unit_choices()[0]
    tab = window.people_tab
    window.show_tab(tab)
    tab.view.selectRow(0)
    tab.view.selectionModel().select(
        tab.model.index(1, 0),
        tab.view.selectionModel().SelectionFlag.Select
        | tab.view.selectionModel().SelectionFlag.Rows,
    )
    ids = tab.selected_ids()
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a: (unit_name, True))
    tab.set_unit_of_selected()
    assert {demo_store.records.get(Person, i).unit_id for i in ids} == {unit_id}


def test_print_the_list_a4_landscape(window: MainWindow, tmp_path: Path) -> None:
    from PySide6.QtGui import QPageLayout, QPageSize
    from PySide6.QtPrintSupport import QPrinter

    tab = window.units_tab
    window.show_tab(tab)
    document = tab.print_document()
    text = document.toPlainText()
    assert "基层组织列表" in text and "单位名称" in text
    assert tab.model.data(tab.model.index(0, 0)) in text
    printer = tab.make_printer()
    assert printer.pageLayout().orientation() == QPageLayout.Orientation.Landscape
    assert printer.pageLayout().pageSize().id() == QPageSize.PageSizeId.A4
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "list.pdf"))
    document.print_(printer)
    assert (tmp_path / "list.pdf").read_bytes().startswith(b"%PDF")


def test_print_preview_opens(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtPrintSupport import QPrintPreviewDialog

    opened: list[str] = []

    def fake_exec(dialog: QPrintPreviewDialog) -> int:
        opened.append(dialog.windowTitle())
        return 0

    monkeypatch.setattr(QPrintPreviewDialog, "exec", fake_exec)
    window.show_tab(window.awards_tab)
    window.print_preview_action.trigger()
    assert opened == ["打印预览 — 奖项列表"]
