"""The workshop exercises of steps 2 to 5: widgets driven without a browser, and their notebooks."""

import datetime as dt
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient

from clusterkit import exercises
from clusterkit.exercises import (
    EXAMPLE_SHORTLIST,
    EXAMPLE_TARGETS,
    MonitoringTargetsExercise,
    PlanPrioritisationExercise,
    SwotSortingExercise,
    joint_action_widget,
    monitoring_targets_widget,
    plan_prioritisation_widget,
    swot_sorting_widget,
    target_range,
)
from clusterkit.steps import diagnostic, monitoring, plan
from clusterkit.workbook import example_path

EXERCISES = Path(__file__).resolve().parent.parent / "exercises"
CHANGED = {"S02": ("category", "opportunity"), "S24": ("category", "weakness"), "S19": ("theme", "institutions")}


# -- SWOT sorting ---------------------------------------------------------------------------------
@pytest.fixture
def swot_exercise(example_workbook):
    """As :func:`swot_sorting_widget` builds it, from the workbook read once."""
    return SwotSortingExercise(example_workbook["swot"], "fr", "fr")


def _sort_like_the_team(exercise, changes=None):
    """Choose the workbook's answer for every statement, except the ``changes``."""
    for number, row in enumerate(exercise.key.itertuples()):
        category, theme = row.category, row.theme
        field, value = (changes or {}).get(row.swot_id, (None, None))
        exercise.categories[number].value = value if field == "category" else category
        exercise.themes[number].value = value if field == "theme" else theme


def _facts(ranked):
    return ranked.sort_values(["category", "swot_id"])[["category", "swot_id", "votes"]].reset_index(drop=True)


def test_statements_come_shuffled_with_the_seed_and_without_their_category(swot_exercise, example_workbook):
    assert list(swot_exercise.key["swot_id"].head(4)) == ["S18", "S05", "S20", "S04"]
    assert list(swot_sorting_widget(lang="fr").key["swot_id"]) == list(swot_exercise.key["swot_id"])
    other = SwotSortingExercise(example_workbook["swot"], "fr", "fr", seed=1)
    assert list(other.key["swot_id"]) != list(swot_exercise.key["swot_id"])
    assert sorted(swot_exercise.key["swot_id"]) == [f"S{n:02d}" for n in range(1, 26)]
    assert {w.value for w in (*swot_exercise.categories, *swot_exercise.themes)} == {exercises.NOT_SORTED}
    first_row = swot_exercise.box.children[2].children[0].value
    assert first_row == "1. Programme public d&#x27;appui aux clusters lancé par le ministère"  # no id, no category
    assert swot_exercise.chart.layout.display == "none"  # no matrix yet
    swot_exercise.check_button.click()
    assert (
        swot_exercise.ranked is None
        and swot_exercise.chart.value == b""
        and swot_exercise.chart.layout.display == "none"
    )
    assert "Choisissez la catégorie d&#x27;au moins un énoncé avant de vérifier." in swot_exercise.score_view.value


def test_the_team_sorting_scores_full_marks_and_finds_the_workbook_gaps(swot_exercise, example_workbook):
    swot_exercise.reveal()
    assert swot_exercise.score == {"statements": 25, "sorted": 25, "category_right": 25, "theme_right": 25}
    assert swot_exercise.score_view.value == "<p>Catégories justes : 25 sur 25. Thèmes justes : 25 sur 25.</p>"
    swot = example_workbook["swot"]
    pd.testing.assert_frame_equal(_facts(swot_exercise.ranked), _facts(diagnostic.swot_ranked(swot)))
    pd.testing.assert_frame_equal(swot_exercise.gaps, diagnostic.swot_gaps(swot))
    assert list(swot_exercise.gaps["theme"]) == ["governance", "environment"]
    assert (
        "ni force ni opportunité sur laquelle bâtir une réponse : gouvernance, environnement"
        in swot_exercise.gaps_view.value
    )
    assert bytes(swot_exercise.chart.value).startswith(b"\x89PNG") and swot_exercise.chart.layout.display is None


def test_check_scores_a_sorting_and_draws_its_own_matrix(swot_exercise, example_workbook):
    _sort_like_the_team(swot_exercise, CHANGED)
    swot_exercise.check_button.click()
    # S02 (local tanneries) taken for an opportunity, S24 (bank rates) for a weakness, S19 (the NGO) under institutions
    assert swot_exercise.score == {"statements": 25, "sorted": 25, "category_right": 23, "theme_right": 24}
    assert swot_exercise.score_view.value == (
        "<p>Catégories justes : 23 sur 25. Thèmes justes : 24 sur 25.</p>"
        "<p>Catégorie à revoir pour les énoncés n° 13, 14.</p><p>Thème à revoir pour les énoncés n° 10.</p>"
    )
    swot = example_workbook["swot"].copy()
    for ident, (field, value) in CHANGED.items():
        swot.loc[swot["swot_id"] == ident, field] = value
    pd.testing.assert_frame_equal(_facts(swot_exercise.ranked), _facts(diagnostic.swot_ranked(swot)))
    assert swot_exercise.ranked.groupby("category").size().to_dict() == {
        "strength": 4,
        "weakness": 10,
        "opportunity": 7,
        "threat": 4,
    }
    assert swot_exercise.ranked.query("category == 'opportunity'").iloc[0]["swot_id"] == "S02"  # 12 votes
    # without the NGO, the social theme keeps a weakness (S11, 12 votes) and a threat (S25, 1 vote) and no support
    assert swot_exercise.gaps.to_dict("records") == [
        {"theme": "governance", "weakness": 2, "threat": 0, "votes": 15},
        {"theme": "social", "weakness": 1, "threat": 1, "votes": 13},
        {"theme": "environment", "weakness": 2, "threat": 1, "votes": 26},
    ]
    pd.testing.assert_frame_equal(swot_exercise.gaps, diagnostic.swot_gaps(swot))
    assert "gouvernance, social, environnement" in swot_exercise.gaps_view.value


def test_statements_left_unsorted_stay_out_of_the_matrix(swot_exercise):
    swot_exercise.categories[0].value = "opportunity"  # S18, 5 votes
    swot_exercise.categories[5].value = "weakness"  # S13, 4 votes, no theme yet
    swot_exercise.themes[5].value = "environment"
    swot_exercise.themes[7].value = "production"  # S01: a theme but no category
    swot_exercise.check()
    assert swot_exercise.score == {"statements": 25, "sorted": 1, "category_right": 2, "theme_right": 2}
    assert "Énoncés encore sans catégorie ou sans thème : 24." in swot_exercise.score_view.value
    assert list(swot_exercise.ranked["swot_id"]) == ["S13", "S18"]
    assert list(swot_exercise.gaps["theme"]) == ["environment"]


def test_english_exercise_translates_the_example_statements():
    exercise = swot_sorting_widget(example_path("fr"), lang="en")
    assert exercise.key["statement"].iloc[0] == "A public cluster support programme launched by the ministry"
    assert exercise.check_button.description == "Check"
    assert exercise.categories[0].options[1] == ("strength", "strength")
    exercise.reveal()
    assert exercise.score_view.value == "<p>Right categories: 25 out of 25. Right themes: 25 out of 25.</p>"
    assert "governance, environment" in exercise.gaps_view.value


def test_a_team_statement_is_never_replaced_by_the_example_translation():
    assert exercises.example_text("swot", "S01", "Nos tanneries", "en", "fr") == "Nos tanneries"
    assert (
        exercises.example_text(
            "swot", "S01", "Savoir-faire ancien des artisans dans la coupe et le montage", "en", "fr"
        )
        == "Long-standing craft skills in cutting and assembling"
    )
    assert exercises.example_text(
        "swot", "S01", "Savoir-faire ancien des artisans dans la coupe et le montage", "fr", "fr"
    ).startswith("Savoir-faire")


# -- prioritising actions ---------------------------------------------------------------------------
@pytest.fixture
def shortlist(example_workbook):
    return example_workbook["actions"].set_index("action_id").loc[list(EXAMPLE_SHORTLIST)].reset_index()


@pytest.fixture
def plan_exercise(example_workbook, shortlist):
    """As :func:`plan_prioritisation_widget` builds it, from the workbook read once."""
    return PlanPrioritisationExercise(
        shortlist,
        example_workbook["objectives"],
        "fr",
        "fr",
        orientation="pro_poor",
        horizon_years=4,
        start_date=example_workbook.cluster["start_date"],
    )


def test_sliders_start_at_the_team_scores_and_rank_as_priority_matrix_does(shortlist):
    plan_exercise = plan_prioritisation_widget(lang="fr")
    assert {a: (plan_exercise.impact[a].value, plan_exercise.feasibility[a].value) for a in EXAMPLE_SHORTLIST} == {
        "ACT02": (4, 5),
        "ACT03": (5, 3),
        "ACT05": (4, 5),
        "ACT07": (5, 3),
        "ACT10": (5, 2),
        "ACT13": (4, 3),
        "ACT21": (3, 2),
        "ACT22": (2, 5),
    }
    expected = plan.priority_matrix(shortlist)
    assert (
        list(plan_exercise.matrix["action_id"])
        == list(expected["action_id"])
        == ["ACT02", "ACT05", "ACT03", "ACT07", "ACT13", "ACT10", "ACT22", "ACT21"]
    )
    assert list(plan_exercise.matrix["rank"]) == [1, 1, 3, 3, 5, 6, 7, 8]
    assert plan_exercise.capacity.value == 6 and plan_exercise.warnings == []
    assert (
        "Actions en cours par année civile : 2025 : 4, 2026 : 4, 2027 : 6, 2028 : 2."
        in plan_exercise.warnings_view.value
    )


def test_moving_a_score_reranks_and_redraws(plan_exercise, shortlist):
    before = plan_exercise.chart.value
    plan_exercise.feasibility["ACT10"].value = 4  # the station gets its financing
    # 5 x 4 = 20, as ACT02 and ACT05, and its impact 5 breaks the tie
    row = plan_exercise.matrix.set_index("action_id").loc["ACT10"]
    assert (row["score"], row["quadrant"], row["rank"]) == (20, "do_first", 1)
    assert list(plan_exercise.matrix["action_id"].head(3)) == ["ACT10", "ACT02", "ACT05"]
    rescored = shortlist.assign(feasibility=shortlist["feasibility"].mask(shortlist["action_id"] == "ACT10", 4))
    pd.testing.assert_frame_equal(plan_exercise.matrix, plan.priority_matrix(rescored), check_dtype=False)
    view = plan_exercise.ranking_view.value
    assert view.index("Station collective de prétraitement") < view.index("Stand commun au salon")
    assert "à lancer en premier" in view and plan_exercise.chart.value != before


def test_capacity_slider_makes_the_warnings_appear_and_disappear(plan_exercise, example_workbook, shortlist):
    plan_exercise.capacity.value = 5
    assert [(w.key, w.values["year"], w.items) for w in plan_exercise.warnings] == [
        ("over_capacity", "2027", ("ACT03", "ACT07", "ACT10", "ACT13", "ACT21", "ACT22"))
    ]
    assert "Trop d'actions en 2027 : 6 en cours pour une capacité de 5." in plan_exercise.warnings_view.value
    plan_exercise.capacity.value = 3
    assert [w.values["year"] for w in plan_exercise.warnings] == ["2025", "2026", "2027"]
    expected = plan.plan_warnings(
        shortlist, example_workbook["objectives"], "pro_poor", 4, example_workbook.cluster["start_date"], 3
    )
    assert plan_exercise.warnings == expected
    plan_exercise.capacity.value = 0  # the check switched off
    assert plan_exercise.warnings == []
    assert "Aucun point d&#x27;attention" in plan_exercise.warnings_view.value


def test_english_prioritisation_and_a_team_shortlist():
    exercise = plan_prioritisation_widget(example_path("fr"), lang="en", action_ids=("ACT02", "ACT15"))
    assert list(exercise.actions["title"]) == [
        "Joint stand at the national footwear fair",
        "Mission de prospection commerciale en Europe",
    ]  # no translation
    assert (
        exercise.impact["ACT02"].description == "Impact" and exercise.feasibility["ACT02"].description == "Feasibility"
    )
    assert "Running actions per calendar year: 2025: 1." in exercise.warnings_view.value  # ACT15 was dropped
    assert "do first" in exercise.ranking_view.value
    with pytest.raises(ValueError, match="Actions absentes de la feuille « actions » : ACT99."):
        plan_prioritisation_widget(lang="fr", action_ids=("ACT02", "ACT99"))


# -- setting targets --------------------------------------------------------------------------------
EXPECTED_AT_MID_TERM = 730 / 1461  # 31 Dec 2024 to 31 Dec 2026, out of 31 Dec 2024 to 31 Dec 2028


@pytest.fixture
def targets_exercise(example_workbook):
    """As :func:`monitoring_targets_widget` builds it, from the workbook read once."""
    indicators = example_workbook["indicators"].set_index("indicator_id").loc[list(EXAMPLE_TARGETS)].reset_index()
    return MonitoringTargetsExercise(indicators, example_workbook["measurements"], "fr", "fr")


def _statuses(exercise):
    return dict(zip(exercise.progress["indicator_id"], exercise.progress["progress_status"]))


def test_targets_start_at_the_workbook_and_statuses_follow_progress_table(example_workbook):
    targets_exercise = monitoring_targets_widget(lang="fr")
    assert {i: s.value for i, s in targets_exercise.targets.items()} == {
        "I03": 25.0,
        "I09": 20.0,
        "I20": 2300.0,
        "I21": 140.0,
        "I22": 0.25,
    }
    slider = targets_exercise.targets["I22"]  # a share, shown as a percentage as French writes it
    assert slider.readout is False and slider.value == 0.25
    rows = targets_exercise.box.children[2:7]
    [target] = [box for row in rows for box in row.children if slider in getattr(box, "children", ())]
    assert target.children[1].value == "25,0\xa0%"
    slider.value = 0.24
    assert target.children[1].value == "24,0\xa0%"
    slider.value = 0.25
    assert {d.value for d in targets_exercise.dates.values()} == {dt.date(2028, 12, 31)}
    indicators = example_workbook["indicators"].set_index("indicator_id").loc[list(EXAMPLE_TARGETS)].reset_index()
    expected = monitoring.progress_table(indicators, example_workbook["measurements"])
    pd.testing.assert_frame_equal(targets_exercise.progress, expected, check_dtype=False)
    assert _statuses(targets_exercise) == {
        "I03": "achieved",
        "I09": "at_risk",
        "I20": "on_track",
        "I21": "at_risk",
        "I22": "at_risk",
    }
    assert targets_exercise.summary_view.value == (
        "<p>Statuts à la dernière mesure (31 déc. 2026) : cible atteinte 1, dans les temps 1, à surveiller 3.</p>"
    )
    assert "<td>15,0\xa0%</td><td>19,1\xa0%</td><td>25,0\xa0%</td>" in targets_exercise.table_view.value


def test_moving_targets_changes_progress_and_status(targets_exercise, example_workbook):
    before = targets_exercise.chart.value
    targets_exercise.targets["I03"].value = 60.0  # 31 firms so far: 31 / 60
    targets_exercise.targets["I21"].value = 125.0  # 95 to 110 EUR: 15 / 30
    targets_exercise.targets["I22"].value = 0.24  # 15.0 % to 19.1 %: 4.1 / 9 points
    progress = targets_exercise.progress.set_index("indicator_id")
    assert progress.loc[["I03", "I21", "I22"], "progress"].tolist() == pytest.approx([31 / 60, 0.5, 0.041 / 0.09])
    assert progress["expected_progress"].tolist() == pytest.approx([EXPECTED_AT_MID_TERM] * 5)
    # 0.4556 / 0.49966 = 0.912: on track
    assert _statuses(targets_exercise) == {
        "I03": "on_track",
        "I09": "at_risk",
        "I20": "on_track",
        "I21": "on_track",
        "I22": "on_track",
    }
    indicators = example_workbook["indicators"].set_index("indicator_id").loc[list(EXAMPLE_TARGETS)].reset_index()
    chosen = indicators.assign(
        target=indicators["indicator_id"].map({"I03": 60.0, "I21": 125.0, "I22": 0.24}).fillna(indicators["target"])
    )
    pd.testing.assert_frame_equal(
        targets_exercise.progress,
        monitoring.progress_table(chosen, example_workbook["measurements"]),
        check_dtype=False,
    )
    assert "dans les temps 4, à surveiller 1" in targets_exercise.summary_view.value
    assert targets_exercise.chart.value != before
    targets_exercise.targets["I20"].value = 1900.0  # the baseline: no path to follow
    assert _statuses(targets_exercise)["I20"] == "target_is_baseline"
    assert "cible égale à la référence" in targets_exercise.table_view.value


def test_a_later_target_date_lowers_the_expected_progress(targets_exercise):
    targets_exercise.dates["I09"].value = dt.date(2029, 12, 31)
    row = targets_exercise.progress.set_index("indicator_id").loc["I09"]
    assert row["expected_progress"] == pytest.approx(730 / 1826)
    assert row["progress_status"] == "at_risk"  # 0.30 / 0.40 = 0.75
    targets_exercise.dates["I09"].value = dt.date(2030, 12, 31)
    row = targets_exercise.progress.set_index("indicator_id").loc["I09"]
    assert row["expected_progress"] == pytest.approx(730 / 2191)
    assert row["progress_status"] == "on_track"  # 0.30 / 0.333 = 0.90
    targets_exercise.dates["I09"].value = None  # a cleared picker takes back the workbook's date
    assert targets_exercise.dates["I09"].value == dt.date(2028, 12, 31)
    assert _statuses(targets_exercise)["I09"] == "at_risk"


def test_slider_bounds_frame_baseline_target_and_latest_value():
    assert target_range(0, 25, 31) == (0.0, 62.0, 1.0)
    assert target_range(0.15, 0.25, 0.191) == (0.05, 0.35, 0.001)
    assert target_range(1900, 2300, 2085) == (1500.0, 2700.0, 10.0)
    assert target_range(4200, 1500, 3989) == (0.0, 6900.0, 100.0)  # an indicator that must fall
    assert target_range(-5, 5, None) == (-15.0, 15.0, 0.1)


def test_english_targets_use_the_catalogue_names():
    # a French workbook read in English: the catalogue's names; the English example keeps its team's names
    exercise = monitoring_targets_widget(example_path("fr"), lang="en", indicator_ids=EXAMPLE_TARGETS)
    assert exercise.names["I21"] == "Income generated for the poor"
    assert monitoring_targets_widget(lang="en").names["I21"] == "Average monthly income of home-based stitchers"
    assert exercise.targets["I21"].description == "Target"
    assert "<th>Status</th>" in exercise.table_view.value and "at risk" in exercise.table_view.value
    with pytest.raises(ValueError, match="Indicators missing from the “indicators” sheet: I99."):
        monitoring_targets_widget(lang="en", indicator_ids=("I99",))


# -- the notebooks ----------------------------------------------------------------------------------
def run_exercise(name):
    """Run an exercise notebook top to bottom; return what its folded solutions print and show.

    Every solution code cell must show one Accordion closed (``selected_index`` None), and every
    solution Markdown cell after the heading must be a closed ``<details>`` block.
    """
    notebook = nbformat.read(EXERCISES / name, as_version=4)
    NotebookClient(notebook, timeout=180, kernel_name="python3").execute()
    assert "application/vnd.jupyter.widget-view+json" in notebook.cells[1].outputs[0]["data"]
    state = notebook.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    solution = [c for c in notebook.cells if "solution" in c.metadata.get("tags", [])]
    assert solution[0].source.startswith("## Solution") and "jp-MarkdownHeadingCollapsed" not in solution[0].metadata
    assert all("solution" in c.metadata.get("tags", []) for c in notebook.cells[notebook.cells.index(solution[0]) :])
    for cell in solution[1:]:
        if cell.cell_type == "markdown":
            assert cell.source.startswith("<details>") and "<details open" not in cell.source
            continue
        [output] = cell.outputs
        panel = state[output["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]]
        assert panel["model_name"] == "AccordionModel" and panel["state"].get("selected_index") is None
    shown = []
    for model in state.values():
        if model["model_name"] == "OutputModel":
            for output in model["state"]["outputs"]:
                shown.append(output.get("text", ""))
        elif model["model_name"] == "HTMLModel":
            shown.append(model["state"].get("value", ""))
    return "".join(shown)


def test_swot_notebook_runs_top_to_bottom():
    shown = run_exercise("diagnostic_swot_sorting.ipynb")
    assert "ni force ni opportunité sur laquelle bâtir une réponse : gouvernance, environnement" in shown
    assert "<td>force</td>" in shown and "strength" not in shown  # the solution's table speaks French


def test_plan_notebook_runs_top_to_bottom():
    shown = run_exercise("plan_prioritisation.ipynb")
    assert "capacité 5 -> 2027 (6 actions)" in shown
    assert "ACT21 reportée d'un an, capacité 5 -> past_horizon ACT21" in shown  # past September 2028
    assert "ACT22 reportée d'un an, capacité 5 -> aucun avertissement" in shown
    assert "<td>à lancer en premier</td>" in shown and "quick_win" not in shown and "do_first" not in shown


def test_monitoring_notebook_runs_top_to_bottom():
    shown = run_exercise("monitoring_targets.ipynb")
    assert (
        "I21 : au rythme actuel 125 au 31 déc. 2028 ; dans les temps jusqu'à 128,4 ; en retard au-delà de 145" in shown
    )
    assert '">à surveiller</td>' in shown and "at_risk" not in shown  # the status cell, coloured


def test_joint_action_notebook_runs_top_to_bottom():
    shown = run_exercise("implementation_joint_action.ipynb")
    assert "<td>démarrage en retard</td>" in shown and "<td>échéance dépassée</td>" in shown
    assert "<td>27\u202f585</td>" in shown or "<td>27 585</td>" in shown


# -- the layout, the folded solutions and the dates, shared by every exercise ----------------------------
def test_every_exercise_uses_the_shared_layout(tmp_path):
    from clusterkit import questionnaire

    built = [
        swot_sorting_widget(),
        plan_prioritisation_widget(),
        monitoring_targets_widget(),
        joint_action_widget(),
        exercises.selection_weights_widget(draws=20),
        questionnaire.competency_form(questionnaire.practice_workbook(tmp_path)),
    ]
    for exercise in built:
        assert "ck-exercise" in exercise.box._dom_classes
        assert exercise.box.children[0].value == exercises.EXERCISE_CSS
    assert (
        "min-height: var(--jp-widgets-radio-item-height)" in exercises.EXERCISE_CSS
    )  # answer rows grow with their text
    assert "text-overflow: clip" in exercises.EXERCISE_CSS  # labels wrap instead of being cut


def test_a_folded_solution_is_closed_and_titled_in_the_language():
    panel = exercises.folded(pd.DataFrame({"a": [1]}), lang="en")
    assert panel.selected_index is None and panel.titles == ("Solution (click to open)",)
    assert "ck-solution" in panel._dom_classes
    assert exercises.folded(lang="fr").titles == ("Solution (cliquez pour l'ouvrir)",)


def test_solution_tables_translate_catalogue_values(shortlist):
    table = exercises.solution_table(
        plan.priority_matrix(shortlist)[["action_id", "kind", "quadrant"]],
        "en",
        enums={"kind": "action_kind", "quadrant": "plan_quadrant"},
    ).value
    assert "<td>quick win</td>" in table and "<td>do first</td>" in table and "quick_win" not in table


@pytest.mark.parametrize(
    "lang, text, expected",
    [
        ("fr", "31/12/2030", dt.date(2030, 12, 31)),
        ("fr", "1/2/2027", dt.date(2027, 2, 1)),
        ("fr", "31.12.2030", dt.date(2030, 12, 31)),
        ("fr", "12/31/2030", None),
        ("fr", "2030-12-31", None),
        ("en", "2030-12-31", dt.date(2030, 12, 31)),
        ("en", "12/31/2030", None),
        ("fr", "demain", None),
    ],
)
def test_dates_are_read_as_the_exercise_language_writes_them(lang, text, expected):
    assert exercises.parse_date(text, lang) == expected


def test_a_date_field_shows_reads_and_refuses_in_its_language():
    field = exercises.DateField(dt.date(2028, 12, 31), "fr", "Date cible")
    assert field.text.value == "31/12/2028" and field.text.placeholder == "jj/mm/aaaa"
    field.text.value = "30/06/2029"
    assert field.value == dt.date(2029, 6, 30) and field.message.value == ""
    field.text.value = "06/30/2029"  # as an English browser would write it
    assert field.value == dt.date(2029, 6, 30)
    assert (
        "« 06/30/2029 » n&#x27;est pas une date : écrivez-la jour/mois/année, par exemple 31/12/2028."
        in field.message.value
    )
    field.value = dt.date(2030, 1, 2)
    assert field.text.value == "02/01/2030"
    english = exercises.DateField(dt.date(2028, 12, 31), "en")
    assert english.text.value == "2028-12-31"
    english.text.value = "31/12/2028"
    assert "is not a date: write it year-month-day, for example 2028-12-31." in english.message.value


def test_typing_a_target_date_moves_the_expected_progress(targets_exercise):
    targets_exercise.dates["I09"].text.value = "31/12/2030"
    assert targets_exercise.progress.set_index("indicator_id").loc["I09", "expected_progress"] == pytest.approx(
        730 / 2191
    )
    targets_exercise.dates["I09"].text.value = "31/12/2024"  # before the baseline's day after: the workbook's date
    assert targets_exercise.dates["I09"].value == dt.date(2028, 12, 31)


def test_share_indicators_are_written_as_percentages_on_the_chart_axis_too(targets_exercise):
    assert (
        targets_exercise.written("I22", 0.191) == "19,1\xa0%" and targets_exercise.written("I22", 0.16) == "16,0\xa0%"
    )
    assert targets_exercise.written("I20", 2085.0) == "2\u202f085"
    assert monitoring_targets_widget(lang="en").written("I22", 0.191) == "19.1%"


# -- launching a joint action ----------------------------------------------------------------------------
def test_degressive_schedule_splits_the_budget_by_action_year():
    schedule = exercises.degressive_schedule(68_900, "2027-02-01", "2028-07-31", 0.6, 0.2)
    # 1 Feb 2027 - 31 Jan 2028: 365 days; 1 Feb - 31 Jul 2028: 182 days (a leap February)
    assert list(schedule["start"].dt.strftime("%Y-%m-%d")) == ["2027-02-01", "2028-02-01"]
    assert list(schedule["end"].dt.strftime("%Y-%m-%d")) == ["2028-01-31", "2028-07-31"]
    assert schedule["budget"].tolist() == pytest.approx([68_900 * 365 / 547, 68_900 * 182 / 547])
    assert schedule["fund_share"].tolist() == pytest.approx([0.6, 0.4])
    assert schedule["fund"].tolist() == pytest.approx([27_585.19, 9_169.87], abs=0.01)
    assert schedule["local"].sum() == pytest.approx(68_900 - 27_585.19 - 9_169.87, abs=0.02)
    steep = exercises.degressive_schedule(30_000, "2025-01-01", "2027-12-31", 0.5, 0.3)
    assert steep["fund_share"].tolist() == pytest.approx([0.5, 0.2, 0.0])  # never below nothing
    assert steep["local_share"].tolist() == pytest.approx([0.5, 0.8, 1.0])


def test_joint_action_starts_overdue_then_launches_then_runs_late():
    exercise = joint_action_widget(lang="fr")
    assert exercise.action["action_id"] == "ACT19" and exercise.status.value == "planned"
    assert exercise.situation["state"] == "start_overdue" and exercise.situation["days_late"] == 58
    assert (
        "Au 31 mars 2027, situation de l&#x27;action : démarrage en retard. 58 jours de retard."
        in exercise.situation_view.value
    )
    assert (
        "le fonds apporte 36\u202f755 € (53\xa0%) et les entreprises 32\u202f145 € (47\xa0%) ; la part locale "
        "passe de 40\xa0% la première année à 60\xa0% la dernière."
    ) in exercise.summary_view.value
    before = exercise.chart.value
    exercise.status.value = "ongoing"
    assert exercise.situation["state"] == "ongoing" and "en cours, dans les délais" in exercise.situation_view.value
    exercise.first_share.value = 0.7
    assert exercise.schedule["local_share"].tolist() == pytest.approx([0.3, 0.5])
    assert exercise.chart.value != before
    exercise.follow_up.text.value = "30/09/2028"
    assert exercise.situation["state"] == "late" and exercise.situation["days_late"] == 61
    exercise.end.text.value = "01/01/2027"  # before the start: said, and the table kept
    assert "La fin doit venir après le début" in exercise.summary_view.value
    assert exercise.schedule["local_share"].tolist() == pytest.approx([0.3, 0.5])


def test_english_joint_action_and_an_unknown_action():
    exercise = joint_action_widget(lang="en")
    assert (
        exercise.action["title"] == "Groupement d'employeurs pour les techniciens de maintenance"
        or exercise.action["title"]
    )
    assert (
        "On Mar 31, 2027, the action's situation: start overdue. 58 days late."
        in exercise.situation_view.value.replace("&#x27;", "'")
    )
    assert "<th>Fund share</th>" in exercise.table_view.value and "60%" in exercise.table_view.value
    assert exercise.start.text.value == "2027-02-01"
    with pytest.raises(ValueError, match="Action missing from the “actions” sheet: ACT99."):
        joint_action_widget(lang="en", action_id="ACT99")


# -- the self-assessment ---------------------------------------------------------------------------------
def test_a_lone_self_assessment_is_described_as_such(tmp_path, monkeypatch):
    from clusterkit import questionnaire
    from clusterkit.documents.report import Report

    workbook = questionnaire.practice_workbook(tmp_path)
    assert workbook.parent == tmp_path and list(tmp_path.iterdir()) == [workbook]
    form = questionnaire.competency_form(workbook, lang="fr", person="Awa Diallo")
    assert f"Les évaluations sont enregistrées dans le classeur {workbook.resolve()}." in form.box.children[1].value
    form.levels["coaching"].value = 3
    assert form.submit() == 1
    said = []
    monkeypatch.setattr(Report, "text", lambda self, key, **values: said.append(key))
    questionnaire.show_profile(workbook, "Awa Diallo", lang="fr")
    assert "competency.blind_spots.self_only" in said and "competency.blind_spots.none" not in said
    said.clear()
    questionnaire.show_profile(workbook, "Thomas Mérel", lang="fr")  # rated by a peer and a trainer too
    assert "competency.blind_spots.text" in said and "competency.blind_spots.self_only" not in said


def test_the_practice_workbook_goes_to_a_temporary_folder_by_default(monkeypatch, tmp_path):
    from clusterkit import questionnaire

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    path = questionnaire.practice_workbook()
    assert path == tmp_path / "clusterkit-practice" / "practice_cluster.xlsx" and path.exists()
