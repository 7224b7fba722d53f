"""A blank import workbook for clerks who start fresh: one sheet per kind of record, with the
headers the importer knows and one example row of invented data.

The example row's 备注 starts with EXAMPLE_MARK: a clerk who fills the sheet below it and
forgets to delete it does not import 张三 (the importer skips the row and says so). The example
description does not start with the date: the summary's heading and the record already carry
it, and a description that repeats it reads twice in the summary."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from kexie_desktop.core import fields
from kexie_desktop.core.importing.mapping import EXAMPLE_MARK

_NOTE = f"{EXAMPLE_MARK}填写示例，导入时自动跳过，可删除此行"

# The sheets, in the order a clerk fills them; their columns and example cells are the
# declared fields' (core/fields.py), in declaration order.
SHEETS = (("人员花名册", "people"), ("活动", "activities"), ("获奖情况", "awards"),
          ("基层组织", "units"))  # fmt: skip
# Kept whole as text, so Excel does not turn them into numbers: typed as numbers, an 18-digit
# ID loses its last digits.
_TEXT_KINDS = (fields.ID_NUMBER, fields.PHONE)


def example_row(kind: str) -> dict[str, object]:
    """Header → example cell of a kind's template sheet."""
    row = {}
    for f in fields.imported(kind):
        if f.template:
            row[f.header] = _NOTE if f.key == "notes" else f.example
    return row


def write_template(target: BinaryIO | Path) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for title, kind in SHEETS:
        sheet = workbook.create_sheet(title)
        declared = [f for f in fields.imported(kind) if f.template]
        example = example_row(kind)
        sheet.append(list(example))
        sheet.append(list(example.values()))
        for index, cell in enumerate(sheet[1], start=1):
            cell.font = bold
            cell.fill = fill
            cell.alignment = Alignment(horizontal="center")
            width = max(10, len(str(sheet.cell(2, index).value or "")) * 2 + 2)
            sheet.column_dimensions[cell.column_letter].width = min(width, 40)
        for column, f in enumerate(declared, start=1):
            if f.kind in _TEXT_KINDS:
                for row in range(2, 1001):
                    sheet.cell(row, column).number_format = "@"
        sheet.freeze_panes = "A2"
    workbook.save(target)
