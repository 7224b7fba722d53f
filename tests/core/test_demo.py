import pytest

from kexie_desktop.core.demo import load_demo
from kexie_desktop.core.records import CATEGORIES, Activity
from kexie_desktop.core.store import Store, StoreError


def test_demo_has_the_promised_size_and_shape(demo_store: Store) -> None:
    counts = demo_store.records.counts()
    assert counts["units"] >= 8
    assert counts["people"] >= 60
    assert counts["activities"] >= 80
    assert counts["awards"] >= 10
    assert demo_store.settings.profile().org_name
    categories = {r[0] for r in demo_store.db.execute("SELECT DISTINCT category FROM activities")}
    assert categories == set(CATEGORIES)
    highlights = list(
        demo_store.db.execute("SELECT description FROM activities WHERE highlight = 1")
    )
    assert len(highlights) >= 8
    assert all(len(text) >= 100 for (text,) in highlights)
    assert demo_store.db.execute("SELECT count(*) FROM activity_people").fetchone()[0] > 0


def test_demo_loads_only_once(demo_store: Store) -> None:
    before = demo_store.records.count(Activity)
    with pytest.raises(StoreError, match="已经载入过"):
        load_demo(demo_store)
    assert demo_store.records.count(Activity) == before


def test_demo_keeps_an_existing_profile(store: Store) -> None:
    from kexie_desktop.core.records import Profile

    store.settings.save_profile(Profile(org_name="某县科协"))
    load_demo(store)
    assert store.settings.profile().org_name == "某县科协"


def test_the_demo_is_removed_in_one_step_and_can_come_back(store: Store) -> None:
    from kexie_desktop.core.demo import DEMO_BATCH_NAME, load_demo
    from kexie_desktop.core.records import Person

    store.records.save(Person(name="自己的人"))
    load_demo(store)
    batches = store.imports.batches()
    assert batches[0]["file_name"] == DEMO_BATCH_NAME
    store.imports.undo(int(batches[0]["id"]))
    assert store.records.counts() == {"units": 0, "people": 1, "activities": 0, "awards": 0}
    result = load_demo(store)  # removed, so it may be loaded again
    assert store.records.count(Person) == result.people + 1
