"""The 回收站 and the change log."""

import sqlite3

import pytest

from kexie_desktop.core.records import Activity, Award, Person, Unit
from kexie_desktop.core.store import Store, StoreError


def test_a_deleted_person_comes_back_with_links(store: Store) -> None:
    unit = store.records.save(Unit(name="青江纸业科协", kind="企业科协"))
    zhang = store.records.save(Person(name="张三", unit_id=unit.id))
    activity = store.records.save(Activity(title="讲座", category="其他", start_date="2025-01-01",
                                           person_ids=[zhang.id or 0]))  # fmt: skip
    award = store.records.save(Award(name="奖", level="市级", person_id=zhang.id))
    entries = store.records.delete(Person, [zhang.id or 0])
    assert store.records.get(Activity, activity.id or 0).person_ids == []
    assert store.records.get(Award, award.id or 0).person_id is None
    assert [e["label"] for e in store.recycle_bin.entries()] == ["张三"]
    assert store.recycle_bin.restore(entries) == 1
    back = store.records.get(Person, zhang.id or 0)
    assert (back.name, back.unit_id, back.uuid) == ("张三", unit.id, zhang.uuid)
    assert store.records.get(Activity, activity.id or 0).person_ids == [zhang.id]
    assert store.records.get(Award, award.id or 0).person_id == zhang.id
    assert store.recycle_bin.entries() == []
    assert store.lists.ids("people", search="张三") == [zhang.id]


def test_a_deleted_unit_comes_back_to_its_people(store: Store) -> None:
    unit = store.records.save(Unit(name="甲学会", kind="学会"))
    li = store.records.save(Person(name="李四", unit_id=unit.id))
    entries = store.records.delete(Unit, [unit.id or 0])
    assert store.records.get(Person, li.id or 0).unit_id is None
    store.recycle_bin.restore(entries)
    assert store.records.get(Person, li.id or 0).unit_id == unit.id
    # A unit of the same name made meanwhile blocks the restore, which then changes nothing.
    entries = store.records.delete(Unit, [unit.id or 0])
    store.records.save(Unit(name="甲学会", kind="学会"))
    with pytest.raises(StoreError, match="已有名为“甲学会”"):
        store.recycle_bin.restore(entries)
    assert len(store.recycle_bin.entries()) == 1


def test_emptying_the_bin(store: Store) -> None:
    p = store.records.save(Person(name="王五"))
    store.records.delete(Person, [p.id or 0])
    assert store.recycle_bin.empty() == 1
    assert store.recycle_bin.entries() == []


def test_every_change_is_logged_and_the_log_cannot_be_edited(store: Store) -> None:
    p = store.records.save(Person(name="王五"))
    p.phone = "13800000005"
    store.records.save(p)
    entries = store.records.delete(Person, [p.id or 0])
    store.recycle_bin.restore(entries)
    log = store.change_log.entries(table="people")
    assert [e["action"] for e in log] == ["restore", "delete", "update", "insert"]
    update = log[2]
    assert '"phone": ""' in update["before_json"] and "13800000005" in update["after_json"]
    assert [e["action"] for e in store.change_log.entries(search="王五")][-1] == "insert"
    assert store.change_log.entries(search="没有这个人") == []
    with pytest.raises(sqlite3.DatabaseError, match="操作记录不可修改"):
        store.conn.execute("UPDATE audit_log SET action = 'x'")
    with pytest.raises(sqlite3.DatabaseError, match="操作记录不可修改"):
        store.conn.execute("DELETE FROM audit_log")


def test_a_deleted_winner_keeps_their_name_on_the_award(store: Store) -> None:
    person = store.records.save(Person(name="李四"))
    award = store.records.save(Award(name="科普先进个人", level="市级", person_id=person.id))
    entries = store.records.delete(Person, [person.id])
    kept = store.records.get(Award, award.id)
    assert kept.person_id is None and kept.team == "李四"
    assert store.lists.rows("awards", [award.id])[award.id]["winner"] == "李四"
    store.records.save(kept)  # still a valid award: it has a winner
    store.recycle_bin.restore(entries)
    back = store.records.get(Award, award.id)
    assert back.person_id == person.id and back.team == ""
