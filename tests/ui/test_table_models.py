from typing import Any, TypeVar

import pytest
from PySide6.QtCore import Qt

from kexie_desktop.core.records import Activity, Person, Unit
from kexie_desktop.core.store import Store
from kexie_desktop.ui.table_models import (
    ActivitiesModel,
    AwardsModel,
    IdRole,
    PeopleModel,
    RecordRole,
    RecordTableModel,
    UnitsModel,
)

M = TypeVar("M", bound=RecordTableModel)


def _loaded(model: M) -> M:
    model.reload()
    return model


@pytest.mark.parametrize(
    ("model_type", "term"),
    [(ActivitiesModel, "科普"), (PeopleModel, "青江"), (AwardsModel, "省"), (UnitsModel, "学会")],
)
def test_every_model_passes_the_model_tester(
    demo_store: Store, qtmodeltester: Any, model_type: type[RecordTableModel], term: str
) -> None:
    model = _loaded(model_type(demo_store))
    assert model.rowCount() > 0
    qtmodeltester.check(model, force_py=True)
    # The tester stays connected and checks every signal of these changes as they happen.
    model.set_search(term)
    assert 0 < model.rowCount() < model.total
    model.sort(1, Qt.SortOrder.DescendingOrder)
    model.set_year(2025)
    model.set_show_full_private(True)
    model.set_search("没有这样的记录")
    assert model.rowCount() == 0
    model.reload()


def test_headers_are_chinese(demo_store: Store) -> None:
    model = _loaded(ActivitiesModel(demo_store))
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["日期", "活动名称", "类别", "主办单位", "地点", "参加人次", "重点", "附件"]


def test_record_role_returns_the_record(demo_store: Store) -> None:
    model = _loaded(PeopleModel(demo_store))
    index = model.index(3, PeopleModel.COL_NAME)
    record = model.data(index, RecordRole)
    assert isinstance(record, Person)
    assert record.id == model.data(index, IdRole)
    assert record.name == model.data(index)


def test_search_filters_in_the_database_and_counts(store: Store, qtbot: Any) -> None:
    for name in ("张三", "张三丰", "李四", "王五"):
        store.records.save(Person(name=name))
    model = _loaded(PeopleModel(store))
    with qtbot.waitSignal(model.counts_changed) as signal:
        model.set_search("张三")
    assert signal.args == [2, 4]
    assert sorted(model.data(model.index(r, 0)) for r in range(model.rowCount())) == [
        "张三",
        "张三丰",
    ]
    model.set_search("")
    assert model.rowCount() == 4


def test_sorting_is_done_by_the_database(store: Store) -> None:
    for day in ("2025-03-01", "2025-01-01", "2025-02-01"):
        store.records.save(Activity(title=day, category="其他", start_date=day))
    model = _loaded(ActivitiesModel(store))
    model.sort(ActivitiesModel.COL_DATE, Qt.SortOrder.AscendingOrder)
    assert [model.data(model.index(r, 0)) for r in range(3)] == [
        "2025-01-01",
        "2025-02-01",
        "2025-03-01",
    ]
    model.sort(ActivitiesModel.COL_DATE, Qt.SortOrder.DescendingOrder)
    assert [model.data(model.index(r, 0)) for r in range(3)] == [
        "2025-03-01",
        "2025-02-01",
        "2025-01-01",
    ]


def test_year_scopes_activities(store: Store) -> None:
    for day in ("2024-12-31", "2025-01-01", "2025-12-31", "2026-01-01"):
        store.records.save(Activity(title=day, category="其他", start_date=day))
    model = _loaded(ActivitiesModel(store))
    model.set_year(2025)
    assert model.rowCount() == 2
    model.set_year(None)
    assert model.rowCount() == 4


def test_rows_beyond_the_first_page_are_fetched(store: Store) -> None:
    with store.transaction():
        for i in range(650):
            store.records.save(
                Activity(title=f"活动{i:04d}", category="其他", start_date="2025-01-01")
            )
    model = _loaded(ActivitiesModel(store))
    model.sort(ActivitiesModel.COL_TITLE, Qt.SortOrder.AscendingOrder)
    assert model.data(model.index(0, 1)) == "活动0000"
    assert model.data(model.index(649, 1)) == "活动0649"
    assert model.data(model.index(401, 1)) == "活动0401"


def test_private_numbers_are_masked_unless_asked(store: Store) -> None:
    store.records.save(Person(name="王芳", id_number="11010519491231002X", phone="13812345678"))
    store.records.save(Unit(name="甲", kind="学会", contact_phone="13912345678"))
    people = _loaded(PeopleModel(store))
    assert people.data(people.index(0, PeopleModel.COL_ID_NUMBER)) == "110105********002X"
    assert people.data(people.index(0, PeopleModel.COL_PHONE)) == "138****5678"
    people.set_show_full_private(True)
    assert people.data(people.index(0, PeopleModel.COL_ID_NUMBER)) == "11010519491231002X"
    units = _loaded(UnitsModel(store))
    assert units.data(units.index(0, UnitsModel.COL_PHONE)) == "139****5678"


def test_display_words(store: Store) -> None:
    store.records.save(Activity(title="x", category="其他", start_date="2025-01-01", highlight=True,
                                description="说明。"))  # fmt: skip
    model = _loaded(ActivitiesModel(store))
    assert model.data(model.index(0, ActivitiesModel.COL_HIGHLIGHT)) == "★ 重点"
    assert model.data(model.index(0, ActivitiesModel.COL_UNIT)) == "本会"


def test_a_model_reads_nothing_until_loaded(store: Store) -> None:
    store.records.save(Person(name="王芳"))
    model = PeopleModel(store)
    model.set_search("王")
    assert model.rowCount() == 0 and not model.loaded
    model.reload()
    assert model.rowCount() == 1


def test_ids_come_in_slices_without_a_search(store: Store) -> None:
    with store.transaction():
        for i in range(4500):
            store.records.save(Person(name=f"人员{i:04d}"))
    model = _loaded(PeopleModel(store))
    assert model.rowCount() == 4500
    assert len(model._ids) == 2000  # only the first slice so far
    assert model.data(model.index(4499, 0)) == "人员4499"
    assert len(model._ids) == 4500
    assert model.row_of(model.id_at(3000)) == 3000


def test_writes_by_another_program_lead_to_a_reload_not_an_error(store: Store, qtbot: Any) -> None:
    import sqlite3

    with store.transaction():
        for i in range(3000):
            store.records.save(Person(name=f"人员{i:04d}"))
    model = _loaded(PeopleModel(store))
    assert store.path is not None
    with sqlite3.connect(store.path) as other:  # DB Browser deletes a hundred people
        other.execute("DELETE FROM people WHERE id <= 100")
    assert model.outside_changes()
    assert model.data(model.index(2999, 0)) is None  # no IndexError, no stale row
    qtbot.waitUntil(lambda: model.rowCount() == 2900)
    assert not model.outside_changes()
    assert model.data(model.index(2899, 0)) == "人员2999"
