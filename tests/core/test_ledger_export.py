"""The ledger workbook: read back with openpyxl and checked against the database."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from kexie_desktop.core.ledger_export import write_ledger
from kexie_desktop.core.privacy import mask_phone
from kexie_desktop.core.records import Activity, Person
from kexie_desktop.core.store import Store

YEAR = 2025
PRINTED = ["活动台账", "人员花名册", "获奖情况", "基层组织"]
FULL = {name: f"{name}（完整）" for name in PRINTED}
SHEETS = PRINTED + list(FULL.values())
PRINT_HEADERS = {
    "活动台账": [
        "序号",
        "日期",
        "活动名称",
        "类别",
        "主办单位",
        "地点",
        "参加人次",
        "重点",
        "主要成效",
        "情况说明",
    ],
    "人员花名册": [
        "序号",
        "姓名",
        "性别",
        "出生日期",
        "工作单位",
        "职称",
        "学历",
        "专业",
        "身份",
        "联系电话",
        "入会日期",
        "状态",
    ],
    "获奖情况": [
        "序号",
        "获奖日期",
        "奖项名称",
        "级别",
        "获奖者",
        "所在单位",
        "颁发单位",
        "获奖说明",
    ],
    "基层组织": [
        "序号",
        "单位名称",
        "类型",
        "成立日期",
        "联系人",
        "联系电话",
        "会员人数",
        "在册人员",
        "本年新建",
        "备注",
    ],
}
HEADERS = {
    "活动台账": [
        "序号", "开始日期", "结束日期", "活动名称", "类别", "活动形式", "主题活动", "主办单位",
        "协办单位", "地点", "面向对象", "参加人次", "其中青少年", "重点", "计划", "参与人员",
        "调研报告/建议", "攻关项目", "推广新技术", "发表文章/信息", "短信条数", "交流论文",
        "发放资料", "经费（元）", "情况说明", "备注",
    ],
    "人员花名册": [
        "序号", "姓名", "性别", "出生日期", "民族", "公民身份号码", "联系电话", "工作单位",
        "职称", "学历", "专业", "身份", "入会日期", "状态", "备注",
    ],
    "获奖情况": [
        "序号", "获奖日期", "奖项名称", "级别", "获奖类别", "获奖者", "所在单位", "颁发单位",
        "证书编号", "获奖说明", "备注",
    ],
    "基层组织": [
        "序号", "单位名称", "类型", "成立日期", "联系人", "联系电话", "会员人数", "在册人员",
        "本年新建", "上次换届", "下次换届", "备注",
    ],
}  # fmt: skip
HEADERS = {FULL[name]: headers for name, headers in HEADERS.items()} | PRINT_HEADERS
MASKED_ID = re.compile(r"^\d{6}\*{8}[\dX]{4}$")


def _export(store: Store, path: Path, **kwargs: Any) -> tuple[Any, dict[str, int]]:
    rows = write_ledger(store, YEAR, str(path), **kwargs)
    return openpyxl.load_workbook(path), rows


def _data(ws: Any) -> list[tuple[Any, ...]]:
    return list(ws.iter_rows(min_row=3))


def _column(ws: Any, header: str) -> list[Any]:
    index = [c.value for c in ws[2]].index(header)
    return [row[index] for row in _data(ws)]


def _db_counts(store: Store) -> dict[str, int]:
    def one(sql: str) -> int:
        return int(store.conn.execute(sql).fetchone()[0])

    return {
        "活动台账": one(
            f"SELECT count(*) FROM activities WHERE substr(start_date, 1, 4) = '{YEAR}'"
        ),
        "人员花名册": one("SELECT count(*) FROM people"),
        "获奖情况": one(f"SELECT count(*) FROM awards WHERE substr(award_date, 1, 4) = '{YEAR}'"),
        "基层组织": one("SELECT count(*) FROM units"),
    }


@pytest.fixture
def ledger(demo_store: Store, tmp_path: Path) -> tuple[Any, dict[str, int]]:
    return _export(demo_store, tmp_path / "台账.xlsx")


def test_sheets_titles_headers_and_row_counts(
    demo_store: Store, ledger: tuple[Any, dict[str, int]]
) -> None:
    wb, rows = ledger
    assert wb.sheetnames == SHEETS
    org = demo_store.settings.profile().org_name
    assert org
    counts = _db_counts(demo_store)
    assert all(counts.values())
    assert rows == counts  # per printed sheet; its complete sheet holds the same rows
    titles = {
        "活动台账": f"{org}{YEAR}年活动台账",
        "人员花名册": f"{org}{YEAR}年人员花名册",
        "获奖情况": f"{org}{YEAR}年获奖情况",
        "基层组织": f"{org}{YEAR}年基层组织台账",
    }
    titles |= {FULL[n]: f"{t}（完整信息，供查询和导入，不用于打印）" for n, t in titles.items()}
    counts |= {FULL[n]: c for n, c in counts.items()}
    for name in SHEETS:
        ws = wb[name]
        assert ws["A1"].value == titles[name]
        assert ws["A1"].font.b and ws["A1"].font.sz > ws["A2"].font.sz
        assert ws["A1"].alignment.horizontal == "center"
        last = get_column_letter(len(HEADERS[name]))
        assert [str(r) for r in ws.merged_cells.ranges] == [f"A1:{last}1"]
        header = list(ws[2])
        assert [c.value for c in header] == HEADERS[name]
        assert all(c.font.b and c.border.bottom.style == "thin" for c in header)
        assert header[0].fill.fgColor.rgb.endswith("DDEBF7")
        data = _data(ws)
        assert len(data) == counts[name] == ws.max_row - 2
        assert [row[0].value for row in data] == list(range(1, counts[name] + 1))
        assert all(c.border.left.style == "thin" for row in data for c in row)


def test_page_set_up_frozen_header_and_widths(ledger: tuple[Any, dict[str, int]]) -> None:
    wb, _rows = ledger
    for name in SHEETS:
        ws = wb[name]
        assert ws.freeze_panes == "A3"
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert int(ws.page_setup.fitToWidth) == 1
        assert int(ws.page_setup.fitToHeight) == 0
        assert ws.print_title_rows.replace("$", "") == "1:2"
        assert "&P" in ws.oddFooter.center.text
        widths = {}
        for dim in ws.column_dimensions.values():
            for index in range(dim.min, dim.max + 1):
                widths[index] = dim.width
        assert sorted(widths) == list(range(1, len(HEADERS[name]) + 1))
        assert widths[1] < 10 < max(widths.values())
    notes = [c.value for c in wb["活动台账"][2]].index("情况说明") + 1
    assert wb["活动台账"].column_dimensions[get_column_letter(notes)].width >= 40


def _print_scale(ws: Any) -> float:
    """The scale at which the sheet prints one A4 landscape page wide (Excel and LibreOffice
    never enlarge to fit): the page less its margins over the columns' width in points."""
    margins = (ws.page_margins.left + ws.page_margins.right) * 72
    page = 297 / 25.4 * 72 - margins
    columns = sum(
        (7 * dim.width + 5) * 0.75 * (dim.max - dim.min + 1)
        for dim in ws.column_dimensions.values()
    )
    return min(1.0, page / columns)


def test_printed_sheets_print_at_9_pt_or_more(ledger: tuple[Any, dict[str, int]]) -> None:
    wb, _rows = ledger
    for name in PRINTED:
        ws = wb[name]
        size = _data(ws)[0][2].font.sz
        assert size * _print_scale(ws) >= 9, name
        assert ws.sheet_properties.tabColor is None
    # The complete sheets are marked as not for printing (and would print far too small).
    for name in FULL.values():
        ws = wb[name]
        assert ws.sheet_properties.tabColor.rgb.endswith("A6A6A6")
        assert _print_scale(ws) * 10.5 < 9 or name.startswith("基层组织")


def test_printed_activities_wrap_long_text_and_size_rows(
    demo_store: Store, ledger: tuple[Any, dict[str, int]]
) -> None:
    wb, _rows = ledger
    ws = wb["活动台账"]
    description = _column(ws, "情况说明")
    assert all(c.alignment.wrap_text for c in description)
    # A row with a long description is as tall as its text, a short one is one line.
    heights = {c.row: ws.row_dimensions[c.row].height for c in description}
    long_rows = [c.row for c in description if c.value and len(c.value) > 200]
    assert long_rows and all(heights[r] and heights[r] >= 8 * 14 for r in long_rows)
    short = [c.row for c in description if len(c.value or "") < 30]
    assert short and all((heights[r] or 0) <= 4 * 14 + 3 for r in short)  # the title wraps
    # Outcomes in words, zero never written; dates without the year of the title.
    outcomes = {c.value for c in _column(ws, "主要成效")}
    assert any(str(v).startswith("攻关项目2个、推广新技术2项") for v in outcomes)
    assert "经费2.5万元" in outcomes  # the demo's 经费 in the same column, in 万 as in the summary
    assert not any(re.search(r"(?<!\d)0(个|项|篇|条)", str(v)) for v in outcomes)
    dates = [c.value for c in _column(ws, "日期")]
    assert "5月17日至24日" in dates and not any(str(d).startswith("2025") for d in dates)


def test_dates_are_dates_and_numbers_are_numbers(
    demo_store: Store, ledger: tuple[Any, dict[str, int]]
) -> None:
    wb, _rows = ledger
    activities = wb[FULL["活动台账"]]
    starts = _column(activities, "开始日期")
    assert all(isinstance(c.value, dt.datetime) and c.value.year == YEAR for c in starts)
    assert all(c.number_format == "yyyy-mm-dd" for c in starts)
    # Unknown 人次 is a blank cell, never 0.
    people = [c.value for c in _column(activities, "参加人次")]
    unknown = demo_store.conn.execute(
        f"SELECT count(*) FROM activities WHERE participants IS NULL AND start_date LIKE '{YEAR}-%'"
    ).fetchone()[0]
    assert unknown and people.count(None) == unknown and 0 not in people
    assert all(isinstance(v, int) for v in people if v is not None)
    total = demo_store.conn.execute(
        f"SELECT sum(participants) FROM activities WHERE start_date LIKE '{YEAR}-%'"
    ).fetchone()[0]
    assert sum(v for v in people if v is not None) == total
    # Outcome figures that are 0 are blank.
    for header in ("调研报告/建议", "攻关项目", "推广新技术", "发表文章/信息", "短信条数"):
        values = [c.value for c in _column(activities, header)]
        assert 0 not in values and any(values), header
    assert {c.value for c in _column(activities, "重点")} <= {"是", None}
    # An activity the organisation itself ran shows 本会 as organiser.
    own = demo_store.conn.execute(
        f"SELECT count(*) FROM activities WHERE unit_id IS NULL AND start_date LIKE '{YEAR}-%'"
    ).fetchone()[0]
    assert own and [c.value for c in _column(activities, "主办单位")].count("本会") == own
    wrap = _column(activities, "情况说明")[0]
    assert wrap.alignment.wrap_text

    births = _column(wb[FULL["人员花名册"]], "出生日期")
    stored = [
        r[0]
        for r in demo_store.conn.execute("SELECT birth_date FROM people WHERE birth_date != ''")
    ]
    assert len([c for c in births if c.value is not None]) == len(stored)
    assert all(isinstance(c.value, dt.datetime) for c in births if c.value is not None)
    months = [c for c in births if c.number_format == "yyyy-mm"]
    assert len(months) == sum(len(s) == 7 for s in stored) > 0
    assert all(c.value.day == 1 for c in months)
    assert isinstance(_column(wb["获奖情况"], "获奖日期")[0].value, dt.datetime)
    assert isinstance(_column(wb["基层组织"], "会员人数")[0].value, int)
    assert isinstance(_column(wb[FULL["获奖情况"]], "获奖日期")[0].value, dt.datetime)


def _cells(wb: Any) -> list[str]:
    return [str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value]


def test_ids_and_phones_are_masked_text_by_default(
    demo_store: Store, ledger: tuple[Any, dict[str, int]]
) -> None:
    wb, _rows = ledger
    people = wb[FULL["人员花名册"]]
    ids = [c for c in _column(people, "公民身份号码") if c.value is not None]
    assert (
        len(ids)
        == demo_store.conn.execute("SELECT count(*) FROM people WHERE id_number != ''").fetchone()[
            0
        ]
    )
    assert all(c.data_type == "s" and MASKED_ID.match(c.value) for c in ids), ids[0].value
    phones = [c for c in _column(people, "联系电话") if c.value is not None]
    assert phones
    assert all(c.data_type == "s" and "****" in c.value for c in phones)
    assert any(re.fullmatch(r"1\d\d\*{4}\d{4}", c.value) for c in phones)
    units = [c for c in _column(wb["基层组织"], "联系电话") if c.value is not None]
    assert units and all(c.data_type == "s" and "****" in c.value for c in units)
    printed = [c for c in _column(wb["人员花名册"], "联系电话") if c.value is not None]
    assert printed and all("****" in c.value for c in printed)

    secrets = {
        value
        for row in demo_store.conn.execute(
            "SELECT id_number, phone FROM people UNION ALL SELECT contact_phone, '' FROM units"
        )
        for value in row
        if value
    }
    assert any("-" in s for s in secrets)  # landlines are checked too
    text = "\n".join(_cells(wb))
    assert [s for s in secrets if s in text] == []


def test_full_ids_on_request(demo_store: Store, tmp_path: Path) -> None:
    wb, _rows = _export(demo_store, tmp_path / "full.xlsx", full_ids=True)
    people = wb[FULL["人员花名册"]]
    expected = {
        r[0] for r in demo_store.conn.execute("SELECT id_number FROM people WHERE id_number != ''")
    }
    ids = [c for c in _column(people, "公民身份号码") if c.value is not None]
    assert all(c.data_type == "s" for c in ids)
    assert {c.value for c in ids} == expected
    phones = {c.value for c in _column(people, "联系电话") if c.value is not None}
    assert phones == {
        r[0] for r in demo_store.conn.execute("SELECT phone FROM people WHERE phone != ''")
    }
    assert people.oddHeader.right.text


def test_progress_ends_at_the_total(demo_store: Store, tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    rows = write_ledger(
        demo_store, YEAR, str(tmp_path / "p.xlsx"), progress=lambda *a: calls.append(a)
    )
    total = sum(_db_counts(demo_store).values())
    assert sum(rows.values()) == total
    assert calls[-1] == (2 * total, 2 * total)  # each row is written to two sheets
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_writes_to_an_open_binary_file(demo_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    with path.open("wb") as f:
        rows = write_ledger(demo_store, YEAR, f)
    assert openpyxl.load_workbook(path).sheetnames == SHEETS
    assert rows["活动台账"] > 0


def test_awkward_text_survives_and_stays_text(store: Store, tmp_path: Path) -> None:
    activity = store.records.save(
        Activity(title="占位", category="学术交流", start_date=f"{YEAR}-02-03", participants=5)
    )
    store.records.save(Person(name="王五", birth_date="1975-03", phone="0737-4221086"))
    with store.transaction() as db:
        db.execute(
            "UPDATE activities SET title = ?, description = ?, notes = ?, place = ? WHERE id = ?",
            [
                "<b>节能 & 降耗</b>",
                "  第一行\n第二行  ",
                "=SUM(A1:A9)",
                "会议室\x01二楼",
                activity.id,
            ],
        )
        # A date another tool stored in a shape the program does not use stays as typed.
        db.execute(
            "UPDATE people SET join_date = '2001年5月', id_number = '12345' WHERE name = '王五'"
        )
    wb, rows = _export(store, tmp_path / "odd.xlsx")
    assert rows == {"活动台账": 1, "人员花名册": 1, "获奖情况": 0, "基层组织": 0}
    assert wb["活动台账"]["A1"].value == f"{YEAR}年活动台账"
    sheet = FULL["活动台账"]
    row = {h: c for h, c in zip(HEADERS[sheet], _data(wb[sheet])[0], strict=True)}
    assert row["活动名称"].value == "<b>节能 & 降耗</b>"
    assert row["情况说明"].value == "  第一行\n第二行  "
    assert row["备注"].value == "=SUM(A1:A9)" and row["备注"].data_type == "s"
    assert row["地点"].value == "会议室二楼"
    assert row["主办单位"].value == "本会"
    assert row["结束日期"].value is None
    sheet = FULL["人员花名册"]
    person = {h: c for h, c in zip(HEADERS[sheet], _data(wb[sheet])[0], strict=True)}
    assert person["出生日期"].value == dt.datetime(1975, 3, 1)
    assert person["出生日期"].number_format == "yyyy-mm"
    assert person["入会日期"].value == "2001年5月"
    assert person["联系电话"].value == "0737-****086"
    assert person["公民身份号码"].value == "12***"


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("0737-4221086", "0737-****086"),
        ("010-12345678", "010-****5678"),
        ("4221086", "****086"),
        ("12345", "****5"),
        ("138-1234-5678", "138-****-5678"),
        ("0737-12", "07**-**"),
        ("+86 13812345678", "+86 1******5678"),
        ("", ""),
    ],
)
def test_mask_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked
    assert sum(c == "*" for c in mask_phone(phone)) >= min(4, sum(c.isdigit() for c in phone))
