"""Hostile and broken files to import: each is built here, refused fast and within bounded
memory with a Chinese message, and the clerk's database stays as it was."""

from __future__ import annotations

import hashlib
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from bench.hostile_files import HEADER_ROW, build_bombs, inline_cell, sheet_xml, write_xlsx
from kexie_desktop.core.importing import readers
from kexie_desktop.core.importing.importer import apply, check
from kexie_desktop.core.importing.readers import ReadError, TooLarge, read_file
from kexie_desktop.core.store import Store

# Resource limits for the process reading a bomb: generous, so CI never flakes, yet far below
# the gigabytes and minutes the bombs once took.
MEMORY_LIMIT = 1 << 30
TIME_LIMIT = 60


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


@pytest.mark.slow  # about 15 s: each bomb is built and refused in a process of its own
def test_bombs_are_refused_fast_in_bounded_memory_and_change_nothing(
    tmp_path: Path, clerk_data: Path
) -> None:
    before = db_hash(clerk_data)
    for name, (bomb, detail) in build_bombs(tmp_path).items():
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
    bomb = write_xlsx(tmp_path / "行号.xlsx", sheet_xml(HEADER_ROW + '<row r="2000000000"/>'))
    with pytest.raises(TooLarge):
        read_file(bomb)

    def out_of_memory(_path: Path) -> None:
        raise MemoryError

    monkeypatch.setattr(readers, "_read_xlsx_fast", out_of_memory)
    with pytest.raises(ReadError, match="内存不足"):
        read_file(write_xlsx(tmp_path / "普通.xlsx", sheet_xml(HEADER_ROW)))


def test_empty_formatted_cells_far_to_the_right_take_no_room(tmp_path: Path) -> None:
    # Whole rows formatted out to XFD (some writers do it) are not a bomb: empty cells are skipped.
    rows = "".join(
        f'<row r="{n}">{inline_cell(f"A{n}", "张三")}<c r="XFD{n}" s="1"/></row>'
        for n in range(2, 200)
    )
    [sheet] = read_file(write_xlsx(tmp_path / "格式.xlsx", sheet_xml(HEADER_ROW + rows)))
    assert max(len(r) for r in sheet.rows) == 2


def test_a_lone_surrogate_is_caught_by_the_check_not_the_import(
    tmp_path: Path, clerk_data: Path
) -> None:
    sheet = sheet_xml(
        HEADER_ROW
        + f'<row r="2">{inline_cell("A2", "张_xD800_三")}{inline_cell("B2", "男")}</row>'
        + f'<row r="3">{inline_cell("A3", "李四")}{inline_cell("B3", "女")}</row>'
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


def test_problems_never_hold_a_full_id_number_wherever_they_are_shown(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "名单.csv"
    path.write_text("姓名,性别\n110105194912310021,男\n", encoding="utf-8")
    for problem in check(store, path).problems:
        assert "110105194912310021" not in problem.message  # the dialog's table shows these


def test_empty_formatted_cells_still_count_against_the_time_a_file_may_take(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Reading an empty cell costs time too: past the limit of cells in the XML the file is
    # refused (the real limit, five million, takes seconds to reach; a small one shows it).
    monkeypatch.setattr(readers, "MAX_ELEMENTS", 10_000)
    rows = "".join(f'<row r="{n}">' + '<c s="1"/>' * 100 + "</row>" for n in range(2, 200))
    with pytest.raises(TooLarge, match="单元格超过10000个（包括空白的）"):
        read_file(write_xlsx(tmp_path / "空白.xlsx", sheet_xml(HEADER_ROW + rows)))


def test_rows_are_counted_before_parsing_in_prefixed_sheets_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

    def row(n: int, text: str) -> str:
        cell = f'<x:c r="A{n}" t="inlineStr"><x:is><x:t>{text}</x:t></x:is></x:c>'
        return f'<x:row r="{n}">{cell}</x:row>'

    rows = row(1, "姓名") + "".join(row(n, f"人{n}") for n in range(2, 60))
    xml = f'<x:worksheet xmlns:x="{ns}"><x:sheetData>{rows}</x:sheetData></x:worksheet>'
    path = write_xlsx(tmp_path / "前缀.xlsx", xml.encode())
    [sheet] = read_file(path)
    assert sheet.rows[58] == ["人59"]
    monkeypatch.setattr(readers, "MAX_ROWS", 50)
    monkeypatch.setattr(readers, "_sheet_rows", None)  # refused before any parsing
    with pytest.raises(TooLarge, match="“人员”的行数超过了可以导入的50行"):
        read_file(path)
