"""The Windows installer script compiles with NSIS's makensis (also on Linux), over a stand-in
for the bundle, with warnings treated as errors."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import nsis_installer
import pytest
import render_icons

from tests.installer.conftest import need_tool

pytestmark = pytest.mark.installer


@pytest.fixture
def payload(tmp_path: Path) -> Path:
    """A stand-in bundle: the two programs and a large, incompressible library."""
    folder = tmp_path / "kexie-desktop"
    (folder / "_internal").mkdir(parents=True)
    (folder / "kexie-desktop.exe").write_bytes(b"MZ" + b"\0" * 1000)
    (folder / "kexie-cli.exe").write_bytes(b"MZ" + b"\1" * 1000)
    (folder / "_internal" / "Qt6Core.dll").write_bytes(os.urandom(300_000))
    return folder


@pytest.fixture
def icon(tmp_path: Path) -> Path:
    path = tmp_path / "kexie-desktop.ico"
    # A one-image icon made the way render_icons makes them, from a 1×1 PNG.
    tiny = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
    path.write_bytes(render_icons.ico({16: tiny}))
    return path


def test_the_installer_compiles_with_the_payload_inside(
    payload: Path, icon: Path, tmp_path: Path
) -> None:
    need_tool("makensis")
    out = nsis_installer.compile_installer(payload, icon, "1.2.3", tmp_path / "out")
    assert out.name == "科协工作台-1.2.3-安装程序.exe"
    data = out.read_bytes()
    assert data[:2] == b"MZ"
    assert b"NullsoftInst" in data
    # The random library cannot be compressed away: it is in there.
    assert len(data) > 300_000
    if shutil.which("7z"):
        listing = subprocess.run(["7z", "l", str(out)], capture_output=True, text=True).stdout
        for name in ("kexie-desktop.exe", "kexie-cli.exe", "Qt6Core.dll"):
            assert name in listing, listing


def test_a_folder_without_the_windows_program_is_refused(icon: Path, tmp_path: Path) -> None:
    need_tool("makensis")
    with pytest.raises(nsis_installer.InstallerError, match=r"kexie-desktop\.exe"):
        nsis_installer.compile_installer(tmp_path, icon, "1.2.3", tmp_path / "out")


def test_the_script_refuses_to_compile_without_its_settings(tmp_path: Path) -> None:
    makensis = need_tool("makensis")
    result = subprocess.run(
        [makensis, "-V2", "-INPUTCHARSET", "UTF8", str(nsis_installer.SCRIPT)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode != 0
    assert "-DVERSION" in result.stdout + result.stderr


def test_version_numbers_for_windows() -> None:
    assert nsis_installer.version4("0.1.0") == "0.1.0.0"
    assert nsis_installer.version4("2.10") == "2.10.0.0"
    assert nsis_installer.version4("1.2.3.4.5") == "1.2.3.4"
