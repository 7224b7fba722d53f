"""How awards are worded: a team's award credited to its unit, a person's to the employer, one
award won by several teams of a unit said once; the rest in a numbered list under 获奖情况 (in
the order compose.py reads them: highest level first).

The placement (an award linked to an activity is told in that activity's section) is decided by
sections.py; this module only words them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from kexie_desktop.core.document import Block
from kexie_desktop.core.records import AWARD_LEVELS
from kexie_desktop.core.summary.edits import records_digest
from kexie_desktop.core.summary.text import _join, _sentence, employer, short_unit


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
