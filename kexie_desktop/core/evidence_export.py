"""The 图文台账 (.docx): each activity of the year that has evidence on its own page(s) as a
活动记录表 — what, when, where, who, how many, which category, what happened, the other
material and news links — followed by its photos two by two with their captions; then the
year's awards with their certificates.

Photos are printed, not archived: each is turned upright, scaled to 1600 px on its long side and
saved as JPEG of quality 85 (about 300 dpi at the 75 mm it is printed; a year of 300 photos makes
a file of about 60–90 MB instead of 2–3 GB of originals). JPEGs are decoded in draft mode at the
smallest DCT scale that still gives 1600 px, so a 12-megapixel photo costs a fraction of its full
decode; memory holds one original and the scaled copies (bench/bench_evidence.py).

A file that is missing from the data folder or no longer matches its hash is never left out in
silence: its place in the document says so in brackets, and the result lists it for the message.

Fonts and page come from docx_export (GB/T 9704): the same 仿宋_GB2312 body and page numbers as
the summary.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from kexie_desktop.core import attachments as att
from kexie_desktop.core.attachments.rows import _data_dir
from kexie_desktop.core.safe_write import check_zip, write_safely
from kexie_desktop.core.store import Store

Progress = Callable[[int, int], None]

PHOTO_WIDTH_MM = 70.0  # in a 78 mm column: two fill the 156 mm line
PHOTO_HEIGHT_MM = 53.0
PHOTOS_PER_ROW = 2
TABLE_STYLE = "表格文字"
CAPTION_STYLE = "照片说明"
HEADING_STYLE = "台账标题"
TABLE_FONT_PT = 14  # 四号: the form's cells hold more than body text would
CAPTION_FONT_PT = 12  # 小四


@dataclass
class EvidenceResult:
    path: Path
    size: int
    activities: int
    awards: int
    photos: int
    problems: list[str] = field(default_factory=list)
    left_out: int = 0  # activities of the year without any attachment

    def summary(self) -> str:
        size = f"{self.size / 2**20:.1f} MB" if self.size >= 1 << 20 else f"{self.size >> 10} KB"
        text = (
            f"已写出：{self.path}（{size}），含{self.activities}项活动、{self.awards}个奖项、"
            f"{self.photos}张照片，文件已读回检查，完整无误。"
        )
        if self.left_out:
            text += f"另有{self.left_out}项活动还没有任何附件，未列入图文台账。"
        return text

    def warnings(self) -> list[str]:
        if not self.problems:
            return []
        head = f"有{len(self.problems)}个附件文件缺失或已改变，台账中相应位置已注明："
        return [head, *self.problems]


def suggested_filename(store: Store, year: int) -> str:
    from kexie_desktop.core.export import suggested_filename as base

    return base(store, year, "summary").replace("工作总结.docx", "图文台账.docx")


def export_evidence(
    store: Store, year: int, target: Path, *, progress: Progress | None = None
) -> EvidenceResult:
    """Write the year's 图文台账 to `target`, whole or not at all."""
    data_dir = _data_dir(store)
    activities = [
        row for row in store.ledger.rows("activities", year) if _has_attachments(store, row["id"])
    ]
    total_activities = store.ledger.count("activities", year)
    awards = [row for row in store.ledger.rows("awards", year) if _has_attachments(
        store, row["id"], "awards")]  # fmt: skip
    items = [("activities", row) for row in activities] + [("awards", row) for row in awards]
    counts = {"photos": 0}
    problems: list[str] = []

    found = {(t, row["id"]): att.list_attachments(store, t, row["id"]) for t, row in items}
    photos = [a for t, row in items for a in found[(t, row["id"])] if a.is_image]

    def write(f: BinaryIO) -> None:
        from kexie_desktop.core.docx_export import new_document

        org = store.settings.profile().org_name
        doc = new_document(f"{org}{year}年图文台账", org)
        _define_styles(doc)
        with _PrintCopies(data_dir, photos) as copies:
            for n, (table, row) in enumerate(items):
                if n:
                    doc.add_page_break()
                mine = found[(table, row["id"])]
                label = _write_record(doc, table, row, mine)
                counts["photos"] += _write_photos(doc, mine, label, problems, copies)
                if progress:
                    progress(n + 1, len(items) + 1)
        if not items:
            doc.add_paragraph(f"{year}年的活动和奖项还没有附件。", style=TABLE_STYLE)
        _save_with_stored_media(doc, f)

    path = write_safely(
        target, write, verify=lambda p: check_zip(p, ["word/document.xml", "word/styles.xml"])
    )
    if progress:
        progress(len(items) + 1, len(items) + 1)
    return EvidenceResult(
        path, path.stat().st_size, len(activities), len(awards), counts["photos"], problems,
        left_out=total_activities - len(activities),
    )  # fmt: skip


def _save_with_stored_media(doc: Any, target: BinaryIO) -> None:
    """doc.save(), but the JPEGs go into the zip as they are: deflating 100 MB of JPEG data
    gains nothing and cost about a tenth of the export's time."""
    import zipfile

    from docx.opc.pkgwriter import PackageWriter

    class Writer:
        def __init__(self) -> None:
            self.archive = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED)

        def write(self, uri: Any, blob: bytes) -> None:
            name = uri.membername
            stored = name.startswith("word/media/") and name.endswith((".jpg", ".jpeg"))
            kind = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            self.archive.writestr(name, blob, compress_type=kind)

        def close(self) -> None:
            self.archive.close()

    package = doc.part.package
    for part in package.parts:
        part.before_marshal()
    writer = Writer()
    # PackageWriter.write with our writer: the same parts, in the same order.
    PackageWriter._write_content_types_stream(writer, package.parts)  # type: ignore[no-untyped-call]
    PackageWriter._write_pkg_rels(writer, package.rels)  # type: ignore[no-untyped-call]
    PackageWriter._write_parts(writer, package.parts)  # type: ignore[arg-type]
    writer.close()


def _has_attachments(store: Store, record_id: int, table: str = "activities") -> bool:
    column = att.OWNER_TABLES[table]
    found = store.conn.execute(
        f"SELECT 1 FROM attachments WHERE {column} = ? LIMIT 1", [record_id]
    ).fetchone()
    return found is not None


def _define_styles(doc: Any) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    from kexie_desktop.core import docx_export as dx

    body = doc.styles[dx.BODY_STYLE]
    for name, size, align in (
        (TABLE_STYLE, TABLE_FONT_PT, WD_ALIGN_PARAGRAPH.LEFT),
        (CAPTION_STYLE, CAPTION_FONT_PT, WD_ALIGN_PARAGRAPH.CENTER),
    ):
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = body
        style.quick_style = True
        dx._set_fonts(style, dx.BODY_FONT, size)
        fmt = style.paragraph_format
        fmt.first_line_indent = Pt(0)
        ind = style.element.get_or_add_pPr().get_or_add_ind()
        ind.set(dx._qn("w:firstLineChars"), "0")
        fmt.alignment = align
        fmt.line_spacing = 1.0
        fmt.space_before = Pt(2)
        fmt.space_after = Pt(2)
    heading = doc.styles.add_style(HEADING_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    heading.base_style = doc.styles[dx.TITLE_STYLE]
    heading.quick_style = True
    dx._set_fonts(heading, dx.TITLE_FONT, 18)  # 小二: one line for 活动记录表 or 获奖记录
    heading.paragraph_format.space_after = Pt(12)


def _write_record(doc: Any, table: str, row: dict[str, Any], found: list[att.Attachment]) -> str:
    from docx.shared import Mm

    if table == "activities":
        doc.add_paragraph("活动记录表", style=HEADING_STYLE)
        when = row["start_date"] + (
            f" 至 {row['end_date']}" if row["end_date"] and row["end_date"] != row["start_date"]
            else ""
        )  # fmt: skip
        organiser = "、".join(x for x in (row["unit_name"], row["co_organisers"]) if x)
        participants = "不详" if row["participants"] is None else f"{row['participants']}人次"
        fields = [
            ("活动名称", row["title"]),
            ("活动时间", when),
            ("活动地点", row["place"]),
            ("主办单位", organiser),
            ("参加人数", participants),
            ("服务对象", row["audience"]),
            ("活动类别", row["category"] + ("（重点工作）" if row["highlight"] else "")),
            ("参加人员", row["people_names"]),
            ("活动内容", row["description"]),
        ]
        label = f"活动“{row['title']}”"
    else:
        doc.add_paragraph("获奖记录", style=HEADING_STYLE)
        winner = row["winner"] + (f"（{row['winner_unit']}）" if row["winner_unit"] else "")
        fields = [
            ("奖项名称", row["name"]),
            ("获奖等级", row["level"]),
            ("获奖者", winner),
            ("颁奖单位", row["issuer"]),
            ("获奖日期", row["award_date"] or ""),
            ("证书编号", row["certificate_no"]),
            ("说明", row["note"]),
        ]
        label = f"奖项“{row['name']}”"
    material = [a for a in found if not a.is_image]
    if material:
        fields.append(("其他材料", "\n".join(_describe(a) for a in material)))
    form = doc.add_table(rows=0, cols=2)
    form.style = doc.styles["Table Grid"]
    form.autofit = False
    # Widths on the grid as well as on each cell: LibreOffice goes by the grid, Word by cells.
    form.columns[0].width, form.columns[1].width = Mm(28), Mm(128)
    for name, value in fields:
        if not value and name in ("参加人员", "服务对象", "证书编号", "说明"):
            continue
        cells = form.add_row().cells
        cells[0].width, cells[1].width = Mm(28), Mm(128)
        _cell_text(cells[0], name)
        _cell_text(cells[1], value or "")
    return label


def _describe(a: att.Attachment) -> str:
    if a.is_link:
        parts = [a.link_title or "（无标题）", a.link_date or "", a.url]
        return f"{a.kind}：" + "　".join(p for p in parts if p)
    caption = f"（{a.caption}）" if a.caption else ""
    return f"{a.kind}：{a.original_name}{caption}"


def _cell_text(cell: Any, text: str) -> None:
    lines = str(text).split("\n")
    cell.paragraphs[0].style = TABLE_STYLE
    cell.paragraphs[0].text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line, style=TABLE_STYLE)


class _PrintCopies:
    """The print copies of the photos, made a few ahead on worker threads, in document order.

    Pillow releases the GIL while it decodes, scales and encodes, so each core scales a photo
    at once; at most two per worker are in flight (one original of ≤ 100 MB and its decode
    each), so memory stays bounded whatever the number of photos."""

    def __init__(self, data_dir: Path, photos: list[att.Attachment]):
        from concurrent.futures import ThreadPoolExecutor

        self.data_dir = data_dir
        self.pending = iter(photos)
        self.workers = max(1, min(4, os.cpu_count() or 1))
        self.pool = ThreadPoolExecutor(self.workers, thread_name_prefix="print-copy")
        self.queue: deque[tuple[int, Future[tuple[bytes | None, tuple[int, int], str]]]] = deque()
        self._fill()

    def _fill(self) -> None:
        while len(self.queue) < 2 * self.workers:
            a = next(self.pending, None)
            if a is None:
                return
            self.queue.append((a.id, self.pool.submit(print_copy, self.data_dir, a)))

    def next(self, a: att.Attachment) -> tuple[bytes | None, tuple[int, int], str]:
        attachment_id, future = self.queue.popleft()
        assert attachment_id == a.id, "photos are asked for in document order"
        self._fill()
        return future.result()

    def __enter__(self) -> _PrintCopies:
        return self

    def __exit__(self, *exc: object) -> None:
        for _id, future in self.queue:
            future.cancel()
        self.pool.shutdown(wait=True)


def _write_photos(
    doc: Any, found: list[att.Attachment], owner: str, problems: list[str], copies: _PrintCopies
) -> int:
    from docx.oxml import OxmlElement
    from docx.shared import Mm

    images = [a for a in found if a.is_image]
    if not images:
        return 0
    doc.add_paragraph("", style=TABLE_STYLE)
    grid = doc.add_table(rows=0, cols=PHOTOS_PER_ROW)
    grid.autofit = False
    for column in grid.columns:
        column.width = Mm(78)
    placed = 0
    for start in range(0, len(images), PHOTOS_PER_ROW):
        row = grid.add_row()
        # A photo and its caption never split over two pages.
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        for cell, a in zip(row.cells, images[start : start + PHOTOS_PER_ROW], strict=False):
            cell.width = Mm(78)
            paragraph = cell.paragraphs[0]
            paragraph.style = CAPTION_STYLE
            data, size, problem = copies.next(a)
            if data is None:
                paragraph.add_run(f"【照片{problem}：{a.original_name}】")
                problems.append(f"{owner}的附件“{a.label}”{problem}")
            else:
                width, height = size
                scale = min(PHOTO_WIDTH_MM / width, PHOTO_HEIGHT_MM / height)
                paragraph.add_run().add_picture(
                    io.BytesIO(data), width=Mm(width * scale), height=Mm(height * scale)
                )
                placed += 1
            cell.add_paragraph(a.caption or a.kind, style=CAPTION_STYLE)
    return placed


def print_copy(data_dir: Path, a: att.Attachment) -> tuple[bytes | None, tuple[int, int], str]:
    """The scaled JPEG of a stored photo, or why there is none (缺失 / 已改变 / 无法读取)."""
    assert a.sha256 is not None
    path = att.stored_path(data_dir, a.sha256, a.file_type)
    try:
        raw = path.read_bytes()
    except OSError:
        return None, (0, 0), "缺失"
    if len(raw) != a.size or hashlib.sha256(raw).hexdigest() != a.sha256:
        return None, (0, 0), "已改变"
    try:
        data = att.scaled_jpeg_from_bytes(raw, a.file_type, att.PRINT_LONG_SIDE, att.PRINT_QUALITY)
    except (att.AttachmentError, OSError, ValueError, SyntaxError):
        return None, (0, 0), "无法读取"
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return data, image.size, ""


__all__ = ["EvidenceResult", "export_evidence", "suggested_filename"]
