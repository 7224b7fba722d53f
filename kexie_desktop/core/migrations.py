"""Versioned schema migrations. Later changes only ever append a migration here.

They run through sqlite-utils' Migrations, which is imported only when a migration is pending:
sqlite-utils with its dependencies takes longer to import than the whole main window to build,
and an up-to-date database needs none of it to open.

Over 600 lines, and growing by design: this is the append-only history of the schema, one
self-contained function per migration, applied in the order they appear here. A migration once
released is never edited or moved (databases in the field have it recorded by name, and a
restore replays the names its backup knew), so the file is a ledger to append to, not a module
to split: its order is the schema's history, and one file keeps that order in plain sight.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
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


def apply_pending(db: Database, *, names: Collection[str] | None = None) -> None:
    """Apply, in order, each migration not yet recorded; each in its own transaction.

    `names`: only these (a restore first builds the schema of the version its backup is from).
    """
    from sqlite_utils.migrations import Migrations

    migrations = Migrations(MIGRATION_SET)
    for name, fn in _MIGRATIONS:
        if names is None or name in names:
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


@migration("0005_summary_participants_unknown")
def m0005_summary_participants_unknown(db: Database) -> None:
    # An activity's 人次 may be unknown (NULL, shown as 不详): it must never be written or
    # summed as 0. Dropping a NOT NULL and loosening a CHECK does not change how rows are stored,
    # so SQLite's documented in-place procedure (ALTER TABLE, "other kinds of schema changes")
    # is used instead of copying the table: no trigger, index or link to re-create, and
    # activity_people's ON DELETE CASCADE is never fired by a DROP TABLE.
    old = "participants INTEGER NOT NULL DEFAULT 0 CHECK (participants >= 0)"
    new = "participants INTEGER CHECK (participants IS NULL OR participants >= 0)"
    sql = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'activities'"
    ).fetchone()[0]
    if old not in sql:
        raise RuntimeError("activities.participants is not as created by 0001_initial")
    version = db.execute("PRAGMA schema_version").fetchone()[0]
    db.execute("PRAGMA writable_schema = ON")
    try:
        db.execute(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'activities'",
            [sql.replace(old, new)],
        )
        db.execute(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        db.execute("PRAGMA writable_schema = OFF")


@migration("0006_summary_award_note_and_work")
def m0006_summary_award_note_and_work(db: Database) -> None:
    # An award's short note the summary uses (「首次」「全市唯一」), and the activity whose work it
    # crowned, so the summary can mention the award in that work's section.
    db.execute("ALTER TABLE awards ADD COLUMN note TEXT NOT NULL DEFAULT ''")
    db.execute(
        "ALTER TABLE awards ADD COLUMN activity_id INTEGER "
        "REFERENCES activities(id) ON DELETE SET NULL"
    )
    db.execute("CREATE INDEX awards_activity ON awards(activity_id)")


@migration("0007_summary_paragraph_edits")
def m0007_summary_paragraph_edits(db: Database) -> None:
    # The clerk's wording of a generated paragraph of a year's summary, kept under what the
    # paragraph tells (its key: section and records, e.g. 「科技服务/activity-12」 — never its
    # position, which moves as records are added) with a hash of the records it was built from,
    # so an edit whose records changed since is flagged for review instead of silently kept.
    db.execute(
        """CREATE TABLE summary_edits (
        year INTEGER NOT NULL,
        key TEXT NOT NULL,
        digest TEXT NOT NULL,
        text TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (year, key)
    )"""
    )


@migration("0008_stats_record_fields")
def m0008_stats_record_fields(db: Database) -> None:
    # What the statistics tables count that the records did not say: an activity's 活动形式,
    # the campaigns it belonged to, its 其中青少年 人次 (NULL: unknown, as participants), papers
    # exchanged, materials handed out, and whether it is only planned (计划: the Nov–Dec part
    # of a January–October reporting period; never counted as done). A unit's 换届 dates.
    for column in (
        "form TEXT NOT NULL DEFAULT ''",
        "campaigns TEXT NOT NULL DEFAULT ''",
        "youth_participants INTEGER CHECK (youth_participants IS NULL OR youth_participants >= 0)",
        "papers INTEGER NOT NULL DEFAULT 0 CHECK (papers >= 0)",
        "materials INTEGER NOT NULL DEFAULT 0 CHECK (materials >= 0)",
        "planned INTEGER NOT NULL DEFAULT 0",
    ):
        db.execute(f"ALTER TABLE activities ADD COLUMN {column}")
    db.execute("ALTER TABLE units ADD COLUMN last_election_date TEXT")
    db.execute("ALTER TABLE units ADD COLUMN next_election_due TEXT")
    # 职务 held in a unit for a term: the "三长" of a 乡镇（街道）科协 serving as 兼职副主席.
    # A position goes with its person or unit (CASCADE): it means nothing without either.
    db.execute(
        """CREATE TABLE positions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
        post TEXT NOT NULL,
        background TEXT NOT NULL DEFAULT '',
        start_date TEXT,
        end_date TEXT
    )"""
    )
    db.execute("CREATE INDEX positions_person ON positions(person_id)")
    db.execute("CREATE INDEX positions_unit ON positions(unit_id)")


@migration("0009_stats_typed_figures")
def m0009_stats_typed_figures(db: Database) -> None:
    # The statistics figures no record can give (机关人数, 被采纳的建议…), typed by the clerk
    # once a year, and the one-line explanations of figures that moved a lot from the year
    # before (they go into the workbook's 报表说明 sheet).
    db.execute(
        """CREATE TABLE stats_values (
        year INTEGER NOT NULL,
        key TEXT NOT NULL,
        value INTEGER NOT NULL CHECK (value >= 0),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (year, key)
    )"""
    )
    db.execute(
        """CREATE TABLE stats_explanations (
        year INTEGER NOT NULL,
        key TEXT NOT NULL,
        text TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (year, key)
    )"""
    )


@migration("0010_package_identity_and_subordinates")
def m0010_package_identity_and_subordinates(db: Database) -> None:
    # (The organisation's own UUID is a setting the store makes at first start, not a row
    # written here: a restore builds the schema from these migrations, then copies the backup's
    # rows, settings included.)
    # Subordinate organisations' records, as received in submission packages (报送包): in tables
    # of their own, so the county's own records, lists, ledger and summary never see them.
    # A submission is one imported package; it may carry several organisations' data (a county
    # passes on its townships'), each kept as one block per organisation and year. Exactly one
    # block per organisation and year is active; a newer one replaces it by turning it off,
    # which the import batch records so that undo turns it back on.
    db.execute(
        """CREATE TABLE sub_submissions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        org_uuid TEXT NOT NULL,
        org_name TEXT NOT NULL,
        year INTEGER NOT NULL,
        exported_at TEXT NOT NULL,
        file_name TEXT NOT NULL,
        manifest_sha256 TEXT NOT NULL,
        manifest_json TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )"""
    )
    db.execute("CREATE INDEX sub_submissions_org ON sub_submissions(org_uuid, year)")
    db.execute(
        """CREATE TABLE sub_orgs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        submission_id INTEGER NOT NULL REFERENCES sub_submissions(id) ON DELETE CASCADE,
        org_uuid TEXT NOT NULL,
        org_name TEXT NOT NULL,
        org_level TEXT NOT NULL DEFAULT '',
        org_place TEXT NOT NULL DEFAULT '',
        parent_uuid TEXT NOT NULL DEFAULT '',
        parent_name TEXT NOT NULL DEFAULT '',
        year INTEGER NOT NULL,
        exported_at TEXT NOT NULL,
        digest TEXT NOT NULL,
        counts_json TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        updated_at TEXT NOT NULL
    )"""
    )
    db.execute("CREATE UNIQUE INDEX sub_orgs_active ON sub_orgs(org_uuid, year) WHERE active = 1")
    db.execute("CREATE INDEX sub_orgs_submission ON sub_orgs(submission_id)")
    # References inside a block are by UUID within that block; `extra_json` keeps fields a
    # newer sender's records have that these tables do not (passed on unchanged upwards).
    common = """id INTEGER PRIMARY KEY,
        org_id INTEGER NOT NULL REFERENCES sub_orgs(id) ON DELETE CASCADE,
        uuid TEXT NOT NULL,
        created_at TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL DEFAULT '',
        notes TEXT NOT NULL DEFAULT '',
        extra_json TEXT NOT NULL DEFAULT '{}'"""
    db.execute(
        f"""CREATE TABLE sub_units ({common},
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        established_date TEXT,
        contact_person TEXT NOT NULL DEFAULT '',
        contact_phone TEXT NOT NULL DEFAULT '',
        member_count INTEGER,
        founded_this_year INTEGER NOT NULL DEFAULT 0,
        UNIQUE (org_id, uuid),
        UNIQUE (org_id, name)
    )"""
    )
    db.execute(
        f"""CREATE TABLE sub_people ({common},
        name TEXT NOT NULL,
        gender TEXT NOT NULL DEFAULT '',
        birth_date TEXT,
        ethnicity TEXT NOT NULL DEFAULT '',
        id_number TEXT NOT NULL DEFAULT '',
        phone TEXT NOT NULL DEFAULT '',
        unit_uuid TEXT,
        title TEXT NOT NULL DEFAULT '',
        education TEXT NOT NULL DEFAULT '',
        speciality TEXT NOT NULL DEFAULT '',
        roles TEXT NOT NULL DEFAULT '',
        join_date TEXT,
        status TEXT NOT NULL DEFAULT '在册',
        UNIQUE (org_id, uuid)
    )"""
    )
    db.execute(
        f"""CREATE TABLE sub_activities ({common},
        title TEXT NOT NULL,
        category TEXT NOT NULL,
        start_date TEXT NOT NULL,
        end_date TEXT,
        unit_uuid TEXT,
        co_organisers TEXT NOT NULL DEFAULT '',
        place TEXT NOT NULL DEFAULT '',
        audience TEXT NOT NULL DEFAULT '',
        participants INTEGER,
        highlight INTEGER NOT NULL DEFAULT 0,
        description TEXT NOT NULL DEFAULT '',
        reports INTEGER NOT NULL DEFAULT 0,
        problems_solved INTEGER NOT NULL DEFAULT 0,
        technologies_promoted INTEGER NOT NULL DEFAULT 0,
        articles INTEGER NOT NULL DEFAULT 0,
        messages INTEGER NOT NULL DEFAULT 0,
        person_uuids TEXT NOT NULL DEFAULT '[]',
        UNIQUE (org_id, uuid)
    )"""
    )
    db.execute(
        f"""CREATE TABLE sub_awards ({common},
        name TEXT NOT NULL,
        level TEXT NOT NULL,
        award_date TEXT,
        person_uuid TEXT,
        unit_uuid TEXT,
        team TEXT NOT NULL DEFAULT '',
        issuer TEXT NOT NULL DEFAULT '',
        certificate_no TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '',
        activity_uuid TEXT,
        UNIQUE (org_id, uuid)
    )"""
    )
    # A unit of the county's own list matched by hand to the organisation that submits for it
    # (by UUID: names differ, 「城关镇科协」 against 「城关镇科学技术协会」).
    db.execute(
        """CREATE TABLE sub_unit_links (
        unit_uuid TEXT PRIMARY KEY,
        org_uuid TEXT NOT NULL
    )"""
    )


@migration("0011_ux_unit_kinds_full_width")
def m0011_ux_unit_kinds_full_width(db: Database) -> None:
    # 乡镇(街道)科协 is written with full-width brackets, as in every Chinese document; records
    # kept with the old spelling (and deleted ones waiting in the 回收站, and the "before"
    # copies an import undo restores) are moved over so that one kind is not counted as two.
    old, new = "乡镇(街道)科协", "乡镇（街道）科协"
    # Only the tables this database has: restore builds the schema of a backup's own set of
    # migrations, which need not hold every earlier table.
    tables = set(db.table_names())
    statements = {
        "units": "UPDATE units SET kind = ? WHERE kind = ?",
        "sub_units": "UPDATE sub_units SET kind = ? WHERE kind = ?",  # received packages
    }
    for table, sql in statements.items():
        if table in tables:
            db.execute(sql, [new, old])
    quoted = [f'"{old}"', f'"{new}"']
    if "recycle_bin" in tables:
        db.execute(
            "UPDATE recycle_bin SET row_json = replace(row_json, ?, ?) WHERE table_name = 'units'",
            quoted,
        )
    if "import_changes" in tables:
        db.execute(
            "UPDATE import_changes SET before_json = replace(before_json, ?, ?) "
            "WHERE table_name = 'units' AND before_json IS NOT NULL",
            quoted,
        )


@migration("0012_evidence_attachments")
def m0012_evidence_attachments(db: Database) -> None:
    # The 台账's evidence: files (photos, 签到表 scans, notices, certificates) and news links
    # attached to an activity or an award. A file's content lives in DIR/attachments/ under
    # its SHA-256 (the same photo attached twice is stored once); the row says what it is to
    # the clerk. The CHECKs matter beyond tidiness: sha256 and file_type make up a path in the
    # data folder, so a row restored from a backup that another tool edited can never name a
    # file outside it.
    db.execute(
        """CREATE TABLE attachments (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        uuid TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        activity_id INTEGER REFERENCES activities(id) ON DELETE CASCADE,
        award_id INTEGER REFERENCES awards(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        caption TEXT NOT NULL DEFAULT '',
        original_name TEXT NOT NULL DEFAULT '',
        sha256 TEXT CHECK (sha256 IS NULL OR
            (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*')),
        file_type TEXT NOT NULL DEFAULT ''
            CHECK (file_type IN ('', 'jpg', 'png', 'pdf', 'docx', 'xlsx', 'doc', 'xls', 'txt')),
        size INTEGER CHECK (size IS NULL OR size >= 0),
        url TEXT NOT NULL DEFAULT '',
        link_title TEXT NOT NULL DEFAULT '',
        link_date TEXT,
        position INTEGER NOT NULL DEFAULT 0,
        -- The one photo of a 重点 activity the clerk chose to print under it in the summary.
        in_summary INTEGER NOT NULL DEFAULT 0 CHECK (in_summary IN (0, 1)),
        CHECK ((activity_id IS NULL) <> (award_id IS NULL)),
        CHECK ((sha256 IS NULL) = (file_type = '')),
        CHECK ((sha256 IS NULL) <> (url = ''))
    )"""
    )
    db.execute("CREATE INDEX attachments_activity ON attachments(activity_id)")
    db.execute("CREATE INDEX attachments_award ON attachments(award_id)")
    db.execute("CREATE INDEX attachments_sha256 ON attachments(sha256) WHERE sha256 IS NOT NULL")


@migration("0013_package_sub_attachments")
def m0013_package_sub_attachments(db: Database) -> None:
    # Evidence attachments and people's 职务 received in subordinates' packages, held per
    # received block like their other records (0010): turned off with the block when a newer
    # package replaces it, deleted with it when its import is undone. The files themselves are
    # in the county's own content-addressed store (DIR/attachments/), shared with its own
    # attachments; the same CHECKs as 0012 keep sha256 and file_type from naming any path
    # outside it. References are by UUID within the block (activity_uuid XOR award_uuid).
    db.execute(
        """CREATE TABLE sub_attachments (
        id INTEGER PRIMARY KEY,
        org_id INTEGER NOT NULL REFERENCES sub_orgs(id) ON DELETE CASCADE,
        uuid TEXT NOT NULL,
        activity_uuid TEXT,
        award_uuid TEXT,
        kind TEXT NOT NULL,
        caption TEXT NOT NULL DEFAULT '',
        original_name TEXT NOT NULL DEFAULT '',
        sha256 TEXT CHECK (sha256 IS NULL OR
            (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*')),
        file_type TEXT NOT NULL DEFAULT ''
            CHECK (file_type IN ('', 'jpg', 'png', 'pdf', 'docx', 'xlsx', 'doc', 'xls', 'txt')),
        size INTEGER CHECK (size IS NULL OR size >= 0),
        url TEXT NOT NULL DEFAULT '',
        link_title TEXT NOT NULL DEFAULT '',
        link_date TEXT,
        position INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL DEFAULT '',
        CHECK ((activity_uuid IS NULL) <> (award_uuid IS NULL)),
        CHECK ((sha256 IS NULL) = (file_type = '')),
        CHECK ((sha256 IS NULL) <> (url = '')),
        UNIQUE (org_id, uuid)
    )"""
    )
    db.execute("CREATE INDEX sub_attachments_sha256 ON sub_attachments(sha256)")
    db.execute(
        """CREATE TABLE sub_positions (
        id INTEGER PRIMARY KEY,
        org_id INTEGER NOT NULL REFERENCES sub_orgs(id) ON DELETE CASCADE,
        person_uuid TEXT NOT NULL,
        unit_uuid TEXT NOT NULL,
        post TEXT NOT NULL,
        background TEXT NOT NULL DEFAULT '',
        start_date TEXT,
        end_date TEXT
    )"""
    )
    db.execute("CREATE INDEX sub_positions_org ON sub_positions(org_id)")


@migration("0014_overview_indexes")
def m0014_overview_indexes(db: Database) -> None:
    # The 概览 tab's figures from the indexes alone (bench/bench_overview.py): a year's
    # activities by category, month and 人次 as one range per category and month (no sort of
    # 100,000 rows: 14 ms instead of 70 ms of CPU), and the roster's members grouped by their
    # roles (9 ms instead of 40 ms for 50,000 people), and awards by level as one range per level
    # and year (under 1 ms instead of 7 ms for 10,000 awards).
    db.execute(
        "CREATE INDEX activities_overview "
        "ON activities(category, planned, start_date, participants)"
    )
    db.execute("CREATE INDEX people_overview ON people(status, roles, join_date)")
    db.execute("CREATE INDEX awards_overview ON awards(level, award_date)")


@migration("0015_fields_funding")
def m0015_fields_funding(db: Database) -> None:
    # 经费 of an activity, in integer fen (分): yuan with two decimals, without the binary
    # fractions a REAL would add up. NULL is unknown (不详) and never summed as 0.
    db.execute(
        "ALTER TABLE activities ADD COLUMN funding INTEGER CHECK (funding IS NULL OR funding >= 0)"
    )
