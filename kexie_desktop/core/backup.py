"""Backups of the clerk's database: made with SQLite's backup API (a consistent copy even while
the program has the database open), checked with integrity_check, written whole or not at all.

Automatic copies go to the data folder's backups/ at the first start of each day, kept as the 7
newest daily copies plus the newest copy of each of the last 12 months.

A backup to be restored is an untrusted file: it may come from a stick that passed through other
PCs, and a SQLite file can carry triggers, views and odd tables that would run or linger in the
clerk's database if the file were simply copied in. So a restore never copies the file: it is
opened read-only and immutable (nothing is written beside it, not even a -shm file on the stick),
checked against the schema the program's own migrations build for the version it claims, and
only its rows are copied into a fresh database built by those migrations, in a temporary file.
Only when that whole copy has succeeded does it replace the live content, in one transaction;
anything that fails before leaves the live database as it was, byte for byte.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kexie_desktop.core import sqlite_errors
from kexie_desktop.core.migrations import MIGRATION_SET, MIGRATIONS_TABLE, known_names
from kexie_desktop.core.safe_write import (
    explain_os_error,
    release_temporary,
    remove_leftover_parts,
    temporary_name,
)

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


_SQLITE_HEADER = b"SQLite format 3\x00"
# Tables SQLite keeps itself; never compared with the reference schema, never copied as rows.
_INTERNAL = re.compile(r"^sqlite_")


def copy_database(source: sqlite3.Connection, target: Path) -> BackupInfo:
    """A consistent, checked copy of the open database at `target`, whole or absent."""
    target = Path(target)
    if not target.parent.is_dir():
        raise BackupError(f"文件夹“{target.parent}”不存在（U盘可能已被拔出）。")
    # Leftovers of a backup or export cut short in this folder (a killed program, a pulled stick).
    remove_leftover_parts(target.parent)
    temporary = temporary_name(target)
    try:
        # Made by Python first: a read-only or permission-less folder then says so as an OSError
        # with its errno, instead of SQLite's "unable to open database file".
        with temporary.open("xb"):
            pass
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
        _remove_temporary(temporary)
        raise BackupError(explain_os_error(exc, target)) from exc
    except sqlite3.Error as exc:
        _remove_temporary(temporary)
        raise BackupError(
            f"备份没有写出：{sqlite_errors.describe(exc, target.parent)}"
            if sqlite_errors.is_place_problem(exc)
            else f"备份没有写出：{sqlite_errors.describe(exc)}"
        ) from exc
    except BaseException:
        _remove_temporary(temporary)
        raise
    finally:
        release_temporary(temporary)
    return BackupInfo(target, info.organisation, info.last_change, info.counts)


def _remove_temporary(temporary: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            Path(f"{temporary}{suffix}").unlink(missing_ok=True)


def open_untrusted(path: Path) -> sqlite3.Connection:
    """A read-only, immutable connection to a database file from outside.

    Immutable: SQLite writes nothing beside the file (no -shm for a WAL-mode file on a stick)
    and takes no locks. trusted_schema off: functions with side effects cannot run from the
    file's own views, triggers or defaults.
    """
    uri = Path(path).resolve().as_uri() + "?mode=ro&immutable=1"
    conn = sqlite3.connect(uri, uri=True)
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.execute("PRAGMA query_only = ON")
    return conn


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@lru_cache(maxsize=8)
def _reference_types(applied: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Table → the declared type of each column (upper case), as our migrations build them."""
    from sqlite_utils import Database

    from kexie_desktop.core.migrations import apply_pending

    conn = sqlite3.connect(":memory:")
    try:
        apply_pending(Database(conn, execute_plugins=False), names=applied)
        return {
            t: tuple(str(r[2]).upper() for r in conn.execute(f"PRAGMA table_xinfo({_quote(t)})"))
            for t in _reference_schema(applied)
        }
    finally:
        conn.close()


@lru_cache(maxsize=8)
def _reference_schema(applied: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Table → column names, as the program's own migrations `applied` build them."""
    from sqlite_utils import Database

    from kexie_desktop.core.migrations import apply_pending

    conn = sqlite3.connect(":memory:")
    try:
        apply_pending(Database(conn, execute_plugins=False), names=applied)
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not _INTERNAL.match(r[0])
        ]
        return {
            t: tuple(r[1] for r in conn.execute(f"PRAGMA table_xinfo({_quote(t)})")) for t in tables
        }
    finally:
        conn.close()


def _not_ours(path: Path, detail: str = "") -> BackupError:
    why = f"（{detail}）" if detail else ""
    return BackupError(
        f"“{Path(path).name}”不是科协工作台的备份文件，或已被其他程序改动过{why}，不能用来恢复。"
    )


def _check_file(path: Path) -> None:
    path = Path(path)
    if not path.exists():
        raise BackupError(f"找不到备份文件“{path}”。")
    if not path.is_file():
        raise BackupError(f"“{path}”不是普通文件（可能是文件夹或设备），不能用来恢复。")
    try:
        with path.open("rb") as f:
            head = f.read(len(_SQLITE_HEADER))
    except OSError as exc:
        raise BackupError(f"无法读取备份文件“{path}”：{exc.strerror or exc}") from exc
    if not head:
        raise BackupError(f"“{path.name}”是空文件（0字节），不是可用的备份。")
    if head != _SQLITE_HEADER:
        raise _not_ours(path, "不是数据库文件")


def _applied(
    conn: sqlite3.Connection, path: Path, objects: dict[str, tuple[str, str]]
) -> list[str]:
    if objects.get(MIGRATIONS_TABLE, ("",))[0] != "table":
        raise _not_ours(path)
    applied = [
        str(r[0])
        for r in conn.execute(
            f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY rowid",
            [MIGRATION_SET],
        )
    ]
    if set(applied) - set(known_names()):
        raise BackupError("这个备份由更新版本的科协工作台制作，当前版本无法使用。")
    if not applied:
        raise _not_ours(path)
    # In the program's order, whatever order another build applied them in.
    return [name for name in known_names() if name in set(applied)]


def _check_schema(
    conn: sqlite3.Connection, path: Path, applied: list[str]
) -> dict[str, tuple[str, ...]]:
    """The tables to copy, after checking each is a plain table with exactly our columns."""
    objects = {
        str(name): (str(kind), str(sql or ""))
        for kind, name, sql in conn.execute("SELECT type, name, sql FROM sqlite_master")
    }
    reference = _reference_schema(tuple(applied))
    for table, columns in reference.items():
        kind, sql = objects.get(table, ("", ""))
        if kind != "table":
            what = "缺少" if not kind else "被换成了视图或其他对象："
            raise _not_ours(path, f"{what}表“{table}”" if kind else f"缺少表“{table}”")
        if not re.match(r"\s*CREATE\s+TABLE\b", sql, re.IGNORECASE):
            raise _not_ours(path, f"表“{table}”不是普通的表")
        found = [
            (str(r[1]), int(r[6])) for r in conn.execute(f"PRAGMA table_xinfo({_quote(table)})")
        ]
        if [name for name, _hidden in found] != list(columns) or any(h for _n, h in found):
            raise _not_ours(path, f"表“{table}”的列与本程序不符")
    return reference


def inspect_backup(path: Path) -> BackupInfo:
    """What a backup file holds, after checking it is whole, ours, from a version we can read,
    and made of the tables our migrations build (nothing in it is run or kept)."""
    path = Path(path)
    _check_file(path)
    try:
        conn = open_untrusted(path)
    except sqlite3.Error as exc:
        raise _not_ours(path, sqlite_errors.describe(exc)) from exc
    try:
        if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"备份文件“{path}”已损坏（完整性检查未通过）。")
        objects = {
            str(name): (str(kind), "")
            for kind, name in conn.execute("SELECT type, name FROM sqlite_master")
        }
        applied = _applied(conn, path, objects)
        _check_schema(conn, path, applied)
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        last = max(
            (conn.execute(f"SELECT max(updated_at) FROM {t}").fetchone()[0] or "" for t in TABLES),
            default="",
        )
        org_row = conn.execute(
            "SELECT value FROM settings WHERE key = 'profile.org_name'"
        ).fetchone()
        organisation = str(org_row[0]) if org_row else ""
    except sqlite3.DatabaseError as exc:
        raise _not_ours(path, _read_problem(exc)) from exc
    finally:
        conn.close()
    return BackupInfo(path, organisation, str(last), counts)


def _read_problem(exc: sqlite3.Error) -> str:
    if "decode" in str(exc).lower():
        return "其中有文字不是有效的UTF-8编码"
    if isinstance(exc, sqlite3.IntegrityError):
        return "其中有记录不符合本程序的规则，如数字为负、必填项为空或名称重复"
    return sqlite_errors.describe(exc)


@contextlib.contextmanager
def clean_copy(
    backup: Path, work_dir: Path, *, page_size: int = 4096, note: str = ""
) -> Iterator[tuple[Path, BackupInfo]]:
    """A fresh database in `work_dir` holding the backup's rows, built by our own migrations.

    Yields its path (removed afterwards, whatever happens) and what the backup holds. The
    backup's own schema, triggers, views and extra tables are never carried over; rows that
    break the program's constraints, text that is not UTF-8 and broken links refuse the backup.
    `note` becomes one audit-log entry recording the restore itself.
    """
    backup = Path(backup)
    info = inspect_backup(backup)
    remove_leftover_parts(work_dir)
    temporary = temporary_name(Path(work_dir) / "kexie-restore.db")
    try:
        try:
            with temporary.open("xb"):
                pass
        except OSError as exc:
            raise BackupError(
                f"无法在数据文件夹中准备恢复：{explain_os_error(exc, temporary)}"
            ) from exc
        try:
            _build(backup, temporary, page_size=page_size, note=note)
        except sqlite3.Error as exc:
            if sqlite_errors.is_place_problem(exc) and "decode" not in str(exc).lower():
                raise BackupError(
                    f"恢复没有完成，原有数据未改动：{sqlite_errors.describe(exc, Path(work_dir))}"
                ) from exc
            raise _not_ours(backup, _read_problem(exc)) from exc
        yield temporary, info
    finally:
        _remove_temporary(temporary)
        release_temporary(temporary)


def _build(backup: Path, target: Path, *, page_size: int, note: str) -> None:
    from kexie_desktop.core import migrations
    from kexie_desktop.core.store import Store, StoreError

    source = open_untrusted(backup)
    conn = sqlite3.connect(target)
    try:
        objects = {
            str(name): (str(kind), "")
            for kind, name in source.execute("SELECT type, name FROM sqlite_master")
        }
        applied = _applied(source, backup, objects)
        tables = _check_schema(source, backup, applied)
        conn.execute(f"PRAGMA page_size = {int(page_size)}")
        conn.execute("PRAGMA journal_mode = DELETE")
        store = Store(conn)
        migrations.apply_pending(store.db, names=applied)
        # Links are checked once at the end: rows arrive table by table, not in link order.
        conn.execute("PRAGMA foreign_keys = OFF")
        with store.transaction():
            types = _reference_types(tuple(applied))
            for table, columns in tables.items():
                if table == MIGRATIONS_TABLE:
                    continue  # written by apply_pending for the same names
                _copy_rows(source, conn, table, columns, types[table], backup)
            _copy_sequences(source, conn, objects, tables)
        if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
            raise BackupError(
                f"“{backup.name}”中有记录指向不存在的记录（已被其他程序改动过），不能用来恢复。"
            )
        conn.execute("PRAGMA foreign_keys = ON")
        try:
            # The rest of the program's migrations, sort keys and list tables, as at a start.
            store._migrate()
        except StoreError as exc:
            raise BackupError(f"备份中的数据无法升级到当前版本，不能用来恢复：{exc}") from exc
        with store.transaction():
            store.change_log.add("restore-backup", None, None, table="", label=note or "从备份恢复")
        # Built here from checked rows: the quicker check (no index cross-check) suffices to
        # catch a disk that failed while writing it.
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError("恢复时整理出的数据没有通过完整性检查，原有数据未改动。")
        conn.commit()
    finally:
        conn.close()
        source.close()


def _copy_rows(
    source: sqlite3.Connection, target: sqlite3.Connection, table: str,
    columns: tuple[str, ...], types: tuple[str, ...], backup: Path,
) -> None:  # fmt: skip
    names = ", ".join(_quote(c) for c in columns)
    marks = ", ".join("?" for _ in columns)
    insert = f"INSERT INTO {_quote(table)} ({names}) VALUES ({marks})"
    # What each column may hold: the program reads a name as text and a count as a number,
    # and the schema's column types alone do not stop another tool from storing a blob there.
    allowed = [_ALLOWED.get(t, object) for t in types]  # other types (BLOB, none): anything
    # Fetched through Python: text that is not valid UTF-8 (or a lone surrogate written as
    # UTF-8) fails to decode here instead of reaching the clerk's database.
    cursor = source.execute(f"SELECT {names} FROM {_quote(table)}")
    while rows := cursor.fetchmany(2000):
        for row in rows:
            for value, kinds, column in zip(row, allowed, columns, strict=True):
                if value is not None and not isinstance(value, kinds):
                    raise _not_ours(backup, f"表“{table}”的“{column}”中有不该有的内容")
        target.executemany(insert, rows)


_ALLOWED: dict[str, type | tuple[type, ...]] = {"TEXT": str, "INTEGER": int}


def _copy_sequences(
    source: sqlite3.Connection,
    target: sqlite3.Connection,
    objects: dict[str, tuple[str, str]],
    tables: dict[str, tuple[str, ...]],
) -> None:
    """Ids are never given out twice (AUTOINCREMENT): the backup's counters come along, so a
    record restored from its 回收站 cannot meet a newer record holding its id."""
    if objects.get("sqlite_sequence", ("",))[0] != "table":
        return
    ours = {r[0] for r in target.execute("SELECT name FROM sqlite_sequence")} | {t for t in tables}
    for name, seq in source.execute("SELECT name, seq FROM sqlite_sequence"):
        if name not in ours or not isinstance(seq, int):
            continue
        if target.execute("SELECT 1 FROM sqlite_sequence WHERE name = ?", [name]).fetchone():
            target.execute(
                "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?", [seq, name]
            )
        else:
            target.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", [name, seq])


def replace_content(target: sqlite3.Connection, clean: Path) -> None:
    """The live database's whole content replaced by the clean copy's, in one transaction
    (SQLite's backup API rolls back if it cannot finish)."""
    source = sqlite3.connect(f"{Path(clean).resolve().as_uri()}?mode=ro", uri=True)
    try:
        source.backup(target)
    except sqlite3.Error as exc:
        raise BackupError(f"恢复没有完成，原有数据未改动：{sqlite_errors.describe(exc)}") from exc
    finally:
        source.close()


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
    """Keep the 7 newest daily copies and the newest copy of each of the 12 newest months;
    temporary files of backups cut short go too."""
    remove_leftover_parts(folder)
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
    """Replace the open database's content with the backup's rows, in one step."""
    row = target.execute("PRAGMA database_list").fetchone()
    folder = Path(row[2]).parent if row and row[2] else Path(tempfile.gettempdir())
    page_size = int(target.execute("PRAGMA page_size").fetchone()[0])
    with clean_copy(backup, folder, page_size=page_size) as (clean, info):
        replace_content(target, clean)
    return info


__all__ = [
    "BackupError",
    "BackupInfo",
    "automatic_backup",
    "clean_copy",
    "copy_database",
    "inspect_backup",
    "open_untrusted",
    "prune",
    "replace_content",
    "restore_into",
]
