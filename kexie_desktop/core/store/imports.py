"""What an import needs of the database: matching rows to stored records, and undoable batches.

A batch records what each import did (records added, records changed as they were before), so
that the clerk can undo it as a whole — unless a record of it was changed since, which undoing
would throw away.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from kexie_desktop.core import listing as listing_module
from kexie_desktop.core.records import Record
from kexie_desktop.core.store.common import Part, StoreError, dicts, now_iso
from kexie_desktop.core.store.records import snapshot_row


class Imports(Part):
    # -- matching imported rows to stored records -------------------------------------

    def match_person(
        self, *, id_number: str = "", name: str = "", birth_date: str | None = None,
        phone: str = "",
    ) -> list[int]:  # fmt: skip
        """The stored people an imported person is: same ID number; without a match on it, same
        name and birth date (a birth month matches a full date in it), or same name and phone
        — but never someone recorded with a different ID number."""
        if id_number:
            rows = self.conn.execute("SELECT id FROM people WHERE id_number = ?", [id_number])
            found = [r[0] for r in rows]
            if found:
                return found
        other_id = "AND (p.id_number = '' OR ? = '')"
        found = []
        if name and birth_date:
            found = [
                r[0]
                for r in self.conn.execute(
                    f"""SELECT p.id FROM people p WHERE p.name = ? {other_id}
                    AND (p.birth_date = ? OR p.birth_date LIKE ? || '-%'
                         OR ? LIKE p.birth_date || '-%')""",
                    [name, id_number, birth_date, birth_date, birth_date],
                )
            ]
        if not found and name and phone:
            found = [
                r[0]
                for r in self.conn.execute(
                    f"SELECT p.id FROM people p WHERE p.name = ? {other_id} AND p.phone = ?",
                    [name, id_number, phone],
                )
            ]
        return found  # fmt: skip

    def people_named(self, name: str, unit: str = "") -> list[int]:
        """People of that name; with `unit`, those of that unit if it has any by that name."""
        if unit:
            rows = self.conn.execute(
                "SELECT p.id FROM people p JOIN units u ON u.id = p.unit_id "
                "WHERE p.name = ? AND u.name = ?",
                [name, unit],
            ).fetchall()
            if rows:
                return [r[0] for r in rows]
        return [r[0] for r in self.conn.execute("SELECT id FROM people WHERE name = ?", [name])]

    def match_activity(self, title: str, start_date: str) -> list[int]:
        rows = self.conn.execute(
            "SELECT id FROM activities WHERE title = ? AND start_date = ?", [title, start_date]
        )
        return [r[0] for r in rows]

    def match_award(self, name: str, award_date: str | None, winner: str) -> list[int]:
        rows = self.conn.execute(
            """SELECT w.id FROM awards w LEFT JOIN people p ON p.id = w.person_id
            LEFT JOIN units u ON u.id = w.unit_id
            WHERE w.name = ? AND w.award_date IS ?
            AND COALESCE(p.name, NULLIF(w.team, ''), u.name, '') = ?""",
            [name, award_date, winner],
        )
        return [r[0] for r in rows]

    # -- import batches ----------------------------------------------------------------

    def begin_batch(self, file_name: str) -> int:
        """Open a batch inside the current transaction; its changes are recorded against it."""
        # A file name the file system could not decode holds lone surrogates: not storable.
        file_name = file_name.encode("utf-8", "replace").decode("utf-8")
        cursor = self.db.execute(
            "INSERT INTO import_batches (created_at, file_name, summary) VALUES (?, ?, '')",
            [now_iso(), file_name],
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def finish_batch(self, batch_id: int, summary: str) -> None:
        # Stamped when it ends: an import running past a second boundary stamps its records
        # later than it began, and undo (which refuses records changed after the batch) would
        # take its own records for the clerk's later edits.
        self.db.execute(
            "UPDATE import_batches SET summary = ?, created_at = ? WHERE id = ?",
            [summary, now_iso(), batch_id],
        )
        self.store.change_log.add(
            "import", None, None, table="import_batches", record_id=batch_id, label=summary
        )

    def record_change(self, batch_id: int, record: Record, before: Record | None) -> None:
        self.record_changes(batch_id, [(record, before)])

    def record_changes(
        self, batch_id: int, changes: Sequence[tuple[Record, Record | None]]
    ) -> None:
        """What an import batch did: records it added, and records it changed as they were."""
        rows = []
        for record, before in changes:
            assert record.id is not None
            snapshot = None if before is None else json.dumps(_snapshot(before), ensure_ascii=False)
            action = "insert" if before is None else "update"
            rows.append((batch_id, record.TABLE, record.id, action, snapshot))
        self.conn.executemany(
            "INSERT INTO import_changes (batch_id, table_name, record_id, action, before_json) "
            "VALUES (?, ?, ?, ?, ?)",
            rows,
        )

    @contextmanager
    def lists_refreshed_after(self, batch_id: int) -> Iterator[None]:
        """Inside a transaction: the list tables are brought up to date once at the end for
        the records of the batch, instead of by a trigger for every row written."""
        triggers = listing_module.row_triggers()
        for name, _sql in triggers:
            self.db.execute(f"DROP TRIGGER {name}")
        yield
        for item in listing_module.LISTINGS.values():
            if not item.materialized:
                continue
            changed = (
                f"SELECT record_id FROM import_changes WHERE batch_id = {int(batch_id)} "
                f"AND table_name = '{item.table}'"
            )
            for statement in item.refresh_statements(f"{item.alias}.id IN ({changed})"):
                self.db.execute(statement)
        for _name, sql in triggers:
            self.db.execute(sql)

    def batches(self, limit: int = 20) -> list[dict[str, Any]]:
        return dicts(
            self.conn.execute(
                """SELECT b.id, b.created_at, b.file_name, b.summary, b.undone_at,
                    (SELECT count(*) FROM import_changes c WHERE c.batch_id = b.id) AS changes
                FROM import_batches b ORDER BY b.id DESC LIMIT ?""",
                [limit],
            )
        )

    def undo(self, batch_id: int) -> int:
        """Put back what the batch changed, newest change first, in one transaction."""
        row = self.conn.execute(
            "SELECT undone_at FROM import_batches WHERE id = ?", [batch_id]
        ).fetchone()
        if row is None:
            raise StoreError("找不到这次导入的记录。")
        if row[0]:
            raise StoreError("这次导入已经撤销过了。")
        changes = self.conn.execute(
            "SELECT table_name, record_id, action, before_json FROM import_changes "
            "WHERE batch_id = ? ORDER BY id DESC",
            [batch_id],
        ).fetchall()
        created = self.conn.execute(
            "SELECT created_at FROM import_batches WHERE id = ?", [batch_id]
        ).fetchone()[0]
        later = 0
        for table, record_id, _action, _before in changes:
            row = self.conn.execute(
                f"SELECT updated_at FROM {table} WHERE id = ?", [record_id]
            ).fetchone()
            if row is None or row[0] > created:
                later += 1
        if later:
            # Undoing would throw away the clerk's own work done since the import.
            raise StoreError(
                f"这次导入之后，其中有{later}条记录又被修改或删除过，撤销会丢掉这些后来的修改，"
                "所以没有撤销。如确需撤销，请先从导入前的备份恢复。"
            )
        with self.store.transaction():
            for table, record_id, action, before_json in changes:
                if action == "insert":
                    self.db.execute(f"DELETE FROM {table} WHERE id = ?", [record_id])
                    continue
                before = json.loads(before_json)
                links = before.pop("person_ids", None)
                sets = ", ".join(f"{column} = ?" for column in before)
                self.db.execute(
                    f"UPDATE {table} SET {sets} WHERE id = ?", [*before.values(), record_id]
                )
                if links is not None:
                    self.db.execute(
                        "DELETE FROM activity_people WHERE activity_id = ?", [record_id]
                    )
                    self.conn.executemany(
                        "INSERT OR IGNORE INTO activity_people (activity_id, person_id) "
                        "SELECT ?, id FROM people WHERE id = ?",
                        [(record_id, pid) for pid in links],
                    )
            self.db.execute(
                "UPDATE import_batches SET undone_at = ? WHERE id = ?", [now_iso(), batch_id]
            )
            self.store.change_log.add(
                "undo-import", None, None, table="import_batches", record_id=batch_id,
                label=f"撤销导入（{len(changes)}处改动）",
            )  # fmt: skip
        return len(changes)


def _snapshot(record: Record) -> dict[str, Any]:
    """What an import's undo writes back over a record it changed (identity stays put)."""
    row = snapshot_row(record)
    row.pop("uuid")
    row.pop("created_at")
    return row
