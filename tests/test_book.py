"""The strict offline build of the book's two editions, checked on the pages a reader opens."""

import re
from pathlib import Path

import yaml

from clusterkit.editions import EDITIONS, edition_sources, toc_files

ROOT = Path(__file__).resolve().parent.parent


def page(site, lang, name):
    return (site / lang / "book" / name).read_text(encoding="utf-8")


def test_landing_page_offers_both_editions(built_book):
    html = (built_book / "index.html").read_text(encoding="utf-8")
    assert 'href="fr/book/fr/index.html"' in html and 'href="en/book/en/index.html"' in html
    assert "Choisissez votre langue" in html and "Choose your language" in html


def test_each_edition_speaks_to_the_three_readers_in_its_language(built_book):
    french, english = page(built_book, "fr", "fr/index.html"), page(built_book, "en", "en/index.html")
    for reader in ("Stagiaire", "Formateur", "Équipe de cluster"):
        assert reader in french
    assert 'lang="fr"' in french and "Recherche" in french  # interface strings follow the edition
    assert 'lang="en"' in english and ">Search<" in english.replace("\n", "")
    assert "fictional" in english and "fictif" in french


def test_every_page_links_to_its_counterpart(built_book):
    for lang, _other, label in (("fr", "en", "English version of this page"), ("en", "fr", "Version française")):
        for html in (built_book / lang / "book" / lang).rglob("*.html"):
            text = html.read_text(encoding="utf-8")
            assert label in text, html
            href = re.search(r'<p class="ck-counterpart"><a href="([^"]+)"', text).group(1)
            assert (html.parent / href).resolve().exists(), (html, href)


def test_the_two_editions_have_the_same_pages_and_table_of_contents(tmp_path):
    pages = {
        lang: sorted(p.relative_to(ROOT / "book" / lang) for p in (ROOT / "book" / lang).rglob("*.md"))
        for lang in EDITIONS
    }
    assert pages["fr"] == pages["en"]
    tocs = {
        lang: yaml.safe_load(edition_sources(ROOT, lang, tmp_path / lang)[1].read_text(encoding="utf-8"))
        for lang in EDITIONS
    }
    shape = {lang: [f.replace(f"/{lang}/", "/*/") for f in toc_files(tocs[lang])] for lang in EDITIONS}
    assert shape["fr"] == shape["en"]
    for lang in EDITIONS:  # every document of each table of contents exists or is generated
        for name in toc_files(tocs[lang]):
            assert "_generated" in name or (ROOT / f"{name}.md").exists(), name


def test_worked_examples_are_the_executed_templates_in_each_language(built_book):
    french = page(built_book, "fr", "_generated/fr/diagnostic.html")
    assert "Exemple travaillé\u202f: Étude diagnostique" in french and "Entreprises par rôle et taille" in french
    assert re.search(r'<img src="data:image/png;base64,[^"]+" alt="Barres horizontales', french)
    assert "from clusterkit" not in french  # code cells hidden, as in the team's report
    english = page(built_book, "en", "_generated/en/diagnostic.html")
    assert "Worked example: Diagnostic study" in english and "Firms by role and size" in english
    assert "Entreprises par rôle et taille" not in english


def test_reference_pages_are_generated(built_book):
    dictionary = page(built_book, "fr", "_generated/fr/dictionnaire.html")
    assert "Dictionnaire des données" in dictionary and "id_entreprise" in dictionary
    assert "clusterkit workbook new" in page(built_book, "fr", "_generated/fr/cli.html")
    assert "Data dictionary" in page(built_book, "en", "_generated/en/dictionnaire.html")


def test_every_chapter_of_the_method_exists_in_both_editions(built_book):
    for lang in EDITIONS:
        for step in ("selection", "diagnostic", "plan", "implementation", "monitoring", "competency"):
            assert (built_book / lang / "book" / lang / f"{step}.html").exists()
            assert (built_book / lang / "book" / "_generated" / lang / f"{step}.html").exists()


def test_math_is_served_locally(built_book):
    html = page(built_book, "fr", "fr/selection.html")
    assert 'src="../../_static/mathjax/tex-chtml.js"' in html
    assert (built_book / "fr" / "_static" / "mathjax" / "tex-chtml.js").exists()


def test_internal_links_resolve(built_book):
    """Every relative link of every page points to a file of the site, and to an anchor that exists."""
    from html.parser import HTMLParser
    from urllib.parse import unquote, urlsplit

    class Links(HTMLParser):
        def __init__(self):
            super().__init__()
            self.hrefs, self.ids = [], set()

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if attrs.get("id"):
                self.ids.add(attrs["id"])
            if tag in ("a", "link", "script", "img") and (attrs.get("href") or attrs.get("src")):
                self.hrefs.append(attrs.get("href") or attrs.get("src"))

    pages = {}
    for html in built_book.rglob("*.html"):
        if "_static" in html.parts:  # theme templates, not pages
            continue
        parser = Links()
        parser.feed(html.read_text(encoding="utf-8"))
        pages[html.resolve()] = parser
    broken = []
    for html, parser in pages.items():
        for href in parser.hrefs:
            parts = urlsplit(href)
            if parts.scheme or href.startswith(("#", "mailto:", "data:", "javascript:")) or not parts.path:
                continue
            target = (html.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{html.relative_to(built_book)} -> {href}")
            elif parts.fragment and target in pages and parts.fragment not in pages[target].ids:
                broken.append(f"{html.relative_to(built_book)} -> {href} (no such anchor)")
    assert broken == []


def test_downloadable_notebooks_are_the_executed_ones(built_book):
    import json

    for lang in EDITIONS:
        html = page(built_book, lang, f"_generated/{lang}/monitoring.html")
        assert f"_sources/book/_generated/{lang}/monitoring.ipynb" in html  # the download button
        notebook = json.loads(
            (built_book / lang / "_sources" / "book" / "_generated" / lang / "monitoring.ipynb").read_text(
                encoding="utf-8"
            )
        )
        assert sum(len(c.get("outputs", [])) for c in notebook["cells"]) > 10
