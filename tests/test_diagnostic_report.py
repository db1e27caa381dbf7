"""The diagnostic report: sections a to g, synthesis, baseline, vision and validation, in both
languages, on the example and on a workbook without relations."""

import html
import re

import openpyxl
import pandas as pd
import pytest

import clusterkit
from clusterkit.workbook import example_path

SECTIONS_FR = [
    "Préparer le terrain : qui interroger",
    "a. Contexte de développement et segments de marché",
    "b. Histoire et étapes d'évolution",
    "c. Le cluster comme système",
    "d. Analyse des affaires",
    "e. Contexte social",
    "f. Organisation interne et carte du cluster",
    "g. Mobilisation du capital social",
    "Synthèse : le diagnostic global",
    "Situation de référence pour le suivi",
    "Conclusions : une vision à 5-10 ans",
    "Validation par les acteurs",
]
SECTIONS_EN = [
    "Preparing the field work: whom to interview",
    "a. Development context and market segments",
    "b. History and stages of development",
    "c. The cluster as a system",
    "d. Business analysis",
    "e. Social context",
    "f. Internal organisation and cluster map",
    "g. Mobilisation of social capital",
    "Synthesis: the overall diagnostic",
    "Baseline for monitoring",
    "Conclusions: a 5 to 10-year vision",
    "Validation by the actors",
]
STABLE_KEYS = {
    "firms_surveyed",
    "employees",
    "women_share",
    "women_owned_share",
    "association_share",
    "joint_action_share",
    "formal_relation_share",
    "cooperation_density",
    "network_density",
    "export_share",
    "bds_users",
    "bds_satisfaction",
}


def headings(page: str, level: int) -> list[str]:
    return [html.unescape(h) for h in re.findall(rf"<h{level}>(.*?)</h{level}>", page)]


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.fixture(scope="module")
def french(tmp_path_factory):
    result = clusterkit.run("diagnostic", out_dir=tmp_path_factory.mktemp("fr"), lang="fr")
    return result, result.html.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def english_without_relations(tmp_path_factory):
    folder = tmp_path_factory.mktemp("en")
    book = openpyxl.load_workbook(example_path())
    del book["relations"]
    path = folder / "no-relations.xlsx"
    book.save(path)
    result = clusterkit.run("diagnostic", path, folder / "out", lang="en")
    return result, result.html.read_text(encoding="utf-8")


def test_french_report_follows_sections_a_to_g(french):
    _, page = french
    assert headings(page, 2) == SECTIONS_FR
    # the profile sits in section c, one level down, its parts one more
    assert "Profil du cluster" in headings(page, 3)
    assert "Entreprises par rôle et par taille" in headings(page, 4)
    assert {
        "La carte du cluster",
        "Évolution du réseau entre deux vagues d'enquête",
        "Les services d'appui aux entreprises",
        "Regard sur le genre",
    } <= set(headings(page, 3))


def test_narratives_or_questions(french):
    _, page = french
    words = text_of(page)
    assert "Tamsa est une ville moyenne" in words  # the team's text for section a
    # the example leaves d, f and g to write: their questions are shown instead
    for section in "dfg":
        assert f"L'équipe n'a pas encore rédigé cette partie (feuille « récits », section {section})" in words
    assert "section a)" not in words


def test_map_brokers_comparison_and_validation(french):
    result, page = french
    words = text_of(page)
    assert 'alt="Carte du cluster, vague 1' in page and 'alt="Carte du cluster, vague 2' in page
    assert "Courtiers (acteurs autres que des entreprises" in words and "Association des artisans chausseurs" in words
    assert "Les plus pauvres, à associer en priorité : artisan précaire" in words
    assert "la situation que le cluster veut atteindre dans cinq à dix ans" in words
    assert "gouvernance, environnement" in words  # the SWOT themes without strength or opportunity
    assert "PosixPath" not in page and "from clusterkit" not in page
    assert len(result.figures) == 5  # two profile bars, two maps, the SWOT matrix


def test_french_run_writes_the_baseline_files(french):
    result, _ = french
    folder = result.html.parent
    csv = pd.read_csv(folder / "diagnostic-baseline.csv")
    assert list(csv.columns) == ["key", "value", "unit", "date", "source"]
    assert STABLE_KEYS <= set(csv["key"])
    assert set(csv["date"]) == {"2024-09-01"}  # the example's start date
    values = dict(zip(csv["key"], csv["value"]))
    assert values["firms_surveyed"] == 72
    book = openpyxl.load_workbook(folder / "diagnostic-baseline.xlsx")
    assert book.sheetnames == ["baseline"] and book["baseline"].max_row == len(csv) + 1
    tables = openpyxl.load_workbook(result.tables)
    assert {
        "Échantillon d'entretiens",
        "Situation de référence",
        "Indicateurs du capital social",
        "Acteurs de la carte",
    } <= set(tables.sheetnames)


def test_english_report_without_relations(english_without_relations):
    result, page = english_without_relations
    assert headings(page, 2) == SECTIONS_EN
    words = text_of(page)
    assert "The workbook has no 'actors' and 'relations' sheets: the cluster map cannot be drawn." in words
    assert "Without a 'relations' sheet, only association membership can be measured." in words
    assert "Worked example" not in words and "Profil du cluster" not in words
    assert "Cluster profile" in words and "Business development services" in words
    csv = pd.read_csv(result.html.parent / "diagnostic-baseline.csv")
    assert "network_density" not in set(csv["key"]) and {"bds_users", "association_share"} <= set(csv["key"])
    assert len(result.figures) == 3  # no map
