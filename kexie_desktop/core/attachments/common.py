"""What every part of the attachments package shares: the kinds of evidence, the file types
accepted and the size limit, the records handed to callers (Attachment and the results of
attaching and checking), and where a stored file lives and how its name is checked.

Files are stored under ``DIR/attachments/<first two hex digits>/<sha256>.<type>``: named by their
content (see the package's opening). Kept apart from the checks, images, rows and backups so
that each of those imports it without importing the others.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from kexie_desktop.core.store import StoreError

KINDS = ("照片", "签到表", "通知/方案", "新闻报道", "总结", "证书", "其他")
LINK_KIND = "新闻报道"
OWNER_TABLES = {"activities": "activity_id", "awards": "award_id"}
ATTACHMENTS_FOLDER = "attachments"
THUMBNAIL_FOLDER = Path("cache") / "thumbnails"
MAX_FILE_BYTES = 100 * 1024 * 1024

_CHUNK = 1 << 20

# Extension → (file_type, what the clerk calls it).
_TYPES: dict[str, tuple[str, str]] = {
    ".jpg": ("jpg", "JPEG 图片"),
    ".jpeg": ("jpg", "JPEG 图片"),
    ".jpe": ("jpg", "JPEG 图片"),
    ".png": ("png", "PNG 图片"),
    ".pdf": ("pdf", "PDF 文件"),
    ".docx": ("docx", "Word 文档"),
    ".xlsx": ("xlsx", "Excel 工作簿"),
    ".doc": ("doc", "Word 97-2003 文档"),
    ".xls": ("xls", "Excel 97-2003 工作簿"),
    ".txt": ("txt", "纯文本文件"),
}
IMAGE_TYPES = frozenset({"jpg", "png"})
FILE_TYPES = frozenset(file_type for file_type, _what in _TYPES.values())
ACCEPTED_TEXT = "照片（JPEG、PNG）、PDF、Word（.docx/.doc）、Excel（.xlsx/.xls）和纯文本（.txt）"
FILE_DIALOG_FILTER = (
    "可添加的附件 (*.jpg *.jpeg *.png *.pdf *.docx *.xlsx *.doc *.xls *.txt);;"
    "照片 (*.jpg *.jpeg *.png);;所有文件 (*)"
)


class AttachmentError(StoreError):
    """A file cannot be attached or used; the message is Chinese and names the file."""


@dataclass(frozen=True)
class CheckedFile:
    path: Path
    file_type: str
    size: int

    @property
    def is_image(self) -> bool:
        return self.file_type in IMAGE_TYPES


@dataclass(frozen=True)
class Attachment:
    id: int
    uuid: str
    owner_table: str
    owner_id: int
    kind: str
    caption: str
    original_name: str
    sha256: str | None
    file_type: str
    size: int | None
    url: str
    link_title: str
    link_date: str | None
    position: int
    created_at: str

    @property
    def is_link(self) -> bool:
        return self.sha256 is None

    @property
    def is_image(self) -> bool:
        return self.file_type in IMAGE_TYPES

    @property
    def label(self) -> str:
        """How the clerk recognises it in a list or a message."""
        if self.is_link:
            return self.link_title or self.url
        return self.caption or self.original_name

    def path(self, data_dir: Path) -> Path | None:
        if self.sha256 is None:
            return None
        return stored_path(data_dir, self.sha256, self.file_type)


@dataclass
class AttachResult:
    added: list[Attachment] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (file name, why)

    def summary(self) -> str:
        text = f"已添加{len(self.added)}个附件。"
        if self.refused:
            text += f"有{len(self.refused)}个文件没有添加："
            text += "；".join(why for _name, why in self.refused)
        return text


@dataclass(frozen=True)
class FileProblem:
    attachment: Attachment
    owner_label: str
    problem: str  # 缺失 or 已改变

    def describe(self) -> str:
        return f"{self.owner_label}的附件“{self.attachment.label}”{self.problem}"


def stored_path(data_dir: Path, sha256: str, file_type: str) -> Path:
    return Path(data_dir) / ATTACHMENTS_FOLDER / sha256[:2] / f"{sha256}.{file_type}"


def thumbnail_path(data_dir: Path, sha256: str) -> Path:
    return Path(data_dir) / THUMBNAIL_FOLDER / sha256[:2] / f"{sha256}.jpg"


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
