"""A backup is an untrusted file: restoring one never runs or keeps anything from it but its rows,
and a refused or failed restore leaves the live database exactly as it was."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kexie_desktop.core.backup import BackupError, copy_database, inspect_backup, prune
from kexie_desktop.core.health import check_database
from kexie_desktop.core.records import Activity, Person, Unit
from kexie_desktop.core.store import Store


def dump_hash(conn: sqlite3.Connection) -> str:
    digest = hashlib.sha256()
    for line in conn.iterdump():
        digest.update(line.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


DROP_TRIGGERS = "-- drop the triggers"


def hostile_backup(source: Store, path: Path, *statements: str) -> Path:
    """A real backup of `source`, then changed by another tool with `statements`."""
    copy_database(source.conn, path)
    conn = sqlite3.connect(path)
    for statement in statements:
        if statement == DROP_TRIGGERS:  # as a tool rebuilding a table would lose them
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
                conn.execute(f"DROP TRIGGER {name}")
            continue
        conn.executescript(statement)
    conn.commit()
    conn.close()
    return path


def other_store(tmp_path: Path) -> Store:
    """The data a backup was made from: not the clerk's live data."""
    store = Store.open(tmp_path / "elsewhere")
    unit = store.records.save(Unit(name="备份里的单位", kind="企业科协"))
    store.records.save(Person(name="备份里的人", unit_id=unit.id))
    store.records.save(Activity(title="备份里的活动", category="学术交流", start_date="2025-03-01"))
    return store


def objects(conn: sqlite3.Connection) -> set[tuple[str, str]]:
    return {(r[0], r[1]) for r in conn.execute("SELECT type, name FROM sqlite_master")}


def test_triggers_views_and_extra_tables_are_not_carried_in(
    demo_store: Store, tmp_path: Path
) -> None:
    source = other_store(tmp_path)
    expected = objects(demo_store.conn)
    backup = hostile_backup(
        source,
        tmp_path / "带触发器.db",
        # The next ordinary save would empty the lists, or hang forever.
        "CREATE TRIGGER wipe AFTER INSERT ON people BEGIN "
        "DELETE FROM activities; DELETE FROM awards; END;",
        "CREATE TRIGGER hang AFTER UPDATE ON activities BEGIN "
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
        "SELECT count(*) FROM r; END;",
        "CREATE TABLE spy (x TEXT); INSERT INTO spy VALUES ('留下的东西');",
        "CREATE VIEW peek AS SELECT * FROM people;",
    )
    safety, described = demo_store.restore(backup)
    assert "人员1条" in described
    assert objects(demo_store.conn) == expected  # the program's own schema, nothing more
    names = [r[0] for r in demo_store.conn.execute("SELECT name FROM people")]
    assert names == ["备份里的人"]
    # Ordinary work afterwards touches nothing else.
    demo_store.records.save(Person(name="恢复之后加的人"))
    activity = demo_store.records.get(Activity, demo_store.lists.ids("activities")[0])
    activity.place = "会议室"
    demo_store.records.save(activity)
    assert demo_store.records.count(Activity) == 1
    assert safety.exists()
    source.close()


def test_the_restore_itself_is_recorded_once_and_the_backups_log_kept(
    demo_store: Store, tmp_path: Path
) -> None:
    source = other_store(tmp_path)
    source_log = source.change_log.entries()
    backup = hostile_backup(source, tmp_path / "备份.db")
    demo_store.restore(backup)
    log = demo_store.change_log.entries()
    assert log[0]["action"] == "restore-backup"
    assert log[0]["label"] == "从备份恢复：备份.db"
    assert [e["id"] for e in log[1:]] == [e["id"] for e in source_log]
    source.close()


@pytest.mark.parametrize(
    ("name", "statements", "message"),
    [
        (
            "视图.db",
            [
                DROP_TRIGGERS,
                "ALTER TABLE people RENAME TO people_real; "
                "CREATE VIEW people AS SELECT * FROM people_real;",
            ],
            "视图",
        ),
        (
            "少了列.db",
            [DROP_TRIGGERS, "ALTER TABLE people DROP COLUMN ethnicity;"],
            "表“people”的列与本程序不符",
        ),
        (
            "多了列.db",
            ["ALTER TABLE activities ADD COLUMN evil TEXT;"],
            "表“activities”的列与本程序不符",
        ),
        (
            "坏编码.db",
            ["UPDATE people SET name = CAST(x'e5bca0ff' AS TEXT);"],
            "UTF-8",
        ),
        (
            "代理码位.db",
            ["UPDATE people SET notes = CAST(x'eda080' AS TEXT);"],
            "UTF-8",
        ),
        (
            "断链.db",
            ["PRAGMA foreign_keys = OFF; UPDATE people SET unit_id = 999;"],
            "指向不存在的记录",
        ),
        (
            "违反约束.db",
            ["PRAGMA ignore_check_constraints = ON; UPDATE activities SET participants = -5;"],
            "不是科协工作台的备份文件",
        ),
        ("缺表.db", ["DROP TABLE narratives;"], "缺少表“narratives”"),
        (
            "名字是二进制.db",
            ["UPDATE people SET name = x'e5bca0e4b889';"],
            "表“people”的“name”中有不该有的内容",
        ),
        (
            "人次是文字.db",
            ["UPDATE activities SET participants = 'many';"],
            "表“activities”的“participants”中有不该有的内容",
        ),
    ],
)
def test_a_backup_that_is_not_ours_is_refused_and_changes_nothing(
    demo_store: Store, tmp_path: Path, name: str, statements: list[str], message: str
) -> None:
    source = other_store(tmp_path)
    backup = hostile_backup(source, tmp_path / name, *statements)
    source.close()
    assert demo_store.path is not None
    before = dump_hash(demo_store.conn)
    file_before = file_hash(demo_store.path)
    with pytest.raises(BackupError, match=message):
        demo_store.restore(backup)
    assert dump_hash(demo_store.conn) == before
    assert file_hash(demo_store.path) == file_before
    folder = demo_store.path.parent
    # No safety copy for a refused backup, no temporary file left behind.
    assert not list((folder / "backups").glob("kexie-before-restore-*"))
    assert not [p for p in folder.iterdir() if p.name.endswith(".part")]
    # The program still opens its data.
    demo_store.close()
    check_database(folder)
    Store.open(folder).close()


def test_a_trigger_that_raises_during_the_upgrade_of_an_old_backup_is_not_run(
    demo_store: Store, tmp_path: Path
) -> None:
    source = other_store(tmp_path)
    # An older version's backup (before the recycle bin), with a trigger that would stop the
    # upgrade of the restored data halfway.
    backup = hostile_backup(
        source,
        tmp_path / "旧版本.db",
        "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;"
        "DROP TABLE audit_log; DROP TABLE recycle_bin;"
        "DELETE FROM _sqlite_migrations WHERE name = '0004_recycle_bin_and_audit_log';"
        "CREATE TRIGGER stop BEFORE INSERT ON _sqlite_migrations "
        "BEGIN SELECT RAISE(ABORT, 'no'); END;",
    )
    source.close()
    demo_store.restore(backup)
    assert [r[0] for r in demo_store.conn.execute("SELECT name FROM people")] == ["备份里的人"]
    assert demo_store.change_log.entries()[0]["action"] == "restore-backup"
    assert ("trigger", "stop") not in objects(demo_store.conn)


def test_a_wal_mode_backup_on_a_stick_grows_nothing_beside_it(
    demo_store: Store, tmp_path: Path
) -> None:
    stick = tmp_path / "U盘"
    stick.mkdir()
    source = other_store(tmp_path)
    backup = stick / "备份.db"
    copy_database(source.conn, backup)
    source.close()
    with sqlite3.connect(backup) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    listing = sorted(p.name for p in stick.iterdir())
    inspect_backup(backup)
    demo_store.restore(backup)
    assert sorted(p.name for p in stick.iterdir()) == listing


def test_a_failure_while_replacing_leaves_the_live_database_as_it_was(
    demo_store: Store, tmp_path: Path
) -> None:
    source = other_store(tmp_path)
    # A backup much bigger than the live data, into a database that cannot grow (as on a
    # full disk): SQLite's own "database or disk is full" mid-copy.
    with source.transaction():
        for n in range(400):
            source.records.save(Person(name=f"人{n}", notes="备注" * 400), checked=True)
    backup = hostile_backup(source, tmp_path / "大.db")
    source.close()
    assert demo_store.path is not None
    pages = demo_store.conn.execute("PRAGMA page_count").fetchone()[0]
    demo_store.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
    before = dump_hash(demo_store.conn)
    file_before = file_hash(demo_store.path)
    with pytest.raises(BackupError, match="原有数据未改动"):
        demo_store.restore(backup)
    assert dump_hash(demo_store.conn) == before
    assert file_hash(demo_store.path) == file_before


def test_a_killed_restore_leaves_no_temporary_files_after_the_next_start(
    demo_store: Store, tmp_path: Path
) -> None:
    from kexie_desktop.core.health import remove_leftovers

    assert demo_store.path is not None
    folder = demo_store.path.parent
    (folder / "backups").mkdir(exist_ok=True)
    leftovers = [
        folder / ".kexie-restore.db.0123abcd.part",
        folder / ".kexie-restore.db.0123abcd.part-journal",
        folder / "backups" / ".kexie-2025-01-01.db.89abcdef.part",
    ]
    for path in leftovers:
        path.write_bytes(b"half")
    keep = folder / "backups" / "说明.part"
    keep.write_text("not ours")
    remove_leftovers(folder)
    assert not any(p.exists() for p in leftovers)
    assert keep.exists()
    # The daily pruning of backups/ clears them too.
    leftovers[2].write_bytes(b"half")
    prune(folder / "backups")
    assert not leftovers[2].exists() and keep.exists()


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kexie_desktop", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_line_refuses_a_hostile_backup_and_the_data_still_opens(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    assert run_cli("demo", "--data-dir", str(data)).returncode == 0
    source = other_store(tmp_path)
    backup = hostile_backup(
        source, tmp_path / "坏.db", "UPDATE units SET name = CAST(x'c3' AS TEXT);"
    )
    source.close()
    before = file_hash(data / "kexie.db")
    result = run_cli("restore", str(backup), "--data-dir", str(data))
    assert result.returncode == 1
    assert result.stderr.startswith("错误：")
    assert "UTF-8" in result.stderr and "Traceback" not in result.stderr
    assert file_hash(data / "kexie.db") == before
    after = run_cli("export", "ledger", "--year", "2025", "--out", str(tmp_path / "台账.xlsx"),
                    "--data-dir", str(data))  # fmt: skip
    assert after.returncode == 0, after.stderr
