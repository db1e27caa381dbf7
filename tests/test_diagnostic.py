"""The cluster profile, on a small table of firms worked out by hand."""
import pandas as pd
import pytest

from clusterkit import diagnostic

# Six firms. Hand-computed expectations are in the tests below.
FIRMS = pd.DataFrame({
    "enterprise_id": ["E1", "E2", "E3", "E4", "E5", "E6"],
    "role": ["lead_firm", "producer", "producer", "producer", "supplier", "trader"],
    "employees": pd.array([120, 4, 12, 9, 60, 2], dtype="Int64"),
    "employees_women": pd.array([30, 4, pd.NA, 3, 15, 1], dtype="Int64"),
    "owner_gender": ["m", "f", "m", "f", "mixed", pd.NA],
    "owner_stratum": ["entrepreneur moyen", "artisan précaire", "artisan établi", "artisan précaire",
                      "entrepreneur moyen", pd.NA],
    "turnover": [1000.0, 10.0, 50.0, None, 400.0, 5.0],
    "export_share": [0.5, 0.0, 0.2, 0.1, 0.25, None],
    "market_segment": ["international", "local", "national", "local", "international", "local"],
    "association_member": pd.array([True, False, True, False, True, False], dtype="boolean"),
})


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
    assert summary == {"firms": 6, "employees": 207, "women_share": pytest.approx(53 / 195), "lead_firms": 1,
                       "association_share": pytest.approx(0.5)}
