"""A record form's attachments as one edit: kept as a draft, saved with the record, undone whole.

The activity and award forms are forms: 确定 saves what they show, 取消 leaves the data as it was.
The 附件 area follows them. Added files are checked and copied into the content-addressed store at
once (off the GUI thread: 50 phone photos take seconds, better while the clerk types), but no row
names them until 确定; kind, caption, the summary photo and 移除 change the draft only. In the form,
Ctrl+Z takes back the last of these steps (a draft keeps a snapshot before each). On 确定,
`AttachmentDraft.apply` writes the difference in the record's transaction — each added, changed
and removed attachment its own audit entry, a removed one into the 回收站 — and returns the
`AppliedChanges`, which the main window's 撤销/重做 uses with the record's own step:

- undo: added attachments go to the 回收站 (as undoing a new record does), removed ones come
  back out of it, changed ones get their kind, caption and summary mark back — each again an
  audit entry (放入回收站 / 从回收站恢复 / 修改), so the log tells what happened and when;
- redo: the reverse, with the same attachment ids (restoring from the 回收站 keeps the id).

So a file is always named by a row or by a 回收站 entry while a step could still bring it back:
the store's garbage collection (run when the 回收站 is emptied) never deletes it under the undo
history, and emptying the 回收站 drops the steps that needed its entries (as for records). A file
copied for a draft that was cancelled is named by nothing and goes at the next collection.
"""

from __future__ import annotations

import dataclasses
import uuid as uuid_module
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kexie_desktop.core import attachments as att
from kexie_desktop.core.attachments import filestore, rows
from kexie_desktop.core.store import StoreError, now_iso

if TYPE_CHECKING:
    from kexie_desktop.core.store import Store


@dataclass(frozen=True)
class StagedFile:
    """A file checked and copied into the store, not yet attached to anything."""

    sha256: str
    file_type: str
    size: int
    original_name: str


@dataclass
class StageResult:
    staged: list[StagedFile] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (file name, why)


def stage_files(
    data_dir: Path, paths: Iterable[Path], progress: Callable[[int, int], None] | None = None
) -> StageResult:
    """Check each file and copy the acceptable ones into the store; no database is touched, so
    it runs on any thread. The refused ones come back with their Chinese reason."""
    paths = [Path(p) for p in paths]
    result = StageResult()
    for n, path in enumerate(paths):
        try:
            checked = att.check_file(path)
            sha, size = filestore._copy_into_store(Path(data_dir), checked)
            result.staged.append(StagedFile(sha, checked.file_type, size, path.name))
        except att.AttachmentError as exc:
            result.refused.append((path.name, str(exc)))
        if progress:
            progress(n + 1, len(paths))
    return result


@dataclass(frozen=True)
class DraftItem:
    """One attachment as the form shows it: stored (attachment_id) or added in this form."""

    key: str
    attachment_id: int | None
    kind: str
    caption: str
    in_summary: bool
    original_name: str = ""
    sha256: str | None = None
    file_type: str = ""
    size: int | None = None
    url: str = ""
    link_title: str = ""
    link_date: str | None = None

    @property
    def is_new(self) -> bool:
        return self.attachment_id is None

    @property
    def is_link(self) -> bool:
        return self.sha256 is None

    @property
    def is_image(self) -> bool:
        return self.file_type in att.IMAGE_TYPES

    @property
    def label(self) -> str:
        if self.is_link:
            return self.link_title or self.url
        return self.caption or self.original_name

    def path(self, data_dir: Path) -> Path | None:
        return (
            None if self.sha256 is None else att.stored_path(data_dir, self.sha256, self.file_type)
        )


def _item_of(a: att.Attachment, in_summary: bool) -> DraftItem:
    return DraftItem(
        key=f"a{a.id}", attachment_id=a.id, kind=a.kind, caption=a.caption,
        in_summary=in_summary, original_name=a.original_name, sha256=a.sha256,
        file_type=a.file_type, size=a.size, url=a.url, link_title=a.link_title,
        link_date=a.link_date,
    )  # fmt: skip


def _new_key() -> str:
    return f"n{uuid_module.uuid4().hex}"


class AttachmentDraft:
    """The attachments of one form: what is stored, and the clerk's steps since it opened."""

    def __init__(self, store: Store, table: str, owner_id: int | None):
        if table not in att.OWNER_TABLES:
            raise ValueError(table)
        self.table = table
        self.owner_id = owner_id
        items: list[DraftItem] = []
        if owner_id is not None:
            marked = {
                int(r[0])
                for r in store.conn.execute(
                    f"SELECT id FROM attachments WHERE {att.OWNER_TABLES[table]} = ? "
                    "AND in_summary = 1",
                    [owner_id],
                )
            }
            items = [
                _item_of(a, a.id in marked) for a in att.list_attachments(store, table, owner_id)
            ]
        self.original: tuple[DraftItem, ...] = tuple(items)
        self.items: list[DraftItem] = items
        # (items before the step, what the step did), newest last.
        self._history: list[tuple[list[DraftItem], str]] = []

    # -- what the form asks ------------------------------------------------------------------

    def changed(self) -> bool:
        return tuple(self.items) != self.original

    def get(self, key: str) -> DraftItem:
        return next(i for i in self.items if i.key == key)

    def can_undo(self) -> bool:
        return bool(self._history)

    def undo_text(self) -> str:
        """撤销 添加2个文件: the words of the step Ctrl+Z would take back."""
        return self._history[-1][1] if self._history else ""

    # -- the clerk's steps -------------------------------------------------------------------

    def _step(self, text: str, items: list[DraftItem]) -> None:
        if items == self.items:
            return
        self._history.append((self.items, text))
        self.items = items

    def add_files(self, staged: Sequence[StagedFile], *, kind: str | None = None,
                  caption: str = "") -> list[DraftItem]:  # fmt: skip
        if kind is not None and kind not in att.KINDS:
            raise att.AttachmentError(f"附件类别“{kind}”不对，应为{'、'.join(att.KINDS)}之一。")
        added = [
            DraftItem(
                key=_new_key(),
                attachment_id=None,
                kind=kind or att.default_kind(self.table, s.file_type),
                caption=caption.strip(),
                in_summary=False,
                original_name=s.original_name,
                sha256=s.sha256,
                file_type=s.file_type,
                size=s.size,
            )
            for s in staged
        ]
        if added:
            what = f"“{added[0].original_name}”" if len(added) == 1 else f"{len(added)}个文件"
            self._step(f"添加{what}", [*self.items, *added])
        return added

    def add_link(self, url: str, *, title: str = "", date: str | None = None,
                 kind: str = att.LINK_KIND) -> DraftItem:  # fmt: skip
        url, title, date = att.check_link(url, title, date)
        if kind not in att.KINDS:
            raise att.AttachmentError(f"附件类别“{kind}”不对，应为{'、'.join(att.KINDS)}之一。")
        item = DraftItem(
            key=_new_key(), attachment_id=None, kind=kind, caption="", in_summary=False,
            url=url, link_title=title, link_date=date,
        )  # fmt: skip
        self._step(f"添加链接“{title or url}”", [*self.items, item])
        return item

    def set_details(self, key: str, *, kind: str | None = None,
                    caption: str | None = None) -> DraftItem:  # fmt: skip
        item = self.get(key)
        if kind is not None and kind not in att.KINDS:
            raise att.AttachmentError(f"附件类别“{kind}”不对，应为{'、'.join(att.KINDS)}之一。")
        new = dataclasses.replace(
            item,
            kind=item.kind if kind is None else kind,
            caption=item.caption if caption is None else caption.strip(),
        )
        what = "类别" if new.kind != item.kind else "说明"
        self._step(f"修改“{item.label}”的{what}", [new if i.key == key else i for i in self.items])
        return new

    def set_in_summary(self, key: str, chosen: bool) -> None:
        """At most one photo of an activity is printed in the summary: choosing one unticks
        the other."""
        item = self.get(key)
        if chosen and (self.table != "activities" or not item.is_image):
            raise att.AttachmentError("只有活动的照片（JPEG、PNG）可以印在年度总结中。")

        def marked(i: DraftItem) -> bool:
            return chosen if i.key == key else i.in_summary and not chosen

        items = [dataclasses.replace(i, in_summary=marked(i)) for i in self.items]
        verb = "选为" if chosen else "不再作为"
        self._step(f"把“{item.label}”{verb}总结照片", items)

    def remove(self, keys: Iterable[str]) -> None:
        keys = set(keys)
        gone = [i for i in self.items if i.key in keys]
        if not gone:
            return
        what = f"“{gone[0].label}”" if len(gone) == 1 else f"{len(gone)}个附件"
        self._step(f"移除{what}", [i for i in self.items if i.key not in keys])

    def undo(self) -> str:
        """Take back the last step; returns its words ('' when there was none)."""
        if not self._history:
            return ""
        self.items, text = self._history.pop()
        return text

    # -- saving ------------------------------------------------------------------------------

    def apply(self, store: Store, owner_id: int) -> AppliedChanges:
        """Write the draft for the record `owner_id` (just saved), in one transaction (the
        caller's, when it has one). Raises AttachmentError (a StoreError) if a file copied for
        it has gone from the store meanwhile; then nothing is written."""
        data_dir = rows._data_dir(store)
        column = att.OWNER_TABLES[self.table]
        owner = rows._owner_label(store, self.table, owner_id)
        applied = AppliedChanges(self.table, owner_id)
        now = {i.key: i for i in self.items}
        with store.transaction():
            for old in self.original:
                new = now.get(old.key)
                if new is None or (new.kind, new.caption, new.in_summary) == (
                    old.kind, old.caption, old.in_summary,
                ):  # fmt: skip
                    continue
                assert old.attachment_id is not None
                before = _details(store, old.attachment_id)
                after = {
                    "kind": new.kind,
                    "caption": new.caption,
                    "in_summary": int(new.in_summary),
                }
                _write_details(store, old.attachment_id, owner, after)
                applied.updates.append((old.attachment_id, before, after))
            removed = [o.attachment_id for o in self.original if o.key not in now]
            if removed:
                applied.removed_ids = [int(i) for i in removed if i is not None]
                applied.removed_entries[:] = att.remove_attachments(store, applied.removed_ids)
            position = store.conn.execute(
                f"SELECT COALESCE(max(position), -1) + 1 FROM attachments WHERE {column} = ?",
                [owner_id],
            ).fetchone()[0]
            for item in self.items:
                if not item.is_new:
                    continue
                if item.sha256 is not None:
                    path = att.stored_path(data_dir, item.sha256, item.file_type)
                    if not path.is_file():
                        raise att.AttachmentError(
                            f"“{item.original_name}”已不在数据文件夹中（可能被其他程序删除），"
                            "没有保存。请重新添加这个文件。"
                        )
                stamp = now_iso()
                cursor = store.db.execute(
                    f"INSERT INTO attachments (uuid, created_at, updated_at, {column}, kind, "
                    "caption, original_name, sha256, file_type, size, url, link_title, "
                    "link_date, position, in_summary) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [str(uuid_module.uuid4()), stamp, stamp, owner_id, item.kind, item.caption,
                     item.original_name, item.sha256, item.file_type, item.size, item.url,
                     item.link_title, item.link_date, position, int(item.in_summary)],
                )  # fmt: skip
                position += 1
                assert cursor.lastrowid is not None
                rows._audit(store, "attach", cursor.lastrowid, owner, before=None)
                applied.added_ids.append(cursor.lastrowid)
        self.owner_id = owner_id
        return applied


def _details(store: Store, attachment_id: int) -> dict[str, Any]:
    row = store.conn.execute(
        "SELECT kind, caption, in_summary FROM attachments WHERE id = ?", [attachment_id]
    ).fetchone()
    if row is None:
        raise att.AttachmentError("这个附件已不存在（可能已被移除）。")
    return {"kind": row[0], "caption": row[1], "in_summary": int(row[2])}


def _write_details(store: Store, attachment_id: int, owner: str, values: dict[str, Any]) -> None:
    before = rows._row_dict(store, attachment_id)
    if before is None:
        raise att.AttachmentError("这个附件已不存在（可能已被移除），无法撤销对它的修改。")
    store.db.execute(
        "UPDATE attachments SET kind = ?, caption = ?, in_summary = ?, updated_at = ? WHERE id = ?",
        [values["kind"], values["caption"], values["in_summary"], now_iso(), attachment_id],
    )
    rows._audit(store, "update", attachment_id, owner, before=before)


@dataclass
class AppliedChanges:
    """What a form's 确定 did to a record's attachments, to undo and redo it.

    The entry lists are changed in place, so that a holder of them (the main window's step)
    always sees the 回收站 entries the next undo or redo takes back out of the bin."""

    table: str
    owner_id: int
    added_ids: list[int] = field(default_factory=list)
    removed_ids: list[int] = field(default_factory=list)
    updates: list[tuple[int, dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    # 回收站 entries of the removed attachments while the change stands (undo takes them out).
    removed_entries: list[int] = field(default_factory=list)
    # 回收站 entries of the added attachments while the change is undone (redo takes them out).
    added_entries: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added_ids or self.removed_ids or self.updates)

    def describe(self) -> str:
        """添加2个附件、移除1个附件: for messages."""
        parts = []
        if self.added_ids:
            parts.append(f"添加{len(self.added_ids)}个附件")
        if self.removed_ids:
            parts.append(f"移除{len(self.removed_ids)}个附件")
        if self.updates:
            parts.append(f"修改{len(self.updates)}个附件的类别或说明")
        return "、".join(parts)

    def undo(self, store: Store) -> None:
        """In one transaction (the caller's, if any): added ones to the 回收站, removed ones
        back from it, changed ones as they were."""
        owner = rows._owner_label(store, self.table, self.owner_id)
        with store.transaction():
            for attachment_id, before, _after in reversed(self.updates):
                _write_details(store, attachment_id, owner, before)
            self.added_entries[:] = att.remove_attachments(store, self.added_ids)
            if len(self.added_entries) != len(self.added_ids):
                raise StoreError("有附件已被移除或连同记录删除，无法撤销。")
            self._restore(store, self.removed_entries)
            self.removed_entries.clear()

    def redo(self, store: Store) -> None:
        owner = rows._owner_label(store, self.table, self.owner_id)
        with store.transaction():
            self._restore(store, self.added_entries)
            self.added_entries.clear()
            self.removed_entries[:] = att.remove_attachments(store, self.removed_ids)
            if len(self.removed_entries) != len(self.removed_ids):
                raise StoreError("有附件已不存在，无法重做。")
            for attachment_id, _before, after in self.updates:
                _write_details(store, attachment_id, owner, after)

    @staticmethod
    def _restore(store: Store, entries: list[int]) -> None:
        if not entries:
            return
        if store.recycle_bin.restore(list(entries)) != len(entries):
            raise StoreError("回收站中已没有这些附件（回收站可能已被清空），无法撤销。")


__all__ = [
    "AppliedChanges",
    "AttachmentDraft",
    "DraftItem",
    "StageResult",
    "StagedFile",
    "stage_files",
]
