"""What each record list shows, and how it is searched and sorted — all in SQL.

The tables of the main window ask the store for the ids matching a search in the wanted order,
then fetch only the rows on screen, so a year of 100,000 activities never passes through Python
at once.

For the big kinds (activities, people, awards) the displayed columns are kept ready in a narrow
`<table>_list` table, maintained by triggers, with one lower-cased `search_text` per record: a
search then scans a few megabytes instead of every record with its long description, and sorting
by a joined column (the organiser's name) needs no join. These tables are derived data, rebuilt
from the records whenever their definition here changes; they are not part of the schema that
migrations own, and nobody needs to query them.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kexie_desktop.core.records import AWARD_LEVELS, CATEGORIES, half_width

if TYPE_CHECKING:
    from sqlite_utils import Database

_SEPARATOR = "char(31)"
_HASH_KEY = "listing.definition"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    sql: str
    searchable: bool = True
    # Sorted by this instead of the shown value (the pinyin key of a name); in a list table
    # it is kept in the column `<key>_key`.
    sort_sql: str | None = None

    @property
    def sort_column(self) -> str:
        return f"{self.key}_key" if self.sort_sql else self.key


@dataclass(frozen=True)
class Dependency:
    """A change elsewhere that alters what this list shows (a unit renamed, a link added)."""

    name: str
    event: str  # e.g. "AFTER UPDATE OF name, name_key ON units"
    condition: str  # which records of this listing to refresh, in terms of NEW / OLD


def renamed(table: str, link: str) -> Dependency:
    """The list shows the name of a linked unit or person, through the column `link`."""
    return Dependency(
        f"{table}_update", f"AFTER UPDATE OF name, name_key ON {table}", f"{link} = NEW.id"
    )


@dataclass(frozen=True)
class Listing:
    table: str
    alias: str
    joins: str
    columns: tuple[Column, ...]
    default_order: tuple[tuple[str, bool], ...]  # (key, descending)
    year_key: str | None = None
    # Searched too, though not shown as a column.
    extra_search: tuple[str, ...] = ()
    materialized: bool = True
    dependencies: tuple[Dependency, ...] = ()
    # Filters that are not "a shown column equals a value" (a month, a role among several,
    # units idle in a year): key -> (value -> SQL condition over `source`, parameters).
    conditions: tuple[tuple[str, Callable[[Listing, str], tuple[str, list[object]]]], ...] = ()

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    @property
    def list_table(self) -> str:
        return f"{self.table}_list"

    @property
    def base_from(self) -> str:
        return f"{self.table} {self.alias} {self.joins}".strip()

    # Expressions over what a list query reads: the list table, or the records directly.

    @property
    def source(self) -> str:
        return self.list_table if self.materialized else self.base_from

    def source_for(self, searching: bool) -> str:
        # A search reads every row anyway: one sequential pass over the narrow table beats
        # walking an index and fetching each row from elsewhere in the file.
        if self.materialized and searching:
            return f"{self.list_table} NOT INDEXED"
        return self.source

    @property
    def id_expr(self) -> str:
        return "id" if self.materialized else f"{self.alias}.id"

    def expr(self, key: str) -> str:
        return key if self.materialized else self.column(key).sql

    def sort_expr(self, key: str) -> str:
        col = self.column(key)
        if self.materialized:
            return col.sort_column
        return col.sort_sql or col.sql

    def _stored(self) -> list[tuple[str, str]]:
        """(list table column, SQL over the records) for every stored column."""
        pairs = [(c.key, c.sql) for c in self.columns]
        pairs += [(c.sort_column, c.sort_sql) for c in self.columns if c.sort_sql]
        return pairs

    def search_condition(self, term: str) -> tuple[str, list[object]]:
        if self.materialized:
            # As SQLite's lower() does for search_text: ASCII only.
            folded = "".join(c.lower() if c.isascii() else c for c in half_width(term))
            return "instr(search_text, ?) > 0", [folded]
        fields = [c.sql for c in self.columns if c.searchable] + list(self.extra_search)
        pattern = f"%{escape_like(half_width(term))}%"
        sql = "(" + " OR ".join(f"{f} LIKE ? ESCAPE '\\'" for f in fields) + ")"
        return sql, [pattern] * len(fields)

    def select_sql(self) -> str:
        if self.materialized:
            cols = ", ".join(c.key for c in self.columns)
        else:
            cols = ", ".join(f"{c.sql} AS {c.key}" for c in self.columns)
        return f"SELECT {self.id_expr} AS id, {cols} FROM {self.source}"

    # Keeping the list table in step with the records.

    def search_text_sql(self) -> str:
        fields = [c.sql for c in self.columns if c.searchable] + list(self.extra_search)
        joined = f" || {_SEPARATOR} || ".join(f"COALESCE({f}, '')" for f in fields)
        return f"lower({joined})"

    def refresh_statements(self, condition: str) -> list[str]:
        """Statements that rewrite the list rows of the records matching the condition.

        Delete-then-insert rather than INSERT OR REPLACE: a trigger fired by a foreign-key
        action (a unit deleted, its activities set to no unit) runs with the outer statement's
        conflict policy, which would turn REPLACE into an error.
        """
        keys = ", ".join(name for name, _ in self._stored())
        exprs = ", ".join(sql for _, sql in self._stored())
        return [
            f"DELETE FROM {self.list_table} WHERE id IN "
            f"(SELECT {self.alias}.id FROM {self.table} {self.alias} WHERE {condition})",
            f"INSERT INTO {self.list_table} (id, {keys}, search_text) "
            f"SELECT {self.alias}.id, {exprs}, {self.search_text_sql()} "
            f"FROM {self.base_from} WHERE {condition}",
        ]

    def _trigger_body(self, condition: str) -> str:
        return "".join(f"{stmt}; " for stmt in self.refresh_statements(condition))

    def ddl(self) -> list[str]:
        t, lt = self.table, self.list_table
        cols = ", ".join(name for name, _ in self._stored())
        statements = [
            f"CREATE TABLE {lt} (id INTEGER PRIMARY KEY, {cols}, search_text TEXT NOT NULL)",
        ]
        # One covering index per sortable column, in the order order_clause() sorts by, so a
        # click on a column header reads an index instead of sorting 100,000 rows.
        for col in self.columns:
            keys = [col.sort_column]
            if self.year_key and col.key != self.year_key:
                keys.append(self.year_key)
            statements.append(f"CREATE INDEX {lt}_{col.key} ON {lt}({', '.join(keys)})")
        for event in ("INSERT", "UPDATE"):
            statements.append(
                f"CREATE TRIGGER {lt}_after_{event.lower()} AFTER {event} ON {t} BEGIN "
                f"{self._trigger_body(f'{self.alias}.id = NEW.id')}END"
            )
        statements.append(
            f"CREATE TRIGGER {lt}_after_delete AFTER DELETE ON {t} BEGIN "
            f"DELETE FROM {lt} WHERE id = OLD.id; END"
        )
        for dep in self.dependencies:
            statements.append(
                f"CREATE TRIGGER {lt}_after_{dep.name} {dep.event} BEGIN "
                f"{self._trigger_body(dep.condition)}END"
            )
        return statements


_UNIT_KEY = "COALESCE(u.name_key, u.name, '')"


def _in_month(listing: Listing, month: str) -> tuple[str, list[object]]:
    """Activities starting in a month ("03") of whichever year is selected."""
    return f"substr({listing.expr('start_date')}, 6, 2) = ?", [month.zfill(2)]


def _has_role(listing: Listing, role: str) -> tuple[str, list[object]]:
    """People holding a role among their several (会员、科普志愿者)."""
    return f"('、' || {listing.expr('roles')} || '、') LIKE ? ESCAPE '\\'", [
        f"%、{escape_like(role)}、%"
    ]


def _idle_in(_listing: Listing, year: str) -> tuple[str, list[object]]:
    """Units existing at the end of the year without a held activity in it: the same rule as
    the summary's (Store.units_without_activity) and the overview's."""
    y = int(year)
    return (
        "(n.established_date IS NULL OR n.established_date < ?) AND NOT EXISTS "
        "(SELECT 1 FROM activities a WHERE a.unit_id = n.id AND a.planned = 0 "
        "AND a.start_date >= ? AND a.start_date < ?)",
        [f"{y + 1:04d}-01-01", f"{y:04d}-01-01", f"{y + 1:04d}-01-01"],
    )


def _in_report_order(expr: str, values: tuple[str, ...]) -> str:
    """Sorted as the year-end report lists them (组织建设 first), not in Unicode order; a value
    from outside the list after them."""
    cases = " ".join(f"WHEN '{v}' THEN {i}" for i, v in enumerate(values))
    return f"(CASE {expr} {cases} ELSE {len(values)} END)"


ACTIVITIES = Listing(
    table="activities",
    alias="a",
    joins="LEFT JOIN units u ON u.id = a.unit_id",
    columns=(
        Column("start_date", "日期", "a.start_date"),
        Column("title", "活动名称", "a.title"),
        Column(
            "category", "类别", "a.category", sort_sql=_in_report_order("a.category", CATEGORIES)
        ),
        Column("unit_name", "主办单位", "COALESCE(u.name, '')", sort_sql=_UNIT_KEY),
        Column("place", "地点", "a.place"),
        Column("participants", "参加人次", "a.participants", searchable=False),
        Column("highlight", "重点", "a.highlight", searchable=False),
    ),
    default_order=(("start_date", True),),
    year_key="start_date",
    conditions=(("month", _in_month),),
    # The people involved: searching 张三 finds the activities 张三 took part in.
    extra_search=(
        "a.co_organisers",
        "(SELECT group_concat(q.name, ' ') FROM activity_people ap "
        "JOIN people q ON q.id = ap.person_id WHERE ap.activity_id = a.id)",
    ),
    dependencies=(
        renamed("units", "a.unit_id"),
        Dependency(
            "people_update",
            "AFTER UPDATE OF name ON people",
            "a.id IN (SELECT activity_id FROM activity_people WHERE person_id = NEW.id)",
        ),
        Dependency("links_insert", "AFTER INSERT ON activity_people", "a.id = NEW.activity_id"),
        Dependency("links_delete", "AFTER DELETE ON activity_people", "a.id = OLD.activity_id"),
    ),
)

PEOPLE = Listing(
    table="people",
    alias="p",
    joins="LEFT JOIN units u ON u.id = p.unit_id",
    columns=(
        Column("name", "姓名", "p.name", sort_sql="COALESCE(p.name_key, p.name)"),
        Column("gender", "性别", "p.gender"),
        Column("birth_date", "出生日期", "p.birth_date"),
        Column("unit_name", "单位", "COALESCE(u.name, '')", sort_sql=_UNIT_KEY),
        Column("title", "职称", "p.title"),
        Column("education", "学历", "p.education"),
        Column("roles", "身份", "p.roles"),
        Column("phone", "联系电话", "p.phone"),
        Column("id_number", "公民身份号码", "p.id_number", searchable=False),
        Column("status", "状态", "p.status"),
    ),
    default_order=(("name", False),),
    conditions=(("role", _has_role),),
    extra_search=("p.speciality",),
    dependencies=(renamed("units", "p.unit_id"),),
)

AWARDS = Listing(
    table="awards",
    alias="w",
    joins="LEFT JOIN people p ON p.id = w.person_id LEFT JOIN units u ON u.id = w.unit_id",
    columns=(
        Column("award_date", "获奖日期", "w.award_date"),
        Column("name", "奖项名称", "w.name"),
        Column("level", "级别", "w.level", sort_sql=_in_report_order("w.level", AWARD_LEVELS)),
        Column(
            "winner",
            "获奖者",
            "COALESCE(p.name, u.name, NULLIF(w.team, ''), '')",
            sort_sql="COALESCE(p.name_key, u.name_key, w.team_key, w.team, '')",
        ),
        Column("issuer", "颁发单位", "w.issuer"),
        Column("certificate_no", "证书编号", "w.certificate_no"),
    ),
    default_order=(("award_date", True),),
    year_key="award_date",
    dependencies=(
        renamed("units", "w.unit_id"),
        renamed("people", "w.person_id"),
    ),
)

# Units are few (hundreds at most) and show a live count of people: read directly.
UNITS = Listing(
    table="units",
    alias="n",
    joins="",
    columns=(
        Column("name", "单位名称", "n.name", sort_sql="COALESCE(n.name_key, n.name)"),
        Column("kind", "类型", "n.kind"),
        Column("established_date", "成立日期", "n.established_date"),
        Column("contact_person", "联系人", "n.contact_person"),
        Column("contact_phone", "联系电话", "n.contact_phone"),
        Column("member_count", "会员人数", "n.member_count", searchable=False),
        Column(
            "people_count",
            "在册人员",
            "(SELECT count(*) FROM people q WHERE q.unit_id = n.id AND q.status = '在册')",
            searchable=False,
        ),
        Column("founded_this_year", "本年新建", "n.founded_this_year", searchable=False),
    ),
    default_order=(("name", False),),
    materialized=False,
    conditions=(("idle_in", _idle_in),),
)

LISTINGS = {listing.table: listing for listing in (ACTIVITIES, PEOPLE, AWARDS, UNITS)}


def escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def where_clause(
    listing: Listing,
    *,
    search: str = "",
    year: int | None = None,
    sort_key: str | None = None,
    filters: Mapping[str, str] | None = None,
) -> tuple[str, list[object]]:
    """SQL condition and parameters for a search text (terms split on spaces, all must match)
    and the filters beside the search box (a shown column equal to a value, or one of the
    listing's named conditions)."""
    conditions: list[str] = []
    params: list[object] = []
    named = dict(listing.conditions)
    for key, value in (filters or {}).items():
        if key in named:
            sql, values = named[key](listing, value)
            conditions.append(f"({sql})")
            params += values
            continue
        listing.column(key)  # only shown columns: a KeyError for anything else
        conditions.append(f"{listing.expr(key)} = ?")
        params.append(value)
    if year is not None and listing.year_key:
        expr = listing.expr(listing.year_key)
        if sort_key and sort_key != listing.year_key:
            # The unary + keeps SQLite from choosing the year index, which would leave 100,000
            # rows to sort, over the sort column's covering index, which is already in order.
            expr = f"+{expr}"
        conditions.append(f"{expr} >= ? AND {expr} < ?")
        params += [f"{year:04d}-01-01", f"{year + 1:04d}-01-01"]
    for term in search.split():
        sql, term_params = listing.search_condition(term)
        conditions.append(sql)
        params += term_params
    return (" AND ".join(conditions) or "1"), params


def order_clause(listing: Listing, sort_key: str | None, descending: bool) -> str:
    order: tuple[tuple[str, bool], ...]
    if sort_key:
        order = ((sort_key, descending),)
    else:
        order = listing.default_order
        descending = order[0][1]
    direction = "DESC" if descending else "ASC"
    parts = [f"{listing.sort_expr(key)} {'DESC' if desc else 'ASC'}" for key, desc in order]
    # Ties broken by date, then id: a stable order as rows are paged in, matching the indexes.
    if listing.year_key and order[-1][0] != listing.year_key:
        parts.append(f"{listing.expr(listing.year_key)} {direction}")
    parts.append(f"{listing.id_expr} {direction}")
    return ", ".join(parts)


def row_triggers() -> list[tuple[str, str]]:
    """(name, CREATE statement) of the triggers that refresh a list row per record written,
    including those for an activity's links to people."""
    found = []
    for item in _materialized():
        for statement in item.ddl():
            if not statement.startswith("CREATE TRIGGER"):
                continue
            name = statement.split()[2]
            if name.endswith(("_after_insert", "_after_update", "_links_insert", "_links_delete")):
                found.append((name, statement))
    return found


def _materialized() -> list[Listing]:
    return [item for item in LISTINGS.values() if item.materialized]


def _definition_digest() -> str:
    definition = "\n".join(stmt for item in _materialized() for stmt in item.ddl())
    return hashlib.sha256(definition.encode("utf-8")).hexdigest()


def list_tables_stale(conn: sqlite3.Connection) -> bool:
    """True when the list tables are missing or were built from another definition."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", [_HASH_KEY]).fetchone()
    if row is None or row[0] != _definition_digest():
        return True
    names = {item.list_table for item in _materialized()}
    found = conn.execute(
        f"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
        f"({', '.join('?' for _ in names)})",
        sorted(names),
    ).fetchone()[0]
    return bool(found != len(names))


def rebuild_list_tables(db: Database) -> None:
    """Drop and recreate the list tables and their triggers, filled from the records."""
    with db.atomic():
        for item in _materialized():
            # Dropping a table drops the triggers ON it, not those on the record tables.
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name GLOB ?",
                [f"{item.list_table}_after_*"],
            ).fetchall():
                db.execute(f"DROP TRIGGER {name}")
            db.execute(f"DROP TABLE IF EXISTS {item.list_table}")
            for stmt in item.ddl():
                db.execute(stmt)
            for stmt in item.refresh_statements("1"):
                db.execute(stmt)
        db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [_HASH_KEY, _definition_digest()],
        )
