"""`kexie-desktop --self-test`: does this installation work, end to end, without a screen?

Run by the installer build on the bundle it has just made, and by a clerk's technician when
something seems wrong. Everything happens in a temporary folder: the clerk's data is not read.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from kexie_desktop import APP_NAME, __version__

if TYPE_CHECKING:
    from kexie_desktop.core.store import Store


class CheckFailed(Exception):
    """A check ran but found something wrong; the message says what, in Chinese."""


class Notice(Exception):
    """A check passed, but with something the person running it should know about."""


@dataclass
class _Outcome:
    label: str
    ok: bool
    detail: str
    seconds: float
    notice: bool = False


class SelfTest:
    """The checks, in order; each later one builds on what the earlier ones made."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.store: Store | None = None
        self.year = 0
        self.counts: dict[str, int] = {}
        self.ledger: Path | None = None

    def checks(self) -> list[tuple[str, Callable[[], str]]]:
        return [
            ("程序文件", self.check_files),
            ("图形界面（Qt，无屏幕方式）", self.check_qt),
            ("中文界面文字", self.check_translation),
            ("数据库与升级步骤", self.check_database),
            ("演示数据", self.check_demo),
            ("主窗口", self.check_window),
            ("年度工作总结（Word）", self.check_summary),
            ("台账（Excel）", self.check_ledger),
            ("导入（读回台账）", self.check_import),
            ("备份与检查", self.check_backup),
            ("附件、缩略图与图文台账", self.check_evidence),
            ("全文检索", self.check_full_text_search),
        ]

    def check_files(self) -> str:
        from kexie_desktop.core.paths import resources_dir

        missing = [
            name
            for name in ("demo/demo.json", "icons/kexie.svg", "style.qss")
            if not (resources_dir() / name).is_file()
        ]
        if missing:
            raise CheckFailed(f"缺少程序文件：{'、'.join(missing)}（在 {resources_dir()}）")
        bundled = "安装包" if getattr(sys, "frozen", False) else "源代码"
        return f"{bundled}，资源文件齐全"

    def check_qt(self) -> str:
        from PySide6.QtCore import QLibraryInfo, QPluginLoader, qVersion
        from PySide6.QtGui import QImageReader

        from kexie_desktop.ui.app import create_app

        app = create_app([sys.argv[0]])
        if app.platformName() != "offscreen":
            raise CheckFailed(f"应以无屏幕方式运行，实际为 {app.platformName()}")
        # The plugins that real use needs, loaded for real: a plugin whose system libraries
        # are missing (libxcb-cursor0, say) is there as a file but would not open a window.
        plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
        needed = _needed_plugins()
        for relative, purpose in needed:
            path = plugins / relative
            if not path.is_file():
                raise CheckFailed(f"缺少 Qt 插件 {relative}（{purpose}），在 {plugins}")
            loader = QPluginLoader(str(path))
            if not loader.load():
                reason = loader.errorString()
                raise CheckFailed(
                    f"Qt 插件 {relative}（{purpose}）无法载入，多半是缺少系统组件：{reason}"
                )
        if b"svg" not in [bytes(f.data()) for f in QImageReader.supportedImageFormats()]:
            raise CheckFailed("不能显示 SVG 图片，程序图标会缺失")
        if app.windowIcon().isNull():
            raise CheckFailed("程序图标没有载入")
        input_method = os.environ.get("QT_IM_MODULE") or "系统默认"
        return f"Qt {qVersion()}，{len(needed)} 个插件可以载入，输入法模块：{input_method}"

    def check_translation(self) -> str:
        from PySide6.QtCore import QCoreApplication

        from kexie_desktop.ui import app as app_module

        if not app_module._translators:
            raise CheckFailed("Qt 的中文翻译（qtbase_zh_CN）没有载入，按钮会显示英文")
        cancel = QCoreApplication.translate("QPlatformTheme", "Cancel")
        if cancel != "取消":
            raise CheckFailed(f"“Cancel”按钮翻译为“{cancel}”，不是“取消”")
        if sys.platform == "win32":
            # Offscreen Qt on Windows sees no system fonts; the window (Qt's Windows platform)
            # sees what Windows lists as installed.
            families = windows_font_families()
            font = next((n for n in app_module.CJK_FONT_CANDIDATES if n in families), None)
        else:
            font = app_module.choose_cjk_font()
        if font is None:
            hint = (
                "Windows 上应有“微软雅黑”，请检查系统字体"
                if sys.platform == "win32"
                else "Linux 上可安装 fonts-noto-cjk 或 fonts-wqy-microhei"
            )
            raise Notice(f"已载入，但没有找到常用的中文字体，中文可能显示为方框（{hint}）")
        return f"已载入（“Cancel”显示为“取消”），中文字体：{font}"

    def check_database(self) -> str:
        import sqlite3

        from kexie_desktop.core.migrations import known_names
        from kexie_desktop.core.store import Store

        self.store = Store.open(self.folder / "数据")
        applied = self.store.applied_migrations()
        if applied != known_names():
            raise CheckFailed(f"升级步骤不全：应为 {known_names()}，实际 {applied}")
        return f"新建数据库，{len(applied)} 个升级步骤完成，SQLite {sqlite3.sqlite_version}"

    def check_demo(self) -> str:
        from kexie_desktop.core.demo import load_demo

        assert self.store is not None
        result = load_demo(self.store)
        self.year = result.year
        self.counts = self.store.records.counts()
        if not all(self.counts.values()):
            raise CheckFailed(f"演示数据没有全部载入：{self.counts}")
        return result.summary()

    def check_window(self) -> str:
        from PySide6.QtCore import QCoreApplication, QEvent

        from kexie_desktop.ui.main_window import MainWindow

        assert self.store is not None
        window = MainWindow(self.store, self.folder / "数据")
        try:
            window.show()
            rows = window.activities_tab.model.rowCount()
            if rows == 0:
                raise CheckFailed("主窗口的活动列表是空的")
            return f"打开，{window.year_combo.currentText()}活动列表 {rows} 行"
        finally:
            window.close()
            window.deleteLater()
            # Gone now, not at some later turn of an event loop, when the store is closed.
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    def check_summary(self) -> str:
        from docx import Document

        from kexie_desktop.core.export import export_summary

        assert self.store is not None
        result = export_summary(self.store, self.year, self.folder / "总结.docx")
        text = "\n".join(p.text for p in Document(str(result.path)).paragraphs)
        if f"{self.year}年" not in text:
            raise CheckFailed("导出的总结读回后没有年度标题")
        return f"{result.rows['paragraphs']} 段，{result.size // 1024} KB，已读回"

    def check_ledger(self) -> str:
        from openpyxl import load_workbook  # type: ignore[import-untyped]

        from kexie_desktop.core.export import export_ledger
        from kexie_desktop.core.importing.mapping import COMPLETE_SUFFIX

        assert self.store is not None
        result = export_ledger(self.store, self.year, self.folder / "台账.xlsx", full_ids=True)
        workbook = load_workbook(result.path, read_only=True)
        try:
            sheets = workbook.sheetnames
        finally:
            workbook.close()
        # Each kind has a printed sheet and a complete one (ledger_export.COMPLETE_SUFFIX).
        expected = [*result.rows, *(f"{name}{COMPLETE_SUFFIX}" for name in result.rows)]
        if sheets != expected:
            raise CheckFailed(f"台账读回后工作表不对：{sheets}")
        self.ledger = result.path
        return "，".join(f"{name} {n} 行" for name, n in result.rows.items())

    def check_import(self) -> str:
        from kexie_desktop.core.importing.importer import apply, check
        from kexie_desktop.core.store import Store

        assert self.ledger is not None
        with Store.open(self.folder / "导入") as other:
            plan = check(other, self.ledger)
            if plan.problems:
                raise CheckFailed(f"台账读回时报告了问题：{plan.problems[0].text()}")
            result = apply(other, plan)
            counts = other.records.counts()
        for table in ("activities", "people", "awards"):
            if counts[table] != self.counts[table]:
                have, want = counts[table], self.counts[table]
                raise CheckFailed(f"导入后{table}为 {have} 条，应为 {want} 条")
        return result.summary()

    def check_backup(self) -> str:
        from kexie_desktop.core.backup import copy_database, inspect_backup

        assert self.store is not None
        info = copy_database(self.store.conn, self.folder / "备份.db")
        inspect_backup(info.path)
        return f"{info.path.stat().st_size // 1024} KB，完整性检查通过"

    def check_evidence(self) -> str:
        """Pillow is in the bundle and works: a photo is attached, its thumbnail made, the
        图文台账 written with it, and a stored file broken on purpose is reported."""
        import io

        from PIL import Image

        from kexie_desktop.core import attachments as att
        from kexie_desktop.core.evidence_export import export_evidence

        assert self.store is not None
        photo = self.folder / "自检照片.jpg"
        Image.effect_noise((2000, 1500), 40).convert("RGB").save(photo, "JPEG", quality=90)
        fake = self.folder / "伪装.jpg"
        fake.write_bytes(b"MZ" + bytes(200))
        activity = self.store.lists.ids("activities", year=self.year)[0]
        result = att.attach_files(self.store, "activities", activity, [photo, fake])
        if len(result.added) != 1 or len(result.refused) != 1:
            raise CheckFailed(f"附件检查不对：{result.summary()}")
        [added] = result.added
        assert added.sha256 is not None
        thumb = att.make_thumbnail(self.folder / "数据", added.sha256, added.file_type)
        if thumb is None:
            raise CheckFailed("照片的缩略图没有做出来（图像库 Pillow 不可用？）")
        exported = export_evidence(self.store, self.year, self.folder / "图文台账.docx")
        import zipfile

        with zipfile.ZipFile(exported.path) as archive:
            media = [n for n in archive.namelist() if n.startswith("word/media/")]
            with Image.open(io.BytesIO(archive.read(media[0]))) as image:
                printed = image.size
        if printed != (1600, 1200):
            raise CheckFailed(f"图文台账中的照片尺寸不对：{printed}")
        stored = added.path(self.folder / "数据")
        assert stored is not None
        stored.chmod(0o644)
        stored.write_bytes(stored.read_bytes()[:-1] + b"x")
        problems = att.check_stored_files(self.store)
        if [p.problem for p in problems] != ["已改变"]:
            raise CheckFailed("被改动的附件文件没有被发现")
        # A PNG (a screenshot, say) with a transparent half: the bundle carries only the Pillow
        # plugins the program uses (installer/bundle_rules.py), and PNG is one of them.
        screenshot = self.folder / "自检截图.png"
        picture = Image.new("RGBA", (600, 300), (200, 30, 30, 255))
        picture.paste((0, 0, 0, 0), (300, 0, 600, 300))
        picture.save(screenshot, "PNG")
        [png] = att.attach_files(self.store, "activities", activity, [screenshot]).added
        assert png.sha256 is not None
        png_thumb = att.make_thumbnail(self.folder / "数据", png.sha256, png.file_type)
        if png_thumb is None:
            raise CheckFailed("PNG 图片的缩略图没有做出来")
        with Image.open(png_thumb) as image:
            size, corner = image.size, image.convert("RGB").getpixel((image.width - 1, 0))
        white = isinstance(corner, tuple) and min(corner) >= 245  # JPEG: about white
        if size != (256, 128) or not white:  # the transparent half turns white
            raise CheckFailed(f"PNG 图片的缩略图不对：{size}，透明处为 {corner}")
        return "照片和 PNG 图片已添加、伪装的程序已拒绝，缩略图与图文台账正常，损坏的文件能被发现"

    def check_full_text_search(self) -> str:
        # Search as you type reads narrow, trigger-kept list tables (core/listing.py) rather
        # than SQLite's FTS5, so there is no FTS module to look for.
        return "程序不使用 SQLite 全文检索（搜索用自有的列表表），无需检查"

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None


def _needed_plugins() -> list[tuple[str, str]]:
    if sys.platform == "win32":
        return [
            ("platforms/qwindows.dll", "窗口"),
            ("iconengines/qsvgicon.dll", "图标"),
            ("imageformats/qsvg.dll", "SVG 图片"),
        ]
    if sys.platform == "darwin":
        return [("platforms/libqcocoa.dylib", "窗口")]
    return [
        ("platforms/libqxcb.so", "X11 窗口"),
        ("platforminputcontexts/libibusplatforminputcontextplugin.so", "中文输入法"),
        ("iconengines/libqsvgicon.so", "图标"),
        ("imageformats/libqsvg.so", "SVG 图片"),
    ]


_FONT_STYLES = (
    r"(?i)(\s+(regular|bold|italic|oblique|light|semilight|medium|semibold|black|thin"
    r"|extralight|heavy))+$"
)


def font_families_from_registry(names: list[str]) -> set[str]:
    """Families from the value names of Windows' Fonts registry keys, e.g.
    "Microsoft YaHei Bold & Microsoft YaHei UI Bold (TrueType)" → Microsoft YaHei (UI)."""
    import re

    families: set[str] = set()
    for name in names:
        name = re.sub(r"\s*\([^)]*\)\s*$", "", name).lstrip("@")  # "@": vertical text
        families.update(re.sub(_FONT_STYLES, "", part.strip()) for part in name.split("&"))
    families.discard("")
    return families


def windows_font_families() -> set[str]:
    """Font families Windows lists as installed, for the machine and for this user."""
    if sys.platform != "win32":
        return set()
    import winreg

    names: list[str] = []
    key_path = r"Software\Microsoft\Windows NT\CurrentVersion\Fonts"
    for root in (winreg.HKEY_LOCAL_MACHINE, winreg.HKEY_CURRENT_USER):
        try:
            key = winreg.OpenKey(root, key_path)
        except OSError:
            continue
        with key:
            index = 0
            while True:
                try:
                    names.append(winreg.EnumValue(key, index)[0])
                except OSError:
                    break
                index += 1
    return font_families_from_registry(names)


def _quiet_offscreen_limits(kind: object, context: object, message: str) -> None:
    # Without a screen Qt cannot size or raise native windows and says so; that is expected
    # here. Anything else it says is passed on.
    if "This plugin does not support" not in message:
        print(message, file=sys.stderr)


def run(out: TextIO | None = None) -> int:
    """Run every check and print a short report; 0 only if all of them worked."""
    out = out or sys.stdout
    if hasattr(out, "reconfigure"):
        # A Windows console or pipe in a legacy code page must not turn the report into a crash.
        out.reconfigure(errors="replace")
    # Before QApplication exists: the self-test must work with no screen at all.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if sys.platform == "win32" and "QT_QPA_FONTDIR" not in os.environ:
        # Offscreen Qt on Windows looks for a font folder inside the bundle, which has none, and
        # warns about it on every self-test. The system's folder stills that warning; which
        # fonts the window will have is asked of Windows itself (windows_font_families).
        windows = os.environ.get("SYSTEMROOT") or os.environ.get("WINDIR") or r"C:\Windows"
        os.environ["QT_QPA_FONTDIR"] = str(Path(windows) / "Fonts")
    from PySide6.QtCore import qInstallMessageHandler

    previous_handler = qInstallMessageHandler(_quiet_offscreen_limits)
    try:
        return _run_checks(out)
    finally:
        qInstallMessageHandler(previous_handler)


def _run_checks(out: TextIO) -> int:
    started = time.perf_counter()
    print(f"{APP_NAME} {__version__} 自检", file=out)
    outcomes: list[_Outcome] = []
    with tempfile.TemporaryDirectory(prefix="kexie-selftest-") as tmp:
        test = SelfTest(Path(tmp))
        try:
            for label, check in test.checks():
                t0 = time.perf_counter()
                mark = "通过"
                try:
                    detail, ok = check(), True
                except Notice as exc:
                    detail, ok, mark = str(exc), True, "注意"
                except CheckFailed as exc:
                    detail, ok = str(exc), False
                except Exception as exc:
                    detail, ok = f"{type(exc).__name__}: {exc}", False
                    traceback.print_exc(file=sys.stderr)
                outcome = _Outcome(label, ok, detail, time.perf_counter() - t0, mark == "注意")
                outcomes.append(outcome)
                mark = mark if ok else "失败"
                print(f"  [{mark}] {label}：{detail}", file=out)
                if not ok:
                    break  # the later checks build on this one
        finally:
            test.close()
    elapsed = time.perf_counter() - started
    failed = [o for o in outcomes if not o.ok]
    if failed or len(outcomes) != len(test.checks()):
        print(f"自检未通过：{failed[0].label}（用时 {elapsed:.1f} 秒）", file=out)
        return 1
    notes = [o for o in outcomes if o.notice]
    also = f"，其中 {len(notes)} 项请注意" if notes else ""
    print(f"自检通过：{len(outcomes)} 项全部正常{also}（用时 {elapsed:.1f} 秒）", file=out)
    return 0
