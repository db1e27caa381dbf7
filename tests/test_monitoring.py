"""Step 5: catalogue, progress and status, dimensions, baselines, battery import, reference sheets.

Expected values are worked out by hand in the comments next to them.
"""

import math

import numpy as np
import openpyxl
import pandas as pd
import pytest

from clusterkit.documents import views
from clusterkit.documents import xlsx as exports
from clusterkit.errors import InputError
from clusterkit.examples import build_example
from clusterkit.i18n import t
from clusterkit.schema import ENUMS, SHEETS
from clusterkit.steps import monitoring
from clusterkit.workbook import WorkbookError, read_baseline, read_workbook, write_workbook

BASE, TARGET = pd.Timestamp("2025-01-01"), pd.Timestamp("2025-04-11")  # a span of exactly 100 days
HALF = pd.Timestamp("2025-02-20")  # 50 days in: the expected progress is exactly 0.5


def indicators(rows):
    """Indicators from (id, baseline, target[, baseline_date]) with the schema's other columns."""
    frame = pd.DataFrame(
        [
            {
                "indicator_id": r[0],
                "name": f"Indicateur {r[0]}",
                "level": "output",
                "dimension": "effectiveness",
                "battery": "network",
                "unit": "entreprises",
                "baseline": r[1],
                "target": r[2],
                "baseline_date": r[3] if len(r) > 3 else BASE,
                "target_date": TARGET,
                "catalogue_key": None,
                "action_id": None,
            }
            for r in rows
        ]
    )
    return frame.astype(
        {
            "baseline": "float64",
            "target": "float64",
            "catalogue_key": "str",
            "action_id": "str",
            "baseline_date": "datetime64[ns]",
            "target_date": "datetime64[ns]",
        }
    )


def measurements(rows):
    """Measurements from (id, date, value[, group])."""
    frame = pd.DataFrame(
        [
            {
                "indicator_id": r[0],
                "date": pd.Timestamp(r[1]),
                "value": r[2],
                "group": r[3] if len(r) > 3 else None,
                "note": None,
            }
            for r in rows
        ]
    )
    return frame.astype({"group": "str", "note": "str", "value": "float64"})


# --------------------------------------------------------------------------------------------
# Progress and schedule status
# --------------------------------------------------------------------------------------------
EDGE = indicators(
    [
        ("rise", 10, 30),
        ("fall", 4200, 1500),
        ("fall_over", 100, 50),
        ("over", 0, 10),
        ("no_baseline", np.nan, 10),
        ("no_date", 0, 10, pd.NaT),
        ("no_date_done", 0, 10, pd.NaT),
        ("flat", 5, 5),
        ("unmeasured", 0, 10),
        ("behind", 0, 100),
        ("risk_edge", 0, 100),
        ("on_edge", 0, 100),
        ("at_start", 0, 100),
        ("backwards", 50, 100),
    ]
)
EDGE_MEASURES = measurements(
    [
        ("rise", "2025-01-31", 12),
        ("rise", HALF, 20),
        ("rise", HALF, 9, "f"),  # a group row is not the whole
        ("fall", HALF, 3000),
        ("fall_over", HALF, 40),
        ("over", HALF, 15),
        ("no_baseline", HALF, 4),
        ("no_date", HALF, 5),
        ("no_date_done", HALF, 12),
        ("flat", HALF, 6),
        ("behind", HALF, 20),
        ("risk_edge", HALF, 30),
        ("on_edge", HALF, 45),
        ("at_start", BASE, 0),
        ("backwards", HALF, 40),
    ]
)


@pytest.fixture(scope="module")
def edge():
    return monitoring.progress_table(EDGE, EDGE_MEASURES).set_index("indicator_id")


@pytest.mark.parametrize(
    "ident, progress, status",
    [
        ("rise", 0.5, "on_track"),  # (20 - 10) / (30 - 10); 0.5 >= 0.9 x 0.5
        ("fall", 1200 / 2700, "at_risk"),  # (3000 - 4200) / (1500 - 4200) = 0.444 < 0.45, >= 0.30
        ("fall_over", 1.2, "achieved"),  # (40 - 100) / (50 - 100): a fall past the target
        ("over", 1.5, "achieved"),  # 15 / 10: overshoot reported, not clipped
        ("no_baseline", math.nan, "no_baseline"),
        ("no_date", 0.5, "no_baseline"),  # progress known, schedule unknown without a baseline date
        ("no_date_done", 1.2, "achieved"),  # the target is reached whatever the schedule
        ("flat", math.nan, "target_is_baseline"),
        ("unmeasured", math.nan, "no_data"),
        ("behind", 0.2, "off_track"),  # 0.2 < 0.6 x 0.5
        ("risk_edge", 0.3, "at_risk"),  # exactly 0.6 x 0.5
        ("on_edge", 0.45, "on_track"),  # exactly 0.9 x 0.5
        ("at_start", 0.0, "on_track"),  # measured on the baseline date: nothing is expected yet
        ("backwards", -0.2, "off_track"),  # (40 - 50) / (100 - 50): moved away from the target
    ],
)
def test_progress_and_status_on_every_edge_case(edge, ident, progress, status):
    row = edge.loc[ident]
    if math.isnan(progress):
        assert math.isnan(row["progress"])
    else:
        assert row["progress"] == pytest.approx(progress)
    assert row["progress_status"] == status


def test_current_value_is_the_latest_whole_measurement(edge):
    assert edge.loc["rise", "current_value"] == 20 and edge.loc["rise", "measured_on"] == HALF
    assert math.isnan(edge.loc["unmeasured", "current_value"])


def test_expected_progress_follows_the_straight_line(edge):
    assert edge.loc["rise", "expected_progress"] == 0.5
    assert edge.loc["at_start", "expected_progress"] == 0.0
    assert math.isnan(edge.loc["no_date", "expected_progress"])
    dates = pd.Series(pd.to_datetime(["2025-01-01", "2025-01-01", "2025-01-01", "2025-01-01"]))
    targets = pd.Series(pd.to_datetime(["2025-04-11", "2025-04-11", "2025-01-01", "2025-01-01"]))
    at = pd.Series(pd.to_datetime(["2026-01-01", "2024-06-01", "2024-12-31", "2025-01-01"]))
    # past the target: 1; before the baseline: 0; a zero-length span expects 0 before, 1 from its date
    assert list(monitoring.expected_progress(dates, targets, at)) == [1.0, 0.0, 0.0, 1.0]


def test_thresholds_are_parameters():
    table = monitoring.progress_table(EDGE, EDGE_MEASURES, at_risk_below=0.5, off_track_below=0.2)
    status = table.set_index("indicator_id")["progress_status"]
    # expected 0.5: on track from 0.25, at risk from 0.10
    assert (status["risk_edge"], status["behind"], status["backwards"]) == ("on_track", "at_risk", "off_track")
    with pytest.raises(ValueError, match="off_track_below <= at_risk_below"):
        monitoring.progress_table(EDGE, EDGE_MEASURES, at_risk_below=0.5, off_track_below=0.7)


def test_as_of_cuts_later_measurements():
    table = monitoring.progress_table(EDGE, EDGE_MEASURES, as_of="2025-02-01").set_index("indicator_id")
    # only the January measurement of "rise" remains: (12 - 10) / 20 = 0.1 at 30/100 of the span
    assert table.loc["rise", "progress"] == pytest.approx(0.1)
    assert table.loc["rise", "expected_progress"] == pytest.approx(0.3)
    assert table.loc["rise", "progress_status"] == "off_track"  # 0.1 < 0.6 x 0.3
    assert table.loc["fall", "progress_status"] == "no_data"


def test_progress_by_group_counts_each_status(edge):
    table = edge.reset_index().assign(dimension=["extension"] * 4 + ["efficiency"] * 10)
    by = monitoring.progress_by(table, "dimension").set_index("dimension")
    assert list(by.index) == ["extension", "efficiency"]  # the schema's order
    # extension: rise 0.5, fall 0.444, fall_over 1.2, over 1.5 -> median (0.5 + 1.2) / 2
    assert by.loc["extension", "median_progress"] == pytest.approx(0.85)
    assert by.loc["extension"][["count_achieved", "count_on_track", "count_at_risk", "count_off_track"]].tolist() == [
        2,
        1,
        1,
        0,
    ]
    # efficiency: no_baseline x2 (one by its date), flat, unmeasured are not assessed; no_date_done achieved
    assert by.loc["efficiency", "count_not_assessed"] == 4
    assert by.loc["efficiency", "indicator_count"] == 10


# --------------------------------------------------------------------------------------------
# Disaggregation and the share of women
# --------------------------------------------------------------------------------------------
def test_disaggregation_and_share_of_women():
    rows = measurements(
        [
            ("P", "2025-06-30", 50),
            ("P", "2025-06-30", 20, "f"),
            ("P", "2025-06-30", 30, "m"),
            ("P", "2025-12-31", 80),
            ("P", "2025-12-31", 36, "f"),
            ("P", "2025-12-31", 44, "m"),
            # no whole measurement: the total is the sum of the groups, 9 + 21 = 30
            ("Q", "2025-12-31", 9, "Femmes"),
            ("Q", "2025-12-31", 21, "Hommes"),
        ]
    )
    groups = monitoring.disaggregation(rows).set_index(["indicator_id", "group"])
    assert groups.loc[("P", "f"), "group_share"] == pytest.approx(36 / 80)  # the latest date only
    assert groups.loc[("Q", "Hommes"), "group_share"] == pytest.approx(21 / 30)
    women = monitoring.women_share(monitoring.disaggregation(rows)).set_index("indicator_id")
    assert women["women_share"].to_dict() == pytest.approx({"P": 0.45, "Q": 0.3})
    earlier = monitoring.women_share(monitoring.disaggregation(rows, as_of="2025-07-01"))
    assert earlier["women_share"].tolist() == [0.4]  # 20 / 50; Q had no measurement yet


# --------------------------------------------------------------------------------------------
# The four dimensions and the results chain
# --------------------------------------------------------------------------------------------
def chain_table():
    frame = indicators([("A1", 0, 40), ("R1", 0, 10), ("R2", 0.2, 0.6), ("R3", 100, 50), ("C1", 0, 5), ("X1", 0, 20)])
    frame["level"] = ["activity", "output", "output", "output", "outcome", "impact"]
    frame["dimension"] = ["extension", "extension", "effectiveness", "efficiency", "effectiveness", "extension"]
    frame["unit"] = ["personnes", "entreprises", "%", "EUR", "actions", "entreprises"]
    frame["action_id"] = pd.Series(["ACT1", "ACT1", "ACT2", "ACT2", None, None], dtype="str")
    frame["catalogue_key"] = pd.Series([None, None, None, None, None, "institutions_reached"], dtype="str")
    measures = measurements(
        [("A1", HALF, 20), ("R1", HALF, 4), ("R2", HALF, 0.4), ("R3", HALF, 80), ("C1", HALF, 1), ("X1", HALF, 6)]
    )
    return monitoring.progress_table(frame, measures)


ACTIONS = pd.DataFrame(
    {
        "action_id": ["ACT1", "ACT2"],
        "title": ["Formation", "Marque"],
        "spent": [3000.0, 5000.0],
        "budget": [4000.0, 6000.0],
        "cofinancing_rate": [0.75, 0.5],
    }
)


def test_extension_reach_against_the_community():
    table = chain_table()
    reach = monitoring.extension(
        table, {"firms": 50.0, "people": 400.0, "institutions": 12.0, "leaders": np.nan}
    ).set_index("indicator_id")
    # A1 counts people by its unit, R1 firms; X1 says "entreprises" but its catalogue entry reaches institutions
    assert reach["reach_kind"].to_dict() == {"A1": "people", "R1": "firms", "X1": "institutions"}
    assert reach.loc["A1", "reach_share"] == pytest.approx(20 / 400)
    assert reach.loc["X1", "reach_share"] == pytest.approx(6 / 12)
    sizes = monitoring.community_size(
        pd.DataFrame({"employees": [10, 30]}),
        pd.DataFrame({"type": ["enterprise", "association", "ngo"]}),
        overrides={"firms": 250},
    )
    assert sizes == {"firms": 250.0, "people": 40.0, "institutions": 2.0, "leaders": pytest.approx(np.nan, nan_ok=True)}
    with pytest.raises(ValueError, match="unknown community 'shops'"):
        monitoring.community_size(overrides={"shops": 3})


def test_efficiency_is_the_cost_of_each_result():
    costs = monitoring.efficiency(chain_table(), ACTIONS).set_index("indicator_id")
    # only counts linked to an action that should rise: A1 and R1 (ACT1); R2 is a share, R3 falls
    assert list(costs.index) == ["A1", "R1"]
    assert costs.loc["A1", "cost_per_result"] == pytest.approx(3000 / 20)
    assert costs.loc["R1", "cost_per_result"] == pytest.approx(3000 / 4)
    assert monitoring.spending(chain_table(), ACTIONS) == {"actions": 2, "budget": 10000.0, "spent": 8000.0}
    # local share: (3000 x 0.25 + 5000 x 0.5) / 8000
    assert monitoring.local_contribution(ACTIONS) == pytest.approx(3250 / 8000)


def test_results_chain_follows_levels_and_action_links():
    nodes, edges = monitoring.results_chain(chain_table(), ACTIONS)
    assert list(zip(nodes["node"], nodes["stage"])) == [
        ("ACT1", "activities"),
        ("A1", "activities"),
        ("ACT2", "activities"),
        ("R1", "results"),
        ("R2", "results"),
        ("R3", "results"),
        ("C1", "change"),
        ("X1", "objective"),
    ]
    assert nodes.set_index("node").loc["ACT1", "label"] == "ACT1 Formation"
    assert list(zip(edges["source"], edges["target"])) == [("ACT1", "R1"), ("ACT2", "R2"), ("ACT2", "R3")]


# --------------------------------------------------------------------------------------------
# The catalogue, against the source lists (document 000, §3.3)
# --------------------------------------------------------------------------------------------
SOURCE_LISTS = {
    "extension": {  # l. 3794-3849
        "personnes touchées": ["people_reached"],
        "entreprises touchées": ["firms_reached"],
        "institutions touchées": ["institutions_reached"],
        "responsables touchés": ["leaders_reached"],
        "retombées indirectes": ["spillover_effects"],
        "effets multiplicateurs": ["multiplier_effects"],
        "entreprises bénéficiaires appartenant à des femmes": ["women_owned_firm_share"],
        "institutions qui servent les femmes entrepreneurs": ["institutions_serving_women"],
        "appui aux acteurs institutionnels et responsables publics": ["policy_actors_supported"],
    },
    "output_networks": {  # l. 3996-3999
        "combien de réseaux": ["networks_established"],
        "de quelle nature": ["networks_vertical"],
        "combien d'entreprises": ["network_member_firms"],
        "nouvelles compétences": ["network_new_skills"],
    },
    "output_institutions": {  # l. 4001-4004
        "combien soutenues": ["institutions_supported"],
        "nouvelles compétences": ["institution_new_skills"],
        "nouveaux services, outils, assistance": ["institution_new_services"],
    },
    "output_governance": {  # l. 4006-4010
        "forum public-privé": ["governance_forum"],
        "participants": ["forum_participants"],
        "compétences développées": ["forum_member_skills"],
        "articulation avec les autres institutions": ["forum_institution_links"],
    },
    "governance": {  # l. 4024-4031
        "régularité des réunions": ["governance_meeting_regularity"],
        "représentativité de tous les acteurs": ["governance_representativeness", "association_membership"],
        "efficacité du processus de décision": ["governance_decision_efficiency"],
        "qualité de supervision des activités": ["governance_supervision_quality"],
        "capacité à proposer des réformes": ["governance_reform_proposals"],
        "capacité à lever les fonds": ["governance_funds_raised"],
    },
    "joint_actions": {  # l. 4033-4047
        "mise en œuvre d'actions communes": ["joint_actions_implemented", "joint_action_participation"],
        "centrale d'achat ou de vente": ["ja_purchasing_selling_centre"],
        "équipements communs": ["ja_shared_equipment"],
        "acquisition commune de technologies": ["ja_joint_technology"],
        "spécialisation inter-firmes": ["ja_specialisation"],
        "stratégie commune envers les fournisseurs": ["ja_supplier_strategy"],
        "marques collectives": ["ja_collective_brand"],
        "investissements communs": ["ja_joint_investment"],
        "design commun": ["ja_joint_design"],
        "participation collective dans les foires": ["ja_trade_fairs"],
        "assistance commune aux achats": ["ja_purchasing_assistance"],
    },
    "service_market": {  # l. 4047-4051
        "spécialisation des services": ["bds_specialisation"],
        "quantité d'usagers": ["bds_users"],
        "satisfaction": ["bds_satisfaction"],
        "fréquence de recours": ["bds_use_frequency"],
        "viabilité commerciale": ["bds_cost_recovery"],
    },
    "competitiveness_impact": {  # l. 4084-4101, the nine indicators
        "chiffre d'affaires des activités communes": ["joint_activity_turnover"],
        "augmentation de revenu et emploi": ["income_and_employment"],
        "modernisation des équipements": ["equipment_modernised"],
        "nouvelles compétences dans le groupe": ["group_new_skills"],
        "augmentation de ventes/exportations": ["sales_exports"],
        "investissement issu de l'accès au crédit": ["credit_investment"],
        "valeur ajoutée produite": ["value_added"],
        "nouveaux produits et services": ["new_products_services"],
        "nouveaux marchés desservis": ["new_markets"],
    },
    "poverty_impact": {  # l. 4103-4135
        "création d'emploi et conditions d'emploi": ["job_creation", "employment_conditions"],
        "pourcentage de femmes et d'acteurs marginalisés": [
            "women_marginalised_employees",
            "women_marginalised_clients",
        ],
        "revenus générés pour les pauvres": ["income_poor"],
        "services de base et infrastructures": ["basic_services_infrastructure"],
        "accès des groupes vulnérables aux produits de base": ["vulnerable_basic_access"],
        "accès au crédit des groupes vulnérables": ["vulnerable_credit_access"],
        "insertion environnementale": ["environmental_integration"],
    },
    "sustainability": {  # l. 4137-4185
        "permanence des actions communes": ["sus_joint_action_permanence"],
        "viabilité des projets collectifs": ["sus_collective_project_viability"],
        "permanence de la bonne gouvernance": ["sus_governance_permanence"],
        "propension aux actions communes": ["sus_cooperation_density"],
        "intensité et ampleur des relations de réseau": ["sus_network_density", "sus_formal_relation_share"],
        "évolution des stratégies": ["sus_strategy_changes"],
        "ressources humaines formées": ["sus_people_trained"],
        "acceptation de la démarche": ["sus_approach_acceptance"],
        "ressources mobilisées": ["sus_local_resources"],
        "réformes de l'environnement": ["sus_policy_reforms"],
        "capacités institutionnelles": ["sus_institutional_capacity"],
        "coopération entre institutions": ["sus_inter_institution_cooperation"],
        "ressources humaines au niveau du pays": ["sus_national_hr"],
    },
}


@pytest.mark.parametrize("list_key", sorted(SOURCE_LISTS))
def test_catalogue_holds_every_item_of_every_source_list(list_key):
    entries = monitoring.catalogue()
    in_list = entries[entries["list"] == list_key]
    named = [key for keys in SOURCE_LISTS[list_key].values() for key in keys]
    assert sorted(named) == sorted(in_list["key"])  # every item has its entry, and nothing else is there
    first, last = map(int, monitoring.catalogue_lists().set_index("list").loc[list_key, "lines"].split("-"))
    for lines in in_list["lines"]:
        for span in lines.split(","):
            low, _, high = span.strip().partition("-")
            assert 3709 <= int(low) <= int(high or low) <= 4185  # within §3.3
    assert in_list["document"].eq("afd2008").all()
    assert 3709 <= first <= last <= 4185


def test_the_nine_competitiveness_impact_indicators():
    entries = monitoring.catalogue().set_index("key")
    nine = entries[entries["list"] == "competitiveness_impact"]
    assert list(nine.index) == [
        "joint_activity_turnover",
        "income_and_employment",
        "equipment_modernised",
        "group_new_skills",
        "sales_exports",
        "credit_investment",
        "value_added",
        "new_products_services",
        "new_markets",
    ]
    assert set(nine["level"]) == {"impact"} and set(nine["battery"]) == {"competitiveness"}


def test_every_entry_is_complete_and_uses_the_schema_enumerations():
    entries = monitoring.catalogue()
    assert entries["key"].is_unique
    assert set(entries["level"]) <= set(ENUMS["indicator_level"])
    assert set(entries["dimension"]) == set(ENUMS["dimension"]) - {"efficiency"}  # efficiency is cost per result
    assert set(entries["battery"]) == set(ENUMS["battery"])
    assert set(entries["unit_kind"]) <= set(monitoring.UNIT_KINDS)
    assert set(entries["reach"].dropna()) <= set(monitoring.REACH_KINDS)
    for column in (
        "name_fr",
        "name_en",
        "unit_fr",
        "unit_en",
        "definition_fr",
        "definition_en",
        "data_source_fr",
        "data_source_en",
        "frequency",
    ):
        assert entries[column].notna().all() and (entries[column].str.strip() != "").all(), column
    assert (entries["definition_fr"] != entries["definition_en"]).all()


def test_baseline_keys_are_those_the_diagnostic_writes():
    keys = monitoring.catalogue().dropna(subset=["baseline_key"]).set_index("key")["baseline_key"].to_dict()
    assert keys == {
        "women_owned_firm_share": "women_owned_share",
        "association_membership": "association_share",
        "joint_action_participation": "joint_action_share",
        "bds_users": "bds_users",
        "bds_satisfaction": "bds_satisfaction",
        "job_creation": "employees",
        "women_marginalised_employees": "women_share",
        "sus_cooperation_density": "cooperation_density",
        "sus_network_density": "network_density",
        "sus_formal_relation_share": "formal_relation_share",
    }


def test_default_batteries_follow_the_orientation():
    assert monitoring.default_batteries("competitiveness") == (
        "competitiveness",
        "governance",
        "joint_action",
        "network",
        "institution",
    )
    assert monitoring.default_batteries("pro_poor") == (
        "pro_poor",
        "governance",
        "joint_action",
        "network",
        "institution",
    )
    with pytest.raises(ValueError, match="unknown orientation 'growth'"):
        monitoring.default_batteries("growth")


def test_battery_rows_fit_the_indicators_sheet():
    rows = monitoring.battery_rows("competitiveness", "en")
    assert list(rows.columns) == [c.key for c in SHEETS["indicators"].columns]
    assert rows["indicator_id"].tolist() == rows["catalogue_key"].tolist()
    assert "firms_reached" in set(rows["indicator_id"]) and len(rows) == 10  # reach + the nine
    assert rows.set_index("indicator_id").loc["new_markets", "name"] == "New markets served"
    assert rows["baseline"].isna().all() and rows["target"].isna().all()
    french = monitoring.battery_rows("competitiveness", "fr").set_index("indicator_id")
    assert french.loc["new_markets", "unit"] == "marchés"
    with pytest.raises(InputError, match="Batterie inconnue « growth »"):
        monitoring.battery_rows("growth", "fr")


def test_example_indicators_carry_catalogue_keys(example_frames):
    keys = example_frames["indicators"].set_index("indicator_id")["catalogue_key"]
    assert set(keys.dropna()) <= set(monitoring.catalogue()["key"])
    assert keys["I24"] == "new_markets" and keys["I18"] == "bds_satisfaction" and pd.isna(keys["I01"])


@pytest.mark.parametrize(
    "unit, kind, reach",
    [
        ("%", "share", None),
        ("Part", "share", None),
        ("ratio", "share", None),
        ("note 1-5", "score", None),
        ("EUR par mois", "amount", None),
        ("FCFA", "amount", None),
        ("oui/non", "yes_no", None),
        ("entreprises", "count", "firms"),
        ("Personnes", "count", "people"),
        ("emplois", "count", None),
        ("m³ par mois", "count", None),
        (None, "count", None),
    ],
)
def test_units_are_read_by_kind(unit, kind, reach):
    assert monitoring.unit_kind(unit) == kind
    assert monitoring.reach_kind(unit) == reach


# --------------------------------------------------------------------------------------------
# Baselines from the diagnostic
# --------------------------------------------------------------------------------------------
def test_fill_baselines_from_the_diagnostic_table():
    frame = indicators([("W", np.nan, 0.5), ("K", 0.3, 0.5), ("J", np.nan, 0.5), ("N", np.nan, 10)])
    frame["catalogue_key"] = pd.Series(
        ["women_marginalised_employees", "women_marginalised_employees", "job_creation", None], dtype="str"
    )
    frame["unit"] = ["%", "%", "%", "entreprises"]
    frame["baseline_date"] = pd.Series([pd.NaT, BASE, pd.NaT, pd.NaT], dtype="datetime64[ns]")
    baseline = pd.DataFrame(
        {
            "key": ["women_share", "employees", "women_share"],
            "value": [0.40, 1168.0, 0.44],
            "unit": ["share", "people", "share"],
            "date": pd.to_datetime(["2024-06-30", "2024-12-31", "2024-12-31"]),
            "source": ["enterprises"] * 3,
        }
    )
    filled = monitoring.fill_baselines(frame, baseline).set_index("indicator_id")
    # W: missing, its entry's baseline key is women_share, the last row of that key wins
    assert filled.loc["W", "baseline"] == 0.44 and filled.loc["W", "baseline_date"] == pd.Timestamp("2024-12-31")
    assert filled.loc["W", "baseline_origin"] == "diagnostic baseline 2024-12-31"
    # K: the workbook's own baseline and date are never replaced
    assert filled.loc["K", "baseline"] == 0.3 and filled.loc["K", "baseline_origin"] == "workbook"
    # J: job_creation counts jobs; a share unit is of another kind, so employees is not used
    assert math.isnan(filled.loc["J", "baseline"]) and pd.isna(filled.loc["J", "baseline_origin"])
    assert pd.isna(filled.loc["N", "baseline_origin"])
    assert monitoring.fill_baselines(frame)["baseline_origin"].tolist()[1] == "workbook"


def test_read_baseline_csv_and_xlsx(tmp_path):
    csv = tmp_path / "baseline.csv"
    csv.write_text(
        "key;value;unit;date;source\nwomen_share;0,44;share;2024-12-31;enterprises\n"
        "employees;1 168;people;2024-12-31;enterprises\n",
        encoding="utf-8",
    )
    table = read_baseline(csv)
    assert table["value"].tolist() == [0.44, 1168.0]
    assert table["date"].tolist() == [pd.Timestamp("2024-12-31")] * 2
    xlsx = tmp_path / "baseline.xlsx"
    table.to_excel(xlsx, index=False)
    assert read_baseline(xlsx)["key"].tolist() == ["women_share", "employees"]
    assert read_baseline("") is None


def test_baselines_from_what_the_diagnostic_writes(example_workbook, tmp_path):
    from clusterkit.steps import diagnostic

    table = diagnostic.baseline_table(example_workbook, pd.Timestamp("2024-12-31"))
    csv, xlsx = sorted(exports.write_baseline(table, tmp_path, "fr"), key=lambda p: p.suffix)
    pd.testing.assert_frame_equal(read_baseline(csv), read_baseline(xlsx))
    indicators = example_workbook["indicators"].copy()
    indicators["baseline"] = np.nan  # as if the team had left every baseline to the diagnostic
    filled = monitoring.fill_baselines(indicators, read_baseline(csv)).set_index("catalogue_key")
    values = table.set_index("key")["value"]
    for key, baseline_key in [
        ("sus_network_density", "network_density"),
        ("job_creation", "employees"),
        ("sus_formal_relation_share", "formal_relation_share"),
        ("bds_satisfaction", "bds_satisfaction"),
        ("women_owned_firm_share", "women_owned_share"),
    ]:
        assert filled.loc[key, "baseline"] == pytest.approx(values[baseline_key])
        assert filled.loc[key, "baseline_origin"] == "diagnostic baseline 2024-12-31"
    assert filled["baseline_origin"].notna().sum() == 5


# --------------------------------------------------------------------------------------------
# Adding a battery to the team workbook
# --------------------------------------------------------------------------------------------
def sheet_rows(path, title):
    ws = openpyxl.load_workbook(path)[title]
    return [[c.value for c in row] for row in ws.iter_rows()]


# The sheets step 5 reads, enough for a team workbook that validates.
STEP5 = ("cluster", "objectives", "actions", "indicators", "measurements")


@pytest.fixture(scope="module")
def step5_frames():
    return {key: frame for key, frame in build_example().items() if key in STEP5}


@pytest.fixture
def team_workbook(tmp_path, step5_frames):
    return write_workbook(step5_frames, tmp_path / "cluster.xlsx", "fr")


def test_add_battery_keeps_existing_rows_and_backs_up(team_workbook):
    before = sheet_rows(team_workbook, "indicateurs")
    original = team_workbook.read_bytes()
    added, kept = monitoring.add_battery(team_workbook, "joint_action")
    # the example already follows five of the battery's 21 entries, through its catalogue keys
    assert sorted(kept) == [
        "bds_satisfaction",
        "ja_collective_brand",
        "ja_purchasing_selling_centre",
        "ja_trade_fairs",
        "joint_actions_implemented",
    ]
    assert len(added) == 16 and not set(added) & set(kept)
    after = sheet_rows(team_workbook, "indicateurs")
    assert after[: len(before)] == before  # not one cell of the existing rows changed
    assert (team_workbook.parent / "cluster.bak.xlsx").read_bytes() == original
    new = dict(zip(after[0], after[len(before)]))
    assert new["id_indicateur"] == added[0] and new["clé_catalogue"] == added[0]
    assert new["niveau"] == "changement visé" and new["batterie"] == "actions conjointes"  # French labels
    assert new["référence"] is None and new["cible"] is None
    # a second run adds nothing and leaves the file alone
    written = team_workbook.read_bytes()
    battery = list(monitoring.battery_rows("joint_action")["catalogue_key"])
    assert monitoring.add_battery(team_workbook, "joint_action") == ([], battery)
    assert team_workbook.read_bytes() == written


def test_add_battery_message(tmp_path):
    path = tmp_path / "cluster.xlsx"
    assert monitoring.add_battery_message(["a", "b"], ["c"], path, "en").splitlines() == [
        f"2 indicators added to the indicators sheet; 1 already there, left as they were. "
        f"Copy of the previous file: {tmp_path / 'cluster.bak.xlsx'}.",
        "Now fill in the baseline, the target and their dates of each new indicator; "
        "'clusterkit workbook check' lists the cells to fill.",
    ]
    assert monitoring.add_battery_message([], ["a", "b"], path, "fr") == (
        "Rien à ajouter : la batterie compte 2 indicateurs, déjà dans le classeur."
    )


def test_added_rows_read_back_and_ask_for_their_targets(team_workbook):
    added, _ = monitoring.add_battery(team_workbook, "competitiveness")
    with pytest.raises(WorkbookError) as caught:
        read_workbook(team_workbook)
    problems = caught.value.problems
    assert {p.code for p in problems} == {"value_required"}
    assert {p.column for p in problems} == {"cible", "date_cible"}
    assert len(problems) == 2 * len(added)


def test_add_battery_in_an_english_workbook_without_catalogue_key_column(tmp_path, step5_frames):
    frames = {key: frame.copy() for key, frame in step5_frames.items()}
    frames["indicators"] = frames["indicators"].drop(columns="catalogue_key")
    frames["indicators"].loc[0, "indicator_id"] = "new_markets"  # same id as a catalogue key: kept
    frames["measurements"].loc[frames["measurements"]["indicator_id"] == "I01", "indicator_id"] = "new_markets"
    path = write_workbook(frames, tmp_path / "en.xlsx", "en")
    book = openpyxl.load_workbook(path)
    ws = book["indicators"]
    column = [c.value for c in ws[1]].index("catalogue_key") + 1
    ws.delete_cols(column)
    book.save(path)
    added, kept = monitoring.add_battery(path, "competitiveness", lang="fr")
    assert kept == ["new_markets"] and len(added) == 9
    rows = sheet_rows(path, "indicators")
    assert rows[0][-1] == "catalogue_key"  # the column is added at the end of the header
    new = dict(zip(rows[0], rows[-1]))
    assert new["level"] == "impact" and new["battery"] == "competitiveness"  # canonical English values
    # names in the language asked for, here the last entry added
    assert new["catalogue_key"] == added[-1] == "new_products_services"
    assert new["name"] == "Nouveaux produits et services"


# --------------------------------------------------------------------------------------------
# The whole assessment, the reference sheets and the evaluation summary, on the example
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def example_wb(tmp_path_factory):
    frames = {
        key: frame for key, frame in build_example().items() if key in (*STEP5, "enterprises", "actors", "relations")
    }
    return read_workbook(write_workbook(frames, tmp_path_factory.mktemp("wb") / "example.xlsx", "fr"))


@pytest.fixture(scope="module")
def example_assessment(example_wb):
    return monitoring.assess(example_wb)


def test_assessment_stops_every_view_at_the_cut_off_date(example_wb):
    m = monitoring.assess(example_wb, as_of="2025-12-31")
    assert m.as_of == pd.Timestamp("2025-12-31")
    assert m.measurements["date"].max() == pd.Timestamp("2025-12-31")  # the trends and sheets too
    assert m.table["measured_on"].max() == pd.Timestamp("2025-12-31")


def test_assessment_of_the_example(example_assessment):
    m = example_assessment
    assert m.orientation == "pro_poor" and m.batteries[0] == "pro_poor"
    assert m.as_of == pd.Timestamp("2026-12-31")
    assert set(m.table["progress_status"]) <= set(monitoring.STATUSES)
    assert list(m.relations["survey_round"]) == [1, 2]
    status = m.table.set_index("indicator_id")["progress_status"]
    assert status["I23"] == "off_track"  # the effluent plant is still being built


def test_evaluation_summary_follows_objectives_then_dimensions(example_assessment):
    summary = example_assessment.summary
    sections = list(dict.fromkeys(summary["section"]))
    assert sections == [*monitoring.OBJECTIVES, *monitoring.DIMENSIONS]
    behind = summary.set_index("key").loc["monitoring.eval.performance.behind", "values"]
    status = example_assessment.table.set_index("indicator_id")["progress_status"]
    assert behind["off_track"] == (status == "off_track").sum()
    assert [status[i] for i in behind["behind_ids"]] == sorted(
        (status[i] for i in behind["behind_ids"]), key=["off_track", "at_risk"].index
    )


def test_reference_sheets_xlsx_has_tabs_and_status_formats(example_assessment, tmp_path):
    sheets = monitoring.indicator_sheets(example_assessment, "fr")
    path = exports.write_indicator_sheets(sheets, tmp_path / "monitoring-indicators.xlsx", "fr")
    book = openpyxl.load_workbook(path)
    ids = list(example_assessment.table["indicator_id"])
    assert book.sheetnames == ["Synthèse", *ids]
    summary = book["Synthèse"]
    header = [c.value for c in summary[1]]
    assert header[:3] == ["Indicateur", "Nom", "Niveau"] and header[-1] == "Statut"
    status = example_assessment.table.set_index("indicator_id")["progress_status"]
    labels = {s: t(f"enum.monitoring_status.{s}", "fr") for s in monitoring.STATUSES}
    assert [row[-1].value for row in summary.iter_rows(min_row=2)] == [labels[status[i]] for i in ids]
    ranges = {str(cf.sqref): cf.rules for cf in summary.conditional_formatting}
    assert list(ranges) == [f"M2:M{len(ids) + 1}"]
    rules = ranges[f"M2:M{len(ids) + 1}"]
    assert {r.formula[0]: r.dxf.fill.fgColor.rgb[-6:] for r in rules} == {
        f'"{labels[s]}"': c for s, c in monitoring.STATUS_COLOURS.items()
    }
    assert summary["A2"].hyperlink.location == "'I01'!A1"
    sheet = book["I23"]
    fields = {row[0].value: row[1] for row in sheet.iter_rows(min_row=3, max_row=23)}
    assert fields["Statut"].value == labels["off_track"]
    assert [str(cf.sqref) for cf in sheet.conditional_formatting] == [fields["Statut"].coordinate]
    assert fields["Progression"].number_format == "[$-40C]0%"
    assert fields["Référence"].value == 4200
    assert fields["Définition"].value is None  # a count of m³ has no catalogue definition
    share = {row[0].value: row[1] for row in book["I22"].iter_rows(min_row=3, max_row=23)}
    assert (
        share["Référence"].number_format == "[$-40C]0.0%" and "Clé du catalogue" not in share
    )  # a key is no reader's word
    assert share["Définition"].value.startswith("Entreprises bénéficiaires appartenant à des femmes")


def test_reference_sheets_html_list_the_fields_and_escape(example_assessment):
    sheets = monitoring.indicator_sheets(example_assessment, "en", {"I01": "<b>Meetings</b>"})
    page = views.sheets_html(sheets, "en")
    assert page.count('<section class="ck-sheet"') == len(example_assessment.table)
    assert page.count('<dl class="ck-sheet-fields">') == len(example_assessment.table)
    assert page.count("<dt>") == len(example_assessment.table) * len(monitoring.SHEET_FIELDS)
    assert "&lt;b&gt;Meetings&lt;/b&gt;" in page and "<b>Meetings" not in page
    assert '<dd class="ck-status-off_track">off track<' in page
    assert ".ck-status-off_track { background: #F1948A; }" in page


def test_dashboard_exercise_of_the_book():
    """The figures of exercise ex-monitoring-dashboard (book/fr/monitoring.md)."""
    start, end = pd.Timestamp("2025-01-01"), pd.Timestamp("2029-01-01")
    frame = indicators(
        [("A", 0.38, 0.46), ("B", 3000, 1000), ("C", 0.10, 0.35), ("D", 0.80, 0.80), ("E", 60, 90), ("F", 40, 120)]
    ).assign(baseline_date=start, target_date=end)
    at = "2027-01-01"
    table = monitoring.progress_table(
        frame, measurements([("A", at, 0.395), ("B", at, 1900), ("C", at, 0.40), ("D", at, 0.75), ("F", at, 70)])
    ).set_index("indicator_id")
    assert table["expected_progress"].dropna().unique() == pytest.approx([730 / 1461])
    assert table["progress"].round(4).to_dict() == pytest.approx(
        {"A": 0.1875, "B": 0.55, "C": 1.2, "D": np.nan, "E": np.nan, "F": 0.375}, nan_ok=True
    )
    assert table["progress_status"].to_dict() == {
        "A": "off_track",
        "B": "on_track",
        "C": "achieved",
        "D": "target_is_baseline",
        "E": "no_data",
        "F": "at_risk",
    }
