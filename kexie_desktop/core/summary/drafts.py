"""The text the program writes where the clerk has not: the default opening (only the work
actually done, the year's totals and its best results), and 存在的不足 and 下一年工作打算
drafted from the records and marked `draft` for the preview and the command line.
"""

from __future__ import annotations

from collections import Counter

from kexie_desktop.core.store import Store
from kexie_desktop.core.summary.awards import _award_credit
from kexie_desktop.core.summary.model import _Section, _Year
from kexie_desktop.core.summary.narratives import PLANS, SHORTCOMINGS
from kexie_desktop.core.summary.text import _join, _n, _sentence, change_phrase, short_unit
from kexie_desktop.core.summary.vocabulary import (
    ALWAYS_DAILY,
    OUTCOME_NAMES,
    PLAN_PHRASES,
    WORK_NOUNS,
    _outcome_phrases,
)


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
        outcomes = _outcome_phrases(
            {n: records.total(n) for n in OUTCOME_NAMES},
            limit=3,
            unknown={n: records.total(f"{n}_unknown") for n in OUTCOME_NAMES},
        )
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
