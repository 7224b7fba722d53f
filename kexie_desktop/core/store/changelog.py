"""The change log (修改记录): who changed what and when, with the record before and after.

Every save, delete, restore and import of the clerk's writes one entry in the same transaction
as the change itself; an import's rows are logged as its batch (see imports), not one by one.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from kexie_desktop.core.store.common import Part, dicts, now_iso
from kexie_desktop.core.store.records import label_of, snapshot_row

if TYPE_CHECKING:
    from kexie_desktop.core.records import Record


class ChangeLog(Part):
    def add(
        self, action: str, record: Record | None, before: dict[str, Any] | None, *,
        table: str = "", record_id: int | None = None, label: str = "",
    ) -> None:  # fmt: skip
        """One entry, inside the caller's transaction: the record as it is now (if any) and
        as it was (`before`); table, id and label default to the record's."""
        after = None if record is None else snapshot_row(record)
        self.db.execute(
            "INSERT INTO audit_log (at, action, table_name, record_id, label, before_json, "
            "after_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                now_iso(), action, table or (record.TABLE if record else ""),
                record_id if record_id is not None else (record.id if record else None),
                label or (label_of(record) if record else _label_row(before)),
                None if before is None else json.dumps(before, ensure_ascii=False),
                None if after is None else json.dumps(after, ensure_ascii=False),
            ],
        )  # fmt: skip

    def entries(
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
        return dicts(
            self.conn.execute(
                f"SELECT id, at, action, table_name, record_id, label, before_json, after_json "
                f"FROM audit_log WHERE {' AND '.join(conditions)} ORDER BY id DESC LIMIT ?",
                [*params, limit],
            )
        )


def _label_row(row: dict[str, Any] | None) -> str:
    return "" if row is None else str(row.get("name") or row.get("title") or "")
