"""The one module that owns kexie.db: opening, migrations, transactions, reads and writes.

Everything else asks the store; nothing else runs SQL that writes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
import uuid as uuid_module
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from kexie_desktop.core import fields, sqlite_errors
from kexie_desktop.core import listing as listing_module
from kexie_desktop.core import migrations as migrations_module
from kexie_desktop.core.migrations import MIGRATION_SET, MIGRATIONS_TABLE, known_names
from kexie_desktop.core.paths import DB_FILENAME
from kexie_desktop.core.records import (
    RECORD_TYPES,
    Activity,
    Award,
    Person,
    Position,
    Profile,
    Record,
    Unit,
    sort_key,
)

if TYPE_CHECKING:
    from sqlite_utils import Database

R = TypeVar("R", bound=Record)

_PROFILE_PREFIX = "profile."


class StoreError(Exception):
    """A problem with the database; the message is Chinese and may be shown to the clerk."""


class RecordNotFound(StoreError):
    pass


class NewerDatabaseError(StoreError):
    pass


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Store:
    """Reads go straight to the sqlite3 connection; writes go through sqlite-utils (`db`).

    sqlite-utils is imported on the first write or migration, not at start-up (see migrations).
    """

    def __init__(self, conn: sqlite3.Connection, path: Path | None = None):
        self.conn = conn
        self.path = path

    @cached_property
    def db(self) -> Database:
        from sqlite_utils import Database

        # No sqlite-utils plugins: nothing installed elsewhere may change how the clerk's
        # database connection behaves.
        return Database(self.conn, execute_plugins=False)

    # -- opening -------------------------------------------------------------------------

    read_only = False
    # The data folder of a read-only store read through an upgraded copy in memory (path None):
    # its attachment files are still in that folder.
    folder: Path | None = None

    @property
    def data_folder(self) -> Path | None:
        """The folder the data lives in (attachments beside the database), if any."""
        return self.path.parent if self.path is not None else self.folder

    @classmethod
    def open(cls, data_dir: Path, *, read_only: bool = False) -> Store:
        """Open (creating if needed) DIR/kexie.db and bring its schema up to date.

        `read_only`: for a command that only reads (export, backup, a check): the file is opened
        read-only and nothing in it changes — no migration, no sort keys, no list tables — so it
        also works on a write-protected stick or folder. A database from an older version is
        then brought up to date in a copy in memory.
        """
        if read_only:
            return cls._open_read_only(Path(data_dir))
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"无法创建数据文件夹 {data_dir}：{exc.strerror or exc}") from exc
        path = data_dir / DB_FILENAME
        try:
            if not path.exists():
                _create_database(path)
            conn = sqlite3.connect(str(path), check_same_thread=False)
            store = cls(conn, path)
            store._configure()
            store._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"无法打开数据库 {path}：{sqlite_errors.describe(exc, data_dir)}"
            ) from exc
        return store

    @classmethod
    def _open_read_only(cls, data_dir: Path) -> Store:
        path = data_dir / DB_FILENAME
        if not path.is_file():
            store = cls.open_memory()  # nothing stored yet: an empty database to read from
            store.read_only = True
            return store
        try:
            conn = _connect_read_only(path)
            store = cls(conn, path)
            store.read_only = True
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA busy_timeout = 5000")
            conn.execute("PRAGMA cache_size = -65536")
            applied = store.applied_migrations()
            if set(applied) - set(known_names()):
                raise NewerDatabaseError(
                    "这个数据库由更新版本的科协工作台创建，当前版本无法打开。请安装最新版本后再试。"
                )
            if len(applied) < len(known_names()):
                # An older version's database: read through an upgraded copy in memory.
                memory = sqlite3.connect(":memory:", check_same_thread=False)
                conn.backup(memory)
                conn.close()
                store = cls(memory)
                store.read_only = True
                store.folder = data_dir
                store._configure()
                store._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"无法读取数据库 {path}：{sqlite_errors.describe(exc, data_dir)}"
            ) from exc
        return store

    @classmethod
    def open_memory(cls) -> Store:
        store = cls(sqlite3.connect(":memory:", check_same_thread=False))
        store._configure()
        store._migrate()
        return store

    def reopen(self) -> Store:
        """Another connection to the same database, for work on another thread."""
        if self.path is None:
            raise StoreError("内存数据库不能在另一个线程中打开")
        return Store.open(self.path.parent, read_only=self.read_only)

    def _configure(self) -> None:
        conn = self.conn
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 5000")
        if self.path is not None:
            conn.execute("PRAGMA journal_mode = WAL")
        # A committed action must survive a power cut, not just a crash of the program.
        conn.execute("PRAGMA synchronous = FULL")
        # 64 MB of page cache instead of 2 MB: an import writes a dozen indexes per row, and
        # once they outgrow the cache every row costs disk reads.
        conn.execute("PRAGMA cache_size = -65536")

    def _migrate(self) -> None:
        applied = self.applied_migrations()
        unknown = set(applied) - set(known_names())
        if unknown:
            raise NewerDatabaseError(
                "这个数据库由更新版本的科协工作台创建，当前版本无法打开。请安装最新版本后再试。"
            )
        if len(applied) < len(known_names()):
            if applied and self.path is not None:
                self._backup_before("migration")
            try:
                migrations_module.apply_pending(self.db)
            except Exception as exc:
                # Each migration is one transaction: the failed one left nothing behind.
                raise StoreError(
                    f"数据库升级没有完成，原有数据未改动（升级前的备份在 backups 文件夹中）：{exc}"
                ) from exc
        self.fill_sort_keys()
        if listing_module.list_tables_stale(self.conn):
            listing_module.rebuild_list_tables(self.db)
        if self.get_setting("org_uuid") is None:
            # The organisation's identity, made once at first start (or after restoring a
            # backup older than packages): "the same organisation" is the same UUID, so two
            # townships sharing a name, or one renamed, are never confused.
            self.set_setting("org_uuid", str(uuid_module.uuid4()))

    def _backup_before(self, reason: str) -> Path:
        """A checked copy in backups/ before something that rewrites the database."""
        from kexie_desktop.core.backup import BACKUP_FOLDER, BackupError, copy_database
        from kexie_desktop.core.safe_write import explain_os_error

        assert self.path is not None
        folder = self.path.parent / BACKUP_FOLDER
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BackupError(explain_os_error(exc, folder / "x")) from exc
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = folder / f"kexie-before-{reason}-{stamp}.db"
        n = 1
        while target.exists():  # two in one second: never overwrite a copy (it may be in use)
            n += 1
            target = folder / f"kexie-before-{reason}-{stamp}-{n}.db"
        return copy_database(self.conn, target).path

    def restore(self, backup: Path) -> tuple[Path, str]:
        """Replace the data with a backup's, after backing up the current data (so a restore
        can itself be undone). Returns that safety copy and what was restored.

        The backup's rows are first copied into a clean database built by the program's own
        migrations (see backup.clean_copy); only when that has worked is the safety copy made
        and the live content replaced, in one transaction. A refused or failed restore leaves
        the database as it was.
        """
        from kexie_desktop.core.backup import clean_copy, replace_content

        if self.path is None:
            raise StoreError("内存数据库不能从备份恢复")
        page_size = int(self.conn.execute("PRAGMA page_size").fetchone()[0])
        note = f"从备份恢复：{Path(backup).name}"
        with clean_copy(backup, self.path.parent, page_size=page_size, note=note) as (clean, info):
            safety = self._backup_before("restore")
            replace_content(self.conn, clean)
        return safety, info.describe()

    def applied_migrations(self) -> list[str]:
        exists = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [MIGRATIONS_TABLE]
        ).fetchone()
        if not exists:
            return []
        rows = self.conn.execute(
            f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY rowid",
            [MIGRATION_SET],
        )
        return [r[0] for r in rows]

    def close(self) -> None:
        self.conn.close()

    def data_version(self) -> int:
        """Changes whenever another connection (DB Browser, a second program) commits."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One user action: everything inside commits together or not at all.

        A write that fails for the place (a full disk, a read-only folder, a pulled stick)
        becomes a StoreError with a Chinese message; the transaction was rolled back.
        """
        try:
            with self.db.atomic() as db:
                yield db
        except sqlite3.OperationalError as exc:
            if not sqlite_errors.is_place_problem(exc):
                raise
            folder = self.path.parent if self.path is not None else None
            raise StoreError(
                f"没有保存：{sqlite_errors.describe(exc, folder)}刚才的改动没有写入，"
                "已保存的数据不受影响。"
            ) from exc

    # -- records -------------------------------------------------------------------------

    def save(self, record: R, *, checked: bool = False) -> R:
        """Validate, then insert (id None) or update the record; returns it with id and stamps.

        `checked`: the caller has just validated this very record with the same rules (an
        import's check pass), so it is not validated twice; the schema still guards it.
        """
        if not checked:
            self._validate(record)
        table = record.TABLE
        stamp = now_iso()
        # A checked record inside a caller's transaction (an import) needs no savepoint of its
        # own: nothing is written before validation, and any later error undoes the whole.
        own = nullcontext() if checked and self.conn.in_transaction else self.transaction()
        before_row: dict[str, Any] | None = None
        with own:
            if record.id is None:
                record.uuid = record.uuid or str(uuid_module.uuid4())
                record.created_at = record.created_at or stamp
                record.updated_at = stamp
                row = self._row_of(record)
                row.pop("id")
                cols = ", ".join(row)
                marks = ", ".join("?" for _ in row)
                cursor = self.db.execute(
                    f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(row.values())
                )
                record.id = cursor.lastrowid
            else:
                if not self._exists(table, record.id):
                    raise RecordNotFound(f"要修改的{record.KIND_LABEL}记录已不存在（可能已被删除）")
                before_row = None if checked else _snapshot_row(self.get(type(record), record.id))
                record.updated_at = stamp
                row = self._row_of(record)
                for fixed in ("id", "uuid", "created_at"):
                    row.pop(fixed)
                sets = ", ".join(f"{c} = ?" for c in row)
                self.db.execute(
                    f"UPDATE {table} SET {sets} WHERE id = ?", [*row.values(), record.id]
                )
                fresh = self.db.execute(
                    f"SELECT uuid, created_at FROM {table} WHERE id = ?", [record.id]
                ).fetchone()
                record.uuid, record.created_at = fresh
            if isinstance(record, Activity):
                self._save_activity_people(record)
            if not checked:  # an import's rows are logged as its batch (import_changes)
                self._audit("update" if before_row else "insert", record, before_row)
        return record

    def _audit(
        self, action: str, record: Record | None, before: dict[str, Any] | None, *,
        table: str = "", record_id: int | None = None, label: str = "",
    ) -> None:  # fmt: skip
        after = None if record is None else _snapshot_row(record)
        self.db.execute(
            "INSERT INTO audit_log (at, action, table_name, record_id, label, before_json, "
            "after_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                now_iso(), action, table or (record.TABLE if record else ""),
                record_id if record_id is not None else (record.id if record else None),
                label or (_label(record) if record else _label_row(before)),
                None if before is None else json.dumps(before, ensure_ascii=False),
                None if after is None else json.dumps(after, ensure_ascii=False),
            ],
        )  # fmt: skip

    def audit_entries(
        self, *, table: str = "", search: str = "", limit: int = 1000
    ) -> list[dict[str, Any]]:
        """The change log, newest first, filtered by table and by text in the record's name."""
        conditions, params = ["1"], []
        if table:
            conditions.append("table_name = ?")
            params.append(table)
        if search.strip():
            conditions.append("(label LIKE ? OR CAST(record_id AS TEXT) = ?)")
            params += [f"%{search.strip()}%", search.strip()]
        cursor = self.conn.execute(
            f"SELECT id, at, action, table_name, record_id, label, before_json, after_json "
            f"FROM audit_log WHERE {' AND '.join(conditions)} ORDER BY id DESC LIMIT ?",
            [*params, limit],
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    @staticmethod
    def _row_of(record: Record) -> dict[str, Any]:
        row = record.to_row()
        if isinstance(record, Unit | Person):
            row["name_key"] = sort_key(record.name)
        elif isinstance(record, Award):
            row["team_key"] = sort_key(record.team) if record.team else None
        return row

    def fill_sort_keys(self) -> None:
        """Give rows written by other tools (no key, or a renamed one) their pinyin sort key."""
        missing = (
            ("units", "name_key", "name", "name_key IS NULL"),
            ("people", "name_key", "name", "name_key IS NULL"),
            ("awards", "team_key", "team", "team_key IS NULL AND team <> ''"),
        )
        for table, key, column, condition in missing:
            rows = self.conn.execute(f"SELECT id, {column} FROM {table} WHERE {condition}")
            keys = [(sort_key(text), rid) for rid, text in rows.fetchall()]
            if keys:
                with self.transaction():
                    self.conn.executemany(f"UPDATE {table} SET {key} = ? WHERE id = ?", keys)

    def validate(self, record: Record) -> None:
        """Raise ValidationError as save() would, writing nothing (a form re-checks as the
        clerk corrects a field, so its red message goes as soon as the field is right)."""
        self._validate(record)

    def _validate(self, record: Record) -> None:
        from kexie_desktop.core import validation

        if isinstance(record, Unit):
            validation.validate_unit(record, name_taken=self.unit_name_taken)
        elif isinstance(record, Person):
            validation.validate_person(record)
            self._check_reference(record, "unit_id", "units")
        elif isinstance(record, Activity):
            validation.validate_activity(record)
            self._check_reference(record, "unit_id", "units")
            missing = [p for p in record.person_ids if not self._exists("people", p)]
            if missing:
                raise validation.ValidationError({"person_ids": "所选人员已不存在"}, "activities")
        elif isinstance(record, Award):
            validation.validate_award(record)
            self._check_reference(record, "unit_id", "units")
            self._check_reference(record, "person_id", "people")
            self._check_reference(record, "activity_id", "activities")
        else:  # pragma: no cover - programming error
            raise TypeError(type(record))

    def _check_reference(self, record: Record, field: str, table: str) -> None:
        from kexie_desktop.core import validation

        value = getattr(record, field)
        if value is not None and not self._exists(table, value):
            raise validation.ValidationError({field: "所选记录已不存在，请重新选择"}, record.TABLE)

    def _exists(self, table: str, record_id: int) -> bool:
        row = self.conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", [record_id]).fetchone()
        return row is not None

    def _save_activity_people(self, activity: Activity) -> None:
        assert activity.id is not None
        self.db.execute("DELETE FROM activity_people WHERE activity_id = ?", [activity.id])
        self.conn.executemany(
            "INSERT OR IGNORE INTO activity_people (activity_id, person_id) VALUES (?, ?)",
            [(activity.id, pid) for pid in activity.person_ids],
        )

    def get(self, cls: type[R], record_id: int) -> R:
        cursor = self.conn.execute(f"SELECT * FROM {cls.TABLE} WHERE id = ?", [record_id])
        row = cursor.fetchone()
        if row is None:
            raise RecordNotFound(f"找不到这条{cls.KIND_LABEL}记录（可能已被删除）")
        names = [d[0] for d in cursor.description]
        record: R = cls.from_row(dict(zip(names, row, strict=True)))
        if isinstance(record, Activity):
            record.person_ids = [
                r[0]
                for r in self.conn.execute(
                    "SELECT person_id FROM activity_people WHERE activity_id = ? "
                    "ORDER BY person_id",
                    [record_id],
                )
            ]
        return record

    def delete(self, cls: type[Record], ids: Iterable[int]) -> list[int]:
        """Move records to the 回收站 in one transaction, with what pointed at them; the schema
        clears those links. Returns the recycle-bin entries (for an undo)."""
        entries: list[int] = []
        with self.transaction():
            for record_id in list(ids):
                try:
                    record = self.get(cls, record_id)
                except RecordNotFound:
                    continue
                row = _snapshot_row(record)
                if cls in (Person, Unit):
                    # The positions go with the record (CASCADE); restoring brings them back.
                    column = "person_id" if cls is Person else "unit_id"
                    row["positions"] = [
                        dataclasses.asdict(p)
                        for p in self.positions()
                        if getattr(p, column) == record_id
                    ]
                links = self._links_to(cls, record_id)
                if cls is Person and links["awards.person_id"]:
                    # The award keeps its winner's name as text, not a blank 获奖者.
                    kept = [
                        r[0]
                        for r in self.conn.execute(
                            "SELECT id FROM awards WHERE person_id = ? AND team = ''", [record_id]
                        )
                    ]
                    self.conn.execute(
                        "UPDATE awards SET team = ? WHERE person_id = ? AND team = ''",
                        [record.name, record_id],  # type: ignore[attr-defined]
                    )  # fmt: skip
                    links["awards.kept_name"] = kept
                if cls in (Activity, Award):
                    # Its attachments go with it (the schema would drop them) and come back
                    # with it; their files stay stored while the entry is in the bin.
                    from kexie_desktop.core.attachments import rows_of_owner

                    row["attachments"] = rows_of_owner(self, cls.TABLE, record_id)
                cursor = self.db.execute(
                    "INSERT INTO recycle_bin (deleted_at, table_name, record_id, label, "
                    "row_json, links_json) VALUES (?, ?, ?, ?, ?, ?)",
                    [now_iso(), cls.TABLE, record_id, _label(record),
                     json.dumps(row, ensure_ascii=False), json.dumps(links)],
                )  # fmt: skip
                assert cursor.lastrowid is not None
                entries.append(cursor.lastrowid)
                self.db.execute(f"DELETE FROM {cls.TABLE} WHERE id = ?", [record_id])
                self._audit("delete", None, row, table=cls.TABLE, record_id=record_id)
        return entries

    def _links_to(self, cls: type[Record], record_id: int) -> dict[str, list[int]]:
        """Who points at a record about to be deleted, to point them back on restoring."""
        one = self.conn.execute
        if cls is Unit:
            return {
                f"{t}.unit_id": [r[0] for r in one(f"SELECT id FROM {t} WHERE unit_id = ?",
                                                   [record_id])]
                for t in ("people", "activities", "awards")
            }  # fmt: skip
        if cls is Person:
            return {
                "activity_people.activity_id": [r[0] for r in one(
                    "SELECT activity_id FROM activity_people WHERE person_id = ?", [record_id])],
                "awards.person_id": [r[0] for r in one(
                    "SELECT id FROM awards WHERE person_id = ?", [record_id])],
            }  # fmt: skip
        return {}

    def recycle_bin(self) -> list[dict[str, Any]]:
        cursor = self.conn.execute(
            "SELECT id, deleted_at, table_name, record_id, label FROM recycle_bin ORDER BY id DESC"
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def restore_deleted(self, entry_ids: Sequence[int]) -> int:
        """Put records back from the 回收站 with their links, in one transaction."""
        restored = 0
        with self.transaction():
            for entry_id in entry_ids:
                found = self.conn.execute(
                    "SELECT table_name, record_id, row_json, links_json FROM recycle_bin "
                    "WHERE id = ?", [entry_id]
                ).fetchone()  # fmt: skip
                if found is None:
                    continue
                table, record_id, row_json, links_json = found
                row = json.loads(row_json)
                if table == "attachments":
                    from kexie_desktop.core.attachments import restore_attachment_entry

                    restore_attachment_entry(self, record_id, row)
                    self.db.execute("DELETE FROM recycle_bin WHERE id = ?", [entry_id])
                    restored += 1
                    continue
                person_ids = row.pop("person_ids", None)
                attachment_rows = row.pop("attachments", None)
                positions = row.pop("positions", None)
                for column in ("unit_id", "person_id"):
                    target = "units" if column == "unit_id" else "people"
                    if row.get(column) is not None and not self._exists(target, row[column]):
                        row[column] = None  # what it pointed at is gone too
                if table == "units" and self.unit_name_taken(row["name"], None):
                    raise StoreError(f"已有名为“{row['name']}”的基层组织，无法恢复同名的单位。")
                cols = ", ".join(row)
                self.db.execute(
                    f"INSERT INTO {table} (id, {cols}) VALUES (?, {', '.join('?' for _ in row)})",
                    [record_id, *row.values()],
                )
                if attachment_rows:
                    from kexie_desktop.core.attachments import restore_rows

                    restore_rows(self, record_id, attachment_rows)
                if person_ids:
                    self.conn.executemany(
                        "INSERT OR IGNORE INTO activity_people (activity_id, person_id) "
                        "SELECT ?, id FROM people WHERE id = ?",
                        [(record_id, pid) for pid in person_ids],
                    )
                for position in positions or ():
                    # Only where the other side (unit or person) is there too.
                    self.db.execute(
                        "INSERT INTO positions (person_id, unit_id, post, background, "
                        "start_date, end_date) SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS "
                        "(SELECT 1 FROM people WHERE id = ?) AND EXISTS "
                        "(SELECT 1 FROM units WHERE id = ?)",
                        [position["person_id"], position["unit_id"], position["post"],
                         position["background"], position["start_date"], position["end_date"],
                         position["person_id"], position["unit_id"]],
                    )  # fmt: skip
                for key, ids in json.loads(links_json).items():
                    where, column = key.split(".")
                    for other in ids:
                        if column == "kept_name":
                            # Linked to the person again: the name kept as text goes.
                            self.db.execute(
                                "UPDATE awards SET team = '' WHERE id = ? AND person_id = ? "
                                "AND team = ?", [other, record_id, row.get("name", "")]
                            )  # fmt: skip
                        elif where == "activity_people":
                            self.db.execute(
                                "INSERT OR IGNORE INTO activity_people (activity_id, person_id) "
                                "SELECT id, ? FROM activities WHERE id = ?", [record_id, other]
                            )  # fmt: skip
                        else:
                            # Only where nothing else was put in the meantime.
                            self.db.execute(
                                f"UPDATE {where} SET {column} = ? "
                                f"WHERE id = ? AND {column} IS NULL",
                                [record_id, other],
                            )
                self.db.execute("DELETE FROM recycle_bin WHERE id = ?", [entry_id])
                self._audit("restore", self.get(RECORD_TYPES[table], record_id), None)
                restored += 1
        return restored

    def empty_recycle_bin(self) -> int:
        with self.transaction():
            cursor = self.db.execute("DELETE FROM recycle_bin")
            self._audit("empty-bin", None, None, table="recycle_bin", label="清空回收站")
        if self.path is not None:
            # Attachment files that only the emptied entries referred to.
            from kexie_desktop.core.attachments import collect_garbage

            collect_garbage(self)
        return cursor.rowcount

    def references(self, cls: type[Record], ids: Sequence[int]) -> dict[str, int]:
        """How many other records point at these, by Chinese kind, for a delete confirmation."""
        if not ids:
            return {}
        marks = ", ".join("?" for _ in ids)
        queries: list[tuple[str, str]] = []
        if cls is Unit:
            queries = [
                ("人员", f"SELECT count(*) FROM people WHERE unit_id IN ({marks})"),
                ("活动", f"SELECT count(*) FROM activities WHERE unit_id IN ({marks})"),
                ("奖项", f"SELECT count(*) FROM awards WHERE unit_id IN ({marks})"),
            ]
        elif cls is Person:
            queries = [
                (
                    "活动",
                    "SELECT count(DISTINCT activity_id) FROM activity_people "
                    f"WHERE person_id IN ({marks})",
                ),
                ("奖项", f"SELECT count(*) FROM awards WHERE person_id IN ({marks})"),
            ]
        result = {}
        for kind, sql in queries:
            n = self.conn.execute(sql, list(ids)).fetchone()[0]
            if n:
                result[kind] = n
        return result

    def count(self, cls: type[Record]) -> int:
        return int(self.conn.execute(f"SELECT count(*) FROM {cls.TABLE}").fetchone()[0])

    def counts(self) -> dict[str, int]:
        return {table: self.count(cls) for table, cls in RECORD_TYPES.items()}

    # -- lists for the tables of the window ---------------------------------------------

    def list_ids(
        self,
        table: str,
        *,
        search: str = "",
        year: int | None = None,
        sort_key: str | None = None,
        descending: bool = False,
        limit: int = -1,
        offset: int = 0,
        filters: Mapping[str, str] | None = None,
    ) -> list[int]:
        """Ids of the records matching the search, in display order (a slice of them if asked)."""
        spec = listing_module.LISTINGS[table]
        where, params = listing_module.where_clause(
            spec, search=search, year=year, sort_key=sort_key, filters=filters
        )
        order = listing_module.order_clause(spec, sort_key, descending)
        source = spec.source_for(bool(search.split()))
        sql = f"SELECT {spec.id_expr} FROM {source} WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?"
        return [r[0] for r in self.conn.execute(sql, [*params, limit, offset])]

    def list_count(
        self,
        table: str,
        *,
        search: str = "",
        year: int | None = None,
        filters: Mapping[str, str] | None = None,
    ) -> int:
        spec = listing_module.LISTINGS[table]
        where, params = listing_module.where_clause(spec, search=search, year=year, filters=filters)
        sql = f"SELECT count(*) FROM {spec.source_for(bool(search.split()))} WHERE {where}"
        return int(self.conn.execute(sql, params).fetchone()[0])

    def list_rows(self, table: str, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """The displayed columns of the given records, keyed by id."""
        spec = listing_module.LISTINGS[table]
        result: dict[int, dict[str, Any]] = {}
        for chunk in _chunks(list(ids), 500):
            marks = ", ".join("?" for _ in chunk)
            cursor = self.conn.execute(
                f"{spec.select_sql()} WHERE {spec.id_expr} IN ({marks})", list(chunk)
            )
            names = [d[0] for d in cursor.description]
            for row in cursor:
                result[row[0]] = dict(zip(names, row, strict=True))
        return result

    def years(self) -> list[int]:
        """Years that have activities or awards, newest first.

        Jumps from year to year along the date indexes instead of reading every record.
        """
        found: set[int] = set()
        for table, column in (("activities", "start_date"), ("awards", "award_date")):
            after = "0000"
            while True:
                row = self.conn.execute(
                    f"SELECT min({column}) FROM {table} WHERE {column} >= ?", [after]
                ).fetchone()
                if row[0] is None:
                    break
                head = str(row[0])[:4]
                if head.isdigit():
                    found.add(int(head))
                after = f"{head}\uffff"
        return sorted(found, reverse=True)

    def unit_choices(self) -> list[tuple[int, str]]:
        return [(r[0], r[1]) for r in self.conn.execute("SELECT id, name FROM units ORDER BY name")]

    def activity_choices(self, include: int | None = None) -> list[tuple[int, str]]:
        """The work an award can be linked to: the 重点 activities (a few dozen a year, not
        the thousands of ordinary ones), newest first, and the one already linked."""
        rows = self.conn.execute(
            "SELECT id, start_date || ' ' || title FROM activities "
            "WHERE highlight = 1 OR id IS ? ORDER BY start_date DESC, id DESC",
            [include],
        )
        return [(r[0], r[1]) for r in rows]

    def person_choices(self, search: str = "", limit: int = 50) -> list[tuple[int, str]]:
        """People for a picker, found by part of the name or unit: (id, label), members first.

        Labels are 「姓名（单位）」, made unique where two people share both (birth year, number):
        a picker must never confuse two 张伟 of the same unit.
        """
        pattern = f"%{listing_module.escape_like(search.strip())}%"
        rows = self.conn.execute(
            f"""{_PERSON_LABEL_SELECT}
               WHERE p.name LIKE ? ESCAPE '\\' OR u.name LIKE ? ESCAPE '\\'
               ORDER BY p.name <> ?, p.status = '退出', COALESCE(p.name_key, p.name), p.id
               LIMIT ?""",
            [pattern, pattern, search.strip(), limit],
        )
        return [(r[0], _person_label(*r)) for r in rows]

    def person_labels(self, ids: Sequence[int]) -> dict[int, str]:
        result: dict[int, str] = {}
        for chunk in _chunks(list(ids), 500):
            marks = ", ".join("?" for _ in chunk)
            rows = self.conn.execute(f"{_PERSON_LABEL_SELECT} WHERE p.id IN ({marks})", list(chunk))
            result.update({r[0]: _person_label(*r) for r in rows})
        return result

    def unit_name_taken(self, name: str, except_id: int | None = None) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM units WHERE name = ? AND id IS NOT ?", [name, except_id]
        ).fetchone()
        return row is not None

    def unit_id_by_name(self, name: str) -> int | None:
        row = self.conn.execute("SELECT id FROM units WHERE name = ?", [name]).fetchone()
        return None if row is None else int(row[0])

    # -- matching imported rows to stored records -------------------------------------

    def match_person(
        self, *, id_number: str = "", name: str = "", birth_date: str | None = None,
        phone: str = "",
    ) -> list[int]:  # fmt: skip
        """The stored people an imported person is: same ID number; without a match on it, same
        name and birth date (a birth month matches a full date in it), or same name and phone
        — but never someone recorded with a different ID number."""
        if id_number:
            rows = self.conn.execute("SELECT id FROM people WHERE id_number = ?", [id_number])
            found = [r[0] for r in rows]
            if found:
                return found
        other_id = "AND (p.id_number = '' OR ? = '')"
        found = []
        if name and birth_date:
            found = [
                r[0]
                for r in self.conn.execute(
                    f"""SELECT p.id FROM people p WHERE p.name = ? {other_id}
                    AND (p.birth_date = ? OR p.birth_date LIKE ? || '-%'
                         OR ? LIKE p.birth_date || '-%')""",
                    [name, id_number, birth_date, birth_date, birth_date],
                )
            ]
        if not found and name and phone:
            found = [
                r[0]
                for r in self.conn.execute(
                    f"SELECT p.id FROM people p WHERE p.name = ? {other_id} AND p.phone = ?",
                    [name, id_number, phone],
                )
            ]
        return found  # fmt: skip

    def people_named(self, name: str, unit: str = "") -> list[int]:
        """People of that name; with `unit`, those of that unit if it has any by that name."""
        if unit:
            rows = self.conn.execute(
                "SELECT p.id FROM people p JOIN units u ON u.id = p.unit_id "
                "WHERE p.name = ? AND u.name = ?",
                [name, unit],
            ).fetchall()
            if rows:
                return [r[0] for r in rows]
        return [r[0] for r in self.conn.execute("SELECT id FROM people WHERE name = ?", [name])]

    def match_activity(self, title: str, start_date: str) -> list[int]:
        rows = self.conn.execute(
            "SELECT id FROM activities WHERE title = ? AND start_date = ?", [title, start_date]
        )
        return [r[0] for r in rows]

    def match_award(self, name: str, award_date: str | None, winner: str) -> list[int]:
        rows = self.conn.execute(
            """SELECT w.id FROM awards w LEFT JOIN people p ON p.id = w.person_id
            LEFT JOIN units u ON u.id = w.unit_id
            WHERE w.name = ? AND w.award_date IS ?
            AND COALESCE(p.name, NULLIF(w.team, ''), u.name, '') = ?""",
            [name, award_date, winner],
        )
        return [r[0] for r in rows]

    # -- import batches ----------------------------------------------------------------

    def begin_import_batch(self, file_name: str) -> int:
        """Open a batch inside the current transaction; its changes are recorded against it."""
        # A file name the file system could not decode holds lone surrogates: not storable.
        file_name = file_name.encode("utf-8", "replace").decode("utf-8")
        cursor = self.db.execute(
            "INSERT INTO import_batches (created_at, file_name, summary) VALUES (?, ?, '')",
            [now_iso(), file_name],
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def finish_import_batch(self, batch_id: int, summary: str) -> None:
        # Stamped when it ends: an import running past a second boundary stamps its records
        # later than it began, and undo (which refuses records changed after the batch) would
        # take its own records for the clerk's later edits.
        self.db.execute(
            "UPDATE import_batches SET summary = ?, created_at = ? WHERE id = ?",
            [summary, now_iso(), batch_id],
        )
        self._audit("import", None, None, table="import_batches", record_id=batch_id, label=summary)

    def record_import_change(self, batch_id: int, record: Record, before: Record | None) -> None:
        self.record_import_changes(batch_id, [(record, before)])

    def record_import_changes(
        self, batch_id: int, changes: Sequence[tuple[Record, Record | None]]
    ) -> None:
        """What an import batch did: records it added, and records it changed as they were."""
        rows = []
        for record, before in changes:
            assert record.id is not None
            snapshot = None if before is None else json.dumps(_snapshot(before), ensure_ascii=False)
            action = "insert" if before is None else "update"
            rows.append((batch_id, record.TABLE, record.id, action, snapshot))
        self.conn.executemany(
            "INSERT INTO import_changes (batch_id, table_name, record_id, action, before_json) "
            "VALUES (?, ?, ?, ?, ?)",
            rows,
        )

    @contextmanager
    def lists_refreshed_after(self, batch_id: int) -> Iterator[None]:
        """Inside a transaction: the list tables are brought up to date once at the end for
        the records of the batch, instead of by a trigger for every row written."""
        triggers = listing_module.row_triggers()
        for name, _sql in triggers:
            self.db.execute(f"DROP TRIGGER {name}")
        yield
        for item in listing_module.LISTINGS.values():
            if not item.materialized:
                continue
            changed = (
                f"SELECT record_id FROM import_changes WHERE batch_id = {int(batch_id)} "
                f"AND table_name = '{item.table}'"
            )
            for statement in item.refresh_statements(f"{item.alias}.id IN ({changed})"):
                self.db.execute(statement)
        for _name, sql in triggers:
            self.db.execute(sql)

    def import_batches(self, limit: int = 20) -> list[dict[str, Any]]:
        cursor = self.conn.execute(
            """SELECT b.id, b.created_at, b.file_name, b.summary, b.undone_at,
                (SELECT count(*) FROM import_changes c WHERE c.batch_id = b.id) AS changes
            FROM import_batches b ORDER BY b.id DESC LIMIT ?""",
            [limit],
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def undo_import_batch(self, batch_id: int) -> int:
        """Put back what the batch changed, newest change first, in one transaction."""
        row = self.conn.execute(
            "SELECT undone_at FROM import_batches WHERE id = ?", [batch_id]
        ).fetchone()
        if row is None:
            raise StoreError("找不到这次导入的记录。")
        if row[0]:
            raise StoreError("这次导入已经撤销过了。")
        changes = self.conn.execute(
            "SELECT table_name, record_id, action, before_json FROM import_changes "
            "WHERE batch_id = ? ORDER BY id DESC",
            [batch_id],
        ).fetchall()
        created = self.conn.execute(
            "SELECT created_at FROM import_batches WHERE id = ?", [batch_id]
        ).fetchone()[0]
        later = 0
        for table, record_id, _action, _before in changes:
            row = self.conn.execute(
                f"SELECT updated_at FROM {table} WHERE id = ?", [record_id]
            ).fetchone()
            if row is None or row[0] > created:
                later += 1
        if later:
            # Undoing would throw away the clerk's own work done since the import.
            raise StoreError(
                f"这次导入之后，其中有{later}条记录又被修改或删除过，撤销会丢掉这些后来的修改，"
                "所以没有撤销。如确需撤销，请先从导入前的备份恢复。"
            )
        with self.transaction():
            for table, record_id, action, before_json in changes:
                if action == "insert":
                    self.db.execute(f"DELETE FROM {table} WHERE id = ?", [record_id])
                    continue
                before = json.loads(before_json)
                links = before.pop("person_ids", None)
                sets = ", ".join(f"{column} = ?" for column in before)
                self.db.execute(
                    f"UPDATE {table} SET {sets} WHERE id = ?", [*before.values(), record_id]
                )
                if links is not None:
                    self.db.execute(
                        "DELETE FROM activity_people WHERE activity_id = ?", [record_id]
                    )
                    self.conn.executemany(
                        "INSERT OR IGNORE INTO activity_people (activity_id, person_id) "
                        "SELECT ?, id FROM people WHERE id = ?",
                        [(record_id, pid) for pid in links],
                    )
            self.db.execute(
                "UPDATE import_batches SET undone_at = ? WHERE id = ?", [now_iso(), batch_id]
            )
            self._audit(
                "undo-import", None, None, table="import_batches", record_id=batch_id,
                label=f"撤销导入（{len(changes)}处改动）",
            )  # fmt: skip
        return len(changes)

    # -- the year's summary ------------------------------------------------------------

    def narrative(self, year: int, kind: str) -> str | None:
        """The clerk's text for a part of the year's summary, or None if never written."""
        row = self.conn.execute(
            "SELECT text FROM narratives WHERE year = ? AND kind = ?", [year, kind]
        ).fetchone()
        return None if row is None else str(row[0])

    def save_narrative(self, year: int, kind: str, text: str | None) -> None:
        """Store the text; None goes back to the default (the row is removed).

        ValidationError for a text that cannot be stored (too long, a lone surrogate)."""
        from kexie_desktop.core import validation

        if text is not None:
            text = validation.validate_narrative(text)
        with self.transaction():
            if text is None:
                self.db.execute("DELETE FROM narratives WHERE year = ? AND kind = ?", [year, kind])
            else:
                self.db.execute(
                    "INSERT INTO narratives (year, kind, text, updated_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(year, kind) DO UPDATE SET text = excluded.text, "
                    "updated_at = excluded.updated_at",
                    [year, kind, text.strip(), now_iso()],
                )

    def summary_edits(self, year: int) -> dict[str, tuple[str, str]]:
        """The clerk's edited paragraphs of the year's summary: key → (digest, text)."""
        rows = self.conn.execute(
            "SELECT key, digest, text FROM summary_edits WHERE year = ?", [year]
        )
        return {key: (digest, text) for key, digest, text in rows}

    def save_summary_edit(self, year: int, key: str, digest: str, text: str | None) -> None:
        """Keep the clerk's wording of a paragraph; None goes back to the generated text.

        ValidationError for a text that cannot be stored, as for the clerk's own parts."""
        from kexie_desktop.core import validation

        if text is not None:
            text = validation.validate_narrative(text)
        with self.transaction():
            if text is None:
                self.db.execute("DELETE FROM summary_edits WHERE year = ? AND key = ?", [year, key])
            else:
                self.db.execute(
                    "INSERT INTO summary_edits (year, key, digest, text, updated_at) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT(year, key) DO UPDATE SET "
                    "digest = excluded.digest, text = excluded.text, "
                    "updated_at = excluded.updated_at",
                    [year, key, digest, text.strip(), now_iso()],
                )

    def category_figures(self, year: int) -> list[dict[str, Any]]:
        """Per activity category of the year: count, 人次 and the outcome figures.

        `participants` sums the known 人次 only (NULL when none is known); `unknown` counts the
        activities whose 人次 is 不详, so that a total is never presented as complete."""
        where, params = _year_range("start_date", year)
        cursor = self.conn.execute(
            f"""SELECT category, count(*) AS activities, sum(participants) AS participants,
                sum(participants IS NULL) AS unknown, {fields.figure_sums()},
                sum(highlight) AS highlights
            FROM activities WHERE {where} AND planned = 0 GROUP BY category""",
            params,
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def summary_activities(self, year: int) -> list[dict[str, Any]]:
        """Every activity of the year with what the summary says about it (no people lists):
        5,000 rows come back in a few milliseconds."""
        where, params = _year_range("a.start_date", year)
        cursor = self.conn.execute(
            f"""SELECT a.id, a.start_date, a.end_date, a.title, a.category, a.audience,
                a.participants, a.highlight, a.description, a.reports, a.problems_solved,
                a.technologies_promoted, a.articles, a.messages, a.updated_at, a.unit_id,
                COALESCE(u.name, '') AS unit_name
            FROM activities a LEFT JOIN units u ON u.id = a.unit_id
            WHERE {where} AND a.planned = 0 ORDER BY a.start_date, a.id""",
            params,
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def summary_awards(self, year: int) -> list[dict[str, Any]]:
        """The year's awards with who won them and the unit a person's or team's award credits."""
        where, params = _year_range("w.award_date", year)
        cursor = self.conn.execute(
            f"""SELECT w.id, w.award_date, w.name, w.level, w.issuer, w.note, w.activity_id,
                w.updated_at,
                CASE WHEN p.id IS NOT NULL THEN '个人' WHEN w.team <> '' THEN '集体'
                     WHEN u.id IS NOT NULL THEN '单位' ELSE '' END AS winner_kind,
                COALESCE(p.name, NULLIF(w.team, ''), u.name, '') AS winner,
                COALESCE(pu.name, CASE WHEN w.team <> '' THEN u.name END, '') AS winner_unit
            FROM awards w LEFT JOIN people p ON p.id = w.person_id
                LEFT JOIN units pu ON pu.id = p.unit_id
                LEFT JOIN units u ON u.id = w.unit_id
            WHERE {where} ORDER BY w.award_date, w.id""",
            params,
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def units_without_activity(self, year: int) -> list[str]:
        """Units existing at the end of the year that organised no activity in it, by founding."""
        end = f"{year + 1:04d}-01-01"
        where, params = _year_range("a.start_date", year)
        rows = self.conn.execute(
            f"""SELECT n.name FROM units n
            WHERE (n.established_date IS NULL OR n.established_date < ?)
              AND NOT EXISTS (SELECT 1 FROM activities a
                              WHERE a.unit_id = n.id AND a.planned = 0 AND {where})
            ORDER BY n.established_date IS NULL, n.established_date, n.id""",
            [end, *params],
        )
        return [str(r[0]) for r in rows]

    def unit_figures(self, year: int) -> dict[str, Any]:
        """Units by kind, and those founded in the year (flagged, or established in it)."""
        start, end = f"{year:04d}-01-01", f"{year + 1:04d}-01-01"
        # Units existing at the end of that year; the 本年新建 flag counts only for a unit
        # whose founding date is unknown (a later year's flag must not reach back).
        existing = "(established_date IS NULL OR established_date < ?)"
        by_kind = dict(
            self.conn.execute(
                f"SELECT kind, count(*) FROM units WHERE {existing} GROUP BY kind", [end]
            ).fetchall()
        )
        new = [
            r[0]
            for r in self.conn.execute(
                "SELECT name FROM units WHERE (established_date >= ? AND established_date < ?) "
                "OR (established_date IS NULL AND founded_this_year = 1) "
                "ORDER BY established_date IS NULL, established_date, id",
                [start, end],
            )
        ]
        return {"total": sum(by_kind.values()), "by_kind": by_kind, "new": new}

    def people_figures(self, year: int) -> dict[str, Any]:
        """Current roster: members, members who joined in the year, and people by title."""
        start, end = f"{year:04d}-01-01", f"{year + 1:04d}-01-01"
        active = "status = '在册'"
        member = "('、' || roles || '、') LIKE '%、会员、%'"
        one = self.conn.execute
        return {
            "people": one(f"SELECT count(*) FROM people WHERE {active}").fetchone()[0],
            "members": one(
                f"SELECT count(*) FROM people WHERE {active} AND {member} "
                # A join date may be a year-month (2019-09): as the first of that month.
                "AND (join_date IS NULL OR join_date || '-01' < ?)",
                [end],
            ).fetchone()[0],
            "new_members": one(
                f"SELECT count(*) FROM people WHERE {active} AND {member} "
                "AND join_date || '-01' >= ? AND join_date || '-01' < ?",
                [start, end],
            ).fetchone()[0],
            "by_title": dict(
                one(
                    f"SELECT title, count(*) FROM people WHERE {active} AND title <> '' "
                    "GROUP BY title"
                ).fetchall()
            ),
        }

    def undated_awards(self) -> int:
        """Awards without a date belong to no year's summary or ledger."""
        return int(
            self.conn.execute("SELECT count(*) FROM awards WHERE award_date IS NULL").fetchone()[0]
        )

    # -- whole-year reads for exports -------------------------------------------------

    def ledger_rows(self, kind: str, year: int | None = None) -> Iterator[dict[str, Any]]:
        """Every record of a kind (of the year, for activities and awards) with linked names,
        in ledger order, streamed: a ledger of 100,000 activities is never held in memory."""
        sql, params = _LEDGER_QUERIES[kind](year)
        cursor = self.conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        for row in cursor:
            yield dict(zip(names, row, strict=True))

    def ledger_count(self, kind: str, year: int | None = None) -> int:
        sql, params = _LEDGER_QUERIES[kind](year)
        return int(self.conn.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0])

    # -- submission packages (报送包) and subordinates' records ---------------------------

    def org_uuid(self) -> str:
        """This organisation's identity, made once at first start (see _migrate)."""
        value = self.get_setting("org_uuid")
        if not value:  # a database whose settings row another tool removed
            value = str(uuid_module.uuid4())
            self.set_setting("org_uuid", value)
        return value

    def package_rows(self, kind: str, year: int) -> list[dict[str, Any]]:
        """The own records a year's package carries: every unit and person, the year's
        activities and awards; links by UUID, every column a record has (new ones too)."""
        table = {"units": "units", "people": "people", "activities": "activities",
                 "awards": "awards"}[kind]  # fmt: skip
        date = {"activities": "start_date", "awards": "award_date"}.get(kind)
        where, params = _year_range(date, year) if date else ("1", [])
        cursor = self.conn.execute(f"SELECT * FROM {table} WHERE {where} ORDER BY id", params)
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor]
        uuids = {
            column: dict(self.conn.execute(f"SELECT id, uuid FROM {target}").fetchall())
            for column, target in _REFERENCES.items()
            if column in names
        }
        links: dict[int, list[str]] = {}
        if kind == "activities":
            wanted = {row["id"] for row in rows}
            for activity_id, person_uuid in self.conn.execute(
                "SELECT ap.activity_id, p.uuid FROM activity_people ap "
                "JOIN people p ON p.id = ap.person_id ORDER BY ap.activity_id, p.uuid"
            ):
                if activity_id in wanted:
                    links.setdefault(activity_id, []).append(person_uuid)
        out = []
        for row in rows:
            record_id = row.pop("id")
            for internal in ("name_key", "team_key"):
                row.pop(internal, None)
            for column, ids in uuids.items():
                value = row.pop(column)
                row[_REFERENCES_UUID[column]] = None if value is None else ids.get(value)
            if kind == "activities":
                row["person_uuids"] = links.get(record_id, [])
            out.append(row)
        return out

    def latest_submission(self, org_uuid: str, year: int) -> dict[str, Any] | None:
        """The newest package imported from an organisation for a year (undone ones are gone)."""
        cursor = self.conn.execute(
            "SELECT * FROM sub_submissions WHERE org_uuid = ? AND year = ? "
            "ORDER BY exported_at DESC, id DESC LIMIT 1",
            [org_uuid, year],
        )
        row = cursor.fetchone()
        return (
            None if row is None else dict(zip([d[0] for d in cursor.description], row, strict=True))
        )

    def active_sub_orgs(self, year: int) -> list[dict[str, Any]]:
        """The organisations whose records of the year are held, with the package they came in."""
        cursor = self.conn.execute(
            """SELECT o.*, s.org_uuid AS via_uuid, s.org_name AS via_name,
                s.imported_at, s.file_name
            FROM sub_orgs o JOIN sub_submissions s ON s.id = o.submission_id
            WHERE o.year = ? AND o.active = 1 ORDER BY o.org_name, o.org_uuid""",
            [year],
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def sub_rows(self, org_id: int, table: str) -> list[dict[str, Any]]:
        """One received block's records of a kind, as stored (for passing them on upwards)."""
        assert table in _SUB_TABLES, table
        cursor = self.conn.execute(f"SELECT * FROM {table} WHERE org_id = ? ORDER BY id", [org_id])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def import_submission(
        self,
        submission: dict[str, Any],
        blocks: Sequence[dict[str, Any]],
        *,
        file_name: str,
        batch_label: str,
    ) -> dict[str, Any]:
        """Merge one package's organisations, as one undoable import batch.

        `blocks`: per organisation its identity (`org`), `exported_at`, `digest`, `counts` and
        `rows` (table → column dicts). An organisation's block replaces the active one of the
        same year only if exported later; blocks that came with this sender's previous package
        and are missing from this one are turned off (the newer package replaces the older one
        as a whole). Returns what was added, replaced, kept and removed; no batch is made when
        nothing changes."""
        year = int(submission["year"])
        added: list[str] = []
        replaced: list[str] = []
        kept: list[str] = []
        previous = self.latest_submission(submission["org_uuid"], year)
        plans: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
        for block in blocks:
            org = block["org"]
            current = self._active_sub_org(org["uuid"], year)
            if current is None:
                plans.append((block, None))
                added.append(org["name"])
            elif current["exported_at"] < block["exported_at"]:
                plans.append((block, current))
                replaced.append(org["name"])
            else:
                kept.append(org["name"])
        carried = {block["org"]["uuid"] for block in blocks}
        dropped = []
        if previous is not None:
            dropped = [
                row
                for row in self.conn.execute(
                    "SELECT id, org_uuid, org_name, active, updated_at FROM sub_orgs "
                    "WHERE submission_id IN (SELECT id FROM sub_submissions "
                    "WHERE org_uuid = ? AND year = ?) AND active = 1",
                    [submission["org_uuid"], year],
                ).fetchall()
                if row[1] not in carried
            ]
        result: dict[str, Any] = {"added": added, "replaced": replaced, "kept": kept,
                  "removed": [row[2] for row in dropped], "batch_id": None}  # fmt: skip
        if not plans and not dropped:
            return result
        # One stamp for the batch and every row it writes or turns off, to the microsecond: an
        # older batch of the same second must see these rows as changed after it (its undo is
        # then refused), while this batch's own undo must not.
        stamp = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
        with self.transaction():
            batch_id = self.begin_import_batch(file_name)
            self.db.execute(
                "UPDATE import_batches SET created_at = ? WHERE id = ?", [stamp, batch_id]
            )
            changes: list[tuple[str, int, str, str | None]] = []
            if previous is not None:
                # The older package of this sender may share blocks with this one: its batch
                # cannot be undone while this one stands (undo refuses records changed since).
                self.db.execute(
                    "UPDATE sub_submissions SET updated_at = ? WHERE id = ?",
                    [stamp, previous["id"]],
                )
                before = json.dumps({"updated_at": previous["updated_at"]})
                changes.append(("sub_submissions", previous["id"], "update", before))
            off = [(row[0], row[4]) for row in dropped]
            off += [(c["id"], c["updated_at"]) for _b, c in plans if c is not None]
            for org_id, updated_at in off:
                self.db.execute(
                    "UPDATE sub_orgs SET active = 0, updated_at = ? WHERE id = ?", [stamp, org_id]
                )
                before = json.dumps({"active": 1, "updated_at": updated_at})
                changes.append(("sub_orgs", org_id, "update", before))
            cursor = self.db.execute(
                "INSERT INTO sub_submissions (org_uuid, org_name, year, exported_at, file_name, "
                "manifest_sha256, manifest_json, imported_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [submission["org_uuid"], submission["org_name"], year,
                 submission["exported_at"], file_name, submission["manifest_sha256"],
                 submission["manifest_json"], stamp, stamp],
            )  # fmt: skip
            submission_id = cursor.lastrowid
            assert submission_id is not None
            changes.append(("sub_submissions", submission_id, "insert", None))
            for block, _current in plans:
                org = block["org"]
                cursor = self.db.execute(
                    "INSERT INTO sub_orgs (submission_id, org_uuid, org_name, org_level, "
                    "org_place, parent_uuid, parent_name, year, exported_at, digest, "
                    "counts_json, active, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
                    [submission_id, org["uuid"], org["name"], org["level"], org["place"],
                     org["parent_uuid"], org["parent_name"], year, block["exported_at"],
                     block["digest"], json.dumps(block["counts"]), stamp],
                )  # fmt: skip
                org_id = cursor.lastrowid
                assert org_id is not None
                changes.append(("sub_orgs", org_id, "insert", None))
                for table in _SUB_TABLES:
                    rows = block["rows"][table]
                    if not rows:
                        continue
                    columns = ["org_id", *rows[0]]
                    self.conn.executemany(
                        f"INSERT INTO {table} ({', '.join(columns)}) "
                        f"VALUES ({', '.join('?' for _ in columns)})",
                        [(org_id, *row.values()) for row in rows],
                    )
            # Undo goes newest first: the new blocks go before the old ones come back on.
            ordered = [c for c in changes if c[2] == "update"] + [
                c for c in changes if c[2] == "insert"
            ]
            self.conn.executemany(
                "INSERT INTO import_changes (batch_id, table_name, record_id, action, "
                "before_json) VALUES (?, ?, ?, ?, ?)",
                [(batch_id, *change) for change in ordered],
            )
            self.finish_import_batch(batch_id, batch_label)
            # finish stamps the batch to the second; its rows carry `stamp` to the microsecond,
            # so the batch is stamped to the microsecond too, after them.
            self.db.execute(
                "UPDATE import_batches SET created_at = ? WHERE id = ?",
                [dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"), batch_id],
            )
        result["batch_id"] = batch_id
        return result

    def _active_sub_org(self, org_uuid: str, year: int) -> dict[str, Any] | None:
        cursor = self.conn.execute(
            "SELECT id, exported_at, digest, updated_at FROM sub_orgs "
            "WHERE org_uuid = ? AND year = ? AND active = 1",
            [org_uuid, year],
        )
        row = cursor.fetchone()
        return (
            None if row is None else dict(zip([d[0] for d in cursor.description], row, strict=True))
        )

    def reporting_units(self) -> list[dict[str, Any]]:
        """The county's own units of the kinds that report to it, with any explicit match."""
        kinds = ", ".join("?" for _ in REPORTING_KINDS)
        cursor = self.conn.execute(
            f"""SELECT n.id, n.uuid, n.name, n.kind, l.org_uuid AS linked_uuid
            FROM units n LEFT JOIN sub_unit_links l ON l.unit_uuid = n.uuid
            WHERE n.kind IN ({kinds})
            ORDER BY COALESCE(n.name_key, n.name), n.id""",
            list(REPORTING_KINDS),
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def link_unit(self, unit_uuid: str, org_uuid: str | None) -> None:
        """Match a unit of the own list to the organisation submitting for it (None: unmatch)."""
        with self.transaction():
            self.db.execute("DELETE FROM sub_unit_links WHERE unit_uuid = ?", [unit_uuid])
            if org_uuid:
                self.db.execute(
                    "INSERT INTO sub_unit_links (unit_uuid, org_uuid) VALUES (?, ?)",
                    [unit_uuid, org_uuid],
                )

    def sub_category_figures(self, year: int) -> list[dict[str, Any]]:
        """category_figures over the subordinates' records held for the year."""
        where, params = _year_range("a.start_date", year)
        cursor = self.conn.execute(
            f"""SELECT a.category, count(*) AS activities, sum(a.participants) AS participants,
                sum(a.participants IS NULL) AS unknown, {fields.figure_sums("a", sub=True)},
                sum(a.highlight) AS highlights
            FROM sub_activities a JOIN sub_orgs o ON o.id = a.org_id
            WHERE o.active = 1 AND o.year = ? AND {where} AND {_SUB_DONE}
            GROUP BY a.category""",
            [year, *params],
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def sub_summary_activities(self, year: int) -> list[dict[str, Any]]:
        """The subordinates' 重点 activities of the year with their organisation's name."""
        where, params = _year_range("a.start_date", year)
        cursor = self.conn.execute(
            f"""SELECT a.id, a.start_date, a.end_date, a.title, a.category, a.participants,
                a.description, a.reports, a.problems_solved, a.technologies_promoted,
                o.org_name
            FROM sub_activities a JOIN sub_orgs o ON o.id = a.org_id
            WHERE o.active = 1 AND o.year = ? AND a.highlight = 1 AND {where} AND {_SUB_DONE}
            ORDER BY a.start_date, a.id""",
            [year, *params],
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    # -- positions (职务 in a unit, with a term) ----------------------------------------

    def positions(self, *, person_id: int | None = None) -> list[Position]:
        """A person's positions (or everyone's), the current ones first, newest first."""
        where, params = ("person_id = ?", [person_id]) if person_id is not None else ("1", [])
        cursor = self.conn.execute(
            "SELECT id, person_id, unit_id, post, background, start_date, end_date "
            f"FROM positions WHERE {where} "
            "ORDER BY end_date IS NOT NULL, start_date IS NULL, start_date DESC, id",
            params,
        )
        return [Position(*row) for row in cursor]

    def set_positions(self, person_id: int, positions: Sequence[Position]) -> None:
        """Replace a person's positions with these, checked, in one transaction (audited)."""
        from kexie_desktop.core import validation

        for position in positions:
            position.person_id = person_id
            validation.validate_position(position)
            assert position.unit_id is not None
            if not self._exists("units", position.unit_id):
                raise validation.ValidationError({"unit_id": "所选基层组织已不存在"}, "positions")
        before = [dataclasses.asdict(p) for p in self.positions(person_id=person_id)]
        after = [dataclasses.asdict(p) for p in positions]
        for row in (*before, *after):
            row.pop("id")
        if before == after:
            return
        with self.transaction():
            self.db.execute("DELETE FROM positions WHERE person_id = ?", [person_id])
            for position in positions:
                position.id = self.db.execute(
                    "INSERT INTO positions (person_id, unit_id, post, background, start_date, "
                    "end_date) VALUES (?, ?, ?, ?, ?, ?)",
                    [person_id, position.unit_id, position.post, position.background,
                     position.start_date, position.end_date],
                ).lastrowid  # fmt: skip
            self._audit(
                "update", None, {"positions": before}, table="positions", record_id=person_id,
                label=self.get(Person, person_id).name,
            )  # fmt: skip

    # -- statistics figures typed by the clerk ------------------------------------------

    def stats_values(self, year: int) -> dict[str, int]:
        rows = self.conn.execute("SELECT key, value FROM stats_values WHERE year = ?", [year])
        return {key: value for key, value in rows}

    def save_stats_values(self, year: int, values: dict[str, int | None]) -> None:
        """Keep typed figures for the year; None removes one (back to blank)."""
        with self.transaction():
            for key, value in values.items():
                if value is None:
                    self.db.execute(
                        "DELETE FROM stats_values WHERE year = ? AND key = ?", [year, key]
                    )
                else:
                    self.db.execute(
                        "INSERT INTO stats_values (year, key, value, updated_at) "
                        "VALUES (?, ?, ?, ?) ON CONFLICT(year, key) DO UPDATE SET "
                        "value = excluded.value, updated_at = excluded.updated_at",
                        [year, key, int(value), now_iso()],
                    )

    def stats_explanations(self, year: int) -> dict[str, str]:
        rows = self.conn.execute("SELECT key, text FROM stats_explanations WHERE year = ?", [year])
        return {key: text for key, text in rows}

    def save_stats_explanations(self, year: int, texts: dict[str, str]) -> None:
        """Keep one-line explanations for the year; an empty text removes one."""
        from kexie_desktop.core import validation

        cleaned = {}
        for key, text in texts.items():
            cleaned[key] = " ".join(validation.clean_text(text).split())
            problem = validation.text_problem(cleaned[key])
            if problem:
                raise validation.ValidationError({"text": f"说明{problem}"})
        with self.transaction():
            for key, text in cleaned.items():
                if not text:
                    self.db.execute(
                        "DELETE FROM stats_explanations WHERE year = ? AND key = ?", [year, key]
                    )
                else:
                    self.db.execute(
                        "INSERT INTO stats_explanations (year, key, text, updated_at) "
                        "VALUES (?, ?, ?, ?) ON CONFLICT(year, key) DO UPDATE SET "
                        "text = excluded.text, updated_at = excluded.updated_at",
                        [year, key, text, now_iso()],
                    )

    # -- settings ------------------------------------------------------------------------

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return default if row is None else str(row[0])

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )

    def profile(self) -> Profile:
        profile = Profile()
        for name in vars(profile):
            setattr(profile, name, self.get_setting(_PROFILE_PREFIX + name, "") or "")
        return profile

    def has_profile(self) -> bool:
        return bool(self.get_setting(_PROFILE_PREFIX + "org_name"))

    def save_profile(self, profile: Profile) -> None:
        from kexie_desktop.core import validation

        validation.validate_profile(profile)
        with self.transaction():
            for name, value in vars(profile).items():
                self.set_setting(_PROFILE_PREFIX + name, value)


def _create_database(path: Path) -> None:
    """A new kexie.db, built under a temporary name and renamed into place.

    A program killed while creating it leaves no empty or half-built kexie.db, which the next
    start would have to treat as damaged (an empty file is never taken for a new database).
    """
    import os

    from kexie_desktop.core.safe_write import release_temporary, temporary_name

    temporary = temporary_name(path)
    try:
        conn = sqlite3.connect(str(temporary))
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            store = Store(conn)
            store._migrate()
        finally:
            conn.close()
        with temporary.open("rb+") as f:
            os.fsync(f.fileno())
        os.rename(temporary, path)
    except OSError as exc:
        raise StoreError(f"无法创建数据库 {path}：{exc.strerror or exc}") from exc
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{temporary}{suffix}").unlink(missing_ok=True)
        release_temporary(temporary)


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to kexie.db, also in a folder nobody may write to.

    A database in WAL mode needs its -shm file even to be read; in a read-only folder where
    none is left, SQLite cannot make one. Then it is read as immutable (nobody can be writing
    there), or, if a -wal holds changes not yet in the file, from a copy of both in a
    temporary folder, so those changes are not lost from the export.
    """
    uri = path.resolve().as_uri()
    try:
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, check_same_thread=False)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError as exc:
        if sqlite_errors.primary_code(exc) not in (
            sqlite3.SQLITE_CANTOPEN,
            sqlite3.SQLITE_READONLY,
        ):
            raise
    wal = Path(f"{path}-wal")
    if wal.is_file() and wal.stat().st_size > 0:
        import shutil
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="kexie-read-"))
        shutil.copyfile(path, folder / path.name)
        shutil.copyfile(wal, folder / wal.name)
        copy = sqlite3.connect(str(folder / path.name), check_same_thread=False)
        memory = sqlite3.connect(":memory:", check_same_thread=False)
        copy.backup(memory)
        copy.close()
        shutil.rmtree(folder, ignore_errors=True)
        return memory
    conn = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return conn


_PERSON_LABEL_SELECT = """SELECT p.id, p.name, COALESCE(u.name, ''), p.birth_date,
    (SELECT count(*) FROM people q WHERE q.name = p.name AND q.unit_id IS p.unit_id) > 1
    FROM people p LEFT JOIN units u ON u.id = p.unit_id"""


def _person_label(record_id: int, name: str, unit: str, birth: str | None, ambiguous: int) -> str:
    details = [unit] if unit else []
    if ambiguous:
        if birth:
            details.append(f"{birth[:4]}年生")
        details.append(f"编号{record_id}")
    return f"{name}（{'，'.join(details)}）" if details else name


def _year_range(column: str, year: int | None) -> tuple[str, list[object]]:
    if year is None:
        return "1", []
    return f"{column} >= ? AND {column} < ?", [f"{year:04d}-01-01", f"{year + 1:04d}-01-01"]


def _ledger_activities(year: int | None) -> tuple[str, list[object]]:
    where, params = _year_range("a.start_date", year)
    return (
        f"""SELECT a.id, a.uuid, {fields.stored_columns("activities", "a")},
            COALESCE(u.name, '') AS unit_name,
            COALESCE((SELECT group_concat(q.name, '、') FROM activity_people ap
                      JOIN people q ON q.id = ap.person_id WHERE ap.activity_id = a.id), '')
                AS people_names
        FROM activities a LEFT JOIN units u ON u.id = a.unit_id
        WHERE {where} ORDER BY a.start_date, a.id""",
        params,
    )


def _ledger_people(_year: int | None) -> tuple[str, list[object]]:
    return (
        f"""SELECT p.id, p.uuid, {fields.stored_columns("people", "p")},
            COALESCE(u.name, '') AS unit_name
        FROM people p LEFT JOIN units u ON u.id = p.unit_id
        ORDER BY p.status = '退出', COALESCE(p.name_key, p.name), p.id""",
        [],
    )


def _ledger_awards(year: int | None) -> tuple[str, list[object]]:
    where, params = _year_range("w.award_date", year)
    return (
        f"""SELECT w.id, w.uuid, {fields.stored_columns("awards", "w")},
            CASE WHEN p.id IS NOT NULL THEN '个人' WHEN w.team <> '' THEN '集体'
                 WHEN u.id IS NOT NULL THEN '单位' ELSE '' END AS winner_kind,
            COALESCE(p.name, NULLIF(w.team, ''), u.name, '') AS winner,
            COALESCE(pu.name, CASE WHEN w.team <> '' THEN u.name END, '') AS winner_unit
        FROM awards w LEFT JOIN people p ON p.id = w.person_id
            LEFT JOIN units pu ON pu.id = p.unit_id
            LEFT JOIN units u ON u.id = w.unit_id
        WHERE {where} ORDER BY w.award_date, w.id""",
        params,
    )


def _ledger_units(_year: int | None) -> tuple[str, list[object]]:
    return (
        f"""SELECT n.id, n.uuid, {fields.stored_columns("units", "n")},
            (SELECT count(*) FROM people q WHERE q.unit_id = n.id AND q.status = '在册')
                AS people_count
        FROM units n ORDER BY COALESCE(n.name_key, n.name), n.id""",
        [],
    )


# The own units whose kinds submit to the organisation (either bracket form of 乡镇（街道）).
REPORTING_KINDS = (
    "乡镇（街道）科协", "企业科协", "园区科协", "学会", "农技协", "高校科协", "社区科协",
)  # fmt: skip
# A subordinate's activity marked 计划 (statistics field, carried in extra_json) is not done:
# the summary never counts it, as it never counts the organisation's own.
_SUB_DONE = "COALESCE(json_extract(a.extra_json, '$.planned'), 0) = 0"
_SUB_TABLES = ("sub_units", "sub_people", "sub_activities", "sub_awards")
# Columns that refer to another record by id, the table they refer to, and the key a package
# uses for the same reference by UUID.
_REFERENCES = {"unit_id": "units", "person_id": "people", "activity_id": "activities"}
_REFERENCES_UUID = {"unit_id": "unit_uuid", "person_id": "person_uuid",
                    "activity_id": "activity_uuid"}  # fmt: skip


def _ledger_sub_activities(year: int | None) -> tuple[str, list[object]]:
    where, params = _year_range("a.start_date", year)
    return (
        f"""SELECT a.id, a.uuid, o.org_name,
            {fields.stored_columns("activities", "a", sub=True)},
            {fields.sub_extra_columns("activities", "a")},
            COALESCE(u.name, '') AS unit_name,
            COALESCE((SELECT group_concat(q.name, '、') FROM json_each(a.person_uuids) j
                      JOIN sub_people q ON q.org_id = a.org_id AND q.uuid = j.value), '')
                AS people_names
        FROM sub_activities a JOIN sub_orgs o ON o.id = a.org_id
            LEFT JOIN sub_units u ON u.org_id = a.org_id AND u.uuid = a.unit_uuid
        WHERE o.active = 1 AND o.year = {int(year or 0)} AND {where}
        ORDER BY o.org_name, o.org_uuid, a.start_date, a.id""",
        params,
    )


def _ledger_sub_awards(year: int | None) -> tuple[str, list[object]]:
    where, params = _year_range("w.award_date", year)
    return (
        f"""SELECT w.id, w.uuid, o.org_name, w.award_date, w.name, w.level,
            CASE WHEN p.id IS NOT NULL THEN '个人' WHEN w.team <> '' THEN '集体'
                 WHEN u.id IS NOT NULL THEN '单位' ELSE '' END AS winner_kind,
            COALESCE(p.name, NULLIF(w.team, ''), u.name, '') AS winner,
            COALESCE(pu.name, CASE WHEN w.team <> '' THEN u.name END, '') AS winner_unit,
            w.issuer, w.certificate_no, w.note, w.notes
        FROM sub_awards w JOIN sub_orgs o ON o.id = w.org_id
            LEFT JOIN sub_people p ON p.org_id = w.org_id AND p.uuid = w.person_uuid
            LEFT JOIN sub_units pu ON pu.org_id = w.org_id AND pu.uuid = p.unit_uuid
            LEFT JOIN sub_units u ON u.org_id = w.org_id AND u.uuid = w.unit_uuid
        WHERE o.active = 1 AND o.year = {int(year or 0)} AND {where}
        ORDER BY o.org_name, o.org_uuid, w.award_date, w.id""",
        params,
    )


_LEDGER_QUERIES = {
    "sub_activities": _ledger_sub_activities,
    "sub_awards": _ledger_sub_awards,
    "activities": _ledger_activities,
    "people": _ledger_people,
    "awards": _ledger_awards,
    "units": _ledger_units,
}


def _snapshot_row(record: Record) -> dict[str, Any]:
    """Everything needed to put the record back as it was (id aside)."""
    row = Store._row_of(record)
    row.pop("id", None)
    if isinstance(record, Activity):
        row["person_ids"] = list(record.person_ids)
    return row


def _label(record: Record) -> str:
    return str(getattr(record, "name", "") or getattr(record, "title", ""))


def _label_row(row: dict[str, Any] | None) -> str:
    return "" if row is None else str(row.get("name") or row.get("title") or "")


def _snapshot(record: Record) -> dict[str, Any]:
    """What an import's undo writes back over a record it changed (identity stays put)."""
    row = _snapshot_row(record)
    row.pop("uuid")
    row.pop("created_at")
    return row


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


__all__ = ["MIGRATION_SET", "NewerDatabaseError", "RecordNotFound", "Store", "StoreError"]
