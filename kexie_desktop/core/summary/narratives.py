"""What the clerk keeps per year in the narratives table: the opening, 存在的不足 and
下一年工作打算 (the narratives), the 落款 date, and the order of the sections.

The keys and their reading and writing live together so that the preview, the command line and
the composer agree on them.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from kexie_desktop.core.store import Store

OPENING, SHORTCOMINGS, PLANS = "opening", "shortcomings", "plans"
NARRATIVE_KINDS = {OPENING: "开头", SHORTCOMINGS: "存在的不足", PLANS: "下一年工作打算"}
# The 落款 date the clerk chose for the year (ISO text in the narratives table).
SIGN_DATE = "sign_date"
# The clerk's order of the sections, kept per year in the narratives table (a JSON list of keys).
SECTION_ORDER = "section_order"


@dataclass(frozen=True)
class Narratives:
    opening: str | None
    shortcomings: str | None
    plans: str | None


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


def missing_narratives(store: Store, year: int, narratives: Narratives | None = None) -> list[str]:
    """The parts the clerk has not written yet (drafted by the program), as the clerk calls them."""
    texts = narratives or load_narratives(store, year)
    missing = []
    if not texts.shortcomings:
        missing.append(NARRATIVE_KINDS[SHORTCOMINGS])
    if not texts.plans:
        missing.append(NARRATIVE_KINDS[PLANS])
    return missing
