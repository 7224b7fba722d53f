"""Form widgets shared by the record dialogs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QToolButton,
    QWidget,
)

_NULL_DATE = QDate(1900, 1, 1)


class OptionalDateEdit(QWidget):
    """A date picker with a calendar that may also be left empty (shown as 「未填」)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, month_only_option: bool = False):
        super().__init__(parent)
        self.edit = QDateEdit(self)
        self.edit.setCalendarPopup(True)
        self.edit.setMinimumDate(_NULL_DATE)
        self.edit.setMaximumDate(QDate(2100, 12, 31))
        self.edit.setSpecialValueText("未填")
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setDate(_NULL_DATE)
        self.edit.dateChanged.connect(lambda _d: self.changed.emit())
        # An empty field would open its calendar on January 1900; open it on today instead.
        self.edit.calendarWidget().installEventFilter(self)
        self.clear_button = QToolButton(self)
        self.clear_button.setText("清除")
        self.clear_button.setToolTip("清空这个日期")
        self.clear_button.clicked.connect(lambda: self.set_value(None))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        self.month_only: QCheckBox | None = None
        if month_only_option:
            self.month_only = QCheckBox("仅知年月", self)
            self.month_only.toggled.connect(self._month_only_toggled)
            layout.addWidget(self.month_only)
        layout.addWidget(self.clear_button)
        self.setFocusProxy(self.edit)
        # Which month an empty field's calendar opens on; the end date follows the start date.
        self.page_hint: Callable[[], str | None] = lambda: None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and self.edit.date() == _NULL_DATE:
            hint = self.page_hint()
            page = QDate.fromString(hint[:10], "yyyy-MM-dd") if hint else QDate()
            if not page.isValid():
                page = QDate.currentDate()
            self.edit.calendarWidget().setCurrentPage(page.year(), page.month())
        return super().eventFilter(watched, event)

    def _month_only_toggled(self, on: bool) -> None:
        self.edit.setDisplayFormat("yyyy-MM" if on else "yyyy-MM-dd")
        self.changed.emit()

    def value(self) -> str | None:
        date = self.edit.date()
        if date == _NULL_DATE:
            return None
        if self.month_only is not None and self.month_only.isChecked():
            return date.toString("yyyy-MM")
        return date.toString("yyyy-MM-dd")

    def set_value(self, text: str | None) -> None:
        if not text:
            self.edit.setDate(_NULL_DATE)
            return
        if len(text) == 7 and self.month_only is not None:
            self.month_only.setChecked(True)
            self.edit.setDate(QDate.fromString(text + "-01", "yyyy-MM-dd"))
            return
        if self.month_only is not None:
            self.month_only.setChecked(False)
        date = QDate.fromString(text, "yyyy-MM-dd")
        self.edit.setDate(date if date.isValid() else _NULL_DATE)


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
    """An editable drop-down over (id, label) pairs that completes on any part of the label."""

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

    def selected_id(self) -> int | None:
        """The chosen record; None when empty. Raises LookupError for text matching nothing."""
        text = self.currentText().strip()
        if not text or text == self.empty_label:
            return None
        index = self.findText(text, Qt.MatchFlag.MatchExactly)
        if index < 0:
            raise LookupError(text)
        data = self.itemData(index)
        return None if data is None else int(data)

    def set_selected_id(self, record_id: int | None) -> None:
        index = self.findData(record_id) if record_id is not None else 0
        self.setCurrentIndex(max(index, 0))


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
    """The people involved in an activity: pick from the roster as you type, remove with a click."""

    def __init__(self, choices: Sequence[tuple[int, str]], parent: Any = None):
        super().__init__(parent)
        self._labels = {record_id: label for record_id, label in choices}
        self._by_label = {label: record_id for record_id, label in choices}
        self.input = QLineEdit(self)
        self.input.setPlaceholderText("输入姓名或单位查找，回车加入")
        completer = QCompleter(list(self._by_label), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.activated.connect(self._add_label)
        self.input.setCompleter(completer)
        self.input.returnPressed.connect(lambda: self._add_label(self.input.text()))
        self.add_button = QPushButton("加入", self)
        self.add_button.clicked.connect(lambda: self._add_label(self.input.text()))
        self.remove_button = QPushButton("移除所选", self)
        self.list = QListWidget(self)
        self.list.setMaximumHeight(90)
        self.remove_button.clicked.connect(self._remove_selected)
        top = QHBoxLayout()
        top.addWidget(self.input, 1)
        top.addWidget(self.add_button)
        top.addWidget(self.remove_button)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top, 0, 0)
        layout.addWidget(self.list, 1, 0)

    def _add_label(self, label: str) -> None:
        record_id = self._by_label.get(label.strip())
        if record_id is None:
            matches = [lb for lb in self._by_label if label.strip() and label.strip() in lb]
            if len(matches) != 1:
                return
            record_id = self._by_label[matches[0]]
        self.add_person(record_id)
        # Clear after the completer has finished writing its choice into the line edit.
        self.input.clear()

    def add_person(self, record_id: int) -> None:
        if record_id in self.person_ids():
            return
        item = QListWidgetItem(self._labels.get(record_id, str(record_id)))
        item.setData(Qt.ItemDataRole.UserRole, record_id)
        self.list.addItem(item)

    def _remove_selected(self) -> None:
        for item in self.list.selectedItems():
            self.list.takeItem(self.list.row(item))

    def person_ids(self) -> list[int]:
        return [
            int(self.list.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.list.count())
        ]

    def set_person_ids(self, ids: Sequence[int], labels: dict[int, str]) -> None:
        self._labels.update(labels)
        self.list.clear()
        for record_id in ids:
            self.add_person(record_id)
