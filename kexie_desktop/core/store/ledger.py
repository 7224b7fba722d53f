"""The rows behind the ledgers (台账): every record of a kind with linked names, in ledger order.

Streamed from the cursor: a ledger of 100,000 activities is never held in memory. The
subordinates' kinds read the records received in packages, by organisation. The columns of a
record's own are the declared fields' (core/fields.py), so a new field reaches the ledger.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kexie_desktop.core import fields
from kexie_desktop.core.store.common import (
    AWARD_WINNER_COLUMNS,
    AWARD_WINNER_JOINS,
    Part,
    year_range,
)


class Ledger(Part):
    def rows(self, kind: str, year: int | None = None) -> Iterator[dict[str, Any]]:
        """Every record of a kind (of the year, for activities and awards) with linked names,
        in ledger order, streamed: a ledger of 100,000 activities is never held in memory."""
        sql, params = _QUERIES[kind](year)
        cursor = self.conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        for row in cursor:
            yield dict(zip(names, row, strict=True))

    def count(self, kind: str, year: int | None = None) -> int:
        sql, params = _QUERIES[kind](year)
        return int(self.conn.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0])


def _activities(year: int | None) -> tuple[str, list[object]]:
    where, params = year_range("a.start_date", year)
    return (
        f"""SELECT a.id, a.uuid, {fields.stored_columns("activities", "a")},
            COALESCE(u.name, '') AS unit_name,
            COALESCE((SELECT group_concat(q.name, '、') FROM activity_people ap
                      JOIN people q ON q.id = ap.person_id WHERE ap.activity_id = a.id), '')
                AS people_names
        FROM activities a LEFT JOIN units u ON u.id = a.unit_id
        WHERE {where} ORDER BY a.start_date, a.id""",
        params,
    )


def _people(_year: int | None) -> tuple[str, list[object]]:
    return (
        f"""SELECT p.id, p.uuid, {fields.stored_columns("people", "p")},
            COALESCE(u.name, '') AS unit_name
        FROM people p LEFT JOIN units u ON u.id = p.unit_id
        ORDER BY p.status = '退出', COALESCE(p.name_key, p.name), p.id""",
        [],
    )


def _awards(year: int | None) -> tuple[str, list[object]]:
    where, params = year_range("w.award_date", year)
    return (
        f"""SELECT w.id, w.uuid, {fields.stored_columns("awards", "w")},
            {AWARD_WINNER_COLUMNS}
        FROM awards w {AWARD_WINNER_JOINS}
        WHERE {where} ORDER BY w.award_date, w.id""",
        params,
    )


def _units(_year: int | None) -> tuple[str, list[object]]:
    return (
        f"""SELECT n.id, n.uuid, {fields.stored_columns("units", "n")},
            (SELECT count(*) FROM people q WHERE q.unit_id = n.id AND q.status = '在册')
                AS people_count
        FROM units n ORDER BY COALESCE(n.name_key, n.name), n.id""",
        [],
    )


def _sub_activities(year: int | None) -> tuple[str, list[object]]:
    where, params = year_range("a.start_date", year)
    return (
        f"""SELECT a.id, a.uuid, o.org_name,
            {fields.stored_columns("activities", "a", sub=True)},
            {fields.sub_extra_columns("activities", "a")},
            COALESCE(u.name, '') AS unit_name,
            COALESCE((SELECT group_concat(q.name, '、') FROM json_each(a.person_uuids) j
                      JOIN sub_people q ON q.org_id = a.org_id AND q.uuid = j.value), '')
                AS people_names
        FROM sub_activities a JOIN sub_orgs o ON o.id = a.org_id
            LEFT JOIN sub_units u ON u.org_id = a.org_id AND u.uuid = a.unit_uuid
        WHERE o.active = 1 AND o.year = {int(year or 0)} AND {where}
        ORDER BY o.org_name, o.org_uuid, a.start_date, a.id""",
        params,
    )


def _sub_awards(year: int | None) -> tuple[str, list[object]]:
    where, params = year_range("w.award_date", year)
    return (
        f"""SELECT w.id, w.uuid, o.org_name, w.award_date, w.name, w.level,
            {AWARD_WINNER_COLUMNS},
            w.issuer, w.certificate_no, w.note, w.notes
        FROM sub_awards w JOIN sub_orgs o ON o.id = w.org_id
            LEFT JOIN sub_people p ON p.org_id = w.org_id AND p.uuid = w.person_uuid
            LEFT JOIN sub_units pu ON pu.org_id = w.org_id AND pu.uuid = p.unit_uuid
            LEFT JOIN sub_units u ON u.org_id = w.org_id AND u.uuid = w.unit_uuid
        WHERE o.active = 1 AND o.year = {int(year or 0)} AND {where}
        ORDER BY o.org_name, o.org_uuid, w.award_date, w.id""",
        params,
    )


_QUERIES = {
    "sub_activities": _sub_activities,
    "sub_awards": _sub_awards,
    "activities": _activities,
    "people": _people,
    "awards": _awards,
    "units": _units,
}
