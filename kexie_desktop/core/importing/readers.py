"""Reading the sheets of an .xlsx, .xls or .csv file into plain rows of cell values.

The readers do not interpret anything: they hand over what the cells hold, with two exceptions
that every importer of hand-made rosters needs. A merged range repeats its value in every cell
(a unit name merged down over three people reaches all three rows), and empty cells are None
whether the file said nothing or an empty string. Anything that goes wrong becomes a ReadError
with a Chinese message the clerk can act on.

openpyxl and xlrd are imported inside the functions: the program must start as fast as an empty
window, and most starts never import a file.

A file to import comes from outside and may be hostile or just broken: a 2 KB .xlsx can claim a
row number in the billions, a cell in column XFD on every row, or gigabytes of XML once unzipped.
Each of these once ran for minutes and took gigabytes. So the sizes are checked from the zip's
directory before anything is unzipped, and rows, columns, cells and text lengths are counted
while the XML streams by (the zip reader never gives more than the directory declared); past a
limit the file is refused with TooLarge at once, and never handed to openpyxl for a second try.
The limits are far above any clerk's roster (the benchmark's 50,000 people use a tenth of them).

About 950 lines in one module on purpose: the streaming .xlsx reader is most of it, and it, the
.xls and the .csv readers all count against the same limits and the same _Budget, raise the same
ReadError and TooLarge, and are chosen by the one read_file() after sniffing the file's first
bytes. The hostile-file tests set those limits (MAX_ROWS, MAX_ELEMENTS, …) in this one place.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import posixpath
import re
import stat
import warnings
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["SUPPORTED_SUFFIXES", "RawSheet", "ReadError", "TooLarge", "read_file"]

# Limits for a file from outside (see the module's docstring).
MAX_ROWS = 300_000  # per sheet
MAX_COLUMNS = 1_000  # a filled cell further right than this refuses the file
MAX_CELLS = 6_000_000  # cells held in memory, empty ones within a row included
MAX_ELEMENTS = 5_000_000  # cells and rows in the XML, empty (formatted) ones included
_EXCEL_COLUMNS = 16_384  # Excel's own width: a row with more cells is malformed
MAX_TEXT = 32_767  # characters in one cell: Excel's own limit
MAX_PART_BYTES = 256 * 2**20  # one part of an .xlsx, unzipped
MAX_SMALL_PART_BYTES = 24 * 2**20  # a part read whole (styles, workbook), unzipped
MAX_TOTAL_BYTES = 512 * 2**20  # all the parts read, unzipped
MAX_MERGED_CELLS = MAX_CELLS  # cells that merged ranges fill in
MAX_FILE_BYTES = 128 * 2**20  # a .csv or .xls on disk (read whole)


@dataclass
class RawSheet:
    """One sheet as rows of cell values (str, int, float, bool, datetime, date, time or None).

    Trailing empty cells of a row and trailing empty rows are dropped. `hidden` tells whether
    the clerk had hidden the sheet; `datemode` is 1 for a workbook in the 1904 date system, for
    parsing date serial numbers in cells that were not formatted as dates.
    """

    name: str
    rows: list[list[object]]
    hidden: bool = False
    datemode: int = 0
    # Rows (as Excel numbers them) whose only content is formulas without a saved result:
    # a file written by a program and never opened in Excel. They read as blank.
    formula_rows: list[int] = field(default_factory=list)


class ReadError(Exception):
    """The file cannot be read at all; the message is Chinese and shown to the clerk."""


class TooLarge(ReadError):
    """The file is beyond the limits of a file to import (or malformed to look so)."""


def _too_large(path: Path, what: str) -> TooLarge:
    return TooLarge(
        f"“{path.name}”太大或格式异常，无法导入：{what}。"
        "如果这确实是要导入的表格，请在Excel或WPS中只保留需要的行和列，另存为.xlsx后再导入。"
    )


class _Budget:
    """Counts what a file costs while it is read, refusing it at the first limit passed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.cells = 0
        self.seen = 0

    def row(self, number: int, sheet: str) -> None:
        if number > MAX_ROWS:
            raise _too_large(
                self.path, f"工作表“{sheet}”有第{number}行，超过了可以导入的{MAX_ROWS}行"
            )

    def column(self, column: int, row: int, sheet: str) -> None:
        if column > MAX_COLUMNS:
            raise _too_large(
                self.path,
                f"工作表“{sheet}”第{row}行的第{column}列有内容，超过了可以导入的{MAX_COLUMNS}列",
            )

    def elements(self, count: int) -> None:
        # Every cell and row the XML holds, empty ones included: reading each costs time even
        # when it holds nothing.
        self.seen += count
        if self.seen > MAX_ELEMENTS:
            raise _too_large(self.path, f"单元格超过{MAX_ELEMENTS}个（包括空白的）")

    def add_cells(self, count: int) -> None:
        self.cells += count
        if self.cells > MAX_CELLS:
            raise _too_large(self.path, f"单元格超过{MAX_CELLS}个")

    def text(self, text: str, where: str) -> str:
        if len(text) > MAX_TEXT:
            raise _too_large(self.path, f"{where}的文字超过{MAX_TEXT}个字符")
        return text


SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".tsv", ".txt")
_EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An Office file with an open password is an OLE container holding this stream.
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_SNIFF_BYTES = 8192

_RESAVE = "请在Excel或WPS中打开，另存为Excel工作簿（.xlsx）后再导入。"
_ENCRYPTED = (
    "文件已加密（设置了打开密码），无法读取。请在Excel或WPS中输入密码打开，取消密码后另存，再导入。"
)


def _corrupt(path: Path) -> ReadError:
    return ReadError(f"“{path.name}”已损坏或不是有效的表格文件，无法读取。{_RESAVE}")


def read_file(path: Path | str) -> list[RawSheet]:
    """Every sheet of the file, hidden ones included (the importer decides about those)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = f"“{suffix}”格式" if suffix else "没有扩展名"
        raise ReadError(
            f"不支持{shown}的文件。可以导入Excel工作簿（.xlsx、.xls）和CSV文件（.csv）；"
            f"其他格式请在Excel或WPS中另存为.xlsx后再导入。"
        )
    _check_regular_file(path)
    try:
        return _read(path, suffix)
    except ReadError:
        raise
    except MemoryError:
        raise ReadError(f"“{path.name}”太大，内存不足，无法读取。") from None
    except Exception as exc:  # any failure of a third-party reader on a broken file
        raise _corrupt(path) from exc


def _check_regular_file(path: Path) -> None:
    """A pipe, a device or a socket named as the file would block the reader for ever."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ReadError(f"找不到文件“{path}”。") from None
    except OSError:
        raise ReadError(f"无法读取“{path}”，请检查文件或U盘是否完好。") from None
    if stat.S_ISDIR(info.st_mode):
        raise ReadError(f"“{path}”是文件夹，不是文件。")
    if not stat.S_ISREG(info.st_mode):
        raise ReadError(f"“{path.name}”不是普通的文件（可能是管道或设备），不能导入。")


def _read(path: Path, suffix: str) -> list[RawSheet]:
    head = _head(path)
    if not head:
        if suffix in _EXCEL_SUFFIXES:
            raise ReadError(f"“{path.name}”是空文件（0字节），可能没有保存完整。")
        return [RawSheet(path.stem, [])]
    # The content decides, not the name: WPS and web systems often save one kind under
    # another's extension.
    if head.startswith(_ZIP_MAGIC):
        return _read_xlsx(path)
    if head.startswith(_OLE_MAGIC):
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:  # xlrd reads the whole file into memory
            raise _too_large(path, f"文件有{size // 2**20} MB")
        if _has_encrypted_stream(path):
            raise ReadError(_ENCRYPTED)
        return _read_xls(path)
    if suffix in _EXCEL_SUFFIXES:
        if _is_markup(head):
            raise ReadError(
                f"“{path.name}”的扩展名是{suffix}，实际上却是网页（HTML）或XML格式，"
                f"常见于从网上系统导出的表格，无法直接读取。{_RESAVE}"
            )
        # Web systems also export tab-separated text under an .xls name.
        if suffix == ".xls" and _is_text(head):
            return [_read_text(path)]
        raise _corrupt(path)
    return [_read_text(path)]


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as stream:
            return stream.read(_SNIFF_BYTES)
    except FileNotFoundError:
        raise ReadError(f"找不到文件“{path}”。") from None
    except IsADirectoryError:
        raise ReadError(f"“{path}”是文件夹，不是文件。") from None
    except PermissionError:
        raise ReadError(
            f"无法打开“{path.name}”：没有读取权限，或文件正被其他程序（如Excel、WPS）占用，"
            "请关闭后重试。"
        ) from None
    except OSError:
        raise ReadError(f"无法读取“{path}”，请检查文件或U盘是否完好。") from None


def _has_encrypted_stream(path: Path) -> bool:
    keep = len(_ENCRYPTED_STREAM)
    tail = b""
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            if _ENCRYPTED_STREAM in tail + chunk:
                return True
            tail = chunk[-keep:]
    return False


def _is_markup(head: bytes) -> bool:
    start = head.lstrip(codecs.BOM_UTF8).lstrip().lower()
    # "Single file web page" (.mht) saves start with a MIME header instead.
    return start.startswith((b"<", b"mime-version"))


def _is_text(head: bytes) -> bool:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    return b"\x00" not in head and (b"\t" in head or b"," in head)


# --------------------------------------------------------------------------- finishing rows

_Range = tuple[int, int, int, int]  # first row, first column, last row, last column (1-based)


def _finish(rows: list[list[Any]], merges: list[_Range]) -> list[list[object]]:
    """Empty strings to None, merged values spread, trailing empties dropped."""
    height = 0
    width = 0
    for index, row in enumerate(rows):
        last = 0
        for column, value in enumerate(row):
            if isinstance(value, str) and not value:
                row[column] = None
            elif value is not None:
                last = column + 1
        if last:
            height = index + 1
            width = max(width, last)
    del rows[height:]
    filled = 0
    for first_row, first_col, last_row, last_col in merges:
        # Clipped to the filled part of the sheet: a merge over whole columns (A:A) must not
        # turn into a million rows.
        if first_row > height or first_col > width:
            continue
        last_row, last_col = min(last_row, height), min(last_col, width)
        filled += (last_row - first_row + 1) * (last_col - first_col + 1)
        if filled > MAX_MERGED_CELLS:
            raise ReadError("表格中的合并单元格过多或过大，无法导入。请取消合并后另存，再导入。")
        top_row = rows[first_row - 1]
        value = top_row[first_col - 1] if first_col <= len(top_row) else None
        if value is None:
            continue
        for row in rows[first_row - 1 : last_row]:
            if len(row) < last_col:
                row.extend([None] * (last_col - len(row)))
            row[first_col - 1 : last_col] = [value] * (last_col - first_col + 1)
    for row in rows:
        while row and row[-1] is None:
            row.pop()
    return rows


# --------------------------------------------------------------------------- .xlsx


def _read_xlsx(path: Path) -> list[RawSheet]:
    _check_zip_directory(path)
    try:
        return _read_xlsx_fast(path)
    except (ReadError, MemoryError):
        raise  # a refused file is not read a second time
    except Exception:  # an unusual package: openpyxl knows more of the format's corners
        return _read_xlsx_openpyxl(path)


def _check_zip_directory(path: Path) -> None:
    """Refuse from the zip's directory what would unzip to too much, before unzipping."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile:
        raise _corrupt(path) from None
    total = 0
    for info in infos:
        name = info.filename.lower()
        if not name.endswith((".xml", ".rels")):
            continue  # pictures and the like are never unzipped
        # Sheets and shared strings are streamed; the other parts are read whole.
        streamed = "worksheets/" in name or "sharedstrings" in name
        if not streamed and info.file_size > MAX_SMALL_PART_BYTES:
            raise _too_large(path, f"其中的 {info.filename} 解压后有{info.file_size // 2**20} MB")
        if info.file_size > MAX_PART_BYTES:
            raise _too_large(path, f"其中的 {info.filename} 解压后有{info.file_size // 2**20} MB")
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise _too_large(path, f"解压后共有{total // 2**20} MB")


def _read_xlsx_openpyxl(path: Path) -> list[RawSheet]:
    import openpyxl  # type: ignore[import-untyped]
    from openpyxl.utils.datetime import CALENDAR_MAC_1904  # type: ignore[import-untyped]

    sheets: list[RawSheet] = []
    # openpyxl warns in English about features it drops (data validation, extensions); they do
    # not matter for reading values and must not reach the clerk's console.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # Read-only mode streams the rows: a 50,000-row roster stays far below 500 MB. It does
        # not report merged cells, which _xlsx_merges reads from the sheet XML itself.
        # Given a stream, not a name: openpyxl refuses names that do not end in .xlsx, and an
        # .xls from WPS is often an .xlsx inside.
        stream = path.open("rb")
        try:
            book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        except BaseException:
            stream.close()
            raise
        try:
            datemode = 1 if book.epoch == CALENDAR_MAC_1904 else 0
            merges = _xlsx_merges(path)
            budget = _Budget(path)
            for sheet in book.worksheets:
                # Some programs write a wrong <dimension>; without it rows end at their last cell.
                sheet.reset_dimensions()
                rows = []
                for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
                    budget.row(number, sheet.title)
                    row = list(values)
                    while row and row[-1] is None:
                        row.pop()
                    budget.column(len(row), number, sheet.title)
                    budget.add_cells(len(row) + 1)
                    for value in row:
                        if isinstance(value, str):
                            budget.text(value, f"工作表“{sheet.title}”第{number}行")
                    rows.append(row)
                sheets.append(
                    RawSheet(
                        name=sheet.title,
                        rows=_finish(rows, merges.get(sheet.title, [])),
                        hidden=sheet.sheet_state != "visible",
                        datemode=datemode,
                    )
                )
        finally:
            book.close()
            stream.close()
    return sheets


# -- the fast way: the sheet XML streamed with lxml ----------------------------------------
# openpyxl builds an object per cell and takes some 9 s for a 50,000-row roster; reading the
# few things an import needs (values, shared strings, which styles are dates) straight from the
# XML takes about a fifth of that.

_BUILTIN_DATE_FORMATS = (
    frozenset(range(14, 23)) | frozenset(range(27, 37)) | {45, 46, 47} | (frozenset(range(50, 59)))
)
_QUOTED_OR_BRACKETED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


def _is_date_format(code: str) -> bool:
    bare = _QUOTED_OR_BRACKETED.sub("", code).lower()
    return any(ch in bare for ch in "ymd") and "0.0" not in bare and "#" not in bare


def _date_styles(archive: zipfile.ZipFile, part: str) -> set[int]:
    """Indexes of the cell styles (cellXfs) that show a number as a date."""
    try:
        root = ET.fromstring(archive.read(part))
    except KeyError:
        return set()
    custom: dict[int, str] = {}
    dates: set[int] = set()
    for element in root.iter():
        if _local(element.tag) == "numFmt":
            fmt_id, code = element.get("numFmtId"), element.get("formatCode") or ""
            if fmt_id and fmt_id.isdigit():
                custom[int(fmt_id)] = code
    cell_xfs = next((e for e in root.iter() if _local(e.tag) == "cellXfs"), None)
    if cell_xfs is None:
        return dates
    for index, xf in enumerate(e for e in cell_xfs if _local(e.tag) == "xf"):
        fmt = int(xf.get("numFmtId") or 0)
        if fmt in _BUILTIN_DATE_FORMATS or (fmt in custom and _is_date_format(custom[fmt])):
            dates.add(index)
    return dates


def _iterparse(stream: Any, tag: str | tuple[str, ...], events: tuple[str, ...] = ("end",)) -> Any:
    from lxml import etree  # type: ignore[import-untyped,unused-ignore]

    # Not huge_tree: libxml2 then refuses a text node over 10 MB while parsing it, long before
    # it is in memory (a cell holds at most 32,767 characters). No entities, no network.
    return etree.iterparse(
        stream, events=events, tag=tag, huge_tree=False, resolve_entities=False, no_network=True
    )


def _shared_strings(archive: zipfile.ZipFile, part: str | None, budget: _Budget) -> list[str]:
    if not part:
        return []
    strings: list[str] = []
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    with archive.open(part) as stream:
        for _event, item in _iterparse(stream, f"{ns}si"):
            # Phonetic guides (<rPh>) are not part of the text a clerk typed.
            parts = [t.text or "" for t in item.iter(f"{ns}t") if t.getparent().tag != f"{ns}rPh"]
            strings.append(budget.text(_unescape("".join(parts)), "共享文字"))
            budget.add_cells(1)
            item.clear()
    return strings


def _from_serial(serial: float, datemode: int) -> dt.datetime:
    days = serial + (1462 if datemode else 0)
    if not datemode and serial < 61:
        days += 1  # Excel counts a 29 February 1900 that never was
    return dt.datetime(1899, 12, 30) + dt.timedelta(days=days)


_INTEGER = re.compile(r"^-?\d+$")
# Excel writes characters XML cannot hold (a carriage return) as _x000D_.
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape(text: str) -> str:
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _column_number(ref: str) -> int:
    number = 0
    for ch in ref[:8]:  # XFD, the last column, has three letters; more only in a hostile file
        if "A" <= ch <= "Z":
            number = number * 26 + ord(ch) - 64
        else:
            break
    return number


# How rows and cells start in the sheet XML: "<c" also counts the few <col>, <cols> and the
# like, and a prefixed sheet (<x:row>) is counted by its prefix. Text cannot hold "<"
# unescaped, so the counts only ever err high, and by little.
_PLAIN_MARKS = (b"<row", b"<c")
_PREFIXED_MARKS = (b":row", b":c ", b":c>", b":c/")


def _count_elements(archive: zipfile.ZipFile, part: str, budget: _Budget, sheet: str) -> None:
    """Refuse a sheet with too many rows or cells before parsing it.

    Counting marks in the unzipped bytes runs at memory speed, far faster than parsing: a file
    of a million empty rows is refused at once instead of after the parser has gone through
    the first 300,000 of them.
    """
    rows = cells = 0
    tail = b""
    marks: tuple[bytes, ...] = ()
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            if not marks:
                marks = _PLAIN_MARKS if b"<worksheet" in chunk else _PREFIXED_MARKS
            window = tail + chunk
            rows += window.count(marks[0])
            cells += sum(window.count(mark) for mark in marks[1:])
            tail = chunk[-5:]  # a mark cut in two by the chunk boundary is counted next time
            if rows > MAX_ROWS:
                raise _too_large(budget.path, f"工作表“{sheet}”的行数超过了可以导入的{MAX_ROWS}行")
            if rows + cells > MAX_ELEMENTS:
                raise _too_large(budget.path, f"单元格超过{MAX_ELEMENTS}个（包括空白的）")


def _sheet_rows(
    archive: zipfile.ZipFile, part: str, strings: list[str], dates: set[int], datemode: int,
    budget: _Budget, sheet: str,
) -> tuple[list[list[Any]], list[int]]:  # fmt: skip
    """The rows, and the rows whose only content is formulas without a saved result."""
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    row_tag, c_tag = f"{ns}row", f"{ns}c"
    v_tag, is_tag, t_tag, f_tag = f"{ns}v", f"{ns}is", f"{ns}t", f"{ns}f"
    rows: list[list[Any]] = []
    formula_rows: list[int] = []
    values: list[Any] = []
    last_column = 0
    uncached = False
    pending = 0  # cells of the current row still in the tree
    in_row = 0  # cells of the current row
    last_ref = ""  # of the last cell when it was empty (its column is worked out if needed)

    def row_number(element: Any) -> int:
        given = element.get("r") or ""
        return int(given[:12]) if given.isdigit() else len(rows) + 1

    def take(row: Any) -> None:
        """Read the cells of `row` now in the tree into `values`, then drop them."""
        nonlocal last_column, last_ref, uncached
        for cell in row.iterchildren(c_tag):
            ref = cell.get("r")
            if not len(cell):  # no value, no formula: empty, perhaps only formatted
                last_ref = ref or ""
                if not ref:
                    last_column += 1
                continue
            if ref:
                column = _column_number(ref)
            else:
                column = (_column_number(last_ref) if last_ref else last_column) + 1
            last_column, last_ref = column, ""
            kind = cell.get("t")
            value: Any
            if kind == "inlineStr":
                inline = cell.find(is_tag)
                value = "" if inline is None else _unescape(
                    "".join(t.text or "" for t in inline.iter(t_tag)))  # fmt: skip
            else:
                v = cell.find(v_tag)
                text = None if v is None else v.text
                if text is None:
                    value = None
                    uncached = uncached or cell.find(f_tag) is not None
                elif kind == "s":
                    index = int(text)
                    if not 0 <= index < len(strings):
                        raise _corrupt(budget.path)
                    value = strings[index]
                elif kind in ("str", "e"):
                    value = text
                elif kind == "b":
                    value = text == "1"
                elif int(cell.get("s") or 0) in dates:
                    value = _from_serial(float(text), datemode)
                elif _INTEGER.match(text):
                    # Exactly, as openpyxl does: an ID number typed as a number must reach
                    # the check as the very digits Excel kept, to be flagged, not rounded.
                    value = int(text)
                else:
                    value = float(text)
            if value == "" or value is None:
                continue  # an empty (perhaps only formatted) cell takes no room
            if isinstance(value, str) and len(value) > MAX_TEXT:
                budget.text(value, f"工作表“{sheet}”第{row_number(row)}行")
            if column > len(values):
                if column > MAX_COLUMNS:
                    budget.column(column, row_number(row), sheet)
                budget.add_cells(column - len(values))
                values.extend([None] * (column - len(values)))
            values[column - 1] = value
        row.clear()  # the cells read; the row's own attributes were read before

    with archive.open(part) as stream:
        # Rows are read whole at their end, as a clerk's rows are short. The cell events only
        # count: a hostile row of millions of (empty) cells is read and dropped every few
        # thousand cells, so it never stands in memory as one element tree.
        for _event, element in _iterparse(stream, (row_tag, c_tag)):
            if element.tag == c_tag:
                pending += 1
                if pending == 4096:
                    in_row += pending
                    if in_row > _EXCEL_COLUMNS:
                        raise _too_large(
                            budget.path, f"工作表“{sheet}”有一行超过{_EXCEL_COLUMNS}个单元格"
                        )
                    row = element.getparent()
                    number = row_number(row)
                    budget.row(number, sheet)
                    attributes = dict(row.attrib)
                    take(row)
                    row.attrib.update(attributes)
                    budget.elements(pending)
                    pending = 0
                continue
            number = row_number(element)
            budget.row(number, sheet)
            if number <= len(rows):
                number = len(rows) + 1  # a row number going backwards: file order
            while len(rows) < number - 1:
                rows.append([])  # keep Excel's row numbers: problems are reported by them
            take(element)
            if uncached and not values:
                formula_rows.append(number)
            budget.add_cells(1)
            rows.append(values)
            budget.elements(pending + 1)
            values, last_column, last_ref, uncached, pending, in_row = [], 0, "", False, 0, 0
            while element.getprevious() is not None:
                del element.getparent()[0]
    return rows, formula_rows


def _read_xlsx_fast(path: Path) -> list[RawSheet]:
    from lxml import etree  # type: ignore[import-untyped,unused-ignore]

    try:
        return _read_xlsx_parts(path)
    except etree.XMLSyntaxError as exc:
        # libxml2's own limits (a text node over 10 MB, nesting too deep): a refusal, not a
        # reason to try openpyxl.
        if any(word in str(exc).lower() for word in ("huge", "limit", "too long", "depth")):
            raise _too_large(path, "其中有过长的文字或过深的结构") from None
        raise


def _read_xlsx_parts(path: Path) -> list[RawSheet]:
    sheets: list[RawSheet] = []
    with zipfile.ZipFile(path) as archive:
        members = set(archive.namelist())
        documents = _relationships(archive, "", "officeDocument")
        workbook = next(iter(documents.values()), "xl/workbook.xml")
        root = ET.fromstring(archive.read(workbook))
        datemode = 0
        for element in root.iter():
            if _local(element.tag) == "workbookPr":
                datemode = 1 if element.get("date1904") in ("1", "true") else 0
        sheet_parts = _relationships(archive, workbook, "worksheet")
        string_parts = _relationships(archive, workbook, "sharedStrings")
        style_parts = _relationships(archive, workbook, "styles")
        budget = _Budget(path)
        string_part = next(iter(string_parts.values()), None)
        strings = _shared_strings(archive, string_part if string_part in members else None, budget)
        style_part = next(iter(style_parts.values()), None)
        dates = _date_styles(archive, style_part) if style_part else set()
        for element in root.iter():
            if _local(element.tag) != "sheet":
                continue
            name, rel_id = element.get("name"), _attribute(element, "id")
            part = sheet_parts.get(rel_id or "")
            if name is None or part not in members:
                continue
            _count_elements(archive, part, budget, name)
            rows, formula_rows = _sheet_rows(archive, part, strings, dates, datemode, budget, name)
            sheets.append(
                RawSheet(
                    name=name,
                    rows=_finish(rows, _merged_ranges(archive, part)),
                    hidden=(element.get("state") or "visible") != "visible",
                    datemode=datemode,
                    formula_rows=formula_rows,
                )
            )
    return sheets


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _attribute(element: ET.Element, name: str) -> str | None:
    """An attribute by its local name, whatever namespace prefix the writer chose."""
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


def _relationships(archive: zipfile.ZipFile, part: str, kind: str) -> dict[str, str]:
    """Relationship id → the zip member it points to, for the relationships of one kind
    ("officeDocument", "worksheet") of a part of the package ("" for the package itself)."""
    folder, name = posixpath.split(part)
    try:
        root = ET.fromstring(archive.read(posixpath.join(folder, "_rels", name + ".rels")))
    except KeyError:
        return {}
    targets: dict[str, str] = {}
    for element in root.iter():
        if _local(element.tag) != "Relationship" or element.get("TargetMode") == "External":
            continue
        rel_id, rel_type, target = element.get("Id"), element.get("Type"), element.get("Target")
        if not rel_id or not target or not (rel_type or "").endswith("/" + kind):
            continue
        if target.startswith("/"):
            targets[rel_id] = target.lstrip("/")
        else:
            targets[rel_id] = posixpath.normpath(posixpath.join(folder, target))
    return targets


def _xlsx_merges(path: Path) -> dict[str, list[_Range]]:
    """Sheet name → its merged ranges, finding each sheet's part the way openpyxl does."""
    merges: dict[str, list[_Range]] = {}
    with zipfile.ZipFile(path) as archive:
        members = set(archive.namelist())
        documents = _relationships(archive, "", "officeDocument")
        workbook = next(iter(documents.values()), "xl/workbook.xml")
        if workbook not in members:
            return merges
        sheet_parts = _relationships(archive, workbook, "worksheet")
        for element in ET.fromstring(archive.read(workbook)).iter():
            if _local(element.tag) != "sheet":
                continue
            name, rel_id = element.get("name"), _attribute(element, "id")
            part = sheet_parts.get(rel_id or "")
            if name is not None and part in members:
                merges[name] = _merged_ranges(archive, part)
    return merges


# <mergeCells> follows <sheetData> in every sheet (the schema fixes the order), so the scan skips
# the rows and collects only the tail of the part: no XML tree for 50,000 rows.
_MERGE_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCells[\s>/]")
_MERGE_CELL = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?\bref\s*=\s*[\"']([A-Za-z0-9:$]+)"
)
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
_MAX_MERGE_BYTES = 32 * 2**20


def _merged_ranges(archive: zipfile.ZipFile, part: str) -> list[_Range]:
    collected: bytearray | None = None
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            if collected is not None:
                collected += chunk
                if len(collected) > _MAX_MERGE_BYTES:
                    raise ReadError("表格中的合并单元格过多，无法导入。请取消合并后另存，再导入。")
                continue
            window = tail + chunk
            found = _MERGE_START.search(window)
            if found:
                collected = bytearray(window[found.start() :])
            else:
                tail = window[-64:]
    if collected is None:
        return []
    ranges: list[_Range] = []
    for ref in _MERGE_CELL.findall(collected):
        bounds = _range_bounds(ref.decode("ascii"))
        if bounds is not None:
            ranges.append(bounds)
    return ranges


def _range_bounds(ref: str) -> _Range | None:
    start, colon, end = ref.partition(":")
    first, last = _cell_position(start), _cell_position(end if colon else start)
    if first is None or last is None:
        return None
    return (
        min(first[0], last[0]),
        min(first[1], last[1]),
        max(first[0], last[0]),
        max(first[1], last[1]),
    )


def _cell_position(ref: str) -> tuple[int, int] | None:
    match = _CELL_REF.match(ref)
    if not match:
        return None
    column = 0
    for letter in match[1].upper():
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(match[2]), column


# --------------------------------------------------------------------------- .xls


def _open_xls(path: Path) -> Any:
    import xlrd

    # xlrd prints its warnings to stdout unless given a log file: they would garble the
    # command line's report.
    log = io.StringIO()
    try:
        return xlrd.open_workbook(str(path), formatting_info=True, logfile=log)
    except xlrd.XLRDError as exc:
        if "encrypted" in str(exc).lower():
            raise ReadError(_ENCRYPTED) from None
        # Any other complaint: retried below.
    except Exception:  # retried below without the parts that some writers get wrong
        pass
    # Files from some export tools trip xlrd's formatting or consistency checks although their
    # cells are fine; without formatting the merged ranges are lost, but the rows are there.
    return xlrd.open_workbook(
        str(path), formatting_info=False, ignore_workbook_corruption=True, logfile=log
    )


def _read_xls(path: Path) -> list[RawSheet]:
    import xlrd

    book = _open_xls(path)

    def value_of(kind: int, value: Any) -> object:
        if kind == xlrd.XL_CELL_TEXT:
            return value or None
        if kind == xlrd.XL_CELL_NUMBER:
            return float(value)
        if kind == xlrd.XL_CELL_DATE:
            try:
                moment: dt.datetime = xlrd.xldate.xldate_as_datetime(value, book.datemode)
            except (ValueError, OverflowError, ArithmeticError):
                return float(value)
            # A cell formatted as a time of day holds a fraction of a day, no date.
            return moment.time() if 0 <= value < 1 else moment
        if kind == xlrd.XL_CELL_BOOLEAN:
            return bool(value)
        if kind == xlrd.XL_CELL_ERROR:
            return xlrd.error_text_from_code.get(value, "#ERROR")
        return None  # empty and blank (formatted but empty) cells

    try:
        sheets = []
        for sheet in book.sheets():
            rows: list[list[Any]] = []
            for index in range(sheet.nrows):
                kinds, values = sheet.row_types(index), sheet.row_values(index)
                rows.append([value_of(k, v) for k, v in zip(kinds, values, strict=True)])
            merges = [(rlo + 1, clo + 1, rhi, chi) for rlo, rhi, clo, chi in sheet.merged_cells]
            sheets.append(
                RawSheet(
                    name=sheet.name,
                    rows=_finish(rows, merges),
                    hidden=sheet.visibility != 0,
                    datemode=book.datemode,
                )
            )
        return sheets
    finally:
        book.release_resources()


# --------------------------------------------------------------------------- .csv


def _read_text(path: Path) -> RawSheet:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise _too_large(path, f"文件有{size // 2**20} MB")
    with path.open("rb") as stream:
        # No more than the size just checked, even if the file grows meanwhile.
        data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _too_large(path, f"文件超过{MAX_FILE_BYTES // 2**20} MB")
    text = _decode(data)
    del data
    delimiter = _delimiter(text)
    budget = _Budget(path)
    rows: list[list[Any]] = []
    try:
        for number, row in enumerate(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1
        ):
            budget.row(number, path.stem)
            while row and not row[-1]:
                row.pop()
            budget.column(len(row), number, path.stem)
            budget.add_cells(len(row) + 1)
            for value in row:
                budget.text(value, f"第{number}行")
            rows.append(row)
    except csv.Error:
        raise _corrupt(path) from None
    return RawSheet(path.stem, _finish(rows, []))


_UNDECODABLE = "请在Excel或WPS中打开，另存为.xlsx或“CSV UTF-8”后再导入。"


def _decode(data: bytes) -> str:
    """The text, decoded strictly line by line.

    UTF-8 where a line is valid UTF-8, else GBK/GB18030. A file mixing both (lines pasted
    together from two systems) is refused naming a line of each: decoded as one encoding,
    the other's lines would become mojibake, and GB18030 accepts almost any bytes, so a strict
    decode of the whole file as GB18030 would not notice.
    """
    if data.startswith(codecs.BOM_UTF8):
        return _decode_as(data[len(codecs.BOM_UTF8) :], "utf-8")
    # Excel's "Unicode text" export.
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ReadError(f"文件的文字编码（UTF-16）有损坏，无法读取。{_UNDECODABLE}") from None
    try:
        return data.decode("utf-8")  # the common case, in one step
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    first_utf8 = first_gbk = 0
    decoded: list[str] = []
    for number, line in enumerate(lines, 1):
        if line.isascii():
            decoded.append(line.decode("ascii"))
            continue
        try:
            decoded.append(line.decode("utf-8"))
            first_utf8 = first_utf8 or number
        except UnicodeDecodeError:
            try:
                decoded.append(line.decode("gb18030"))
            except UnicodeDecodeError:
                raise ReadError(
                    f"第{number}行的文字既不是UTF-8编码，也不是GBK/GB18030编码，无法识别。"
                    f"{_UNDECODABLE}"
                ) from None
            first_gbk = first_gbk or number
        if first_utf8 and first_gbk:
            raise ReadError(
                f"文件的文字编码前后不一致：第{first_utf8}行是UTF-8编码，第{first_gbk}行却是"
                "GBK/GB18030编码（可能是从两个系统导出的内容拼在了一起），导入会出现乱码。"
                f"{_UNDECODABLE}"
            )
    return "\n".join(decoded)


def _decode_as(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ReadError(
            f"文件标明是UTF-8编码，第{line}行的文字却不是UTF-8编码，无法读取。{_UNDECODABLE}"
        ) from None


def _delimiter(text: str) -> str:
    """Comma, tab or semicolon: whichever splits the first lines into the most cells."""
    sample = text[:65536].splitlines()[:50]
    best, best_score = ",", 0
    for candidate in (",", "\t", ";"):
        try:
            score = sum(len(row) - 1 for row in csv.reader(sample, delimiter=candidate))
        except csv.Error:
            continue
        if score > best_score:
            best, best_score = candidate, score
    return best
