"""Reading the sheets of an .xlsx, .xls or .csv file into plain rows of cell values.

The readers do not interpret anything: they hand over what the cells hold, with two exceptions
that every importer of hand-made rosters needs. A merged range repeats its value in every cell
(a unit name merged down over three people reaches all three rows), and empty cells are None
whether the file said nothing or an empty string. Anything that goes wrong becomes a ReadError
with a Chinese message the clerk can act on.

openpyxl and xlrd are imported inside the functions: the program must start as fast as an empty
window, and most starts never import a file.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import posixpath
import re
import warnings
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["SUPPORTED_SUFFIXES", "RawSheet", "ReadError", "read_file"]


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


class ReadError(Exception):
    """The file cannot be read at all; the message is Chinese and shown to the clerk."""


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
    try:
        return _read(path, suffix)
    except ReadError:
        raise
    except MemoryError:
        raise ReadError(f"“{path.name}”太大，内存不足，无法读取。") from None
    except Exception as exc:  # any failure of a third-party reader on a broken file
        raise _corrupt(path) from exc


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
    for first_row, first_col, last_row, last_col in merges:
        # Clipped to the filled part of the sheet: a merge over whole columns (A:A) must not
        # turn into a million rows.
        if first_row > height or first_col > width:
            continue
        last_row, last_col = min(last_row, height), min(last_col, width)
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
    try:
        return _read_xlsx_fast(path)
    except Exception:  # an unusual package: openpyxl knows more of the format's corners
        return _read_xlsx_openpyxl(path)


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
            for sheet in book.worksheets:
                # Some programs write a wrong <dimension>; without it rows end at their last cell.
                sheet.reset_dimensions()
                rows = [list(row) for row in sheet.iter_rows(values_only=True)]
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


def _shared_strings(archive: zipfile.ZipFile, part: str | None) -> list[str]:
    from lxml import etree  # type: ignore[import-untyped,unused-ignore]

    if not part:
        return []
    strings: list[str] = []
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    with archive.open(part) as stream:
        for _event, item in etree.iterparse(stream, tag=f"{ns}si", huge_tree=True):
            # Phonetic guides (<rPh>) are not part of the text a clerk typed.
            parts = [t.text or "" for t in item.iter(f"{ns}t") if t.getparent().tag != f"{ns}rPh"]
            strings.append(_unescape("".join(parts)))
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
    for ch in ref:
        if "A" <= ch <= "Z":
            number = number * 26 + ord(ch) - 64
        else:
            break
    return number


def _sheet_rows(
    archive: zipfile.ZipFile, part: str, strings: list[str], dates: set[int], datemode: int
) -> list[list[Any]]:
    from lxml import etree  # type: ignore[import-untyped,unused-ignore]

    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    c_tag, v_tag, is_tag, t_tag = f"{ns}c", f"{ns}v", f"{ns}is", f"{ns}t"
    rows: list[list[Any]] = []
    with archive.open(part) as stream:
        for _event, row in etree.iterparse(stream, tag=f"{ns}row", huge_tree=True):
            number = int(row.get("r") or len(rows) + 1)
            while len(rows) < number - 1:
                rows.append([])  # keep Excel's row numbers: problems are reported by them
            values: list[Any] = []
            for cell in row.iter(c_tag):
                ref = cell.get("r")
                column = _column_number(ref) if ref else len(values) + 1
                kind = cell.get("t")
                if kind == "inlineStr":
                    inline = cell.find(is_tag)
                    value: Any = "" if inline is None else _unescape(
                        "".join(t.text or "" for t in inline.iter(t_tag)))  # fmt: skip
                else:
                    v = cell.find(v_tag)
                    text = None if v is None else v.text
                    if text is None:
                        value = None
                    elif kind == "s":
                        value = strings[int(text)]
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
                if value == "":
                    value = None
                while len(values) < column - 1:
                    values.append(None)
                values.append(value)
            rows.append(values)
            row.clear()
            while row.getprevious() is not None:
                del row.getparent()[0]
    return rows


def _read_xlsx_fast(path: Path) -> list[RawSheet]:
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
        strings = _shared_strings(archive, next(iter(string_parts.values()), None))
        style_part = next(iter(style_parts.values()), None)
        dates = _date_styles(archive, style_part) if style_part else set()
        for element in root.iter():
            if _local(element.tag) != "sheet":
                continue
            name, rel_id = element.get("name"), _attribute(element, "id")
            part = sheet_parts.get(rel_id or "")
            if name is None or part not in members:
                continue
            rows = _sheet_rows(archive, part, strings, dates, datemode)
            sheets.append(
                RawSheet(
                    name=name,
                    rows=_finish(rows, _merged_ranges(archive, part)),
                    hidden=(element.get("state") or "visible") != "visible",
                    datemode=datemode,
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
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def _merged_ranges(archive: zipfile.ZipFile, part: str) -> list[_Range]:
    collected: bytearray | None = None
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            if collected is not None:
                collected += chunk
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
    text = _decode(path.read_bytes())
    delimiter = _delimiter(text)
    try:
        rows: list[list[Any]] = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise _corrupt(path) from None
    return RawSheet(path.stem, _finish(rows, []))


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    # Excel's "Unicode text" export.
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    # Strict UTF-8 first: GB18030 would accept most UTF-8 bytes too, but as other characters,
    # while Chinese GBK text is almost never valid UTF-8.
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadError(
        "无法识别文件的文字编码（不是UTF-8，也不是GBK/GB18030）。"
        "请在Excel或WPS中打开，另存为.xlsx或“CSV UTF-8”后再导入。"
    )


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
