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

One module per job, each about one thing (issue 12: no module over ~500 lines; this was one of
1,030):
- compose.py: compose_summary, the one entry point, assembling the parts below;
- sections.py: the sections of the work, their figures, the organisation and people figures;
- naming.py: how activities are named (by kind, the heading of a 重点 activity, their weight);
- awards.py: how awards are worded; subordinates.py: the subordinate organisations' section;
- drafts.py: the default opening and the drafted 不足 and 打算;
- edits.py: the clerk's section order and paragraph edits, keyed by digest;
- narratives.py: what the clerk keeps per year (narratives, 落款 date, section order);
- vocabulary.py: the words per category; text.py: numbers, dates, sentences; model.py: _Year,
  _Section and SummaryError.
The SQL behind the figures is the store's (core/store/figures.py). The names callers use are
imported here, so `from kexie_desktop.core.summary import compose_summary` keeps working.
"""

from __future__ import annotations

from kexie_desktop.core.summary.compose import compose_summary
from kexie_desktop.core.summary.edits import (
    apply_edits,
    apply_order,
    paragraph_text,
    records_digest,
)
from kexie_desktop.core.summary.model import SummaryError
from kexie_desktop.core.summary.narratives import (
    NARRATIVE_KINDS,
    OPENING,
    PLANS,
    SECTION_ORDER,
    SHORTCOMINGS,
    SIGN_DATE,
    Narratives,
    load_narratives,
    missing_narratives,
    save_section_order,
    section_order,
    sign_date,
)
from kexie_desktop.core.summary.text import change_phrase, chinese_date, chinese_number, date_span
from kexie_desktop.core.summary.vocabulary import SECTION_HEADINGS

__all__ = [
    "NARRATIVE_KINDS",
    "OPENING",
    "PLANS",
    "SECTION_HEADINGS",
    "SECTION_ORDER",
    "SHORTCOMINGS",
    "SIGN_DATE",
    "Narratives",
    "SummaryError",
    "apply_edits",
    "apply_order",
    "change_phrase",
    "chinese_date",
    "chinese_number",
    "compose_summary",
    "date_span",
    "load_narratives",
    "missing_narratives",
    "paragraph_text",
    "records_digest",
    "save_section_order",
    "section_order",
    "sign_date",
]
