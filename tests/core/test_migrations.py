"""Upgrades: from every earlier schema version, with data; a newer database left untouched."""

import hashlib
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from kexie_desktop.core import migrations
from kexie_desktop.core.store import NewerDatabaseError, Store

NAMES = migrations.known_names()


def _database_at(path: Path, version: int) -> None:
    """A database with only the first `version` migrations applied, holding some records."""
    db = Database(sqlite3.connect(path))
    stop = NAMES[version] if version < len(NAMES) else None
    from sqlite_utils.migrations import Migrations

    partial = Migrations(migrations.MIGRATION_SET)
    for name, fn in migrations._MIGRATIONS:
        partial(name=name)(fn)
    partial.apply(db, stop_before=stop)
    db.execute(
        "INSERT INTO units (uuid, created_at, updated_at, name, kind) "
        "VALUES ('u1', '2025-01-01', '2025-01-01', '老单位科协', '企业科协')"
    )
    db.execute(
        "INSERT INTO people (uuid, created_at, updated_at, name, unit_id) "
        "VALUES ('p1', '2025-01-01', '2025-01-01', '老会员', 1)"
    )
    db.execute(
        "INSERT INTO activities (uuid, created_at, updated_at, title, category, start_date) "
        "VALUES ('a1', '2025-01-01', '2025-01-01', '老活动', '学术交流', '2025-03-05')"
    )
    db.conn.commit()
    db.conn.close()


@pytest.mark.parametrize("version", range(1, len(NAMES)))
def test_upgrade_from_every_earlier_version_keeps_the_data(data_dir: Path, version: int) -> None:
    data_dir.mkdir()
    _database_at(data_dir / "kexie.db", version)
    store = Store.open(data_dir)
    assert store.applied_migrations() == NAMES
    assert store.records.counts() == {"units": 1, "people": 1, "activities": 1, "awards": 0}
    assert store.lists.ids("people", search="老会员") != []
    assert store.lists.rows("people", store.lists.ids("people"))[1]["unit_name"] == "老单位科协"
    # A checked copy was made before the upgrade touched anything.
    copies = list((data_dir / "backups").glob("kexie-before-migration-*.db"))
    assert len(copies) == 1
    store.close()


def test_a_newer_database_is_refused_and_left_untouched(data_dir: Path) -> None:
    Store.open(data_dir).close()
    path = data_dir / "kexie.db"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES ('kexie', '9999_from_the_future', 'x')"
        )
    conn.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(NewerDatabaseError):
        Store.open(data_dir)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_a_failed_migration_leaves_the_old_database_working(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kexie_desktop.core.records import Person
    from kexie_desktop.core.store import StoreError

    store = Store.open(data_dir)
    store.records.save(Person(name="张三"))
    store.close()

    def broken(db: Database) -> None:
        db.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("power cut in the middle")

    monkeypatch.setattr(
        migrations, "_MIGRATIONS", [*migrations._MIGRATIONS, ("9000_broken", broken)]
    )
    with pytest.raises(StoreError, match="数据库升级没有完成，原有数据未改动"):
        Store.open(data_dir)
    monkeypatch.undo()
    store = Store.open(data_dir)  # the program before the upgrade still opens it
    assert store.imports.people_named("张三") != []
    assert (
        store.conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = 'half_done'"
        ).fetchone()[0]
        == 0
    )
    store.close()


def test_participants_become_nullable_in_place(data_dir: Path) -> None:
    """0005: an existing 人次 stays, 不详 (NULL) can be stored, a negative still cannot; the
    links of the activity and its indexes survive (the table is not copied)."""
    data_dir.mkdir()
    before = NAMES.index("0005_summary_participants_unknown")
    _database_at(data_dir / "kexie.db", before)
    with sqlite3.connect(data_dir / "kexie.db") as conn:
        conn.execute("UPDATE activities SET participants = 35")
        conn.execute("INSERT INTO activity_people VALUES (1, 1)")
    store = Store.open(data_dir)
    conn = store.conn
    assert conn.execute("SELECT participants FROM activities").fetchall() == [(35,)]
    assert conn.execute("SELECT count(*) FROM activity_people").fetchone()[0] == 1
    conn.execute("UPDATE activities SET participants = NULL")
    assert conn.execute("SELECT participants FROM activities").fetchone()[0] is None
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE activities SET participants = -1")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"activities_start", "activities_unit", "awards_activity"} <= indexes


def test_unit_kinds_move_to_full_width_brackets(data_dir: Path) -> None:
    data_dir.mkdir()
    version = NAMES.index("0011_ux_unit_kinds_full_width")
    _database_at(data_dir / "kexie.db", version)
    db = sqlite3.connect(data_dir / "kexie.db")
    db.execute(
        "INSERT INTO units (uuid, created_at, updated_at, name, kind) "
        "VALUES ('u2', '2025-01-01', '2025-01-01', '城关镇科协', '乡镇(街道)科协')"
    )
    db.execute(
        "INSERT INTO recycle_bin (deleted_at, table_name, record_id, label, row_json, links_json) "
        "VALUES ('2025-01-02', 'units', 9, '删掉的街道科协', "
        '\'{"name": "删掉的街道科协", "kind": "乡镇(街道)科协"}\', \'{}\')'
    )
    db.commit()
    db.close()
    store = Store.open(data_dir)
    kinds = {r[0]: r[1] for r in store.conn.execute("SELECT name, kind FROM units")}
    assert kinds == {"老单位科协": "企业科协", "城关镇科协": "乡镇（街道）科协"}
    (row_json,) = store.conn.execute("SELECT row_json FROM recycle_bin").fetchone()
    assert "乡镇（街道）科协" in row_json and "乡镇(街道)科协" not in row_json
    store.close()
