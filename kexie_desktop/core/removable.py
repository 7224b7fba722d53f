"""Finding a mounted USB stick, so the save dialog can open on it."""

from __future__ import annotations

import os
import re
import string
import sys
from pathlib import Path


def removable_drives() -> list[Path]:
    """Mounted removable drives, most likely first; empty if none (or it cannot be told)."""
    try:
        if sys.platform == "win32":
            return _windows_drives()
        return _linux_mounts()
    except OSError:
        return []


def _windows_drives() -> list[Path]:  # pragma: no cover - exercised on Windows only
    import ctypes

    drive_removable = 2
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    mask = kernel32.GetLogicalDrives()
    found = []
    for i, letter in enumerate(string.ascii_uppercase):
        if mask & (1 << i) and letter not in "AB":
            root = f"{letter}:\\"
            if kernel32.GetDriveTypeW(root) == drive_removable and os.path.isdir(root):
                found.append(Path(root))
    return found


def _linux_mounts(
    mounts_file: str = "/proc/mounts", sys_block: str = "/sys/class/block"
) -> list[Path]:
    """Mount points under /media or /run/media whose block device is marked removable."""
    found = []
    with open(mounts_file, encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.split()
            if len(parts) < 2 or not parts[0].startswith("/dev/"):
                continue
            device, mount_point = parts[0], _unescape(parts[1])
            if not mount_point.startswith(("/media/", "/run/media/", "/mnt/")):
                continue
            if _is_removable(device, sys_block) and os.access(mount_point, os.W_OK):
                found.append(Path(mount_point))
    return found


def _unescape(field: str) -> str:
    """/proc/mounts writes a space, tab, newline and backslash as octal escapes (\\040 …);
    a stick labelled 「U盘 2」 is mounted at …/U盘\\0402."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def _is_removable(device: str, sys_block: str) -> bool:
    name = os.path.basename(os.path.realpath(device))
    # /sys/class/block/sdb1 links into .../block/sdb/sdb1: a partition's flag is on its disk.
    entry = Path(sys_block, name).resolve()
    for folder in (entry, entry.parent):
        flag = folder / "removable"
        if flag.exists():
            return flag.read_text(encoding="ascii").strip() == "1"
    return False


def on_removable_drive(path: Path) -> bool:
    """Whether a written file sits on a USB stick (so 「可以安全地拔出U盘」 means something)."""
    try:
        target = Path(path).resolve()
    except OSError:
        return False
    return any(target == drive or drive in target.parents for drive in removable_drives())
