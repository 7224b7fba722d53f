"""The real Windows installer (`python build_installer.py --windows`), installed and run under Wine.

One installer per test session: the file named by KEXIE_WINDOWS_INSTALLER (`make
installer-windows` builds dist/科协工作台-VERSION-安装程序.exe and passes it, so the file tested is
the file that ships), or else one built here into a temporary folder. It is installed silently
into a fresh Wine prefix set to Windows 10 in a Chinese locale (ANSI code page 936), for a user
whose name has Chinese characters and a space, and then: the installed self-test, the command
line under code page 936, the window on a virtual X server with the demo data from a folder on
drive D:, the single-instance lock and bring-to-front from a second start, the installer's
"program is running" retry, USB detection, an upgrade and the uninstaller, the data folders
checked byte for byte.

Slow (a build is minutes): marked `windows_build`, left out of `make test`; run by
`make installer-windows` and by CI.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import windows_build

from kexie_desktop import __version__
from tests.installer.conftest import ROOT, assert_unused_parts_left_out, need_tool

pytestmark = [
    pytest.mark.windows_build,
    pytest.mark.installer,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="built on Linux, under Wine"),
]

USER = "科协 用户"
D_FOLDER = "科协 数据"  # D:\科协 数据, a data folder with Chinese characters and a space
SCREENSHOTS = ROOT / "build" / "test-output"
# Now, before the tests' own HOME is set (tests/conftest.py): the build's cache, with its Wine
# locale, icuuc.dll stand-in and Windows Python.
CACHE = windows_build.cache_dir()
UNINSTALL_KEY = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\KeXieDesktop"


def _wait_until(condition: Callable[[], object], seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def _tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` by relative path → sha256 of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="session")
def installer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    for tool in windows_build.TOOLS:
        need_tool(tool)
    given = os.environ.get("KEXIE_WINDOWS_INSTALLER")
    if given:
        path = Path(given)
        assert path.is_file(), f"KEXIE_WINDOWS_INSTALLER={given} does not exist"
        return path
    base = tmp_path_factory.mktemp("windows-build")
    result = subprocess.run(
        [sys.executable, str(ROOT / "build_installer.py"), "--windows",
         "--dist", str(base / "dist"), "--work", str(base / "work")],
        capture_output=True, text=True, timeout=3600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "自检通过" in result.stdout, result.stdout
    return next((base / "dist").glob("科协工作台-*-安装程序.exe"))


class Machine:
    """A clerk's Windows 10 PC under Wine, with the program installed."""

    def __init__(self, base: Path, installer: Path):
        self.base = base
        self.installer = installer
        self.wine = windows_build.Wine(base / "prefix", CACHE, home=base / "home", user=USER)
        prefix = base / "prefix"
        users = prefix / "drive_c" / "users"
        self.user = next(p for p in users.iterdir() if p.name not in ("Public", "root"))
        self.local = self.user / "AppData" / "Local"
        self.install_dir = self.local / "Programs" / "KeXieDesktop"
        self.data_dir = self.local / "KeXieDesktop"
        self.start_menu = (
            self.user / "AppData/Roaming/Microsoft/Windows/Start Menu/Programs/科协工作台"
        )
        # Drive D: a second disk, where many offices keep their documents.
        self.d_drive = base / "d-drive"
        self.d_drive.mkdir()
        (prefix / "dosdevices" / "d:").symlink_to(self.d_drive)
        self.d_data = self.d_drive / D_FOLDER

    def run(self, *command: str, timeout: float = 300, check: bool = False,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:  # fmt: skip
        return self.wine.run(["wine", *command], timeout=timeout, check=check, env=env)

    def cli(self, *arguments: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return self.run(str(self.install_dir / "kexie-cli.exe"), *arguments, timeout=timeout)

    def registry(self, key: str) -> str:
        result = self.run("reg", "query", key)
        return result.stdout if result.returncode == 0 else ""

    def install(self) -> subprocess.CompletedProcess[str]:
        return self.run(str(self.installer), "/S", timeout=600)


@pytest.fixture(scope="module")
def machine(installer: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Machine]:
    pc = Machine(tmp_path_factory.mktemp("wine"), installer)
    try:
        result = pc.install()
        assert result.returncode == 0, result.stdout + result.stderr
        yield pc
    finally:
        pc.wine.close()


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    need_tool("Xvfb")
    need_tool("openbox")
    need_tool("xdotool")
    need_tool("import")
    number = 20 + os.getpid() % 60
    name = f":{number}"
    xvfb = subprocess.Popen(["Xvfb", name, "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
                            stderr=subprocess.DEVNULL)  # fmt: skip
    assert _wait_until(lambda: Path(f"/tmp/.X11-unix/X{number}").exists(), 30)
    wm = subprocess.Popen(["openbox"], env={**os.environ, "DISPLAY": name},
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        yield name
    finally:
        wm.terminate()
        xvfb.terminate()
        wm.wait(10)
        xvfb.wait(10)


def test_the_installer_is_64_bit_and_within_its_size_budget(installer: Path) -> None:
    data = installer.read_bytes()
    pe = int.from_bytes(data[0x3C:0x40], "little")
    assert data[pe : pe + 6] == b"PE\0\0\x64\x86"  # IMAGE_FILE_MACHINE_AMD64
    assert b"NullsoftInst" in data
    assert installer.name == f"科协工作台-{__version__}-安装程序.exe"
    assert len(data) <= 60 * 2**20, f"{len(data) / 2**20:.1f} MB"


def test_the_installed_files_and_registry(machine: Machine) -> None:
    for name in ("kexie-desktop.exe", "kexie-cli.exe", "卸载科协工作台.exe"):
        assert (machine.install_dir / name).is_file(), name
    assert (machine.start_menu / "科协工作台.lnk").is_file()
    assert (machine.user / "Desktop" / "科协工作台.lnk").is_file()
    entry = machine.registry(UNINSTALL_KEY)
    assert f"DisplayVersion    REG_SZ    {__version__}" in entry
    # The user's folder has the Chinese name with its space.
    assert machine.user.name == USER


def test_the_icuuc_stand_in_is_in_neither_bundle_nor_installer(
    machine: Machine, installer: Path
) -> None:
    """Wine's icuuc.dll stand-in is in the prefix's system32 (Qt needs it under Wine), never in
    what ships: not among the installed files (the installer's payload), nor in the installer's
    listing where 7z can read it."""
    assert (machine.wine.system32 / "icuuc.dll").is_file()
    installed = [str(p.relative_to(machine.install_dir)) for p in machine.install_dir.rglob("*")]
    assert len(installed) > 100
    assert windows_build.forbidden_files(installed) == []
    if shutil.which("7z"):
        listing = subprocess.run(["7z", "l", str(installer)], capture_output=True, text=True)
        assert "Qt6Core.dll" in listing.stdout
        assert "icuuc.dll" not in listing.stdout.lower()


def test_the_installed_bundle_leaves_out_what_the_program_never_uses(machine: Machine) -> None:
    assert_unused_parts_left_out(machine.install_dir / "_internal")


def test_the_prefix_is_windows_10_with_the_chinese_code_page(machine: Machine) -> None:
    assert "10.0" in machine.run("cmd", "/c", "ver").stdout
    code_page = machine.registry(r"HKLM\System\CurrentControlSet\Control\Nls\CodePage")
    assert re.search(r"ACP\s+REG_SZ\s+936", code_page), code_page


def test_the_installed_self_test_passes_every_check(machine: Machine) -> None:
    result = machine.cli("--self-test", timeout=600)
    report = result.stdout
    assert result.returncode == 0, report + result.stderr
    lines = [line for line in report.splitlines() if line.strip().startswith("[")]
    assert len(lines) >= 10, report
    # Every check passed; nothing to note either: the Chinese font is found among the fonts
    # Windows lists as installed (Wine lists the Linux system's fonts-noto-cjk there; a Chinese
    # Windows lists 微软雅黑, "Microsoft YaHei UI", which the program prefers).
    assert all(line.strip().startswith("[通过]") for line in lines), report
    assert "中文字体：Noto Sans CJK SC" in report, report
    assert "自检通过" in report
    # Qt found the system's fonts instead of looking inside the bundle for some.
    assert "Cannot find font directory" not in result.stderr, result.stderr


def test_the_command_line_prints_chinese_under_code_page_936(machine: Machine) -> None:
    """UTF-8 mode in both programs: without it the output into a pipe is GBK, and the version
    line below would not even decode (the spec's old "X utf8_mode=1" was silently ignored)."""
    result = machine.cli("--version")
    assert result.returncode == 0, result.stderr
    raw = result.stdout.encode("utf-8", "surrogateescape")
    assert "\ufffd" not in result.stdout, raw
    assert result.stdout.strip() == f"科协工作台 {__version__}"
    report = machine.cli("--self-test", timeout=600).stdout
    assert "?" * 4 not in report
    assert "自检通过" in report


def test_a_data_folder_on_drive_d_with_chinese_characters_and_spaces(machine: Machine) -> None:
    folder = f"D:\\{D_FOLDER}"
    result = machine.cli("demo", "--data-dir", folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (machine.d_data / "kexie.db").is_file(), list(machine.d_drive.rglob("*"))
    backup = f"D:\\{D_FOLDER}\\备份 2025.db"
    result = machine.cli("backup", "--data-dir", folder, "--out", backup)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (machine.d_data / "备份 2025.db").is_file()
    # And the default folder, in the Chinese-named user's AppData.
    result = machine.cli("demo")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (machine.data_dir / "kexie.db").is_file()


def _windows(display: str, name: str) -> list[str]:
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", name],
        capture_output=True, text=True, env={**os.environ, "DISPLAY": display},
    )  # fmt: skip
    return found.stdout.split()


def _hidden(display: str, window: str) -> bool:
    state = subprocess.run(
        ["xprop", "-id", window, "_NET_WM_STATE", "WM_STATE"],
        capture_output=True, text=True, env={**os.environ, "DISPLAY": display},
    ).stdout  # fmt: skip
    return "_NET_WM_STATE_HIDDEN" in state or "Iconic" in state


def _start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """A Windows program with its output piped into `log` (under Wine a Windows Python dies
    at start when its output is a regular file: "Failed to start embedded python interpreter")."""
    process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip

    def drain() -> None:
        assert process.stdout is not None
        with process.stdout, log.open("ab") as out:
            shutil.copyfileobj(process.stdout, out)

    threading.Thread(target=drain, daemon=True).start()
    return process


def _screenshot(display: str, path: Path) -> Path:
    subprocess.run(["import", "-display", display, "-window", "root", str(path)], check=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy2(path, SCREENSHOTS / path.name)
    return path


def test_the_window_single_instance_and_the_installers_running_check(
    machine: Machine, display: str, tmp_path: Path
) -> None:
    """The window opens on the D: data folder and shows the demo data (screenshots in the
    test's folder and in build/test-output/); the command line may not write meanwhile; a
    second start is refused by the lock, says so, and brings the minimised first window
    forward; the installer finds the program running and changes nothing."""
    folder = f"D:\\{D_FOLDER}"
    env = {**machine.wine.env, "DISPLAY": display}
    machine.wine.close()  # programs started before without a display: start afresh with one
    program = str(machine.install_dir / "kexie-desktop.exe")
    log = tmp_path / "window.log"
    first = _start(["wine", program, "--data-dir", folder], env, log)
    try:
        # The title names the demo data's association: the data is open.
        main = "青江市厂矿科协联合会 — 科协工作台"
        assert _wait_until(lambda: _windows(display, main), 180), log.read_text(errors="replace")
        time.sleep(5)  # the list is filled in after the window is shown
        shot = _screenshot(display, tmp_path / "windows-main-window.png")
        colours = subprocess.run(["identify", "-format", "%k", str(shot)], capture_output=True,
                                 text=True).stdout  # fmt: skip
        assert int(colours) > 50, "the screenshot is nearly blank"

        # The command line may not write while the window has the folder.
        refused = machine.cli("demo", "--data-dir", folder)
        assert refused.returncode != 0
        assert "正在使用数据文件夹" in refused.stdout + refused.stderr

        # A second start on the same folder: refused with a message, the first window forward.
        window = _windows(display, main)[0]
        subprocess.run(["xdotool", "windowminimize", window], env=env, check=True)
        assert _wait_until(lambda: _hidden(display, window), 20)
        second = _start(["wine", program, "--data-dir", folder], env, log)
        assert _wait_until(lambda: _windows(display, "^科协工作台$"), 120), "no message"
        assert _wait_until(lambda: not _hidden(display, window), 30), "not brought forward"
        assert _windows(display, main) == [window]  # no second main window
        _screenshot(display, tmp_path / "windows-second-start.png")
        message = _windows(display, "^科协工作台$")[0]
        subprocess.run(["xdotool", "windowactivate", "--sync", message, "key", "Return"],
                       env=env, check=False)  # fmt: skip
        assert second.wait(60) == 1

        # The installer: the program is running, so it cancels and changes nothing.
        before = _tree(machine.install_dir)
        busy = machine.install()
        assert busy.returncode != 0
        assert _tree(machine.install_dir) == before
    finally:
        first.terminate()
        machine.wine.close()
        first.wait(30)


def test_usb_detection_sees_a_removable_drive(machine: Machine) -> None:
    """GetDriveTypeW through the program's own code (kexie_desktop/core/removable.py, run by the
    build's Windows Python under Wine): a drive Wine reports as removable is offered, the fixed
    C: and D: are not."""
    stick = machine.base / "u-disk"
    stick.mkdir()
    (machine.wine.prefix / "dosdevices" / "e:").symlink_to(stick)
    machine.run("reg", "add", r"HKLM\Software\Wine\Drives", "/v", "e:", "/d", "floppy", "/f",
                check=True)  # fmt: skip
    machine.wine.close()
    python = CACHE.glob("python-*/python.exe")
    result = machine.run(
        str(next(python)), "-c",
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from kexie_desktop.core.removable import removable_drives;"
        "print([str(p) for p in removable_drives()])",
        windows_build.windows_path(ROOT),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['E:\\\\']", result.stdout


def test_upgrade_and_uninstall_keep_the_data_byte_for_byte(machine: Machine) -> None:
    default_before, d_before = _tree(machine.data_dir), _tree(machine.d_data)
    assert "kexie.db" in default_before and "kexie.db" in d_before

    stale = machine.install_dir / "_internal" / "only-in-the-old-version.dll"
    stale.write_bytes(b"old")
    result = machine.install()  # the same version again: an upgrade in place
    assert result.returncode == 0, result.stdout + result.stderr
    assert not stale.exists()
    assert machine.cli("--version").stdout.strip() == f"科协工作台 {__version__}"
    assert _tree(machine.data_dir) == default_before
    assert _tree(machine.d_data) == d_before

    uninstaller = machine.install_dir / "卸载科协工作台.exe"
    machine.run(str(uninstaller), "/S")
    assert _wait_until(lambda: not machine.install_dir.exists(), 120), list(
        machine.install_dir.rglob("*")
    )
    assert not machine.start_menu.exists()
    assert machine.registry(UNINSTALL_KEY) == ""
    assert _tree(machine.data_dir) == default_before
    assert _tree(machine.d_data) == d_before
