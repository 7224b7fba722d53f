"""The standard form widget of a declared field (core/fields.py), by its kind.

A record form places the fields that need a widget of their own (a unit picker, the people of an
activity, a description with its hint) and leaves the rest to these: a field declared with a
plain kind — text, a count, money, a date, a choice — appears on its form without a line of
dialog code, as 经费 does on the activity form.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from kexie_desktop.core import fields
from kexie_desktop.core.fields import Field
from kexie_desktop.core.importing.values import Problem, parse_money
from kexie_desktop.core.validation import ValidationError
from kexie_desktop.ui.widgets import (
    CheckGroup,
    OptionalDateEdit,
    combo_value,
    make_choice_combo,
    set_combo_value,
)

MAX_COUNT = 10_000_000


def count_spin(*, unknown: bool = False, suffix: str = "") -> QSpinBox:
    """A spin box for a count; with `unknown`, its lowest value reads 不详 (stored as NULL:
    never written or summed as 0)."""
    spin = QSpinBox()
    spin.setRange(-1 if unknown else 0, MAX_COUNT)
    spin.setGroupSeparatorShown(False)
    if unknown:
        spin.setSpecialValueText("不详")
        spin.setValue(-1)
    if suffix:
        spin.setSuffix(suffix)
    return spin


def make_widget(f: Field) -> QWidget:
    if f.kind == fields.LINES:
        return QPlainTextEdit()
    if f.kind in (fields.COUNT, fields.OPTIONAL_COUNT):
        return count_spin(unknown=f.kind == fields.OPTIONAL_COUNT)
    if f.kind == fields.MONEY:
        edit = QLineEdit()
        edit.setPlaceholderText("单位：元，如 3000、3000.5、1.5万；不详可不填")
        return edit
    if f.kind == fields.FLAG:
        return QCheckBox(f.label)
    if f.kind in (fields.DATE, fields.MONTH):
        return OptionalDateEdit(allow_month=f.kind == fields.MONTH)
    if f.kind == fields.CHOICE:
        return make_choice_combo(f.vocabulary, allow_empty=True)
    if f.kind == fields.LIST:
        return CheckGroup(f.vocabulary, columns=4)
    return QLineEdit()


def show_value(f: Field, widget: QWidget, value: Any) -> None:
    if isinstance(widget, QPlainTextEdit):
        widget.setPlainText(value or "")
    elif isinstance(widget, QSpinBox):
        widget.setValue(widget.minimum() if value is None else int(value))
    elif isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, OptionalDateEdit):
        widget.set_value(value)
    elif isinstance(widget, CheckGroup):
        widget.set_values(list(value or []))
    elif isinstance(widget, QLineEdit):
        widget.setText(fields.yuan_text(value) if f.kind == fields.MONEY else str(value or ""))
    else:
        set_combo_value(widget, value or "")  # type: ignore[arg-type]


def read_value(f: Field, widget: QWidget) -> Any:
    """The field's value as typed; ValidationError naming the field if it cannot be read."""
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText().strip()
    if isinstance(widget, QSpinBox):
        value = widget.value()
        return None if f.kind == fields.OPTIONAL_COUNT and value < 0 else value
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, OptionalDateEdit):
        return widget.value()
    if isinstance(widget, CheckGroup):
        return widget.values()
    if isinstance(widget, QLineEdit):
        if f.kind != fields.MONEY:
            return widget.text()
        # One money parser for the form and the importer: 1.5万, ¥12,000.00, 12000元.
        money = parse_money(widget.text())
        if isinstance(money, Problem):
            raise ValidationError({f.key: money.message})
        return money
    return combo_value(widget)  # type: ignore[arg-type]
