"""The package windows, driven as a clerk would; file and message dialogs answered by patches."""

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog, QInputDialog

from kexie_desktop.core import package as pk
from kexie_desktop.core import removable
from kexie_desktop.core.records import Profile, Unit
from kexie_desktop.core.store import Store
from kexie_desktop.ui.dialogs.ledger_dialog import LedgerDialog
from kexie_desktop.ui.dialogs.package_dialogs import (
    PackageExportDialog,
    PackageImportDialog,
    SubmissionsDialog,
)
from kexie_desktop.ui.dialogs.profile_dialog import ProfileDialog
from kexie_desktop.ui.dialogs.summary_dialog import SummaryDialog


@pytest.fixture
def stick(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    out = tmp_path / "stick"
    out.mkdir()
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        lambda _p, _t, suggested, _f: (str(out / Path(suggested).name), ""),
    )
    monkeypatch.setattr(removable, "removable_drives", lambda: [out])
    return out


@pytest.fixture
def county(tmp_path: Path) -> Any:
    store = Store.open(tmp_path / "county")
    store.settings.save_profile(Profile(org_name="青江县科协", org_level="县级"))
    store.records.save(Unit(name="青江市厂矿科协联合会", kind="企业科协"))
    store.records.save(Unit(name="白沙镇科协", kind="乡镇（街道）科协"))
    yield store
    store.close()


def test_profile_dialog_keeps_the_parent_and_shows_the_identity(store: Store, qtbot: Any) -> None:
    store.settings.save_profile(Profile(org_name="城关镇科协"))
    dialog = ProfileDialog(store)
    qtbot.addWidget(dialog)
    assert dialog.uuid_field.text() == store.settings.org_uuid() and dialog.uuid_field.isReadOnly()
    dialog.parent_edit.setText("青江县科协")
    dialog.parent_uuid_edit.setText("not-a-uuid")
    dialog.accept()
    assert dialog.error_labels["parent_uuid"].isVisibleTo(dialog)
    assert store.settings.profile().parent_name == ""
    dialog.parent_uuid_edit.setText("1b4e28ba-2fa1-11d2-883f-0016d3cca427")
    dialog.accept()
    assert store.settings.profile().parent_name == "青江县科协"
    assert store.settings.profile().parent_uuid == "1b4e28ba-2fa1-11d2-883f-0016d3cca427"


def test_export_import_and_status(
    demo_store: Store,
    county: Store,
    qtbot: Any,
    messages: list[tuple[str, str]],
    stick: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    export = PackageExportDialog(demo_store, 2025)
    qtbot.addWidget(export)
    assert not export.subordinates_box.isVisibleTo(export)  # nothing received to pass on
    export.export()
    qtbot.waitUntil(lambda: export.task is not None and export.task.finished, timeout=60_000)
    assert messages[-1][0] == "导出完成", messages
    written = stick / "青江市厂矿科协联合会2025年报送包.zip"
    assert written.exists()

    broken = stick / "坏.zip"
    broken.write_bytes(written.read_bytes()[:1000])
    dialog = PackageImportDialog(county, [written, broken])
    qtbot.addWidget(dialog)
    text = dialog.text.toPlainText()
    assert "报送单位：青江市厂矿科协联合会" in text and "不能导入：报送包“坏.zip”" in text
    assert dialog.ok.text() == "导入1个报送包"
    dialog.merge()
    assert dialog.changed and "已导入青江市厂矿科协联合会2025年报送包" in messages[-1][1]
    assert county.records.count(Unit) == 2  # the township's units stay out of the county's own

    status = SubmissionsDialog(county, 2025)
    qtbot.addWidget(status)
    assert status.table.rowCount() == 1
    assert status.table.item(0, 0).text() == "青江市厂矿科协联合会"
    assert status.table.item(0, 8).text() == "青江市厂矿科协联合会"  # matched by name
    assert [status.missing.item(i).text() for i in range(status.missing.count())] == [
        "白沙镇科协（乡镇（街道）科协）"
    ]
    monkeypatch.setattr(QInputDialog, "getItem", lambda _p, _t, _l, items, *_a: (items[0], True))
    status.missing.setCurrentRow(0)
    status.link_selected()
    assert status.missing.count() == 0

    # The county's summary and ledger offer the subordinates' records, unticked.
    summary = SummaryDialog(county, 2025)
    qtbot.addWidget(summary)
    assert summary.subordinates_box.isVisibleTo(summary)
    assert not summary.subordinates_box.isChecked()
    assert summary.document is None  # the county has no records of its own
    summary.subordinates_box.setChecked(True)
    qtbot.waitUntil(lambda: summary.document is not None)
    assert "指导基层组织开展工作" in summary.preview.toPlainText()
    summary.close_button.click()
    ledger = LedgerDialog(county, 2025)
    qtbot.addWidget(ledger)
    assert ledger.subordinates_box.isVisibleTo(ledger) and not ledger.subordinates_box.isChecked()

    # The county passes the township's data on with its own package.
    onward = PackageExportDialog(county, 2025)
    qtbot.addWidget(onward)
    assert onward.subordinates_box.isVisibleTo(onward) and onward.subordinates_box.isChecked()
    onward.export()
    qtbot.waitUntil(lambda: onward.task is not None and onward.task.finished, timeout=60_000)
    package = pk.read_package(stick / "青江县科协2025年报送包.zip")
    assert [b.org["name"] for b in package.blocks] == ["青江县科协", "青江市厂矿科协联合会"]
