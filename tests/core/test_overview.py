"""The 概览's figures (core/overview.py), each checked against a separate plain SQL query on a
temporary database, and against the lists its links open (listing filters)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kexie_desktop.core.overview import Tally, compute
from kexie_desktop.core.records import Activity, Award, Person, Unit
from kexie_desktop.core.store import Store

YEAR = 2025


@pytest.fixture
def year_store(tmp_path: Path) -> Store:
    """Two years of records with the awkward cases: unknown 人次, a category whose every 人次
    is unknown, planned activities, a unit idle in the year, a unit founded after it, members
    joined by year-month, left people, awards of every kind of level."""
    store = Store.open(tmp_path / "data")
    busy = store.records.save(
        Unit(name="青江电机科协", kind="企业科协", established_date="2001-05-01")
    )
    idle = store.records.save(Unit(name="青江纸业科协", kind="企业科协"))
    later = store.records.save(
        Unit(name="青江新材料科协", kind="企业科协", established_date="2026-03-01")
    )
    store.records.save(Unit(name="青江老科协", kind="老科协", founded_this_year=True))
    assert busy.id and idle.id and later.id

    def activity(category: str, date: str, people: int | None, **fields: object) -> None:
        store.records.save(
            Activity(
                title=f"{category}{date}", category=category, start_date=date,
                participants=people, **fields,  # type: ignore[arg-type]
            )
        )  # fmt: skip

    activity("科学普及", f"{YEAR}-01-05", 100, unit_id=busy.id)
    activity("科学普及", f"{YEAR}-01-20", None)
    activity("科学普及", f"{YEAR}-03-08", 250)
    activity("学术交流", f"{YEAR}-03-09", None)  # every 人次 of the category unknown
    activity("学术交流", f"{YEAR}-12-31", None)
    activity("科技服务", f"{YEAR}-11-15", 40, planned=True)  # not held: never counted as done
    activity("自身建设", f"{YEAR}-07-01", 12)
    activity("科学普及", f"{YEAR - 1}-01-03", 80, unit_id=idle.id)  # idle only this year
    activity("科学普及", f"{YEAR - 1}-06-30", None)
    activity("决策咨询", f"{YEAR - 1}-09-09", 6)
    activity("组织建设", f"{YEAR + 1}-01-01", 9)  # the year after: in neither column
    activity("组织建设", f"{YEAR - 2}-12-31", 9)  # two years before: in neither column

    store.records.save(Person(name="张伟", roles=["会员"], join_date="2019-09"))
    store.records.save(Person(name="王芳", roles=["会员", "科普志愿者"], join_date=f"{YEAR}-01"))
    store.records.save(Person(name="李强", roles=["会员"], join_date=f"{YEAR}-12-31"))
    store.records.save(Person(name="赵敏", roles=["会员"], join_date=f"{YEAR + 1}-02"))  # not yet
    store.records.save(Person(name="刘洋", roles=["科普志愿者"]))
    store.records.save(Person(name="陈静", roles=["会员"], status="退出"))
    store.records.save(Person(name="杨帆", roles=["会员"]))  # no join date: a member all along

    for level, date in (
        ("省部级", f"{YEAR}-05-01"), ("市级", f"{YEAR}-06-01"), ("市级", f"{YEAR}-07-01"),
        ("国家级", f"{YEAR - 1}-08-01"), ("县级", f"{YEAR - 1}-08-02"),
        ("省部级", f"{YEAR + 1}-01-01"),
    ):  # fmt: skip
        store.records.save(
            Award(name=f"{level}奖{date}", level=level, award_date=date, team="课题组")
        )
    return store


def _sql(store: Store, sql: str, *params: object) -> list[tuple[object, ...]]:
    return [tuple(r) for r in store.conn.execute(sql, params).fetchall()]


def test_activity_figures_match_plain_sql(year_store: Store) -> None:
    figures = compute(year_store, YEAR)
    for year, side in ((YEAR, "this_year"), (YEAR - 1, "last_year")):
        expected = {
            category: (count, known, unknown)
            for category, count, known, unknown in _sql(
                year_store,
                "SELECT category, count(*), sum(participants), sum(participants IS NULL) "
                "FROM activities WHERE planned = 0 AND strftime('%Y', start_date) = ? "
                "GROUP BY category",
                str(year),
            )
        }
        got = {
            line.category: (t.activities, t.participants, t.unknown)
            for line in figures.categories
            if (t := getattr(line, side)).activities
        }
        assert got == expected
        months = dict(
            _sql(
                year_store,
                "SELECT CAST(strftime('%m', start_date) AS INTEGER), count(*) FROM activities "
                "WHERE planned = 0 AND strftime('%Y', start_date) = ? GROUP BY 1",
                str(year),
            )
        )
        shown = figures.months if year == YEAR else figures.last_months
        assert shown == tuple(months.get(m, 0) for m in range(1, 13))
    # The summary's own per-category query agrees (same rules, one source of truth for clerks).
    summary = {r["category"]: r["activities"] for r in year_store.figures.categories(YEAR)}
    assert summary == {
        c.category: c.this_year.activities for c in figures.categories if c.this_year.activities
    }
    assert figures.planned == 1
    assert figures.has_last_year and not compute(year_store, YEAR - 2).has_last_year
    assert [c.category for c in figures.categories] == [
        "学术交流",
        "决策咨询",
        "科学普及",
        "自身建设",
    ]


def test_unknown_participants_are_never_summed_as_zero(year_store: Store) -> None:
    figures = compute(year_store, YEAR)
    lines = {c.category: c for c in figures.categories}
    # Every 人次 of 学术交流 unknown: not 0, but unknown, and said how many.
    assert lines["学术交流"].this_year == Tally(2, None, 2)
    assert lines["科学普及"].this_year == Tally(3, 350, 1)
    assert figures.total.this_year == Tally(6, 362, 3)
    assert figures.total.last_year == Tally(3, 86, 1)
    # No activity in the previous year: nothing, not 0 人次.
    assert lines["学术交流"].last_year == Tally()
    assert lines["学术交流"].last_year.participants is None


def test_units_people_and_awards_match_plain_sql(year_store: Store) -> None:
    figures = compute(year_store, YEAR)
    end = f"{YEAR + 1}-01-01"
    idle = [
        r[0]
        for r in _sql(
            year_store,
            "SELECT name FROM units n WHERE (established_date IS NULL OR established_date < ?) "
            "AND id NOT IN (SELECT unit_id FROM activities WHERE unit_id IS NOT NULL "
            "AND planned = 0 AND strftime('%Y', start_date) = ?)",
            end,
            str(YEAR),
        )
    ]
    assert sorted(figures.idle_units) == sorted(idle) == ["青江纸业科协", "青江老科协"]
    assert figures.units == 3  # 青江新材料科协 is founded in the year after
    assert figures.new_units == 1  # 青江老科协, undated and ticked 本年新建
    # The roster: the summary's own rules (Store.people_figures), year-month join dates too.
    roster = year_store.figures.people(YEAR)
    assert (figures.people, figures.members, figures.new_members) == (
        roster["people"], roster["members"], roster["new_members"],
    )  # fmt: skip
    assert (figures.people, figures.members, figures.new_members) == (6, 4, 2)
    for year, side in ((YEAR, "this_year"), (YEAR - 1, "last_year")):
        expected = dict(
            _sql(
                year_store,
                "SELECT level, count(*) FROM awards WHERE strftime('%Y', award_date) = ? "
                "GROUP BY level",
                str(year),
            )
        )
        got = {a.level: getattr(a, side) for a in figures.awards if getattr(a, side)}
        assert got == expected
    assert [a.level for a in figures.awards] == ["国家级", "省部级", "市级", "县级"]
    assert (figures.awards_total.this_year, figures.awards_total.last_year) == (3, 2)


def test_each_figure_is_what_its_filtered_list_counts(year_store: Store) -> None:
    """The links open lists filtered by year and drop-downs: the same counts (no planned
    activity in these categories and months)."""
    figures = compute(year_store, YEAR)
    for line in figures.categories:
        for year, tally in ((YEAR, line.this_year), (YEAR - 1, line.last_year)):
            listed = year_store.lists.count(
                "activities", year=year, filters={"category": line.category}
            )
            assert listed == tally.activities
    for month in (1, 3, 7):
        listed = year_store.lists.count("activities", year=YEAR, filters={"month": f"{month:02d}"})
        assert listed == figures.months[month - 1]
    assert year_store.lists.count("people", filters={"status": "在册"}) == figures.people
    # 赵敏 joins next year: a member in the list of today, not in the year's figure.
    members = year_store.lists.count("people", filters={"status": "在册", "role": "会员"})
    assert members == figures.members + 1
    assert year_store.lists.count("units", filters={"idle_in": str(YEAR)}) == len(
        figures.idle_units
    )
    for award in figures.awards:
        listed = year_store.lists.count("awards", year=YEAR, filters={"level": award.level})
        assert listed == award.this_year


def test_an_empty_database_has_an_empty_overview(store: Store) -> None:
    figures = compute(store, YEAR)
    assert figures.empty and not figures.has_last_year
    assert figures.categories == () and figures.awards == ()
    assert figures.total.this_year == Tally()
    assert figures.months == (0,) * 12
    assert (figures.units, figures.people, figures.members) == (0, 0, 0)


def test_the_role_filter_matches_a_whole_role_only(year_store: Store) -> None:
    # A role typed in another tool (DB Browser) that contains the word 会员.
    with year_store.transaction():
        year_store.conn.execute("UPDATE people SET roles = '老会员' WHERE name = '刘洋'")
    ids = year_store.lists.ids("people", filters={"role": "会员"})
    names = {year_store.records.get(Person, i).name for i in ids}
    assert "刘洋" not in names and "王芳" in names
    assert compute(year_store, YEAR).members == 4
