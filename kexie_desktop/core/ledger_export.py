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
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

# The complete sheet of a kind is named after its printed sheet plus this; the importer reads
# the complete sheet and skips the printed one.
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

_STYLE_KINDS = ("wrap", "center", "number", "date", "month", "secret")


class _Month(dt.date):
    """A birth date known only to the month, shown as 1975-03."""


@dataclass(frozen=True)
class _Column:
    header: str
    width: float
    style: str


@dataclass(frozen=True)
class _Sheet:
    name: str
    kind: str  # the store's ledger kind
    title: str  # after the organisation and year
    yearly: bool  # only the records of the year, or all of them
    columns: tuple[_Column, ...]
    values: Callable[[int, dict[str, Any], bool], list[object]]
    personal: bool = False  # holds ID numbers or phones
    printed: bool = False  # laid out for A4 landscape; else the complete, unprinted sheet


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


_OUTCOME_WORDS = (
    ("reports", "调研报告/建议{}篇"),
    ("problems_solved", "攻关项目{}个"),
    ("technologies_promoted", "推广新技术{}项"),
    ("articles", "文章/信息{}篇"),
    ("messages", "短信{}条"),
    ("papers", "交流论文{}篇"),
    ("materials", "发放资料{}份"),
)


def _outcomes(row: dict[str, Any]) -> str:
    return "、".join(words.format(row[name]) for name, words in _OUTCOME_WORDS if row[name])


def _when(row: dict[str, Any]) -> str:
    """「3月5日」「5月17日至24日」: the year is in the sheet's title."""
    from kexie_desktop.core.summary import date_span

    try:
        return date_span(str(row["start_date"]), row["end_date"])
    except ValueError:  # a date another tool stored badly: shown as it is
        return str(row["start_date"])


def _activity_print_values(n: int, row: dict[str, Any], _full: bool) -> list[object]:
    return [
        n,
        _when(row),
        f"（计划）{row['title']}" if row["planned"] else row["title"],
        row["category"],
        row["unit_name"] or "本会",
        row["place"],
        row["participants"],
        _yes(row["highlight"]),
        _outcomes(row),
        row["description"],
    ]


def _activity_values(n: int, row: dict[str, Any], _full: bool) -> list[object]:
    return [
        n,
        _date(row["start_date"]),
        _date(row["end_date"]),
        row["title"],
        row["category"],
        row["form"],
        row["campaigns"],
        row["unit_name"] or "本会",
        row["co_organisers"],
        row["place"],
        row["audience"],
        row["participants"],
        row["youth_participants"],
        _yes(row["highlight"]),
        _yes(row["planned"]),
        row["people_names"],
        _count(row["reports"]),
        _count(row["problems_solved"]),
        _count(row["technologies_promoted"]),
        _count(row["articles"]),
        _count(row["messages"]),
        _count(row["papers"]),
        _count(row["materials"]),
        row["description"],
        row["notes"],
    ]


def _person_values(n: int, row: dict[str, Any], full: bool) -> list[object]:
    id_number = _text(row["id_number"])
    phone = _text(row["phone"])
    return [
        n,
        row["name"],
        row["gender"],
        _date(row["birth_date"]),
        row["ethnicity"],
        id_number if full else mask_id_number(id_number),
        phone if full else mask_phone(phone),
        row["unit_name"],
        row["title"],
        row["education"],
        row["speciality"],
        row["roles"],
        _date(row["join_date"]),
        row["status"],
        row["notes"],
    ]


def _person_print_values(n: int, row: dict[str, Any], full: bool) -> list[object]:
    phone = _text(row["phone"])
    return [
        n,
        row["name"],
        row["gender"],
        _date(row["birth_date"]),
        row["unit_name"],
        row["title"],
        row["education"],
        row["speciality"],
        row["roles"],
        phone if full else mask_phone(phone),
        _date(row["join_date"]),
        row["status"],
    ]


def _award_values(n: int, row: dict[str, Any], _full: bool) -> list[object]:
    return [
        n,
        _date(row["award_date"]),
        row["name"],
        row["level"],
        row["winner_kind"],
        row["winner"],
        row["winner_unit"],
        row["issuer"],
        row["certificate_no"],
        row["note"],
        row["notes"],
    ]


def _award_print_values(n: int, row: dict[str, Any], _full: bool) -> list[object]:
    return [
        n,
        _date(row["award_date"]),
        row["name"],
        row["level"],
        row["winner"],
        row["winner_unit"],
        row["issuer"],
        row["note"],
    ]


def _unit_print_values(n: int, row: dict[str, Any], full: bool) -> list[object]:
    phone = _text(row["contact_phone"])
    return [
        n,
        row["name"],
        row["kind"],
        _date(row["established_date"]),
        row["contact_person"],
        phone if full else mask_phone(phone),
        row["member_count"],
        row["people_count"],
        _yes(row["founded_this_year"]),
        row["notes"],
    ]


def _unit_values(n: int, row: dict[str, Any], full: bool) -> list[object]:
    values = _unit_print_values(n, row, full)
    return [
        *values[:-1],
        _date(row["last_election_date"]),
        _date(row["next_election_due"]),
        values[-1],
    ]


def _columns(*specs: tuple[str, float, str]) -> tuple[_Column, ...]:
    return tuple(_Column(*spec) for spec in specs)


_PRINTED = (
    _Sheet(
        "活动台账",
        "activities",
        "活动台账",
        True,
        _columns(
            ("序号", 5, "center"),
            ("日期", 10, "center"),
            ("活动名称", 22, "wrap"),
            ("类别", 8, "center"),
            ("主办单位", 14, "wrap"),
            ("地点", 10, "wrap"),
            ("参加人次", 6, "number"),
            ("重点", 4, "center"),
            ("主要成效", 12, "wrap"),
            ("情况说明", 44, "wrap"),
        ),
        _activity_print_values,
        printed=True,
    ),
    _Sheet(
        "人员花名册",
        "people",
        "人员花名册",
        False,
        _columns(
            ("序号", 5, "center"),
            ("姓名", 8, "center"),
            ("性别", 4, "center"),
            ("出生日期", 10, "date"),
            ("工作单位", 24, "wrap"),
            ("职称", 7, "center"),
            ("学历", 10, "center"),
            ("专业", 13, "wrap"),
            ("身份", 14, "wrap"),
            ("联系电话", 13, "secret"),
            ("入会日期", 10, "date"),
            ("状态", 5, "center"),
        ),
        _person_print_values,
        personal=True,
        printed=True,
    ),
    _Sheet(
        "获奖情况",
        "awards",
        "获奖情况",
        True,
        _columns(
            ("序号", 5, "center"),
            ("获奖日期", 10, "date"),
            ("奖项名称", 28, "wrap"),
            ("级别", 7, "center"),
            ("获奖者", 20, "wrap"),
            ("所在单位", 22, "wrap"),
            ("颁发单位", 26, "wrap"),
            ("获奖说明", 18, "wrap"),
        ),
        _award_print_values,
        printed=True,
    ),
    _Sheet(
        "基层组织",
        "units",
        "基层组织台账",
        False,
        _columns(
            ("序号", 5, "center"),
            ("单位名称", 28, "wrap"),
            ("类型", 12, "center"),
            ("成立日期", 10, "date"),
            ("联系人", 8, "center"),
            ("联系电话", 13, "secret"),
            ("会员人数", 7, "number"),
            ("在册人员", 7, "number"),
            ("本年新建", 6, "center"),
            ("备注", 30, "wrap"),
        ),
        _unit_print_values,
        personal=True,
        printed=True,
    ),
)

_COMPLETE = (
    _Sheet(
        "活动台账" + COMPLETE_SUFFIX,
        "activities",
        "活动台账",
        True,
        _columns(
            ("序号", 6, "center"),
            ("开始日期", 11.5, "date"),
            ("结束日期", 11.5, "date"),
            ("活动名称", 28, "wrap"),
            ("类别", 10, "center"),
            ("活动形式", 10, "center"),
            ("主题活动", 12, "wrap"),
            ("主办单位", 20, "wrap"),
            ("协办单位", 16, "wrap"),
            ("地点", 16, "wrap"),
            ("面向对象", 14, "wrap"),
            ("参加人次", 7, "number"),
            ("其中青少年", 7, "number"),
            ("重点", 5, "center"),
            ("计划", 5, "center"),
            ("参与人员", 18, "wrap"),
            ("调研报告/建议", 7, "number"),
            ("攻关项目", 7, "number"),
            ("推广新技术", 7, "number"),
            ("发表文章/信息", 7, "number"),
            ("短信条数", 7, "number"),
            ("交流论文", 7, "number"),
            ("发放资料", 7, "number"),
            ("情况说明", 50, "wrap"),
            ("备注", 14, "wrap"),
        ),
        _activity_values,
    ),
    _Sheet(
        "人员花名册" + COMPLETE_SUFFIX,
        "people",
        "人员花名册",
        False,
        _columns(
            ("序号", 6, "center"),
            ("姓名", 10, "center"),
            ("性别", 5, "center"),
            ("出生日期", 11.5, "date"),
            ("民族", 8, "center"),
            ("公民身份号码", 21, "secret"),
            ("联系电话", 14, "secret"),
            ("工作单位", 30, "wrap"),
            ("职称", 8, "center"),
            ("学历", 11, "center"),
            ("专业", 14, "wrap"),
            ("身份", 18, "wrap"),
            ("入会日期", 11.5, "date"),
            ("状态", 6, "center"),
            ("备注", 18, "wrap"),
        ),
        _person_values,
        personal=True,
    ),
    _Sheet(
        "获奖情况" + COMPLETE_SUFFIX,
        "awards",
        "获奖情况",
        True,
        _columns(
            ("序号", 6, "center"),
            ("获奖日期", 11.5, "date"),
            ("奖项名称", 26, "wrap"),
            ("级别", 8, "center"),
            ("获奖类别", 8, "center"),
            ("获奖者", 22, "wrap"),
            ("所在单位", 24, "wrap"),
            ("颁发单位", 30, "wrap"),
            ("证书编号", 20, "wrap"),
            ("获奖说明", 20, "wrap"),
            ("备注", 18, "wrap"),
        ),
        _award_values,
    ),
    _Sheet(
        "基层组织" + COMPLETE_SUFFIX,
        "units",
        "基层组织台账",
        False,
        _columns(
            ("序号", 6, "center"),
            ("单位名称", 30, "wrap"),
            ("类型", 14, "center"),
            ("成立日期", 11.5, "date"),
            ("联系人", 10, "center"),
            ("联系电话", 14, "secret"),
            ("会员人数", 8, "number"),
            ("在册人员", 8, "number"),
            ("本年新建", 8, "center"),
            ("上次换届", 11.5, "date"),
            ("下次换届", 11.5, "date"),
            ("备注", 36, "wrap"),
        ),
        _unit_values,
        personal=True,
    ),
)
_SHEETS = _PRINTED + _COMPLETE


def _sub_activity_values(n: int, row: dict[str, Any], full: bool) -> list[object]:
    return [n, row["org_name"], *_activity_values(n, row, full)[1:]]


def _sub_award_values(n: int, row: dict[str, Any], full: bool) -> list[object]:
    return [n, row["org_name"], *_award_values(n, row, full)[1:]]


# With subordinates: their activities and awards of the year, each row naming the organisation
# that reported it, on sheets of their own after the organisation's own (which stay as they are).
_SUBORDINATES = (
    _Sheet(
        "下级组织活动",
        "sub_activities",
        "下级组织报送的活动",
        True,
        (_Column("序号", 6, "center"), _Column("报送组织", 18, "wrap"), *_COMPLETE[0].columns[1:]),
        _sub_activity_values,
    ),
    _Sheet(
        "下级组织获奖",
        "sub_awards",
        "下级组织报送的获奖情况",
        True,
        (_Column("序号", 6, "center"), _Column("报送组织", 18, "wrap"), *_COMPLETE[2].columns[1:]),
        _sub_award_values,
    ),
)


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
    writer = _RowWriter(sheet.columns, style_ids)
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
    }

    sheets: list[tuple[Any, _Sheet]] = []
    for spec in specs:
        ws = wb.create_sheet(spec.name)
        last = get_column_letter(len(spec.columns))
        # Write-only sheets take widths, heights, panes and merges only before the first row.
        for i, column in enumerate(spec.columns, 1):
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
        for column in spec.columns:
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
