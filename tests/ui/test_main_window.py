from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from kexie_desktop.core.records import Activity, Person, Unit
from kexie_desktop.core.store import Store
from kexie_desktop.ui import exporting
from kexie_desktop.ui.dialogs.activity_dialog import ActivityDialog
from kexie_desktop.ui.dialogs.profile_dialog import ProfileDialog
from kexie_desktop.ui.dialogs.unit_dialog import UnitDialog
from kexie_desktop.ui.main_window import MainWindow
from kexie_desktop.ui.table_models import IdRole
from kexie_desktop.ui.widgets import set_combo_value
from tests.ui.conftest import Questions, trigger_and_wait


def test_tabs_year_and_status(window: MainWindow, demo_store: Store) -> None:
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "概览", "活动", "人员", "奖项", "基层组织",
    ]  # fmt: skip
    assert window.selected_year() == 2025
    assert window.windowTitle().startswith("青江市厂矿科协联合会")
    total = demo_store.lists.count("activities", year=2025)
    assert window.activities_tab.model.rowCount() == total
    assert window.status_label.text() == f"活动：共 {total} 项　（2025年）"
    window.show_tab(window.people_tab)
    assert window.status_label.text() == f"人员：共 {demo_store.records.count(Person)} 人"


def test_year_selector_scopes_activities_and_awards(window: MainWindow, demo_store: Store) -> None:
    demo_store.records.save(Activity(title="上年度活动", category="其他", start_date="2024-06-01"))
    window.refresh_years()
    years = [window.year_combo.itemText(i) for i in range(window.year_combo.count())]
    assert "2024年" in years and years[-1] == "全部年度"
    window.year_combo.setCurrentIndex(years.index("2024年"))
    assert window.activities_tab.model.rowCount() == 1
    # Tabs not yet shown have read nothing; they read with the chosen year when shown.
    assert not window.awards_tab.model.loaded
    window.show_tab(window.awards_tab)
    assert window.awards_tab.model.rowCount() == 0
    assert window.status_label.text() == "奖项：共 0 项　（2024年）"
    window.show_tab(window.people_tab)
    assert window.people_tab.model.rowCount() == demo_store.records.count(Person)
    window.show_tab(window.activities_tab)
    window.year_combo.setCurrentIndex(years.index("全部年度"))
    assert window.activities_tab.model.rowCount() == demo_store.records.count(Activity)


def test_search_filters_as_the_clerk_types(window: MainWindow, qtbot: Any) -> None:
    tab = window.people_tab
    window.show_tab(tab)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert tab.search_edit.hasFocus()
    name = tab.model.data(tab.model.index(0, 0))
    tab.search_edit.insert(name[:2])
    qtbot.waitUntil(lambda: tab.model.search_text == name[:2])
    shown = tab.model.rowCount()
    assert 1 <= shown < tab.model.total
    shown_names = [tab.model.data(tab.model.index(r, 0)) for r in range(shown)]
    assert name in shown_names
    expected = tab.store.lists.ids("people", search=name[:2])
    assert [tab.model.id_at(r) for r in range(shown)] == expected
    assert window.status_label.text() == f"人员：找到 {shown} 人（共 {tab.model.total} 人）"
    tab.search_edit.clear()
    qtbot.waitUntil(lambda: tab.model.rowCount() == tab.model.total)


def test_ctrl_n_adds_a_record_in_the_current_tab(
    window: MainWindow, demo_store: Store, qtbot: Any, drive_dialog: Callable[..., list[Any]]
) -> None:
    window.show_tab(window.units_tab)

    def fill(dialog: UnitDialog) -> None:
        dialog.name_edit.setText("新建的街道科协")
        set_combo_value(dialog.kind_combo, "乡镇（街道）科协")

    opened = drive_dialog(UnitDialog, fill)
    before = demo_store.records.count(Unit)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert len(opened) == 1 and opened[0].windowTitle() == "新增基层组织"
    assert demo_store.records.count(Unit) == before + 1
    tab = window.units_tab
    current = tab.view.currentIndex()
    assert tab.model.data(tab.model.index(current.row(), 0)) == "新建的街道科协"
    assert window.status_label.text() == f"基层组织：共 {before + 1} 个"


def test_enter_and_double_click_edit_the_current_record(
    window: MainWindow, demo_store: Store, qtbot: Any, drive_dialog: Callable[..., list[Any]]
) -> None:
    tab = window.activities_tab
    opened = drive_dialog(ActivityDialog, lambda d: d.title_edit.setText("改过的名称"))
    tab.view.setFocus()
    tab.view.setCurrentIndex(tab.model.index(2, 1))
    record_id = tab.model.data(tab.model.index(2, 1), IdRole)
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)
    assert len(opened) == 1 and opened[0].windowTitle() == "修改活动"
    assert demo_store.records.get(Activity, record_id).title == "改过的名称"
    # The edited record stays selected after the list is reloaded.
    assert tab.model.data(tab.view.currentIndex(), IdRole) == record_id
    tab.view.doubleClicked.emit(tab.view.currentIndex())
    assert len(opened) == 2


def test_invalid_input_in_a_dialog_changes_nothing(
    window: MainWindow, demo_store: Store, qtbot: Any, drive_dialog: Callable[..., list[Any]]
) -> None:
    seen: list[str] = []

    def fill(dialog: ActivityDialog) -> None:
        dialog.title_edit.setText("缺类别的活动")
        dialog.accept()  # refused: the messages appear, the dialog stays open
        seen.append(dialog.error_labels["category"].text())
        assert dialog.isVisible()

    drive_dialog(ActivityDialog, fill, press_ok=False)
    before = demo_store.records.count(Activity)
    window.activities_tab.new_record()
    assert seen == ["必须选择"]
    assert demo_store.records.count(Activity) == before


def test_delete_asks_first(
    window: MainWindow, demo_store: Store, qtbot: Any, questions: Questions
) -> None:
    tab = window.units_tab
    window.show_tab(tab)
    tab.view.setFocus()
    tab.view.selectRow(0)
    unit_id = tab.model.id_at(0)

    questions.default = False
    qtbot.keyClick(tab.view, Qt.Key.Key_Delete)
    assert demo_store.records.get(Unit, unit_id)
    assert questions.texts[0].startswith("确定删除基层组织“")
    assert "关联" in questions.texts[0]

    questions.default = True
    before = demo_store.records.count(Unit)
    tab.delete_button.click()
    assert demo_store.records.count(Unit) == before - 1
    assert tab.model.row_of(unit_id) == -1
    assert window.status_label.text() == f"基层组织：共 {before - 1} 个"


def test_deleting_several_people(
    window: MainWindow, demo_store: Store, questions: Questions
) -> None:
    tab = window.people_tab
    window.show_tab(tab)
    tab.view.selectAll()
    count = demo_store.records.count(Person)
    assert tab.delete_message(tab.selected_ids()).startswith(f"确定删除选中的 {count} 人人员吗？")
    tab.delete_selected()
    assert demo_store.records.count(Person) == 0
    assert tab.model.rowCount() == 0


def test_first_start_asks_for_the_profile_and_offers_demo(
    store: Store, data_dir: Path, qtbot: Any, drive_dialog: Callable[..., list[Any]]
) -> None:
    win = MainWindow(store, data_dir)
    qtbot.addWidget(win)

    def fill(dialog: ProfileDialog) -> None:
        dialog.name_edit.setText("某县科协")
        dialog.demo_box.setChecked(True)

    drive_dialog(ProfileDialog, fill)
    win.first_start()
    assert store.settings.profile().org_name == "某县科协"
    assert store.records.count(Activity) >= 80
    assert win.activities_tab.model.rowCount() > 0
    assert win.windowTitle().startswith("某县科协")


def test_full_private_numbers_toggle(window: MainWindow) -> None:
    model = window.people_tab.model
    assert not window.private_action.isChecked()
    window.private_action.trigger()
    assert model.show_full_private


def test_window_remembers_its_size(demo_store: Store, data_dir: Path, qtbot: Any) -> None:
    first = MainWindow(demo_store, data_dir)
    qtbot.addWidget(first)
    first.show()
    # Above the window's minimum width (the filters beside the search box need ~740 px), within
    # the 800×600 offscreen screen (a remembered size is cut to the screen).
    first.resize(760, 500)
    first.close()
    second = MainWindow(demo_store, data_dir)
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (760, 500)
    assert (data_dir / "window.ini").exists()


def test_a_record_saved_in_another_year_is_shown_not_lost(
    window: MainWindow, demo_store: Store, drive_dialog: Callable[..., list[Any]]
) -> None:
    def fill(dialog: ActivityDialog) -> None:
        dialog.title_edit.setText("补录的往年活动")
        set_combo_value(dialog.category_combo, "其他")
        dialog.start_edit.set_value("2023-06-01")

    drive_dialog(ActivityDialog, fill)
    assert window.selected_year() == 2025
    window.activities_tab.new_record()
    assert window.selected_year() == 2023
    tab = window.activities_tab
    assert tab.model.rowCount() == 1
    assert tab.model.data(tab.view.currentIndex().siblingAtColumn(1)) == "补录的往年活动"


def test_deleting_a_person_names_the_person(
    window: MainWindow, demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = window.people_tab
    window.show_tab(tab)
    tab.view.selectRow(0)
    name = tab.model.data(tab.model.index(0, 0))
    assert tab.delete_message(tab.selected_ids()).startswith(f"确定删除人员“{name}”吗？")


def test_backup_and_restore_from_the_window(
    window: MainWindow, demo_store: Store, qtbot: Any, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, questions: Questions,
) -> None:  # fmt: skip
    from PySide6.QtWidgets import QFileDialog

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, t, m: shown.append((t, m)))
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, t, m: shown.append((t, m)))
    monkeypatch.setattr(exporting, "done_box", lambda _p, t, m, _path: shown.append((t, m)))
    target = tmp_path / "备份.db"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: (str(target), ""))
    trigger_and_wait(qtbot, window, window.backup_action)
    assert shown[-1][0] == "备份完成" and target.exists()

    demo_store.records.save(Person(name="备份后新增"))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a: (str(target), ""))
    trigger_and_wait(qtbot, window, window.restore_action)
    assert shown[-1][0] == "已恢复"
    assert demo_store.imports.people_named("备份后新增") == []
    window.show_tab(window.people_tab)
    assert window.people_tab.model.rowCount() == demo_store.records.count(Person)

    bad = tmp_path / "坏.db"
    bad.write_bytes(b"garbage" * 100)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a: (str(bad), ""))
    # The copy made before the restore is now offered first; 另选备份文件… browses.
    from kexie_desktop.ui.dialogs.restore_dialog import RestoreDialog

    monkeypatch.setattr(RestoreDialog, "exec", lambda d: d._browse() or int(d.result()))
    trigger_and_wait(qtbot, window, window.restore_action)
    assert shown[-1][0] == "不能使用这个备份"
