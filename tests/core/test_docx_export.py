"""The Word export read back: the GB/T 9704 figures of docs/gongwen-format.md, from the file."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import docx
import pytest
from docx.enum.section import WD_ORIENTATION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.text.paragraph import Paragraph

from kexie_desktop.core.document import Block, Document, Signature
from kexie_desktop.core.docx_export import SEAL_ROOM_LINES, write_docx

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
W = f"{{{W_NS}}}"
EM_DASH = "\u2014"

ORGANISATION = "益阳市厂矿科协联合会"  # 10 characters
DATE = "2025年12月4日"  # 4 + 2 + 1 half-width digits and 3 characters: 6.5 characters

BLOCKS = [
    Block("body", "2025年，我市企业科协工作围绕“推进新型工业化”战略方针，现总结如下："),
    Block("heading1", "组织企业科协开展学术交流活动", "一、"),
    Block("body", "全年共组织学术交流活动12次，参加科技工作者860人次。"),
    Block("heading2", "课题调研", "（一）"),
    Block("heading3", "有色冶炼行业发展调研", "1."),
    Block("body", "深入到桃江县工业发展局、马迹塘镇和久通锑业等单位调查了解情况。"),
    Block("heading1", "存在的不足", "二、"),
    Block("body", "一是企业科协的发展还没有根本的突破；二是企业之间活动不多。"),
]


def sample_document(signature: Signature | None = None) -> Document:
    return Document(
        title="益阳市厂矿科协联合会2025年工作总结",
        blocks=list(BLOCKS),
        signature=signature or Signature(ORGANISATION, DATE),
    )


def write(path: Path, document: Document) -> Path:
    with path.open("wb") as f:
        write_docx(document, f)
    return path


@pytest.fixture
def docx_path(tmp_path: Path) -> Path:
    return write(tmp_path / "summary.docx", sample_document())


def read_xml(path: Path, member: str) -> ET.Element:
    with zipfile.ZipFile(path) as z:
        return ET.fromstring(z.read(member))


def style_element(path: Path, name: str) -> ET.Element:
    styles = read_xml(path, "word/styles.xml")
    for style in styles.iter(f"{W}style"):
        name_el = style.find(f"{W}name")
        if name_el is not None and name_el.get(f"{W}val") == name:
            return style
    raise AssertionError(f"no style named {name}")


def attr(element: ET.Element | None, path: str, name: str) -> str | None:
    """An attribute of the first element at `path` (ElementPath with w: prefixes), or None."""
    assert element is not None
    found = element.find(path.replace("w:", W))
    return None if found is None else found.get(f"{W}{name}")


def footer_xml(path: Path, kind: str) -> ET.Element:
    """The footer that the section uses for `kind` pages ("default" = odd, "even")."""
    document = read_xml(path, "word/document.xml")
    sect_pr = document.find(f"{W}body/{W}sectPr")
    assert sect_pr is not None
    refs = {
        ref.get(f"{W}type"): ref.get(f"{{{R_NS}}}id") for ref in sect_pr.iter(f"{W}footerReference")
    }
    rels = read_xml(path, "word/_rels/document.xml.rels")
    targets = {
        rel.get("Id"): rel.get("Target") for rel in rels.iter(f"{{{PKG_REL_NS}}}Relationship")
    }
    return read_xml(path, f"word/{targets[refs[kind]]}")


def body_paragraphs(path: Path) -> list[ET.Element]:
    document = read_xml(path, "word/document.xml")
    body = document.find(f"{W}body")
    assert body is not None
    return list(body.iter(f"{W}p"))


def paragraph_text(p: ET.Element) -> str:
    return "".join(t.text or "" for t in p.iter(f"{W}t"))


# --- page -------------------------------------------------------------------------------------


def test_page_is_a4_portrait_with_gbt_9704_margins(docx_path: Path) -> None:
    section = docx.Document(str(docx_path)).sections[0]
    assert section.orientation == WD_ORIENTATION.PORTRAIT
    expected_mm = {
        "page_width": 210,
        "page_height": 297,
        "top_margin": 37,
        "bottom_margin": 35,
        "left_margin": 28,
        "right_margin": 26,
    }
    for name, mm in expected_mm.items():
        length = getattr(section, name)
        assert length is not None
        assert length.mm == pytest.approx(mm, abs=0.5), name


def test_type_area_holds_22_lines_of_28_characters(docx_path: Path) -> None:
    document = read_xml(docx_path, "word/document.xml")
    assert attr(document, "w:body/w:sectPr/w:docGrid", "linePitch") == "579"
    section = docx.Document(str(docx_path)).sections[0]
    lengths = (
        section.page_width,
        section.page_height,
        section.top_margin,
        section.bottom_margin,
        section.left_margin,
        section.right_margin,
    )
    assert all(length is not None for length in lengths)
    width, height, top, bottom, left, right = (length.pt for length in lengths if length)
    line_spacing = style_element(docx_path, "公文正文").find(f"{W}pPr/{W}spacing")
    assert line_spacing is not None
    line_pt = int(line_spacing.get(f"{W}line", "0")) / 20
    assert 22 * line_pt <= height - top - bottom < 23 * line_pt
    # The body is set a little narrower than 16 pt so that 28 characters fit a line.
    spacing = attr(style_element(docx_path, "公文正文"), "w:rPr/w:spacing", "val")
    assert spacing is not None
    pitch_pt = 16 + int(spacing) / 20
    assert 28 * pitch_pt <= width - left - right < 29 * pitch_pt


# --- styles -----------------------------------------------------------------------------------

STYLE_FONTS = [
    # name, East Asian font, size in pt, bold
    ("公文标题", "方正小标宋简体", 22, False),
    ("公文正文", "仿宋_GB2312", 16, False),
    ("Normal", "仿宋_GB2312", 16, False),
    ("一级标题", "黑体", 16, False),
    ("二级标题", "楷体_GB2312", 16, False),
    ("三级标题", "仿宋_GB2312", 16, True),
    ("落款", "仿宋_GB2312", 16, False),
]


@pytest.mark.parametrize(("name", "east_asian", "size_pt", "bold"), STYLE_FONTS)
def test_each_style_sets_its_east_asian_font_size_and_weight(
    docx_path: Path, name: str, east_asian: str, size_pt: int, bold: bool
) -> None:
    style = style_element(docx_path, name)
    assert attr(style, "w:rPr/w:rFonts", "eastAsia") == east_asian
    assert attr(style, "w:rPr/w:rFonts", "ascii") == "Times New Roman"
    assert attr(style, "w:rPr/w:rFonts", "hAnsi") == "Times New Roman"
    rfonts = style.find(f"{W}rPr/{W}rFonts")
    assert rfonts is not None
    # A theme font attribute would win over the named font.
    assert not [a for a in rfonts.attrib if a.endswith("Theme") or a.endswith("theme")]
    assert attr(style, "w:rPr/w:sz", "val") == str(size_pt * 2)
    b = style.find(f"{W}rPr/{W}b")
    assert (b is not None and b.get(f"{W}val") in (None, "1", "true", "on")) is bold

    # python-docx reads the same.
    font = docx.Document(str(docx_path)).styles[name].font
    assert font.size is not None
    assert font.size.pt == size_pt
    assert font.name == "Times New Roman"


@pytest.mark.parametrize("name", ["Normal", "公文正文", "一级标题", "二级标题", "三级标题"])
def test_body_and_headings_have_exact_spacing_two_character_indent_and_justify(
    docx_path: Path, name: str
) -> None:
    style = style_element(docx_path, name)
    assert attr(style, "w:pPr/w:spacing", "line") == "579"
    assert attr(style, "w:pPr/w:spacing", "lineRule") == "exact"
    assert attr(style, "w:pPr/w:spacing", "before") in (None, "0")
    assert attr(style, "w:pPr/w:spacing", "after") in (None, "0")
    assert attr(style, "w:pPr/w:ind", "firstLineChars") == "200"
    assert attr(style, "w:pPr/w:ind", "firstLine") == "640"  # 32 pt
    assert attr(style, "w:pPr/w:jc", "val") == "both"

    fmt = docx.Document(str(docx_path)).styles[name].paragraph_format
    assert fmt.line_spacing is not None
    assert fmt.line_spacing.pt == pytest.approx(28.95)


def test_title_is_centred_without_indent_and_followed_by_one_empty_line(
    docx_path: Path,
) -> None:
    style = style_element(docx_path, "公文标题")
    assert attr(style, "w:pPr/w:jc", "val") == "center"
    assert attr(style, "w:pPr/w:ind", "firstLineChars") == "0"
    assert attr(style, "w:pPr/w:ind", "firstLine") == "0"
    assert attr(style, "w:pPr/w:spacing", "line") == "579"

    paragraphs = docx.Document(str(docx_path)).paragraphs
    assert paragraphs[0].text == "益阳市厂矿科协联合会2025年工作总结"
    assert paragraphs[0].style is not None and paragraphs[0].style.name == "公文标题"
    assert paragraphs[0].alignment is None  # centred by its style, not by hand
    assert paragraphs[1].text == ""
    assert paragraphs[2].text == BLOCKS[0].full_text


def test_body_style_is_built_on_normal_and_headings_lead_on_to_body(docx_path: Path) -> None:
    styles = docx.Document(str(docx_path)).styles
    body = styles["公文正文"]
    assert body.base_style is not None and body.base_style.name == "Normal"
    assert body.next_paragraph_style is not None
    assert body.next_paragraph_style.name == "公文正文"
    for name in ("公文标题", "一级标题", "二级标题", "三级标题"):
        next_style = styles[name].next_paragraph_style
        assert next_style is not None and next_style.name == "公文正文", name
    for level, name in enumerate(("一级标题", "二级标题", "三级标题")):
        assert attr(style_element(docx_path, name), "w:pPr/w:outlineLvl", "val") == str(level)


def test_document_defaults_are_chinese_body_text(docx_path: Path) -> None:
    styles = read_xml(docx_path, "word/styles.xml")
    r_pr = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert attr(r_pr, "w:rFonts", "eastAsia") == "仿宋_GB2312"
    assert attr(r_pr, "w:rFonts", "eastAsiaTheme") is None
    assert attr(r_pr, "w:lang", "eastAsia") == "zh-CN"
    settings = read_xml(docx_path, "word/settings.xml")
    assert attr(settings, "w:themeFontLang", "eastAsia") == "zh-CN"


def test_font_table_names_fallbacks_for_the_gb2312_fonts(docx_path: Path) -> None:
    fonts = read_xml(docx_path, "word/fontTable.xml")
    alt_names = {f.get(f"{W}name"): attr(f, "w:altName", "val") for f in fonts.iter(f"{W}font")}
    assert alt_names["仿宋_GB2312"] == "仿宋"
    assert alt_names["楷体_GB2312"] == "楷体"
    assert "方正小标宋简体" in alt_names


# --- page numbers -----------------------------------------------------------------------------


def test_settings_ask_for_different_odd_and_even_footers(docx_path: Path) -> None:
    settings = read_xml(docx_path, "word/settings.xml")
    even_odd = settings.find(f"{W}evenAndOddHeaders")
    assert even_odd is not None
    assert even_odd.get(f"{W}val") in (None, "1", "true", "on")
    assert docx.Document(str(docx_path)).settings.odd_and_even_pages_header_footer


def _has_page_field(footer: ET.Element) -> bool:
    simple = [f.get(f"{W}instr") or "" for f in footer.iter(f"{W}fldSimple")]
    complex_ = [t.text or "" for t in footer.iter(f"{W}instrText")]
    has_begin = any(c.get(f"{W}fldCharType") == "begin" for c in footer.iter(f"{W}fldChar"))
    return any(i.split()[:1] == ["PAGE"] for i in simple) or (
        has_begin and any(i.split()[:1] == ["PAGE"] for i in complex_)
    )


@pytest.mark.parametrize(
    ("kind", "alignment", "indent_side"), [("default", "right", "right"), ("even", "left", "left")]
)
def test_footer_page_number_is_a_page_field_between_em_dashes(
    docx_path: Path, kind: str, alignment: str, indent_side: str
) -> None:
    footer = footer_xml(docx_path, kind)
    assert _has_page_field(footer)
    paragraphs = list(footer.iter(f"{W}p"))
    assert len(paragraphs) == 1
    p = paragraphs[0]
    text = paragraph_text(p)
    assert text.startswith(f"{EM_DASH} ") and text.endswith(f" {EM_DASH}")
    assert attr(p, "w:pPr/w:jc", "val") == alignment
    # One character of 14 pt in from the margin.
    assert attr(p, "w:pPr/w:ind", indent_side) == "280"

    style_id = attr(p, "w:pPr/w:pStyle", "val")
    styles = read_xml(docx_path, "word/styles.xml")
    style = next(s for s in styles.iter(f"{W}style") if s.get(f"{W}styleId") == style_id)
    for slot in ("eastAsia", "ascii", "hAnsi"):
        assert attr(style, "w:rPr/w:rFonts", slot) == "宋体"
    assert attr(style, "w:rPr/w:sz", "val") == "28"  # 四号 = 14 pt
    assert attr(style, "w:pPr/w:ind", "firstLine") in (None, "0")


# --- text and signature -----------------------------------------------------------------------


def test_every_block_appears_in_order_followed_by_the_signature(docx_path: Path) -> None:
    texts = [p.text for p in docx.Document(str(docx_path)).paragraphs]
    assert texts == [
        "益阳市厂矿科协联合会2025年工作总结",
        "",
        *(b.full_text for b in BLOCKS),
        *[""] * SEAL_ROOM_LINES,
        ORGANISATION,
        DATE,
    ]


def test_each_block_takes_the_style_of_its_kind(docx_path: Path) -> None:
    expected = {
        "body": "公文正文",
        "heading1": "一级标题",
        "heading2": "二级标题",
        "heading3": "三级标题",
    }
    paragraphs = docx.Document(str(docx_path)).paragraphs[2 : 2 + len(BLOCKS)]
    for paragraph, block in zip(paragraphs, BLOCKS, strict=True):
        assert paragraph.style is not None
        assert paragraph.style.name == expected[block.kind]


def test_runs_carry_no_direct_formatting(docx_path: Path) -> None:
    for p in body_paragraphs(docx_path):
        for run in p.iter(f"{W}r"):
            assert run.find(f"{W}rPr") is None, paragraph_text(p)


def _right_indent_chars(paragraph: Paragraph) -> float:
    indent = paragraph.paragraph_format.right_indent
    assert indent is not None
    return float(indent.pt) / 16


def test_signature_sits_right_with_the_date_two_characters_after_the_name(
    docx_path: Path,
) -> None:
    paragraphs = docx.Document(str(docx_path)).paragraphs
    *blanks, name, date = paragraphs[-5:]
    # The empty line GB/T 9704 asks for, and room for the seal above the 落款.
    assert [b.text for b in blanks] == ["", "", ""]
    assert paragraphs[-6].text == BLOCKS[-1].full_text
    assert all(b.paragraph_format.keep_with_next for b in blanks)
    assert name.text == ORGANISATION and date.text == DATE
    for p in (name, date):
        assert p.style is not None and p.style.name == "落款"
        assert p.paragraph_format.alignment in (None, WD_ALIGN_PARAGRAPH.RIGHT)
    style = style_element(docx_path, "落款")
    assert attr(style, "w:pPr/w:jc", "val") == "right"
    assert attr(style, "w:pPr/w:ind", "firstLineChars") == "0"

    # The name ends two characters in from the right margin.
    assert _right_indent_chars(name) == pytest.approx(2)
    # The date starts two characters to the right of where the name starts.
    name_start = 2 + 10
    date_start = _right_indent_chars(date) + 6.5
    assert date_start == pytest.approx(name_start - 2)

    xml_paragraphs = body_paragraphs(docx_path)
    assert attr(xml_paragraphs[-2], "w:pPr/w:ind", "rightChars") == "200"
    assert attr(xml_paragraphs[-1], "w:pPr/w:ind", "rightChars") == "350"
    assert attr(xml_paragraphs[-1], "w:pPr/w:ind", "right") == "1120"  # 3.5 × 16 pt


def test_a_date_longer_than_the_name_ends_two_characters_in_under_a_centred_name(
    tmp_path: Path,
) -> None:
    path = write(tmp_path / "s.docx", sample_document(Signature("县科协", DATE)))
    name, date = docx.Document(str(path)).paragraphs[-2:]
    assert date.text == DATE
    assert _right_indent_chars(date) == pytest.approx(2)
    name_centre = _right_indent_chars(name) + 3 / 2
    date_centre = 2 + 6.5 / 2
    assert name_centre == pytest.approx(date_centre)


def test_without_a_signature_the_text_ends_with_the_last_block(tmp_path: Path) -> None:
    document = sample_document()
    document.signature = None
    path = write(tmp_path / "s.docx", document)
    paragraphs = docx.Document(str(path)).paragraphs
    assert paragraphs[-1].text == BLOCKS[-1].full_text
    assert all(p.style is not None and p.style.name != "落款" for p in paragraphs)


def test_line_breaks_leading_spaces_and_control_characters_in_a_block(tmp_path: Path) -> None:
    document = Document(
        title="标题",
        blocks=[Block("body", "第一段。\r\n\n\u3000\u3000第二段，\x01带控制符。\n")],
    )
    path = write(tmp_path / "s.docx", document)
    paragraphs = docx.Document(str(path)).paragraphs
    assert [p.text for p in paragraphs] == ["标题", "", "第一段。", "第二段，带控制符。"]
    assert all(p.style is not None for p in paragraphs[2:])
    assert {p.style.name for p in paragraphs[2:] if p.style} == {"公文正文"}


# --- after the clerk edits the file -----------------------------------------------------------


def test_a_paragraph_typed_later_keeps_the_format_through_its_style(
    docx_path: Path, tmp_path: Path
) -> None:
    edited = docx.Document(str(docx_path))
    edited.add_paragraph("新增的一段正文。", style="公文正文")
    edited.add_paragraph("没有选样式的一段。")  # Normal
    buffer = io.BytesIO()
    edited.save(buffer)
    path = tmp_path / "edited.docx"
    path.write_bytes(buffer.getvalue())

    reopened = docx.Document(str(path))
    new_body, new_plain = reopened.paragraphs[-2:]
    assert new_body.style is not None and new_body.style.name == "公文正文"
    assert new_plain.style is not None and new_plain.style.name == "Normal"
    for paragraph in (new_body, new_plain):
        # Nothing on the run: fonts, size and layout all come from the style.
        assert all(run.font.name is None and run.font.size is None for run in paragraph.runs)
        style = paragraph.style
        assert style is not None
        assert style.font.name == "Times New Roman"
        assert style.font.size is not None and style.font.size.pt == 16
        assert attr(style_element(path, style.name), "w:rPr/w:rFonts", "eastAsia") == (
            "仿宋_GB2312"
        )
        assert attr(style_element(path, style.name), "w:pPr/w:ind", "firstLineChars") == "200"
    for p in body_paragraphs(path)[-2:]:
        for run in p.iter(f"{W}r"):
            assert run.find(f"{W}rPr") is None


def test_writes_to_any_binary_stream_and_tidies_the_package() -> None:
    buffer = io.BytesIO()
    write_docx(sample_document(), buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as z:
        names = z.namelist()
        core = z.read("docProps/core.xml").decode("utf-8")
    assert "word/document.xml" in names
    # python-docx's template thumbnail is a blank US-Letter page.
    assert not [n for n in names if "thumbnail" in n]
    assert "python-docx" not in core
    assert "益阳市厂矿科协联合会2025年工作总结" in core
