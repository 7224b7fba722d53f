from typing import ClassVar

from kexie_desktop.ui.dialogs.unit_dialog import UnitDialog
from kexie_desktop.ui.table_models import UnitsModel
from kexie_desktop.ui.tabs.record_tab import RecordTab


class UnitsTab(RecordTab):
    MODEL_TYPE = UnitsModel
    DIALOG_TYPE = UnitDialog
    UNIT_WORD = "个"
    SEARCH_HINT = "搜索单位名称、类型、联系人"
    STRETCH_COLUMN = UnitsModel.COL_NAME
    COLUMN_WIDTHS: ClassVar[dict[int, int]] = {
        UnitsModel.COL_KIND: 120,
        UnitsModel.COL_ESTABLISHED: 100,
        UnitsModel.COL_CONTACT: 90,
        UnitsModel.COL_PHONE: 120,
        UnitsModel.COL_MEMBERS: 80,
        UnitsModel.COL_PEOPLE: 80,
        UnitsModel.COL_NEW: 70,
    }
