"""Backups of the clerk's database: made with SQLite's backup API (a consistent copy even while
the program has the database open), checked with integrity_check, written whole or not at all.

Automatic copies go to the data folder's backups/ at the first start of each day, kept as the 7
newest daily copies plus the newest copy of each of the last 12 months.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

from kexie_desktop.core.migrations import MIGRATION_SET, MIGRATIONS_TABLE, known_names
from kexie_desktop.core.safe_write import explain_os_error

BACKUP_FOLDER = "backups"
_DAILY = re.compile(r"^kexie-(\d{4}-\d{2}-\d{2})\.db$")
KEEP_DAILY = 7
KEEP_MONTHLY = 12
TABLES = {"units": "基层组织", "people": "人员", "activities": "活动", "awards": "奖项"}


class BackupError(Exception):
    """A backup could not be made or used; the message is Chinese."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    organisation: str
    last_change: str  # the newest updated_at in it, ISO
    counts: dict[str, int]

    def describe(self) -> str:
        parts = "、".join(f"{TABLES[t]}{n}条" for t, n in self.counts.items())
        when = _local_time(self.last_change) if self.last_change else "（无记录）"
        org = f"“{self.organisation}”的" if self.organisation else ""
        return f"{org}备份：{parts}；最后一次修改在 {when}。"


def _local_time(iso: str) -> str:
    """A stored UTC time as the clerk's clock shows it (2025-12-04 09:30), not a day off in
    the evening."""
    try:
        moment = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso[:16].replace("T", " ")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def copy_database(source: sqlite3.Connection, target: Path) -> BackupInfo:
    """A consistent, checked copy of the open database at `target`, whole or absent."""
    target = Path(target)
    if not target.parent.is_dir():
        raise BackupError(f"文件夹“{target.parent}”不存在（U盘可能已被拔出）。")
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        copy = sqlite3.connect(temporary)
        try:
            source.backup(copy)
            # One self-contained file: no -wal beside it to lose on the way to a stick.
            copy.execute("PRAGMA journal_mode = DELETE")
        finally:
            copy.close()
        with temporary.open("rb+") as f:
            os.fsync(f.fileno())
        info = inspect_backup(temporary)
        os.replace(temporary, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise BackupError(explain_os_error(exc, target)) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise
    return BackupInfo(target, info.organisation, info.last_change, info.counts)


def inspect_backup(path: Path) -> BackupInfo:
    """What a backup file holds, after checking it is whole and from a version we can read."""
    if not Path(path).is_file():
        raise BackupError(f"找不到备份文件“{path}”。")
    try:
        conn = sqlite3.connect(f"file:{Path(path).as_posix()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"“{path}”不是可用的备份文件：{exc}") from exc
    try:
        if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"备份文件“{path}”已损坏（完整性检查未通过）。")
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not set(TABLES) <= names or MIGRATIONS_TABLE not in names:
            raise BackupError(f"“{path}”不是科协工作台的备份文件。")
        applied = {
            r[0]
            for r in conn.execute(
                f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ?", [MIGRATION_SET]
            )
        }
        if applied - set(known_names()):
            raise BackupError("这个备份由更新版本的科协工作台制作，当前版本无法使用。")
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        last = max(
            (conn.execute(f"SELECT max(updated_at) FROM {t}").fetchone()[0] or "" for t in TABLES),
            default="",
        )
        org_row = conn.execute(
            "SELECT value FROM settings WHERE key = 'profile.org_name'"
        ).fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"“{path}”不是可用的备份文件：{exc}") from exc
    finally:
        conn.close()
    return BackupInfo(Path(path), org_row[0] if org_row else "", last, counts)


def automatic_backup(
    source: sqlite3.Connection, data_dir: Path, *, today: dt.date | None = None
) -> Path | None:
    """Today's copy in backups/ if there is none yet; old copies beyond the keep rules go."""
    today = today or dt.date.today()
    folder = Path(data_dir) / BACKUP_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"kexie-{today.isoformat()}.db"
    made = None
    if not target.exists():
        copy_database(source, target)
        made = target
    prune(folder)
    return made


def prune(folder: Path) -> list[Path]:
    """Keep the 7 newest daily copies and the newest copy of each of the 12 newest months."""
    dated = sorted(
        ((m.group(1), p) for p in folder.iterdir() if (m := _DAILY.match(p.name))), reverse=True
    )
    keep = {p for _, p in dated[:KEEP_DAILY]}
    months: dict[str, Path] = {}
    for day, path in dated:
        months.setdefault(day[:7], path)
    keep |= set(list(months.values())[:KEEP_MONTHLY])
    removed = []
    for _, path in dated:
        if path not in keep:
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
    return removed


def restore_into(target: sqlite3.Connection, backup: Path) -> BackupInfo:
    """Replace the open database's content with the backup's, in one step."""
    info = inspect_backup(backup)
    source = sqlite3.connect(f"file:{Path(backup).as_posix()}?mode=ro", uri=True)
    try:
        source.backup(target)
    except sqlite3.Error as exc:
        raise BackupError(f"恢复时出错，原有数据未改动：{exc}") from exc
    finally:
        source.close()
    return info


__all__ = [
    "BackupError",
    "BackupInfo",
    "automatic_backup",
    "copy_database",
    "inspect_backup",
    "prune",
    "restore_into",
]
