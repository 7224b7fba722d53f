"""Bringing a clerk's existing Excel or CSV file into the database.

check() reads the file and plans every row (added, updated, unchanged, skipped, or with a
problem named by sheet, row and column) without writing anything; apply() then writes the plan
in one transaction, as one import batch that can be undone as a whole.

The work is in four rooms: plan.py (reading and planning), convert.py (cells to a record, one
parser per kind of declared field), write.py (the transaction) and report.py (the words); this
module is the door the command line, the window and the self-test come in by.
"""

from __future__ import annotations

from kexie_desktop.core.importing.convert import guess_unit_kind
from kexie_desktop.core.importing.plan import (
    WRITE_ORDER,
    ImportFailed,
    ImportPlan,
    Issue,
    RowPlan,
    SheetPlan,
    check,
    unmapped_columns,
)
from kexie_desktop.core.importing.write import ImportResult, apply

__all__ = [
    "WRITE_ORDER",
    "ImportFailed",
    "ImportPlan",
    "ImportResult",
    "Issue",
    "RowPlan",
    "SheetPlan",
    "apply",
    "check",
    "guess_unit_kind",
    "unmapped_columns",
]
