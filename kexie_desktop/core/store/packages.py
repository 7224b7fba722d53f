"""Submission packages (报送包): the own records a package carries, and the subordinates'.

A received package is merged as one undoable import batch: an organisation's block replaces the
one held for the same year only if exported later, and a sender's newer package replaces its
older one as a whole. The received records live in their own sub_* tables, by organisation,
never mixed with the clerk's own.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from kexie_desktop.core.store.common import Part, dicts, first, year_range

# The own units whose kinds submit to the organisation (either bracket form of 乡镇（街道）).
REPORTING_KINDS = (
    "乡镇（街道）科协", "企业科协", "园区科协", "学会", "农技协", "高校科协", "社区科协",
)  # fmt: skip
SUB_TABLES = ("sub_units", "sub_people", "sub_activities", "sub_awards")
# Columns that refer to another record by id, the table they refer to, and the key a package
# uses for the same reference by UUID.
_REFERENCES = {"unit_id": "units", "person_id": "people", "activity_id": "activities"}
_REFERENCES_UUID = {"unit_id": "unit_uuid", "person_id": "person_uuid",
                    "activity_id": "activity_uuid"}  # fmt: skip


class Packages(Part):
    def rows(self, kind: str, year: int) -> list[dict[str, Any]]:
        """The own records a year's package carries: every unit and person, the year's
        activities and awards; links by UUID, every column a record has (new ones too)."""
        table = {"units": "units", "people": "people", "activities": "activities",
                 "awards": "awards"}[kind]  # fmt: skip
        date = {"activities": "start_date", "awards": "award_date"}.get(kind)
        where, params = year_range(date, year) if date else ("1", [])
        cursor = self.conn.execute(f"SELECT * FROM {table} WHERE {where} ORDER BY id", params)
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor]
        uuids = {
            column: dict(self.conn.execute(f"SELECT id, uuid FROM {target}").fetchall())
            for column, target in _REFERENCES.items()
            if column in names
        }
        links: dict[int, list[str]] = {}
        if kind == "activities":
            wanted = {row["id"] for row in rows}
            for activity_id, person_uuid in self.conn.execute(
                "SELECT ap.activity_id, p.uuid FROM activity_people ap "
                "JOIN people p ON p.id = ap.person_id ORDER BY ap.activity_id, p.uuid"
            ):
                if activity_id in wanted:
                    links.setdefault(activity_id, []).append(person_uuid)
        out = []
        for row in rows:
            record_id = row.pop("id")
            for internal in ("name_key", "team_key"):
                row.pop(internal, None)
            for column, ids in uuids.items():
                value = row.pop(column)
                row[_REFERENCES_UUID[column]] = None if value is None else ids.get(value)
            if kind == "activities":
                row["person_uuids"] = links.get(record_id, [])
            out.append(row)
        return out

    def latest_submission(self, org_uuid: str, year: int) -> dict[str, Any] | None:
        """The newest package imported from an organisation for a year (undone ones are gone)."""
        cursor = self.conn.execute(
            "SELECT * FROM sub_submissions WHERE org_uuid = ? AND year = ? "
            "ORDER BY exported_at DESC, id DESC LIMIT 1",
            [org_uuid, year],
        )
        return first(cursor)

    def active_orgs(self, year: int) -> list[dict[str, Any]]:
        """The organisations whose records of the year are held, with the package they came in."""
        return dicts(
            self.conn.execute(
                """SELECT o.*, s.org_uuid AS via_uuid, s.org_name AS via_name,
                    s.imported_at, s.file_name
                FROM sub_orgs o JOIN sub_submissions s ON s.id = o.submission_id
                WHERE o.year = ? AND o.active = 1 ORDER BY o.org_name, o.org_uuid""",
                [year],
            )
        )

    def org_rows(self, org_id: int, table: str) -> list[dict[str, Any]]:
        """One received block's records of a kind, as stored (for passing them on upwards)."""
        assert table in SUB_TABLES, table
        return dicts(
            self.conn.execute(f"SELECT * FROM {table} WHERE org_id = ? ORDER BY id", [org_id])
        )

    def import_submission(
        self,
        submission: dict[str, Any],
        blocks: Sequence[dict[str, Any]],
        *,
        file_name: str,
        batch_label: str,
    ) -> dict[str, Any]:
        """Merge one package's organisations, as one undoable import batch.

        `blocks`: per organisation its identity (`org`), `exported_at`, `digest`, `counts` and
        `rows` (table → column dicts). An organisation's block replaces the active one of the
        same year only if exported later; blocks that came with this sender's previous package
        and are missing from this one are turned off (the newer package replaces the older one
        as a whole). Returns what was added, replaced, kept and removed; no batch is made when
        nothing changes."""
        year = int(submission["year"])
        added: list[str] = []
        replaced: list[str] = []
        kept: list[str] = []
        previous = self.latest_submission(submission["org_uuid"], year)
        plans: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
        for block in blocks:
            org = block["org"]
            current = self._active_org(org["uuid"], year)
            if current is None:
                plans.append((block, None))
                added.append(org["name"])
            elif current["exported_at"] < block["exported_at"]:
                plans.append((block, current))
                replaced.append(org["name"])
            else:
                kept.append(org["name"])
        carried = {block["org"]["uuid"] for block in blocks}
        dropped = []
        if previous is not None:
            dropped = [
                row
                for row in self.conn.execute(
                    "SELECT id, org_uuid, org_name, active, updated_at FROM sub_orgs "
                    "WHERE submission_id IN (SELECT id FROM sub_submissions "
                    "WHERE org_uuid = ? AND year = ?) AND active = 1",
                    [submission["org_uuid"], year],
                ).fetchall()
                if row[1] not in carried
            ]
        result: dict[str, Any] = {"added": added, "replaced": replaced, "kept": kept,
                  "removed": [row[2] for row in dropped], "batch_id": None}  # fmt: skip
        if not plans and not dropped:
            return result
        # One stamp for the batch and every row it writes or turns off, to the microsecond: an
        # older batch of the same second must see these rows as changed after it (its undo is
        # then refused), while this batch's own undo must not.
        stamp = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
        with self.store.transaction():
            batch_id = self.store.imports.begin_batch(file_name)
            self.db.execute(
                "UPDATE import_batches SET created_at = ? WHERE id = ?", [stamp, batch_id]
            )
            changes: list[tuple[str, int, str, str | None]] = []
            if previous is not None:
                # The older package of this sender may share blocks with this one: its batch
                # cannot be undone while this one stands (undo refuses records changed since).
                self.db.execute(
                    "UPDATE sub_submissions SET updated_at = ? WHERE id = ?",
                    [stamp, previous["id"]],
                )
                before = json.dumps({"updated_at": previous["updated_at"]})
                changes.append(("sub_submissions", previous["id"], "update", before))
            off = [(row[0], row[4]) for row in dropped]
            off += [(c["id"], c["updated_at"]) for _b, c in plans if c is not None]
            for org_id, updated_at in off:
                self.db.execute(
                    "UPDATE sub_orgs SET active = 0, updated_at = ? WHERE id = ?", [stamp, org_id]
                )
                before = json.dumps({"active": 1, "updated_at": updated_at})
                changes.append(("sub_orgs", org_id, "update", before))
            cursor = self.db.execute(
                "INSERT INTO sub_submissions (org_uuid, org_name, year, exported_at, file_name, "
                "manifest_sha256, manifest_json, imported_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [submission["org_uuid"], submission["org_name"], year,
                 submission["exported_at"], file_name, submission["manifest_sha256"],
                 submission["manifest_json"], stamp, stamp],
            )  # fmt: skip
            submission_id = cursor.lastrowid
            assert submission_id is not None
            changes.append(("sub_submissions", submission_id, "insert", None))
            for block, _current in plans:
                org = block["org"]
                cursor = self.db.execute(
                    "INSERT INTO sub_orgs (submission_id, org_uuid, org_name, org_level, "
                    "org_place, parent_uuid, parent_name, year, exported_at, digest, "
                    "counts_json, active, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
                    [submission_id, org["uuid"], org["name"], org["level"], org["place"],
                     org["parent_uuid"], org["parent_name"], year, block["exported_at"],
                     block["digest"], json.dumps(block["counts"]), stamp],
                )  # fmt: skip
                org_id = cursor.lastrowid
                assert org_id is not None
                changes.append(("sub_orgs", org_id, "insert", None))
                for table in SUB_TABLES:
                    rows = block["rows"][table]
                    if not rows:
                        continue
                    columns = ["org_id", *rows[0]]
                    self.conn.executemany(
                        f"INSERT INTO {table} ({', '.join(columns)}) "
                        f"VALUES ({', '.join('?' for _ in columns)})",
                        [(org_id, *row.values()) for row in rows],
                    )
            # Undo goes newest first: the new blocks go before the old ones come back on.
            ordered = [c for c in changes if c[2] == "update"] + [
                c for c in changes if c[2] == "insert"
            ]
            self.conn.executemany(
                "INSERT INTO import_changes (batch_id, table_name, record_id, action, "
                "before_json) VALUES (?, ?, ?, ?, ?)",
                [(batch_id, *change) for change in ordered],
            )
            self.store.imports.finish_batch(batch_id, batch_label)
            # finish stamps the batch to the second; its rows carry `stamp` to the microsecond,
            # so the batch is stamped to the microsecond too, after them.
            self.db.execute(
                "UPDATE import_batches SET created_at = ? WHERE id = ?",
                [dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"), batch_id],
            )
        result["batch_id"] = batch_id
        return result

    def _active_org(self, org_uuid: str, year: int) -> dict[str, Any] | None:
        cursor = self.conn.execute(
            "SELECT id, exported_at, digest, updated_at FROM sub_orgs "
            "WHERE org_uuid = ? AND year = ? AND active = 1",
            [org_uuid, year],
        )
        return first(cursor)

    def reporting_units(self) -> list[dict[str, Any]]:
        """The county's own units of the kinds that report to it, with any explicit match."""
        kinds = ", ".join("?" for _ in REPORTING_KINDS)
        return dicts(
            self.conn.execute(
                f"""SELECT n.id, n.uuid, n.name, n.kind, l.org_uuid AS linked_uuid
                FROM units n LEFT JOIN sub_unit_links l ON l.unit_uuid = n.uuid
                WHERE n.kind IN ({kinds})
                ORDER BY COALESCE(n.name_key, n.name), n.id""",
                list(REPORTING_KINDS),
            )
        )

    def link_unit(self, unit_uuid: str, org_uuid: str | None) -> None:
        """Match a unit of the own list to the organisation submitting for it (None: unmatch)."""
        with self.store.transaction():
            self.db.execute("DELETE FROM sub_unit_links WHERE unit_uuid = ?", [unit_uuid])
            if org_uuid:
                self.db.execute(
                    "INSERT INTO sub_unit_links (unit_uuid, org_uuid) VALUES (?, ?)",
                    [unit_uuid, org_uuid],
                )
