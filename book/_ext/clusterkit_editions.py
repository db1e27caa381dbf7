"""Sphinx side of the book's editions: downloads, accessible pages, the printed and e-book builds.

- Every page's download menu offers the whole edition as PDF, EPUB and offline site (ZIP).
- The navigation's expand buttons (``<summary>``) are named after their chapter, and the
  bibliography's entries are list items of their list, for screen readers.
- ``a11y.js`` makes every region that scrolls reachable with the keyboard, with its name.
- The single-page build (printed to PDF) loads ``print-book.js`` and the strings it needs; the
  single-page and EPUB builders render the nodes other extensions taught the HTML builder only.
"""

import json
import posixpath
import re
from pathlib import Path

from bs4 import BeautifulSoup
from sphinx.builders.epub3 import Epub3Builder

from clusterkit.editions import download_name
from clusterkit.i18n import t

DOWNLOADS = (("pdf", "fas fa-file-pdf"), ("epub", "fas fa-book"), ("zip", "fas fa-file-zipper"))
# the e-book's stylesheets: Sphinx's e-book theme, code colours, the reports' tables, the book's own
EPUB_CSS = ("epub.css", "pygments.css", "report.css", "clusterkit.css")
_USED = re.compile(r'(?:href|src)="(?:\.\./)*(_static/[^"#?]+)|url\((?:["\']?)([^"\')]+)')


def _without_print_rules(css: str) -> str:
    """``css`` without its ``@media print { ... }`` blocks (braces counted, so nested rules go too)."""
    kept, start = [], 0
    for found in re.finditer(r"@media\s+print\s*\{", css):
        if found.start() < start:
            continue
        depth, end = 1, found.end()
        while depth and end < len(css):
            depth += {"{": 1, "}": -1}.get(css[end], 0)
            end += 1
        kept.append(css[start : found.start()])
        start = end
    return "".join(kept) + css[start:]


class EditionEpub(Epub3Builder):
    """Sphinx's EPUB 3 builder, keeping in the e-book only the files its pages use: the web
    edition's scripts, MathJax and theme assets stay out (a reader has its own)."""

    def init(self):
        super().init()
        # Sphinx names the e-book's contents in English whatever the book's language
        self.guide_titles = {**self.guide_titles, "toc": t("book.print.contents", self.config.language)}

    def get_toc(self):
        super().get_toc()
        # the first page lives in book/<lang>/: "book/fr/../_generated/x" is "book/_generated/x"
        for node in self.refnodes:
            node["refuri"] = posixpath.normpath(node["refuri"])

    def handle_finish(self):
        outdir = Path(self.outdir)
        used = set()
        for page in outdir.rglob("*.xhtml"):
            used |= {found[0] for found in _USED.findall(page.read_text(encoding="utf-8")) if found[0]}
        for css in list(used):
            if css.endswith(".css") and (outdir / css).exists():
                folder = (outdir / css).parent
                used |= {
                    ((folder / found[1]).resolve().relative_to(outdir.resolve())).as_posix()
                    for found in _USED.findall((outdir / css).read_text(encoding="utf-8"))
                    if found[1] and not found[1].startswith(("data:", "http"))
                }
        for path in (outdir / "_static").rglob("*"):
            if path.is_file() and path.relative_to(outdir).as_posix() not in used:
                path.unlink()
        report_css = outdir / "_static" / "report.css"
        if report_css.exists():  # an e-book is not printed, and EPUBCheck cannot parse the print rules' :has()
            report_css.write_text(_without_print_rules(report_css.read_text(encoding="utf-8")), encoding="utf-8")
        for redirect in outdir.glob("*.html"):  # the web build's redirect to the first page
            redirect.unlink()
        super().handle_finish()


def share_html_handlers(app):
    """Give the single-page and EPUB builders the HTML visitors they were not registered for."""
    handlers = app.registry.translation_handlers
    if app.builder.format == "html" and app.builder.name != "html":
        own = handlers.setdefault(app.builder.name, {})
        for node, visitors in handlers.get("html", {}).items():
            own.setdefault(node, visitors)


def add_scripts(app):
    lang = app.config.language
    strings = {key: t(f"book.a11y.{key}", lang) for key in ("scroll",)}
    if app.builder.name == "singlehtml":
        strings.update({key: t(f"book.print.{key}", lang) for key in ("contents", "solutions", "figure")})
        site_map = app.config.external_site_map  # the edition's _toc.yml: its parts are the book's
        strings["parts"] = [tree.caption for tree in site_map[site_map.root.docname].subtrees]
        app.add_js_file("print-book.js")
    app.add_js_file(None, body=f"window.clusterkitStrings = {json.dumps(strings, ensure_ascii=False)};")
    app.add_js_file("a11y.js")


def name_toggles(navigation, lang: str):
    """Each chapter's expand button gets a name: "Sections of <chapter>"."""
    tree = BeautifulSoup(navigation, "html.parser") if isinstance(navigation, str) else navigation
    for summary in tree.select("li > details > summary"):
        link = summary.parent.find_previous_sibling("a")
        if link is not None and not summary.get("aria-label"):
            summary["aria-label"] = t("book.a11y.sections", lang, title=link.get_text(" ", strip=True))
    return str(tree) if isinstance(navigation, str) else tree


def accessible_page(app, pagename, templatename, context, doctree):
    toctree = context.get("generate_toctree_html")
    if toctree is not None:

        def named_toctree(*args, **kwargs):
            return name_toggles(toctree(*args, **kwargs), app.config.language)

        context["generate_toctree_html"] = named_toctree
    if "body" in context:
        # docutils gives a bibliography entry a role that is not an item of its list
        context["body"] = context["body"].replace('role="doc-biblioentry"', 'role="listitem"')


def epub_page(app, pagename, templatename, context, doctree):
    """An e-book page is XHTML with no script: raw HTML from the worked examples is made well-formed."""
    if app.builder.name != "epub":
        return
    context["script_files"] = []
    context["css_files"] = [
        css for css in context.get("css_files", []) if Path(str(getattr(css, "filename", css))).name in EPUB_CSS
    ]
    if "body" in context:
        body = BeautifulSoup(context["body"], "html.parser")
        for repeated in body.select('[id="exercise-content"], [id="solution-content"]'):
            del repeated["id"]  # the same id on every exercise of a page
        for script in body.find_all("script"):
            script.decompose()
        styles = "".join(str(style.extract()) for style in body.find_all("style"))  # XHTML: styles in the head
        context["metatags"] = context.get("metatags", "") + styles
        for paragraph in body.find_all("p"):  # a list or table inside a paragraph, as browsers accept
            if paragraph.find(["ul", "ol", "div", "table"], recursive=False):
                paragraph.name = "div"
        context["body"] = str(body)


def download_menu(app, pagename, templatename, context, doctree):
    """The whole edition, in each format, at the end of the page's download menu."""
    lang = app.config.language
    up = "../" * (pagename.count("/") + 1)  # this edition's folder, then the site's
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        for kind, icon in DOWNLOADS:
            group["buttons"].append(
                {
                    "type": "link",
                    "url": f"{up}{download_name(lang, kind)}",
                    "text": t(f"book.download.{kind}", lang),
                    "tooltip": t(f"book.download.{kind}", lang),
                    "icon": icon,
                    "label": f"download-{kind}-edition",
                }
            )


def setup(app):
    app.connect("builder-inited", share_html_handlers)
    app.connect("builder-inited", add_scripts)
    app.connect("html-page-context", accessible_page, priority=600)
    app.connect("html-page-context", download_menu, priority=600)
    app.connect("html-page-context", epub_page, priority=700)
    app.add_builder(EditionEpub, override=True)
    app.add_css_file("a11y.css")
    app.add_css_file("print.css", media="print")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
