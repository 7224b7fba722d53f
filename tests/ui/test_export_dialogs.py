"""The export dialogs, driven as a clerk would; file and message dialogs are answered by patches."""

import zipfile
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel

from kexie_desktop.core import removable
from kexie_desktop.core.store import Store
from kexie_desktop.core.summary import PLANS, SHORTCOMINGS
from kexie_desktop.ui.dialogs.ledger_dialog import LedgerDialog
from kexie_desktop.ui.dialogs.summary_dialog import (
    DRAFT_COLOUR,
    EDITED_COLOUR,
    STALE_COLOUR,
    SummaryDialog,
)
from tests.ui.conftest import Questions


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
    assert "一、服务企业创新，深入开展“讲创新、比贡献”活动" in text
    assert dialog.status.text() == "存在的不足、下一年工作打算为程序起草的草稿（黄色），请审阅修改"
    dialog.editors[SHORTCOMINGS].setPlainText("一是企业之间发展不平衡。")
    qtbot.waitUntil(lambda: "一是企业之间发展不平衡。" in dialog.preview.toPlainText())
    assert "存在的不足" in dialog.preview.toPlainText()
    dialog.editors[PLANS].setPlainText("加大力度。")
    dialog.close_button.click()
    assert demo_store.narratives.get(2025, SHORTCOMINGS) == "一是企业之间发展不平衡。"
    assert demo_store.narratives.get(2025, PLANS) == "加大力度。"


def _click(dialog: SummaryDialog, text: str) -> None:
    """Click into the preview paragraph that starts with `text`."""
    document = dialog.preview.document()
    block = document.begin()
    while block.isValid() and not block.text().startswith(text):
        block = block.next()
    assert block.isValid(), text
    cursor = dialog.preview.textCursor()
    cursor.setPosition(block.position() + 1)
    dialog.preview.setTextCursor(cursor)


def _shade(dialog: SummaryDialog, text: str) -> str | None:
    block = dialog.preview.document().begin()
    while block.isValid() and not block.text().startswith(text):
        block = block.next()
    brush = block.blockFormat().background()
    return brush.color().name().upper() if brush.style() != Qt.BrushStyle.NoBrush else None


def test_any_paragraph_is_edited_in_place_and_restored_only_when_confirmed(
    demo_store: Store, qtbot: Any, questions: Questions
) -> None:
    dialog = SummaryDialog(demo_store, 2025)
    qtbot.addWidget(dialog)
    # Drafted parts are shaded.
    assert _shade(dialog, "2025年，我们虽然做了一些工作") == DRAFT_COLOUR.upper()
    _click(dialog, "全年共开展学术交流活动")
    assert dialog.tabs.currentIndex() == 0 and dialog.paragraph_editor.isEnabled()
    key = dialog.selected_key
    assert key == "学术交流/figures"
    dialog.paragraph_editor.setPlainText("全年共组织学术交流活动12次，反响良好。")
    qtbot.waitUntil(lambda: "反响良好" in dialog.preview.toPlainText())
    assert demo_store.narratives.edits(2025)[key][1] == "全年共组织学术交流活动12次，反响良好。"
    assert _shade(dialog, "全年共组织学术交流活动12次") == EDITED_COLOUR.upper()
    assert dialog.restore_button.isEnabled()

    # Restoring asks first; 取消 keeps the clerk's text.
    questions.default = False
    dialog.restore_button.click()
    assert "撤销恢复" in questions.texts[-1] and key in demo_store.narratives.edits(2025)
    questions.default = True
    dialog.restore_button.click()
    assert key not in demo_store.narratives.edits(2025)
    assert "反响良好" not in dialog.preview.toPlainText()
    assert dialog.paragraph_editor.toPlainText().startswith("全年共开展学术交流活动")
    # ... and it can be had back.
    dialog.undo_restore_button.click()
    assert "反响良好" in dialog.preview.toPlainText()

    # Its record changes: the edit stays, shaded for review until marked reviewed.
    from kexie_desktop.core.records import Activity

    first = demo_store.conn.execute(
        "SELECT id FROM activities WHERE category = '学术交流' ORDER BY id LIMIT 1"
    ).fetchone()[0]
    record = demo_store.records.get(Activity, first)
    record.participants = (record.participants or 0) + 1
    demo_store.records.save(record)
    dialog.refresh_preview()
    assert _shade(dialog, "全年共组织学术交流活动12次") == STALE_COLOUR.upper()
    assert "请复核" in dialog.status.text()
    _click(dialog, "全年共组织学术交流活动12次")
    dialog.reviewed_button.click()
    assert _shade(dialog, "全年共组织学术交流活动12次") == EDITED_COLOUR.upper()

    # A click on the opening opens the opening's own editor.
    _click(dialog, "2025年，青江市厂矿科协联合会")
    assert dialog.tabs.currentIndex() == 1


def test_default_opening_asks_and_can_be_undone(
    demo_store: Store, qtbot: Any, questions: Questions
) -> None:
    questions.replies = [False, True]
    demo_store.narratives.save(2025, "opening", "我自己写的开头。")
    dialog = SummaryDialog(demo_store, 2025)
    qtbot.addWidget(dialog)
    editor = dialog.editors["opening"]
    dialog.default_opening_button.click()
    assert editor.toPlainText() == "我自己写的开头。"  # 否: nothing happens
    dialog.default_opening_button.click()
    assert editor.toPlainText() == ""
    editor.undo()
    assert editor.toPlainText() == "我自己写的开头。"
    dialog.reject()  # its pending preview must not run after the store is closed


def test_a_closed_dialog_never_previews_again(demo_store: Store, qtbot: Any) -> None:
    """A dialog closed before its pending preview ran (as qtbot closes an unshown one) must not
    compose later, when the store may be closed: this once failed the next test's set-up."""
    from kexie_desktop.ui.dialogs import summary_dialog

    dialog = SummaryDialog(demo_store, 2025)
    qtbot.addWidget(dialog)
    dialog.editors["opening"].setPlainText("改写的开头。")
    assert dialog._timer.isActive()
    dialog.close()
    qtbot.wait(summary_dialog.PREVIEW_DELAY_MS * 3)
    assert "改写的开头" not in dialog.preview.toPlainText()


def test_section_order_and_signature_date_are_kept_per_year(demo_store: Store, qtbot: Any) -> None:
    dialog = SummaryDialog(demo_store, 2025)
    qtbot.addWidget(dialog)
    first, second = (dialog.section_list.item(i).text() for i in range(2))
    dialog.section_list.setCurrentRow(1)
    dialog.up_button.click()
    headings = [line for line in dialog.preview.toPlainText().splitlines() if line[1:2] == "、"]
    assert headings[:2] == [f"一、{second}", f"二、{first}"]
    again = SummaryDialog(demo_store, 2025)
    qtbot.addWidget(again)
    assert again.section_list.item(0).text() == second
    again.weight_order_button.click()
    assert again.section_list.item(0).text() == first

    again.sign_date_edit.set_value("2025-12-28")
    qtbot.waitUntil(lambda: again.preview.toPlainText().endswith("2025年12月28日"))
    assert demo_store.narratives.get(2025, "sign_date") == "2025-12-28"


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


def test_the_export_writes_the_document_the_preview_shows(
    demo_store: Store, qtbot: Any, messages: list[tuple[str, str]], save_to: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """What is previewed is what is written: the export writes the previewed Document itself,
    without composing the summary again (it used to be composed three times per export)."""
    import io

    from kexie_desktop.core import export as export_module
    from kexie_desktop.core import summary as summary_module
    from kexie_desktop.core.docx_export import write_docx
    from kexie_desktop.ui.dialogs import summary_dialog

    demo_store.narratives.save(2025, SHORTCOMINGS, "不足。")
    demo_store.narratives.save(2025, PLANS, "打算。")
    dialog = SummaryDialog(demo_store, 2025)
    qtbot.addWidget(dialog)
    previewed = dialog.document
    assert previewed is not None
    composed: list[int] = []

    def counting(*args: Any, **kwargs: Any) -> Any:
        composed.append(2025)
        return summary_module.compose_summary(*args, **kwargs)

    for module in (summary_dialog, export_module):
        monkeypatch.setattr(module, "compose_summary", counting)
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.task is not None and dialog.task.finished, timeout=20_000)
    assert messages[-1][0] == "导出完成"
    assert composed == [] and dialog.document is previewed
    expected = io.BytesIO()
    write_docx(previewed, expected)
    with zipfile.ZipFile(expected) as want, zipfile.ZipFile(save_to[0]) as got:
        assert got.read("word/document.xml") == want.read("word/document.xml")


def test_missing_narratives_are_asked_about(
    demo_store: Store, qtbot: Any, save_to: list[str], questions: Questions
) -> None:
    questions.default = False
    dialog = SummaryDialog(demo_store, 2025)
    qtbot.addWidget(dialog)
    dialog.export_button.click()
    assert (
        "“存在的不足”“下一年工作打算”尚未填写，导出的总结中这些部分是程序根据记录起草的草稿"
        in questions.texts[0]
    )
    assert save_to == [] and dialog.task is None


def test_export_errors_are_told_in_chinese(
    demo_store: Store, qtbot: Any, messages: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path, questions: Questions,
) -> None:  # fmt: skip
    gone = tmp_path / "pulled-stick" / "总结.docx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: (str(gone), ""))
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


@pytest.mark.parametrize("has_fonts", [False, True])
def test_the_export_message_names_official_fonts_only_when_this_pc_lacks_them(
    demo_store: Store, qtbot: Any, messages: list[tuple[str, str]], save_to: list[str],
    monkeypatch: pytest.MonkeyPatch, has_fonts: bool, questions: Questions,
) -> None:  # fmt: skip
    """The .docx always names 仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312; the clerk hears about
    them only on a PC without them (the recipient's PC usually has them)."""
    from PySide6.QtGui import QFontDatabase

    from kexie_desktop.core.docx_export import BODY_FONT, TITLE_FONT

    official = {TITLE_FONT, BODY_FONT, "黑体", "楷体_GB2312"}
    asked: list[str] = []

    def has_family(name: str) -> bool:
        asked.append(name)
        return has_fonts or name not in {*official, "FangSong_GB2312", "FZXiaoBiaoSong-B05S",
                                          "SimHei", "KaiTi_GB2312"}  # fmt: skip

    monkeypatch.setattr(QFontDatabase, "hasFamily", staticmethod(has_family))
    dialog = SummaryDialog(demo_store, 2025)
    qtbot.addWidget(dialog)
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.task is not None and dialog.task.finished, timeout=20_000)
    title, text = messages[-1]
    assert title == "导出完成"
    assert official <= set(asked)
    if has_fonts:
        assert "字体" not in text
    else:
        assert "这台电脑没有公文字体方正小标宋简体、仿宋_GB2312、黑体、楷体_GB2312" in text
        assert "方正小标宋简体→宋体" in text and "仿宋_GB2312→仿宋" in text
        assert "在装有它们的电脑上显示正常" in text
    # The document names the official fonts either way.
    with zipfile.ZipFile(save_to and Path(save_to[0]).parent / Path(save_to[0]).name) as docx:
        styles = docx.read("word/styles.xml").decode("utf-8")
    assert BODY_FONT in styles and TITLE_FONT in styles
