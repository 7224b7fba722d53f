"""Starting the GUI: Chinese translations, a CJK font, the style sheet, error handling."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from kexie_desktop import APP_NAME, __version__
from kexie_desktop.core.paths import resources_dir
from kexie_desktop.core.store import Store, StoreError

if TYPE_CHECKING:
    from kexie_desktop.ui.main_window import MainWindow

# Fonts that Chinese Windows, UOS/Kylin/deepin and common Linux desktops carry, best first.
CJK_FONT_CANDIDATES = (
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "微软雅黑",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "思源黑体",
    "WenQuanYi Micro Hei",
    "文泉驿微米黑",
    "Droid Sans Fallback",
    "SimHei",
    "SimSun",
)
_translators: list[QTranslator] = []


def install_chinese_translations(app: QApplication) -> bool:
    """Load Qt's own Chinese texts so standard buttons read 确定/取消/是/否."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    folders = [
        resources_dir() / "translations",
        Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
    ]
    for folder in folders:
        translator = QTranslator(app)
        if translator.load("qtbase_zh_CN", str(folder)):
            app.installTranslator(translator)
            _translators.append(translator)
            return True
    return False


def choose_cjk_font() -> str | None:
    families = set(QFontDatabase.families())
    for name in CJK_FONT_CANDIDATES:
        if name in families:
            return name
    return None


def create_app(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or [sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("KeXie")
    install_chinese_translations(app)
    family = choose_cjk_font()
    if family:
        font = QFont(family)
        font.setPointSizeF(max(app.font().pointSizeF(), 10.5))
        app.setFont(font)
    icon = resources_dir() / "icons" / "kexie.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    style = resources_dir() / "style.qss"
    if style.exists():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    return app


def install_excepthook(log_dir: Path) -> None:
    """An unexpected error is logged to a file and told to the clerk in Chinese, not as a trace."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        log_file = log_dir / "error.log"
        try:
            log_dir.mkdir(parents=True, exist_ok=True)
            with log_file.open("a", encoding="utf-8") as f:
                f.write("".join(traceback.format_exception(exc_type, exc, tb)) + "\n")
        except OSError:
            pass
        if isinstance(exc, StoreError):
            message = str(exc)
        else:
            message = (
                "程序遇到了一个意外问题，刚才的操作可能没有完成，已保存的数据不受影响。\n\n"
                f"详细情况已记录在：{log_file}\n如问题反复出现，请把这个文件交给技术人员。"
            )
        QMessageBox.warning(None, APP_NAME, message)

    sys.excepthook = hook


def start_gui(data_dir: Path) -> tuple[QApplication, MainWindow, Store] | None:
    """Open the store and show the main window; None (after telling the clerk) if it can't."""
    from kexie_desktop.ui.main_window import MainWindow

    app = create_app()
    try:
        store = Store.open(data_dir)
    except StoreError as exc:
        QMessageBox.critical(None, APP_NAME, str(exc))
        return None
    install_excepthook(data_dir / "logs")
    window = MainWindow(store, data_dir)
    window.show()
    return app, window, store


def run_gui(data_dir: Path) -> int:
    started = start_gui(data_dir)
    if started is None:
        return 1
    app, window, store = started
    if not store.has_profile():
        window.first_start()
    code = app.exec()
    store.close()
    return int(code)
