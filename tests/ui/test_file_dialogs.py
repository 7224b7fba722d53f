"""Open/save dialogs in Chinese, and where the import dialog starts."""

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QLabel

from kexie_desktop.core.store import Store
from kexie_desktop.ui.dialogs import import_dialog
from kexie_desktop.ui.dialogs.import_dialog import IMPORT_FOLDER_KEY, ImportDialog


def _qt_dialog(qtbot: Any) -> QFileDialog:
    # Qt's own dialog, the one a Linux clerk sees (no native dialog there).
    dialog = QFileDialog(None, "选择要导入的文件", str(Path.home()), import_dialog.FILE_FILTER)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    return dialog


def test_every_label_of_the_file_dialog_is_chinese(qtbot: Any) -> None:
    dialog = _qt_dialog(qtbot)
    labels = {label: dialog.labelText(label) for label in QFileDialog.DialogLabel}
    # Qt 6.11 says "&Look in:" (filled in by the gap translator), Qt 6.9 "Look in:" (in the
    # catalogue): Chinese either way.
    assert labels[QFileDialog.DialogLabel.LookIn] in ("查找范围(&L)：", "查找范围：")
    assert labels[QFileDialog.DialogLabel.FileType] in ("文件类型(&T)：", "文件类型：")
    assert labels[QFileDialog.DialogLabel.FileName] == "文件名称(&N)："
    assert labels[QFileDialog.DialogLabel.Accept] == "打开(&O)"
    assert labels[QFileDialog.DialogLabel.Reject] == "取消"
    # What is on screen, not only what labelText() answers: no English label is left.
    dialog.show()
    shown = [label.text() for label in dialog.findChildren(QLabel) if label.text()]
    assert {
        labels[QFileDialog.DialogLabel.LookIn],
        labels[QFileDialog.DialogLabel.FileType],
    } <= set(shown)
    assert not [t for t in shown if t.endswith(":")]


def test_the_save_dialog_is_chinese_too(qtbot: Any) -> None:
    dialog = _qt_dialog(qtbot)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    assert dialog.labelText(QFileDialog.DialogLabel.Accept) == "保存(&S)"
    assert dialog.labelText(QFileDialog.DialogLabel.LookIn).startswith("查找范围")


def test_other_texts_still_come_from_the_catalogue(qapp: Any) -> None:
    # The gap translator answers only its two texts; the rest goes on to qtbase_zh_CN.
    assert qapp.translate("QFileDialog", "Create New Folder") == "新建文件夹"
    assert qapp.translate("KexieNoSuchContext", "Plain text") == "Plain text"


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


def _opened_in(monkeypatch: pytest.MonkeyPatch, chosen: str = "") -> list[str]:
    seen: list[str] = []

    def fake(_parent: Any, _title: str, folder: str, _filter: str) -> tuple[str, str]:
        seen.append(folder)
        return chosen, ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", fake)
    return seen


def test_import_starts_on_the_usb_stick_then_in_the_last_folder(
    store: Store,
    qtbot: Any,
    tmp_path: Path,
    settings: QSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stick = tmp_path / "U盘"
    stick.mkdir()
    monkeypatch.setattr("kexie_desktop.core.removable.removable_drives", lambda: [stick])
    dialog = ImportDialog(store, settings=settings)
    qtbot.addWidget(dialog)
    seen = _opened_in(monkeypatch)
    dialog.choose_file()
    assert seen == [str(stick)]

    # A file picked in another folder: next time the dialog starts there, stick or not.
    folder = tmp_path / "各单位报表"
    folder.mkdir()
    seen = _opened_in(monkeypatch, str(folder / "不存在.xlsx"))
    monkeypatch.setattr(ImportDialog, "run_check", lambda self: None)
    dialog.choose_file()
    assert settings.value(IMPORT_FOLDER_KEY) == str(folder)
    again = ImportDialog(store, settings=settings)
    qtbot.addWidget(again)
    seen = _opened_in(monkeypatch)
    again.choose_file()
    assert seen == [str(folder)]


def test_import_starts_at_home_without_stick_or_a_folder_that_still_exists(
    store: Store,
    qtbot: Any,
    tmp_path: Path,
    settings: QSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("kexie_desktop.core.removable.removable_drives", lambda: [])
    settings.setValue(IMPORT_FOLDER_KEY, str(tmp_path / "已删除的文件夹"))
    dialog = ImportDialog(store, settings=settings)
    qtbot.addWidget(dialog)
    seen = _opened_in(monkeypatch)
    dialog.choose_file()
    assert seen == [str(Path.home())]


def test_the_main_window_remembers_the_import_folder_in_its_settings(
    store: Store,
    data_dir: Path,
    qtbot: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kexie_desktop.ui.main_window import MainWindow

    folder = tmp_path / "上次的文件夹"
    folder.mkdir()
    window = MainWindow(store, data_dir)
    qtbot.addWidget(window)
    window.window_settings.setValue(IMPORT_FOLDER_KEY, str(folder))
    seen = _opened_in(monkeypatch)  # cancelled: nothing is imported
    window.open_import()
    assert seen == [str(folder)]
