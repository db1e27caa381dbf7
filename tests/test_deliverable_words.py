"""Every value of a deliverable speaks the report's language: no catalogue key, column or parameter
name, no English enumeration value in a French report, no "(s)" plural, no ISO date, no amount
without its currency, one precision per column, numbers right-aligned. The helpers that write
plurals, dates, amounts and the cells of a column are checked against hand-written values."""

import datetime as dt
import re
from pathlib import Path

import docx
import openpyxl
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from workbooks import Shape, frames, write

from clusterkit import i18n
from clusterkit.documents.tables import COLUMN_KINDS, TableSpec, cell_text, column_kind, displayed, html_table, label
from clusterkit.examples import example_portfolio
from clusterkit.i18n import t
from clusterkit.portfolio import portfolio
from clusterkit.running.pack import pack
from clusterkit.schema import ENUMS

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "values"
NB, NNB = "\u00a0", "\u202f"  # Babel's no-break space (before a currency, a % sign) and narrow one (thousands)


# --------------------------------------------------------------------------------------------
# The helpers, against hand-checked values
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "count, fr, en",
    [
        (0, "0 étoile", "0 stars"),
        (1, "1 étoile", "1 star"),
        (2, "2 étoiles", "2 stars"),
        (1.5, "2 étoile", "2 stars"),  # written without decimals, French "one" covers 0 ≤ n < 2
        (1234, f"1{NNB}234 étoiles", "1,234 stars"),
        (1_000_000, f"1{NNB}000{NNB}000 étoiles", "1,000,000 stars"),
        (f"1{NNB}234", f"1{NNB}234 étoiles", None),
        ("1", "1 étoile", "1 star"),
    ],
)
def test_a_count_takes_its_noun_by_the_languages_plural_rule(count, fr, en):
    assert i18n.counted(count, ("étoile", "étoiles"), "fr") == fr
    if en:
        assert i18n.counted(count, ("star", "stars"), "en") == en


def test_catalogue_messages_choose_the_plural_of_each_count():
    assert (
        i18n.t(
            "selection.mapping.own",
            "fr",
            sector="Cuir",
            region="Tamsa",
            end=2024,
            lq="4,17",
            rank=1,
            cells=12,
            stars=1,
            quadrant="étoile",
            growth="22 %",
            start=2019,
        ).count("1 étoile sur 3")
        == 1
    )
    assert "It earns 0 stars out of 3" in i18n.t(
        "selection.mapping.own",
        "en",
        sector="Leather",
        region="Tamsa",
        end=2024,
        lq="4.17",
        rank=1,
        cells=12,
        stars=0,
        quadrant="star",
        growth="22%",
        start=2019,
    )
    assert i18n.t("err.header", "fr", count=1, file="b.xlsx") == "1 problème dans le classeur b.xlsx :"
    assert i18n.t("err.header", "en", count=0, file="b.xlsx") == "0 problems in the workbook b.xlsx:"
    assert i18n.t("implementation.note.line_delays", "fr", late=1, start_overdue=3) == (
        "Retards : 1 action a dépassé sa date de fin sans être réalisée ; 3 actions prévues n'ont pas démarré à temps."
    )
    assert i18n.t("cli.pack.done", "en", steps="plan", count=1) == "Report pack written: steps plan, 1 file."
    assert not [key for key, entry in i18n.catalogue().items() for text in entry.values() if "(s)" in text]


@pytest.mark.parametrize(
    "day, fr, en",
    [
        (dt.date(2026, 9, 1), "1er sept. 2026", "Sep 1, 2026"),
        (pd.Timestamp("2027-01-01 00:00"), "1er janv. 2027", "Jan 1, 2027"),
        (dt.date(2026, 12, 31), "31 déc. 2026", "Dec 31, 2026"),
        (dt.date(2026, 5, 11), "11 mai 2026", "May 11, 2026"),
    ],
)
def test_one_date_form_with_the_french_first_of_the_month(day, fr, en):
    assert (i18n.date(day, "fr"), i18n.date(day, "en")) == (fr, en)


def test_amounts_carry_the_currency_in_whole_units():
    assert i18n.amount(12_500_000.4, "EUR", "fr") == f"12{NNB}500{NNB}000{NB}EUR"
    assert i18n.amount(12_500_000.6, "XOF", "en") == f"12,500,001{NB}XOF"
    assert i18n.amount(950, "", "en") == "950"  # a workbook without currency: the number alone
    assert i18n.amount(None, "EUR", "fr") == "–"


def _spec():
    frame = pd.DataFrame(
        {
            "action_id": ["A1", "A2", "A3"],
            "budget": [12_500.0, 3_000_000.0, None],
            "lq": [4.17, 3.462, 1.6],
            "fund_share": [0.5, 1 / 3, 0.126],
            "start": pd.to_datetime(["2026-09-01", "2026-10-12", None]),
            "baseline_date": [dt.date(2024, 12, 31), None, dt.date(2025, 1, 1)],
            "votes": [3, 12, 1234],
            "plan_year": [1, 2, 3],
            "impact": [4, 5, 2],
            "domain": ["finance", "innovation", "finance"],
            "value": [3.0, 0.45, 120.25],
        }
    )
    return TableSpec("plan_actions", frame, enums={"domain": "domain"}, decimals=1, currency="EUR")


def test_each_column_has_one_kind_and_one_precision():
    spec = _spec()
    assert {c: column_kind(spec, c) for c in spec.frame.columns} == {
        "action_id": "text",
        "budget": "amount",
        "lq": "index",
        "fund_share": "share",
        "start": "date",
        "baseline_date": "date",
        "votes": "count",
        "plan_year": "year",
        "impact": "count",
        "domain": "text",
        "value": "measure",
    }
    fr, en = displayed(spec, "fr"), displayed(spec, "en")
    assert fr[label("budget", "fr")].tolist() == [f"12{NNB}500{NB}EUR", f"3{NNB}000{NNB}000{NB}EUR", "–"]
    assert en[label("budget", "en")].tolist() == [f"12,500{NB}EUR", f"3,000,000{NB}EUR", "–"]
    assert fr[label("lq", "fr")].tolist() == ["4,17", "3,46", "1,60"]  # never 4,17 / 3,462 / 1,6
    assert en[label("fund_share", "en")].tolist() == ["50%", "33%", "13%"]
    assert fr[label("start", "fr")].tolist() == ["1er sept. 2026", "12 oct. 2026", "–"]
    assert fr[label("baseline_date", "fr")].tolist() == ["31 déc. 2024", "–", "1er janv. 2025"]  # no ISO date
    assert en[label("votes", "en")].tolist() == ["3", "12", "1,234"]
    assert fr[label("plan_year", "fr")].tolist() == ["1", "2", "3"]
    assert fr[label("domain", "fr")].tolist() == ["financement", "innovation", "financement"]
    assert en[label("value", "en")].tolist() == ["3", "0.4", "120.2"]  # each row in its own unit


def test_kinds_write_cells_of_every_table_the_same_way():
    assert cell_text(2026, "year", "fr") == "2026"
    assert cell_text(2.5, "index", "en") == "2.50"
    assert cell_text(0.456, "share", "fr") == f"46{NB}%"
    assert cell_text(1_234_567.0, "count", "fr") == f"1{NNB}234{NNB}567"
    assert cell_text(float("nan"), "amount", "en", "EUR") == "–"
    assert all(kind in ("amount", "index", "share", "count", "measure", "year") for kind in COLUMN_KINDS.values())


def test_html_tables_mark_numbers_and_text_for_alignment():
    soup = BeautifulSoup(html_table(_spec(), "fr"), "html.parser")
    heads = {th.get_text(): th["class"] for th in soup.find_all("th")}
    assert heads[label("budget", "fr")] == ["ck-num"] and heads[label("action_id", "fr")] == ["ck-text"]
    assert heads[label("domain", "fr")] == ["ck-text"] and heads[label("votes", "fr")] == ["ck-num"]
    first = soup.find("tbody").find("tr").find_all("td")
    assert [td["class"][0] for td in first] == [
        "ck-text",
        "ck-num",
        "ck-num",
        "ck-num",
        "ck-text",
        "ck-text",
        "ck-num",
        "ck-num",
        "ck-num",
        "ck-text",
        "ck-num",
    ]
    assert html_table(TableSpec("plan_who", pd.DataFrame({"lead": ["<b>x</b>"]})), "en").count("&lt;b&gt;") == 1


# --------------------------------------------------------------------------------------------
# The deliverables, read the way a reader reads them
# --------------------------------------------------------------------------------------------
KEY_LIKE = re.compile(r"(?<![\w./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/-])")  # catalogue keys, columns
PLURAL_S = re.compile(r"\w\((?:s|e|es)\)")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
FRENCH_FIRST = re.compile(r"\b1 (?:janv|févr|mars|avr|mai|juin|juil|août|sept|oct|nov|déc)")
DATA_FILES = ("diagnostic-baseline",)  # read back by the monitoring step: keys on purpose, not a report
AMOUNT_COLUMNS = (
    "budget",
    "spent",
    "fund",
    "local",
    "fund_planned",
    "fund_absorbed",
    "turnover",
    "median_turnover",
    "cost_per_result",
)


def _english_only_values() -> set[str]:
    """Enumeration values and English labels that French does not write (ratio, information and
    national are French words too: a team's own unit may say them)."""
    french = {entry["fr"] for entry in i18n.catalogue().values()}
    french |= {word for text in french for word in re.findall(r"\w+", re.sub(r"\{[^}]*\}", "", text).lower())}
    english = {v for values in ENUMS.values() for v in values}
    english |= {entry["en"] for key, entry in i18n.catalogue().items() if key.startswith("enum.")}
    english |= {key.rsplit(".", 1)[1] for key in i18n.catalogue() if key.startswith("enum.")}
    return {v for v in english if v.lower() not in french and len(v) > 2}


def _html_texts(path: Path) -> tuple[str, list[tuple[str, list[str]]]]:
    """The page's visible text, and each table's headers with each row's cells."""
    soup = BeautifulSoup(path.read_text("utf-8"), "html.parser")
    for hidden in soup(["script", "style"]):
        hidden.decompose()
    tables = []
    for table in soup.find_all("table"):
        heads = [th.get_text(" ", strip=True) for th in table.find_all("th")]
        rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in table.find_all("tr")]
        tables.append((heads, [r for r in rows if r]))
    return soup.get_text(" "), tables


def _docx_text(path: Path) -> str:
    document = docx.Document(path)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _xlsx_text(path: Path) -> str:
    book = openpyxl.load_workbook(path, read_only=True)
    return "\n".join(
        str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)
    )


def word_problems(folder: Path, lang: str, currency: str) -> list[str]:
    """What a reader of ``lang`` would stumble on in the pack ``folder``, one line each."""
    found = []
    english = _english_only_values() if lang == "fr" else set()
    for path in sorted(folder.iterdir()):
        if path.name.startswith(DATA_FILES) or path.suffix not in (".html", ".docx", ".xlsx"):
            continue
        if path.suffix == ".html":
            text, tables = _html_texts(path)
        else:
            text, tables = (_docx_text(path) if path.suffix == ".docx" else _xlsx_text(path)), []
        for name, pattern in (("key", KEY_LIKE), ("(s) plural", PLURAL_S), ("ISO date", ISO_DATE)):
            if path.suffix == ".xlsx" and name == "ISO date":
                continue  # a spreadsheet holds dates as date cells
            found += [f"{path.name}: {name} {m!r}" for m in sorted(set(pattern.findall(text)))]
        if lang == "fr":
            found += [f"{path.name}: 1 instead of 1er {m!r}" for m in sorted(set(FRENCH_FIRST.findall(text)))]
        amount_heads = {label(c, lang) for c in AMOUNT_COLUMNS}
        for heads, rows in tables:
            for row in rows:
                cells = dict(zip(heads, row)) if len(row) == len(heads) else {}
                found += [f"{path.name}: English value {v!r} in a French table" for v in row if v in english]
                found += [
                    f"{path.name}: amount without currency {h}={v!r}"
                    for h, v in cells.items()
                    if h in amount_heads and v != "–" and not v.endswith(currency)
                ]
    return found


def _synthetic_workbook(folder: Path) -> Path:
    """Another cluster: generated sheets, a long name, large amounts in CFA francs, in French."""
    made = frames(Shape(seed=14, lang="fr", rows=9, indicators=5, measurements=12))
    cluster = made["cluster"].set_index("key")["value"]
    cluster["name"] = "Groupement interprofessionnel des transformatrices de karité et de néré du bassin cotonnier"
    cluster["currency"] = "XOF"
    made["cluster"] = cluster.rename_axis("key").reset_index()
    made["actions"]["budget"] = made["actions"]["budget"] * 1000 + 0.37
    made["narratives"]["text"] = "La filière s'est structurée autour de trois coopératives de transformatrices."
    made["indicators"]["unit"] = made["indicators"]["unit"].replace(  # units as a French team writes them
        {"firms": "entreprises", "people": "personnes", "count": "nombre"}
    )
    return write(made, folder / "karite.xlsx", "fr")


@pytest.fixture(scope="module")
def packs(tmp_path_factory, pool):
    folder = tmp_path_factory.mktemp("words")
    made = {lang: pack(out_dir=folder / lang, lang=lang, pool=pool) for lang in ("fr", "en")}
    made["synthetic"] = pack(out_dir=folder / "synthetic", workbook=_synthetic_workbook(folder), lang="fr", pool=pool)
    return {name: result.index.parent for name, result in made.items()}


@pytest.mark.parametrize("name, lang, currency", [("fr", "fr", "EUR"), ("en", "en", "EUR"), ("synthetic", "fr", "XOF")])
def test_no_key_plural_iso_date_or_bare_amount_in_any_deliverable(packs, name, lang, currency):
    assert word_problems(packs[name], lang, currency) == []


def test_the_scan_finds_what_the_old_reports_showed(tmp_path):
    """The checker itself: a page written the old way trips every rule."""
    (tmp_path / "plan.html").write_text(
        "<p>Fréquence : semiannual ; Clé du catalogue : ja_purchasing_selling_centre ; 2 étoile(s) ; "
        "mesurée le 2024-12-31, début le 1 sept. 2026.</p><table><tr><th>Budget</th><th>Statut</th></tr>"
        "<tr><td>12 500</td><td>ongoing</td></tr></table>",
        "utf-8",
    )
    problems = word_problems(tmp_path, "fr", "EUR")
    assert problems == [
        "plan.html: key 'ja_purchasing_selling_centre'",
        "plan.html: (s) plural 'e(s)'",
        "plan.html: ISO date '2024-12-31'",
        "plan.html: 1 instead of 1er '1 sept'",
        "plan.html: English value 'ongoing' in a French table",
        "plan.html: amount without currency Budget='12 500'",
    ]


def test_numbers_are_right_aligned_in_report_tables_and_the_portfolio(packs):
    page = (packs["fr"] / "plan.html").read_text("utf-8")
    soup = BeautifulSoup(page, "html.parser")
    budget = next(th for th in soup.select("table.ck-table th") if th.get_text() == label("budget", "fr"))
    assert budget["class"] == ["ck-num"]
    assert soup.select("table.ck-table td.ck-num") and soup.select("table.ck-table td.ck-text")


def test_portfolio_numbers_are_right_aligned_and_amounts_carry_their_currency(tmp_path, browser):
    example_portfolio(tmp_path / "clusters")
    result = portfolio(tmp_path / "clusters", tmp_path / "out", lang="fr")
    page = next(p for p in result.files if p.suffix == ".html")
    shown = browser.new_page(viewport={"width": 1200, "height": 900})
    shown.goto(page.as_uri())
    aligned = shown.eval_on_selector_all("td", "cells => cells.map(c => [c.className, getComputedStyle(c).textAlign])")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shown.screenshot(path=ARTIFACTS / "portfolio-fr.png", full_page=True)
    shown.close()
    assert {tuple(cell) for cell in aligned} == {("ck-num", "right"), ("ck-text", "left")} and len(aligned) > 20
    soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    spending = soup.find_all("table")[2]
    heads = [th.get_text() for th in spending.find_all("th")]
    budget = heads.index(t("portfolio.col.budget", "fr"))
    assert spending.find_all("th")[budget]["class"] == ["ck-num"]
    assert spending.find_all("th")[0]["class"] == ["ck-text"]
    budgets = [tr.find_all("td")[budget].get_text() for tr in spending.find_all("tr")[1:]]
    assert budgets and all(b == "–" or re.fullmatch(r"[\d\u202f]+\u00a0EUR", b) for b in budgets), budgets
    assert word_problems(page.parent, "fr", "EUR") == []
