"""The figures of the 概览 tab: one year at a glance, beside the year before.

What a secretary-general asks the clerk first: how many activities of each kind, how many 人次,
how the year went month by month, which units did nothing, how many people and members, which
awards. Every figure is an SQL aggregate read from an index, so 100,000 activities never pass
through Python (bench/bench_overview.py measures it).

The rules are the summary's, so the overview and the 年度工作总结 never disagree:
- planned activities (计划, not yet held) are not counted as done; their number is given apart;
- an unknown 人次 (NULL, 不详) is neither summed nor shown as 0: a total carries how many
  activities it leaves out;
- a unit without activities is one existing at the end of the year (founded before its end, or
  undated) that held no activity in it (Store.units_without_activity);
- people and members are the roster today, by Store.people_figures' rules: the people list has
  no year.

Three indexes (migration 0014_overview_indexes) let the activity, people and award figures be
counted along an index in order, without sorting anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kexie_desktop.core.records import AWARD_LEVELS, CATEGORIES, split_list

if TYPE_CHECKING:
    from kexie_desktop.core.store import Store


@dataclass(frozen=True)
class Tally:
    """Done activities of one year (in one category, or all): how many, and their 人次."""

    activities: int = 0
    # The known 人次 summed; None when no activity counted here has a known 人次.
    participants: int | None = None
    # Activities whose 人次 is 不详: left out of `participants`, never counted as 0.
    unknown: int = 0

    def plus(self, other: Tally) -> Tally:
        known = [p for p in (self.participants, other.participants) if p is not None]
        return Tally(
            self.activities + other.activities,
            sum(known) if known else None,
            self.unknown + other.unknown,
        )


@dataclass(frozen=True)
class CategoryLine:
    category: str  # "" for the line of all categories
    this_year: Tally
    last_year: Tally


@dataclass(frozen=True)
class AwardLine:
    level: str  # "" for the line of all levels
    this_year: int
    last_year: int


@dataclass(frozen=True)
class Overview:
    year: int
    categories: tuple[CategoryLine, ...]  # report order; only categories with activities
    total: CategoryLine
    planned: int  # planned activities of the year, not counted above
    months: tuple[int, ...]  # done activities by month of their start, January first
    last_months: tuple[int, ...]
    units: int  # units existing at the end of the year
    idle_units: tuple[str, ...]  # of those, the ones without a done activity in the year
    new_units: int
    people: int  # 在册
    members: int  # 在册 with the role 会员, joined by the end of the year
    new_members: int  # of those, joined in the year
    awards: tuple[AwardLine, ...]  # report order; only levels with awards
    awards_total: AwardLine

    @property
    def last_year(self) -> int:
        return self.year - 1

    @property
    def has_last_year(self) -> bool:
        """Whether the year before has anything to compare with."""
        return bool(self.total.last_year.activities or self.awards_total.last_year)

    @property
    def empty(self) -> bool:
        return not (
            self.total.this_year.activities or self.total.last_year.activities or self.planned
        ) and not (self.awards_total.this_year or self.awards_total.last_year)


def _in_order(found: set[str], order: tuple[str, ...]) -> list[str]:
    """The report order, then anything else found (an imported odd value), then the blank."""
    known = [v for v in order if v in found]
    other = sorted(v for v in found if v not in order and v)
    return known + other + ([""] if "" in found else [])


def _distinct(store: Store, table: str, column: str) -> list[str]:
    """Every value of an indexed column in use (categories, award levels), jumping along the
    overview index: a dozen reads, not a scan."""
    found: list[str] = []
    row = store.conn.execute(f"SELECT min({column}) FROM {table}").fetchone()
    while row[0] is not None:
        found.append(str(row[0]))
        row = store.conn.execute(
            f"SELECT min({column}) FROM {table} WHERE {column} > ?", [row[0]]
        ).fetchone()
    return found


def _month_ranges(year: int) -> list[tuple[int, str, str]]:
    return [
        (m, f"{year:04d}-{m:02d}-01", f"{year + m // 12:04d}-{m % 12 + 1:02d}-01")
        for m in range(1, 13)
    ]


def _activities(store: Store, year: int) -> tuple[dict[str, Tally], list[int], int]:
    """Per category the year's done activities; by month all of them; and the planned ones.

    One range of the index activities_overview (category, planned, start_date, participants)
    per category and month: the rows come in index order and are only counted, where one
    GROUP BY over the year would sort 100,000 rows (0014_overview_indexes)."""
    tallies: dict[str, Tally] = {}
    months = [0] * 12
    planned = 0
    ranges = _month_ranges(year)
    for category in _distinct(store, "activities", "category"):
        tally = Tally()
        for month, start, end in ranges:
            count, known, unknown = store.conn.execute(
                "SELECT count(*), sum(participants), sum(participants IS NULL) FROM activities "
                "WHERE category = ? AND planned = 0 AND start_date >= ? AND start_date < ?",
                [category, start, end],
            ).fetchone()
            if count:
                tally = tally.plus(Tally(count, known, unknown))
                months[month - 1] += count
        if tally.activities:
            tallies[category] = tally
        planned += store.conn.execute(
            "SELECT count(*) FROM activities "
            "WHERE category = ? AND planned = 1 AND start_date >= ? AND start_date < ?",
            [category, ranges[0][1], ranges[-1][2]],
        ).fetchone()[0]
    return tallies, months, planned


def _people(store: Store, year: int) -> tuple[int, int, int]:
    """The roster today (在册), its members joined by the end of the year, and those joined in
    it: Store.people_figures' rules, grouped by the few distinct role lists (people_overview)."""
    start, end = f"{year:04d}-01-01", f"{year + 1:04d}-01-01"
    people = members = new_members = 0
    # A join date may be a year-month (2019-09): as the first of that month.
    for roles, count, joined, joined_in_year in store.conn.execute(
        """SELECT roles, count(*), sum(join_date IS NULL OR join_date || '-01' < ?),
               sum(join_date || '-01' >= ? AND join_date || '-01' < ?)
           FROM people WHERE status = '在册' GROUP BY roles""",
        [end, start, end],
    ):
        people += count
        if "会员" in split_list(roles):
            members += joined or 0
            new_members += joined_in_year or 0
    return people, members, new_members


def compute(store: Store, year: int) -> Overview:
    """The overview of `year` with `year - 1` beside it."""
    this, months, planned = _activities(store, year)
    last, last_months, _planned = _activities(store, year - 1)
    lines = [
        CategoryLine(category, this.get(category, Tally()), last.get(category, Tally()))
        for category in _in_order(set(this) | set(last), CATEGORIES)
    ]
    total = CategoryLine("", Tally(), Tally())
    for line in lines:
        total = CategoryLine(
            "", total.this_year.plus(line.this_year), total.last_year.plus(line.last_year)
        )

    awards: dict[tuple[int, str], int] = {}
    for level in _distinct(store, "awards", "level"):
        for y in (year, year - 1):
            awards[(y, level)] = store.conn.execute(
                "SELECT count(*) FROM awards "
                "WHERE level = ? AND award_date >= ? AND award_date < ?",
                [level, f"{y:04d}-01-01", f"{y + 1:04d}-01-01"],
            ).fetchone()[0]
    award_lines = tuple(
        AwardLine(level, awards[(year, level)], awards[(year - 1, level)])
        for level in _in_order({lv for (_y, lv), n in awards.items() if n}, AWARD_LEVELS)
    )
    awards_total = AwardLine(
        "", sum(a.this_year for a in award_lines), sum(a.last_year for a in award_lines)
    )

    units = store.figures.units(year)
    people, members, new_members = _people(store, year)
    return Overview(
        year=year,
        categories=tuple(lines),
        total=total,
        planned=planned,
        months=tuple(months),
        last_months=tuple(last_months),
        units=int(units["total"]),
        idle_units=tuple(store.figures.units_without_activity(year)),
        new_units=len(units["new"]),
        people=people,
        members=members,
        new_members=new_members,
        awards=award_lines,
        awards_total=awards_total,
    )
