import sqlite3
from pathlib import Path

import pytest

import kexie_desktop.core.store as store_package
from kexie_desktop.core.migrations import known_names
from kexie_desktop.core.records import Activity, Award, Person, Unit
from kexie_desktop.core.store import NewerDatabaseError, RecordNotFound, Store, StoreError
from kexie_desktop.core.validation import ValidationError

REQUIRED_COLUMNS = {
    "units": {"name", "kind"},
    "people": {"name", "gender", "birth_date", "id_number", "phone", "unit_id"},
    "activities": {
        "title", "category", "start_date", "end_date", "participants", "highlight",
        "description", "unit_id",
    },
    "awards": {"name", "level", "award_date", "person_id", "unit_id", "team"},
}  # fmt: skip


def _columns(path: Path, table: str) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def test_migrations_create_the_documented_schema_from_an_empty_file(data_dir: Path) -> None:
    data_dir.mkdir()
    (data_dir / "kexie.db").write_bytes(b"")
    store = Store.open(data_dir)
    assert store.applied_migrations() == known_names()
    store.close()
    for table, required in REQUIRED_COLUMNS.items():
        cols = _columns(data_dir / "kexie.db", table)
        assert required | {"id", "uuid", "created_at", "updated_at", "notes"} <= cols
    assert {"activity_id", "person_id"} <= _columns(data_dir / "kexie.db", "activity_people")
    assert {"key", "value"} <= _columns(data_dir / "kexie.db", "settings")


def test_open_creates_the_folder_and_uses_wal_and_foreign_keys(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b"
    store = Store.open(target)
    assert (target / "kexie.db").exists()
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    store.close()


def test_reopening_applies_nothing_twice(data_dir: Path) -> None:
    Store.open(data_dir).close()
    store = Store.open(data_dir)
    assert store.applied_migrations() == known_names()
    store.close()


def test_a_store_is_a_context_manager_that_closes(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        store.records.save(Person(name="张三"))
    with pytest.raises(sqlite3.ProgrammingError):
        store.conn.execute("SELECT 1")
    # Closed on an error too, and the error goes on.
    with pytest.raises(RecordNotFound), Store.open(data_dir, read_only=True) as reader:
        assert reader.records.count(Person) == 1
        reader.records.get(Person, 999)
    with pytest.raises(sqlite3.ProgrammingError):
        reader.conn.execute("SELECT 1")


def test_the_store_only_opens_and_hands_the_work_to_one_part_per_subject(store: Store) -> None:
    # The front must not grow back into a grab-bag: new work goes into a part (core/store/).
    front = {name for name in vars(Store) if not name.startswith("_")}
    parts = {"records", "change_log", "recycle_bin", "lists", "imports", "figures", "ledger",
             "packages", "positions", "typed_stats", "narratives", "settings"}  # fmt: skip
    opening = {"open", "open_memory", "reopen", "close", "transaction", "data_version", "db",
               "restore", "applied_migrations", "data_folder", "read_only", "folder"}  # fmt: skip
    assert front == parts | opening
    for name in parts:
        assert getattr(store, name).store is store
    folder = Path(store_package.__file__).parent
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in folder.glob("*.py")}
    assert max(sizes.values()) < 400, sizes


def test_a_database_from_a_newer_program_is_refused(data_dir: Path) -> None:
    store = Store.open(data_dir)
    store.db.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
        ["kexie", "9999_future", "2030-01-01"],
    )
    store.close()
    with pytest.raises(NewerDatabaseError, match="更新版本"):
        Store.open(data_dir)


def test_an_unreadable_file_gives_a_chinese_error(data_dir: Path) -> None:
    data_dir.mkdir()
    (data_dir / "kexie.db").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="无法打开数据库"):
        Store.open(data_dir)


def test_save_stamps_uuid_and_times_and_update_keeps_created(store: Store) -> None:
    unit = store.records.save(Unit(name="青江橡塑集团科协", kind="企业科协"))
    assert unit.id is not None and len(unit.uuid) == 36
    created = unit.created_at
    unit.contact_person = "李四"
    unit.uuid = "tampered"
    store.records.save(unit)
    again = store.records.get(Unit, unit.id)
    assert again.contact_person == "李四"
    assert again.created_at == created
    assert len(again.uuid) == 36 and again.uuid != "tampered"
    assert again.updated_at >= created


def test_values_round_trip(store: Store) -> None:
    unit = store.records.save(
        Unit(name="甲学会", kind="学会", founded_this_year=True, member_count=30)
    )
    person = store.records.save(
        Person(
            name="王芳", id_number="11010519491231002x", roles=["会员", "秘书长"], unit_id=unit.id
        )
    )
    activity = store.records.save(
        Activity(
            title="科技活动周",
            category="科学普及",
            start_date="2025-05-18",
            end_date="2025-05-24",
            unit_id=unit.id,
            audience=["青少年", "社区居民"],
            participants=1200,
            highlight=True,
            description="段落。",
            messages=3000,
            person_ids=[person.id or 0],
        )
    )
    assert store.records.get(Unit, unit.id or 0).founded_this_year is True
    got_person = store.records.get(Person, person.id or 0)
    assert got_person.roles == ["会员", "秘书长"]
    assert (got_person.birth_date, got_person.gender) == ("1949-12-31", "女")
    got = store.records.get(Activity, activity.id or 0)
    assert got == activity


def test_invalid_record_writes_nothing(store: Store) -> None:
    with pytest.raises(ValidationError):
        store.records.save(
            Activity(title="x", category="学术交流", start_date="2025-03-05", participants=-1)
        )
    assert store.records.count(Activity) == 0


def test_duplicate_unit_names_are_refused(store: Store) -> None:
    store.records.save(Unit(name="甲学会", kind="学会"))
    with pytest.raises(ValidationError, match="已有名为“甲学会”"):
        store.records.save(Unit(name=" 甲学会 ", kind="学会"))
    other = store.records.save(Unit(name="乙学会", kind="学会"))
    other.name = "甲学会"
    with pytest.raises(ValidationError):
        store.records.save(other)
    # Saving a unit under its own name is not a duplicate.
    same = store.records.get(Unit, other.id or 0)
    store.records.save(same)


def test_references_to_missing_records_are_refused(store: Store) -> None:
    with pytest.raises(ValidationError, match="已不存在"):
        store.records.save(Person(name="张三", unit_id=99))
    with pytest.raises(ValidationError, match="已不存在"):
        store.records.save(
            Activity(title="x", category="其他", start_date="2025-01-01", person_ids=[42])
        )


def test_updating_a_deleted_record_says_so(store: Store) -> None:
    unit = store.records.save(Unit(name="甲", kind="学会"))
    store.records.delete(Unit, [unit.id or 0])
    with pytest.raises(RecordNotFound, match="已不存在"):
        store.records.save(unit)
    with pytest.raises(RecordNotFound):
        store.records.get(Unit, unit.id or 0)


def test_delete_clears_links_and_reports_references(store: Store) -> None:
    unit = store.records.save(Unit(name="甲", kind="学会"))
    person = store.records.save(Person(name="张三", unit_id=unit.id))
    activity = store.records.save(
        Activity(
            title="a",
            category="其他",
            start_date="2025-01-01",
            unit_id=unit.id,
            person_ids=[person.id or 0],
        )
    )
    award = store.records.save(Award(name="奖", level="市级", person_id=person.id))
    assert store.records.references(Unit, [unit.id or 0]) == {"人员": 1, "活动": 1}
    assert store.records.references(Person, [person.id or 0]) == {"活动": 1, "奖项": 1}
    assert len(store.records.delete(Unit, [unit.id or 0])) == 1
    assert store.records.get(Person, person.id or 0).unit_id is None
    assert store.records.get(Activity, activity.id or 0).unit_id is None
    store.records.delete(Person, [person.id or 0])
    assert store.records.get(Activity, activity.id or 0).person_ids == []
    assert store.records.get(Award, award.id or 0).person_id is None


def test_a_failing_action_rolls_back_as_a_whole(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.records.save(Unit(name="甲", kind="学会"))
        store.records.save(Unit(name="乙", kind="学会"))
        raise RuntimeError("power cut")
    assert store.records.count(Unit) == 0


def test_profile_round_trip(store: Store) -> None:
    from kexie_desktop.core.records import Profile

    assert not store.settings.has_profile()
    store.settings.save_profile(Profile(org_name=" 青江市厂矿科协联合会 ", org_level="市级"))
    assert store.settings.has_profile()
    assert store.settings.profile().org_name == "青江市厂矿科协联合会"


@pytest.fixture
def listed(store: Store) -> Store:
    unit = store.records.save(Unit(name="青江纸业科协", kind="企业科协"))
    for name, phone in (("张三", "13800000001"), ("张三丰", ""), ("李四", ""), ("欧阳张三", "")):
        store.records.save(
            Person(name=name, phone=phone, unit_id=unit.id if name == "李四" else None)
        )
    for day, title, category in (
        ("2024-12-30", "年终总结会", "自身建设"),
        ("2025-01-05", "纸业节能技术交流", "学术交流"),
        ("2025-06-01", "科普进社区", "科学普及"),
        ("2025-03-01", "100%达标_检查", "其他"),
    ):
        store.records.save(
            Activity(title=title, category=category, start_date=day, unit_id=unit.id)
        )
    return store


def _names(store: Store, table: str, ids: list[int]) -> list[str]:
    rows = store.lists.rows(table, ids)
    key = "title" if table == "activities" else "name"
    return [rows[i][key] for i in ids]


def test_search_matches_two_character_chinese_names(listed: Store) -> None:
    ids = listed.lists.ids("people", search="张三", sort_key="name")
    assert sorted(_names(listed, "people", ids)) == sorted(["张三", "张三丰", "欧阳张三"])
    assert _names(listed, "people", listed.lists.ids("people", search="青江纸业")) == ["李四"]
    assert listed.lists.ids("people", search="张三 丰") == listed.lists.ids("people", search="三丰")


def test_search_treats_like_wildcards_literally(listed: Store) -> None:
    assert _names(listed, "activities", listed.lists.ids("activities", search="100%")) == [
        "100%达标_检查"
    ]
    assert listed.lists.ids("activities", search="%") != []
    assert len(listed.lists.ids("activities", search="_")) == 1


def test_year_scope_and_sorting(listed: Store) -> None:
    ids = listed.lists.ids("activities", year=2025, sort_key="start_date")
    assert _names(listed, "activities", ids) == ["纸业节能技术交流", "100%达标_检查", "科普进社区"]
    desc = listed.lists.ids("activities", year=2025, sort_key="start_date", descending=True)
    assert desc == ids[::-1]
    assert len(listed.lists.ids("activities")) == 4
    assert listed.lists.count("activities", year=2024) == 1
    assert listed.lists.years() == [2025, 2024]


def test_choices_for_pickers(listed: Store) -> None:
    assert [name for _, name in listed.lists.unit_choices()] == ["青江纸业科协"]
    labels = [label for _, label in listed.lists.person_choices("青江")]
    assert labels == ["李四（青江纸业科协）"]


def test_lists_follow_renames_and_deletes_of_linked_records(store: Store) -> None:
    unit = store.records.save(Unit(name="旧名科协", kind="企业科协"))
    person = store.records.save(Person(name="张三", unit_id=unit.id))
    activity = store.records.save(
        Activity(title="交流会", category="学术交流", start_date="2025-01-01", unit_id=unit.id)
    )
    award = store.records.save(Award(name="青年科技奖", level="省部级", person_id=person.id))
    unit.name = "新名科协"
    store.records.save(unit)
    assert (
        store.lists.rows("activities", [activity.id or 0])[activity.id or 0]["unit_name"]
        == "新名科协"
    )
    assert store.lists.rows("people", [person.id or 0])[person.id or 0]["unit_name"] == "新名科协"
    assert store.lists.ids("activities", search="新名") == [activity.id]
    assert store.lists.ids("activities", search="旧名") == []
    person.name = "张三丰"
    store.records.save(person)
    assert store.lists.rows("awards", [award.id or 0])[award.id or 0]["winner"] == "张三丰"
    store.records.delete(Unit, [unit.id or 0])
    assert store.lists.rows("activities", [activity.id or 0])[activity.id or 0]["unit_name"] == ""
    store.records.delete(Activity, [activity.id or 0])
    assert store.lists.ids("activities") == []
    # The list tables agree with a fresh computation from the records.
    for table in ("activities", "people", "awards"):
        n = store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        assert store.lists.count(table) == n


def test_search_ignores_latin_case(store: Store) -> None:
    award = store.records.save(Award(name="优秀质量管理小组", level="省部级", team="液压缸QC小组"))
    assert store.lists.ids("awards", search="qc") == [award.id]


def test_list_tables_are_rebuilt_when_missing_or_changed(data_dir: Path) -> None:
    store = Store.open(data_dir)
    store.records.save(Person(name="王芳"))
    store.db.execute("DROP TABLE people_list")
    store.db.execute("UPDATE settings SET value = 'old' WHERE key = 'listing.definition'")
    store.close()
    store = Store.open(data_dir)
    assert store.lists.count("people", search="王芳") == 1
    store.close()


def test_names_sort_by_pinyin(store: Store) -> None:
    for name in ("赵四", "张三", "李四", "王五", "阿福", "欧阳明"):
        store.records.save(Person(name=name))
    ids = store.lists.ids("people", sort_key="name")
    assert _names(store, "people", ids) == ["阿福", "李四", "欧阳明", "王五", "张三", "赵四"]
    for name in ("青江纸业科协", "安化茶业科协", "长沙学会"):
        store.records.save(Unit(name=name, kind="其他"))
    ids = store.lists.ids("units", sort_key="name")
    assert _names(store, "units", ids) == ["安化茶业科协", "长沙学会", "青江纸业科协"]


def test_names_changed_by_other_tools_get_their_sort_key_back(data_dir: Path) -> None:
    store = Store.open(data_dir)
    store.records.save(Person(name="张三"))
    store.records.save(Person(name="李四"))
    store.close()
    # Another program renames a person and adds one, knowing nothing of name_key.
    with sqlite3.connect(data_dir / "kexie.db") as conn:
        conn.execute("UPDATE people SET name = '阿福' WHERE name = '张三'")
        conn.execute(
            "INSERT INTO people (uuid, created_at, updated_at, name) VALUES ('u', 't', 't', '赵六')"
        )
    store = Store.open(data_dir)
    ids = store.lists.ids("people", sort_key="name")
    assert _names(store, "people", ids) == ["阿福", "李四", "赵六"]
    assert (
        store.conn.execute("SELECT count(*) FROM people WHERE name_key IS NULL").fetchone()[0] == 0
    )
    store.close()


def test_activities_are_found_by_the_people_involved(store: Store) -> None:
    zhang = store.records.save(Person(name="张三"))
    li = store.records.save(Person(name="李四"))
    activity = store.records.save(
        Activity(
            title="交流会", category="学术交流", start_date="2025-01-01", person_ids=[zhang.id or 0]
        )
    )
    assert store.lists.ids("activities", search="张三") == [activity.id]
    activity.person_ids = [li.id or 0]
    store.records.save(activity)
    assert store.lists.ids("activities", search="张三") == []
    assert store.lists.ids("activities", search="李四") == [activity.id]
    li.name = "李四光"
    store.records.save(li)
    assert store.lists.ids("activities", search="四光") == [activity.id]
    store.records.delete(Person, [li.id or 0])
    assert store.lists.ids("activities", search="李四") == []


def test_full_width_letters_and_digits_are_stored_and_searched_half_width(store: Store) -> None:
    award = store.records.save(Award(name="省优秀ＱＣ小组", level="省部级", team="液压缸ＱＣ小组"))
    assert store.records.get(Award, award.id or 0).name == "省优秀QC小组"
    for term in ("ＱＣ", "qc", "QC", "ｑｃ"):
        assert store.lists.ids("awards", search=term) == [award.id], term
    activity = store.records.save(
        Activity(
            title="第１２期讲座",
            category="其他",
            start_date="2025-01-01",
            description="原样保留：第１２期，（全角括号）。",
        )
    )
    again = store.records.get(Activity, activity.id or 0)
    assert again.title == "第12期讲座"
    assert again.description == "原样保留：第１２期，（全角括号）。"


def test_award_winners_sort_by_pinyin_whoever_they_are(store: Store) -> None:
    zhang = store.records.save(Person(name="张三"))
    an = store.records.save(Unit(name="安化茶业科协", kind="其他"))
    for award in (
        Award(name="甲", level="市级", person_id=zhang.id),
        Award(name="乙", level="市级", unit_id=an.id),
        Award(name="丙", level="市级", team="QC小组"),
        Award(name="丁", level="市级", team="李家湾QC小组"),
    ):
        store.records.save(award)
    ids = store.lists.ids("awards", sort_key="winner")
    winners = [store.lists.rows("awards", ids)[i]["winner"] for i in ids]
    assert winners == ["QC小组", "安化茶业科协", "李家湾QC小组", "张三"]
