from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from kexie_desktop.core.records import UNIT_KINDS, Record
from kexie_desktop.ui.table_models import UnitsModel
from kexie_desktop.ui.tabs.record_tab import RecordTab

if TYPE_CHECKING:
    from kexie_desktop.ui.dialogs.record_dialog import RecordDialog


class UnitsTab(RecordTab):
    MODEL_TYPE = UnitsModel
    UNIT_WORD = "个"
    # 本年无活动: the units that held no activity in the selected year (this year under 全部年度).
    FILTERS = (("kind", "类型", UNIT_KINDS), ("idle_in", "活动", (("本年无活动", "year"),)))
    SEARCH_HINT = "搜索单位名称、类型、联系人"
    STRETCH_COLUMN = UnitsModel.COL_NAME
    NAME_COLUMN = UnitsModel.COL_NAME
    COLUMN_WIDTHS: ClassVar[dict[int, int]] = {
        UnitsModel.COL_KIND: 120,
        UnitsModel.COL_ESTABLISHED: 100,
        UnitsModel.COL_CONTACT: 90,
        UnitsModel.COL_PHONE: 120,
        UnitsModel.COL_MEMBERS: 80,
        UnitsModel.COL_PEOPLE: 80,
        UnitsModel.COL_NEW: 70,
    }

    def activity_year(self) -> int:
        assert isinstance(self.model, UnitsModel)
        return self.model.selected_year or dt.date.today().year

    def filter_value(self, key: str, data: object) -> str | None:
        if key == "idle_in" and data is not None:
            return str(self.activity_year())
        return super().filter_value(key, data)

    def set_selected_year(self, year: int | None) -> None:
        """本年新建 and 本年无活动 are about the year selected in the window."""
        assert isinstance(self.model, UnitsModel)
        self.model.set_selected_year(year)
        combo = self.filter_combos["idle_in"]
        combo.setItemText(1, f"{self.activity_year()}年无活动")
        if combo.currentData() is not None:
            self._filter_changed("idle_in")

    def make_dialog(self, record: Record | None) -> RecordDialog:  # type: ignore[type-arg]
        # Imported on first use: the form and its widgets are not needed to show the window.
        from kexie_desktop.ui.dialogs.unit_dialog import UnitDialog

        return UnitDialog(self.store, record, self)  # type: ignore[arg-type]
