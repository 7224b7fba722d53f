"""ask.confirm, the one yes/no question: 否 by default, Esc is 否, Chinese buttons."""

import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

import kexie_desktop.ui
from kexie_desktop.ui import ask


def test_a_question_defaults_to_no_and_esc_says_no() -> None:
    box, yes = ask.question_box(None, "清空回收站", "确定清空吗？")
    assert box.windowTitle() == "清空回收站" and box.text() == "确定清空吗？"
    assert box.icon() == QMessageBox.Icon.Question
    assert [b.text() for b in box.buttons()] == ["是(&Y)", "否(&N)"]  # Qt's Chinese catalogue
    assert box.defaultButton() is not yes and box.defaultButton().text() == "否(&N)"
    assert box.escapeButton() is box.defaultButton()


def test_named_buttons_and_a_default_of_yes_where_yes_is_safe() -> None:
    box, discard = ask.question_box(None, "放弃改动", "放弃吗？", yes="放弃改动", no="继续填写")
    assert discard.text() == "放弃改动"
    assert sorted(b.text() for b in box.buttons()) == sorted(["放弃改动", "继续填写"])
    assert box.defaultButton().text() == "继续填写" and box.escapeButton().text() == "继续填写"
    box, restore = ask.question_box(None, "数据文件已损坏", "恢复吗？", default_yes=True)
    assert box.defaultButton() is restore
    assert box.escapeButton().text() == "否(&N)"


@pytest.mark.parametrize(("press", "answer"), [("是(&Y)", True), ("否(&N)", False), ("", False)])
def test_confirm_is_true_only_for_yes(
    monkeypatch: pytest.MonkeyPatch, press: str, answer: bool
) -> None:
    def exec_(box: QMessageBox) -> int:
        if press:  # else the box was closed (Esc, the window's ×): Qt reports the escape button
            next(b for b in box.buttons() if b.text() == press).click()
        else:
            box.escapeButton().click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    assert ask.confirm(None, "删除人员", "确定删除吗？") is answer


def test_every_question_goes_through_confirm() -> None:
    """No hand-made yes/no boxes, and no copied `confirm` name that the tests' one patch
    (the `questions` fixture) would miss."""
    ui = Path(kexie_desktop.ui.__file__).parent
    offenders: list[str] = []
    for path in sorted(ui.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if path.name != "ask.py" and re.search(
            r"QMessageBox\.question|StandardButton\.(Yes|No)\b", text
        ):
            offenders.append(f"{path.name}: a yes/no box of its own")
        if re.search(r"^\s*from kexie_desktop\.ui\.ask import", text, re.MULTILINE):
            offenders.append(f"{path.name}: imports confirm by name")
    assert offenders == []


def test_the_questions_fixture_answers_and_records(questions: Any) -> None:
    questions.replies = [False]
    assert ask.confirm(None, "标题", "第一问") is False
    assert ask.confirm(None, "标题", "第二问", default_yes=True) is True
    assert questions.asked == [("标题", "第一问"), ("标题", "第二问")]
