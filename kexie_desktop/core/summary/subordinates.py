"""The section on the subordinate organisations' work (指导基层组织开展工作), from the packages
they reported for the year: who reported, their totals and outcomes, their 重点 activities.

Only read when the clerk asks for it (with_subordinates); kept apart because it reads the
subordinates' tables, which nothing else in the summary touches.
"""

from __future__ import annotations

import hashlib

from kexie_desktop.core.document import Block
from kexie_desktop.core.store import Store
from kexie_desktop.core.summary.edits import records_digest
from kexie_desktop.core.summary.model import _Section
from kexie_desktop.core.summary.naming import MAX_NAMED, _activity_weight, _event_verb, _with_verb
from kexie_desktop.core.summary.text import _join, _n, _paragraphs, _sentence, date_span
from kexie_desktop.core.summary.vocabulary import ACTIVITY_NOUNS, OUTCOME_NAMES, _outcome_phrases

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
            {name: sum(_n(f.get(name)) for f in figures) for name in OUTCOME_NAMES}
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
