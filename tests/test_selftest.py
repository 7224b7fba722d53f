"""`kexie-desktop --self-test`: every check, its report, and a failing check's exit code."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kexie_desktop import selftest
from kexie_desktop.ui import app as app_module


def test_every_check_passes_from_the_source_tree(qtbot: QtBot, tmp_path: Path) -> None:
    out = io.StringIO()
    assert selftest.run(out) == 0
    report = out.getvalue()
    assert report.count("[通过]") == len(selftest.SelfTest(tmp_path).checks())
    assert "[失败]" not in report
    assert "源代码" in report
    assert "“Cancel”显示为“取消”" in report
    assert "90 行" in report  # the main window listed the demo year's activities
    assert "新增180条" in report  # the ledger read back into an empty database
    assert report.rstrip().endswith("秒）")


def test_a_failed_check_fails_the_self_test_and_stops_there(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "_translators", [])
    monkeypatch.setattr(app_module, "install_chinese_translations", lambda app: False)
    out = io.StringIO()
    assert selftest.run(out) == 1
    report = out.getvalue()
    assert "[失败] 中文界面文字：Qt 的中文翻译（qtbase_zh_CN）没有载入" in report
    assert "数据库" not in report  # the later checks did not run
    assert "自检未通过：中文界面文字" in report


def test_an_unexpected_error_is_reported_not_raised(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: selftest.SelfTest) -> str:
        raise OSError("磁盘坏了")

    monkeypatch.setattr(selftest.SelfTest, "check_summary", broken)
    out = io.StringIO()
    assert selftest.run(out) == 1
    assert "[失败] 年度工作总结（Word）：OSError: 磁盘坏了" in out.getvalue()


def test_the_command_line_flag(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "kexie_desktop", "--self-test"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    # Offscreen whatever the environment asked for: it must work on a machine with no screen.
    assert result.returncode == 0, result.stdout + result.stderr
    assert "自检通过" in result.stdout
    assert result.stderr == ""


def test_the_startup_probe_used_by_the_installer_benchmark(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    data = tmp_path / "data"
    subprocess.run(
        [sys.executable, "-m", "kexie_desktop", "demo", "--data-dir", str(data)],
        check=True,
        capture_output=True,
        env=env,
    )
    result = subprocess.run(
        [sys.executable, "-m", "kexie_desktop", "--data-dir", str(data)],
        capture_output=True,
        text=True,
        env={**env, "KEXIE_STARTUP_PROBE": "1"},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    shown, filled = (float(t) for t in result.stdout.split())
    assert 0 <= filled - shown < 60
