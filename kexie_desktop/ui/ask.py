"""Asking the clerk yes or no: one function, so every question looks and behaves the same.

A question that changes or throws away data defaults to 否 (Enter does nothing harmful) and Esc
always means 否. The buttons read 是/否 through Qt's Chinese catalogue (app.py installs it), or
say what they do when the caller names them (放弃改动 / 继续填写).

Callers write `ask.confirm(...)`, never `from kexie_desktop.ui.ask import confirm`: the tests
answer every question by patching this one attribute (the `questions` fixture), and a name
copied into another module would escape the patch (tests/ui/test_ask.py checks the callers).
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget


def confirm(
    parent: QWidget | None,
    title: str,
    text: str,
    *,
    yes: str | None = None,
    no: str | None = None,
    default_yes: bool = False,
) -> bool:
    """True when the clerk answers yes. `yes`/`no` replace 是/否 with words saying what the
    buttons do; `default_yes` only where yes is the safe answer (restoring from a backup after
    the data file was found damaged)."""
    box, yes_button = question_box(parent, title, text, yes=yes, no=no, default_yes=default_yes)
    box.exec()
    return box.clickedButton() is yes_button


def question_box(
    parent: QWidget | None,
    title: str,
    text: str,
    *,
    yes: str | None = None,
    no: str | None = None,
    default_yes: bool = False,
) -> tuple[QMessageBox, QAbstractButton]:
    """The box confirm() shows and its yes button, built but not shown (the tests look at
    its buttons)."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    if yes is None:
        yes_button = box.addButton(QMessageBox.StandardButton.Yes)
    else:
        yes_button = box.addButton(yes, QMessageBox.ButtonRole.YesRole)
    if no is None:
        no_button = box.addButton(QMessageBox.StandardButton.No)
    else:
        no_button = box.addButton(no, QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(yes_button if default_yes else no_button)
    box.setEscapeButton(no_button)
    return box, yes_button
