"""The figures behind the year's summary: per category, the activities and awards it tells of,
units and people — the organisation's own, and its subordinates' received in packages.

Each is one query over the year's date range (the date indexes): 5,000 activities come back in
a few milliseconds. Planned activities (计划) are never counted, nor are undated awards.
"""

from __future__ import annotations

from typing import Any

from kexie_desktop.core import fields
from kexie_desktop.core.store.common import (
    AWARD_WINNER_COLUMNS,
    AWARD_WINNER_JOINS,
    Part,
    dicts,
    year_range,
)

# A subordinate's activity marked 计划 (statistics field, carried in extra_json) is not done:
# the summary never counts it, as it never counts the organisation's own.
SUB_DONE = "COALESCE(json_extract(a.extra_json, '$.planned'), 0) = 0"


class Figures(Part):
    def categories(self, year: int) -> list[dict[str, Any]]:
        """Per activity category of the year: count, 人次 and the figures the summary states
        (the declared fields with a phrase, core/fields.py: outcomes, 经费).

        `participants` sums the known 人次 only (NULL when none is known); `unknown` counts the
        activities whose 人次 is 不详, so that a total is never presented as complete."""
        where, params = year_range("start_date", year)
        return dicts(
            self.conn.execute(
                f"""SELECT category, count(*) AS activities, sum(participants) AS participants,
                    sum(participants IS NULL) AS unknown, {fields.figure_sums()},
                    sum(highlight) AS highlights
                FROM activities WHERE {where} AND planned = 0 GROUP BY category""",
                params,
            )
        )

    def activities(self, year: int) -> list[dict[str, Any]]:
        """Every activity of the year with what the summary says about it (no people lists):
        5,000 rows come back in a few milliseconds."""
        where, params = year_range("a.start_date", year)
        return dicts(
            self.conn.execute(
                f"""SELECT a.id, a.start_date, a.end_date, a.title, a.category, a.audience,
                    a.participants, a.highlight, a.description, a.reports, a.problems_solved,
                    a.technologies_promoted, a.articles, a.messages, a.updated_at, a.unit_id,
                    COALESCE(u.name, '') AS unit_name
                FROM activities a LEFT JOIN units u ON u.id = a.unit_id
                WHERE {where} AND a.planned = 0 ORDER BY a.start_date, a.id""",
                params,
            )
        )

    def awards(self, year: int) -> list[dict[str, Any]]:
        """The year's awards with who won them and the unit a person's or team's award credits."""
        where, params = year_range("w.award_date", year)
        return dicts(
            self.conn.execute(
                f"""SELECT w.id, w.award_date, w.name, w.level, w.issuer, w.note, w.activity_id,
                    w.updated_at,
                    {AWARD_WINNER_COLUMNS}
                FROM awards w {AWARD_WINNER_JOINS}
                WHERE {where} ORDER BY w.award_date, w.id""",
                params,
            )
        )

    def units_without_activity(self, year: int) -> list[str]:
        """Units existing at the end of the year that organised no activity in it, by founding."""
        end = f"{year + 1:04d}-01-01"
        where, params = year_range("a.start_date", year)
        rows = self.conn.execute(
            f"""SELECT n.name FROM units n
            WHERE (n.established_date IS NULL OR n.established_date < ?)
              AND NOT EXISTS (SELECT 1 FROM activities a
                              WHERE a.unit_id = n.id AND a.planned = 0 AND {where})
            ORDER BY n.established_date IS NULL, n.established_date, n.id""",
            [end, *params],
        )
        return [str(r[0]) for r in rows]

    def units(self, year: int) -> dict[str, Any]:
        """Units by kind, and those founded in the year (flagged, or established in it)."""
        start, end = f"{year:04d}-01-01", f"{year + 1:04d}-01-01"
        # Units existing at the end of that year; the 本年新建 flag counts only for a unit
        # whose founding date is unknown (a later year's flag must not reach back).
        existing = "(established_date IS NULL OR established_date < ?)"
        by_kind = dict(
            self.conn.execute(
                f"SELECT kind, count(*) FROM units WHERE {existing} GROUP BY kind", [end]
            ).fetchall()
        )
        new = [
            r[0]
            for r in self.conn.execute(
                "SELECT name FROM units WHERE (established_date >= ? AND established_date < ?) "
                "OR (established_date IS NULL AND founded_this_year = 1) "
                "ORDER BY established_date IS NULL, established_date, id",
                [start, end],
            )
        ]
        return {"total": sum(by_kind.values()), "by_kind": by_kind, "new": new}

    def people(self, year: int) -> dict[str, Any]:
        """Current roster: members, members who joined in the year, and people by title."""
        start, end = f"{year:04d}-01-01", f"{year + 1:04d}-01-01"
        active = "status = '在册'"
        member = "('、' || roles || '、') LIKE '%、会员、%'"
        one = self.conn.execute
        return {
            "people": one(f"SELECT count(*) FROM people WHERE {active}").fetchone()[0],
            "members": one(
                f"SELECT count(*) FROM people WHERE {active} AND {member} "
                # A join date may be a year-month (2019-09): as the first of that month.
                "AND (join_date IS NULL OR join_date || '-01' < ?)",
                [end],
            ).fetchone()[0],
            "new_members": one(
                f"SELECT count(*) FROM people WHERE {active} AND {member} "
                "AND join_date || '-01' >= ? AND join_date || '-01' < ?",
                [start, end],
            ).fetchone()[0],
            "by_title": dict(
                one(
                    f"SELECT title, count(*) FROM people WHERE {active} AND title <> '' "
                    "GROUP BY title"
                ).fetchall()
            ),
        }

    def undated_awards(self) -> int:
        """Awards without a date belong to no year's summary or ledger."""
        return int(
            self.conn.execute("SELECT count(*) FROM awards WHERE award_date IS NULL").fetchone()[0]
        )

    # -- the subordinates' records held for the year (received packages) ---------------

    def sub_categories(self, year: int) -> list[dict[str, Any]]:
        """categories() over the subordinates' records held for the year."""
        where, params = year_range("a.start_date", year)
        return dicts(
            self.conn.execute(
                f"""SELECT a.category, count(*) AS activities,
                    sum(a.participants) AS participants, sum(a.participants IS NULL) AS unknown,
                    {fields.figure_sums("a", sub=True)}, sum(a.highlight) AS highlights
                FROM sub_activities a JOIN sub_orgs o ON o.id = a.org_id
                WHERE o.active = 1 AND o.year = ? AND {where} AND {SUB_DONE}
                GROUP BY a.category""",
                [year, *params],
            )
        )

    def sub_activities(self, year: int) -> list[dict[str, Any]]:
        """The subordinates' 重点 activities of the year with their organisation's name."""
        where, params = year_range("a.start_date", year)
        return dicts(
            self.conn.execute(
                f"""SELECT a.id, a.start_date, a.end_date, a.title, a.category, a.participants,
                    a.description, a.reports, a.problems_solved, a.technologies_promoted,
                    o.org_name
                FROM sub_activities a JOIN sub_orgs o ON o.id = a.org_id
                WHERE o.active = 1 AND o.year = ? AND a.highlight = 1 AND {where}
                    AND {SUB_DONE}
                ORDER BY a.start_date, a.id""",
                [year, *params],
            )
        )
