"""The monitoring template, run end to end in French and in English."""

import re

import nbformat
import numpy as np
import openpyxl
import pytest

import clusterkit
from clusterkit.examples import build_example
from clusterkit.running.templates import template_parameters
from clusterkit.workbook import write_workbook

SHEETS = ("cluster", "objectives", "actions", "indicators", "measurements", "enterprises", "actors", "relations")


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    """The example's step-5 sheets, with the baseline of I22 (women-owned firms) left blank."""
    folder = tmp_path_factory.mktemp("team")
    frames = {key: frame.copy() for key, frame in build_example().items() if key in SHEETS}
    indicators = frames["indicators"]
    indicators.loc[indicators["indicator_id"] == "I22", ["baseline", "baseline_date"]] = [np.nan, None]
    path = write_workbook(frames, folder / "tamsa.xlsx", "fr")
    baseline = folder / "diagnostic-baseline.csv"
    baseline.write_text(
        "key,value,unit,date,source\nwomen_owned_share,0.15,share,2024-12-31,enterprises\n", encoding="utf-8"
    )
    return path, baseline


@pytest.fixture(scope="module")
def french(workbook, tmp_path_factory):
    path, baseline = workbook
    return clusterkit.run(
        "monitoring", path, tmp_path_factory.mktemp("fr"), lang="fr", parameters={"baseline": str(baseline)}
    )


def text_of(result) -> str:
    page = result.html.read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<img[^>]*>", "", page)))


def test_template_declares_its_parameters():
    declared = template_parameters("monitoring")
    assert list(declared) == [
        "workbook",
        "lang",
        "output_dir",
        "baseline",
        "as_of",
        "at_risk_below",
        "off_track_below",
        "community",
    ]
    assert declared["baseline"]["default"] == '""' and declared["at_risk_below"]["default"] == "0.9"


def test_french_run_writes_report_sheets_tables_and_figures(french):
    out = french.html.parent
    assert sorted(p.name for p in out.iterdir()) == [
        *(f"monitoring-figure-{n}.png" for n in range(1, 9)),  # progress, four of trends, three of the chain
        "monitoring-indicators.xlsx",
        "monitoring-tables.xlsx",
        "monitoring.html",
        "monitoring.ipynb",
    ]
    text = text_of(french)
    for heading in (
        "Ce qui est suivi",
        "Progression et respect du calendrier",
        "Tableau de bord",
        "Les quatre dimensions",
        "La chaîne de résultats",
        "Synthèse d'évaluation",
        "Améliorer la performance",
        "Renforcer la transparence",
        "Diffuser les leçons de l'expérience",
        "Développer la confiance entre bénéficiaires",
        "Fiches des indicateurs",
        "Catalogue d'indicateurs intégré",
    ):
        assert heading in text, heading
    assert "from clusterkit" not in text
    page = french.html.read_text(encoding="utf-8")
    assert page.count('<section class="ck-sheet"') == 24
    assert 'alt="Schéma en quatre colonnes' in page


def test_french_run_fills_the_missing_baseline_from_the_diagnostic(french):
    text = text_of(french)
    # the file given holds women-owned firms only: the two network indicators stay without a baseline
    assert "de la table de référence du diagnostic : 1 ; manquantes : 2" in text
    assert "référence du diagnostic du 31 déc. 2024" in text
    sheets = openpyxl.load_workbook(french.html.parent / "monitoring-indicators.xlsx")
    fields = {row[0].value: row[1].value for row in sheets["I22"].iter_rows(min_row=3, max_row=23)}
    assert fields["Référence"] == 0.15
    assert fields["Origine de la référence"] == "référence du diagnostic du 31 déc. 2024"
    assert sheets.sheetnames[0] == "Synthèse" and len(sheets.sheetnames) == 25


def test_english_run_with_a_cut_off_date(workbook, tmp_path):
    path, _ = workbook
    result = clusterkit.run(
        "monitoring",
        path,
        tmp_path,
        lang="en",
        parameters={"as_of": "2025-12-31", "at_risk_below": 0.8, "community": {"firms": 250}},
    )
    text = text_of(result)
    assert "the figures below stop at Dec 31, 2025" in text
    assert "Evaluation summary" in text and "Improve performance" in text and "Synthèse" not in text
    assert "of the 250 firms of the target community" in text
    # catalogue indicators take the catalogue's English name; the team's own keep theirs
    assert "I24 New markets served" in text and "Réunions du comité de pilotage tenues" in text
    assert "An indicator is on track when it reaches at least 80% of the expected progress" in text
    executed = nbformat.read(result.notebook, as_version=4)
    injected = next(c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert 'as_of = "2025-12-31"' in injected.source
    assert openpyxl.load_workbook(tmp_path / "monitoring-indicators.xlsx").sheetnames[0] == "Summary"


def test_without_a_baseline_file_the_diagnostic_is_computed_from_the_survey_sheets(tmp_path):
    """The example leaves the network indicators' baselines to the diagnostic (round 1 of its survey)."""
    result = clusterkit.run("monitoring", out_dir=tmp_path, lang="en")
    text = text_of(result)
    assert "from the diagnostic's baseline table: 2; missing: 0" in text
    sheets = openpyxl.load_workbook(tmp_path / "monitoring-indicators.xlsx")
    fields = {row[0].value: row[1].value for row in sheets["I13"].iter_rows(min_row=3, max_row=23)}
    assert fields["Baseline"] == pytest.approx(0.0676, abs=1e-4)  # network density of round 1
    assert fields["Baseline from"].startswith("diagnostic baseline of")
