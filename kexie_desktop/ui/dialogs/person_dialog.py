"""新增/修改人员."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from kexie_desktop.core import idcard
from kexie_desktop.core.records import (
    BACKGROUNDS,
    EDUCATIONS,
    ETHNICITIES,
    GENDERS,
    PERSON_STATUSES,
    POSTS,
    ROLES,
    TITLES,
    Person,
    Position,
)
from kexie_desktop.core.store import Store, StoreError
from kexie_desktop.core.validation import ValidationError, label, validate_position
from kexie_desktop.ui import ask
from kexie_desktop.ui.dialogs.record_dialog import RecordDialog
from kexie_desktop.ui.widgets import (
    CheckGroup,
    ChoicePicker,
    OptionalDateEdit,
    combo_value,
    make_choice_combo,
    parse_date_text,
    set_combo_value,
)


class PositionsEditor(QWidget):
    """A person's 职务 in units, one row each: unit, post, 本职 (for the 三长), term."""

    HEADERS = ("任职单位", "职务", "本职", "任职起", "任职止（在任不填）")

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(list(self.HEADERS))
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(self.HEADERS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMinimumHeight(110)
        self.add_button = QPushButton("添加职务")
        self.add_button.clicked.connect(lambda: self.add_row(Position()))
        self.remove_button = QPushButton("删除所选")
        self.remove_button.clicked.connect(self._remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def add_row(self, position: Position) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        unit = ChoicePicker(self.store.lists.unit_choices(), empty_label="（请选择）")
        unit.set_selected_id(position.unit_id)
        post = make_choice_combo(POSTS, allow_empty=True)
        set_combo_value(post, position.post)
        background = make_choice_combo(BACKGROUNDS, allow_empty=True)
        set_combo_value(background, position.background)
        widgets: list[QWidget] = [unit, post, background]
        for value in (position.start_date, position.end_date):
            edit = QLineEdit(value or "")
            edit.setPlaceholderText("如 2023-06-01")
            widgets.append(edit)
        for column, widget in enumerate(widgets):
            self.table.setCellWidget(row, column, widget)

    def _remove_selected(self) -> None:
        rows = {index.row() for index in self.table.selectedIndexes()}
        if not rows and self.table.currentRow() >= 0:
            rows = {self.table.currentRow()}
        for row in sorted(rows, reverse=True):
            self.table.removeRow(row)

    def set_positions(self, positions: list[Position]) -> None:
        self.table.setRowCount(0)
        for position in positions:
            self.add_row(position)

    def positions(self) -> list[Position]:
        """The rows as positions, each checked; ValidationError naming the row otherwise."""
        result = []
        for row in range(self.table.rowCount()):
            unit = self.table.cellWidget(row, 0)
            post = self.table.cellWidget(row, 1)
            background = self.table.cellWidget(row, 2)
            dates = [self.table.cellWidget(row, c) for c in (3, 4)]
            assert isinstance(unit, ChoicePicker)
            try:
                unit_id = unit.selected_id()
            except LookupError:
                unit_id = None
            texts = [d.text().strip() if isinstance(d, QLineEdit) else "" for d in dates]
            position = Position(
                person_id=0,
                unit_id=unit_id,
                post=combo_value(post) if isinstance(post, QComboBox) else "",
                background=combo_value(background) if isinstance(background, QComboBox) else "",
                start_date=(parse_date_text(texts[0]) or texts[0]) if texts[0] else None,
                end_date=(parse_date_text(texts[1]) or texts[1]) if texts[1] else None,
            )
            try:
                validate_position(position)
            except ValidationError as exc:
                reasons = "；".join(f"{label(k, 'positions')}{v}" for k, v in exc.errors.items())
                raise ValidationError({"positions": f"第{row + 1}行：{reasons}"}) from None
            result.append(position)
        return result


class PersonDialog(RecordDialog[Person]):
    RECORD_TYPE = Person

    def build_fields(self) -> None:
        self.name_edit = QLineEdit()
        self.add_field("name", self.name_edit, required=True)
        self.id_edit = QLineEdit()
        self.id_edit.setMaxLength(22)
        self.id_edit.setPlaceholderText("18位，可不填；填写后自动带出出生日期和性别")
        self.id_edit.editingFinished.connect(self._fill_from_id)
        self.add_field("id_number", self.id_edit)
        self.gender_combo = make_choice_combo(GENDERS, allow_empty=True)
        self.add_field("gender", self.gender_combo)
        self.birth_edit = OptionalDateEdit(allow_month=True)
        self.birth_edit.line.setPlaceholderText("如 1975-03-05，只知年月可写 1975-03")
        self.add_field("birth_date", self.birth_edit)
        self.ethnicity_combo = make_choice_combo(ETHNICITIES, allow_empty=True)
        self.ethnicity_combo.setEditable(True)
        self.add_field("ethnicity", self.ethnicity_combo)
        self.phone_edit = QLineEdit()
        self.phone_edit.setPlaceholderText("手机11位，或固定电话如 0737-4212345")
        self.add_field("phone", self.phone_edit)
        self.unit_picker = ChoicePicker(self.store.lists.unit_choices(), empty_label="（无）")
        self.add_field("unit_id", self.unit_picker, caption="工作单位")
        self.title_combo = make_choice_combo(TITLES, allow_empty=True)
        self.add_field("title", self.title_combo)
        self.education_combo = make_choice_combo(EDUCATIONS, allow_empty=True)
        self.add_field("education", self.education_combo)
        self.speciality_edit = QLineEdit()
        self.add_field("speciality", self.speciality_edit)
        self.roles_group = CheckGroup(ROLES, columns=3)
        self.add_field("roles", self.roles_group)
        self.join_edit = OptionalDateEdit(allow_month=True)
        self.join_edit.line.setPlaceholderText("如 2019-09-01，只知年月可写 2019.9")
        self.add_field("join_date", self.join_edit)
        self.status_combo = make_choice_combo(PERSON_STATUSES, allow_empty=False)
        self.add_field("status", self.status_combo)
        self.positions_editor = PositionsEditor(self.store)
        self.add_field("positions", self.positions_editor, caption="职务")
        self.notes_edit = QLineEdit()
        self.add_field("notes", self.notes_edit, caption="备注")

    def accept(self) -> None:
        # A second 张伟 is often the first one entered again: say so before adding him.
        name = self.name_edit.text().strip()
        if name and (self.is_new or name != self.record.name):
            others = [i for i in self.store.imports.people_named(name) if i != self.record.id]
            if others and not self.confirm_namesake(name, others):
                return
        # The person and their positions: the positions are checked first, so that a wrong
        # row never leaves a person saved without them.
        try:
            positions = self.positions_editor.positions()
            record = self.form_record()
            self.saved = self.store.records.save(record)
            self.record = self.saved  # a retry after a failure below updates, not duplicates
            assert self.saved.id is not None
            self.store.positions.replace(self.saved.id, positions)
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return
        except StoreError as exc:
            QMessageBox.warning(self, "无法保存", str(exc))
            return
        QDialog.accept(self)

    def confirm_namesake(self, name: str, others: list[int]) -> bool:
        labels = self.store.lists.person_labels(others)
        listed = "\n".join(f"　{labels.get(i, name)}" for i in others[:10])
        return ask.confirm(
            self,
            "已有同名人员",
            f"花名册中已有 {len(others)} 位“{name}”：\n{listed}\n\n"
            "这是另一个人吗？若是同一人，请点“否”，再到“人员”中修改原来的记录。",
        )

    def _fill_from_id(self) -> None:
        text = self.id_edit.text().strip()
        if not text:
            return
        try:
            info = idcard.parse(text)
        except idcard.IdNumberError as exc:
            self.show_errors({"id_number": str(exc)})
            return
        self.show_errors({})
        self.id_edit.setText(info.number)
        if not self.birth_edit.value():
            self.birth_edit.set_value(info.birth_date)
        if not combo_value(self.gender_combo):
            set_combo_value(self.gender_combo, info.gender)

    def load(self, record: Person) -> None:
        self.name_edit.setText(record.name)
        self.id_edit.setText(record.id_number)
        set_combo_value(self.gender_combo, record.gender)
        self.birth_edit.set_value(record.birth_date)
        set_combo_value(self.ethnicity_combo, record.ethnicity)
        self.phone_edit.setText(record.phone)
        self.unit_picker.set_selected_id(record.unit_id)
        set_combo_value(self.title_combo, record.title)
        set_combo_value(self.education_combo, record.education)
        self.speciality_edit.setText(record.speciality)
        self.roles_group.set_values(record.roles)
        self.join_edit.set_value(record.join_date)
        set_combo_value(self.status_combo, record.status or "在册")
        self.notes_edit.setText(record.notes)
        if record.id is not None:
            self.positions_editor.set_positions(self.store.positions.of(person_id=record.id))

    def collect(self) -> Person:
        unit_id = self.picked_unit_id(self.unit_picker)
        ethnicity = self.ethnicity_combo.currentText().strip()
        return dataclasses.replace(
            self.record,
            name=self.name_edit.text(),
            id_number=self.id_edit.text(),
            gender=combo_value(self.gender_combo),
            birth_date=self.birth_edit.value(),
            ethnicity="" if ethnicity == "（未选）" else ethnicity,
            phone=self.phone_edit.text(),
            unit_id=unit_id,
            title=combo_value(self.title_combo),
            education=combo_value(self.education_combo),
            speciality=self.speciality_edit.text(),
            roles=self.roles_group.values(),
            join_date=self.join_edit.value(),
            status=combo_value(self.status_combo),
            notes=self.notes_edit.text(),
        )
