from typing import ClassVar

from kexie_desktop.ui.dialogs.award_dialog import AwardDialog
from kexie_desktop.ui.table_models import AwardsModel
from kexie_desktop.ui.tabs.record_tab import RecordTab


class AwardsTab(RecordTab):
    MODEL_TYPE = AwardsModel
    DIALOG_TYPE = AwardDialog
    UNIT_WORD = "项"
    SEARCH_HINT = "搜索奖项、获奖者、颁发单位"
    STRETCH_COLUMN = AwardsModel.COL_NAME
    COLUMN_WIDTHS: ClassVar[dict[int, int]] = {
        AwardsModel.COL_DATE: 100,
        AwardsModel.COL_LEVEL: 70,
        AwardsModel.COL_WINNER: 220,
        AwardsModel.COL_ISSUER: 200,
        AwardsModel.COL_CERTIFICATE: 130,
    }
