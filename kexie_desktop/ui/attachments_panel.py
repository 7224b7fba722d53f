"""The 附件 area of the activity and award forms: files and news links, with thumbnails.

Adding and removing take effect at once (and are in the change log): a removed attachment waits
in the 回收站 like a deleted record. Files are copied into the data folder on a background thread
(50 phone photos take a few seconds), thumbnails are made on Qt's thread pool and appear as they
are ready; a double-click opens a read-only copy with the system's viewer, so an edit in Word
can never change the stored original (its name is its hash).

A form for a record not yet saved keeps the chosen files and attaches them once it is saved.
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
from kexie_desktop.core.store import Store, StoreError
from kexie_desktop.ui import ask

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
    changed = Signal()

    def __init__(
        self, store: Store, table: str, owner_id: int | None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.store = store
        self.table = table
        self.owner_id = owner_id
        self.pending: list[Path] = []
        self.data_dir = store.path.parent if store.path is not None else None
        self.attachments: dict[int, att.Attachment] = {}
        self._task: object = None
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
            "可以把照片或文件拖到这里，或复制图片后按 Ctrl+V 粘贴。添加和移除立即生效，"
            "移除的附件在回收站中。"
        )
        self.hint.setWordWrap(True)
        self.hint.setObjectName("hint")

        buttons = QHBoxLayout()
        for button in (self.add_button, self.link_button, self.open_button, self.remove_button):
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

    def refresh(self) -> None:
        self.list.clear()
        self.attachments = {}
        if self.owner_id is not None:
            for a in att.list_attachments(self.store, self.table, self.owner_id):
                self.attachments[a.id] = a
                self.list.addItem(self._item(a))
        for path in self.pending:
            item = QListWidgetItem(self._file_icon(), f"{path.name}\n（保存时添加）")
            item.setToolTip(str(path))
            self.list.addItem(item)
        self.link_button.setEnabled(self.owner_id is not None)
        self._selection_changed()

    def _item(self, a: att.Attachment) -> QListWidgetItem:
        text = f"{a.kind}\n{a.label}"
        icon = self._file_icon(link=a.is_link)
        item = QListWidgetItem(icon, text)
        item.setData(_ID_ROLE, a.id)
        tip = a.url if a.is_link else f"{a.original_name}（{(a.size or 0) / 2**20:.1f} MB）"
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
        for row in range(self.list.count()):
            item = self.list.item(row)
            a = self.attachments.get(item.data(_ID_ROLE))
            if a is not None and a.sha256 == sha256:
                item.setIcon(QIcon(QPixmap(path)))

    def selected(self) -> list[att.Attachment]:
        ids = [i.data(_ID_ROLE) for i in self.list.selectedItems()]
        return [self.attachments[i] for i in ids if i in self.attachments]

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
        self.summary_box.setChecked(bool(photo and one and att.in_summary(self.store, one.id)))
        self.summary_box.blockSignals(False)
        self.summary_box.setEnabled(bool(photo))

    def _summary_toggled(self, chosen: bool) -> None:
        picked = self.selected()
        if len(picked) != 1:
            return
        try:
            att.set_summary_photo(self.store, picked[0].id, chosen)
        except StoreError as exc:
            QMessageBox.warning(self, "没有保存", str(exc))

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
        if self.owner_id is None:
            # Checked now (the clerk hears at once), attached when the record is saved.
            refused = []
            for path in paths:
                try:
                    att.check_file(path)
                    self.pending.append(path)
                except att.AttachmentError as exc:
                    refused.append(str(exc))
            self.refresh()
            if refused:
                QMessageBox.warning(self, "有文件没有添加", "\n".join(refused))
            return
        self._attach_in_background(paths)

    def _attach_in_background(self, paths: list[Path]) -> None:
        from kexie_desktop.ui.background import run_on_store

        table, owner_id = self.table, self.owner_id
        assert owner_id is not None
        self._task = run_on_store(
            self,
            self.store,
            f"正在添加{len(paths)}个文件……",
            lambda own, progress: att.attach_files(own, table, owner_id, paths, progress=progress),
            success=self._attached,
            failure=lambda exc: QMessageBox.warning(self, "附件没有添加", str(exc)),
        )

    def _attached(self, result: object) -> None:
        assert isinstance(result, att.AttachResult)
        self.refresh()
        self.changed.emit()
        if result.refused:
            QMessageBox.warning(
                self, "有文件没有添加", "\n".join(why for _name, why in result.refused)
            )

    def attach_pending(self, owner_id: int) -> att.AttachResult:
        """After the record is saved: attach the files chosen before it had an id."""
        self.owner_id = owner_id
        paths, self.pending = self.pending, []
        result = att.attach_files(self.store, self.table, owner_id, paths)
        self.refresh()
        return result

    def add_link(self) -> None:
        if self.owner_id is None:
            return
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
            att.add_link(self.store, self.table, self.owner_id, url, title=title,
                         date=date.strip() or None)  # fmt: skip
        except StoreError as exc:
            QMessageBox.warning(self, "没有添加", str(exc))
            return
        self.refresh()
        self.changed.emit()

    # -- changing, opening, removing -------------------------------------------------------

    def _save_details(self) -> None:
        chosen = self.selected()
        if len(chosen) != 1:
            return
        a = chosen[0]
        kind, caption = self.kind_combo.currentText(), self.caption_edit.text().strip()
        if (kind, caption) == (a.kind, a.caption):
            return
        try:
            updated = att.update_attachment(self.store, a.id, kind=kind, caption=caption)
        except StoreError as exc:
            QMessageBox.warning(self, "没有保存", str(exc))
            return
        self.attachments[a.id] = updated
        item = self.list.selectedItems()[0]
        item.setText(f"{updated.kind}\n{updated.label}")

    def open_item(self, item: QListWidgetItem | None) -> None:
        if item is None or self.data_dir is None:
            return
        a = self.attachments.get(item.data(_ID_ROLE))
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
        # edit saved from Word or WPS cannot change the stored file.
        folder = Path(tempfile.mkdtemp(prefix="kexie-open-"))
        name = Path(a.original_name).name or f"附件.{a.file_type}"
        copy = folder / name
        shutil.copyfile(source, copy)
        copy.chmod(0o444)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(copy)))

    def remove_selected(self) -> None:
        chosen = self.selected()
        if not chosen:
            return
        if not ask.confirm(
            self, "移除附件", f"移除所选的{len(chosen)}个附件吗？移除后可以在“回收站”中恢复。"
        ):
            return
        att.remove_attachments(self.store, [a.id for a in chosen])
        self.refresh()
        self.changed.emit()


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
