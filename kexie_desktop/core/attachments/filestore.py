"""The content-addressed file store: copying a file in, and what refers to the stored files.

A file is copied in (hashed on the way) under its SHA-256, so the same photo attached twice is
stored once; the names of the files that rows refer to, here and in a backup's database, decide
what the store must keep (upkeep.py, backups.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import uuid as uuid_module
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kexie_desktop.core.attachments.common import (
    _CHUNK,
    _TYPES,
    ATTACHMENTS_FOLDER,
    MAX_FILE_BYTES,
    AttachmentError,
    CheckedFile,
    stored_path,
)


def _copy_into_store(data_dir: Path, checked: CheckedFile) -> tuple[str, int]:
    """Copy the file into the store (hashing on the way), unless its content is there already.

    The copy is flushed to disk before the row that names it is committed."""
    folder = Path(data_dir) / ATTACHMENTS_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".incoming-{uuid_module.uuid4().hex}.part"
    digest = hashlib.sha256()
    size = 0
    try:
        with checked.path.open("rb") as source, temporary.open("xb") as target:
            while chunk := source.read(_CHUNK):
                size += len(chunk)
                if size > MAX_FILE_BYTES:
                    raise AttachmentError(
                        f"“{checked.path.name}”超过了单个附件 100 MB 的上限，没有添加。"
                    )
                digest.update(chunk)
                target.write(chunk)
            target.flush()
            os.fsync(target.fileno())
        sha = digest.hexdigest()
        final = stored_path(data_dir, sha, checked.file_type)
        if final.is_file() and final.stat().st_size == size:
            temporary.unlink()
        else:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temporary, final)
            with contextlib.suppress(OSError):
                final.chmod(0o444)  # the stored copy is never edited in place
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        if Path(str(exc.filename or "")) == checked.path:
            raise AttachmentError(f"无法读取“{checked.path.name}”：{exc.strerror or exc}") from exc
        raise AttachmentError(
            f"无法把“{checked.path.name}”保存到数据文件夹：{exc.strerror or exc}"
        ) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise
    return sha, size


# -- what refers to stored files -----------------------------------------------------------


# The tables whose rows name stored files: the own attachments, and those received in
# subordinates' packages (0013_package_sub_attachments; kept for every block held, active or
# replaced, since undoing the newer package brings the older one back).
_FILE_TABLES = ("attachments", "sub_attachments")


def _files_in_tables(conn: Any, tables: set[str] | None = None) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for table in _FILE_TABLES:
        if tables is not None and table not in tables:
            continue
        found |= {
            (str(r[0]), str(r[1]))
            for r in conn.execute(
                f"SELECT DISTINCT sha256, file_type FROM {table} WHERE sha256 IS NOT NULL"
            )
            if _valid_name(r[0], r[1])
        }
    return found


def stored_sizes(conn: Any) -> dict[str, int]:
    """sha256 → size of every file the attachment tables name."""
    sizes: dict[str, int] = {}
    for table in _FILE_TABLES:
        for sha, size in conn.execute(
            f"SELECT sha256, max(size) FROM {table} WHERE sha256 IS NOT NULL GROUP BY sha256"
        ):
            sizes.setdefault(sha, size)
    return sizes


def referenced_files(conn: Any) -> set[tuple[str, str]]:
    """(sha256, file_type) of every file an attachment (own or received from a subordinate) or
    a 回收站 entry refers to."""
    return _files_in_tables(conn) | _files_in_bin(conn)


def _files_in_bin(conn: Any) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    rows = conn.execute(
        "SELECT table_name, row_json FROM recycle_bin "
        "WHERE table_name IN ('attachments', 'activities', 'awards')"
    )
    for table, row_json in rows:
        try:
            row = json.loads(row_json)
        except (TypeError, ValueError):
            continue
        if not isinstance(row, dict):
            continue
        items = [row] if table == "attachments" else row.get("attachments") or []
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            sha, file_type = item.get("sha256"), item.get("file_type")
            if _valid_name(sha, file_type):
                found.add((str(sha), str(file_type)))
    return found


def _valid_name(sha: object, file_type: object) -> bool:
    return (
        isinstance(sha, str)
        and len(sha) == 64
        and all(c in "0123456789abcdef" for c in sha)
        and file_type in {t for t, _ in _TYPES.values()}
    )


def stored_files(data_dir: Path) -> Iterator[tuple[str, str, Path]]:
    """(sha256, file_type, path) of every file in the store."""
    root = Path(data_dir) / ATTACHMENTS_FOLDER
    if not root.is_dir():
        return
    for folder in sorted(root.iterdir()):
        if not folder.is_dir() or len(folder.name) != 2:
            continue
        for path in sorted(folder.iterdir()):
            sha, _, file_type = path.name.partition(".")
            if _valid_name(sha, file_type):
                yield sha, file_type, path
