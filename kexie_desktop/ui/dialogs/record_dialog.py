"""The common frame of the record forms: fields, messages beside them, save through the store.

Made for a clerk who types all day: the focus starts in the first field and Tab follows the
form; Ctrl+Enter or Ctrl+S saves from any field (Enter in a picker only picks); a form with
changes asks before Esc or the close button throws them away; a red message goes as soon as its
field is right again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kexie_desktop.core import fields
from kexie_desktop.core.fields import Field
from kexie_desktop.core.records import Record
from kexie_desktop.core.store import Store, StoreError
from kexie_desktop.core.validation import ValidationError, label
from kexie_desktop.ui import ask
from kexie_desktop.ui.dialogs.field_widgets import make_widget, read_value, show_value
from kexie_desktop.ui.sizing import fit_to_screen
from kexie_desktop.ui.widgets import ChoicePicker

if TYPE_CHECKING:
    from kexie_desktop.core.attachment_edits import AppliedChanges
    from kexie_desktop.ui.attachments_panel import AttachmentsPanel

R = TypeVar("R", bound=Record)


class RecordDialog(QDialog, Generic[R]):
    """Subclasses add their fields in build_fields(), and convert in load()/collect().

    On 确定 the record is validated and saved by the store; if anything is wrong the messages
    appear in red beside the fields and the dialog stays open with what was typed.
    """

    RECORD_TYPE: ClassVar[type[Record]]

    def __init__(self, store: Store, record: R | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.record: R = record if record is not None else self.RECORD_TYPE()  # type: ignore[assignment]
        self.saved: R | None = None
        # The form's 附件 area (activities, awards) and what 确定 did to the attachments.
        self.attachments_panel: AttachmentsPanel | None = None
        self.attachment_changes: AppliedChanges | None = None
        self.is_new = self.record.id is None
        action = "新增" if self.is_new else "修改"
        self.setWindowTitle(f"{action}{self.RECORD_TYPE.KIND_LABEL}")
        self.setSizeGripEnabled(True)

        self._form_widget = QWidget()
        self.form = QFormLayout(self._form_widget)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.fields: dict[str, QWidget] = {}
        self.error_labels: dict[str, QLabel] = {}
        # Declared fields (core/fields.py) shown with their kind's standard widget.
        self.declared: dict[str, tuple[Field, QWidget]] = {}
        # Keys a subclass shows inside a widget of its own (an activity's outcome grid).
        self.placed: set[str] = set()

        self.general_error = QLabel()
        self.general_error.setObjectName("formError")
        self.general_error.setWordWrap(True)
        self.general_error.hide()

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # The scroll area itself never takes the focus: after Ctrl+N it would hold it unseen.
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setWidget(self._form_widget)

        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.general_error)

        self.build_fields()
        self.add_declared_fields()
        # Made after the fields: Tab reaches 确定/取消 after the last field, not before the first.
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert ok is not None
        ok.setText("确定(&O)")
        ok.setToolTip("保存（Ctrl+Enter 或 Ctrl+S）")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for keys in ("Ctrl+Return", "Ctrl+Enter", "Ctrl+S"):
            QShortcut(QKeySequence(keys), self, self.accept)

        self.load(self.record)
        for key, (declared, widget) in self.declared.items():
            show_value(declared, widget, getattr(self.record, key, None))
        for name, widget in self.fields.items():
            _watch(widget, lambda name=name: self._field_changed(name))
        self._loaded_state = self.form_state()
        self._fit_to_form(scroll)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            first = next(iter(self.fields.values()), None)
            if first is not None:
                first.setFocus(Qt.FocusReason.TabFocusReason)

    _shown_once = False

    def _fit_to_form(self, scroll: QScrollArea) -> None:
        # Wide enough for the whole form, tall enough for it too unless the screen is small
        # (an old 1366×768 office monitor): then the form scrolls, never sideways.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        form = self._form_widget.sizeHint()
        bar = scroll.verticalScrollBar().sizeHint().width()
        extra = self.sizeHint().height() - scroll.sizeHint().height()
        # The same available area (less the frame) as every other window: sizing.fit_to_screen.
        fit_to_screen(self, max(form.width() + bar + 40, 560), form.height() + extra + 24)

    # -- for subclasses ------------------------------------------------------------------

    def build_fields(self) -> None:
        raise NotImplementedError

    def load(self, record: R) -> None:
        raise NotImplementedError

    def collect(self) -> R:
        """Read the form into a copy of the record; ValidationError for form-level problems."""
        raise NotImplementedError

    def add_declared_fields(self) -> None:
        """A row with a standard widget for each declared field of the record's table that the
        subclass has not placed itself: a field added to core/fields.py needs no dialog code.
        Called after build_fields(); a subclass calls it earlier to put them before its last
        rows."""
        for f in fields.of(self.RECORD_TYPE.TABLE):
            if not (f.form and f.stored and f.kind in fields.FORM_KINDS):
                continue
            if f.key in self.fields or f.key in self.placed or f.key in self.declared:
                continue
            widget = make_widget(f)
            self.declared[f.key] = (f, widget)
            self.add_field(f.key, widget)

    def form_record(self) -> R:
        """The record as the form shows it: the subclass's collect() and the declared fields."""
        record = self.collect()
        for key, (declared, widget) in self.declared.items():
            setattr(record, key, read_value(declared, widget))
        return record

    def add_field(
        self, name: str, widget: QWidget, *, required: bool = False, caption: str = ""
    ) -> None:
        text = caption or label(name, self.RECORD_TYPE.TABLE)
        row_label = QLabel(f"{text}{' *' if required else ''}：")
        error = QLabel()
        error.setObjectName("fieldError")
        error.setWordWrap(True)
        error.hide()
        if isinstance(widget, QPlainTextEdit):
            # Tab goes on to the next field, as in every other box; Enter starts a new line.
            widget.setTabChangesFocus(True)
            # A text box takes Ctrl+Enter as a line break; here it saves, as everywhere else.
            widget.installEventFilter(self)
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(widget)
        box.addWidget(error)
        self.form.addRow(row_label, holder)
        row_label.setBuddy(widget)
        self.fields[name] = widget
        self.error_labels[name] = error

    def add_attachments(self, panel: AttachmentsPanel) -> None:
        """The 附件 area as the form's last row. Not a field: what it shows is its draft (its
        caption box follows the selected photo, which is no change), and it is saved with the
        record in one transaction. Ctrl+Z in the form takes back its last step, except in a
        text box, which keeps its own Ctrl+Z for the typing."""
        self.attachments_panel = panel
        self.form.addRow(QLabel("附件："), panel)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Undo), self, panel.undo)

    # -- saving --------------------------------------------------------------------------

    def show_errors(self, errors: dict[str, str]) -> None:
        for name, error_label in self.error_labels.items():
            message = errors.get(name)
            error_label.setText(message or "")
            error_label.setVisible(bool(message))
        unplaced = {k: v for k, v in errors.items() if k not in self.error_labels}
        if unplaced:
            self.general_error.setText(
                "；".join(f"{label(k, self.RECORD_TYPE.TABLE)}：{v}" for k, v in unplaced.items())
            )
        self.general_error.setVisible(bool(unplaced))
        first = next((self.fields[k] for k in errors if k in self.fields), None)
        if first is not None:
            first.setFocus()

    def _field_changed(self, name: str) -> None:
        error_label = self.error_labels.get(name)
        if error_label is None or error_label.isHidden():
            return
        try:
            self.store.records.validate(self.form_record())
            errors: dict[str, str] = {}
        except ValidationError as exc:
            errors = exc.errors
        if name not in errors:
            error_label.clear()
            error_label.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.accept()
            return True
        return super().eventFilter(watched, event)

    def set_default_year(self, year: int) -> None:
        """Dates typed without a year (3.5, 3月8日) are in this year (the one selected)."""
        from kexie_desktop.ui.widgets import OptionalDateEdit

        for edit in self._form_widget.findChildren(OptionalDateEdit):
            if not edit.allow_month:
                edit.default_year = year
                edit.line.setPlaceholderText(f"如 {year}-03-05，本年的可只写 3.5")

    def form_state(self) -> list[Any]:
        """What the form shows, to tell whether the clerk changed anything."""
        return [_widget_state(widget) for widget in self.fields.values()]

    def has_changes(self) -> bool:
        panel = self.attachments_panel
        attachments = panel is not None and (panel.draft.changed() or panel.busy)
        return self.form_state() != self._loaded_state or attachments

    def accept(self) -> None:
        try:
            record = self.form_record()
            self.saved = self.save_record(record)
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return
        except StoreError as exc:
            QMessageBox.warning(self, "无法保存", str(exc))
            return
        super().accept()

    def save_record(self, record: R) -> R:
        """The record, and the attachments of the form, in one transaction: all or nothing."""
        panel = self.attachments_panel
        if panel is None:
            return self.store.records.save(record)
        with self.store.transaction():
            saved = self.store.records.save(record)
            assert saved.id is not None
            self.attachment_changes = panel.apply(saved.id)
        return saved

    def reject(self) -> None:
        # Esc, 取消 and the window's close button all come here: typed work is never lost
        # to one key too many.
        if self.has_changes() and not self.confirm_discard():
            return
        super().reject()

    def confirm_discard(self) -> bool:
        return ask.confirm(
            self,
            "放弃改动",
            f"这份{self.RECORD_TYPE.KIND_LABEL}表单有改动还没有保存。\n\n放弃这些改动吗？",
            yes="放弃改动",
            no="继续填写",
        )

    @staticmethod
    def picked_unit_id(picker: ChoicePicker, field: str = "unit_id") -> int | None:
        try:
            return picker.selected_id()
        except LookupError as exc:
            raise ValidationError(
                {field: f"没有名为“{exc.args[0]}”的基层组织，请从列表中选择或先在“基层组织”中添加"}
            ) from None


def _editors(widget: QWidget) -> list[QWidget]:
    kinds = (QLineEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox, QAbstractButton, QListWidget)
    if isinstance(widget, kinds):
        return [widget]
    found = [w for w in widget.findChildren(QWidget) if isinstance(w, kinds)]
    # A combo box's own line edit is read through the combo box; a calendar's year box and
    # buttons (in a date field's pop-up) are not what the clerk typed.
    return [w for w in found if not isinstance(w.parent(), QComboBox) and not _in_popup(w, widget)]


def _in_popup(editor: QWidget, top: QWidget) -> bool:
    parent = editor.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, (QMenu, QCalendarWidget)):
            return True
        parent = parent.parentWidget()
    return False


def _widget_state(widget: QWidget) -> list[Any]:
    state: list[Any] = []
    for editor in _editors(widget):
        if isinstance(editor, QLineEdit):
            state.append(editor.text())
        elif isinstance(editor, QPlainTextEdit):
            state.append(editor.toPlainText())
        elif isinstance(editor, QComboBox):
            state.append(editor.currentText())
        elif isinstance(editor, QSpinBox):
            state.append(editor.value())
        elif isinstance(editor, QAbstractSpinBox):
            state.append(editor.text())
        elif isinstance(editor, QCheckBox) or (
            isinstance(editor, QAbstractButton) and editor.isCheckable()
        ):
            state.append(editor.isChecked())
        elif isinstance(editor, QListWidget):
            state.append([editor.item(i).text() for i in range(editor.count())])
    return state


def _watch(widget: QWidget, callback: Any) -> None:
    for editor in _editors(widget):
        if isinstance(editor, (QLineEdit, QPlainTextEdit)):
            editor.textChanged.connect(lambda *_a: callback())
        elif isinstance(editor, QComboBox):
            editor.currentTextChanged.connect(lambda *_a: callback())
        elif isinstance(editor, QSpinBox):
            editor.valueChanged.connect(lambda *_a: callback())
        elif isinstance(editor, QAbstractButton) and editor.isCheckable():
            editor.toggled.connect(lambda *_a: callback())
        elif isinstance(editor, QListWidget):
            editor.model().rowsInserted.connect(lambda *_a: callback())
            editor.model().rowsRemoved.connect(lambda *_a: callback())
