"""A declared field reaches the form, the list, the importer, the template and the ledger with no
code of its own: 经费 on the activity form and list, and a throwaway field declared only in a
test (a migration, the dataclass attribute, the declaration — nothing else)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit

from kexie_desktop.core.records import Activity
from kexie_desktop.core.store import Store
from kexie_desktop.ui.dialogs.activity_dialog import ActivityDialog
from kexie_desktop.ui.table_models import ActivitiesModel
from kexie_desktop.ui.widgets import parse_date_text, set_combo_value

ROOT = Path(__file__).resolve().parents[2]


def _ok(dialog: QDialog) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def _new_activity(store: Store, qtbot: Any) -> ActivityDialog:
    dialog = ActivityDialog(store)
    qtbot.addWidget(dialog)
    dialog.title_edit.setText("科普讲座")
    set_combo_value(dialog.category_combo, "科学普及")
    dialog.start_edit.set_value("2025-03-05")
    return dialog


def test_funding_is_typed_in_yuan_and_stored_in_fen(store: Store, qtbot: Any) -> None:
    dialog = _new_activity(store, qtbot)
    edit = dialog.fields["funding"]
    assert isinstance(edit, QLineEdit)
    label = dialog.form.labelForField(edit.parentWidget())
    assert isinstance(label, QLabel) and label.text() == "经费："
    edit.setText("1.5万")
    _ok(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = store.records.get(Activity, dialog.saved.id)
    assert saved.funding == 1_500_000
    again = ActivityDialog(store, saved)
    qtbot.addWidget(again)
    assert again.fields["funding"].text() == "15000.00"  # type: ignore[attr-defined]
    assert not again.has_changes()


def test_funding_left_empty_is_unknown_and_garbage_is_refused(store: Store, qtbot: Any) -> None:
    dialog = _new_activity(store, qtbot)
    dialog.show()
    dialog.fields["funding"].setText("三千块左右")  # type: ignore[attr-defined]
    _ok(dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted
    error = dialog.error_labels["funding"]
    assert error.isVisible() and "不是金额" in error.text()
    dialog.fields["funding"].setText("")  # type: ignore[attr-defined]
    _ok(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert store.records.get(Activity, dialog.saved.id).funding is None


def test_funding_in_the_list_in_yuan(store: Store, qtmodeltester: Any) -> None:
    store.records.save(
        Activity(title="讲座", category="其他", start_date="2025-01-02", funding=1_200_050)
    )
    store.records.save(Activity(title="展览", category="其他", start_date="2025-01-01"))
    model = ActivitiesModel(store)
    model.reload()
    qtmodeltester.check(model)
    column = model.column_of("funding")
    assert model.headerData(column, Qt.Orientation.Horizontal) == "经费（元）"
    shown = [model.data(model.index(r, column)) for r in range(2)]
    assert shown == ["12,000.50", ""]
    alignment = model.data(model.index(0, column), Qt.ItemDataRole.TextAlignmentRole)
    assert alignment & Qt.AlignmentFlag.AlignRight


def test_the_forms_read_dates_with_the_importers_parser() -> None:
    assert parse_date_text("2025年3月5号") == "2025-03-05"
    assert parse_date_text("２０２５．３．５") == "2025-03-05"
    assert parse_date_text("3.5", year=2024) == "2024-03-05"
    assert parse_date_text("3月8日", year=2024) == "2024-03-08"
    assert parse_date_text("3.5") is None
    assert parse_date_text("1975-03") is None
    assert parse_date_text("1975-03", allow_month=True) == "1975-03"
    assert parse_date_text("2025-02-30") is None


# Run in a fresh interpreter: the declaration must be in place before the modules that derive
# from it are imported, as it is when a developer adds a field.
_THROWAWAY = textwrap.dedent(
    """
    import dataclasses, json, sys
    from pathlib import Path

    from kexie_desktop.core import fields, migrations, records

    # 1. a migration
    @migrations.migration("9999_test_trial_count")
    def _m(db):
        db.execute("ALTER TABLE activities ADD COLUMN trial_count INTEGER")

    # 2. the dataclass attribute
    Trial = dataclasses.make_dataclass(
        "Activity", [("trial_count", "int | None", dataclasses.field(default=None))],
        bases=(records.Activity,),
    )
    records.Activity = Trial
    records.RECORD_TYPES["activities"] = Trial

    # 3. the declaration
    trial = fields.Field(
        "trial_count", "试验次数", fields.OPTIONAL_COUNT, headers=("试验次数", "试验数"),
        example=7, listed=fields.ListColumn(70), ledger=fields.LedgerColumn(8),
    )
    fields.FIELDS["activities"] = (*fields.FIELDS["activities"], trial)

    # Nothing else: the form, the list, the importer, the template and the ledger follow.
    import openpyxl
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication
    from kexie_desktop.core.importing.importer import apply, check
    from kexie_desktop.core.importing.template import write_template
    from kexie_desktop.core.ledger_export import write_ledger
    from kexie_desktop.core.store import Store
    from kexie_desktop.ui.dialogs.activity_dialog import ActivityDialog
    from kexie_desktop.ui.table_models import ActivitiesModel

    app = QApplication([])
    folder = Path(sys.argv[1])
    store = Store.open(folder / "data")
    out = {}

    template = folder / "template.xlsx"
    write_template(template)
    sheet = openpyxl.load_workbook(template)["活动"]
    headers = [c.value for c in sheet[1]]
    out["template"] = [headers[-2:], sheet.cell(2, headers.index("试验次数") + 1).value]

    book = openpyxl.Workbook()
    book.active.append(["活动名称", "类别", "开始日期", "试验数"])
    book.active.append(["讲座", "科学普及", "2025-03-05", "12次"])
    book.save(folder / "in.xlsx")
    plan = check(store, folder / "in.xlsx")
    out["import_problems"] = [p.text() for p in plan.problems]
    apply(store, plan)
    out["stored"] = store.conn.execute("SELECT trial_count FROM activities").fetchone()[0]

    dialog = ActivityDialog(store)
    widget = dialog.fields["trial_count"]
    label = dialog.form.labelForField(widget.parentWidget())
    out["form"] = [label.text(), type(widget).__name__]
    saved = store.records.get(Trial, 1)
    editing = ActivityDialog(store, saved)
    editing.fields["trial_count"].setValue(15)
    out["form_saves"] = editing.form_record().trial_count

    model = ActivitiesModel(store)
    model.reload()
    column = model.column_of("trial_count")
    header = model.headerData(column, Qt.Orientation.Horizontal)
    out["list"] = [header, model.data(model.index(0, column))]

    write_ledger(store, 2025, str(folder / "ledger.xlsx"))
    ws = openpyxl.load_workbook(folder / "ledger.xlsx")["活动台账（完整）"]
    names = [c.value for c in ws[2]]
    out["ledger"] = [names[-3:], ws.cell(3, names.index("试验次数") + 1).value]
    store.close()
    print(json.dumps(out, ensure_ascii=False))
    """
)


def test_a_field_declared_once_appears_everywhere(tmp_path: Path) -> None:
    script = tmp_path / "trial.py"
    script.write_text(_THROWAWAY, encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path)],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["template"] == [["备注", "试验次数"], 7]
    assert out["import_problems"] == [] and out["stored"] == 12
    assert out["form"] == ["试验次数：", "QSpinBox"] and out["form_saves"] == 15
    assert out["list"] == ["试验次数", "12"]
    assert out["ledger"] == [["情况说明", "备注", "试验次数"], 12]
