"""Statistics including subordinates: the received blocks read as if they were the own tables.

A context manager of TEMP VIEWs over the own and the subordinates' tables, so the statistics'
queries count a county's townships without a second set of queries (see subordinates_included).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from kexie_desktop.core.store import Store

# The subordinates' tables shown under the own tables' names, and whether a block's roster is
# taken from the year's blocks only (units and people are every block's whole roster).
_VIEWS = {"activities": False, "awards": False, "units": True, "people": True}


@contextlib.contextmanager
def subordinates_included(store: Store, year: int) -> Iterator[None]:
    """While inside, the connection's unqualified `activities`, `awards`, `units` and `people`
    read the organisation's own rows followed by the subordinates' held for the year: TEMP
    VIEWs of those names, which SQLite resolves before the main tables. This is how the
    statistics (whose queries name those tables) are computed including subordinates without
    a second set of queries. Ids of subordinates' rows are negative (they match no own row);
    a reference is kept only as present or absent; fields the subordinates' tables do not have
    come from the records' extra fields (the statistics fields travel there). People's 职务
    (`positions`) join their unit and person by those negative ids, so the 「三长」 figure
    counts a subordinate's 乡镇（街道）科协 by its own positions. Nothing may write while
    inside; the views are dropped on the way out."""
    conn = store.conn
    made = []
    try:
        for table, roster in _VIEWS.items():
            own = [r[1] for r in conn.execute(f"PRAGMA main.table_info({table})")]
            sub = {r[1] for r in conn.execute(f"PRAGMA main.table_info(sub_{table})")}
            mapped = []
            for column in own:
                reference = column.removesuffix("_id") + "_uuid"
                if column == "id":
                    mapped.append("-a.id")
                elif column.endswith("_id"):
                    exists = f"a.{reference} IS NOT NULL" if reference in sub else "0"
                    mapped.append(f"CASE WHEN {exists} THEN -1 END")
                elif column in sub:
                    mapped.append(f"a.{column}")
                else:
                    mapped.append(f"json_extract(a.extra_json, '$.{column}')")
            which = f"o.active = 1 AND o.year = {int(year)}" if roster else "o.active = 1"
            names = ", ".join(own)
            conn.execute(
                f"CREATE TEMP VIEW {table} ({names}) AS SELECT {names} FROM main.{table} "
                f"UNION ALL SELECT {', '.join(mapped)} FROM main.sub_{table} a "
                f"JOIN main.sub_orgs o ON o.id = a.org_id WHERE {which}"
            )
            made.append(table)
        conn.execute(
            "CREATE TEMP VIEW positions (id, person_id, unit_id, post, background, start_date, "
            "end_date) AS SELECT id, person_id, unit_id, post, background, start_date, end_date "
            "FROM main.positions UNION ALL SELECT -x.id, -p.id, -u.id, x.post, x.background, "
            "x.start_date, x.end_date FROM main.sub_positions x "
            "JOIN main.sub_orgs o ON o.id = x.org_id "
            "JOIN main.sub_units u ON u.org_id = x.org_id AND u.uuid = x.unit_uuid "
            "JOIN main.sub_people p ON p.org_id = x.org_id AND p.uuid = x.person_uuid "
            f"WHERE o.active = 1 AND o.year = {int(year)}"
        )
        made.append("positions")
        yield
    finally:
        for table in made:
            conn.execute(f"DROP VIEW temp.{table}")
