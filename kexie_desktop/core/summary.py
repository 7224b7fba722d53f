"""Composing the year-end work summary (年度工作总结) from one year's records.

Every figure in the text is computed here from the records; the only typed text is the clerk's
own: the descriptions of 重点 activities (verbatim) and the narratives kept per year (opening,
不足, 打算). The result is a Document (document.py) that the preview and the Word file share.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from kexie_desktop.core.document import Block, Document, Signature
from kexie_desktop.core.records import AWARD_LEVELS, CATEGORIES, UNIT_KINDS, split_list
from kexie_desktop.core.store import Store

OPENING, SHORTCOMINGS, PLANS = "opening", "shortcomings", "plans"
NARRATIVE_KINDS = {OPENING: "开头", SHORTCOMINGS: "存在的不足", PLANS: "下一年工作打算"}

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
    "自身建设": "会议、培训等自身建设活动",
    "其他": "其他活动",
}
OUTCOME_PHRASES = (
    ("reports", "形成调研报告和建议{}篇"),
    ("problems_solved", "解决技术攻关项目{}个"),
    ("technologies_promoted", "推广新技术{}项"),
    ("articles", "发表文章和信息{}篇"),
    ("messages", "发送科普短信{}条"),
)
TITLE_ORDER = ("正高级", "副高级", "中级", "初级")
_VERBS = ("开展", "举办", "组织", "召开", "参加", "承办", "完成", "推荐", "成立", "建立")
# Events are 举办ed (a 年会, a 活动周, a 竞赛); everything else (调研, 攻关, 宣传) is 开展ed.
_EVENT_ENDINGS = ("会", "周", "赛", "营", "讲座", "论坛", "展", "班", "节", "日")


class SummaryError(Exception):
    """The summary cannot be composed; the message is Chinese and says why."""


@dataclass(frozen=True)
class Narratives:
    opening: str | None
    shortcomings: str | None
    plans: str | None


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


def _join(items: list[str]) -> str:
    return "、".join(items)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(("。", "！", "？", "：", "”")) else text + "。"


def default_opening(org: str, year: int, total_activities: int, total_participants: int) -> str:
    return (
        f"{year}年，{org}在上级科协的指导下，团结带领广大科技工作者，"
        f"围绕经济社会发展大局，扎实开展学术交流、科学普及、科技服务等各项工作，"
        f"全年共组织开展各类活动{total_activities}次，参加{total_participants}人次，"
        "较好地完成了全年目标任务。现将一年来的工作总结如下："
    )


def load_narratives(store: Store, year: int) -> Narratives:
    return Narratives(
        opening=store.narrative(year, OPENING),
        shortcomings=store.narrative(year, SHORTCOMINGS),
        plans=store.narrative(year, PLANS),
    )


def compose_summary(
    store: Store,
    year: int,
    *,
    today: dt.date | None = None,
    narratives: Narratives | None = None,
) -> Document:
    """The year's summary; `narratives` overrides what is stored (the preview's unsaved edits)."""
    today = today or dt.date.today()
    texts = narratives or load_narratives(store, year)
    org = store.profile().org_name or "本会"
    figures = {row["category"]: row for row in store.category_figures(year)}
    awards = store.awards_of_year(year)
    if not figures and not awards:
        raise SummaryError(
            f"{year}年还没有任何活动或获奖记录，无法生成年度工作总结。请先录入或导入这一年的记录。"
        )

    total_activities = sum(int(f["activities"]) for f in figures.values())
    total_participants = sum(int(f["participants"] or 0) for f in figures.values())
    doc = Document(title=f"{org}{year}年工作总结")
    opening = texts.opening or default_opening(org, year, total_activities, total_participants)
    doc.blocks.extend(Block("body", para) for para in _paragraphs(opening))

    section = 0
    for category in CATEGORIES:
        if category not in figures:
            continue
        section += 1
        doc.blocks.append(Block("heading1", SECTION_HEADINGS[category], heading1_number(section)))
        doc.blocks.append(Block("body", _category_figures_text(store, year, category, figures)))
        for n, item in enumerate(store.highlights(year, category), start=1):
            doc.blocks.append(Block("heading2", _highlight_heading(item, org), heading2_number(n)))
            doc.blocks.extend(Block("body", p) for p in _paragraphs(item["description"]))

    section += 1
    doc.blocks.append(Block("heading1", "基层组织和科技工作者队伍建设", heading1_number(section)))
    doc.blocks.append(Block("body", _organisation_text(store, year)))

    if awards:
        section += 1
        doc.blocks.append(Block("heading1", "获奖情况", heading1_number(section)))
        doc.blocks.append(Block("body", _awards_text(awards)))
        for n, award in enumerate(awards, start=1):
            doc.blocks.append(Block("body", _award_line(award), f"{n}."))

    if texts.shortcomings:
        section += 1
        doc.blocks.append(Block("heading1", "存在的不足", heading1_number(section)))
        doc.blocks.extend(Block("body", p) for p in _paragraphs(texts.shortcomings))
    if texts.plans:
        section += 1
        doc.blocks.append(Block("heading1", f"{year + 1}年工作打算", heading1_number(section)))
        doc.blocks.extend(Block("body", p) for p in _paragraphs(texts.plans))

    doc.signature = Signature(org, chinese_date(today.isoformat()))
    return doc


def missing_narratives(store: Store, year: int, narratives: Narratives | None = None) -> list[str]:
    """The parts the clerk has not written yet, as the clerk calls them."""
    texts = narratives or load_narratives(store, year)
    missing = []
    if not texts.shortcomings:
        missing.append(NARRATIVE_KINDS[SHORTCOMINGS])
    if not texts.plans:
        missing.append(NARRATIVE_KINDS[PLANS])
    return missing


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _category_figures_text(
    store: Store, year: int, category: str, figures: dict[str, dict[str, object]]
) -> str:
    row = figures[category]
    parts = [
        f"全年共开展{ACTIVITY_NOUNS[category]}{row['activities']}次，"
        f"参加{row['participants'] or 0}人次"
    ]
    audiences = Counter(a for text in store.audiences(year, category) for a in split_list(text))
    if audiences:
        top = [name for name, _ in audiences.most_common(3)]
        parts.append(f"主要面向{_join(top)}")
    outcomes = [
        phrase.format(row[name]) for name, phrase in OUTCOME_PHRASES if int(str(row[name] or 0))
    ]
    parts += outcomes
    return "，".join(parts) + "。"


def _highlight_heading(item: dict[str, object], org: str) -> str:
    end = item["end_date"]
    when = date_span(str(item["start_date"]), str(end) if end else None)
    who = str(item["unit_name"]) or org
    title = str(item["title"])
    if title.startswith(_VERBS):
        verb = ""
    else:
        verb = "举办" if title.rstrip("”").endswith(_EVENT_ENDINGS) else "开展"
    return f"{when}，{who}{verb}{title}"


def _organisation_text(store: Store, year: int) -> str:
    units = store.unit_figures(year)
    people = store.people_figures(year)
    sentences = []
    if units["total"]:
        kinds = [
            f"{kind}{units['by_kind'][kind]}个" for kind in UNIT_KINDS if kind in units["by_kind"]
        ]
        text = f"截至{year}年底，共有基层组织{units['total']}个，其中{_join(kinds)}"
        if units["new"]:
            text += f"；本年新建基层组织{len(units['new'])}个（{_join(units['new'])}）"
        sentences.append(text + "。")
    else:
        sentences.append(f"截至{year}年底，尚未登记基层组织。")
    text = f"在册人员{people['people']}人，其中会员{people['members']}人"
    if people["new_members"]:
        text += f"，本年新发展会员{people['new_members']}人"
    sentences.append(text + "。")
    titles = [f"{t}职称{people['by_title'][t]}人" for t in TITLE_ORDER if people["by_title"].get(t)]
    if titles:
        sentences.append(f"在册人员中，具有{_join(titles)}。")
    return "".join(sentences)


def _awards_text(awards: list[dict[str, object]]) -> str:
    levels = Counter(str(a["level"]) for a in awards)
    by_level = [f"{level}{levels[level]}项" for level in AWARD_LEVELS if levels[level]]
    provincial = levels["国家级"] + levels["省部级"]
    text = f"全年共获得各类奖励{len(awards)}项，其中{_join(by_level)}"
    if provincial:
        text += f"，获省级以上奖励{provincial}项"
    return text + "。"


def _award_line(award: dict[str, object]) -> str:
    winner = str(award["winner"])
    if award["winner_kind"] == "个人" and award["winner_unit"]:
        winner = f"{award['winner_unit']}{winner}"
    details = [str(award["issuer"])] if award["issuer"] else []
    if award["award_date"]:
        details.append(chinese_date(str(award["award_date"])))
    tail = f"（{'，'.join(details)}）" if details else ""
    return f"{winner}获{award['name']}{tail}。"
