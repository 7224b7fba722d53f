from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from kexie_desktop.core.records import PERSON_STATUSES, TITLES, Record
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

    def make_dialog(self, record: Record | None) -> RecordDialog:  # type: ignore[type-arg]
        # Imported on first use: the form and its widgets are not needed to show the window.
        from kexie_desktop.ui.dialogs.person_dialog import PersonDialog

        return PersonDialog(self.store, record, self)  # type: ignore[arg-type]
