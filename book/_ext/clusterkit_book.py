"""Sphinx extension of the book.

- Writes the generated pages of the edition being built (data dictionary, command-line reference,
  worked examples) and the facilitation kit's blank forms before Sphinx reads the table of contents.
- Puts on every page a link to the same page in the other edition, when that page exists.
- Makes every table readable on a laptop and a phone: each table sits in a frame that scrolls
  sideways, reachable from the keyboard and named for screen readers; a script marks the frames
  that do scroll, which then show a cue and keep their first column in view.
- Gives the worked examples (executed templates, whose headings are outputs Sphinx does not see)
  page contents, and folds their long parts — indicator sheets, long tables, tall figures — into
  ``<details>`` blocks.
- Lets the French search find words typed without accents ("evaluation" finds "évaluation").
"""

import base64
import re
import struct
import unicodedata
from importlib import resources
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString
from bs4.dammit import EntitySubstitution
from bs4.formatter import HTMLFormatter
from sphinx.search import fr as sphinx_fr

from clusterkit.docs import generate_book_pages
from clusterkit.i18n import t
from clusterkit.kit import write_blank_forms

OTHER = {"fr": "en", "en": "fr"}


class _AsWritten(HTMLFormatter):
    """Beautiful Soup's minimal formatter, without sorting attributes: pages keep Sphinx's markup."""

    def attributes(self, tag):
        return list(tag.attrs.items())


AS_WRITTEN = _AsWritten(entity_substitution=EntitySubstitution.substitute_xml)
FRAMES = ["pst-scrollable-table-container", "ck-table-wrap"]  # the theme's frame, the reports' frame
LONG_TABLE_ROWS = 15  # a table longer than this is folded in a worked example
TALL_FIGURE = 1.6  # a figure this many times taller than wide is folded


def counterpart_link(app, pagename, templatename, context, doctree):
    lang = app.config.language
    other = OTHER.get(lang)
    if (
        app.builder.name != "html" or other is None
    ):  # the PDF and EPUB editions stand alone or f"/{lang}/" not in f"/{pagename}":
        return
    target = pagename.replace(f"book/{lang}/", f"book/{other}/").replace(f"_generated/{lang}/", f"_generated/{other}/")
    source = Path(app.srcdir) / target
    if not any(source.with_suffix(suffix).exists() for suffix in (".md", ".ipynb")):
        return
    # each edition is its own site under <root>/<lang>/: climb to the root, then down the other one
    up = "../" * (pagename.count("/") + 1)
    href = f"{up}{other}/{target}.html"
    label = t("book.counterpart", other)
    link = f'<p class="ck-counterpart"><a href="{href}" hreflang="{other}" lang="{other}">{label}</a></p>'
    context["body"] = link + context.get("body", "")


# --- tables ---------------------------------------------------------------------------------
def frame_tables(soup, lang: str) -> None:
    """Put every table in a named, focusable frame (the theme's or the reports', else a new one)."""
    for table in soup.find_all("table"):
        frame = table.find_parent("div", class_=FRAMES)
        if frame is None or frame.find_parent("table") is not None:
            frame = soup.new_tag("div", attrs={"class": "pst-scrollable-table-container"})
            table.wrap(frame)
        caption = frame.find("p", class_="ck-caption") or table.find("caption") or table.find("th")
        name = " ".join(caption.get_text(" ").split()) if caption else ""
        frame["class"] = [*frame.get("class", []), "ck-frame"]
        frame["tabindex"] = "0"
        frame["role"] = "region"
        frame["aria-label"] = t("book.table_region", lang, name=name) if name else t("book.table", lang)
        frame["data-ck-hint"] = t("book.scroll_hint", lang)


# --- French typography -----------------------------------------------------------------------
NNBSP = "\u202f"
NOT_PROSE = {"code", "pre", "script", "style", "kbd", "samp", "textarea"}


def french_typography(soup) -> None:
    """Narrow no-break spaces and one apostrophe in the text a reader sees, code and math left alone.

    The chapters are written this way (see book/STYLE.md); this also covers what they include from
    the catalogues (the typology, the competency tables)."""
    for node in soup.find_all(string=True):
        if type(node) is not NavigableString:  # comments (maintainers' notes), doctype: not prose
            continue
        parent = node.parent
        if any(p.name in NOT_PROSE or "math" in p.get("class", []) for p in [parent, *parent.parents] if p.name):
            continue
        text = str(node)
        fixed = re.sub(r"[ \u00a0](?=[;:?!](?:\s|$))", NNBSP, text)
        fixed = re.sub(r"(?<=\w)'(?=\w)", "’", fixed)
        fixed = re.sub(r"«[ \u00a0]?", "«" + NNBSP, fixed)
        fixed = re.sub(r"[ \u00a0]?»", NNBSP + "»", fixed)
        if fixed != text:
            node.replace_with(fixed)


# --- worked examples ------------------------------------------------------------------------
def _slug(text: str, taken: set[str]) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    base = re.sub(r"[^a-z0-9]+", "-", plain).strip("-") or "section"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def _png_ratio(src: str) -> float:
    """Height over width of a PNG given as a data URI (0 when it is not one)."""
    if not src.startswith("data:image/png;base64,"):
        return 0.0
    head = base64.b64decode(src.split(",", 1)[1][:32])
    width, height = struct.unpack(">II", head[16:24])
    return height / width if width else 0.0


def _fold(soup, element, summary_text: str, css: str = "ck-fold"):
    details = soup.new_tag("details", attrs={"class": css})
    summary = soup.new_tag("summary")
    summary.string = summary_text
    element.wrap(details)
    details.insert(0, summary)
    return details


def fold_long_parts(soup, lang: str) -> None:
    """Indicator sheets, long tables and tall figures become ``<details>`` the reader opens."""
    for sheet in soup.find_all("section", class_="ck-sheet"):
        heading = sheet.find(["h3", "h4"])
        sheet.name = "details"  # the sheet's title becomes the summary; its id stays the anchor
        summary = soup.new_tag("summary")
        heading.wrap(summary)
        sheet["class"] = [*sheet.get("class", []), "ck-fold"]
    for wrap in soup.find_all("div", class_="ck-table-wrap"):
        rows = len(wrap.select("tbody tr")) or len(wrap.find_all("tr")) - 1
        if rows > LONG_TABLE_ROWS and wrap.find_parent("details") is None:
            caption = wrap.find("p", class_="ck-caption")
            name = caption.get_text(" ", strip=True) if caption else t("book.table", lang)
            _fold(soup, wrap, t("book.fold_table", lang, name=name, rows=rows))
    for figure in soup.find_all("figure", class_="ck-figure"):
        image = figure.find("img")
        if image is not None and _png_ratio(image.get("src", "")) > TALL_FIGURE:
            caption = figure.find("figcaption")
            name = caption.get_text(" ", strip=True) if caption else image.get("alt", "")
            _fold(soup, figure, t("book.fold_figure", lang, name=name))


def page_contents(soup, context, lang: str) -> None:
    """Anchor the output headings and list them: in the side column and at the top of the page."""
    title = soup.find("h1")
    taken = {tag["id"] for tag in soup.find_all(id=True)}
    entries = []  # (level, id, text)
    for heading in soup.find_all(["h2", "h3"]):
        if heading.find_parent("details") is not None and heading.name == "h3":
            continue  # folded sheets are reached through their section
        text = heading.get_text(" ", strip=True)
        if not heading.get("id"):
            heading["id"] = _slug(text, taken)
        entries.append((2 if heading.name == "h2" else 3, heading["id"], text))
    if title is None or not any(level == 2 for level, _, _ in entries):
        return
    # the side column, as Sphinx writes a page's own contents: one top entry holding the sections
    side = soup.new_tag("ul")
    top = soup.new_tag("li")
    link = soup.new_tag("a", attrs={"class": "reference internal", "href": "#"})
    link.string = title.get_text(" ", strip=True).rstrip("#").strip()
    top.append(link)
    sections = soup.new_tag("ul")
    current = None
    for level, anchor, text in entries:
        item = soup.new_tag("li")
        a = soup.new_tag("a", attrs={"class": "reference internal", "href": f"#{anchor}"})
        a.string = text
        item.append(a)
        if level == 2 or current is None:
            sections.append(item)
            current = item
        else:
            if current.find("ul") is None:
                current.append(soup.new_tag("ul"))
            current.find("ul").append(item)
    top.append(sections)
    side.append(top)
    context["toc"] = str(side)
    # and a short list under the title, for phones, where the side column is hidden
    nav = soup.new_tag("nav", attrs={"class": "ck-page-contents", "aria-label": t("book.page_contents", lang)})
    heading = soup.new_tag("p", attrs={"class": "ck-page-contents-title"})
    heading.string = t("book.page_contents", lang)
    nav.append(heading)
    listing = soup.new_tag("ol")
    for level, anchor, text in entries:
        if level == 2:
            item = soup.new_tag("li")
            a = soup.new_tag("a", attrs={"href": f"#{anchor}"})
            a.string = text
            item.append(a)
            listing.append(item)
    nav.append(listing)
    title.insert_after(nav)


def reader_layout(app, pagename, templatename, context, doctree):
    body = context.get("body", "")
    lang = app.config.language
    if lang == "fr":  # sphinx-exercise writes "Solution de" + the exercise's title
        body = re.sub(r"Solution de(<a [^>]*>) Exercice ", r"Solution de l’\1exercice ", body)
    generated = "_generated/" in pagename
    worked_example = generated and (Path(app.srcdir) / pagename).with_suffix(".ipynb").exists()
    chapter = lang == "fr" and not generated
    if "<table" not in body and not worked_example and not chapter:
        context["body"] = body
        return
    soup = BeautifulSoup(body, "html.parser")
    if chapter:
        french_typography(soup)
    if worked_example:
        fold_long_parts(soup, lang)
        page_contents(soup, context, lang)
    frame_tables(soup, lang)
    context["body"] = soup.decode(formatter=AS_WRITTEN)


# --- search ---------------------------------------------------------------------------------
def fold_accents(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


class FoldedFrench(sphinx_fr.SearchFrench):
    """French search with accents folded on both sides: in the index and in the reader's query."""

    js_stemmer_rawcode = ""  # the stemmer's code is given whole below, wrapped to fold accents

    def init(self, options):
        super().init(options)
        js = resources.files("sphinx.search") / "minified-js"
        self.js_stemmer_code = "\n".join(
            [
                (js / "base-stemmer.js").read_text(encoding="utf-8"),
                (js / "french-stemmer.js").read_text(encoding="utf-8"),
                "Stemmer = function () {",
                "  const french = new FrenchStemmer();",
                '  this.stemWord = (word) => french.stemWord(word.normalize("NFD").replace(/[\\u0300-\\u036f]/g, ""));',
                "};",
            ]
        )

    def stem(self, word: str) -> str:
        return super().stem(fold_accents(word.lower()))


def setup(app):
    # setup() runs before the table of contents is read, so the pages exist when it is; both
    # editions' pages are written, so that each page can tell whether its counterpart exists.
    for lang in OTHER:
        generate_book_pages(Path(app.srcdir) / "book", lang)
        # the kit's blank forms, offered for download by the kit's pages
        write_blank_forms(Path(app.srcdir) / "book" / "_generated" / lang / "kit", lang)
    app.connect("html-page-context", counterpart_link)
    app.connect("html-page-context", reader_layout)
    app.add_search_language(FoldedFrench)
    # the reports' stylesheet, shipped in the package, styles the worked examples too
    static = str(resources.files("clusterkit.static"))
    app.connect("config-inited", lambda app, config: config.html_static_path.append(static))
    app.add_css_file("report.css")
    app.add_js_file("clusterkit-tables.js", loading_method="defer")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
