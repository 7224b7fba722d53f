"""build_installer.py's own logic: pins, the Windows version file, the self-test gate."""

from __future__ import annotations

import ast
import stat
import sys
from pathlib import Path

import pytest

from tests.installer.conftest import ROOT

sys.path.insert(0, str(ROOT))
import build_installer  # isort: skip


def test_the_lock_files_are_read_with_their_platform_markers(tmp_path: Path) -> None:
    (tmp_path / "base.lock").write_text("# runtime\nPySide6-Essentials==6.11.3\n", "utf-8")
    (tmp_path / "build.lock").write_text(
        "-r base.lock\npyinstaller==6.22.3\n"
        'pefile==2024.8.26 ; sys_platform == "win32"  # Windows only\n',
        "utf-8",
    )
    linux = build_installer.pinned(tmp_path / "build.lock", "linux")
    windows = build_installer.pinned(tmp_path / "build.lock", "win32")
    assert linux == {"pyside6-essentials": "6.11.3", "pyinstaller": "6.22.3"}
    assert windows == {**linux, "pefile": "2024.8.26"}


def test_the_real_build_lock_pins_pyinstaller_and_the_runtime() -> None:
    pins = build_installer.pinned(ROOT / "requirements-build.lock", "linux")
    assert {"pyinstaller", "pyside6-essentials", "python-docx", "openpyxl"} <= set(pins)
    assert "pefile" in build_installer.pinned(ROOT / "requirements-build.lock", "win32")


def test_an_environment_that_differs_from_the_lock_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pins = build_installer.pinned(ROOT / "requirements-build.lock")
    monkeypatch.setattr(build_installer, "installed", lambda python: {**pins, "pyinstaller": "5.0"})
    with pytest.raises(build_installer.BuildError, match=r"pyinstaller 5\.0，应为 6"):
        build_installer.check_pins(sys.executable)


def test_this_environment_matches_the_lock() -> None:
    # .venv (make test) holds the build lock; .venv-qt69 (make test-compat) the compat lock,
    # whose PySide6 6.9.x is the Qt of the glibc-2.28 package.
    try:
        build_installer.check_pins(sys.executable)
    except build_installer.BuildError:
        build_installer.check_pins(sys.executable, ROOT / "requirements-compat.lock")


def test_a_hashed_lock_is_read_without_its_hashes(tmp_path: Path) -> None:
    (tmp_path / "hashed.lock").write_text(
        "# runtime\nPySide6-Essentials==6.9.3 \\\n    --hash=sha256:00ff\nclick==8.5.1 \\\n"
        "    --hash=sha256:11ee\n",
        "utf-8",
    )
    pins = build_installer.pinned(tmp_path / "hashed.lock", "linux")
    assert pins == {"pyside6-essentials": "6.9.3", "click": "8.5.1"}


def test_the_windows_version_file_is_valid_python_with_four_numbers(tmp_path: Path) -> None:
    path = build_installer.windows_version_file(tmp_path / "v.txt", "1.2.3")
    text = path.read_text("utf-8")
    ast.parse(text)  # PyInstaller evaluates it as a Python expression
    assert "filevers=(1, 2, 3, 0)" in text
    assert "StringStruct('ProductVersion', '1.2.3')" in text


def test_a_bundle_that_fails_its_self_test_fails_the_build(tmp_path: Path) -> None:
    bundle = tmp_path / "dist" / "kexie-desktop"
    bundle.mkdir(parents=True)
    program = bundle / "kexie-desktop"
    program.write_text("#!/bin/sh\necho '  [失败] 中文界面文字：没有载入'\nexit 1\n", "utf-8")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    if sys.platform == "win32":
        pytest.skip("a shell script stands in for the program")
    with pytest.raises(build_installer.BuildError, match="自检失败（退出码 1）") as caught:
        build_installer.self_test(bundle)
    assert "中文界面文字" in str(caught.value)
