"""新增/修改奖项."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLineEdit,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kexie_desktop.core.records import AWARD_LEVELS, Award
from kexie_desktop.core.validation import ValidationError
from kexie_desktop.ui.attachments_panel import AttachmentsPanel
from kexie_desktop.ui.dialogs.record_dialog import RecordDialog
from kexie_desktop.ui.widgets import (
    ChoicePicker,
    OptionalDateEdit,
    PersonPicker,
    combo_value,
    make_choice_combo,
    set_combo_value,
)

WINNER_PERSON, WINNER_UNIT, WINNER_TEAM = range(3)


class AwardDialog(RecordDialog[Award]):
    RECORD_TYPE = Award

    def build_fields(self) -> None:
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("如：湖南省青年科技奖、省优秀质量管理小组")
        self.add_field("name", self.name_edit, required=True)
        self.level_combo = make_choice_combo(AWARD_LEVELS, allow_empty=True)
        self.add_field("level", self.level_combo, required=True)
        self.date_edit = OptionalDateEdit()
        self.add_field("award_date", self.date_edit)

        winner = QWidget()
        self.winner_kind = QButtonGroup(winner)
        radios = QHBoxLayout()
        for kind, text in (
            (WINNER_PERSON, "个人"),
            (WINNER_UNIT, "单位"),
            (WINNER_TEAM, "集体（如QC小组）"),
        ):
            radio = QRadioButton(text)
            self.winner_kind.addButton(radio, kind)
            radios.addWidget(radio)
        radios.addStretch(1)
        self.person_picker = PersonPicker(self.store)
        self.unit_picker = ChoicePicker(self.store.lists.unit_choices(), empty_label="")
        self.team_edit = QLineEdit()
        self.team_edit.setPlaceholderText("集体名称，如：平板硫化机液压缸铸造质量QC小组")
        # A team's award is credited to its unit in the summary (「…科协“…QC小组”获…」).
        self.team_unit_picker = ChoicePicker(
            self.store.lists.unit_choices(), empty_label="所在单位（可不填）"
        )
        team = QWidget()
        team_box = QHBoxLayout(team)
        team_box.setContentsMargins(0, 0, 0, 0)
        team_box.addWidget(self.team_edit, 3)
        team_box.addWidget(self.team_unit_picker, 2)
        self.winner_stack = QStackedWidget()
        for widget in (self.person_picker, self.unit_picker, team):
            self.winner_stack.addWidget(widget)
        self.winner_kind.idToggled.connect(self._winner_kind_toggled)
        box = QVBoxLayout(winner)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(radios)
        box.addWidget(self.winner_stack)
        self.add_field("winner", winner, required=True)

        self.issuer_edit = QLineEdit()
        self.add_field("issuer", self.issuer_edit)
        self.certificate_edit = QLineEdit()
        self.add_field("certificate_no", self.certificate_edit)
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("总结中写在奖项之后，如：这是我市首次获得该奖项")
        self.add_field("note", self.note_edit, caption="获奖说明")
        self.activity_picker = ChoicePicker(
            self.store.lists.activity_choices(self.record.activity_id), empty_label="（不关联）"
        )
        self.activity_picker.setToolTip("总结会在这项重点活动的段落中写到这个奖项")
        self.add_field("activity_id", self.activity_picker, caption="所获成果的活动")
        self.notes_edit = QLineEdit()
        self.add_field("notes", self.notes_edit, caption="备注")
        self.attachments_panel = AttachmentsPanel(self.store, "awards", self.record.id)
        self.add_attachments(self.attachments_panel)

    def _winner_kind_toggled(self, kind: int, on: bool) -> None:
        if on:
            self.winner_stack.setCurrentIndex(kind)

    def load(self, record: Award) -> None:
        self.name_edit.setText(record.name)
        set_combo_value(self.level_combo, record.level)
        self.date_edit.set_value(record.award_date)
        if record.team:
            kind = WINNER_TEAM
        elif record.unit_id is not None:
            kind = WINNER_UNIT
        else:
            kind = WINNER_PERSON
        button = self.winner_kind.button(kind)
        button.setChecked(True)
        self.winner_stack.setCurrentIndex(kind)
        self.person_picker.set_selected_id(record.person_id)
        self.unit_picker.set_selected_id(None if record.team else record.unit_id)
        self.team_unit_picker.set_selected_id(record.unit_id if record.team else None)
        self.team_edit.setText(record.team)
        self.note_edit.setText(record.note)
        self.activity_picker.set_selected_id(record.activity_id)
        self.issuer_edit.setText(record.issuer)
        self.certificate_edit.setText(record.certificate_no)
        self.notes_edit.setText(record.notes)

    def collect(self) -> Award:
        kind = self.winner_kind.checkedId()
        person_id = unit_id = None
        team = ""
        try:
            if kind == WINNER_PERSON:
                person_id = self.person_picker.selected_id()
            elif kind == WINNER_UNIT:
                unit_id = self.unit_picker.selected_id()
            else:
                team = self.team_edit.text()
                unit_id = self.team_unit_picker.selected_id()
        except LookupError as exc:
            raise ValidationError(
                {"winner": f"名单中没有“{exc.args[0]}”，请从下拉列表中选择"}
            ) from None
        try:
            activity_id = self.activity_picker.selected_id()
        except LookupError as exc:
            raise ValidationError(
                {"activity_id": f"没有“{exc.args[0]}”这项重点活动，请从下拉列表中选择"}
            ) from None
        return dataclasses.replace(
            self.record,
            name=self.name_edit.text(),
            level=combo_value(self.level_combo),
            award_date=self.date_edit.value(),
            person_id=person_id,
            unit_id=unit_id,
            team=team,
            issuer=self.issuer_edit.text(),
            certificate_no=self.certificate_edit.text(),
            note=self.note_edit.text(),
            activity_id=activity_id,
            notes=self.notes_edit.text(),
        )
