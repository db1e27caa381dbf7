"""The seeded example workbook and the synthetic benchmark workbooks."""

import re
import time

import numpy as np
import pandas as pd
import pytest

from clusterkit.examples import SKILLS, build_example, build_synthetic

# Column keys and enumerations as /work/shared/workbook-contract.md writes them.
COLUMNS = {
    "cluster": ["key", "value"],
    "employment": ["region", "sector", "year", "employment", "establishments"],
    "candidates": ["candidate_id", "name", "region", "sector"],  # then one column per criterion
    "criteria": ["criterion", "label", "weight", "direction", "min_threshold", "group"],
    "enterprises": [
        "enterprise_id",
        "name",
        "role",
        "employees",
        "employees_women",
        "owner_gender",
        "owner_stratum",
        "year_founded",
        "turnover",
        "export_share",
        "main_product",
        "market_segment",
        "association_member",
    ],
    "actors": ["actor_id", "name", "type", "level"],
    "relations": ["source", "target", "relation_type", "intensity", "formal", "survey_round"],
    "swot": ["category", "statement", "theme", "votes"],
    "services": ["provider", "service", "users", "satisfaction", "cost_recovery"],
    "vision": ["statement", "horizon_years"],
    "objectives": ["objective_id", "statement", "gender_objective"],
    "actions": [
        "action_id",
        "objective_id",
        "title",
        "kind",
        "domain",
        "scope",
        "lead",
        "partners",
        "start",
        "end",
        "budget",
        "cofinancing_rate",
        "impact",
        "feasibility",
        "status",
        "spent",
        "plan_year",
    ],
    "indicators": [
        "indicator_id",
        "name",
        "level",
        "dimension",
        "battery",
        "unit",
        "baseline",
        "baseline_date",
        "target",
        "target_date",
        "source",
        "frequency",
        "responsible",
        "disaggregation",
        "action_id",
    ],
    "measurements": ["indicator_id", "date", "value", "group", "note"],
    "competencies": ["person", "date", "assessor", "competency", "skill", "score", "evidence"],
    "narratives": ["section", "text"],
}
SHEETS = list(COLUMNS)

ENUMS = {
    ("criteria", "direction"): {"higher_better", "lower_better"},
    ("criteria", "group"): {"economic", "pro_poor", "institutional", "environment"},
    ("enterprises", "role"): {"lead_firm", "producer", "supplier", "subcontractor", "service_provider", "trader"},
    ("enterprises", "owner_gender"): {"f", "m", "mixed"},
    ("enterprises", "market_segment"): {"local", "national", "regional", "international"},
    ("actors", "type"): {
        "enterprise",
        "association",
        "public_institution",
        "bds_provider",
        "financial_institution",
        "training_research",
        "buyer",
        "ngo",
        "other",
    },
    ("actors", "level"): {"micro", "meso", "macro"},
    ("relations", "relation_type"): {
        "supply",
        "subcontracting",
        "information",
        "joint_action",
        "service",
        "finance",
        "training",
        "governance",
    },
    ("swot", "category"): {"strength", "weakness", "opportunity", "threat"},
    ("swot", "theme"): {
        "production",
        "marketing",
        "finance",
        "skills",
        "governance",
        "social",
        "environment",
        "institutions",
    },
    ("actions", "kind"): {"quick_win", "structuring"},
    ("actions", "domain"): {
        "information",
        "commercial",
        "innovation",
        "human_resources",
        "procurement",
        "finance",
        "production",
        "international",
        "infrastructure",
        "environment",
    },
    ("actions", "scope"): {"firm_group", "whole_cluster"},
    ("actions", "status"): {"planned", "ongoing", "done", "dropped"},
    ("indicators", "level"): {"activity", "output", "outcome", "impact"},
    ("indicators", "dimension"): {"extension", "efficiency", "effectiveness", "sustainability"},
    ("indicators", "battery"): {"competitiveness", "pro_poor", "governance", "joint_action", "network", "institution"},
    ("competencies", "assessor"): {"self", "peer", "trainer"},
    ("competencies", "competency"): {"facilitator", "coach", "project_manager"},
    ("narratives", "section"): {"context", "history", "system", "business", "social", "organisation", "social_capital"},
}
BOOLEANS = [("enterprises", "association_member"), ("relations", "formal"), ("objectives", "gender_objective")]
DATES = [
    ("actions", "start"),
    ("actions", "end"),
    ("indicators", "baseline_date"),
    ("indicators", "target_date"),
    ("measurements", "date"),
    ("competencies", "date"),
]
SMALL = dict(n_firms=500, n_indicators=30, n_rounds=6, n_regions=20, n_sectors=10, n_years=5, n_candidates=50)


@pytest.fixture(scope="module")
def example():
    return build_example()


def within(series, low, high):
    return bool(series.between(low, high).all())


def check_workbook(wb):
    """Every identity, reference, enumeration and range rule of the contract."""
    assert list(wb) == SHEETS
    for sheet, columns in COLUMNS.items():
        assert list(wb[sheet].columns[: len(columns)]) == columns, sheet
    for (sheet, column), allowed in ENUMS.items():
        assert set(wb[sheet][column].dropna()) <= allowed, (sheet, column)
    for sheet, column in BOOLEANS:
        assert wb[sheet][column].dtype == bool, (sheet, column)
    for sheet, column in DATES:
        assert pd.api.types.is_datetime64_any_dtype(wb[sheet][column]), (sheet, column)

    for sheet, key in [
        ("candidates", "candidate_id"),
        ("enterprises", "enterprise_id"),
        ("actors", "actor_id"),
        ("objectives", "objective_id"),
        ("actions", "action_id"),
        ("indicators", "indicator_id"),
    ]:
        assert wb[sheet][key].is_unique, sheet
        assert wb[sheet][key].notna().all(), sheet

    actors = set(wb["actors"]["actor_id"])
    relations = wb["relations"]
    assert set(relations["source"]) <= actors and set(relations["target"]) <= actors
    assert (relations["source"] != relations["target"]).all()
    assert not relations.duplicated(["source", "target", "relation_type", "survey_round"]).any()
    assert set(wb["services"]["provider"]) <= actors
    actions = wb["actions"]
    assert set(actions["objective_id"]) <= set(wb["objectives"]["objective_id"])
    assert actions["lead"].notna().all() and set(actions["lead"]) <= actors
    partners = {p.strip() for cell in actions["partners"].dropna() for p in cell.split(";")}
    assert partners <= actors
    assert set(wb["indicators"]["action_id"].dropna()) <= set(actions["action_id"])
    assert set(wb["measurements"]["indicator_id"]) <= set(wb["indicators"]["indicator_id"])
    candidates = wb["candidates"]
    criteria = wb["criteria"]
    assert set(criteria["criterion"]) == set(candidates.columns[4:])
    assert all(pd.api.types.is_numeric_dtype(candidates[c]) for c in criteria["criterion"])
    employment = wb["employment"]
    assert set(candidates["region"]) <= set(employment["region"])
    assert set(candidates["sector"]) <= set(employment["sector"])

    # A firm that is an actor keeps its enterprise_id and its name.
    firms = wb["enterprises"].set_index("enterprise_id")["name"]
    firm_actors = wb["actors"][wb["actors"]["type"] == "enterprise"]
    assert set(firm_actors["actor_id"]) <= set(firms.index)
    assert (firm_actors["name"].to_numpy() == firms[firm_actors["actor_id"]].to_numpy()).all()
    assert not (set(wb["actors"].loc[wb["actors"]["type"] != "enterprise", "actor_id"]) & set(firms.index))

    enterprises = wb["enterprises"]
    assert (enterprises["employees"] >= 1).all()
    assert enterprises["employees_women"].between(0, enterprises["employees"]).all()
    assert within(enterprises["export_share"], 0, 1)
    assert within(relations["intensity"], 1, 3)
    assert within(wb["services"]["satisfaction"], 1, 5)
    assert within(wb["services"]["cost_recovery"].dropna(), 0, 1)
    assert (wb["services"]["users"] >= 0).all()
    assert within(actions["impact"], 1, 5) and within(actions["feasibility"], 1, 5)
    assert within(actions["cofinancing_rate"], 0, 1)
    assert (actions["start"] < actions["end"]).all()
    assert (criteria["weight"] > 0).all()
    assert (employment["employment"] >= employment["establishments"]).all()
    assert (employment["establishments"] >= 1).all()
    assert (wb["swot"]["votes"] >= 0).all()
    competencies = wb["competencies"]
    assert within(competencies["score"], 1, 5)
    assert (competencies["score"] == competencies["score"].round()).all()
    skill_of = {skill: comp for comp, skills in SKILLS.items() for skill in skills}
    assert (competencies["skill"].map(skill_of) == competencies["competency"]).all()

    dated = wb["measurements"].merge(wb["indicators"], on="indicator_id")
    assert dated["date"].between(dated["baseline_date"], dated["target_date"]).all()
    # Women's and men's rows add up to the total of the same round.
    by_group = (
        wb["measurements"]
        .pivot_table(
            index=["indicator_id", "date"], columns=wb["measurements"]["group"].fillna("total"), values="value"
        )
        .dropna()
    )
    assert len(by_group) > 0
    assert np.allclose(by_group["f"] + by_group["m"], by_group["total"])


def _broken(wb, sheet, column, value):
    """The workbook with one cell changed: the first cell of the column, or for `value` in
    measurements the first women's row, so that f + m no longer adds up."""
    frame = wb[sheet].copy()
    row = frame.index[frame["group"] == "f"][0] if column == "value" else frame.index[0]
    frame.loc[row, column] = value
    return {**wb, sheet: frame}


@pytest.mark.parametrize(
    "sheet, column, value",
    [
        ("relations", "target", "X99"),
        ("services", "provider", "X99"),
        ("actions", "objective_id", "O99"),
        ("actions", "lead", "X99"),
        ("indicators", "action_id", "ACT99"),
        ("measurements", "indicator_id", "I99"),
        ("measurements", "date", pd.Timestamp("2020-01-01")),
        ("measurements", "value", 10_000.0),
        ("criteria", "criterion", "unknown_column"),
        ("enterprises", "employees_women", 1_000),
        ("enterprises", "enterprise_id", "E02"),
        ("relations", "intensity", 4),
        ("competencies", "skill", "coaching"),  # a coach skill filed under another competency
        ("actors", "name", "Autre nom"),  # a firm actor must keep the enterprise's name
    ],
)
def test_the_checker_catches_each_broken_rule(example, sheet, column, value):
    check_workbook(example)
    with pytest.raises(AssertionError):
        check_workbook(_broken(example, sheet, column, value))


# --- the example ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [2026, 1, 12345])
def test_example_is_consistent_for_any_seed(seed):
    check_workbook(build_example(seed))


def test_same_seed_gives_identical_frames_and_another_seed_differs():
    first, again, other = build_example(7), build_example(7), build_example(8)
    for sheet in SHEETS:
        pd.testing.assert_frame_equal(first[sheet], again[sheet])
    assert not first["enterprises"].equals(other["enterprises"])
    assert not first["relations"].equals(other["relations"])


def test_cluster_sheet_says_the_cluster_is_fictional(example):
    cluster = dict(zip(example["cluster"]["key"], example["cluster"]["value"]))
    assert {
        "name",
        "country",
        "region",
        "sector",
        "orientation",
        "language",
        "currency",
        "facilitator",
        "start_date",
        "note",
    } <= set(cluster)
    assert "(fictif)" in cluster["name"] and "(fictive)" in cluster["country"]
    assert (cluster["orientation"], cluster["language"], cluster["currency"]) == ("pro_poor", "fr", "EUR")
    assert "inventés" in cluster["note"]
    assert cluster["region"] in set(example["employment"]["region"])
    assert cluster["sector"] in set(example["employment"]["sector"])
    assert cluster["facilitator"] in set(example["competencies"]["person"])


def test_minimum_sizes(example):
    assert len(example["enterprises"]) == 72
    assert len(example["actors"]) >= 40
    assert len(example["relations"]) >= 100
    assert set(example["relations"]["survey_round"]) == {1, 2}
    assert len(example["candidates"]) == 8
    assert 6 <= len(example["criteria"]) <= 8
    employment = example["employment"]
    assert employment.groupby(["region", "sector"]).size().eq(6).all()
    assert (employment["region"].nunique(), employment["sector"].nunique()) == (12, 16)
    assert sorted(employment["year"].unique()) == list(range(2019, 2025))
    assert len(example["swot"]) >= 20
    assert len(example["services"]) >= 8
    assert len(example["vision"]) == 1 and example["vision"]["horizon_years"].iloc[0] == 4
    assert len(example["objectives"]) >= 5 and example["objectives"]["gender_objective"].any()
    assert len(example["actions"]) >= 18
    assert len(example["indicators"]) >= 22
    totals = example["measurements"][example["measurements"]["group"].isna()]
    assert totals.groupby("indicator_id")["date"].nunique().min() >= 4
    assert set(totals["indicator_id"]) == set(example["indicators"]["indicator_id"])


def test_criteria_cover_all_groups_and_thresholds_drop_two_candidates(example):
    criteria = example["criteria"]
    assert set(criteria["group"]) == {"economic", "pro_poor", "institutional", "environment"}
    assert (criteria["direction"] == "lower_better").sum() == 1
    candidates = example["candidates"].set_index("candidate_id")
    failed = set()
    for row in criteria.dropna(subset=["min_threshold"]).itertuples():
        failed |= set(candidates.index[candidates[row.criterion] < row.min_threshold])
    # Corvalle's associations are too weak, Lumesse's craft is too small.
    assert failed == {"C4", "C5"}


def test_candidate_employment_comes_from_the_mapping_data(example):
    cells = example["employment"].set_index(["region", "sector", "year"])["employment"]
    for c in example["candidates"].itertuples():
        assert c.employment == cells[(c.region, c.sector, 2024)]
        growth = (cells[(c.region, c.sector, 2024)] / cells[(c.region, c.sector, 2019)]) ** 0.2 - 1
        assert c.employment_growth == pytest.approx(growth, abs=1e-4)


def test_employment_shows_the_tamsa_leather_specialisation_and_trends(example):
    year = example["employment"].query("year == 2024")
    total = year["employment"].sum()
    region = year.groupby("region")["employment"].transform("sum")
    sector = year.groupby("sector")["employment"].transform("sum")
    lq = (year["employment"] / region) / (sector / total)
    leather = lq[year["sector"] == "Cuir et chaussure"]
    tamsa = lq[(year["region"] == "Tamsa") & (year["sector"] == "Cuir et chaussure")].iloc[0]
    assert tamsa > 3 and tamsa == leather.max()
    assert (leather.drop(leather.idxmax()) < 2).all()
    assert 5_000 < year.loc[leather.idxmax(), "employment"] < 20_000

    by_sector = example["employment"].pivot_table(index="sector", columns="year", values="employment", aggfunc="sum")
    change = by_sector[2024] / by_sector[2019] - 1
    assert change.max() > 0.3 and change.min() < -0.05
    by_region = example["employment"].pivot_table(index="region", columns="year", values="employment", aggfunc="sum")
    region_change = by_region[2024] / by_region[2019] - 1
    assert region_change.min() < 0 < region_change.max()


def test_enterprise_magnitudes_follow_the_source_cases(example):
    firms = example["enterprises"]
    lead = firms[firms["role"] == "lead_firm"]
    others = firms[firms["role"] != "lead_firm"]
    assert len(lead) >= 2 and lead["employees"].between(80, 250).all()
    assert others["employees"].between(1, 50).all() and others["employees"].median() <= 10
    assert lead["export_share"].mean() > others["export_share"].mean() + 0.2
    women = firms.groupby("role")[["employees_women", "employees"]].sum()
    share = women["employees_women"] / women["employees"]
    assert share["subcontractor"] > share["supplier"] + 0.2
    strata = set(firms["owner_stratum"])
    assert {"artisan précaire", "artisan établi", "entrepreneur moyen"} <= strata
    assert firms["name"].is_unique


def test_relations_change_between_the_two_survey_rounds(example):
    relations = example["relations"]
    key = ["source", "target", "relation_type"]
    round1 = set(map(tuple, relations.loc[relations["survey_round"] == 1, key].to_numpy()))
    round2 = set(map(tuple, relations.loc[relations["survey_round"] == 2, key].to_numpy()))
    assert round1 - round2 and round2 - round1
    joint = relations[relations["relation_type"] == "joint_action"]["survey_round"].value_counts()
    assert joint[2] > joint[1]
    assert relations["formal"].any() and not relations["formal"].all()
    assert set(relations["relation_type"]) == ENUMS[("relations", "relation_type")]


def test_swot_leaves_a_theme_without_strength_or_opportunity(example):
    swot = example["swot"]
    positive = set(swot.loc[swot["category"].isin(["strength", "opportunity"]), "theme"])
    negative = set(swot.loc[swot["category"].isin(["weakness", "threat"]), "theme"])
    assert "environment" in negative - positive
    assert swot["statement"].is_unique


def test_services_include_weak_ones(example):
    services = example["services"]
    assert (services["users"] < 5).any()
    assert (services["satisfaction"] < 2.5).any()
    assert services["cost_recovery"].isna().any()  # an optional cell left empty


def test_actions_cover_the_plan(example):
    actions = example["actions"]
    assert actions["domain"].nunique() >= 8
    assert set(actions["kind"]) == {"quick_win", "structuring"}
    assert set(actions["scope"]) == {"firm_group", "whole_cluster"}
    assert set(actions["status"]) == {"planned", "ongoing", "done", "dropped"}
    assert set(actions["plan_year"]) == {1, 2, 3}
    assert actions["start"].dt.year.between(2025, 2028).all()
    assert actions["end"].dt.year.between(2025, 2028).all()
    started = actions["status"] != "planned"
    assert actions.loc[started, "spent"].notna().all()
    assert actions.loc[~started, "spent"].isna().all()
    assert (actions["budget"] > 0).all()
    assert actions["partners"].notna().sum() >= len(actions) - 2


def test_indicators_cover_levels_dimensions_and_batteries(example):
    indicators = example["indicators"]
    for column in ("level", "dimension", "battery"):
        assert set(indicators[column]) == ENUMS[("indicators", column)]
    assert (indicators["target"] < indicators["baseline"]).any()
    plan_level = indicators[indicators["level"].isin(["activity", "output"])]
    assert plan_level["action_id"].notna().mean() >= 0.8
    groups = example["measurements"]["group"]
    assert {"f", "m"} <= set(groups.dropna())
    assert set(indicators.loc[indicators["disaggregation"].notna(), "disaggregation"]) == {"sex"}


def test_a_falling_indicator_moves_towards_its_target(example):
    indicators = example["indicators"].set_index("indicator_id")
    falling = indicators.index[indicators["target"] < indicators["baseline"]]
    last = example["measurements"].sort_values("date").groupby("indicator_id")["value"].last()
    assert (last[falling] < indicators.loc[falling, "baseline"]).all()


def test_competencies_show_progress_between_the_two_dates(example):
    competencies = example["competencies"]
    assert competencies["person"].nunique() == 3
    assert len(competencies) == 3 * 3 * 12 * 2
    assert competencies.groupby(["person", "date", "assessor"]).size().eq(12).all()
    means = competencies.groupby(["person", "date"])["score"].mean().unstack()
    assert (means.iloc[:, 1] > means.iloc[:, 0]).all()


def test_narratives_fill_four_sections_with_short_french_prose(example):
    narratives = example["narratives"]
    assert len(narratives) == 4 and narratives["section"].is_unique
    for text in narratives["text"]:
        sentences = re.findall(r"[.!?](?:\s|$)", text)
        assert 2 <= len(sentences) <= 4, text
        assert re.search(r"[éèàç]", text)


def test_skills_catalogue_has_twelve_keys():
    skills = [s for names in SKILLS.values() for s in names]
    assert list(SKILLS) == ["facilitator", "coach", "project_manager"]
    assert len(skills) == len(set(skills)) == 12


# --- synthetic workbooks ---------------------------------------------------------------------


def test_synthetic_small_workbook_is_consistent_and_fast():
    start = time.perf_counter()
    wb = build_synthetic(**SMALL)
    assert time.perf_counter() - start < 2
    check_workbook(wb)
    assert len(wb["enterprises"]) == 500
    assert len(wb["employment"]) == 20 * 10 * 5
    assert len(wb["candidates"]) == 50
    assert wb["measurements"].query("group != group").groupby("indicator_id").size().eq(6).all()
    assert set(wb["relations"]["survey_round"]) == {1, 2}


def test_synthetic_sheets_can_be_built_alone_and_match_the_full_build():
    full = build_synthetic(**SMALL, seed=3)
    alone = build_synthetic(**SMALL, seed=3, sheets=["measurements", "relations"])
    assert list(alone) == ["relations", "measurements"]
    for sheet in alone:
        pd.testing.assert_frame_equal(alone[sheet], full[sheet])
    assert not full["relations"].equals(build_synthetic(**SMALL, seed=4)["relations"])


def test_synthetic_rejects_unknown_sheets():
    with pytest.raises(ValueError, match="unknown sheet.*employmnet"):
        build_synthetic(**SMALL, sheets=["employmnet"])
