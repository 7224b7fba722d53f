"""The year's summary as a Document: reads the records once, orders the sections (by weight,
or the clerk's order), applies the clerk's edits, and adds the opening, 不足, 打算 and 落款.

The one entry point of the package; every part it assembles is in a module of its own.
"""

from __future__ import annotations

import datetime as dt

from kexie_desktop.core.document import Block, Document, Signature
from kexie_desktop.core.store import Store
from kexie_desktop.core.summary.drafts import default_opening, draft_narratives
from kexie_desktop.core.summary.edits import apply_edits, apply_order
from kexie_desktop.core.summary.model import SummaryError, _Year
from kexie_desktop.core.summary.narratives import (
    PLANS,
    SHORTCOMINGS,
    Narratives,
    load_narratives,
    section_order,
    sign_date,
)
from kexie_desktop.core.summary.sections import _work_sections
from kexie_desktop.core.summary.subordinates import _subordinate_section
from kexie_desktop.core.summary.text import _paragraphs, chinese_date, heading1_number
from kexie_desktop.core.summary.vocabulary import DAILY_WORK, LEVEL_RANK


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
