"""Ctrl+Z, the 回收站 and the change log, from the window."""

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from kexie_desktop.core.records import Person, Unit
from kexie_desktop.core.store import Store
from kexie_desktop.ui.dialogs.audit_log_dialog import AuditLogDialog
from kexie_desktop.ui.dialogs.recycle_bin_dialog import RecycleBinDialog
from kexie_desktop.ui.dialogs.unit_dialog import UnitDialog
from kexie_desktop.ui.main_window import MainWindow
from tests.ui.conftest import Questions


def test_ctrl_z_takes_back_a_delete_an_edit_and_a_new_record(
    window: MainWindow, demo_store: Store, qtbot: Any, monkeypatch: pytest.MonkeyPatch,
    drive_dialog: Callable[..., list[Any]], questions: Questions,
) -> None:  # fmt: skip
    tab = window.units_tab
    window.show_tab(tab)
    count = demo_store.records.count(Unit)
    tab.view.selectRow(0)
    unit_id = tab.model.id_at(0)
    tab.delete_selected()
    assert demo_store.records.count(Unit) == count - 1
    assert window.undo_action.isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert demo_store.records.count(Unit) == count
    assert demo_store.records.get(Unit, unit_id)
    assert not window.undo_action.isEnabled()

    original = demo_store.records.get(Unit, unit_id).contact_person
    drive_dialog(UnitDialog, lambda d: d.contact_edit.setText("改过的联系人"))
    tab.select_id(unit_id)
    tab.edit_current()
    assert demo_store.records.get(Unit, unit_id).contact_person == "改过的联系人"
    window.undo_action.trigger()
    assert demo_store.records.get(Unit, unit_id).contact_person == original

    def fill(dialog: UnitDialog) -> None:
        dialog.name_edit.setText("撤销用的新单位")
        from kexie_desktop.ui.widgets import set_combo_value

        set_combo_value(dialog.kind_combo, "学会")

    drive_dialog(UnitDialog, fill)
    tab.new_record()
    assert demo_store.lists.unit_id_by_name("撤销用的新单位") is not None
    window.undo_action.trigger()
    assert demo_store.lists.unit_id_by_name("撤销用的新单位") is None


def test_the_recycle_bin_dialog(
    demo_store: Store, qtbot: Any, monkeypatch: pytest.MonkeyPatch, questions: Questions
) -> None:
    person_id = demo_store.lists.ids("people")[0]
    name = demo_store.records.get(Person, person_id).name
    demo_store.records.delete(Person, [person_id])
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, t, m: shown.append(t))
    dialog = RecycleBinDialog(demo_store)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 2).text() == name
    dialog.table.selectRow(0)
    dialog.restore_button.click()
    assert shown == ["已恢复"] and dialog.changed
    assert demo_store.records.get(Person, person_id).name == name
    demo_store.records.delete(Person, [person_id])
    dialog.refresh()
    questions.default = False
    dialog.empty_button.click()
    assert dialog.table.rowCount() == 1  # asked, and the answer was no
    questions.default = True
    dialog.empty_button.click()
    assert dialog.table.rowCount() == 0


def test_the_change_log_dialog(store: Store, qtbot: Any) -> None:
    person = store.records.save(Person(name="王五"))
    person.phone = "13800000005"
    store.records.save(person)
    store.records.save(Unit(name="某学会", kind="学会"))
    dialog = AuditLogDialog(store)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 3
    dialog.kind.setCurrentIndex(dialog.kind.findData("people"))
    assert dialog.table.rowCount() == 2
    assert dialog.table.item(0, 1).text() == "修改"
    dialog.table.selectRow(0)
    assert dialog.details.toPlainText() == "联系电话：（空） → 13800000005"
    dialog.search.setText("没有")
    assert dialog.table.rowCount() == 0


def test_the_change_log_speaks_chinese(store: Store, qtbot: Any) -> None:
    from kexie_desktop.core.records import Activity

    unit = store.records.save(Unit(name="某学会", kind="学会"))
    a = store.records.save(Person(name="甲"))
    b = store.records.save(Person(name="乙"))
    activity = store.records.save(
        Activity(title="讲座", category="学术交流", start_date="2025-03-05", unit_id=unit.id,
                 person_ids=[a.id, b.id])
    )  # fmt: skip
    activity.highlight = True
    activity.description = "讲座情况。"  # a 重点 activity needs its description
    activity.co_organisers = "某协会"
    store.records.save(activity)
    dialog = AuditLogDialog(store)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("activities"))
    actions = [dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())]
    dialog.table.selectRow(actions.index("新增"))
    details = dialog.details.toPlainText()
    assert "主办单位：某学会" in details and "参与人员：甲、乙" in details
    assert "None" not in details and "person_ids" not in details and "False" not in details
    assert "协办单位" not in details  # empty at first: left out
    dialog.table.clearSelection()
    dialog.table.selectRow(actions.index("修改"))
    details = dialog.details.toPlainText()
    assert "重点活动：否 → 是" in details and "协办单位：（空） → 某协会" in details
