"""What the bundle keeps and what it leaves to the system (installer/bundle_rules.py)."""

from __future__ import annotations

import bundle_rules as rules
import pytest

from tests.installer.conftest import ROOT  # noqa: F401  (puts installer/ on sys.path)

QT = "PySide6/Qt"


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        (f"{QT}/plugins/platforms/libqxcb.so", True),
        (f"{QT}/plugins/platforms/libqoffscreen.so", True),
        ("PySide6/plugins/platforms/qwindows.dll", True),
        (f"{QT}/plugins/platforms/libqwayland.so", False),
        (f"{QT}/plugins/platforms/libqvnc.so", False),
        (f"{QT}/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so", True),
        (f"{QT}/plugins/imageformats/libqsvg.so", True),
        (f"{QT}/plugins/imageformats/libqjpeg.so", False),
        (f"{QT}/plugins/tls/libqopensslbackend.so", False),
        (f"{QT}/plugins/networkinformation/libqnetworkmanager.so", False),
        (f"{QT}/plugins/platformthemes/libqgtk3.so", False),
        ("PySide6\\plugins\\styles\\qmodernwindowsstyle.dll", True),
        (f"{QT}/lib/libQt6WaylandClient.so.6", False),
        (f"{QT}/lib/libQt6Widgets.so.6", True),
        ("PySide6/Qt6EglFSDeviceIntegration.dll", False),
    ],
)
def test_qt_plugins_and_libraries(dest: str, kept: bool) -> None:
    assert rules.keep_binary(dest, "/venv/site-packages/" + dest, "linux") is kept


@pytest.mark.parametrize(
    ("source", "system"),
    [
        ("/usr/lib/x86_64-linux-gnu/libX11.so.6", True),
        ("/lib/x86_64-linux-gnu/libfontconfig.so.1", True),
        ("/usr/lib64/libGL.so.1", True),
        # The database engine is bundled: its features must not depend on the system.
        ("/usr/lib/x86_64-linux-gnu/libsqlite3.so.0", False),
        ("/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0", False),
        ("/root/.pyenv/versions/3.11.7/lib/libpython3.11.so.1.0", False),
        ("/work/.venv/lib/python3.11/site-packages/PySide6/Qt/lib/libQt6Core.so.6", False),
        # A distribution's own Python: its extension modules are the program's, not the desktop's.
        ("/usr/lib/python3.11/lib-dynload/_sqlite3.cpython-311-x86_64-linux-gnu.so", False),
        ("/usr/lib/python3/dist-packages/lxml/etree.cpython-311-x86_64-linux-gnu.so", False),
        ("/usr/lib/x86_64-linux-gnu/libmpdec.so.3", True),
    ],
)
def test_system_libraries_are_left_to_the_package_manager(source: str, system: bool) -> None:
    assert rules.is_system_library(source, "linux") is system
    assert rules.keep_binary("libX.so", source, "linux") is not system


def test_windows_keeps_what_pyinstaller_collected() -> None:
    assert not rules.is_system_library("C:/Windows/System32/msvcp140.dll", "win32")


def test_only_the_chinese_qt_translation_is_kept() -> None:
    kept = rules.filter_toc(
        [
            ("resources/translations/qtbase_zh_CN.qm", "/x/qtbase_zh_CN.qm", "DATA"),
            (f"{QT}/translations/qtbase_zh_CN.qm", "/x/qtbase_zh_CN.qm", "DATA"),
            (f"{QT}/translations/qtbase_de.qm", "/x/qtbase_de.qm", "DATA"),
            ("resources/demo/demo.json", "/x/demo.json", "DATA"),
            ("libQt6WaylandClient.so.6", f"{QT}/lib/libQt6WaylandClient.so.6", "SYMLINK"),
            ("libQt6Gui.so.6", f"{QT}/lib/libQt6Gui.so.6", "SYMLINK"),
        ],
        "datas",
    )
    assert [e[0] for e in kept] == [
        "resources/translations/qtbase_zh_CN.qm",
        "resources/demo/demo.json",
        "libQt6Gui.so.6",
    ]


def test_no_other_qt_binding_and_no_tls() -> None:
    for name in ("PyQt5", "PyQt6", "PySide2", "tkinter", "ssl", "_ssl"):
        assert name in rules.EXCLUDED_MODULES
