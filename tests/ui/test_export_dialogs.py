"""The export dialogs, driven as a clerk would; file and message dialogs are answered by patches."""

import zipfile
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox

from kexie_desktop.core import removable
from kexie_desktop.core.store import Store
from kexie_desktop.core.summary import PLANS, SHORTCOMINGS
from kexie_desktop.ui import exporting
from kexie_desktop.ui.dialogs.ledger_dialog import LedgerDialog
from kexie_desktop.ui.dialogs.summary_dialog import SummaryDialog


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "information", lambda _p, title, text: seen.append((title, text))
    )
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, title, text: seen.append((title, text)))
    monkeypatch.setattr(
        exporting, "done_box", lambda _p, title, text, _path: seen.append((title, text))
    )
    return seen


@pytest.fixture
def save_to(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """Answer the save dialog with a file in tmp_path (named as suggested); record suggestions."""
    suggestions: list[str] = []
    out = tmp_path / "stick"
    out.mkdir()

    def fake(_parent: Any, _title: str, suggested: str, _filter: str) -> tuple[str, str]:
        suggestions.append(suggested)
        return str(out / Path(suggested).name), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake)
    monkeypatch.setattr(removable, "removable_drives", lambda: [out])
    return suggestions


def test_preview_shows_the_composed_summary_and_follows_edits(
    demo_store: Store, qtbot: Any
) -> None:
    dialog = SummaryDialog(demo_store, 2025)
    qtbot.addWidget(dialog)
    text = dialog.preview.toPlainText()
    assert text.startswith("青江市厂矿科协联合会2025年工作总结")
    assert "一、加强组织建设，夯实工作基础" in text
    assert dialog.status.text() == "尚未填写：存在的不足、下一年工作打算"
    dialog.editors[SHORTCOMINGS].setPlainText("一是企业之间发展不平衡。")
    qtbot.waitUntil(lambda: "一是企业之间发展不平衡。" in dialog.preview.toPlainText())
    assert "存在的不足" in dialog.preview.toPlainText()
    dialog.editors[PLANS].setPlainText("加大力度。")
    dialog.close_button.click()
    assert demo_store.narrative(2025, SHORTCOMINGS) == "一是企业之间发展不平衡。"
    assert demo_store.narrative(2025, PLANS) == "加大力度。"


def test_a_year_without_records_cannot_be_exported(demo_store: Store, qtbot: Any) -> None:
    dialog = SummaryDialog(demo_store, 2019)
    qtbot.addWidget(dialog)
    assert "2019年还没有任何活动或获奖记录" in dialog.preview.toPlainText()
    assert not dialog.export_button.isEnabled()


def test_summary_export_runs_off_the_gui_thread_and_reports(
    demo_store: Store, qtbot: Any, messages: list[tuple[str, str]], save_to: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    dialog = SummaryDialog(demo_store, 2025)
    qtbot.addWidget(dialog)
    dialog.editors[SHORTCOMINGS].setPlainText("不足。")
    dialog.editors[PLANS].setPlainText("打算。")
    dialog.export_button.click()
    assert dialog.task is not None
    qtbot.waitUntil(lambda: dialog.task is not None and dialog.task.finished, timeout=20_000)
    assert Path(save_to[0]).name == "青江市厂矿科协联合会2025年工作总结.docx"
    written = Path(save_to[0])
    assert written.parent.name == "stick"  # the save dialog opened on the USB stick
    assert written.exists()
    with zipfile.ZipFile(written) as archive:
        assert "不足。" in archive.read("word/document.xml").decode("utf-8")
    assert messages[-1][0] == "导出完成"
    assert "完整无误" in messages[-1][1]


def test_missing_narratives_are_asked_about(
    demo_store: Store, qtbot: Any, save_to: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def answer(_p: Any, _t: str, text: str, *args: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", answer)
    dialog = SummaryDialog(demo_store, 2025)
    qtbot.addWidget(dialog)
    dialog.export_button.click()
    assert "“存在的不足”“下一年工作打算”尚未填写" in asked[0]
    assert save_to == [] and dialog.task is None


def test_export_errors_are_told_in_chinese(
    demo_store: Store, qtbot: Any, messages: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:  # fmt: skip
    gone = tmp_path / "pulled-stick" / "总结.docx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: (str(gone), ""))
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    dialog = SummaryDialog(demo_store, 2025)
    qtbot.addWidget(dialog)
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.task is not None and dialog.task.finished, timeout=20_000)
    assert messages[-1][0] == "导出没有完成"
    assert "不存在" in messages[-1][1]
    assert not gone.exists()


def test_ledger_export_with_masked_numbers(
    demo_store: Store, qtbot: Any, messages: list[tuple[str, str]], save_to: list[str]
) -> None:
    dialog = LedgerDialog(demo_store, 2025)
    qtbot.addWidget(dialog)
    intro = " ".join(label.text() for label in dialog.findChildren(QLabel))
    activities = demo_store.conn.execute(
        "SELECT count(*) FROM activities WHERE start_date LIKE '2025-%'"
    ).fetchone()[0]
    assert f"活动台账（2025年，{activities}项）" in intro
    dialog.export()
    qtbot.waitUntil(lambda: dialog.task is not None and dialog.task.finished, timeout=60_000)
    assert Path(save_to[0]).name == "青江市厂矿科协联合会2025年工作台账.xlsx"
    written = Path(save_to[0])
    assert written.exists()
    assert messages[-1][0] == "导出完成"
