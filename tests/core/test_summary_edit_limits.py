"""A paragraph the clerk edits in the summary preview obeys the same limits as the narratives."""

from __future__ import annotations

import pytest

from kexie_desktop.core.store import Store
from kexie_desktop.core.validation import NARRATIVE_LIMIT, ValidationError


def test_a_paragraph_edit_too_long_is_refused_and_nothing_is_stored(demo_store: Store) -> None:
    with pytest.raises(ValidationError):
        demo_store.narratives.save_edit(2025, "学术交流/x", "d", "字" * (NARRATIVE_LIMIT + 1))
    assert demo_store.narratives.edits(2025) == {}


def test_control_characters_are_taken_out_of_a_paragraph_edit(demo_store: Store) -> None:
    demo_store.narratives.save_edit(2025, "学术交流/x", "d", "开展\x0b学术\x00交流")
    assert demo_store.narratives.edits(2025)["学术交流/x"][1] == "开展学术交流"
