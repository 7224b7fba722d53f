"""Planning an import: read the file, recognise each sheet, and plan every row (added,
updated, unchanged, skipped, or with a problem named by sheet, row and column) without writing
anything. write.py then writes the plan; report.py words it for the clerk.

A row's cells become a record through convert.py (the parser of each declared field's kind);
here the record is checked, matched against what is stored and merged with it.
"""

from __future__ import annotations

import copy
import dataclasses
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from kexie_desktop.core import validation
from kexie_desktop.core.importing import report
from kexie_desktop.core.importing import values as v
from kexie_desktop.core.importing.convert import Column, Converter, record_type
from kexie_desktop.core.importing.mapping import (
    COMPLETE_SUFFIX,
    EXAMPLE_MARK,
    FIELD_LABELS,
    IGNORED_HEADERS,
    REQUIRED,
    SUBORDINATE_PREFIX,
    TOTAL_WORDS,
    Layout,
    detect_layout,
    normalize_header,
)
from kexie_desktop.core.importing.readers import RawSheet, ReadError, read_file
from kexie_desktop.core.privacy import mask_in_text
from kexie_desktop.core.records import Activity, Award, Person, Record, Unit
from kexie_desktop.core.store import Store

Progress = Callable[[int, int], None]
R = TypeVar("R")
# The order in which kinds are written: units first, since the others point at them.
WRITE_ORDER = ("units", "people", "activities", "awards")


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
        return mask_in_text(f"{report.where(self.sheet, self.row, self.column)}：{self.message}")


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
        return report.mapping_text(self)


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
        return report.plan_report(self)


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


def _report_formula_rows(sheet: RawSheet, layout: Layout, out: SheetPlan) -> None:
    """Rows that read as blank only because their formulas were never calculated: said, not
    dropped silently."""
    rows = [r for r in sheet.formula_rows if r > layout.header_row + 1]
    if not rows:
        return
    out.rows.extend(
        RowPlan(r, "invalid", problems=[Issue(sheet.name, r, "", report.UNCACHED_FORMULAS)])
        for r in rows
    )
    out.rows.sort(key=lambda r: r.row)


class _Planner(Converter):
    def __init__(self, store: Store, plan: ImportPlan):
        super().__init__(store, plan)
        # Records planned from this file, by their matching key, to catch a row given twice.
        self.seen: dict[tuple[str, ...], int] = {}

    def plan_sheet(self, sheet: RawSheet, layout: Layout, out: SheetPlan) -> None:
        kind = layout.kind
        required = REQUIRED[kind]
        columns = {f: c for c, f in layout.mapping.items()}
        units = layout.units()  # 「经费（万元）」: its bare numbers are 万元
        self.columns = {
            f: Column(sheet.datemode, units[c][1] if c in units else 1)  # 1904 dates: datemode 1
            for f, c in columns.items()
        }
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
            existing = self.store.records.get(record_type(kind), matches[0])
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


def copy_record(record: R) -> R:
    """A record to change without touching the original: its lists are the only shared parts.

    (copy.deepcopy did the same at ten times the cost, which a 50,000-row roster feels.)"""
    duplicate = copy.copy(record)
    for name, value in vars(duplicate).items():
        if isinstance(value, list):
            setattr(duplicate, name, list(value))
    return duplicate


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
    merged: Record = copy_record(existing)
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
