"""The main window's workflows over the whole data: 备份, 从备份恢复, the blank import template and
the demo data. Each is a function of the window (its store, its status line, reload_all), so the
window keeps only menus, tabs and the year; the long work runs on its own connection through
background.run_on_store, as every export does.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QMessageBox

from kexie_desktop.ui import ask

if TYPE_CHECKING:
    from kexie_desktop.core.store import Store
    from kexie_desktop.ui.background import Progress
    from kexie_desktop.ui.main_window import MainWindow


# -- 备份 and 从备份恢复 ------------------------------------------------------------------------


def backup_to(window: MainWindow) -> None:
    """A checked copy of the data where the clerk says (a USB stick, when one is in), with the
    attachments in a folder beside it."""
    from kexie_desktop.ui.exporting import export_to

    window.task = export_to(
        window,
        window.store,
        title="备份数据",
        filename=f"科协工作台备份{dt.date.today().isoformat()}.db",
        file_filter="备份文件 (*.db)",
        label="正在备份……",
        op=_backup,
        done_title="备份完成",
        failed_title="备份没有完成",
    )


def _backup(store: Store, target: Path, _progress: Progress) -> object:
    from kexie_desktop.core.attachments import backup_files
    from kexie_desktop.core.backup import copy_database
    from kexie_desktop.core.safe_write import ExportError, explain_os_error
    from kexie_desktop.ui.exporting import Done

    info = copy_database(store.conn, target)
    try:
        files = backup_files(store, target)
    except OSError as exc:
        raise ExportError(f"附件文件没有备份完：{explain_os_error(exc, target)}") from exc
    return Done(
        f"已备份到：{info.path}，文件已检查完整。\n{info.describe()}\n"
        f"{files.describe()}附件在备份旁的 attachments 文件夹中，请一并保存。"
    )


def restore_from(window: MainWindow) -> None:
    """Choose a backup (the automatic ones first, else a file), say what it holds, ask, then
    restore in the background; the data as it was is kept aside first (Store.restore)."""
    from PySide6.QtWidgets import QFileDialog

    from kexie_desktop.core.backup import BackupError, inspect_backup
    from kexie_desktop.ui.dialogs.restore_dialog import RestoreDialog, automatic_backups
    from kexie_desktop.ui.exporting import default_folder

    chosen: str | Path = ""
    if automatic_backups(window.data_dir):
        picker = RestoreDialog(window.data_dir, window)
        if not picker.exec():
            return
        if picker.chosen is not None:
            chosen = picker.chosen
    if not chosen:
        chosen, _ = QFileDialog.getOpenFileName(
            window,
            "选择备份文件",
            str(default_folder(window.store)),
            "备份文件 (*.db);;所有文件 (*)",
        )
    if not chosen:
        return
    backup = Path(chosen)
    try:
        info = inspect_backup(backup)
    except BackupError as exc:
        QMessageBox.warning(window, "不能使用这个备份", str(exc))
        return
    if not ask.confirm(
        window,
        "从备份恢复",
        f"{info.describe()}\n\n用这个备份替换现在的全部数据吗？"
        "恢复前会先把现在的数据另存一份，需要时可以再恢复回来。",
    ):
        return
    from kexie_desktop.ui.background import run_on_store

    window.task = run_on_store(
        window,
        window.store,
        "正在从备份恢复……",
        lambda own, _progress: _restore(own, backup),
        success=lambda result: _restored(window, result),
        failure=lambda exc: _restore_failed(window, exc),
    )


def _restore(store: Store, backup: Path) -> tuple[Path, str, int]:
    from kexie_desktop.core.attachments import files_for_restore

    assert store.path is not None
    files = files_for_restore(backup, store.path.parent)
    safety, described = store.restore(backup)
    return safety, described, len(files.problems)


def _restored(window: MainWindow, result: tuple[Path, str, int]) -> None:
    safety, described, missing_files = result
    window.update_title()
    window.reload_all()
    missing = (
        f"\n\n注意：备份中有{missing_files}个附件文件找不到或已损坏（备份旁应有 "
        "attachments 文件夹），这些附件会显示为缺失。"
        if missing_files else ""
    )  # fmt: skip
    QMessageBox.information(
        window, "已恢复", f"已恢复：{described}\n\n恢复前的数据已另存为：{safety}{missing}"
    )


def _restore_failed(window: MainWindow, exc: BaseException) -> None:
    from kexie_desktop.core.backup import BackupError
    from kexie_desktop.core.store import StoreError

    if isinstance(exc, BackupError | StoreError):
        message = f"{exc}\n\n现在的数据没有改动。"
    else:  # the restore is one transaction: whatever went wrong, nothing was replaced
        message = f"恢复时出现意外问题：{exc}\n\n现在的数据没有改动。"
    QMessageBox.warning(window, "恢复没有完成", message)


# -- the blank template and the demo data ------------------------------------------------


def save_template(window: MainWindow) -> None:
    from kexie_desktop.core.importing.template import write_template
    from kexie_desktop.core.safe_write import ExportError, write_safely
    from kexie_desktop.ui.exporting import ask_target

    target = ask_target(
        window, window.store, "保存空白导入模板", "科协工作台导入模板.xlsx", "Excel 工作簿 (*.xlsx)"
    )
    if target is None:
        return
    try:
        write_safely(target, write_template)
    except ExportError as exc:
        QMessageBox.warning(window, "无法保存模板", str(exc))
        return
    QMessageBox.information(
        window, "模板已保存", f"已保存：{target}\n\n按模板中的示例行填写后，用“导入”即可导入。"
    )


def offer_demo(window: MainWindow) -> None:
    if ask.confirm(
        window,
        "载入演示数据",
        "演示数据是虚构的一年记录（基层组织、人员、活动和奖项），会加入到当前数据中，"
        "便于熟悉程序。熟悉之后可在“文件 → 导入记录与撤销”中一步删除全部演示数据。"
        "\n\n确定载入吗？",
    ):
        load_demo_data(window)


def load_demo_data(window: MainWindow) -> None:
    from PySide6.QtCore import Qt

    from kexie_desktop.core.demo import load_demo
    from kexie_desktop.core.store import StoreError

    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        result = load_demo(window.store)
    except StoreError as exc:
        QApplication.restoreOverrideCursor()
        QMessageBox.warning(window, "无法载入演示数据", str(exc))
        return
    QApplication.restoreOverrideCursor()
    window.update_title()
    window.reload_all(select_year=result.year)
    window.statusBar().showMessage(result.summary(), 10_000)
