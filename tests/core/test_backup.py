"""Backups: consistent, checked copies; daily copies kept by rule; a restore that can be undone."""

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

import pytest

from kexie_desktop.core.backup import (
    BackupError,
    automatic_backup,
    copy_database,
    inspect_backup,
    prune,
)
from kexie_desktop.core.records import Person
from kexie_desktop.core.store import Store


def content_hash(conn: sqlite3.Connection) -> str:
    digest = hashlib.sha256()
    for table in ("units", "people", "activities", "awards", "activity_people", "narratives"):
        for row in conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2"):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def test_a_backup_is_a_checked_consistent_copy(demo_store: Store, tmp_path: Path) -> None:
    info = copy_database(demo_store.conn, tmp_path / "备份.db")
    assert info.counts == demo_store.records.counts()
    assert info.organisation == "青江市厂矿科协联合会"
    assert "人员65条" in info.describe()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "data") == ["备份.db"]
    with sqlite3.connect(tmp_path / "备份.db") as copy:
        assert content_hash(copy) == content_hash(demo_store.conn)


def test_restore_round_trip_and_its_undo(demo_store: Store, tmp_path: Path) -> None:
    before = content_hash(demo_store.conn)
    copy_database(demo_store.conn, tmp_path / "备份.db")
    demo_store.records.save(Person(name="备份之后加的人"))
    changed = content_hash(demo_store.conn)
    safety, described = demo_store.restore(tmp_path / "备份.db")
    assert content_hash(demo_store.conn) == before
    assert "人员65条" in described
    assert demo_store.lists.ids("people", search="备份之后") == []  # the lists follow
    demo_store.restore(safety)  # the restore itself undone
    assert content_hash(demo_store.conn) == changed


def test_bad_backups_are_refused_and_change_nothing(demo_store: Store, tmp_path: Path) -> None:
    before = content_hash(demo_store.conn)
    garbage = tmp_path / "坏.db"
    garbage.write_bytes(b"not a database" * 200)
    with pytest.raises(BackupError):
        demo_store.restore(garbage)
    other = tmp_path / "别的.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE x (a)")
    with pytest.raises(BackupError, match="不是科协工作台的备份文件"):
        inspect_backup(other)
    newer = tmp_path / "新版.db"
    copy_database(demo_store.conn, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES ('kexie', '9999_future', 'x')"
        )
    with pytest.raises(BackupError, match="更新版本"):
        demo_store.restore(newer)
    assert content_hash(demo_store.conn) == before


def test_daily_copies_once_a_day(demo_store: Store, data_dir: Path) -> None:
    day = dt.date(2025, 12, 4)
    made = automatic_backup(demo_store.conn, data_dir, today=day)
    assert made == data_dir / "backups" / "kexie-2025-12-04.db"
    assert automatic_backup(demo_store.conn, data_dir, today=day) is None
    inspect_backup(made)


def test_seven_daily_and_twelve_monthly_copies_are_kept(tmp_path: Path) -> None:
    start = dt.date(2024, 1, 1)
    for n in range(0, 700, 3):
        (tmp_path / f"kexie-{(start + dt.timedelta(days=n)).isoformat()}.db").write_bytes(b"")
    (tmp_path / "kexie-before-restore-20250101-000000.db").write_bytes(b"")
    prune(tmp_path)
    kept = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("kexie-2"))
    newest = sorted(kept, reverse=True)
    assert len(newest) == 7 + 12 - 1  # the newest month's copy is also a daily one
    months = {name[6:13] for name in kept}
    assert len(months) == 12
    assert (tmp_path / "kexie-before-restore-20250101-000000.db").exists()


def test_a_migration_is_preceded_by_a_backup(data_dir: Path) -> None:
    store = Store.open(data_dir)
    store.records.save(Person(name="张三"))
    # As if the database were from the version before import batches existed.
    store.db.execute("DROP TABLE import_changes")
    store.db.execute("DROP TABLE import_batches")
    store.db.execute("DELETE FROM _sqlite_migrations WHERE name = '0003_import_batches'")
    store.close()
    store = Store.open(data_dir)
    copies = list((data_dir / "backups").glob("kexie-before-migration-*.db"))
    assert len(copies) == 1
    assert inspect_backup(copies[0]).counts["people"] == 1
    assert store.imports.batches() == []
    store.close()


def test_a_backup_is_described_in_local_time(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from kexie_desktop.core.backup import BackupInfo

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        info = BackupInfo(
            path=Path("x.db"), organisation="", last_change="2025-12-04T17:30:00+00:00",
            counts={"activities": 1},
        )  # fmt: skip
        text = info.describe()
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    # 17:30 UTC is half past one the next morning in China: the clerk's clock, no UTC label.
    assert "2025-12-05 01:30" in text and "世界标准时间" not in text
