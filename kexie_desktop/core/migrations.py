"""Versioned schema migrations. Later changes only ever append a migration here.

They run through sqlite-utils' Migrations, which is imported only when a migration is pending:
sqlite-utils with its dependencies takes longer to import than the whole main window to build,
and an up-to-date database needs none of it to open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

MIGRATION_SET = "kexie"
MIGRATIONS_TABLE = "_sqlite_migrations"
_MIGRATIONS: list[tuple[str, Callable[[Database], None]]] = []


def migration(name: str) -> Callable[[Callable[[Database], None]], Callable[[Database], None]]:
    def register(fn: Callable[[Database], None]) -> Callable[[Database], None]:
        _MIGRATIONS.append((name, fn))
        return fn

    return register


# AUTOINCREMENT: an id is never given out twice, so an undo or a planned import that names a
# record by id cannot hit a newer record that happens to reuse a deleted one's number.
_RECORD_COLUMNS = """
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT ''
"""


# name_key (units, people) and team_key (awards): the pinyin sort key (records.sort_key), kept
# by the store; a row written by another tool has none until the program next opens the database.
@migration("0001_initial")
def m0001_initial(db: Database) -> None:
    db.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute(
        f"""CREATE TABLE units ({_RECORD_COLUMNS},
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        established_date TEXT,
        contact_person TEXT NOT NULL DEFAULT '',
        contact_phone TEXT NOT NULL DEFAULT '',
        member_count INTEGER CHECK (member_count IS NULL OR member_count >= 0),
        founded_this_year INTEGER NOT NULL DEFAULT 0,
        name_key TEXT
    )"""
    )
    db.execute("CREATE UNIQUE INDEX units_name ON units(name)")
    db.execute(
        f"""CREATE TABLE people ({_RECORD_COLUMNS},
        name TEXT NOT NULL,
        gender TEXT NOT NULL DEFAULT '',
        birth_date TEXT,
        ethnicity TEXT NOT NULL DEFAULT '',
        id_number TEXT NOT NULL DEFAULT '',
        phone TEXT NOT NULL DEFAULT '',
        unit_id INTEGER REFERENCES units(id) ON DELETE SET NULL,
        title TEXT NOT NULL DEFAULT '',
        education TEXT NOT NULL DEFAULT '',
        speciality TEXT NOT NULL DEFAULT '',
        roles TEXT NOT NULL DEFAULT '',
        join_date TEXT,
        status TEXT NOT NULL DEFAULT '在册',
        name_key TEXT
    )"""
    )
    db.execute("CREATE INDEX people_unit ON people(unit_id)")
    db.execute("CREATE INDEX people_name ON people(name)")
    db.execute("CREATE INDEX people_id_number ON people(id_number) WHERE id_number <> ''")
    db.execute(
        f"""CREATE TABLE activities ({_RECORD_COLUMNS},
        title TEXT NOT NULL,
        category TEXT NOT NULL,
        start_date TEXT NOT NULL,
        end_date TEXT,
        unit_id INTEGER REFERENCES units(id) ON DELETE SET NULL,
        co_organisers TEXT NOT NULL DEFAULT '',
        place TEXT NOT NULL DEFAULT '',
        audience TEXT NOT NULL DEFAULT '',
        participants INTEGER NOT NULL DEFAULT 0 CHECK (participants >= 0),
        highlight INTEGER NOT NULL DEFAULT 0,
        description TEXT NOT NULL DEFAULT '',
        reports INTEGER NOT NULL DEFAULT 0 CHECK (reports >= 0),
        problems_solved INTEGER NOT NULL DEFAULT 0 CHECK (problems_solved >= 0),
        technologies_promoted INTEGER NOT NULL DEFAULT 0 CHECK (technologies_promoted >= 0),
        articles INTEGER NOT NULL DEFAULT 0 CHECK (articles >= 0),
        messages INTEGER NOT NULL DEFAULT 0 CHECK (messages >= 0)
    )"""
    )
    db.execute("CREATE INDEX activities_start ON activities(start_date)")
    db.execute("CREATE INDEX activities_unit ON activities(unit_id)")
    db.execute(
        """CREATE TABLE activity_people (
        activity_id INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
        person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        PRIMARY KEY (activity_id, person_id)
    ) WITHOUT ROWID"""
    )
    db.execute("CREATE INDEX activity_people_person ON activity_people(person_id)")
    db.execute(
        f"""CREATE TABLE awards ({_RECORD_COLUMNS},
        name TEXT NOT NULL,
        level TEXT NOT NULL,
        award_date TEXT,
        person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
        unit_id INTEGER REFERENCES units(id) ON DELETE SET NULL,
        team TEXT NOT NULL DEFAULT '',
        issuer TEXT NOT NULL DEFAULT '',
        certificate_no TEXT NOT NULL DEFAULT '',
        team_key TEXT
    )"""
    )
    for table in ("units", "people"):
        # A name changed by another tool (DB Browser, Datasette) loses its stale sort key;
        # the store gives it a fresh one at the next start.
        db.execute(
            f"""CREATE TRIGGER {table}_name_key_stale AFTER UPDATE OF name ON {table}
            WHEN NEW.name IS NOT OLD.name AND NEW.name_key IS OLD.name_key
            BEGIN UPDATE {table} SET name_key = NULL WHERE id = NEW.id; END"""
        )
        db.execute(f"CREATE INDEX {table}_without_name_key ON {table}(id) WHERE name_key IS NULL")
    db.execute("CREATE INDEX awards_date ON awards(award_date)")
    db.execute("CREATE INDEX awards_person ON awards(person_id)")
    db.execute("CREATE INDEX awards_unit ON awards(unit_id)")


def known_names() -> list[str]:
    return [name for name, _ in _MIGRATIONS]


def apply_pending(db: Database) -> None:
    """Apply, in order, each migration not yet recorded; each in its own transaction."""
    from sqlite_utils.migrations import Migrations

    migrations = Migrations(MIGRATION_SET)
    for name, fn in _MIGRATIONS:
        migrations(name=name)(fn)
    migrations.apply(db)


@migration("0002_narratives")
def m0002_narratives(db: Database) -> None:
    # The clerk's own paragraphs of a year's summary (opening, shortcomings, plans).
    db.execute(
        """CREATE TABLE narratives (
        year INTEGER NOT NULL,
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (year, kind)
    )"""
    )


@migration("0003_import_batches")
def m0003_import_batches(db: Database) -> None:
    # Each import is a batch that can be undone as a whole: what it added, and what the
    # records it changed looked like before.
    db.execute(
        """CREATE TABLE import_batches (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        file_name TEXT NOT NULL,
        summary TEXT NOT NULL,
        undone_at TEXT
    )"""
    )
    db.execute(
        """CREATE TABLE import_changes (
        id INTEGER PRIMARY KEY,
        batch_id INTEGER NOT NULL REFERENCES import_batches(id) ON DELETE CASCADE,
        table_name TEXT NOT NULL,
        record_id INTEGER NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('insert', 'update')),
        before_json TEXT
    )"""
    )
    db.execute("CREATE INDEX import_changes_batch ON import_changes(batch_id)")


@migration("0004_recycle_bin_and_audit_log")
def m0004_recycle_bin_and_audit_log(db: Database) -> None:
    # Deleted records wait here, with what pointed at them, until restored or the bin emptied.
    db.execute(
        """CREATE TABLE recycle_bin (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        deleted_at TEXT NOT NULL,
        table_name TEXT NOT NULL,
        record_id INTEGER NOT NULL,
        label TEXT NOT NULL,
        row_json TEXT NOT NULL,
        links_json TEXT NOT NULL
    )"""
    )
    # Every change, as it happened; the triggers below keep anyone from rewriting history.
    db.execute(
        """CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        table_name TEXT NOT NULL,
        record_id INTEGER,
        label TEXT NOT NULL DEFAULT '',
        before_json TEXT,
        after_json TEXT
    )"""
    )
    db.execute("CREATE INDEX audit_log_record ON audit_log(table_name, record_id)")
    for event in ("UPDATE", "DELETE"):
        db.execute(
            f"""CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log
            BEGIN SELECT RAISE(ABORT, '操作记录不可修改'); END"""
        )


@migration("0005_ux_unit_kinds_full_width")
def m0005_ux_unit_kinds_full_width(db: Database) -> None:
    # 乡镇(街道)科协 is written with full-width brackets, as in every Chinese document; records
    # kept with the old spelling (and deleted ones waiting in the 回收站, and the "before"
    # copies an import undo restores) are moved over so that one kind is not counted as two.
    old, new = "乡镇(街道)科协", "乡镇（街道）科协"
    db.execute("UPDATE units SET kind = ? WHERE kind = ?", [new, old])
    db.execute(
        "UPDATE recycle_bin SET row_json = replace(row_json, ?, ?) WHERE table_name = 'units'",
        [f'"{old}"', f'"{new}"'],
    )
    db.execute(
        "UPDATE import_changes SET before_json = replace(before_json, ?, ?) "
        "WHERE table_name = 'units' AND before_json IS NOT NULL",
        [f'"{old}"', f'"{new}"'],
    )
