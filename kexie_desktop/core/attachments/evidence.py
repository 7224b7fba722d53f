"""What the attachments mean for the year's papers: the summary's photos and missing evidence.

One photo may be chosen to print under each 重点 activity in the year's summary; the 缺少照片/
签到表 filter lists the activities lacking an attachment of each kind the clerk requires.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from kexie_desktop.core.attachments.common import KINDS, Attachment, AttachmentError
from kexie_desktop.core.attachments.rows import (
    _SELECT,
    _audit,
    _from_row,
    _owner_label,
    _row_dict,
    get_attachment,
)
from kexie_desktop.core.store import now_iso

if TYPE_CHECKING:
    from kexie_desktop.core.store import Store

# The required evidence the 缺少照片/签到表 filter looks for, unless the clerk chose otherwise.
REQUIRED_KINDS_SETTING = "evidence.required_kinds"
DEFAULT_REQUIRED_KINDS = ("照片", "签到表")


# -- the summary's photos ------------------------------------------------------------------


def set_summary_photo(store: Store, attachment_id: int, chosen: bool) -> None:
    """Print this photo under its 重点 activity in the year's summary (at most one each)."""
    a = get_attachment(store, attachment_id)
    if chosen and (a.owner_table != "activities" or not a.is_image):
        raise AttachmentError("只有活动的照片（JPEG、PNG）可以印在年度总结中。")
    owner = _owner_label(store, a.owner_table, a.owner_id)
    with store.transaction():
        rows = store.conn.execute(
            "SELECT id FROM attachments WHERE activity_id = ? AND in_summary = 1", [a.owner_id]
        ).fetchall()
        changed = {int(r[0]) for r in rows if chosen and int(r[0]) != a.id}
        if not chosen and any(int(r[0]) == a.id for r in rows):
            changed.add(a.id)
        if chosen and a.id not in {int(r[0]) for r in rows}:
            changed.add(a.id)
        for attachment_id_ in sorted(changed):
            before = _row_dict(store, attachment_id_)
            store.db.execute(
                "UPDATE attachments SET in_summary = ?, updated_at = ? WHERE id = ?",
                [int(attachment_id_ == a.id and chosen), now_iso(), attachment_id_],
            )
            _audit(store, "update", attachment_id_, owner, before=before)


def summary_photos(store: Store, year: int) -> dict[int, Attachment]:
    """Activity id → the photo chosen for the summary, for the year's 重点 activities."""
    rows = store.conn.execute(
        f"""{_SELECT} WHERE in_summary = 1 AND activity_id IN (
            SELECT id FROM activities WHERE highlight = 1
            AND start_date >= ? AND start_date < ?)""",
        [f"{year:04d}-01-01", f"{year + 1:04d}-01-01"],
    )
    return {a.owner_id: a for a in map(_from_row, rows)}


def in_summary(store: Store, attachment_id: int) -> bool:
    row = store.conn.execute(
        "SELECT in_summary FROM attachments WHERE id = ?", [attachment_id]
    ).fetchone()
    return bool(row and row[0])


# -- missing evidence ----------------------------------------------------------------------


def required_kinds(store: Store) -> tuple[str, ...]:
    value = store.settings.get(REQUIRED_KINDS_SETTING)
    if value is None:
        return DEFAULT_REQUIRED_KINDS
    return tuple(k for k in value.split("、") if k in KINDS)


def set_required_kinds(store: Store, kinds: Sequence[str]) -> None:
    store.settings.set(REQUIRED_KINDS_SETTING, "、".join(k for k in KINDS if k in kinds))


def missing_evidence_sql(kinds: Sequence[str]) -> tuple[str, list[object]]:
    """A condition on activities `a`: lacking an attachment of one of the required kinds."""
    if not kinds:
        return "0", []
    parts = " OR ".join(
        "NOT EXISTS (SELECT 1 FROM attachments x WHERE x.activity_id = a.id AND x.kind = ?)"
        for _ in kinds
    )
    return f"({parts})", list(kinds)


def activities_missing_evidence(store: Store, year: int | None = None) -> list[int]:
    condition, params = missing_evidence_sql(required_kinds(store))
    where, extra = "1", []
    if year is not None:
        where = "a.start_date >= ? AND a.start_date < ?"
        extra = [f"{year:04d}-01-01", f"{year + 1:04d}-01-01"]
    rows = store.conn.execute(
        f"SELECT a.id FROM activities a WHERE {where} AND {condition} ORDER BY a.start_date, a.id",
        [*extra, *params],
    )
    return [int(r[0]) for r in rows]
