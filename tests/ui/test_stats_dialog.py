"""导出 → 统计年报数据 and the statistics fields of the record forms, driven as a clerk would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLineEdit, QTableWidgetItem

from kexie_desktop.core import removable, stats
from kexie_desktop.core.records import Activity, Person, Position, Unit
from kexie_desktop.core.store import Store
from kexie_desktop.ui.dialogs.activity_dialog import ActivityDialog
from kexie_desktop.ui.dialogs.person_dialog import PersonDialog
from kexie_desktop.ui.dialogs.stats_dialog import ERROR_COLOUR, TYPED_COLOUR, StatsDialog
from kexie_desktop.ui.dialogs.unit_dialog import UnitDialog

TYPED = {
    "AK.staff": "4",
    "FKX.contest_winners": "0",
    "FKX.material_kinds": "1",
    "HKX.material_kinds": "2",
    "JKX.adopted": "0",
    "KKX.visits": "12",
}


@pytest.fixture
def save_to(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    chosen: list[str] = []
    out = tmp_path / "stick"
    out.mkdir()

    def fake(_parent: Any, _title: str, suggested: str, _filter: str) -> tuple[str, str]:
        chosen.append(str(out / Path(suggested).name))
        return chosen[-1], ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake)
    monkeypatch.setattr(removable, "removable_drives", lambda: [out])
    return chosen


def _item(dialog: StatsDialog, key: str) -> QTableWidgetItem:
    return dialog.value_items[key]


def test_typed_cells_checks_explanations_and_export(
    demo_store: Store, qtbot: Any, messages: list[tuple[str, str]], save_to: list[str]
) -> None:
    dialog = StatsDialog(demo_store, 2025)
    qtbot.addWidget(dialog)
    assert dialog.tabs.count() == len(stats.TABLES)
    assert dialog.tabs.tabText(0) == "AK表1-1 组织建设"
    # Computed cells are read-only; typed cells editable and shaded.
    units = _item(dialog, "AK.units")
    assert not units.flags() & Qt.ItemFlag.ItemIsEditable
    expected_units = demo_store.conn.execute(
        "SELECT count(*) FROM units WHERE established_date IS NULL OR established_date < '2026'"
    ).fetchone()[0]
    assert units.text() == str(expected_units)
    staff = _item(dialog, "AK.staff")
    assert staff.flags() & Qt.ItemFlag.ItemIsEditable
    assert staff.background().color() == ERROR_COLOUR  # blank: a hard check fails
    assert dialog.hard_label.isVisibleTo(dialog)
    assert "AK表1-1“科协机关工作人员”未填写（没有的请填 0）" in dialog.hard_label.text()

    # Export is refused while checks fail, with the reasons; no file dialog is shown.
    dialog.export()
    assert messages[-1][0] == "还不能导出" and "科协机关工作人员" in messages[-1][1]
    assert save_to == []

    staff.setText("3.5")
    dialog.recompute()
    assert "“3.5”不是整数" in dialog.hard_label.text()
    assert demo_store.typed_stats.values(2025) == {}  # not a whole number: not kept
    for key, text in TYPED.items():
        _item(dialog, key).setText(text)
    dialog.recompute()
    assert not dialog.hard_label.isVisibleTo(dialog)
    assert staff.background().color() == TYPED_COLOUR
    assert demo_store.typed_stats.values(2025) == {k: int(v) for k, v in TYPED.items()}

    # Soft checks: one explanation field each, kept for the year.
    assert dialog.report is not None and dialog.report.soft
    keys = [s.key for s in dialog.report.soft]
    assert list(dialog.explain_edits) == keys
    assert "还有" in dialog.soft_title.text()
    dialog.export()
    assert messages[-1][0] == "还不能导出" and "请写一句说明" in messages[-1][1]
    assert "--explain" not in messages[-1][1]
    for key, edit in dialog.explain_edits.items():
        edit.setText(f"说明{key}")
        edit.editingFinished.emit()
    assert demo_store.typed_stats.explanations(2025) == {k: f"说明{k}" for k in keys}
    dialog.export()
    qtbot.waitUntil(lambda: dialog.task is not None and dialog.task.finished, timeout=60_000)
    assert messages[-1][0] == "导出完成"
    written = Path(save_to[-1])
    assert written.name == "青江市厂矿科协联合会2025年统计年报数据.xlsx"
    wb = load_workbook(written)
    notes = [c.value for c in wb["报表说明"]["F"] if c.value]
    assert all(f"说明{k}" in notes for k in keys)
    assert wb["AK表1-1 组织建设"]["D4"].value == expected_units


def test_period_and_threshold_are_settings(demo_store: Store, qtbot: Any) -> None:
    dialog = StatsDialog(demo_store, 2025)
    qtbot.addWidget(dialog)
    dialog.period_combo.setCurrentIndex(dialog.period_combo.findData("oct"))
    assert demo_store.settings.get(stats.PERIOD_KEY) == "oct"
    dialog.threshold_spin.setValue(1000)
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.report.threshold == 1000)
    assert demo_store.settings.get(stats.THRESHOLD_KEY) == "1000"
    assert dialog.report is not None and dialog.report.soft == []
    assert dialog.explain_edits == {}
    assert "均未超过1000%" in dialog.soft_title.text()


def test_activity_form_saves_the_statistics_fields(store: Store, qtbot: Any) -> None:
    dialog = ActivityDialog(store)
    qtbot.addWidget(dialog)
    dialog.title_edit.setText("科普日主场活动")
    dialog.category_combo.setCurrentIndex(dialog.category_combo.findData("科学普及"))
    dialog.start_edit.set_value("2025-09-20")
    dialog.form_combo.setCurrentIndex(dialog.form_combo.findData("展览"))
    dialog.campaign_group.set_values(["全国科普日/科普月"])
    dialog.participants_spin.setValue(800)
    dialog.youth_spin.setValue(900)
    dialog.accept()
    assert dialog.saved is None  # 其中青少年 above 参加人次 is refused beside the field
    assert dialog.error_labels["youth_participants"].text() == "不能多于参加人次（800）"
    dialog.youth_spin.setValue(300)
    dialog.outcome_spins["materials"].setValue(2000)
    dialog.outcome_spins["papers"].setValue(2)
    dialog.planned_box.setChecked(True)
    dialog.accept()
    assert dialog.saved is not None and dialog.saved.id is not None
    saved = store.records.get(Activity, dialog.saved.id)
    assert (saved.form, saved.campaigns, saved.youth_participants) == (
        "展览", ["全国科普日/科普月"], 300
    )  # fmt: skip
    assert (saved.materials, saved.papers, saved.planned) == (2000, 2, True)
    again = ActivityDialog(store, saved)
    qtbot.addWidget(again)
    assert again.youth_spin.value() == 300 and again.planned_box.isChecked()
    assert again.campaign_group.values() == ["全国科普日/科普月"]


def test_unit_form_saves_election_dates(store: Store, qtbot: Any) -> None:
    dialog = UnitDialog(store)
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("城关镇科协")
    dialog.kind_combo.setCurrentIndex(1)
    dialog.last_election_edit.set_value("2022.6.18")
    dialog.next_election_edit.set_value("2021-06-18")
    dialog.accept()
    assert dialog.error_labels["next_election_due"].text() == "应晚于上次换届日期"
    dialog.next_election_edit.set_value("2027-06-18")
    dialog.accept()
    assert dialog.saved is not None and dialog.saved.id is not None
    unit = store.records.get(Unit, dialog.saved.id)
    assert (unit.last_election_date, unit.next_election_due) == ("2022-06-18", "2027-06-18")


def test_person_form_keeps_positions(store: Store, qtbot: Any) -> None:
    unit = store.records.save(Unit(name="城关镇科协", kind="企业科协"))
    dialog = PersonDialog(store)
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("李校长")
    dialog.positions_editor.add_button.click()
    table = dialog.positions_editor.table
    assert table.rowCount() == 1
    # No post chosen: the row is named, nothing is saved.
    dialog.accept()
    assert dialog.saved is None
    assert dialog.error_labels["positions"].text().startswith("第1行：")
    assert store.records.count(Person) == 0
    table.cellWidget(0, 0).set_selected_id(unit.id)  # type: ignore[union-attr]
    post = table.cellWidget(0, 1)
    post.setCurrentIndex(post.findData("兼职副主席"))  # type: ignore[union-attr]
    background = table.cellWidget(0, 2)
    background.setCurrentIndex(background.findData("学校校长"))  # type: ignore[union-attr]
    start = table.cellWidget(0, 3)
    assert isinstance(start, QLineEdit)
    start.setText("2023.1.5")
    dialog.accept()
    assert dialog.saved is not None and dialog.saved.id is not None
    assert store.positions.of(dialog.saved.id) == [
        Position(store.positions.of()[0].id, dialog.saved.id, unit.id, "兼职副主席", "学校校长",
                 "2023-01-05", None)
    ]  # fmt: skip
    again = PersonDialog(store, store.records.get(Person, dialog.saved.id))
    qtbot.addWidget(again)
    assert again.positions_editor.table.rowCount() == 1
    again.positions_editor.table.selectRow(0)
    again.positions_editor.remove_button.click()
    again.accept()
    assert store.positions.of(dialog.saved.id) == []
