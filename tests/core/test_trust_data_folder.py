"""The data folder when it is not as it should be: an empty or foreign kexie.db, a lock file that
cannot be locked, a full or read-only folder. Chinese messages, nothing changed, and commands
that only read still work."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kexie_desktop.core import instance_lock
from kexie_desktop.core.backup import copy_database
from kexie_desktop.core.demo import load_demo
from kexie_desktop.core.health import DamagedDatabase, check_database, set_aside
from kexie_desktop.core.instance_lock import InstanceLock, LockUnavailable
from kexie_desktop.core.records import Person
from kexie_desktop.core.store import Store, StoreError


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_cli(*args: str, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*prefix, sys.executable, "-m", "kexie_desktop", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def demo_folder(data_dir: Path) -> Path:
    store = Store.open(data_dir)
    load_demo(store)
    store.close()
    return data_dir / "kexie.db"


@pytest.mark.parametrize(
    ("content", "detail"),
    [(b"", "文件是空的（0字节）"), (b"PK\x03\x04" + b"\x00" * 2000, "它不是数据库文件")],
)
def test_an_empty_or_foreign_kexie_db_is_damaged_not_new(
    data_dir: Path, tmp_path: Path, content: bytes, detail: str
) -> None:
    data_dir.mkdir()
    (data_dir / "kexie.db").write_bytes(content)
    with pytest.raises(DamagedDatabase, match=detail):
        check_database(data_dir)
    result = run_cli("export", "ledger", "--year", "2025", "--out", str(tmp_path / "台账.xlsx"),
                     "--data-dir", str(data_dir))  # fmt: skip
    assert result.returncode == 1
    assert detail in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "台账.xlsx").exists()
    result = run_cli("import", str(tmp_path / "x.csv"), "--data-dir", str(data_dir))
    assert result.returncode == 1 and detail in result.stderr
    assert (data_dir / "kexie.db").read_bytes() == content
    # Kept aside whole, as any damaged file.
    aside = set_aside(data_dir)
    assert aside.read_bytes() == content


def test_a_new_database_never_appears_half_built(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kexie_desktop.core import migrations

    def killed(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt  # as if the program were stopped while creating it

    monkeypatch.setattr(migrations, "apply_pending", killed)
    with pytest.raises(KeyboardInterrupt):
        Store.open(data_dir)
    assert sorted(p.name for p in data_dir.iterdir()) == []
    monkeypatch.undo()
    Store.open(data_dir).close()
    check_database(data_dir)


def test_a_lock_file_that_is_a_folder_refuses_writes(data_dir: Path, tmp_path: Path) -> None:
    db = demo_folder(data_dir)
    (data_dir / "kexie.lock").unlink(missing_ok=True)
    (data_dir / "kexie.lock").mkdir()
    with pytest.raises(LockUnavailable, match="是一个文件夹"):
        InstanceLock(data_dir).acquire()
    before = file_hash(db)
    csv = tmp_path / "人员.csv"
    csv.write_text("姓名,性别\n新来的人,男\n", encoding="utf-8")
    result = run_cli("import", str(csv), "--data-dir", str(data_dir))
    assert result.returncode == 1
    assert "无法锁定数据文件夹" in result.stderr and "Traceback" not in result.stderr
    assert file_hash(db) == before
    # Reading still works: it takes no lock.
    result = run_cli("export", "ledger", "--year", "2025", "--out", str(tmp_path / "台账.xlsx"),
                     "--data-dir", str(data_dir))  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_a_file_system_without_locks_goes_on_with_a_warning(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_locks(_fd: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(instance_lock, "_lock", no_locks)
    lock = InstanceLock(data_dir)
    lock.acquire()
    assert not lock.held
    assert "不支持文件锁" in lock.warning


def test_a_lock_that_fails_otherwise_refuses(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_fd: int) -> None:
        raise OSError(errno.EBADF, "Bad file descriptor")

    monkeypatch.setattr(instance_lock, "_lock", broken)
    with pytest.raises(LockUnavailable, match="没有打开"):
        InstanceLock(data_dir).acquire()


def test_a_full_disk_while_saving_is_said_in_chinese_and_changes_nothing(store: Store) -> None:
    store.records.save(Person(name="张三"))
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "disk is full"
    before = list(store.conn.iterdump())
    with pytest.raises(StoreError, match="空间已满") as caught, store.transaction():
        for n in range(300):
            store.records.save(Person(name=f"人{n}", notes="很长的备注" * 200), checked=True)
    assert "没有保存" in str(caught.value)
    assert list(store.conn.iterdump()) == before


def test_reading_commands_never_migrate_or_write(data_dir: Path, tmp_path: Path) -> None:
    db = demo_folder(data_dir)
    with sqlite3.connect(db) as conn:
        # As another tool or an older version would leave it: a pending migration and rows
        # without sort keys.
        conn.execute("DROP TABLE import_changes")
        conn.execute("DROP TABLE import_batches")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0003_import_batches'")
        conn.execute("UPDATE people SET name_key = NULL")
    conn.close()
    before = file_hash(db)

    def listing_now() -> list[str]:
        # SQLite's own -wal/-shm companions of a reader aside: no backup made, nothing new.
        return sorted(p.name for p in data_dir.iterdir() if not p.name.endswith(("-wal", "-shm")))

    listing = listing_now()
    csv = tmp_path / "人员.csv"
    csv.write_text("姓名,性别\n新来的人,男\n", encoding="utf-8")
    for args in (
        ("export", "ledger", "--year", "2025", "--out", str(tmp_path / "台账.xlsx")),
        ("export", "summary", "--year", "2025", "--out", str(tmp_path / "总结.docx")),
        ("export", "evidence", "--year", "2025", "--out", str(tmp_path / "佐证.docx")),
        ("backup", "--out", str(tmp_path / "备份.db")),
        ("profile",),
        ("submissions", "--year", "2025"),
        ("import", str(csv), "--dry-run"),
    ):
        result = run_cli(*args, "--data-dir", str(data_dir))
        assert result.returncode == 0, (args, result.stderr)
    # Refused for the figures nobody typed, but read all the same.
    result = run_cli("export", "stats", "--year", "2025", "--out", str(tmp_path / "统计.xlsx"),
                     "--data-dir", str(data_dir))  # fmt: skip
    assert "统计数据未通过检查" in result.stderr and "Traceback" not in result.stderr
    assert file_hash(db) == before
    assert listing_now() == listing
    store = Store.open(data_dir, read_only=True)
    assert store.records.count(Person) == 65
    store.close()


def _read_only_mount_prefix(folder: Path) -> tuple[str, ...]:
    """Run a command with `folder` mounted read-only (a write-protected stick, an EROFS)."""
    unshare = shutil.which("unshare")
    if unshare is None or sys.platform != "linux":
        pytest.skip("unshare is needed to mount a folder read-only")
    probe = subprocess.run([unshare, "-rm", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("user namespaces are not available here")
    script = (
        f'mount --bind "{folder}" "{folder}" && '
        f'mount -o remount,ro,bind "{folder}" "{folder}" && exec "$@"'
    )
    return (unshare, "-rm", "sh", "-c", script, "sh")


def test_a_read_only_data_folder_still_exports_and_backs_up(data_dir: Path, tmp_path: Path) -> None:
    db = demo_folder(data_dir)
    prefix = _read_only_mount_prefix(data_dir)
    before = file_hash(db)
    out = tmp_path / "out"
    out.mkdir()
    for args in (
        ("export", "ledger", "--year", "2025", "--out", str(out / "台账.xlsx")),
        ("export", "summary", "--year", "2025", "--out", str(out / "总结.docx")),
        ("backup", "--out", str(out / "备份.db")),
    ):
        result = run_cli(*args, "--data-dir", str(data_dir), prefix=prefix)
        assert result.returncode == 0, result.stderr
    csv = tmp_path / "人员.csv"
    csv.write_text("姓名,性别\n新来的人,男\n", encoding="utf-8")
    result = run_cli("import", str(csv), "--data-dir", str(data_dir), prefix=prefix)
    assert result.returncode == 1
    assert "只读" in result.stderr and "Traceback" not in result.stderr
    assert "readonly" not in result.stderr
    assert file_hash(db) == before
    assert os.path.getsize(out / "备份.db") > 0


def test_a_backup_to_a_write_protected_stick_says_so(data_dir: Path, tmp_path: Path) -> None:
    demo_folder(data_dir)
    stick = tmp_path / "U盘"
    stick.mkdir()
    prefix = _read_only_mount_prefix(stick)
    result = run_cli("backup", "--out", str(stick / "备份.db"), "--data-dir", str(data_dir),
                     prefix=prefix)  # fmt: skip
    assert result.returncode == 1
    assert "只读" in result.stderr and "Traceback" not in result.stderr
    assert list(stick.iterdir()) == []


def test_a_restore_into_a_read_only_data_folder_is_refused_in_chinese(
    data_dir: Path, tmp_path: Path
) -> None:
    db = demo_folder(data_dir)
    store = Store.open(data_dir)
    backup = tmp_path / "备份.db"
    copy_database(store.conn, backup)
    store.close()
    before = file_hash(db)
    prefix = _read_only_mount_prefix(data_dir)
    result = run_cli("restore", str(backup), "--data-dir", str(data_dir), prefix=prefix)
    assert result.returncode == 1
    assert "只读" in result.stderr and "Traceback" not in result.stderr
    assert file_hash(db) == before
