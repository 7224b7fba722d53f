"""The demo data set: one invented organisation-year, modelled on a real summary."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kexie_desktop.core.paths import resources_dir
from kexie_desktop.core.records import Activity, Award, Person, Profile, Unit
from kexie_desktop.core.store import Store, StoreError

DEMO_LOADED_KEY = "demo.loaded"


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


def load_demo(store: Store, path: Path | None = None) -> DemoResult:
    """Add the demo set in one transaction; the profile is set only if there is none yet."""
    if store.get_setting(DEMO_LOADED_KEY):
        raise StoreError("演示数据已经载入过，不再重复载入。")
    try:
        data: dict[str, Any] = json.loads((path or demo_path()).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"演示数据文件无法读取：{exc}") from exc

    with store.transaction():
        if not store.has_profile():
            store.save_profile(Profile(**data["profile"]))
        unit_ids: dict[str, int] = {}
        for item in data["units"]:
            existing = store.unit_id_by_name(item["name"])
            if existing is not None:
                unit_ids[item["name"]] = existing
                continue
            unit = store.save(Unit(**item))
            assert unit.id is not None
            unit_ids[unit.name] = unit.id

        person_ids: dict[str, int] = {}
        for item in data["people"]:
            fields = dict(item)
            unit_name = fields.pop("unit")
            fields["unit_id"] = unit_ids[unit_name] if unit_name else None
            person = store.save(Person(**fields))
            assert person.id is not None
            person_ids[person.name] = person.id

        activity_ids: dict[str, int] = {}
        for item in data["activities"]:
            fields = dict(item)
            organiser = fields.pop("organiser")
            fields["unit_id"] = unit_ids[organiser] if organiser else None
            fields["person_ids"] = [person_ids[name] for name in fields.pop("people")]
            activity = store.save(Activity(**fields))
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
            store.save(Award(**fields))
        store.set_setting(DEMO_LOADED_KEY, "1")

    return DemoResult(
        units=len(data["units"]),
        people=len(data["people"]),
        activities=len(data["activities"]),
        awards=len(data["awards"]),
        year=int(data["year"]),
    )
