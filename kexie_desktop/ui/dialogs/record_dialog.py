"""The common frame of the record forms: fields, messages beside them, save through the store."""

from __future__ import annotations

from typing import ClassVar, Generic, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kexie_desktop.core.records import Record
from kexie_desktop.core.store import Store, StoreError
from kexie_desktop.core.validation import ValidationError, label
from kexie_desktop.ui.widgets import ChoicePicker

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

        self.general_error = QLabel()
        self.general_error.setObjectName("formError")
        self.general_error.setWordWrap(True)
        self.general_error.hide()

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self._form_widget)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)

        self.build_fields()
        self.load(self.record)
        self._fit_to_form(scroll)

    def _fit_to_form(self, scroll: QScrollArea) -> None:
        # Wide enough for the whole form, tall enough for it too unless the screen is small
        # (an old 1366×768 office monitor): then the form scrolls, never sideways.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        form = self._form_widget.sizeHint()
        bar = scroll.verticalScrollBar().sizeHint().width()
        extra = self.sizeHint().height() - scroll.sizeHint().height()
        available = self.screen().availableSize()
        width = min(max(form.width() + bar + 40, 560), int(available.width() * 0.9))
        height = min(form.height() + extra + 24, int(available.height() * 0.9))
        self.resize(width, height)

    # -- for subclasses ------------------------------------------------------------------

    def build_fields(self) -> None:
        raise NotImplementedError

    def load(self, record: R) -> None:
        raise NotImplementedError

    def collect(self) -> R:
        """Read the form into a copy of the record; ValidationError for form-level problems."""
        raise NotImplementedError

    def add_field(
        self, name: str, widget: QWidget, *, required: bool = False, caption: str = ""
    ) -> None:
        text = caption or label(name, self.RECORD_TYPE.TABLE)
        row_label = QLabel(f"{text}{' *' if required else ''}：")
        error = QLabel()
        error.setObjectName("fieldError")
        error.setWordWrap(True)
        error.hide()
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

    def accept(self) -> None:
        try:
            record = self.collect()
            self.saved = self.store.save(record)
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return
        except StoreError as exc:
            QMessageBox.warning(self, "无法保存", str(exc))
            return
        self.after_save(self.saved)
        super().accept()

    def after_save(self, saved: R) -> None:
        """What a form does once its record is saved (the attachments chosen for a new one)."""

    @staticmethod
    def picked_unit_id(picker: ChoicePicker, field: str = "unit_id") -> int | None:
        try:
            return picker.selected_id()
        except LookupError as exc:
            raise ValidationError(
                {field: f"没有名为“{exc.args[0]}”的基层组织，请从列表中选择或先在“基层组织”中添加"}
            ) from None
