from typing import ClassVar

from kexie_desktop.ui.dialogs.activity_dialog import ActivityDialog
from kexie_desktop.ui.table_models import ActivitiesModel
from kexie_desktop.ui.tabs.record_tab import RecordTab


class ActivitiesTab(RecordTab):
    MODEL_TYPE = ActivitiesModel
    DIALOG_TYPE = ActivityDialog
    UNIT_WORD = "项"
    SEARCH_HINT = "搜索活动名称、单位、地点、情况说明"
    STRETCH_COLUMN = ActivitiesModel.COL_TITLE
    COLUMN_WIDTHS: ClassVar[dict[int, int]] = {
        ActivitiesModel.COL_DATE: 100,
        ActivitiesModel.COL_CATEGORY: 110,
        ActivitiesModel.COL_UNIT: 200,
        ActivitiesModel.COL_PLACE: 150,
        ActivitiesModel.COL_PARTICIPANTS: 80,
        ActivitiesModel.COL_HIGHLIGHT: 70,
    }
