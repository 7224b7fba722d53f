"""Organisations at three levels for the package tests, with invented people: two townships
that both have a 中心学校科协, the county they report to, and the city above it."""

from __future__ import annotations

import random
from pathlib import Path

from kexie_desktop.core import idcard
from kexie_desktop.core.records import CATEGORIES, Activity, Award, Person, Profile, Unit
from kexie_desktop.core.store import Store

YEAR = 2025
TOWNSHIPS = ("城关镇科协", "河口镇科协")
COUNTY = "青江县科协"
CITY = "青江市科协"
SHARED_UNIT = "中心学校科协"  # both townships have one


def id_number(rng: random.Random) -> str:
    body = f"430902{rng.randint(1960, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body += f"{rng.randint(0, 499) * 2 + 1:03d}"  # odd: a man's number
    return body + idcard.check_digit(body)


def fill(store: Store, name: str, level: str, parent: str, seed: int, activities: int) -> None:
    """A small year: units, people with ID numbers and phones, activities (some with unknown
    人次, some 重点, some with people), awards of each winner kind, and one of the year before."""
    rng = random.Random(seed)
    store.settings.save_profile(
        Profile(org_name=name, org_level=level, org_place="湖南省青江市", parent_name=parent)
    )
    prefix = name.removesuffix("科协")
    units = [
        store.records.save(Unit(name=SHARED_UNIT, kind="其他", contact_phone="13812345678")).id,
        store.records.save(Unit(name=f"{prefix}农技协", kind="农技协", member_count=40)).id,
    ]
    people = []
    for i in range(6):
        person = Person(
            name=f"{prefix}人员{i}",
            gender="男",
            id_number=id_number(rng),
            phone=f"139{rng.randint(0, 99_999_999):08d}",
            unit_id=units[i % 2],
            roles=["会员"],
        )
        people.append(store.records.save(person).id)
    ids = []
    for i in range(activities):
        activity = Activity(
            title=f"{prefix}科普讲座第{i + 1}期",
            category=CATEGORIES[i % len(CATEGORIES)],
            start_date=f"{YEAR}-{i % 12 + 1:02d}-{i % 27 + 1:02d}",
            unit_id=units[i % 2] if i % 3 else None,
            participants=None if i % 7 == 3 else rng.randint(10, 300),
            highlight=i % 5 == 0,
            description=f"{prefix}组织开展第{i + 1}期讲座。" if i % 5 == 0 else "",
            reports=i % 2,
            problems_solved=i % 3,
            technologies_promoted=i % 4,
            person_ids=[people[i % 6], people[(i + 1) % 6]] if i % 2 else [],
        )
        ids.append(store.records.save(activity).id)
    store.records.save(
        Activity(
            title=f"{prefix}上年活动",
            category="科学普及",
            start_date=f"{YEAR - 1}-06-01",
            participants=50,
        )
    )
    store.records.save(
        Award(
            name="优秀科普员",
            level="县级",
            award_date=f"{YEAR}-09-01",
            person_id=people[0],
            activity_id=ids[0],
        )
    )
    store.records.save(
        Award(
            name="先进集体",
            level="市级",
            award_date=f"{YEAR}-12-01",
            team=f"{prefix}讲师团",
            unit_id=units[0],
        )
    )
    store.records.save(
        Award(name="示范农技协", level="省部级", award_date=f"{YEAR}-11-11", unit_id=units[1])
    )


def open_org(folder: Path, name: str, level: str, parent: str, seed: int, n: int) -> Store:
    store = Store.open(folder)
    fill(store, name, level, parent, seed, n)
    return store


def year_totals(store: Store, *, sub: bool = False) -> dict[str, int]:
    """Counts and sums over an organisation's own records of the year — or, with `sub`, over
    the subordinates' records held — by plain SQL, independent of the code under test."""
    year = f"'{YEAR}-01-01' AND '{YEAR}-12-31'"
    if sub:
        active = "org_id IN (SELECT id FROM sub_orgs WHERE active = 1)"
        tables = {k: f"sub_{k}" for k in ("units", "people", "activities", "awards")}
    else:
        active = "1"
        tables = {k: k for k in ("units", "people", "activities", "awards")}
    one = store.conn.execute
    return {
        "units": one(f"SELECT count(*) FROM {tables['units']} WHERE {active}").fetchone()[0],
        "people": one(f"SELECT count(*) FROM {tables['people']} WHERE {active}").fetchone()[0],
        "activities": one(
            f"SELECT count(*) FROM {tables['activities']} WHERE {active} "
            f"AND start_date BETWEEN {year}"
        ).fetchone()[0],
        "participants": one(
            f"SELECT coalesce(sum(participants), 0) FROM {tables['activities']} "
            f"WHERE {active} AND start_date BETWEEN {year}"
        ).fetchone()[0],
        "unknown": one(
            f"SELECT count(*) FROM {tables['activities']} WHERE {active} "
            f"AND participants IS NULL AND start_date BETWEEN {year}"
        ).fetchone()[0],
        "outcomes": one(
            f"SELECT coalesce(sum(reports + problems_solved + technologies_promoted), 0) "
            f"FROM {tables['activities']} WHERE {active} AND start_date BETWEEN {year}"
        ).fetchone()[0],
        "awards": one(
            f"SELECT count(*) FROM {tables['awards']} WHERE {active} AND award_date BETWEEN {year}"
        ).fetchone()[0],
    }


def link_count(store: Store, *, sub: bool = False) -> int:
    if sub:
        return int(
            store.conn.execute(
                "SELECT coalesce(sum(json_array_length(person_uuids)), 0) FROM sub_activities "
                "WHERE org_id IN (SELECT id FROM sub_orgs WHERE active = 1)"
            ).fetchone()[0]
        )
    return int(
        store.conn.execute(
            f"SELECT count(*) FROM activity_people ap JOIN activities a ON a.id = ap.activity_id "
            f"WHERE a.start_date BETWEEN '{YEAR}-01-01' AND '{YEAR}-12-31'"
        ).fetchone()[0]
    )


def add(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    return {k: a[k] + b[k] for k in a}
