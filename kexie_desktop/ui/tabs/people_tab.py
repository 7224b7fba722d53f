from typing import ClassVar

from kexie_desktop.ui.dialogs.person_dialog import PersonDialog
from kexie_desktop.ui.table_models import PeopleModel
from kexie_desktop.ui.tabs.record_tab import RecordTab


class PeopleTab(RecordTab):
    MODEL_TYPE = PeopleModel
    DIALOG_TYPE = PersonDialog
    UNIT_WORD = "人"
    SEARCH_HINT = "搜索姓名、单位、职称、身份、电话"
    STRETCH_COLUMN = PeopleModel.COL_UNIT
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
