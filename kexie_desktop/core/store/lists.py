"""The record lists of the window, the pickers of the forms, and the pinyin sort keys.

What each list shows and how it is searched is declared in core/listing.py; this part runs it:
the ids matching a search in display order, then only the rows on screen, so a year of 100,000
activities never passes through Python at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kexie_desktop.core import listing as listing_module
from kexie_desktop.core.records import sort_key as pinyin_key
from kexie_desktop.core.store.common import Part, chunks


class Lists(Part):
    def ids(
        self,
        table: str,
        *,
        search: str = "",
        year: int | None = None,
        sort_key: str | None = None,
        descending: bool = False,
        limit: int = -1,
        offset: int = 0,
        filters: Mapping[str, str] | None = None,
    ) -> list[int]:
        """Ids of the records matching the search, in display order (a slice of them if asked)."""
        spec = listing_module.LISTINGS[table]
        where, params = listing_module.where_clause(
            spec, search=search, year=year, sort_key=sort_key, filters=filters
        )
        order = listing_module.order_clause(spec, sort_key, descending)
        source = spec.source_for(bool(search.split()))
        sql = f"SELECT {spec.id_expr} FROM {source} WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?"
        return [r[0] for r in self.conn.execute(sql, [*params, limit, offset])]

    def count(
        self,
        table: str,
        *,
        search: str = "",
        year: int | None = None,
        filters: Mapping[str, str] | None = None,
    ) -> int:
        spec = listing_module.LISTINGS[table]
        where, params = listing_module.where_clause(spec, search=search, year=year, filters=filters)
        sql = f"SELECT count(*) FROM {spec.source_for(bool(search.split()))} WHERE {where}"
        return int(self.conn.execute(sql, params).fetchone()[0])

    def rows(self, table: str, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """The displayed columns of the given records, keyed by id."""
        spec = listing_module.LISTINGS[table]
        result: dict[int, dict[str, Any]] = {}
        for chunk in chunks(list(ids), 500):
            marks = ", ".join("?" for _ in chunk)
            cursor = self.conn.execute(
                f"{spec.select_sql()} WHERE {spec.id_expr} IN ({marks})", list(chunk)
            )
            names = [d[0] for d in cursor.description]
            for row in cursor:
                result[row[0]] = dict(zip(names, row, strict=True))
        return result

    def years(self) -> list[int]:
        """Years that have activities or awards, newest first.

        Jumps from year to year along the date indexes instead of reading every record.
        """
        found: set[int] = set()
        for table, column in (("activities", "start_date"), ("awards", "award_date")):
            after = "0000"
            while True:
                row = self.conn.execute(
                    f"SELECT min({column}) FROM {table} WHERE {column} >= ?", [after]
                ).fetchone()
                if row[0] is None:
                    break
                head = str(row[0])[:4]
                if head.isdigit():
                    found.add(int(head))
                after = f"{head}\uffff"
        return sorted(found, reverse=True)

    def fill_sort_keys(self) -> None:
        """Give rows written by other tools (no key, or a renamed one) their pinyin sort key."""
        missing = (
            ("units", "name_key", "name", "name_key IS NULL"),
            ("people", "name_key", "name", "name_key IS NULL"),
            ("awards", "team_key", "team", "team_key IS NULL AND team <> ''"),
        )
        for table, key, column, condition in missing:
            rows = self.conn.execute(f"SELECT id, {column} FROM {table} WHERE {condition}")
            keys = [(pinyin_key(text), rid) for rid, text in rows.fetchall()]
            if keys:
                with self.store.transaction():
                    self.conn.executemany(f"UPDATE {table} SET {key} = ? WHERE id = ?", keys)

    # -- the pickers of the forms -------------------------------------------------------

    def unit_choices(self) -> list[tuple[int, str]]:
        return [(r[0], r[1]) for r in self.conn.execute("SELECT id, name FROM units ORDER BY name")]

    def activity_choices(self, include: int | None = None) -> list[tuple[int, str]]:
        """The work an award can be linked to: the 重点 activities (a few dozen a year, not
        the thousands of ordinary ones), newest first, and the one already linked."""
        rows = self.conn.execute(
            "SELECT id, start_date || ' ' || title FROM activities "
            "WHERE highlight = 1 OR id IS ? ORDER BY start_date DESC, id DESC",
            [include],
        )
        return [(r[0], r[1]) for r in rows]

    def person_choices(self, search: str = "", limit: int = 50) -> list[tuple[int, str]]:
        """People for a picker, found by part of the name or unit: (id, label), members first.

        Labels are 「姓名（单位）」, made unique where two people share both (birth year, number):
        a picker must never confuse two 张伟 of the same unit.
        """
        pattern = f"%{listing_module.escape_like(search.strip())}%"
        rows = self.conn.execute(
            f"""{_PERSON_LABEL_SELECT}
               WHERE p.name LIKE ? ESCAPE '\\' OR u.name LIKE ? ESCAPE '\\'
               ORDER BY p.name <> ?, p.status = '退出', COALESCE(p.name_key, p.name), p.id
               LIMIT ?""",
            [pattern, pattern, search.strip(), limit],
        )
        return [(r[0], _person_label(*r)) for r in rows]

    def person_labels(self, ids: Sequence[int]) -> dict[int, str]:
        result: dict[int, str] = {}
        for chunk in chunks(list(ids), 500):
            marks = ", ".join("?" for _ in chunk)
            rows = self.conn.execute(f"{_PERSON_LABEL_SELECT} WHERE p.id IN ({marks})", list(chunk))
            result.update({r[0]: _person_label(*r) for r in rows})
        return result

    def unit_name_taken(self, name: str, except_id: int | None = None) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM units WHERE name = ? AND id IS NOT ?", [name, except_id]
        ).fetchone()
        return row is not None

    def unit_id_by_name(self, name: str) -> int | None:
        row = self.conn.execute("SELECT id FROM units WHERE name = ?", [name]).fetchone()
        return None if row is None else int(row[0])


_PERSON_LABEL_SELECT = """SELECT p.id, p.name, COALESCE(u.name, ''), p.birth_date,
    (SELECT count(*) FROM people q WHERE q.name = p.name AND q.unit_id IS p.unit_id) > 1
    FROM people p LEFT JOIN units u ON u.id = p.unit_id"""


def _person_label(record_id: int, name: str, unit: str, birth: str | None, ambiguous: int) -> str:
    details = [unit] if unit else []
    if ambiguous:
        if birth:
            details.append(f"{birth[:4]}年生")
        details.append(f"编号{record_id}")
    return f"{name}（{'，'.join(details)}）" if details else name
