"""Sphinx extension of the book.

- Writes the generated pages of the edition being built (data dictionary, command-line reference,
  worked examples) before Sphinx reads the table of contents.
- Puts on every page a link to the same page in the other edition, when that page exists.
"""
from importlib import resources
from pathlib import Path

from clusterkit.docs import generate_book_pages
from clusterkit.i18n import t

OTHER = {"fr": "en", "en": "fr"}


def counterpart_link(app, pagename, templatename, context, doctree):
    lang = app.config.language
    other = OTHER.get(lang)
    if app.builder.name != "html" or other is None:  # the PDF and EPUB editions stand alone or f"/{lang}/" not in f"/{pagename}":
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


def setup(app):
    # setup() runs before the table of contents is read, so the pages exist when it is; both
    # editions' pages are written, so that each page can tell whether its counterpart exists.
    for lang in OTHER:
        generate_book_pages(Path(app.srcdir) / "book", lang)
    app.connect("html-page-context", counterpart_link)
    # the reports' stylesheet, shipped in the package, styles the worked examples too
    static = str(resources.files("clusterkit.static"))
    app.connect("config-inited", lambda app, config: config.html_static_path.append(static))
    app.add_css_file("report.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
