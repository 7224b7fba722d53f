"""Hostile and broken files to import: each is built here, refused fast and within bounded
memory with a Chinese message, and the clerk's database stays as it was."""

from __future__ import annotations

import hashlib
import os
import resource
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from kexie_desktop.core.importing import readers
from kexie_desktop.core.importing.importer import apply, check
from kexie_desktop.core.importing.readers import ReadError, TooLarge, read_file
from kexie_desktop.core.store import Store

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# Resource limits for the process reading a bomb: generous, so CI never flakes, yet far below
# the gigabytes and minutes the bombs once took.
MEMORY_LIMIT = 1 << 30
TIME_LIMIT = 60

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


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


_SHEET_HEAD = f'{_XML}<worksheet xmlns="{NS}"><sheetData>'


def _sheet(rows: str) -> bytes:
    return f"{_SHEET_HEAD}{rows}</sheetData></worksheet>".encode()


HEADER_ROW = f'<row r="1">{_cell("A1", "姓名")}{_cell("B1", "性别")}</row>'


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


def run_limited(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """The command line in a process limited to 1 GB of address space, timed."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "kexie_desktop", *args],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        preexec_fn=limit,
    )
    return result, time.monotonic() - start


def db_hash(data_dir: Path) -> str:
    return hashlib.sha256((data_dir / "kexie.db").read_bytes()).hexdigest()


@pytest.fixture
def clerk_data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    result = subprocess.run(
        [sys.executable, "-m", "kexie_desktop", "demo", "--data-dir", str(data)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return data


def _bombs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """name → (file, what the message must say)."""
    bombs: dict[str, tuple[Path, str]] = {}
    bombs["row number"] = (
        write_xlsx(
            tmp_path / "行号.xlsx",
            _sheet(HEADER_ROW + f'<row r="2000000000">{_cell("A2000000000", "张三")}</row>'),
        ),
        "第2000000000行",
    )
    bombs["column letters"] = (
        write_xlsx(
            tmp_path / "列号.xlsx",
            _sheet(HEADER_ROW + f'<row r="2">{_cell("ZZZZZZZ2", "张三")}</row>'),
        ),
        "列有内容",
    )
    xfd_rows = "".join(
        f'<row r="{n}">{_cell(f"A{n}", "张三")}{_cell(f"XFD{n}", "x")}</row>'
        for n in range(2, 5000)
    )
    bombs["XFD on every row"] = (
        write_xlsx(tmp_path / "XFD.xlsx", _sheet(HEADER_ROW + xfd_rows)),
        "第16384列",
    )
    # A shared string the directory says is 1.5 GB.
    strings = f'<sst xmlns="{NS}"><si><t>{"长" * 1000}</t></si></sst>'.encode()
    big = write_xlsx(tmp_path / "共享文字.xlsx", _sheet(HEADER_ROW), strings=strings)
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
    return bombs


def test_bombs_are_refused_fast_in_bounded_memory_and_change_nothing(
    tmp_path: Path, clerk_data: Path
) -> None:
    before = db_hash(clerk_data)
    for name, (bomb, detail) in _bombs(tmp_path).items():
        assert bomb.stat().st_size < 10 * 2**20, name
        for dry in (["--dry-run"], []):
            result, elapsed = run_limited("import", str(bomb), *dry, "--data-dir", str(clerk_data))
            assert result.returncode == 2, (name, result.stderr)
            assert "无法导入" in result.stderr or "太大" in result.stderr, (name, result.stderr)
            assert detail in result.stderr, (name, result.stderr)
            assert "Traceback" not in result.stderr, name
            assert elapsed < TIME_LIMIT, name
    assert db_hash(clerk_data) == before
    # The program still opens the data afterwards.
    out = tmp_path / "台账.xlsx"
    result, _ = run_limited("export", "ledger", "--year", "2025", "--out", str(out),
                            "--data-dir", str(clerk_data))  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_a_refused_or_memory_failed_file_is_not_read_again_with_openpyxl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(_path: Path) -> None:
        raise AssertionError("openpyxl must not read a refused file a second time")

    monkeypatch.setattr(readers, "_read_xlsx_openpyxl", never)
    bomb = write_xlsx(tmp_path / "行号.xlsx", _sheet(HEADER_ROW + '<row r="2000000000"/>'))
    with pytest.raises(TooLarge):
        read_file(bomb)

    def out_of_memory(_path: Path) -> None:
        raise MemoryError

    monkeypatch.setattr(readers, "_read_xlsx_fast", out_of_memory)
    with pytest.raises(ReadError, match="内存不足"):
        read_file(write_xlsx(tmp_path / "普通.xlsx", _sheet(HEADER_ROW)))


def test_empty_formatted_cells_far_to_the_right_take_no_room(tmp_path: Path) -> None:
    # Whole rows formatted out to XFD (some writers do it) are not a bomb: empty cells are skipped.
    rows = "".join(
        f'<row r="{n}">{_cell(f"A{n}", "张三")}<c r="XFD{n}" s="1"/></row>' for n in range(2, 200)
    )
    [sheet] = read_file(write_xlsx(tmp_path / "格式.xlsx", _sheet(HEADER_ROW + rows)))
    assert max(len(r) for r in sheet.rows) == 2


def test_a_lone_surrogate_is_caught_by_the_check_not_the_import(
    tmp_path: Path, clerk_data: Path
) -> None:
    sheet = _sheet(
        HEADER_ROW
        + f'<row r="2">{_cell("A2", "张_xD800_三")}{_cell("B2", "男")}</row>'
        + f'<row r="3">{_cell("A3", "李四")}{_cell("B3", "女")}</row>'
    )
    path = write_xlsx(tmp_path / "代理.xlsx", sheet)
    before = db_hash(clerk_data)
    result, _ = run_limited("import", str(path), "--dry-run", "--data-dir", str(clerk_data))
    assert result.returncode == 1
    assert "第2行" in result.stdout and "单独的代理字符" in result.stdout
    result, _ = run_limited("import", str(path), "--data-dir", str(clerk_data))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert db_hash(clerk_data) == before
    result, _ = run_limited("import", str(path), "--skip-invalid", "--data-dir", str(clerk_data))
    assert result.returncode == 1, result.stderr
    assert "新增1条" in result.stdout and "Traceback" not in result.stderr


def test_a_surrogate_in_a_linked_unit_name_is_caught_by_the_check(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "人员.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "工作单位"])
    sheet.append(["王五", "青江_xD800_机械厂"])
    book.save(path)
    plan = check(store, path)
    assert any("单独的代理字符" in p.message for p in plan.problems)
    assert plan.new_units == {}
    apply(store, plan, skip_invalid=True)  # nothing left to crash on


def test_a_csv_mixing_utf8_and_gbk_lines_is_refused_naming_both(tmp_path: Path) -> None:
    path = tmp_path / "混合.csv"
    path.write_bytes("姓名,性别\n".encode() + "张三,男\n".encode() + "李四,女\n".encode("gbk"))
    with pytest.raises(ReadError, match="第1行是UTF-8编码，第3行却是GBK"):
        read_file(path)
    path.write_bytes("姓名,性别\n".encode("gbk") + b"\xff\xff\xff,\xfe\n")
    with pytest.raises(ReadError, match="第2行的文字既不是UTF-8编码"):
        read_file(path)
    path.write_bytes(b"\xef\xbb\xbf" + "姓名\n".encode() + "张三\n".encode("gbk"))
    with pytest.raises(ReadError, match="第2行的文字却不是UTF-8编码"):
        read_file(path)
    # One encoding throughout still reads, either way.
    for encoding in ("utf-8", "gbk"):
        path.write_bytes("姓名,性别\n张三,男\n李四,女\n".encode(encoding))
        assert read_file(path)[0].rows[2] == ["李四", "女"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_pipe_or_device_is_refused_at_once(tmp_path: Path, clerk_data: Path) -> None:
    fifo = tmp_path / "管道.csv"
    os.mkfifo(fifo)
    for target in (fifo, Path("/dev/zero")):
        if not target.exists():
            continue
        result, elapsed = run_limited("import", str(target), "--data-dir", str(clerk_data))
        assert result.returncode == 2
        assert "不是普通的文件" in result.stderr or "不支持" in result.stderr
        assert elapsed < TIME_LIMIT


def test_reports_never_show_a_full_id_number_or_phone(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "名单.csv"
    path.write_text(
        "姓名,性别,手机\n110105194912310021,男,13812345678\n王五,男,1381234567\n张三,不详,13912345678\n",
        encoding="utf-8",
    )
    report = check(store, path).report()
    assert "110105194912310021" not in report and "110105********0021" in report
    assert "1381234567" not in report  # the mistyped mobile, echoed in its message
    assert "13912345678" not in report


def test_rows_of_uncached_formulas_are_reported_not_dropped(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "公式.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "性别"])
    sheet.append(["张三", "男"])
    sheet.append(['=CONCAT("李","四")', '=IF(1,"女","男")'])  # written by a program: no results
    book.save(path)
    plan = check(store, path)
    [problem] = plan.problems
    assert problem.row == 3 and "只有公式，没有保存计算结果" in problem.message


def test_xml_invalid_characters_in_cells_are_removed_before_storing(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "控制字符.csv"
    path.write_text("姓名,性别,备注\n张\x01三,男,第一行\x0b第二行\x00\n", encoding="utf-8")
    plan = check(store, path)
    assert plan.problems == []
    apply(store, plan)
    name, notes = store.conn.execute("SELECT name, notes FROM people").fetchone()
    assert name == "张三" and "\x0b" not in notes and "\x00" not in notes


def test_read_file_refuses_an_oversized_csv_before_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "大.csv"
    path.write_text("姓名\n" + "张三\n" * 1000, encoding="utf-8")
    with pytest.raises(TooLarge, match="太大"):
        read_file(path)
