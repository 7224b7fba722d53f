"""Positions (职务): a person's post in a unit, with its term; a person may hold several."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from kexie_desktop.core.records import Person, Position
from kexie_desktop.core.store.common import Part


class Positions(Part):
    def of(self, person_id: int | None = None) -> list[Position]:
        """A person's positions (everyone's without one), the current ones first, newest first."""
        where, params = ("person_id = ?", [person_id]) if person_id is not None else ("1", [])
        cursor = self.conn.execute(
            "SELECT id, person_id, unit_id, post, background, start_date, end_date "
            f"FROM positions WHERE {where} "
            "ORDER BY end_date IS NOT NULL, start_date IS NULL, start_date DESC, id",
            params,
        )
        return [Position(*row) for row in cursor]

    def replace(self, person_id: int, positions: Sequence[Position]) -> None:
        """Replace a person's positions with these, checked, in one transaction (logged)."""
        from kexie_desktop.core import validation

        for position in positions:
            position.person_id = person_id
            validation.validate_position(position)
            assert position.unit_id is not None
            if not self.exists("units", position.unit_id):
                raise validation.ValidationError({"unit_id": "所选基层组织已不存在"}, "positions")
        before = [dataclasses.asdict(p) for p in self.of(person_id)]
        after = [dataclasses.asdict(p) for p in positions]
        for row in (*before, *after):
            row.pop("id")
        if before == after:
            return
        with self.store.transaction():
            self.db.execute("DELETE FROM positions WHERE person_id = ?", [person_id])
            for position in positions:
                position.id = self.db.execute(
                    "INSERT INTO positions (person_id, unit_id, post, background, start_date, "
                    "end_date) VALUES (?, ?, ?, ?, ?, ?)",
                    [person_id, position.unit_id, position.post, position.background,
                     position.start_date, position.end_date],
                ).lastrowid  # fmt: skip
            self.store.change_log.add(
                "update", None, {"positions": before}, table="positions", record_id=person_id,
                label=self.store.records.get(Person, person_id).name,
            )  # fmt: skip
