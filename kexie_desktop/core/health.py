"""The start-up check of kexie.db, and what to do with a damaged one.

A damaged database must never be opened for writing: migrations, the daily backup or the next
save could spread the damage or overwrite the pages a technician might still rescue. So the
check reads the file through a read-only connection before the store opens it, and a damaged
file is moved aside whole (never deleted, never overwritten) before a backup takes its place.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

from kexie_desktop.core import sqlite_errors
from kexie_desktop.core.backup import BACKUP_FOLDER, BackupError, inspect_backup
from kexie_desktop.core.paths import DB_FILENAME
from kexie_desktop.core.store import StoreError

DAMAGED_FOLDER = "damaged"
# The files SQLite keeps beside the database; they belong to it and travel with it. A -wal left
# behind would even be replayed into the next database of the same name.
_COMPANIONS = ("-wal", "-shm", "-journal")
# Error codes that mean "the bytes are wrong", as opposed to "the file is busy or unreadable".
_DAMAGE_CODES = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_SQLITE_HEADER = b"SQLite format 3\x00"


class DamagedDatabase(StoreError):
    """kexie.db is not a readable database or failed quick_check; the message is Chinese."""


def check_database(data_dir: Path) -> None:
    """Raise DamagedDatabase if DIR/kexie.db exists and is damaged; change nothing either way."""
    path = Path(data_dir) / DB_FILENAME
    if not path.exists():
        return  # a first start: Store.open creates it
    if not path.is_file():
        raise DamagedDatabase(_damaged_message(path, "它不是普通文件"))
    try:
        with path.open("rb") as f:
            head = f.read(len(_SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"无法读取数据库 {path}：{exc.strerror or exc}") from exc
    # SQLite would take a zero-byte file for a new empty database, and exports and imports
    # would go on without the clerk's data while the backups sit unused. The program never
    # leaves an empty kexie.db (Store.open builds a new one under another name first).
    if not head:
        raise DamagedDatabase(_damaged_message(path, "文件是空的（0字节）"))
    if head != _SQLITE_HEADER:
        raise DamagedDatabase(_damaged_message(path, "它不是数据库文件"))
    from kexie_desktop.core.store.opening import connect_read_only

    try:
        conn = connect_read_only(path)
    except sqlite3.DatabaseError as exc:
        if exc.sqlite_errorcode & 0xFF in _DAMAGE_CODES:
            raise DamagedDatabase(_damaged_message(path, f"完整性检查未通过：{exc}")) from exc
        raise StoreError(f"无法读取数据库 {path}：{sqlite_errors.describe(exc)}") from exc
    try:
        # The same page cache as the store: a big database is checked about twice as fast.
        conn.execute("PRAGMA cache_size = -65536")
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        if exc.sqlite_errorcode & 0xFF in _DAMAGE_CODES:
            raise DamagedDatabase(_damaged_message(path, f"完整性检查未通过：{exc}")) from exc
        # Busy, locked, an I/O error: the file may be fine, so it is not called damaged.
        raise StoreError(f"无法检查数据库 {path}：{sqlite_errors.describe(exc)}") from exc
    finally:
        conn.close()
    problems = [str(r[0]) for r in rows]
    if problems != ["ok"]:
        raise DamagedDatabase(
            _damaged_message(path, f"完整性检查未通过：{'；'.join(problems[:3])}")
        )


def _damaged_message(path: Path, detail: str) -> str:
    return f"数据文件 {path} 已损坏，不能打开（{detail}）。"


def remove_leftovers(data_dir: Path) -> list[Path]:
    """Temporary files of backups, restores and exports that a killed program left behind in
    the data folder and its backups/ (only this program's ".<name>.<hex>.part" names)."""
    from kexie_desktop.core.safe_write import remove_leftover_parts

    folder = Path(data_dir)
    return remove_leftover_parts(folder) + remove_leftover_parts(folder / BACKUP_FOLDER)


def set_aside(data_dir: Path) -> Path:
    """Move kexie.db and its companion files into DIR/damaged/; returns the database's new path.

    Nothing is deleted or overwritten: a name already taken gets a number added.
    """
    source = Path(data_dir) / DB_FILENAME
    folder = Path(data_dir) / DAMAGED_FOLDER
    try:
        folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = folder / f"kexie-damaged-{stamp}.db"
        n = 1
        while any(Path(f"{target}{s}").exists() for s in ("", *_COMPANIONS)):
            n += 1
            target = folder / f"kexie-damaged-{stamp}-{n}.db"
        # The database first: once it is gone, nothing can open the companions by mistake.
        os.rename(source, target)
        for suffix in _COMPANIONS:
            companion = Path(f"{source}{suffix}")
            if companion.exists():
                os.rename(companion, f"{target}{suffix}")
    except OSError as exc:
        raise StoreError(
            f"无法把损坏的数据文件移到 {folder}：{exc.strerror or exc}。文件没有改动。"
        ) from exc
    return target


def newest_good_backup(data_dir: Path) -> Path | None:
    """The newest copy in DIR/backups/ that passes inspect_backup (whole, ours, not newer)."""
    folder = Path(data_dir) / BACKUP_FOLDER
    if not folder.is_dir():
        return None
    candidates = [p for p in folder.glob("*.db") if p.is_file() and not p.name.startswith(".")]
    # Newest by the time it was written: daily, before-migration and before-restore copies
    # have different name patterns, so the names alone do not sort by age.
    candidates.sort(key=lambda p: (p.stat().st_mtime, p.name), reverse=True)
    for candidate in candidates:
        try:
            inspect_backup(candidate)
        except BackupError:
            continue
        return candidate
    return None


def put_backup_in_place(data_dir: Path, backup: Path) -> Path:
    """Build DIR/kexie.db from a checked backup; it must not exist (the damaged one was moved).

    Like a restore, only the backup's rows are taken, into a database built by the program's
    own migrations (backup.clean_copy), in a temporary file flushed and renamed, so a power cut
    leaves either no database or the whole copy; the backup itself is only read.
    """
    from kexie_desktop.core.backup import clean_copy

    target = Path(data_dir) / DB_FILENAME
    if any(Path(f"{target}{s}").exists() for s in ("", *_COMPANIONS)):
        raise StoreError(f"{target} 已存在，没有用备份替换它。")
    note = f"数据文件损坏后从备份恢复：{Path(backup).name}"
    try:
        with clean_copy(backup, Path(data_dir), note=note) as (clean, _info):
            with clean.open("rb+") as f:
                os.fsync(f.fileno())
            os.rename(clean, target)
    except OSError as exc:
        raise StoreError(f"无法把备份复制到 {target}：{exc.strerror or exc}") from exc
    return target


__all__ = [
    "DAMAGED_FOLDER",
    "DamagedDatabase",
    "check_database",
    "newest_good_backup",
    "put_backup_in_place",
    "remove_leftovers",
    "set_aside",
]
