"""报送情况: who has submitted for a year, when and with what, and which reporting units have not.

Read by 查看 → 报送情况 and `kexie-desktop submissions`; submissions are matched to the own
units by the sender's UUID, else by name compared loosely (科学技术协会 against 科协).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from kexie_desktop.core.store import Store


@dataclass
class Submitted:
    org_uuid: str
    name: str
    level: str
    exported_at: str
    imported_at: str
    via: str  # the organisation whose package brought it, when not its own
    counts: dict[str, int]
    unit: str = ""  # the own unit it was matched to


@dataclass
class Status:
    year: int
    submitted: list[Submitted]
    missing: list[dict[str, Any]]  # own units of reporting kinds with no submission matched


def _plain(name: str) -> str:
    """Names compared loosely: brackets, spaces and 科学技术协会 against 科协."""
    name = re.sub(r"\s", "", name).replace("（", "(").replace("）", ")")
    return name.replace("科学技术协会", "科协")


def submission_status(store: Store, year: int) -> Status:
    """Who has submitted for the year, when and with what; which reporting units have not."""
    subs = store.packages.active_orgs(year)
    submitted = []
    for sub in subs:
        via = "" if sub["via_uuid"] == sub["org_uuid"] else str(sub["via_name"])
        submitted.append(
            Submitted(
                sub["org_uuid"],
                sub["org_name"],
                sub["org_level"],
                sub["exported_at"],
                sub["imported_at"],
                via,
                json.loads(sub["counts_json"]),
            )
        )
    by_uuid = {s.org_uuid: s for s in submitted}
    by_name = {_plain(s.name): s for s in submitted}
    missing = []
    for unit in store.packages.reporting_units():
        match = by_uuid.get(unit["linked_uuid"] or "") or by_name.get(_plain(unit["name"]))
        if match is None:
            missing.append(unit)
        elif not match.unit:
            match.unit = unit["name"]
    return Status(year, submitted, missing)
