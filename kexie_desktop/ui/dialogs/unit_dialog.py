"""新增/修改基层组织."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import QCheckBox, QLineEdit, QSpinBox

from kexie_desktop.core.records import UNIT_KINDS, Unit
from kexie_desktop.ui.dialogs.record_dialog import RecordDialog
from kexie_desktop.ui.widgets import (
    OptionalDateEdit,
    combo_value,
    make_choice_combo,
    set_combo_value,
)


class UnitDialog(RecordDialog[Unit]):
    RECORD_TYPE = Unit

    def build_fields(self) -> None:
        self.name_edit = QLineEdit()
        self.add_field("name", self.name_edit, required=True)
        self.kind_combo = make_choice_combo(UNIT_KINDS, allow_empty=True)
        self.add_field("kind", self.kind_combo, required=True)
        self.established_edit = OptionalDateEdit()
        self.add_field("established_date", self.established_edit)
        self.new_box = QCheckBox("本年度新成立")
        self.add_field("founded_this_year", self.new_box, caption="本年新建")
        self.contact_edit = QLineEdit()
        self.add_field("contact_person", self.contact_edit)
        self.phone_edit = QLineEdit()
        self.phone_edit.setPlaceholderText("手机11位，或固定电话如 0737-4212345")
        self.add_field("contact_phone", self.phone_edit)
        self.members_spin = QSpinBox()
        # -1 shows as 「未填」: an unknown count is not a count of 0.
        self.members_spin.setRange(-1, 10_000_000)
        self.members_spin.setSpecialValueText("未填")
        self.members_spin.setSuffix(" 人")
        self.add_field("member_count", self.members_spin)
        self.last_election_edit = OptionalDateEdit()
        self.add_field("last_election_date", self.last_election_edit)
        self.next_election_edit = OptionalDateEdit()
        self.next_election_edit.page_hint = self.last_election_edit.value
        self.add_field("next_election_due", self.next_election_edit, caption="下次换届（应于）")
        self.notes_edit = QLineEdit()
        self.add_field("notes", self.notes_edit, caption="备注")

    def load(self, record: Unit) -> None:
        self.name_edit.setText(record.name)
        set_combo_value(self.kind_combo, record.kind)
        self.established_edit.set_value(record.established_date)
        self.new_box.setChecked(record.founded_this_year)
        self.contact_edit.setText(record.contact_person)
        self.phone_edit.setText(record.contact_phone)
        self.members_spin.setValue(-1 if record.member_count is None else record.member_count)
        self.last_election_edit.set_value(record.last_election_date)
        self.next_election_edit.set_value(record.next_election_due)
        self.notes_edit.setText(record.notes)

    def collect(self) -> Unit:
        return dataclasses.replace(
            self.record,
            name=self.name_edit.text(),
            kind=combo_value(self.kind_combo),
            established_date=self.established_edit.value(),
            founded_this_year=self.new_box.isChecked(),
            contact_person=self.contact_edit.text(),
            contact_phone=self.phone_edit.text(),
            member_count=None if self.members_spin.value() < 0 else self.members_spin.value(),
            last_election_date=self.last_election_edit.value(),
            next_election_due=self.next_election_edit.value(),
            notes=self.notes_edit.text(),
        )
