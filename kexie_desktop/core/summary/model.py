"""What the parts of the composition hand one another: one year's records read once (_Year),
a section under way (_Section), and the error that says a summary cannot be composed.

In a module of their own so that every part can use them without importing the composer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kexie_desktop.core.document import Block
from kexie_desktop.core.summary.text import _n


class SummaryError(Exception):
    """The summary cannot be composed; the message is Chinese and says why."""


@dataclass
class _Section:
    key: str  # the category, or DAILY_WORK / "organisation" / "awards"
    heading: str
    blocks: list[Block] = field(default_factory=list)
    weight: tuple[int, ...] = ()


@dataclass
class _Year:
    """One year's records as the composition needs them, read once."""

    activities: list[dict[str, Any]]
    figures: dict[str, dict[str, Any]]
    previous: dict[str, dict[str, Any]]
    awards: list[dict[str, Any]]

    def total(self, name: str, figures: dict[str, dict[str, Any]] | None = None) -> int:
        return sum(_n(f.get(name)) for f in (self.figures if figures is None else figures).values())
