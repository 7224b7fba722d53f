"""What each record list shows, and how it is searched and sorted — all in SQL.

The tables of the main window (and anything else that lists records) ask the store for the ids
matching a search in the wanted order, then fetch the rows of only the part on screen, so a year
of 100,000 activities never passes through Python at once.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    sql: str
    # Sort by this expression instead of `sql` when set (e.g. to put empty values last).
    sort_sql: str | None = None
    searchable: bool = True


@dataclass(frozen=True)
class Listing:
    table: str
    alias: str
    joins: str
    columns: tuple[Column, ...]
    year_column: str | None
    default_order: str
    # Searched too, though not shown as a column.
    extra_search: tuple[str, ...] = ()

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    @property
    def from_sql(self) -> str:
        return f"{self.table} {self.alias} {self.joins}"

    def select_sql(self) -> str:
        cols = ", ".join(f"{c.sql} AS {c.key}" for c in self.columns)
        return f"SELECT {self.alias}.id AS id, {cols} FROM {self.from_sql}"


ACTIVITIES = Listing(
    table="activities",
    alias="a",
    joins="LEFT JOIN units u ON u.id = a.unit_id",
    columns=(
        Column("start_date", "日期", "a.start_date"),
        Column("title", "活动名称", "a.title"),
        Column("category", "类别", "a.category"),
        Column("unit_name", "主办单位", "COALESCE(u.name, '')"),
        Column("place", "地点", "a.place"),
        Column("participants", "参加人次", "a.participants", searchable=False),
        Column("highlight", "重点", "a.highlight", searchable=False),
    ),
    year_column="a.start_date",
    default_order="a.start_date DESC, a.id DESC",
    extra_search=("a.co_organisers", "a.description"),
)

PEOPLE = Listing(
    table="people",
    alias="p",
    joins="LEFT JOIN units u ON u.id = p.unit_id",
    columns=(
        Column("name", "姓名", "p.name"),
        Column("gender", "性别", "p.gender"),
        Column("birth_date", "出生日期", "p.birth_date"),
        Column("unit_name", "单位", "COALESCE(u.name, '')"),
        Column("title", "职称", "p.title"),
        Column("education", "学历", "p.education"),
        Column("roles", "身份", "p.roles"),
        Column("phone", "联系电话", "p.phone"),
        Column("id_number", "公民身份号码", "p.id_number", searchable=False),
        Column("status", "状态", "p.status"),
    ),
    year_column=None,
    default_order="p.name, p.id",
    extra_search=("p.speciality",),
)

AWARDS = Listing(
    table="awards",
    alias="w",
    joins=("LEFT JOIN people p ON p.id = w.person_id LEFT JOIN units u ON u.id = w.unit_id"),
    columns=(
        Column("award_date", "获奖日期", "w.award_date"),
        Column("name", "奖项名称", "w.name"),
        Column("level", "级别", "w.level"),
        Column(
            "winner",
            "获奖者",
            "COALESCE(p.name, u.name, NULLIF(w.team, ''), '')",
        ),
        Column("issuer", "颁发单位", "w.issuer"),
        Column("certificate_no", "证书编号", "w.certificate_no"),
    ),
    year_column="w.award_date",
    default_order="w.award_date DESC, w.id DESC",
)

UNITS = Listing(
    table="units",
    alias="n",
    joins="",
    columns=(
        Column("name", "单位名称", "n.name"),
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
    year_column=None,
    default_order="n.name, n.id",
)

LISTINGS = {listing.table: listing for listing in (ACTIVITIES, PEOPLE, AWARDS, UNITS)}


def escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def where_clause(
    listing: Listing, *, search: str = "", year: int | None = None
) -> tuple[str, list[object]]:
    """SQL condition and parameters for a search text (terms split on spaces, all must match)."""
    conditions: list[str] = []
    params: list[object] = []
    if year is not None and listing.year_column:
        conditions.append(f"{listing.year_column} >= ? AND {listing.year_column} < ?")
        params += [f"{year:04d}-01-01", f"{year + 1:04d}-01-01"]
    fields = [c.sql for c in listing.columns if c.searchable] + list(listing.extra_search)
    for term in search.split():
        pattern = f"%{escape_like(term)}%"
        conditions.append("(" + " OR ".join(f"{f} LIKE ? ESCAPE '\\'" for f in fields) + ")")
        params += [pattern] * len(fields)
    return (" AND ".join(conditions) or "1"), params


def order_clause(listing: Listing, sort_key: str | None, descending: bool) -> str:
    if not sort_key:
        return listing.default_order
    col = listing.column(sort_key)
    expr = col.sort_sql or col.sql
    direction = "DESC" if descending else "ASC"
    # Ties broken by id so the order is stable as rows are paged in.
    return f"{expr} {direction}, {listing.alias}.id {direction}"
