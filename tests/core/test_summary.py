"""The composed summary: its shape, and every figure checked against the database directly."""

import datetime as dt
import re
import sqlite3
from pathlib import Path

import docx
import pytest

from kexie_desktop.core.document import Document
from kexie_desktop.core.export import export_summary
from kexie_desktop.core.records import Activity, Award, Person, Profile, Unit
from kexie_desktop.core.store import Store
from kexie_desktop.core.summary import (
    PLANS,
    SECTION_HEADINGS,
    SHORTCOMINGS,
    SIGN_DATE,
    Narratives,
    SummaryError,
    change_phrase,
    chinese_date,
    chinese_number,
    compose_summary,
    date_span,
    missing_narratives,
)
from tests.core.summary_year import IDLE, NEW_UNITS, ORG, PAPER, YEAR, build_year

TODAY = dt.date(2025, 12, 4)


def _doc(store: Store, year: int = 2025) -> Document:
    return compose_summary(store, year, today=TODAY)


def _one(conn: sqlite3.Connection, sql: str, *params: object) -> int:
    return int(conn.execute(sql, params).fetchone()[0] or 0)


@pytest.fixture
def year_store(store: Store) -> Store:
    build_year(store)
    return store


def _docx_texts(store: Store, tmp_path: Path, year: int = YEAR, **kwargs: object) -> list[str]:
    """The paragraphs of the exported Word file, as the secretary-general reads them."""
    path = export_summary(store, year, tmp_path / "总结.docx", today=TODAY, **kwargs).path  # type: ignore[arg-type]
    return [p.text for p in docx.Document(str(path)).paragraphs]


def _section(texts: list[str], heading: str) -> list[str]:
    """The paragraphs under a level-1 heading, up to the next one."""
    at = next(
        i for i, t in enumerate(texts) if re.fullmatch(rf"[一二三四五六七八九十]+、{heading}", t)
    )
    end = next((i for i in range(at + 1, len(texts))
                if re.match(r"[一二三四五六七八九十]+、", texts[i])), len(texts))  # fmt: skip
    return texts[at + 1 : end]


ZERO_FIGURE = re.compile(r"(?<![\d.])0(人次|人|次|个|项|篇|条|批|场|期)")


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


# --- the year modelled on the reference summary ----------------------------------------------


def test_no_zero_figure_and_unknown_participants_are_not_counted(
    year_store: Store, tmp_path: Path
) -> None:
    texts = _docx_texts(year_store, tmp_path)
    full = "\n".join(texts)
    assert not ZERO_FIGURE.search(full), ZERO_FIGURE.search(full)
    # 人才举荐与表彰: no activity's 人次 is known — no 人次 at all, not 「参加0人次」.
    closing = _section(texts, SECTION_HEADINGS["人才举荐与表彰"])[-1]
    assert "人次" not in closing and closing.startswith("全年共开展人才举荐与表彰活动2次")
    # 对外交流: one known (12), one unknown — a lower bound, not a total.
    closing = _section(texts, SECTION_HEADINGS["对外交流"])[-1]
    assert "参加12人次以上" in closing
    # The database holds NULL, not 0, for the unknown.
    conn = year_store.conn
    assert _one(conn, "SELECT count(*) FROM activities WHERE participants IS NULL") == 4
    assert _one(conn, "SELECT count(*) FROM activities WHERE participants = 0") == 0


def test_the_opening_names_only_the_work_done_and_the_best_results(
    year_store: Store, tmp_path: Path
) -> None:
    opening = _docx_texts(year_store, tmp_path)[2]
    assert opening.startswith(f"{YEAR}年，{ORG}")
    for absent in ("学术交流", "科学普及", "科普", "青少年"):
        assert absent not in opening, absent
    assert "重点开展了“讲创新、比贡献”和科技服务、科技人才举荐、课题调研、对外交流工作" in opening
    conn = year_store.conn
    total = _one(conn, "SELECT count(*) FROM activities WHERE start_date LIKE ?", f"{YEAR}-%")
    before = _one(conn, "SELECT count(*) FROM activities WHERE start_date LIKE ?", f"{YEAR - 1}-%")
    known = _one(conn, "SELECT sum(participants) FROM activities WHERE start_date LIKE ?",
                 f"{YEAR}-%")  # fmt: skip
    assert (
        f"全年共开展各类活动{total}次，较上年增加{total - before}次，参加{known}人次以上" in opening
    )
    solved = _one(conn, "SELECT sum(problems_solved) FROM activities WHERE start_date LIKE ?",
                  f"{YEAR}-%")  # fmt: skip
    assert f"解决技术攻关项目{solved}个" in opening
    awards = _one(conn, "SELECT count(*) FROM awards WHERE award_date LIKE ?", f"{YEAR}-%")
    # The highest award, up front.
    assert (
        f"获得各类奖励{awards}项，其中湘临橡塑机械集团有限公司彭志文获全国优秀科技社团工作者"
        in opening
    )
    assert "较好地完成" not in opening and "扎实开展" not in opening


def test_sections_by_weight_with_a_closing_daily_work_section(
    year_store: Store, tmp_path: Path
) -> None:
    texts = _docx_texts(year_store, tmp_path)
    headings = [t for t in texts if re.match(r"[一二三四五六七八九十]+、", t)]
    assert headings == [
        "一、服务企业创新，深入开展“讲创新、比贡献”活动",  # 1 重点, 2 awards, 9 攻关
        "二、做好科技人才举荐与表彰",  # 1 重点 crowned by the provincial youth award
        "三、开展课题调研，服务科学决策",  # 1 重点, 2 reports
        "四、开展对外交流与合作",  # 1 重点
        "五、基层组织和科技工作者队伍建设",
        "六、获奖情况",
        "七、加强自身建设，做好日常工作",
        "八、存在的不足",
        f"九、{YEAR + 1}年工作打算",
    ]
    # The one-activity 科技传播 line is folded into 日常工作, named there.
    daily = _section(texts, SECTION_HEADINGS["自身建设"])
    assert "开展企业科协工作信息报送" in daily[0] and "发表文章和信息20篇" in daily[0]


def test_ordinary_activities_are_named_by_kind_with_their_counts(
    year_store: Store, tmp_path: Path
) -> None:
    texts = _docx_texts(year_store, tmp_path)
    daily = _section(texts, SECTION_HEADINGS["自身建设"])[0]
    assert daily.startswith("召开厂矿科协秘书长工作会议3次")
    assert "完成报表统计与社团年检" in daily
    service = _section(texts, SECTION_HEADINGS["科技服务"])[0]
    assert (
        "湘临纸业科协、湘临气缸垫科协开展纸机干燥部节能技术难题攻关和无石棉气缸垫材料技术难题攻关"
        in service
    )
    assert "组织“讲创新、比贡献”竞赛活动动员会" in service


def test_a_busy_year_names_the_few_that_matter_and_counts_the_rest(store: Store) -> None:
    store.settings.save_profile(Profile(org_name="某县科协"))
    kinds = ("座谈会", "讲座", "培训班", "调研", "竞赛", "研讨会", "宣传", "咨询", "年会")
    for i in range(300):
        store.records.save(Activity(
            title=f"第{i}号{kinds[i % len(kinds)]}", category="学术交流",
            start_date="2025-03-01", participants=i))  # fmt: skip
    doc = compose_summary(store, 2025, today=TODAY)
    named = next(b.text for b in doc.blocks if b.key == "学术交流/figures")
    assert named.count("第") <= 2 * 6  # the two heaviest titles of at most six kinds
    assert "此外还开展了其他活动" in named
    assert "全年共开展学术交流活动300次" in named


def test_highlights_are_headed_by_the_work_without_the_date(
    year_store: Store, tmp_path: Path
) -> None:
    texts = _docx_texts(year_store, tmp_path)
    headings = [t for t in texts if re.match(r"（[一二三四五六七八九十]+）", t)]
    assert "（一）湘临橡塑机械集团科协开展新一代液压式硫化机研制攻关" in headings
    assert "（一）开展“我市有色冶炼行业发展”课题调研" in headings
    for heading in headings:
        assert not re.search(r"\d+月\d+日", heading), heading
        assert not re.search(r"开展[^，]*会议", heading), heading
    # The description follows its heading verbatim.
    rows = year_store.conn.execute(
        "SELECT description FROM activities WHERE highlight = 1 AND start_date LIKE ?",
        [f"{YEAR}-%"],
    ).fetchall()
    for (description,) in rows:
        assert any(t.startswith(description) for t in texts), description


def test_awards_highest_first_credited_to_their_unit_and_told_with_their_work(
    year_store: Store, tmp_path: Path
) -> None:
    texts = _docx_texts(year_store, tmp_path)
    press = _section(texts, SECTION_HEADINGS["科技服务"])
    assert any(
        "湘临橡塑机械集团科协“火焰切割机下料质量改进QC小组”和“平板硫化机液压缸铸造质量QC小组”"
        "获湖南省优秀质量管理小组。" in t
        for t in press
    )
    youth = _section(texts, SECTION_HEADINGS["人才举荐与表彰"])
    assert any("彭志文获湖南省青年科技奖，这是我市首次有科技工作者获得湖南省青年科技奖。" in t
               for t in youth)  # fmt: skip
    awards = _section(texts, "获奖情况")
    conn = year_store.conn
    levels = dict(conn.execute("SELECT level, count(*) FROM awards GROUP BY level").fetchall())
    assert awards[0].startswith(
        f"全年共获得各类奖励{sum(levels.values())}项，其中国家级{levels['国家级']}项、"
        f"省部级{levels['省部级']}项、市级{levels['市级']}项、县级{levels['县级']}项"
    )
    assert awards[1:] == [
        "1.湘临橡塑机械集团有限公司彭志文获全国优秀科技社团工作者（中国科学技术协会）。",
        f"2.{PAPER}获湘临市先进企业科协（湘临市科学技术协会）。",
        "3.湘临气缸垫科协“气缸垫技术攻关组”获区优秀科技工作者。",
    ]
    # Each award is told once.
    full = "".join(texts)
    assert full.count("获湖南省青年科技奖") == 1 and full.count("获湖南省优秀质量管理小组") == 1


def test_drafted_shortcomings_and_plans_are_present_and_marked(year_store: Store) -> None:
    doc = compose_summary(year_store, YEAR, today=TODAY)
    at = [b.text for b in doc.blocks].index("存在的不足")
    shortcomings = doc.blocks[at + 1]
    assert shortcomings.draft and shortcomings.key == SHORTCOMINGS
    assert "上年开展的学术交流工作本年没有开展" in shortcomings.text
    assert f"{IDLE.removesuffix('科协')}科协" in shortcomings.text
    assert all(short[:4] in shortcomings.text for short in NEW_UNITS)
    plans = doc.blocks[[b.text for b in doc.blocks].index(f"{YEAR + 1}年工作打算") + 1]
    assert plans.draft and "继续深入开展“讲创新、比贡献”活动" in plans.text
    assert missing_narratives(year_store, YEAR) == ["存在的不足", "下一年工作打算"]
    # What the clerk writes replaces the draft, unmarked.
    year_store.narratives.save(YEAR, SHORTCOMINGS, "一是发展不平衡。")
    doc = compose_summary(year_store, YEAR, today=TODAY)
    block = doc.blocks[[b.text for b in doc.blocks].index("存在的不足") + 1]
    assert (block.text, block.draft) == ("一是发展不平衡。", False)


def test_year_on_year_change_for_totals_and_main_categories(
    year_store: Store, tmp_path: Path
) -> None:
    texts = _docx_texts(year_store, tmp_path)
    conn = year_store.conn
    for category in ("科技服务", "决策咨询"):
        now, before = (
            _one(
                conn,
                "SELECT count(*) FROM activities WHERE category = ? AND start_date LIKE ?",
                category,
                f"{y}-%",
            )
            for y in (YEAR, YEAR - 1)
        )
        closing = _section(texts, SECTION_HEADINGS[category])[-1]
        assert f"{now}次，较上年增加{now - before}次" in closing, closing
    assert change_phrase(10, 10, "次") == "与上年持平"
    assert change_phrase(8, 10, "次") == "较上年减少2次"
    assert change_phrase(115, 100, "%") == "较上年增长15%"
    # Without records the year before, no comparison.
    store_texts = "".join(_docx_texts(year_store, tmp_path, year=YEAR - 1))
    assert "较上年" not in store_texts


def test_every_section_figure_equals_the_database(year_store: Store, tmp_path: Path) -> None:
    texts = _docx_texts(year_store, tmp_path)
    conn = year_store.conn
    for category in ("科技服务", "决策咨询", "对外交流", "人才举荐与表彰"):
        closing = _section(texts, SECTION_HEADINGS[category])[-1]
        n = _one(conn, "SELECT count(*) FROM activities WHERE category = ? AND start_date LIKE ?",
                 category, f"{YEAR}-%")  # fmt: skip
        assert re.search(rf"开展.+?{n}次", closing), closing
        people = _one(conn, "SELECT sum(participants) FROM activities WHERE category = ? "
                      "AND start_date LIKE ?", category, f"{YEAR}-%")  # fmt: skip
        if people:
            assert f"参加{people}人次" in closing
        for column, word in (("reports", "调研报告和建议"), ("problems_solved", "攻关项目"),
                             ("technologies_promoted", "推广新技术")):  # fmt: skip
            total = _one(conn, f"SELECT sum({column}) FROM activities WHERE category = ? "
                         "AND start_date LIKE ?", category, f"{YEAR}-%")  # fmt: skip
            if total:
                assert re.search(rf"{word}{total}(篇|个|项)", closing), (word, closing)
            else:
                assert word not in closing


def test_organisation_says_each_fact_once(year_store: Store, tmp_path: Path) -> None:
    org = _section(_docx_texts(year_store, tmp_path), "基层组织和科技工作者队伍建设")[0]
    conn = year_store.conn
    units = _one(conn, "SELECT count(*) FROM units")
    # All are 企业科协: not 「共有基层组织6个，其中企业科协6个」.
    assert org.startswith(f"截至{YEAR}年底，共有企业科协{units}个；")
    assert "其中企业科协" not in org
    # New units in the order they were founded, not by pinyin.
    assert f"本年新建企业科协2个（{NEW_UNITS[0]}、{NEW_UNITS[1]}）" in org


def test_the_signature_date_is_settable_and_leaves_room_for_a_seal(
    year_store: Store, tmp_path: Path
) -> None:
    texts = _docx_texts(year_store, tmp_path, signed=dt.date(2024, 12, 28))
    assert texts[-5:] == ["", "", "", ORG, "2024年12月28日"]
    year_store.narratives.save(YEAR, SIGN_DATE, "2024-12-30")
    assert compose_summary(year_store, YEAR, today=TODAY).signature.date_text == "2024年12月30日"  # type: ignore[union-attr]


# --- the clerk's own wording and order -------------------------------------------------------


def test_an_edited_paragraph_is_kept_by_what_it_tells_and_flagged_when_its_records_change(
    year_store: Store,
) -> None:
    doc = compose_summary(year_store, YEAR, today=TODAY)
    survey = next(b for b in doc.blocks if b.key.endswith(f"activity-{1}") and b.kind == "body")
    year_store.narratives.save_edit(
        YEAR, survey.key, survey.digest, "年初，联合会承担了课题调研。\n第二段。"
    )
    doc = compose_summary(year_store, YEAR, today=TODAY)
    edited = [b for b in doc.blocks if b.key == survey.key]
    assert [b.text for b in edited] == ["年初，联合会承担了课题调研。", "第二段。"]
    assert all(b.edited and not b.stale for b in edited)
    # Records elsewhere change and a heavier section comes first: the edit follows its key,
    # not its position, and is not flagged.
    year_store.records.save(Activity(
        title="全省学术年会", category="学术交流", start_date=f"{YEAR}-10-10",
        highlight=True, participants=500, reports=9,
        description="年会。"))  # fmt: skip
    doc = compose_summary(year_store, YEAR, today=TODAY)
    edited = [b for b in doc.blocks if b.key == survey.key]
    assert edited[0].text == "年初，联合会承担了课题调研。" and not edited[0].stale
    # Its own record changes: still the clerk's text, flagged for review.
    record = year_store.records.get(Activity, 1)
    record.participants = 13
    year_store.records.save(record)
    doc = compose_summary(year_store, YEAR, today=TODAY)
    edited = [b for b in doc.blocks if b.key == survey.key]
    assert edited[0].text == "年初，联合会承担了课题调研。" and edited[0].stale
    # The activity's own description is untouched.
    assert year_store.records.get(Activity, 1).description.startswith("年初，市科协安排联合会")
    # Back to the generated text.
    year_store.narratives.save_edit(YEAR, survey.key, "", None)
    doc = compose_summary(year_store, YEAR, today=TODAY)
    assert [b.text for b in doc.blocks if b.key == survey.key] == [survey.text]
    assert year_store.narratives.edits(YEAR) == {}


def test_headings_and_figures_can_be_edited_too(year_store: Store) -> None:
    doc = compose_summary(year_store, YEAR, today=TODAY)
    heading = next(b for b in doc.blocks if b.key == "科技服务/heading")
    year_store.narratives.save_edit(
        YEAR, heading.key, heading.digest, "组织企业科技人员开展“讲创新、比贡献”活动"
    )
    doc = compose_summary(year_store, YEAR, today=TODAY)
    assert doc.blocks[1].full_text == "一、组织企业科技人员开展“讲创新、比贡献”活动"
    # Kept for that year only.
    assert year_store.narratives.edits(YEAR - 1) == {}


def test_the_clerks_section_order_is_kept_per_year(year_store: Store) -> None:
    from kexie_desktop.core.summary import save_section_order, section_order

    save_section_order(year_store, YEAR, ["决策咨询", "科技服务"])
    assert section_order(year_store, YEAR) == ["决策咨询", "科技服务"]
    assert section_order(year_store, YEAR - 1) == []
    headings = [b.full_text for b in compose_summary(year_store, YEAR, today=TODAY).blocks
                if b.kind == "heading1"]  # fmt: skip
    assert headings[:2] == [
        "一、开展课题调研，服务科学决策",
        "二、服务企业创新，深入开展“讲创新、比贡献”活动",
    ]
    # The sections the clerk did not place follow, by weight.
    assert headings[2] == "三、做好科技人才举荐与表彰"
    save_section_order(year_store, YEAR, None)
    headings = [b.text for b in compose_summary(year_store, YEAR, today=TODAY).blocks
                if b.kind == "heading1"]  # fmt: skip
    assert headings[0] == SECTION_HEADINGS["科技服务"]


# --- the demo year -----------------------------------------------------------------------------


def test_shape_of_the_demo_summary(demo_store: Store, tmp_path: Path) -> None:
    texts = _docx_texts(demo_store, tmp_path, year=2025)
    assert texts[0] == "青江市厂矿科协联合会2025年工作总结"
    assert texts[2].startswith("2025年，青江市厂矿科协联合会")
    assert not ZERO_FIGURE.search("\n".join(texts))
    headings = [t for t in texts if re.match(r"[一二三四五六七八九十]+、", t)]
    numbers = [h.split("、")[0] for h in headings]
    assert numbers == [chinese_number(i) for i in range(1, len(headings) + 1)]
    # The flagship work first; meetings and training close the text.
    assert headings[0] == "一、服务企业创新，深入开展“讲创新、比贡献”活动"
    assert headings[-3:] == [
        f"{chinese_number(len(headings) - 2)}、加强自身建设，做好日常工作",
        f"{chinese_number(len(headings) - 1)}、存在的不足",
        f"{chinese_number(len(headings))}、2026年工作打算",
    ]
    assert texts[-2:] == ["青江市厂矿科协联合会", "2025年12月4日"]
    conn = demo_store.conn
    total = _one(conn, "SELECT count(*) FROM activities WHERE start_date LIKE '2025-%'")
    people = _one(conn, "SELECT sum(participants) FROM activities WHERE start_date LIKE '2025-%'")
    assert f"全年共开展各类活动{total}次，参加{people}人次以上" in texts[2]
    # The 秘书长 meetings are named with their count in 日常工作.
    daily = _section(texts, SECTION_HEADINGS["自身建设"])[0]
    assert "召开厂矿科协秘书长工作会议3次" in daily


def test_highlights_appear_verbatim_under_their_heading(demo_store: Store) -> None:
    doc = _doc(demo_store)
    paragraphs = [b.text for b in doc.blocks]
    rows = demo_store.conn.execute(
        "SELECT a.id, a.title, a.description FROM activities a "
        "WHERE highlight = 1 AND start_date LIKE '2025-%'"
    ).fetchall()
    assert len(rows) >= 8
    for ident, title, description in rows:
        first = description.splitlines()[0].strip()
        index = next(i for i, p in enumerate(paragraphs) if p.startswith(first))
        heading = doc.blocks[index - 1]
        assert heading.kind == "heading2" and title in heading.text
        assert heading.key == f"{doc.blocks[index].key}/heading"
        assert doc.blocks[index].key.endswith(f"activity-{ident}")
    # Non-highlight descriptions stay out of the summary.
    plain = demo_store.conn.execute(
        "SELECT description FROM activities WHERE highlight = 0 AND description <> ''"
    ).fetchone()[0]
    assert plain not in paragraphs


def test_demo_organisation_and_award_figures(demo_store: Store) -> None:
    doc = _doc(demo_store)
    text = doc.plain_text()
    conn = demo_store.conn
    assert f"共有基层组织{_one(conn, 'SELECT count(*) FROM units')}个" in text
    new_units = _one(conn, "SELECT count(*) FROM units WHERE founded_this_year = 1 "
                     "OR established_date LIKE '2025-%'")  # fmt: skip
    assert f"本年新建基层组织{new_units}个" in text
    active = _one(conn, "SELECT count(*) FROM people WHERE status = '在册'")
    members = _one(conn, "SELECT count(*) FROM people WHERE status = '在册' "
                   "AND roles LIKE '%会员%'")  # fmt: skip
    assert f"在册人员{active}人，其中会员{members}人" in text
    total = _one(conn, "SELECT count(*) FROM awards WHERE award_date LIKE '2025-%'")
    assert f"全年共获得各类奖励{total}项" in text
    linked = _one(conn, "SELECT count(*) FROM awards WHERE activity_id IS NOT NULL")
    index = next(i for i, b in enumerate(doc.blocks) if b.text == "获奖情况")
    items = [b for b in doc.blocks[index + 2 :] if b.number.endswith(".")]
    assert [b.number for b in items] == [f"{i}." for i in range(1, total - linked + 1)]


def test_narratives_are_kept_per_year_and_used(demo_store: Store) -> None:
    assert missing_narratives(demo_store, 2025) == ["存在的不足", "下一年工作打算"]
    demo_store.narratives.save(2025, SHORTCOMINGS, "一是发展不平衡。\n二是活动不多。")
    demo_store.narratives.save(2025, PLANS, "加大力度。")
    doc = _doc(demo_store)
    texts = [b.text for b in doc.blocks]
    at = texts.index("存在的不足")
    assert texts[at + 1 : at + 3] == ["一是发展不平衡。", "二是活动不多。"]
    assert texts[texts.index("2026年工作打算") + 1] == "加大力度。"
    assert missing_narratives(demo_store, 2025) == []
    assert demo_store.narratives.get(2024, SHORTCOMINGS) is None
    # Unsaved edits from the preview override what is stored.
    doc = compose_summary(
        demo_store, 2025, today=TODAY, narratives=Narratives("自己写的开头。", None, None)
    )
    assert doc.blocks[0].text == "自己写的开头。"
    at = [b.text for b in doc.blocks].index("存在的不足")
    assert doc.blocks[at + 1].draft
    demo_store.narratives.save(2025, PLANS, None)
    assert demo_store.narratives.get(2025, PLANS) is None


def test_a_year_without_records_says_so(demo_store: Store) -> None:
    with pytest.raises(SummaryError, match="2019年还没有任何活动或获奖记录"):
        compose_summary(demo_store, 2019)


def test_a_small_year(store: Store) -> None:
    store.settings.save_profile(Profile(org_name="某县科协"))
    unit = store.records.save(Unit(name="某学会", kind="学会"))
    store.records.save(Person(name="张三", roles=["会员"], join_date="2025-02-01", unit_id=unit.id))
    store.records.save(Activity(
        title="科普讲座", category="科学普及", start_date="2025-03-01",
        participants=50))  # fmt: skip
    store.records.save(
        Award(name="优秀学会", level="市级", unit_id=unit.id, award_date="2025-06-01")
    )
    doc = compose_summary(store, 2025, today=TODAY)
    assert [b.full_text for b in doc.blocks if b.kind == "heading1"] == [
        "一、基层组织和科技工作者队伍建设", "二、获奖情况", "三、做好日常工作",
        "四、存在的不足", "五、2026年工作打算",
    ]  # fmt: skip
    text = doc.plain_text()
    assert "举办科普讲座" in text and "全年共获得市级奖励1项。" in text
    assert "获省级以上" not in text and "省部级以上" not in text
    assert "在册人员1人，均为会员，本年新发展会员1人" in text


def test_figures_are_as_of_the_year(store: Store) -> None:
    store.settings.save_profile(Profile(org_name="某县科协"))
    store.records.save(
        Unit(name="旧科协", kind="学会", established_date="2023-01-01", founded_this_year=True)
    )
    store.records.save(Unit(name="明年科协", kind="学会", established_date="2026-02-01"))
    store.records.save(Person(name="老会员", roles=["会员"], join_date="2020-01-01"))
    store.records.save(Person(name="明年会员", roles=["会员"], join_date="2026-03-01"))
    store.records.save(Activity(title="讲座", category="科学普及", start_date="2025-03-01"))
    store.records.save(Award(name="无日期奖", level="市级", team="某小组"))
    text = compose_summary(store, 2025, today=TODAY).plain_text()
    assert "共有学会1个。" in text  # the 2026 one is not there yet
    assert "本年新建" not in text  # a 2023 unit's stale flag does not count
    assert "其中会员1人" in text
    assert store.figures.undated_awards() == 1


def test_participants_are_named_by_audience_only_when_all_were_for_it(store: Store) -> None:
    store.settings.save_profile(Profile(org_name="某县科协"))
    for title, audience in (("航模讲座", ["青少年"]), ("科技营", ["青少年"])):
        store.records.save(Activity(
            title=title, category="青少年科技教育", start_date="2025-07-01",
            participants=100, audience=audience))  # fmt: skip
    text = compose_summary(store, 2025, today=TODAY).plain_text()
    assert "开展青少年科技教育活动2次，参加青少年200人次" in text
    store.records.save(Activity(
        title="家长课堂", category="青少年科技教育", start_date="2025-08-01",
        participants=50, audience=["社区居民"]))  # fmt: skip
    text = compose_summary(store, 2025, today=TODAY).plain_text()
    assert "开展青少年科技教育活动3次，参加250人次" in text
