"""Backups carry the attachments beside the .db, copy only what is new, and restore by hash."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from kexie_desktop.core import attachments as att
from kexie_desktop.core.backup import automatic_backup, copy_database
from kexie_desktop.core.records import Activity
from kexie_desktop.core.store import Store
from tests.core import evidence_files as files


def _with_photos(store: Store, tmp_path: Path, n: int = 3) -> int:
    activity = store.records.save(
        Activity(title="科技周", category="科学普及", start_date="2025-05-18")
    )
    assert activity.id is not None
    photos = [files.photo(tmp_path / f"p{i}.jpg", seed=i) for i in range(n)]
    att.attach_files(store, "activities", activity.id, photos)
    return activity.id


def test_backup_and_restore_round_trip_by_hash(store: Store, tmp_path: Path) -> None:
    activity = _with_photos(store, tmp_path)
    stick = tmp_path / "U盘"
    stick.mkdir()
    target = stick / "备份.db"
    copy_database(store.conn, target)
    first = att.backup_files(store, target)
    assert (first.copied, first.present, first.problems) == (3, 0, [])
    beside = sorted(p for p in (stick / "attachments").rglob("*") if p.is_file())
    assert [att.file_hash(p) for p in beside] == [p.stem for p in beside]
    # FAT32: no file of the backup reaches 4 GiB; each attachment is at most 100 MB.
    assert all(p.stat().st_size <= att.MAX_FILE_BYTES for p in beside)
    # Again, with one more photo: only that one is copied.
    att.attach_files(store, "activities", activity, [files.photo(tmp_path / "new.jpg", seed=9)])
    copy_database(store.conn, target)
    second = att.backup_files(store, target)
    assert (second.copied, second.present) == (1, 3)

    # A new PC: an empty data folder, the stick's backup restored with its photos.
    fresh = Store.open(tmp_path / "新电脑")
    try:
        found = att.files_for_restore(target, tmp_path / "新电脑")
        assert (found.copied, found.problems) == (4, [])
        fresh.restore(target)
        assert len(att.list_attachments(fresh, "activities", activity)) == 4
        assert att.check_stored_files(fresh) == []
    finally:
        fresh.close()


def test_a_damaged_file_on_the_stick_is_not_restored(store: Store, tmp_path: Path) -> None:
    _with_photos(store, tmp_path, n=2)
    target = tmp_path / "备份.db"
    copy_database(store.conn, target)
    (tmp_path / "attachments").mkdir()
    att.backup_files(store, target)
    damaged = sorted((tmp_path / "attachments").rglob("*.jpg"))[0]
    damaged.chmod(0o644)
    damaged.write_bytes(damaged.read_bytes()[:-5] + b"xxxxx")
    other = tmp_path / "另一台"
    found = att.files_for_restore(target, other)
    assert found.copied == 1 and len(found.problems) == 1 and "已改变" in found.problems[0]
    assert not att.stored_path(other, damaged.stem, "jpg").exists()


def test_old_backups_without_attachments_still_restore(store: Store, tmp_path: Path) -> None:
    old = tmp_path / "旧备份.db"
    copy_database(store.conn, old)
    with sqlite3.connect(old) as conn:  # as a backup made before 0008 would be
        conn.execute("DROP TABLE attachments")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0012_evidence_attachments'")
    conn.close()
    found = att.files_for_restore(old, tmp_path / "data")
    assert (found.copied, found.problems) == (0, [])
    store.restore(old)
    assert store.conn.execute("SELECT count(*) FROM attachments").fetchone()[0] == 0


def test_daily_backups_copy_no_files_and_keep_them_alive(store: Store, tmp_path: Path) -> None:
    activity = _with_photos(store, tmp_path, n=1)
    data_dir = store.path.parent  # type: ignore[union-attr]
    made = automatic_backup(store.conn, data_dir, today=dt.date(2025, 6, 1))
    assert made is not None
    assert not (data_dir / "backups" / "attachments").exists()  # only the .db
    # The photo removed and the bin emptied: yesterday's backup still refers to it, so it stays.
    [a] = att.list_attachments(store, "activities", activity)
    att.remove_attachments(store, [a.id])
    store.recycle_bin.empty()
    assert len(list(att.stored_files(data_dir))) == 1
    store.restore(made)
    assert att.check_stored_files(store) == []
    # Once no backup refers to it either, it goes.
    att.remove_attachments(store, [a.id])
    for path in (data_dir / "backups").glob("*.db"):
        path.unlink()
    store.recycle_bin.empty()
    assert list(att.stored_files(data_dir)) == []
