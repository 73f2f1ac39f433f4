"""The booklet (汇编成册) as a Word document: title page, contents, one chapter per case and per person.

Chinese typography as government documents set it: 宋体 for the text and
黑体 for headings, set on the styles as the East Asian font (`w:eastAsia`,
which python-docx's `font.name` alone does not set), a first-line indent
of two characters, A4 with the margins of GB/T 9704. The contents page has
a TOC field that Word fills in (it asks to update fields on opening) and a
plain list of the chapters for readers that do not update fields.
"""

from __future__ import annotations

import io
import logging
from datetime import date

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from quizengine.services.booklet import ISSUER, parts

log = logging.getLogger(__name__)

BODY_FONT, HEADING_FONT = "宋体", "黑体"
BODY_SIZE = Pt(14)  # 四号


def _fonts(style, east_asian: str, latin: str = "Times New Roman") -> None:
    """Set a style's Latin and East Asian fonts (w:rFonts w:eastAsia)."""
    style.font.name = latin
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asian)


def _indent_chars(style_or_paragraph, chars: int) -> None:
    """A first-line indent of `chars` characters (w:firstLineChars, in hundredths), with a point fallback."""
    fmt = style_or_paragraph.paragraph_format
    fmt.first_line_indent = Pt(BODY_SIZE.pt * chars) if chars else Pt(0)
    element = style_or_paragraph._element
    ppr = element.get_or_add_pPr()
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        ppr.append(ind)
    ind.set(qn("w:firstLineChars"), str(chars * 100))


def _styles(document) -> None:
    normal = document.styles["Normal"]
    _fonts(normal, BODY_FONT)
    normal.font.size = BODY_SIZE
    normal.paragraph_format.line_spacing = Pt(28)
    _indent_chars(normal, 2)
    for name, size in (("Title", Pt(26)), ("Heading 1", Pt(22)), ("Heading 2", Pt(16))):
        style = document.styles[name]
        _fonts(style, HEADING_FONT)
        style.font.size = size
        style.font.bold = False
        style.font.color.rgb = None
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _indent_chars(style, 0)


def _page(section) -> None:
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)


def _plain(document, text: str, *, center: bool = False, size: Pt | None = None, font: str | None = None):
    paragraph = document.add_paragraph()
    _indent_chars(paragraph, 0)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    if size:
        run.font.size = size
    if font:
        run.font.name = font
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    return paragraph


def _toc_field(document) -> None:
    """A TOC field over headings 1–2; Word fills it in when fields are updated."""
    paragraph = document.add_paragraph()
    _indent_chars(paragraph, 0)
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, 'TOC \\o "1-2" \\h \\z \\u'), ("separate", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
    paragraph.add_run("（目录页码在 Word 中“更新域”后显示）")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def booklet_docx(title: str, chapters, when: date) -> bytes:
    """The booklet as DOCX bytes."""
    document = Document()
    _styles(document)
    _page(document.sections[0])
    for _ in range(6):
        _plain(document, "")
    document.add_paragraph(title, style="Title")
    for _ in range(8):
        _plain(document, "")
    _plain(document, ISSUER, center=True, size=Pt(16), font=HEADING_FONT)
    _plain(document, f"{when.year}年{when.month}月{when.day}日", center=True, size=Pt(16))
    document.add_section(WD_SECTION.NEW_PAGE)
    _plain(document, "目　录", center=True, size=Pt(22), font=HEADING_FONT)
    _toc_field(document)
    for heading, items in parts(chapters):
        _plain(document, heading, font=HEADING_FONT)
        for chapter in items:
            _plain(document, f"　　{chapter.title}（{chapter.center}）")
    for heading, items in parts(chapters):
        document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
        document.add_heading(heading, level=1)
        for chapter in items:
            _chapter(document, chapter)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _chapter(document, chapter) -> None:
    document.add_heading(chapter.title, level=2)
    meta = f"单位：{chapter.center}"
    if chapter.category:
        meta += f"　　类别：{chapter.category}"
    _plain(document, meta, center=True, font="楷体")
    for text in chapter.paragraphs:
        document.add_paragraph(text)
    for image in chapter.images:
        try:
            document.add_picture(str(image), width=Mm(150))
            document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            _indent_chars(document.paragraphs[-1], 0)
        except Exception as exc:
            log.warning("booklet: image %s left out: %s", image.name, exc)
