"""The book as a reader sees it, in headless Chromium (Debian's package), served from localhost.

Every page opened must load with no console error and no failed request, fetch nothing from
outside this machine (the book reads offline), and show its figures. Screenshots are kept in
test-artifacts/ for a person to look at.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
PAGES = {
    "accueil-site": "index.html",
    "accueil": "fr/book/fr/index.html",
    "selection": "fr/book/fr/selection.html",
    "selection-exemple": "fr/book/_generated/fr/selection.html",
    "diagnostic": "fr/book/fr/diagnostic.html",
    "diagnostic-exemple": "fr/book/_generated/fr/diagnostic.html",
    "plan": "fr/book/fr/plan.html",
    "implementation": "fr/book/fr/implementation.html",
    "monitoring": "fr/book/fr/monitoring.html",
    "monitoring-exemple": "fr/book/_generated/fr/monitoring.html",
    "competency": "fr/book/fr/competency.html",
    "cas-chanderi": "fr/book/fr/cas/chanderi.html",
    "en-home": "en/book/en/index.html",
    "en-diagnostic-example": "en/book/_generated/en/diagnostic.html",
    "en-case-sialkot": "en/book/en/cas/sialkot.html",
}

if CHROMIUM is None:
    if os.environ.get("CI"):
        pytest.fail("CI must run the browser test: install Debian's chromium package (make test does)", pytrace=False)
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)


def open_page(browser, url):
    """Open ``url`` and return the page with the problems seen while loading it."""
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    seen = {"console": [], "failed": [], "outside": []}
    page.on("console", lambda m: seen["console"].append(m.text) if m.type == "error" else None)
    page.on("requestfailed", lambda r: seen["failed"].append(r.url))
    page.on(
        "request",
        lambda r: (
            None
            if r.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:"))
            else seen["outside"].append(r.url)
        ),
    )
    page.goto(url, wait_until="networkidle")
    return page, seen


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_loads_cleanly_offline_with_its_figures(browser, site, name):
    page, seen = open_page(browser, f"{site}/{PAGES[name]}")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert seen["outside"] == [], "the book must read offline"
    assert seen["failed"] == []
    assert seen["console"] == []
    images = page.eval_on_selector_all("main img", "imgs => imgs.map(i => [i.complete && i.naturalWidth > 0, i.alt])")
    assert all(loaded for loaded, _ in images), images
    assert all(alt.strip() for _, alt in images), "every figure has alternative text"
    page.close()


@pytest.mark.parametrize(
    "lang, term, expected", [("fr", "animateur", "profil de compétences"), ("en", "facilitator", "competency profile")]
)
def test_search_finds_a_term_in_each_edition(browser, site, lang, term, expected):
    page, seen = open_page(browser, f"{site}/{lang}/search.html?q={term}")
    page.wait_for_selector("#search-results li", timeout=15000)
    assert expected in page.inner_text("#search-results").lower()
    page.screenshot(path=str(ARTIFACTS / f"search-{lang}.png"), full_page=True)
    assert seen["outside"] == [] and seen["console"] == []
    page.close()
