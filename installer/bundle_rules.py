"""What goes into a PyInstaller bundle, and what is left to the system.

Shared by the program's spec (kexie-desktop.spec) and the empty-window reference spec used by the
size benchmark, so that both bundles are built the same way and their sizes compare fairly.
Plain Python with no PyInstaller import, so the rules are unit-tested on their own.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from collections.abc import Iterable
from pathlib import PurePath

# Python modules that a desktop program with no network access never runs. Other Qt bindings
# are listed so a stray import elsewhere cannot drag a second Qt into the bundle.
EXCLUDED_MODULES = [
    "tkinter",
    "_tkinter",
    "PyQt5",
    "PyQt6",
    "PySide2",
    "shiboken2",
    "test",
    "unittest",
    "pydoc",
    "readline",
    # TLS: the program opens no connection (the stdlib modules that mention ssl import it
    # optionally), and dropping it drops the dependency on the system's OpenSSL.
    "ssl",
    "_ssl",
    "_hashlib",
    # lxml's extras: the program and its libraries use lxml.etree only.
    "lxml.objectify",
    "lxml.html",
    "lxml.isoschematron",
    # Qt's D-Bus library is needed (by the ibus input method); its Python module is not.
    "PySide6.QtDBus",
    # lxml's doctest helpers (they pull in doctest and pdb), SAX bridge (xml.sax, which pulls in
    # urllib.request), E-factory, XInclude and CSS selectors: nothing here imports them.
    "lxml.doctestcompare",
    "lxml.usedoctest",
    "lxml.sax",
    "lxml.builder",
    "lxml.ElementInclude",
    "lxml.cssselect",
    # Standard library the analysis finds only through the modules above or through code paths
    # the program never takes (about 1.1 MB of the Windows bundle with those below; issue 10):
    #   asyncio: typing_extensions imports it only for @deprecated on a coroutine function;
    #   multiprocessing: concurrent.futures' process pool (evidence_export uses the thread pool);
    #   doctest, pdb: lxml.doctestcompare; urllib.request, http.client, ftplib, xmlrpc: xml.sax
    #   (through lxml.sax) and multiprocessing; webbrowser: click's terminal helpers
    #   (click._termui_impl: pagers, editors, progress bars, which sqlite-utils' library part
    #   never calls); _pydecimal: decimal's pure-Python fallback, the C _decimal is bundled.
    "asyncio",
    "multiprocessing",
    "concurrent.futures.process",
    "doctest",
    "pdb",
    "urllib.request",
    "http.client",
    "http.cookiejar",
    "http.server",
    "ftplib",
    "xmlrpc",
    "cgi",
    "webbrowser",
    "click._termui_impl",
    "_pydecimal",
    # email and importlib.metadata: pluggy reads installed packages' entry points with them when
    # sqlite-utils loads its plugins, which the program turns off (Database(...,
    # execute_plugins=False) in core/store/__init__.py and core/backup.py); tarfile: shutil's
    # archive functions; difflib: click's "did you mean" for a mistyped option; dateutil.rrule:
    # recurrence rules (sqlite-utils imports only dateutil.parser); _zoneinfo: zoneinfo's C
    # class, which falls back to its Python twin, and the program never looks a zone up.
    "email",
    "importlib.metadata",
    "tarfile",
    "difflib",
    "dateutil.rrule",
    "_zoneinfo",
    # The IANA time-zone database (600 kB on Windows, where PyInstaller's zoneinfo hook adds it):
    # the program shows times in the computer's own zone (datetime.astimezone()) and never
    # looks a zone up by name. zoneinfo itself stays: dateutil (sqlite-utils) imports it.
    "tzdata",
    # Pillow reads JPEG and PNG attachments only (core/attachments/images.py opens them with
    # formats=["JPEG"] or ["PNG"]) and writes JPEG: its AVIF and WebP codecs (libavif alone is
    # 4.9 MB), text drawing (FreeType and HarfBuzz, 2.7 MB), colour management and Tk/Qt bridges
    # are not bundled, nor any file-format plugin but PILLOW_PLUGINS_KEPT's (below). Image.init()
    # skips a plugin that fails to import; the self-test's 附件 check attaches a JPEG and a PNG on
    # the bundle and would fail if anything needed were missing.
    "PIL._avif",
    "PIL._webp",
    "PIL._imagingft",
    "PIL.ImageFont",
    "PIL._imagingcms",
    "PIL.ImageCms",
    "PIL._imagingtk",
    "PIL.ImageTk",
    "PIL.ImageQt",
    # Image.show()'s viewers (subprocess, temporary files) and the PDF writer's parser.
    "PIL.ImageShow",
    "PIL.PdfParser",
]

# Pillow's file-format plugins bundled: JPEG and PNG (read and, for JPEG, written), MPO (what
# JpegImagePlugin turns a phone's multi-picture JPEG into), TIFF (Image.Exif reads EXIF, needed to
# turn photos upright, through TiffImagePlugin). Every other *ImagePlugin of the installed Pillow
# (GIF, BMP, EPS, PSD, AVIF, WebP, ... 43 in Pillow 13) is excluded: that is also fewer decoders
# within reach of an untrusted file.
PILLOW_PLUGINS_KEPT = {"JpegImagePlugin", "MpoImagePlugin", "PngImagePlugin", "TiffImagePlugin"}


def pillow_plugins_excluded() -> list[str]:
    """PIL.<name>ImagePlugin modules of the installed Pillow that are not bundled (none if Pillow
    is not installed, as for the empty-window reference, which does not import it)."""
    spec = importlib.util.find_spec("PIL")
    if spec is None or not spec.submodule_search_locations:
        return []
    names = {
        PurePath(entry.name).stem
        for folder in spec.submodule_search_locations
        for entry in os.scandir(folder)
        if entry.name.endswith(("ImagePlugin.py", "ImagePlugin.pyc"))
    }
    return [f"PIL.{name}" for name in sorted(names - PILLOW_PLUGINS_KEPT)]


EXCLUDED_MODULES += pillow_plugins_excluded()

# Qt plugins kept, by folder, by the name without "lib" and extension. Everything else
# (network information, TLS, Wayland, EGLFS, input devices, GTK theme, ...) is dropped: the
# program draws with widgets on X11 (XWayland on Wayland desktops) or Windows.
QT_PLUGINS_KEPT: dict[str, set[str]] = {
    "platforms": {"qxcb", "qoffscreen", "qwindows", "qcocoa"},
    # Chinese input methods: ibus directly, fcitx5 through its ibus front end.
    "platforminputcontexts": {
        "composeplatforminputcontextplugin",
        "ibusplatforminputcontextplugin",
    },
    "xcbglintegrations": {"qxcb-glx-integration", "qxcb-egl-integration"},
    "iconengines": {"qsvgicon"},
    "imageformats": {"qsvg", "qico"},
    "styles": {"qmodernwindowsstyle", "qwindowsvistastyle"},
    # 打印当前列表: CUPS on Linux (the .deb then depends on libcups2), the spooler on Windows.
    "printsupport": {"cupsprintersupport", "windowsprintersupport"},
}

# Qt libraries needed only by plugins that are dropped.
QT_LIBRARIES_DROPPED = {
    "Qt6EglFSDeviceIntegration",
    "Qt6EglFsKmsSupport",
    "Qt6WaylandClient",
    "Qt6WlShellIntegration",
    "Qt6WaylandEglClientHwIntegration",
    "Qt6OpenGL",
}

# Qt's own Chinese texts (确定/取消 on standard buttons) are bundled by the spec under
# resources/translations, where the program looks first; Qt's folder of all languages is dropped.
TRANSLATIONS_FOLDER = "resources"

# Linux: libraries from the system's library folders are not copied: the .deb depends on the
# packages that provide them, so the program uses the desktop's own X11, OpenGL and fonts.
# SQLite is the exception: the database file format and SQL features must not vary by system.
_SYSTEM_LIBRARY_DIRS = ("/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/")
SYSTEM_LIBRARIES_BUNDLED = re.compile(r"^libsqlite3\.so")
_PYTHON_DIR = re.compile(r"/python3(\.\d+)?/")


def _stem(name: str) -> str:
    base = PurePath(name).name
    base = re.sub(r"\.(so(\.\d+)*|dll|dylib)$", "", base)
    return base[3:] if base.startswith("lib") else base


def is_system_library(source: str, platform: str = sys.platform) -> bool:
    """A shared library that the Linux package takes from the system rather than bundling."""
    if not platform.startswith("linux"):
        return False
    name = PurePath(source).name
    if name.startswith("libpython") or SYSTEM_LIBRARIES_BUNDLED.match(name):
        return False
    # Python itself: a distribution's Python keeps its own extension modules (_sqlite3, ...)
    # under /usr/lib/python3.X, which are part of the program, not of the desktop.
    if ".cpython-" in name or _PYTHON_DIR.search(source):
        return False
    return source.startswith(_SYSTEM_LIBRARY_DIRS)


def keep_binary(dest: str, source: str, platform: str = sys.platform) -> bool:
    """Whether a binary (dest inside the bundle, source on the build machine) is bundled."""
    parts = PurePath(dest.replace("\\", "/")).parts
    if "plugins" in parts:
        i = parts.index("plugins")
        if len(parts) < i + 3:
            return False
        folder, name = parts[i + 1], parts[-1]
        return _stem(name) in QT_PLUGINS_KEPT.get(folder, set())
    name = parts[-1]
    if _stem(name) in QT_LIBRARIES_DROPPED:
        return False
    return not is_system_library(source, platform)


# python-docx's package data that it never reads: default-docx-template/ is the unzipped
# source of templates/default.docx (which docx.Document() opens), 0.9 MB with two copies of
# Word's 438 kB style sheet. python-docx 1.2 reads templates/default.docx and
# templates/default-{styles,settings,header,footer,comments}.xml only (docx/api.py, docx/parts/).
DATA_DROPPED = (("docx", "templates", "default-docx-template"),)


def keep_data(dest: str, typecode: str = "DATA") -> bool:
    """Whether a data file (or a symbolic link to a library) is bundled."""
    parts = PurePath(dest.replace("\\", "/")).parts
    if any(parts[: len(prefix)] == prefix for prefix in DATA_DROPPED):
        return False
    if typecode == "SYMLINK":
        return _stem(parts[-1]) not in QT_LIBRARIES_DROPPED
    if parts[-1].endswith(".qm"):
        return parts[0] == TRANSLATIONS_FOLDER
    return True


def filter_toc(
    entries: Iterable[tuple[str, str, str]], keep: str, platform: str = sys.platform
) -> list[tuple[str, str, str]]:
    """PyInstaller's (dest, source, typecode) entries that the rules keep."""
    if keep == "binaries":
        return [e for e in entries if keep_binary(e[0], e[1], platform)]
    return [e for e in entries if keep_data(e[0], e[2])]
