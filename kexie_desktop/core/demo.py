"""The demo data set: one invented organisation-year, modelled on a real summary.

It is loaded as an import batch named 演示数据, so that 文件 → 导入记录与撤销 removes it in one
step, like any import, once the clerk starts on their own records."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kexie_desktop.core.paths import resources_dir
from kexie_desktop.core.records import Activity, Award, Person, Profile, Unit
from kexie_desktop.core.store import Store, StoreError

DEMO_LOADED_KEY = "demo.loaded"
DEMO_BATCH_NAME = "演示数据"


@dataclass(frozen=True)
class DemoResult:
    units: int
    people: int
    activities: int
    awards: int
    year: int

    def summary(self) -> str:
        return (
            f"已载入{self.year}年演示数据：基层组织{self.units}个、人员{self.people}人、"
            f"活动{self.activities}项、奖项{self.awards}项。"
        )


def demo_path() -> Path:
    return resources_dir() / "demo" / "demo.json"


def demo_loaded(store: Store) -> bool:
    """Loaded and still there: a demo removed through 导入记录与撤销 may be loaded again."""
    value = store.settings.get(DEMO_LOADED_KEY)
    if not value:
        return False
    if not value.startswith("batch:") or not value[6:].isdigit():
        return True  # loaded by an earlier version, which kept no batch
    row = store.conn.execute(
        "SELECT undone_at FROM import_batches WHERE id = ?", [int(value[6:])]
    ).fetchone()
    return row is not None and not row[0]


def load_demo(store: Store, path: Path | None = None) -> DemoResult:
    """Add the demo set in one transaction; the profile is set only if there is none yet."""
    if demo_loaded(store):
        raise StoreError("演示数据已经载入过，不再重复载入。")
    try:
        data: dict[str, Any] = json.loads((path or demo_path()).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"演示数据文件无法读取：{exc}") from exc

    with store.transaction():
        batch = store.imports.begin_batch(DEMO_BATCH_NAME)
        added: list[Unit | Person | Activity | Award] = []
        if not store.settings.has_profile():
            store.settings.save_profile(Profile(**data["profile"]))
        unit_ids: dict[str, int] = {}
        for item in data["units"]:
            existing = store.lists.unit_id_by_name(item["name"])
            if existing is not None:
                unit_ids[item["name"]] = existing
                continue
            unit = store.records.save(Unit(**item))
            added.append(unit)
            assert unit.id is not None
            unit_ids[unit.name] = unit.id

        person_ids: dict[str, int] = {}
        for item in data["people"]:
            fields = dict(item)
            unit_name = fields.pop("unit")
            fields["unit_id"] = unit_ids[unit_name] if unit_name else None
            person = store.records.save(Person(**fields))
            added.append(person)
            assert person.id is not None
            person_ids[person.name] = person.id

        activity_ids: dict[str, int] = {}
        for item in data["activities"]:
            fields = dict(item)
            organiser = fields.pop("organiser")
            fields["unit_id"] = unit_ids[organiser] if organiser else None
            fields["person_ids"] = [person_ids[name] for name in fields.pop("people")]
            activity = store.records.save(Activity(**fields))
            added.append(activity)
            assert activity.id is not None
            activity_ids[activity.title] = activity.id

        for item in data["awards"]:
            fields = dict(item)
            person_name = fields.pop("winner_person")
            unit_name = fields.pop("winner_unit")
            fields["person_id"] = person_ids[person_name] if person_name else None
            fields["unit_id"] = unit_ids[unit_name] if unit_name else None
            crowned = fields.pop("crowned", "")  # the activity whose work the award crowned
            fields["activity_id"] = activity_ids[crowned] if crowned else None
            added.append(store.records.save(Award(**fields)))
        store.imports.record_changes(batch, [(record, None) for record in added])
        # finish_import_batch stamps the batch when it ends, so the demo stays removable.
        store.imports.finish_batch(
            batch,
            f"演示数据：基层组织{len(data['units'])}个、人员{len(data['people'])}人、"
            f"活动{len(data['activities'])}项、奖项{len(data['awards'])}项",
        )
        store.settings.set(DEMO_LOADED_KEY, f"batch:{batch}")

    return DemoResult(
        units=len(data["units"]),
        people=len(data["people"]),
        activities=len(data["activities"]),
        awards=len(data["awards"]),
        year=int(data["year"]),
    )
