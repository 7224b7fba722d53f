"""Composing the year-end work summary (年度工作总结) from one year's records.

Every figure in the text is computed here from the records; the only typed text is the clerk's
own: the descriptions of 重点 activities (verbatim), the award notes, and the narratives kept per
year (opening, 不足, 打算). The result is a Document (document.py) that the preview and the Word
file share.

How it reads (issue 13, read against a real summary a secretary-general signed):
- sections by weight — 重点 activities, then outcome figures, then 人次 — not in statistics-form
  order; a category with a single ordinary activity, 自身建设 and 其他 close the text as 日常工作;
- a section leads with the work (ordinary activities named by kind, the few that matter most,
  with a count for the rest — never every title) and its 重点 activities, and closes with its
  figures, worded differently from section to section; a zero figure is never written, and an
  unknown 人次 (NULL) is neither written nor summed as 0;
- the default opening names only the kinds of work actually done, the year's totals and its best
  results; a previous year with records gives the change (较上年增加N次);
- awards: highest level first, a team's award credited to its unit, an award linked to an
  activity told in that activity's section, the rest in a numbered list;
- 存在的不足 and 下一年工作打算 the clerk has not written are drafted from the records and marked
  `draft` for the preview and the command line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kexie_desktop.core.document import Block, Document, Signature
from kexie_desktop.core.records import AWARD_LEVELS, UNIT_KINDS, split_list
from kexie_desktop.core.store import Store

OPENING, SHORTCOMINGS, PLANS = "opening", "shortcomings", "plans"
NARRATIVE_KINDS = {OPENING: "开头", SHORTCOMINGS: "存在的不足", PLANS: "下一年工作打算"}
# The 落款 date the clerk chose for the year (ISO text in the narratives table).
SIGN_DATE = "sign_date"
# The clerk's order of the sections, kept per year in the narratives table (a JSON list of keys).
SECTION_ORDER = "section_order"

# How each category's section is headed; a 科协 summary names the work, not the category.
SECTION_HEADINGS = {
    "组织建设": "加强组织建设，夯实工作基础",
    "学术交流": "组织开展学术交流活动",
    "决策咨询": "开展课题调研，服务科学决策",
    "科学普及": "广泛开展科学普及活动",
    "青少年科技教育": "加强青少年科技教育",
    "科技传播": "做好科技信息宣传",
    "科技服务": "服务企业创新，深入开展“讲创新、比贡献”活动",
    "人才举荐与表彰": "做好科技人才举荐与表彰",
    "对外交流": "开展对外交流与合作",
    "自身建设": "加强自身建设，做好日常工作",
    "其他": "其他工作",
}
DAILY_WORK = "日常工作"
DAILY_HEADING_PLAIN = "做好日常工作"
ORGANISATION_HEADING = "基层组织和科技工作者队伍建设"
AWARDS_HEADING = "获奖情况"
# Categories that always close the text as 日常工作 rather than weigh in as a line of work.
ALWAYS_DAILY = ("自身建设", "其他")
# The activity noun in 「全年共组织学术交流活动12次」.
ACTIVITY_NOUNS = {
    "组织建设": "组织建设活动",
    "学术交流": "学术交流活动",
    "决策咨询": "课题调研和决策咨询活动",
    "科学普及": "科普活动",
    "青少年科技教育": "青少年科技教育活动",
    "科技传播": "科技传播和信息宣传活动",
    "科技服务": "科技服务和“讲比”竞赛活动",
    "人才举荐与表彰": "人才举荐与表彰活动",
    "对外交流": "对外交流活动",
    "自身建设": "会议、培训等活动",
    "其他": "其他活动",
}
# The work as the opening names it: 「重点开展了课题调研、科学普及等工作」.
WORK_NOUNS = {
    "组织建设": "基层组织建设",
    "学术交流": "学术交流",
    "决策咨询": "课题调研",
    "科学普及": "科学普及",
    "青少年科技教育": "青少年科技教育",
    "科技传播": "科技信息宣传",
    "科技服务": "“讲创新、比贡献”和科技服务",
    "人才举荐与表彰": "科技人才举荐",
    "对外交流": "对外交流",
    "自身建设": "自身建设",
    "其他": "其他工作",
}
# How a plan continues a line of work: 「继续…」.
PLAN_PHRASES = {
    "组织建设": "继续推动基层组织建设，重点抓好新建科协的规范运行",
    "学术交流": "继续组织开展学术交流活动，提高交流的质量和实效",
    "决策咨询": "继续围绕中心工作开展课题调研，提出有分量的意见建议",
    "科学普及": "继续广泛开展科学普及活动，办好重大科普活动",
    "青少年科技教育": "继续加强青少年科技教育，组织好科技研学和竞赛辅导",
    "科技传播": "继续做好科技信息宣传，及时报送工作信息",
    "科技服务": "继续深入开展“讲创新、比贡献”活动，组织科技人员攻关和推广新技术",
    "人才举荐与表彰": "继续做好科技人才的发现、举荐和表彰",
    "对外交流": "继续开展对外交流与合作，学习借鉴先进经验",
}
OUTCOME_PHRASES = (
    ("problems_solved", "解决技术攻关项目{}个"),
    ("technologies_promoted", "推广新技术{}项"),
    ("reports", "形成调研报告和建议{}篇"),
    ("articles", "发表文章和信息{}篇"),
    ("messages", "发送科普短信{}条"),
)
OUTCOME_NAMES = tuple(name for name, _ in OUTCOME_PHRASES)
# What weighs a line of work: problems solved, technologies and proposals — not the number of
# messages or articles, which are counted in thousands for any 宣传 work.
MAJOR_OUTCOMES = ("problems_solved", "technologies_promoted", "reports")
TITLE_ORDER = ("正高级", "副高级", "中级", "初级")
LEVEL_RANK = {level: rank for rank, level in enumerate(AWARD_LEVELS)}
_VERBS = (
    "开展",
    "举办",
    "组织",
    "召开",
    "参加",
    "承办",
    "完成",
    "推荐",
    "成立",
    "建立",
    "赴",
    "开设",
)

# Ordinary activities are named by kind, found from the words of their titles (first match wins):
# (kind, the words that show it, the verb, the counting word).
ACTIVITY_KINDS: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("科普短信", ("短信",), "发送", "批"),
    ("技术攻关", ("攻关", "QC小组"), "开展", "项"),
    ("建议", ("建议",), "提出", "篇"),
    ("课题调研", ("调研",), "开展", "项"),
    ("培训", ("培训",), "举办", "期"),
    ("报表统计和年检", ("年报", "年检", "审批"), "完成", "项"),
    ("座谈会", ("座谈会",), "召开", "次"),
    ("会议", ("工作会议", "理事会", "代表大会", "成立大会", "总结会", "表彰会"), "召开", "次"),
    ("讲座和报告会", ("讲座", "报告会", "论坛"), "举办", "场"),
    ("交流会", ("交流会", "研讨会", "年会", "发布会", "对接会", "论证会"), "举办", "次"),
    ("竞赛和技术比武", ("竞赛", "比武", "大赛", "比赛"), "组织", "次"),
    (
        "研学和体验活动",
        ("研学", "体验", "夏令营", "冬令营", "小制作", "进校园", "巡展"),
        "组织",
        "次",
    ),
    ("考察交流", ("考察", "结对", "走访", "慰问"), "开展", "次"),
    ("咨询服务", ("咨询", "推广", "服务"), "开展", "次"),
    ("信息宣传", ("简报", "信息", "报送", "宣传", "专栏", "新闻"), "开展", "次"),
    ("科普活动", ("科普", "开放日", "安全", "健康", "灯谜"), "开展", "次"),
    ("推荐申报", ("推荐", "申报"), "做好", "项"),
)
# How many phrases name a section's ordinary activities before the rest is one count.
MAX_NAMED = 6
# Where a repeated activity shows its round: 「2025年第二次…」「…暨年度工作总结会」.
_ROUND = re.compile(r"^\d{4}年度?|第[一二三四五六七八九十\d]+(次|期|届)|暨.*$")
_EVENT_VERBS = (
    (("会议", "座谈会", "理事会", "大会", "交流会", "总结会", "表彰会", "年会", "研讨会"), "召开"),
    (
        (
            "讲座",
            "报告会",
            "研学营",
            "体验营",
            "活动周",
            "竞赛",
            "比武",
            "大赛",
            "展",
            "班",
            "论坛",
            "节",
        ),
        "举办",
    ),
    (("专栏",), "开设"),
)
_COMPANY_WORDS = re.compile(r"(股份有限公司|有限责任公司|有限公司)")


class SummaryError(Exception):
    """The summary cannot be composed; the message is Chinese and says why."""


@dataclass(frozen=True)
class Narratives:
    opening: str | None
    shortcomings: str | None
    plans: str | None


@dataclass
class _Section:
    key: str  # the category, or DAILY_WORK / "organisation" / "awards"
    heading: str
    blocks: list[Block] = field(default_factory=list)
    weight: tuple[int, ...] = ()


_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (section numbers never reach 100)."""
    if not 0 < n < 100:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "" if tens == 1 else _DIGITS[tens]
    return f"{head}十{_DIGITS[ones] if ones else ''}"


def heading1_number(n: int) -> str:
    return f"{chinese_number(n)}、"


def heading2_number(n: int) -> str:
    return f"（{chinese_number(n)}）"


def chinese_date(iso: str) -> str:
    """2025-12-04 → 2025年12月4日; 2025-12 → 2025年12月."""
    parts = [int(p) for p in iso.split("-")]
    text = f"{parts[0]}年{parts[1]}月"
    return text + (f"{parts[2]}日" if len(parts) == 3 else "")


def month_day(iso: str) -> str:
    date = dt.date.fromisoformat(iso)
    return f"{date.month}月{date.day}日"


def date_span(start: str, end: str | None) -> str:
    """5月18日, 5月18日至24日, 5月30日至6月2日."""
    if not end or end == start:
        return month_day(start)
    a, b = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    if a.year != b.year:
        return f"{month_day(start)}至{chinese_date(end)}"
    if a.month == b.month:
        return f"{month_day(start)}至{b.day}日"
    return f"{month_day(start)}至{month_day(end)}"


def _join(items: Iterable[str]) -> str:
    return "、".join(items)


def _sentence(text: str) -> str:
    text = text.strip().rstrip("，；、")
    return text if text.endswith(("。", "！", "？", "：", "”")) else text + "。"


def _n(value: object) -> int:
    return int(str(value)) if value is not None else 0


def change_phrase(now: int, before: int, unit: str) -> str:
    """「较上年增加12次」「较上年减少3次」「与上年持平」; 人次 as a percentage (「增长15%」)."""
    if now == before:
        return "与上年持平"
    if unit == "%":
        if before <= 0:
            return ""
        percent = round(abs(now - before) * 100 / before)
        if percent == 0:
            return "与上年基本持平"
        return f"较上年{'增长' if now > before else '下降'}{percent}%"
    return f"较上年{'增加' if now > before else '减少'}{abs(now - before)}{unit}"


def load_narratives(store: Store, year: int) -> Narratives:
    return Narratives(
        opening=store.narratives.get(year, OPENING),
        shortcomings=store.narratives.get(year, SHORTCOMINGS),
        plans=store.narratives.get(year, PLANS),
    )


def sign_date(store: Store, year: int) -> dt.date | None:
    """The 落款 date the clerk set for the year, if any."""
    text = store.narratives.get(year, SIGN_DATE)
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def short_unit(name: str) -> str:
    """青江橡塑机械集团有限公司科协 → 青江橡塑机械集团科协 (how a summary names a unit)."""
    return _COMPANY_WORDS.sub("", name) or name


def employer(unit: str) -> str:
    """The unit a person is credited with: the company, not its 科协 (青江纸业有限责任公司);
    a 学会 or a community 老科协 is named as it is."""
    base = unit.removesuffix("科协")
    return (
        base if base != unit and base.endswith(("公司", "厂", "集团", "矿", "院", "所")) else unit
    )


@dataclass
class _Year:
    """One year's records as the composition needs them, read once."""

    activities: list[dict[str, Any]]
    figures: dict[str, dict[str, Any]]
    previous: dict[str, dict[str, Any]]
    awards: list[dict[str, Any]]

    def total(self, name: str, figures: dict[str, dict[str, Any]] | None = None) -> int:
        return sum(_n(f[name]) for f in (self.figures if figures is None else figures).values())


def compose_summary(
    store: Store,
    year: int,
    *,
    today: dt.date | None = None,
    narratives: Narratives | None = None,
    signed: dt.date | None = None,
    order: list[str] | None = None,
    edits: dict[str, tuple[str, str]] | None = None,
    with_subordinates: bool = False,
) -> Document:
    """The year's summary; `narratives` overrides what is stored (the preview's unsaved edits),
    `signed` the 落款 date (else the one set for the year, else today), `order` and `edits`
    the section order and edited paragraphs (else those kept for the year).
    `with_subordinates` adds a section on the work of the subordinate organisations whose
    packages were imported for the year; without it nothing of theirs is read."""
    texts = narratives or load_narratives(store, year)
    org = store.settings.profile().org_name or "本会"
    records = _Year(
        activities=store.figures.activities(year),
        figures={row["category"]: row for row in store.figures.categories(year)},
        previous={row["category"]: row for row in store.figures.categories(year - 1)},
        awards=sorted(
            store.figures.awards(year),
            key=lambda a: (LEVEL_RANK.get(str(a["level"]), 99), str(a["award_date"]), a["id"]),
        ),
    )
    subordinates = _subordinate_section(store, year) if with_subordinates else None
    if not records.figures and not records.awards and subordinates is None:
        raise SummaryError(
            f"{year}年还没有任何活动或获奖记录，无法生成年度工作总结。请先录入或导入这一年的记录。"
        )

    doc = Document(title=f"{org}{year}年工作总结")
    by_weight = _work_sections(store, year, org, records)
    main = [s for s in by_weight if s.key not in (DAILY_WORK, "awards", "organisation")]
    if subordinates is not None:
        by_weight.append(subordinates)
    sections = apply_order(by_weight, section_order(store, year) if order is None else order)
    if texts.opening:
        doc.blocks += [Block("body", p, key="opening") for p in _paragraphs(texts.opening)]
    else:
        opening = default_opening(org, year, records, [s.key for s in main])
        doc.blocks.append(Block("body", opening, key="opening"))

    number = 0
    edits = store.narratives.edits(year) if edits is None else edits
    for section in sections:
        number += 1
        heading = Block("heading1", section.heading, heading1_number(number),
                        key=f"{section.key}/heading")  # fmt: skip
        doc.blocks += apply_edits([heading, *section.blocks], edits)

    drafts = draft_narratives(store, year, records, main)
    for kind, title in ((SHORTCOMINGS, "存在的不足"), (PLANS, f"{year + 1}年工作打算")):
        text = getattr(texts, kind)
        number += 1
        doc.blocks.append(Block("heading1", title, heading1_number(number), key=kind))
        if text:
            doc.blocks += [Block("body", p, key=kind) for p in _paragraphs(text)]
        else:
            doc.blocks += [Block("body", p, key=kind, draft=True) for p in drafts[kind]]

    date = signed or sign_date(store, year) or today or dt.date.today()
    doc.signature = Signature(org, chinese_date(date.isoformat()))
    return doc


def section_order(store: Store, year: int) -> list[str]:
    """The clerk's order of the year's sections (their keys), or [] for the order by weight."""
    text = store.narratives.get(year, SECTION_ORDER)
    try:
        order = json.loads(text) if text else []
    except ValueError:
        return []
    return [str(k) for k in order] if isinstance(order, list) else []


def save_section_order(store: Store, year: int, order: list[str] | None) -> None:
    store.narratives.save(
        year, SECTION_ORDER, json.dumps(order, ensure_ascii=False) if order else None
    )


def apply_order(sections: list[_Section], order: list[str]) -> list[_Section]:
    """The sections in the clerk's order; those the clerk has not placed (a line of work new
    since the order was saved) follow, by weight."""
    if not order:
        return sections
    placed = [s for key in order for s in sections if s.key == key]
    return placed + [s for s in sections if s not in placed]


def apply_edits(blocks: list[Block], edits: dict[str, tuple[str, str]]) -> list[Block]:
    """The blocks with the clerk's wording where kept: each run of blocks sharing a key is
    replaced as a whole (an edit may hold several paragraphs), marked `edited`, and `stale` when
    the records it was built from have changed since (their digest differs)."""
    if not edits:
        return blocks
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        j = i + 1
        while j < len(blocks) and blocks[j].key == block.key and blocks[j].kind == block.kind:
            j += 1
        edit = edits.get(block.key) if block.key else None
        if edit is None:
            out += blocks[i:j]
        else:
            digest, text = edit
            stale = digest != block.digest
            paragraphs = _paragraphs(text) or [""]
            if block.kind != "body":
                paragraphs = [" ".join(paragraphs)]
            out += [
                Block(block.kind, para, block.number if n == 0 else "", key=block.key,
                      digest=block.digest, edited=True, stale=stale)
                for n, para in enumerate(paragraphs)
            ]  # fmt: skip
        i = j
    return out


def paragraph_text(document: Document, key: str) -> str:
    """The text of the paragraphs under `key`, one a line, as an editor shows it."""
    return "\n".join(b.text for b in document.blocks if b.key == key)


def missing_narratives(store: Store, year: int, narratives: Narratives | None = None) -> list[str]:
    """The parts the clerk has not written yet (drafted by the program), as the clerk calls them."""
    texts = narratives or load_narratives(store, year)
    missing = []
    if not texts.shortcomings:
        missing.append(NARRATIVE_KINDS[SHORTCOMINGS])
    if not texts.plans:
        missing.append(NARRATIVE_KINDS[PLANS])
    return missing


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def records_digest(rows: Iterable[dict[str, Any]]) -> str:
    """A short hash of what the records a paragraph was built from say (not when they were
    saved: saving a record unchanged does not flag the clerk's wording of it)."""
    h = hashlib.sha1()
    for row in rows:
        h.update(repr(sorted((k, v) for k, v in row.items() if k != "updated_at")).encode())
    return h.hexdigest()[:16]


# -- the opening ----------------------------------------------------------------------------


def default_opening(org: str, year: int, records: _Year, main: list[str]) -> str:
    """Only the work actually done, the year's totals and its best results."""
    text = f"{year}年，{org}在上级科协的指导下，团结带领广大科技工作者"
    kinds = [WORK_NOUNS[c] for c in main if c in WORK_NOUNS][:4]
    if kinds:
        more = "等" if len(main) > len(kinds) else ""
        text += f"，重点开展了{_join(kinds)}{more}工作"
    sentences = [text + "。"]

    activities = records.total("activities")
    if activities:
        parts = [f"全年共开展各类活动{activities}次"]
        if records.previous:
            parts.append(
                change_phrase(activities, records.total("activities", records.previous), "次")
            )
        people = records.total("participants")
        unknown = records.total("unknown")
        if people:
            parts.append(f"参加{people}人次{'以上' if unknown else ''}")
            before = records.total("participants", records.previous)
            if records.previous and before and not unknown:
                parts.append(change_phrase(people, before, "%"))
        outcomes = _outcome_phrases({n: records.total(n) for n in OUTCOME_NAMES}, limit=3)
        sentences.append(_sentence("，".join([p for p in parts if p] + outcomes)))
    if records.awards:
        best = records.awards[0]
        same = [a for a in records.awards if a["level"] == best["level"]]
        award = f"获得各类奖励{len(records.awards)}项"
        if best["level"] in ("国家级", "省部级"):
            award += f"，其中{_award_credit(best)}获{best['name']}"
            if len(same) > 1:
                award += f"等{best['level']}奖励{len(same)}项"
        sentences.append(_sentence(award))
    sentences.append("现将一年来的工作总结如下：")
    return "".join(sentences)


def _outcome_phrases(values: dict[str, int], limit: int = 5) -> list[str]:
    return [phrase.format(values[n]) for n, phrase in OUTCOME_PHRASES if values.get(n)][:limit]


# -- the sections ---------------------------------------------------------------------------


def _work_sections(store: Store, year: int, org: str, records: _Year) -> list[_Section]:
    by_category: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in records.activities:
        by_category[str(row["category"])].append(row)
    linked: dict[int, list[dict[str, Any]]] = defaultdict(list)
    year_ids = {row["id"] for row in records.activities}
    for award in records.awards:
        if award["activity_id"] in year_ids:
            linked[int(award["activity_id"])].append(award)

    weighed: list[_Section] = []
    daily: list[str] = []
    for category, rows in by_category.items():
        highlights = [r for r in rows if r["highlight"]]
        if category in ALWAYS_DAILY or (not highlights and len(rows) == 1):
            daily.append(category)
            continue
        section = _Section(category, SECTION_HEADINGS.get(category, category))
        _fill_section(section, rows, records, org, linked, len(weighed))
        outcome = sum(_n(records.figures[category][n]) for n in MAJOR_OUTCOMES)
        awards = [a for r in rows for a in linked.get(r["id"], [])]
        section.weight = (
            len(highlights) + len(awards),
            outcome,
            _n(records.figures[category]["participants"]),
            len(rows),
        )
        weighed.append(section)
    weighed.sort(key=lambda s: s.weight, reverse=True)

    organisation = _organisation_blocks(store, year)
    target = next((s for s in weighed if s.key == "组织建设"), None)
    sections = list(weighed)
    if target is not None:
        target.blocks += organisation
    else:
        sections.append(_Section("organisation", ORGANISATION_HEADING, organisation))

    told = {a["id"] for awards in linked.values() for a in awards}
    rest = [a for a in records.awards if a["id"] not in told]
    if rest:
        sections.append(_Section("awards", AWARDS_HEADING, _award_blocks(records.awards, rest)))

    if daily:
        rows = [r for c in daily for r in by_category[c]]
        heading = SECTION_HEADINGS["自身建设"] if "自身建设" in daily else DAILY_HEADING_PLAIN
        section = _Section(DAILY_WORK, heading)
        _fill_section(section, rows, records, org, linked, len(weighed), daily=True)
        sections.append(section)
    return sections


def _fill_section(
    section: _Section,
    rows: list[dict[str, Any]],
    records: _Year,
    org: str,
    linked: dict[int, list[dict[str, Any]]],
    index: int,
    *,
    daily: bool = False,
) -> None:
    key = section.key
    highlights = sorted(
        (r for r in rows if r["highlight"]),
        key=lambda r: _activity_weight(r, linked.get(r["id"], [])),
        reverse=True,
    )
    ordinary = [r for r in rows if not r["highlight"]]
    named = _name_ordinary(ordinary, org)
    closing = _closing_figures(rows, records, index, daily=daily)
    # Awards that crowned ordinary work of the section are told with it.
    ordinary_awards = [a for r in ordinary for a in linked.get(r["id"], [])]
    award_text = _award_sentences(ordinary_awards)
    if not highlights:
        text = _sentence("；".join(named)) if named else ""
        section.blocks.append(
            Block(
                "body",
                text + award_text + closing,
                key=f"{key}/figures",
                digest=records_digest(rows),
            )
        )
        return
    if named:
        section.blocks.append(
            Block(
                "body",
                _sentence("；".join(named)) + award_text,
                key=f"{key}/ordinary",
                digest=records_digest(ordinary),
            )
        )
    for n, item in enumerate(highlights, start=1):
        ident = f"{key}/activity-{item['id']}"
        section.blocks.append(
            Block(
                "heading2",
                highlight_heading(item, org),
                heading2_number(n),
                key=f"{ident}/heading",
                digest=records_digest([item]),
            )
        )
        description = _paragraphs(str(item["description"] or ""))
        if not description:  # recorded before a description was required
            description = [_bare_description(item, org)]
        # An award the description already names is not told twice.
        awards = [
            a for a in linked.get(item["id"], []) if str(a["name"]) not in "".join(description)
        ]
        if awards:
            description[-1] = _sentence(description[-1]) + _award_sentences(awards)
        digest = records_digest([item, *awards])
        section.blocks += [Block("body", p, key=ident, digest=digest) for p in description]
    if closing:
        section.blocks.append(
            Block("body", closing, key=f"{key}/figures", digest=records_digest(rows))
        )


def _activity_weight(row: dict[str, Any], awards: list[dict[str, Any]]) -> tuple[int, ...]:
    best = min((LEVEL_RANK.get(str(a["level"]), 99) for a in awards), default=99)
    outcome = sum(_n(row[n]) for n in MAJOR_OUTCOMES)
    return (-best, outcome, _n(row["participants"]), -int(row["id"]))


def _kind_of(title: str) -> tuple[str, str, str]:
    for kind, words, verb, measure in ACTIVITY_KINDS:
        if any(w in title for w in words):
            return kind, verb, measure
    return "", "开展", "次"


def _with_verb(verb: str, title: str) -> str:
    return title if title.startswith(_VERBS) else f"{verb}{title}"


def _event_verb(title: str, default: str) -> str:
    """召开 a meeting, 举办 a lecture or a contest, 开设 a column; else the kind's verb."""
    for endings, word in _EVENT_VERBS:
        if title.rstrip("”」").endswith(endings):
            return word
    return default


def _name_ordinary(rows: list[dict[str, Any]], org: str) -> list[str]:
    """Ordinary activities named by kind: a recurring one with its count, the two that matter
    most of a kind with a count for the rest — never every title: past MAX_NAMED phrases the
    rest is one count (a busy year has thousands)."""
    if not rows:
        return []
    phrases: list[tuple[int, str, int]] = []  # (weight, phrase, activities it covers)
    rounds: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        rounds[_ROUND.sub("", str(row["title"])).strip()].append(row)
    singles: list[dict[str, Any]] = []
    for base, group in rounds.items():
        if len(group) > 1 and base:
            _, verb, _ = _kind_of(base)
            weight = sum(_n(r["participants"]) for r in group)
            phrases.append(
                (weight + 10**6, f"{_with_verb(_event_verb(base, verb), base)}{len(group)}次",
                 len(group))
            )  # fmt: skip
        else:
            singles += group
    kinds: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in singles:
        kinds[_kind_of(str(row["title"]))[0]].append(row)
    for kind, group in kinds.items():
        group.sort(key=lambda r: _activity_weight(r, []), reverse=True)
        _, verb, measure = _kind_of(str(group[0]["title"]))
        units = list(
            dict.fromkeys(short_unit(str(r["unit_name"])) for r in group if r["unit_name"])
        )
        who = ""
        if (
            kind in ("技术攻关", "课题调研")
            and len(units) > 0
            and all(r["unit_name"] for r in group)
        ):
            who = _join(units[:2]) + ("等" if len(units) > 2 else "")
        top = [str(r["title"]) for r in group[:2]]
        weight = sum(_n(r["participants"]) for r in group)
        if len(group) == 1:
            text = _with_verb(_event_verb(top[0], verb), top[0])
        elif len(group) == 2:
            text = _with_verb(verb, "和".join(top))
        elif kind:
            text = f"{verb}{_join(top)}等{kind}{len(group)}{measure}"
        else:
            text = f"开展{_join(top)}等活动{len(group)}次"
        phrases.append((weight, who + text, len(group)))
    phrases.sort(key=lambda p: p[0], reverse=True)
    named = [text for _, text, _ in phrases[:MAX_NAMED]]
    rest = sum(count for _, _, count in phrases[MAX_NAMED:])
    if rest:
        named.append(f"此外还开展了其他活动{rest}次")
    return named


_CLOSING_LEADS = ("全年共", "一年来共", "全年累计")


def _closing_figures(
    rows: list[dict[str, Any]], records: _Year, index: int, *, daily: bool = False
) -> str:
    """The section's figures, closing it: said once, worded differently from section to
    section, with no zero and no unknown 人次 counted."""
    category = str(rows[0]["category"])
    n = len(rows)
    known = [_n(r["participants"]) for r in rows if r["participants"] is not None]
    people = sum(known)
    unknown = n - len(known)
    outcomes = _outcome_phrases({name: sum(_n(r[name]) for r in rows) for name in OUTCOME_NAMES})
    if daily:
        # The 日常工作 section's activities are already counted where they are named.
        return _sentence("一年来，" + "，".join(outcomes)) if outcomes else ""
    lead = _CLOSING_LEADS[index % len(_CLOSING_LEADS)]
    parts = [f"{lead}开展{ACTIVITY_NOUNS.get(category, '活动')}{n}次"]
    if records.previous:
        before = records.previous.get(category)
        parts.append(change_phrase(n, _n(before["activities"]) if before else 0, "次"))
    if people:
        # 「参加科技工作者860人次」 where every activity of the section was for that audience
        # (where only most were, the 人次 would be claimed for people who were not there).
        audiences = Counter(a for r in rows for a in split_list(r["audience"]))
        who = ""
        if audiences:
            audience, count = audiences.most_common(1)[0]
            who = audience if count == n else ""
        parts.append(f"参加{who}{people}人次{'以上' if unknown else ''}")
    return _sentence("，".join([p for p in parts if p] + outcomes))


def highlight_heading(item: dict[str, Any], org: str) -> str:
    """What was done, cleanly: the organiser named once, the right verb, no date (the
    description tells when)."""
    title = str(item["title"]).strip()
    unit = str(item["unit_name"] or "")
    text = _with_verb(_event_verb(title, "开展"), title)
    if unit and unit != org and not _names_unit(title, unit):
        text = short_unit(unit) + text
    return text


def _names_unit(title: str, unit: str) -> bool:
    """Does the title already name its organiser (in full or by its short name)?"""
    core = short_unit(unit).removesuffix("科协").removesuffix("学会")
    core = re.sub(r"(集团|公司|科技|机械|设备)$", "", core)
    return unit in title or core in title or (len(core) > 4 and core[2:6] in title)


def _bare_description(item: dict[str, Any], org: str) -> str:
    when = date_span(str(item["start_date"]), item["end_date"])
    who = str(item["unit_name"]) or org
    text = f"{when}，{who}{_with_verb('开展', str(item['title']))}"
    if item["participants"]:
        text += f"，参加{item['participants']}人次"
    return _sentence(text)


# -- subordinate organisations ----------------------------------------------------------------

SUBORDINATES = "subordinates"
SUBORDINATES_HEADING = "指导基层组织开展工作"


def _subordinate_section(store: Store, year: int) -> _Section | None:
    """The subordinates' work from the records they reported: who reported, their totals by
    category (largest first) and outcomes, then their 重点 activities by the same weight as
    the own ones (outcomes, then 人次), the few that weigh most named."""
    orgs = store.packages.active_orgs(year)
    figures = store.figures.sub_categories(year)
    if not orgs:
        return None
    section = _Section(SUBORDINATES, SUBORDINATES_HEADING)
    names = [str(o["org_name"]) for o in orgs]
    shown = _join(names[:MAX_NAMED]) + (f"等{len(names)}个组织" if len(names) > MAX_NAMED else "")
    text = f"{year}年，{shown}报送了全年工作情况"
    total = sum(_n(f["activities"]) for f in figures)
    if total:
        text += f"，共开展活动{total}次"
        people = sum(_n(f["participants"]) for f in figures)
        if people:
            unknown = sum(_n(f["unknown"]) for f in figures)
            text += f"，参加{people}人次{'以上' if unknown else ''}"
        order = sorted(figures, key=lambda f: (-_n(f["activities"]), str(f["category"])))
        if len(order) > 1:
            nouns = [ACTIVITY_NOUNS.get(str(f["category"]), str(f["category"])) for f in order]
            text += "，其中" + _join(
                f"{noun}{_n(f['activities'])}次" for noun, f in zip(nouns, order[:5], strict=False)
            )
        outcomes = _outcome_phrases(
            {name: sum(_n(f[name]) for f in figures) for name in OUTCOME_NAMES}
        )
        text = "，".join([text, *outcomes])
    digest = hashlib.sha1(repr((orgs, figures)).encode()).hexdigest()[:16]
    section.blocks.append(
        Block("body", _sentence(text), key=f"{SUBORDINATES}/figures", digest=digest)
    )
    highlights = sorted(
        store.figures.sub_activities(year), key=lambda r: _activity_weight(r, []), reverse=True
    )
    for item in highlights[:MAX_NAMED]:
        title = _with_verb(_event_verb(str(item["title"]).strip(), "开展"), str(item["title"]))
        when = date_span(str(item["start_date"]), item["end_date"])
        line = f"{item['org_name']}于{when}{title}"
        if item["participants"]:
            line += f"，参加{item['participants']}人次"
        line = _sentence(line)
        description = _paragraphs(str(item["description"] or ""))
        if description:
            line += description[0]
        section.blocks.append(
            Block("body", line, key=f"{SUBORDINATES}/{item['org_name']}/{item['id']}",
                  digest=records_digest([item]))
        )  # fmt: skip
    if len(highlights) > MAX_NAMED:
        section.blocks.append(
            Block("body", f"各组织另有重点活动{len(highlights) - MAX_NAMED}项，详见台账。",
                  key=f"{SUBORDINATES}/rest", digest=records_digest(highlights[MAX_NAMED:]))
        )  # fmt: skip
    return section


# -- organisation and people ------------------------------------------------------------------


def _organisation_blocks(store: Store, year: int) -> list[Block]:
    units = store.figures.units(year)
    people = store.figures.people(year)
    sentences = []
    if units["total"]:
        kinds = [(kind, units["by_kind"][kind]) for kind in UNIT_KINDS if kind in units["by_kind"]]
        if len(kinds) == 1:
            text = f"截至{year}年底，共有{kinds[0][0]}{units['total']}个"
        else:
            listed = _join(f"{kind}{n}个" for kind, n in kinds)
            text = f"截至{year}年底，共有基层组织{units['total']}个，其中{listed}"
        if units["new"]:
            noun = kinds[0][0] if len(kinds) == 1 else "基层组织"
            text += f"；本年新建{noun}{len(units['new'])}个（{_join(units['new'])}）"
        sentences.append(text + "。")
    if people["people"]:
        text = f"在册人员{people['people']}人"
        if people["members"]:
            text += (
                "，均为会员" if people["members"] == people["people"]
                else f"，其中会员{people['members']}人"
            )  # fmt: skip
        if people["new_members"]:
            text += f"，本年新发展会员{people['new_members']}人"
        titles = [
            f"{t}职称{people['by_title'][t]}人" for t in TITLE_ORDER if people["by_title"].get(t)
        ]
        if titles:
            text += f"；具有{_join(titles)}"
        sentences.append(text + "。")
    if not sentences:
        sentences.append(f"截至{year}年底，尚未登记基层组织和人员。")
    digest = hashlib.sha1(repr((units, people)).encode()).hexdigest()[:16]
    return [Block("body", "".join(sentences), key="organisation/figures", digest=digest)]


# -- awards -------------------------------------------------------------------------------------


def _award_credit(award: dict[str, Any]) -> str:
    winner = str(award["winner"])
    unit = str(award["winner_unit"] or "")
    if award["winner_kind"] == "个人" and unit:
        return f"{employer(unit)}{winner}"
    if award["winner_kind"] == "集体":
        team = winner if winner.startswith(("“", "「")) else f"“{winner}”"
        return f"{short_unit(unit)}{team}" if unit else team
    return winner


def _award_sentences(awards: list[dict[str, Any]]) -> str:
    """「…“A”和“B”获湖南省优秀质量管理小组。」: one award won by several teams of a unit is
    said once."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for award in awards:
        unit = str(award["winner_unit"] or "") if award["winner_kind"] == "集体" else ""
        groups[(str(award["name"]), unit)].append(award)
    sentences = []
    for (name, unit), group in groups.items():
        if len(group) > 1 and unit:
            teams = "和".join(_award_credit({**a, "winner_unit": ""}) for a in group)
            text = f"{short_unit(unit)}{teams}获{name}"
        else:
            text = "，".join(f"{_award_credit(a)}获{name}" for a in group)
        notes = [str(a["note"] or "").strip().rstrip("。") for a in group]
        text += "".join(f"，{n}" for n in dict.fromkeys(notes) if n)
        sentences.append(_sentence(text))
    return "".join(sentences)


def _award_blocks(awards: list[dict[str, Any]], rest: list[dict[str, Any]]) -> list[Block]:
    levels = Counter(str(a["level"]) for a in awards)
    present = [level for level in AWARD_LEVELS if levels[level]]
    if len(present) == 1:
        text = f"全年共获得{present[0]}奖励{len(awards)}项"
    else:
        listed = _join(f"{lv}{levels[lv]}项" for lv in present)
        text = f"全年共获得各类奖励{len(awards)}项，其中{listed}"
        high = levels["国家级"] + levels["省部级"]
        if levels["国家级"] and levels["省部级"]:
            text += f"，省部级以上奖励共{high}项"
    intro = text + ("。除前文所述外，获奖情况如下：" if len(rest) < len(awards) else "。")
    blocks = [Block("body", intro, key="awards/figures", digest=records_digest(awards))]
    for n, award in enumerate(rest, start=1):
        line = f"{_award_credit(award)}获{award['name']}"
        if award["issuer"]:
            line += f"（{award['issuer']}）"
        note = str(award["note"] or "").strip().rstrip("。")
        if note:
            line += f"，{note}"
        blocks.append(
            Block(
                "body",
                _sentence(line),
                f"{n}.",
                key=f"awards/award-{award['id']}",
                digest=records_digest([award]),
            )
        )
    return blocks


# -- drafted 不足 and 打算 ------------------------------------------------------------------


_ORDINALS = ("一是", "二是", "三是", "四是", "五是")


def draft_narratives(
    store: Store, year: int, records: _Year, main: list[_Section]
) -> dict[str, list[str]]:
    """存在的不足 and 下一年工作打算 drafted from the records, for the clerk to edit."""
    points: list[str] = []
    if records.previous:
        gone = [c for c in records.previous if c not in records.figures and c not in ALWAYS_DAILY]
        if gone:
            points.append(f"上年开展的{_join(WORK_NOUNS.get(c, c) for c in gone)}工作本年没有开展")
        down = [
            f"{WORK_NOUNS.get(c, c)}活动较上年减少"
            f"{_n(records.previous[c]['activities']) - _n(f['activities'])}次"
            for c, f in records.figures.items()
            if c in records.previous and c not in ALWAYS_DAILY
            and _n(f["activities"]) < _n(records.previous[c]["activities"])
        ]  # fmt: skip
        if down:
            points.append(_join(down[:3]) + "，工作力度有所减弱")
    idle = store.figures.units_without_activity(year)
    if idle:
        names = _join(short_unit(u) for u in idle[:3])
        more = f"等{len(idle)}个基层组织" if len(idle) > 3 else ""
        points.append(f"{names}{more}全年没有开展活动，基层组织活力不足")
    per_unit = Counter(str(r["unit_name"]) for r in records.activities if r["unit_name"])
    if len(per_unit) >= 3:
        (top, most), *_ = per_unit.most_common(1)
        least = min(per_unit.values())
        if most >= 3 * least and most - least >= 3:
            points.append(
                f"各基层组织之间发展不平衡，{short_unit(top)}全年开展活动{most}次，"
                f"有的单位仅{least}次"
            )
    if not points:
        points.append("工作的深度和成效还有提升空间，部分工作还停留在完成任务的层面")
    shortcomings = [
        f"{year}年，我们虽然做了一些工作，但也存在一些不足：" + "；".join(
            f"{_ORDINALS[i]}{p}" for i, p in enumerate(points[:5])
        ) + "。"
    ]  # fmt: skip

    plans: list[str] = []
    for section in main[:3]:
        phrase = PLAN_PHRASES.get(section.key)
        if phrase:
            plans.append(phrase)
    if idle:
        plans.append("加强对活动较少的基层组织的联系和指导，推动各单位均衡发展")
    if not plans:
        plans.append("围绕上级科协的部署，认真谋划全年工作")
    plan_text = (
        f"{year + 1}年，我们将重点抓好以下工作："
        + "；".join(f"{_ORDINALS[i]}{p}" for i, p in enumerate(plans[:5]))
        + "。我们将团结带领广大科技工作者，为经济社会发展作出新的贡献。"
    )  # fmt: skip
    return {SHORTCOMINGS: shortcomings, PLANS: [plan_text]}
