"""Attachment changes in a form: Ctrl+Z and 撤销 in the form, 取消, and the window's 撤销/重做."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from kexie_desktop.core import attachments as att
from kexie_desktop.core.records import Activity
from kexie_desktop.core.store import Store
from kexie_desktop.ui.dialogs.activity_dialog import ActivityDialog
from kexie_desktop.ui.dialogs.audit_log_dialog import AuditLogDialog
from kexie_desktop.ui.main_window import MainWindow
from tests.core import evidence_files as files


def _activity(store: Store) -> Activity:
    return store.records.save(
        Activity(title="科普进社区", category="科学普及", start_date="2025-09-20")
    )


def _state(store: Store, activity_id: int) -> list[tuple[Any, ...]]:
    return [
        tuple(r)
        for r in store.conn.execute(
            "SELECT id, kind, caption, sha256, in_summary FROM attachments "
            "WHERE activity_id = ? ORDER BY id",
            [activity_id],
        )
    ]


def _add(qtbot: Any, dialog: Any, paths: list[Path]) -> None:
    n = dialog.attachments_panel.list.count() + len(paths)
    dialog.attachments_panel.add_files(paths)
    qtbot.waitUntil(lambda: dialog.attachments_panel.list.count() == n, timeout=20_000)


def test_ctrl_z_and_the_undo_button_take_back_the_last_attachment_step(
    store: Store, qtbot: Any, tmp_path: Path
) -> None:
    activity = _activity(store)
    att.attach_files(store, "activities", activity.id or 0, [files.pdf(tmp_path / "签到.pdf")],
                     kind="签到表")  # fmt: skip
    dialog = ActivityDialog(store, activity)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    panel = dialog.attachments_panel
    assert not panel.undo_button.isEnabled()
    # Looking at an attachment fills the kind and caption boxes: that is not a change.
    panel.list.setCurrentRow(0)
    assert panel.kind_combo.currentText() == "签到表"
    assert not dialog.has_changes()

    _add(qtbot, dialog, [files.photo(tmp_path / "现场.jpg")])
    assert dialog.has_changes()
    assert panel.undo_button.isEnabled() and "添加“现场.jpg”" in panel.undo_button.toolTip()
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert panel.list.count() == 1 and not dialog.has_changes()

    # In a text box Ctrl+Z stays the box's own: it takes back the typing, not the attachments.
    panel.list.setCurrentRow(0)
    panel.remove_button.click()
    assert panel.list.count() == 0
    dialog.title_edit.setFocus()
    dialog.title_edit.insert("（第二场）")
    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert dialog.title_edit.text() == "科普进社区" and panel.list.count() == 0
    panel.undo_button.click()
    assert panel.list.count() == 1 and not dialog.has_changes()
    assert not panel.undo_button.isEnabled()
    assert store.recycle_bin.entries() == []


def test_cancel_asks_and_then_leaves_every_attachment_as_it_was(
    store: Store, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    activity = _activity(store)
    aid = activity.id or 0
    att.attach_files(store, "activities", aid, [files.photo(tmp_path / "a.jpg")])
    before, log = _state(store, aid), store.change_log.entries()
    dialog = ActivityDialog(store, activity)
    qtbot.addWidget(dialog)
    dialog.show()
    panel = dialog.attachments_panel
    _add(qtbot, dialog, [files.pdf(tmp_path / "方案.pdf")])
    panel.list.setCurrentRow(0)
    panel.caption_edit.setText("合影")
    panel.caption_edit.editingFinished.emit()
    panel.list.setCurrentRow(1)
    panel.remove_button.click()
    # Only attachments changed, and 取消 asks the form's own question (closed unanswered:
    # the form stays, as with 继续填写).
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel).click()
    assert shown == ["这份活动表单有改动还没有保存。\n\n放弃这些改动吗？"] and dialog.isVisible()
    asked: list[bool] = []
    monkeypatch.setattr(dialog, "confirm_discard", lambda: asked.append(True) or False)
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel).click()
    assert asked == [True] and dialog.isVisible()  # 继续填写
    monkeypatch.setattr(dialog, "confirm_discard", lambda: asked.append(True) or True)
    dialog.reject()
    assert asked == [True, True] and not dialog.isVisible()
    assert _state(store, aid) == before
    assert store.change_log.entries() == log and store.recycle_bin.entries() == []


def test_the_window_undoes_and_redoes_a_forms_attachments_with_its_fields(
    window: MainWindow, demo_store: Store, qtbot: Any, tmp_path: Path,
    drive_dialog: Callable[..., list[Any]],
) -> None:  # fmt: skip
    tab = window.activities_tab
    window.show_tab(tab)
    tab.ensure_loaded()
    activity_id = tab.model.id_at(0)
    att.attach_files(demo_store, "activities", activity_id, [files.photo(tmp_path / "旧.jpg")])
    old_place = demo_store.records.get(Activity, activity_id).place
    before = _state(demo_store, activity_id)

    def fill(dialog: ActivityDialog) -> None:
        dialog.place_edit.setText("社区广场")
        _add(qtbot, dialog, [files.photo(tmp_path / "新.jpg", seed=7)])
        dialog.attachments_panel.list.setCurrentRow(0)
        dialog.attachments_panel.remove_button.click()

    drive_dialog(ActivityDialog, fill)
    tab.select_id(activity_id)
    tab.edit_current()
    after = _state(demo_store, activity_id)
    assert [r[3] for r in after] == [att.file_hash(tmp_path / "新.jpg")]
    assert window.undo_action.text().endswith("（添加1个附件、移除1个附件）(&U)")

    window.undo_action.trigger()
    assert _state(demo_store, activity_id) == before
    assert demo_store.records.get(Activity, activity_id).place == old_place
    assert [e["label"].endswith("“新.jpg”") for e in demo_store.recycle_bin.entries()] == [True]
    window.redo_action.trigger()
    assert _state(demo_store, activity_id) == after  # the same attachment ids come back
    assert demo_store.records.get(Activity, activity_id).place == "社区广场"
    window.undo_action.trigger()
    assert _state(demo_store, activity_id) == before

    # Emptying the 回收站 takes the added photo's entry: the redo can do nothing any more and
    # goes; the file nothing names any more is collected, the one still attached is kept.
    demo_store.recycle_bin.empty()
    window.history.drop_stale_steps()
    assert not window.redo_action.isEnabled()
    [kept] = att.list_attachments(demo_store, "activities", activity_id)
    assert kept.path(demo_store.data_folder).is_file()  # type: ignore[arg-type,union-attr]


def test_a_new_records_attachments_go_and_come_back_with_it(
    window: MainWindow, demo_store: Store, qtbot: Any, tmp_path: Path,
    drive_dialog: Callable[..., list[Any]],
) -> None:  # fmt: skip
    from kexie_desktop.ui.widgets import set_combo_value

    tab = window.activities_tab
    window.show_tab(tab)

    def fill(dialog: ActivityDialog) -> None:
        dialog.title_edit.setText("带照片的新活动")
        set_combo_value(dialog.category_combo, "科学普及")
        dialog.start_edit.set_value("2025-10-01")
        _add(qtbot, dialog, [files.photo(tmp_path / "新.jpg")])

    opened = drive_dialog(ActivityDialog, fill)
    tab.new_record()
    saved = opened[0].saved
    assert saved is not None
    assert len(att.list_attachments(demo_store, "activities", saved.id)) == 1
    window.undo_action.trigger()
    assert (
        demo_store.records.count(Activity)
        and att.counts(demo_store, "activities", [saved.id]) == {}
    )
    window.redo_action.trigger()
    assert [a.original_name for a in att.list_attachments(demo_store, "activities", saved.id)] \
        == ["新.jpg"]  # fmt: skip


def test_the_change_log_says_what_happened_to_an_attachment(
    store: Store, qtbot: Any, tmp_path: Path
) -> None:
    activity = _activity(store)
    dialog = ActivityDialog(store, activity)
    qtbot.addWidget(dialog)
    dialog.show()
    _add(qtbot, dialog, [files.photo(tmp_path / "现场.jpg")])
    dialog.accept()
    [a] = att.list_attachments(store, "activities", activity.id or 0)
    att.update_attachment(store, a.id, kind="签到表", caption="签到表第1页")
    att.remove_attachments(store, [a.id])
    log = AuditLogDialog(store)
    qtbot.addWidget(log)
    rows = [
        (log.table.item(r, 1).text(), log.table.item(r, 4).text())
        for r in range(log.table.rowCount())
        if log.table.item(r, 2).text() == "附件"
    ]
    assert rows == [
        ("移除附件（放入回收站）", "科普进社区的附件“签到表第1页”"),
        ("修改附件", "科普进社区的附件“签到表第1页”"),
        ("添加附件", "科普进社区的附件“现场.jpg”"),
    ]
    actions = [log.table.item(r, 1).text() for r in range(log.table.rowCount())]
    log.table.selectRow(actions.index("修改附件"))
    assert log.details.toPlainText().splitlines() == [
        "类别：照片 → 签到表", "说明：（空） → 签到表第1页",
    ]  # fmt: skip
    log.table.clearSelection()
    log.table.selectRow(actions.index("添加附件"))
    text = log.details.toPlainText()
    assert "文件名：现场.jpg" in text and "所属活动（编号）：" in text and "caption" not in text
