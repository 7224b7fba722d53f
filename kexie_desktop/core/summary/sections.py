"""The sections of the work, in order of weight: one per category of work (its ordinary
activities named, its 重点 activities told, its figures closing it), the organisation and
people figures, the awards not told elsewhere, and 日常工作 last.

The body of the summary; the opening and the drafted 不足/打算 are in drafts.py, the
subordinates' section in subordinates.py.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from typing import Any

from kexie_desktop.core.document import Block
from kexie_desktop.core.records import UNIT_KINDS, split_list
from kexie_desktop.core.store import Store
from kexie_desktop.core.summary.awards import _award_blocks, _award_sentences
from kexie_desktop.core.summary.edits import records_digest
from kexie_desktop.core.summary.model import _Section, _Year
from kexie_desktop.core.summary.naming import (
    _activity_weight,
    _bare_description,
    _name_ordinary,
    highlight_heading,
)
from kexie_desktop.core.summary.text import (
    _join,
    _n,
    _paragraphs,
    _sentence,
    change_phrase,
    heading2_number,
)
from kexie_desktop.core.summary.vocabulary import (
    ACTIVITY_NOUNS,
    ALWAYS_DAILY,
    AWARDS_HEADING,
    DAILY_HEADING_PLAIN,
    DAILY_WORK,
    MAJOR_OUTCOMES,
    ORGANISATION_HEADING,
    OUTCOME_NAMES,
    SECTION_HEADINGS,
    TITLE_ORDER,
    _outcome_phrases,
)


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
    outcomes = _outcome_phrases(
        {name: sum(_n(r.get(name)) for r in rows) for name in OUTCOME_NAMES}
    )
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
