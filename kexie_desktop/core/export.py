"""The two year-end exports — the summary (.docx) and the ledgers (.xlsx) — written safely.

The command line and the window both call these; the Word and Excel libraries are imported only
when an export runs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from kexie_desktop.core.safe_write import check_zip, write_safely
from kexie_desktop.core.store import Store
from kexie_desktop.core.summary import Narratives, compose_summary

if TYPE_CHECKING:
    from kexie_desktop.core.document import Document
    from kexie_desktop.core.docx_export import Photo

Progress = Callable[[int, int], None]

_UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\r\n\t]')


@dataclass(frozen=True)
class ExportResult:
    path: Path
    size: int
    rows: dict[str, int]
    notes: tuple[str, ...] = ()  # what the clerk should know (a text cut to Excel's limit)

    def summary(self) -> str:
        size = (
            f"{self.size / 1024:.0f} KB" if self.size < 1 << 20 else f"{self.size / 2**20:.1f} MB"
        )
        text = f"已写出：{self.path}（{size}），文件已读回检查，完整无误。"
        return "\n".join([text, *(f"注意：{note}" for note in self.notes)])


def suggested_filename(store: Store, year: int, kind: str) -> str:
    """「青江市厂矿科协联合会2025年工作总结.docx」 — characters Windows forbids removed."""
    org = _UNSAFE_IN_NAMES.sub("", store.settings.profile().org_name) or "科协"
    if kind == "summary":
        return f"{org}{year}年工作总结.docx"
    if kind == "stats":
        return f"{org}{year}年统计年报数据.xlsx"
    return f"{org}{year}年工作台账.xlsx"


def export_summary(
    store: Store,
    year: int,
    target: Path,
    *,
    today: dt.date | None = None,
    narratives: Narratives | None = None,
    signed: dt.date | None = None,
    with_subordinates: bool = False,
    progress: Progress | None = None,
) -> ExportResult:
    """Compose the year's summary and write it (the command line; the window writes the
    document it previewed, with write_summary)."""
    document = compose_summary(
        store,
        year,
        today=today,
        narratives=narratives,
        signed=signed,
        with_subordinates=with_subordinates,
    )
    return write_summary(store, year, document, target, progress=progress)


def write_summary(
    store: Store,
    year: int,
    document: Document,
    target: Path,
    *,
    progress: Progress | None = None,
) -> ExportResult:
    """Write a composed summary as it is — the preview's promise is that what the clerk saw is
    what is written, so the document is never composed again here. `store` supplies only the
    photos chosen for its 重点 activities."""
    from kexie_desktop.core.docx_export import write_docx

    photos = summary_photos(store, year, document)
    if progress:
        progress(1, 3)

    def write(f: BinaryIO) -> None:
        write_docx(document, f, photos=photos)
        if progress:
            progress(2, 3)

    path = write_safely(
        target, write, verify=lambda p: check_zip(p, ["word/document.xml", "word/styles.xml"])
    )
    if progress:
        progress(3, 3)
    return ExportResult(path, path.stat().st_size, {"paragraphs": len(document.blocks)})


def summary_photos(store: Store, year: int, document: Document) -> dict[str, Photo]:
    """The photos the clerk chose to print under 重点 activities (none unless chosen), by the
    key of the paragraphs they go under; a missing or changed file is said in its caption."""
    from kexie_desktop.core import attachments
    from kexie_desktop.core.docx_export import Photo
    from kexie_desktop.core.evidence_export import print_copy

    folder = store.data_folder
    chosen = attachments.summary_photos(store, year) if folder is not None else {}
    if not chosen or folder is None:
        return {}
    keys = {
        int(block.key.rsplit("/activity-", 1)[1]): block.key
        for block in document.blocks
        if "/activity-" in block.key and block.key.rsplit("/activity-", 1)[1].isdigit()
    }
    photos: dict[str, Photo] = {}
    for activity_id, a in chosen.items():
        if activity_id not in keys:
            continue
        data, size, problem = print_copy(folder, a)
        caption = a.caption or ""
        if data is None:
            caption = f"【照片{problem}：{a.original_name}】"
        photos[keys[activity_id]] = Photo(data, size, caption)
    return photos


def export_ledger(
    store: Store,
    year: int,
    target: Path,
    *,
    full_ids: bool = False,
    with_subordinates: bool = False,
    progress: Progress | None = None,
) -> ExportResult:
    from kexie_desktop.core.ledger_export import write_ledger

    rows: dict[str, int] = {}
    notes: list[str] = []

    def write(f: BinaryIO) -> None:
        notes.clear()
        rows.update(
            write_ledger(
                store,
                year,
                f,
                full_ids=full_ids,
                with_subordinates=with_subordinates,
                progress=progress,
                notes=notes,
            )
        )

    path = write_safely(target, write, verify=lambda p: check_zip(p, ["xl/workbook.xml"]))
    return ExportResult(path, path.stat().st_size, rows, tuple(notes))


def export_stats(
    store: Store,
    year: int,
    target: Path,
    *,
    typed: dict[str, object] | None = None,
    explanations: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    """The statistics workbook, refused (stats.StatsRefused, listing every problem) while a
    hard check fails or a soft check has no explanation."""
    from kexie_desktop.core import stats

    report = stats.compute(store, year, typed=typed, explanations=explanations)
    problems = report.problems()
    if problems:
        raise stats.StatsRefused(problems)
    org = store.settings.profile().org_name or "本会"
    if progress:
        progress(1, 2)
    path = write_safely(
        target,
        lambda f: stats.write_workbook(report, org, f),
        verify=lambda p: check_zip(p, ["xl/workbook.xml"]),
    )
    if progress:
        progress(2, 2)
    return ExportResult(path, path.stat().st_size, {"figures": len(report.figures)})


def export_table(
    target: Path, title: str, headers: list[str], rows: list[list[str]]
) -> ExportResult:
    """A list as the clerk sees it (导出当前列表 / 导出所选) as one worksheet: a bold header row
    kept in view, the columns wide enough for their text, text cells so that numbers such as
    phone numbers keep their leading zeros."""
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]

    def write(f: BinaryIO) -> None:
        book = Workbook(write_only=True)
        sheet = book.create_sheet(_UNSAFE_IN_NAMES.sub("", title)[:31] or "列表")
        for i, header in enumerate(headers):
            longest = max([len(header), *(len(r[i]) for r in rows[:2000])])
            letter = _column_letter(i + 1)
            sheet.column_dimensions[letter].width = min(max(longest * 2 + 2, 8), 60)
        sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]

        header_cells = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=header)
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in rows:
            # A value beginning with = stays text: a list is never turned into formulas.
            sheet.append([_text_cell(sheet, v, WriteOnlyCell) if v[:1] == "=" else v for v in row])
        book.save(f)

    path = write_safely(target, write, verify=lambda p: check_zip(p, ["xl/workbook.xml"]))
    return ExportResult(path, path.stat().st_size, {title: len(rows)})


def _text_cell(sheet: object, value: str, cell_type: type) -> object:
    cell = cell_type(sheet, value=value)
    cell.data_type = "s"
    return cell


def _column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
