"""A form's attachment changes: a draft, saved with the record, logged, undone and redone whole."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kexie_desktop.core import attachments as att
from kexie_desktop.core.attachment_edits import AttachmentDraft, stage_files
from kexie_desktop.core.records import Activity
from kexie_desktop.core.store import Store, StoreError
from tests.core import evidence_files as files


def _activity(store: Store, title: str = "科普进社区") -> Activity:
    return store.records.save(Activity(title=title, category="科学普及", start_date="2025-09-20"))


def _state(store: Store, activity_id: int) -> list[tuple[Any, ...]]:
    """Everything about the activity's attachments a clerk could see (ids included)."""
    return [
        tuple(r)
        for r in store.conn.execute(
            "SELECT id, kind, caption, original_name, sha256, url, link_title, link_date, "
            "position, in_summary FROM attachments WHERE activity_id = ? ORDER BY id",
            [activity_id],
        )
    ]


def _data_dir(store: Store) -> Path:
    assert store.path is not None
    return store.path.parent


def test_staging_copies_the_file_but_writes_no_row(store: Store, tmp_path: Path) -> None:
    activity = _activity(store)
    bad = tmp_path / "病毒.jpg"
    bad.write_bytes(b"MZ" + bytes(50))
    result = stage_files(_data_dir(store), [files.photo(tmp_path / "a.jpg"), bad])
    [staged] = result.staged
    assert att.stored_path(_data_dir(store), staged.sha256, "jpg").is_file()
    assert "实际上是Windows 可执行程序" in result.refused[0][1]
    assert _state(store, activity.id or 0) == []
    log = len(store.change_log.entries())
    draft = AttachmentDraft(store, "activities", activity.id)
    draft.add_files(result.staged)
    assert draft.changed() and _state(store, activity.id or 0) == []
    assert len(store.change_log.entries()) == log  # nothing written before 确定


def test_undo_in_the_draft_steps_back_exactly(store: Store, tmp_path: Path) -> None:
    activity = _activity(store)
    photo, pdf = stage_files(
        _data_dir(store), [files.photo(tmp_path / "a.jpg"), files.pdf(tmp_path / "s.pdf")]
    ).staged
    att.attach_files(
        store, "activities", activity.id or 0, [files.photo(tmp_path / "b.jpg", seed=3)]
    )
    draft = AttachmentDraft(store, "activities", activity.id)
    loaded = list(draft.items)
    assert not draft.changed() and not draft.can_undo()
    [new] = draft.add_files([photo])
    draft.add_files([pdf], kind="签到表")
    draft.set_details(new.key, caption="现场照片")
    draft.set_in_summary(new.key, True)
    draft.add_link("https://news.example.cn/a", title="本地新闻", date="2025-09-22")
    draft.remove([loaded[0].key])
    with pytest.raises(att.AttachmentError, match="只有活动的照片"):
        draft.set_in_summary(draft.items[1].key, True)  # the PDF
    assert [draft.undo_text()] == ["移除“b.jpg”"]
    words = []
    while draft.can_undo():
        words.append(draft.undo())
    assert words == [
        "移除“b.jpg”", "添加链接“本地新闻”", "把“现场照片”选为总结照片", "修改“a.jpg”的说明",
        "添加“s.pdf”", "添加“a.jpg”",
    ]  # fmt: skip
    assert draft.items == loaded and not draft.changed()


def test_apply_logs_each_change_and_undo_redo_restore_exact_states(
    store: Store, tmp_path: Path
) -> None:
    activity = _activity(store)
    aid = activity.id or 0
    first, second = att.attach_files(
        store, "activities", aid,
        [files.photo(tmp_path / "a.jpg"), files.photo(tmp_path / "b.jpg", seed=2)],
    ).added  # fmt: skip
    att.set_summary_photo(store, first.id, True)
    before = _state(store, aid)
    log_before = store.change_log.entries()[0]["id"]

    draft = AttachmentDraft(store, "activities", aid)
    staged = stage_files(_data_dir(store), [files.pdf(tmp_path / "签到.pdf")]).staged
    draft.add_files(staged, kind="签到表")
    draft.add_link("https://news.example.cn/b", title="日报报道")
    keys = {i.attachment_id: i.key for i in draft.items}
    draft.set_details(keys[second.id], kind="其他", caption="背面")
    draft.set_in_summary(keys[second.id], True)  # unticks the first
    draft.remove([keys[first.id]])
    changes = draft.apply(store, aid)
    after = _state(store, aid)

    assert changes.describe() == "添加2个附件、移除1个附件、修改1个附件的类别或说明"
    entries = [e for e in store.change_log.entries() if e["id"] > log_before]
    assert sorted((e["action"], e["label"]) for e in entries) == sorted([
        ("attach", "科普进社区的附件“签到.pdf”"),
        ("attach", "科普进社区的附件“日报报道”"),
        ("update", "科普进社区的附件“背面”"),
        ("delete", "科普进社区的附件“a.jpg”"),
    ])  # fmt: skip
    update = next(e for e in entries if e["action"] == "update")
    assert json.loads(update["before_json"])["kind"] == "照片"
    assert json.loads(update["after_json"])["in_summary"] == 1
    assert [e["table_name"] for e in store.recycle_bin.entries()] == ["attachments"]
    assert changes.removed_entries == [store.recycle_bin.entries()[0]["id"]]

    changes.undo(store)
    assert _state(store, aid) == before  # same ids, kinds, captions, summary mark
    # The added ones wait in the 回收站 for a redo; the removed one is out of it.
    assert sorted(e["label"] for e in store.recycle_bin.entries()) == [
        "科普进社区的附件“日报报道”", "科普进社区的附件“签到.pdf”",
    ]  # fmt: skip
    assert changes.removed_entries == [] and len(changes.added_entries) == 2
    # Each step of the undo is in the log too: 2 to the bin, 1 back, 1 changed back.
    undo_log = [e["action"] for e in store.change_log.entries()[:4]]
    assert sorted(undo_log) == ["delete", "delete", "restore", "update"]

    changes.redo(store)
    assert _state(store, aid) == after
    assert [e["label"] for e in store.recycle_bin.entries()] == ["科普进社区的附件“a.jpg”"]
    changes.undo(store)
    assert _state(store, aid) == before


def test_files_named_by_the_undo_history_are_never_collected(store: Store, tmp_path: Path) -> None:
    activity = _activity(store)
    aid = activity.id or 0
    draft = AttachmentDraft(store, "activities", aid)
    draft.add_files(stage_files(_data_dir(store), [files.photo(tmp_path / "a.jpg")]).staged)
    changes = draft.apply(store, aid)
    [a] = att.list_attachments(store, "activities", aid)
    path = a.path(_data_dir(store))
    assert path is not None
    changes.undo(store)  # the added photo goes to the 回收站, where a redo finds it
    assert att.collect_garbage(store) == 0 and path.is_file()
    changes.redo(store)
    assert att.list_attachments(store, "activities", aid)[0].id == a.id
    # A file copied for a form that was then cancelled is named by nothing: collected.
    cancelled = stage_files(_data_dir(store), [files.photo(tmp_path / "c.jpg", seed=9)]).staged[0]
    assert att.collect_garbage(store) == 1
    assert not att.stored_path(_data_dir(store), cancelled.sha256, "jpg").exists()
    assert path.is_file()


def test_an_undo_after_the_bin_was_emptied_is_refused_cleanly(store: Store, tmp_path: Path) -> None:
    activity = _activity(store)
    aid = activity.id or 0
    att.attach_files(store, "activities", aid, [files.photo(tmp_path / "a.jpg")])
    before = _state(store, aid)
    draft = AttachmentDraft(store, "activities", aid)
    draft.remove([draft.items[0].key])
    changes = draft.apply(store, aid)
    store.recycle_bin.empty()
    with pytest.raises(StoreError, match="回收站"):
        changes.undo(store)
    assert _state(store, aid) == [] != before  # nothing half done


def test_a_file_gone_from_the_store_before_saving_stops_the_save(
    store: Store, tmp_path: Path
) -> None:
    activity = _activity(store)
    aid = activity.id or 0
    draft = AttachmentDraft(store, "activities", aid)
    staged = stage_files(_data_dir(store), [files.photo(tmp_path / "a.jpg")]).staged
    draft.add_files(staged)
    draft.add_link("https://news.example.cn/c")
    path = att.stored_path(_data_dir(store), staged[0].sha256, "jpg")
    path.chmod(0o644)
    path.unlink()
    with pytest.raises(att.AttachmentError, match="已不在数据文件夹中"):
        draft.apply(store, aid)
    assert _state(store, aid) == []  # the link was not written either


def test_links_are_checked_when_added_to_the_draft(store: Store) -> None:
    draft = AttachmentDraft(store, "activities", None)
    with pytest.raises(att.AttachmentError, match="不是网址"):
        draft.add_link("news.example.cn")
    with pytest.raises(att.AttachmentError, match="年-月-日"):
        draft.add_link("https://news.example.cn", date="9月22日")
    assert not draft.changed()
