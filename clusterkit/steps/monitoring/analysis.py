"""Step 5, monitoring and evaluation: baselines, progress and schedule status, the four
dimensions, the results chain and the evaluation summary.

Document 000, §3.3 (G. Ceglie, l. 3709-4185) gives the method. Monitoring starts from baseline
values agreed at the outset and goes on with periodic measurements (l. 3777-3787); it serves four
objectives: improve performance, transparency, lessons, trust (l. 3709-3755); it measures four
dimensions: extension, efficiency, effectiveness and sustainability (l. 3789-3792); effectiveness
follows the project's results chain, from activities to results, to the change targeted and to
the development objective (l. 3878-4069).

Pure: typed DataFrames in, DataFrames out, canonical keys and enumeration values
(``progress_status`` takes the values of :data:`STATUSES`) and message keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ... import i18n
from ...i18n import t
from ...schema import ENUMS
from .catalogue import REACH_KINDS, catalogue_entries, default_batteries, is_women_group, unit_kind
from .evaluation import (
    community_size,
    efficiency,
    extension,
    extension_notes,
    local_contribution,
    relations_by_round,
    spending,
)

# Schedule statuses, best first; the last three mean the indicator cannot be assessed yet.
STATUSES = ("achieved", "on_track", "at_risk", "off_track", "no_baseline", "target_is_baseline", "no_data")
ASSESSED = STATUSES[:4]
# The results chain of the source (l. 3922-3949): each indicator level feeds one stage.
STAGES = ("activities", "results", "change", "objective")
LEVEL_STAGE = dict(zip(ENUMS["indicator_level"], STAGES))
OBJECTIVES = ("performance", "transparency", "lessons", "trust")  # l. 3709-3755
DIMENSIONS = ENUMS["dimension"]  # l. 3789-3792
WORKBOOK_ORIGIN = "workbook"
DIAGNOSTIC_ORIGIN = "diagnostic baseline"
# Default thresholds of the schedule status: the share of the expected progress reached.
AT_RISK_BELOW = 0.9
OFF_TRACK_BELOW = 0.6
STATUS_COLOURS = {
    "achieved": "7DCEA0",
    "on_track": "D5F5E3",
    "at_risk": "F9E79F",
    "off_track": "F1948A",
    "no_baseline": "E5E7E9",
    "target_is_baseline": "E5E7E9",
    "no_data": "E5E7E9",
}
ENUM_OF = {"level": "indicator_level", "dimension": "dimension", "battery": "battery"}


# --------------------------------------------------------------------------------------------
# Baselines from the diagnostic
# --------------------------------------------------------------------------------------------
def workbook_baseline(workbook) -> pd.DataFrame | None:
    """The diagnostic's baseline table computed from the workbook's own survey sheets, dated at the
    cluster's start (else the earliest indicator baseline date); None without an enterprises sheet."""
    from ..diagnostic import baseline_table

    if not workbook.has("enterprises"):
        return None
    dates = (
        workbook["indicators"]["baseline_date"].dropna()
        if workbook.has("indicators")
        else pd.Series([], dtype="datetime64[ns]")
    )
    date = workbook.cluster.get("start_date") or (dates.min() if len(dates) else pd.Timestamp.today().normalize())
    return baseline_table(workbook, pd.Timestamp(date))


def fill_baselines(indicators: pd.DataFrame, baseline: pd.DataFrame | None = None) -> pd.DataFrame:
    """The indicators with their missing baselines filled from the diagnostic's baseline table.

    Only an indicator with no baseline in the workbook is filled, only when its catalogue entry
    names a ``baseline_key`` found in the table, and only when its unit is of the same kind as the
    entry's (a share is never filled with a count). The baseline date is filled too when missing.
    The added column ``baseline_origin`` says where each baseline came from: ``workbook``,
    ``diagnostic baseline <date>``, or missing.
    """
    out = indicators.copy()
    origin = pd.Series(WORKBOOK_ORIGIN, index=out.index, dtype="str").where(out["baseline"].notna())
    if baseline is not None and len(baseline):
        entries = catalogue_entries()
        keys = out["catalogue_key"]
        latest = baseline.dropna(subset=["value"]).drop_duplicates("key", keep="last").set_index("key")
        baseline_key = keys.map(entries["baseline_key"])
        value = baseline_key.map(latest["value"])
        date = baseline_key.map(latest["date"])
        same_kind = keys.map(entries["unit_kind"]) == out["unit"].map(unit_kind)
        fill = out["baseline"].isna() & value.notna() & same_kind
        out.loc[fill, "baseline"] = value[fill]
        dated = fill & out["baseline_date"].isna()
        out.loc[dated, "baseline_date"] = date[dated]
        origin[fill] = [f"{DIAGNOSTIC_ORIGIN} {d:%Y-%m-%d}" if pd.notna(d) else DIAGNOSTIC_ORIGIN for d in date[fill]]
    out["baseline_origin"] = origin
    return out


def origin_label(origin, lang: str) -> str:
    """A baseline origin as the reader reads it."""
    if not isinstance(origin, str):
        return t("monitoring.origin.missing", lang)
    if origin == WORKBOOK_ORIGIN:
        return t("monitoring.origin.workbook", lang)
    date = origin[len(DIAGNOSTIC_ORIGIN) :].strip()
    return t("monitoring.origin.diagnostic", lang, date=i18n.date(pd.Timestamp(date), lang) if date else "–")


# --------------------------------------------------------------------------------------------
# Progress and schedule status
# --------------------------------------------------------------------------------------------
def current_values(measurements: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Each indicator's latest whole value (a measurement with no ``group``) at or before
    ``as_of``: ``indicator_id``, ``current_value``, ``measured_on``."""
    totals = measurements[measurements["group"].isna()]
    if as_of is not None:
        totals = totals[totals["date"] <= pd.Timestamp(as_of)]
    latest = totals.sort_values(["indicator_id", "date"], kind="stable").groupby("indicator_id").tail(1)
    return latest.rename(columns={"value": "current_value", "date": "measured_on"})[
        ["indicator_id", "current_value", "measured_on"]
    ].reset_index(drop=True)


def expected_progress(baseline_date: pd.Series, target_date: pd.Series, at: pd.Series) -> pd.Series:
    """Progress expected at ``at`` on a straight line from baseline date (0) to target date (1),
    kept within 0..1; missing when a date is missing. A zero-length span expects 1 from its date."""
    span = (target_date - baseline_date).dt.total_seconds()
    elapsed = (at - baseline_date).dt.total_seconds()
    expected = (elapsed / span.where(span > 0)).where(span != 0, (at >= target_date).astype(float))
    return expected.where(span.notna() & elapsed.notna()).clip(0, 1)


def progress_table(
    indicators: pd.DataFrame,
    measurements: pd.DataFrame,
    as_of=None,
    at_risk_below: float = AT_RISK_BELOW,
    off_track_below: float = OFF_TRACK_BELOW,
) -> pd.DataFrame:
    """One row per indicator: its latest value, its progress and its schedule status.

    ``progress = (current - baseline) / (target - baseline)``, so it also reads right when the
    target is below the baseline; above 1 is an overshoot, reported as it is. The schedule
    compares it with the progress expected at the measurement date on a straight line from
    baseline date to target date: on track from ``at_risk_below`` x expected, at risk from
    ``off_track_below`` x expected, off track below. ``progress_status`` is one of
    :data:`STATUSES`: a missing baseline value gives ``no_baseline`` (and no progress), a missing
    baseline date ``no_baseline`` unless the target is reached, a target equal to the baseline
    ``target_is_baseline``, no measurement ``no_data``.
    """
    if not 0 <= off_track_below <= at_risk_below <= 1:
        raise ValueError(
            f"thresholds must satisfy 0 <= off_track_below <= at_risk_below <= 1, "
            f"got {off_track_below} and {at_risk_below}"
        )
    keep = [
        c
        for c in indicators.columns
        if c
        in (
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
            "action_id",
            "catalogue_key",
            "baseline_origin",
        )
    ]
    table = indicators[keep].merge(current_values(measurements, as_of), on="indicator_id", how="left")
    change = table["target"] - table["baseline"]
    table["progress"] = (table["current_value"] - table["baseline"]) / change.where(change != 0)
    table["expected_progress"] = expected_progress(table["baseline_date"], table["target_date"], table["measured_on"])
    progress, expected = table["progress"], table["expected_progress"]
    conditions = [
        table["baseline"].isna(),
        change == 0,
        table["current_value"].isna(),
        progress >= 1,
        expected.isna(),
        progress >= at_risk_below * expected,
        progress >= off_track_below * expected,
    ]
    choices = ["no_baseline", "target_is_baseline", "no_data", "achieved", "no_baseline", "on_track", "at_risk"]
    table["progress_status"] = pd.Series(
        np.select([c.to_numpy(dtype=bool) for c in conditions], choices, default="off_track"),
        index=table.index,
        dtype="str",
    )
    return table


def progress_by(table: pd.DataFrame, by: str) -> pd.DataFrame:
    """Progress of the indicators grouped by ``level``, ``dimension`` or ``battery``: how many,
    the median progress and the median expected progress of those with a progress, and the number
    of indicators in each status (``count_<status>``; ``count_not_assessed`` joins the last three)."""
    order = [v for v in ENUMS[ENUM_OF[by]] if v in set(table[by])]
    counts = pd.crosstab(table[by], table["progress_status"]).reindex(index=order, columns=list(STATUSES), fill_value=0)
    measured = table[table["progress"].notna()]
    grouped = measured.groupby(by)
    result = pd.DataFrame(
        {
            "indicator_count": table.groupby(by).size().reindex(order),
            "median_progress": grouped["progress"].median().reindex(order),
            "median_expected": grouped["expected_progress"].median().reindex(order),
        }
    )
    for status in ASSESSED:
        result[f"count_{status}"] = counts[status]
    result["count_not_assessed"] = counts[list(STATUSES[4:])].sum(axis=1)
    result.index.name = by
    return result.reset_index().astype({c: "int64" for c in result.columns if c.startswith(("count_", "indicator_"))})


def disaggregation(measurements: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """The latest measurement by group of each disaggregated indicator: ``indicator_id``,
    ``measured_on``, ``group``, ``value``, ``total`` and the group's ``group_share`` of the total.

    The total is the whole measurement of the same date when there is one, else the sum of the
    groups. Shares are meaningful for counts (people, firms, jobs), not for averages or ratios.
    """
    groups = measurements[measurements["group"].notna()]
    if as_of is not None:
        groups = groups[groups["date"] <= pd.Timestamp(as_of)]
    latest = groups[groups["date"] == groups.groupby("indicator_id")["date"].transform("max")]
    wholes = measurements[measurements["group"].isna()].drop_duplicates(["indicator_id", "date"], keep="last")
    table = latest.merge(
        wholes[["indicator_id", "date", "value"]].rename(columns={"value": "total"}),
        on=["indicator_id", "date"],
        how="left",
    )
    table["total"] = table["total"].fillna(table.groupby(["indicator_id", "date"])["value"].transform("sum"))
    table["group_share"] = table["value"] / table["total"].where(table["total"] != 0)
    return table.rename(columns={"date": "measured_on"})[
        ["indicator_id", "measured_on", "group", "value", "total", "group_share"]
    ].reset_index(drop=True)


def women_share(disaggregated: pd.DataFrame) -> pd.DataFrame:
    """The share of women in each disaggregated indicator, from :func:`disaggregation`:
    ``indicator_id``, ``measured_on``, ``women``, ``total``, ``women_share``."""
    women = disaggregated[disaggregated["group"].map(is_women_group).astype(bool)]  # a boolean mask even when empty
    table = women.groupby(["indicator_id", "measured_on"], as_index=False).agg(
        women=("value", "sum"), total=("total", "first")
    )
    table["women_share"] = table["women"] / table["total"].where(table["total"] != 0)
    return table


def effectiveness(table: pd.DataFrame) -> pd.DataFrame:
    """Progress along the results chain (l. 3878-4069): :func:`progress_by` level."""
    return progress_by(table, "level")


# --------------------------------------------------------------------------------------------
# The results chain
# --------------------------------------------------------------------------------------------
def results_chain(table: pd.DataFrame, actions: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The results chain of the source (l. 3922-3949) built from the team's data.

    Nodes (``node``, ``stage``, ``kind``, ``label``, ``progress_status``, ``group``): the actions
    linked to indicators, each followed by its activity indicators (``group``: the action's id;
    any other node is its own group), form the activities stage; output, outcome and impact
    indicators form the results, change targeted and development objective stages. Edges (``source``, ``target``) go from each action to the other indicators it feeds.
    """
    titles = actions.set_index("action_id")["title"] if actions is not None and len(actions) else pd.Series(dtype="str")
    nodes = []

    def indicator_node(row, group=None) -> dict:
        return {
            "node": row.indicator_id,
            "stage": LEVEL_STAGE[row.level],
            "kind": "indicator",
            "label": f"{row.indicator_id} {row.name}",
            "progress_status": row.progress_status,
            "group": group or row.indicator_id,
        }

    activity = table[table["level"] == "activity"]
    for action in sorted(table["action_id"].dropna().unique()):
        title = titles.get(action)
        nodes.append(
            {
                "node": action,
                "stage": "activities",
                "kind": "action",
                "label": f"{action} {title}" if isinstance(title, str) else action,
                "progress_status": None,
                "group": action,
            }
        )
        nodes += [indicator_node(r, action) for r in activity[activity["action_id"] == action].itertuples()]
    nodes += [indicator_node(r) for r in activity[activity["action_id"].isna()].itertuples()]
    for level in ("output", "outcome", "impact"):
        nodes += [indicator_node(r) for r in table[table["level"] == level].itertuples()]
    fed = table[table["action_id"].notna() & (table["level"] != "activity")]
    edges = pd.DataFrame({"source": fed["action_id"], "target": fed["indicator_id"]}).reset_index(drop=True)
    columns = ["node", "stage", "kind", "label", "progress_status", "group"]
    return pd.DataFrame(nodes, columns=columns).astype("str"), edges


# --------------------------------------------------------------------------------------------
# The whole assessment, and the evaluation summary
# --------------------------------------------------------------------------------------------
@dataclass
class Assessment:
    """Everything the monitoring report shows, computed once from a workbook."""

    indicators: pd.DataFrame
    measurements: pd.DataFrame
    actions: pd.DataFrame | None
    table: pd.DataFrame
    as_of: pd.Timestamp | None
    orientation: str | None
    currency: str
    batteries: tuple[str, ...]
    by_level: pd.DataFrame
    by_dimension: pd.DataFrame
    by_battery: pd.DataFrame
    disaggregated: pd.DataFrame
    women: pd.DataFrame
    community: dict
    extension: pd.DataFrame
    notes: pd.DataFrame
    efficiency: pd.DataFrame
    spending: dict
    relations: pd.DataFrame
    local_share: float
    chain_nodes: pd.DataFrame
    chain_edges: pd.DataFrame
    summary: pd.DataFrame = field(default=None)


def assess(
    workbook,
    baseline: pd.DataFrame | None = None,
    as_of=None,
    at_risk_below: float = AT_RISK_BELOW,
    off_track_below: float = OFF_TRACK_BELOW,
    community: dict | None = None,
) -> Assessment:
    """Run every computation of the step on a read :class:`~clusterkit.workbook.Workbook`.

    ``baseline`` is the diagnostic's baseline table (:func:`read_baseline`); ``as_of`` (a date or
    ISO text, empty for the latest measurements) cuts off later measurements; ``community``
    overrides the size of the target community (``{"firms": 250}``).
    """
    as_of = pd.Timestamp(as_of) if as_of else None

    def sheet(key):
        return workbook[key] if workbook.has(key) else None

    indicators = fill_baselines(workbook["indicators"], baseline)
    measurements, actions = workbook["measurements"], sheet("actions")
    if as_of is not None:  # every view, trends and sheets included, stops at the same date
        measurements = measurements[measurements["date"] <= as_of]
    table = progress_table(indicators, measurements, as_of, at_risk_below, off_track_below)
    orientation = workbook.cluster.get("orientation")
    disaggregated = disaggregation(measurements, as_of)
    sizes = community_size(sheet("enterprises"), sheet("actors"), baseline, community)
    nodes, edges = results_chain(table, actions)
    result = Assessment(
        indicators=indicators,
        measurements=measurements,
        actions=actions,
        table=table,
        as_of=as_of or measurements["date"].max(),
        orientation=orientation,
        currency=workbook.cluster.get("currency") or "",
        batteries=default_batteries(orientation) if orientation else (),
        by_level=effectiveness(table),
        by_dimension=progress_by(table, "dimension"),
        by_battery=progress_by(table, "battery"),
        disaggregated=disaggregated,
        women=women_share(disaggregated),
        community=sizes,
        extension=extension(table, sizes),
        notes=extension_notes(indicators, measurements),
        efficiency=efficiency(table, actions),
        spending=spending(table, actions),
        relations=relations_by_round(sheet("relations"), sheet("actors"), sheet("enterprises")),
        local_share=local_contribution(actions),
        chain_nodes=nodes,
        chain_edges=edges,
    )
    result.summary = evaluation_summary(result)
    return result


def _ids(frame: pd.DataFrame, limit: int = 5) -> list[str]:
    return list(frame["indicator_id"].head(limit))


def evaluation_summary(m: Assessment) -> pd.DataFrame:
    """The evaluation summary, organised by the four objectives of monitoring and evaluation
    (l. 3709-3755) and the four dimensions (l. 3789-4185), each filled from the data where it can
    be: one row per finding, ``section``, ``key`` (a message of the catalogue) and its ``values``
    (raw numbers, dates, and lists of ids in values named ``*_ids``)."""
    table = m.table
    status = table["progress_status"]
    found: list[tuple[str, str, dict]] = []

    def add(section, key, **values):
        found.append((section, f"monitoring.eval.{section}.{key}", values))

    # Improve performance: what to correct in the plan.
    behind = (
        table[status.isin(["off_track", "at_risk"])]
        .assign(order=status.map({"off_track": 0, "at_risk": 1}))
        .sort_values(["order", "progress"])
    )
    if len(behind):
        add(
            "performance",
            "behind",
            off_track=int((status == "off_track").sum()),
            at_risk=int((status == "at_risk").sum()),
            date=m.as_of,
            behind_ids=_ids(behind, 10),
            actions=sorted(behind["action_id"].dropna().unique()),
        )
    else:
        add("performance", "on_course", assessed=int(status.isin(ASSESSED).sum()))
    unassessed = table[~status.isin(ASSESSED)]
    if len(unassessed):
        add("performance", "unassessed", count=len(unassessed), unassessed_ids=_ids(unassessed, 10))
    # Transparency: use of funds and results, for donors, government and beneficiaries.
    if m.spending["actions"]:
        add(
            "transparency",
            "spending",
            actions=m.spending["actions"],
            spent=m.spending["spent"],
            currency=m.currency,
            budget=m.spending["budget"],
            spent_share=m.spending["spent"] / m.spending["budget"] if m.spending["budget"] else np.nan,
        )
    add(
        "transparency",
        "results",
        achieved=int((status == "achieved").sum()),
        on_track=int((status == "on_track").sum()),
        total=len(table),
    )
    # Lessons: what ran ahead of the straight line and what lagged, and the field notes.
    gap = (table["progress"] - table["expected_progress"]).dropna()
    if len(gap):
        ordered = table.loc[gap.sort_values(ascending=False).index]
        add(
            "lessons",
            "ahead_behind",
            ahead_ids=_ids(ordered[gap[ordered.index] > 0], 3),
            lagging_ids=_ids(ordered[gap[ordered.index] < 0].iloc[::-1], 3),
        )
    notes = m.measurements.dropna(subset=["note"])
    if len(notes):
        add("lessons", "notes", count=len(notes), noted_ids=sorted(notes["indicator_id"].unique()))
    # Trust among beneficiaries: governance and joint action, and cooperation between rounds.
    trust = table[table["battery"].isin(["governance", "joint_action"])]
    if len(trust):
        add(
            "trust",
            "governance",
            total=len(trust),
            good=int(trust["progress_status"].isin(["achieved", "on_track"]).sum()),
        )
    if len(m.relations) >= 2:
        first, last = m.relations.iloc[0], m.relations.iloc[-1]
        add(
            "trust",
            "cooperation",
            first_share=first["joint_action_share"],
            last_share=last["joint_action_share"],
            first_round=int(first["survey_round"]),
            last_round=int(last["survey_round"]),
        )
    add("trust", "participation")
    # Extension: reach against the target community, and qualitative notes.
    if len(m.extension):
        best = m.extension.sort_values("reach_share", ascending=False).drop_duplicates("reach_kind")
        for row in best.sort_values("reach_kind", key=lambda s: s.map(REACH_KINDS.index)).itertuples():
            add(
                "extension",
                row.reach_kind,
                indicator_ids=[row.indicator_id],
                value=row.current_value,
                size=row.community_size,
                reach_share=row.reach_share,
            )
    else:
        add("extension", "none")
    add("extension", "notes", count=len(m.notes))
    # Efficiency: cost per result.
    costs = m.efficiency.dropna(subset=["cost_per_result"]).sort_values("cost_per_result")
    if len(costs):
        add(
            "efficiency",
            "range",
            count=len(costs),
            lowest_ids=[costs.iloc[0]["indicator_id"]],
            lowest=costs.iloc[0]["cost_per_result"],
            highest_ids=[costs.iloc[-1]["indicator_id"]],
            highest=costs.iloc[-1]["cost_per_result"],
            currency=m.currency,
        )
    else:
        add("efficiency", "none")
    # Effectiveness: progress along the results chain.
    medians = m.by_level.set_index("level")["median_progress"]
    add(
        "effectiveness",
        "chain",
        **{f"{level}_progress": float(medians.get(level, np.nan)) for level in ENUMS["indicator_level"]},
    )
    # Sustainability: local contribution, lasting relations, sustainability indicators.
    if pd.notna(m.local_share):
        add("sustainability", "local", local_share=m.local_share)
    if len(m.relations) >= 2:
        add(
            "sustainability",
            "formal",
            first_share=m.relations.iloc[0]["formal_relation_share"],
            last_share=m.relations.iloc[-1]["formal_relation_share"],
            first_density=m.relations.iloc[0]["network_density"],
            last_density=m.relations.iloc[-1]["network_density"],
        )
    lasting = table[table["dimension"] == "sustainability"]
    if len(lasting):
        add(
            "sustainability",
            "indicators",
            total=len(lasting),
            good=int(lasting["progress_status"].isin(["achieved", "on_track"]).sum()),
        )
    order = {s: i for i, s in enumerate((*OBJECTIVES, *DIMENSIONS))}
    frame = pd.DataFrame(found, columns=["section", "key", "values"])
    return frame.sort_values("section", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# What the report shows: labels, baselines and progress for the reader
# --------------------------------------------------------------------------------------------
def labels(prefix: str, values, lang: str) -> dict[str, str]:
    """``{value: t("<prefix>.<value>")}``: the localised labels a figure takes."""
    return {v: t(f"{prefix}.{v}", lang) for v in values}


def baseline_origins(indicators: pd.DataFrame, lang: str, names: dict[str, str]) -> pd.DataFrame:
    """Each indicator's baseline, its date and where it came from, for the reader."""
    return pd.DataFrame(
        {
            "indicator_id": indicators["indicator_id"],
            "name": indicators["indicator_id"].map(names),
            "baseline": indicators["baseline"],
            "baseline_date": indicators["baseline_date"].dt.date,
            "baseline_origin": indicators["baseline_origin"].map(lambda o: origin_label(o, lang)),
        }
    )


def origin_counts(indicators: pd.DataFrame) -> dict[str, int]:
    """How many baselines come from the workbook, from the diagnostic, and how many are missing."""
    origin = indicators["baseline_origin"]
    return {
        "workbook": int((origin == WORKBOOK_ORIGIN).sum()),
        "diagnostic": int(origin.str.startswith(DIAGNOSTIC_ORIGIN).fillna(False).sum()),
        "missing": int(origin.isna().sum()),
    }


def progress_view(table: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The progress table as the dashboard shows it."""
    view = table[
        ["indicator_id", "level", "battery", "measured_on", "progress", "expected_progress", "progress_status"]
    ].copy()
    view.insert(1, "name", view["indicator_id"].map(names))
    view["measured_on"] = view["measured_on"].dt.date
    return view
