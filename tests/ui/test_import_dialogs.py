"""The import window and the import history, driven as a clerk would."""

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from PySide6.QtWidgets import QComboBox, QFileDialog, QMessageBox, QTableWidget

from kexie_desktop.core.records import Person
from kexie_desktop.core.store import Store
from kexie_desktop.ui.dialogs.import_dialog import ImportDialog
from kexie_desktop.ui.dialogs.import_history_dialog import ImportHistoryDialog
from kexie_desktop.ui.main_window import MainWindow
from tests.ui.conftest import Questions


def roster(path: Path, *, bad_phone: bool = False) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(["姓名", "性别", "电话", "单位", "说明"])
    ws.append(["张三", "男", "13800000001", "青江纸业科协", "老会员"])
    ws.append(["李四", "女", "138000" if bad_phone else "13800000002", "青江纸业科协", ""])
    wb.save(path)
    return path


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch, questions: Questions) -> list[tuple[str, str]]:
    # 仍然导入？ (the roster's 说明 column is not recognised): yes (questions' default), unless a
    # test says otherwise.
    seen: list[tuple[str, str]] = []
    for name in ("information", "warning"):
        monkeypatch.setattr(QMessageBox, name, lambda _p, t, m, seen=seen: seen.append((t, m)))
    return seen


def _wait(qtbot: Any, dialog: ImportDialog) -> None:
    qtbot.waitUntil(lambda: dialog.task is not None and dialog.task.finished, timeout=20_000)


def test_check_then_import(
    store: Store, qtbot: Any, tmp_path: Path, messages: list, questions: Questions
) -> None:
    questions.replies = [False, True]
    dialog = ImportDialog(store, path=roster(tmp_path / "花名册.xlsx"))
    qtbot.addWidget(dialog)
    _wait(qtbot, dialog)
    assert "将新增2条" in dialog.summary.toPlainText()
    assert "将新建基层组织1个：青江纸业科协" in dialog.summary.toPlainText()
    assert "未识别、不导入的列：“说明”（有数据）" in dialog.summary.toPlainText()
    assert dialog.problems.rowCount() == 0
    assert dialog.import_button.isEnabled()
    assert store.records.count(Person) == 0  # checking wrote nothing
    # The 说明 column holds data nothing will import: asked first; 否 imports nothing.
    dialog.import_button.click()
    assert "工作表“花名册”的“说明”有数据" in questions.texts[0]
    assert store.records.count(Person) == 0 and dialog.import_result is None
    dialog.import_button.click()
    _wait(qtbot, dialog)
    assert messages[-1][0] == "导入完成"
    assert store.records.count(Person) == 2
    assert dialog.import_result is not None and dialog.import_result.added == 2


def test_problems_are_listed_and_block_unless_skipped(
    store: Store, qtbot: Any, tmp_path: Path, messages: list
) -> None:
    dialog = ImportDialog(store, path=roster(tmp_path / "花名册.xlsx", bad_phone=True))
    qtbot.addWidget(dialog)
    _wait(qtbot, dialog)
    assert dialog.problems.rowCount() == 1
    cells = [dialog.problems.item(0, c).text() for c in range(4)]
    assert cells[:3] == ["花名册", "3", "电话"]
    assert "不是有效的手机号码" in cells[3]
    dialog.import_button.click()
    assert messages[-1][0] == "有问题，未导入"
    assert store.records.count(Person) == 0
    dialog.skip_invalid.setChecked(True)
    dialog.import_button.click()
    _wait(qtbot, dialog)
    assert store.records.count(Person) == 1


def test_the_clerk_can_correct_the_column_mapping(
    store: Store, qtbot: Any, tmp_path: Path, messages: list
) -> None:
    dialog = ImportDialog(store, path=roster(tmp_path / "花名册.xlsx"))
    qtbot.addWidget(dialog)
    _wait(qtbot, dialog)
    table = dialog.mapping_tabs.widget(0)
    assert isinstance(table, QTableWidget)
    notes_row = [table.item(r, 0).text() for r in range(table.rowCount())].index("说明")
    combo = table.cellWidget(notes_row, 1)
    assert isinstance(combo, QComboBox) and combo.currentText() == "（不导入）"
    combo.setCurrentIndex(combo.findData("notes"))
    assert not dialog.import_button.isEnabled()  # re-check first
    dialog.recheck_button.click()
    _wait(qtbot, dialog)
    dialog.import_button.click()
    _wait(qtbot, dialog)
    zhang = store.records.get(Person, store.imports.people_named("张三")[0])
    assert zhang.notes == "老会员"


def test_an_unreadable_file_is_explained(
    store: Store, qtbot: Any, tmp_path: Path, messages: list
) -> None:
    bad = tmp_path / "坏文件.xlsx"
    bad.write_bytes(b"garbage")
    dialog = ImportDialog(store, path=bad)
    qtbot.addWidget(dialog)
    _wait(qtbot, dialog)
    assert messages[-1][0] == "无法读取文件"
    assert not dialog.import_button.isEnabled()


def test_undo_from_the_history(
    store: Store, qtbot: Any, tmp_path: Path, messages: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = ImportDialog(store, path=roster(tmp_path / "花名册.xlsx"))
    qtbot.addWidget(dialog)
    _wait(qtbot, dialog)
    dialog.import_button.click()
    _wait(qtbot, dialog)
    history = ImportHistoryDialog(store)
    qtbot.addWidget(history)
    assert history.table.rowCount() == 1
    assert history.table.item(0, 1).text() == "花名册.xlsx"
    history.table.selectRow(0)
    history.undo_button.click()
    assert store.records.count(Person) == 0
    assert history.undone and "撤销" in history.table.item(0, 3).text()
    assert not history.undo_button.isEnabled()


def test_main_window_import_and_template(
    demo_store: Store, data_dir: Path, qtbot: Any, tmp_path: Path, messages: list,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    window = MainWindow(demo_store, data_dir)
    qtbot.addWidget(window)
    target = tmp_path / "模板.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: (str(target), ""))
    window.template_action.trigger()
    assert target.exists() and messages[-1][0] == "模板已保存"
