"""What every part of the store shares: its errors, the time stamp, and small SQL helpers.

A part is one subject of the database (records, the 回收站, lists, imports, ...). It reads
through the store's sqlite3 connection and writes through sqlite-utils inside the store's
transactions; it never opens a connection of its own.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database

    from kexie_desktop.core.store import Store


class StoreError(Exception):
    """A problem with the database; the message is Chinese and may be shown to the clerk."""


class RecordNotFound(StoreError):
    pass


class NewerDatabaseError(StoreError):
    pass


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Part:
    """One subject of the store, reached as an attribute of it (`store.records`, ...)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.conn: sqlite3.Connection = store.conn

    @property
    def db(self) -> Database:
        # sqlite-utils only on the first write (see Store.db).
        return self.store.db

    def exists(self, table: str, record_id: int) -> bool:
        row = self.conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", [record_id]).fetchone()
        return row is not None


def dicts(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    """The rows of a query as dicts keyed by column name."""
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def first(cursor: sqlite3.Cursor) -> dict[str, Any] | None:
    """The first row of a query as a dict, or None."""
    row = cursor.fetchone()
    return None if row is None else dict(zip([d[0] for d in cursor.description], row, strict=True))


# Who won an award and the unit it credits, over the aliases w (the award), p (the person),
# pu (the person's unit) and u (the award's unit): the summary and the ledgers (own and
# subordinates') word a winner the same way.
AWARD_WINNER_COLUMNS = """CASE WHEN p.id IS NOT NULL THEN '个人' WHEN w.team <> '' THEN '集体'
                 WHEN u.id IS NOT NULL THEN '单位' ELSE '' END AS winner_kind,
            COALESCE(p.name, NULLIF(w.team, ''), u.name, '') AS winner,
            COALESCE(pu.name, CASE WHEN w.team <> '' THEN u.name END, '') AS winner_unit"""
AWARD_WINNER_JOINS = """LEFT JOIN people p ON p.id = w.person_id
            LEFT JOIN units pu ON pu.id = p.unit_id
            LEFT JOIN units u ON u.id = w.unit_id"""


def year_range(column: str, year: int | None) -> tuple[str, list[object]]:
    if year is None:
        return "1", []
    return f"{column} >= ? AND {column} < ?", [f"{year:04d}-01-01", f"{year + 1:04d}-01-01"]


def chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
