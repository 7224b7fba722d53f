"""Keeping the file store sound: deleting files nothing refers to, and the self-check.

A stored file is deleted only when no row refers to it — neither an attachment nor an entry of
the 回收站 (a removed attachment, or an activity/award deleted with its attachments) — nor a
database copy in DIR/backups/. The self-check (at start-up, and on the clerk's request) finds
attachments whose file is missing or no longer matches its name.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kexie_desktop.core.attachments.backups import kept_by_backups
from kexie_desktop.core.attachments.common import (
    Attachment,
    FileProblem,
    file_hash,
    stored_path,
    thumbnail_path,
)
from kexie_desktop.core.attachments.filestore import referenced_files, stored_files
from kexie_desktop.core.attachments.rows import _SELECT, _data_dir, _from_row, _owner_label

if TYPE_CHECKING:
    from kexie_desktop.core.store import Store


def collect_garbage(store: Store) -> int:
    """Delete stored files (and their thumbnails) that nothing refers to any more: no
    attachment, no 回收站 entry, and no database copy in DIR/backups/."""
    data_dir = _data_dir(store)
    keep = referenced_files(store.conn) | kept_by_backups(data_dir)
    removed = 0
    for sha, file_type, path in list(stored_files(data_dir)):
        if (sha, file_type) in keep:
            continue
        with contextlib.suppress(OSError):
            path.chmod(0o644)
            path.unlink()
            removed += 1
        with contextlib.suppress(OSError):
            thumbnail_path(data_dir, sha).unlink(missing_ok=True)
    return removed


def check_stored_files(
    store: Store, *, full: bool = True, cancelled: Callable[[], bool] | None = None
) -> list[FileProblem]:
    """Attachments whose file is missing, or changed (hash, or with `full=False` size only)."""
    data_dir = _data_dir(store)
    problems: list[FileProblem] = []
    labels: dict[tuple[str, int], str] = {}
    rows = store.conn.execute(f"{_SELECT} WHERE sha256 IS NOT NULL ORDER BY id").fetchall()
    verified: dict[str, str | None] = {}
    for row in rows:
        if cancelled and cancelled():
            break
        attachment = _from_row(row)
        assert attachment.sha256 is not None
        path = stored_path(data_dir, attachment.sha256, attachment.file_type)
        problem = verified.get(attachment.sha256, "")
        if problem == "":
            problem = _file_problem(path, attachment, full=full)
            verified[attachment.sha256] = problem
        if problem:
            key = (attachment.owner_table, attachment.owner_id)
            if key not in labels:
                kind = "活动" if key[0] == "activities" else "奖项"
                labels[key] = f"{kind}“{_owner_label(store, *key)}”"
            problems.append(FileProblem(attachment, labels[key], problem))
    return problems


def _file_problem(path: Path, attachment: Attachment, *, full: bool) -> str | None:
    try:
        size = path.stat().st_size
    except OSError:
        return "缺失"
    if size != attachment.size:
        return "已改变"
    if full and file_hash(path) != attachment.sha256:
        return "已改变"
    return None
