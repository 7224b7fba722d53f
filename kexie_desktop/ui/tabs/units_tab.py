from __future__ import annotations

from typing import TYPE_CHECKING

from kexie_desktop.core.records import UNIT_KINDS, Record
from kexie_desktop.ui.table_models import UnitsModel
from kexie_desktop.ui.tabs.record_tab import RecordTab

if TYPE_CHECKING:
    from kexie_desktop.ui.dialogs.record_dialog import RecordDialog


class UnitsTab(RecordTab):
    MODEL_TYPE = UnitsModel
    UNIT_WORD = "个"
    FILTERS = (("kind", "类型", UNIT_KINDS),)
    SEARCH_HINT = "搜索单位名称、类型、联系人"
    STRETCH_KEY = "name"
    NAME_KEY = "name"

    def make_dialog(self, record: Record | None) -> RecordDialog:  # type: ignore[type-arg]
        # Imported on first use: the form and its widgets are not needed to show the window.
        from kexie_desktop.ui.dialogs.unit_dialog import UnitDialog

        return UnitDialog(self.store, record, self)  # type: ignore[arg-type]
