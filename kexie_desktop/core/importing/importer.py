"""Bringing a clerk's existing Excel or CSV file into the database.

check() reads the file and plans every row (added, updated, unchanged, skipped, or with a
problem named by sheet, row and column) without writing anything; apply() then writes the plan
in one transaction, as one import batch that can be undone as a whole.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import sqlite3
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from kexie_desktop.core import validation
from kexie_desktop.core.importing import values as v
from kexie_desktop.core.importing.mapping import (
    COMPLETE_SUFFIX,
    EXAMPLE_MARK,
    FIELD_LABELS,
    IGNORED_HEADERS,
    KIND_LABELS,
    REQUIRED,
    SUBORDINATE_PREFIX,
    TOTAL_WORDS,
    Layout,
    detect_layout,
    normalize_header,
)
from kexie_desktop.core.importing.readers import RawSheet, ReadError, read_file
from kexie_desktop.core.privacy import mask_in_text
from kexie_desktop.core.records import (
    ACTIVITY_FORMS,
    AUDIENCES,
    AWARD_LEVELS,
    CAMPAIGNS,
    CATEGORIES,
    EDUCATIONS,
    PERSON_STATUSES,
    ROLES,
    TITLES,
    UNIT_KINDS,
    Activity,
    Award,
    Person,
    Record,
    Unit,
)
from kexie_desktop.core.store import Store, StoreError

Progress = Callable[[int, int], None]
R = TypeVar("R")
# The order in which kinds are written: units first, since the others point at them.
WRITE_ORDER = ("units", "people", "activities", "awards")
RECORD_TYPES: dict[str, type[Record]] = {
    "units": Unit, "people": Person, "activities": Activity, "awards": Award,
}  # fmt: skip


# Organiser cells that mean the association itself, not one of its units.
_OWN_ORGANISATION = frozenset({"本会", "本协会"})


class ImportFailed(Exception):
    """The import was refused or failed; nothing was written. The message is Chinese."""


@dataclass(frozen=True)
class Issue:
    sheet: str
    row: int  # as Excel numbers it, 1-based; 0 for the sheet as a whole
    column: str
    message: str

    def __post_init__(self) -> None:
        # Messages quote cells: wherever a problem is shown (report, the dialog's table, a
        # log), an ID number or phone in it is masked as the lists mask it.
        object.__setattr__(self, "message", mask_in_text(self.message))

    def text(self) -> str:
        """For the clerk's eyes: ID numbers and phones a cell put in the message are masked."""
        where = f"工作表“{self.sheet}”"
        if self.row:
            where += f"第{self.row}行"
        if self.column:
            where += f"“{self.column}”"
        return mask_in_text(f"{where}：{self.message}")


@dataclass
class RowPlan:
    row: int
    action: str  # add, update, unchanged, skipped, invalid
    record: Record | None = None
    before: Record | None = None
    problems: list[Issue] = field(default_factory=list)
    reason: str = ""  # why skipped
    unit_name: str = ""  # the unit the record points at, by name
    people_names: list[str] = field(default_factory=list)  # an activity's people, by name
    winner_person: str = ""  # an award won by a person, by name
    winner_person_unit: str = ""  # and that person's unit, as the row gives it


@dataclass
class SheetPlan:
    name: str
    layout: Layout | None
    rows: list[RowPlan] = field(default_factory=list)
    message: str = ""  # why the sheet is not imported
    # Columns no field was found for, by header, and whether any row has data in them.
    unmapped: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def unmapped_with_data(self) -> list[str]:
        return [header for header, has_data in self.unmapped if has_data]

    @property
    def kind(self) -> str | None:
        return self.layout.kind if self.layout else None

    def counts(self) -> Counter[str]:
        return Counter(r.action for r in self.rows)

    def mapping_text(self) -> str:
        if not self.layout:
            return ""
        labels = FIELD_LABELS[self.layout.kind]
        return "，".join(
            f"{self.layout.headers[c]}→{labels[f]}" for c, f in sorted(self.layout.mapping.items())
        )


@dataclass
class ImportPlan:
    path: Path
    sheets: list[SheetPlan]
    new_units: dict[str, Unit] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def unmapped_with_data(self) -> list[str]:
        """「活动”的“攻关项目数”」: each column holding data that nothing will import."""
        return [f"工作表“{s.name}”的“{h}”" for s in self.sheets for h in s.unmapped_with_data]

    @property
    def problems(self) -> list[Issue]:
        issues = [Issue(s.name, 0, "", s.message) for s in self.sheets if s.message and s.layout]
        return issues + [p for s in self.sheets for r in s.rows for p in r.problems]

    def counts(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for sheet in self.sheets:
            total.update(sheet.counts())
        return total

    def report(self) -> str:
        """What a check found, in the clerk's words, for the command line and the window."""
        lines = [f"文件：{self.path.name}"]
        for sheet in self.sheets:
            if not sheet.layout:
                lines.append(f"工作表“{sheet.name}”：{sheet.message}")
                continue
            c = sheet.counts()
            lines.append(
                f"工作表“{sheet.name}”：{KIND_LABELS[sheet.layout.kind]}，"
                f"表头在第{sheet.layout.header_row + 1}行；"
                f"将新增{c['add']}条、更新{c['update']}条、不变{c['unchanged']}条、"
                f"跳过{c['skipped']}条，有问题{c['invalid']}条"
            )
            lines.append(f"  对应关系：{sheet.mapping_text()}")
            if sheet.unmapped:
                listed = "、".join(
                    f"“{header}”{'（有数据）' if has_data else '（空列）'}"
                    for header, has_data in sheet.unmapped
                )
                lines.append(f"  未识别、不导入的列：{listed}")
        if self.new_units:
            lines.append(f"将新建基层组织{len(self.new_units)}个：{'、'.join(self.new_units)}")
        lines += [f"提示：{note}" for note in self.notes]
        problems = self.problems
        if problems:
            lines.append(f"问题（{len(problems)}处）：")
            lines += [f"  {p.text()}" for p in problems]
        # Cell values reach the report in names and notes too: an ID number typed in the 姓名
        # column is shown masked, as in the lists.
        return mask_in_text("\n".join(lines))


@dataclass(frozen=True)
class ImportResult:
    batch_id: int
    added: int
    updated: int
    units_created: int
    skipped: int

    def summary(self) -> str:
        text = f"已导入：新增{self.added}条，更新{self.updated}条"
        if self.units_created:
            text += f"，新建基层组织{self.units_created}个"
        if self.skipped:
            text += f"；跳过有问题的{self.skipped}行"
        return text + "。如有不对，可以整批撤销。"


# -- checking ---------------------------------------------------------------------------


def check(
    store: Store,
    path: Path,
    *,
    kind: str | None = None,
    mappings: Mapping[str, Mapping[int, str]] | None = None,
    progress: Progress | None = None,
) -> ImportPlan:
    """Read the file and plan every row; writes nothing. `mappings` overrides the detected
    column → field mapping of a sheet (the clerk's corrections)."""
    try:
        raw_sheets = read_file(Path(path))
    except ReadError as exc:
        raise ImportFailed(str(exc)) from exc
    plan = ImportPlan(Path(path), [])
    planner = _Planner(store, plan)
    layouts: list[tuple[RawSheet, Layout | None]] = []
    names = {sheet.name for sheet in raw_sheets}
    for sheet in raw_sheets:
        if sheet.name + COMPLETE_SUFFIX in names or sheet.name.startswith(SUBORDINATE_PREFIX):
            layouts.append((sheet, None))  # a ledger's printed sheet: its complete one is read
            continue
        layout = detect_layout(sheet.name, sheet.rows, kind=kind)
        if layout and mappings and sheet.name in mappings:
            layout.mapping = dict(mappings[sheet.name])
        layouts.append((sheet, layout))
    total = sum(len(s.rows) for s, _ in layouts) or 1
    done = 0
    order = {k: i for i, k in enumerate(WRITE_ORDER)}
    for sheet, layout in sorted(layouts, key=lambda p: order[p[1].kind] if p[1] else 9):
        sheet_plan = SheetPlan(sheet.name, layout)
        if layout is None:
            if sheet.name + COMPLETE_SUFFIX in names:
                sheet_plan.message = (
                    f"台账的打印表，不导入（数据从“{sheet.name}{COMPLETE_SUFFIX}”导入）"
                )
            elif sheet.name.startswith(SUBORDINATE_PREFIX):
                sheet_plan.message = "下级组织报送的记录，不作为本组织的记录导入（请导入其报送包）"
            elif any(any(c not in (None, "") for c in row) for row in sheet.rows):
                sheet_plan.message = (
                    "没有认出表头，这张表不导入（表头中应有“姓名”“活动名称”“奖项名称”或"
                    "“单位名称”等列；也可以在导入窗口中指定各列）"
                )
            else:
                sheet_plan.message = "空表，不导入"
        else:
            sheet_plan.unmapped = unmapped_columns(sheet.rows, layout)
            planner.plan_sheet(sheet, layout, sheet_plan)
            _report_formula_rows(sheet, layout, sheet_plan)
        plan.sheets.append(sheet_plan)
        done += len(sheet.rows)
        if progress:
            progress(done, total)
    plan.sheets.sort(key=lambda s: [r.name for r in raw_sheets].index(s.name))
    return plan


def unmapped_columns(rows: list[list[object]], layout: Layout) -> list[tuple[str, bool]]:
    """Headed columns no field was found for (a 序号 column aside), with whether they hold
    data: a clerk's own workbook must not lose a column without a word."""
    found = []
    for index, header in enumerate(layout.headers):
        name = v.parse_text(header)
        if not name or index in layout.mapping or normalize_header(name) in IGNORED_HEADERS:
            continue
        has_data = any(
            index < len(row) and row[index] not in (None, "")
            for row in rows[layout.header_row + 1 :]
        )
        found.append((name, has_data))
    return found


_UNCACHED_FORMULAS = (
    "只有公式，没有保存计算结果，读不出内容（文件可能是由其他程序生成、没有在Excel中保存过的）。"
    "请在Excel或WPS中打开这个文件，保存后再导入"
)


def _report_formula_rows(sheet: RawSheet, layout: Layout, out: SheetPlan) -> None:
    """Rows that read as blank only because their formulas were never calculated: said, not
    dropped silently."""
    rows = [r for r in sheet.formula_rows if r > layout.header_row + 1]
    if not rows:
        return
    out.rows.extend(
        RowPlan(r, "invalid", problems=[Issue(sheet.name, r, "", _UNCACHED_FORMULAS)]) for r in rows
    )
    out.rows.sort(key=lambda r: r.row)


class _Planner:
    def __init__(self, store: Store, plan: ImportPlan):
        self.store = store
        self.plan = plan
        # Records planned from this file, by their matching key, to catch a row given twice.
        self.seen: dict[tuple[str, ...], int] = {}
        self.people_in_file: dict[str, int] = {}
        # Every row names its unit; ask the database once per name, not once per row.
        self.unit_ids: dict[str, int | None] = {}
        self.units_in_file: set[str] = set()
        self.datemode = 0

    def plan_sheet(self, sheet: RawSheet, layout: Layout, out: SheetPlan) -> None:
        self.datemode = sheet.datemode  # 1 for workbooks counting days from 1904
        kind = layout.kind
        required = REQUIRED[kind]
        columns = {f: c for c, f in layout.mapping.items()}
        for index in range(layout.header_row + 1, len(sheet.rows)):
            row = sheet.rows[index]
            excel_row = index + 1
            cells = {f: row[c] if c < len(row) else None for f, c in columns.items()}
            filled = [c for c in row if c not in (None, "")]
            if not filled:
                continue  # blank rows are not even worth a line in the report
            first = v.parse_text(filled[0])
            if v.parse_text(cells.get("notes")).startswith(EXAMPLE_MARK):
                out.rows.append(RowPlan(excel_row, "skipped", reason="模板示例行"))
                self.plan.notes.append(
                    f"工作表“{sheet.name}”第{excel_row}行是导入模板中的示例行，没有导入"
                )
                continue
            if any(first.startswith(w) for w in TOTAL_WORDS):
                out.rows.append(RowPlan(excel_row, "skipped", reason="合计行"))
                continue
            if v.parse_text(cells.get(required)) == "":
                if len(filled) == 1 or first.startswith(("注", "说明", "填表", "备注")):
                    out.rows.append(RowPlan(excel_row, "skipped", reason="说明文字"))
                    continue
                header = _header(layout, columns.get(required), kind, required)
                out.rows.append(
                    RowPlan(excel_row, "invalid", problems=[
                        Issue(sheet.name, excel_row, header, "为空，这一行无法导入")])
                )  # fmt: skip
                continue
            out.rows.append(self.plan_row(sheet.name, excel_row, kind, cells, layout, columns))

    # -- one row --------------------------------------------------------------------

    def plan_row(
        self, sheet: str, row: int, kind: str, cells: dict[str, object], layout: Layout,
        columns: dict[str, int],
    ) -> RowPlan:  # fmt: skip
        plan = RowPlan(row, "add")
        record, parsed_ok = self.convert(kind, cells, plan, lambda f, m: plan.problems.append(
            Issue(sheet, row, _header(layout, columns.get(f), kind, f), m)))  # fmt: skip
        for name, linked in (("unit", plan.unit_name), ("people", "、".join(plan.people_names)),
                             ("winner", plan.winner_person)):  # fmt: skip
            problem = validation.text_problem(linked) if linked else None
            if problem:
                header = _header(layout, columns.get(name), kind, name)
                plan.problems.append(Issue(sheet, row, header, problem))
                parsed_ok = False
        if not parsed_ok:
            plan.action = "invalid"
            return plan
        checked = record  # fresh from convert(): validation may tidy it in place
        try:
            self.validate(checked)
        except validation.ValidationError as exc:
            for name, message in exc.errors.items():
                plan.problems.append(Issue(sheet, row, _header(layout, columns.get(name), kind,
                                                              name), message))  # fmt: skip
            plan.action = "invalid"
            return plan
        record = checked
        key = _key(kind, record, plan)
        if key in self.seen:
            plan.problems.append(Issue(sheet, row, "", f"与第{self.seen[key]}行是同一条记录"))
            plan.action = "invalid"
            return plan
        self.seen[key] = row
        matches = self.matches(kind, record, plan)
        if len(matches) > 1:
            plan.problems.append(
                Issue(
                    sheet,
                    row,
                    "",
                    f"数据库中有{len(matches)}条记录与这一行相符，无法确定是哪一条",
                )
            )
            plan.action = "invalid"
            return plan
        if matches:
            existing = self.store.records.get(RECORD_TYPES[kind], matches[0])
            merged = _merge(existing, record, cells)
            try:
                self.validate(merged)  # in place: the ID number's full birth date wins
            except validation.ValidationError as exc:
                for name, message in exc.errors.items():
                    header = _header(layout, columns.get(name), kind, name)
                    plan.problems.append(Issue(sheet, row, header, f"与已有记录合并后：{message}"))
                plan.action = "invalid"
                return plan
            if plan.unit_name and isinstance(merged, Person | Activity):
                unit_id = self.unit_id(plan.unit_name)
                if unit_id is None or unit_id != merged.unit_id:
                    # A new unit, or another one: the record changes (resolved on writing).
                    merged.unit_id = unit_id if unit_id is not None else -1
            if _same(existing, merged) and not self.links_change(existing, plan):
                plan.action = "unchanged"
            else:
                plan.action = "update"
                plan.before = existing
            plan.record = merged
        else:
            plan.record = record
        if kind == "people" and isinstance(plan.record, Person):
            # 0 for someone this file adds; else the stored person the row turned out to be.
            self.people_in_file.setdefault(plan.record.name, matches[0] if matches else 0)
        return plan

    def validate(self, record: Record) -> None:
        if isinstance(record, Person):
            validation.validate_person(record)
        elif isinstance(record, Activity):
            validation.validate_activity(record)
        elif isinstance(record, Award):
            record_for_check = dataclasses.replace(record)
            if record_for_check.person_id is None and record_for_check.unit_id is None:
                # The winner is known by name here; it is resolved to a record on writing.
                record_for_check.team = record_for_check.team or "待定"
            validation.validate_award(record_for_check)
            record.name = record_for_check.name
        elif isinstance(record, Unit):
            validation.validate_unit(record, name_taken=lambda _n, _i: False)

    def links_change(self, existing: Record, plan: RowPlan) -> bool:
        if not isinstance(existing, Activity) or not plan.people_names:
            return False
        wanted = set(existing.person_ids)
        for name in plan.people_names:
            ids = self.store.imports.people_named(name)
            if len(ids) == 1:
                wanted.add(ids[0])
            elif not ids and name in self.people_in_file:
                return True  # someone this file adds: a new link
        return wanted != set(existing.person_ids)

    def matches(self, kind: str, record: Record, plan: RowPlan) -> list[int]:
        if isinstance(record, Person):
            return self.store.imports.match_person(
                id_number=record.id_number, name=record.name,
                birth_date=record.birth_date, phone=record.phone,
            )  # fmt: skip
        if isinstance(record, Activity):
            return self.store.imports.match_activity(record.title, record.start_date)
        if isinstance(record, Award):
            winner = plan.winner_person or record.team or plan.unit_name
            return self.store.imports.match_award(record.name, record.award_date, winner)
        if isinstance(record, Unit):
            found = self.unit_id(record.name)
            return [] if found is None else [found]
        return []

    # -- converting cells to a record -----------------------------------------------

    def convert(
        self, kind: str, cells: dict[str, object], plan: RowPlan,
        problem: Callable[[str, str], None],
    ) -> tuple[Record, bool]:  # fmt: skip
        ok = True
        values: dict[str, Any] = {}

        def take(name: str, parser: Callable[[object], object]) -> None:
            nonlocal ok
            if name not in cells:
                return
            result = parser(cells[name])
            if isinstance(result, v.Problem):
                problem(name, result.message)
                ok = False
            elif result is not None and result != "" and result != []:
                values[name] = result

        text = v.parse_text
        if kind == "people":
            take("name", v.parse_name)
            take("gender", lambda x: v.parse_gender(x))
            take("birth_date", lambda x: v.parse_date(x, allow_month=True, datemode=self.datemode))
            take("ethnicity", text)
            take("id_number", v.parse_id_number)
            take("phone", v.parse_phone)
            take("title", lambda x: v.parse_choice(x, TITLES, v.TITLE_SYNONYMS))
            take("education", lambda x: v.parse_choice(x, EDUCATIONS, v.EDUCATION_SYNONYMS))
            take("speciality", text)
            take("roles", lambda x: v.parse_list(x, ROLES, v.ROLE_SYNONYMS))
            # 入会时间 is often known to the month only (2019.9, 2019年9月).
            take("join_date", lambda x: v.parse_date(x, allow_month=True, datemode=self.datemode))
            take("status", lambda x: v.parse_choice(x, PERSON_STATUSES, v.STATUS_SYNONYMS))
            take("notes", text)
            plan.unit_name = text(cells.get("unit"))
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
            if values.get("ethnicity") and not str(values["ethnicity"]).endswith("族"):
                values["ethnicity"] = f"{values['ethnicity']}族"
            record: Record = Person(**values)
        elif kind == "activities":
            take("title", text)
            take("category", lambda x: v.parse_choice(x, CATEGORIES, v.CATEGORY_SYNONYMS))
            take("start_date", lambda x: v.parse_date(x, datemode=self.datemode))
            take("end_date", lambda x: v.parse_date(x, datemode=self.datemode))
            take("co_organisers", text)
            take("place", text)
            take("audience", lambda x: v.parse_list(x, AUDIENCES, v.AUDIENCE_SYNONYMS))
            for name in ("participants", "reports", "problems_solved", "technologies_promoted",
                         "articles", "messages", "youth_participants", "papers",
                         "materials"):  # fmt: skip
                take(name, lambda x: v.parse_int(x))
            take("highlight", v.parse_bool)
            take("planned", v.parse_bool)
            take("form", lambda x: v.parse_choice(x, ACTIVITY_FORMS, v.ACTIVITY_FORM_SYNONYMS))
            take("campaigns", lambda x: v.parse_list(x, CAMPAIGNS, v.CAMPAIGN_SYNONYMS))
            take(
                "description",
                lambda x: (
                    "" if x is None else str(x).replace("\r\n", "\n").replace("\r", "\n").strip()
                ),
            )
            take("notes", text)
            plan.unit_name = text(cells.get("unit"))
            if plan.unit_name in _OWN_ORGANISATION:
                # The ledger writes 「本会」 for activities the association ran itself.
                plan.unit_name = ""
            listed = text(cells.get("people"))
            for mark in ("，", ",", "；", ";", "/"):
                listed = listed.replace(mark, "、")
            # Names are split on list marks only: 「张  三」 padded in Excel is one person.
            plan.people_names = ["".join(n.split()) for n in listed.split("、") if n.strip()]
            for name in plan.people_names:
                if (
                    len(self.store.imports.people_named(name)) != 1
                    and name not in self.people_in_file
                ):
                    self.plan.notes.append(
                        f"活动“{values.get('title', '')}”的参与人员“{name}”不在人员名单中"
                        "或有同名的人，未关联"
                    )
            record = Activity(**values)
        elif kind == "awards":
            take("name", text)
            take("level", lambda x: v.parse_choice(x, AWARD_LEVELS, v.AWARD_LEVEL_SYNONYMS))
            take("award_date", lambda x: v.parse_date(x, datemode=self.datemode))
            take("issuer", text)
            take("certificate_no", text)
            take("notes", text)
            take("note", text)
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
                known_unit = (
                    self.unit_id(collective) is not None
                    or collective in self.plan.new_units
                    or collective in self.units_in_file
                )
                kind_word = kind_word or ("单位" if known_unit else "集体")
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
                elif (
                    "单位" in kind_word
                    or self.unit_id(winner) is not None
                    or winner in self.plan.new_units
                    or winner in self.units_in_file
                ):
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
        else:
            take("name", text)
            take("kind", lambda x: v.parse_choice(x, UNIT_KINDS, v.UNIT_KIND_SYNONYMS))
            take("established_date", lambda x: v.parse_date(x, datemode=self.datemode))
            take("contact_person", text)
            take("contact_phone", v.parse_phone)
            take("member_count", lambda x: v.parse_int(x))
            take("founded_this_year", v.parse_bool)
            take("last_election_date", lambda x: v.parse_date(x, datemode=self.datemode))
            take("next_election_due", lambda x: v.parse_date(x, datemode=self.datemode))
            take("notes", text)
            record = Unit(**values)
            if not record.kind:
                record.kind = guess_unit_kind(record.name)
            self.units_in_file.add(record.name)
        if plan.unit_name and kind in ("people", "activities", "awards"):
            self.note_unit(plan.unit_name)
        return record, ok

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
        if validation.text_problem(name):
            return  # the row is reported invalid (plan_row); no unit is made of that name
        if self.unit_id(name) is None and name not in self.plan.new_units:
            self.plan.new_units[name] = Unit(name=name, kind=guess_unit_kind(name))


def _copy(record: R) -> R:
    """A record to change without touching the original: its lists are the only shared parts.

    (copy.deepcopy did the same at ten times the cost, which a 50,000-row roster feels.)"""
    duplicate = copy.copy(record)
    for name, value in vars(duplicate).items():
        if isinstance(value, list):
            setattr(duplicate, name, list(value))
    return duplicate


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


def _header(layout: Layout, column: int | None, kind: str, name: str) -> str:
    if column is not None and column < len(layout.headers) and layout.headers[column]:
        return layout.headers[column]
    return FIELD_LABELS[kind].get(name) or validation.label(name, kind)


def _key(kind: str, record: Record, plan: RowPlan) -> tuple[str, ...]:
    if isinstance(record, Person):
        if record.id_number:
            return ("id", record.id_number)
        return ("person", record.name, record.birth_date or "", record.phone)
    if isinstance(record, Activity):
        return ("activity", record.title, record.start_date)
    if isinstance(record, Award):
        return ("award", record.name, record.award_date or "",
                plan.winner_person or record.team or plan.unit_name)  # fmt: skip
    if isinstance(record, Unit):
        return ("unit", record.name)
    return ("?",)


_NEVER_MERGED = {"id", "uuid", "created_at", "updated_at"}


def _merge(existing: Record, imported: Record, cells: Mapping[str, object]) -> Record:
    """The stored record with the imported values laid over it; a blank cell keeps what is
    stored."""
    merged: Record = _copy(existing)
    defaults = type(imported)()
    for f in dataclasses.fields(imported):
        if f.name in _NEVER_MERGED or f.name == "person_ids":
            continue
        value = getattr(imported, f.name)
        if value == getattr(defaults, f.name) and v.parse_text(cells.get(f.name)) == "":
            continue  # not given in the file
        if value in (None, "", []):
            continue
        setattr(merged, f.name, value)
    return merged


def _same(a: Record, b: Record) -> bool:
    return a.to_row() == b.to_row()


# -- writing ----------------------------------------------------------------------------


def apply(
    store: Store,
    plan: ImportPlan,
    *,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Write the plan in one transaction as one import batch; all or nothing."""
    problems = plan.problems
    if problems and not skip_invalid:
        raise ImportFailed(
            f"文件中有{len(problems)}处问题，没有导入任何数据。请改正后重新导入，"
            "或选择“只导入没有问题的行”。"
        )
    rows = [
        (sheet, row)
        for kind in WRITE_ORDER
        for sheet in plan.sheets
        if sheet.kind == kind
        for row in sheet.rows
        if row.action in ("add", "update")
    ]
    total = len(rows) + len(plan.new_units) or 1
    counts: Counter[str] = Counter()
    try:
        with store.transaction():
            batch = store.imports.begin_batch(plan.path.name)
            with store.imports.lists_refreshed_after(batch):
                _write_rows(store, plan, rows, batch, counts, total, progress)
            invalid = sum(1 for s in plan.sheets for r in s.rows if r.action == "invalid")
            result = ImportResult(batch, counts["add"], counts["update"], counts["unit"], invalid)
            store.imports.finish_batch(batch, result.summary())
    except validation.ValidationError as exc:
        raise ImportFailed(f"写入时发现问题，没有导入任何数据：{exc}") from exc
    except (StoreError, sqlite3.Error) as exc:
        raise ImportFailed(f"写入时出错，没有导入任何数据：{exc}") from exc
    if progress:
        progress(total, total)
    return result


def _write_rows(
    store: Store, plan: ImportPlan, rows: list[tuple[SheetPlan, RowPlan]], batch: int,
    counts: Counter[str], total: int, progress: Progress | None,
) -> None:  # fmt: skip
    units: dict[str, int] = {}
    defined = _units_defined_in_file(plan)
    for name, unit in plan.new_units.items():
        if store.lists.unit_id_by_name(name) is None and name not in defined:
            new_unit = store.records.save(_copy(unit))
            store.imports.record_change(batch, new_unit, None)
            assert new_unit.id is not None
            units[name] = new_unit.id
            counts["unit"] += 1
    people: dict[str, int] = {}
    changes: list[tuple[Record, Record | None]] = []
    for done, (sheet, row) in enumerate(rows, start=1):
        record = _copy(row.record)
        assert record is not None and sheet.kind is not None
        _resolve_links(store, sheet.kind, record, row, units, people)
        saved = store.records.save(record, checked=True)
        changes.append((saved, row.before))
        if len(changes) >= 1000:
            store.imports.record_changes(batch, changes)
            changes.clear()
        counts[row.action] += 1
        if isinstance(saved, Unit) and saved.id is not None:
            units[saved.name] = saved.id
        if isinstance(saved, Person) and saved.id is not None:
            people.setdefault(saved.name, saved.id)
        if progress and done % 500 == 0:
            progress(done, total)
    store.imports.record_changes(batch, changes)


def _units_defined_in_file(plan: ImportPlan) -> set[str]:
    """Units the file's own units sheet adds: they are written from there, not made up."""
    return {
        r.record.name
        for s in plan.sheets
        for r in s.rows
        if isinstance(r.record, Unit) and r.action in ("add", "update")
    }


def _resolve_links(
    store: Store, kind: str, record: Record, row: RowPlan, units: dict[str, int],
    people: dict[str, int],
) -> None:  # fmt: skip
    def unit_id(name: str) -> int | None:
        return units.get(name) or store.lists.unit_id_by_name(name)

    if isinstance(record, Person | Activity) and record.unit_id == -1:
        record.unit_id = None  # the planner's mark for a unit to be created: set just below
    if isinstance(record, Person) and row.unit_name:
        record.unit_id = unit_id(row.unit_name)
    elif isinstance(record, Activity):
        if row.unit_name:
            record.unit_id = unit_id(row.unit_name)
        ids = list(record.person_ids)
        for name in row.people_names:
            found = store.imports.people_named(name)
            pid = people.get(name) or (found[0] if len(found) == 1 else None)
            if pid is not None and pid not in ids:
                ids.append(pid)
        record.person_ids = ids
    elif isinstance(record, Award):
        if row.unit_name:
            record.unit_id = unit_id(row.unit_name)
        elif row.winner_person:
            found = store.imports.people_named(row.winner_person, row.winner_person_unit)
            new_id = people.get(row.winner_person)
            record.person_id = (
                new_id if new_id is not None else (found[0] if len(found) == 1 else None)
            )
