"""The ledgers (台账) of a year as one Excel workbook: activities, people, awards, units.

Each kind has two sheets. The printed sheet (活动台账, 人员花名册, 获奖情况, 基层组织) holds the
columns a reader of the paper ledger needs, sized to fit A4 landscape at 100 % (PRINT_WIDTH), so
10.5 pt text prints at 10.5 pt — the former 19-column sheet printed at about 50 %, 5 pt — with
long text wrapped in one wide column and each row as tall as its text. The complete sheet
(「…（完整）」) keeps every field, for looking things up and for importing back; it is not
meant for printing. Outcome figures that are 0 and unknown 人次 are blank cells in both.

openpyxl, in write-only mode, writes the frame of every sheet: the title and header rows, the
styles, column widths, frozen panes, print set-up, repeated print titles, header and footer.
The data rows are then streamed from the database straight into each sheet's XML, referring to
cell styles openpyxl registered. A styled openpyxl cell costs some 20 µs to build and write, and
a year of 100,000 activities is two million cells: about 40 s for that sheet alone on the
benchmark machine, where the streamed workbook takes under 10 s (bench/bench_ledger.py).
Memory stays flat either way, as rows are never held together.

The complete sheets' columns come from the field declarations (core/fields.py); the printed
sheets' are declared here, each column with its value. About 600 lines: the sheet layouts, the
streamed row writer and the frame belong to one file format and change together.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, BinaryIO, cast

# The complete sheet of a kind is named after its printed sheet plus this; the importer reads
# the complete sheet and skips the printed one.
from kexie_desktop.core import fields
from kexie_desktop.core.importing.mapping import COMPLETE_SUFFIX
from kexie_desktop.core.privacy import mask_id_number, mask_phone
from kexie_desktop.core.store import Store

Progress = Callable[[int, int], None]

# How many rows go to the zip stream at once, and how often progress is reported.
_CHUNK_ROWS = 1000

# Excel's day 0 for the 1900 date system; dates before 1900-03-01 fall into its leap-year bug
# and are written as text instead (no real ledger date is that old).
_EXCEL_EPOCH = dt.date(1899, 12, 30).toordinal()
_FIRST_SAFE_DATE = dt.date(1900, 3, 1)

# Characters XML 1.0 cannot carry; pasted text from other programs sometimes has them.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NEEDS_CARE = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EXCEL_TEXT_LIMIT = 32767

# The body font (宋体 10.5 pt) takes about 14 pt a line; Excel allows rows up to 409 pt.
_LINE_HEIGHT = 14
_MAX_LINES = 29

_STYLE_KINDS = ("wrap", "center", "number", "date", "month", "secret", "money")


class _Month(dt.date):
    """A birth date known only to the month, shown as 1975-03."""


Row = dict[str, Any]
# A column's value: a Python expression over the ledger query's `row` (and `full`, whether ID
# numbers and phones are shown in full), written by this module from declared keys only.
Expr = str


@dataclass(frozen=True)
class _Column:
    header: str
    width: float
    style: str
    value: Expr


@dataclass(frozen=True)
class _Sheet:
    name: str
    kind: str  # the store's ledger kind
    title: str  # after the organisation and year
    yearly: bool  # only the records of the year, or all of them
    columns: tuple[_Column, ...]  # after the 序号 column
    personal: bool = False  # holds ID numbers or phones
    printed: bool = False  # laid out for A4 landscape; else the complete, unprinted sheet

    @cached_property
    def values(self) -> Callable[[int, Row, bool], list[object]]:
        """The row's cells, as one function made from the columns' expressions. A function per
        cell cost 2.5 s more on the benchmark's 100,000 activities (12.5 s instead of 10 s):
        every cell of the workbook passes through here."""
        cells = ", ".join(column.value for column in self.columns)
        function = eval(f"lambda n, row, full: [n, {cells}]", dict(_HELPERS))
        return cast(Callable[[int, Row, bool], list[object]], function)


# The width, in Excel's column units, that fits A4 landscape at 100 % between the margins
# below: 297 mm less 2 × 0.4 in is about 784 pt, and a column of width w takes about
# (7 w + 5) px = (7 w + 5) × 0.75 pt.
PRINT_WIDTH = 140


def _date(text: object) -> object:
    """ISO text from the database as a date; anything unreadable stays as the clerk typed it."""
    if not isinstance(text, str) or not text:
        return text
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        if len(text) == 7:
            day = dt.date.fromisoformat(f"{text}-01")
            return _Month(day.year, day.month, 1)
    except ValueError:
        pass
    return text


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _yes(flag: object) -> str:
    return "是" if flag else ""


def _count(value: object) -> object:
    """An outcome figure: 0 is a blank cell, as on a paper ledger."""
    return None if value in (0, None) else value


def _yuan(fen: object) -> object:
    """Integer fen as yuan, a number the cell shows with two decimals; unknown is blank."""
    return None if fen is None else int(str(fen)) / 100


def _outcomes(row: Row) -> str:
    """「调研报告/建议2篇、短信300条」: the outcome figures in words, for the printed sheet."""
    return "、".join(
        f.tally.format(fields.amount_text(f, row[f.key]))
        for f in fields.of("activities")
        if f.tally and row.get(f.key)
    )


def _when(row: Row) -> str:
    """「3月5日」「5月17日至24日」: the year is in the sheet's title."""
    from kexie_desktop.core.summary.text import date_span

    try:
        return date_span(str(row["start_date"]), row["end_date"])
    except ValueError:  # a date another tool stored badly: shown as it is
        return str(row["start_date"])


def _key(key: str) -> Expr:
    return f"row[{key!r}]"


def _day(key: str) -> Expr:
    return f"_date({_key(key)})"


def _masked(mask: str, key: str) -> Expr:
    return f"(_text({_key(key)}) if full else {mask}(_text({_key(key)})))"


# By the kind of a declared field: how its complete-sheet cell is styled and what it holds.
_KIND_STYLES = {
    fields.DATE: "date", fields.MONTH: "date", fields.COUNT: "number",
    fields.OPTIONAL_COUNT: "number", fields.COMPUTED: "number", fields.MONEY: "money",
    fields.ID_NUMBER: "secret", fields.PHONE: "secret", fields.FLAG: "center",
}  # fmt: skip


def _getter(f: fields.Field) -> Expr:
    source = (f.ledger.source if f.ledger else "") or f.key
    if f.kind in (fields.DATE, fields.MONTH):
        return _day(source)
    if f.kind == fields.COUNT:
        return f"_count({_key(source)})"
    if f.kind == fields.MONEY:
        return f"_yuan({_key(source)})"
    if f.kind == fields.FLAG:
        return f"_yes({_key(source)})"
    if f.kind == fields.ID_NUMBER:
        return _masked("mask_id_number", source)
    if f.kind == fields.PHONE:
        return _masked("mask_phone", source)
    if f.ledger and f.ledger.blank:
        return f"({_key(source)} or {f.ledger.blank!r})"
    return _key(source)


def _complete_columns(kind: str) -> tuple[_Column, ...]:
    """Every declared field with a ledger column, in declaration order."""
    columns = []
    for f in fields.ledger(kind):
        assert f.ledger is not None
        style = f.ledger.style or _KIND_STYLES.get(f.kind, "wrap")
        columns.append(_Column(f.ledger_header, f.ledger.width, style, _getter(f)))
    return tuple(columns)


def _c(header: str, width: float, style: str, value: Expr) -> _Column:
    return _Column(header, width, style, value)


# What the columns' expressions may call.
_HELPERS: dict[str, Any] = {
    "_date": _date, "_count": _count, "_yes": _yes, "_yuan": _yuan, "_text": _text,
    "_when": _when, "_outcomes": _outcomes, "mask_phone": mask_phone,
    "mask_id_number": mask_id_number,
}  # fmt: skip

# The printed sheets: the columns a reader of the paper ledger needs, each declared with its
# value, sized to PRINT_WIDTH.
_PRINTED = (
    _Sheet("活动台账", "activities", "活动台账", True, (
        _c("日期", 10, "center", "_when(row)"),
        _c("活动名称", 22, "wrap",
           "('（计划）' + str(row['title']) if row['planned'] else row['title'])"),
        _c("类别", 8, "center", _key("category")),
        _c("主办单位", 14, "wrap", "(row['unit_name'] or '本会')"),
        _c("地点", 10, "wrap", _key("place")),
        _c("参加人次", 6, "number", _key("participants")),
        _c("重点", 4, "center", "_yes(row['highlight'])"),
        _c("主要成效", 12, "wrap", "_outcomes(row)"),
        _c("情况说明", 44, "wrap", _key("description")),
    ), printed=True),
    _Sheet("人员花名册", "people", "人员花名册", False, (
        _c("姓名", 8, "center", _key("name")),
        _c("性别", 4, "center", _key("gender")),
        _c("出生日期", 10, "date", _day("birth_date")),
        _c("工作单位", 24, "wrap", _key("unit_name")),
        _c("职称", 7, "center", _key("title")),
        _c("学历", 10, "center", _key("education")),
        _c("专业", 13, "wrap", _key("speciality")),
        _c("身份", 14, "wrap", _key("roles")),
        _c("联系电话", 13, "secret", _masked("mask_phone", "phone")),
        _c("入会日期", 10, "date", _day("join_date")),
        _c("状态", 5, "center", _key("status")),
    ), personal=True, printed=True),
    _Sheet("获奖情况", "awards", "获奖情况", True, (
        _c("获奖日期", 10, "date", _day("award_date")),
        _c("奖项名称", 28, "wrap", _key("name")),
        _c("级别", 7, "center", _key("level")),
        _c("获奖者", 20, "wrap", _key("winner")),
        _c("所在单位", 22, "wrap", _key("winner_unit")),
        _c("颁发单位", 26, "wrap", _key("issuer")),
        _c("获奖说明", 18, "wrap", _key("note")),
    ), printed=True),
    _Sheet("基层组织", "units", "基层组织台账", False, (
        _c("单位名称", 28, "wrap", _key("name")),
        _c("类型", 12, "center", _key("kind")),
        _c("成立日期", 10, "date", _day("established_date")),
        _c("联系人", 8, "center", _key("contact_person")),
        _c("联系电话", 13, "secret", _masked("mask_phone", "contact_phone")),
        _c("会员人数", 7, "number", _key("member_count")),
        _c("在册人员", 7, "number", _key("people_count")),
        _c("本年新建", 6, "center", "_yes(row['founded_this_year'])"),
        _c("备注", 30, "wrap", _key("notes")),
    ), personal=True, printed=True),
)  # fmt: skip
# The complete sheets hold every declared field (core/fields.py), for looking up and importing.
_COMPLETE = (
    _Sheet("活动台账" + COMPLETE_SUFFIX, "activities", "活动台账", True,
           _complete_columns("activities")),
    _Sheet("人员花名册" + COMPLETE_SUFFIX, "people", "人员花名册", False,
           _complete_columns("people"), personal=True),
    _Sheet("获奖情况" + COMPLETE_SUFFIX, "awards", "获奖情况", True, _complete_columns("awards")),
    _Sheet("基层组织" + COMPLETE_SUFFIX, "units", "基层组织台账", False,
           _complete_columns("units"), personal=True),
)  # fmt: skip
_SHEETS = _PRINTED + _COMPLETE
_NUMBER_COLUMN = _Column("序号", 6, "center", "n")  # the values() function numbers the rows
_ORG_COLUMN = _Column("报送组织", 18, "wrap", _key("org_name"))

# With subordinates: their activities and awards of the year, each row naming the organisation
# that reported it, on sheets of their own after the organisation's own (which stay as they are).
_SUBORDINATES = (
    _Sheet("下级组织活动", "sub_activities", "下级组织报送的活动", True,
           (_ORG_COLUMN, *_COMPLETE[0].columns)),
    _Sheet("下级组织获奖", "sub_awards", "下级组织报送的获奖情况", True,
           (_ORG_COLUMN, *_COMPLETE[2].columns)),
)  # fmt: skip


def _all_columns(sheet: _Sheet) -> tuple[_Column, ...]:
    """The sheet's columns with the 序号 before them (narrower on a printed sheet)."""
    number = _Column("序号", 5, "center", _NUMBER_COLUMN.value) if sheet.printed else _NUMBER_COLUMN
    return (number, *sheet.columns)


class _RowWriter:
    """Turns rows of values into sheet XML, each cell with its column's registered style.

    This is the loop every cell of the workbook passes through, hence the pieces of XML made in
    advance and the exact type tests: the database gives str, int, float or None.
    """

    def __init__(self, columns: Sequence[_Column], style_ids: dict[str, int]):
        from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

        self._cells = []
        for i, column in enumerate(columns, 1):
            style = style_ids[column.style]
            self._cells.append(
                (
                    f'<c r="{get_column_letter(i)}',
                    f'" s="{style}"/>',
                    f'" s="{style}" t="inlineStr"><is><t',
                    f'" s="{style}"><v>',
                )
            )
        self._month = f'" s="{style_ids["month"]}"><v>'
        # Rows with a text cut to Excel's limit of 32,767 characters in a cell.
        self.cut: list[int] = []
        # Room for text in a wrapped column, in Excel's width units (a Chinese character is two).
        self._wrapped = [
            (i, column.width - 1) for i, column in enumerate(columns) if column.style == "wrap"
        ]

    def row(self, number: int, values: Sequence[object]) -> str:
        r = str(number)
        lines = self._lines(values)
        # A height without customHeight: LibreOffice would otherwise draw wrapped text over the
        # rows below, while Excel and WPS still treat the row as auto-fitting when it is edited.
        parts = [
            f'<row r="{r}" ht="{lines * _LINE_HEIGHT + 3}">' if lines > 1 else f'<row r="{r}">'
        ]
        append = parts.append
        for (start, empty, text, number_), value in zip(self._cells, values, strict=True):
            kind = type(value)
            if isinstance(value, str):
                if len(value) > _EXCEL_TEXT_LIMIT:
                    self.cut.append(number)
                if value:
                    append(f"{start}{r}{text}{_xml_text(value)}</t></is></c>")
                else:
                    append(f"{start}{r}{empty}")
            elif value is None:
                append(f"{start}{r}{empty}")
            elif kind is int:
                append(f"{start}{r}{number_}{value}</v></c>")
            elif isinstance(value, dt.date) and value >= _FIRST_SAFE_DATE:
                serial = value.toordinal() - _EXCEL_EPOCH
                style = self._month if kind is _Month else number_
                append(f"{start}{r}{style}{serial}</v></c>")
            elif isinstance(value, float) and math.isfinite(value):
                append(f"{start}{r}{number_}{value!r}</v></c>")
            else:
                append(f"{start}{r}{text}{_xml_text(_as_text(value))}</t></is></c>")
        append("</row>")
        return "".join(parts)

    def _lines(self, values: Sequence[object]) -> int:
        """How many lines the row needs, estimated from the longest wrapped text."""
        most = 1
        for i, room in self._wrapped:
            text = values[i]
            if type(text) is not str or (len(text) * 2 <= room and "\n" not in text):
                continue
            lines = 0
            for paragraph in text.split("\n"):
                # In GB 18030 a Chinese character takes two bytes and a Latin one byte, as the
                # characters take two and one units of an Excel column width.
                width = len(paragraph.encode("gb18030", "replace"))
                lines += max(1, math.ceil(width / room))
            most = max(most, lines)
        return min(most, _MAX_LINES)


def _as_text(value: object) -> str:
    if isinstance(value, _Month):
        return value.isoformat()[:7]
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _xml_text(text: str) -> str:
    """The end of a <t> start tag and the text, escaped, cleaned and cut to Excel's limit."""
    if _NEEDS_CARE.search(text):
        text = _ILLEGAL_XML.sub("", text)[:_EXCEL_TEXT_LIMIT]
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    elif len(text) > _EXCEL_TEXT_LIMIT:
        text = text[:_EXCEL_TEXT_LIMIT]
    # Without this, Excel drops spaces and line breaks at either end of the text.
    if text[:1].isspace() or text[-1:].isspace():
        return f' xml:space="preserve">{text}'
    return f">{text}"


def write_ledger(
    store: Store,
    year: int,
    target: BinaryIO | str,
    *,
    full_ids: bool = False,
    with_subordinates: bool = False,
    progress: Progress | None = None,
    notes: list[str] | None = None,
) -> dict[str, int]:
    """Write the year's ledger workbook to `target`; returns the data rows written per sheet.

    ID-card numbers and phones are masked unless `full_ids`. `progress(done, total)` is called
    every thousand rows and at the end. `with_subordinates` adds the sheets of the records
    subordinate organisations reported (_SUBORDINATES). Callers wanting a whole-or-absent file
    write to a temporary file (see safe_write); this writes straight through. `notes` receives
    what the clerk should know about the result (texts cut to Excel's limit).
    """
    org = store.settings.profile().org_name
    specs = _SHEETS + _SUBORDINATES if with_subordinates else _SHEETS
    total = sum(store.ledger.count(s.kind, year if s.yearly else None) for s in specs)
    frame, paths, style_ids = _frame(org, year, full_ids, specs)

    written: dict[str, int] = {}
    done = 0
    with (
        zipfile.ZipFile(io.BytesIO(frame)) as source,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, info.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            data = source.read(info)
            sheet = paths.get(info.filename)
            if sheet is None:
                out.writestr(entry, data)
                continue
            # The frame holds the title and header rows; the data rows go after them.
            end = data.index(b"</sheetData>")
            count = 0
            with out.open(entry, "w") as stream:
                stream.write(data[:end])
                cut: list[int] = []
                for chunk, rows in _data_rows(store, sheet, year, full_ids, style_ids, cut):
                    stream.write(chunk)
                    count += rows
                    if progress:
                        # Records added meanwhile must not push the bar past its end.
                        progress(done + count, max(total, done + count))
                stream.write(data[end:])
            if sheet.printed or sheet in _SUBORDINATES:  # a complete sheet repeats its rows
                written[sheet.name] = count
            done += count
            if cut and notes is not None:
                shown = "、".join(str(r) for r in cut[:10]) + ("等" if len(cut) > 10 else "")
                notes.append(
                    f"“{sheet.name}”第{shown}行有文字超过Excel单元格的上限"
                    f"（{_EXCEL_TEXT_LIMIT}个字符），台账中只保留了前{_EXCEL_TEXT_LIMIT}个字符，"
                    "完整内容仍在程序中。"
                )
    if progress:
        progress(done, done)
    return written


def _data_rows(
    store: Store, sheet: _Sheet, year: int, full_ids: bool, style_ids: dict[str, int],
    cut: list[int] | None = None,
) -> Iterator[tuple[bytes, int]]:  # fmt: skip
    """The sheet's data rows as XML, a thousand at a time, with the number of rows in each.
    `cut` receives the rows where a text had to be cut to Excel's limit."""
    writer = _RowWriter(_all_columns(sheet), style_ids)
    if cut is not None:
        writer.cut = cut
    values = sheet.values
    parts: list[str] = []
    for n, row in enumerate(store.ledger.rows(sheet.kind, year if sheet.yearly else None), 1):
        parts.append(writer.row(n + 2, values(n, row, full_ids)))
        if len(parts) == _CHUNK_ROWS:
            yield _encode(parts), len(parts)
            parts = []
    if parts:
        yield _encode(parts), len(parts)


def _encode(parts: list[str]) -> bytes:
    # A lone surrogate (from text another tool stored badly) must not stop the export.
    return "".join(parts).encode("utf-8", "replace")


def _frame(
    org: str, year: int, full_ids: bool, specs: Sequence[_Sheet] = _SHEETS
) -> tuple[bytes, dict[str, _Sheet], dict[str, int]]:
    """The workbook without data rows; with each sheet's path in the zip and the data styles."""
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
    from openpyxl.styles import (  # type: ignore[import-untyped]
        Alignment,
        Border,
        Font,
        PatternFill,
        Side,
    )
    from openpyxl.utils import get_column_letter

    # Whatever the database holds (a restored or older one may hold control characters).
    org = _ILLEGAL_XML.sub("", org)
    wb: Any = Workbook(write_only=True)
    wb.properties.creator = "科协工作台"
    wb.properties.title = f"{org}{year}年工作台账"[:255]

    # Style objects are made once and shared: openpyxl keeps one copy of each per workbook.
    font_name = "宋体"
    body_font = Font(name=font_name, size=10.5)
    header_font = Font(name=font_name, size=11, bold=True)
    title_font = Font(name=font_name, size=16, bold=True)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_fill = PatternFill(fill_type="solid", start_color="DDEBF7", end_color="DDEBF7")
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
    title_alignment = Alignment(horizontal="center", vertical="center")
    aligned = {
        "wrap": Alignment(vertical="center", wrap_text=True),
        "center": centred,
        "number": Alignment(horizontal="right", vertical="center"),
        "money": Alignment(horizontal="right", vertical="center"),
        "date": Alignment(horizontal="center", vertical="center"),
        "month": Alignment(horizontal="center", vertical="center"),
        "secret": Alignment(horizontal="center", vertical="center"),
    }
    number_formats = {
        "date": "yyyy-mm-dd",
        "month": "yyyy-mm",
        # Text format, so a number retyped in Excel stays text and keeps all 18 digits.
        "secret": "@",
        "number": "0",
        "money": "0.00",
    }

    sheets: list[tuple[Any, _Sheet]] = []
    for spec in specs:
        ws = wb.create_sheet(spec.name)
        columns = _all_columns(spec)
        last = get_column_letter(len(columns))
        # Write-only sheets take widths, heights, panes and merges only before the first row.
        for i, column in enumerate(columns, 1):
            ws.column_dimensions[get_column_letter(i)].width = column.width
        ws.row_dimensions[1].height = 32
        ws.row_dimensions[2].height = 30
        ws.freeze_panes = "A3"
        ws.merged_cells.add(f"A1:{last}1")
        ws.print_title_rows = "1:2"
        if not spec.printed and spec not in _SUBORDINATES:
            ws.sheet_properties.tabColor = "A6A6A6"  # grey: kept for reference, not to print
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = 9  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0  # as many pages down as needed
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.page_margins.header = ws.page_margins.footer = 0.3
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"
        if full_ids and spec.personal:
            ws.oddHeader.right.text = "含完整身份证号码和电话，请妥善保管"

        suffix = (
            ""
            if spec.printed or spec in _SUBORDINATES
            else "（完整信息，供查询和导入，不用于打印）"
        )
        title = WriteOnlyCell(ws, value=f"{org}{year}年{spec.title}{suffix}")
        # Always text: an organisation name starting with "=" is not a formula.
        title.data_type = "s"
        title.font = title_font
        title.alignment = title_alignment
        ws.append([title])
        headers = []
        for column in columns:
            cell = WriteOnlyCell(ws, value=column.header)
            cell.font = header_font
            cell.border = border
            cell.fill = header_fill
            cell.alignment = centred
            headers.append(cell)
        ws.append(headers)
        sheets.append((ws, spec))

    style_ids: dict[str, int] = {}
    for kind in _STYLE_KINDS:
        proto = WriteOnlyCell(sheets[0][0])
        proto.font = body_font
        proto.border = border
        proto.alignment = aligned[kind]
        if kind in number_formats:
            proto.number_format = number_formats[kind]
        # Reading style_id registers the combination among the workbook's cell styles; the
        # streamed cells refer to it by this number.
        style_ids[kind] = proto.style_id

    buffer = io.BytesIO()
    wb.save(buffer)
    # Sheet paths are known once saved.
    paths = {ws.path.lstrip("/"): spec for ws, spec in sheets}
    return buffer.getvalue(), paths, style_ids


__all__ = ["write_ledger"]
