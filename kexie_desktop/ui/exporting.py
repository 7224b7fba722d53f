"""Where exports go, and running them off the GUI thread with a clear result for the clerk.

Every export (summary, ledger, statistics, 图文台账, package, backup) is the same three steps,
done here once: ask where (ask_target), run the writer on a connection of its own
(background.run_on_store), say the outcome (show_export_done, or a Chinese failure message).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from kexie_desktop.core.store import Store
from kexie_desktop.ui.background import BackgroundTask, Progress, run_on_store

LAST_FOLDER_KEY = "export.last_folder"


def default_folder(store: Store) -> Path:
    """A mounted USB stick if there is one, else the folder used last time, else Documents."""
    from kexie_desktop.core.removable import removable_drives

    drives = removable_drives()
    if drives:
        return drives[0]
    last = store.settings.get(LAST_FOLDER_KEY)
    if last and Path(last).is_dir():
        return Path(last)
    documents = Path.home() / "Documents"
    return documents if documents.is_dir() else Path.home()


def missing_fonts_note() -> str:
    """A sentence for the export message when this PC lacks official fonts the .docx names;
    empty when it has them all. The document names them anyway: the recipient's PC (most
    government office PCs) usually has them, and Word shows a stand-in here."""
    from PySide6.QtGui import QFontDatabase

    from kexie_desktop.core.docx_export import OFFICIAL_FONTS, font_fallback

    missing = [
        name
        for name, aliases in OFFICIAL_FONTS.items()
        if not any(QFontDatabase.hasFamily(n) for n in (name, *aliases))
    ]
    if not missing:
        return ""
    stand_ins = [f"{name}→{font_fallback(name)}" for name in missing if font_fallback(name)]
    shown = f"（{'、'.join(stand_ins)}）" if stand_ins else ""
    return (
        f"这台电脑没有公文字体{'、'.join(missing)}，在这里打开时以相近的字体代替显示{shown}。"
        "文档仍按公文格式指定这些字体，在装有它们的电脑上显示正常。"
    )


def ask_target(
    parent: QWidget, store: Store, title: str, filename: str, file_filter: str
) -> Path | None:
    suggested = default_folder(store) / filename
    chosen, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), file_filter)
    if not chosen:
        return None
    path = Path(chosen)
    suffix = Path(filename).suffix
    if path.suffix.lower() != suffix:
        path = path.with_name(path.name + suffix)
    store.settings.set(LAST_FOLDER_KEY, str(path.parent))
    return path


def show_export_done(parent: QWidget, title: str, text: str, path: Path | None) -> None:
    """The outcome of an export, with 打开文件 and 打开所在文件夹; the words about pulling out
    the USB stick only when the file went to one."""
    from kexie_desktop.core.removable import on_removable_drive

    if path is not None and on_removable_drive(path):
        text += "\n\n现在可以安全地拔出U盘。"
    done_box(parent, title, text, path)


def done_box(parent: QWidget, title: str, text: str, path: Path | None) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=parent)
    open_file = open_folder = None
    if path is not None and path.exists():
        open_file = box.addButton("打开文件", QMessageBox.ButtonRole.ActionRole)
        open_folder = box.addButton("打开所在文件夹", QMessageBox.ButtonRole.ActionRole)
    close = box.addButton("关闭", QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(close)
    box.setEscapeButton(close)
    box.exec()
    clicked = box.clickedButton()
    if path is not None and clicked is not None:
        if clicked is open_file:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        elif clicked is open_folder:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))


class Done:
    """A finished operation's message for the clerk, where the core returns no result object
    of its own (run_export shows summary())."""

    def __init__(self, text: str):
        self.text = text

    def summary(self) -> str:
        return self.text


def export_to(
    parent: QWidget,
    store: Store,
    *,
    title: str,
    filename: str,
    file_filter: str,
    label: str,
    op: Callable[[Store, Path, Progress], object],
    on_done: Callable[[object], None] | None = None,
    done_title: str = "导出完成",
    failed_title: str = "导出没有完成",
    note: Callable[[], str] | None = None,
) -> BackgroundTask | None:
    """Ask where to write (`title`, suggested `filename`), then run `op(own_store, target,
    progress)` in the background and tell the clerk the outcome. None when the clerk cancels."""
    target = ask_target(parent, store, title, filename, file_filter)
    if target is None:
        return None
    return run_export(
        parent,
        store,
        label,
        lambda own, progress: op(own, target, progress),
        on_done,
        done_title=done_title,
        failed_title=failed_title,
        note=note,
    )


def run_export(
    parent: QWidget,
    store: Store,
    label: str,
    op: Callable[[Store, Progress], object],
    on_done: Callable[[object], None] | None = None,
    *,
    done_title: str = "导出完成",
    failed_title: str = "导出没有完成",
    note: Callable[[], str] | None = None,
) -> BackgroundTask:
    """Run `op(own_store, progress)` off the GUI thread; tell the clerk the outcome in Chinese,
    with `note()`'s sentence (if any) after it."""
    from kexie_desktop.core.backup import BackupError
    from kexie_desktop.core.package import PackageError
    from kexie_desktop.core.safe_write import ExportError
    from kexie_desktop.core.store import StoreError
    from kexie_desktop.core.summary import SummaryError

    def done(result: object) -> None:
        summary = getattr(result, "summary", None)
        text = summary() if callable(summary) else "导出完成。"
        extra = note() if note else ""
        text = f"{text}\n\n{extra}" if extra else text
        path = getattr(result, "path", None)
        show_export_done(parent, done_title, text, path if isinstance(path, Path) else None)
        if on_done:
            on_done(result)

    def error(exc: object) -> None:
        if isinstance(exc, ExportError | StoreError | SummaryError | BackupError | PackageError):
            message = str(exc)
        else:
            message = f"导出时出现意外问题，文件没有写出：{exc}"
        QMessageBox.warning(parent, failed_title, message)

    return run_on_store(parent, store, label, op, success=done, failure=error)
