"""A money column's header may name its unit (「经费（万元）」): the import honours it, says so."""

from pathlib import Path

import pytest

from kexie_desktop.core.importing.importer import apply, check
from kexie_desktop.core.importing.values import Problem, parse_money
from kexie_desktop.core.store import Store

HEAD = "活动名称,类别,日期,{}\n"


def _funding(store: Store) -> dict[str, int | None]:
    rows = store.conn.execute("SELECT title, funding FROM activities").fetchall()
    return {title: funding for title, funding in rows}


def _csv(tmp_path: Path, header: str, *rows: str) -> Path:
    path = tmp_path / "活动.csv"
    path.write_text(HEAD.format(header) + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    return path


def test_a_column_headed_in_wan_yuan_reads_its_bare_numbers_as_wan(
    store: Store, tmp_path: Path
) -> None:
    path = _csv(tmp_path, "经费（万元）", "讲座子,科学普及,2025-04-01,1.5")
    plan = check(store, path)
    assert plan.problems == []
    assert "经费（万元）→经费（按万元）" in plan.report()
    apply(store, plan)
    assert _funding(store) == {"讲座子": 1_500_000}  # 15,000 yuan, not 1.50


@pytest.mark.parametrize(
    ("header", "cell", "fen", "shown"),
    [
        ("经费(万元)", "2", 2_000_000, "经费(万元)→经费（按万元）"),
        ("活动经费/万元", "0.35", 350_000, "活动经费/万元→经费（按万元）"),
        ("活动经费／万元", "1", 1_000_000, "活动经费／万元→经费（按万元）"),
        ("经费（萬元）", "1.2", 1_200_000, "经费（萬元）→经费（按万元）"),
        ("经费（万）", "3", 3_000_000, "经费（万）→经费（按万元）"),
        ("经费（千元）", "4.5", 450_000, "经费（千元）→经费（按千元）"),
        # A header naming yuan, and a ledger exported by the program, stay in yuan.
        ("经费（元）", "1.5", 150, "经费（元）→经费，"),
        ("经费", "3000", 300_000, "经费→经费，"),
    ],
)
def test_the_unit_a_header_names_is_honoured(
    store: Store, tmp_path: Path, header: str, cell: str, fen: int, shown: str
) -> None:
    plan = check(store, _csv(tmp_path, header + ",备注", f"讲座子,科学普及,2025-04-01,{cell},"))
    assert plan.problems == []
    assert shown in plan.report()
    apply(store, plan)
    assert _funding(store) == {"讲座子": fen}


def test_a_cell_that_names_its_own_unit_keeps_it(store: Store, tmp_path: Path) -> None:
    """「3000元」 under 「经费（万元）」 is 3000 yuan, as the clerk wrote it beside the figure."""
    path = _csv(
        tmp_path, "经费（万元）",
        "甲,科学普及,2025-04-01,3000元",
        "乙,科学普及,2025-04-02,2万",
        "丙,科学普及,2025-04-03,¥800",
        "丁,科学普及,2025-04-04,1.5萬元",
        "戊,科学普及,2025-04-05,0.8",
    )  # fmt: skip
    plan = check(store, path)
    assert plan.problems == []
    apply(store, plan)
    assert _funding(store) == {
        "甲": 300_000, "乙": 2_000_000, "丙": 80_000, "丁": 1_500_000, "戊": 800_000,
    }  # fmt: skip


def test_too_fine_an_amount_in_wan_is_reported_in_yuan(store: Store, tmp_path: Path) -> None:
    plan = check(store, _csv(tmp_path, "经费（万元）", "甲,科学普及,2025-04-01,1.0000001"))
    [issue] = plan.problems
    assert "“1.0000001”折合10000.001元，精确到分即可" in issue.text()


def test_a_ledger_read_back_keeps_every_amount(demo_store: Store, tmp_path: Path) -> None:
    """The ledger's 经费 column is headed 「经费（元）」: read back, not a fen changes."""
    from kexie_desktop.core.export import export_ledger

    ledger = export_ledger(demo_store, 2025, tmp_path / "台账.xlsx", full_ids=True).path
    other = Store.open(tmp_path / "other")
    try:
        plan = check(other, ledger)
        assert plan.problems == []
        assert "经费（元）→经费（按" not in plan.report()
        apply(other, plan)
        funded = {t: f for t, f in _funding(demo_store).items() if f}
        assert funded  # the demo has 经费 to compare
        assert {t: f for t, f in _funding(other).items() if f} == funded
    finally:
        other.close()


def test_money_values() -> None:
    assert parse_money("1.5萬元") == 1_500_000
    assert parse_money("1.5萬") == 1_500_000
    assert parse_money(1.5, 10_000) == 1_500_000
    assert parse_money("1.5", 10_000) == 1_500_000
    assert parse_money("1.5元", 10_000) == 150
    assert parse_money(3000, 1) == 300_000


@pytest.mark.parametrize("value", [1e300, -1e300, 10**400, "9" * 300, 1e15])
def test_a_huge_amount_is_refused_without_quoting_hundreds_of_digits(value: object) -> None:
    problem = parse_money(value)
    assert isinstance(problem, Problem)
    assert "数字过大" in problem.message
    assert len(problem.message) < 40, problem.message
