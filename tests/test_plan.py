"""Step 3, the action plan, on four actions worked out by hand."""

import re

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from clusterkit.steps import plan

D = pd.Timestamp

# Four actions over 2025-2027. Hand-computed expectations are in the tests below.
ACTIONS = pd.DataFrame(
    {
        "action_id": ["A1", "A2", "A3", "A4"],
        "objective_id": ["O1", "O1", "O2", "O2"],
        "title": ["Stand commun", "Marque collective", "Caution mutuelle", "Recyclage des chutes"],
        "kind": ["quick_win", "structuring", "quick_win", "structuring"],
        "domain": ["commercial", "commercial", "finance", "environment"],
        "scope": ["firm_group", "whole_cluster", "firm_group", "whole_cluster"],
        "lead": ["X1", "X2", "Atelier Sow", "X2"],
        "partners": ["X2; X3", pd.NA, "X1", pd.NA],
        "start": pd.to_datetime(["2025-01-01", "2025-03-01", "2026-02-01", "2026-07-01"]),
        "end": pd.to_datetime(["2025-06-30", "2026-12-31", "2026-04-30", "2027-06-30"]),
        "budget": [10_000.0, 100_000.0, 5_000.0, 40_000.0],
        "cofinancing_rate": [0.8, 0.5, np.nan, 0.6],
        "impact": pd.array([4, 5, 2, 3], dtype="Int64"),
        "feasibility": pd.array([5, 2, 4, 3], dtype="Int64"),
        "status": ["done", "ongoing", "planned", "planned"],
        "plan_year": pd.array([1, 1, pd.NA, 2], dtype="Int64"),  # A3's year comes from its start: 2026 -> 2
        "swot_refs": ["S1", "S1; S2", pd.NA, "S9"],
    }
)
OBJECTIVES = pd.DataFrame(
    {
        "objective_id": ["O1", "O2", "O3"],
        "statement": ["Vendre plus", "Financer les ateliers", "Former les jeunes"],
        "gender_objective": pd.array([False, pd.NA, False], dtype="boolean"),
    }
)
SWOT = pd.DataFrame(
    {
        "category": ["weakness", "threat", "weakness", "strength"],
        "statement": ["Pas de marque", "Importations", "Jeunes qui partent", "Savoir-faire"],
        "theme": ["marketing", "marketing", "social", "skills"],
        "swot_id": ["S1", "S2", "S3", "S4"],
    }
)
ACTORS = pd.DataFrame(
    {
        "actor_id": ["X1", "X2", "X3"],
        "name": ["Association A", "Commune B", "Banque C"],
        "type": ["association", "public_institution", "financial_institution"],
        "level": ["meso", "meso", "meso"],
    }
)


# -- prioritisation ----------------------------------------------------------------------------
def test_priority_matrix_quadrants_scores_and_ranks():
    matrix = plan.priority_matrix(ACTIONS).set_index("action_id")
    # A1 4x5=20 high/high; A2 5x2=10 high impact only; A3 2x4=8 high feasibility only; A4 3x3=9 neither
    assert matrix["quadrant"].to_dict() == {
        "A1": "do_first",
        "A2": "plan_carefully",
        "A4": "reconsider",
        "A3": "easy_gains",
    }
    assert matrix["score"].to_dict() == {"A1": 20, "A2": 10, "A4": 9, "A3": 8}
    assert list(matrix.index) == ["A1", "A2", "A4", "A3"]
    assert matrix["rank"].tolist() == [1, 2, 3, 4]


def test_priority_threshold_moves_actions_between_quadrants():
    matrix = plan.priority_matrix(ACTIONS, threshold=3).set_index("action_id")
    assert matrix.loc["A4", "quadrant"] == "do_first"  # 3 now counts as high


def test_equal_scores_rank_by_impact_and_equal_pairs_share_a_rank():
    frame = ACTIONS.assign(
        impact=pd.array([2, 5, 5, 2], dtype="Int64"), feasibility=pd.array([5, 2, 2, 5], dtype="Int64")
    )
    matrix = plan.priority_matrix(frame).set_index("action_id")
    # all score 10; A2 and A3 (impact 5) share rank 1, A1 and A4 (impact 2) share rank 3
    assert matrix["rank"].to_dict() == {"A2": 1, "A3": 1, "A1": 3, "A4": 3}


def test_exercise_of_the_plan_chapter():
    """The solution of exercise ex-plan-1 in book/fr/plan.md."""
    pots = pd.DataFrame(
        {
            "action_id": list("ABCDEF"),
            "title": list("ABCDEF"),
            "kind": ["quick_win", "structuring", "quick_win", "structuring", "quick_win", "quick_win"],
            "impact": pd.array([4, 5, 3, 5, 2, 4], dtype="Int64"),
            "feasibility": pd.array([5, 2, 4, 3, 4, 4], dtype="Int64"),
        }
    )
    matrix = plan.priority_matrix(pots).set_index("action_id")
    assert matrix["score"].to_dict() == {"A": 20, "F": 16, "D": 15, "C": 12, "B": 10, "E": 8}
    assert matrix["rank"].to_dict() == {"A": 1, "F": 2, "D": 3, "C": 4, "B": 5, "E": 6}
    assert matrix.loc[["C", "E"], "quadrant"].eq("easy_gains").all()
    marque = pd.DataFrame(
        {
            "action_id": ["D"],
            "start": [D("2026-01-01")],
            "budget": [40_000.0],
            "plan_year": pd.array([2], dtype="Int64"),
        }
    )
    year2 = plan.budget_by(plan.apply_subsidy_schedule(marque, [0.75, 0.6, 0.5]), "plan_year")
    assert year2.loc[0, ["fund", "local"]].tolist() == pytest.approx([24_000, 16_000])


def test_priority_figure_places_each_action_and_names_the_quadrants():
    matrix = plan.priority_matrix(ACTIONS)
    labels = {q: q.upper() for q in plan.QUADRANTS}
    fig = plan.priority_figure(matrix, labels, {"quick_win": "QW", "structuring": "ST"}, "F", "I")
    ax = fig.axes[0]
    texts = {t.get_text() for t in ax.texts}
    assert set(labels.values()) <= texts and {"A1", "A2", "A3", "A4"} <= texts
    points = np.vstack([c.get_offsets() for c in ax.collections])
    assert sorted(map(tuple, points)) == sorted([(5, 4), (2, 5), (4, 2), (3, 3)])  # no two at one place
    plt.close(fig)


# -- linkage -----------------------------------------------------------------------------------
def test_linkage_problems_name_every_break_in_the_chain():
    actions = ACTIONS.assign(objective_id=["O1", "O1", "O2", "O9"])
    problems = plan.linkage_problems(actions, OBJECTIVES, SWOT)
    assert list(problems.itertuples(index=False, name=None)) == [
        ("action_without_objective", "A4", "Recyclage des chutes"),
        ("objective_without_action", "O3", "Former les jeunes"),
        ("swot_ref_unknown", "A4", "S9"),
        ("swot_not_addressed", "S3", "Jeunes qui partent"),  # S4 is a strength: not checked
    ]


def test_swot_checks_need_swot_ids():
    problems = plan.linkage_problems(ACTIONS, OBJECTIVES, SWOT.drop(columns="swot_id"))
    assert problems["check"].tolist() == ["objective_without_action"]


def test_coverage_tables():
    objectives = plan.objective_coverage(ACTIONS, OBJECTIVES).set_index("objective_id")
    assert objectives["actions"].to_dict() == {"O1": 2, "O2": 2, "O3": 0}
    assert objectives.loc["O2", "budget"] == 45_000
    swot = plan.swot_coverage(ACTIONS, SWOT).set_index("swot_id")
    assert swot["actions"].to_dict() == {"S1": 2, "S2": 1, "S3": 0}
    assert swot.loc["S1", "action_ids"] == "A1, A2"


# -- warnings ----------------------------------------------------------------------------------
def keys(warnings):
    return [w.key for w in warnings]


def test_a_sound_plan_has_no_warning():
    objectives = OBJECTIVES.assign(gender_objective=pd.array([False, True, False], dtype="boolean"))
    assert plan.plan_warnings(ACTIONS, objectives, "pro_poor", 3, D("2025-01-01"), capacity=3) == []


def test_no_quick_win_in_the_first_year():
    late_win = ACTIONS.assign(plan_year=pd.array([2, 1, pd.NA, 2], dtype="Int64"))  # A1 moved to year 2
    assert keys(plan.plan_warnings(late_win, OBJECTIVES)) == ["no_quick_win_first_year"]
    assert plan.plan_warnings(ACTIONS, OBJECTIVES) == []


def test_no_gender_objective_only_for_a_pro_poor_cluster():
    assert keys(plan.plan_warnings(ACTIONS, OBJECTIVES, "pro_poor")) == ["no_gender_objective"]
    assert plan.plan_warnings(ACTIONS, OBJECTIVES, "competitiveness") == []
    assert plan.plan_warnings(ACTIONS, OBJECTIVES.drop(columns="gender_objective"), None) == []


@pytest.mark.parametrize("blank", ["", "   ", pd.NA])
def test_action_with_no_lead(blank):
    frame = ACTIONS.assign(lead=["X1", blank, "Atelier Sow", "X2"])
    (warning,) = plan.plan_warnings(frame, OBJECTIVES)
    assert (warning.key, warning.items) == ("no_lead", ("A2",))


def test_actions_past_the_vision_horizon_and_its_edge():
    # A4 ends 2027-06-30: a 3-year horizon from 2024-06-30 closes on that very day, so it is not past
    assert plan.plan_warnings(ACTIONS, OBJECTIVES, horizon_years=3, start_date=D("2024-06-30")) == []
    (warning,) = plan.plan_warnings(ACTIONS, OBJECTIVES, horizon_years=3, start_date=D("2024-06-29"))
    assert (warning.key, warning.items) == ("past_horizon", ("A4",))
    assert warning.values_for("fr") == {"actions": "A4", "horizon_end": "29 juin 2027", "horizon_years": "3"}
    # without a start date, the horizon runs from the plan's first start (2025-01-01 + 2 = 2027-01-01)
    (warning,) = plan.plan_warnings(ACTIONS, OBJECTIVES, horizon_years=2)
    assert warning.items == ("A4",) and warning.values["horizon_end"] == D("2027-01-01")
    assert plan.horizon_end(None, D("2024-01-01"), ACTIONS) is None


def test_more_running_actions_than_capacity():
    # running: 2025 A1, A2; 2026 A2, A3, A4; 2027 A4
    load = plan.yearly_load(ACTIONS)
    assert load.to_dict("list") == {"year": [2025, 2026, 2027], "running": [2, 3, 1], "starting": [2, 2, 0]}
    (warning,) = plan.plan_warnings(ACTIONS, OBJECTIVES, capacity=2)
    assert warning.key == "over_capacity" and warning.items == ("A2", "A3", "A4")
    assert warning.values == {"year": "2026", "count": 3, "capacity": 2}
    assert plan.plan_warnings(ACTIONS, OBJECTIVES, capacity=0) == []  # 0 switches the check off
    dropped = ACTIONS.assign(status=["done", "ongoing", "dropped", "planned"])
    assert plan.plan_warnings(dropped, OBJECTIVES, capacity=2) == []  # a dropped action takes no work


# -- annual plan -------------------------------------------------------------------------------
def test_gantt_layout_groups_by_domain_in_the_typology_order():
    layout = plan.gantt_layout(ACTIONS)
    assert layout["line"].tolist() == ["domain", "action", "action", "domain", "action", "domain", "action"]
    assert layout["domain"].tolist() == ["commercial"] * 3 + ["finance"] * 2 + ["environment"] * 2
    assert layout["action_id"].dropna().tolist() == ["A1", "A2", "A3", "A4"]
    # Jan-Jun 2025 = 181 days; 1 Mar 2025 - 31 Dec 2026 = 306 + 365; Feb-Apr 2026 = 89; Jul 2026 - Jun 2027 = 365
    assert layout["days"].dropna().tolist() == [181, 671, 89, 365]


def test_gantt_figure_draws_each_bar_from_start_to_end():
    layout = plan.gantt_layout(ACTIONS)
    fig = plan.gantt_figure(
        layout,
        "kind",
        {"quick_win": "QW", "structuring": "ST"},
        plan.KIND_COLOURS,
        {d: d.upper() for d in layout["domain"]},
        marker=D("2026-06-30"),
        marker_label="today",
    )
    ax = fig.axes[0]
    bars = {(round(p.get_y() + p.get_height() / 2), round(p.get_x()), round(p.get_width())) for p in ax.patches}
    expected = {
        (1, mdates.date2num(D("2025-01-01")), 181),
        (2, mdates.date2num(D("2025-03-01")), 671),
        (4, mdates.date2num(D("2026-02-01")), 89),
        (6, mdates.date2num(D("2026-07-01")), 365),
    }
    assert bars == {(y, round(x), w) for y, x, w in expected}
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks[0] == "COMMERCIAL" and ticks[1].startswith("A1 Stand commun")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["today", "QW", "ST"]
    plt.close(fig)


def test_responsibilities_name_the_actors_and_keep_other_text():
    table = plan.responsibilities(ACTIONS, ACTORS).set_index("action_id")
    assert table.loc["A1", "lead"] == "Association A"
    assert table.loc["A1", "partners"] == "Commune B; Banque C"
    assert table.loc["A3", "lead"] == "Atelier Sow"  # not an actor id: shown as written
    assert pd.isna(table.loc["A2", "partners"])
    assert plan.responsibilities(ACTIONS).loc[0, "lead"] == "X1"  # no actors sheet: the ids


def test_who_does_what_by_actor():
    table = plan.who_does_what(ACTIONS, ACTORS).set_index("actor")
    assert list(table.index) == ["Commune B", "Association A", "Atelier Sow", "Banque C"]
    assert table.loc["Commune B"].tolist() == ["A2, A4", "A1", 3]
    assert table.loc["Association A"].tolist() == ["A1", "A3", 2]
    assert pd.isna(table.loc["Banque C", "leads"])


# -- budget ------------------------------------------------------------------------------------
def test_plan_years_fill_the_missing_ones_from_the_start_year():
    assert plan.plan_years(ACTIONS).tolist() == [1, 1, 2, 2]
    assert plan.actions_of_year(ACTIONS, 2)["action_id"].tolist() == ["A3", "A4"]
    assert len(plan.actions_of_year(ACTIONS, 0)) == 4


def test_budget_by_plan_year_domain_and_objective():
    years = plan.budget_by(ACTIONS, "plan_year").set_index("plan_year")
    # year 1: A1 10 000 at 80 % + A2 100 000 at 50 %; year 2: A3 5 000 with no rate + A4 40 000 at 60 %
    assert years.loc[1, ["actions", "budget", "fund", "local"]].tolist() == [2, 110_000, 58_000, 52_000]
    assert years.loc[2, ["actions", "budget", "fund", "local"]].tolist() == [2, 45_000, 24_000, 21_000]
    assert years.loc["total", ["budget", "fund", "local"]].tolist() == [155_000, 82_000, 73_000]
    assert years.loc["total", "fund_share"] == pytest.approx(82_000 / 155_000)
    domains = plan.budget_by(ACTIONS, "domain")
    assert domains["domain"].tolist() == ["commercial", "finance", "environment", "total"]
    assert domains["fund"].tolist() == [58_000, 0, 24_000, 82_000]
    objectives = plan.budget_by(ACTIONS, "objective_id").set_index("objective_id")
    assert objectives.loc["O2", "budget"] == 45_000


def test_falling_subsidy_schedule_replaces_the_rates_by_plan_year():
    scheduled = plan.apply_subsidy_schedule(ACTIONS, [0.75, 0.6])
    assert scheduled["cofinancing_rate"].tolist() == [0.75, 0.75, 0.6, 0.6]
    table = plan.subsidy_schedule(ACTIONS, [0.75, 0.6]).set_index("plan_year")
    # year 1: 110 000 x 75 % = 82 500, local 27 500; year 2: 45 000 x 60 % = 27 000, local 18 000
    assert table.loc[1, ["fund", "local", "local_share"]].tolist() == pytest.approx([82_500, 27_500, 0.25])
    assert table.loc[2, ["fund", "local", "local_share"]].tolist() == pytest.approx([27_000, 18_000, 0.4])
    assert table.loc[1, "workbook_share"] == pytest.approx(58_000 / 110_000)
    # the fund pays nothing after the schedule's last year
    assert plan.apply_subsidy_schedule(ACTIONS, [0.75])["cofinancing_rate"].tolist() == [0.75, 0.75, 0, 0]
    assert plan.apply_subsidy_schedule(ACTIONS, []) is ACTIONS
    with pytest.raises(ValueError, match=r"between 0 and 1, got \[1.2\]"):
        plan.apply_subsidy_schedule(ACTIONS, [1.2, 0.5])


def test_actions_table_is_ordered_by_plan_year_and_start():
    table = plan.actions_table(ACTIONS, ACTORS)
    assert table["action_id"].tolist() == ["A1", "A2", "A3", "A4"]
    assert table.loc[1, "lead"] == "Commune B" and table.loc[3, "fund"] == 24_000


def test_the_example_plan_is_coherent_with_its_teaching_points(example_workbook):
    wb = example_workbook
    problems = plan.linkage_problems(wb["actions"], wb["objectives"], wb["swot"])
    assert set(problems["check"]) == {"swot_not_addressed"}  # the social weaknesses, left open on purpose
    warnings = plan.plan_warnings(
        wb["actions"],
        wb["objectives"],
        wb.cluster["orientation"],
        int(wb["vision"].loc[0, "horizon_years"]),
        wb.cluster["start_date"],
        10,
    )
    assert set(keys(warnings)) <= {"past_horizon", "over_capacity"}


# -- documents ---------------------------------------------------------------------------------
CLUSTER = {"name": "Cluster test", "currency": "EUR", "orientation": "pro_poor"}
VISION = {"statement": "Vendre sous une marque commune.", "horizon_years": 3}


def write_plan(tmp_path, lang, **kwargs):
    from clusterkit.documents import docx as docx_report

    return docx_report.write_action_plan(
        tmp_path / "plan.docx",
        lang=lang,
        cluster=CLUSTER,
        vision=VISION,
        actions=ACTIONS,
        objectives=OBJECTIVES,
        actors=ACTORS,
        horizon_end=D("2028-01-01"),
        **kwargs,
    )


@pytest.mark.parametrize(
    "lang, headings, actions_header",
    [
        (
            "fr",
            ["Plan d'action — Cluster test", "Vision", "Objectifs", "Actions", "Calendrier", "Budget", "Qui fait quoi"],
            [
                "Année du plan",
                "Action",
                "Intitulé",
                "Objectif",
                "Nature",
                "Domaine",
                "Chef de file",
                "Début",
                "Fin",
                "Budget",
                "Fonds d'appui",
            ],
        ),
        (
            "en",
            ["Action plan — Cluster test", "Vision", "Objectives", "Actions", "Calendar", "Budget", "Who does what"],
            [
                "Plan year",
                "Action",
                "Title",
                "Objective",
                "Kind",
                "Domain",
                "Lead",
                "Start",
                "End",
                "Budget",
                "Support fund",
            ],
        ),
    ],
)
def test_action_plan_docx_reopens_with_its_headings_and_tables(tmp_path, lang, headings, actions_header):
    from docx import Document

    document = Document(write_plan(tmp_path, lang))
    titles = [p.text for p in document.paragraphs if p.style.name in ("Title", "Heading 1")]
    assert titles == headings
    assert document.core_properties.language == lang
    objectives, actions, by_year, by_domain, by_objective, who, by_actor = document.tables
    assert [c.text for c in actions.rows[0].cells] == actions_header
    assert len(actions.rows) == 1 + 4 and len(objectives.rows) == 1 + 3 and len(by_actor.rows) == 1 + 4
    first = [c.text for c in actions.rows[1].cells]
    assert first[:3] == ["1", "A1", "Stand commun"] and first[6] == "Association A"
    assert first[9] == ("10\u202f000\u00a0EUR" if lang == "fr" else "10,000\u00a0EUR")
    assert first[7] == ("1er janv. 2025" if lang == "fr" else "Jan 1, 2025")
    total = [c.text for c in by_year.rows[-1].cells]
    assert total[0] == ("Total") and total[-1] == ("53\xa0%" if lang == "fr" else "53%")  # 82 000 / 155 000
    assert [c.text for c in who.rows[3].cells][2] == "Atelier Sow"
    assert len(document.inline_shapes) == 1  # the Gantt chart
    assert not [p.text for p in document.paragraphs if p.style.name == "List Bullet"]  # no advice to the team


@pytest.mark.parametrize(
    "lang, title, start",
    [
        ("fr", "Points d'attention du plan d'action — Cluster test", "Pas d'objectif de genre."),
        ("en", "Action plan: points to watch — Cluster test", "No gender objective."),
    ],
)
def test_the_points_to_watch_go_to_the_teams_working_note(tmp_path, lang, title, start):
    from docx import Document

    from clusterkit.documents import docx as docx_report

    warnings = plan.plan_warnings(ACTIONS, OBJECTIVES, "pro_poor")
    document = Document(
        docx_report.write_team_notes(tmp_path / "notes.docx", lang=lang, cluster=CLUSTER, warnings=warnings)
    )
    assert document.paragraphs[0].text == title
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert len(bullets) == 1 and bullets[0].startswith(start) and "<strong>" not in bullets[0]
    sound = Document(docx_report.write_team_notes(tmp_path / "sound.docx", lang=lang, cluster=CLUSTER, warnings=[]))
    assert sound.paragraphs[-1].text.startswith("Aucun point d'attention" if lang == "fr" else "Nothing to watch")


def test_action_plan_docx_for_one_year(tmp_path):
    from docx import Document

    document = Document(write_plan(tmp_path, "fr", year=2))
    assert document.paragraphs[0].text == "Plan d'action, année 2 — Cluster test"
    actions = document.tables[1]
    assert [row.cells[1].text for row in actions.rows[1:]] == ["A3", "A4"]


def test_action_plan_xlsx_keeps_numbers_and_never_makes_formulas(tmp_path):
    import openpyxl

    from clusterkit.documents import xlsx

    hostile = ACTIONS.assign(title=['=HYPERLINK("http://x")', "Marque", "Caution", "Recyclage"])
    path = xlsx.write_action_plan_xlsx(
        tmp_path / "plan.xlsx", lang="fr", vision=VISION, actions=hostile, objectives=OBJECTIVES, actors=ACTORS
    )
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        "Vision",
        "Objectifs et actions",
        "Actions du plan",
        "Budget par année du plan",
        "Budget par domaine",
        "Budget par objectif",
        "Qui fait quoi, par action",
        "Qui fait quoi, par acteur",
    ]
    actions = book["Actions du plan"]
    assert actions["C2"].value == '=HYPERLINK("http://x")' and actions["C2"].data_type == "s"
    assert actions["J2"].value == 10_000 and actions["E2"].value == "gain rapide"
    assert actions["H2"].value.date() == D("2025-01-01").date()
    assert book["Vision"]["A2"].value == VISION["statement"]


def test_docx_text_drops_characters_xml_refuses():
    from clusterkit.documents.docx import clean

    assert clean("a\x00b\x0bc\td\ne") == "abc\td\ne"


def test_a_year_with_no_action_is_a_clear_error():
    with pytest.raises(ValueError, match="no action in plan year 5; the plan's years are 1, 2"):
        plan.actions_of_year(ACTIONS, 5)


def test_every_key_of_the_step_vocabulary_has_its_message():
    from clusterkit import i18n
    from clusterkit.steps import implementation

    for enum, values in (
        ("plan_quadrant", plan.QUADRANTS),
        ("plan_check", plan.LINKAGE_CHECKS),
        ("implementation_state", implementation.STATES),
    ):
        assert all(i18n.has(f"enum.{enum}.{v}") for v in values), enum
    assert all(i18n.has(f"plan.warning.{key}") for key in plan.WARNINGS)
    # every warning message cites its source
    # each warning cites its source for readers: author and year, never a line number
    cited = re.compile(r"(AFD|ONUDI|UNIDO|Ceglie|CNUCED|UNCTAD)[^()]*\b(19|20)\d\d\b")
    texts = [i18n.t(f"plan.warning.{key}", lang) for key in plan.WARNINGS for lang in ("fr", "en")]
    assert all(cited.search(text) and "l. " not in text for text in texts)
