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
    # 32-bit (the official NSIS makes no other), checking for 64-bit Windows 10 itself.
    pe = int.from_bytes(data[0x3C:0x40], "little")
    assert data[pe : pe + 6] == b"PE\0\0\x4c\x01"  # IMAGE_FILE_MACHINE_I386
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


class Wine:
    """A fresh Wine prefix: a Windows user's folders and registry, for the installer to act on."""

    def __init__(self, base: Path):
        self.env = {
            **os.environ,
            "WINEPREFIX": str(base / "prefix"),
            "HOME": str(base / "home"),
            "WINEDEBUG": "-all",
            "WINEDLLOVERRIDES": "mscoree,mshtml=",  # no .NET or Gecko download prompts
        }
        self.env.pop("DISPLAY", None)
        (base / "home").mkdir(parents=True)
        self.run("wineboot", "-i")
        users = base / "prefix" / "drive_c" / "users"
        self.user = next(p for p in users.iterdir() if p.name != "Public")
        self.local = self.user / "AppData" / "Local"
        self.install_dir = self.local / "Programs" / "KeXieDesktop"
        self.data_dir = self.local / "KeXieDesktop"
        self.start_menu = (
            self.user / "AppData/Roaming/Microsoft/Windows/Start Menu/Programs/科协工作台"
        )
        self.desktop = self.user / "Desktop"

    def run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            ["wine", *command], env=self.env, capture_output=True, timeout=300, check=check
        )

    def pretend_windows(self, version: str) -> None:
        self.run("winecfg", "-v", version)

    def registry(self, key: str) -> str:
        result = subprocess.run(
            ["wine", "reg", "query", key], env=self.env, capture_output=True, timeout=60
        )
        return result.stdout.decode("utf-8", "replace") if result.returncode == 0 else ""

    def close(self) -> None:
        subprocess.run(["wineserver", "-k"], env=self.env, capture_output=True, timeout=60)


# Debian's wine64 runs 64-bit programs only; the script is the same apart from NSIS's target.
WINE_TARGET = "amd64-unicode"
UNINSTALL_KEY = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\KeXieDesktop"


def _wait_until(condition: object, seconds: float = 60) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.5)
    return False


def test_install_upgrade_and_uninstall_keep_the_clerks_data(
    payload: Path, icon: Path, tmp_path: Path
) -> None:
    """The real installer, run silently under Wine: per-user files, shortcuts and registry;
    an upgrade that replaces the program files; an uninstaller that leaves the data alone."""
    need_tool("makensis")
    need_tool("wine")
    wine = Wine(tmp_path / "wine")
    try:
        wine.data_dir.mkdir(parents=True)
        (wine.data_dir / "kexie.db").write_bytes(b"the clerk's year")
        (wine.data_dir / "backups").mkdir()
        (wine.data_dir / "backups" / "daily.db").write_bytes(b"yesterday")
        before = {p.relative_to(wine.data_dir): p.read_bytes() for p in wine.data_dir.rglob("*.db")}

        first = nsis_installer.compile_installer(
            payload, icon, "0.1.0", tmp_path / "v1", target=WINE_TARGET
        )
        # Qt 6 needs Windows 10: on Windows 7 the installer refuses and installs nothing.
        wine.pretend_windows("win7")
        assert wine.run(str(first), "/S", check=False).returncode != 0
        assert not wine.install_dir.exists()
        wine.pretend_windows("win10")
        wine.run(str(first), "/S")
        program = wine.install_dir / "kexie-desktop.exe"
        assert program.read_bytes() == (payload / "kexie-desktop.exe").read_bytes()
        assert (wine.install_dir / "kexie-cli.exe").is_file()
        assert (wine.install_dir / "_internal" / "Qt6Core.dll").is_file()
        uninstaller = wine.install_dir / "卸载科协工作台.exe"
        assert uninstaller.is_file()
        assert (wine.start_menu / "科协工作台.lnk").is_file()
        assert (wine.start_menu / "卸载科协工作台.lnk").is_file()
        assert (wine.desktop / "科协工作台.lnk").is_file()
        entry = wine.registry(UNINSTALL_KEY)
        assert "DisplayVersion    REG_SZ    0.1.0" in entry
        assert "QuietUninstallString" in entry

        # An upgrade: a file only the old version had must not linger.
        stale = wine.install_dir / "_internal" / "only-in-0.1.0.dll"
        stale.write_bytes(b"old")
        (payload / "kexie-desktop.exe").write_bytes(b"MZ version 0.2.0")
        second = nsis_installer.compile_installer(
            payload, icon, "0.2.0", tmp_path / "v2", target=WINE_TARGET
        )
        wine.run(str(second), "/S")
        assert program.read_bytes() == b"MZ version 0.2.0"
        assert not stale.exists()
        assert "DisplayVersion    REG_SZ    0.2.0" in wine.registry(UNINSTALL_KEY)

        # The uninstaller copies itself away and returns at once; wait for it to finish.
        wine.run(str(uninstaller), "/S")
        assert _wait_until(lambda: not wine.install_dir.exists()), list(wine.install_dir.rglob("*"))
        assert not wine.start_menu.exists()
        assert not (wine.desktop / "科协工作台.lnk").exists()
        assert wine.registry(UNINSTALL_KEY) == ""
        after = {p.relative_to(wine.data_dir): p.read_bytes() for p in wine.data_dir.rglob("*.db")}
        assert after == before
    finally:
        wine.close()
