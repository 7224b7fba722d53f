"""The clerk's order and wording over the composed text: sections placed in the clerk's order,
paragraphs replaced by the clerk's edits, keyed by the paragraph's key and checked against the
digest of the records it was built from (records_digest), so an edit is flagged stale when those
records change.

Kept apart from the composition: it knows nothing of what the paragraphs say, only their keys
and digests.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from kexie_desktop.core.document import Block, Document
from kexie_desktop.core.summary.model import _Section
from kexie_desktop.core.summary.text import _paragraphs


def apply_order(sections: list[_Section], order: list[str]) -> list[_Section]:
    """The sections in the clerk's order; those the clerk has not placed (a line of work new
    since the order was saved) follow, by weight."""
    if not order:
        return sections
    placed = [s for key in order for s in sections if s.key == key]
    return placed + [s for s in sections if s not in placed]


def apply_edits(blocks: list[Block], edits: dict[str, tuple[str, str]]) -> list[Block]:
    """The blocks with the clerk's wording where kept: each run of blocks sharing a key is
    replaced as a whole (an edit may hold several paragraphs), marked `edited`, and `stale` when
    the records it was built from have changed since (their digest differs)."""
    if not edits:
        return blocks
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        j = i + 1
        while j < len(blocks) and blocks[j].key == block.key and blocks[j].kind == block.kind:
            j += 1
        edit = edits.get(block.key) if block.key else None
        if edit is None:
            out += blocks[i:j]
        else:
            digest, text = edit
            stale = digest != block.digest
            paragraphs = _paragraphs(text) or [""]
            if block.kind != "body":
                paragraphs = [" ".join(paragraphs)]
            out += [
                Block(block.kind, para, block.number if n == 0 else "", key=block.key,
                      digest=block.digest, edited=True, stale=stale)
                for n, para in enumerate(paragraphs)
            ]  # fmt: skip
        i = j
    return out


def paragraph_text(document: Document, key: str) -> str:
    """The text of the paragraphs under `key`, one a line, as an editor shows it."""
    return "\n".join(b.text for b in document.blocks if b.key == key)


def records_digest(rows: Iterable[dict[str, Any]]) -> str:
    """A short hash of what the records a paragraph was built from say (not when they were
    saved: saving a record unchanged does not flag the clerk's wording of it)."""
    h = hashlib.sha1()
    for row in rows:
        h.update(repr(sorted((k, v) for k, v in row.items() if k != "updated_at")).encode())
    return h.hexdigest()[:16]
