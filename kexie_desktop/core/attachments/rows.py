"""The attachments' rows: listing, attaching files and links, editing, removing, restoring.

The rows live in the ``attachments`` table (0012_evidence_attachments); this module is the
store's part for them: it writes them through the store's transaction and change log
(store.change_log) like the store's own parts in core/store/ do. Every change writes one audit
entry per attachment (``_audit``), which attachment_edits.py's drafts use too.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid as uuid_module
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kexie_desktop.core.attachments.checks import check_file
from kexie_desktop.core.attachments.common import (
    IMAGE_TYPES,
    KINDS,
    LINK_KIND,
    OWNER_TABLES,
    Attachment,
    AttachmentError,
    AttachResult,
    CheckedFile,
)
from kexie_desktop.core.attachments.filestore import _copy_into_store
from kexie_desktop.core.store import StoreError, now_iso

if TYPE_CHECKING:
    from kexie_desktop.core.store import Store


def _data_dir(store: Store) -> Path:
    folder = store.data_folder
    if folder is None:
        raise AttachmentError("内存数据库不能保存附件。")
    return folder


def _owner_label(store: Store, table: str, owner_id: int) -> str:
    column = "title" if table == "activities" else "name"
    row = store.conn.execute(f"SELECT {column} FROM {table} WHERE id = ?", [owner_id]).fetchone()
    if row is None:
        kind = "活动" if table == "activities" else "奖项"
        raise AttachmentError(f"找不到这条{kind}记录（编号{owner_id}，可能已被删除）。")
    return str(row[0])


_SELECT = """SELECT id, uuid, CASE WHEN activity_id IS NOT NULL THEN 'activities' ELSE 'awards'
    END, COALESCE(activity_id, award_id), kind, caption, original_name, sha256, file_type, size,
    url, link_title, link_date, position, created_at FROM attachments"""


def _from_row(row: Sequence[Any]) -> Attachment:
    return Attachment(*row)


def _row_dict(store: Store, attachment_id: int) -> dict[str, Any] | None:
    cursor = store.conn.execute("SELECT * FROM attachments WHERE id = ?", [attachment_id])
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cursor.description], row, strict=True))


def rows_of_owner(store: Store, table: str, owner_id: int) -> list[dict[str, Any]]:
    """The owner's attachment rows as stored, for the 回收站 entry of a deleted record."""
    cursor = store.conn.execute(
        f"SELECT * FROM attachments WHERE {OWNER_TABLES[table]} = ? ORDER BY position, id",
        [owner_id],
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def list_attachments(store: Store, table: str, owner_id: int) -> list[Attachment]:
    rows = store.conn.execute(
        f"{_SELECT} WHERE {OWNER_TABLES[table]} = ? ORDER BY position, id", [owner_id]
    )
    return [_from_row(r) for r in rows]


def get_attachment(store: Store, attachment_id: int) -> Attachment:
    row = store.conn.execute(f"{_SELECT} WHERE id = ?", [attachment_id]).fetchone()
    if row is None:
        raise AttachmentError("这个附件已不存在（可能已被移除）。")
    return _from_row(row)


def counts(store: Store, table: str, owner_ids: Sequence[int]) -> dict[int, int]:
    """Attachments (files and links) per record, for the paper-clip column."""
    column = OWNER_TABLES[table]
    result: dict[int, int] = {}
    ids = list(owner_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        rows = store.conn.execute(
            f"SELECT {column}, count(*) FROM attachments WHERE {column} IN ({marks}) "
            f"GROUP BY {column}",
            chunk,
        )
        result.update({int(r[0]): int(r[1]) for r in rows})
    return result


def default_kind(table: str, file_type: str) -> str:
    if file_type in IMAGE_TYPES:
        return "证书" if table == "awards" else "照片"
    return "其他"


def attach_files(
    store: Store,
    table: str,
    owner_id: int,
    paths: Iterable[Path],
    *,
    kind: str | None = None,
    caption: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> AttachResult:
    """Copy each acceptable file into the store and attach it; refuse the others with a reason.

    Each added file is one audit entry; all rows commit together after their files are on disk.
    """
    if table not in OWNER_TABLES:
        raise ValueError(table)
    if kind is not None and kind not in KINDS:
        raise AttachmentError(f"附件类别“{kind}”不对，应为{'、'.join(KINDS)}之一。")
    data_dir = _data_dir(store)
    owner = _owner_label(store, table, owner_id)
    paths = [Path(p) for p in paths]
    result = AttachResult()
    stored: list[tuple[CheckedFile, str, int]] = []
    for n, path in enumerate(paths):
        try:
            checked = check_file(path)
            sha, size = _copy_into_store(data_dir, checked)
            stored.append((checked, sha, size))
        except AttachmentError as exc:
            result.refused.append((path.name, str(exc)))
        if progress:
            progress(n + 1, len(paths))
    if not stored:
        return result
    column = OWNER_TABLES[table]
    with store.transaction():
        position = store.conn.execute(
            f"SELECT COALESCE(max(position), -1) + 1 FROM attachments WHERE {column} = ?",
            [owner_id],
        ).fetchone()[0]
        for checked, sha, size in stored:
            stamp = now_iso()
            cursor = store.db.execute(
                f"INSERT INTO attachments (uuid, created_at, updated_at, {column}, kind, "
                "caption, original_name, sha256, file_type, size, position) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [str(uuid_module.uuid4()), stamp, stamp, owner_id,
                 kind or default_kind(table, checked.file_type), caption.strip(),
                 checked.path.name, sha, checked.file_type, size, position],
            )  # fmt: skip
            position += 1
            assert cursor.lastrowid is not None
            _audit(store, "attach", cursor.lastrowid, owner, before=None)
            result.added.append(get_attachment(store, cursor.lastrowid))
    return result


def check_link(url: str, title: str = "", date: str | None = None) -> tuple[str, str, str | None]:
    """A link's address, title and date as stored; AttachmentError saying what is wrong."""
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")) or any(c.isspace() for c in url):
        raise AttachmentError(f"“{url}”不是网址，网址应以 http:// 或 https:// 开头。")
    if len(url) > 2000:
        raise AttachmentError("网址太长（超过2000个字符），请检查是否粘贴了多余的内容。")
    if date:
        try:
            date = dt.date.fromisoformat(date.strip()).isoformat()
        except ValueError:
            raise AttachmentError(f"日期“{date}”应写成 年-月-日，如 2025-09-20。") from None
    return url, title.strip(), date or None


def add_link(
    store: Store, table: str, owner_id: int, url: str, *, title: str = "",
    date: str | None = None, kind: str = LINK_KIND, caption: str = "",
) -> Attachment:  # fmt: skip
    """A news report (or any page) by its address: stored as text, never fetched."""
    url, title, date = check_link(url, title, date)
    if kind not in KINDS:
        raise AttachmentError(f"附件类别“{kind}”不对，应为{'、'.join(KINDS)}之一。")
    owner = _owner_label(store, table, owner_id)
    column = OWNER_TABLES[table]
    with store.transaction():
        position = store.conn.execute(
            f"SELECT COALESCE(max(position), -1) + 1 FROM attachments WHERE {column} = ?",
            [owner_id],
        ).fetchone()[0]
        stamp = now_iso()
        cursor = store.db.execute(
            f"INSERT INTO attachments (uuid, created_at, updated_at, {column}, kind, caption, "
            "url, link_title, link_date, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [str(uuid_module.uuid4()), stamp, stamp, owner_id, kind, caption.strip(), url,
             title, date, position],
        )  # fmt: skip
        assert cursor.lastrowid is not None
        _audit(store, "attach", cursor.lastrowid, owner, before=None)
    return get_attachment(store, cursor.lastrowid)


def update_attachment(
    store: Store, attachment_id: int, *, kind: str | None = None, caption: str | None = None
) -> Attachment:
    before = _row_dict(store, attachment_id)
    if before is None:
        raise AttachmentError("这个附件已不存在（可能已被移除）。")
    if kind is not None and kind not in KINDS:
        raise AttachmentError(f"附件类别“{kind}”不对，应为{'、'.join(KINDS)}之一。")
    new_kind = before["kind"] if kind is None else kind
    new_caption = before["caption"] if caption is None else caption.strip()
    if (new_kind, new_caption) == (before["kind"], before["caption"]):
        return get_attachment(store, attachment_id)
    current = get_attachment(store, attachment_id)
    owner = _owner_label(store, current.owner_table, current.owner_id)
    with store.transaction():
        store.db.execute(
            "UPDATE attachments SET kind = ?, caption = ?, updated_at = ? WHERE id = ?",
            [new_kind, new_caption, now_iso(), attachment_id],
        )
        _audit(store, "update", attachment_id, owner, before=before)
    return get_attachment(store, attachment_id)


def remove_attachments(store: Store, attachment_ids: Iterable[int]) -> list[int]:
    """Move attachments to the 回收站 (their files stay in the store); returns the entries."""
    entries: list[int] = []
    with store.transaction():
        for attachment_id in list(attachment_ids):
            row = _row_dict(store, attachment_id)
            if row is None:
                continue
            attachment = get_attachment(store, attachment_id)
            owner = _owner_label(store, attachment.owner_table, attachment.owner_id)
            label = f"{owner}的附件“{attachment.label}”"
            record_id = row.pop("id")
            cursor = store.db.execute(
                "INSERT INTO recycle_bin (deleted_at, table_name, record_id, label, row_json, "
                "links_json) VALUES (?, 'attachments', ?, ?, ?, '{}')",
                [now_iso(), record_id, label, json.dumps(row, ensure_ascii=False)],
            )
            assert cursor.lastrowid is not None
            entries.append(cursor.lastrowid)
            store.db.execute("DELETE FROM attachments WHERE id = ?", [attachment_id])
            store.change_log.add("delete", None, row, table="attachments", record_id=record_id,
                                 label=label)  # fmt: skip
    return entries


def restore_rows(store: Store, record_id: int | None, rows: Sequence[dict[str, Any]]) -> None:
    """Inside the store's transaction: put attachment rows back (from the 回收站).

    `record_id` set: the rows of that deleted activity/award, which has just been put back."""
    for row in rows:
        row = dict(row)
        attachment_id = row.pop("id", record_id)
        owner_table = "activities" if row.get("activity_id") is not None else "awards"
        owner_id = row.get("activity_id") or row.get("award_id")
        exists = store.conn.execute(
            f"SELECT 1 FROM {owner_table} WHERE id = ?", [owner_id]
        ).fetchone()
        if exists is None:
            kind = "活动" if owner_table == "activities" else "奖项"
            raise StoreError(f"附件所属的{kind}已被删除，请先从回收站恢复那条{kind}记录。")
        cols = ", ".join(row)
        store.db.execute(
            f"INSERT INTO attachments (id, {cols}) VALUES (?, {', '.join('?' for _ in row)})",
            [attachment_id, *row.values()],
        )


def restore_attachment_entry(store: Store, record_id: int, row: dict[str, Any]) -> None:
    """Inside the store's transaction: a removed attachment back from the 回收站."""
    restore_rows(store, None, [{"id": record_id, **row}])
    attachment = get_attachment(store, record_id)
    owner = _owner_label(store, attachment.owner_table, attachment.owner_id)
    _audit(store, "restore", record_id, owner, before=None)


def _audit(store: Store, action: str, attachment_id: int, owner: str, *,
           before: dict[str, Any] | None) -> None:  # fmt: skip
    after = _row_dict(store, attachment_id)
    label = ""
    if after is not None:
        name = after["link_title"] or after["url"] or after["caption"] or after["original_name"]
        label = f"{owner}的附件“{name}”"
    store.db.execute(
        "INSERT INTO audit_log (at, action, table_name, record_id, label, before_json, "
        "after_json) VALUES (?, ?, 'attachments', ?, ?, ?, ?)",
        [now_iso(), action, attachment_id, label,
         None if before is None else json.dumps(before, ensure_ascii=False),
         None if after is None else json.dumps(after, ensure_ascii=False)],
    )  # fmt: skip
