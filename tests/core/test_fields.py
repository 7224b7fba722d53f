"""The field declarations (core/fields.py) and the field they were proved on: 经费 (funding)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from kexie_desktop.core import fields, validation
from kexie_desktop.core.importing.importer import apply, check
from kexie_desktop.core.importing.template import write_template
from kexie_desktop.core.importing.values import Problem, parse_money
from kexie_desktop.core.ledger_export import write_ledger
from kexie_desktop.core.records import RECORD_TYPES, Activity
from kexie_desktop.core.store import Store
from kexie_desktop.core.summary import compose_summary

# Record attributes held elsewhere than a declared field: the link ids an award keeps, which
# its form and the importer resolve from names (winner, winner_unit).
_UNDECLARED = {"awards": {"person_id", "unit_id", "activity_id"}}
_COMMON = {"id", "uuid", "created_at", "updated_at"}


@pytest.mark.parametrize("table", list(fields.FIELDS))
def test_the_dataclasses_agree_with_the_declarations(store: Store, table: str) -> None:
    cls = RECORD_TYPES[table]
    attributes = {f.name for f in dataclasses.fields(cls)} - _COMMON
    declared = {f.record_attr for f in fields.of(table) if f.record_attr}
    assert attributes == declared | _UNDECLARED.get(table, set())
    columns = {row[1] for row in store.conn.execute(f"PRAGMA table_info({table})")}
    assert {f.key for f in fields.of(table) if f.stored} <= columns
    for f in fields.of(table):
        if f.record_attr:
            assert validation.label(f.record_attr, table) == f.label
        assert len({f.key for f in fields.of(table)}) == len(fields.of(table))


def test_every_vocabulary_field_has_its_synonyms() -> None:
    from kexie_desktop.core.importing.values import SYNONYM_TABLES

    for table in fields.FIELDS:
        for f in fields.of(table):
            if f.kind in (fields.CHOICE, fields.LIST):
                assert SYNONYM_TABLES[f.key][0] == f.vocabulary, f.key


@pytest.mark.parametrize(
    ("typed", "fen"),
    [
        ("1.5万", 1_500_000),
        ("1.5万元", 1_500_000),
        ("¥12,000.00", 1_200_000),
        ("￥12,000", 1_200_000),
        ("12000元", 1_200_000),
        ("12,000", 1_200_000),
        ("3000.5", 300_050),
        ("１２，０００元", 1_200_000),
        ("１．５万", 1_500_000),
        (3000.5, 300_050),
        (12000, 1_200_000),
        (0.1, 10),
        ("0", 0),
        (None, None),
        ("", None),
    ],
)
def test_money_is_read_as_fen(typed: object, fen: int | None) -> None:
    assert parse_money(typed) == fen


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("abc", "不是金额"),
        ("约三千元", "不是金额"),
        ("1e5", "不是金额"),
        ("-5", "不能为负数"),
        ("3000.555", "精确到分"),
        (True, "不是金额"),
        (float("nan"), "不是金额"),
        ("9" * 30, "数字过大"),
    ],
)
def test_money_refuses_garbage_with_a_reason(typed: object, why: str) -> None:
    result = parse_money(typed)
    assert isinstance(result, Problem) and why in result.message


def test_yuan_as_shown_and_as_a_summary_says_it() -> None:
    assert fields.yuan_text(1_200_000) == "12000.00"
    assert fields.yuan_text(1_200_050, grouped=True) == "12,000.50"
    assert fields.yuan_text(None) == ""
    assert fields.yuan_phrase(1_250_000) == "1.25万元"
    assert fields.yuan_phrase(300_050) == "3000.5元"
    assert fields.yuan_phrase(1_000_000) == "1万元"


def test_funding_is_stored_as_fen_and_unknown_stays_unknown(store: Store) -> None:
    saved = store.records.save(Activity(title="讲座", category="科学普及", start_date="2025-03-05",
                                funding=300_050))  # fmt: skip
    assert store.records.get(Activity, saved.id).funding == 300_050  # type: ignore[arg-type]
    unknown = store.records.save(
        Activity(title="展览", category="科学普及", start_date="2025-03-06")
    )
    assert store.records.get(Activity, unknown.id).funding is None  # type: ignore[arg-type]
    with pytest.raises(validation.ValidationError) as caught:
        store.records.save(
            Activity(title="x", category="其他", start_date="2025-01-01", funding=-1)
        )
    assert "经费" in str(caught.value)


def _sheet(path: Path, header: list[str], *rows: list[object]) -> Path:
    wb = openpyxl.Workbook()
    wb.active.append(header)
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


@pytest.mark.parametrize("header", ["经费", "活动经费", "金额", "经费（元）", "活动经费(元)"])
def test_funding_is_imported_under_its_usual_headers(
    store: Store, tmp_path: Path, header: str
) -> None:
    path = _sheet(tmp_path / "活动.xlsx", ["活动名称", "类别", "开始日期", header],
                  ["科普讲座", "科学普及", "2025-03-05", "1.5万"],
                  ["科技周展览", "科学普及", "2025-05-20", "¥12,000.00"],
                  ["农技培训", "科技服务", "2025-06-01", None])  # fmt: skip
    plan = check(store, path)
    assert plan.problems == [] and plan.unmapped_with_data == []
    apply(store, plan)
    got = dict(store.conn.execute("SELECT title, funding FROM activities").fetchall())
    assert got == {"科普讲座": 1_500_000, "科技周展览": 1_200_000, "农技培训": None}


def test_garbage_funding_is_refused_naming_the_cell(store: Store, tmp_path: Path) -> None:
    path = _sheet(tmp_path / "活动.xlsx", ["活动名称", "类别", "开始日期", "活动经费"],
                  ["科普讲座", "科学普及", "2025-03-05", "三千块左右"])  # fmt: skip
    plan = check(store, path)
    [problem] = plan.problems
    assert problem.text().startswith("工作表“Sheet”第2行“活动经费”：“三千块左右”不是金额")
    assert plan.sheets[0].rows[0].action == "invalid"


def test_the_template_has_a_funding_column_that_imports(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "模板.xlsx"
    write_template(path)
    book = openpyxl.load_workbook(path)
    headers = [c.value for c in book["活动"][1]]
    assert "经费" in headers
    assert book["活动"].cell(2, headers.index("经费") + 1).value == 3000
    row = {"活动名称": "讲座", "类别": "学术交流", "开始日期": "2025-05-01", "经费": "2.5万"}
    book["活动"].append([row.get(str(h)) for h in headers])
    book.save(path)
    plan = check(store, path)
    assert plan.problems == []
    apply(store, plan)
    assert store.conn.execute("SELECT funding FROM activities").fetchone()[0] == 2_500_000


def test_the_ledger_shows_funding_in_yuan_and_reads_back(store: Store, tmp_path: Path) -> None:
    store.records.save(Activity(title="讲座", category="科学普及", start_date="2025-03-05",
                        funding=300_050))  # fmt: skip
    store.records.save(Activity(title="展览", category="科学普及", start_date="2025-03-06"))
    path = tmp_path / "台账.xlsx"
    write_ledger(store, 2025, str(path))
    ws = openpyxl.load_workbook(path)["活动台账（完整）"]
    index = [c.value for c in ws[2]].index("经费（元）")
    cells = {row[3].value: row[index] for row in ws.iter_rows(min_row=3)}
    assert cells["讲座"].value == 3000.5 and cells["讲座"].number_format == "0.00"
    assert cells["展览"].value is None  # unknown: a blank cell, never 0
    printed = openpyxl.load_workbook(path)["活动台账"]
    outcomes = [c.value for c in printed[2]].index("主要成效")
    assert next(r[outcomes].value for r in printed.iter_rows(min_row=3)) == "经费3000.5元"
    # The complete sheet imports back as it was.
    other = Store.open(tmp_path / "other")
    try:
        apply(other, check(other, path))
        got = dict(other.conn.execute("SELECT title, funding FROM activities").fetchall())
        assert got == {"讲座": 300_050, "展览": None}
    finally:
        other.close()


def _summary_text(store: Store) -> str:
    document = compose_summary(store, 2025, today=dt.date(2025, 12, 4))
    return "\n".join(b.text for b in document.blocks)


def test_the_summary_states_total_funding_and_never_a_zero(store: Store) -> None:
    for day, fen in (("2025-03-05", 1_000_000), ("2025-04-05", 500_000)):
        store.records.save(
            Activity(title=f"讲座{day}", category="科学普及", start_date=day, funding=fen)
        )
    text = _summary_text(store)
    assert "投入活动经费1.5万元" in text and "投入活动经费1.5万元以上" not in text
    # One activity whose 经费 is unknown: the total is a floor, said so.
    store.records.save(Activity(title="展览", category="科学普及", start_date="2025-05-05"))
    assert "投入活动经费1.5万元以上" in _summary_text(store)


def test_no_funding_phrase_when_no_funding_is_known(store: Store) -> None:
    store.records.save(Activity(title="讲座", category="科学普及", start_date="2025-03-05"))
    store.records.save(
        Activity(title="展览", category="科学普及", start_date="2025-03-06", funding=0)
    )
    assert "经费" not in _summary_text(store)


def test_the_figure_sums_come_from_the_declarations() -> None:
    sql = fields.figure_sums()
    assert "sum(funding) AS funding" in sql and "sum(funding IS NULL) AS funding_unknown" in sql
    # The subordinates' table has no such column: their funding travels in extra_json.
    assert "funding" not in fields.figure_sums("a", sub=True)
    assert "sum(a.messages) AS messages" in fields.figure_sums("a", sub=True)


@pytest.mark.parametrize("table", list(fields.FIELDS))
def test_in_packages_says_which_fields_the_subordinates_tables_keep(table: str) -> None:
    from kexie_desktop.core.package.format import _COLUMNS

    for f in fields.of(table):
        if f.stored and f.key != "notes":
            assert f.in_packages == (f.key in _COLUMNS[table]), f.key
