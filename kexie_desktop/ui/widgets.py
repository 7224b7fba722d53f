"""Form widgets shared by the record dialogs."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QDate, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QCompleter,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from kexie_desktop.core.store import Store


class OptionalDateEdit(QWidget):
    """A date typed as the clerk writes it (2025-3-5, 2025.3.5, 2025年3月5日, 20250305) or
    picked from a calendar; may stay empty. With `allow_month`, 1975-03 or 1975年3月 is kept
    as a year and month (a birth month)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, allow_month: bool = False):
        super().__init__(parent)
        self.allow_month = allow_month
        self.line = QLineEdit(self)
        self.line.setPlaceholderText("如 2025-03-05" + ("，或 1975-03" if allow_month else ""))
        self.line.textChanged.connect(lambda _t: self.changed.emit())
        self.line.editingFinished.connect(self._tidy)
        self.calendar_button = QToolButton(self)
        self.calendar_button.setText("日历")
        self.calendar_button.setToolTip("从日历中选择日期")
        self.calendar_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)
        menu = QMenu(self.calendar_button)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        menu.aboutToShow.connect(self._open_calendar)
        self.calendar_button.setMenu(menu)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.line, 1)
        layout.addWidget(self.calendar_button)
        self.setFocusProxy(self.line)
        # Which month an empty field's calendar opens on; the end date follows the start date.
        self.page_hint: Callable[[], str | None] = lambda: None
        # The year of a date typed without one (3.5, 3月8日): the year selected in the window.
        self.default_year: int | None = None

    def _open_calendar(self) -> None:
        current = self.value()
        shown = current if current and len(current) == 10 else self.page_hint()
        date = QDate.fromString(shown[:10], "yyyy-MM-dd") if shown else QDate()
        if not date.isValid():
            date = QDate.currentDate()
        if current and len(current) == 10:
            self.calendar.setSelectedDate(date)
        self.calendar.setCurrentPage(date.year(), date.month())

    def _picked(self, date: QDate) -> None:
        self.line.setText(date.toString("yyyy-MM-dd"))
        menu = self.calendar_button.menu()
        if menu is not None:
            menu.hide()

    def _tidy(self) -> None:
        value = self.value()
        if value and value != self.line.text():
            self.line.setText(value)

    def value(self) -> str | None:
        """The ISO date (or year-month); None when empty; the text itself if it is no date,
        so that validation can say what is wrong with it."""
        text = self.line.text().strip()
        if not text:
            return None
        return parse_date_text(text, allow_month=self.allow_month, year=self.default_year) or text

    def set_value(self, text: str | None) -> None:
        self.line.setText(text or "")


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_DAY_PATTERN = re.compile(r"^(\d{1,2})[-./月](\d{1,2})日?$")
_MONTH_PATTERNS = (re.compile(r"^(\d{4})[-./年](\d{1,2})月?$"), re.compile(r"^(\d{4})(\d{2})$"))


def parse_date_text(text: str, *, allow_month: bool = False, year: int | None = None) -> str | None:
    """2025-3-5 / 2025.3.5 / 2025/3/5 / 2025年3月5日 / 20250305 → 2025-03-05; None if no date.
    With `year`, a day without one (3.5, 3-5, 3月8日) is taken in that year."""
    text = text.strip().translate(_FULL_WIDTH_DIGITS)
    if year is not None:
        match = _DAY_PATTERN.match(text)
        if match:
            month, day = (int(g) for g in match.groups())
            date = QDate(year, month, day)
            return date.toString("yyyy-MM-dd") if date.isValid() else None
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            date = QDate(year, month, day)
            return date.toString("yyyy-MM-dd") if date.isValid() else None
    if allow_month:
        for pattern in _MONTH_PATTERNS:
            match = pattern.match(text)
            if match:
                year, month = (int(g) for g in match.groups())
                return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else None
    return None


_FULL_WIDTH_DIGITS = {ord("０") + i: ord("0") + i for i in range(10)}


def make_choice_combo(
    choices: Sequence[str], *, allow_empty: bool, hints: dict[str, str] | None = None
) -> QComboBox:
    """A drop-down whose item data is the stored value; hints are shown after the value."""
    combo = QComboBox()
    if allow_empty:
        combo.addItem("（未选）", "")
    for choice in choices:
        hint = (hints or {}).get(choice)
        combo.addItem(f"{choice}（{hint}）" if hint else choice, choice)
    return combo


def combo_value(combo: QComboBox) -> str:
    return str(combo.currentData() or "")


def set_combo_value(combo: QComboBox, value: str) -> None:
    index = combo.findData(value)
    if index < 0 and value:
        # A value outside today's list (from an import, an older version) is kept, not lost.
        combo.addItem(value, value)
        index = combo.count() - 1
    combo.setCurrentIndex(max(index, 0))


class ChoicePicker(QComboBox):
    """An editable drop-down over (id, label) pairs that completes on any part of the label.

    For short lists (units); people are picked with PersonPicker, which asks the database.
    """

    def __init__(self, choices: Sequence[tuple[int, str]], *, empty_label: str, parent: Any = None):
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.empty_label = empty_label
        self.addItem(empty_label, None)
        for record_id, text in choices:
            self.addItem(text, record_id)
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        line_edit = self.lineEdit()
        if line_edit is not None:
            line_edit.setPlaceholderText("输入名称中的字即可查找")

    def complete_unique(self) -> None:
        """Part of a name that only one entry contains becomes that entry (青江 + Tab)."""
        text = self.currentText().strip()
        if not text or self.findText(text, Qt.MatchFlag.MatchExactly) >= 0:
            return
        folded = text.casefold()
        found = [i for i in range(1, self.count()) if folded in self.itemText(i).casefold()]
        if len(found) == 1:
            self.setCurrentIndex(found[0])

    def focusOutEvent(self, event: QFocusEvent) -> None:
        if event.reason() != Qt.FocusReason.PopupFocusReason:
            self.complete_unique()
        super().focusOutEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            # Enter picks the entry; it does not save the form around it.
            self.complete_unique()
            event.accept()
            return
        super().keyPressEvent(event)

    def selected_id(self) -> int | None:
        """The chosen record; None when empty. Raises LookupError for text matching nothing."""
        text = self.currentText().strip()
        if not text or text == self.empty_label:
            return None
        index = self.currentIndex()
        if index < 0 or self.itemText(index) != text:
            index = self.findText(text, Qt.MatchFlag.MatchExactly)
        if index < 0:
            raise LookupError(text)
        data = self.itemData(index)
        return None if data is None else int(data)

    def set_selected_id(self, record_id: int | None) -> None:
        index = self.findData(record_id) if record_id is not None else 0
        self.setCurrentIndex(max(index, 0))


class PersonPicker(QLineEdit):
    """Picks one person from the roster: the database is asked as the clerk types, so a
    roster of 50,000 opens as fast as one of 50."""

    picked = Signal(int)
    # Enter on a text that matches nobody: the text.
    not_found = Signal(str)

    def __init__(self, store: Store, parent: Any = None):
        super().__init__(parent)
        self.store = store
        self._ids: dict[str, int] = {}
        self._model = QStringListModel(self)
        completer = QCompleter(self._model, self)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setMaxVisibleItems(12)
        completer.activated.connect(self._activated)
        self.setCompleter(completer)
        self.setPlaceholderText("输入姓名或单位中的字查找")
        self.textEdited.connect(self._search)

    def _search(self, text: str) -> None:
        if not text.strip():
            self._model.setStringList([])
            return
        choices = self.store.lists.person_choices(text)
        self._ids.update({label: record_id for record_id, label in choices})
        self._model.setStringList([label for _, label in choices])
        completer = self.completer()
        if completer is not None:
            completer.complete()

    def _activated(self, label: str) -> None:
        if label in self._ids:
            self.picked.emit(self._ids[label])

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            # Enter picks (or asks which of two 张伟); it never saves the form around it.
            event.accept()
            self.pick_typed()
            return
        super().keyPressEvent(event)

    def matches(self, text: str) -> list[tuple[int, str]]:
        """Who a typed text means: the full label, else everyone of that name, else everyone
        whose name or unit contains it."""
        text = text.strip()
        if not text:
            return []
        if text in self._ids:
            return [(self._ids[text], text)]
        found = self.store.lists.person_choices(text)
        self._ids.update({label: record_id for record_id, label in found})
        for same in (
            [(rid, label) for rid, label in found if label == text],
            [(rid, label) for rid, label in found if label.split("（")[0] == text],
        ):
            if same:
                return same
        return found

    def pick_typed(self) -> int | None:
        """Resolve what was typed: one match is picked, several are offered to choose from."""
        text = self.text().strip()
        if not text:
            return None
        found = self.matches(text)
        if not found:
            self.not_found.emit(text)
            return None
        if len(found) == 1:
            record_id, label = found[0]
        else:
            completer = self.completer()
            popup = completer.popup() if completer is not None else None
            if popup is not None:
                popup.hide()
            labels = [label for _, label in found]
            label, ok = QInputDialog.getItem(
                self, "选择人员", f"有 {len(found)} 人与“{text}”相符，请选择：", labels, 0, False
            )
            if not ok or label not in labels:
                return None
            record_id = found[labels.index(label)][0]
        self._ids[label] = record_id
        self.setText(label)
        self.picked.emit(record_id)
        return record_id

    def selected_id(self) -> int | None:
        """The chosen person; None when empty. Raises LookupError for text matching nobody."""
        text = self.text().strip()
        if not text:
            return None
        if text in self._ids:
            return self._ids[text]
        # Typed rather than picked: the full label, or a name that only one person has.
        found = self.store.lists.person_choices(text)
        exact = [rid for rid, label in found if label == text]
        if not exact:
            exact = [rid for rid, label in found if label.split("（")[0] == text]
        if len(exact) != 1:
            raise LookupError(text)
        return exact[0]

    def set_selected_id(self, record_id: int | None) -> None:
        if record_id is None:
            self.clear()
            return
        label = self.store.lists.person_labels([record_id]).get(record_id, "")
        self._ids[label] = record_id
        self.setText(label)


class CheckGroup(QWidget):
    """A grid of check boxes for a multi-valued field (roles, audiences)."""

    def __init__(self, choices: Sequence[str], columns: int = 4, parent: Any = None):
        super().__init__(parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        for i, choice in enumerate(choices):
            box = QCheckBox(choice, self)
            self.boxes[choice] = box
            layout.addWidget(box, i // columns, i % columns)

    def values(self) -> list[str]:
        return [name for name, box in self.boxes.items() if box.isChecked()]

    def set_values(self, values: Sequence[str]) -> None:
        for name, box in self.boxes.items():
            box.setChecked(name in values)


class PeopleListPicker(QWidget):
    """The people involved in an activity: found in the roster as you type, removed with a click."""

    def __init__(self, store: Store, parent: Any = None):
        super().__init__(parent)
        self.input = PersonPicker(store, self)
        self.input.setPlaceholderText("输入姓名或单位查找，回车加入")
        self.input.picked.connect(self._add_picked)
        self.input.not_found.connect(self._not_found)
        self.message: QLabel
        self.input.textEdited.connect(lambda _t: self.message.hide())
        self.add_button = QPushButton("加入", self)
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self._add_typed)
        self.message = QLabel(self)
        self.message.setObjectName("fieldError")
        self.message.hide()
        self.remove_button = QPushButton("移除所选", self)
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(self._remove_selected)
        self.list = QListWidget(self)
        self.list.setMaximumHeight(90)
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        top = QHBoxLayout()
        top.addWidget(self.input, 1)
        top.addWidget(self.add_button)
        top.addWidget(self.remove_button)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top, 0, 0)
        layout.addWidget(self.message, 1, 0)
        layout.addWidget(self.list, 2, 0)

    def _add_picked(self, record_id: int) -> None:
        self.add_person(record_id)
        # After the completer has written its choice into the line edit.
        QTimer.singleShot(0, self.input, self.input.clear)

    def _add_typed(self) -> None:
        self.input.pick_typed()

    def _not_found(self, text: str) -> None:
        self.message.setText(f"花名册中没有“{text}”，请先在“人员”中添加")
        self.message.show()

    def add_person(self, record_id: int) -> None:
        if record_id in self.person_ids():
            return
        label = self.input.store.lists.person_labels([record_id]).get(record_id, str(record_id))
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, record_id)
        self.list.addItem(item)

    def _remove_selected(self) -> None:
        for item in self.list.selectedItems():
            self.list.takeItem(self.list.row(item))

    def person_ids(self) -> list[int]:
        return [
            int(self.list.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.list.count())
        ]

    def set_person_ids(self, ids: Sequence[int]) -> None:
        self.list.clear()
        labels = self.input.store.lists.person_labels(ids)
        for record_id in ids:
            item = QListWidgetItem(labels.get(record_id, str(record_id)))
            item.setData(Qt.ItemDataRole.UserRole, record_id)
            self.list.addItem(item)
