"""Writing an import plan: one transaction, one import batch that can be undone as a whole;
all or nothing. The plan comes from plan.py; the words for the clerk from report.py.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass

from kexie_desktop.core import validation
from kexie_desktop.core.importing import report
from kexie_desktop.core.importing.plan import (
    WRITE_ORDER,
    ImportFailed,
    ImportPlan,
    Progress,
    RowPlan,
    SheetPlan,
    copy_record,
)
from kexie_desktop.core.records import Activity, Award, Person, Record, Unit
from kexie_desktop.core.store import Store, StoreError


@dataclass(frozen=True)
class ImportResult:
    batch_id: int
    added: int
    updated: int
    units_created: int
    skipped: int

    def summary(self) -> str:
        return report.result_summary(self)


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
        raise ImportFailed(report.refused(len(problems)))
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
            new_unit = store.records.save(copy_record(unit))
            store.imports.record_change(batch, new_unit, None)
            assert new_unit.id is not None
            units[name] = new_unit.id
            counts["unit"] += 1
    people: dict[str, int] = {}
    changes: list[tuple[Record, Record | None]] = []
    for done, (sheet, row) in enumerate(rows, start=1):
        record = copy_record(row.record)
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
