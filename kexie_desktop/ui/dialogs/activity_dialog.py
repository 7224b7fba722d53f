"""新增/修改活动."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from kexie_desktop.core.records import (
    ACTIVITY_FORMS,
    AUDIENCES,
    CAMPAIGNS,
    CATEGORIES,
    CATEGORY_HINTS,
    OUTCOME_FIELDS,
    Activity,
)
from kexie_desktop.ui.attachments_panel import AttachmentsPanel
from kexie_desktop.ui.dialogs.record_dialog import RecordDialog
from kexie_desktop.ui.widgets import (
    CheckGroup,
    ChoicePicker,
    OptionalDateEdit,
    PeopleListPicker,
    combo_value,
    make_choice_combo,
    set_combo_value,
)

_MAX_COUNT = 10_000_000


def _spin() -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0, _MAX_COUNT)
    spin.setGroupSeparatorShown(False)
    return spin


class ActivityDialog(RecordDialog[Activity]):
    RECORD_TYPE = Activity

    def build_fields(self) -> None:
        self.title_edit = QLineEdit()
        self.add_field("title", self.title_edit, required=True)
        self.category_combo = make_choice_combo(CATEGORIES, allow_empty=True, hints=CATEGORY_HINTS)
        self.add_field("category", self.category_combo, required=True)
        self.form_combo = make_choice_combo(ACTIVITY_FORMS, allow_empty=True)
        self.add_field("form", self.form_combo)
        self.campaign_group = CheckGroup(CAMPAIGNS, columns=3)
        self.add_field("campaigns", self.campaign_group)
        self.planned_box = QCheckBox("尚未举办的计划活动：不计入年度总结，只计入统计年报的计划数")
        self.add_field("planned", self.planned_box)
        self.start_edit = OptionalDateEdit()
        self.add_field("start_date", self.start_edit, required=True)
        self.end_edit = OptionalDateEdit()
        self.add_field("end_date", self.end_edit)
        self.unit_picker = ChoicePicker(self.store.lists.unit_choices(), empty_label="本会（不填）")
        self.add_field("unit_id", self.unit_picker)
        self.co_edit = QLineEdit()
        self.co_edit.setPlaceholderText("多个单位用顿号分隔")
        self.add_field("co_organisers", self.co_edit, caption="协办单位")
        self.place_edit = QLineEdit()
        self.add_field("place", self.place_edit)
        self.audience_group = CheckGroup(AUDIENCES, columns=4)
        self.add_field("audience", self.audience_group)
        self.participants_spin = _spin()
        # Unknown is its own value (不详, stored as NULL): never written or summed as 0.
        self.participants_spin.setMinimum(-1)
        self.participants_spin.setSpecialValueText("不详")
        self.participants_spin.setSuffix(" 人次")
        self.participants_spin.setValue(-1)
        self.add_field("participants", self.participants_spin)
        self.youth_spin = _spin()
        self.youth_spin.setMinimum(-1)
        self.youth_spin.setSpecialValueText("不详")
        self.youth_spin.setSuffix(" 人次")
        self.youth_spin.setValue(-1)
        self.add_field("youth_participants", self.youth_spin)
        self.people_picker = PeopleListPicker(self.store)
        self.add_field("person_ids", self.people_picker, caption="参与人员")
        self.highlight_box = QCheckBox("重点活动：其情况说明将原样写入年度工作总结")
        self.add_field("highlight", self.highlight_box, caption="重点")
        self.description_edit = QPlainTextEdit()
        # Not 「写清时间、组织者…」: the date and organiser are in the fields above, and a
        # description that repeats them reads twice in the summary.
        self.description_edit.setPlaceholderText(
            "写清做了什么、取得了什么成效（日期、主办单位已在上面填写，不必重复）。"
            "重点活动必须填写，这段话将原样写入年度总结。"
        )
        self.description_edit.setMinimumHeight(110)
        self.add_field("description", self.description_edit, caption="情况说明")

        outcomes = QWidget()
        grid = QGridLayout(outcomes)
        grid.setContentsMargins(0, 0, 0, 0)
        self.outcome_spins: dict[str, QSpinBox] = {}
        for i, (name, text) in enumerate(OUTCOME_FIELDS.items()):
            spin = _spin()
            self.outcome_spins[name] = spin
            grid.addWidget(QLabel(text), i // 3, (i % 3) * 2)
            grid.addWidget(spin, i // 3, (i % 3) * 2 + 1)
        self.add_field("outcomes", outcomes, caption="成果数字")
        self.notes_edit = QLineEdit()
        self.add_field("notes", self.notes_edit, caption="备注")
        self.attachments_panel = AttachmentsPanel(self.store, "activities", self.record.id)
        self.add_attachments(self.attachments_panel)
        self.end_edit.page_hint = self.start_edit.value

    def load(self, record: Activity) -> None:
        self.title_edit.setText(record.title)
        set_combo_value(self.category_combo, record.category)
        self.start_edit.set_value(record.start_date)
        self.end_edit.set_value(record.end_date)
        self.unit_picker.set_selected_id(record.unit_id)
        self.co_edit.setText(record.co_organisers)
        self.place_edit.setText(record.place)
        self.audience_group.set_values(record.audience)
        self.participants_spin.setValue(-1 if record.participants is None else record.participants)
        set_combo_value(self.form_combo, record.form)
        self.campaign_group.set_values(record.campaigns)
        self.planned_box.setChecked(record.planned)
        youth = record.youth_participants
        self.youth_spin.setValue(-1 if youth is None else youth)
        self.people_picker.set_person_ids(record.person_ids)
        self.highlight_box.setChecked(record.highlight)
        self.description_edit.setPlainText(record.description)
        for name, spin in self.outcome_spins.items():
            spin.setValue(getattr(record, name) or 0)
        self.notes_edit.setText(record.notes)

    def collect(self) -> Activity:
        unit_id = self.picked_unit_id(self.unit_picker)
        activity = dataclasses.replace(
            self.record,
            title=self.title_edit.text(),
            category=combo_value(self.category_combo),
            start_date=self.start_edit.value() or "",
            end_date=self.end_edit.value(),
            unit_id=unit_id,
            co_organisers=self.co_edit.text(),
            place=self.place_edit.text(),
            audience=self.audience_group.values(),
            participants=None
            if self.participants_spin.value() < 0
            else self.participants_spin.value(),
            form=combo_value(self.form_combo),
            campaigns=self.campaign_group.values(),
            planned=self.planned_box.isChecked(),
            youth_participants=None if self.youth_spin.value() < 0 else self.youth_spin.value(),
            person_ids=self.people_picker.person_ids(),
            highlight=self.highlight_box.isChecked(),
            description=self.description_edit.toPlainText().strip(),
            notes=self.notes_edit.text(),
        )
        for name, spin in self.outcome_spins.items():
            setattr(activity, name, spin.value())
        return activity
