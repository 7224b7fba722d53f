"""The attachment store: attach, dedupe, refusals, thumbnails, 回收站 and clean-up."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from PIL import Image

from kexie_desktop.core import attachments as att
from kexie_desktop.core.records import Activity, Award
from kexie_desktop.core.store import Store, StoreError
from tests.core import evidence_files as files


def _activity(store: Store, title: str = "科普进社区", date: str = "2025-09-20") -> int:
    saved = store.records.save(Activity(title=title, category="科学普及", start_date=date))
    assert saved.id is not None
    return saved.id


def test_attach_copies_the_file_in_by_content_and_logs_it(store: Store, tmp_path: Path) -> None:
    activity = _activity(store)
    source = files.photo(tmp_path / "现场.jpg")
    result = att.attach_files(store, "activities", activity, [source], caption="现场讲解")
    assert result.refused == []
    [added] = result.added
    assert (added.kind, added.caption, added.original_name) == ("照片", "现场讲解", "现场.jpg")
    assert added.sha256 == att.file_hash(source)
    stored = added.path(store.path.parent)  # type: ignore[union-attr]
    assert stored is not None and stored.read_bytes() == source.read_bytes()
    # The original may go: the data folder has its own copy.
    source.unlink()
    assert stored.is_file()
    log = store.change_log.entries(table="attachments")
    assert [(e["action"], e["label"]) for e in log] == [("attach", "科普进社区的附件“现场讲解”")]
    assert json.loads(log[0]["after_json"])["sha256"] == added.sha256


def test_the_same_photo_twice_is_stored_once(store: Store, tmp_path: Path) -> None:
    first, second = _activity(store, "甲"), _activity(store, "乙")
    source = files.photo(tmp_path / "a.jpg")
    copy = tmp_path / "副本.JPG"
    copy.write_bytes(source.read_bytes())
    att.attach_files(store, "activities", first, [source])
    att.attach_files(store, "activities", second, [source, copy])
    assert len(att.list_attachments(store, "activities", second)) == 2
    assert len(list(att.stored_files(store.path.parent))) == 1  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("通知.docx", b"MZ\x90\x00" + b"\x00" * 200, "Windows 可执行程序"),
        ("照片.jpg", b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "Linux 可执行程序"),
        ("说明.txt", b"#!/bin/sh\nrm -rf ~\n", "脚本程序"),
        ("setup.exe", b"hello", "是程序或含宏的文件"),
        ("照片.jpg", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "不是JPEG 图片"),
        ("方案.pdf", b"just text", "不是PDF 文件"),
        ("表.xls", b"PK\x03\x04" + b"\x00" * 100, "不是Excel 97-2003 工作簿"),
        ("video.mp4", b"\x00\x00\x00\x18ftypmp42", "类型 .mp4 不能作为附件"),
        ("IMG_0001.HEIC", b"\x00\x00\x00\x18ftypheic", "HEIC 格式"),
        ("空.txt", b"", "空文件"),
    ],
)
def test_disguised_or_unsupported_files_are_refused(
    store: Store, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    activity = _activity(store)
    path = tmp_path / name
    path.write_bytes(content)
    result = att.attach_files(store, "activities", activity, [path])
    assert result.added == []
    [(refused_name, why)] = result.refused
    assert refused_name == name and message in why and name in why
    assert att.list_attachments(store, "activities", activity) == []
    assert list(att.stored_files(store.path.parent)) == []  # type: ignore[union-attr]


def test_office_files_are_checked_inside(store: Store, tmp_path: Path) -> None:
    activity = _activity(store)
    good = files.docx(tmp_path / "通知.docx")
    macro = files.docx(tmp_path / "宏.docx", macro=True)
    renamed = tmp_path / "表.xlsx"
    renamed.write_bytes(good.read_bytes())  # a Word file called .xlsx
    pdf = files.pdf(tmp_path / "签到表.pdf")
    result = att.attach_files(store, "activities", activity, [good, macro, renamed, pdf])
    assert [a.original_name for a in result.added] == ["通知.docx", "签到表.pdf"]
    assert [a.kind for a in result.added] == ["其他", "其他"]
    reasons = dict(result.refused)
    assert "含有宏" in reasons["宏.docx"]
    assert "不是Excel 工作簿" in reasons["表.xlsx"]


def test_an_image_bomb_is_refused_without_decoding(store: Store, tmp_path: Path) -> None:
    activity = _activity(store)
    bomb = files.png_bomb(tmp_path / "bomb.png")
    result = att.attach_files(store, "activities", activity, [bomb])
    assert result.added == [] and "大得不正常" in result.refused[0][1]


def test_a_file_over_100_mb_is_refused(store: Store, tmp_path: Path) -> None:
    activity = _activity(store)
    big = tmp_path / "大.txt"
    with big.open("wb") as f:
        f.truncate(att.MAX_FILE_BYTES + 1)  # sparse: no 100 MB written
    result = att.attach_files(store, "activities", activity, [big])
    assert "100 MB" in result.refused[0][1]


def test_awards_take_certificates_and_links_are_text_only(store: Store, tmp_path: Path) -> None:
    award = store.records.save(
        Award(name="科普工作先进集体", level="市级", award_date="2025-11-02", team="科普小组")
    )
    assert award.id is not None
    [scan] = att.attach_files(store, "awards", award.id, [files.png(tmp_path / "证书.png")]).added
    assert scan.kind == "证书"
    link = att.add_link(store, "awards", award.id, " https://news.example.cn/a?id=1 ",
                        title="我市科协获表彰", date="2025-11-03")  # fmt: skip
    assert (link.url, link.kind, link.is_link, link.label) == (
        "https://news.example.cn/a?id=1",
        "新闻报道",
        True,
        "我市科协获表彰",
    )
    with pytest.raises(att.AttachmentError, match="不是网址"):
        att.add_link(store, "awards", award.id, "javascript:alert(1)")
    with pytest.raises(att.AttachmentError, match="年-月-日"):
        att.add_link(store, "awards", award.id, "https://a.cn", date="去年")
    assert att.counts(store, "awards", [award.id]) == {award.id: 2}


def test_kind_and_caption_changes_are_logged(store: Store, tmp_path: Path) -> None:
    activity = _activity(store)
    [a] = att.attach_files(store, "activities", activity, [files.photo(tmp_path / "x.jpg")]).added
    changed = att.update_attachment(store, a.id, kind="签到表", caption="签到表第1页")
    assert (changed.kind, changed.caption) == ("签到表", "签到表第1页")
    entry = store.change_log.entries(table="attachments")[0]
    assert entry["action"] == "update" and json.loads(entry["before_json"])["kind"] == "照片"
    with pytest.raises(att.AttachmentError, match="类别"):
        att.update_attachment(store, a.id, kind="视频")


def test_thumbnails_are_upright_small_and_cached(store: Store, tmp_path: Path) -> None:
    activity = _activity(store)
    # Stored 400×300 with EXIF "turn 90°": shown 300×400, as the phone showed it.
    sideways = files.photo(tmp_path / "竖拍.jpg", (400, 300), orientation=6)
    [a] = att.attach_files(store, "activities", activity, [sideways]).added
    data_dir = store.path.parent  # type: ignore[union-attr]
    assert a.sha256 is not None
    thumb = att.make_thumbnail(data_dir, a.sha256, a.file_type)
    assert thumb == att.thumbnail_path(data_dir, a.sha256)
    with Image.open(thumb) as image:
        assert image.format == "JPEG"
        assert image.size == (192, 256)
    stamp = thumb.stat().st_mtime_ns
    assert att.make_thumbnail(data_dir, a.sha256, a.file_type) == thumb
    assert thumb.stat().st_mtime_ns == stamp  # cached, not remade
    assert att.make_thumbnail(data_dir, "0" * 64, "pdf") is None


def test_removed_attachment_goes_to_the_bin_and_comes_back(store: Store, tmp_path: Path) -> None:
    activity = _activity(store)
    [a] = att.attach_files(store, "activities", activity, [files.photo(tmp_path / "x.jpg")]).added
    data_dir = store.path.parent  # type: ignore[union-attr]
    entries = att.remove_attachments(store, [a.id])
    assert att.list_attachments(store, "activities", activity) == []
    [entry] = store.recycle_bin.entries()
    assert (entry["table_name"], entry["label"]) == ("attachments", "科普进社区的附件“x.jpg”")
    # Still referred to by the bin: the file stays.
    assert att.collect_garbage(store) == 0
    assert store.recycle_bin.restore(entries) == 1
    assert att.list_attachments(store, "activities", activity) == [a]
    assert [e["action"] for e in store.change_log.entries(table="attachments")] == [
        "restore", "delete", "attach"]  # fmt: skip
    # Removed and the bin emptied: nothing refers to the file, so it goes.
    att.remove_attachments(store, [a.id])
    store.recycle_bin.empty()
    assert list(att.stored_files(data_dir)) == []


def test_a_deleted_activity_takes_its_attachments_along(store: Store, tmp_path: Path) -> None:
    activity, other = _activity(store, "甲"), _activity(store, "乙")
    photo = files.photo(tmp_path / "x.jpg")
    before = att.attach_files(store, "activities", activity, [photo]).added
    att.add_link(store, "activities", activity, "https://example.cn/news", title="报道")
    att.attach_files(store, "activities", other, [photo])
    entries = store.records.delete(Activity, [activity])
    assert store.conn.execute("SELECT count(*) FROM attachments").fetchone()[0] == 1
    back = store.recycle_bin.restore(entries)
    assert back == 1
    restored = att.list_attachments(store, "activities", activity)
    assert [r.label for r in restored] == ["x.jpg", "报道"] and restored[0] == before[0]
    # Delete both, empty the bin once one is gone for good: the file is kept while the other
    # activity (in the bin) still refers to it, and goes with the last reference.
    data_dir = store.path.parent  # type: ignore[union-attr]
    store.records.delete(Activity, [activity])
    assert att.collect_garbage(store) == 0
    assert len(list(att.stored_files(data_dir))) == 1
    store.records.delete(Activity, [other])
    store.recycle_bin.empty()
    assert list(att.stored_files(data_dir)) == []


def test_an_attachment_whose_activity_is_in_the_bin_waits_for_it(
    store: Store, tmp_path: Path
) -> None:
    activity = _activity(store)
    [a] = att.attach_files(store, "activities", activity, [files.photo(tmp_path / "x.jpg")]).added
    entries = att.remove_attachments(store, [a.id])
    store.records.delete(Activity, [activity])
    with pytest.raises(StoreError, match="请先从回收站恢复那条活动记录"):
        store.recycle_bin.restore(entries)
    assert len(store.recycle_bin.entries()) == 2  # nothing changed


def test_missing_and_changed_files_are_reported(store: Store, tmp_path: Path) -> None:
    activity = _activity(store)
    result = att.attach_files(
        store, "activities", activity,
        [files.photo(tmp_path / "a.jpg", seed=1), files.photo(tmp_path / "b.jpg", seed=2)],
    )  # fmt: skip
    data_dir = store.path.parent  # type: ignore[union-attr]
    a, b = result.added
    assert att.check_stored_files(store) == []
    path_a, path_b = a.path(data_dir), b.path(data_dir)
    assert path_a is not None and path_b is not None
    path_a.unlink()
    path_b.chmod(0o644)
    data = bytearray(path_b.read_bytes())
    data[-10] ^= 0xFF  # same size, other content
    path_b.write_bytes(bytes(data))
    problems = att.check_stored_files(store)
    assert [p.describe() for p in problems] == [
        "活动“科普进社区”的附件“a.jpg”缺失",
        "活动“科普进社区”的附件“b.jpg”已改变",
    ]
    assert [p.problem for p in att.check_stored_files(store, full=False)] == ["缺失"]


def test_the_schema_refuses_paths_outside_the_store(store: Store) -> None:
    activity = _activity(store)
    with pytest.raises(sqlite3.IntegrityError):
        store.conn.execute(
            "INSERT INTO attachments (uuid, created_at, updated_at, activity_id, kind, sha256, "
            "file_type) VALUES ('u', 'x', 'x', ?, '照片', ?, 'jpg')",
            [activity, "../" * 21 + "a"],
        )


def test_missing_evidence_follows_the_required_kinds(store: Store, tmp_path: Path) -> None:
    complete, photo_only, bare = (_activity(store, t) for t in ("全", "只有照片", "什么都没有"))
    photo = files.photo(tmp_path / "x.jpg")
    att.attach_files(store, "activities", complete, [photo])
    att.attach_files(store, "activities", complete, [files.pdf(tmp_path / "s.pdf")], kind="签到表")
    att.attach_files(store, "activities", photo_only, [photo])
    assert att.activities_missing_evidence(store) == [photo_only, bare]
    att.set_required_kinds(store, ["照片"])
    assert att.activities_missing_evidence(store) == [bare]
    assert att.activities_missing_evidence(store, year=2024) == []
