"""Where the clerk's data lives, and where the program's own resources are."""

from __future__ import annotations

import os
import sys
from pathlib import Path

DATA_DIR_ENV = "KEXIE_DATA_DIR"
DB_FILENAME = "kexie.db"
_APP_FOLDER = "KeXieDesktop"


def default_data_dir() -> Path:
    """The per-user application data folder, following each platform's convention."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.environ.get("APPDATA")
        root = Path(base) if base else Path.home() / "AppData" / "Local"
    elif sys.platform == "darwin":
        root = Path.home() / "Library" / "Application Support"
    else:
        xdg = os.environ.get("XDG_DATA_HOME")
        root = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return root / _APP_FOLDER


def resolve_data_dir(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """--data-dir wins over KEXIE_DATA_DIR, which wins over the per-user folder."""
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    return default_data_dir()


def resources_dir() -> Path:
    """The resources/ folder, both from a source checkout and inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent.parent / "resources"


def user_guide() -> Path | None:
    """The README (its first part is the clerk's guide): in the bundle, or in the checkout."""
    for candidate in (
        resources_dir() / "guide" / "README.md",
        resources_dir().parent / "README.md",
    ):
        if candidate.is_file():
            return candidate
    return None


def guide_text() -> str:
    """The clerk's part of the README (up to the developer section), as Markdown."""
    guide = user_guide()
    if guide is None:
        return ""
    text = guide.read_text(encoding="utf-8")
    end = text.find("\n## 开发者说明")
    return text if end < 0 else text[:end]
