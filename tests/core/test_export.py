"""The two exports end to end, as the window and the command line run them."""

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from kexie_desktop.core.export import export_ledger, export_summary, suggested_filename
from kexie_desktop.core.safe_write import ExportError
from kexie_desktop.core.store import Store
from kexie_desktop.core.summary import SummaryError


def test_suggested_names(demo_store: Store) -> None:
    assert (
        suggested_filename(demo_store, 2025, "summary") == "青江市厂矿科协联合会2025年工作总结.docx"
    )
    assert (
        suggested_filename(demo_store, 2025, "ledger") == "青江市厂矿科协联合会2025年工作台账.xlsx"
    )


def test_summary_export_writes_a_checked_docx(demo_store: Store, tmp_path: Path) -> None:
    steps: list[tuple[int, int]] = []
    result = export_summary(
        demo_store, 2025, tmp_path / "总结.docx", today=dt.date(2025, 12, 4),
        progress=lambda d, t: steps.append((d, t)),
    )  # fmt: skip
    assert result.path.exists() and result.size == result.path.stat().st_size
    assert steps[-1] == (3, 3)
    with zipfile.ZipFile(result.path) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    assert "青江市厂矿科协联合会2025年工作总结" in xml
    assert "2025年12月4日" in xml
    assert "完整无误" in result.summary()


def test_a_year_without_records_writes_nothing(demo_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "stick"
    out.mkdir()
    with pytest.raises(SummaryError):
        export_summary(demo_store, 2019, out / "总结.docx")
    assert list(out.iterdir()) == []


def test_ledger_export_writes_a_checked_xlsx(demo_store: Store, tmp_path: Path) -> None:
    result = export_ledger(demo_store, 2025, tmp_path / "台账.xlsx")
    assert result.rows["活动台账"] == demo_store.ledger.count("activities", 2025)
    with zipfile.ZipFile(result.path) as archive:
        assert "xl/workbook.xml" in archive.namelist()


def test_an_export_to_a_vanished_stick_says_so(demo_store: Store, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="U盘可能已被拔出"):
        export_ledger(demo_store, 2025, tmp_path / "gone" / "台账.xlsx")
