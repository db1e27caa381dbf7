"""The trainer's weighting exercise: its widget callbacks, driven without a browser, and its notebook."""

from pathlib import Path

import pytest

from clusterkit import exercises
from clusterkit.exercises import selection_weights_widget
from clusterkit.steps import selection
from clusterkit.workbook import example_path

NOTEBOOK = Path(__file__).resolve().parent.parent / "exercises" / "selection_weights.ipynb"
SHEET_WEIGHTS = {
    "employment": 2.0,
    "employment_growth": 1.0,
    "export_share": 1.0,
    "women_share": 1.5,
    "micro_firm_share": 1.0,
    "association_strength": 1.5,
    "environmental_pressure": 1.0,
}


@pytest.fixture
def exercise():
    return selection_weights_widget(lang="fr", draws=200)


def _order(frame):
    return list(frame.loc[~frame["eliminated"], "candidate_id"])


def test_sliders_start_at_the_sheet_weights_and_the_ranking_is_computed(exercise, example_workbook):
    assert {c: s.value for c, s in exercise.sliders.items()} == SHEET_WEIGHTS
    assert (
        exercise.sliders["association_strength"].description == "Dynamisme des associations professionnelles (note 1-5)"
    )
    expected = selection.score_candidates(example_workbook["candidates"], example_workbook["criteria"])
    assert _order(exercise.ranking) == _order(expected) == ["C8", "C2", "C3", "C1", "C6", "C7"]
    assert exercise.ranking["score"].tolist() == pytest.approx(expected["score"].tolist(), nan_ok=True)


def test_moving_a_slider_reranks_as_score_candidates_does(exercise, example_workbook):
    exercise.sliders["employment"].value = 0.6
    weights = {**SHEET_WEIGHTS, "employment": 0.6}
    expected = selection.score_candidates(example_workbook["candidates"], example_workbook["criteria"], weights=weights)
    assert _order(exercise.ranking) == _order(expected) == ["C8", "C2", "C1", "C3", "C6", "C7"]
    assert exercise.ranking["score"].tolist() == pytest.approx(expected["score"].tolist(), nan_ok=True)
    view = exercise.ranking_view.value
    assert view.index("Cuir et chaussure de Tamsa") < view.index("Agroalimentaire de Belkane")
    assert (
        "Écartés par un seuil éliminatoire, quels que soient les poids : C4 Bois et meubles de Corvalle, "
        "C5 Artisanat d&#x27;art de Lumesse." in view
    )
    # 0.6 out of a total of 7.6: 8 %
    assert "Emplois dans le secteur et la région (2024) 8\xa0%" in exercise.weights_view.value
    assert exercise.sensitivity.attrs["n_draws"] == 200 and bytes(exercise.chart.value).startswith(b"\x89PNG")


def test_preset_dropdown_sets_every_slider_then_updates_once(exercise, monkeypatch):
    calls = []
    draws = selection.weight_sensitivity  # the costly call, made once per update
    monkeypatch.setattr(selection, "weight_sensitivity", lambda *a, **k: calls.append(1) or draws(*a, **k))
    exercise.preset.value = "pro_poor"
    # pro-poor group 0.5 shared 1.5 : 1 between women and micro-firms, economic 0.25 shared 2 : 1 : 1,
    # institutional 0.10, environment 0.15; times the sheet total of 9
    assert {c: s.value for c, s in exercise.sliders.items()} == pytest.approx(
        {
            "employment": 1.125,
            "employment_growth": 0.5625,
            "export_share": 0.5625,
            "women_share": 2.7,
            "micro_firm_share": 1.8,
            "association_strength": 0.9,
            "environmental_pressure": 1.35,
        }
    )
    assert len(calls) == 1
    assert _order(exercise.ranking) == ["C2", "C3", "C8", "C1", "C6", "C7"]
    exercise.preset.value = exercises.TEAM_WEIGHTS
    assert {c: s.value for c, s in exercise.sliders.items()} == SHEET_WEIGHTS


def test_top_k_slider_drives_the_stability_chart(exercise):
    before = exercise.chart.value
    exercise.top_k.value = 4
    assert exercise.sensitivity.attrs["top_k"] == 4
    # C6 scores 0.10 against 0.53 for C1: the first four never change
    assert exercise.sensitivity.set_index("candidate_id")["p_top_k"].to_dict() == {
        "C8": 1.0,
        "C2": 1.0,
        "C3": 1.0,
        "C1": 1.0,
        "C6": 0.0,
        "C7": 0.0,
    }
    assert exercise.chart.value != before


def test_all_weights_at_zero_say_so_instead_of_failing(exercise):
    for slider in exercise.sliders.values():
        slider.value = 0.0
    assert exercise.ranking is None and exercise.ranking_view.value == ""
    assert "Donnez un poids positif à au moins un critère." in exercise.weights_view.value
    exercise.sliders["women_share"].value = 1.0
    assert _order(exercise.ranking)[0] == "C2"  # 65 % of women, the highest share


def test_english_exercise_speaks_english():
    # a French workbook read in English: the catalogue's labels; the English example keeps its team's labels
    exercise = selection_weights_widget(example_path("fr"), lang="en", draws=50)
    assert exercise.sliders["association_strength"].description == "Strength of business associations"
    assert (
        selection_weights_widget(lang="en", draws=50).sliders["association_strength"].description
        == "Strength of business associations (score 1-5)"
    )
    assert exercise.preset.options[0] == ("Team weights (criteria sheet)", "")
    assert "Rank" in exercise.ranking_view.value and "Rang" not in exercise.ranking_view.value


def test_the_exercise_notebook_runs_and_shows_the_widget():
    from test_exercises import run_exercise

    shown = run_exercise(NOTEBOOK.name)
    assert "Emplois dans le secteur et la région (2024) 0.6 -> C8, C2, C1, C3" in shown
    assert "Part des femmes dans l'emploi 6.0 -> C2, C3, C8, C1" in shown  # the women's share alone never lifts C1
