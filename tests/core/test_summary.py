"""The composed summary: its shape, and every figure checked against the database directly."""

import datetime as dt
import re
import sqlite3

import pytest

from kexie_desktop.core.document import Document
from kexie_desktop.core.records import CATEGORIES, Activity, Award, Person, Profile, Unit
from kexie_desktop.core.store import Store
from kexie_desktop.core.summary import (
    PLANS,
    SECTION_HEADINGS,
    SHORTCOMINGS,
    Narratives,
    SummaryError,
    chinese_date,
    chinese_number,
    compose_summary,
    date_span,
    missing_narratives,
)

TODAY = dt.date(2025, 12, 4)


def _doc(store: Store, year: int = 2025) -> Document:
    return compose_summary(store, year, today=TODAY)


def _one(conn: sqlite3.Connection, sql: str, *params: object) -> int:
    return int(conn.execute(sql, params).fetchone()[0] or 0)


@pytest.mark.parametrize(
    ("n", "words"), [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (99, "九十九")]
)
def test_chinese_numbers(n: int, words: str) -> None:
    assert chinese_number(n) == words


def test_dates_are_written_without_leading_zeros() -> None:
    assert chinese_date("2025-03-05") == "2025年3月5日"
    assert date_span("2025-05-18", "2025-05-24") == "5月18日至24日"
    assert date_span("2025-05-30", "2025-06-02") == "5月30日至6月2日"
    assert date_span("2025-05-30", None) == "5月30日"


def test_shape_of_the_demo_summary(demo_store: Store) -> None:
    doc = _doc(demo_store)
    assert doc.title == "青江市厂矿科协联合会2025年工作总结"
    assert doc.blocks[0].kind == "body" and doc.blocks[0].text.startswith("2025年，青江市")
    headings = [b for b in doc.blocks if b.kind == "heading1"]
    numbers = [b.number for b in headings]
    assert numbers == [f"{chinese_number(i)}、" for i in range(1, len(headings) + 1)]
    used = [c for c in CATEGORIES if _one(demo_store.conn, "SELECT count(*) FROM activities "
            "WHERE category = ? AND start_date LIKE '2025%'", c)]  # fmt: skip
    assert [h.text for h in headings[: len(used)]] == [SECTION_HEADINGS[c] for c in used]
    assert [h.text for h in headings[len(used) :]] == ["基层组织和科技工作者队伍建设", "获奖情况"]
    assert doc.signature is not None
    assert (doc.signature.organisation, doc.signature.date_text) == (
        "青江市厂矿科协联合会", "2025年12月4日",
    )  # fmt: skip


def test_every_category_figure_equals_the_database(demo_store: Store) -> None:
    doc = _doc(demo_store)
    texts = [b.text for b in doc.blocks]
    conn = demo_store.conn
    for category in CATEGORIES:
        n = _one(conn, "SELECT count(*) FROM activities WHERE category = ? "
                 "AND start_date BETWEEN '2025-01-01' AND '2025-12-31'", category)  # fmt: skip
        heading = SECTION_HEADINGS[category]
        if not n:
            assert not any(b.kind == "heading1" and b.text == heading for b in doc.blocks)
            continue
        index = next(i for i, b in enumerate(doc.blocks) if b.text == heading)
        figures = doc.blocks[index + 1].text
        people = _one(conn, "SELECT sum(participants) FROM activities WHERE category = ? "
                      "AND start_date LIKE '2025-%'", category)  # fmt: skip
        assert re.match(rf"全年共开展.+?{n}次，参加{people}人次", figures), figures
        for column, word in (("reports", "调研报告和建议"), ("problems_solved", "攻关项目"),
                             ("technologies_promoted", "推广新技术"), ("articles", "文章和信息"),
                             ("messages", "科普短信")):  # fmt: skip
            total = _one(conn, f"SELECT sum({column}) FROM activities WHERE category = ? "
                         "AND start_date LIKE '2025-%'", category)  # fmt: skip
            if total:
                assert re.search(rf"{word}{total}(篇|个|项|条)", figures), (word, figures)
            else:
                assert word not in figures
    total = _one(conn, "SELECT count(*) FROM activities WHERE start_date LIKE '2025-%'")
    people = _one(conn, "SELECT sum(participants) FROM activities WHERE start_date LIKE '2025-%'")
    assert f"全年共组织开展各类活动{total}次，参加{people}人次" in texts[0]


def test_highlights_appear_verbatim_with_date_and_organiser(demo_store: Store) -> None:
    doc = _doc(demo_store)
    paragraphs = [b.text for b in doc.blocks]
    rows = demo_store.conn.execute(
        "SELECT a.title, a.description, a.start_date, COALESCE(u.name, '') FROM activities a "
        "LEFT JOIN units u ON u.id = a.unit_id WHERE highlight = 1 AND start_date LIKE '2025-%'"
    ).fetchall()
    assert len(rows) >= 8
    for title, description, start, unit in rows:
        for para in description.splitlines():
            if para.strip():
                assert para.strip() in paragraphs
        index = paragraphs.index(description.splitlines()[0].strip())
        heading = doc.blocks[index - 1]
        assert heading.kind == "heading2"
        month, day = int(start[5:7]), int(start[8:10])
        assert heading.text.startswith(f"{month}月{day}日")
        assert (unit or "青江市厂矿科协联合会") in heading.text and title in heading.text
    # Non-highlight descriptions stay out of the summary.
    plain = demo_store.conn.execute(
        "SELECT description FROM activities WHERE highlight = 0 AND description <> ''"
    ).fetchone()[0]
    assert plain not in paragraphs


def test_organisation_and_award_figures(demo_store: Store) -> None:
    doc = _doc(demo_store)
    conn = demo_store.conn
    org = next(b.text for i, b in enumerate(doc.blocks)
               if i and doc.blocks[i - 1].text == "基层组织和科技工作者队伍建设")  # fmt: skip
    assert f"共有基层组织{_one(conn, 'SELECT count(*) FROM units')}个" in org
    new_units = _one(conn, "SELECT count(*) FROM units WHERE founded_this_year = 1 "
                     "OR established_date LIKE '2025-%'")  # fmt: skip
    assert f"本年新建基层组织{new_units}个" in org
    active = _one(conn, "SELECT count(*) FROM people WHERE status = '在册'")
    members = _one(conn, "SELECT count(*) FROM people WHERE status = '在册' "
                   "AND roles LIKE '%会员%'")  # fmt: skip
    assert f"在册人员{active}人，其中会员{members}人" in org
    senior = _one(conn, "SELECT count(*) FROM people WHERE status = '在册' AND title = '副高级'")
    assert f"副高级职称{senior}人" in org

    index = next(i for i, b in enumerate(doc.blocks) if b.text == "获奖情况")
    text = doc.blocks[index + 1].text
    total = _one(conn, "SELECT count(*) FROM awards WHERE award_date LIKE '2025-%'")
    high = _one(conn, "SELECT count(*) FROM awards WHERE award_date LIKE '2025-%' "
                "AND level IN ('国家级', '省部级')")  # fmt: skip
    assert text.startswith(f"全年共获得各类奖励{total}项")
    assert f"获省级以上奖励{high}项" in text
    items = doc.blocks[index + 2 : index + 2 + total]
    assert [b.number for b in items] == [f"{i}." for i in range(1, total + 1)]
    assert any("湖南省青年科技奖" in b.text for b in items)


def test_narratives_are_kept_per_year_and_used(demo_store: Store) -> None:
    assert missing_narratives(demo_store, 2025) == ["存在的不足", "下一年工作打算"]
    demo_store.save_narrative(2025, SHORTCOMINGS, "一是发展不平衡。\n二是活动不多。")
    demo_store.save_narrative(2025, PLANS, "加大力度。")
    doc = _doc(demo_store)
    texts = [b.text for b in doc.blocks]
    at = texts.index("存在的不足")
    assert texts[at + 1 : at + 3] == ["一是发展不平衡。", "二是活动不多。"]
    assert texts[texts.index("2026年工作打算") + 1] == "加大力度。"
    assert missing_narratives(demo_store, 2025) == []
    assert demo_store.narrative(2024, SHORTCOMINGS) is None
    # Unsaved edits from the preview override what is stored.
    doc = compose_summary(
        demo_store, 2025, today=TODAY, narratives=Narratives("自己写的开头。", None, None)
    )
    assert doc.blocks[0].text == "自己写的开头。"
    assert "存在的不足" not in [b.text for b in doc.blocks]
    demo_store.save_narrative(2025, PLANS, None)
    assert demo_store.narrative(2025, PLANS) is None


def test_a_year_without_records_says_so(demo_store: Store) -> None:
    with pytest.raises(SummaryError, match="2019年还没有任何活动或获奖记录"):
        compose_summary(demo_store, 2019)


def test_empty_categories_make_no_section(store: Store) -> None:
    store.save_profile(Profile(org_name="某县科协"))
    unit = store.save(Unit(name="某学会", kind="学会"))
    store.save(Person(name="张三", roles=["会员"], join_date="2025-02-01", unit_id=unit.id))
    store.save(Activity(title="科普讲座", category="科学普及", start_date="2025-03-01",
                        participants=50))  # fmt: skip
    store.save(Award(name="优秀学会", level="市级", unit_id=unit.id, award_date="2025-06-01"))
    doc = compose_summary(store, 2025, today=TODAY)
    assert [b.full_text for b in doc.blocks if b.kind == "heading1"] == [
        "一、广泛开展科学普及活动", "二、基层组织和科技工作者队伍建设", "三、获奖情况",
    ]  # fmt: skip
    assert "全年共开展科普活动1次，参加50人次。" in [b.text for b in doc.blocks]
    assert "获省级以上" not in doc.plain_text()
    assert "本年新发展会员1人" in doc.plain_text()


def test_figures_are_as_of_the_year(store: Store) -> None:
    store.save_profile(Profile(org_name="某县科协"))
    store.save(
        Unit(name="旧科协", kind="学会", established_date="2023-01-01", founded_this_year=True)
    )
    store.save(Unit(name="明年科协", kind="学会", established_date="2026-02-01"))
    store.save(Person(name="老会员", roles=["会员"], join_date="2020-01-01"))
    store.save(Person(name="明年会员", roles=["会员"], join_date="2026-03-01"))
    store.save(Activity(title="讲座", category="科学普及", start_date="2025-03-01"))
    store.save(Award(name="无日期奖", level="市级", team="某小组"))
    text = compose_summary(store, 2025, today=TODAY).plain_text()
    assert "共有基层组织1个，其中学会1个。" in text  # the 2026 one is not there yet
    assert "本年新建" not in text  # a 2023 unit's stale flag does not count
    assert "其中会员1人" in text
    assert store.undated_awards() == 1
