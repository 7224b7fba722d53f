"""How activities are named in the text: ordinary ones by kind (found from the words of their
titles) with a count for the rest, the heading of a 重点 activity with the right verb and its
organiser named once, and the weight that decides which activities are named first.

Shared by the own sections and the subordinates' section, which name activities the same way.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from kexie_desktop.core.summary.text import _join, _n, _sentence, date_span, short_unit
from kexie_desktop.core.summary.vocabulary import LEVEL_RANK, MAJOR_OUTCOMES

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
