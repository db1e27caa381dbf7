"""The selection note: the step 1 template run end to end on the example workbook."""

import re

import openpyxl
import pandas as pd
import pytest
from workbooks import run_in_process, write

import clusterkit
from clusterkit.errors import InputError, StepInputError
from clusterkit.steps import mapping, selection
from clusterkit.workbook import example_path, read_workbook

MAPPING_TABS_FR = [
    "Spécialisations les plus fortes",
    "Quotients de localisation",
    "Analyse structurelle-résiduelle",
    "Structurelle-résiduelle, détail",
    "Indice de spécialisation",
]
SELECTION_TABS_FR = ["Critères et poids", "Candidats écartés", "Classement", "Stabilité du classement"]
NNBSP = "\u202f"  # the French thousands separator


@pytest.fixture(scope="module")
def note_fr(tmp_path_factory):
    return clusterkit.run("selection", out_dir=tmp_path_factory.mktemp("fr"), lang="fr")


@pytest.fixture(scope="module")
def note_en(tmp_path_factory):
    """The English note on the French example, with every kind of parameter moved away from its default."""
    return clusterkit.run(
        "selection",
        example_path("fr"),
        tmp_path_factory.mktemp("en"),
        lang="en",
        parameters={"preset": "pro_poor", "weights": {"employment": 0.2}, "top_k": 2, "mapping_years": [2020, 2024]},
    )


def _tab(path, title) -> pd.DataFrame:
    rows = list(openpyxl.load_workbook(path)[title].values)
    return pd.DataFrame(rows[1:], columns=rows[0])


def test_french_note_has_every_part_in_order(note_fr):
    html = note_fr.html.read_text(encoding="utf-8")
    headings = re.findall(r"<h([23])>([^<]+)</h\1>", html)
    assert [h for _, h in headings] == [
        "Cartographie des spécialisations",
        "Les spécialisations les plus fortes",
        "Le graphique à bulles et la carte des quotients",
        "Analyse structurelle-résiduelle par région",
        "Indice de spécialisation des régions",
        "Sélection des candidats",
        "Critères, poids et seuils",
        "Candidats écartés",
        "Classement",
        "Stabilité du classement",
        "Une sélection convenue à l'avance",
    ]
    assert "from clusterkit" not in html and "PosixPath" not in html  # outputs only


def test_french_note_names_the_eliminated_candidates_and_why(note_fr):
    html = note_fr.html.read_text(encoding="utf-8")
    assert (
        "<strong>Bois et meubles de Corvalle</strong> (C4) est écarté : « Dynamisme des associations "
        "professionnelles (note 1-5) » vaut 1,5, sous le seuil de 2."
    ) in html
    assert (
        f"<strong>Artisanat d'art de Lumesse</strong> (C5) est écarté : « Emplois dans le secteur et la "
        f"région (2024) » vaut 631, sous le seuil de 1{NNBSP}000."
    ) in html
    # each eliminatory threshold is stated in plain words, with the normalisation method
    assert (
        f"Le critère « Emplois dans le secteur et la région (2024) » est éliminatoire : un candidat dont "
        f"la valeur est inférieure à 1{NNBSP}000 est écarté"
    ) in html
    assert "méthode min-max" in html
    eliminated = _tab(note_fr.tables, "Candidats écartés")
    assert eliminated.to_dict("list") == {
        "Code": ["C4", "C5"],
        "Nom": ["Bois et meubles de Corvalle", "Artisanat d'art de Lumesse"],
        "Critère": [
            "Dynamisme des associations professionnelles (note 1-5)",
            "Emplois dans le secteur et la région (2024)",
        ],
        "Valeur": [1.5, 631],
        "Seuil": [2, 1000],
    }


def test_french_ranking_is_the_computed_one_with_group_subtotals(note_fr, example_workbook):
    expected = selection.score_candidates(example_workbook["candidates"], example_workbook["criteria"])
    expected = expected[~expected["eliminated"]]
    ranking = _tab(note_fr.tables, "Classement")
    assert list(ranking.columns) == [
        "Rang",
        "Code",
        "Nom",
        "Économique",
        "Favorable aux pauvres",
        "Institutionnel",
        "Environnement",
        "Score",
    ]
    assert list(ranking["Code"]) == ["C8", "C2", "C3", "C1", "C6", "C7"]  # C4 and C5 never rank
    assert ranking["Score"].tolist() == pytest.approx(expected["score"].tolist(), abs=1e-12)
    subtotals = ranking[["Économique", "Favorable aux pauvres", "Institutionnel", "Environnement"]]
    assert subtotals.sum(axis=1).tolist() == pytest.approx(ranking["Score"].tolist())
    html = note_fr.html.read_text(encoding="utf-8")
    assert (
        "<strong>Services informatiques de Fenoul</strong> arrive en tête avec un score de 0,74. Les 3 "
        "premiers sont : Services informatiques de Fenoul, Textile et habillement d'Ardoun, "
        "Agroalimentaire de Belkane."
    ) in html


def test_french_weights_are_shares_of_the_sheet_weights(note_fr):
    criteria = _tab(note_fr.tables, "Critères et poids")
    # sheet weights 2, 1, 1, 1.5, 1, 1.5, 1: a total of 9
    assert criteria["Poids"].tolist() == pytest.approx([2 / 9, 1 / 9, 1 / 9, 1.5 / 9, 1 / 9, 1.5 / 9, 1 / 9])
    assert criteria["Sens"].tolist()[-1] == "plus bas est meilleur"
    assert criteria["Groupe"].tolist()[3] == "favorable aux pauvres"


def test_french_mapping_tables_and_figures(note_fr):
    tabs = openpyxl.load_workbook(note_fr.tables).sheetnames
    assert tabs == MAPPING_TABS_FR + SELECTION_TABS_FR
    top = _tab(note_fr.tables, "Spécialisations les plus fortes")
    assert len(top) == 15
    first = top.iloc[0]
    assert (first["Région"], first["Secteur"], first["Quadrant"]) == ("Tamsa", "Cuir et chaussure", "étoile")
    assert first["Quotient de localisation"] == pytest.approx(4.1696, abs=1e-4)
    assert top["Quotient de localisation"].is_monotonic_decreasing
    shift = _tab(note_fr.tables, "Analyse structurelle-résiduelle")
    components = shift[["Effet national", "Effet de structure", "Effet régional"]].sum(axis=1)
    assert components.tolist() == pytest.approx(shift["Variation"].tolist())
    assert [p.name for p in note_fr.figures] == [f"selection-figure-{n}.png" for n in (1, 2, 3)]
    assert all(p.stat().st_size > 10_000 for p in note_fr.figures)
    html = note_fr.html.read_text(encoding="utf-8")
    assert "Ces mesures sont calculées sur l'emploi (colonne emploi de la feuille « emploi »)." in html
    alts = re.findall(r'<img[^>]*\salt="([^"]+)"', html)
    assert [a.split(" :")[0] for a in alts] == [
        "Graphique à bulles",
        "Carte de chaleur des quotients de localisation en 2024",
        "Barres horizontales",
    ]


def test_english_note_follows_its_parameters(note_en, example_workbook):
    html = note_en.html.read_text(encoding="utf-8")
    for heading in (
        "Mapping of specialisations",
        "Selection of the candidates",
        "Eliminated candidates",
        "Ranking",
        "Stability of the ranking",
        "A selection agreed in advance",
    ):
        assert f">{heading}</h" in html
    assert "The weights follow the ‘Pro-poor growth’ orientation." in html
    assert "The team changed the weight of these criteria: Employment." in html
    assert "between 2020 and 2024" in html
    assert (
        "<strong>Bois et meubles de Corvalle</strong> (C4) is eliminated: ‘Strength of business "
        "associations’ is 1.5, below the threshold of 2."
    ) in html
    assert "The first 2 are: Textile et habillement d'Ardoun, Agroalimentaire de Belkane." in html
    assert "Among the first 2 in at least 90% of the draws: Textile et habillement d'Ardoun." in html
    assert (
        "Uncertain place (among the first 2 in 10% to 90% of the draws): Agroalimentaire de Belkane, "
        "Services informatiques de Fenoul."
    ) in html
    criteria = selection.apply_preset(example_workbook["criteria"], "pro_poor")
    expected = selection.score_candidates(example_workbook["candidates"], criteria, weights={"employment": 0.2})
    ranking = _tab(note_en.tables, "Ranking")
    assert list(ranking["Code"]) == list(expected.loc[~expected["eliminated"], "candidate_id"])
    assert ranking["Score"].tolist() == pytest.approx(expected["score"].dropna().tolist(), abs=1e-12)
    assert openpyxl.load_workbook(note_en.tables).sheetnames == [
        "Strongest specialisations",
        "Location quotients",
        "Shift-share by region",
        "Shift-share by region × sector",
        "Specialisation index",
        "Criteria and weights",
        "Eliminated candidates",
        "Ranking",
        "Stability of the ranking",
    ]


def test_english_note_has_no_french_catalogue_text(note_en):
    html = note_en.html.read_text(encoding="utf-8")
    for french in (
        "Cartographie",
        "Classement",
        "écarté",
        "Critère",
        "seuil",
        "Poids",
        "étoile",
        "Dynamisme",
        "Emplois dans le secteur",
        "plus élevé est meilleur",
        "favorable aux pauvres",
    ):
        assert french not in html, french


def test_workbook_without_employment_skips_the_mapping(tmp_path):
    book = openpyxl.load_workbook(example_path())
    del book["emploi"]
    path = tmp_path / "no-employment.xlsx"
    book.save(path)
    assert not read_workbook(path).has("employment")
    result = clusterkit.run("selection", path, tmp_path / "out", lang="fr")
    html = result.html.read_text(encoding="utf-8")
    assert "Le classeur ne contient pas de feuille « emploi »" in html
    assert "Cartographie des spécialisations" not in html and "Candidats écartés" in html
    assert openpyxl.load_workbook(result.tables).sheetnames == SELECTION_TABS_FR
    assert [p.name for p in result.figures] == ["selection-figure-1.png"]  # the stability chart only


def test_unknown_parameter_names_fail_before_any_run(tmp_path):
    with pytest.raises(InputError, match="Paramètre inconnu pour l'étape selection : colour"):
        clusterkit.run("selection", out_dir=tmp_path, lang="fr", parameters={"colour": "red"})
    assert list(tmp_path.iterdir()) == []


def test_unknown_normalisation_is_refused_with_the_expected_choices(tmp_path):
    """Bad input, refused before the template runs (it once failed inside it, exit 3)."""
    with pytest.raises(InputError, match=r"'normalisation' .* takes one of 'minmax', 'zscore', 'rank', not \"median\""):
        clusterkit.run("selection", out_dir=tmp_path, lang="en", parameters={"normalisation": "median"})
    assert list(tmp_path.iterdir()) == []


# Two regions, two sectors, two years, small enough to check by hand.
HAND_EMPLOYMENT = pd.DataFrame(
    {
        "region": ["A", "A", "B", "B"] * 2,
        "sector": ["s1", "s2"] * 4,
        "year": [2010] * 4 + [2015] * 4,
        "employment": [100.0, 300, 200, 400, 150, 300, 200, 350],
    }
)
HAND_SELECTION = {
    "cluster": pd.DataFrame({"key": ["name"], "value": ["Hand"]}),
    "candidates": pd.DataFrame(
        {
            "candidate_id": ["C1", "C2"],
            "name": ["One", "Two"],
            "region": ["A", "B"],
            "sector": ["s1", "s2"],
            "jobs": [10.0, 20.0],
        }
    ),
    "criteria": pd.DataFrame(
        {
            "criterion": ["jobs"],
            "label": ["Jobs"],
            "weight": [1.0],
            "direction": ["higher_better"],
            "group": ["economic"],
        }
    ),
}


def test_tables_workbook_holds_every_quotient_and_every_shift_share_cell(tmp_path):
    path = write({**HAND_SELECTION, "employment": HAND_EMPLOYMENT}, tmp_path / "hand.xlsx", "en")
    run_in_process("selection", path, "en", output_dir=str(tmp_path))
    tables = tmp_path / "selection-tables.xlsx"
    quotients = _tab(tables, "Location quotients")
    assert len(quotients) == 8  # every region x sector, both years
    by_cell = quotients.set_index(["Year", "Region", "Sector"])["Location quotient"]
    assert by_cell[(2010, "A", "s1")] == pytest.approx((100 / 400) / (300 / 1000))  # 0.8333
    assert by_cell[(2015, "A", "s1")] == pytest.approx((150 / 450) / (350 / 1000))  # 0.9524
    cells = _tab(tables, "Shift-share by region × sector")
    assert len(cells) == 4
    a1 = cells.set_index(["Region", "Sector"]).loc[("A", "s1")]
    # national growth 0 (1000 jobs both years); sector s1 grew from 300 to 350
    assert a1["National growth effect"] == pytest.approx(0)
    assert a1["Industry mix effect"] == pytest.approx(100 * (350 / 300 - 1))
    assert a1["Regional effect"] == pytest.approx(50 - 100 * (350 / 300 - 1))
    components = cells[["National growth effect", "Industry mix effect", "Regional effect"]].sum(axis=1)
    assert components.tolist() == pytest.approx(cells["Change"].tolist())
    assert len(_tab(tables, "Strongest specialisations")) == 4


# The same table counted in firms only (the employment column left out), as for an informal cluster.
HAND_FIRMS = HAND_EMPLOYMENT.drop(columns="employment").assign(establishments=[10.0, 30, 40, 20, 30, 30, 20, 20])


def test_a_mapping_counted_in_firms_says_so_and_names_its_columns(tmp_path):
    path = write({**HAND_SELECTION, "employment": HAND_FIRMS}, tmp_path / "firms.xlsx", "fr")
    result = clusterkit.run("selection", path, tmp_path / "fr", lang="fr")
    html = result.html.read_text(encoding="utf-8")
    assert (
        "Ces mesures sont calculées sur le nombre d'entreprises (colonne établissements de la feuille "
        "« emploi »), faute de chiffres d'emploi."
    ) in html
    assert "calculées sur l'emploi" not in html
    quotients = _tab(result.tables, "Quotients de localisation")
    assert list(quotients.columns) == ["Région", "Secteur", "Année", "Établissements", "Quotient de localisation"]
    by_cell = quotients.set_index(["Année", "Région", "Secteur"])["Quotient de localisation"]
    # 2010: n_A = 40, n_s1 = 50, n = 100; 2015: n_A = 60, n_s1 = 50, n = 100
    assert by_cell[(2010, "A", "s1")] == pytest.approx((10 / 40) / (50 / 100))  # 0.5
    assert by_cell[(2015, "A", "s1")] == pytest.approx((30 / 60) / (50 / 100))  # 1.0
    shift = _tab(result.tables, "Structurelle-résiduelle, détail")
    assert {"Établissements au départ", "Établissements à la fin"} <= set(shift.columns)
    # English: the same basis, the same numbers, the English headers
    scope = run_in_process("selection", path, "en", output_dir=str(tmp_path))
    assert scope["counted"] == "firms"
    top = _tab(tmp_path / "selection-tables.xlsx", "Strongest specialisations")
    assert "Establishments" in top.columns and "Employment" not in top.columns
    assert top.set_index(["Region", "Sector"]).loc[("B", "s1"), "Establishments"] == 20


@pytest.mark.parametrize(
    "lang, years, message",
    [
        ("en", None, "The ‘employment’ sheet covers only the year 2010: the mapping compares two years."),
        ("fr", None, "La feuille « emploi » ne couvre que l'année 2010 : la cartographie compare deux années."),
        (
            "en",
            [2010, 2020],
            (
                "The mapping_years parameter asks for the year 2020, which the ‘employment’ sheet "
                "does not hold (years present: 2010, 2015)."
            ),
        ),
        (
            "fr",
            [2015, 2010],
            (
                "Le paramètre mapping_years doit donner l'année de départ puis une année plus "
                "récente ; il donne 2015 puis 2010."
            ),
        ),
        ("en", "zero", "In the ‘employment’ sheet, total employment in 2015 is zero"),
        (
            "fr",
            "apart",
            (
                "Dans la feuille « emploi », aucun couple région-secteur n'a d'emplois à la fois en 2010 "
                "et en 2015 : la cartographie ne peut suivre aucune spécialisation"
            ),
        ),
        # counted in firms, the message speaks of establishments
        ("en", "firms zero", "In the ‘employment’ sheet, the total number of establishments in 2015 is zero"),
        (
            "fr",
            "firms apart",
            (
                "Dans la feuille « emploi », aucun couple région-secteur ne compte d'établissements à la "
                "fois en 2010 et en 2015 : la cartographie ne peut suivre aucune spécialisation"
            ),
        ),
    ],
)
def test_employment_that_cannot_give_a_mapping_says_what_to_fill_in(tmp_path, lang, years, message):
    employment = HAND_EMPLOYMENT
    if isinstance(years, str) and years.startswith("firms"):
        years = years.split()[1]
        employment = employment.rename(columns={"employment": "establishments"})
    counts = "establishments" if "establishments" in employment else "employment"
    if years is None:
        employment = employment[employment["year"] == 2010]
    elif years == "zero":
        employment = employment.assign(**{counts: employment[counts].where(employment["year"] == 2010, 0)})
    elif years == "apart":  # A employs people only in 2010, B only in 2015
        employment = employment.assign(
            **{counts: employment[counts].where((employment["region"] == "A") == (employment["year"] == 2010), 0)}
        )
    path = write({**HAND_SELECTION, "employment": employment}, tmp_path / "one-year.xlsx", lang)
    parameters = {"mapping_years": years} if isinstance(years, list) else {}
    with pytest.raises(StepInputError) as caught:
        run_in_process("selection", path, lang, **parameters)
    assert message in str(caught.value)


def test_mapping_cells_join_quadrant_stars_and_growth():
    indicators = mapping.mapping_indicators(HAND_EMPLOYMENT)
    cells = mapping.mapping_cells(
        mapping.specialisation_quadrants(indicators, 2010, 2015),
        mapping.observatory_stars(indicators),
        mapping.shift_share(HAND_EMPLOYMENT),
        2015,
    )
    assert cells["lq_end"].is_monotonic_decreasing and len(cells) == 4
    a1 = cells.set_index(["region", "sector"]).loc[("A", "s1")]
    assert a1["growth"] == pytest.approx(150 / 100 - 1)
    assert a1["lq_end"] == pytest.approx((150 / 450) / (350 / 1000))
