from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from kexie_desktop.core.records import CATEGORIES, Record
from kexie_desktop.ui.table_models import ActivitiesModel
from kexie_desktop.ui.tabs.record_tab import RecordTab

if TYPE_CHECKING:
    from kexie_desktop.ui.dialogs.record_dialog import RecordDialog


class ActivitiesTab(RecordTab):
    MODEL_TYPE = ActivitiesModel
    UNIT_WORD = "项"
    FILTERS = (
        ("category", "类别", CATEGORIES),
        ("unit_name", "主办单位", ()),
        ("month", "月份", tuple((f"{m}月", f"{m:02d}") for m in range(1, 13))),
    )
    FILTER_ALL_TEXT: ClassVar[dict[str, str]] = {"month": "全年"}
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
        ActivitiesModel.COL_ATTACHMENTS: 60,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from PySide6.QtWidgets import QCheckBox

        self.missing_box = QCheckBox("缺照片/签到表")
        self.missing_box.setToolTip("只列出还没有照片或签到表附件的活动")
        assert isinstance(self.model, ActivitiesModel)
        self.missing_box.toggled.connect(self.model.set_missing_evidence_only)
        self.top_bar.insertWidget(1, self.missing_box)

    def clear_extra_filters(self) -> None:
        self.missing_box.blockSignals(True)
        self.missing_box.setChecked(False)
        self.missing_box.blockSignals(False)
        assert isinstance(self.model, ActivitiesModel)
        self.model.set_missing_evidence_only(False)

    def make_dialog(self, record: Record | None) -> RecordDialog:  # type: ignore[type-arg]
        # Imported on first use: the form and its widgets are not needed to show the window.
        from kexie_desktop.ui.dialogs.activity_dialog import ActivityDialog

        return ActivityDialog(self.store, record, self)  # type: ignore[arg-type]
