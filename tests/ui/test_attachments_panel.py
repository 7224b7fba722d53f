"""The 附件 area of the activity and award forms, driven as a clerk would."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from kexie_desktop.core import attachments as att
from kexie_desktop.core.records import Activity, Award
from kexie_desktop.core.store import Store
from kexie_desktop.ui.attachments_panel import opened_copy_name
from kexie_desktop.ui.dialogs.activity_dialog import ActivityDialog
from kexie_desktop.ui.dialogs.award_dialog import WINNER_TEAM, AwardDialog
from kexie_desktop.ui.widgets import set_combo_value
from tests.core import evidence_files as files


def _activity(store: Store) -> Activity:
    return store.records.save(
        Activity(title="科普进社区", category="科学普及", start_date="2025-09-20")
    )


def _wait_for_items(qtbot: Any, dialog: Any, n: int) -> None:
    qtbot.waitUntil(lambda: dialog.attachments_panel.list.count() == n, timeout=20_000)


def _ok(dialog: Any) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def test_files_added_by_button_get_thumbnails_kind_caption_and_can_go(
    store: Store, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    activity = _activity(store)
    dialog = ActivityDialog(store, activity)
    qtbot.addWidget(dialog)
    dialog.show()
    panel = dialog.attachments_panel
    photo = files.photo(tmp_path / "现场.jpg")
    fake = tmp_path / "通知.docx"
    fake.write_bytes(b"MZ" + bytes(100))
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    monkeypatch.setattr(
        "kexie_desktop.ui.attachments_panel.QFileDialog.getOpenFileNames",
        lambda *a, **k: ([str(photo), str(fake)], ""),
    )
    panel.add_button.click()
    _wait_for_items(qtbot, dialog, 1)
    qtbot.waitUntil(lambda: bool(warnings), timeout=20_000)
    assert "实际上是Windows 可执行程序" in warnings[0]
    # Copied into the store at once (so the thumbnail can be made), attached on 确定.
    [item] = panel.draft.items
    assert item.sha256 is not None and store.path is not None
    assert att.list_attachments(store, "activities", activity.id or 0) == []
    # The thumbnail is made off the GUI thread and then shown.
    qtbot.waitUntil(lambda: att.thumbnail_path(store.path.parent, item.sha256).is_file(),  # type: ignore[union-attr,arg-type]
                    timeout=20_000)  # fmt: skip

    panel.list.setCurrentRow(0)
    panel.kind_combo.setCurrentText("签到表")
    panel.kind_combo.activated.emit(panel.kind_combo.currentIndex())
    panel.caption_edit.setText("签到表第1页")
    panel.caption_edit.editingFinished.emit()
    assert panel.list.item(0).text() == "签到表\n签到表第1页"

    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    panel.open_item(panel.list.item(0))
    copy = Path(opened[0].toLocalFile())
    assert copy.name == "现场.jpg" and copy.read_bytes() == photo.read_bytes()
    assert copy.stat().st_mode & 0o222 == 0  # read-only: the stored file cannot be edited
    # The copy's extension is the checked file type, whatever the name says: Windows chooses
    # the program by it (a received 「报告.jpg.hta」 would otherwise start mshta).
    panel.draft.items[0] = dataclasses.replace(panel.draft.items[0], original_name="报告.jpg.hta")
    panel.open_item(panel.list.item(0))
    assert Path(opened[1].toLocalFile()).name == "报告.jpg.jpg"
    panel.draft.items[0] = dataclasses.replace(panel.draft.items[0], original_name="现场.jpg")
    _ok(dialog)
    [a] = att.list_attachments(store, "activities", activity.id or 0)
    assert (a.kind, a.caption, a.original_name) == ("签到表", "签到表第1页", "现场.jpg")

    again = ActivityDialog(store, store.records.get(Activity, activity.id or 0))
    qtbot.addWidget(again)
    again.show()
    assert not again.attachments_panel.list.item(0).font().italic()
    again.attachments_panel.list.setCurrentRow(0)
    again.attachments_panel.remove_button.click()
    assert again.attachments_panel.list.count() == 0
    assert store.recycle_bin.entries() == []  # not before 确定
    _ok(again)
    assert [e["table_name"] for e in store.recycle_bin.entries()] == ["attachments"]
    assert att.list_attachments(store, "activities", activity.id or 0) == []


def test_drop_and_paste_add_files(
    store: Store, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    activity = _activity(store)
    dialog = ActivityDialog(store, activity)
    qtbot.addWidget(dialog)
    dialog.show()
    panel = dialog.attachments_panel
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(files.pdf(tmp_path / "方案.pdf")))])
    drop = QDropEvent(QPoint(5, 5), Qt.DropAction.CopyAction, data,
                      Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    panel.dropEvent(drop)
    _wait_for_items(qtbot, dialog, 1)
    image = QImage(120, 80, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.darkGreen)
    QApplication.clipboard().setImage(image)
    panel.paste()
    _wait_for_items(qtbot, dialog, 2)
    _ok(dialog)
    kinds = [(a.original_name[:5], a.file_type, a.kind)
             for a in att.list_attachments(store, "activities", activity.id or 0)]  # fmt: skip
    assert kinds == [("方案.pd", "pdf", "其他"), ("粘贴的图片", "png", "照片")]


def test_a_new_record_attaches_its_files_when_saved(
    store: Store, qtbot: Any, tmp_path: Path
) -> None:
    dialog = AwardDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name_edit.insert("优秀科普基地")
    set_combo_value(dialog.level_combo, "市级")
    dialog.attachments_panel.add_files([files.photo(tmp_path / "证书.jpg")])
    _wait_for_items(qtbot, dialog, 1)
    assert dialog.attachments_panel.list.item(0).text() == "证书\n证书.jpg"
    assert "点“确定”后保存" in dialog.attachments_panel.list.item(0).toolTip()
    assert dialog.attachments_panel.list.item(0).font().italic()  # not saved yet
    dialog.winner_kind.button(WINNER_TEAM).click()
    dialog.team_edit.setText("科普小组")
    _ok(dialog)
    assert dialog.saved is not None
    [a] = att.list_attachments(store, "awards", dialog.saved.id or 0)
    assert (a.kind, a.original_name) == ("证书", "证书.jpg")
    assert store.records.get(Award, dialog.saved.id or 0).name == "优秀科普基地"


def test_export_menu_writes_the_evidence_ledger_in_the_background(
    window: Any, demo_store: Store, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    from kexie_desktop.core import removable

    year = demo_store.lists.years()[0]
    [first] = demo_store.lists.ids("activities", year=year, limit=1)
    att.attach_files(demo_store, "activities", first, [files.photo(tmp_path / "现场.jpg")])
    gone = att.attach_files(
        demo_store, "activities", first, [files.photo(tmp_path / "b.jpg", seed=5)]
    )
    stored = gone.added[0].path(demo_store.path.parent)  # type: ignore[union-attr]
    assert stored is not None
    stored.unlink()
    stick = tmp_path / "stick"
    stick.mkdir()
    monkeypatch.setattr(removable, "removable_drives", lambda: [stick])
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda _p, _t, suggested, _f: (suggested, ""))  # fmt: skip
    told: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, t, text: told.append((t, text)))
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, t, text: told.append((t, text)))
    from kexie_desktop.ui import exporting

    monkeypatch.setattr(exporting, "done_box", lambda _p, t, text, _path: told.append((t, text)))
    menu = [a.text() for a in window.menuBar().actions()]
    assert "导出(&X)" in menu
    assert window.evidence_action.isEnabled()
    window.evidence_action.trigger()
    qtbot.waitUntil(lambda: len(told) == 2, timeout=60_000)
    assert told[0][0] == "导出完成" and "含1项活动、0个奖项、1张照片" in told[0][1]
    assert told[1][0] == "有附件文件缺失或已改变" and "“b.jpg”缺失" in told[1][1]
    assert (stick / f"青江市厂矿科协联合会{year}年图文台账.docx").is_file()


def test_startup_check_reports_missing_files_off_the_gui_thread(
    store: Store, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QWidget

    from kexie_desktop.ui.attachments_panel import check_attachments_in_background

    activity = _activity(store)
    chosen = [files.photo(tmp_path / "a.jpg"), files.pdf(tmp_path / "签到.pdf")]
    result = att.attach_files(store, "activities", activity.id or 0, chosen)
    told: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, t, text: told.append((t, text)))
    window = QWidget()
    qtbot.addWidget(window)
    check_attachments_in_background(window, store)  # all well: nothing said
    qtbot.wait(300)
    assert told == []
    path = result.added[1].path(store.path.parent)  # type: ignore[union-attr]
    assert path is not None
    path.unlink()
    check_attachments_in_background(window, store)
    qtbot.waitUntil(lambda: bool(told), timeout=20_000)
    assert told[0][0] == "有附件文件缺失或已改变"
    assert "活动“科普进社区”的附件“签到.pdf”缺失" in told[0][1]


def test_activity_list_shows_the_paper_clip_and_filters_missing_evidence(
    demo_store: Store, qtmodeltester: Any, tmp_path: Path
) -> None:
    from kexie_desktop.ui.table_models import ActivitiesModel, IdRole

    year = demo_store.lists.years()[0]
    first, second = demo_store.lists.ids("activities", year=year, limit=2)
    photo = files.photo(tmp_path / "a.jpg")
    att.attach_files(demo_store, "activities", first, [photo])
    att.attach_files(demo_store, "activities", first, [files.pdf(tmp_path / "s.pdf")],
                     kind="签到表")  # fmt: skip
    att.attach_files(demo_store, "activities", second, [photo])
    model = ActivitiesModel(demo_store)
    model.set_year(year)
    model.reload()
    qtmodeltester.check(model, force_py=True)
    clips = {
        model.data(model.index(r, 0), IdRole): model.data(model.index(r, model.attachments_column))
        for r in range(model.rowCount())
    }
    assert clips[first] == "📎2" and clips[second] == "📎1"
    assert sum(1 for text in clips.values() if text) == 2
    everything = model.rowCount()
    model.set_missing_evidence_only(True)
    shown = {model.data(model.index(r, 0), IdRole) for r in range(model.rowCount())}
    assert first not in shown and second in shown and len(shown) == everything - 1
    assert model.total == everything
    model.set_missing_evidence_only(False)
    assert model.rowCount() == everything


def test_the_activities_tab_has_the_missing_evidence_box(window: Any) -> None:
    tab = window.activities_tab
    tab.ensure_loaded()
    assert tab.missing_box.text() == "缺照片/签到表"
    tab.missing_box.setChecked(True)
    assert tab.model.missing_evidence_only
    assert tab.model.rowCount() == tab.model.total  # the demo has no attachments yet


def test_a_photo_is_chosen_for_the_summary_from_the_form(
    store: Store, qtbot: Any, tmp_path: Path
) -> None:
    activity = _activity(store)
    chosen = [files.photo(tmp_path / "a.jpg"), files.pdf(tmp_path / "s.pdf")]
    photo, _pdf = att.attach_files(store, "activities", activity.id or 0, chosen).added
    dialog = ActivityDialog(store, activity)
    qtbot.addWidget(dialog)
    panel = dialog.attachments_panel
    panel.list.setCurrentRow(1)
    assert not panel.summary_box.isEnabled()  # a PDF cannot be printed in the summary
    panel.list.setCurrentRow(0)
    assert panel.summary_box.isEnabled() and not panel.summary_box.isChecked()
    panel.summary_box.setChecked(True)
    panel.list.setCurrentRow(1)
    panel.list.setCurrentRow(0)
    assert panel.summary_box.isChecked()
    assert not att.in_summary(store, photo.id)  # saved with the form
    _ok(dialog)
    assert att.in_summary(store, photo.id)
    award = store.records.save(Award(name="奖", level="市级", team="小组"))
    award_dialog = AwardDialog(store, award)
    qtbot.addWidget(award_dialog)
    assert award_dialog.attachments_panel.summary_box.isHidden()


def test_cancelling_a_new_record_with_chosen_files_asks_first(
    store: Store, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = ActivityDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.has_changes()
    dialog.attachments_panel.add_files([files.photo(tmp_path / "现场.jpg")])
    _wait_for_items(qtbot, dialog, 1)
    asked: list[bool] = []
    monkeypatch.setattr(dialog, "confirm_discard", lambda: asked.append(True) or False)
    dialog.reject()
    assert asked == [True] and dialog.isVisible()


@pytest.mark.parametrize(
    ("name", "file_type", "expected"),
    [
        ("现场.jpg", "jpg", "现场.jpg"),
        ("报告.bat", "xlsx", "报告.xlsx"),
        ("报告.xlsx.hta", "xlsx", "报告.xlsx.xlsx"),
        ("..\\..\\报告.exe", "pdf", "报告.pdf"),
        ("", "docx", "附件.docx"),
        (".hta", "txt", "hta.txt"),
    ],
)
def test_the_opened_copy_is_named_by_its_file_type(
    name: str, file_type: str, expected: str
) -> None:
    assert opened_copy_name(name, file_type) == expected
