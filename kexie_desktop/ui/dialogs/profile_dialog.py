"""组织信息: the organisation the clerk works for, asked at first start and editable later."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kexie_desktop import APP_NAME
from kexie_desktop.core.records import ORG_LEVELS, Profile
from kexie_desktop.core.store import Store
from kexie_desktop.core.validation import ValidationError, label
from kexie_desktop.ui.widgets import combo_value, make_choice_combo, set_combo_value


class ProfileDialog(QDialog):
    def __init__(self, store: Store, *, first_run: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.first_run = first_run
        self.setWindowTitle(f"欢迎使用{APP_NAME}" if first_run else "组织信息")
        layout = QVBoxLayout(self)
        if first_run:
            intro = QLabel(
                "请先填写本会的基本信息。组织名称将用于年度工作总结的标题和落款，以后可在"
                "“设置 → 组织信息”中修改。"
            )
            intro.setWordWrap(True)
            layout.addWidget(intro)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("如：青江市厂矿科协联合会")
        self.level_combo = make_choice_combo(ORG_LEVELS, allow_empty=True)
        self.place_edit = QLineEdit()
        self.place_edit.setPlaceholderText("如：湖南省青江市")
        self.contact_edit = QLineEdit()
        self.phone_edit = QLineEdit()
        self.parent_edit = QLineEdit()
        self.parent_edit.setPlaceholderText("报送包交给谁，如：青江县科协")
        self.parent_uuid_edit = QLineEdit()
        self.parent_uuid_edit.setPlaceholderText("上级在其“组织信息”中可以看到；不知道可以不填")
        self.fields = {
            "org_name": self.name_edit,
            "org_level": self.level_combo,
            "org_place": self.place_edit,
            "contact_person": self.contact_edit,
            "contact_phone": self.phone_edit,
            "parent_name": self.parent_edit,
            "parent_uuid": self.parent_uuid_edit,
        }
        self.error_labels: dict[str, QLabel] = {}
        for name, widget in self.fields.items():
            error = QLabel()
            error.setObjectName("fieldError")
            error.hide()
            holder = QWidget()
            box = QVBoxLayout(holder)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(widget)
            box.addWidget(error)
            star = " *" if name == "org_name" else ""
            form.addRow(f"{label(name)}{star}：", holder)
            self.error_labels[name] = error
        # The organisation's own identity (made at first start): a subordinate types it as its
        # 上级组织识别码, so packages reach the right county even if names are alike.
        self.uuid_field = QLineEdit(store.settings.org_uuid())
        self.uuid_field.setReadOnly(True)
        copy = QPushButton("复制")
        copy.clicked.connect(lambda: QApplication.clipboard().setText(self.uuid_field.text()))
        own = QWidget()
        row = QHBoxLayout(own)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.uuid_field, 1)
        row.addWidget(copy)
        form.addRow("本组织识别码：", own)
        layout.addLayout(form)

        self.demo_box = QCheckBox("同时载入演示数据（虚构的一年记录，便于先熟悉程序）")
        self.demo_box.setVisible(first_run)
        layout.addWidget(self.demo_box)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        profile = store.settings.profile()
        self.name_edit.setText(profile.org_name)
        set_combo_value(self.level_combo, profile.org_level)
        self.place_edit.setText(profile.org_place)
        self.contact_edit.setText(profile.contact_person)
        self.phone_edit.setText(profile.contact_phone)
        self.parent_edit.setText(profile.parent_name)
        self.parent_uuid_edit.setText(profile.parent_uuid)
        self.resize(560, self.sizeHint().height())

    @property
    def wants_demo(self) -> bool:
        return self.first_run and self.demo_box.isChecked()

    def accept(self) -> None:
        profile = Profile(
            org_name=self.name_edit.text(),
            org_level=combo_value(self.level_combo),
            org_place=self.place_edit.text(),
            contact_person=self.contact_edit.text(),
            contact_phone=self.phone_edit.text(),
            parent_name=self.parent_edit.text(),
            parent_uuid=self.parent_uuid_edit.text(),
        )
        try:
            self.store.settings.save_profile(profile)
        except ValidationError as exc:
            for name, error in self.error_labels.items():
                error.setText(exc.errors.get(name, ""))
                error.setVisible(name in exc.errors)
            return
        super().accept()
