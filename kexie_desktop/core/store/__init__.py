"""The one package that owns kexie.db: opening, migrations, transactions, reads and writes.

Everything else asks the store; nothing else runs SQL that writes. The Store itself only opens,
migrates and closes the database and runs transactions; the work is done by one part per
subject, reached as its attributes (as Anki's Collection holds one manager per subject):

    store.records      save / get / delete / validate / count     (records.py)
    store.change_log   the 修改记录 every change writes           (changelog.py)
    store.recycle_bin  the 回收站: entries, restore, empty        (recycle.py)
    store.lists        the window's lists, pickers, sort keys     (lists.py)
    store.imports      matching imported rows, batches and undo   (imports.py)
    store.figures      the year's summary figures                 (figures.py)
    store.ledger       the rows of the ledgers                    (ledger.py)
    store.packages     submission packages and received records  (packages.py)
    store.positions    people's positions in units                (positions.py)
    store.typed_stats  statistics figures typed by the clerk      (typed_stats.py)
    store.narratives   the clerk's words in the year's summary    (narratives.py)
    store.settings     profile, organisation identity, settings   (settings.py)

A part's module is imported the first time the part is used, so that opening the window loads
only what it needs (the ledger, packages and figures wait for their first export).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from kexie_desktop.core import listing as listing_module
from kexie_desktop.core import migrations as migrations_module
from kexie_desktop.core import sqlite_errors
from kexie_desktop.core.migrations import MIGRATION_SET, MIGRATIONS_TABLE, known_names
from kexie_desktop.core.paths import DB_FILENAME
from kexie_desktop.core.store.common import NewerDatabaseError, RecordNotFound, StoreError, now_iso
from kexie_desktop.core.store.opening import connect_read_only, create_database

if TYPE_CHECKING:
    from sqlite_utils import Database

    from kexie_desktop.core.store.changelog import ChangeLog
    from kexie_desktop.core.store.figures import Figures
    from kexie_desktop.core.store.imports import Imports
    from kexie_desktop.core.store.ledger import Ledger
    from kexie_desktop.core.store.lists import Lists
    from kexie_desktop.core.store.narratives import Narratives
    from kexie_desktop.core.store.packages import Packages
    from kexie_desktop.core.store.positions import Positions
    from kexie_desktop.core.store.records import Records
    from kexie_desktop.core.store.recycle import RecycleBin
    from kexie_desktop.core.store.settings import Settings
    from kexie_desktop.core.store.typed_stats import TypedStats


class Store:
    """Reads go straight to the sqlite3 connection; writes go through sqlite-utils (`db`).

    sqlite-utils is imported on the first write or migration, not at start-up (see migrations).
    A Store is a context manager: `with Store.open(folder) as store:` closes it at the end.
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

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- the parts, one per subject ------------------------------------------------------

    @cached_property
    def records(self) -> Records:
        from kexie_desktop.core.store.records import Records

        return Records(self)

    @cached_property
    def change_log(self) -> ChangeLog:
        from kexie_desktop.core.store.changelog import ChangeLog

        return ChangeLog(self)

    @cached_property
    def recycle_bin(self) -> RecycleBin:
        from kexie_desktop.core.store.recycle import RecycleBin

        return RecycleBin(self)

    @cached_property
    def lists(self) -> Lists:
        from kexie_desktop.core.store.lists import Lists

        return Lists(self)

    @cached_property
    def imports(self) -> Imports:
        from kexie_desktop.core.store.imports import Imports

        return Imports(self)

    @cached_property
    def figures(self) -> Figures:
        from kexie_desktop.core.store.figures import Figures

        return Figures(self)

    @cached_property
    def ledger(self) -> Ledger:
        from kexie_desktop.core.store.ledger import Ledger

        return Ledger(self)

    @cached_property
    def packages(self) -> Packages:
        from kexie_desktop.core.store.packages import Packages

        return Packages(self)

    @cached_property
    def positions(self) -> Positions:
        from kexie_desktop.core.store.positions import Positions

        return Positions(self)

    @cached_property
    def typed_stats(self) -> TypedStats:
        from kexie_desktop.core.store.typed_stats import TypedStats

        return TypedStats(self)

    @cached_property
    def narratives(self) -> Narratives:
        from kexie_desktop.core.store.narratives import Narratives

        return Narratives(self)

    @cached_property
    def settings(self) -> Settings:
        from kexie_desktop.core.store.settings import Settings

        return Settings(self)

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
                create_database(path)
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
            conn = connect_read_only(path)
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
        self.lists.fill_sort_keys()
        if listing_module.list_tables_stale(self.conn):
            listing_module.rebuild_list_tables(self.db)
        if self.settings.get("org_uuid") is None:
            # The organisation's identity, made once at first start (or after restoring a
            # backup older than packages).
            self.settings.make_org_uuid()

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


__all__ = [
    "MIGRATION_SET",
    "NewerDatabaseError",
    "RecordNotFound",
    "Store",
    "StoreError",
    "now_iso",
]
