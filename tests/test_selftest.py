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


@pytest.fixture
def window_plugins_load(qtbot: QtBot) -> None:
    """The self-test passes only where Qt's window plugin can load: on Linux that needs the
    system's X11 libraries (libxcb-cursor0 and others; .ci/run installs them)."""
    from PySide6.QtCore import QLibraryInfo, QPluginLoader

    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    for relative, _ in selftest._needed_plugins():
        loader = QPluginLoader(str(plugins / relative))
        if not loader.load():
            message = f"Qt plugin {relative} cannot load here: {loader.errorString()}"
            if os.environ.get("KEXIE_REQUIRE_INSTALLER_TOOLS") == "1":
                pytest.fail(message)
            pytest.skip(message)


def test_every_check_passes_from_the_source_tree(
    qtbot: QtBot, window_plugins_load: None, tmp_path: Path
) -> None:
    out = io.StringIO()
    assert selftest.run(out) == 0
    report = out.getvalue()
    assert report.count("[通过]") + report.count("[注意]") == len(
        selftest.SelfTest(tmp_path).checks()
    )
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


def test_a_plugin_that_cannot_load_fails_the_self_test(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """As the X11 plugin would on a system without libxcb-cursor0: the file is there, but
    it does not load."""
    broken = tmp_path / "libqxcb.so"
    broken.write_bytes(b"\x7fELF not really")
    monkeypatch.setattr(selftest, "_needed_plugins", lambda: [(str(broken), "X11 窗口")])
    out = io.StringIO()
    assert selftest.run(out) == 1
    expected = f"[失败] 图形界面（Qt，无屏幕方式）：Qt 插件 {broken}（X11 窗口）无法载入"
    assert expected in out.getvalue()


def test_no_chinese_font_is_a_notice_not_a_failure(
    qtbot: QtBot, window_plugins_load: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "choose_cjk_font", lambda: None)
    out = io.StringIO()
    assert selftest.run(out) == 0
    report = out.getvalue()
    assert "[注意] 中文界面文字：已载入，但没有找到常用的中文字体" in report
    assert "其中 1 项请注意" in report


def test_an_unexpected_error_is_reported_not_raised(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: selftest.SelfTest) -> str:
        raise OSError("磁盘坏了")

    monkeypatch.setattr(selftest.SelfTest, "check_summary", broken)
    out = io.StringIO()
    assert selftest.run(out) == 1
    assert "[失败] 年度工作总结（Word）：OSError: 磁盘坏了" in out.getvalue()


def test_the_command_line_flag(window_plugins_load: None, tmp_path: Path) -> None:
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


def test_windows_font_families_from_the_registrys_value_names() -> None:
    """On Windows the self-test asks the Fonts registry keys which fonts the window will have
    (offscreen Qt sees none there); the value names carry styles and several names."""
    from kexie_desktop.selftest import font_families_from_registry

    names = [
        "Microsoft YaHei & Microsoft YaHei UI (TrueType)",
        "Microsoft YaHei Bold & Microsoft YaHei UI Bold (TrueType)",
        "@Noto Sans CJK SC Bold (TrueType)",
        "SimSun & NSimSun (TrueType)",
        "Courier",
    ]
    assert font_families_from_registry(names) == {
        "Microsoft YaHei", "Microsoft YaHei UI", "Noto Sans CJK SC", "SimSun", "NSimSun", "Courier",
    }  # fmt: skip
