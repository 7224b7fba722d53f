"""The 附件 area of the activity and award forms: files and news links, with thumbnails.

The area edits a draft (core/attachment_edits.py) that the form saves with its record on 确定 —
each change then an entry of the change log, a removed attachment in the 回收站 — and that 取消
drops; Ctrl+Z or 撤销 takes back the last step. Files are copied into the data folder at once, on
a background thread (50 phone photos take a few seconds); thumbnails are made on Qt's thread
pool and appear as they are ready; a double-click opens a read-only copy with the system's
viewer, so an edit in Word can never change the stored original (its name is its hash).

A form for a record not yet saved works the same way: the rows are written once it has an id.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QSize, Qt, QThreadPool, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QIcon,
    QKeySequence,
    QPixmap,
    QShortcut,
)
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from kexie_desktop.core import attachments as att
from kexie_desktop.core.attachment_edits import (
    AppliedChanges,
    AttachmentDraft,
    DraftItem,
    StageResult,
    stage_files,
)
from kexie_desktop.core.store import Store, StoreError

_ICON = 96
_ID_ROLE = Qt.ItemDataRole.UserRole


class _ThumbnailSignals(QObject):
    ready = Signal(str, str)  # sha256, path


_hub: _ThumbnailSignals | None = None


def _thumbnail_hub() -> _ThumbnailSignals:
    """One signal source for every panel, alive as long as the program: a thumbnail finished
    after its form was closed has nowhere to go, and must not find its sender deleted."""
    global _hub
    if _hub is None:
        _hub = _ThumbnailSignals(QApplication.instance())
    return _hub


class _ThumbnailJob(QRunnable):
    def __init__(self, data_dir: Path, sha256: str, file_type: str, signals: _ThumbnailSignals):
        super().__init__()
        self.data_dir, self.sha256, self.file_type = data_dir, sha256, file_type
        self.signals = signals

    def run(self) -> None:
        path = att.make_thumbnail(self.data_dir, self.sha256, self.file_type)
        if path is not None:
            self.signals.ready.emit(self.sha256, str(path))


class AttachmentsPanel(QWidget):
    """Shows and edits the form's AttachmentDraft; the form saves it with the record."""

    changed = Signal()

    def __init__(
        self, store: Store, table: str, owner_id: int | None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.store = store
        self.table = table
        self.draft = AttachmentDraft(store, table, owner_id)
        self.data_dir = store.data_folder
        self._task: object = None
        self.busy = False
        self.setAcceptDrops(True)

        self.list = QListWidget()
        self.list.setViewMode(QListWidget.ViewMode.IconMode)
        self.list.setIconSize(QSize(_ICON, _ICON))
        self.list.setGridSize(QSize(_ICON + 40, _ICON + 56))  # two lines under a tall photo
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setMovement(QListWidget.Movement.Static)
        self.list.setWordWrap(True)
        self.list.setMinimumHeight(_ICON + 60)
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.list.itemDoubleClicked.connect(self.open_item)
        self.list.itemSelectionChanged.connect(self._selection_changed)
        self.list.setAcceptDrops(False)  # the panel takes the drop

        self.add_button = QPushButton("添加文件…")
        self.add_button.clicked.connect(self.choose_files)
        self.link_button = QPushButton("添加新闻链接…")
        self.link_button.clicked.connect(self.add_link)
        self.open_button = QPushButton("打开")
        self.open_button.clicked.connect(lambda: self.open_item(self.list.currentItem()))
        self.remove_button = QPushButton("移除")
        self.remove_button.clicked.connect(self.remove_selected)
        self.undo_button = QPushButton("撤销")
        self.undo_button.clicked.connect(self.undo)
        self.kind_combo = QComboBox()
        self.kind_combo.addItems(att.KINDS)
        self.kind_combo.activated.connect(self._save_details)
        self.caption_edit = QLineEdit()
        self.caption_edit.setPlaceholderText("说明（印在图文台账的照片下方）")
        self.caption_edit.editingFinished.connect(self._save_details)
        self.summary_box = QCheckBox("印在年度总结中")
        self.summary_box.setToolTip(
            "重点活动的一张照片可以印在年度工作总结中这项活动的文字下方（默认不印）"
        )
        self.summary_box.toggled.connect(self._summary_toggled)
        self.hint = QLabel(
            "可以把照片或文件拖到这里，或复制图片后按 Ctrl+V 粘贴。附件的添加、修改和移除"
            "在点“确定”时随表单一起保存（移除的附件放入回收站），点“取消”则都不保存；"
            "填写中按 Ctrl+Z 或“撤销”可退回上一步附件改动。"
        )
        self.hint.setWordWrap(True)
        self.hint.setObjectName("hint")

        buttons = QHBoxLayout()
        for button in (self.add_button, self.link_button, self.open_button, self.remove_button,
                       self.undo_button):  # fmt: skip
            buttons.addWidget(button)
        buttons.addStretch(1)
        details = QHBoxLayout()
        details.addWidget(QLabel("类别："))
        details.addWidget(self.kind_combo)
        details.addWidget(self.caption_edit, 1)
        if table == "activities":
            details.addWidget(self.summary_box)
        else:
            self.summary_box.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.list)
        layout.addLayout(details)
        layout.addWidget(self.hint)

        paste = QShortcut(QKeySequence.StandardKey.Paste, self)
        paste.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        paste.activated.connect(self.paste)

        self.thumbnails = _thumbnail_hub()
        self.thumbnails.ready.connect(self._thumbnail_ready)
        self.refresh()

    # -- showing ---------------------------------------------------------------------------

    def refresh(self, select: list[str] | None = None) -> None:
        chosen = set(select if select is not None else self._selected_keys())
        self.list.blockSignals(True)
        self.list.clear()
        for item in self.draft.items:
            row = self._item(item)
            self.list.addItem(row)
            row.setSelected(item.key in chosen)
        self.list.blockSignals(False)
        self.undo_button.setEnabled(self.draft.can_undo())
        self.undo_button.setToolTip(
            f"撤销{self.draft.undo_text()}（Ctrl+Z）" if self.draft.can_undo()
            else "撤销上一步附件改动（Ctrl+Z）"
        )  # fmt: skip
        self._selection_changed()

    def _item(self, a: DraftItem) -> QListWidgetItem:
        text = f"{a.kind}\n{a.label}"
        icon = self._file_icon(link=a.is_link)
        item = QListWidgetItem(icon, text)
        item.setData(_ID_ROLE, a.key)
        tip = a.url if a.is_link else f"{a.original_name}（{(a.size or 0) / 2**20:.1f} MB）"
        if a.is_new:
            # Not saved yet: in italics, as a document's unsaved part; the tip says when.
            tip += "\n点“确定”后保存"
            font = item.font()
            font.setItalic(True)
            item.setFont(font)
        item.setToolTip(tip)
        if a.is_image and a.sha256 and self.data_dir is not None:
            thumb = att.thumbnail_path(self.data_dir, a.sha256)
            if thumb.is_file():
                item.setIcon(QIcon(QPixmap(str(thumb))))
            else:
                job = _ThumbnailJob(self.data_dir, a.sha256, a.file_type, self.thumbnails)
                QThreadPool.globalInstance().start(job)
        return item

    def _file_icon(self, *, link: bool = False) -> QIcon:
        pixmap = (
            QStyle.StandardPixmap.SP_DriveNetIcon if link else QStyle.StandardPixmap.SP_FileIcon
        )
        return self.style().standardIcon(pixmap)

    def _thumbnail_ready(self, sha256: str, path: str) -> None:
        keys = {i.key for i in self.draft.items if i.sha256 == sha256}
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(_ID_ROLE) in keys:
                item.setIcon(QIcon(QPixmap(path)))

    def _selected_keys(self) -> list[str]:
        return [str(i.data(_ID_ROLE)) for i in self.list.selectedItems()]

    def selected(self) -> list[DraftItem]:
        keys = set(self._selected_keys())
        return [i for i in self.draft.items if i.key in keys]

    def _selection_changed(self) -> None:
        chosen = self.selected()
        self.remove_button.setEnabled(bool(chosen))
        self.open_button.setEnabled(len(chosen) == 1)
        one = chosen[0] if len(chosen) == 1 else None
        self.kind_combo.setEnabled(one is not None)
        self.caption_edit.setEnabled(one is not None)
        if one is not None:
            self.kind_combo.setCurrentText(one.kind)
            self.caption_edit.setText(one.caption)
        else:
            self.caption_edit.clear()
        photo = one is not None and one.is_image and self.table == "activities"
        self.summary_box.blockSignals(True)
        self.summary_box.setChecked(bool(photo and one and one.in_summary))
        self.summary_box.blockSignals(False)
        self.summary_box.setEnabled(bool(photo))

    def _summary_toggled(self, chosen: bool) -> None:
        picked = self.selected()
        if len(picked) != 1:
            return
        try:
            self.draft.set_in_summary(picked[0].key, chosen)
        except StoreError as exc:
            QMessageBox.warning(self, "不能选择", str(exc))
        self._after_step()

    def _after_step(self, select: list[str] | None = None) -> None:
        self.refresh(select)
        self.changed.emit()

    # -- adding ----------------------------------------------------------------------------

    def choose_files(self) -> None:
        chosen, _ = QFileDialog.getOpenFileNames(
            self, "选择要添加的附件", str(Path.home()), att.FILE_DIALOG_FILTER
        )
        if chosen:
            self.add_files([Path(p) for p in chosen])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() or event.mimeData().hasImage():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.add_files(paths)

    def paste(self) -> None:
        data = QApplication.clipboard().mimeData()
        if data.hasUrls():
            paths = [Path(u.toLocalFile()) for u in data.urls() if u.isLocalFile()]
            if paths:
                self.add_files(paths)
                return
        if data.hasImage():
            image = QApplication.clipboard().image()
            if image.isNull():
                return
            folder = Path(tempfile.mkdtemp(prefix="kexie-paste-"))
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            path = folder / f"粘贴的图片{stamp}.png"
            if image.save(str(path)):  # PNG, from the suffix
                self.add_files([path])

    def add_files(self, paths: list[Path]) -> None:
        """Check and copy the files into the data folder off the GUI thread; they join the
        draft (and are saved with the record on 确定)."""
        from kexie_desktop.ui.background import BackgroundTask

        data_dir = self.data_dir
        if data_dir is None:
            QMessageBox.warning(self, "附件没有添加", "内存数据库不能保存附件。")
            return

        def job(progress: object) -> StageResult:
            return stage_files(data_dir, paths, progress)  # type: ignore[arg-type]

        task = BackgroundTask(self, f"正在添加{len(paths)}个文件……", job)
        task.done.connect(self._staged)
        task.error.connect(self._stage_failed)
        self._task = task
        self.busy = True
        task.start()

    def _stage_failed(self, exc: object) -> None:
        self.busy = False
        QMessageBox.warning(self, "附件没有添加", str(exc))

    def _staged(self, result: object) -> None:
        assert isinstance(result, StageResult)
        self.busy = False
        added = self.draft.add_files(result.staged)
        self._after_step([i.key for i in added])
        if result.refused:
            QMessageBox.warning(
                self, "有文件没有添加", "\n".join(why for _name, why in result.refused)
            )

    def add_link(self) -> None:
        url, ok = QInputDialog.getText(
            self, "添加新闻链接", "网址（以 http:// 或 https:// 开头）："
        )
        if not ok or not url.strip():
            return
        title, ok = QInputDialog.getText(self, "添加新闻链接", "报道标题：")
        if not ok:
            return
        date, ok = QInputDialog.getText(self, "添加新闻链接", "发布日期（如 2025-09-22，可不填）：")
        if not ok:
            return
        try:
            item = self.draft.add_link(url, title=title, date=date.strip() or None)
        except StoreError as exc:
            QMessageBox.warning(self, "没有添加", str(exc))
            return
        self._after_step([item.key])

    # -- changing, opening, removing, undoing ----------------------------------------------

    def _save_details(self) -> None:
        chosen = self.selected()
        if len(chosen) != 1:
            return
        a = chosen[0]
        kind, caption = self.kind_combo.currentText(), self.caption_edit.text().strip()
        if (kind, caption) == (a.kind, a.caption):
            return
        self.draft.set_details(a.key, kind=kind, caption=caption)
        self._after_step([a.key])

    def open_item(self, item: QListWidgetItem | None) -> None:
        if item is None or self.data_dir is None:
            return
        a = next((i for i in self.draft.items if i.key == item.data(_ID_ROLE)), None)
        if a is None:
            return
        if a.is_link:
            QDesktopServices.openUrl(QUrl(a.url))
            return
        source = a.path(self.data_dir)
        if source is None or not source.is_file():
            QMessageBox.warning(self, "无法打开", f"附件“{a.label}”的文件缺失。")
            return
        # A read-only copy under its original name: the viewer shows a sensible title, and an
        # edit saved from Word or WPS cannot change the stored file. The extension is the
        # checked file_type, never the name's own: Windows picks the program by it, and a
        # name such as 「报告.xlsx.hta」 (from a forged package) must not start mshta.
        folder = Path(tempfile.mkdtemp(prefix="kexie-open-"))
        copy = folder / opened_copy_name(a.original_name, a.file_type)
        shutil.copyfile(source, copy)
        copy.chmod(0o444)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(copy)))

    def remove_selected(self) -> None:
        # No question: nothing is final before 确定, and Ctrl+Z / 撤销 brings it back.
        chosen = self.selected()
        if not chosen:
            return
        self.draft.remove(i.key for i in chosen)
        self._after_step([])

    def undo(self) -> None:
        """Ctrl+Z in the form (outside a text box, which keeps its own Ctrl+Z) and 撤销."""
        text = self.draft.undo()
        if text:
            self._after_step()

    def apply(self, owner_id: int) -> AppliedChanges:
        """On 确定, inside the record's transaction."""
        if self.busy:
            raise att.AttachmentError("附件还在复制中，请等添加完成后再点“确定”。")
        return self.draft.apply(self.store, owner_id)


class _CheckSignals(QObject):
    found = Signal(object)  # list[str]


class _StartupCheck(QRunnable):
    def __init__(self, store: Store, signals: _CheckSignals):
        super().__init__()
        self.store, self.signals = store, signals

    def run(self) -> None:
        try:
            reader = self.store.reopen()
        except StoreError:
            return
        try:
            # Sizes only at start: hashing every photo would read gigabytes from the disk at
            # each start. Exports, backups and restores check the hashes of what they use.
            problems = att.check_stored_files(reader, full=False)
        except StoreError:
            problems = []
        finally:
            reader.close()
        self.signals.found.emit([p.describe() for p in problems])


def check_attachments_in_background(window: QWidget, store: Store) -> None:
    """At start-up, off the GUI thread: tell the clerk of attachment files missing or changed."""
    if store.path is None:
        return
    signals = _CheckSignals(window)

    def report(problems: object) -> None:
        assert isinstance(problems, list)
        if not problems:
            return
        shown = "\n".join(problems[:15])
        more = f"\n……等共{len(problems)}个" if len(problems) > 15 else ""
        QMessageBox.warning(
            window, "有附件文件缺失或已改变",
            f"数据文件夹中有{len(problems)}个附件文件找不到或与添加时不同：\n{shown}{more}\n\n"
            "可以从备份恢复（备份旁的 attachments 文件夹中有这些文件），或在记录中重新添加。",
        )  # fmt: skip

    signals.found.connect(report)
    QThreadPool.globalInstance().start(_StartupCheck(store, signals))


def opened_copy_name(original_name: str, file_type: str) -> str:
    """The temporary copy's name: the original's stem (without folders) and file_type."""
    stem = Path(original_name.replace("\\", "/")).stem.strip(" .") or "附件"
    return f"{stem}.{file_type}"
