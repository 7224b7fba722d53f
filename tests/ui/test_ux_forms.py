"""The record forms under a clerk's keyboard: nothing typed is lost, Enter only picks."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QInputDialog, QMessageBox

from kexie_desktop.core.records import Activity, Person, Unit
from kexie_desktop.core.store import Store
from kexie_desktop.ui.dialogs.activity_dialog import ActivityDialog
from kexie_desktop.ui.dialogs.person_dialog import PersonDialog
from kexie_desktop.ui.dialogs.record_dialog import RecordDialog
from kexie_desktop.ui.dialogs.unit_dialog import UnitDialog
from tests.ui.conftest import Questions


def _open(dialog: QDialog, qtbot: Any) -> None:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)


@pytest.fixture
def namesakes(store: Store) -> tuple[Person, Person]:
    a = store.records.save(Unit(name="青江纸业科协", kind="企业科协"))
    b = store.records.save(Unit(name="城关中学科协", kind="企业科协"))
    return (
        store.records.save(Person(name="张伟", unit_id=a.id, birth_date="1980-01-01")),
        store.records.save(Person(name="张伟", unit_id=b.id, birth_date="1990-01-01")),
    )


def test_enter_in_the_people_box_adds_and_keeps_the_form_open(
    store: Store, namesakes: tuple[Person, Person], qtbot: Any
) -> None:
    only = store.records.save(Person(name="李四"))
    dialog = ActivityDialog(store)
    _open(dialog, qtbot)
    dialog.title_edit.setText("科普讲座")
    box = dialog.people_picker.input
    box.setFocus()
    box.setText("李四")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.people_picker.person_ids() == [only.id]
    assert store.records.count(Activity) == 0


def test_an_ambiguous_name_asks_which_one(
    store: Store, namesakes: tuple[Person, Person], qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[list[str]] = []

    def choose(_parent: Any, _title: str, _text: str, items: list[str], *_a: Any) -> Any:
        asked.append(items)
        return items[1], True

    monkeypatch.setattr(QInputDialog, "getItem", choose)
    dialog = ActivityDialog(store)
    _open(dialog, qtbot)
    box = dialog.people_picker.input
    box.setText("张伟")
    qtbot.keyClick(box, Qt.Key.Key_Enter)
    assert len(asked) == 1 and len(asked[0]) == 2
    # Told apart by unit: never two identical lines to choose from.
    assert len(set(asked[0])) == 2 and all(item.startswith("张伟（") for item in asked[0])
    chosen = [pid for pid in (namesakes[0].id, namesakes[1].id)
              if store.lists.person_labels([pid])[pid] == asked[0][1]]  # fmt: skip
    assert dialog.people_picker.person_ids() == chosen
    assert dialog.isVisible()


def test_a_name_nobody_has_is_said_beside_the_box(store: Store, qtbot: Any) -> None:
    dialog = ActivityDialog(store)
    _open(dialog, qtbot)
    box = dialog.people_picker.input
    box.setText("王五")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert "没有“王五”" in dialog.people_picker.message.text()
    assert dialog.people_picker.message.isVisibleTo(dialog)


def _answer_discard_box(qtbot: Any, button_text: str, seen: list[str]) -> None:
    def answer() -> None:
        boxes = [w for w in QApplication.topLevelWidgets()
                 if isinstance(w, QMessageBox) and w.isVisible()]  # fmt: skip
        if not boxes:
            QTimer.singleShot(20, answer)
            return
        seen.append(boxes[0].text())
        for button in boxes[0].buttons():
            if button.text() == button_text:
                button.click()

    QTimer.singleShot(20, answer)


def test_esc_on_a_changed_form_asks_before_discarding(store: Store, qtbot: Any) -> None:
    dialog = UnitDialog(store)
    _open(dialog, qtbot)
    dialog.fields["name"].setFocus()
    qtbot.keyClicks(dialog.fields["name"], "Qingjiang")
    seen: list[str] = []
    _answer_discard_box(qtbot, "继续填写", seen)
    qtbot.keyClick(dialog.fields["name"], Qt.Key.Key_Escape)
    assert seen and "放弃" in seen[0]
    assert dialog.isVisible()
    _answer_discard_box(qtbot, "放弃改动", seen)
    dialog.close()
    assert len(seen) == 2
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected


def test_esc_on_an_unchanged_form_closes_at_once(
    store: Store, namesakes: tuple[Person, Person], qtbot: Any
) -> None:
    dialog = PersonDialog(store, store.records.get(Person, namesakes[0].id))
    _open(dialog, qtbot)
    assert not dialog.has_changes()
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_focus_starts_in_the_first_field_and_tab_follows_the_form(store: Store, qtbot: Any) -> None:
    dialog = ActivityDialog(store)
    _open(dialog, qtbot)
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.title_edit)
    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.category_combo


def test_tab_leaves_the_description_and_ctrl_enter_saves(store: Store, qtbot: Any) -> None:
    dialog = ActivityDialog(store)
    _open(dialog, qtbot)
    dialog.title_edit.setText("科普讲座")
    dialog.category_combo.setCurrentIndex(dialog.category_combo.findData("学术交流"))
    dialog.start_edit.set_value("2025-03-05")
    text = dialog.description_edit
    text.setFocus()
    qtbot.keyClicks(text, "line 1")
    qtbot.keyClick(text, Qt.Key.Key_Return)
    qtbot.keyClicks(text, "line 2")
    assert text.toPlainText() == "line 1\nline 2"
    qtbot.keyClick(text, Qt.Key.Key_Tab)
    assert "\t" not in text.toPlainText() and dialog.focusWidget() is not text
    text.setFocus()
    qtbot.keyClick(text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = store.records.get(Activity, dialog.saved.id)
    assert saved.description == "line 1\nline 2"


def test_ctrl_s_saves_and_ok_has_its_alt_key(store: Store, qtbot: Any) -> None:
    dialog = UnitDialog(store)
    _open(dialog, qtbot)
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    assert "&O" in ok.text()
    dialog.fields["name"].setText("城关中学科协")
    dialog.kind_combo.setCurrentIndex(1)
    qtbot.keyClick(dialog.fields["name"], Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert store.records.count(Unit) == 1


def test_a_red_message_goes_when_the_field_is_right(store: Store, qtbot: Any) -> None:
    dialog = ActivityDialog(store)
    _open(dialog, qtbot)
    dialog.accept()
    assert dialog.error_labels["title"].isVisibleTo(dialog)
    assert dialog.error_labels["category"].isVisibleTo(dialog)
    dialog.title_edit.setText("科普讲座")
    assert not dialog.error_labels["title"].isVisibleTo(dialog)
    assert dialog.error_labels["category"].isVisibleTo(dialog)


def test_part_of_a_unit_name_and_tab_picks_the_only_match(store: Store, qtbot: Any) -> None:
    unit = store.records.save(Unit(name="青江纸业科协", kind="企业科协"))
    store.records.save(Unit(name="城关中学科协", kind="学校科协"))
    dialog = PersonDialog(store)
    _open(dialog, qtbot)
    picker = dialog.unit_picker
    picker.setFocus()
    picker.setEditText("纸业")
    qtbot.keyClick(picker, Qt.Key.Key_Tab)
    assert picker.currentText() == "青江纸业科协"
    assert picker.selected_id() == unit.id
    picker.setEditText("科协")  # both: left for the clerk to finish
    picker.complete_unique()
    assert picker.currentText() == "科协"


def test_record_dialogs_share_the_frame() -> None:
    assert issubclass(ActivityDialog, RecordDialog) and issubclass(UnitDialog, RecordDialog)


def test_adding_a_second_person_of_the_same_name_warns(
    store: Store, namesakes: tuple[Person, Person], qtbot: Any, questions: Questions
) -> None:
    questions.default = False
    dialog = PersonDialog(store)
    _open(dialog, qtbot)
    dialog.name_edit.setText("张伟")
    dialog.accept()
    (asked,) = questions.texts
    assert "2 位“张伟”" in asked and "青江纸业科协" in asked
    assert dialog.isVisible() and len(store.imports.people_named("张伟")) == 2
    questions.default = True
    dialog.accept()
    assert len(store.imports.people_named("张伟")) == 3
    # Editing one of them (name unchanged) does not ask.
    again = PersonDialog(store, store.records.get(Person, namesakes[0].id))
    _open(again, qtbot)
    again.phone_edit.setText("13800000000")
    again.accept()
    assert len(questions.asked) == 2 and again.result() == QDialog.DialogCode.Accepted


def test_a_date_without_a_year_is_in_the_selected_year(store: Store, qtbot: Any) -> None:
    dialog = ActivityDialog(store)
    qtbot.addWidget(dialog)
    dialog.set_default_year(2024)
    dialog.start_edit.line.setText("3.5")
    assert dialog.start_edit.value() == "2024-03-05"
    dialog.end_edit.line.setText("3月8日")
    assert dialog.end_edit.value() == "2024-03-08"
    dialog.end_edit.line.setText("2.30")  # no such day: left for validation to explain
    assert dialog.end_edit.value() == "2.30"
    birth = PersonDialog(store)
    qtbot.addWidget(birth)
    birth.set_default_year(2024)
    birth.birth_edit.line.setText("3.5")  # a birth date needs its year
    assert birth.birth_edit.value() == "3.5"


def test_the_tab_gives_its_year_to_the_form(
    window: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str | None] = []

    def fake_exec(dialog: ActivityDialog) -> int:
        dialog.start_edit.line.setText("5.4")
        seen.append(dialog.start_edit.value())
        return 0

    monkeypatch.setattr(ActivityDialog, "exec", fake_exec)
    year = window.selected_year()
    window.activities_tab.new_record()
    assert seen == [f"{year}-05-04"]
