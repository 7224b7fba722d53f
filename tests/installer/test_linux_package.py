"""build_installer.py makes the bundle and the .deb; the .deb, unpacked into a scratch root the
way dpkg would install it, runs its own --self-test."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import deb_package
import pytest
import windows_build

from kexie_desktop import __version__
from kexie_desktop.selftest import SelfTest
from tests.installer.conftest import ROOT, assert_unused_parts_left_out, need_tool

pytestmark = [
    pytest.mark.installer,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the .deb is built on Linux"),
]


# Before the tests' own HOME is set (tests/conftest.py): where the build keeps compiled locales.
LOCALE_CACHE = windows_build.cache_dir()


class Built:
    def __init__(self, dist: Path, root: Path, output: str):
        self.dist = dist
        self.root = root
        self.output = output
        self.deb = next(dist.glob("kexie-desktop_*.deb"))
        self.opt = root / "opt" / "kexie-desktop"

    def field(self, name: str) -> str:
        return subprocess.run(
            ["dpkg-deb", "-f", str(self.deb), name], capture_output=True, text=True, check=True
        ).stdout.strip()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    for tool in ("dpkg-deb", "dpkg-shlibdeps", "objdump"):
        need_tool(tool)
    base = tmp_path_factory.mktemp("installer")
    result = subprocess.run(
        [sys.executable, str(ROOT / "build_installer.py"), "--current-env",
         "--dist", str(base / "dist"), "--work", str(base / "work")],
        capture_output=True,
        text=True,
        timeout=1200,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    root = base / "root"
    deb = next((base / "dist").glob("kexie-desktop_*.deb"))
    subprocess.run(["dpkg", "-x", str(deb), str(root)], check=True)
    yield Built(base / "dist", root, output)


def _home_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "PYTHON"))}
    env.update(HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "share"))
    return env


def test_the_build_ran_the_bundles_self_test_and_reported_its_results(built: Built) -> None:
    assert "自检通过" in built.output
    assert str(built.deb) in built.output
    assert "MB" in built.output


def test_the_installed_program_passes_its_self_test(built: Built, tmp_path: Path) -> None:
    # Through the command in /usr/bin, as a clerk's terminal would run it.
    command = built.root / "usr" / "bin" / "kexie-desktop"
    result = subprocess.run(
        [str(command), "--self-test"],
        capture_output=True,
        text=True,
        env=_home_env(tmp_path),
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[失败]" not in result.stdout
    checks = len(SelfTest(tmp_path).checks())
    assert result.stdout.count("[通过]") + result.stdout.count("[注意]") == checks
    assert "安装包" in result.stdout  # it ran as the bundle, not from the source tree
    assert "自检通过" in result.stdout
    # Nothing was written to the clerk's data folder.
    assert not (tmp_path / "share" / "KeXieDesktop").exists()


def test_the_installed_command_line_works_on_a_data_folder(built: Built, tmp_path: Path) -> None:
    program = built.opt / "kexie-desktop"
    env = _home_env(tmp_path)
    version = subprocess.run([str(program), "--version"], capture_output=True, text=True, env=env)
    assert version.stdout.strip() == f"科协工作台 {__version__}"
    data = tmp_path / "data"
    demo = subprocess.run(
        [str(program), "demo", "--data-dir", str(data)], capture_output=True, text=True, env=env
    )
    assert demo.returncode == 0, demo.stderr
    out = tmp_path / "总结.docx"
    export = subprocess.run(
        [str(program), "export", "summary", "--year", "2025", "--out", str(out),
         "--data-dir", str(data)],
        capture_output=True,
        text=True,
        env=env,
    )  # fmt: skip
    assert export.returncode == 0, export.stderr
    assert out.read_bytes()[:2] == b"PK"


def test_the_installed_program_opens_its_window_on_an_x_server(
    built: Built, tmp_path: Path
) -> None:
    """What a double-click does: the real X11 plugin, the single-instance lock and local
    socket, the data folder opened into the window."""
    xvfb_run = need_tool("xvfb-run")
    env = _home_env(tmp_path)
    data = tmp_path / "data"
    program = str(built.root / "usr" / "bin" / "kexie-desktop")
    subprocess.run([program, "demo", "--data-dir", str(data)], check=True, env=env)
    result = subprocess.run(
        [xvfb_run, "-a", program, "--data-dir", str(data)],
        capture_output=True,
        text=True,
        env={**env, "QT_QPA_PLATFORM": "xcb", "KEXIE_STARTUP_PROBE": "1"},
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    shown, filled = (float(t) for t in result.stdout.split())
    assert shown <= filled
    # The data was opened the way the window opens it, with the day's first backup.
    assert list((data / "backups").glob("*.db"))


def test_the_control_file(built: Built) -> None:
    assert built.field("Package") == "kexie-desktop"
    assert built.field("Version") == __version__
    assert built.field("Architecture") == deb_package.architecture()
    installed_kb = int(built.field("Installed-Size"))
    assert 50_000 < installed_kb < 200_000
    depends = [d.strip() for d in built.field("Depends").split(",")]
    names = {d.split()[0] for d in depends}
    # What Qt's X11 window plugin and its drawing need from the system.
    for package in ("libxcb-cursor0", "libxkbcommon-x11-0", "libfontconfig1", "libgl1", "libegl1"):
        assert package in names, depends
    # Printing the lists goes through Qt's CUPS plugin, which needs the system's CUPS library.
    assert "libcups2" in names, depends
    glibc = next(d for d in depends if d.startswith("libc6 "))
    assert re.fullmatch(r"libc6 \(>= 2\.\d+\)", glibc)
    assert int(glibc.split(".")[1].rstrip(")")) >= 34  # PySide6 6.10+ needs glibc 2.34
    # The bundle's own copies are not asked of the system, and nothing for TLS is.
    for package in ("libsqlite3-0", "libpython3.11", "libssl3", "libgtk-3-0"):
        assert package not in names, depends
    assert built.field("Recommends") == "fonts-noto-cjk | fonts-wqy-microhei"


def _needed(binary: Path) -> list[str]:
    out = subprocess.run(["objdump", "-p", str(binary)], capture_output=True, text=True).stdout
    return re.findall(r"^\s+NEEDED\s+(\S+)$", out, re.MULTILINE)


def test_every_library_the_bundle_needs_is_bundled_or_in_depends(built: Built) -> None:
    depends = {d.split()[0] for d in built.field("Depends").split(",")}
    binaries = deb_package.elf_files(built.opt)
    bundled = {p.name for p in built.opt.rglob("*")}
    from_system = {name for b in binaries for name in _needed(b)} - bundled
    owners = subprocess.run(
        ["dpkg", "-S", *(f"*/{name}" for name in sorted(from_system))],
        capture_output=True,
        text=True,
    ).stdout
    found: dict[str, set[str]] = {}
    for line in owners.splitlines():
        packages, _, path = line.partition(": ")
        found.setdefault(Path(path).name, set()).update(
            p.split(":")[0].strip() for p in packages.split(",")
        )
    unowned = sorted(name for name in from_system if not found.get(name))
    assert unowned == [], f"libraries from no package: {unowned}"
    missing = sorted(name for name in from_system if not found[name] & (depends | {"libc6"}))
    assert missing == [], f"needed but not in Depends: {missing}"


def test_the_bundle_holds_only_what_the_program_uses(built: Built) -> None:
    internal = built.opt / "_internal"
    names = {p.name for p in internal.rglob("*")}
    assert not names & {"PyQt5", "PyQt6", "PySide2", "tkinter", "_tkinter"}
    system_or_foreign = ("libQt5", "libssl", "libcrypto", "libX11", "libgtk")
    assert not any(n.startswith(system_or_foreign) for n in names)
    qm = sorted(p.relative_to(internal).as_posix() for p in internal.rglob("*.qm"))
    assert qm == ["resources/translations/qtbase_zh_CN.qm"]
    plugins = internal / "PySide6" / "Qt" / "plugins"
    assert (plugins / "platforms" / "libqxcb.so").is_file()
    assert not (plugins / "platforms" / "libqwayland.so").exists()
    assert not (plugins / "tls").exists()
    assert (internal / "resources" / "demo" / "demo.json").is_file()
    modules = {p.name.split(".")[0] for p in (internal / "PySide6").glob("Qt*.so")}
    # QtPrintSupport: printing and print preview of the lists (its CUPS plugin below).
    assert modules <= {"QtCore", "QtGui", "QtWidgets", "QtNetwork", "QtPrintSupport", "QtDBus"}, (
        modules
    )
    assert (plugins / "printsupport" / "libcupsprintersupport.so").is_file()
    # No dangling links left by the libraries that were dropped.
    assert [p for p in internal.rglob("*") if p.is_symlink() and not p.exists()] == []
    assert_unused_parts_left_out(internal)


def test_the_menu_entry_command_and_icons(built: Built) -> None:
    command = built.root / "usr" / "bin" / "kexie-desktop"
    assert command.is_symlink()
    assert os.readlink(command) == "../../opt/kexie-desktop/kexie-desktop"
    entry = (built.root / "usr/share/applications/kexie-desktop.desktop").read_text("utf-8")
    assert "Name=科协工作台" in entry
    assert "Exec=kexie-desktop" in entry
    assert "Icon=kexie-desktop" in entry
    hicolor = built.root / "usr" / "share" / "icons" / "hicolor"
    for size in deb_package.ICON_SIZES:
        png = hicolor / f"{size}x{size}" / "apps" / "kexie-desktop.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (hicolor / "scalable" / "apps" / "kexie-desktop.svg").is_file()
    validate = subprocess.run(
        [need_tool("desktop-file-validate"),
         str(built.root / "usr/share/applications/kexie-desktop.desktop")],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert validate.returncode == 0, validate.stdout + validate.stderr


def test_the_package_files_are_owned_by_root_and_not_world_writable(built: Built) -> None:
    listing = subprocess.run(
        ["dpkg-deb", "-c", str(built.deb)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert listing
    for line in listing:
        mode, owner = line.split()[:2]
        assert owner == "root/root", line
        if not mode.startswith("l"):
            assert mode[8] != "w", line


def test_the_deb_is_within_its_size_budget(built: Built) -> None:
    assert built.deb.stat().st_size < 80 * 2**20


def test_the_installed_program_prints_utf8_chinese_under_a_gb18030_locale(
    built: Built, tmp_path: Path
) -> None:
    """UTF-8 mode (the spec's "X utf8" option): under a GB18030 locale, as on some Kylin
    installations, Python would otherwise write GB18030; PyInstaller ignored the old
    "X utf8_mode=1" without a word, and the output below did not decode as UTF-8."""
    need_tool("localedef")
    env = _home_env(tmp_path)
    env.pop("LANG", None)
    env.update(windows_build.locale_env(LOCALE_CACHE, "zh_CN.GB18030"))
    charmap = subprocess.run(["locale", "charmap"], capture_output=True, text=True, env=env)
    assert charmap.stdout.strip() == "GB18030", charmap.stdout + charmap.stderr
    program = built.opt / "kexie-desktop"
    version = subprocess.run([str(program), "--version"], capture_output=True, env=env)
    assert version.returncode == 0, version.stderr
    assert version.stdout.decode("utf-8").strip() == f"科协工作台 {__version__}"
    report = subprocess.run(
        [str(program), "--self-test"], capture_output=True, env=env, timeout=300
    ).stdout.decode("utf-8")
    assert "自检通过" in report and "????" not in report
