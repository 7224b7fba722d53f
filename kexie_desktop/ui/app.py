"""Starting the GUI: Chinese translations, a CJK font, the style sheet, error handling."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from kexie_desktop import APP_NAME, __version__
from kexie_desktop.core.paths import resources_dir
from kexie_desktop.ui import ask

if TYPE_CHECKING:
    from kexie_desktop.core.store import Store, StoreError
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


_QT_TEXT_GAPS: Mapping[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): "查找范围(&L)：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
}


class _GapTranslator(QTranslator):
    """The few Qt texts that qtbase_zh_CN.qm lacks.

    Newer Qt (6.11, which the main package ships) gave two labels of its own file dialog (used
    on Linux, where there is no native one) new source texts with accelerators, "&Look in:"
    and "Files of &type:", but the Chinese catalogue that comes with it still only has the old
    "Look in:" and "Files of type:" (which Qt 6.9 uses, so there they were Chinese) — so every
    open/save dialog showed those two labels in English. Installed after the
    catalogue, this is asked first; for every other text it answers nothing, and Qt goes on to
    the catalogue.
    """

    def translate(
        self,
        context: str | bytes,
        source_text: str | bytes,
        disambiguation: str | bytes | None = None,
        n: int = -1,
    ) -> str | None:
        if isinstance(context, bytes):
            context = context.decode("utf-8", "replace")
        if isinstance(source_text, bytes):
            source_text = source_text.decode("utf-8", "replace")
        # None, not "": Qt takes an empty string for a translation and stops looking.
        return _QT_TEXT_GAPS.get((context, source_text))

    def isEmpty(self) -> bool:  # Qt's name
        return False


def install_chinese_translations(app: QApplication) -> bool:
    """Load Qt's own Chinese texts so standard buttons read 确定/取消/是/否 (once: a second call
    finds them installed and adds no second copy for every text lookup to walk through)."""
    if _translators:
        return True
    # From the name, not the enums: QLocale's enums are large to build at start-up.
    QLocale.setDefault(QLocale("zh_CN"))
    folders = [
        resources_dir() / "translations",
        Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
    ]
    for folder in folders:
        translator = QTranslator(app)
        if translator.load("qtbase_zh_CN", str(folder)):
            app.installTranslator(translator)
            _translators.append(translator)
            gaps = _GapTranslator(app)
            app.installTranslator(gaps)
            _translators.append(gaps)
            return True
    return False


def choose_cjk_font() -> str | None:
    families = set(QFontDatabase.families())
    for name in CJK_FONT_CANDIDATES:
        if name in families:
            return name
    return None


def input_method_fallback(environ: Mapping[str, str], plugins: Path) -> dict[str, str]:
    """Changes to QT_IM_MODULE / QT_IM_MODULES if the desktop asks for a module Qt cannot load.

    UOS, deepin and Kylin run fcitx and set QT_IM_MODULE=fcitx, but Qt's fcitx plugin belongs
    to the system's Qt, not to the Qt that comes with this program, so a clerk could not type
    Chinese. fcitx5 also answers on the IBus protocol, whose plugin Qt does carry.
    """
    available = [p.name for p in (plugins / "platforminputcontexts").glob("*")]
    if any("fcitx" in name for name in available) or not any("ibus" in n for n in available):
        return {}
    changes = {}
    if environ.get("QT_IM_MODULE", "").startswith("fcitx"):
        changes["QT_IM_MODULE"] = "ibus"
    # Qt 6.8 and later read this list first (e.g. "wayland;fcitx").
    if listed := environ.get("QT_IM_MODULES"):
        modules: list[str] = []
        for module in listed.split(";"):
            module = "ibus" if module.startswith("fcitx") else module
            if module not in modules:
                modules.append(module)
        if ";".join(modules) != listed:
            changes["QT_IM_MODULES"] = ";".join(modules)
    return changes


def create_app(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if not isinstance(existing, QApplication):
        plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
        os.environ.update(input_method_fallback(os.environ, plugins))
    app = existing if isinstance(existing, QApplication) else QApplication(argv or [sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("KeXie")
    # Names the .desktop file of the Linux package, so the menu entry and window go together.
    app.setDesktopFileName("kexie-desktop")
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
        sheet = style.read_text(encoding="utf-8")
        # Setting a style sheet re-styles every widget there is, even with the same sheet: the
        # tests, which call this before each test, spent 1 s a call on it (30 s of 28 dialogs).
        if app.styleSheet() != sheet:
            app.setStyleSheet(sheet)
    return app


def install_excepthook(log_dir: Path) -> None:
    """An unexpected error is logged to a file and told to the clerk in Chinese, not as a trace."""
    from kexie_desktop.core.privacy import mask_in_text

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        log_file = log_dir / "error.log"
        try:
            log_dir.mkdir(parents=True, exist_ok=True)
            # A traceback can quote the data being handled: no full ID number or phone in it.
            text = mask_in_text("".join(traceback.format_exception(exc_type, exc, tb)))
            with log_file.open("a", encoding="utf-8") as f:
                f.write(text + "\n")
        except OSError:
            pass
        from kexie_desktop.core.store import StoreError

        if isinstance(exc, StoreError):
            message = str(exc)
        else:
            message = (
                "程序遇到了一个意外问题，刚才的操作可能没有完成，已保存的数据不受影响。\n\n"
                f"详细情况已记录在：{log_file}\n如问题反复出现，请把这个文件交给技术人员。"
            )
        QMessageBox.warning(None, APP_NAME, message)

    sys.excepthook = hook


def start_gui(data_dir: Path) -> tuple[QApplication, MainWindow]:
    """Show the main window frame at once; open_data() fills it once the event loop runs."""
    from kexie_desktop.ui.main_window import MainWindow

    app = create_app()
    window = MainWindow(None, data_dir)
    window.show()
    return app, window


def open_data(window: MainWindow, data_dir: Path) -> Store | None:
    """Open the database into the shown window; None (after telling the clerk) if it can't.

    A damaged database is never opened: it is moved aside and the newest good backup offered.
    """
    from kexie_desktop.core.health import DamagedDatabase, check_database, remove_leftovers
    from kexie_desktop.core.store import Store, StoreError

    remove_leftovers(data_dir)  # of backups or a restore cut short by a killed program
    try:
        check_database(data_dir)
    except DamagedDatabase as exc:
        if not _recover_from_backup(window, data_dir, exc):
            return None
    except StoreError as exc:
        QMessageBox.critical(window, APP_NAME, str(exc))
        return None
    try:
        store = Store.open(data_dir)
    except StoreError as exc:
        QMessageBox.critical(window, APP_NAME, str(exc))
        return None
    install_excepthook(data_dir / "logs")
    _daily_backup(window, store, data_dir)
    window.attach(store)
    return store


def _recover_from_backup(window: MainWindow, data_dir: Path, damage: StoreError) -> bool:
    """Move the damaged file aside, then offer the newest good backup; True if it is in place."""
    from kexie_desktop.core.backup import BACKUP_FOLDER, BackupError, inspect_backup
    from kexie_desktop.core.health import newest_good_backup, put_backup_in_place, set_aside
    from kexie_desktop.core.store import StoreError

    try:
        aside = set_aside(data_dir)
    except StoreError as exc:
        QMessageBox.critical(window, APP_NAME, f"{damage}\n\n{exc}")
        return False
    kept = (
        f"{damage}\n\n损坏的文件已原样移到：\n{aside}\n"
        "（没有删除，可以交给技术人员尝试找回其中的数据。）"
    )
    backup = newest_good_backup(data_dir)
    try:
        info = inspect_backup(backup) if backup else None
    except BackupError:  # changed since it was found; treated as none
        info = None
    if backup is None or info is None:
        QMessageBox.critical(
            window,
            "数据文件已损坏",
            f"{kept}\n\n在 {data_dir / BACKUP_FOLDER} 中没有找到完好的备份。程序将退出，"
            "再次打开时从空白的数据开始；如有别处的备份（如U盘上的），"
            "那时可用“文件 → 从备份恢复”恢复。",
        )
        return False
    if not ask.confirm(
        window,
        "数据文件已损坏",
        f"{kept}\n\n最近的一份完好备份是 {backup.name}：\n{info.describe()}\n\n"
        "要从最近的备份恢复吗？选“否”则退出程序，什么也不会删除"
        "（再次打开时从空白的数据开始，仍可用“文件 → 从备份恢复”恢复这份备份）。",
        default_yes=True,  # nothing is lost either way; restoring is what the clerk wants
    ):
        return False
    try:
        put_backup_in_place(data_dir, backup)
    except (StoreError, BackupError) as exc:
        QMessageBox.critical(window, APP_NAME, f"没有能从备份恢复：{exc}")
        return False
    window.statusBar().showMessage(f"已从最近的备份恢复：{info.describe()}", 30_000)
    return True


def _daily_backup(window: MainWindow, store: Store, data_dir: Path) -> None:
    """The first start of a day keeps a copy in backups/; a failure is said, not fatal."""
    from kexie_desktop.core.backup import BackupError, automatic_backup

    try:
        automatic_backup(store.conn, data_dir)
    except (BackupError, OSError) as exc:
        window.statusBar().showMessage(f"今天的自动备份没有完成：{exc}", 20_000)


def run_gui(data_dir: Path) -> int:
    """The program: one at a time per data folder, for as long as the window is open."""
    from kexie_desktop.core.instance_lock import AlreadyRunning, InstanceLock, LockUnavailable

    lock = InstanceLock(data_dir)
    try:
        lock.acquire()
    except AlreadyRunning as exc:
        from kexie_desktop.ui.instance import ask_running_to_come_forward

        create_app()
        ask_running_to_come_forward(data_dir)
        QMessageBox.warning(None, APP_NAME, str(exc))
        return 1
    except LockUnavailable as exc:
        create_app()
        QMessageBox.critical(None, APP_NAME, str(exc))
        return 1
    try:
        return _run_window(data_dir, warning=lock.warning)
    finally:
        lock.release()


# Set by bench/bench_bundle.py to time the installed program and the source checkout alike.
STARTUP_PROBE_ENV = "KEXIE_STARTUP_PROBE"


def _probe_startup(app: QApplication) -> None:
    """Print when the window was shown and when its data was in, then quit."""
    import time

    times: list[float] = []

    def shown() -> None:
        # The first turn of the event loop, as in bench/_start_app.py; the data is filled in
        # by the turn queued before this one's follow-up.
        times.append(time.time())
        QTimer.singleShot(0, report)

    def report() -> None:
        print(f"{times[0]:.6f} {time.time():.6f}", flush=True)
        app.quit()

    QTimer.singleShot(0, shown)


def _run_window(data_dir: Path, *, warning: str = "") -> int:
    app, window = start_gui(data_dir)
    opened: list[Store] = []

    def fill() -> None:
        store = open_data(window, data_dir)
        if store is None:
            app.exit(1)
            return
        opened.append(store)
        if warning:  # a folder without file locks: the clerk must know two PCs could collide
            QMessageBox.warning(window, APP_NAME, warning)
        # After the data is shown: QtNetwork is not loaded before the first screen.
        from kexie_desktop.ui.instance import listen_for_second_start

        listen_for_second_start(window, data_dir)
        from kexie_desktop.ui.attachments_panel import check_attachments_in_background

        check_attachments_in_background(window, store)
        if not store.settings.has_profile():
            window.first_start()

    if os.environ.get(STARTUP_PROBE_ENV):
        _probe_startup(app)
    QTimer.singleShot(0, fill)
    code = app.exec()
    for store in opened:
        store.close()
    return int(code)
