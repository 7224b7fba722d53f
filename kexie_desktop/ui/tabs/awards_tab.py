from __future__ import annotations

from typing import TYPE_CHECKING

from kexie_desktop.core.records import AWARD_LEVELS, Record
from kexie_desktop.ui.table_models import AwardsModel
from kexie_desktop.ui.tabs.record_tab import RecordTab

if TYPE_CHECKING:
    from kexie_desktop.ui.dialogs.record_dialog import RecordDialog


class AwardsTab(RecordTab):
    MODEL_TYPE = AwardsModel
    UNIT_WORD = "项"
    FILTERS = (("level", "级别", AWARD_LEVELS),)
    SEARCH_HINT = "搜索奖项、获奖者、颁发单位"
    STRETCH_KEY = "name"
    NAME_KEY = "name"

    def make_dialog(self, record: Record | None) -> RecordDialog:  # type: ignore[type-arg]
        # Imported on first use: the form and its widgets are not needed to show the window.
        from kexie_desktop.ui.dialogs.award_dialog import AwardDialog

        return AwardDialog(self.store, record, self)  # type: ignore[arg-type]
