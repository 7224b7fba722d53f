"""The 台账's evidence: photos, scans, documents and news links attached to activities and awards.

Files are copied into ``DIR/attachments/<first two hex digits>/<sha256>.<type>``: named by their
content, so the same photo attached to two activities (or twice) is stored once, and a file can be
checked against its name at any time (start-up self-check, restore). The original on the stick may
be removed after attaching. The rows live in the ``attachments`` table (0012_evidence_attachments);
this module is the store's part for them: it writes them through the store's transaction and change
log (store.change_log) like the store's own parts in core/store/ do.

Every file from outside is untrusted: its type comes from its extension *and* its first bytes
(a JPEG named .docx, or an .exe named .jpg, is refused with a Chinese message), it is read in
1 MB pieces (bounded memory, ≤ 100 MB), and images are only ever opened through Pillow with a
pixel limit, JPEGs in draft mode (decoded at 1/2–1/8 scale straight from the DCT data), so a
12-megapixel photo costs a few MB and a decompression bomb is refused before it is decoded.

A stored file is deleted only when no row refers to it — neither an attachment nor an entry of
the 回收站 (a removed attachment, or an activity/award deleted with its attachments).

Thumbnails are derived data: ``DIR/cache/thumbnails/``, remade when missing, never backed up.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import uuid as uuid_module
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kexie_desktop.core.store import StoreError, now_iso

if TYPE_CHECKING:
    from PIL import Image as PILImage

    from kexie_desktop.core.store import Store

KINDS = ("照片", "签到表", "通知/方案", "新闻报道", "总结", "证书", "其他")
LINK_KIND = "新闻报道"
OWNER_TABLES = {"activities": "activity_id", "awards": "award_id"}
ATTACHMENTS_FOLDER = "attachments"
THUMBNAIL_FOLDER = Path("cache") / "thumbnails"
THUMBNAIL_SIZE = 256
MAX_FILE_BYTES = 100 * 1024 * 1024
# Pixels an image may have. A 108-megapixel phone photo is 12000×9000; anything far beyond is a
# bomb (a few KB of PNG can claim gigapixels). JPEGs are decoded in draft mode and never need
# their full size in memory; a PNG is decoded whole (4 bytes a pixel: 60 M → 240 MB at most).
MAX_JPEG_PIXELS = 120_000_000
MAX_PNG_PIXELS = 60_000_000
# What the 图文台账 prints: long side about 1600 px is 300 dpi over 135 mm, JPEG quality 85.
PRINT_LONG_SIDE = 1600
PRINT_QUALITY = 85
# The required evidence the 缺少照片/签到表 filter looks for, unless the clerk chose otherwise.
REQUIRED_KINDS_SETTING = "evidence.required_kinds"
DEFAULT_REQUIRED_KINDS = ("照片", "签到表")

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
_EXECUTABLE_SUFFIXES = frozenset(
    [
        ".exe",
        ".com",
        ".bat",
        ".cmd",
        ".scr",
        ".pif",
        ".msi",
        ".msp",
        ".dll",
        ".cpl",
        ".js",
        ".jse",
        ".vbs",
        ".vbe",
        ".wsf",
        ".wsh",
        ".ps1",
        ".psm1",
        ".hta",
        ".lnk",
        ".jar",
        ".sh",
        ".run",
        ".bin",
        ".appimage",
        ".deb",
        ".rpm",
        ".apk",
        ".reg",
        ".docm",
        ".xlsm",
        ".dotm",
        ".xltm",
    ]
)
_EXECUTABLE_MAGIC = (
    (b"MZ", "Windows 可执行程序"),
    (b"\x7fELF", "Linux 可执行程序"),
    (b"\xcf\xfa\xed\xfe", "苹果可执行程序"),
    (b"\xce\xfa\xed\xfe", "苹果可执行程序"),
    (b"\xca\xfe\xba\xbe", "可执行程序"),
    (b"#!", "脚本程序"),
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_MAX_ZIP_ENTRIES = 20_000


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


# -- the file store ------------------------------------------------------------------------


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


def check_file(path: Path) -> CheckedFile:
    """The file's type, after checking it is a kind we accept and its content matches its name.

    Raises AttachmentError with a Chinese message naming the file; reads a few KB at most (and a
    zip's directory, or an image's header)."""
    path = Path(path)
    name = path.name
    suffix = path.suffix.lower()
    try:
        if not path.is_file():
            raise AttachmentError(f"“{name}”不是文件（可能是文件夹或已被移走），没有添加。")
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(8192)
    except OSError as exc:
        raise AttachmentError(f"无法读取“{name}”：{exc.strerror or exc}") from exc
    for magic, what in _EXECUTABLE_MAGIC:
        if head.startswith(magic):
            raise AttachmentError(
                f"“{name}”实际上是{what}，不能作为附件（可能是伪装成文档的病毒），没有添加。"
            )
    if suffix in _EXECUTABLE_SUFFIXES:
        raise AttachmentError(
            f"“{name}”是程序或含宏的文件，不能作为附件，没有添加。"
            "含宏的 Word/Excel 文件请另存为 .docx/.xlsx 后再添加。"
        )
    if suffix in (".heic", ".heif"):
        raise AttachmentError(
            f"“{name}”是 HEIC 格式的照片（苹果手机默认格式），本程序暂不能读取。"
            "请在手机“设置 → 相机 → 格式”中选择“兼容性最佳”，或先转换为 JPEG 再添加。"
        )
    if suffix not in _TYPES:
        shown = suffix or "（无扩展名）"
        raise AttachmentError(f"“{name}”的类型 {shown} 不能作为附件。可以添加：{ACCEPTED_TEXT}。")
    file_type, what = _TYPES[suffix]
    if size == 0:
        raise AttachmentError(f"“{name}”是空文件（0字节），没有添加。")
    if size > MAX_FILE_BYTES:
        raise AttachmentError(
            f"“{name}”有 {size / 2**20:.0f} MB，超过了单个附件 100 MB 的上限，没有添加。"
            "照片可以先用手机或电脑压缩；视频请另行保存。"
        )
    mismatch = AttachmentError(
        f"“{name}”的内容不是{what}（扩展名与内容不符，文件可能已损坏或被改名），没有添加。"
    )
    if file_type == "jpg" and not head.startswith(b"\xff\xd8\xff"):
        raise mismatch
    if file_type == "png" and not head.startswith(b"\x89PNG\r\n\x1a\n"):
        raise mismatch
    if file_type == "pdf" and b"%PDF-" not in head[:1024]:
        raise mismatch
    if file_type in ("doc", "xls") and not head.startswith(_OLE2):
        raise mismatch
    if file_type in ("docx", "xlsx"):
        if not head.startswith(_ZIP):
            raise mismatch
        _check_office_zip(path, file_type, mismatch)
    if file_type == "txt" and b"\x00" in head:
        raise mismatch
    if file_type in IMAGE_TYPES:
        _check_image(path, file_type, mismatch)
    return CheckedFile(path, file_type, size)


def _check_office_zip(path: Path, file_type: str, mismatch: AttachmentError) -> None:
    main_part = "word/document.xml" if file_type == "docx" else "xl/workbook.xml"
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > _MAX_ZIP_ENTRIES:
                raise mismatch
            names = {info.filename for info in infos}
            if "[Content_Types].xml" not in names or main_part not in names:
                raise mismatch
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                raise AttachmentError(
                    f"“{path.name}”中含有宏（可执行的代码），不能作为附件，没有添加。"
                    "请在 Word/WPS 中另存为不含宏的文档后再添加。"
                )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise mismatch from exc


def _open_image(path: Path, file_type: str, data: bytes | None = None) -> PILImage.Image:
    """The image opened (not decoded) after checking its pixel count; JPEG set to draft mode
    by the caller when it wants a smaller decode."""
    from PIL import Image

    limit = MAX_JPEG_PIXELS if file_type == "jpg" else MAX_PNG_PIXELS
    # Pillow's own guard, at our larger limit (its default warns at 89 M pixels, below what
    # some phones take); its warning is made an error like everything past the limit.
    Image.MAX_IMAGE_PIXELS = MAX_JPEG_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            source: Any = path if data is None else io.BytesIO(data)
            image = Image.open(source, formats=["JPEG" if file_type == "jpg" else "PNG"])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_large(path, "") from exc
    width, height = image.size
    if width * height > limit or width <= 0 or height <= 0:
        image.close()
        raise _too_large(path, f"（{width}×{height}）")
    return image


def _too_large(path: Path, size: str) -> AttachmentError:
    return AttachmentError(f"“{path.name}”的尺寸{size}大得不正常，可能是恶意构造的文件，没有添加。")


def _check_image(path: Path, file_type: str, mismatch: AttachmentError) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        _open_image(path, file_type).close()
    except AttachmentError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning,
            OSError, ValueError, SyntaxError) as exc:  # fmt: skip
        raise mismatch from exc


def _copy_into_store(data_dir: Path, checked: CheckedFile) -> tuple[str, int]:
    """Copy the file into the store (hashing on the way), unless its content is there already.

    The copy is flushed to disk before the row that names it is committed."""
    folder = Path(data_dir) / ATTACHMENTS_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".incoming-{uuid_module.uuid4().hex}.part"
    digest = hashlib.sha256()
    size = 0
    try:
        with checked.path.open("rb") as source, temporary.open("xb") as target:
            while chunk := source.read(_CHUNK):
                size += len(chunk)
                if size > MAX_FILE_BYTES:
                    raise AttachmentError(
                        f"“{checked.path.name}”超过了单个附件 100 MB 的上限，没有添加。"
                    )
                digest.update(chunk)
                target.write(chunk)
            target.flush()
            os.fsync(target.fileno())
        sha = digest.hexdigest()
        final = stored_path(data_dir, sha, checked.file_type)
        if final.is_file() and final.stat().st_size == size:
            temporary.unlink()
        else:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temporary, final)
            with contextlib.suppress(OSError):
                final.chmod(0o444)  # the stored copy is never edited in place
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        if Path(str(exc.filename or "")) == checked.path:
            raise AttachmentError(f"无法读取“{checked.path.name}”：{exc.strerror or exc}") from exc
        raise AttachmentError(
            f"无法把“{checked.path.name}”保存到数据文件夹：{exc.strerror or exc}"
        ) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise
    return sha, size


# -- rows ----------------------------------------------------------------------------------


def _data_dir(store: Store) -> Path:
    folder = store.data_folder
    if folder is None:
        raise AttachmentError("内存数据库不能保存附件。")
    return folder


def _owner_label(store: Store, table: str, owner_id: int) -> str:
    column = "title" if table == "activities" else "name"
    row = store.conn.execute(f"SELECT {column} FROM {table} WHERE id = ?", [owner_id]).fetchone()
    if row is None:
        kind = "活动" if table == "activities" else "奖项"
        raise AttachmentError(f"找不到这条{kind}记录（编号{owner_id}，可能已被删除）。")
    return str(row[0])


_SELECT = """SELECT id, uuid, CASE WHEN activity_id IS NOT NULL THEN 'activities' ELSE 'awards'
    END, COALESCE(activity_id, award_id), kind, caption, original_name, sha256, file_type, size,
    url, link_title, link_date, position, created_at FROM attachments"""


def _from_row(row: Sequence[Any]) -> Attachment:
    return Attachment(*row)


def _row_dict(store: Store, attachment_id: int) -> dict[str, Any] | None:
    cursor = store.conn.execute("SELECT * FROM attachments WHERE id = ?", [attachment_id])
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cursor.description], row, strict=True))


def rows_of_owner(store: Store, table: str, owner_id: int) -> list[dict[str, Any]]:
    """The owner's attachment rows as stored, for the 回收站 entry of a deleted record."""
    cursor = store.conn.execute(
        f"SELECT * FROM attachments WHERE {OWNER_TABLES[table]} = ? ORDER BY position, id",
        [owner_id],
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def list_attachments(store: Store, table: str, owner_id: int) -> list[Attachment]:
    rows = store.conn.execute(
        f"{_SELECT} WHERE {OWNER_TABLES[table]} = ? ORDER BY position, id", [owner_id]
    )
    return [_from_row(r) for r in rows]


def get_attachment(store: Store, attachment_id: int) -> Attachment:
    row = store.conn.execute(f"{_SELECT} WHERE id = ?", [attachment_id]).fetchone()
    if row is None:
        raise AttachmentError("这个附件已不存在（可能已被移除）。")
    return _from_row(row)


def counts(store: Store, table: str, owner_ids: Sequence[int]) -> dict[int, int]:
    """Attachments (files and links) per record, for the paper-clip column."""
    column = OWNER_TABLES[table]
    result: dict[int, int] = {}
    ids = list(owner_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        rows = store.conn.execute(
            f"SELECT {column}, count(*) FROM attachments WHERE {column} IN ({marks}) "
            f"GROUP BY {column}",
            chunk,
        )
        result.update({int(r[0]): int(r[1]) for r in rows})
    return result


def default_kind(table: str, file_type: str) -> str:
    if file_type in IMAGE_TYPES:
        return "证书" if table == "awards" else "照片"
    return "其他"


def attach_files(
    store: Store,
    table: str,
    owner_id: int,
    paths: Iterable[Path],
    *,
    kind: str | None = None,
    caption: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> AttachResult:
    """Copy each acceptable file into the store and attach it; refuse the others with a reason.

    Each added file is one audit entry; all rows commit together after their files are on disk.
    """
    if table not in OWNER_TABLES:
        raise ValueError(table)
    if kind is not None and kind not in KINDS:
        raise AttachmentError(f"附件类别“{kind}”不对，应为{'、'.join(KINDS)}之一。")
    data_dir = _data_dir(store)
    owner = _owner_label(store, table, owner_id)
    paths = [Path(p) for p in paths]
    result = AttachResult()
    stored: list[tuple[CheckedFile, str, int]] = []
    for n, path in enumerate(paths):
        try:
            checked = check_file(path)
            sha, size = _copy_into_store(data_dir, checked)
            stored.append((checked, sha, size))
        except AttachmentError as exc:
            result.refused.append((path.name, str(exc)))
        if progress:
            progress(n + 1, len(paths))
    if not stored:
        return result
    column = OWNER_TABLES[table]
    with store.transaction():
        position = store.conn.execute(
            f"SELECT COALESCE(max(position), -1) + 1 FROM attachments WHERE {column} = ?",
            [owner_id],
        ).fetchone()[0]
        for checked, sha, size in stored:
            stamp = now_iso()
            cursor = store.db.execute(
                f"INSERT INTO attachments (uuid, created_at, updated_at, {column}, kind, "
                "caption, original_name, sha256, file_type, size, position) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [str(uuid_module.uuid4()), stamp, stamp, owner_id,
                 kind or default_kind(table, checked.file_type), caption.strip(),
                 checked.path.name, sha, checked.file_type, size, position],
            )  # fmt: skip
            position += 1
            assert cursor.lastrowid is not None
            _audit(store, "attach", cursor.lastrowid, owner, before=None)
            result.added.append(get_attachment(store, cursor.lastrowid))
    return result


def check_link(url: str, title: str = "", date: str | None = None) -> tuple[str, str, str | None]:
    """A link's address, title and date as stored; AttachmentError saying what is wrong."""
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")) or any(c.isspace() for c in url):
        raise AttachmentError(f"“{url}”不是网址，网址应以 http:// 或 https:// 开头。")
    if len(url) > 2000:
        raise AttachmentError("网址太长（超过2000个字符），请检查是否粘贴了多余的内容。")
    if date:
        try:
            date = dt.date.fromisoformat(date.strip()).isoformat()
        except ValueError:
            raise AttachmentError(f"日期“{date}”应写成 年-月-日，如 2025-09-20。") from None
    return url, title.strip(), date or None


def add_link(
    store: Store, table: str, owner_id: int, url: str, *, title: str = "",
    date: str | None = None, kind: str = LINK_KIND, caption: str = "",
) -> Attachment:  # fmt: skip
    """A news report (or any page) by its address: stored as text, never fetched."""
    url, title, date = check_link(url, title, date)
    if kind not in KINDS:
        raise AttachmentError(f"附件类别“{kind}”不对，应为{'、'.join(KINDS)}之一。")
    owner = _owner_label(store, table, owner_id)
    column = OWNER_TABLES[table]
    with store.transaction():
        position = store.conn.execute(
            f"SELECT COALESCE(max(position), -1) + 1 FROM attachments WHERE {column} = ?",
            [owner_id],
        ).fetchone()[0]
        stamp = now_iso()
        cursor = store.db.execute(
            f"INSERT INTO attachments (uuid, created_at, updated_at, {column}, kind, caption, "
            "url, link_title, link_date, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [str(uuid_module.uuid4()), stamp, stamp, owner_id, kind, caption.strip(), url,
             title, date, position],
        )  # fmt: skip
        assert cursor.lastrowid is not None
        _audit(store, "attach", cursor.lastrowid, owner, before=None)
    return get_attachment(store, cursor.lastrowid)


def update_attachment(
    store: Store, attachment_id: int, *, kind: str | None = None, caption: str | None = None
) -> Attachment:
    before = _row_dict(store, attachment_id)
    if before is None:
        raise AttachmentError("这个附件已不存在（可能已被移除）。")
    if kind is not None and kind not in KINDS:
        raise AttachmentError(f"附件类别“{kind}”不对，应为{'、'.join(KINDS)}之一。")
    new_kind = before["kind"] if kind is None else kind
    new_caption = before["caption"] if caption is None else caption.strip()
    if (new_kind, new_caption) == (before["kind"], before["caption"]):
        return get_attachment(store, attachment_id)
    current = get_attachment(store, attachment_id)
    owner = _owner_label(store, current.owner_table, current.owner_id)
    with store.transaction():
        store.db.execute(
            "UPDATE attachments SET kind = ?, caption = ?, updated_at = ? WHERE id = ?",
            [new_kind, new_caption, now_iso(), attachment_id],
        )
        _audit(store, "update", attachment_id, owner, before=before)
    return get_attachment(store, attachment_id)


def remove_attachments(store: Store, attachment_ids: Iterable[int]) -> list[int]:
    """Move attachments to the 回收站 (their files stay in the store); returns the entries."""
    entries: list[int] = []
    with store.transaction():
        for attachment_id in list(attachment_ids):
            row = _row_dict(store, attachment_id)
            if row is None:
                continue
            attachment = get_attachment(store, attachment_id)
            owner = _owner_label(store, attachment.owner_table, attachment.owner_id)
            label = f"{owner}的附件“{attachment.label}”"
            record_id = row.pop("id")
            cursor = store.db.execute(
                "INSERT INTO recycle_bin (deleted_at, table_name, record_id, label, row_json, "
                "links_json) VALUES (?, 'attachments', ?, ?, ?, '{}')",
                [now_iso(), record_id, label, json.dumps(row, ensure_ascii=False)],
            )
            assert cursor.lastrowid is not None
            entries.append(cursor.lastrowid)
            store.db.execute("DELETE FROM attachments WHERE id = ?", [attachment_id])
            store.change_log.add("delete", None, row, table="attachments", record_id=record_id,
                                 label=label)  # fmt: skip
    return entries


def restore_rows(store: Store, record_id: int | None, rows: Sequence[dict[str, Any]]) -> None:
    """Inside the store's transaction: put attachment rows back (from the 回收站).

    `record_id` set: the rows of that deleted activity/award, which has just been put back."""
    for row in rows:
        row = dict(row)
        attachment_id = row.pop("id", record_id)
        owner_table = "activities" if row.get("activity_id") is not None else "awards"
        owner_id = row.get("activity_id") or row.get("award_id")
        exists = store.conn.execute(
            f"SELECT 1 FROM {owner_table} WHERE id = ?", [owner_id]
        ).fetchone()
        if exists is None:
            kind = "活动" if owner_table == "activities" else "奖项"
            raise StoreError(f"附件所属的{kind}已被删除，请先从回收站恢复那条{kind}记录。")
        cols = ", ".join(row)
        store.db.execute(
            f"INSERT INTO attachments (id, {cols}) VALUES (?, {', '.join('?' for _ in row)})",
            [attachment_id, *row.values()],
        )


def restore_attachment_entry(store: Store, record_id: int, row: dict[str, Any]) -> None:
    """Inside the store's transaction: a removed attachment back from the 回收站."""
    restore_rows(store, None, [{"id": record_id, **row}])
    attachment = get_attachment(store, record_id)
    owner = _owner_label(store, attachment.owner_table, attachment.owner_id)
    _audit(store, "restore", record_id, owner, before=None)


def _audit(store: Store, action: str, attachment_id: int, owner: str, *,
           before: dict[str, Any] | None) -> None:  # fmt: skip
    after = _row_dict(store, attachment_id)
    label = ""
    if after is not None:
        name = after["link_title"] or after["url"] or after["caption"] or after["original_name"]
        label = f"{owner}的附件“{name}”"
    store.db.execute(
        "INSERT INTO audit_log (at, action, table_name, record_id, label, before_json, "
        "after_json) VALUES (?, ?, 'attachments', ?, ?, ?, ?)",
        [now_iso(), action, attachment_id, label,
         None if before is None else json.dumps(before, ensure_ascii=False),
         None if after is None else json.dumps(after, ensure_ascii=False)],
    )  # fmt: skip


# -- what refers to stored files -----------------------------------------------------------


# The tables whose rows name stored files: the own attachments, and those received in
# subordinates' packages (0013_package_sub_attachments; kept for every block held, active or
# replaced, since undoing the newer package brings the older one back).
_FILE_TABLES = ("attachments", "sub_attachments")


def _files_in_tables(conn: Any, tables: set[str] | None = None) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for table in _FILE_TABLES:
        if tables is not None and table not in tables:
            continue
        found |= {
            (str(r[0]), str(r[1]))
            for r in conn.execute(
                f"SELECT DISTINCT sha256, file_type FROM {table} WHERE sha256 IS NOT NULL"
            )
            if _valid_name(r[0], r[1])
        }
    return found


def stored_sizes(conn: Any) -> dict[str, int]:
    """sha256 → size of every file the attachment tables name."""
    sizes: dict[str, int] = {}
    for table in _FILE_TABLES:
        for sha, size in conn.execute(
            f"SELECT sha256, max(size) FROM {table} WHERE sha256 IS NOT NULL GROUP BY sha256"
        ):
            sizes.setdefault(sha, size)
    return sizes


def referenced_files(conn: Any) -> set[tuple[str, str]]:
    """(sha256, file_type) of every file an attachment (own or received from a subordinate) or
    a 回收站 entry refers to."""
    return _files_in_tables(conn) | _files_in_bin(conn)


def _files_in_bin(conn: Any) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    rows = conn.execute(
        "SELECT table_name, row_json FROM recycle_bin "
        "WHERE table_name IN ('attachments', 'activities', 'awards')"
    )
    for table, row_json in rows:
        try:
            row = json.loads(row_json)
        except (TypeError, ValueError):
            continue
        if not isinstance(row, dict):
            continue
        items = [row] if table == "attachments" else row.get("attachments") or []
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            sha, file_type = item.get("sha256"), item.get("file_type")
            if _valid_name(sha, file_type):
                found.add((str(sha), str(file_type)))
    return found


def _valid_name(sha: object, file_type: object) -> bool:
    return (
        isinstance(sha, str)
        and len(sha) == 64
        and all(c in "0123456789abcdef" for c in sha)
        and file_type in {t for t, _ in _TYPES.values()}
    )


def stored_files(data_dir: Path) -> Iterator[tuple[str, str, Path]]:
    """(sha256, file_type, path) of every file in the store."""
    root = Path(data_dir) / ATTACHMENTS_FOLDER
    if not root.is_dir():
        return
    for folder in sorted(root.iterdir()):
        if not folder.is_dir() or len(folder.name) != 2:
            continue
        for path in sorted(folder.iterdir()):
            sha, _, file_type = path.name.partition(".")
            if _valid_name(sha, file_type):
                yield sha, file_type, path


def collect_garbage(store: Store) -> int:
    """Delete stored files (and their thumbnails) that nothing refers to any more: no
    attachment, no 回收站 entry, and no database copy in DIR/backups/."""
    data_dir = _data_dir(store)
    keep = referenced_files(store.conn) | kept_by_backups(data_dir)
    removed = 0
    for sha, file_type, path in list(stored_files(data_dir)):
        if (sha, file_type) in keep:
            continue
        with contextlib.suppress(OSError):
            path.chmod(0o644)
            path.unlink()
            removed += 1
        with contextlib.suppress(OSError):
            thumbnail_path(data_dir, sha).unlink(missing_ok=True)
    return removed


def check_stored_files(
    store: Store, *, full: bool = True, cancelled: Callable[[], bool] | None = None
) -> list[FileProblem]:
    """Attachments whose file is missing, or changed (hash, or with `full=False` size only)."""
    data_dir = _data_dir(store)
    problems: list[FileProblem] = []
    labels: dict[tuple[str, int], str] = {}
    rows = store.conn.execute(f"{_SELECT} WHERE sha256 IS NOT NULL ORDER BY id").fetchall()
    verified: dict[str, str | None] = {}
    for row in rows:
        if cancelled and cancelled():
            break
        attachment = _from_row(row)
        assert attachment.sha256 is not None
        path = stored_path(data_dir, attachment.sha256, attachment.file_type)
        problem = verified.get(attachment.sha256, "")
        if problem == "":
            problem = _file_problem(path, attachment, full=full)
            verified[attachment.sha256] = problem
        if problem:
            key = (attachment.owner_table, attachment.owner_id)
            if key not in labels:
                kind = "活动" if key[0] == "activities" else "奖项"
                labels[key] = f"{kind}“{_owner_label(store, *key)}”"
            problems.append(FileProblem(attachment, labels[key], problem))
    return problems


def _file_problem(path: Path, attachment: Attachment, *, full: bool) -> str | None:
    try:
        size = path.stat().st_size
    except OSError:
        return "缺失"
    if size != attachment.size:
        return "已改变"
    if full and file_hash(path) != attachment.sha256:
        return "已改变"
    return None


# -- the summary's photos ------------------------------------------------------------------


def set_summary_photo(store: Store, attachment_id: int, chosen: bool) -> None:
    """Print this photo under its 重点 activity in the year's summary (at most one each)."""
    a = get_attachment(store, attachment_id)
    if chosen and (a.owner_table != "activities" or not a.is_image):
        raise AttachmentError("只有活动的照片（JPEG、PNG）可以印在年度总结中。")
    owner = _owner_label(store, a.owner_table, a.owner_id)
    with store.transaction():
        rows = store.conn.execute(
            "SELECT id FROM attachments WHERE activity_id = ? AND in_summary = 1", [a.owner_id]
        ).fetchall()
        changed = {int(r[0]) for r in rows if chosen and int(r[0]) != a.id}
        if not chosen and any(int(r[0]) == a.id for r in rows):
            changed.add(a.id)
        if chosen and a.id not in {int(r[0]) for r in rows}:
            changed.add(a.id)
        for attachment_id_ in sorted(changed):
            before = _row_dict(store, attachment_id_)
            store.db.execute(
                "UPDATE attachments SET in_summary = ?, updated_at = ? WHERE id = ?",
                [int(attachment_id_ == a.id and chosen), now_iso(), attachment_id_],
            )
            _audit(store, "update", attachment_id_, owner, before=before)


def summary_photos(store: Store, year: int) -> dict[int, Attachment]:
    """Activity id → the photo chosen for the summary, for the year's 重点 activities."""
    rows = store.conn.execute(
        f"""{_SELECT} WHERE in_summary = 1 AND activity_id IN (
            SELECT id FROM activities WHERE highlight = 1
            AND start_date >= ? AND start_date < ?)""",
        [f"{year:04d}-01-01", f"{year + 1:04d}-01-01"],
    )
    return {a.owner_id: a for a in map(_from_row, rows)}


def in_summary(store: Store, attachment_id: int) -> bool:
    row = store.conn.execute(
        "SELECT in_summary FROM attachments WHERE id = ?", [attachment_id]
    ).fetchone()
    return bool(row and row[0])


# -- missing evidence ----------------------------------------------------------------------


def required_kinds(store: Store) -> tuple[str, ...]:
    value = store.settings.get(REQUIRED_KINDS_SETTING)
    if value is None:
        return DEFAULT_REQUIRED_KINDS
    return tuple(k for k in value.split("、") if k in KINDS)


def set_required_kinds(store: Store, kinds: Sequence[str]) -> None:
    store.settings.set(REQUIRED_KINDS_SETTING, "、".join(k for k in KINDS if k in kinds))


def missing_evidence_sql(kinds: Sequence[str]) -> tuple[str, list[object]]:
    """A condition on activities `a`: lacking an attachment of one of the required kinds."""
    if not kinds:
        return "0", []
    parts = " OR ".join(
        "NOT EXISTS (SELECT 1 FROM attachments x WHERE x.activity_id = a.id AND x.kind = ?)"
        for _ in kinds
    )
    return f"({parts})", list(kinds)


def activities_missing_evidence(store: Store, year: int | None = None) -> list[int]:
    condition, params = missing_evidence_sql(required_kinds(store))
    where, extra = "1", []
    if year is not None:
        where = "a.start_date >= ? AND a.start_date < ?"
        extra = [f"{year:04d}-01-01", f"{year + 1:04d}-01-01"]
    rows = store.conn.execute(
        f"SELECT a.id FROM activities a WHERE {where} AND {condition} ORDER BY a.start_date, a.id",
        [*extra, *params],
    )
    return [int(r[0]) for r in rows]


# -- images --------------------------------------------------------------------------------


def _oriented(image: PILImage.Image) -> PILImage.Image:
    """Phone photos are stored sideways with an EXIF note on how to turn them."""
    from PIL import ImageOps

    return ImageOps.exif_transpose(image) or image


def _flatten(image: PILImage.Image) -> PILImage.Image:
    from PIL import Image

    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB") if image.mode != "RGB" else image


def scaled_jpeg(path: Path, file_type: str, long_side: int, quality: int) -> bytes:
    """The image turned upright, scaled so its long side is at most `long_side`, as JPEG bytes.

    Metadata (EXIF with the GPS position, the camera) is not carried over."""
    return _scaled(path, file_type, long_side, quality, None)


def scaled_jpeg_from_bytes(data: bytes, file_type: str, long_side: int, quality: int) -> bytes:
    """As scaled_jpeg, for a file already read (and checked against its hash)."""
    return _scaled(Path("照片"), file_type, long_side, quality, data)


def _scaled(path: Path, file_type: str, long_side: int, quality: int,
            data: bytes | None) -> bytes:  # fmt: skip
    from PIL import Image

    with _open_image(path, file_type, data) as image:
        width, height = image.size
        scale = min(1.0, long_side / max(width, height))
        if file_type == "jpg":
            # Decode at the smallest DCT scale (1/2, 1/4, 1/8) still at least the size needed:
            # a 12-megapixel photo for 1600 px is decoded at 2000×1500, for a thumbnail at 500.
            image.draft("RGB", (max(1, round(width * scale)), max(1, round(height * scale))))
        upright = _oriented(image)
        # Bicubic: after the draft decode the step left is at most 2:1, where it looks the same
        # as Lanczos on paper and on screen at half the time.
        upright.thumbnail((long_side, long_side), Image.Resampling.BICUBIC, reducing_gap=2.0)
        flat = _flatten(upright)
        out = io.BytesIO()
        flat.save(out, "JPEG", quality=quality)
    return out.getvalue()


def make_thumbnail(data_dir: Path, sha256: str, file_type: str) -> Path | None:
    """The cached thumbnail of a stored image, made if missing; None for other files."""
    if file_type not in IMAGE_TYPES:
        return None
    target = thumbnail_path(data_dir, sha256)
    if target.is_file():
        return target
    source = stored_path(data_dir, sha256, file_type)
    try:
        data = scaled_jpeg(source, file_type, THUMBNAIL_SIZE, 80)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{uuid_module.uuid4().hex[:8]}.part")
        temporary.write_bytes(data)
        os.replace(temporary, target)
    except (OSError, AttachmentError, ValueError, SyntaxError):
        return None  # the file's problem is reported by the self-check, not here
    return target


def image_size(path: Path, file_type: str) -> tuple[int, int]:
    """Pixel size as shown (EXIF orientation applied)."""
    with _open_image(path, file_type) as image:
        width, height = image.size
        orientation = image.getexif().get(0x0112, 1)
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


__all__ = [
    "ATTACHMENTS_FOLDER",
    "KINDS",
    "AttachResult",
    "Attachment",
    "AttachmentError",
    "CheckedFile",
    "FileProblem",
    "add_link",
    "attach_files",
    "check_file",
    "check_stored_files",
    "collect_garbage",
    "counts",
    "list_attachments",
    "make_thumbnail",
    "referenced_files",
    "remove_attachments",
    "scaled_jpeg",
    "stored_path",
    "thumbnail_path",
    "update_attachment",
]


# -- backups -------------------------------------------------------------------------------
#
# A backup is the .db file plus, in the same folder, an ``attachments/`` store laid out like the
# data folder's: content-addressed, so a second backup to the same stick copies only the photos
# added since (incremental by construction), and every file is at most 100 MB — a FAT32 stick's
# 4 GiB limit per file is never reached, however many photos there are. The .db's attachments
# table is the manifest: it names each file by its SHA-256, which a restore checks.
#
# The automatic daily copies in DIR/backups/ copy no files at all: the data folder's store keeps
# every file that any .db in backups/ still refers to (collect_garbage), so a daily backup costs
# the database alone and can still be restored with its photos.


@dataclass
class FilesCopied:
    copied: int = 0
    present: int = 0
    bytes_copied: int = 0
    problems: list[str] = field(default_factory=list)

    def describe(self) -> str:
        text = f"附件文件：新复制{self.copied}个（{self.bytes_copied / 2**20:.1f} MB），"
        text += f"已有{self.present}个。"
        if self.problems:
            text += f"有{len(self.problems)}个附件文件无法备份：" + "；".join(self.problems)
        return text


def _referenced_in_file(path: Path) -> set[tuple[str, str]]:
    """Files a database file (a backup) refers to; empty if it has no attachments table."""
    import sqlite3

    uri = Path(path).resolve().as_uri() + "?mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error:
        return set()
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "attachments" not in tables:
            return set()
        found = _files_in_tables(conn, tables)
        if "recycle_bin" in tables:
            found |= _files_in_bin(conn)
        return found
    except sqlite3.Error:
        return set()
    finally:
        conn.close()


def kept_by_backups(data_dir: Path) -> set[tuple[str, str]]:
    """Files the database copies in DIR/backups/ refer to (kept so that they restore whole)."""
    from kexie_desktop.core.backup import BACKUP_FOLDER

    folder = Path(data_dir) / BACKUP_FOLDER
    found: set[tuple[str, str]] = set()
    if folder.is_dir():
        for path in folder.glob("*.db"):
            found |= _referenced_in_file(path)
    return found


def _copy_verified(source: Path, target: Path, sha256: str, size: int | None) -> int:
    """Copy a stored file, checking its content against its name on the way and the written copy
    read back; whole or absent. Returns the bytes copied; raises AttachmentError."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{uuid_module.uuid4().hex[:8]}.part")
    digest = hashlib.sha256()
    copied = 0
    limit = MAX_FILE_BYTES if size is None else min(size, MAX_FILE_BYTES)
    try:
        with source.open("rb") as src, temporary.open("xb") as dst:
            while chunk := src.read(_CHUNK):
                copied += len(chunk)
                if copied > limit:
                    raise AttachmentError("已改变")
                digest.update(chunk)
                dst.write(chunk)
            dst.flush()
            os.fsync(dst.fileno())
        if digest.hexdigest() != sha256:
            raise AttachmentError("已改变")
        if file_hash(temporary) != sha256:
            raise AttachmentError("写入后读回不一致（U盘可能有问题）")
        os.replace(temporary, target)
    except FileNotFoundError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        if not source.exists():
            raise AttachmentError("缺失") from exc
        raise
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise
    return copied


def backup_files(store: Store, target_db: Path) -> FilesCopied:
    """Copy the attachment files the database refers to beside a backup written to `target_db`
    (into its folder's attachments/), skipping those already there. OSError propagates (a full
    or pulled stick), for the caller's message."""
    data_dir = _data_dir(store)
    sizes = stored_sizes(store.conn)
    result = FilesCopied()
    folder = Path(target_db).parent
    if folder.resolve() == data_dir.resolve():
        return result  # the backup is in the data folder itself: the files are already here
    labels = _labels_by_file(store)
    for sha, file_type in sorted(referenced_files(store.conn)):
        target = stored_path(folder, sha, file_type)
        if target.is_file() and target.stat().st_size == sizes.get(sha, target.stat().st_size):
            result.present += 1
            continue
        try:
            result.bytes_copied += _copy_verified(
                stored_path(data_dir, sha, file_type), target, sha, sizes.get(sha)
            )
            result.copied += 1
        except AttachmentError as exc:
            result.problems.append(f"{labels.get(sha, sha[:12])}{exc}")
    return result


def _labels_by_file(store: Store) -> dict[str, str]:
    rows = store.conn.execute(
        "SELECT x.sha256, COALESCE(a.title, w.name, ''), x.caption, x.original_name "
        "FROM attachments x LEFT JOIN activities a ON a.id = x.activity_id "
        "LEFT JOIN awards w ON w.id = x.award_id WHERE x.sha256 IS NOT NULL"
    )
    return {sha: f"“{owner}”的附件“{caption or name}”" for sha, owner, caption, name in rows}


def files_for_restore(backup: Path, data_dir: Path) -> FilesCopied:
    """Before a restore: bring into the data folder each file the backup refers to and the data
    folder lacks, from the attachments/ folder beside the backup, checked against its hash.
    Adding files is harmless (content-addressed); a file that cannot be found or does not match
    is listed, for the clerk to be told before the restore goes ahead."""
    result = FilesCopied()
    beside = Path(backup).parent
    for sha, file_type in sorted(_referenced_in_file(Path(backup))):
        target = stored_path(data_dir, sha, file_type)
        if target.is_file():
            result.present += 1
            continue
        source = stored_path(beside, sha, file_type)
        try:
            result.bytes_copied += _copy_verified(source, target, sha, None)
            with contextlib.suppress(OSError):
                target.chmod(0o444)
            result.copied += 1
        except AttachmentError as exc:
            result.problems.append(f"{sha[:12]}….{file_type}{exc}")
        except OSError as exc:
            result.problems.append(f"{sha[:12]}….{file_type}无法复制：{exc.strerror or exc}")
    return result
