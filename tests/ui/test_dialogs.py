from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from kexie_desktop.core.records import Activity, Award, Person, Profile, Unit
from kexie_desktop.core.store import Store
from kexie_desktop.ui.dialogs.activity_dialog import ActivityDialog
from kexie_desktop.ui.dialogs.award_dialog import WINNER_TEAM, WINNER_UNIT, AwardDialog
from kexie_desktop.ui.dialogs.person_dialog import PersonDialog
from kexie_desktop.ui.dialogs.profile_dialog import ProfileDialog
from kexie_desktop.ui.dialogs.unit_dialog import UnitDialog
from kexie_desktop.ui.widgets import set_combo_value


def _ok(dialog: QDialog) -> None:
    button = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    button.click()


def test_buttons_are_in_chinese(store: Store, qtbot: Any) -> None:
    dialog = UnitDialog(store)
    qtbot.addWidget(dialog)
    box = dialog.findChild(QDialogButtonBox)
    assert box.button(QDialogButtonBox.StandardButton.Ok).text() == "确定(&O)"
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"


def test_new_activity_is_saved_with_its_people(store: Store, qtbot: Any) -> None:
    unit = store.records.save(Unit(name="青江纸业科协", kind="企业科协"))
    person = store.records.save(Person(name="张三", unit_id=unit.id))
    dialog = ActivityDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.title_edit.insert("纸机节能技术交流会")
    set_combo_value(dialog.category_combo, "学术交流")
    assert dialog.category_combo.currentText() == "学术交流"
    dialog.start_edit.set_value("2025-03-05")
    dialog.unit_picker.setEditText("青江纸业科协")
    dialog.participants_spin.setValue(86)
    picker = dialog.people_picker
    picker.input.textEdited.emit("张")  # typing asks the roster
    completer = picker.input.completer()
    assert completer is not None
    completer.activated.emit("张三（青江纸业科协）")  # picked from the list
    assert picker.person_ids() == [person.id]
    picker.input.setText("张三")  # typed in full, then 加入
    picker.add_button.click()
    assert picker.person_ids() == [person.id]
    dialog.audience_group.boxes["科技工作者"].setChecked(True)
    dialog.highlight_box.setChecked(True)
    dialog.description_edit.setPlainText("3月5日，青江纸业科协组织交流会。")
    dialog.outcome_spins["technologies_promoted"].setValue(2)
    _ok(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = store.records.get(Activity, dialog.saved.id)
    assert (saved.title, saved.category, saved.start_date, saved.end_date) == (
        "纸机节能技术交流会", "学术交流", "2025-03-05", None,
    )  # fmt: skip
    assert saved.unit_id == unit.id and saved.person_ids == [person.id]
    assert saved.participants == 86 and saved.highlight and saved.technologies_promoted == 2
    assert saved.audience == ["科技工作者"]
    assert saved.description == "3月5日，青江纸业科协组织交流会。"


def test_participants_may_be_unknown(store: Store, qtbot: Any) -> None:
    dialog = ActivityDialog(store)
    qtbot.addWidget(dialog)
    # A new activity's 人次 is 不详 until typed: never a silent 0.
    assert dialog.participants_spin.text() == "不详"
    dialog.title_edit.insert("科普短信")
    set_combo_value(dialog.category_combo, "科技传播")
    dialog.start_edit.set_value("2025-06-03")
    _ok(dialog)
    saved = store.records.get(Activity, dialog.saved.id)
    assert saved.participants is None
    row = store.conn.execute("SELECT participants FROM activities WHERE id = ?", [saved.id])
    assert row.fetchone()[0] is None
    dialog = ActivityDialog(store, saved)
    qtbot.addWidget(dialog)
    assert dialog.participants_spin.text() == "不详"
    dialog.participants_spin.setValue(0)
    _ok(dialog)
    assert store.records.get(Activity, saved.id).participants == 0


def test_a_highlight_asks_for_its_description(store: Store, qtbot: Any) -> None:
    dialog = ActivityDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.title_edit.insert("学术年会")
    set_combo_value(dialog.category_combo, "学术交流")
    dialog.start_edit.set_value("2025-04-18")
    dialog.highlight_box.setChecked(True)
    _ok(dialog)
    assert dialog.saved is None
    assert "重点活动请填写情况说明" in dialog.error_labels["description"].text()
    assert "不必重复" in dialog.description_edit.placeholderText()


def test_invalid_activity_keeps_the_dialog_open_with_messages(store: Store, qtbot: Any) -> None:
    dialog = ActivityDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.place_edit.insert("市科协三楼")
    dialog.start_edit.set_value("2025-03-05")
    dialog.end_edit.set_value("2025-03-01")
    dialog.unit_picker.setEditText("不存在的单位")
    _ok(dialog)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.error_labels["unit_id"].text().startswith("没有名为“不存在的单位”")
    dialog.unit_picker.setEditText("")
    _ok(dialog)
    assert dialog.isVisible()
    assert dialog.error_labels["title"].text() == "必须填写"
    assert dialog.error_labels["title"].isVisibleTo(dialog)
    assert dialog.error_labels["category"].text() == "必须选择"
    assert dialog.error_labels["end_date"].text() == "不能早于开始日期"
    assert not dialog.error_labels["place"].isVisibleTo(dialog)
    assert dialog.place_edit.text() == "市科协三楼"
    assert store.records.count(Activity) == 0
    # Correcting the fields lets it through and clears the messages.
    dialog.title_edit.insert("交流会")
    set_combo_value(dialog.category_combo, "学术交流")
    dialog.end_edit.set_value(None)
    _ok(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert store.records.count(Activity) == 1


def test_editing_an_activity_shows_and_saves_its_values(demo_store: Store, qtbot: Any) -> None:
    record_id = demo_store.db.execute("SELECT activity_id FROM activity_people LIMIT 1").fetchone()[
        0
    ]
    original = demo_store.records.get(Activity, record_id)
    dialog = ActivityDialog(demo_store, original)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "修改活动"
    assert dialog.title_edit.text() == original.title
    assert dialog.start_edit.value() == original.start_date
    assert dialog.people_picker.person_ids() == original.person_ids
    dialog.title_edit.setText(original.title + "（修订）")
    _ok(dialog)
    again = demo_store.records.get(Activity, record_id)
    assert again.title == original.title + "（修订）"
    assert again.person_ids == original.person_ids
    assert again.created_at == original.created_at


def test_person_id_number_fills_birth_date_and_gender(store: Store, qtbot: Any) -> None:
    dialog = PersonDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name_edit.insert("王芳")
    dialog.id_edit.insert("11010519491231002x")
    dialog.id_edit.editingFinished.emit()
    assert dialog.id_edit.text() == "11010519491231002X"
    assert dialog.birth_edit.value() == "1949-12-31"
    assert dialog.gender_combo.currentData() == "女"
    _ok(dialog)
    saved = store.records.get(Person, dialog.saved.id)
    assert (saved.birth_date, saved.gender, saved.status) == ("1949-12-31", "女", "在册")


def test_person_bad_id_and_phone_are_shown_beside_the_fields(store: Store, qtbot: Any) -> None:
    dialog = PersonDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name_edit.insert("王芳")
    dialog.id_edit.insert("110105194912310021")
    dialog.phone_edit.insert("1381234567")
    _ok(dialog)
    assert dialog.isVisible()
    assert "校验码不正确" in dialog.error_labels["id_number"].text()
    assert dialog.error_labels["phone"].text() == "手机号码应为11位，现为10位"
    assert store.records.count(Person) == 0


def test_birth_month_only(store: Store, qtbot: Any) -> None:
    dialog = PersonDialog(store, Person(name="李四", birth_date="1975-03"))
    qtbot.addWidget(dialog)
    assert dialog.birth_edit.value() == "1975-03"
    _ok(dialog)
    assert store.records.get(Person, dialog.saved.id).birth_date == "1975-03"


def test_award_to_a_team_and_to_a_unit(store: Store, qtbot: Any) -> None:
    unit = store.records.save(Unit(name="青江橡机科协", kind="企业科协"))
    dialog = AwardDialog(store)
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("省优秀质量管理小组")
    set_combo_value(dialog.level_combo, "省部级")
    dialog.winner_kind.button(WINNER_TEAM).click()
    assert dialog.winner_stack.currentWidget().isAncestorOf(dialog.team_edit)
    dialog.team_edit.setText("液压缸铸造质量QC小组")
    _ok(dialog)
    saved = store.records.get(Award, dialog.saved.id)
    assert (saved.team, saved.person_id, saved.unit_id) == ("液压缸铸造质量QC小组", None, None)

    # The team's unit, the award's note and the work it crowned.
    work = store.records.save(Activity(title="液压缸铸造质量攻关", category="科技服务",
                                       start_date="2025-03-04", highlight=True,
                                       description="攻关。"))  # fmt: skip
    dialog = AwardDialog(store, saved)
    qtbot.addWidget(dialog)
    assert dialog.winner_kind.checkedId() == WINNER_TEAM
    dialog.team_unit_picker.setEditText("青江橡机科协")
    dialog.note_edit.setText("这是我市首次获得该奖项")
    dialog.activity_picker.setEditText("2025-03-04 液压缸铸造质量攻关")
    _ok(dialog)
    saved = store.records.get(Award, saved.id)
    assert (saved.team, saved.unit_id, saved.note, saved.activity_id) == (
        "液压缸铸造质量QC小组", unit.id, "这是我市首次获得该奖项", work.id,
    )  # fmt: skip

    dialog = AwardDialog(store, saved)
    qtbot.addWidget(dialog)
    assert dialog.winner_kind.checkedId() == WINNER_TEAM
    assert dialog.team_unit_picker.selected_id() == unit.id
    assert dialog.activity_picker.selected_id() == work.id
    dialog.winner_kind.button(WINNER_UNIT).click()
    dialog.unit_picker.setEditText("青江橡机科协")
    _ok(dialog)
    again = store.records.get(Award, saved.id)
    assert (again.team, again.unit_id) == ("", unit.id)


def test_award_without_winner_or_with_unknown_person(store: Store, qtbot: Any) -> None:
    dialog = AwardDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name_edit.setText("青年科技奖")
    set_combo_value(dialog.level_combo, "省部级")
    _ok(dialog)
    assert "请选择获奖人员" in dialog.error_labels["winner"].text()
    dialog.person_picker.setText("查无此人")
    _ok(dialog)
    assert dialog.error_labels["winner"].text() == "名单中没有“查无此人”，请从下拉列表中选择"
    assert store.records.count(Award) == 0


def test_unit_duplicate_name(store: Store, qtbot: Any) -> None:
    store.records.save(Unit(name="甲学会", kind="学会"))
    dialog = UnitDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name_edit.setText("甲学会")
    set_combo_value(dialog.kind_combo, "学会")
    _ok(dialog)
    assert dialog.error_labels["name"].text() == "已有名为“甲学会”的基层组织"
    dialog.name_edit.setText("乙学会")
    _ok(dialog)
    assert store.records.count(Unit) == 2


def test_escape_closes_a_dialog_without_saving(
    store: Store, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[bool] = []
    monkeypatch.setattr(UnitDialog, "confirm_discard", lambda _self: asked.append(True) or True)
    dialog = UnitDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.name_edit.setText("甲学会")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert asked == [True]  # typed work is not thrown away without asking
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert store.records.count(Unit) == 0


def test_empty_date_opens_its_calendar_on_today(store: Store, qtbot: Any) -> None:
    dialog = ActivityDialog(store)
    qtbot.addWidget(dialog)
    calendar = dialog.start_edit.calendar
    dialog.start_edit._open_calendar()  # what opening the calendar menu does
    today = QDate.currentDate()
    assert (calendar.yearShown(), calendar.monthShown()) == (today.year(), today.month())
    # The end date's calendar opens on the month of the start date, and a click fills it.
    dialog.start_edit.set_value("2025-03-05")
    dialog.end_edit._open_calendar()
    end_calendar = dialog.end_edit.calendar
    assert (end_calendar.yearShown(), end_calendar.monthShown()) == (2025, 3)
    assert dialog.end_edit.value() is None
    end_calendar.clicked.emit(QDate(2025, 3, 7))
    assert dialog.end_edit.value() == "2025-03-07"


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("2025-3-5", "2025-03-05"),
        ("2025.3.5", "2025-03-05"),
        ("2025/03/05", "2025-03-05"),
        ("2025年3月5日", "2025-03-05"),
        ("20250305", "2025-03-05"),
        ("２０２５-３-５", "2025-03-05"),
        ("2025-02-30", "2025-02-30"),  # kept as typed, so validation can say what is wrong
        ("", None),
    ],
)
def test_dates_are_typed_as_clerks_write_them(
    store: Store, qtbot: Any, typed: str, value: str | None
) -> None:
    dialog = ActivityDialog(store)
    qtbot.addWidget(dialog)
    dialog.start_edit.line.setText(typed)
    assert dialog.start_edit.value() == value


def test_typed_birth_month(store: Store, qtbot: Any) -> None:
    dialog = PersonDialog(store)
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("李四")
    dialog.birth_edit.line.setText("1975年3月")
    _ok(dialog)
    assert store.records.get(Person, dialog.saved.id).birth_date == "1975-03"


def test_a_bad_typed_date_is_reported_beside_the_field(store: Store, qtbot: Any) -> None:
    dialog = ActivityDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.title_edit.setText("会")
    set_combo_value(dialog.category_combo, "其他")
    dialog.start_edit.line.setText("2025-02-30")
    _ok(dialog)
    assert "2025-02-30 不是有效日期" in dialog.error_labels["start_date"].text()


def test_two_people_with_the_same_name_and_unit_stay_apart(store: Store, qtbot: Any) -> None:
    unit = store.records.save(Unit(name="机械厂科协", kind="企业科协"))
    first = store.records.save(Person(name="张伟", unit_id=unit.id, birth_date="1970-01-01"))
    second = store.records.save(Person(name="张伟", unit_id=unit.id, birth_date="1980-01-01"))
    award = store.records.save(Award(name="奖", level="市级", person_id=second.id))
    dialog = AwardDialog(store, award)
    qtbot.addWidget(dialog)
    assert dialog.person_picker.text() == f"张伟（机械厂科协，1980年生，编号{second.id}）"
    _ok(dialog)
    assert store.records.get(Award, award.id or 0).person_id == second.id
    labels = dict(store.lists.person_choices("张伟"))
    assert labels[first.id or 0] != labels[second.id or 0]
    activity = ActivityDialog(store)
    qtbot.addWidget(activity)
    activity.people_picker.add_person(first.id or 0)
    activity.people_picker.add_person(second.id or 0)
    assert activity.people_picker.person_ids() == [first.id, second.id]


def test_an_ambiguous_typed_name_is_refused(store: Store, qtbot: Any) -> None:
    store.records.save(Person(name="张伟"))
    store.records.save(Person(name="张伟"))
    only = store.records.save(Person(name="王芳"))
    dialog = AwardDialog(store)
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("奖")
    set_combo_value(dialog.level_combo, "市级")
    dialog.person_picker.setText("张伟")
    _ok(dialog)
    assert "名单中没有“张伟”" in dialog.error_labels["winner"].text()
    dialog.person_picker.setText("王芳")
    _ok(dialog)
    assert store.records.get(Award, dialog.saved.id).person_id == only.id


def test_the_person_picker_asks_the_database_as_you_type(store: Store, qtbot: Any) -> None:
    for i in range(120):
        store.records.save(Person(name=f"张{i:03d}"))
    store.records.save(Person(name="李四"))
    dialog = AwardDialog(store)
    qtbot.addWidget(dialog)
    picker = dialog.person_picker
    picker.textEdited.emit("李")
    completer = picker.completer()
    assert completer is not None
    model = completer.model()
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["李四"]
    picker.textEdited.emit("张")
    assert model.rowCount() == 50  # a page of matches, not the whole roster


def test_profile_dialog_requires_a_name(store: Store, qtbot: Any) -> None:
    dialog = ProfileDialog(store, first_run=True)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.demo_box.isVisible()
    dialog.accept()
    assert dialog.error_labels["org_name"].text() == "必须填写"
    dialog.name_edit.setText("青江市厂矿科协联合会")
    dialog.demo_box.setChecked(True)
    dialog.accept()
    assert dialog.wants_demo
    assert store.settings.profile() == Profile(org_name="青江市厂矿科协联合会")
