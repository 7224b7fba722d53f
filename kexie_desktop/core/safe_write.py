"""Writing an export so that the file under its final name is either whole or absent.

The file is written to a temporary name in the same folder (so the final rename stays on the
same drive and is atomic), flushed to the device, checked, renamed, and read back. A pulled USB
stick, a full or read-only drive, or any error leaves no file under the final name, and the
message says in Chinese what happened.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import threading
import uuid
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO


class ExportError(Exception):
    """The export could not be written; the message is Chinese and shown to the clerk."""


# The temporary names this program writes beside a target (exports, backups, a restore being
# prepared), with the journal SQLite may keep beside one: ".<name>.<8 hex digits>.part".
_PART_NAME = re.compile(r"^\..+\.[0-9a-f]{8}\.part(-journal|-wal|-shm)?$")
# Temporary files this process is writing right now: never taken for leftovers.
_ACTIVE: set[Path] = set()
_ACTIVE_LOCK = threading.Lock()


def temporary_name(target: Path) -> Path:
    """A fresh temporary name beside `target`, reserved until release_temporary()."""
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.part")
    with _ACTIVE_LOCK:
        _ACTIVE.add(temporary)
    return temporary


def release_temporary(temporary: Path) -> None:
    with _ACTIVE_LOCK:
        _ACTIVE.discard(temporary)


def remove_leftover_parts(folder: Path) -> list[Path]:
    """Delete the temporary files a killed program or a pulled stick left in `folder`.

    Only names of this program's pattern, and none this process is still writing.
    """
    removed: list[Path] = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    with _ACTIVE_LOCK:
        active = {str(p) for p in _ACTIVE}
    for path in entries:
        if not _PART_NAME.match(path.name):
            continue
        owner = re.sub(r"(-journal|-wal|-shm)$", "", str(path))
        if owner in active:
            continue
        try:
            if path.is_file() and not path.is_symlink():
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    return removed


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_zip(path: Path, required: Iterable[str]) -> None:
    """An Office file is a zip: every member must read back with a good checksum."""
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ExportError(f"写出的文件读回检查未通过（文件不完整）：{exc}") from exc
    if bad is not None:
        raise ExportError(f"写出的文件读回检查未通过：其中的 {bad} 已损坏")
    missing = [name for name in required if name not in names]
    if missing:
        raise ExportError(f"写出的文件读回检查未通过：缺少 {'、'.join(missing)}")


def explain_os_error(exc: OSError, target: Path) -> str:
    code = exc.errno
    if exc.filename and not _inside(Path(exc.filename), target.parent):
        # Not the stick: a file the program reads while writing (a Word template) is missing.
        return (
            f"程序自己的文件缺失或损坏（{exc.filename}），“{target.name}”没有写出。"
            "请重新安装科协工作台。"
        )
    if code == errno.ENOSPC:
        return (
            f"“{target.parent}”所在的磁盘或U盘空间已满，文件没有写入。"
            "请清理空间或换一个位置后重试。"
        )
    if code == errno.EFBIG:
        return (
            f"“{target.name}”超过了“{target.parent}”所在磁盘或U盘允许的单个文件大小"
            "（FAT32格式的U盘单个文件不能超过4GB），文件没有写入。请换一个位置后重试。"
        )
    if code in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"无法写入“{target.parent}”：该位置是只读的或没有写入权限（U盘是否打开了写保护？）。"
    if code in (errno.ENOENT, errno.ENODEV, errno.EIO, errno.ENXIO):
        return (
            f"写入“{target.parent}”时出错，U盘可能已被拔出或接触不良。"
            "文件没有写入，请重新插好后再试。"
        )
    return f"无法写入“{target}”：{exc.strerror or exc}"


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


def write_safely(
    target: Path,
    write: Callable[[BinaryIO], None],
    *,
    verify: Callable[[Path], None] | None = None,
) -> Path:
    """Write via `write(file)` to a temporary file beside `target`, then rename it into place."""
    target = Path(target)
    if not target.parent.is_dir():
        raise ExportError(f"文件夹“{target.parent}”不存在（U盘可能已被拔出）。")
    # Leftovers of earlier attempts cut short (a killed program, a pulled stick), whatever
    # they were exporting.
    remove_leftover_parts(target.parent)
    temporary = temporary_name(target)
    try:
        with temporary.open("wb") as raw:
            write(raw)
            raw.flush()
            os.fsync(raw.fileno())
        if verify is not None:
            verify(temporary)
        expected = _file_hash(temporary)
        os.replace(temporary, target)
        _sync_folder(target.parent)
        if _file_hash(target) != expected:
            target.unlink(missing_ok=True)
            raise ExportError(
                "写出的文件读回后与写入的内容不一致，已删除。请换一个U盘或位置后重试。"
            )
    except OSError as exc:
        _remove_quietly(temporary)
        raise ExportError(explain_os_error(exc, target)) from exc
    except BaseException:
        _remove_quietly(temporary)
        raise
    finally:
        release_temporary(temporary)
    return target


def _remove_quietly(path: Path) -> None:
    # If the drive is gone the temporary file went with it; nothing is under the final name.
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    # The rename itself must reach the stick before the clerk is told it is safe to pull it.
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems (vfat on some kernels) refuse fsync on a folder
    finally:
        os.close(fd)
