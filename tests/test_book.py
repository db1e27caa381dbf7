"""The strict offline build of the book, checked on the pages a reader opens."""
import re


def test_landing_page_speaks_to_the_three_readers(built_book):
    html = (built_book / "book" / "fr" / "index.html").read_text(encoding="utf-8")
    for reader in ("Stagiaire", "Formateur", "Équipe de cluster"):
        assert reader in html
    assert 'lang="fr"' in html
    assert "Recherche" in html  # interface strings are French


def test_diagnostic_chapter_embeds_the_executed_template(built_book):
    html = (built_book / "book" / "_generated" / "fr" / "diagnostic.html").read_text(encoding="utf-8")
    assert "Exemple travaillé : Étude diagnostique" in html
    assert "Profil du cluster" in html and "Entreprises par rôle et taille" in html
    assert re.search(r'<img src="data:image/png;base64,[^"]+" alt="Barres horizontales', html)
    assert "from clusterkit" not in html  # the code cells are hidden, as in the team's report


def test_reference_pages_are_generated(built_book):
    dictionary = (built_book / "book" / "_generated" / "fr" / "dictionnaire.html").read_text(encoding="utf-8")
    assert "Dictionnaire des données" in dictionary and "id_entreprise" in dictionary
    cli = (built_book / "book" / "_generated" / "fr" / "cli.html").read_text(encoding="utf-8")
    assert "clusterkit workbook new" in cli


def test_every_chapter_of_the_method_exists(built_book):
    for step in ("selection", "diagnostic", "plan", "implementation", "monitoring", "competency"):
        assert (built_book / "book" / "fr" / f"{step}.html").exists()


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
    for page in built_book.rglob("*.html"):
        if "_static" in page.parts:  # theme templates, not pages
            continue
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        pages[page.resolve()] = parser
    broken = []
    for page, parser in pages.items():
        for href in parser.hrefs:
            parts = urlsplit(href)
            if parts.scheme or href.startswith(("#", "mailto:", "data:", "javascript:")) or not parts.path:
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(built_book)} -> {href}")
            elif parts.fragment and target in pages and parts.fragment not in pages[target].ids:
                broken.append(f"{page.relative_to(built_book)} -> {href} (no such anchor)")
    # links to the other edition are checked where both editions are built together
    broken = [b for b in broken if "/en/" not in b.split(" -> ")[1]]
    assert broken == []
