"""Checking a file from outside before it is attached: the kinds accepted, programs refused.

Every file from outside is untrusted: its type comes from its extension *and* its first bytes
(a JPEG named .docx, or an .exe named .jpg, is refused with a Chinese message), it is read in
1 MB pieces (bounded memory, ≤ 100 MB), and images are only ever opened through Pillow with a
pixel limit (images.py), so a decompression bomb is refused before it is decoded. An Office
file's zip directory is read (not its parts) to tell a document from a renamed archive and to
refuse macros.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from kexie_desktop.core.attachments.common import (
    _TYPES,
    ACCEPTED_TEXT,
    IMAGE_TYPES,
    MAX_FILE_BYTES,
    AttachmentError,
    CheckedFile,
)
from kexie_desktop.core.attachments.images import _open_image

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


def _check_image(path: Path, file_type: str, mismatch: AttachmentError) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        _open_image(path, file_type).close()
    except AttachmentError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning,
            OSError, ValueError, SyntaxError) as exc:  # fmt: skip
        raise mismatch from exc
