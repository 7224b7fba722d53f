"""From a row's cells to a record: one parser per kind of field, chosen by the declaration.

Every imported field is parsed by the parser its kind names (PARSERS); what is left is what only
a kind of record has — an activity's organiser and people, an award's winner — and that is
done by the kind's own step below, after the table has parsed the plain fields.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kexie_desktop.core import fields
from kexie_desktop.core.fields import Field
from kexie_desktop.core.importing import values as v
from kexie_desktop.core.records import RECORD_TYPES, Activity, Award, Person, Record, Unit

if TYPE_CHECKING:
    from kexie_desktop.core.importing.plan import ImportPlan, RowPlan
    from kexie_desktop.core.store import Store


@dataclass(frozen=True)
class Column:
    """What a cell's parser knows besides the cell: the workbook's date mode (1 for dates
    counted from 1904) and the unit its column's header names, as base units in one of it
    (10000 for 「经费（万元）」; see fields.HEADER_UNITS)."""

    datemode: int = 0
    scale: int = 1


PLAIN = Column()
# A cell parser given the field and its column.
Parser = Callable[[Field, object, Column], object]


def _choice(f: Field, x: object, _c: Column) -> object:
    return v.parse_choice(x, f.vocabulary, v.SYNONYM_TABLES[f.key][1])


def _choices(f: Field, x: object, _c: Column) -> object:
    return v.parse_list(x, f.vocabulary, v.SYNONYM_TABLES[f.key][1])


def _paragraph(_f: Field, x: object, _c: Column) -> object:
    # A description keeps its lines and its inner spacing: it is the clerk's own text.
    return "" if x is None else str(x).replace("\r\n", "\n").replace("\r", "\n").strip()


def _ethnicity(_f: Field, x: object, _c: Column) -> object:
    text = v.parse_text(x)
    # 「汉」 for 汉族, as rosters often write it.
    return f"{text}族" if text and not text.endswith("族") else text


PARSERS: dict[str, Parser] = {
    fields.TEXT: lambda _f, x, _m: v.parse_text(x),
    fields.LINES: _paragraph,
    fields.NAME: lambda _f, x, _m: v.parse_name(x),
    fields.ETHNICITY: _ethnicity,
    fields.GENDER: lambda _f, x, _m: v.parse_gender(x),
    fields.ID_NUMBER: lambda _f, x, _m: v.parse_id_number(x),
    fields.PHONE: lambda _f, x, _m: v.parse_phone(x),
    fields.COUNT: lambda _f, x, _m: v.parse_int(x),
    fields.OPTIONAL_COUNT: lambda _f, x, _m: v.parse_int(x),
    fields.MONEY: lambda _f, x, c: v.parse_money(x, c.scale),
    fields.FLAG: lambda _f, x, _m: v.parse_bool(x),
    fields.DATE: lambda _f, x, c: v.parse_date(x, datemode=c.datemode),
    # 出生年月, 入会时间: often known to the month only (2019.9, 2019年9月).
    fields.MONTH: lambda _f, x, c: v.parse_date(x, allow_month=True, datemode=c.datemode),
    fields.CHOICE: _choice,
    fields.LIST: _choices,
}

# Organiser cells that mean the association itself, not one of its units.
_OWN_ORGANISATION = frozenset({"本会", "本协会"})


def parse_cells(
    kind: str, cells: dict[str, object], problem: Callable[[str, str], None],
    columns: Mapping[str, Column] | None = None,
) -> tuple[dict[str, Any], bool]:  # fmt: skip
    """The record values of a row's cells, by the parser of each declared field's kind; a
    cell that cannot be read is reported through `problem(key, message)`. `columns` tells a
    field's parser what it knows of its column (its header's unit, the date mode)."""
    ok = True
    values: dict[str, Any] = {}
    columns = columns or {}
    for key, f, parser in _parsers(kind):
        if key not in cells:
            continue
        result = parser(f, cells[key], columns.get(key, PLAIN))
        if isinstance(result, v.Problem):
            problem(key, result.message)
            ok = False
        elif result is not None and result != "" and result != []:
            values[key] = result
    return values, ok


@functools.cache
def _parsers(kind: str) -> tuple[tuple[str, Field, Parser], ...]:
    """The stored fields of a kind with their parsers, looked up once (an import parses each
    of them for every row of a 50,000-row roster)."""
    return tuple((f.key, f, PARSERS[f.kind]) for f in fields.of(kind) if f.stored)


class Converter:
    """Cells to a record, with what the planner knows of the database and the file so far."""

    def __init__(self, store: Store, plan: ImportPlan) -> None:
        self.store = store
        self.plan = plan
        self.people_in_file: dict[str, int] = {}
        # Every row names its unit; ask the database once per name, not once per row.
        self.unit_ids: dict[str, int | None] = {}
        self.units_in_file: set[str] = set()
        # Field → its column of the sheet being planned: the date mode, its header's unit.
        self.columns: dict[str, Column] = {}

    def convert(
        self, kind: str, cells: dict[str, object], plan: RowPlan,
        problem: Callable[[str, str], None],
    ) -> tuple[Record, bool]:  # fmt: skip
        values, ok = parse_cells(kind, cells, problem, self.columns)
        step = {"people": self._person, "activities": self._activity, "awards": self._award}
        record, linked_ok = step.get(kind, self._unit)(values, cells, plan, problem)
        if plan.unit_name and kind in ("people", "activities", "awards"):
            self.note_unit(plan.unit_name)
        return record, ok and linked_ok

    def _person(
        self, values: dict[str, Any], cells: dict[str, object], plan: RowPlan, _p: object
    ) -> tuple[Record, bool]:
        plan.unit_name = v.parse_text(cells.get("unit"))
        raw_birth = cells.get("birth_date")
        if (
            isinstance(raw_birth, dt.date)
            and raw_birth.day == 1
            and values.get("birth_date")
            and values.get("id_number")
        ):
            # A birth month typed in Excel (「1975年3月」, 「1975-03」) becomes a date cell
            # of the 1st; as a month, the ID number's full date completes it (validation),
            # and a month that disagrees with the ID number is still a conflict.
            values["birth_date"] = str(values["birth_date"])[:7]
        return Person(**values), True

    def _activity(
        self, values: dict[str, Any], cells: dict[str, object], plan: RowPlan, _p: object
    ) -> tuple[Record, bool]:
        plan.unit_name = v.parse_text(cells.get("unit"))
        if plan.unit_name in _OWN_ORGANISATION:
            # The ledger writes 「本会」 for activities the association ran itself.
            plan.unit_name = ""
        listed = v.parse_text(cells.get("people"))
        for mark in ("，", ",", "；", ";", "/"):
            listed = listed.replace(mark, "、")
        # Names are split on list marks only: 「张  三」 padded in Excel is one person.
        plan.people_names = ["".join(n.split()) for n in listed.split("、") if n.strip()]
        for name in plan.people_names:
            if len(self.store.imports.people_named(name)) != 1 and name not in self.people_in_file:
                self.plan.notes.append(
                    f"活动“{values.get('title', '')}”的参与人员“{name}”不在人员名单中"
                    "或有同名的人，未关联"
                )
        return Activity(**values), True

    def _award(
        self, values: dict[str, Any], cells: dict[str, object], plan: RowPlan,
        problem: Callable[[str, str], None],
    ) -> tuple[Record, bool]:  # fmt: skip
        text = v.parse_text
        ok = True
        winner = text(cells.get("winner"))
        team = text(cells.get("team"))
        person = text(cells.get("winner_person"))
        collective = text(cells.get("winner_collective"))
        kind_word = text(cells.get("winner_kind"))
        # The winner split into an individual and a collective column (「获奖个人」「获奖
        # 集体（单位）」): whichever holds the name says what kind of winner it is.
        if person and not winner:
            winner, kind_word = person, kind_word or "个人"
        elif collective and not winner and not team:
            winner = collective
            kind_word = kind_word or ("单位" if self._known_unit(collective) else "集体")
        # 所在单位: the unit of a team, or of a person (which helps find the person).
        winner_unit = text(cells.get("winner_unit"))
        if team:
            values["team"] = team
            if winner_unit:
                plan.unit_name = winner_unit
        elif winner:
            if "集体" in kind_word or any(w in winner for w in ("小组", "团队", "QC", "集体")):
                values["team"] = winner
                if winner_unit:
                    plan.unit_name = winner_unit
            elif "单位" in kind_word or self._known_unit(winner):
                plan.unit_name = winner
            else:
                plan.winner_person = winner
                plan.winner_person_unit = winner_unit
        record = Award(**values)
        if not (team or winner):
            problem("winner", "没有填写获奖者（个人、单位或集体）")
            ok = False
        if (
            plan.winner_person
            and not self.person_known(plan.winner_person)
            and len(self.store.imports.people_named(plan.winner_person, winner_unit)) != 1
        ):
            problem("winner", f"人员名单中没有“{plan.winner_person}”，或有同名的多人")
            ok = False
        return record, ok

    def _unit(
        self, values: dict[str, Any], _cells: dict[str, object], _plan: RowPlan, _p: object
    ) -> tuple[Record, bool]:
        record = Unit(**values)
        if not record.kind:
            record.kind = guess_unit_kind(record.name)
        self.units_in_file.add(record.name)
        return record, True

    def _known_unit(self, name: str) -> bool:
        return (
            self.unit_id(name) is not None
            or name in self.plan.new_units
            or name in self.units_in_file
        )

    def person_known(self, name: str) -> bool:
        """Exactly one person can be meant by the name: one stored (the file's row, if any,
        being that same person), or none stored and one in the file."""
        stored = self.store.imports.people_named(name)
        if name in self.people_in_file:
            in_file = self.people_in_file[name]
            return (not stored and in_file == 0) or (len(stored) == 1 and in_file == stored[0])
        return len(stored) == 1

    def unit_id(self, name: str) -> int | None:
        if name not in self.unit_ids:
            self.unit_ids[name] = self.store.lists.unit_id_by_name(name)
        return self.unit_ids[name]

    def note_unit(self, name: str) -> None:
        from kexie_desktop.core import validation

        if validation.text_problem(name):
            return  # the row is reported invalid (plan_row); no unit is made of that name
        if self.unit_id(name) is None and name not in self.plan.new_units:
            self.plan.new_units[name] = Unit(name=name, kind=guess_unit_kind(name))


def record_type(kind: str) -> type[Record]:
    return RECORD_TYPES[kind]


def guess_unit_kind(name: str) -> str:
    """The kind of a unit met only by name in another sheet, from the words in its name."""
    if "老科协" in name or "老科技工作者" in name:
        return "老科协"
    if any(w in name for w in ("大学", "学院")):
        return "高校科协"
    if any(w in name for w in ("中学", "小学", "学校")):
        return "学校科协"
    if "医院" in name or "卫生院" in name:
        return "医院科协"
    if "园区" in name or "开发区" in name or "高新区" in name:
        return "园区科协"
    if any(w in name for w in ("学会", "协会", "研究会")) and "科协" not in name:
        return "学会"
    if "农技协" in name or "专业技术协会" in name:
        return "农技协"
    if "社区" in name:
        return "社区科协"
    if any(w in name for w in ("乡", "镇", "街道")):
        return "乡镇（街道）科协"
    if any(w in name for w in ("公司", "厂", "集团", "企业", "矿")):
        return "企业科协"
    return "其他"
