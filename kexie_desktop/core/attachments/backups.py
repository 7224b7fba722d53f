"""The attachment files of a backup: copied beside it, and brought back before a restore.

A backup is the .db file plus, in the same folder, an ``attachments/`` store laid out like the
data folder's: content-addressed, so a second backup to the same stick copies only the photos
added since (incremental by construction), and every file is at most 100 MB — a FAT32 stick's
4 GiB limit per file is never reached, however many photos there are. The .db's attachments
table is the manifest: it names each file by its SHA-256, which a restore checks.

The automatic daily copies in DIR/backups/ copy no files at all: the data folder's store keeps
every file that any .db in backups/ still refers to (collect_garbage), so a daily backup costs
the database alone and can still be restored with its photos.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid as uuid_module
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kexie_desktop.core.attachments.common import (
    _CHUNK,
    MAX_FILE_BYTES,
    AttachmentError,
    file_hash,
    stored_path,
)
from kexie_desktop.core.attachments.filestore import (
    _files_in_bin,
    _files_in_tables,
    referenced_files,
    stored_sizes,
)
from kexie_desktop.core.attachments.rows import _data_dir

if TYPE_CHECKING:
    from kexie_desktop.core.store import Store


@dataclass
class FilesCopied:
    copied: int = 0
    present: int = 0
    bytes_copied: int = 0
    problems: list[str] = field(default_factory=list)

    def describe(self) -> str:
        text = f"附件文件：新复制{self.copied}个（{self.bytes_copied / 2**20:.1f} MB），"
        text += f"已有{self.present}个。"
        if self.problems:
            text += f"有{len(self.problems)}个附件文件无法备份：" + "；".join(self.problems)
        return text


def _referenced_in_file(path: Path) -> set[tuple[str, str]]:
    """Files a database file (a backup) refers to; empty if it has no attachments table."""
    import sqlite3

    uri = Path(path).resolve().as_uri() + "?mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error:
        return set()
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "attachments" not in tables:
            return set()
        found = _files_in_tables(conn, tables)
        if "recycle_bin" in tables:
            found |= _files_in_bin(conn)
        return found
    except sqlite3.Error:
        return set()
    finally:
        conn.close()


def kept_by_backups(data_dir: Path) -> set[tuple[str, str]]:
    """Files the database copies in DIR/backups/ refer to (kept so that they restore whole)."""
    from kexie_desktop.core.backup import BACKUP_FOLDER

    folder = Path(data_dir) / BACKUP_FOLDER
    found: set[tuple[str, str]] = set()
    if folder.is_dir():
        for path in folder.glob("*.db"):
            found |= _referenced_in_file(path)
    return found


def _copy_verified(source: Path, target: Path, sha256: str, size: int | None) -> int:
    """Copy a stored file, checking its content against its name on the way and the written copy
    read back; whole or absent. Returns the bytes copied; raises AttachmentError."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{uuid_module.uuid4().hex[:8]}.part")
    digest = hashlib.sha256()
    copied = 0
    limit = MAX_FILE_BYTES if size is None else min(size, MAX_FILE_BYTES)
    try:
        with source.open("rb") as src, temporary.open("xb") as dst:
            while chunk := src.read(_CHUNK):
                copied += len(chunk)
                if copied > limit:
                    raise AttachmentError("已改变")
                digest.update(chunk)
                dst.write(chunk)
            dst.flush()
            os.fsync(dst.fileno())
        if digest.hexdigest() != sha256:
            raise AttachmentError("已改变")
        if file_hash(temporary) != sha256:
            raise AttachmentError("写入后读回不一致（U盘可能有问题）")
        os.replace(temporary, target)
    except FileNotFoundError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        if not source.exists():
            raise AttachmentError("缺失") from exc
        raise
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise
    return copied


def backup_files(store: Store, target_db: Path) -> FilesCopied:
    """Copy the attachment files the database refers to beside a backup written to `target_db`
    (into its folder's attachments/), skipping those already there. OSError propagates (a full
    or pulled stick), for the caller's message."""
    data_dir = _data_dir(store)
    sizes = stored_sizes(store.conn)
    result = FilesCopied()
    folder = Path(target_db).parent
    if folder.resolve() == data_dir.resolve():
        return result  # the backup is in the data folder itself: the files are already here
    labels = _labels_by_file(store)
    for sha, file_type in sorted(referenced_files(store.conn)):
        target = stored_path(folder, sha, file_type)
        if target.is_file() and target.stat().st_size == sizes.get(sha, target.stat().st_size):
            result.present += 1
            continue
        try:
            result.bytes_copied += _copy_verified(
                stored_path(data_dir, sha, file_type), target, sha, sizes.get(sha)
            )
            result.copied += 1
        except AttachmentError as exc:
            result.problems.append(f"{labels.get(sha, sha[:12])}{exc}")
    return result


def _labels_by_file(store: Store) -> dict[str, str]:
    rows = store.conn.execute(
        "SELECT x.sha256, COALESCE(a.title, w.name, ''), x.caption, x.original_name "
        "FROM attachments x LEFT JOIN activities a ON a.id = x.activity_id "
        "LEFT JOIN awards w ON w.id = x.award_id WHERE x.sha256 IS NOT NULL"
    )
    return {sha: f"“{owner}”的附件“{caption or name}”" for sha, owner, caption, name in rows}


def files_for_restore(backup: Path, data_dir: Path) -> FilesCopied:
    """Before a restore: bring into the data folder each file the backup refers to and the data
    folder lacks, from the attachments/ folder beside the backup, checked against its hash.
    Adding files is harmless (content-addressed); a file that cannot be found or does not match
    is listed, for the clerk to be told before the restore goes ahead."""
    result = FilesCopied()
    beside = Path(backup).parent
    for sha, file_type in sorted(_referenced_in_file(Path(backup))):
        target = stored_path(data_dir, sha, file_type)
        if target.is_file():
            result.present += 1
            continue
        source = stored_path(beside, sha, file_type)
        try:
            result.bytes_copied += _copy_verified(source, target, sha, None)
            with contextlib.suppress(OSError):
                target.chmod(0o444)
            result.copied += 1
        except AttachmentError as exc:
            result.problems.append(f"{sha[:12]}….{file_type}{exc}")
        except OSError as exc:
            result.problems.append(f"{sha[:12]}….{file_type}无法复制：{exc.strerror or exc}")
    return result
