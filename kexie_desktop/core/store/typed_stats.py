"""The statistics figures the clerk types (those no record holds), and their explanations.

The figures computed from the records, and the form they go into, are core/stats.py's.
"""

from __future__ import annotations

from kexie_desktop.core.store.common import Part, now_iso


class TypedStats(Part):
    def values(self, year: int) -> dict[str, int]:
        rows = self.conn.execute("SELECT key, value FROM stats_values WHERE year = ?", [year])
        return {key: value for key, value in rows}

    def save_values(self, year: int, values: dict[str, int | None]) -> None:
        """Keep typed figures for the year; None removes one (back to blank)."""
        with self.store.transaction():
            for key, value in values.items():
                if value is None:
                    self.db.execute(
                        "DELETE FROM stats_values WHERE year = ? AND key = ?", [year, key]
                    )
                else:
                    self.db.execute(
                        "INSERT INTO stats_values (year, key, value, updated_at) "
                        "VALUES (?, ?, ?, ?) ON CONFLICT(year, key) DO UPDATE SET "
                        "value = excluded.value, updated_at = excluded.updated_at",
                        [year, key, int(value), now_iso()],
                    )

    def explanations(self, year: int) -> dict[str, str]:
        rows = self.conn.execute("SELECT key, text FROM stats_explanations WHERE year = ?", [year])
        return {key: text for key, text in rows}

    def save_explanations(self, year: int, texts: dict[str, str]) -> None:
        """Keep one-line explanations for the year; an empty text removes one."""
        from kexie_desktop.core import validation

        cleaned = {}
        for key, text in texts.items():
            cleaned[key] = " ".join(validation.clean_text(text).split())
            problem = validation.text_problem(cleaned[key])
            if problem:
                raise validation.ValidationError({"text": f"说明{problem}"})
        with self.store.transaction():
            for key, text in cleaned.items():
                if not text:
                    self.db.execute(
                        "DELETE FROM stats_explanations WHERE year = ? AND key = ?", [year, key]
                    )
                else:
                    self.db.execute(
                        "INSERT INTO stats_explanations (year, key, text, updated_at) "
                        "VALUES (?, ?, ?, ?) ON CONFLICT(year, key) DO UPDATE SET "
                        "text = excluded.text, updated_at = excluded.updated_at",
                        [year, key, text, now_iso()],
                    )
