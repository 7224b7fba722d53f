from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from kexie_desktop.core.records import PERSON_STATUSES, ROLES, TITLES, Record
from kexie_desktop.ui.table_models import PeopleModel
from kexie_desktop.ui.tabs.record_tab import RecordTab

if TYPE_CHECKING:
    from kexie_desktop.ui.dialogs.record_dialog import RecordDialog


class PeopleTab(RecordTab):
    MODEL_TYPE = PeopleModel
    UNIT_WORD = "人"
    FILTERS = (
        ("unit_name", "单位", ()),
        ("title", "职称", TITLES),
        ("status", "状态", PERSON_STATUSES),
        ("role", "身份", ROLES),
    )
    SEARCH_HINT = "搜索姓名、单位、职称、身份、电话"
    STRETCH_COLUMN = PeopleModel.COL_UNIT
    NAME_COLUMN = PeopleModel.COL_NAME
    COLUMN_WIDTHS: ClassVar[dict[int, int]] = {
        PeopleModel.COL_NAME: 90,
        PeopleModel.COL_GENDER: 50,
        PeopleModel.COL_BIRTH: 100,
        PeopleModel.COL_TITLE: 70,
        PeopleModel.COL_EDUCATION: 90,
        PeopleModel.COL_ROLES: 150,
        PeopleModel.COL_PHONE: 120,
        PeopleModel.COL_ID_NUMBER: 170,
        PeopleModel.COL_STATUS: 50,
    }

    def add_menu_actions(self, menu: object, count: int) -> None:
        from PySide6.QtWidgets import QMenu

        assert isinstance(menu, QMenu)
        menu.addSeparator()
        menu.addAction("设置所选人员的状态…", self.set_status_of_selected).setEnabled(count > 0)
        menu.addAction("设置所选人员的单位…", self.set_unit_of_selected).setEnabled(count > 0)

    def set_status_of_selected(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        ids = self.selected_ids()
        if not ids:
            return
        status, ok = QInputDialog.getItem(
            self, "设置状态", f"把选中的 {len(ids)} 人的状态设为：", list(PERSON_STATUSES), 0, False
        )
        if ok and status in PERSON_STATUSES:
            self.set_field_of_selected(ids, "status", status, f"状态设为“{status}”")

    def set_unit_of_selected(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        ids = self.selected_ids()
        if not ids:
            return
        choices = self.store.lists.unit_choices()
        names = ["（无单位）", *(name for _id, name in choices)]
        name, ok = QInputDialog.getItem(
            self, "设置单位", f"把选中的 {len(ids)} 人的工作单位设为：", names, 0, False
        )
        if not ok or name not in names:
            return
        unit_id = None if name == names[0] else dict((n, i) for i, n in choices)[name]
        self.set_field_of_selected(ids, "unit_id", unit_id, f"单位设为“{name}”")

    def set_field_of_selected(self, ids: list[int], field: str, value: object, words: str) -> None:
        """One field of several people at once, in one transaction and one 撤销 step."""
        import dataclasses

        from PySide6.QtWidgets import QMessageBox

        from kexie_desktop.core.records import Person
        from kexie_desktop.core.store import StoreError
        from kexie_desktop.core.validation import ValidationError

        befores = [self.store.records.get(Person, i) for i in ids]
        try:
            with self.store.transaction():
                afters = [
                    self.store.records.save(dataclasses.replace(p, **{field: value}))  # type: ignore[arg-type]
                    for p in befores
                    if getattr(p, field) != value
                ]
        except (StoreError, ValidationError) as exc:
            QMessageBox.warning(self, "无法修改", f"没有修改任何人：{exc}")
            return
        changed = {p.id for p in afters}
        self.batch_saved.emit(
            [p for p in befores if p.id in changed], afters, f"把{len(afters)}人的{words}"
        )
        self.records_changed.emit()
        self.reload()
        self.status_changed.emit(f"已把 {len(afters)} 人的{words}。")

    def make_dialog(self, record: Record | None) -> RecordDialog:  # type: ignore[type-arg]
        # Imported on first use: the form and its widgets are not needed to show the window.
        from kexie_desktop.ui.dialogs.person_dialog import PersonDialog

        return PersonDialog(self.store, record, self)  # type: ignore[arg-type]
