"""Every page a reader opens, checked by axe-core in Debian's Chromium: each page of both editions,
opened from disk out of the offline ZIPs (which must load with nothing missing), and each HTML
report of the example pack. A serious or critical violation fails the test, rule by rule, page by
page. The scrolling regions and the navigation's buttons are also checked from the keyboard."""

import os
import shutil
import zipfile
from pathlib import Path

import pytest

from clusterkit.editions import EDITIONS, book_logo, download_name, landing_page

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SERIOUS = ("serious", "critical")
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"

if CHROMIUM is None:
    if os.environ.get("CI"):
        pytest.fail(
            "CI must run the accessibility test: install Debian's chromium package (make test does)", pytrace=False
        )
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)
axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright")


def visit(browser, pages, requests=True):
    """Open each page from disk; return its serious violations and (``requests``) its failed or
    outside requests."""
    axe = axe_playwright.Axe()
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    seen = {"failed": [], "outside": []}
    page.on("requestfailed", lambda r: seen["failed"].append(f"{r.url} ({r.failure})"))
    page.on(
        "request",
        lambda r: None if r.url.startswith(("file:", "data:", "blob:", "about:")) else seen["outside"].append(r.url),
    )
    found = {}
    for path in pages:
        before = {key: len(value) for key, value in seen.items()}
        page.goto(path.as_uri(), wait_until="load")
        page.evaluate("() => window.MathJax?.startup?.promise?.then(() => true)")
        problems = [f"{key}: {url}" for key in seen for url in seen[key][before[key] :]] if requests else []
        # axe reads the stylesheets the page already has (no fetching again, which file: URLs refuse)
        results = axe.run(page, options={"resultTypes": ["violations"], "preload": False})
        problems += [
            f"{v['id']} ({v['impact']}): {node['target']}"
            for v in results.response["violations"]
            if v["impact"] in SERIOUS
            for node in v["nodes"]
        ]
        found[path] = problems
    page.close()
    return found


@pytest.fixture(scope="module")
def offline_sites(built_book, tmp_path_factory):
    """Each edition's offline ZIP, unzipped: the pages a reader opens from disk."""
    sites = {}
    for lang in EDITIONS:
        folder = tmp_path_factory.mktemp(f"offline-{lang}")
        with zipfile.ZipFile(built_book / download_name(lang, "zip")) as archive:
            archive.extractall(folder)
        sites[lang] = folder / f"clusterkit-{lang}"
    return sites


def site_pages(site):
    """The site's pages, but for the redirections to the first page (they show nothing)."""
    return sorted(
        p
        for p in site.rglob("*.html")
        if not {"_static", "_sources"} & set(p.parts)
        and 'http-equiv="refresh"' not in p.read_text(encoding="utf-8").lower()
    )


@pytest.mark.parametrize("lang", EDITIONS)
def test_every_page_of_the_offline_edition_loads_from_disk_and_passes_axe(browser, offline_sites, lang):
    pages = site_pages(offline_sites[lang])
    assert len(pages) > 45  # every chapter, worked example, case study and reference page
    found = visit(browser, pages)
    problems = {str(path.relative_to(offline_sites[lang])): issues for path, issues in found.items() if issues}
    assert problems == {}


@pytest.fixture(scope="module")
def example_reports(tmp_path_factory, pool):
    from clusterkit.running.pack import pack

    result = tmp_path_factory.mktemp("pack") / "example"
    pack(out_dir=result, lang="fr", pool=pool)
    return sorted(result.glob("*.html"))


def test_every_report_of_the_example_pack_passes_axe(browser, example_reports):
    assert len(example_reports) >= 7  # the six steps' reports and the pack's index
    # (the reports' notebook template asks a CDN for require.js and MathJax 2: not this test's subject)
    problems = {path.name: issues for path, issues in visit(browser, example_reports, requests=False).items() if issues}
    assert problems == {}


def test_landing_page_passes_axe(browser, built_book):
    assert visit(browser, [built_book / "index.html"]) == {built_book / "index.html": []}


def test_landing_page_looks_like_the_book_on_a_laptop_and_a_phone(browser, tmp_path):
    """The landing page alone (no build needed): the book's logo, fonts and link colour, one card per
    edition with its downloads and their sizes, no horizontal scroll at 1280 and 390 px, axe clean.
    Screenshots: test-artifacts/landing-1280.png and landing-390.png."""
    sizes = {"pdf": 4_321_000, "epub": 650_000, "zip": 11_800_000}
    for lang in EDITIONS:
        for kind, size in sizes.items():
            path = tmp_path / download_name(lang, kind)
            path.parent.mkdir(exist_ok=True)
            with path.open("wb") as file:
                file.truncate(size)
    (tmp_path / download_name("en", "zip")).unlink()  # an edition built without its ZIP: no size to give
    landing = tmp_path / "index.html"
    landing.write_text(landing_page(tmp_path, book_logo(ROOT)), encoding="utf-8")
    assert visit(browser, [landing]) == {landing: []}
    ARTIFACTS.mkdir(exist_ok=True)
    for width in (1280, 390):
        page = browser.new_page(viewport={"width": width, "height": 800})
        page.goto(landing.as_uri(), wait_until="load")
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
        page.screenshot(path=str(ARTIFACTS / f"landing-{width}.png"), full_page=True)
        cards = page.eval_on_selector_all(
            ".ck-card",
            """cards => cards.map(c => [c.lang,
            c.getBoundingClientRect().top, c.getBoundingClientRect().right, c.querySelector('a.ck-read').href,
            [...c.querySelectorAll('.ck-downloads li')].map(li => li.innerText.replace(/\\s+/g, ' '))])""",
        )
        (fr, fr_top, fr_right, fr_href, fr_downloads), (en, en_top, en_right, en_href, en_downloads) = cards
        assert (fr, en) == ("fr", "en")
        assert fr_href.endswith("/fr/book/fr/index.html") and en_href.endswith("/en/book/en/index.html")
        assert fr_downloads == [
            "Livre entier (PDF) 4,3 Mo",
            "Livre entier (EPUB) 650 ko",
            "Site hors ligne (ZIP) 11,8 Mo",
        ]
        assert en_downloads == ["Whole book (PDF) 4.3 MB", "Whole book (EPUB) 650 kB", "Offline site (ZIP)"]
        if width == 1280:  # side by side
            assert fr_top == en_top and fr_right < en_right
        else:  # one above the other, each as wide as the screen allows
            assert en_top > fr_top and fr_right == en_right <= width
        assert page.eval_on_selector(".ck-bar img", "img => img.complete && img.naturalWidth > 0")
        style = page.evaluate("""() => [getComputedStyle(document.body).fontFamily,
            getComputedStyle(document.querySelector('.ck-downloads a')).color]""")
        assert style[0].startswith("system-ui") and style[1] == "rgb(10, 125, 145)"  # the theme's font and link
        page.close()


@pytest.mark.parametrize("lang", EDITIONS)
def test_wide_tables_and_the_menus_are_reached_with_the_keyboard(browser, offline_sites, lang):
    """Tab reaches the worked example's wide tables (then the arrow keys scroll them) and opens the
    download menu, whose whole-edition links are there."""
    page = browser.new_page(viewport={"width": 700, "height": 900})  # a tablet: some tables scroll
    page.goto((offline_sites[lang] / lang / "book" / "_generated" / lang / "monitoring.html").as_uri())
    regions = page.eval_on_selector_all(
        "main [tabindex='0']",
        "els => els.filter(e => e.scrollWidth > e.clientWidth).map(e => [e.getAttribute('role'), e.getAttribute('aria-label')])",
    )
    assert regions and all(role == "region" and label for role, label in regions), regions
    region = page.evaluate_handle(
        "() => [...document.querySelectorAll(\"main [tabindex='0']\")]"
        ".find(e => e.scrollWidth > e.clientWidth && !e.closest('details:not([open])'))"
    )  # one shown, not folded
    region.as_element().focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("region => region.scrollLeft > 0", arg=region, timeout=5000)  # scrolls smoothly
    page.focus(".dropdown-download-buttons button")
    page.keyboard.press("Enter")
    menu = page.locator(".dropdown-download-buttons .dropdown-menu")
    menu.wait_for(state="visible")
    pdf, zip_file, sections = {
        "fr": ("Livre entier (PDF)", "Site hors ligne (ZIP)", "Sections de «\u202f"),
        "en": ("Whole book (PDF)", "Offline site (ZIP)", "Sections of “"),
    }[lang]
    assert pdf in menu.inner_text() and zip_file in menu.inner_text()
    names = page.eval_on_selector_all(
        ".bd-sidebar-primary summary", "els => els.map(e => e.getAttribute('aria-label'))"
    )
    # every expand button of the navigation is named after its chapter (the six steps at least)
    assert len(names) >= 6 and all((name or "").startswith(sections) for name in names), names
    page.close()
