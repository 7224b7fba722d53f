"""Compiling the Windows installer script with NSIS's makensis (on Windows or, for the tests,
on Linux: makensis runs on both and produces the same installer)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "windows" / "kexie-desktop.nsi"


class InstallerError(Exception):
    """The installer could not be made; the message says why, in Chinese."""


def find_makensis() -> str | None:
    found = shutil.which("makensis")
    if found:
        return found
    for base in (os.environ.get("PROGRAMFILES(X86)"), os.environ.get("PROGRAMFILES")):
        if base and (candidate := Path(base) / "NSIS" / "makensis.exe").is_file():
            return str(candidate)
    return None


def version4(version: str) -> str:
    """Windows version resources want four numbers: 0.1.0 → 0.1.0.0."""
    numbers = [int(n) for n in re.findall(r"\d+", version)[:4]]
    return ".".join(str(n) for n in numbers + [0] * (4 - len(numbers)))


def installer_name(version: str) -> str:
    return f"科协工作台-{version}-安装程序.exe"


def compile_installer(
    payload: Path, icon: Path, version: str, out_dir: Path, *, target: str | None = None
) -> Path:
    """makensis the script over `payload` (the bundle folder); warnings count as errors.
    `target` is NSIS's (amd64-unicode for a 64-bit installer); by default a 32-bit one."""
    makensis = find_makensis()
    if makensis is None:
        raise InstallerError(
            "找不到 makensis：请先安装 NSIS（Windows：https://nsis.sourceforge.io；"
            "Debian/Ubuntu：apt-get install nsis）"
        )
    if not (payload / "kexie-desktop.exe").is_file():
        raise InstallerError(f"{payload} 中没有 kexie-desktop.exe，不是 Windows 版的程序文件夹")
    out_dir.mkdir(parents=True, exist_ok=True)
    output = out_dir / installer_name(version)
    command = [
        makensis,
        "-V2",
        "-WX",
        "-INPUTCHARSET",
        "UTF8",
        f"-DVERSION={version}",
        f"-DVERSION4={version4(version)}",
        f"-DPAYLOAD={payload.resolve()}",
        f"-DICON={icon.resolve()}",
        f"-DOUTFILE={output.resolve()}",
        *([f"-DTARGET={target}"] if target else []),
        str(SCRIPT),
    ]
    result = subprocess.run(command, capture_output=True, text=True, errors="replace")
    if result.returncode != 0 or not output.is_file():
        raise InstallerError(f"makensis 失败：\n{result.stdout}{result.stderr}".strip())
    return output
