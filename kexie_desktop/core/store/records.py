"""The clerk's records (units, people, activities, awards): save, get, delete, validate, count.

A save validates first and writes nothing when a rule fails; every change is logged in the
change log in the same transaction. Deleting moves the record to the 回收站 (see recycle).
"""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from typing import Any, TypeVar

from kexie_desktop.core.records import RECORD_TYPES, Activity, Award, Person, Record, Unit, sort_key
from kexie_desktop.core.store.common import Part, RecordNotFound, now_iso

R = TypeVar("R", bound=Record)


class Records(Part):
    def save(self, record: R, *, checked: bool = False) -> R:
        """Validate, then insert (id None) or update the record; returns it with id and stamps.

        `checked`: the caller has just validated this very record with the same rules (an
        import's check pass), so it is not validated twice; the schema still guards it.
        """
        if not checked:
            self.validate(record)
        table = record.TABLE
        stamp = now_iso()
        # A checked record inside a caller's transaction (an import) needs no savepoint of its
        # own: nothing is written before validation, and any later error undoes the whole.
        own = nullcontext() if checked and self.conn.in_transaction else self.store.transaction()
        before_row: dict[str, Any] | None = None
        with own:
            if record.id is None:
                record.uuid = record.uuid or str(uuid_module.uuid4())
                record.created_at = record.created_at or stamp
                record.updated_at = stamp
                row = row_of(record)
                row.pop("id")
                cols = ", ".join(row)
                marks = ", ".join("?" for _ in row)
                cursor = self.db.execute(
                    f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(row.values())
                )
                record.id = cursor.lastrowid
            else:
                if not self.exists(table, record.id):
                    raise RecordNotFound(f"要修改的{record.KIND_LABEL}记录已不存在（可能已被删除）")
                before_row = None if checked else snapshot_row(self.get(type(record), record.id))
                record.updated_at = stamp
                row = row_of(record)
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
                self.store.change_log.add("update" if before_row else "insert", record, before_row)
        return record

    def validate(self, record: Record) -> None:
        """Raise ValidationError as save() would, writing nothing (a form re-checks as the
        clerk corrects a field, so its red message goes as soon as the field is right)."""
        from kexie_desktop.core import validation

        if isinstance(record, Unit):
            validation.validate_unit(record, name_taken=self.store.lists.unit_name_taken)
        elif isinstance(record, Person):
            validation.validate_person(record)
            self._check_reference(record, "unit_id", "units")
        elif isinstance(record, Activity):
            validation.validate_activity(record)
            self._check_reference(record, "unit_id", "units")
            missing = [p for p in record.person_ids if not self.exists("people", p)]
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
        if value is not None and not self.exists(table, value):
            raise validation.ValidationError({field: "所选记录已不存在，请重新选择"}, record.TABLE)

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
        with self.store.transaction():
            for record_id in list(ids):
                try:
                    record = self.get(cls, record_id)
                except RecordNotFound:
                    continue
                entry_id, row = self.store.recycle_bin.keep(record)
                entries.append(entry_id)
                self.db.execute(f"DELETE FROM {cls.TABLE} WHERE id = ?", [record_id])
                self.store.change_log.add("delete", None, row, table=cls.TABLE, record_id=record_id)
        return entries

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


def row_of(record: Record) -> dict[str, Any]:
    """The record's columns as stored, with the pinyin sort keys the lists order by."""
    row = record.to_row()
    if isinstance(record, Unit | Person):
        row["name_key"] = sort_key(record.name)
    elif isinstance(record, Award):
        row["team_key"] = sort_key(record.team) if record.team else None
    return row


def snapshot_row(record: Record) -> dict[str, Any]:
    """Everything needed to put the record back as it was (id aside)."""
    row = row_of(record)
    row.pop("id", None)
    if isinstance(record, Activity):
        row["person_ids"] = list(record.person_ids)
    return row


def label_of(record: Record) -> str:
    return str(getattr(record, "name", "") or getattr(record, "title", ""))
