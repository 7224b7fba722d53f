import os
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from kexie_desktop.core.store import StoreError
from kexie_desktop.ui import app as app_module


def test_qt_own_texts_are_chinese(qapp: QApplication) -> None:
    assert app_module.install_chinese_translations(qapp)
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Yes | QDialogButtonBox.StandardButton.No)
    assert box.button(QDialogButtonBox.StandardButton.Yes).text() == "是(&Y)"
    assert box.button(QDialogButtonBox.StandardButton.No).text() == "否(&N)"


def test_a_cjk_font_is_chosen_when_one_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        app_module.QFontDatabase,
        "families",
        staticmethod(lambda *a: ["DejaVu Sans", "Noto Sans CJK SC"]),
    )
    assert app_module.choose_cjk_font() == "Noto Sans CJK SC"
    monkeypatch.setattr(
        app_module.QFontDatabase, "families", staticmethod(lambda *a: ["Microsoft YaHei", "SimSun"])
    )
    assert app_module.choose_cjk_font() == "Microsoft YaHei"


def test_unexpected_errors_are_logged_and_told_in_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    app_module.install_excepthook(tmp_path / "logs")
    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError:
        sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    assert "意外问题" in shown[0] and "Traceback" not in shown[0]
    assert "ZeroDivisionError" in (tmp_path / "logs" / "error.log").read_text(encoding="utf-8")
    try:
        raise StoreError("数据库已损坏")
    except StoreError:
        sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    assert shown[1] == "数据库已损坏"


def test_run_gui_reports_an_unopenable_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[Any] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "kexie.db").write_bytes(b"garbage" * 1000)
    assert app_module.run_gui(data_dir) == 1
    # Found by the start-up check and kept aside (tests/ui/test_startup_checks.py).
    assert "已损坏" in shown[0]


def test_start_up_imports_no_heavy_modules(tmp_path: Path) -> None:
    """python-docx and openpyxl (and sqlite-utils, needed only to write) stay out of start-up."""
    import subprocess

    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from kexie_desktop.ui.app import open_data, start_gui\n"
        f"app, window = start_gui(Path({str(tmp_path / 'data')!r}))\n"
        f"store = open_data(window, Path({str(tmp_path / 'data')!r}))\n"
        "app.processEvents()\n"
        "print(window.activities_tab.model.loaded)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'docx', 'openpyxl', 'lxml'}))\n"
    )
    # A first start creates the database (migrations need sqlite-utils); the second is the
    # everyday start-up.
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    out = subprocess.run(
        [sys.executable, "-c", code + "print('sqlite_utils' in sys.modules)\n"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\n")
    assert out[:3] == ["True", "[]", "False"]


IBUS_ONLY = ["libibusplatforminputcontextplugin.so", "libcomposeplatforminputcontextplugin.so"]


@pytest.mark.parametrize(
    ("environ", "plugins", "changes"),
    [
        # UOS / deepin / Kylin: fcitx asked for, only Qt's own ibus plugin bundled.
        ({"QT_IM_MODULE": "fcitx"}, IBUS_ONLY, {"QT_IM_MODULE": "ibus"}),
        ({"QT_IM_MODULE": "fcitx5"}, IBUS_ONLY, {"QT_IM_MODULE": "ibus"}),
        # Qt 6.8 and later read the list first.
        (
            {"QT_IM_MODULE": "fcitx", "QT_IM_MODULES": "wayland;fcitx;ibus"},
            IBUS_ONLY,
            {"QT_IM_MODULE": "ibus", "QT_IM_MODULES": "wayland;ibus"},
        ),
        ({"QT_IM_MODULES": "ibus;compose"}, IBUS_ONLY, {}),
        # A Qt that does have the fcitx plugin keeps it.
        ({"QT_IM_MODULE": "fcitx"}, ["libfcitx5platforminputcontextplugin.so", *IBUS_ONLY], {}),
        ({"QT_IM_MODULE": "ibus"}, IBUS_ONLY, {}),
        ({}, IBUS_ONLY, {}),
        ({"QT_IM_MODULE": "fcitx"}, [], {}),
    ],
)
def test_an_input_method_qt_cannot_load_falls_back_to_ibus(
    tmp_path: Path, environ: dict[str, str], plugins: list[str], changes: dict[str, str]
) -> None:
    from kexie_desktop.ui.app import input_method_fallback

    folder = tmp_path / "platforminputcontexts"
    folder.mkdir()
    for name in plugins:
        (folder / name).write_bytes(b"")
    assert input_method_fallback(environ, tmp_path) == changes


def test_the_bundled_qt_has_the_ibus_plugin_the_fallback_needs() -> None:
    from PySide6.QtCore import QLibraryInfo

    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    names = [p.name for p in (plugins / "platforminputcontexts").glob("*")]
    assert any("ibus" in name for name in names), names
