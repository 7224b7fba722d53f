from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from kexie_desktop.core.records import CATEGORIES, Record
from kexie_desktop.ui.table_models import ActivitiesModel
from kexie_desktop.ui.tabs.record_tab import RecordTab

if TYPE_CHECKING:
    from kexie_desktop.ui.dialogs.record_dialog import RecordDialog


class ActivitiesTab(RecordTab):
    MODEL_TYPE = ActivitiesModel
    UNIT_WORD = "项"
    FILTERS = (("category", "类别", CATEGORIES), ("unit_name", "主办单位", ()))
    SEARCH_HINT = "搜索活动名称、类别、单位、地点、参与人员"
    STRETCH_COLUMN = ActivitiesModel.COL_TITLE
    NAME_COLUMN = ActivitiesModel.COL_TITLE
    COLUMN_WIDTHS: ClassVar[dict[int, int]] = {
        ActivitiesModel.COL_DATE: 100,
        ActivitiesModel.COL_CATEGORY: 110,
        ActivitiesModel.COL_UNIT: 200,
        ActivitiesModel.COL_PLACE: 150,
        ActivitiesModel.COL_PARTICIPANTS: 80,
        ActivitiesModel.COL_HIGHLIGHT: 70,
    }

    def make_dialog(self, record: Record | None) -> RecordDialog:  # type: ignore[type-arg]
        # Imported on first use: the form and its widgets are not needed to show the window.
        from kexie_desktop.ui.dialogs.activity_dialog import ActivityDialog

        return ActivityDialog(self.store, record, self)  # type: ignore[arg-type]
