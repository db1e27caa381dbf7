"""The house style of every Word document clusterkit writes (action plan, progress note, team notes,
the kit's forms), defined once.

Text is set in Liberation Sans: free, installed with LibreOffice, and drawn with the same character
widths as Arial, which Word uses where Liberation Sans is missing, so that lines and pages break at
the same places. Headings, captions, header (the cluster's name) and footer ("page n / N") come
from here, and so do table column widths: each column is at least as wide as its longest word
(measured with Helvetica's widths, which Arial and Liberation Sans share), so that no word is cut
in two, and the rest of the width goes to the columns with the most text.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import matplotlib
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor, Twips

FONT = "Liberation Sans"
INK = RGBColor(0x1F, 0x3A, 0x5F)  # headings
MUTED = RGBColor(0x55, 0x5F, 0x6B)  # captions, header and footer
HEADER_FILL = "E4E9F0"  # the table's header row
A4 = (Cm(21.0), Cm(29.7))
MARGIN = Cm(2.0)
BODY_SIZE = 10.0
TABLE_SIZE = 8.5
CELL_PADDING = 2 * 108  # twips: the left and right cell margins Word and LibreOffice put by default
ROOM_TO_WRITE = Cm(3.0) // 635  # twips: what an empty cell of a form asks for, room for a pen
SHORT_CELL = Cm(1.9) // 635  # twips: a cell this short (a date, an amount) stays on one line when it can
KEEP_TOGETHER_ROWS = 8
HALF_PAGE_LINES = 30  # table lines in half an upright page         # a table this short is not split across pages
LANGUAGES = {"fr": "fr-FR", "en": "en-GB"}


# --------------------------------------------------------------------------------------------
# Text widths
# --------------------------------------------------------------------------------------------
@functools.cache
def _advances(bold: bool) -> dict[str, int]:
    """Character widths in thousandths of the font size, from the Helvetica metrics matplotlib ships."""
    name = "phvb8a.afm" if bold else "phvr8a.afm"
    widths = {}
    for line in (Path(matplotlib.get_data_path()) / "fonts" / "afm" / name).read_text("latin-1").splitlines():
        if line.startswith("C "):
            fields = dict(part.strip().split(" ", 1) for part in line.split(";") if part.strip())
            if 32 <= int(fields["C"]) < 127:  # above, Adobe's standard encoding is not Unicode
                widths[chr(int(fields["C"]))] = int(fields["WX"])
    return widths


def text_width(text: str, size: float, bold: bool = False) -> int:
    """The width of ``text`` on one line at ``size`` points, in twips (1/20 point)."""
    advances = _advances(bold)
    thousandths = 0
    for char in text:
        base = unicodedata.normalize("NFKD", char)[:1] or char  # é is as wide as e
        thousandths += advances.get(
            char, advances.get(base, 1000 if unicodedata.east_asian_width(char) in "WF" else 600)
        )
    return round(thousandths * size * 20 / 1000)


# where a line may break: not at the no-break spaces inside an amount (987\u202f654\xa0FCFA)
BREAKS = re.compile(r"[ \t\n]+")


@dataclass(frozen=True)
class ColumnNeed:
    """What a column asks for, in twips: ``least`` holds its longest word, ``short`` its longest
    short cell on one line, ``wanted`` its longest cell on one line; ``to_fill`` when it has empty
    cells to write in by hand."""

    least: int
    short: int
    wanted: int
    to_fill: bool


def column_needs(header: list[str], rows: list[list[str]], size: float = TABLE_SIZE) -> list[ColumnNeed]:
    """The needs of each column of a table whose header row is bold."""
    needs = []
    for index, title in enumerate(header):
        cells = [(title, True)] + [(row[index], False) for row in rows]
        words = [text_width(word, size, bold) for text, bold in cells for word in BREAKS.split(text) if word] or [0]
        lines = [text_width(line, size, bold) for text, bold in cells for line in text.splitlines() or [""]]
        empty = any(not text.strip() for text, _ in cells[1:])
        wanted = max(max(lines), ROOM_TO_WRITE if empty else 0)
        least = max(words)
        body = [text_width(line, size) for text, _ in cells[1:] for line in text.splitlines()]
        short = max([least] + [line for line in body if line <= SHORT_CELL])  # headers may wrap

        def slack(width):  # 3 % and two points: LibreOffice and Word round glyph positions differently
            return round(width * 1.03) + 40 + CELL_PADDING

        needs.append(ColumnNeed(slack(least), slack(short), wanted + CELL_PADDING, empty))
    return needs


def fit_columns(needs: list[ColumnNeed], available: int) -> list[int]:
    """Column widths in twips that sum to ``available``: every column gets its longest word (and
    its short cells whole, when they all fit), the columns with more text get more of what is left; once every cell fits on one line, the space
    left goes to the columns to fill by hand (else to all, in proportion)."""
    least = [n.short for n in needs]
    if sum(least) > available:
        least = [n.least for n in needs]
    wanted = [max(n.wanted, m) for n, m in zip(needs, least)]
    if sum(least) >= available:  # nothing better than squeezing: some words will break
        widths = [available * w / sum(least) for w in least]
    elif sum(wanted) >= available:
        extra = [w - m for w, m in zip(wanted, least)]
        widths = [m + (available - sum(least)) * e / sum(extra) for m, e in zip(least, extra)]
    else:
        takers = [w if n.to_fill else 0 for w, n in zip(wanted, needs)]
        takers = takers if any(takers) else wanted
        widths = [w + (available - sum(wanted)) * t / sum(takers) for w, t in zip(wanted, takers)]
    whole = [int(w) for w in widths]
    whole[max(range(len(whole)), key=lambda i: widths[i])] += available - sum(whole)  # rounding, to the widest
    return whole


def lines_needed(rows: list[list[str]], widths: list[int], size: float = TABLE_SIZE) -> int:
    """About how many lines a table's body takes with these column widths: each row as tall as
    its tallest cell (a floor: words that wrap take a little more)."""
    return sum(
        max(max(1, -(-text_width(cell, size) // max(width - CELL_PADDING, 1))) for cell, width in zip(row, widths))
        for row in rows
    )


def turn_sideways(needs: list[ColumnNeed], rows: list[list[str]], size: float = TABLE_SIZE) -> bool:
    """Whether a table goes on a page on its side: when an upright page cannot hold its longest
    words, or when it would be much taller upright (1.6 times) than on its side and turning saves
    more than the half page the turn costs (the pages on either side of it end early)."""
    upright, sideways = (A4[0] - 2 * MARGIN) // 635, (A4[1] - 2 * MARGIN) // 635
    if sum(n.least for n in needs) > upright:
        return True
    tall = lines_needed(rows, fit_columns(needs, upright), size)
    flat = lines_needed(rows, fit_columns(needs, sideways), size)
    return tall > 1.6 * flat and tall - flat > HALF_PAGE_LINES


# --------------------------------------------------------------------------------------------
# The document
# --------------------------------------------------------------------------------------------
def _set_font(rpr) -> None:
    """One font on every script, without the theme's fonts (a theme font would win over it)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attribute}"), None)
    for attribute in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attribute}"), FONT)


def apply_house_style(document, lang: str) -> None:
    """Fonts, sizes, colours and spacing of the styles the documents use, and the text's language
    (for hyphenation and spelling)."""
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_font(defaults)
    defaults.find(qn("w:lang")).set(qn("w:val"), LANGUAGES[lang])
    for style in styles:
        if style.element.rPr is not None:
            _set_font(style.element.rPr)
    normal = styles["Normal"]
    normal.font.size = Pt(BODY_SIZE)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for name, size, before in (("Title", 20, 0), ("Heading 1", 14, 16), ("Heading 2", 12, 12)):
        style = styles[name]
        style.font.size, style.font.color.rgb, style.font.bold = Pt(size), INK, True
        style.paragraph_format.space_before, style.paragraph_format.space_after = Pt(before), Pt(6)
        style.paragraph_format.keep_with_next = True
    caption = styles["Caption"]
    caption.hidden = caption.unhide_when_used = False
    caption.font.bold, caption.font.italic, caption.font.size, caption.font.color.rgb = False, True, Pt(9), MUTED
    caption.paragraph_format.space_before, caption.paragraph_format.space_after = Pt(3), Pt(4)
    for name in ("Header", "Footer"):
        styles[name].font.size, styles[name].font.color.rgb = Pt(8), MUTED


def _field(paragraph, instruction: str, shown: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = shown
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def page_setup(section, landscape: bool = False) -> None:
    """A4 with 2 cm margins, upright or on its side."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_height, section.page_width = (A4[0], A4[1]) if landscape else (A4[1], A4[0])
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    section.header_distance = section.footer_distance = Cm(1.0)


def header_and_footer(section, header: str, page_text: str) -> None:
    """The cluster's name in the header, right; ``page_text`` centred in the footer, where
    ``{page}`` and ``{pages}`` become Word's PAGE and NUMPAGES fields."""
    paragraph = section.header.paragraphs[0]
    paragraph.text = header
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    before, _, rest = page_text.partition("{page}")
    between, _, after = rest.partition("{pages}")
    footer.add_run(before)
    _field(footer, "PAGE", "1")
    footer.add_run(between)
    _field(footer, "NUMPAGES", "1")
    footer.add_run(after)


def new_section(document, landscape: bool):
    """A section from a new page, upright or on its side, with the same header and footer."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    page_setup(section, landscape)
    return section


def text_width_of(section) -> int:
    """The width between the margins, in twips."""
    return (section.page_width - section.left_margin - section.right_margin) // 635


def _on(element, tag: str) -> None:
    flag = OxmlElement(tag)
    flag.set(qn("w:val"), "true")
    element.append(flag)


def shape_table(table, widths: list[int], shade_header: bool = True) -> None:
    """Fixed column widths, the header row repeated on every page and shaded, no row split across
    two pages, and a short table kept on one page."""
    table.autofit = False
    properties = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    properties.append(layout)
    table_width = properties.find(qn("w:tblW"))
    if table_width is None:
        table_width = OxmlElement("w:tblW")
        properties.append(table_width)
    table_width.set(qn("w:type"), "dxa")
    table_width.set(qn("w:w"), str(sum(widths)))
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, widths):
        column.w = Twips(width)
    short = len(table.rows) <= KEEP_TOGETHER_ROWS
    for index, row in enumerate(table.rows):
        row_properties = row._tr.get_or_add_trPr()
        _on(row_properties, "w:cantSplit")
        if index == 0:
            _on(row_properties, "w:tblHeader")
        for cell, width in zip(row.cells, widths):
            cell.width = Twips(width)
            if index == 0 and shade_header:
                shading = OxmlElement("w:shd")
                shading.set(qn("w:val"), "clear")
                shading.set(qn("w:fill"), HEADER_FILL)
                cell._tc.get_or_add_tcPr().append(shading)
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.space_after = Pt(0)
                paragraph.paragraph_format.line_spacing = 1.0
                paragraph.paragraph_format.keep_with_next = index == 0 or (short and index < len(table.rows) - 1)
