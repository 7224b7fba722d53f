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


def test_package_carries_attachments_only_when_ticked(
    demo_store: Store,
    county: Store,
    qtbot: Any,
    messages: list[tuple[str, str]],
    stick: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kexie_desktop.core import attachments as att
    from tests.core.evidence_files import photo

    activity = demo_store.conn.execute(
        "SELECT id FROM activities WHERE start_date LIKE '2025-%' ORDER BY id LIMIT 1"
    ).fetchone()[0]
    picture = photo(stick.parent / "现场.jpg")
    att.attach_files(demo_store, "activities", activity, [picture])
    export = PackageExportDialog(demo_store, 2025)
    qtbot.addWidget(export)
    assert export.attachments_box.isVisibleTo(export) and not export.attachments_box.isChecked()
    size = pk.size_text(picture.stat().st_size)
    assert export.attachments_box.text() == f"附带佐证材料（附件文件1个，约{size}）"
    assert not export.attachments_note.isVisibleTo(export)
    export.attachments_box.setChecked(True)
    assert export.attachments_note.isVisibleTo(export)
    assert export.attachments_note.text() == "注意：签到表等扫描件中的姓名、电话不会被隐藏。"
    monkeypatch.setattr(pk, "LARGE_PACKAGE_BYTES", 1000)
    export._update_attachments()
    assert "写到U盘需要一些时间" in export.attachments_note.text()
    export.export()
    qtbot.waitUntil(lambda: export.task is not None and export.task.finished, timeout=60_000)
    assert messages[-1][0] == "导出完成", messages
    assert "附带佐证材料文件1个" in messages[-1][1]
    written = stick / "青江市厂矿科协联合会2025年报送包.zip"
    dialog = PackageImportDialog(county, [written])
    qtbot.addWidget(dialog)
    assert "佐证材料：附件文件1个" in dialog.text.toPlainText()
    dialog.merge()  # the files are stored in the background, then the records merged
    assert dialog.task is not None
    qtbot.waitUntil(lambda: dialog.task is not None and dialog.task.finished, timeout=60_000)
    assert dialog.changed and "已导入" in messages[-1][1]
    # A forged package (hashes right, a program inside named .jpg): refused after the
    # background check, with the county's data unchanged.
    from tests.core.test_package_attachments import _forge, _swap_file

    forged = stick / "forged.zip"
    _forge(written, forged, _swap_file(demo_store.settings.org_uuid(), b"MZ" + b"\x00" * 500))
    other = Store.open(stick.parent / "other-county")
    try:
        other.settings.save_profile(Profile(org_name="白沙县科协", org_level="县级"))
        dialog = PackageImportDialog(other, [forged])
        qtbot.addWidget(dialog)
        dialog.merge()
        qtbot.waitUntil(lambda: dialog.task is not None and dialog.task.finished, timeout=60_000)
        assert "不能导入" in messages[-1][1] and "Windows 可执行程序" in messages[-1][1]
        assert not dialog.changed and other.imports.batches() == []
    finally:
        other.close()
    held = county.conn.execute("SELECT count(*) FROM sub_attachments").fetchone()[0]
    assert held == 1
    # The county passing it on sees the township's file in its own estimate.
    onward = PackageExportDialog(county, 2025)
    qtbot.addWidget(onward)
    assert "附件文件1个" in onward.attachments_box.text()
    onward.subordinates_box.setChecked(False)
    assert onward.attachments_box.text() == "附带佐证材料（新闻链接等；没有附件文件）"


def test_statistics_window_offers_the_subordinates(
    demo_store: Store,
    county: Store,
    qtbot: Any,
    tmp_path: Path,
    stick: Path,
    messages: list[tuple[str, str]],
) -> None:
    from kexie_desktop.core import stats
    from kexie_desktop.ui.dialogs.stats_dialog import StatsDialog

    alone = StatsDialog(demo_store, 2025)
    qtbot.addWidget(alone)
    assert not alone.subordinates_box.isVisibleTo(alone)  # nothing received
    package = tmp_path / "township.zip"
    pk.export_package(demo_store, 2025, package)
    pk.merge_package(county, pk.read_package(package))
    dialog = StatsDialog(county, 2025)
    qtbot.addWidget(dialog)
    assert dialog.subordinates_box.isVisibleTo(dialog)
    assert not dialog.subordinates_box.isChecked()
    own = stats.computed(county, 2025, "year")
    township = stats.computed(demo_store, 2025, "year")
    for key in ("AK.units", "EKX.people", "EKX.activities"):
        assert dialog.value_items[key].text() == str(own[key][0])
    dialog.subordinates_box.setChecked(True)
    for key in ("AK.units", "EKX.people", "EKX.activities"):
        assert dialog.value_items[key].text() == str(own[key][0] + township[key][0]), key
    assert township["EKX.activities"][0] > 0
    dialog.subordinates_box.setChecked(False)
    assert dialog.value_items["EKX.people"].text() == str(own["EKX.people"][0])
    # Nothing of the views is left on the county's connection.
    assert stats.computed(county, 2025, "year") == own
    # Exported with the box ticked: the workbook has the figures with the subordinates.
    from openpyxl import load_workbook

    for key, indicator in stats.BY_KEY.items():
        if indicator.source is None:
            dialog.value_items[key].setText("1")
    dialog.subordinates_box.setChecked(True)
    dialog.recompute()
    for edit in dialog.explain_edits.values():  # with the townships, figures moved
        edit.setText("含下级组织报送的数据")
        edit.editingFinished.emit()
    dialog.export()
    assert dialog.task is not None, messages
    qtbot.waitUntil(lambda: dialog.task is not None and dialog.task.finished, timeout=60_000)
    assert messages[-1][0] == "导出完成", messages
    sheet = load_workbook(next(stick.glob("*统计年报数据.xlsx")))["AK表1-1 组织建设"]
    assert sheet["D4"].value == own["AK.units"][0] + township["AK.units"][0]


def test_main_window_checks_packages_in_the_background(
    window: Any,
    county: Store,
    qtbot: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    messages: list[tuple[str, str]],
) -> None:
    """文件 → 导入报送包: the chosen files are read and hashed off the GUI thread, then shown."""
    package = tmp_path / "county.zip"
    pk.export_package(county, 2025, package)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", lambda *_a: ([str(package), str(tmp_path / "无.zip")], "")
    )
    shown: list[PackageImportDialog] = []

    def fake_exec(dialog: PackageImportDialog) -> int:
        shown.append(dialog)
        return 0

    monkeypatch.setattr(PackageImportDialog, "exec", fake_exec)
    window.open_package_import()
    qtbot.waitUntil(lambda: bool(shown), timeout=60_000)
    assert [p.org["name"] for p in shown[0].packages] == ["青江县科协"]
    assert len(shown[0].refused) == 1 and "无.zip" in shown[0].refused[0]
    shown[0].deleteLater()
