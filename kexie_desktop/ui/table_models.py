"""One table model per kind of record, fed by SQL: the database filters and sorts.

A model holds the ordered ids of the matching records, and the rows on screen are fetched in
pages as the view asks for them, so 100,000 activities scroll without loading them all. Without a
search even the ids come in slices as the view scrolls: the count alone sizes the scroll bar.
A model loads nothing until reload() is first called (its tab is shown).
"""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from kexie_desktop.core.listing import LISTINGS, Listing
from kexie_desktop.core.privacy import mask_id_number, mask_phone
from kexie_desktop.core.records import Activity, Award, Person, Record, Unit
from kexie_desktop.core.store import RecordNotFound, Store

# data() under this role returns the record itself (a core dataclass), loaded fresh.
RecordRole = Qt.ItemDataRole.UserRole + 1
IdRole = Qt.ItemDataRole.UserRole + 2

_PAGE = 200
_MAX_CACHED_PAGES = 50
_ID_SLICE = 2000
_Index = QModelIndex | QPersistentModelIndex


class RecordTableModel(QAbstractTableModel):
    """Base of the four models; subclasses name their record type and column constants."""

    RECORD_TYPE: ClassVar[type[Record]]
    NUMERIC_KEYS: ClassVar[frozenset[str]] = frozenset()
    # Emitted after every reload, with (shown, total) counts for the status line.
    counts_changed = Signal(int, int)

    def __init__(self, store: Store, parent: Any = None):
        super().__init__(parent)
        self.store = store
        self.listing: Listing = LISTINGS[self.RECORD_TYPE.TABLE]
        self._ids: list[int] = []
        self._count = 0
        self._pages: dict[int, dict[int, dict[str, Any]]] = {}
        self._search = ""
        self._filters: dict[str, str] = {}
        self._year: int | None = None
        self._sort_key: str | None = None
        self._descending = False
        self._total = 0
        self.show_full_private = False
        self.loaded = False
        self._data_version = -1
        self._reload_pending = False

    # -- what is shown -------------------------------------------------------------------

    @property
    def year(self) -> int | None:
        return self._year

    @property
    def search_text(self) -> str:
        return self._search

    def set_search(self, text: str) -> None:
        if text != self._search:
            self._search = text
            if self.loaded:
                self.reload()

    @property
    def filters(self) -> dict[str, str]:
        return dict(self._filters)

    def set_filter(self, key: str, value: str | None) -> None:
        """Only records whose column `key` shows `value`; None for all."""
        if value is None:
            changed = self._filters.pop(key, None) is not None
        else:
            changed = self._filters.get(key) != value
            self._filters[key] = value
        if changed and self.loaded:
            self.reload()

    def set_year(self, year: int | None) -> None:
        if self.listing.year_key is None:
            return
        if year != self._year:
            self._year = year
            if self.loaded:
                self.reload()

    def set_show_full_private(self, full: bool) -> None:
        self.show_full_private = full
        if self._count:
            self.dataChanged.emit(
                self.index(0, 0), self.index(self._count - 1, self.columnCount() - 1)
            )

    def _query_ids(self, limit: int = -1, offset: int = 0) -> list[int]:
        return self.store.lists.ids(
            self.listing.table,
            search=self._search,
            year=self._year,
            sort_key=self._sort_key,
            descending=self._descending,
            limit=limit,
            offset=offset,
            filters=self._filters,
        )

    def _load_ids(self) -> None:
        self._data_version = self.store.data_version()
        if self._search.split():
            # A search reads every row anyway; take all matching ids in that one pass.
            self._ids = self._query_ids()
            self._count = len(self._ids)
        else:
            self._count = self.store.lists.count(
                self.listing.table, year=self._year, filters=self._filters
            )
            self._ids = self._query_ids(limit=_ID_SLICE)
        self._pages.clear()

    def reload(self) -> None:
        self._reload_pending = False
        self.loaded = True
        self.beginResetModel()
        self._load_ids()
        self.endResetModel()
        if self._search.split() or self._filters:
            self._total = self.store.lists.count(self.listing.table, year=self._year)
        else:
            self._total = self._count
        self.counts_changed.emit(self._count, self._total)

    @property
    def total(self) -> int:
        return self._total

    # -- Qt model interface --------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.listing.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(self.listing.columns):
                return self.listing.columns[section].header
            return None
        return section + 1

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < self._count):
            return None
        record_id = self.id_at(index.row())
        if record_id < 0:
            return None
        if role == IdRole:
            return record_id
        if role == RecordRole:
            try:
                return self.store.records.get(self.RECORD_TYPE, record_id)
            except RecordNotFound:
                return None
        column = self.listing.columns[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column.key in self.NUMERIC_KEYS:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.ForegroundRole,
        ):
            return None
        row = self._row(index.row())
        if row is None:
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            return self.foreground(row)
        text = self.cell_text(column.key, row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return text if len(text) > 12 else None
        return text

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.listing.columns):
            return
        self._sort_key = self.listing.columns[column].key
        self._descending = order == Qt.SortOrder.DescendingOrder
        if not self.loaded:
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        kept = [(self.id_at(i.row()), i.column()) if i.isValid() else None for i in persistent]
        self._load_ids()
        if persistent:
            self._load_all_ids()
            rows = {record_id: row for row, record_id in enumerate(self._ids)}
            self.changePersistentIndexList(
                persistent,
                [
                    self.index(rows[k[0]], k[1]) if k and k[0] in rows else QModelIndex()
                    for k in kept
                ],
            )
        self.layoutChanged.emit()

    # -- helpers -------------------------------------------------------------------------

    def id_at(self, row: int) -> int:
        """The id of a row; -1 if the records changed underneath (a reload is then on its way)."""
        if row >= len(self._ids):
            if self.store.data_version() != self._data_version:
                # Another program wrote to the database: later slices no longer line up.
                self._schedule_reload()
                return -1
            # Scrolled past the ids loaded so far: take the next slice, or the rest at once
            # after a jump to the end.
            wanted = max(row + 1 - len(self._ids), _ID_SLICE)
            self._ids += self._query_ids(limit=wanted, offset=len(self._ids))
            if row >= len(self._ids):
                self._schedule_reload()
                return -1
        return self._ids[row]

    def _schedule_reload(self) -> None:
        if not self._reload_pending:
            self._reload_pending = True
            QTimer.singleShot(0, self, self.reload)

    def outside_changes(self) -> bool:
        return self.loaded and self.store.data_version() != self._data_version

    def _load_all_ids(self) -> None:
        if len(self._ids) < self._count:
            self._ids += self._query_ids(offset=len(self._ids))

    def row_of(self, record_id: int) -> int:
        self._load_all_ids()
        try:
            return self._ids.index(record_id)
        except ValueError:
            return -1

    def _row(self, row: int) -> dict[str, Any] | None:
        page_no = row // _PAGE
        page = self._pages.get(page_no)
        if page is None:
            if len(self._pages) >= _MAX_CACHED_PAGES:
                self._pages.pop(next(iter(self._pages)))
            last = min((page_no + 1) * _PAGE, self._count) - 1
            if self.id_at(last) < 0:
                return None
            ids = self._ids[page_no * _PAGE : last + 1]
            page = self.store.lists.rows(self.listing.table, ids)
            self._pages[page_no] = page
        return page.get(self._ids[row])

    def all_ids(self) -> list[int]:
        """Every record of the list as shown (search, year, sort), in order."""
        self._load_all_ids()
        return list(self._ids)

    def texts(self, ids: list[int]) -> list[list[str]]:
        """The shown text of each column for these records (masked numbers stay masked)."""
        keys = [c.key for c in self.listing.columns]
        result: list[list[str]] = []
        for start in range(0, len(ids), 2000):
            chunk = ids[start : start + 2000]
            rows = self.store.lists.rows(self.listing.table, chunk)
            for record_id in chunk:
                row = rows.get(record_id)
                if row is not None:
                    result.append([self.cell_text(k, row) for k in keys])
        return result

    def cell_text(self, key: str, row: dict[str, Any]) -> str:
        return self.display(key, row.get(key))

    def display(self, key: str, value: Any) -> str:
        if value is None:
            return ""
        return str(value)

    def foreground(self, row: dict[str, Any]) -> QBrush | None:
        return None


class ActivitiesModel(RecordTableModel):
    RECORD_TYPE = Activity
    COL_DATE, COL_TITLE, COL_CATEGORY, COL_UNIT, COL_PLACE, COL_PARTICIPANTS, COL_HIGHLIGHT = range(
        7
    )
    # The paper clip: how many attachments, after the listing's own columns. Counted per page of
    # rows on screen (one indexed query for 200 ids), not kept in the list table.
    COL_ATTACHMENTS = 7
    NUMERIC_KEYS = frozenset({"participants"})

    def __init__(self, store: Store, parent: Any = None):
        super().__init__(store, parent)
        self.missing_evidence_only = False

    def set_missing_evidence_only(self, only: bool) -> None:
        """Show only the activities lacking an attachment of a required kind (照片、签到表)."""
        if only != self.missing_evidence_only:
            self.missing_evidence_only = only
            if self.loaded:
                self.reload()

    def _load_ids(self) -> None:
        if not self.missing_evidence_only:
            super()._load_ids()
            return
        from kexie_desktop.core.attachments import activities_missing_evidence

        self._data_version = self.store.data_version()
        missing = set(activities_missing_evidence(self.store, self._year))
        self._ids = [i for i in self._query_ids() if i in missing]
        self._count = len(self._ids)
        self._pages.clear()

    def reload(self) -> None:
        super().reload()
        if self.missing_evidence_only:
            self._total = self.store.lists.count(self.listing.table, year=self._year)
            self.counts_changed.emit(self._count, self._total)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.listing.columns) + 1

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and section == self.COL_ATTACHMENTS:
            if role == Qt.ItemDataRole.DisplayRole:
                return "附件"
            if role == Qt.ItemDataRole.ToolTipRole:
                return "附件（照片、签到表等）的个数"
            return None
        return super().headerData(section, orientation, role)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.column() != self.COL_ATTACHMENTS:
            return super().data(index, role)
        if not (0 <= index.row() < self._count):
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role in (IdRole, RecordRole):
            return super().data(self.index(index.row(), 0), role)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        row = self._row(index.row())
        count = 0 if row is None else int(row.get("attachment_count") or 0)
        return f"📎{count}" if count else ""

    def _row(self, row: int) -> dict[str, Any] | None:
        found = super()._row(row)
        if found is not None and "attachment_count" not in found:
            from kexie_desktop.core.attachments import counts

            page = self._pages.get(row // _PAGE, {})
            numbers = counts(self.store, "activities", list(page))
            for record_id, values in page.items():
                values["attachment_count"] = numbers.get(record_id, 0)
        return found

    def display(self, key: str, value: Any) -> str:
        if key == "highlight":
            return "★ 重点" if value else ""
        if key == "unit_name" and not value:
            return "本会"
        return super().display(key, value)


class PeopleModel(RecordTableModel):
    RECORD_TYPE = Person
    (
        COL_NAME,
        COL_GENDER,
        COL_BIRTH,
        COL_UNIT,
        COL_TITLE,
        COL_EDUCATION,
        COL_ROLES,
        COL_PHONE,
        COL_ID_NUMBER,
        COL_STATUS,
    ) = range(10)

    def display(self, key: str, value: Any) -> str:
        if value and not self.show_full_private:
            if key == "id_number":
                return mask_id_number(str(value))
            if key == "phone":
                return mask_phone(str(value))
        return super().display(key, value)

    def foreground(self, row: dict[str, Any]) -> QBrush | None:
        if row.get("status") == "退出":
            return QBrush(QColor("#888888"))
        return None


class AwardsModel(RecordTableModel):
    RECORD_TYPE = Award
    COL_DATE, COL_NAME, COL_LEVEL, COL_WINNER, COL_ISSUER, COL_CERTIFICATE = range(6)


class UnitsModel(RecordTableModel):
    RECORD_TYPE = Unit
    (
        COL_NAME,
        COL_KIND,
        COL_ESTABLISHED,
        COL_CONTACT,
        COL_PHONE,
        COL_MEMBERS,
        COL_PEOPLE,
        COL_NEW,
    ) = range(8)
    NUMERIC_KEYS = frozenset({"member_count", "people_count"})
    # The year selected in the window: 本年新建 is about that year.
    selected_year: int | None = None

    def set_selected_year(self, year: int | None) -> None:
        if year != self.selected_year:
            self.selected_year = year
            if self._count:
                column = self.COL_NEW
                self.dataChanged.emit(self.index(0, column), self.index(self._count - 1, column))

    def cell_text(self, key: str, row: dict[str, Any]) -> str:
        if key == "founded_this_year":
            # Founded in the selected year by its date; without a date, as the clerk ticked it.
            established = str(row.get("established_date") or "")
            if established[:4].isdigit():
                if self.selected_year is None:
                    return ""
                return "是" if int(established[:4]) == self.selected_year else ""
            return "是" if row.get(key) else ""
        return super().cell_text(key, row)

    def display(self, key: str, value: Any) -> str:
        if key == "founded_this_year":
            return "是" if value else ""
        if key == "contact_phone" and value and not self.show_full_private:
            return mask_phone(str(value))
        return super().display(key, value)
