"""Tests of step 1: cluster mapping (LQ, stars, quadrants, shift-share,
specialisation index) and cluster selection (scoring, thresholds, presets,
sensitivity)."""

import io
from fractions import Fraction as F

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from matplotlib.figure import Figure

from clusterkit.errors import StepInputError
from clusterkit.steps import mapping
from clusterkit.steps import selection as sel

# --------------------------------------------------------------------------
# A table small enough to work out by hand: 2 regions x 2 sectors x 2 years.
#
#            2010          2020
#            x    y  | e_r  x    y  | e_r
#   A       10   30  |  40  20   30 |  50
#   B       20   40  |  60  20   50 |  70
#   e_s     30   70  | 100  40   80 | 120
# --------------------------------------------------------------------------
HAND = pd.DataFrame(
    {
        "region": ["A", "A", "B", "B"] * 2,
        "sector": ["x", "y"] * 4,
        "year": [2010] * 4 + [2020] * 4,
        "employment": [10.0, 30.0, 20.0, 40.0, 20.0, 30.0, 20.0, 50.0],
    }
)


def _cell(frame, region, sector, year=None):
    rows = (frame["region"] == region) & (frame["sector"] == sector)
    if year is not None:
        rows &= frame["year"] == year
    (row,) = frame.index[rows]
    return frame.loc[row]


def test_location_quotient_by_hand():
    ind = mapping.mapping_indicators(HAND)
    expected = {
        # LQ = (e_rs / e_r) / (e_s / e)
        ("A", "x", 2010): F(10, 40) / F(30, 100),  # 0.25 / 0.30 = 5/6
        ("A", "y", 2010): F(30, 40) / F(70, 100),  # 0.75 / 0.70 = 15/14
        ("B", "x", 2010): F(20, 60) / F(30, 100),  # (1/3) / 0.30 = 10/9
        ("B", "y", 2010): F(40, 60) / F(70, 100),  # (2/3) / 0.70 = 20/21
        ("A", "x", 2020): F(20, 50) / F(40, 120),  # 0.4 / (1/3) = 6/5
        ("A", "y", 2020): F(30, 50) / F(80, 120),  # 0.6 / (2/3) = 9/10
        ("B", "x", 2020): F(20, 70) / F(40, 120),  # (2/7) / (1/3) = 6/7
        ("B", "y", 2020): F(50, 70) / F(80, 120),  # (5/7) / (2/3) = 15/14
    }
    assert expected[("A", "x", 2010)] == F(5, 6)
    for (region, sector, year), lq in expected.items():
        assert _cell(ind, region, sector, year)["lq"] == pytest.approx(float(lq))


def test_other_mapping_indicators_by_hand():
    ind = mapping.mapping_indicators(HAND)
    ax20 = _cell(ind, "A", "x", 2020)
    assert ax20["region_employment"] == 50
    assert ax20["sector_employment"] == 40
    assert ax20["total_employment"] == 120
    assert ax20["focus"] == pytest.approx(20 / 50)  # e_rs / e_r
    assert ax20["region_share"] == pytest.approx(20 / 40)  # e_rs / e_s
    assert ax20["growth"] == pytest.approx(20 / 10 - 1)  # 100 %
    assert _cell(ind, "B", "y", 2020)["growth"] == pytest.approx(50 / 40 - 1)  # 25 %
    # The first year has no previous year.
    assert ind.loc[ind["year"] == 2010, ["growth", "growth_since_first"]].isna().all().all()
    # Rows keep the input order and the input columns come first.
    assert list(ind.columns[:4]) == ["region", "sector", "year", "employment"]
    assert ind["employment"].tolist() == HAND["employment"].tolist()


def test_growth_uses_previous_year_present_and_first_year():
    years = [2000, 2005, 2015]
    emp = pd.DataFrame({"region": "A", "sector": "x", "year": years, "employment": [10.0, 15.0, 30.0]})
    ind = mapping.mapping_indicators(emp)
    assert ind["growth"].tolist()[1:] == pytest.approx([0.5, 1.0])  # 15/10-1, 30/15-1
    assert ind["growth_since_first"].tolist()[1:] == pytest.approx([0.5, 2.0])  # 30/10-1


def test_missing_cell_gives_nan_growth_not_a_wrong_neighbour():
    emp = pd.DataFrame(
        {
            "region": ["A", "A", "B"],
            "sector": ["x", "x", "x"],
            "year": [2010, 2020, 2020],
            "employment": [10.0, 20.0, 5.0],
        }
    )
    ind = mapping.mapping_indicators(emp)
    assert np.isnan(_cell(ind, "B", "x", 2020)["growth"])
    assert _cell(ind, "A", "x", 2020)["growth"] == pytest.approx(1.0)


def test_establishments_are_kept():
    emp = HAND.assign(establishments=range(8))
    assert mapping.mapping_indicators(emp)["establishments"].tolist() == list(range(8))


# The same regions and sectors counted in firms (establishments), as an informal cluster is:
#
#            2010          2020
#            x    y  | n_r  x    y  | n_r
#   A        4    6  |  10   7    3 |  10
#   B        2    8  |  10   3    7 |  10
#   n_s      6   14  |  20  10   10 |  20
FIRMS = HAND.assign(employment=np.nan, establishments=[4.0, 6, 2, 8, 7, 3, 3, 7])


def test_measures_are_computed_on_firm_counts_when_only_they_are_given():
    counts, basis = mapping.mapping_counts(FIRMS)
    assert basis == "firms"
    ind = mapping.mapping_indicators(counts)
    # LQ = (n_rs / n_r) / (n_s / n)
    assert _cell(ind, "A", "x", 2010)["lq"] == pytest.approx(float(F(4, 10) / F(6, 20)))  # 4/3
    assert _cell(ind, "A", "x", 2020)["lq"] == pytest.approx(float(F(7, 10) / F(10, 20)))  # 7/5
    assert _cell(ind, "B", "y", 2020)["lq"] == pytest.approx(float(F(7, 10) / F(10, 20)))  # 7/5
    shares = mapping.shift_share(counts).set_index(["region", "sector"])
    # n grows 0 %, sector x grows 6 -> 10: A/x gains 3 firms, 4 * (10/6 - 1) of them from the industry mix
    assert shares.loc[("A", "x"), "change"] == 3
    assert shares.loc[("A", "x"), "national_growth"] == pytest.approx(0)
    assert shares.loc[("A", "x"), "industry_mix"] == pytest.approx(4 * (10 / 6 - 1))
    assert shares.loc[("A", "x"), "regional_effect"] == pytest.approx(3 - 4 * (10 / 6 - 1))


def test_employment_is_the_basis_whenever_the_sheet_gives_it():
    both = HAND.assign(establishments=FIRMS["establishments"])
    counts, basis = mapping.mapping_counts(both)
    assert basis == "employment" and counts["employment"].tolist() == HAND["employment"].tolist()
    assert _cell(mapping.mapping_indicators(counts), "A", "x", 2010)["lq"] == pytest.approx(5 / 6)
    # asked for, the firms basis is used even when employment is there
    counts, basis = mapping.mapping_counts(both, "firms")
    assert basis == "firms"
    assert _cell(mapping.mapping_indicators(counts), "A", "x", 2010)["lq"] == pytest.approx(4 / 3)


@pytest.mark.parametrize(
    "lang, table, basis, message",
    [
        (
            "en",
            "firms",
            "employment",
            (
                "The mapping is computed on employment, but the ‘employment’ sheet has 8 rows "
                "with no value in the employment column (region / sector / year: A / x / 2010; "
                "A / y / 2010; B / x / 2010; B / y / 2010; A / x / 2020)."
            ),
        ),
        (
            "fr",
            "firms",
            "employment",
            (
                "La cartographie est calculée sur l'emploi, mais la feuille « emploi » a 8 "
                "lignes sans valeur dans la colonne emploi"
            ),
        ),
        (
            "en",
            "gap",
            "",
            "The mapping is computed on the number of firms, but the ‘employment’ sheet has 1 row "
            "with no value in the establishments column (region / sector / year: B / y / 2020).",
        ),
        # employment on some rows only: the fix offers both ways
        (
            "fr",
            "jobs_gap",
            "",
            "sans valeur dans la colonne emploi (région / secteur / année : B / y / 2020). "
            "Remplissez ces cases ; ou, si vous ne disposez que du nombre d'entreprises, videz toute "
            "la colonne emploi",
        ),
        ("fr", "both", "jobs", "Le paramètre basis vaut « jobs » ; il attend l'une de ces valeurs : employment, firms"),
        ("en", "both", "jobs", "The basis parameter is ‘jobs’; it expects one of: employment, firms"),
    ],
)
def test_a_basis_without_its_counts_says_which_rows_to_fill(lang, table, basis, message):
    frames = {
        "firms": FIRMS,
        "both": HAND.assign(establishments=FIRMS["establishments"]),
        # firms only, one count missing
        "gap": FIRMS.assign(establishments=FIRMS["establishments"].where(FIRMS.index != 7)),
        "jobs_gap": HAND.assign(employment=HAND["employment"].where(HAND.index != 7)),
    }
    with pytest.raises(StepInputError) as caught:
        mapping.mapping_counts(frames[table], basis, lang)
    assert message in str(caught.value)


def test_basis_headers_name_the_count_used():
    shares = mapping.shift_share(HAND)
    assert list(mapping.basis_headers(shares, "employment").columns) == list(shares.columns)
    assert list(mapping.basis_headers(shares, "firms").columns[2:5]) == [
        "establishments_start",
        "establishments_end",
        "change",
    ]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"employment": [-1.0] + [1.0] * 7}, "missing or negative"),
        ({"employment": [np.nan] + [1.0] * 7}, "missing or negative"),
        ({"year": [2010] * 8}, "duplicate region/sector/year rows, e.g. A / x / 2010"),
    ],
)
def test_bad_employment_tables_are_refused(change, message):
    with pytest.raises(ValueError, match=message):
        mapping.mapping_indicators(HAND.assign(**change))


def test_missing_employment_column_is_named():
    with pytest.raises(ValueError, match="missing column.*year"):
        mapping.mapping_indicators(HAND.drop(columns="year"))


def test_shift_share_by_hand():
    # g = 120/100 - 1 = 1/5; g_x = 40/30 - 1 = 1/3; g_y = 80/70 - 1 = 1/7
    # NG = e0 g ; IM = e0 (g_s - g) ; RE = change - NG - IM
    expected = {
        # e0, e1, NG,  IM,                       RE
        ("A", "x"): (10, 20, 2, F(10) * (F(1, 3) - F(1, 5)), F(20, 3)),  # IM = 4/3
        ("A", "y"): (30, 30, 6, F(30) * (F(1, 7) - F(1, 5)), F(-30, 7)),  # IM = -12/7
        ("B", "x"): (20, 20, 4, F(20) * (F(1, 3) - F(1, 5)), F(-20, 3)),  # IM = 8/3
        ("B", "y"): (40, 50, 8, F(40) * (F(1, 7) - F(1, 5)), F(30, 7)),  # IM = -16/7
    }
    shares = mapping.shift_share(HAND, 2010, 2020)
    assert len(shares) == 4
    for (region, sector), (e0, e1, ng, im, re) in expected.items():
        row = _cell(shares, region, sector)
        assert row["employment_start"] == e0
        assert row["employment_end"] == e1
        assert row["change"] == e1 - e0
        assert row["national_growth"] == pytest.approx(ng)
        assert row["industry_mix"] == pytest.approx(float(im))
        assert row["regional_effect"] == pytest.approx(float(re))
    # Region A: NG = 2 + 6 = 8, IM = 4/3 - 12/7 = -8/21, RE = 20/3 - 30/7 = 50/21
    by_region = mapping.shift_share_by_region(shares).set_index("region")
    assert by_region.loc["A", "change"] == 10
    assert by_region.loc["A", "national_growth"] == pytest.approx(8)
    assert by_region.loc["A", "industry_mix"] == pytest.approx(-8 / 21)
    assert by_region.loc["A", "regional_effect"] == pytest.approx(50 / 21)


def test_shift_share_defaults_to_first_and_last_year_and_checks_years():
    pd.testing.assert_frame_equal(mapping.shift_share(HAND), mapping.shift_share(HAND, 2010, 2020))
    with pytest.raises(ValueError, match="year 2015 is not in the table"):
        mapping.shift_share(HAND, 2010, 2015)
    with pytest.raises(ValueError, match="must come before"):
        mapping.shift_share(HAND, 2020, 2010)


def test_shift_share_new_cell_is_all_regional_effect():
    new = pd.DataFrame({"region": ["B"], "sector": ["z"], "year": [2020], "employment": [6.0]})
    emp = pd.concat([HAND, new])
    row = _cell(mapping.shift_share(emp), "B", "z")
    assert (row["employment_start"], row["employment_end"]) == (0, 6)
    assert (row["national_growth"], row["industry_mix"], row["regional_effect"]) == (0, 0, 6)


def test_quadrants_cover_the_four_cases_and_the_boundaries():
    rows = [
        # region, lq 2010, lq 2020 -> quadrant
        ("high_rising", 1.2, 1.5, "star"),
        ("low_rising", 0.5, 0.8, "emerging"),
        ("high_falling", 2.0, 1.5, "mature"),
        ("low_falling", 0.9, 0.6, "declining"),
        ("at_one_rising", 0.8, 1.0, "emerging"),  # LQ = 1 is not high
        ("flat_high", 1.5, 1.5, "mature"),  # no change is not rising
    ]
    ind = pd.DataFrame(
        {
            "region": [r[0] for r in rows] * 2,
            "sector": "x",
            "year": [2010] * len(rows) + [2020] * len(rows),
            "lq": [r[1] for r in rows] + [r[2] for r in rows],
            "employment": 1.0,
        }
    )
    quadrants = mapping.specialisation_quadrants(ind).set_index("region")
    for region, start, end, quadrant in rows:
        assert quadrants.loc[region, "quadrant"] == quadrant
        assert quadrants.loc[region, "lq_change"] == pytest.approx(end - start)


def test_quadrants_of_the_hand_table():
    quadrants = mapping.specialisation_quadrants(mapping.mapping_indicators(HAND))
    got = {(r.region, r.sector): r.quadrant for r in quadrants.itertuples()}
    # A/x 5/6 -> 6/5 and B/y 20/21 -> 15/14 rise above 1; the others fall below 1.
    assert got == {("A", "x"): "star", ("A", "y"): "declining", ("B", "x"): "declining", ("B", "y"): "star"}
    assert _cell(quadrants, "B", "y")["employment"] == 50  # end-year employment


def test_observatory_stars_thresholds():
    ind = pd.DataFrame(
        {
            "region": list("abcd") * 2,
            "sector": "x",
            "year": [2010] * 4 + [2020] * 4,
            "region_share": [0.1, 0.2, 0.3, 0.4, 0.4, 0.3, 0.2, 0.1],
            "focus": [0.4, 0.3, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            "lq": [2.0, 1.99, 3.0, 0.5, 1.0, 1.0, 1.0, 1.0],
        }
    )
    stars = mapping.observatory_stars(ind, size_quantile=0.75, focus_quantile=0.5)
    # 0.75 quantile of 0.1..0.4 (linear) = 0.325: only the 0.4 cell, each year.
    assert stars["size_threshold"].tolist() == pytest.approx([0.325] * 8)
    assert stars["size_star"].tolist() == [False, False, False, True, True, False, False, False]
    # LQ >= 2 (inclusive).
    assert stars["specialisation_star"].tolist() == [True, False, True] + [False] * 5
    # 2010: median focus 0.15 -> a and b. 2020: all zero -> the quantile is 0
    # but a zero focus never earns a star.
    assert stars["focus_star"].tolist() == [True, True] + [False] * 6
    assert stars["stars"].tolist() == [2, 1, 1, 1, 1, 0, 0, 0]
    with pytest.raises(ValueError, match="size_quantile"):
        mapping.observatory_stars(ind, size_quantile=90)


def test_observatory_star_defaults_are_the_top_decile_and_lq_two():
    rng = np.random.default_rng(1)
    emp = pd.DataFrame(
        {
            "region": np.repeat([f"r{i}" for i in range(20)], 10),
            "sector": np.tile([f"s{i}" for i in range(10)], 20),
            "year": 2020,
            "employment": rng.uniform(1, 100, 200),
        }
    )
    ind = mapping.mapping_indicators(emp)
    stars = mapping.observatory_stars(ind)
    assert stars["size_star"].sum() == 20  # 10 % of 200 distinct values
    assert stars["focus_star"].sum() == 20
    assert (stars["specialisation_star"] == (ind["lq"] >= 2)).all()


def test_what_the_mapping_says_first_on_the_hand_table():
    indicators = mapping.mapping_indicators(HAND)
    cells = mapping.mapping_cells(
        mapping.specialisation_quadrants(indicators, 2010, 2020),
        mapping.observatory_stars(indicators),
        mapping.shift_share(HAND, 2010, 2020),
        2020,
    )
    # lq in 2020: A/x 6/5, B/y 15/14, A/y 9/10, B/x 6/7; A/x and B/y rose above 1 (stars)
    assert mapping.mapping_headline(cells, star_lq=1.1) == {
        "cells": 4,
        "specialised": 2,
        "strong": 1,
        "rising": 2,
        "region": "A",
        "sector": "x",
        "lq": pytest.approx(1.2),
    }
    row, rank = mapping.own_cell(cells, "B", "y")
    assert (row["lq_end"], rank) == (pytest.approx(15 / 14), 2)
    assert mapping.own_cell(cells, "B", "z") is None


def test_regions_by_regional_effect_and_national_growth_by_hand():
    by_region, national = mapping.regions_by_regional_effect(mapping.shift_share(HAND, 2010, 2020))
    # RE_A = 20/3 - 30/7 = 50/21; RE_B = -20/3 + 30/7 = -50/21; g = 120/100 - 1
    assert by_region["region"].tolist() == ["A", "B"]
    assert by_region["regional_effect"].tolist() == pytest.approx([50 / 21, -50 / 21])
    assert national == pytest.approx(0.2)


def test_specialisation_index_by_hand_with_a_missing_sector():
    # A has only x; B has x, y, z. e = 100; national shares x .2, y .3, z .5
    emp = pd.DataFrame(
        {
            "region": ["A", "B", "B", "B"],
            "sector": ["x", "x", "y", "z"],
            "year": 2020,
            "employment": [10.0, 10.0, 30.0, 50.0],
        }
    )
    index = mapping.specialisation_index(mapping.mapping_indicators(emp)).set_index("region")
    # K_A = |1 - .2| + |0 - .3| + |0 - .5| = 1.6
    assert index.loc["A", "krugman"] == pytest.approx(1.6)
    assert index.loc["A", "hoover"] == pytest.approx(0.8)
    # K_B = |1/9 - .2| + |3/9 - .3| + |5/9 - .5| = (0.8 + 0.3 + 0.5) / 9
    assert index.loc["B", "krugman"] == pytest.approx(1.6 / 9)
    ranking = mapping.specialisation_ranking(mapping.mapping_indicators(emp), 2020)
    assert ranking.columns.tolist() == ["region", "hoover", "krugman"]
    assert ranking["region"].tolist() == ["A", "B"]
    assert ranking["hoover"].tolist() == pytest.approx([0.8, 0.8 / 9])


# --------------------------------------------------------------------------
# Identities, on random positive employment tables
# --------------------------------------------------------------------------


@st.composite
def employment_tables(draw):
    n_regions = draw(st.integers(1, 5))
    n_sectors = draw(st.integers(1, 5))
    n_years = draw(st.integers(2, 4))
    values = draw(arrays(float, n_regions * n_sectors * n_years, elements=st.floats(0.5, 1e6)))
    grid = pd.MultiIndex.from_product(
        [[f"r{i}" for i in range(n_regions)], [f"s{i}" for i in range(n_sectors)], range(2000, 2000 + n_years)],
        names=["region", "sector", "year"],
    )
    return pd.DataFrame({"employment": values}, index=grid).reset_index()


PROPERTY = settings(max_examples=60, deadline=None)


@PROPERTY
@given(employment_tables())
def test_shift_share_components_add_up(emp):
    shares = mapping.shift_share(emp)
    total = shares[list(mapping.SHIFT_SHARE_COMPONENTS)].sum(axis=1)
    scale = emp["employment"].max()
    np.testing.assert_allclose(total, shares["change"], rtol=0, atol=1e-9 * scale)
    # Industry mix sums to zero over all cells, regional effect over each sector's regions.
    assert abs(shares["industry_mix"].sum()) <= 1e-7 * emp["employment"].sum()
    per_sector = shares.groupby("sector")["regional_effect"].sum()
    np.testing.assert_allclose(per_sector, 0, atol=1e-7 * emp["employment"].sum())
    by_region = mapping.shift_share_by_region(shares)
    np.testing.assert_allclose(
        by_region[list(mapping.SHIFT_SHARE_COMPONENTS)].sum(axis=1),
        by_region["change"],
        atol=1e-8 * emp["employment"].sum(),
    )


@PROPERTY
@given(employment_tables())
def test_mapping_identities(emp):
    ind = mapping.mapping_indicators(emp)
    # Employment-weighted (by e_r) mean of a sector's LQ over regions is 1.
    weighted = (ind["lq"] * ind["region_employment"]).groupby([ind["sector"], ind["year"]]).sum() / ind.groupby(
        ["sector", "year"]
    )["region_employment"].sum()
    np.testing.assert_allclose(weighted, 1.0, rtol=1e-9)
    # Regional shares of national sector employment sum to 1 over regions,
    # and a region's sector focus sums to 1 over sectors.
    np.testing.assert_allclose(ind.groupby(["sector", "year"])["region_share"].sum(), 1.0)
    np.testing.assert_allclose(ind.groupby(["region", "year"])["focus"].sum(), 1.0)
    # Compounding year-on-year growth gives growth since the first year.
    compounded = (1 + ind["growth"].fillna(0)).groupby([ind["region"], ind["sector"]]).cumprod()
    later = ind["year"] > ind["year"].min()
    np.testing.assert_allclose(compounded[later], 1 + ind.loc[later, "growth_since_first"], rtol=1e-9)


@PROPERTY
@given(employment_tables(), st.randoms(use_true_random=False))
def test_specialisation_index_ignores_how_zeros_are_stored(emp, random):
    # Dropping zero rows must not change the Krugman index (absent sectors
    # contribute their national share) nor any LQ.
    emp.loc[random.sample(range(len(emp)), len(emp) // 3), "employment"] = 0.0
    if emp.groupby(["region", "year"])["employment"].sum().min() == 0:
        return  # a region with no employment has no structure to compare
    sparse = emp[emp["employment"] > 0]
    dense_index = mapping.specialisation_index(mapping.mapping_indicators(emp))
    sparse_index = mapping.specialisation_index(mapping.mapping_indicators(sparse))
    pd.testing.assert_frame_equal(dense_index, sparse_index, rtol=1e-9)
    assert dense_index["krugman"].between(0, 2 + 1e-12).all()


# --------------------------------------------------------------------------
# Mapping figures
# --------------------------------------------------------------------------


def _renders(fig):
    assert isinstance(fig, Figure)
    fig.savefig(io.BytesIO(), format="png")


def test_bubble_chart_uses_the_callers_labels():
    quadrants = mapping.specialisation_quadrants(mapping.mapping_indicators(HAND))
    labels = {"x": "Variation du QL", "y": "QL", "title": "Quadrants", "star": "vedette"}
    fig = mapping.bubble_chart(quadrants, labels)
    (ax,) = fig.axes
    assert ax.get_xlabel() == "Variation du QL"
    assert (ax.get_ylabel(), ax.get_title()) == ("QL", "Quadrants")
    assert "vedette" in [t.get_text() for t in ax.get_legend().get_texts()]
    # Quadrant lines at x = 0 and y = 1.
    lines = [tuple(line.get_xdata()) + tuple(line.get_ydata()) for line in ax.lines]
    assert (0, 0, 0, 1) in lines and (0, 1, 1, 1) in lines
    _renders(fig)


def test_lq_heatmap_shows_one_year():
    fig = mapping.lq_heatmap(mapping.mapping_indicators(HAND), 2010, {"title": "QL {year}"})
    ax = fig.axes[0]
    assert ax.get_title() == "QL 2010"
    assert [t.get_text() for t in ax.texts] == ["0.83", "1.07", "1.11", "0.95"]
    _renders(fig)
    with pytest.raises(ValueError, match="no rows for year 1990"):
        mapping.lq_heatmap(mapping.mapping_indicators(HAND), 1990)


# --------------------------------------------------------------------------
# Selection
# --------------------------------------------------------------------------

CANDIDATES = pd.DataFrame(
    {
        "candidate_id": ["c1", "c2", "c3", "c4"],
        "name": ["Textile", "Leather", "Olive oil", "Pottery"],
        "region": ["A", "B", "C", "D"],
        "sector": ["textile", "leather", "food", "crafts"],
        "jobs": [100.0, 300.0, 200.0, 50.0],
        "distance": [10.0, 50.0, 30.0, 20.0],
        "women": [0.6, 0.2, 0.4, 0.9],
    }
)
CRITERIA = pd.DataFrame(
    {
        "criterion": ["jobs", "distance", "women"],
        "label": ["Jobs", "Distance to market", "Women"],
        "weight": [2.0, 1.0, 1.0],
        "direction": ["higher_better", "lower_better", "higher_better"],
        "min_threshold": [np.nan, np.nan, np.nan],
        "group": ["economic", "economic", "pro_poor"],
    }
)


def test_minmax_scores_by_hand():
    scores = sel.score_candidates(CANDIDATES, CRITERIA).set_index("candidate_id")
    # Weights 2, 1, 1 -> 0.5, 0.25, 0.25.
    # jobs minmax over 50..300: c1 .2, c2 1, c3 .6, c4 0
    # distance (lower better) over 10..50: c1 1, c2 0, c3 .5, c4 .75
    # women over .2...9: c1 4/7, c2 0, c3 2/7, c4 1
    economic = {"c1": 0.5 * 0.2 + 0.25, "c2": 0.5, "c3": 0.3 + 0.125, "c4": 0.1875}
    pro_poor = {"c1": 0.25 * 4 / 7, "c2": 0.0, "c3": 0.25 * 2 / 7, "c4": 0.25}
    for cid in economic:
        assert scores.loc[cid, "economic"] == pytest.approx(economic[cid])
        assert scores.loc[cid, "pro_poor"] == pytest.approx(pro_poor[cid])
        assert scores.loc[cid, "score"] == pytest.approx(economic[cid] + pro_poor[cid])
    # c1 .4929, c2 .5, c3 .4964, c4 .4375
    assert scores["rank"].to_dict() == {"c2": 1, "c3": 2, "c1": 3, "c4": 4}
    assert (scores["normalisation"] == "minmax").all()
    assert not scores["eliminated"].any()


def test_result_is_sorted_by_rank_with_groups_in_table_order():
    scores = sel.score_candidates(CANDIDATES, CRITERIA)
    assert scores["candidate_id"].tolist() == ["c2", "c3", "c1", "c4"]
    assert list(scores.columns) == [
        "candidate_id",
        "name",
        "region",
        "sector",
        "economic",
        "pro_poor",
        "score",
        "rank",
        "eliminated",
        "elimination_reasons",
        "normalisation",
    ]


def test_zscore_and_rank_normalisation_by_hand():
    one = CRITERIA.iloc[[0]]
    # jobs: mean 162.5, population sd = sqrt(((-62.5)^2 + 137.5^2 + 37.5^2 + 112.5^2) / 4)
    sd = np.sqrt((62.5**2 + 137.5**2 + 37.5**2 + 112.5**2) / 4)
    z = sel.normalise_criteria(CANDIDATES, one, "zscore")["jobs"]
    assert z.tolist() == pytest.approx([(x - 162.5) / sd for x in (100, 300, 200, 50)])
    # ranks 2, 4, 3, 1 -> (rank - 1) / 3
    r = sel.normalise_criteria(CANDIDATES, one, "rank")["jobs"]
    assert r.tolist() == pytest.approx([1 / 3, 1.0, 2 / 3, 0.0])
    assert (sel.score_candidates(CANDIDATES, one, method="rank")["normalisation"] == "rank").all()
    with pytest.raises(ValueError, match="unknown normalisation 'log'"):
        sel.score_candidates(CANDIDATES, one, method="log")


@pytest.mark.parametrize("method", sel.NORMALISATIONS)
def test_flipping_a_direction_reverses_its_effect(method):
    flipped = CRITERIA.assign(
        direction=CRITERIA["direction"].map({"higher_better": "lower_better", "lower_better": "higher_better"})
    )
    base = sel.normalise_criteria(CANDIDATES, CRITERIA, method)
    other = sel.normalise_criteria(CANDIDATES, flipped, method)
    mirror = {"minmax": lambda v: 1 - v, "rank": lambda v: 1 - v, "zscore": lambda v: -v}[method]
    pd.testing.assert_frame_equal(other, mirror(base))
    # With one criterion the ranking is exactly reversed.
    one = sel.score_candidates(CANDIDATES, CRITERIA.iloc[[0]], method=method)
    one_flipped = sel.score_candidates(CANDIDATES, flipped.iloc[[0]], method=method)
    assert one["candidate_id"].tolist() == one_flipped["candidate_id"].tolist()[::-1]


@pytest.mark.parametrize("method", sel.NORMALISATIONS)
@pytest.mark.parametrize("criterion", ["jobs", "distance", "women"])
def test_single_criterion_gives_its_own_order(method, criterion):
    criteria = CRITERIA[CRITERIA["criterion"] == criterion]
    ranked = sel.score_candidates(CANDIDATES, criteria, method=method)["candidate_id"]
    best_first = criteria["direction"].iloc[0] == "higher_better"
    expected = CANDIDATES.sort_values(criterion, ascending=not best_first)["candidate_id"]
    assert ranked.tolist() == expected.tolist()


def test_equal_weights_with_a_constant_criterion_follow_the_other_one():
    candidates = CANDIDATES.assign(flat=7.0)
    criteria = pd.DataFrame(
        {
            "criterion": ["women", "flat"],
            "weight": [1.0, 1.0],
            "direction": ["higher_better", "higher_better"],
            "group": ["pro_poor", "economic"],
        }
    )
    scores = sel.score_candidates(candidates, criteria)
    assert scores["candidate_id"].tolist() == ["c4", "c1", "c3", "c2"]
    # A criterion on which all are equal gets the neutral 0.5.
    assert (scores["economic"] == 0.25).all()


def test_eliminated_candidates_never_rank_and_say_why():
    criteria = CRITERIA.assign(min_threshold=[100.0, np.nan, 0.3])
    scores = sel.score_candidates(CANDIDATES, criteria).set_index("candidate_id")
    # c4 has 50 jobs (< 100); c2 has 0.2 women (< 0.3).
    assert scores["eliminated"].to_dict() == {"c3": False, "c1": False, "c2": True, "c4": True}
    assert scores.loc[["c2", "c4"], ["score", "rank", "economic"]].isna().all().all()
    # Survivors c1 and c3 are normalised among themselves (jobs 100 and 200
    # -> 0 and 1, distance 10 and 30 -> 1 and 0, women .6 and .4 -> 1 and 0):
    # c1 = .25 + .25 = .5 = c3 = .5, and a tie shares the best rank.
    assert scores.loc[["c3", "c1"], "rank"].tolist() == [1, 1]
    assert scores.loc["c4", "elimination_reasons"] == [{"criterion": "jobs", "value": 50.0, "threshold": 100.0}]
    assert scores.loc["c2", "elimination_reasons"] == [{"criterion": "women", "value": 0.2, "threshold": 0.3}]
    assert scores.loc["c1", "elimination_reasons"] == []


def test_a_value_equal_to_the_threshold_passes():
    criteria = CRITERIA.assign(min_threshold=[100.0, np.nan, np.nan])
    failed = sel.eliminations(CANDIDATES, criteria)
    assert failed.to_dict("records") == [{"candidate_id": "c4", "criterion": "jobs", "value": 50.0, "threshold": 100.0}]


@settings(max_examples=60, deadline=None)
@given(
    arrays(float, (6, 3), elements=st.floats(0, 10, allow_nan=False)),
    arrays(float, 3, elements=st.one_of(st.just(np.nan), st.floats(0, 10))),
    st.sampled_from(sel.NORMALISATIONS),
)
def test_elimination_and_ranking_properties(values, thresholds, method):
    candidates = pd.DataFrame(values, columns=["a", "b", "c"]).assign(candidate_id=[f"k{i}" for i in range(6)])
    criteria = pd.DataFrame(
        {
            "criterion": ["a", "b", "c"],
            "weight": [1.0, 2.0, 3.0],
            "direction": ["higher_better", "lower_better", "higher_better"],
            "min_threshold": thresholds,
            "group": ["economic", "pro_poor", "economic"],
        }
    )
    scores = sel.score_candidates(candidates, criteria, method=method).set_index("candidate_id")
    below = (values < np.where(np.isnan(thresholds), -np.inf, thresholds)).any(axis=1)
    expected = pd.Series(below, index=candidates["candidate_id"])
    assert scores["eliminated"].sort_index().equals(expected.sort_index())
    assert scores.loc[scores["eliminated"], "rank"].isna().all()
    ranked = scores.loc[~scores["eliminated"], "rank"]
    assert ranked.notna().all()
    if len(ranked):
        assert ranked.min() == 1 and ranked.max() <= len(ranked)
    # Subtotals add up to the score.
    survivors = scores[~scores["eliminated"]]
    np.testing.assert_allclose(survivors[["economic", "pro_poor"]].sum(axis=1), survivors["score"], atol=1e-12)


def test_weights_are_normalised_and_can_be_overridden():
    assert sel.effective_weights(CRITERIA).tolist() == [0.5, 0.25, 0.25]
    assert sel.effective_weights(CRITERIA, {"women": 2.0}).tolist() == [0.4, 0.2, 0.4]
    # Only women counts: the ranking follows the share of women.
    only_women = sel.score_candidates(CANDIDATES, CRITERIA, weights={"jobs": 0, "distance": 0})
    assert only_women["candidate_id"].tolist() == ["c4", "c1", "c3", "c2"]
    with pytest.raises(ValueError, match="unknown criterion size"):
        sel.score_candidates(CANDIDATES, CRITERIA, weights={"size": 1})
    with pytest.raises(ValueError, match="non-negative"):
        sel.effective_weights(CRITERIA, {"jobs": -1})
    with pytest.raises(ValueError, match="positive total"):
        sel.effective_weights(CRITERIA, {"jobs": 0, "distance": 0, "women": 0})


@pytest.mark.parametrize(
    "candidates, criteria, message",
    [
        (CANDIDATES, CRITERIA.assign(criterion=["jobs", "size", "women"]), "no candidates column for size"),
        (CANDIDATES, CRITERIA.assign(direction="up"), "unknown direction up"),
        (CANDIDATES, CRITERIA.assign(weight=[1.0, 0.0, 1.0]), "greater than zero"),
        (CANDIDATES, CRITERIA.assign(criterion="jobs"), "duplicate criterion jobs"),
        (
            CANDIDATES.assign(jobs=[1.0, np.nan, 2.0, 3.0]).set_index(pd.Index([9, 8, 7, 6])),
            CRITERIA,
            r"missing criterion values \(c2/jobs\)",
        ),
        (CANDIDATES.assign(jobs=list("abcd")), CRITERIA, "non-numeric values in jobs"),
        (CANDIDATES.assign(candidate_id="c1"), CRITERIA, "duplicate candidate_id"),
        (CANDIDATES, CRITERIA.drop(columns="group"), "missing column.*group"),
        (CANDIDATES, CRITERIA.iloc[[]], "at least one criterion"),
    ],
)
def test_bad_selection_inputs_are_refused(candidates, criteria, message):
    with pytest.raises(ValueError, match=message):
        sel.score_candidates(candidates, criteria)


def test_a_single_candidate_scores_in_the_middle_and_ranks_first():
    scores = sel.score_candidates(CANDIDATES.iloc[[0]], CRITERIA)
    assert scores["score"].tolist() == [0.5]
    assert scores["rank"].tolist() == [1.0]


# --------------------------------------------------------------------------
# Sensitivity
# --------------------------------------------------------------------------


def test_sensitivity_probabilities_sum_to_k_and_are_reproducible():
    result = sel.weight_sensitivity(CANDIDATES, CRITERIA, n_draws=500, top_k=2, seed=3)
    assert result["p_top_k"].between(0, 1).all()
    assert result["p_top_k"].sum() == pytest.approx(2.0)
    assert result["mean_rank"].sum() == pytest.approx(1 + 2 + 3 + 4)
    assert result.attrs["perturbation"] == "lognormal"
    assert result.attrs["top_k"] == 2
    again = sel.weight_sensitivity(CANDIDATES, CRITERIA, n_draws=500, top_k=2, seed=3)
    pd.testing.assert_frame_equal(result, again)
    other = sel.weight_sensitivity(CANDIDATES, CRITERIA, n_draws=500, top_k=2, seed=4)
    assert not result["mean_rank"].equals(other["mean_rank"])


def test_no_spread_reproduces_the_base_ranking():
    result = sel.weight_sensitivity(CANDIDATES, CRITERIA, n_draws=50, top_k=2, spread=0.0)
    assert result["candidate_id"].tolist()[:2] == ["c2", "c3"]
    assert result["p_top_k"].tolist() == [1.0, 1.0, 0.0, 0.0]
    assert (result["mean_rank"] == result["base_rank"]).all()


def test_close_scores_move_and_exact_ties_split_evenly():
    # c2 (.500), c3 (.496) and c1 (.493) are close: wide noise must move them.
    result = sel.weight_sensitivity(CANDIDATES, CRITERIA, n_draws=2000, top_k=1, spread=1.0)
    assert 0 < result.set_index("candidate_id").loc["c2", "p_top_k"] < 1
    twins = pd.concat([CANDIDATES, CANDIDATES.iloc[[1]].assign(candidate_id="c2b")])
    tie = sel.weight_sensitivity(twins, CRITERIA.iloc[[0]], n_draws=4000, top_k=1)
    p = tie.set_index("candidate_id")["p_top_k"]
    assert p["c2"] + p["c2b"] == 1.0
    assert p["c2"] == pytest.approx(0.5, abs=0.05)


def test_sensitivity_leaves_out_eliminated_candidates_and_zero_weights():
    criteria = CRITERIA.assign(min_threshold=[100.0, np.nan, np.nan])
    result = sel.weight_sensitivity(criteria=criteria, candidates=CANDIDATES, top_k=1)
    assert sorted(result["candidate_id"]) == ["c1", "c2", "c3"]
    only_jobs = sel.weight_sensitivity(CANDIDATES, CRITERIA, top_k=1, spread=2.0, weights={"distance": 0, "women": 0})
    # A zero weight stays zero under multiplicative noise: jobs alone decide.
    assert only_jobs.set_index("candidate_id").loc["c2", "p_top_k"] == 1.0


def test_sensitivity_with_a_single_criterion_and_bad_parameters():
    result = sel.weight_sensitivity(CANDIDATES, CRITERIA.iloc[[2]], top_k=1)
    assert result["p_top_k"].tolist() == [1.0, 0.0, 0.0, 0.0]
    with pytest.raises(ValueError, match="n_draws and top_k"):
        sel.weight_sensitivity(CANDIDATES, CRITERIA, n_draws=0)


def test_criteria_and_elimination_tables_as_the_report_shows_them():
    criteria = CRITERIA.assign(min_threshold=[100.0, np.nan, 0.3])
    names = {"jobs": "Emplois", "distance": "Distance", "women": "Femmes"}
    table = sel.criteria_table(criteria, names, {"women": 2.0})
    # weights 2, 1, 2 over 5
    assert table["criterion"].tolist() == ["Emplois", "Distance", "Femmes"]
    assert table["weight"].tolist() == pytest.approx([0.4, 0.2, 0.4])
    assert table["min_threshold"].tolist()[::2] == [100.0, 0.3]
    assert sel.criteria_table(CRITERIA.drop(columns="min_threshold"), names)["min_threshold"].isna().all()
    reasons = sel.elimination_table(sel.score_candidates(CANDIDATES, criteria), names)
    assert reasons.to_dict("records") == [
        {"candidate_id": "c2", "name": "Leather", "criterion": "Femmes", "value": 0.2, "threshold": 0.3},
        {"candidate_id": "c4", "name": "Pottery", "criterion": "Emplois", "value": 50.0, "threshold": 100.0},
    ]
    none = sel.elimination_table(sel.score_candidates(CANDIDATES, CRITERIA), names)
    assert none.empty and none.columns.tolist() == ["candidate_id", "name", "criterion", "value", "threshold"]


def test_sensitivity_groups_robust_from_ninety_percent_uncertain_strictly_between():
    sensitivity = pd.DataFrame({"name": list("abcde"), "p_top_k": [1.0, 0.9, 0.5, 0.1, 0.0]})
    robust, uncertain = sel.sensitivity_groups(sensitivity)
    assert robust["name"].tolist() == ["a", "b"]
    assert uncertain["name"].tolist() == ["c"]


def test_sensitivity_chart():
    result = sel.weight_sensitivity(CANDIDATES, CRITERIA, n_draws=100, top_k=2)
    fig = sel.sensitivity_chart(result, {"x": "P(dans les {k} premiers)"})
    ax = fig.axes[0]
    assert ax.get_xlabel() == "P(dans les 2 premiers)"
    assert ax.get_title() == "Stability of the ranking (100 weight draws)"
    assert [t.get_text() for t in ax.get_yticklabels()] == result["name"].tolist()
    assert [p.get_width() for p in ax.patches] == result["p_top_k"].tolist()
    _renders(fig)


# --------------------------------------------------------------------------
# Orientation presets
# --------------------------------------------------------------------------

BIB_KEYS = {"afd2008", "onudi2010", "onudi2023", "cnuced1998"}
GROUPS = {"economic", "pro_poor", "institutional", "environment"}


@pytest.mark.parametrize("preset", ["competitiveness", "pro_poor"])
def test_presets_are_complete(preset):
    spec = sel.selection_presets()[preset]
    assert set(spec["group_weights"]) == GROUPS
    assert sum(spec["group_weights"].values()) == pytest.approx(1.0)
    table = sel.preset_criteria(preset)
    assert set(table["group"]) <= GROUPS
    assert set(table["direction"]) <= set(sel.DIRECTIONS)
    assert table["criterion"].is_unique
    assert (table["label_fr"].str.len() > 0).all() and (table["label_en"].str.len() > 0).all()
    for criterion in spec["criteria"]:
        assert criterion["sources"]
        assert {s["ref"] for s in criterion["sources"]} <= BIB_KEYS


def test_pro_poor_preset_follows_the_unido_document():
    table = sel.preset_criteria("pro_poor").set_index("criterion")
    for criterion in [
        "unskilled_share",
        "women_share",
        "labour_intensity",
        "marginalised_groups",
        "environmental_improvement",
    ]:
        assert table.loc[criterion, "sources"] == "onudi2010 l. 519-529"
    assert table.loc["environmental_improvement", "group"] == "environment"


def test_apply_preset_by_hand():
    criteria = pd.DataFrame(
        {"criterion": ["jobs", "lq", "women"], "weight": [1.0, 3.0, 5.0], "group": ["economic", "economic", "pro_poor"]}
    )
    weights = sel.apply_preset(criteria, "competitiveness")["weight"]
    # economic .55 split 1:3, pro_poor .05; institutional and environment are
    # unused, so divide by .55 + .05 = .6
    assert weights.tolist() == pytest.approx([0.55 / 4 / 0.6, 0.55 * 3 / 4 / 0.6, 0.05 / 0.6])
    assert criteria["weight"].tolist() == [1.0, 3.0, 5.0]  # the input is left alone
    with pytest.raises(ValueError, match="unknown preset 'growth'"):
        sel.apply_preset(criteria, "growth")
    with pytest.raises(ValueError, match="no weight for group culture"):
        sel.apply_preset(criteria.assign(group="culture"), "pro_poor")
