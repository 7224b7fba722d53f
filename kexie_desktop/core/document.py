"""The document model of an exported summary: what the text says, not how it looks.

Composition (summary/compose.py) builds it from the records; the Word exporter and the preview
in the window both render this same model, so what the clerk previews is what is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading1", "heading2", "heading3", "body"]


@dataclass(frozen=True)
class Block:
    """One paragraph. Headings carry their number in `number` (「一、」「（一）」「1.」)."""

    kind: BlockKind
    text: str
    number: str = ""
    # What the paragraph tells (「学术交流/activity-12」, 「opening」): the key a clerk's edit of it
    # is kept under, with `digest`, a hash of the records it was built from.
    key: str = ""
    digest: str = ""
    draft: bool = False  # drafted by the program where the clerk has written nothing yet
    edited: bool = False  # the clerk's own wording
    stale: bool = False  # edited, but the records it was built from changed since

    @property
    def full_text(self) -> str:
        return f"{self.number}{self.text}"


@dataclass(frozen=True)
class Signature:
    organisation: str
    date_text: str  # 「2025年12月4日」


@dataclass
class Document:
    title: str
    blocks: list[Block] = field(default_factory=list)
    signature: Signature | None = None

    def plain_text(self) -> str:
        """The whole text, one paragraph a line, as a clerk would read it."""
        lines = [self.title, ""]
        lines += [b.full_text for b in self.blocks]
        if self.signature:
            lines += ["", self.signature.organisation, self.signature.date_text]
        return "\n".join(lines)
