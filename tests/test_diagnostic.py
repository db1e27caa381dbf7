"""The cluster profile, on a small table of firms worked out by hand."""

import pandas as pd
import pytest

from clusterkit.documents import xlsx as exports
from clusterkit.steps import diagnostic

# Six firms. Hand-computed expectations are in the tests below.
FIRMS = pd.DataFrame(
    {
        "enterprise_id": ["E1", "E2", "E3", "E4", "E5", "E6"],
        "role": ["lead_firm", "producer", "producer", "producer", "supplier", "trader"],
        "employees": pd.array([120, 4, 12, 9, 60, 2], dtype="Int64"),
        "employees_women": pd.array([30, 4, pd.NA, 3, 15, 1], dtype="Int64"),
        "owner_gender": ["m", "f", "m", "f", "mixed", pd.NA],
        "owner_stratum": [
            "entrepreneur moyen",
            "artisan précaire",
            "artisan établi",
            "artisan précaire",
            "entrepreneur moyen",
            pd.NA,
        ],
        "turnover": [1000.0, 10.0, 50.0, None, 400.0, 5.0],
        "export_share": [0.5, 0.0, 0.2, 0.1, 0.25, None],
        "market_segment": ["international", "local", "national", "local", "international", "local"],
        "association_member": pd.array([True, False, True, False, True, False], dtype="boolean"),
    }
)


def test_size_classes_follow_the_bounds():
    classes = diagnostic.size_class(pd.Series([0, 9, 10, 49, 50, 249, 250], dtype="Int64"))
    assert list(classes) == ["micro", "micro", "small", "small", "medium", "medium", "large"]


def test_firms_by_role_and_size():
    table = diagnostic.firms_by_role_and_size(FIRMS).set_index("role")
    # lead firm 120 -> medium; producers 4, 12, 9 -> micro, small, micro; supplier 60 -> medium; trader 2 -> micro
    assert table.loc["lead_firm"].to_dict() == {"micro": 0, "small": 0, "medium": 1, "large": 0, "total": 1}
    assert table.loc["producer"].to_dict() == {"micro": 2, "small": 1, "medium": 0, "large": 0, "total": 3}
    assert table.loc["total"].to_dict() == {"micro": 3, "small": 1, "medium": 2, "large": 0, "total": 6}
    assert "subcontractor" not in table.index  # roles with no firm are left out


def test_other_size_bounds():
    table = diagnostic.firms_by_role_and_size(FIRMS, (5, 20, 100)).set_index("role")
    # with bounds 5/20/100: 120 large, 4 micro, 12 small, 9 small, 60 medium, 2 micro
    assert table.loc["total"].to_dict() == {"micro": 2, "small": 2, "medium": 1, "large": 1, "total": 6}


def test_employment_and_share_of_women():
    table = diagnostic.employment_by_role(FIRMS).set_index("role")
    # producers: employees 4 + 12 + 9 = 25; women 4 + 3 = 7 over the firms that reported them (4 + 9 = 13)
    assert table.loc["producer", "employees"] == 25
    assert table.loc["producer", "employees_women"] == 7
    assert table.loc["producer", "women_share"] == pytest.approx(7 / 13)
    assert table.loc["producer", "employees_per_firm"] == pytest.approx(25 / 3)
    # total: employees 207, women 53, reported 207 - 12 = 195
    assert table.loc["total", "employees"] == 207
    assert table.loc["total", "employees_women"] == 53
    assert table.loc["total", "women_share"] == pytest.approx(53 / 195)


def test_exports_by_segment_weighted_by_turnover():
    table = diagnostic.exports_by_segment(FIRMS).set_index("market_segment")
    # international: exports 1000*0.5 + 400*0.25 = 600 over turnover 1400
    assert table.loc["international", "exports"] == pytest.approx(600)
    assert table.loc["international", "export_share"] == pytest.approx(600 / 1400)
    # local: E2 (10, 0%) reported; E4 has no turnover and E6 no export share: not counted
    assert table.loc["local", "firms"] == 3
    assert table.loc["local", "export_share"] == pytest.approx(0.0)
    # total: exports 600 + 0 + 50*0.2 = 610 over turnover reported 1400 + 10 + 50 = 1460
    assert table.loc["total", "export_share"] == pytest.approx(610 / 1460)
    assert table.loc["total", "turnover"] == pytest.approx(1465)


def test_owner_strata_distribution():
    table = diagnostic.owner_strata(FIRMS).set_index("owner_stratum")
    assert table.loc["artisan précaire", "firms"] == 2
    assert table.loc["artisan précaire", "women_owned"] == 2
    assert table.loc["entrepreneur moyen", "employees"] == 180
    assert table.loc["unknown", "firms"] == 1
    assert table.loc["artisan précaire", "firm_share"] == pytest.approx(2 / 6)
    assert table.loc["total", "firm_share"] == pytest.approx(1.0)
    assert list(table.index[:2]) == ["entrepreneur moyen", "artisan précaire"]  # largest first


def test_profile_summary():
    summary = diagnostic.profile_summary(FIRMS)
    assert summary == {
        "firms": 6,
        "employees": 207,
        "women_share": pytest.approx(53 / 195),
        "lead_firms": 1,
        "association_share": pytest.approx(0.5),
    }


# -- the rest of the diagnostic, on the same six firms plus a small map worked out by hand -------
from pathlib import Path  # noqa: E402

import matplotlib  # noqa: E402

from clusterkit.workbook import read_workbook  # noqa: E402

matplotlib.use("Agg")

FOUNDED = FIRMS.assign(
    name=["Lead", "Two", "Three", "Four", "Five", "Six"],
    year_founded=pd.array([1975, 1988, 1981, 2003, pd.NA, 2010], dtype="Int64"),
)
# Four of the firms are on the map, with an association (A1), a service centre (B1) and a buyer (X1).
ACTORS = pd.DataFrame(
    {
        "actor_id": ["E1", "E2", "E3", "E5", "E6", "A1", "B1", "X1"],
        "name": ["Lead", "Two", "Three", "Five", "Six", "Association", "Centre", "Buyer"],
        "type": ["enterprise"] * 5 + ["association", "bds_provider", "buyer"],
        "level": ["micro"] * 5 + ["meso", "meso", "micro"],
    }
)
RELATION_COLUMNS = ["source", "target", "relation_type", "intensity", "formal"]
RELATIONS = pd.DataFrame(
    [
        ("E1", "E2", "joint_action", 3, True),
        ("E2", "E3", "information", 1, False),
        ("E5", "E1", "supply", 2, True),
        ("E1", "A1", "governance", 1, None),
        ("B1", "E3", "service", 2, False),
        ("E3", "E5", "information", 2, False),
        ("E2", "E1", "information", 1, None),  # a second relation on the pair E1-E2
    ],
    columns=RELATION_COLUMNS,
).astype({"intensity": "Int64", "formal": "boolean"})
SERVICES = pd.DataFrame(
    {
        "provider": ["A1", "A1", "B1"],
        "service": ["s1", "s2", "s3"],
        "users": pd.array([10, 2, 8], dtype="Int64"),
        "satisfaction": [4.0, 4.5, 2.0],
        "cost_recovery": [0.5, None, 1.0],
    }
)


def test_firms_by_founding_period():
    table = diagnostic.firms_by_founding_period(FOUNDED).set_index("period")
    assert list(table.index) == ["1970-1979", "1980-1989", "2000-2009", "2010-2019", "unknown", "total"]
    assert table.loc["1980-1989"].to_dict() == {
        "firms": 2,
        "employees": 16,
        "women_owned": 1,
        "firm_share": pytest.approx(2 / 6),
    }
    assert table.loc["unknown", "employees"] == 60  # E5 gave no year
    assert table.loc["total", "firms"] == 6 and table.loc["total", "women_owned"] == 2


def test_firms_by_role_and_segment():
    table = diagnostic.firms_by_role_and_segment(FIRMS).set_index("role")
    assert list(table.columns) == [
        "segment_local",
        "segment_national",
        "segment_regional",
        "segment_international",
        "total",
    ]  # no unknown column: all answered
    assert table.loc["producer"].to_dict() == {
        "segment_local": 2,
        "segment_national": 1,
        "segment_regional": 0,
        "segment_international": 0,
        "total": 3,
    }
    assert table.loc["total", "segment_international"] == 2
    no_answer = FIRMS.assign(market_segment=[pd.NA, *FIRMS["market_segment"][1:]])
    unknown = diagnostic.firms_by_role_and_segment(no_answer)
    assert unknown.set_index("role").loc["lead_firm", "segment_unknown"] == 1


def test_value_chain_links_between_positions():
    relations = pd.DataFrame(
        [
            ("E5", "E2", "supply", 1, False),
            ("E5", "E3", "supply", 2, True),
            ("E5", "E1", "supply", 2, True),
            ("E2", "E1", "subcontracting", 3, None),
            ("E1", "X1", "supply", 3, True),
            ("E2", "E6", "supply", 1, False),
            ("E1", "E2", "information", 2, False),  # not a value-chain link
        ],
        columns=RELATION_COLUMNS,
    ).astype({"intensity": "Int64", "formal": "boolean"})
    table = diagnostic.value_chain_links(FIRMS, ACTORS, relations)
    rows = table[["link", "from_position", "to_position", "relations", "sources", "targets"]]
    assert [tuple(r) for r in rows.itertuples(index=False)] == [
        ("supply", "supplier", "producer", 2, 1, 2),
        ("supply", "supplier", "lead_firm", 1, 1, 1),
        ("subcontracting", "producer", "lead_firm", 1, 1, 1),
        ("trading", "lead_firm", "buyer", 1, 1, 1),
        ("trading", "producer", "trader", 1, 1, 1),
    ]
    assert table.loc[0, "mean_intensity"] == pytest.approx(1.5) and table.loc[0, "formal_share"] == pytest.approx(0.5)
    assert pd.isna(table.loc[2, "formal_share"])  # formality unknown
    assert diagnostic.actor_positions(ACTORS, FIRMS)["B1"] == "bds_provider"


SWOT = pd.DataFrame(
    {
        "category": ["strength", "strength", "weakness", "weakness", "threat", "opportunity", "threat", "weakness"],
        "statement": ["A", "B", "C", "D", "E", "F", "G", "H"],
        "theme": [
            "production",
            "production",
            "production",
            "finance",
            "finance",
            "marketing",
            "governance",
            "marketing",
        ],
        "votes": pd.array([3, pd.NA, 5, 2, 4, 1, 0, 7], dtype="Int64"),
        "swot_id": [f"S{i}" for i in range(1, 9)],
    }
)


def test_swot_ranked_by_votes_within_category():
    ranked = diagnostic.swot_ranked(SWOT)
    assert list(zip(ranked["category"], ranked["rank"], ranked["statement"])) == [
        ("strength", 1, "A"),
        ("strength", 2, "B"),  # no votes comes last
        ("weakness", 1, "H"),
        ("weakness", 2, "C"),
        ("weakness", 3, "D"),
        ("opportunity", 1, "F"),
        ("threat", 1, "E"),
        ("threat", 2, "G"),
    ]


def test_swot_by_theme_and_the_gap_check():
    table = diagnostic.swot_by_theme(SWOT).set_index("theme")
    assert list(table.index) == ["production", "marketing", "finance", "governance"]
    assert table.loc["production"].to_dict() == {
        "strength": 2,
        "weakness": 1,
        "opportunity": 0,
        "threat": 0,
        "votes": 8,
    }
    gaps = diagnostic.swot_gaps(SWOT)
    # finance: a weakness and a threat; governance: a threat; marketing has an opportunity
    assert gaps.to_dict("records") == [
        {"theme": "finance", "weakness": 1, "threat": 1, "votes": 6},
        {"theme": "governance", "weakness": 0, "threat": 1, "votes": 0},
    ]
    assert diagnostic.swot_gaps(SWOT[SWOT["theme"] != "finance"].assign(theme="production")).empty


def test_swot_matrix_shows_the_top_statements_and_survives_dollar_signs():
    swot = SWOT.assign(statement=["Prix à 5 $ la paire, 10 $ en gros"] + list(SWOT["statement"][1:]))
    titles = {"strength": "S", "weakness": "W", "opportunity": "O", "threat": "T"}
    fig = diagnostic.swot_matrix(diagnostic.swot_ranked(swot), titles, top=1)
    fig.canvas.draw()  # mathtext would fail on the dollar signs
    texts = [" ".join(t.get_text().split()) for ax in fig.axes for t in ax.texts]  # wrapped to the quadrant
    assert texts == ["1. Prix à 5 $ la paire, 10 $ en gros (3)", "1. H (7)", "1. F (1)", "1. E (4)"]
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["S (2)", "W (3)", "O (1)", "T (2)"]


def test_services_flags_follow_the_thresholds():
    review = diagnostic.service_review(SERVICES.assign(users=pd.array([10, 2, 8], dtype="Int64")), ACTORS)
    assert list(review["flag"]) == ["none", "low_use", "low_satisfaction"]
    assert review.loc[0, "provider_name"] == "Association"
    both = diagnostic.service_review(SERVICES.assign(satisfaction=[4.0, 1.5, 2.0]), ACTORS)
    assert list(both["flag"]) == ["none", "low_use_and_satisfaction", "low_satisfaction"]
    relaxed = diagnostic.service_review(SERVICES, ACTORS, min_users=2, min_satisfaction=2.0)
    assert list(relaxed["flag"]) == ["none", "none", "none"]  # thresholds are strict: 2 users, 2.0 pass


def test_services_by_provider():
    table = diagnostic.services_by_provider(SERVICES, ACTORS)
    assert table.to_dict("records") == [
        {
            "provider": "A1",
            "provider_name": "Association",
            "type": "association",
            "services": 2,
            "users": 12,
            "satisfaction": pytest.approx((10 * 4.0 + 2 * 4.5) / 12),
            "cost_recovery": 0.5,
            "flagged": 1,
        },
        {
            "provider": "B1",
            "provider_name": "Centre",
            "type": "bds_provider",
            "services": 1,
            "users": 8,
            "satisfaction": 2.0,
            "cost_recovery": 1.0,
            "flagged": 1,
        },
    ]
    assert diagnostic.services_summary(SERVICES) == {"services": 3, "users": 20, "satisfaction": pytest.approx(65 / 20)}


def test_social_capital_shares():
    table = diagnostic.social_capital(FIRMS, ACTORS.iloc[:6], RELATIONS).set_index("indicator")
    # firms on the map: E1, E2, E3, E5, E6 (E6 has no relation)
    assert table.loc["association_share"].to_dict() == {"value": 0.5, "count": 3, "base": 6}
    assert table.loc["joint_action_share"].to_dict() == {"value": 2 / 5, "count": 2, "base": 5}  # E1, E2
    # formality known for five relations, two of them formal
    assert table.loc["formal_relation_share"].to_dict() == {"value": 2 / 5, "count": 2, "base": 5}
    # cooperative pairs among firms: E1-E2 (twice), E2-E3, E3-E5, over 5 x 4 / 2 = 10 pairs
    assert table.loc["cooperation_density"].to_dict() == {"value": 3 / 10, "count": 3, "base": 10}


def test_social_capital_without_a_map_and_with_unanswered_membership():
    answers = FIRMS.assign(association_member=pd.array([True, pd.NA, True, False, pd.NA, False], dtype="boolean"))
    table = diagnostic.social_capital(answers).set_index("indicator")
    assert table.loc["association_share", "value"] == pytest.approx(2 / 4)  # over the four who answered
    assert table.loc[["joint_action_share", "formal_relation_share", "cooperation_density"], "value"].isna().all()


def test_relation_profile():
    table = diagnostic.relation_profile(RELATIONS).set_index("relation_type")
    assert table.loc["information"].to_dict() == {
        "relations": 3,
        "mean_intensity": pytest.approx(4 / 3),
        "formal_share": 0.0,
    }
    assert table.loc["total"].to_dict() == {
        "relations": 7,
        "mean_intensity": pytest.approx(12 / 7),
        "formal_share": pytest.approx(2 / 5),
    }
    assert pd.isna(table.loc["governance", "formal_share"])  # its only relation has no answer
    assert "subcontracting" not in table.index


def test_strata_ranked_from_the_poorest():
    table = diagnostic.strata_ranking(FIRMS)
    # median turnover: artisan précaire 10 (E4 unknown), artisan établi 50, entrepreneur moyen (1000 + 400) / 2
    assert list(zip(table["rank"], table["owner_stratum"], table["median_turnover"])) == [
        (1, "artisan précaire", 10.0),
        (2, "artisan établi", 50.0),
        (3, "entrepreneur moyen", 700.0),
    ]
    assert table.loc[0, "women_owned"] == 2 and table.loc[0, "association_share"] == 0.0
    no_turnover = diagnostic.strata_ranking(FIRMS.assign(turnover=[1000.0, None, None, None, 400.0, 5.0]))
    assert list(no_turnover["owner_stratum"]) == ["entrepreneur moyen", "artisan précaire", "artisan établi"]


def test_poorest_groups_name_strata_and_roles():
    assert diagnostic.poorest_groups(FIRMS) == {
        "strata": ["artisan précaire"],
        "firms": 2,
        "women_owned": 2,
        "roles": ["producer"],
    }
    # all three strata: producers E2, E3, E4 first, then lead firm and supplier in the schema's order
    assert diagnostic.poorest_groups(FIRMS, 3)["roles"] == ["producer", "lead_firm", "supplier"]


def test_gender_view():
    table = diagnostic.gender_view(FIRMS).set_index("owner_gender")
    assert list(table.index) == ["f", "m", "mixed", "unknown"]
    assert table.loc["f"].to_dict() == {
        "firms": 2,
        "firm_share": pytest.approx(2 / 6),
        "employees": 13,
        "median_turnover": 10.0,
        "association_share": 0.0,
        "export_share": 0.0,
    }
    assert table.loc["m", "export_share"] == pytest.approx((500 + 10) / 1050)
    assert table.loc["m", "median_turnover"] == pytest.approx(525)
    assert pd.isna(table.loc["unknown", "export_share"])


def test_interview_sample_covers_every_stratum_even_when_too_small():
    # strata: lead/medium (E1), producer/micro (E2, E4), producer/small (E3), supplier/medium (E5), trader/micro (E6)
    sample = diagnostic.interview_sample(FOUNDED, size=3, seed=7)
    assert len(sample) == 5 and sample["stratum"].nunique() == 5
    assert set(zip(sample["role"], sample["size_class"])) == {
        ("lead_firm", "medium"),
        ("producer", "micro"),
        ("producer", "small"),
        ("supplier", "medium"),
        ("trader", "micro"),
    }
    assert list(sample["order"]) == [1, 2, 3, 4, 5]
    micro = sample[(sample["role"] == "producer") & (sample["size_class"] == "micro")]
    assert micro["stratum_firms"].item() == 2 and micro["sampling_weight"].item() == 2.0
    assert sorted(diagnostic.interview_sample(FOUNDED, size=10)["enterprise_id"]) == list(FOUNDED["enterprise_id"])


def test_interview_sample_allocation_and_reproducibility():
    roles = ["lead_firm"] + ["producer"] * 16 + ["subcontractor"] * 3
    employees = [120] + [3] * 10 + [20] * 6 + [2] * 3
    firms = pd.DataFrame(
        {
            "enterprise_id": [f"F{i:02d}" for i in range(20)],
            "name": "x",
            "role": roles,
            "employees": pd.array(employees, dtype="Int64"),
            "owner_stratum": None,
        }
    )
    # strata of 1, 10, 6 and 3 firms; 12 to draw: one each, then 8 shared in proportion to 0, 9, 5, 2
    # (quotas 0, 4.5, 2.5, 1: floors 0, 4, 2, 1 and the last one to the first largest remainder)
    assert diagnostic.fieldwork._allocate([1, 10, 6, 3], 12) == [1, 6, 3, 2]
    sample = diagnostic.interview_sample(firms, size=12, seed=3)
    assert sample.groupby("stratum").size().to_dict() == {1: 1, 2: 6, 3: 3, 4: 2}
    assert sorted(sample.head(4)["stratum"]) == [1, 2, 3, 4]  # the first round of interviews mixes all strata
    again = diagnostic.interview_sample(firms, size=12, seed=3)
    pd.testing.assert_frame_equal(sample, again)
    other = diagnostic.interview_sample(firms, size=12, seed=4)
    assert set(other["enterprise_id"]) != set(sample["enterprise_id"])


def test_narratives_or_guiding_questions():
    narratives = pd.DataFrame({"section": ["context"], "text": ["First paragraph.\n\n  Second one.  "]})
    assert diagnostic.narrative_messages(narratives, "context") == [
        ("diagnostic.narrative.paragraph", {"text": "First paragraph."}),
        ("diagnostic.narrative.paragraph", {"text": "Second one."}),
    ]
    assert diagnostic.narrative_messages(narratives, "history") == [("diagnostic.questions.history", {})]
    assert diagnostic.narrative_messages(None, "social") == [("diagnostic.questions.social", {})]


def test_first_meetings():
    assert diagnostic.first_meetings(ACTORS) == ("diagnostic.interviews.association", {"names": "Association"})
    without = ACTORS[ACTORS["type"] != "association"]
    assert diagnostic.first_meetings(without) == ("diagnostic.interviews.no_association", {"names": "Buyer"})
    assert diagnostic.first_meetings(None) == ("diagnostic.interviews.no_actors", {})


def test_validation_lists():
    firms = diagnostic.validation_firms(FIRMS, ["artisan précaire"]).set_index("role")
    assert firms.loc["producer"].to_dict() == {"firms": 3, "poorest": 2, "women_owned": 2, "members": 1}
    assert firms.loc["total"].to_dict() == {"firms": 6, "poorest": 2, "women_owned": 2, "members": 3}
    others = diagnostic.validation_institutions(
        ACTORS.assign(name=ACTORS["name"].where(ACTORS["actor_id"] != "X1", "Buyer; Ltd"))
    )
    assert others.to_dict("records") == [
        {"type": "association", "actors": 1, "names": "Association"},
        {"type": "bds_provider", "actors": 1, "names": "Centre"},
        {"type": "buyer", "actors": 1, "names": "Buyer; Ltd"},
    ]


# -- the baseline, from a workbook file -----------------------------------------------------------
def _sheet(frame: pd.DataFrame) -> list[list]:
    rows = frame.astype(object).where(frame.notna(), None).values.tolist()
    return [list(frame.columns), *rows]


@pytest.fixture
def diagnostic_workbook(make_xlsx):
    # round 1 is written without a round number (it counts as round 1); round 2 adds a tie
    relations = pd.concat(
        [
            RELATIONS.assign(survey_round=None),
            pd.DataFrame([("E2", "E5", "joint_action", 2, True, 2)], columns=[*RELATION_COLUMNS, "survey_round"]),
        ]
    )
    return make_xlsx(
        {
            "enterprises": _sheet(FOUNDED.drop(columns=["year_founded"])),
            "actors": _sheet(ACTORS.iloc[:7]),
            "relations": _sheet(relations),
            "services": _sheet(SERVICES),
        }
    )


def test_baseline_keys_and_values(diagnostic_workbook):
    baseline = diagnostic.baseline_table(read_workbook(diagnostic_workbook), "2025-03-31")
    assert list(baseline.columns) == ["key", "value", "unit", "date", "source"]
    values = dict(zip(baseline["key"], baseline["value"]))
    assert values == {
        "firms_surveyed": 6,
        "employees": 207,
        "women_share": pytest.approx(53 / 195),
        "women_owned_share": pytest.approx(2 / 5),  # E6 did not say
        "lead_firms": 1,
        "export_share": pytest.approx(610 / 1460),
        "association_share": 0.5,
        "actors_mapped": 7,
        "ties": 7,  # seven relations, on six pairs
        "network_density": pytest.approx(6 / 21),  # 7 actors, 21 possible pairs
        "components": 2,  # E6 alone
        "isolated_firms": 1,
        "brokers": 0,  # A1 and B1 sit on no path
        "joint_action_share": pytest.approx(2 / 5),
        "formal_relation_share": pytest.approx(2 / 5),
        "cooperation_density": pytest.approx(3 / 10),
        "mean_intensity": pytest.approx(12 / 7),
        "bds_services": 3,
        "bds_users": 20,
        "bds_satisfaction": pytest.approx(65 / 20),
    }
    assert set(baseline["date"]) == {pd.Timestamp("2025-03-31")}
    units = dict(zip(baseline["key"], baseline["unit"]))
    assert units["network_density"] == "ratio" and units["bds_satisfaction"] == "score_1_5"
    assert dict(zip(baseline["key"], baseline["source"]))["ties"] == "relations, round 1"
    second = diagnostic.baseline_table(read_workbook(diagnostic_workbook), "2026-03-31", survey_round=2)
    assert dict(zip(second["key"], second["value"]))["ties"] == 1


def test_baseline_without_map_or_services(make_xlsx):
    path = make_xlsx({"enterprises": _sheet(FOUNDED)})
    baseline = diagnostic.baseline_table(read_workbook(path), "2025-01-01")
    assert list(baseline["key"]) == [
        "firms_surveyed",
        "employees",
        "women_share",
        "women_owned_share",
        "lead_firms",
        "export_share",
        "association_share",
    ]


def test_baseline_date():
    assert diagnostic.baseline_date("2025-06-30", {}) == pd.Timestamp("2025-06-30")
    assert diagnostic.baseline_date("", {"start_date": pd.Timestamp("2024-09-01 10:30")}) == pd.Timestamp("2024-09-01")
    assert diagnostic.baseline_date("", {}) == pd.Timestamp.today().normalize()


def test_write_baseline_neutralises_csv_text(tmp_path):
    baseline = pd.DataFrame(
        {
            "key": ["=HYPERLINK(1)", "employees"],
            "value": [1.0, 207.0],
            "unit": ["x", "people"],
            "date": pd.to_datetime(["2025-03-31"] * 2),
            "source": ["@bad", "enterprises"],
        }
    )
    xlsx, csv = exports.write_baseline(baseline, tmp_path, "en")
    assert (xlsx.name, csv.name) == ("diagnostic-baseline.xlsx", "diagnostic-baseline.csv")
    lines = Path(csv).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "key,value,unit,date,source"
    assert lines[1] == "'=HYPERLINK(1),1.0,x,2025-03-31,'@bad"
    assert lines[2] == "employees,207.0,people,2025-03-31,enterprises"
    book = openpyxl_load(xlsx)
    assert book.sheetnames == ["baseline"]
    assert book["baseline"]["A2"].value == "=HYPERLINK(1)" and book["baseline"]["A2"].data_type == "s"


def openpyxl_load(path):
    import openpyxl

    return openpyxl.load_workbook(path)
