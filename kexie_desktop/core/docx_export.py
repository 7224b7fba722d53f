"""The summary document written as .docx in official document format (GB/T 9704-2012).

docs/gongwen-format.md states the rules this module follows, figure by figure. Formatting lives in
named paragraph styles, never on runs, so that a clerk who opens the file in Word or WPS and types
on keeps the format.

python-docx is imported inside `write_docx` only: it is slow to import and the window must come up
without it.

About 600 lines for one file format: the page, the named styles, the font fallbacks and page
numbers are all GB/T 9704 settings written as OOXML through python-docx's low-level API, and
docs/gongwen-format.md is checked against this one module. What other modules use is small
(write_docx, new_document, Photo, font_fallback); the rest is the format itself.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, BinaryIO

from kexie_desktop.core.document import BlockKind, Document, Signature

# Font names as Chinese Windows and government office PCs carry them. They are referenced, not
# embedded; the font table names a fallback that every Chinese Windows has for the two GB2312
# fonts and the title font, so a PC without them shows 仿宋/楷体/宋体 rather than Word's default.
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
HEADING3_FONT = BODY_FONT
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"

_FONT_FALLBACKS: dict[str, str | None] = {
    TITLE_FONT: "宋体",
    BODY_FONT: "仿宋",
    HEADING2_FONT: "楷体",
    HEADING1_FONT: None,
    PAGE_NUMBER_FONT: None,
}

# The official fonts the document names, with the other names a PC may list them under (an
# English Windows lists 仿宋_GB2312 as FangSong_GB2312). Used to tell the clerk, after an export,
# when this PC lacks some: the recipient's PC usually has them, and the file names them anyway.
OFFICIAL_FONTS: dict[str, tuple[str, ...]] = {
    TITLE_FONT: ("FZXiaoBiaoSong-B05S",),
    BODY_FONT: ("FangSong_GB2312",),
    HEADING1_FONT: ("SimHei",),
    HEADING2_FONT: ("KaiTi_GB2312",),
}


def font_fallback(name: str) -> str | None:
    """What Word shows for an official font on a PC that lacks it (from the font table)."""
    return _FONT_FALLBACKS.get(name)


TITLE_SIZE_PT = 22  # 二号
BODY_SIZE_PT = 16  # 三号
PAGE_NUMBER_SIZE_PT = 14  # 四号
CHAR_WIDTH_PT = BODY_SIZE_PT  # one full-width character of body text
LINE_PITCH_PT = 28.95  # 225 mm type area / 22 lines
# 28 characters of 16 pt make 448 pt, the 156 mm line is 442.2 pt: body text is set 0.25 pt
# narrower (in twentieths of a point) so a full line holds 28 characters, as GB/T 9704 asks.
_CONDENSE_TWIPS = -5

# Paragraph style names as the clerk sees them in Word's style list.
TITLE_STYLE = "公文标题"
BODY_STYLE = "公文正文"
BLOCK_STYLES: dict[BlockKind, str] = {
    "heading1": "一级标题",
    "heading2": "二级标题",
    "heading3": "三级标题",
    "body": BODY_STYLE,
}
SIGNATURE_STYLE = "落款"
PAGE_NUMBER_STYLE = "页码"
PHOTO_STYLE = "图片"
PHOTO_CAPTION_STYLE = "图片说明"

# ASCII style ids: Word and WPS are happy with Chinese ids, other tools that read the XML less so.
_STYLE_IDS = {
    TITLE_STYLE: "GongwenTitle",
    BODY_STYLE: "GongwenBody",
    "一级标题": "GongwenHeading1",
    "二级标题": "GongwenHeading2",
    "三级标题": "GongwenHeading3",
    SIGNATURE_STYLE: "GongwenSignature",
    PAGE_NUMBER_STYLE: "GongwenPageNumber",
    PHOTO_STYLE: "GongwenPhoto",
    PHOTO_CAPTION_STYLE: "GongwenPhotoCaption",
}

_EM_DASH = "\u2014"

# East Asian width classes set half a character wide; ambiguous ones (“”—…) are full-width in a
# Chinese font.
_HALF_WIDTH = frozenset({"N", "Na", "H"})
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# The tails of the w:pPr and w:rPr child sequences, from the first element set here that
# python-docx has no property for: children must be written in this order.
_PPR_ORDER = (
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
_RPR_ORDER = (
    "w:spacing",
    "w:w",
    "w:kern",
    "w:position",
    "w:sz",
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
)


@dataclass(frozen=True)
class Photo:
    """A picture printed under the paragraphs of one key (a 重点 activity's description):
    `data` a JPEG scaled for print, or None with `caption` saying why it is missing."""

    data: bytes | None
    size: tuple[int, int]
    caption: str


PHOTO_MAX_MM = (120.0, 80.0)


def write_docx(
    document: Document, target: BinaryIO, *, photos: dict[str, Photo] | None = None
) -> None:
    """Render `document` as a .docx into the open binary file `target`; `photos` by block key."""
    author = document.signature.organisation if document.signature else ""
    doc = new_document(document.title, author)

    # Paragraphs are built at the XML level: python-docx looks a style up by scanning every style
    # for each paragraph, which made a year of 5,000 activities take seconds.
    body_end = doc.element.body.sectPr
    _append_paragraph(body_end, TITLE_STYLE, _clean(document.title))
    _append_paragraph(body_end, BODY_STYLE, "")  # the empty line under the title
    last = None
    photos = photos or {}
    last_of_key = {block.key: n for n, block in enumerate(document.blocks) if block.key}
    for n, block in enumerate(document.blocks):
        for text in _paragraph_texts(block.full_text):
            last = _append_paragraph(body_end, BLOCK_STYLES[block.kind], text)
        photo = photos.get(block.key)
        if photo is not None and last_of_key.get(block.key) == n:
            added = _add_photo(doc, body_end, photo)
            last = last if added is None else added
    if document.signature is not None:
        if last is not None:
            # GB/T 9704 forbids a signature page without body text: the last line goes with it.
            last.get_or_add_pPr().keepNext_val = True
        _add_signature(body_end, document.signature)

    # Built in memory and written in one piece: a full disk or a pulled stick then fails one
    # plain write, instead of failing inside the zip writer, whose half-closed archive printed
    # a second traceback ("seek of closed file") after the clerk's message. A summary is small.
    buffer = io.BytesIO()
    doc.save(buffer)
    target.write(buffer.getbuffer())


def new_document(title: str, author: str) -> Any:
    """An empty python-docx document with the page, styles and page numbers of GB/T 9704:
    the summary and the 图文台账 share them."""
    import docx

    doc: Any = docx.Document()
    _set_up_package(doc, title, author)
    _set_up_page(doc)
    _define_styles(doc)
    _add_page_numbers(doc)
    return doc


def _add_photo(doc: Any, body_end: Any, photo: Photo) -> Any:
    """The picture centred under the paragraph, its caption under it in 仿宋."""
    from docx.shared import Mm
    from docx.text.paragraph import Paragraph

    element = None
    if photo.data is not None:
        element = _append_paragraph(body_end, PHOTO_STYLE, "")
        width, height = photo.size
        scale = min(PHOTO_MAX_MM[0] / width, PHOTO_MAX_MM[1] / height)
        Paragraph(element, doc._body).add_run().add_picture(
            io.BytesIO(photo.data), width=Mm(width * scale), height=Mm(height * scale)
        )
    if not photo.caption:
        return element
    if element is not None:
        element.get_or_add_pPr().keepNext_val = True  # the picture stays with its caption
    return _append_paragraph(body_end, PHOTO_CAPTION_STYLE, _clean(photo.caption))


def _append_paragraph(body_end: Any, style_name: str, text: str) -> Any:
    from docx.oxml import OxmlElement

    paragraph = OxmlElement("w:p")
    paragraph.get_or_add_pPr().style = _STYLE_IDS[style_name]
    if text:
        run = OxmlElement("w:r")
        for i, chunk in enumerate(text.split("\t")):
            if i:
                run.append(OxmlElement("w:tab"))
            if chunk:
                t = OxmlElement("w:t")
                t.text = chunk
                if chunk != chunk.strip():
                    t.set(_qn("xml:space"), "preserve")
                run.append(t)
        paragraph.append(run)
    body_end.addprevious(paragraph)
    return paragraph


def _clean(text: str) -> str:
    # Control characters pasted from Excel cannot be written to XML at all.
    return _XML_INVALID.sub("", text).strip()


def _paragraph_texts(text: str) -> list[str]:
    # A clerk's description may hold several paragraphs, or start with full-width spaces copied
    # from an old Word file; each becomes its own paragraph and the style does the indenting.
    return [line for line in map(_clean, text.splitlines()) if line]


def text_width_chars(text: str) -> float:
    """Width of `text` in full-width characters: digits and Latin letters take half a character."""
    return sum(0.5 if unicodedata.east_asian_width(c) in _HALF_WIDTH else 1.0 for c in text)


def signature_indents(signature: Signature) -> tuple[float, float]:
    """Right indents, in characters, of the organisation line and the date line.

    The name ends two characters in from the right margin and the date starts two characters to
    the right of where the name starts; a date longer than the name ends two characters in and the
    name is centred over it.
    """
    name = text_width_chars(_clean(signature.organisation))
    date = text_width_chars(_clean(signature.date_text))
    if date > name:
        return 2.0 + (date - name) / 2, 2.0
    return 2.0, name - date


# Empty lines between the last paragraph and the 落款: the one GB/T 9704 asks for, plus room for
# the seal, which is pressed over the name and the date with its top within a line of the text
# (a 42 mm seal is about four 28.95 pt lines tall, centred a little below the two 落款 lines).
SEAL_ROOM_LINES = 3


def _add_signature(body_end: Any, signature: Signature) -> None:
    from docx.shared import Pt

    for _ in range(SEAL_ROOM_LINES):
        blank = _append_paragraph(body_end, BODY_STYLE, "")
        blank.get_or_add_pPr().keepNext_val = True
    name_indent, date_indent = signature_indents(signature)
    for text, chars in (
        (_clean(signature.organisation), name_indent),
        (_clean(signature.date_text), date_indent),
    ):
        p_pr = _append_paragraph(body_end, SIGNATURE_STYLE, text).get_or_add_pPr()
        p_pr.ind_right = Pt(chars * CHAR_WIDTH_PT)
        p_pr.get_or_add_ind().set(_qn("w:rightChars"), str(round(chars * 100)))


def _set_up_package(doc: Any, title: str, author: str) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE

    now = datetime.now(UTC).replace(microsecond=0)
    props = doc.core_properties
    # Cleaned as the text is (characters XML cannot hold), and within the 255 characters
    # python-docx allows in a core property.
    props.title = _clean(title)[:255]
    props.author = _clean(author)[:255]
    props.last_modified_by = props.author
    props.comments = ""
    props.language = "zh-CN"
    props.revision = 1
    props.created = now
    props.modified = now

    # The template's thumbnail is a blank US-Letter page; a file manager would show it as the
    # preview of the summary.
    package = doc.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RELATIONSHIP_TYPE.THUMBNAIL:
            del package.rels[rel_id]

    settings = doc.settings
    settings.odd_and_even_pages_header_footer = True
    theme_lang = settings.element.find(_qn("w:themeFontLang"))
    if theme_lang is not None:
        # The template says Japanese, which would pick Japanese theme fonts and line breaking.
        theme_lang.set(_qn("w:eastAsia"), "zh-CN")
    _add_font_fallbacks(doc)


def _add_font_fallbacks(doc: Any) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.opc.part import XmlPart
    from docx.oxml import OxmlElement

    # python-docx keeps the font table as opaque bytes; swap in a parsed copy to edit it.
    document_part = doc.part
    old = document_part.part_related_by(RELATIONSHIP_TYPE.FONT_TABLE)
    fonts_part: Any = XmlPart.load(old.partname, old.content_type, old.blob, old.package)
    for rel_id, rel in list(document_part.rels.items()):
        if rel.reltype == RELATIONSHIP_TYPE.FONT_TABLE:
            document_part.drop_rel(rel_id)
    document_part.relate_to(fonts_part, RELATIONSHIP_TYPE.FONT_TABLE)

    fonts = fonts_part.element
    known = {f.get(_qn("w:name")) for f in fonts.findall(_qn("w:font"))}
    for name, alt_name in _FONT_FALLBACKS.items():
        if name in known:
            continue
        font = OxmlElement("w:font", {_qn("w:name"): name})
        if alt_name:
            font.append(OxmlElement("w:altName", {_qn("w:val"): alt_name}))
        # Charset 86 (GB2312) tells Word to substitute a Chinese font, not a Latin one.
        font.append(OxmlElement("w:charset", {_qn("w:val"): "86"}))
        fonts.append(font)


def _set_up_page(doc: Any) -> None:
    from docx.enum.section import WD_ORIENTATION
    from docx.shared import Mm

    section = doc.sections[0]
    section.orientation = WD_ORIENTATION.PORTRAIT
    section.page_width = Mm(210)
    section.page_height = Mm(297)
    section.top_margin = Mm(37)
    section.bottom_margin = Mm(35)
    section.left_margin = Mm(28)
    section.right_margin = Mm(26)
    section.header_distance = Mm(15)
    # The dashes of the page number sit about 7 mm under the type area (GB/T 9704 7.5).
    section.footer_distance = Mm(25)

    # The line pitch only: a character grid (linesAndChars) would give the 28 characters a line in
    # Word, but LibreOffice lays each 16 pt character over two grid cells. The body styles narrow
    # their characters instead (see _CONDENSE_TWIPS).
    sect_pr = doc.element.body.get_or_add_sectPr()
    grid = sect_pr.find(_qn("w:docGrid"))
    if grid is None:
        grid = sect_pr.makeelement(_qn("w:docGrid"), {})
        sect_pr.append(grid)
    for attr in ("w:type", "w:charSpace"):
        grid.attrib.pop(_qn(attr), None)
    grid.set(_qn("w:linePitch"), str(round(LINE_PITCH_PT * 20)))


def _define_styles(doc: Any) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    styles = doc.styles
    _set_document_defaults(styles)

    def add(name: str, base: Any) -> Any:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.element.styleId = _STYLE_IDS[name]
        style.base_style = base
        style.quick_style = True
        style.priority = 1
        return style

    normal = styles["Normal"]
    body = add(BODY_STYLE, normal)
    # Normal carries the body format too: a paragraph that falls back to it (pasted text, a
    # new document part) still looks like body text.
    for style in (normal, body):
        _set_fonts(style, BODY_FONT, BODY_SIZE_PT)
        _set_character_spacing(style, _CONDENSE_TWIPS)
        # No extra space between Chinese and digits or Latin letters (on by default in Word and
        # LibreOffice): 「2025年」 is set tight in official text, and lines keep 28 characters.
        pPr = style.element.get_or_add_pPr()
        for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
            _set_child(pPr, tag, "0", _PPR_ORDER)
        _set_grid_paragraph(style, first_line_chars=2)
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        # Widow control would leave lines empty at the foot of a page and break the 22-line grid.
        style.paragraph_format.widow_control = False

    title = add(TITLE_STYLE, normal)
    _set_fonts(title, TITLE_FONT, TITLE_SIZE_PT)
    _set_character_spacing(title, 0)
    _set_grid_paragraph(title, first_line_chars=0)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.keep_with_next = True
    title.next_paragraph_style = body

    heading_fonts: tuple[tuple[BlockKind, str], ...] = (
        ("heading1", HEADING1_FONT),
        ("heading2", HEADING2_FONT),
        ("heading3", HEADING3_FONT),
    )
    for level, (kind, font) in enumerate(heading_fonts):
        heading = add(BLOCK_STYLES[kind], body)
        _set_fonts(heading, font, BODY_SIZE_PT)
        _set_grid_paragraph(heading, first_line_chars=2)
        heading.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        heading.paragraph_format.keep_with_next = True
        heading.font.bold = level == 2
        # Outline levels give Word's navigation pane the 一、（一）1. structure.
        pPr = heading.element.get_or_add_pPr()
        pPr.get_or_add_outlineLvl().set(_qn("w:val"), str(level))
        heading.next_paragraph_style = body

    signature = add(SIGNATURE_STYLE, body)
    _set_fonts(signature, BODY_FONT, BODY_SIZE_PT)
    _set_grid_paragraph(signature, first_line_chars=0)
    signature.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    signature.paragraph_format.right_indent = Pt(2 * CHAR_WIDTH_PT)
    signature.element.get_or_add_pPr().get_or_add_ind().set(_qn("w:rightChars"), "200")
    signature.paragraph_format.keep_with_next = True

    # A picture's paragraph: centred, its line as tall as the picture (not the 28.95 pt grid).
    photo = add(PHOTO_STYLE, normal)
    photo.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    photo.paragraph_format.first_line_indent = Pt(0)
    photo.element.get_or_add_pPr().get_or_add_ind().set(_qn("w:firstLineChars"), "0")
    photo.paragraph_format.line_spacing = 1.0
    photo.paragraph_format.space_before = Pt(6)
    caption = add(PHOTO_CAPTION_STYLE, body)
    _set_fonts(caption, BODY_FONT, 14)  # 四号
    _set_grid_paragraph(caption, first_line_chars=0)
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    page_number = add(PAGE_NUMBER_STYLE, None)
    _set_fonts(page_number, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE_PT, latin=PAGE_NUMBER_FONT)
    page_number.paragraph_format.space_before = Pt(0)
    page_number.paragraph_format.space_after = Pt(0)
    page_number.paragraph_format.line_spacing = 1.0


def _set_document_defaults(styles: Any) -> None:
    defaults = styles.element.find(_qn("w:docDefaults"))
    r_pr = defaults.find(f"{_qn('w:rPrDefault')}/{_qn('w:rPr')}")
    r_fonts = r_pr.find(_qn("w:rFonts"))
    # Theme font attributes win over named fonts; the template's theme ones point at Calibri
    # and a Japanese Mincho.
    for attr in list(r_fonts.attrib):
        del r_fonts.attrib[attr]
    for slot in ("w:ascii", "w:hAnsi", "w:cs"):
        r_fonts.set(_qn(slot), LATIN_FONT)
    r_fonts.set(_qn("w:eastAsia"), BODY_FONT)
    for size_tag in ("w:sz", "w:szCs"):
        size = r_pr.find(_qn(size_tag))
        if size is not None:
            # Character units (w:firstLineChars) and anything unstyled go by the default size.
            size.set(_qn("w:val"), str(BODY_SIZE_PT * 2))
    lang = r_pr.find(_qn("w:lang"))
    if lang is not None:
        lang.set(_qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(f"{_qn('w:pPrDefault')}/{_qn('w:pPr')}/{_qn('w:spacing')}")
    if spacing is not None:
        spacing.set(_qn("w:after"), "0")
        spacing.set(_qn("w:line"), "240")
        spacing.set(_qn("w:lineRule"), "auto")


def _set_fonts(style: Any, east_asian: str, size_pt: int, *, latin: str = LATIN_FONT) -> None:
    from docx.shared import Pt

    style.font.name = latin  # the ASCII and hAnsi slots
    style.font.size = Pt(size_pt)
    r_fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    r_fonts.set(_qn("w:eastAsia"), east_asian)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        r_fonts.attrib.pop(_qn(attr), None)


def _set_grid_paragraph(style: Any, *, first_line_chars: int) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    fmt = style.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(LINE_PITCH_PT)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.first_line_indent = Pt(first_line_chars * CHAR_WIDTH_PT)
    # Word and WPS indent by characters of the paragraph's font; the points serve readers that
    # do not know character units.
    ind = style.element.get_or_add_pPr().get_or_add_ind()
    ind.set(_qn("w:firstLineChars"), str(first_line_chars * 100))


def _set_character_spacing(style: Any, twips: int) -> None:
    _set_child(style.element.get_or_add_rPr(), "w:spacing", str(twips), _RPR_ORDER)


def _set_child(parent: Any, tag: str, value: str, order: tuple[str, ...]) -> None:
    from docx.oxml import OxmlElement

    existing = parent.find(_qn(tag))
    if existing is not None:
        parent.remove(existing)
    successors = order[order.index(tag) + 1 :]
    parent.insert_element_before(OxmlElement(tag, {_qn("w:val"): value}), *successors)


def _add_page_numbers(doc: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    section = doc.sections[0]
    one_char = Pt(PAGE_NUMBER_SIZE_PT)
    # With evenAndOddHeaders set, the default footer is the odd-page one.
    for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.style = doc.styles[PAGE_NUMBER_STYLE]
        fmt = paragraph.paragraph_format
        if odd:
            fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            fmt.right_indent = one_char
        else:
            fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
            fmt.left_indent = one_char
        _append_page_field(paragraph)


def _append_page_field(paragraph: Any) -> None:
    from docx.oxml import OxmlElement

    paragraph.add_run(f"{_EM_DASH} ")
    for kind in ("begin", "instr", "separate", "result", "end"):
        run = paragraph.add_run()
        if kind == "instr":
            instr = OxmlElement("w:instrText", {_qn("xml:space"): "preserve"})
            instr.text = " PAGE "
            run.element.append(instr)
        elif kind == "result":
            # Shown by readers that do not update fields.
            run.text = "1"
        else:
            run.element.append(OxmlElement("w:fldChar", {_qn("w:fldCharType"): kind}))
    paragraph.add_run(f" {_EM_DASH}")


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)
