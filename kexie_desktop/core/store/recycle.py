"""The 回收站: a deleted record kept whole with what pointed at it, to be put back or emptied.

An entry holds the record's row, its positions (people, units), its attachments (activities,
awards; their files stay stored while the entry is in the bin) and the links other records
had to it, which the schema cleared on deleting; restoring points them back, but only where
nothing else was put in the meantime.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any

from kexie_desktop.core.records import RECORD_TYPES, Activity, Award, Person, Record, Unit
from kexie_desktop.core.store.common import Part, StoreError, dicts, now_iso
from kexie_desktop.core.store.records import label_of, snapshot_row


class RecycleBin(Part):
    def entries(self) -> list[dict[str, Any]]:
        return dicts(
            self.conn.execute(
                "SELECT id, deleted_at, table_name, record_id, label FROM recycle_bin "
                "ORDER BY id DESC"
            )
        )

    def keep(self, record: Record) -> tuple[int, dict[str, Any]]:
        """Inside records.delete's transaction, before the row goes: the bin entry for the
        record. Returns the entry's id and the row kept (for the change log)."""
        cls, record_id = type(record), record.id
        assert record_id is not None
        row = snapshot_row(record)
        if cls in (Person, Unit):
            # The positions go with the record (CASCADE); restoring brings them back.
            column = "person_id" if cls is Person else "unit_id"
            row["positions"] = [
                dataclasses.asdict(p)
                for p in self.store.positions.of()
                if getattr(p, column) == record_id
            ]
        links = self._links_to(cls, record_id)
        if cls is Person and links["awards.person_id"]:
            # The award keeps its winner's name as text, not a blank 获奖者.
            kept = [
                r[0]
                for r in self.conn.execute(
                    "SELECT id FROM awards WHERE person_id = ? AND team = ''", [record_id]
                )
            ]
            self.conn.execute(
                "UPDATE awards SET team = ? WHERE person_id = ? AND team = ''",
                [record.name, record_id],  # type: ignore[attr-defined]
            )  # fmt: skip
            links["awards.kept_name"] = kept
        if cls in (Activity, Award):
            # Its attachments go with it (the schema would drop them) and come back
            # with it; their files stay stored while the entry is in the bin.
            from kexie_desktop.core.attachments import rows_of_owner

            row["attachments"] = rows_of_owner(self.store, cls.TABLE, record_id)
        cursor = self.db.execute(
            "INSERT INTO recycle_bin (deleted_at, table_name, record_id, label, "
            "row_json, links_json) VALUES (?, ?, ?, ?, ?, ?)",
            [now_iso(), cls.TABLE, record_id, label_of(record),
             json.dumps(row, ensure_ascii=False), json.dumps(links)],
        )  # fmt: skip
        assert cursor.lastrowid is not None
        return cursor.lastrowid, row

    def _links_to(self, cls: type[Record], record_id: int) -> dict[str, list[int]]:
        """Who points at a record about to be deleted, to point them back on restoring."""
        one = self.conn.execute
        if cls is Unit:
            return {
                f"{t}.unit_id": [r[0] for r in one(f"SELECT id FROM {t} WHERE unit_id = ?",
                                                   [record_id])]
                for t in ("people", "activities", "awards")
            }  # fmt: skip
        if cls is Person:
            return {
                "activity_people.activity_id": [r[0] for r in one(
                    "SELECT activity_id FROM activity_people WHERE person_id = ?", [record_id])],
                "awards.person_id": [r[0] for r in one(
                    "SELECT id FROM awards WHERE person_id = ?", [record_id])],
            }  # fmt: skip
        return {}

    def restore(self, entry_ids: Sequence[int]) -> int:
        """Put records back from the 回收站 with their links, in one transaction."""
        restored = 0
        with self.store.transaction():
            for entry_id in entry_ids:
                found = self.conn.execute(
                    "SELECT table_name, record_id, row_json, links_json FROM recycle_bin "
                    "WHERE id = ?", [entry_id]
                ).fetchone()  # fmt: skip
                if found is None:
                    continue
                table, record_id, row_json, links_json = found
                row = json.loads(row_json)
                if table == "attachments":
                    from kexie_desktop.core.attachments import restore_attachment_entry

                    restore_attachment_entry(self.store, record_id, row)
                    self.db.execute("DELETE FROM recycle_bin WHERE id = ?", [entry_id])
                    restored += 1
                    continue
                self._put_back(table, record_id, row, json.loads(links_json))
                self.db.execute("DELETE FROM recycle_bin WHERE id = ?", [entry_id])
                record = self.store.records.get(RECORD_TYPES[table], record_id)
                self.store.change_log.add("restore", record, None)
                restored += 1
        return restored

    def _put_back(
        self, table: str, record_id: int, row: dict[str, Any], links: dict[str, list[int]]
    ) -> None:
        person_ids = row.pop("person_ids", None)
        attachment_rows = row.pop("attachments", None)
        positions = row.pop("positions", None)
        for column in ("unit_id", "person_id"):
            target = "units" if column == "unit_id" else "people"
            if row.get(column) is not None and not self.exists(target, row[column]):
                row[column] = None  # what it pointed at is gone too
        if table == "units" and self.store.lists.unit_name_taken(row["name"], None):
            raise StoreError(f"已有名为“{row['name']}”的基层组织，无法恢复同名的单位。")
        cols = ", ".join(row)
        self.db.execute(
            f"INSERT INTO {table} (id, {cols}) VALUES (?, {', '.join('?' for _ in row)})",
            [record_id, *row.values()],
        )
        if attachment_rows:
            from kexie_desktop.core.attachments import restore_rows

            restore_rows(self.store, record_id, attachment_rows)
        if person_ids:
            self.conn.executemany(
                "INSERT OR IGNORE INTO activity_people (activity_id, person_id) "
                "SELECT ?, id FROM people WHERE id = ?",
                [(record_id, pid) for pid in person_ids],
            )
        for position in positions or ():
            # Only where the other side (unit or person) is there too.
            self.db.execute(
                "INSERT INTO positions (person_id, unit_id, post, background, "
                "start_date, end_date) SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS "
                "(SELECT 1 FROM people WHERE id = ?) AND EXISTS "
                "(SELECT 1 FROM units WHERE id = ?)",
                [position["person_id"], position["unit_id"], position["post"],
                 position["background"], position["start_date"], position["end_date"],
                 position["person_id"], position["unit_id"]],
            )  # fmt: skip
        for key, ids in links.items():
            where, column = key.split(".")
            for other in ids:
                if column == "kept_name":
                    # Linked to the person again: the name kept as text goes.
                    self.db.execute(
                        "UPDATE awards SET team = '' WHERE id = ? AND person_id = ? "
                        "AND team = ?", [other, record_id, row.get("name", "")]
                    )  # fmt: skip
                elif where == "activity_people":
                    self.db.execute(
                        "INSERT OR IGNORE INTO activity_people (activity_id, person_id) "
                        "SELECT id, ? FROM activities WHERE id = ?", [record_id, other]
                    )  # fmt: skip
                else:
                    # Only where nothing else was put in the meantime.
                    self.db.execute(
                        f"UPDATE {where} SET {column} = ? WHERE id = ? AND {column} IS NULL",
                        [record_id, other],
                    )

    def empty(self) -> int:
        with self.store.transaction():
            cursor = self.db.execute("DELETE FROM recycle_bin")
            self.store.change_log.add(
                "empty-bin", None, None, table="recycle_bin", label="清空回收站"
            )
        if self.store.path is not None:
            # Attachment files that only the emptied entries referred to.
            from kexie_desktop.core.attachments import collect_garbage

            collect_garbage(self.store)
        return cursor.rowcount
