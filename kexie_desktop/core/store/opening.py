"""Making kexie.db, and reading one where nothing may be written.

Kept apart from the Store because both work on the file before there is a Store to ask.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kexie_desktop.core import sqlite_errors
from kexie_desktop.core.store.common import StoreError


def create_database(path: Path) -> None:
    """A new kexie.db, built under a temporary name and renamed into place.

    A program killed while creating it leaves no empty or half-built kexie.db, which the next
    start would have to treat as damaged (an empty file is never taken for a new database).
    """
    import os

    from kexie_desktop.core.safe_write import release_temporary, temporary_name
    from kexie_desktop.core.store import Store

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


def connect_read_only(path: Path) -> sqlite3.Connection:
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
