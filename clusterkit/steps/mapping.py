"""Step 1, cluster mapping: location quotients, shift-share, the observatory's stars,
specialisation indices and quadrants, from the ``employment`` sheet (one row per region, sector
and year).

Every function is pure: DataFrames in, DataFrames (or matplotlib figures) out, canonical English
keys, no printing and no file I/O. Computations are vectorised with numpy and pandas; no function
loops over rows in Python.

Notation used in the docstrings, for one year: ``e_rs`` is the employment of
sector ``s`` in region ``r``, ``e_r`` the region's total, ``e_s`` the sector's
national total and ``e`` the national total.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure

from ..documents.figures import PALETTE, PRINT_WIDTH, house_figure
from ..errors import StepInputError
from ..i18n import t

EMPLOYMENT_COLUMNS = ("region", "sector", "year", "employment")
# What the measures can count, and the column of the ``employment`` sheet that holds each count.
BASIS_COLUMNS = {"employment": "employment", "firms": "establishments"}
QUADRANTS = ("star", "emerging", "mature", "declining")
SHIFT_SHARE_COMPONENTS = ("national_growth", "industry_mix", "regional_effect")


# --------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------


def require_columns(frame: pd.DataFrame, columns, sheet: str) -> None:
    """Raise ValueError naming the columns of ``sheet`` that ``frame`` lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{sheet}: missing column(s) {', '.join(missing)}")


def _divide(numerator, denominator):
    """Element-wise ratio, NaN wherever the denominator is zero."""
    numerator, denominator = np.broadcast_arrays(
        np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float)
    )
    out = np.full(numerator.shape, np.nan)
    return np.divide(numerator, denominator, out=out, where=denominator != 0)


def merge_labels(defaults: dict, labels: dict | None) -> dict:
    """A figure's default labels with the caller's own over them."""
    return {**defaults, **(labels or {})}


@dataclass(frozen=True)
class _Panel:
    """Integer codes of an employment table and its (cell x year) matrix.

    A cell is a (region, sector) pair present in the table. ``matrix`` holds
    employment with one row per cell and one column per year (NaN where the
    table has no row), so that looking up another year of the same cell is an
    array index instead of a join; ``row_slot`` is each row's flat index
    into ``matrix``.
    """

    regions: pd.Index
    sectors: pd.Index
    years: np.ndarray
    row_region: np.ndarray
    row_sector: np.ndarray
    row_year: np.ndarray
    row_slot: np.ndarray
    cell_region: np.ndarray
    cell_sector: np.ndarray
    matrix: np.ndarray


def _panel(employment: pd.DataFrame) -> _Panel:
    require_columns(employment, EMPLOYMENT_COLUMNS, "employment")
    values = employment["employment"].to_numpy(dtype=float)
    bad = np.isnan(values) | (values < 0)
    if bad.any():
        raise ValueError(f"employment: {int(bad.sum())} row(s) with a missing or negative employment value")
    row_region, regions = pd.factorize(employment["region"], sort=True)
    row_sector, sectors = pd.factorize(employment["sector"], sort=True)
    row_year, years = pd.factorize(employment["year"], sort=True)
    if (row_region < 0).any() or (row_sector < 0).any() or (row_year < 0).any():
        raise ValueError("employment: rows with a missing region, sector or year")
    cell_key = row_region * len(sectors)
    cell_key += row_sector
    row_cell, cell_keys = pd.factorize(cell_key)
    n_cells, n_years = len(cell_keys), len(years)
    slot = row_cell * n_years
    slot += row_year
    matrix = np.full(n_cells * n_years, np.nan)
    matrix[slot] = values
    # Two rows for the same slot leave fewer filled slots than rows.
    if np.count_nonzero(~np.isnan(matrix)) < len(values):
        dup = np.flatnonzero(np.bincount(slot) > 1)[:5]
        keys = cell_keys[dup // n_years]
        shown = "; ".join(
            f"{regions[k // len(sectors)]} / {sectors[k % len(sectors)]} / {years[y]}"
            for k, y in zip(keys, dup % n_years)
        )
        raise ValueError(f"employment: duplicate region/sector/year rows, e.g. {shown}")
    return _Panel(
        regions=pd.Index(regions),
        sectors=pd.Index(sectors),
        years=np.asarray(years),
        row_region=row_region,
        row_sector=row_sector,
        row_year=row_year,
        row_slot=slot,
        cell_region=cell_keys // len(sectors),
        cell_sector=cell_keys % len(sectors),
        matrix=matrix.reshape(n_cells, n_years),
    )


def _year_total(codes: np.ndarray, row_year: np.ndarray, n_years: int, values) -> np.ndarray:
    """Per row, the sum of ``values`` over the rows sharing its code and year."""
    key = codes * n_years
    key += row_year
    return np.bincount(key, weights=values)[key]


def _year_pair(years: pd.Series, start_year, end_year) -> tuple:
    present = np.sort(pd.unique(years))
    if len(present) == 0:
        raise ValueError("employment: the table is empty")
    start = present[0] if start_year is None else start_year
    end = present[-1] if end_year is None else end_year
    for year in (start, end):
        if year not in present:
            raise ValueError(f"employment: year {year} is not in the table")
    if not start < end:
        raise ValueError(f"start year {start} must come before end year {end}")
    return start, end


def mapping_period(
    employment: pd.DataFrame, mapping_years=(), lang: str = "fr", basis: str = "employment"
) -> tuple[int, int]:
    """The start and end years the mapping compares: ``mapping_years`` when given, else the first
    and last years of the sheet. Raises :class:`StepInputError`, in ``lang``, when the sheet cannot
    give a mapping: a single year, a year asked for that the sheet lacks, a year with no jobs (no
    firms on the ``firms`` basis of :func:`mapping_counts`), or no region and sector employing
    people (counting firms) in both years (no quotient can then change)."""
    empty = {"employment": ("no_jobs", "no_pair"), "firms": ("no_firms", "no_pair_firms")}[basis]
    years = sorted(int(y) for y in employment["year"].unique())
    shown = ", ".join(map(str, years))
    if len(years) < 2:
        raise StepInputError(t("selection.input.one_year", lang, year=shown))
    start, end = (int(y) for y in mapping_years) if mapping_years else (years[0], years[-1])
    for year in (start, end):
        if year not in years:
            raise StepInputError(t("selection.input.year_missing", lang, year=year, years=shown))
    if not start < end:
        raise StepInputError(t("selection.input.year_order", lang, start=start, end=end))
    totals = employment.groupby("year")["employment"].sum()
    for year in (start, end):
        if not totals[year] > 0:
            raise StepInputError(t(f"selection.input.{empty[0]}", lang, year=year))
    employed = employment[employment["year"].isin([start, end]) & (employment["employment"] > 0)]
    if not employed.groupby(["region", "sector"])["year"].nunique().eq(2).any():
        raise StepInputError(t(f"selection.input.{empty[1]}", lang, start=start, end=end))
    return start, end


def mapping_counts(sheet: pd.DataFrame, basis: str = "", lang: str = "fr") -> tuple[pd.DataFrame, str]:
    """The ``employment`` sheet ready for the measures, and the basis they are computed on.

    Every measure of this module reads its counts from the ``employment`` column. On the
    ``firms`` basis that column holds the sheet's number of establishments instead, so each
    formula reads n_rs (firms of sector s in region r) for e_rs: informal clusters are often
    counted in workshops, not jobs. ``basis`` empty chooses employment when the sheet gives any,
    else firms. Raises :class:`StepInputError`, in ``lang``, for an unknown basis and when the
    column of the basis used has empty cells.
    """
    if basis and basis not in BASIS_COLUMNS:
        raise StepInputError(t("selection.input.basis_unknown", lang, basis=basis, bases=", ".join(BASIS_COLUMNS)))
    given = {
        b: sheet[c].notna() if c in sheet else pd.Series(False, index=sheet.index) for b, c in BASIS_COLUMNS.items()
    }
    used = basis or ("employment" if given["employment"].any() else "firms")
    gaps = sheet.loc[~given[used], ["region", "sector", "year"]]
    if len(gaps):
        shown = "; ".join(" / ".join(map(str, row)) for row in gaps.head(5).itertuples(index=False))
        raise StepInputError(t(f"selection.input.counts_missing.{used}", lang, count=len(gaps), rows=shown))
    column = BASIS_COLUMNS[used]
    return (sheet if column == "employment" else sheet.assign(employment=sheet[column])), used


def basis_headers(frame: pd.DataFrame, basis: str) -> pd.DataFrame:
    """``frame`` with its employment columns (``employment``, ``employment_start``...) named after
    the count of ``basis``, so that a table's headers say what was counted."""
    column = BASIS_COLUMNS[basis]
    return frame.rename(columns=lambda c: c.replace("employment", column) if c.startswith("employment") else c)


# --------------------------------------------------------------------------
# Mapping
# --------------------------------------------------------------------------


def mapping_indicators(employment: pd.DataFrame) -> pd.DataFrame:
    """Mapping indicators for every region, sector and year of the table.

    Columns added to ``region, sector, year, employment`` (and
    ``establishments`` when present):

    - ``region_employment`` = e_r, ``sector_employment`` = e_s,
      ``total_employment`` = e (sums over the table's rows of that year);
    - ``focus`` = e_rs / e_r, the sector's share of regional employment;
    - ``region_share`` = e_rs / e_s, the region's share of national
      employment in the sector (these sum to 1 over regions);
    - ``lq``, the location quotient LQ = (e_rs / e_r) / (e_s / e);
      an LQ above 1 means the region is more specialised in the sector than
      the country;
    - ``growth`` = e_rs,t / e_rs,t' - 1 where t' is the previous year present
      in the table (not necessarily t - 1);
    - ``growth_since_first`` = e_rs,t / e_rs,t0 - 1 where t0 is the first
      year of the table.

    A ratio whose denominator is zero, and a growth rate whose base year has
    no row for the cell, are NaN. Rows keep the input order.

    Raises ValueError on missing keys, missing or negative employment and
    duplicate region/sector/year rows.
    """
    panel = _panel(employment)
    values = employment["employment"].to_numpy(dtype=float)
    n_years = len(panel.years)
    e_r = _year_total(panel.row_region, panel.row_year, n_years, values)
    e_s = _year_total(panel.row_sector, panel.row_year, n_years, values)
    e = np.bincount(panel.row_year, weights=values)[panel.row_year]
    focus = _divide(values, e_r)
    # Flat indices into the (cell x year) matrix are much faster than 2-D
    # fancy indexing: slot - 1 is the previous year of the same cell and
    # slot - year code its first year. First-year rows have neither.
    flat = panel.matrix.ravel()
    first_year = panel.row_year == 0
    previous = flat[panel.row_slot - 1]
    previous[first_year] = np.nan
    first = flat[panel.row_slot - panel.row_year]
    first[first_year] = np.nan
    growth = _divide(values, previous)
    growth -= 1
    since_first = _divide(values, first)
    since_first -= 1
    indicators = pd.DataFrame(
        {
            "region_employment": e_r,
            "sector_employment": e_s,
            "total_employment": e,
            "focus": focus,
            "region_share": _divide(values, e_s),
            "lq": _divide(focus, _divide(e_s, e)),
            "growth": growth,
            "growth_since_first": since_first,
        },
        index=employment.index,
        copy=False,
    )
    keep = [c for c in (*EMPLOYMENT_COLUMNS, "establishments") if c in employment.columns]
    # concat rather than assign: assign copies each new column, which costs
    # seconds on millions of rows.
    return pd.concat([employment[keep], indicators], axis=1)


def observatory_stars(
    indicators: pd.DataFrame, *, size_quantile: float = 0.9, specialisation_lq: float = 2.0, focus_quantile: float = 0.9
) -> pd.DataFrame:
    """Cluster stars in the manner of the European Cluster Observatory.

    Takes the output of :func:`mapping_indicators`. For each year, over all
    region-sector cells of that year:

    - size star: ``region_share`` (e_rs / e_s) >= its ``size_quantile``
      quantile (default 0.9, the top decile);
    - specialisation star: ``lq`` >= ``specialisation_lq`` (default 2);
    - focus star: ``focus`` (e_rs / e_r) >= its ``focus_quantile`` quantile
      (default 0.9, the top decile).

    A zero share never earns a star, even when the quantile itself is zero.
    Returns ``region, sector, year, size_threshold, focus_threshold,
    size_star, specialisation_star, focus_star, stars`` (stars = 0 to 3).
    """
    for name, q in (("size_quantile", size_quantile), ("focus_quantile", focus_quantile)):
        if not 0 <= q <= 1:
            raise ValueError(f"{name} must lie between 0 and 1, got {q}")
    by_year = indicators.groupby("year")
    size_threshold = by_year["region_share"].transform("quantile", size_quantile)
    focus_threshold = by_year["focus"].transform("quantile", focus_quantile)
    share, focus = indicators["region_share"], indicators["focus"]
    size_star = (share >= size_threshold) & (share > 0)
    specialisation_star = indicators["lq"] >= specialisation_lq
    focus_star = (focus >= focus_threshold) & (focus > 0)
    return indicators[["region", "sector", "year"]].assign(
        size_threshold=size_threshold,
        focus_threshold=focus_threshold,
        size_star=size_star,
        specialisation_star=specialisation_star,
        focus_star=focus_star,
        stars=size_star.astype(int) + specialisation_star.astype(int) + focus_star.astype(int),
    )


def specialisation_quadrants(indicators: pd.DataFrame, start_year=None, end_year=None) -> pd.DataFrame:
    """Place each region-sector cell in a specialisation quadrant.

    Takes the output of :func:`mapping_indicators`; years default to the
    first and last of the table. With ``lq_change = lq_end - lq_start``:

    ========== ============== ==================
    quadrant   lq_end         lq_change
    ========== ============== ==================
    star       > 1 (high)     > 0 (rising)
    emerging   <= 1 (low)     > 0 (rising)
    mature     > 1 (high)     <= 0 (falling)
    declining  <= 1 (low)     <= 0 (falling)
    ========== ============== ==================

    Only cells with a location quotient in both years are kept. Returns
    ``region, sector, lq_start, lq_end, lq_change, employment`` (employment
    of the end year, the bubble size of :func:`bubble_chart`) and
    ``quadrant``.
    """
    start, end = _year_pair(indicators["year"], start_year, end_year)
    keys = ["region", "sector"]
    begin = indicators.loc[indicators["year"] == start, [*keys, "lq"]]
    final = indicators.loc[indicators["year"] == end, [*keys, "lq", "employment"]]
    cells = final.merge(begin, on=keys, suffixes=("_end", "_start")).dropna(subset=["lq_start", "lq_end"])
    change = cells["lq_end"] - cells["lq_start"]
    high, rising = cells["lq_end"] > 1, change > 0
    quadrant = np.select([high & rising, ~high & rising, high & ~rising], list(QUADRANTS[:3]), QUADRANTS[3])
    return pd.DataFrame(
        {
            "region": cells["region"],
            "sector": cells["sector"],
            "lq_start": cells["lq_start"],
            "lq_end": cells["lq_end"],
            "lq_change": change,
            "employment": cells["employment"],
            "quadrant": quadrant,
        }
    ).reset_index(drop=True)


def shift_share(employment: pd.DataFrame, start_year=None, end_year=None) -> pd.DataFrame:
    """Shift-share decomposition of employment change between two years.

    Years default to the first and last of the table. With e0 and e1 the
    cell's employment in the start and end years (a cell missing in one year
    counts as zero), E0, E1 the national totals and E_s0, E_s1 the sector's
    national totals:

    - national growth rate g = E1 / E0 - 1, sector rate g_s = E_s1 / E_s0 - 1,
      regional rate g_rs = e1 / e0 - 1;
    - ``national_growth``  NG = e0 * g;
    - ``industry_mix``     IM = e0 * (g_s - g);
    - ``regional_effect``  RE = e0 * (g_rs - g_s), computed as the residual
      (e1 - e0) - NG - IM, which is the same quantity and stays defined when
      e0 = 0 (a new cell: all of its growth is regional).

    NG + IM + RE equals ``change`` = e1 - e0 exactly (up to floating-point
    rounding). Over all cells IM sums to zero, and over the regions of a
    sector RE sums to zero. Returns one row per region-sector cell present in
    either year: ``region, sector, employment_start, employment_end, change,
    national_growth, industry_mix, regional_effect``.
    """
    start, end = _year_pair(employment["year"], start_year, end_year)
    panel = _panel(employment[employment["year"].isin([start, end])])
    e0 = np.nan_to_num(panel.matrix[:, 0])
    e1 = np.nan_to_num(panel.matrix[:, 1])
    sector_e0 = np.bincount(panel.cell_sector, weights=e0, minlength=len(panel.sectors))
    sector_e1 = np.bincount(panel.cell_sector, weights=e1, minlength=len(panel.sectors))
    g = _divide(e1.sum() - e0.sum(), e0.sum())
    g_s = _divide(sector_e1 - sector_e0, sector_e0)[panel.cell_sector]
    # e0 = 0 makes both terms zero, even where a rate is undefined.
    national = np.where(e0 > 0, e0 * g, 0.0)
    mix = np.where(e0 > 0, e0 * (g_s - g), 0.0)
    change = e1 - e0
    return pd.DataFrame(
        {
            "region": panel.regions[panel.cell_region],
            "sector": panel.sectors[panel.cell_sector],
            "employment_start": e0,
            "employment_end": e1,
            "change": change,
            "national_growth": national,
            "industry_mix": mix,
            "regional_effect": change - national - mix,
        }
    )


def mapping_cells(quadrants: pd.DataFrame, stars: pd.DataFrame, shares: pd.DataFrame, end_year) -> pd.DataFrame:
    """One row per region-sector pair of :func:`specialisation_quadrants`, with its ``stars`` in
    ``end_year`` (:func:`observatory_stars`), its ``employment_start`` (:func:`shift_share`) and
    its employment ``growth`` since then (missing from a start of zero); highest ``lq_end`` first."""
    cells = quadrants.merge(stars.loc[stars["year"] == end_year, ["region", "sector", "stars"]]).merge(
        shares[["region", "sector", "employment_start"]]
    )
    cells["growth"] = cells["employment"] / cells["employment_start"].where(cells["employment_start"] > 0) - 1
    return cells.sort_values("lq_end", ascending=False, ignore_index=True)


def mapping_headline(cells: pd.DataFrame, star_lq: float) -> dict:
    """What the mapping says first, from :func:`mapping_cells`: the number of pairs, those
    specialised (``lq_end`` above 1) and strongly so (at least ``star_lq``), the rising stars
    (quadrant ``star``) and the most specialised pair (``region``, ``sector``, ``lq``)."""
    best = cells.iloc[0]
    return {
        "cells": len(cells),
        "specialised": int((cells["lq_end"] > 1).sum()),
        "strong": int((cells["lq_end"] >= star_lq).sum()),
        "rising": int((cells["quadrant"] == "star").sum()),
        "region": best["region"],
        "sector": best["sector"],
        "lq": float(best["lq_end"]),
    }


def own_cell(cells: pd.DataFrame, region, sector) -> tuple[pd.Series, int] | None:
    """The team's own region-sector pair in :func:`mapping_cells` and its rank by ``lq_end``
    (1 the most specialised); None when the pair is not in the mapping."""
    own = cells[(cells["region"] == region) & (cells["sector"] == sector)]
    return (own.iloc[0], int(own.index[0]) + 1) if len(own) else None


def location_quotients(indicators: pd.DataFrame, years) -> pd.DataFrame:
    """The full location-quotient matrix of ``years``, as one long table from
    :func:`mapping_indicators`: ``region, sector, year, employment, lq``, one row per region,
    sector and year present, sorted by year, region and sector."""
    table = indicators.loc[indicators["year"].isin(list(years)), ["region", "sector", "year", "employment", "lq"]]
    return table.sort_values(["year", "region", "sector"], ignore_index=True)


def shift_share_by_region(shares: pd.DataFrame) -> pd.DataFrame:
    """Sum a :func:`shift_share` table per region (the components still add
    up to ``change``)."""
    columns = ["employment_start", "employment_end", "change", *SHIFT_SHARE_COMPONENTS]
    return shares.groupby("region", sort=True)[columns].sum().reset_index()


def regions_by_regional_effect(shares: pd.DataFrame) -> tuple[pd.DataFrame, float]:
    """:func:`shift_share_by_region`, the strongest regional effect first, and the national
    employment growth over the period (end over start, minus 1)."""
    by_region = shift_share_by_region(shares).sort_values("regional_effect", ascending=False)
    return by_region, float(shares["employment_end"].sum() / shares["employment_start"].sum() - 1)


def specialisation_index(indicators: pd.DataFrame) -> pd.DataFrame:
    """Krugman and Hoover specialisation indices per region and year.

    Takes the output of :func:`mapping_indicators`. With f_rs = e_rs / e_r
    (``focus``) and n_s = e_s / e the sector's national share:

    - Krugman dissimilarity index K_r = sum over all sectors of |f_rs - n_s|,
      from 0 (same structure as the country) to 2 (no sector in common);
    - Hoover coefficient of specialisation H_r = K_r / 2, from 0 to 1.

    The national reference includes the region itself. Sectors absent from a
    region contribute n_s each, so the sum is taken over the table's rows as
    K_r = 1 + sum over present sectors of (|f_rs - n_s| - n_s).
    Returns ``region, year, krugman, hoover``.
    """
    national = indicators["sector_employment"] / indicators["total_employment"]
    term = (indicators["focus"] - national).abs() - national
    krugman = term.groupby([indicators["region"], indicators["year"]], sort=True).sum(skipna=False) + 1
    krugman = krugman.clip(lower=0.0)  # "1 + sum" may land a rounding error below 0 for identical structures
    return krugman.rename("krugman").reset_index().assign(hoover=lambda t: t["krugman"] / 2)


def specialisation_ranking(indicators: pd.DataFrame, year) -> pd.DataFrame:
    """:func:`specialisation_index` of ``year``, the most specialised region first:
    ``region, hoover, krugman``."""
    index = specialisation_index(indicators)
    return index[index["year"] == year].sort_values("hoover", ascending=False)[["region", "hoover", "krugman"]]


# --------------------------------------------------------------------------
# Mapping figures
# --------------------------------------------------------------------------

_QUADRANT_COLOURS = {"star": PALETTE[3], "emerging": PALETTE[0], "mature": PALETTE[1], "declining": "#999999"}

BUBBLE_LABELS = {
    "x": "Change in location quotient",
    "y": "Location quotient (end year)",
    "title": "Specialisation quadrants",
    "star": "star",
    "emerging": "emerging",
    "mature": "mature",
    "declining": "declining",
}


@house_figure
def bubble_chart(quadrants: pd.DataFrame, labels: dict | None = None, *, annotate: int = 5) -> Figure:
    """Bubble chart of :func:`specialisation_quadrants`.

    x = LQ change, y = LQ in the end year, bubble area proportional to
    end-year employment, colour = quadrant; reference lines at x = 0 and
    y = 1 separate the quadrants. The ``annotate`` strongest specialisations
    (highest end-year LQ) are labelled "sector (region)": the biggest bubbles
    sit together near LQ = 1 and their labels would only overlap.
    ``labels`` overrides any entry of :data:`BUBBLE_LABELS` (axis titles,
    title, quadrant names).
    """
    text = merge_labels(BUBBLE_LABELS, labels)
    fig = Figure(figsize=(PRINT_WIDTH, 5.0), layout="constrained")
    ax = fig.subplots()
    size = 900 * _divide(quadrants["employment"], quadrants["employment"].max())
    for quadrant in QUADRANTS:
        cells = quadrants["quadrant"] == quadrant
        if cells.any():
            ax.scatter(
                quadrants.loc[cells, "lq_change"],
                quadrants.loc[cells, "lq_end"],
                s=np.nan_to_num(size[cells.to_numpy()]) + 10,
                color=_QUADRANT_COLOURS[quadrant],
                alpha=0.6,
                edgecolors="white",
                label=text[quadrant],
            )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.axhline(1, color="black", linewidth=0.8)
    for row in quadrants.nlargest(annotate, "lq_end").itertuples():
        ax.annotate(
            f"{row.sector} ({row.region})",
            (row.lq_change, row.lq_end),
            xytext=(-8, 0),
            textcoords="offset points",
            ha="right",
            va="center",
            fontsize=8,
        )
    ax.set_xlabel(text["x"])
    ax.set_ylabel(text["y"])
    ax.set_title(text["title"])
    if len(quadrants):
        ax.legend(loc="best", markerscale=0.5)
    return fig


def strongest_specialisations(indicators: pd.DataFrame, year, size: int) -> pd.DataFrame:
    """The rows of :func:`mapping_indicators` for the ``size`` regions and ``size`` sectors with the
    highest LQ in ``year`` — picked by LQ, not by employment, so that a small but specialised
    cluster stays on the heat map."""
    last = indicators[indicators["year"] == year]
    regions = last.groupby("region", observed=True)["lq"].max().nlargest(size).index
    sectors = last.groupby("sector", observed=True)["lq"].max().nlargest(size).index
    return indicators[indicators["region"].isin(regions) & indicators["sector"].isin(sectors)]


HEATMAP_VALUE_COLUMNS = 12  # sectors up to which each cell shows its value: beyond, it would not fit at 8 pt

HEATMAP_LABELS = {"x": "Sector", "y": "Region", "colorbar": "Location quotient", "title": "Location quotients, {year}"}


@house_figure
def lq_heatmap(indicators: pd.DataFrame, year=None, labels: dict | None = None) -> Figure:
    """Region x sector heat map of location quotients for one year.

    Takes the output of :func:`mapping_indicators`; ``year`` defaults to the
    last year of the table. The colour scale is centred on LQ = 1 (as
    specialised as the country). Values are printed in the cells when the
    map has at most :data:`HEATMAP_VALUE_COLUMNS` sectors. ``labels`` overrides :data:`HEATMAP_LABELS`;
    ``{year}`` in the title is replaced by the year.
    """
    text = merge_labels(HEATMAP_LABELS, labels)
    year = indicators["year"].max() if year is None else year
    grid = indicators[indicators["year"] == year].pivot(index="region", columns="sector", values="lq")
    if grid.empty:
        raise ValueError(f"employment: no rows for year {year}")
    values = grid.to_numpy(dtype=float)
    top = max(2.0, float(np.nanmax(values)))
    # at most the printed text width: a wider figure would shrink its values below legibility
    fig = Figure(figsize=(min(3 + 0.45 * grid.shape[1], PRINT_WIDTH), 2.6 + 0.3 * grid.shape[0]), layout="constrained")
    ax = fig.subplots()
    norm = TwoSlopeNorm(1.0, 0.0, top)
    image = ax.imshow(values, cmap="RdBu_r", norm=norm, aspect="auto")
    ax.grid(False)
    ax.set_xticks(range(grid.shape[1]), [str(c) for c in grid.columns], rotation=45, ha="right")
    ax.set_yticks(range(grid.shape[0]), [str(r) for r in grid.index])
    if grid.shape[1] <= HEATMAP_VALUE_COLUMNS:
        for (i, j), lq in np.ndenumerate(values):
            if not np.isnan(lq):
                # White text on the dark ends of the colour scale.
                colour = "white" if abs(norm(lq) - 0.5) > 0.3 else "black"
                ax.text(j, i, f"{lq:.2f}", ha="center", va="center", fontsize=8, color=colour)
    fig.colorbar(image, ax=ax, label=text["colorbar"])
    ax.set_xlabel(text["x"])
    ax.set_ylabel(text["y"])
    ax.set_title(text["title"].format(year=year))
    return fig
