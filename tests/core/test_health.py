"""The start-up check: a damaged kexie.db is found without being touched, moved aside whole,
and the newest good backup found to take its place."""

import hashlib
import os
import random
import sqlite3
from pathlib import Path

import pytest

from kexie_desktop.core.backup import copy_database
from kexie_desktop.core.demo import load_demo
from kexie_desktop.core.health import (
    DamagedDatabase,
    check_database,
    newest_good_backup,
    put_backup_in_place,
    set_aside,
)
from kexie_desktop.core.store import Store, StoreError


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def demo_database(data_dir: Path) -> Path:
    store = Store.open(data_dir)
    load_demo(store)
    store.close()
    return data_dir / "kexie.db"


def overwrite_pages(path: Path, first: int = 2, count: int = 4) -> None:
    """What a failing disk or a half-written sector does: a run of pages turned to noise."""
    data = bytearray(path.read_bytes())
    rng = random.Random(7)
    page = 4096
    data[first * page : (first + count) * page] = rng.randbytes(count * page)
    path.write_bytes(bytes(data))


def test_a_healthy_database_and_a_first_start_pass(data_dir: Path) -> None:
    check_database(data_dir)  # no folder yet
    assert not data_dir.exists()
    demo_database(data_dir)
    check_database(data_dir)


def test_overwritten_bytes_are_detected_and_the_file_is_left_as_it_was(data_dir: Path) -> None:
    db = demo_database(data_dir)
    overwrite_pages(db)
    before = file_hash(db)
    with pytest.raises(DamagedDatabase, match="已损坏"):
        check_database(data_dir)
    assert file_hash(db) == before
    assert isinstance(DamagedDatabase("x"), StoreError)  # every caller already reports these


def test_a_file_that_is_not_a_database_is_damaged(data_dir: Path) -> None:
    data_dir.mkdir()
    (data_dir / "kexie.db").write_bytes(b"garbage" * 1000)
    before = file_hash(data_dir / "kexie.db")
    with pytest.raises(DamagedDatabase, match="已损坏"):
        check_database(data_dir)
    assert file_hash(data_dir / "kexie.db") == before


def test_set_aside_keeps_the_bytes_and_never_overwrites(data_dir: Path) -> None:
    data_dir.mkdir()
    db = data_dir / "kexie.db"
    db.write_bytes(b"first damaged file")
    (data_dir / "kexie.db-wal").write_bytes(b"its wal")
    first = set_aside(data_dir)
    assert first.parent == data_dir / "damaged" and first.name.startswith("kexie-damaged-")
    assert first.read_bytes() == b"first damaged file"
    assert Path(f"{first}-wal").read_bytes() == b"its wal"
    assert not db.exists() and not (data_dir / "kexie.db-wal").exists()
    db.write_bytes(b"second damaged file")  # the same second: another name, nothing lost
    second = set_aside(data_dir)
    assert second != first
    assert first.read_bytes() == b"first damaged file"
    assert second.read_bytes() == b"second damaged file"


def test_the_newest_good_backup_is_found(data_dir: Path) -> None:
    assert newest_good_backup(data_dir) is None
    db = demo_database(data_dir)
    backups = data_dir / "backups"
    backups.mkdir()
    store = Store.open(data_dir)
    old = copy_database(store.conn, backups / "kexie-2025-01-01.db").path
    good = copy_database(store.conn, backups / "kexie-before-restore-20250301-101010.db").path
    store.close()
    newer_bad = backups / "kexie-2025-03-02.db"
    newer_bad.write_bytes(b"half a backup")
    hidden = backups / ".kexie-2025-03-03.db.part"  # a copy being written
    hidden.write_bytes(db.read_bytes())
    for age, path in enumerate((hidden, newer_bad, good, old)):
        stamp = 1_750_000_000 - age * 86_400
        os.utime(path, (stamp, stamp))
    assert newest_good_backup(data_dir) == good
    newer_bad.unlink()
    good.unlink()
    assert newest_good_backup(data_dir) == old


def test_a_backup_is_put_in_place_only_where_there_is_no_database(
    data_dir: Path, tmp_path: Path
) -> None:
    db = demo_database(data_dir)
    store = Store.open(data_dir)
    backup = copy_database(store.conn, tmp_path / "备份.db").path
    store.close()
    with pytest.raises(StoreError, match="已存在"):
        put_backup_in_place(data_dir, backup)
    set_aside(data_dir)
    assert put_backup_in_place(data_dir, backup) == db
    # The backup's rows in a database the program built itself, the restore recorded.
    with sqlite3.connect(backup) as original, sqlite3.connect(db) as rebuilt:
        for table in ("units", "people", "activities", "awards", "activity_people", "settings"):
            query = f"SELECT * FROM {table} ORDER BY 1, 2"
            assert rebuilt.execute(query).fetchall() == original.execute(query).fetchall()
    original.close()
    rebuilt.close()
    store = Store.open(data_dir)
    assert store.records.counts()["people"] == 65
    assert store.change_log.entries()[0]["label"] == "数据文件损坏后从备份恢复：备份.db"
    store.close()
