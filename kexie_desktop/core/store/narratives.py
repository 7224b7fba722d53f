"""The clerk's own words in the year's summary: the parts they write, and their rewordings of
generated paragraphs (kept by what the paragraph describes and a digest of its records, never
by position, so that a changed record shows the paragraph needs looking at again).
"""

from __future__ import annotations

from kexie_desktop.core.store.common import Part, now_iso


class Narratives(Part):
    def get(self, year: int, kind: str) -> str | None:
        """The clerk's text for a part of the year's summary, or None if never written."""
        row = self.conn.execute(
            "SELECT text FROM narratives WHERE year = ? AND kind = ?", [year, kind]
        ).fetchone()
        return None if row is None else str(row[0])

    def save(self, year: int, kind: str, text: str | None) -> None:
        """Store the text; None goes back to the default (the row is removed).

        ValidationError for a text that cannot be stored (too long, a lone surrogate)."""
        from kexie_desktop.core import validation

        if text is not None:
            text = validation.validate_narrative(text)
        with self.store.transaction():
            if text is None:
                self.db.execute("DELETE FROM narratives WHERE year = ? AND kind = ?", [year, kind])
            else:
                self.db.execute(
                    "INSERT INTO narratives (year, kind, text, updated_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(year, kind) DO UPDATE SET text = excluded.text, "
                    "updated_at = excluded.updated_at",
                    [year, kind, text.strip(), now_iso()],
                )

    def edits(self, year: int) -> dict[str, tuple[str, str]]:
        """The clerk's edited paragraphs of the year's summary: key → (digest, text)."""
        rows = self.conn.execute(
            "SELECT key, digest, text FROM summary_edits WHERE year = ?", [year]
        )
        return {key: (digest, text) for key, digest, text in rows}

    def save_edit(self, year: int, key: str, digest: str, text: str | None) -> None:
        """Keep the clerk's wording of a paragraph; None goes back to the generated text.

        ValidationError for a text that cannot be stored, as for the clerk's own parts."""
        from kexie_desktop.core import validation

        if text is not None:
            text = validation.validate_narrative(text)
        with self.store.transaction():
            if text is None:
                self.db.execute("DELETE FROM summary_edits WHERE year = ? AND key = ?", [year, key])
            else:
                self.db.execute(
                    "INSERT INTO summary_edits (year, key, digest, text, updated_at) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT(year, key) DO UPDATE SET "
                    "digest = excluded.digest, text = excluded.text, "
                    "updated_at = excluded.updated_at",
                    [year, key, digest, text.strip(), now_iso()],
                )
