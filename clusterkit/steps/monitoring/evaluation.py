"""Step 5, monitoring and evaluation: the four dimensions an evaluation measures besides progress
(document 000, §3.3, l. 3789-3792): extension (how much of the target community the project
reaches), efficiency (what a result costs) and sustainability (what goes on without the project:
the local contribution, the relations between rounds); effectiveness follows the results chain, in
:mod:`.analysis`.

Pure: typed DataFrames in, DataFrames and plain values out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .catalogue import REACH_KINDS, catalogue_entries, reach_kind, unit_kind


def community_size(
    enterprises: pd.DataFrame | None = None,
    actors: pd.DataFrame | None = None,
    baseline: pd.DataFrame | None = None,
    overrides: dict | None = None,
) -> dict[str, float]:
    """The size of the target community for each reach kind (firms, people, institutions,
    leaders): counted from the diagnostic sheets, then from the baseline table (``firms_surveyed``,
    ``employees``), then set by ``overrides``; missing when unknown."""
    size = dict.fromkeys(REACH_KINDS, np.nan)
    if enterprises is not None and len(enterprises):
        size["firms"] = float(len(enterprises))
        size["people"] = float(enterprises["employees"].sum())
    if actors is not None and len(actors):
        size["institutions"] = float((actors["type"] != "enterprise").sum())
    if baseline is not None:
        values = baseline.drop_duplicates("key", keep="last").set_index("key")["value"]
        for key, kind in (("firms_surveyed", "firms"), ("employees", "people")):
            if key in values.index and pd.notna(values[key]):
                size[kind] = float(values[key])
    for kind, value in (overrides or {}).items():
        if kind not in REACH_KINDS:
            raise ValueError(f"unknown community {kind!r} (expected {', '.join(REACH_KINDS)})")
        size[kind] = float(value)
    return size


def extension(table: pd.DataFrame, community: dict[str, float]) -> pd.DataFrame:
    """Reach of the extension indicators that count firms, people, institutions or leaders,
    against the size of the target community (l. 3796-3804): ``reach_share = current / size``.
    The reach kind comes from the catalogue entry, else from the unit."""
    rows = table[(table["dimension"] == "extension") & (table["unit"].map(unit_kind) == "count")]
    kind = rows["catalogue_key"].map(catalogue_entries()["reach"])
    kind = kind.fillna(rows["unit"].map(reach_kind)).astype("str")
    rows = rows.assign(reach_kind=kind)[kind.notna()]
    size = rows["reach_kind"].map(community).astype("float64")
    return pd.DataFrame(
        {
            "indicator_id": rows["indicator_id"],
            "name": rows["name"],
            "reach_kind": rows["reach_kind"],
            "current_value": rows["current_value"],
            "community_size": size,
            "reach_share": rows["current_value"] / size.where(size > 0),
        }
    ).reset_index(drop=True)


def extension_notes(indicators: pd.DataFrame, measurements: pd.DataFrame) -> pd.DataFrame:
    """The qualitative notes on spillovers and multiplier effects (l. 3805-3825): the notes of
    the measurements of indicators linked to those catalogue entries, latest first."""
    ids = indicators.loc[indicators["catalogue_key"].isin(["spillover_effects", "multiplier_effects"]), "indicator_id"]
    notes = measurements[measurements["indicator_id"].isin(ids) & measurements["note"].notna()]
    return notes.sort_values("date", ascending=False)[["indicator_id", "date", "note"]].reset_index(drop=True)


def efficiency(table: pd.DataFrame, actions: pd.DataFrame | None) -> pd.DataFrame:
    """Cost per result produced (l. 3851-3876): for each activity or output indicator that counts
    something and is linked to an action, the action's spending divided by the change achieved
    since the baseline. An action's whole spending is set against each of its results in turn;
    the source asks for the cost of each result, not for a cost-benefit ratio."""
    columns = ["indicator_id", "name", "action_id", "spent", "result_achieved", "unit", "cost_per_result"]
    if actions is None or not len(actions):
        return pd.DataFrame(columns=columns)
    rows = table[
        table["action_id"].notna()
        & table["level"].isin(["activity", "output"])
        & (table["unit"].map(unit_kind) == "count")
        & (table["target"] > table["baseline"])
    ]
    spent = rows["action_id"].map(actions.set_index("action_id")["spent"]).astype("float64")
    result = rows["current_value"] - rows["baseline"]
    return pd.DataFrame(
        {
            "indicator_id": rows["indicator_id"],
            "name": rows["name"],
            "action_id": rows["action_id"],
            "spent": spent,
            "result_achieved": result,
            "unit": rows["unit"],
            "cost_per_result": spent / result.where(result > 0),
        }
    )[columns].reset_index(drop=True)


def spending(table: pd.DataFrame, actions: pd.DataFrame | None) -> dict[str, float]:
    """Budget and spending of the actions linked to indicators, for accountability."""
    if actions is None or not len(actions):
        return {"actions": 0, "budget": np.nan, "spent": np.nan}
    linked = actions[actions["action_id"].isin(table["action_id"].dropna())]
    return {
        "actions": int(len(linked)),
        "budget": float(linked["budget"].sum()),
        "spent": float(linked["spent"].sum(min_count=1)),
    }


def relations_by_round(
    relations: pd.DataFrame | None, actors: pd.DataFrame | None, enterprises: pd.DataFrame | None
) -> pd.DataFrame:
    """Intensity and breadth of network relations in each survey round (l. 4155-4165), measured
    as the diagnostic measures its baseline (:func:`clusterkit.steps.diagnostic.social_capital`,
    :func:`clusterkit.steps.network.summary`): ties, density of the map, share of firms in a joint
    action, share of formal relations, density of cooperative ties among firms."""
    from .. import diagnostic, network

    columns = [
        "survey_round",
        "ties",
        "network_density",
        "joint_action_share",
        "formal_relation_share",
        "cooperation_density",
    ]
    if any(frame is None or not len(frame) for frame in (relations, actors, enterprises)):
        return pd.DataFrame(columns=columns)
    rows = []
    for survey_round in network.survey_rounds(relations):
        observed = network.in_round(relations, survey_round)
        graph = network.round_graph(actors, enterprises, relations, survey_round)  # no centralities: not shown here
        capital = diagnostic.social_capital(enterprises, actors, observed).set_index("indicator")["value"]
        rows.append(
            {
                "survey_round": survey_round,
                "ties": network.tie_count(graph),
                "network_density": network.density(graph),
                **{key: capital[key] for key in columns[3:]},
            }
        )
    return pd.DataFrame(rows, columns=columns).astype({"survey_round": "int64", "ties": "int64"})


def local_contribution(actions: pd.DataFrame | None) -> float:
    """The share of the actions' spending paid by the cluster's own actors, ``1 - cofinancing
    rate`` weighted by spending: a sign that activities can outlive the support (l. 4167-4177)."""
    if actions is None or not len(actions):
        return np.nan
    known = actions.dropna(subset=["spent", "cofinancing_rate"])
    if known["spent"].sum() <= 0:
        return np.nan
    return float((known["spent"] * (1 - known["cofinancing_rate"])).sum() / known["spent"].sum())
