"""The readers hand over messy real-world files cell by cell: merged cells spread, empties None."""

from __future__ import annotations

import datetime as dt
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlwt
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from kexie_desktop.core.importing import readers
from kexie_desktop.core.importing.readers import RawSheet, ReadError, read_file

OLE = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the start of every OLE2 container (.xls, encrypted .xlsx)
)
TITLE = "青江市XX企业科协会员花名册"
HEADER = ["序号", "姓 名", "性别", "出生年月", "身份证号码", "手机", "工作单位"]
UNIT = "青江机械厂"
# An ID number stored as a number keeps only its first digits: openpyxl, like Excel, writes
# 110105194912310021 as 1.1010519491231e+17.
LOST_ID = 1.1010519491231e17
NOTE = "注：本表由各企业科协填报，身份证号码请设为文本格式。"


def _messy_xlsx(path: Path) -> None:
    """A roster as clerks keep it: title, blank row, header in row 3, merges, 合计, notes."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "会员花名册"
    sheet["A1"] = TITLE
    sheet.merge_cells("A1:G1")
    for column, text in enumerate(HEADER, start=1):
        sheet.cell(row=3, column=column, value=f" {text} " if column == 2 else text)
    sheet.append([1, "张  三", "男", dt.datetime(1975, 3, 5), "11010519491231002X", 13812345678])
    sheet.append([2, "李四", "女", "1980.05", 110105194912310021, "0737-4212345"])
    sheet.append([3, "王五", "M", 198012, "11010519491231002x", None])
    sheet["G4"] = UNIT
    sheet.merge_cells("G4:G6")  # one unit merged down over three people
    # Row 7 stays blank in the middle of the table.
    sheet.append([])
    sheet.append([4, "赵六", "F", 1975.03, 1.1010519491231002e17, 13912345678.0, "青江化工厂"])
    sheet.append(["合计", "4人"])
    sheet["A11"] = NOTE
    sheet.merge_cells("A11:G11")
    sheet.cell(row=12, column=3, value="")  # an empty string is an empty cell

    second = book.create_sheet("活动台账")
    second.append(["活动名称", "开展时间", "参加人次", "是否重点"])
    second.append(["科普进社区", dt.date(2025, 3, 5), 120, True])
    second.append(["合计", None, "=SUM(C2:C2)"])

    hidden = book.create_sheet("下拉选项")
    hidden.append(["男", "女"])
    hidden.sheet_state = "hidden"
    book.save(path)


def test_messy_xlsx_is_read_cell_by_cell(tmp_path: Path) -> None:
    path = tmp_path / "花名册.xlsx"
    _messy_xlsx(path)
    sheets = read_file(path)
    assert [s.name for s in sheets] == ["会员花名册", "活动台账", "下拉选项"]
    roster, activities, options = sheets
    assert roster.rows == [
        [TITLE] * 7,
        [],
        ["序号", " 姓 名 ", "性别", "出生年月", "身份证号码", "手机", "工作单位"],
        [1, "张  三", "男", dt.datetime(1975, 3, 5), "11010519491231002X", 13812345678, UNIT],
        [2, "李四", "女", "1980.05", LOST_ID, "0737-4212345", UNIT],
        [3, "王五", "M", 198012, "11010519491231002x", None, UNIT],
        [],
        [4, "赵六", "F", 1975.03, LOST_ID, 13912345678, "青江化工厂"],
        ["合计", "4人"],
        [],
        [NOTE] * 7,
    ]
    assert (roster.hidden, roster.datemode) == (False, 0)
    # A formula gives the value Excel last calculated; a file never opened in Excel has none.
    assert activities.rows == [
        ["活动名称", "开展时间", "参加人次", "是否重点"],
        ["科普进社区", dt.datetime(2025, 3, 5), 120, True],
        ["合计"],
    ]
    assert options == RawSheet("下拉选项", [["男", "女"]], hidden=True)


def test_xlsx_in_the_1904_date_system_reports_its_datemode(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    assert sheet is not None
    sheet.append(["开展时间", dt.date(2025, 3, 5)])
    book.save(tmp_path / "mac.xlsx")
    (sheet_read,) = read_file(tmp_path / "mac.xlsx")
    assert sheet_read.datemode == 1
    assert sheet_read.rows == [["开展时间", dt.datetime(2025, 3, 5)]]


def _rewrite_member(path: Path, member: str, old: bytes, new: bytes) -> None:
    with zipfile.ZipFile(path) as archive:
        contents = {info.filename: archive.read(info) for info in archive.infolist()}
    assert old in contents[member]
    contents[member] = contents[member].replace(old, new)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in contents.items():
            archive.writestr(name, data)


def test_merges_reaching_past_the_data_are_clipped(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "单位"])
    sheet.append(["张三", "青江机械厂"])
    sheet.merge_cells("B2:B3")
    sheet.merge_cells("D5:E6")  # an empty merged range below the table
    path = tmp_path / "整列合并.xlsx"
    book.save(path)
    # A whole column merged by mistake; written into the XML afterwards, as openpyxl would
    # create a million cell objects for it.
    _rewrite_member(path, "xl/worksheets/sheet1.xml", b'ref="B2:B3"', b'ref="B2:B1048576"')
    (read,) = read_file(path)
    assert read.rows == [["姓名", "单位"], ["张三", "青江机械厂"]]


def _zip_with_sheet(path: Path, sheet_xml: bytes) -> None:
    """A hand-written package, as .NET tools write them: prefixed names, odd paths."""
    content_types = (
        b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        b'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        b'<Override PartName="/xl/wb.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/sheets/s1.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"'
        b"/></Types>"
    )
    root_rels = (
        b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        b'2006/relationships"><Relationship Id="R1" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/officeDocument" Target="/xl/wb.xml"/>'
        b"</Relationships>"
    )
    workbook = (
        b'<?xml version="1.0"?><x:workbook xmlns:x="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships"><x:sheets><x:sheet name="Sheet1" sheetId="1" r:id="S1"/>'
        b"</x:sheets></x:workbook>"
    )
    workbook_rels = (
        b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        b'2006/relationships"><Relationship Id="S1" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/worksheet" Target="sheets/s1.xml"/>'
        b"</Relationships>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", root_rels)
        archive.writestr("xl/wb.xml", workbook)
        archive.writestr("xl/_rels/wb.xml.rels", workbook_rels)
        archive.writestr("xl/sheets/s1.xml", sheet_xml)


def test_merges_are_found_with_prefixed_names_and_after_a_long_sheet(tmp_path: Path) -> None:
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    filler = "".join(
        f'<x:row r="{r}"><x:c r="A{r}" t="inlineStr"><x:is><x:t>第{r}行</x:t></x:is></x:c></x:row>'
        for r in range(3, 30003)
    )
    sheet_xml = (
        f'<?xml version="1.0"?><x:worksheet xmlns:x="{main}"><x:sheetData>'
        '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>标题</x:t></x:is></x:c>'
        '<x:c r="C1" t="inlineStr"><x:is><x:t>尾</x:t></x:is></x:c></x:row>'
        '<x:row r="2"><x:c r="B2"><x:v>7</x:v></x:c><x:c r="C2"><x:v>110105194912310021</x:v>'
        f"</x:c></x:row>{filler}</x:sheetData>"
        '<x:mergeCells count="2"><x:mergeCell ref="A1:B1"/><x:mergeCell ref=\'B2:B3\'/>'
        "</x:mergeCells></x:worksheet>"
    ).encode()
    assert len(sheet_xml) > 2 << 20  # the merges lie beyond the first chunks read
    path = tmp_path / "dotnet.xlsx"
    _zip_with_sheet(path, sheet_xml)
    (sheet,) = read_file(path)
    assert sheet.rows[:4] == [
        ["标题", "标题", "尾"],
        [None, 7, 110105194912310021],  # an exact integer, as other programs write them
        ["第3行", 7],
        ["第4行"],
    ]
    assert len(sheet.rows) == 30002


def _messy_xls(path: Path) -> None:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("人员")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    sheet.write_merge(0, 0, 0, 4, "青江市XX科协会员花名册")
    for column, text in enumerate(["姓名", "出生日期", "手机号码", "单位", "是否会员"]):
        sheet.write(2, column, text)
    sheet.write(3, 0, "张三")
    sheet.write(3, 1, dt.datetime(1975, 3, 5), date_style)
    sheet.write(3, 2, 13812345678)
    sheet.write_merge(3, 5, 3, 3, "青江机械厂")
    sheet.write(3, 4, True)
    sheet.write(4, 0, "李四")
    sheet.write(4, 1, "1980.05")
    sheet.write(4, 2, "")
    sheet.write(5, 0, "王五")
    sheet.write(5, 1, 27454)  # a serial left in a General cell
    sheet.write(7, 0, "合计")
    sheet.write(7, 1, xlwt.Formula("1+2"))
    other = book.add_sheet("备注")
    other.write(0, 0, "说明")
    other.visibility = 1
    book.save(str(path))


def test_messy_xls_is_read_cell_by_cell(tmp_path: Path) -> None:
    path = tmp_path / "花名册.xls"
    _messy_xls(path)
    people, notes = read_file(path)
    assert people == RawSheet(
        "人员",
        [
            ["青江市XX科协会员花名册"] * 5,
            [],
            ["姓名", "出生日期", "手机号码", "单位", "是否会员"],
            ["张三", dt.datetime(1975, 3, 5), 13812345678.0, "青江机械厂", True],
            ["李四", "1980.05", None, "青江机械厂"],
            ["王五", 27454.0, None, "青江机械厂"],
            [],
            ["合计"],  # xlwt stores no calculated result for its formula
        ],
    )
    assert notes == RawSheet("备注", [["说明"]], hidden=True)


def test_csv_in_gb18030_with_quotes_and_empty_fields(tmp_path: Path) -> None:
    path = tmp_path / "会员名单.csv"
    text = (
        "青江市XX企业科协会员花名册,,,\r\n"
        ",,,\r\n"
        "姓 名,出生年月,身份证号码,工作单位\r\n"
        '张  三,1975.03,11010519491231002X,"青江机械厂,一车间"\r\n'
        "李四,,,\r\n"
        "合计,2人,,\r\n"
    )
    path.write_bytes(text.encode("gb18030"))
    assert read_file(path) == [
        RawSheet(
            "会员名单",
            [
                ["青江市XX企业科协会员花名册"],
                [],
                ["姓 名", "出生年月", "身份证号码", "工作单位"],
                ["张  三", "1975.03", "11010519491231002X", "青江机械厂,一车间"],
                ["李四"],
                ["合计", "2人"],
            ],
        )
    ]


def test_csv_in_utf8_with_bom_and_tabs(tmp_path: Path) -> None:
    path = tmp_path / "activities.CSV"
    text = (
        "活动名称\t开展时间\t参加人次\n"
        "科普进社区, 义诊\t2025/3/5\t120\n"
        "\t\t\n"
        "讲座\t2025年3月6日\t\n"
    )
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert read_file(path) == [
        RawSheet(
            "activities",
            [
                ["活动名称", "开展时间", "参加人次"],
                ["科普进社区, 义诊", "2025/3/5", "120"],
                [],
                ["讲座", "2025年3月6日"],
            ],
        )
    ]


def test_csv_with_semicolons_and_excel_unicode_text(tmp_path: Path) -> None:
    semicolons = tmp_path / "semi.csv"
    semicolons.write_text("姓名;性别\n张三;男\n", encoding="utf-8")
    assert read_file(semicolons)[0].rows == [["姓名", "性别"], ["张三", "男"]]
    unicode_text = tmp_path / "unicode.txt"
    unicode_text.write_bytes("姓名\t性别\r\n张三\t男\r\n".encode("utf-16"))
    assert read_file(unicode_text)[0].rows == [["姓名", "性别"], ["张三", "男"]]


def test_an_empty_csv_is_an_empty_sheet(tmp_path: Path) -> None:
    (tmp_path / "空.csv").write_bytes(b"")
    assert read_file(tmp_path / "空.csv") == [RawSheet("空", [])]


def test_files_in_disguise_are_read_by_their_content(tmp_path: Path) -> None:
    xlsx_as_xls = tmp_path / "其实是xlsx.xls"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "张三"])
    book.save(xlsx_as_xls)
    assert read_file(xlsx_as_xls)[0].rows == [["姓名", "张三"]]

    xls_as_xlsx = tmp_path / "其实是xls.xlsx"
    _messy_xls(xls_as_xlsx)
    assert read_file(xls_as_xlsx)[0].name == "人员"

    text_as_xls = tmp_path / "系统导出.xls"
    text_as_xls.write_bytes("姓名\t性别\n张三\t男\n".encode("gb18030"))
    assert read_file(text_as_xls)[0].rows == [["姓名", "性别"], ["张三", "男"]]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("网页.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>", "网页"),
        ("网页.xlsx", b"\xef\xbb\xbf  <!DOCTYPE html><html></html>", "网页"),
        ("xml2003.xls", b'<?xml version="1.0"?><Workbook xmlns="urn:schemas"/>', "XML"),
        ("损坏.xlsx", random.Random(4).randbytes(5000), "已损坏"),
        ("损坏.xls", random.Random(5).randbytes(5000), "已损坏"),
        ("截断.xlsx", b"PK\x03\x04" + bytes(100), "已损坏"),
        ("假ole.xls", OLE + bytes(600), "已损坏"),
        ("空.xlsx", b"", "空文件"),
        (
            "加密.xlsx",
            OLE + bytes(1000) + "EncryptedPackage".encode("utf-16-le"),
            "已加密",
        ),
        ("合同.docx", b"PK\x03\x04", "不支持“.docx”格式"),
        ("表格.et", b"\xd0\xcf\x11\xe0", "不支持“.et”格式"),
        ("没有扩展名", b"a,b\n", "没有扩展名"),
    ],
)
def test_unreadable_files_raise_read_error_in_chinese(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ReadError, match=message):
        read_file(path)


def test_undecodable_csv_says_which_encodings_were_tried(tmp_path: Path) -> None:
    path = tmp_path / "乱码.csv"
    path.write_bytes(b"a,b\n\x81\x30\xff\x30\n")
    with pytest.raises(ReadError, match="UTF-8"):
        read_file(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="找不到文件"):
        read_file(tmp_path / "不存在.xlsx")
    folder = tmp_path / "文件夹.xlsx"
    folder.mkdir()
    with pytest.raises(ReadError, match="文件夹"):
        read_file(folder)


def test_encrypted_xls_is_reported_as_encrypted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import xlrd

    path = tmp_path / "加密.xls"
    _messy_xls(path)

    def encrypted(*args: object, **kwargs: object) -> None:
        raise xlrd.XLRDError("Workbook is encrypted")

    monkeypatch.setattr(xlrd, "open_workbook", encrypted)
    with pytest.raises(ReadError, match="已加密"):
        read_file(path)


def test_reader_failures_never_escape_as_other_exceptions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "花名册.xlsx"
    _messy_xlsx(path)

    def broken(*args: object, **kwargs: object) -> None:
        raise TypeError("something inside openpyxl")

    # Both ways of reading fail: the fast one, then openpyxl it falls back on.
    monkeypatch.setattr(readers, "_read_xlsx_fast", broken)
    monkeypatch.setattr(openpyxl, "load_workbook", broken)
    with pytest.raises(ReadError, match="已损坏") as caught:
        read_file(path)
    assert isinstance(caught.value.__cause__, TypeError)


def test_the_fast_xlsx_reader_agrees_with_openpyxl(tmp_path: Path) -> None:
    path = tmp_path / "花名册.xlsx"
    _messy_xlsx(path)
    assert readers._read_xlsx_fast(path) == readers._read_xlsx_openpyxl(path)


def test_xlrd_warnings_do_not_reach_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "花名册.xls"
    _messy_xls(path)
    # xlrd complains about a file size that is not a whole number of sectors.
    path.write_bytes(path.read_bytes() + b"\x00" * 100)
    read_file(path)
    assert capsys.readouterr().out == ""


def test_range_bounds() -> None:
    assert readers._range_bounds("A1:G1") == (1, 1, 1, 7)
    assert readers._range_bounds("$AA$10:$AB$12") == (10, 27, 12, 28)
    assert readers._range_bounds("B3") == (3, 2, 3, 2)
    assert readers._range_bounds("A1:") is None
    assert readers._range_bounds("1A:B2") is None


def test_importing_the_readers_loads_no_spreadsheet_library() -> None:
    code = (
        "import sys\n"
        "import kexie_desktop.core.importing.readers, kexie_desktop.core.importing.values\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('openpyxl', 'xlrd', 'xlwt'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_rows_are_plain_lists_for_the_importer(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("a,b\n", encoding="utf-8")
    (sheet,) = read_file(path)
    assert isinstance(sheet.rows, list)
    assert all(isinstance(row, list) for row in sheet.rows)
