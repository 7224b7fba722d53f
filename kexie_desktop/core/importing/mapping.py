"""Recognising what a sheet holds: which kind of record, which row is the header, which
column is which field — from the words clerks actually put in their Excel headers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kexie_desktop.core import fields
from kexie_desktop.core.records import RECORD_TYPES, half_width

KINDS = ("people", "activities", "awards", "units")
KIND_LABELS = {kind: RECORD_TYPES[kind].KIND_LABEL for kind in KINDS}

# Field → the header words that mean it, most usual first, as core/fields.py declares them.
# Compared after normalize_header().
FIELD_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    kind: {f.key: f.header_words for f in fields.imported(kind)} for kind in KINDS
}
FIELD_LABELS: dict[str, dict[str, str]] = {
    kind: {name: words[0] for name, words in synonyms.items()}
    for kind, synonyms in FIELD_SYNONYMS.items()
}
# What each kind cannot do without: a row without it is not a record.
REQUIRED = {"people": "name", "activities": "title", "awards": "name", "units": "name"}

IGNORED_HEADERS = ("序号", "编号", "序", "no", "no.")
# A ledger exported by the program has a printed sheet and a complete one 「活动台账（完整）」
# for each kind: read back, the complete sheet is imported and the printed one skipped.
COMPLETE_SUFFIX = "（完整）"
# A ledger exported with its subordinates' records has them on sheets named with this: they are
# the subordinates' own records (merged from their packages) and never imported as the own.
SUBORDINATE_PREFIX = "下级组织"
# What the import template writes in an example row's 备注: the importer skips such a row.
EXAMPLE_MARK = "【示例】"
SHEET_NAME_HINTS = {
    "people": ("花名册", "会员", "人员", "名册", "科技工作者"),
    "activities": ("活动",),
    "awards": ("获奖", "奖项", "荣誉", "表彰"),
    "units": ("基层组织", "组织", "单位名录", "科协名录"),
}
# Words that mark a total row at the bottom of a table.
TOTAL_WORDS = ("合计", "总计", "小计", "共计")

_DECORATION = re.compile(r"[\s*＊:：()（）\[\]【】]|必填|选填")


# A counting word or a yes/no hint in brackets after a header: 「攻关项目（个）」,
# 「本年新建(是/否)」; a money unit also after a slash: 「活动经费/万元」. Stripped to find the
# field only: the unit a money header names is read back by fields.header_unit() and honoured.
_UNIT_TAIL = re.compile(
    r"[(（](个|项|篇|条|次|人|人次|名|场|期|份|种|元|圆|万元|萬元|万|萬|千元|是/否|是或否|填是或否|Y/N)[)）]"
    r"|[/／]\s*(元|万元|萬元|千元)\s*$"
)


def normalize_header(value: object) -> str:
    """「姓 名」, 「姓名（必填）」, 「*姓名:」 all come out as 「姓名」; 「攻关项目（个）」 as
    「攻关项目」."""
    if value is None:
        return ""
    text = _UNIT_TAIL.sub("", half_width(str(value)))
    return _DECORATION.sub("", text.lower())


_LOOKUP: dict[str, dict[str, str]] = {
    kind: {normalize_header(word): name for name, words in fields.items() for word in words}
    for kind, fields in FIELD_SYNONYMS.items()
}


def field_for(kind: str, header: object) -> str | None:
    return _LOOKUP[kind].get(normalize_header(header))


@dataclass
class Layout:
    """How one sheet is laid out: its kind, its header row, and column → field."""

    kind: str
    header_row: int  # 0-based index into the sheet's rows
    headers: list[str]
    mapping: dict[int, str] = field(default_factory=dict)

    @property
    def mapped_fields(self) -> set[str]:
        return set(self.mapping.values())

    def units(self) -> dict[int, tuple[str, int]]:
        """Column → the unit its header names for its field (「经费（万元）」: 「万元」, 10000),
        for the columns whose header names one other than the field's own base unit. Worked out
        from the mapping each time, so a column the clerk maps by hand gets its header's unit."""
        found: dict[int, tuple[str, int]] = {}
        for column, key in self.mapping.items():
            f = fields.get(self.kind, key) if column < len(self.headers) else None
            unit = fields.header_unit(f, self.headers[column]) if f else None
            if unit and unit[1] != 1:
                found[column] = unit
        return found


def _score(kind: str, row: list[object]) -> tuple[int, dict[int, str]]:
    mapping: dict[int, str] = {}
    for index, cell in enumerate(row):
        name = field_for(kind, cell)
        if name and name not in mapping.values():
            mapping[index] = name
    return len(mapping), mapping


def detect_layout(
    sheet_name: str, rows: list[list[object]], *, kind: str | None = None, scan: int = 15
) -> Layout | None:
    """The most likely kind and header row among the first rows; None if nothing fits."""
    best: tuple[int, Layout] | None = None
    kinds = (kind,) if kind else KINDS
    for candidate in kinds:
        bonus = 2 if any(h in sheet_name for h in SHEET_NAME_HINTS[candidate]) else 0
        for index, row in enumerate(rows[:scan]):
            score, mapping = _score(candidate, row)
            if REQUIRED[candidate] not in mapping.values():
                continue
            total = score + bonus
            if score >= 2 and (best is None or total > best[0]):
                headers = ["" if c is None else str(c).strip() for c in row]
                best = (total, Layout(candidate, index, headers, mapping))
    return None if best is None else best[1]
