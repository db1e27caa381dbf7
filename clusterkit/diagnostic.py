"""Step 2, the diagnostic study: the cluster profile from the ``enterprises`` sheet.

Document 000, §3.2 (l. 3450-3486) asks the diagnostic to start from basic information on the
main stakeholders: how many firms, of what size and status, what they produce, how their units
are spread across the owners' socio-economic categories, and how much they export. These
functions compute that profile; they take the typed ``enterprises`` frame and return DataFrames
with canonical column names.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .schema import ENUMS

# Size classes by employees, the usual micro / small / medium / large thresholds.
SIZE_BOUNDS = (10, 50, 250)
SIZE_CLASSES = ("micro", "small", "medium", "large")


def size_class(employees: pd.Series, bounds: tuple[int, int, int] = SIZE_BOUNDS) -> pd.Series:
    """Micro (< 10 employees), small (< 50), medium (< 250), large; missing stays missing."""
    edges = [-np.inf, *bounds, np.inf]
    classes = pd.cut(employees.astype("float64"), edges, right=False, labels=SIZE_CLASSES)
    return classes.astype(pd.CategoricalDtype(SIZE_CLASSES, ordered=True))


def firms_by_role_and_size(enterprises: pd.DataFrame, bounds: tuple[int, int, int] = SIZE_BOUNDS) -> pd.DataFrame:
    """Number of firms by role (rows, in the schema's order) and size class (columns), with totals."""
    roles = pd.Categorical(enterprises["role"], categories=ENUMS["role"])
    table = pd.crosstab(roles, size_class(enterprises["employees"], bounds), dropna=False)
    table = table.reindex(index=list(ENUMS["role"]), columns=list(SIZE_CLASSES), fill_value=0)
    table = table[table.sum(axis=1) > 0]
    table["total"] = table.sum(axis=1)
    table.loc["total"] = table.sum(axis=0)
    table.index.name = "role"
    table.columns.name = None
    return table.reset_index().astype({c: "int64" for c in [*SIZE_CLASSES, "total"]})


def employment_by_role(enterprises: pd.DataFrame) -> pd.DataFrame:
    """Firms, employees, women employees and the share of women, by role and in total.

    The share of women is computed over the firms that reported their women employees, so that
    a missing answer does not count as zero women.
    """
    frame = enterprises.assign(
        employees_reported=enterprises["employees"].where(enterprises["employees_women"].notna()))
    grouped = frame.groupby("role", observed=True, sort=False)
    table = pd.DataFrame({
        "firms": grouped.size(),
        "employees": grouped["employees"].sum(),
        "employees_women": grouped["employees_women"].sum(),
        "employees_reported": grouped["employees_reported"].sum(),
    })
    table = table.reindex([r for r in ENUMS["role"] if r in table.index])
    table.loc["total"] = table.sum(axis=0)
    table["women_share"] = table["employees_women"] / table["employees_reported"].where(table["employees_reported"] > 0)
    table["employees_per_firm"] = table["employees"] / table["firms"]
    table.index.name = "role"
    table = table.drop(columns="employees_reported").reset_index()
    return table.astype({"firms": "int64", "employees": "int64", "employees_women": "int64"})


def exports_by_segment(enterprises: pd.DataFrame) -> pd.DataFrame:
    """Firms, turnover, exports and the export share by main market segment.

    Exports are turnover x export share; the segment's export share is weighted by turnover
    (exports / turnover), over the firms that reported both figures.
    """
    frame = enterprises.assign(market_segment=enterprises["market_segment"].fillna("unknown"))
    known = frame["turnover"].notna() & frame["export_share"].notna()
    frame = frame.assign(exports=(frame["turnover"] * frame["export_share"]).where(known),
                         turnover_reported=frame["turnover"].where(known))
    grouped = frame.groupby("market_segment", sort=False)
    table = pd.DataFrame({
        "firms": grouped.size(),
        "turnover": grouped["turnover"].sum(min_count=1),
        "exports": grouped["exports"].sum(min_count=1),
        "turnover_reported": grouped["turnover_reported"].sum(min_count=1),
    })
    order = [s for s in (*ENUMS["market_segment"], "unknown") if s in table.index]
    table = table.reindex(order)
    table.loc["total"] = table.sum(axis=0, min_count=1)
    table["export_share"] = table["exports"] / table["turnover_reported"]
    table.index.name = "market_segment"
    return table.drop(columns="turnover_reported").reset_index().astype({"firms": "int64"})


def owner_strata(enterprises: pd.DataFrame) -> pd.DataFrame:
    """Distribution of firms across the owners' socio-economic strata (largest first).

    Gives firms, their share of all firms, employees, and firms owned by women, per stratum.
    """
    frame = enterprises.assign(owner_stratum=enterprises["owner_stratum"].fillna("unknown"),
                               women_owned=enterprises["owner_gender"].eq("f").fillna(False))
    grouped = frame.groupby("owner_stratum", sort=False)
    table = pd.DataFrame({
        "firms": grouped.size(),
        "employees": grouped["employees"].sum(),
        "women_owned": grouped["women_owned"].sum(),
    }).sort_values(["firms", "employees"], ascending=False)
    table["firm_share"] = table["firms"] / table["firms"].sum()
    table.loc["total"] = table.sum(axis=0)
    table.index.name = "owner_stratum"
    return table.reset_index().astype({"firms": "int64", "employees": "int64", "women_owned": "int64"})


def profile_summary(enterprises: pd.DataFrame) -> dict:
    """Headline figures of the profile, for the report's opening sentence."""
    women_known = enterprises["employees_women"].notna()
    return {
        "firms": int(len(enterprises)),
        "employees": int(enterprises["employees"].sum()),
        "women_share": float(enterprises.loc[women_known, "employees_women"].sum()
                             / enterprises.loc[women_known, "employees"].sum()) if women_known.any() else float("nan"),
        "lead_firms": int(enterprises["role"].eq("lead_firm").sum()),
        "association_share": float(enterprises["association_member"].mean()),
    }
