"""Hostile import files, built on the spot: the bombs of issue 11, for the tests
(tests/core/test_trust_import.py) and for bench/bench_hostile_import.py.

Each is small on disk (a few KB to a few hundred KB) and claims or unzips to far more than any
roster: a row number in the billions, a filled cell in column XFD on every row, a shared string
the zip directory says is 1.5 GB, a 20 MB cell, 300 MB of rows, 400,000 rows, a row of twenty
million empty cells.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SHEETML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_XML = '<?xml version="1.0" encoding="UTF-8"?>'
_CONTENT_TYPES = (
    f'{_XML}<Types xmlns="{_PKG}/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_SHEETML}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_SHEETML}.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    f'{_XML}<Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    f'{_XML}<workbook xmlns="{NS}" xmlns:r="{_REL}">'
    '<sheets><sheet name="人员" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_SHEET_REL = f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
_STRINGS_REL = f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'


def _workbook_rels(with_strings: bool) -> str:
    strings = _STRINGS_REL if with_strings else ""
    return (
        f'{_XML}<Relationships xmlns="{_PKG}/relationships">{_SHEET_REL}{strings}</Relationships>'
    )


def inline_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


_SHEET_HEAD = f'{_XML}<worksheet xmlns="{NS}"><sheetData>'


def sheet_xml(rows: str) -> bytes:
    return f"{_SHEET_HEAD}{rows}</sheetData></worksheet>".encode()


HEADER_ROW = f'<row r="1">{inline_cell("A1", "姓名")}{inline_cell("B1", "性别")}</row>'


def write_xlsx(path: Path, sheet: bytes | None = None, *, strings: bytes | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(strings is not None))
        if sheet is not None:
            archive.writestr("xl/worksheets/sheet1.xml", sheet)
        if strings is not None:
            archive.writestr("xl/sharedStrings.xml", strings)
    return path


def write_streamed_sheet(path: Path, head: bytes, repeated: bytes, times: int, tail: bytes) -> Path:
    """An .xlsx whose sheet is `head + repeated * times + tail`, deflated as it is made: a few
    MB on disk for hundreds of MB of XML, as a bomb would be."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(False))
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as stream:
            stream.write(head)
            block = repeated * max(1, (1 << 20) // len(repeated))
            written = 0
            while written + len(block) <= len(repeated) * times:
                stream.write(block)
                written += len(block)
            stream.write(repeated * ((len(repeated) * times - written) // len(repeated)))
            stream.write(tail)
    return path


def lie_about_size(path: Path, member: str, size: int) -> None:
    """Patch the zip's directory to claim `member` unzips to `size` bytes (a hostile file
    claims what it likes; the reader must believe no more than the directory allows)."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_length] == name:
            struct.pack_into("<I", data, central + 24, size)
            local = struct.unpack_from("<I", data, central + 42)[0]
            struct.pack_into("<I", data, local + 22, size)
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))


def build_bombs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """name → (file, what the message must say)."""
    bombs: dict[str, tuple[Path, str]] = {}
    bombs["row number"] = (
        write_xlsx(
            tmp_path / "行号.xlsx",
            sheet_xml(
                HEADER_ROW + f'<row r="2000000000">{inline_cell("A2000000000", "张三")}</row>'
            ),
        ),
        "第2000000000行",
    )
    bombs["column letters"] = (
        write_xlsx(
            tmp_path / "列号.xlsx",
            sheet_xml(HEADER_ROW + f'<row r="2">{inline_cell("ZZZZZZZ2", "张三")}</row>'),
        ),
        "列有内容",
    )
    xfd_rows = "".join(
        f'<row r="{n}">{inline_cell(f"A{n}", "张三")}{inline_cell(f"XFD{n}", "x")}</row>'
        for n in range(2, 5000)
    )
    bombs["XFD on every row"] = (
        write_xlsx(tmp_path / "XFD.xlsx", sheet_xml(HEADER_ROW + xfd_rows)),
        "第16384列",
    )
    # A shared string the directory says is 1.5 GB.
    strings = f'<sst xmlns="{NS}"><si><t>{"长" * 1000}</t></si></sst>'.encode()
    big = write_xlsx(tmp_path / "共享文字.xlsx", sheet_xml(HEADER_ROW), strings=strings)
    lie_about_size(big, "xl/sharedStrings.xml", 1_500_000_000)
    bombs["1.5 GB shared string"] = (big, "1430 MB")
    # A cell of 20 MB of text, honestly zipped (20 KB on disk): libxml2 refuses the text node.
    bombs["20 MB cell"] = (
        write_streamed_sheet(
            tmp_path / "长单元格.xlsx",
            (_SHEET_HEAD + HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>').encode(),
            b"x", 20_000_000,
            b"</t></is></c></row></sheetData></worksheet>",
        ),
        "太大或格式异常",
    )  # fmt: skip
    # 300 MB of rows in a file of a few hundred KB: refused from the directory.
    bombs["300 MB of rows"] = (
        write_streamed_sheet(
            tmp_path / "行.xlsx",
            (_SHEET_HEAD + HEADER_ROW).encode(),
            b'<row><c t="inlineStr"><is><t>x</t></is></c></row>', 6_000_000,
            b"</sheetData></worksheet>",
        ),
        "解压后有",
    )  # fmt: skip
    # Within the size limits but with more rows than any roster: refused while streaming.
    bombs["400,000 rows"] = (
        write_streamed_sheet(
            tmp_path / "四十万行.xlsx",
            (_SHEET_HEAD + HEADER_ROW).encode(),
            b'<row><c t="inlineStr"><is><t>x</t></is></c></row>', 400_000,
            b"</sheetData></worksheet>",
        ),
        "超过了可以导入的300000行",
    )  # fmt: skip
    # One row of twenty million empty cells (220 MB of XML in 430 KB): refused by the count of
    # cells before any is parsed.
    bombs["20 million empty cells"] = (
        write_streamed_sheet(
            tmp_path / "空单元格.xlsx",
            (_SHEET_HEAD + HEADER_ROW + '<row r="2">').encode(),
            b'<c r="B2"/>',
            20_000_000,
            b"</row></sheetData></worksheet>",
        ),
        "单元格超过5000000个",
    )
    return bombs
