"""SQLite's English errors in words a clerk can act on.

"attempt to write a readonly database" or "disk I/O error" tells a clerk nothing; what they can
do about a full disk, a write-protected stick or a folder without permission is the same every
time, so the message is chosen by SQLite's error code, not by its text.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

# The primary result codes (the low byte of an extended code).
_FULL = sqlite3.SQLITE_FULL
_READONLY = sqlite3.SQLITE_READONLY
_PERM = sqlite3.SQLITE_PERM
_CANTOPEN = sqlite3.SQLITE_CANTOPEN
_IOERR = sqlite3.SQLITE_IOERR
_BUSY = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
_DAMAGED = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
# Codes that say the place is the problem, not the data: a write there cannot succeed now.
PLACE_CODES = frozenset({_FULL, _READONLY, _PERM, _CANTOPEN, _IOERR})


def primary_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def is_place_problem(exc: sqlite3.Error) -> bool:
    """A full, read-only, permission-less or vanished place, as opposed to bad data."""
    return primary_code(exc) in PLACE_CODES


def describe(exc: sqlite3.Error, folder: Path | None = None) -> str:
    """A Chinese sentence for the error; `folder` is where the database file lives."""
    code = primary_code(exc)
    where = f"“{folder}”" if folder is not None else "数据所在的位置"
    if code == _FULL:
        return f"{where}所在的磁盘或U盘空间已满，没有写入。请清理空间后重试。"
    if code in (_READONLY, _PERM):
        return (
            f"{where}是只读的或没有写入权限，没有写入"
            "（U盘是否打开了写保护？文件夹是否设为只读？）。"
        )
    if code == _CANTOPEN:
        return f"无法打开{where}中的数据文件：文件夹不存在、没有权限，或U盘已被拔出。"
    if code == _IOERR:
        return f"读写{where}时出错（磁盘或U盘可能接触不良或已被拔出），没有写入。"
    if code in _BUSY:
        return "数据正被另一个程序使用，请稍后再试。"
    if code in _DAMAGED:
        return "数据文件已损坏或不是数据库文件。"
    return f"数据库出错：{exc}"


__all__ = ["PLACE_CODES", "describe", "is_place_problem", "primary_code"]
