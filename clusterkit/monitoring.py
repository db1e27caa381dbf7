"""Step 5, monitoring and evaluation: the indicator catalogue, progress and schedule status, the
four dimensions, the results chain, the evaluation summary and the indicator reference sheets.

Document 000, §3.3 (G. Ceglie, l. 3709-4185) gives the method. Monitoring starts from baseline
values agreed at the outset and goes on with periodic measurements (l. 3777-3787); it serves four
objectives: improve performance, transparency, lessons, trust (l. 3709-3755); it measures four
dimensions: extension, efficiency, effectiveness and sustainability (l. 3789-3792); effectiveness
follows the project's results chain, from activities to results, to the change targeted and to
the development objective (l. 3878-4069). The indicator lists of the source are the built-in
catalogue ``catalogues/indicators.yaml``.

The analysis functions are pure: typed DataFrames in, DataFrames out, canonical keys and
enumeration values (``progress_status`` takes the values of :data:`STATUSES`). The last sections
draw the figures, render the reference sheets and the evaluation summary for a report, and write
files: :func:`write_indicator_sheets` and :func:`add_battery`.
"""
from __future__ import annotations

import datetime as dt
import html
import textwrap
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from . import i18n
from .documents.tables import label, value_label
from .documents.xlsx import tab_name
from .i18n import t
from .schema import ENUMS, SHEETS
from .workbook import WorkbookEditor, backup_path, cell_value, parse_date, parse_number, save_atomically
from .workbook import cell_text as _text
from .workbook import normalise as _norm
from .workbook import put_cell as _put

# Schedule statuses, best first; the last three mean the indicator cannot be assessed yet.
STATUSES = ("achieved", "on_track", "at_risk", "off_track", "no_baseline", "target_is_baseline", "no_data")
ASSESSED = STATUSES[:4]
# The results chain of the source (l. 3922-3949): each indicator level feeds one stage.
STAGES = ("activities", "results", "change", "objective")
LEVEL_STAGE = dict(zip(ENUMS["indicator_level"], STAGES))
OBJECTIVES = ("performance", "transparency", "lessons", "trust")  # l. 3709-3755
DIMENSIONS = ENUMS["dimension"]  # l. 3789-3792
REACH_KINDS = ("firms", "people", "institutions", "leaders")
UNIT_KINDS = ("count", "share", "score", "amount", "yes_no")
BASELINE_COLUMNS = ("key", "value", "unit", "date", "source")
WORKBOOK_ORIGIN = "workbook"
DIAGNOSTIC_ORIGIN = "diagnostic baseline"
# Default thresholds of the schedule status: the share of the expected progress reached.
AT_RISK_BELOW = 0.9
OFF_TRACK_BELOW = 0.6
STATUS_COLOURS = {"achieved": "7DCEA0", "on_track": "D5F5E3", "at_risk": "F9E79F", "off_track": "F1948A",
                  "no_baseline": "E5E7E9", "target_is_baseline": "E5E7E9", "no_data": "E5E7E9"}
ACTION_COLOUR = "D6EAF8"
_ENUM_OF = {"level": "indicator_level", "dimension": "dimension", "battery": "battery"}


# --------------------------------------------------------------------------------------------
# The catalogue
# --------------------------------------------------------------------------------------------
@lru_cache(maxsize=None)
def _catalogue_file() -> dict:
    text = resources.files("clusterkit.catalogues").joinpath("indicators.yaml").read_text("utf-8")
    return yaml.safe_load(text)


@lru_cache(maxsize=None)
def _catalogue_frame() -> pd.DataFrame:
    rows = []
    for entry in _catalogue_file()["indicators"]:
        row = {k: entry.get(k) for k in ("key", "list", "level", "dimension", "battery", "unit_kind",
                                          "frequency", "disaggregation", "baseline_key", "reach")}
        for name in ("name", "unit", "definition", "data_source"):
            for lang in i18n.LANGUAGES:
                row[f"{name}_{lang}"] = entry[name][lang]
        row["document"], row["lines"] = entry["source"]["document"], str(entry["source"]["lines"])
        rows.append(row)
    return pd.DataFrame(rows).astype("str")


def catalogue() -> pd.DataFrame:
    """Every built-in indicator, one row per key: its list, level, dimension, battery, unit kind,
    names, units, definitions and suggested data sources in both languages (``name_fr``,
    ``name_en``…), frequency, disaggregation, ``baseline_key``, ``reach``, ``document`` and ``lines``."""
    return _catalogue_frame().copy()


def catalogue_lists() -> pd.DataFrame:
    """The indicator lists of the source: ``list``, ``name_fr``, ``name_en``, ``document``, ``lines``."""
    return pd.DataFrame([
        {"list": key, "name_fr": item["name"]["fr"], "name_en": item["name"]["en"],
         "document": item["source"]["document"], "lines": str(item["source"]["lines"])}
        for key, item in _catalogue_file()["lists"].items()
    ])


def default_batteries(orientation: str) -> tuple[str, ...]:
    """The batteries a cluster of this orientation starts from: its own impact battery
    (competitiveness or pro_poor) and the four batteries of the results chain."""
    defaults = _catalogue_file()["default_batteries"]
    if orientation not in defaults:
        raise ValueError(f"unknown orientation {orientation!r} (expected {', '.join(defaults)})")
    return tuple(defaults[orientation])


def battery_rows(battery: str, lang: str = "fr") -> pd.DataFrame:
    """The battery's catalogue indicators as rows of the ``indicators`` sheet (canonical columns).

    ``indicator_id`` and ``catalogue_key`` are the catalogue key; names, units and suggested data
    sources are in ``lang``; baseline, target and their dates are left for the team to agree on.
    """
    lang = i18n.check_lang(lang)
    if battery not in ENUMS["battery"]:
        raise ValueError(t("monitoring.add.unknown_battery", lang, battery=battery,
                           batteries=", ".join(ENUMS["battery"])))
    entries = _catalogue_frame()
    entries = entries[entries["battery"] == battery].reset_index(drop=True)
    empty_text = pd.Series(pd.NA, index=entries.index, dtype="str")
    frame = pd.DataFrame({
        "indicator_id": entries["key"], "name": entries[f"name_{lang}"], "level": entries["level"],
        "dimension": entries["dimension"], "battery": entries["battery"], "unit": entries[f"unit_{lang}"],
        "baseline": np.nan, "baseline_date": pd.NaT, "target": np.nan, "target_date": pd.NaT,
        "source": entries[f"data_source_{lang}"], "frequency": entries["frequency"],
        "responsible": empty_text, "disaggregation": entries["disaggregation"], "action_id": empty_text,
        "catalogue_key": entries["key"],
    })
    frame[["baseline_date", "target_date"]] = frame[["baseline_date", "target_date"]].astype("datetime64[ns]")
    return frame[[c.key for c in SHEETS["indicators"].columns]]


def catalogue_table(lang: str, followed: set[str] = frozenset()) -> pd.DataFrame:
    """The catalogue as a reader's table in ``lang``: key, name, list, level, dimension, battery,
    unit, the source lines and whether the team already follows it (``true``/``false``)."""
    lang = i18n.check_lang(lang)
    entries = _catalogue_frame()
    lists = catalogue_lists().set_index("list")[f"name_{lang}"]
    return pd.DataFrame({
        "catalogue_key": entries["key"], "name": entries[f"name_{lang}"],
        "indicator_list": entries["list"].map(lists), "level": entries["level"],
        "dimension": entries["dimension"], "battery": entries["battery"], "unit": entries[f"unit_{lang}"],
        "source_lines": entries["lines"],
        "followed": entries["key"].isin(followed).map({True: "true", False: "false"}).astype("str"),
    })


# --------------------------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------------------------
@lru_cache(maxsize=None)
def _words(group: str) -> dict[str, set[str]]:
    return {kind: {_norm(w) for w in words} for kind, words in _catalogue_file()[group].items()}


def unit_kind(unit) -> str:
    """How a unit is read: ``share`` (``%``, part, ratio…), ``score`` (note 1-5), ``amount`` (a
    currency), ``yes_no``, else ``count``. The whole unit or its first word decides."""
    text = _norm(unit) if isinstance(unit, str) else ""
    first = text.split(" ")[0] if text else ""
    for kind, words in _words("unit_words").items():
        if text in words or first in words:
            return kind
    return "count"


def reach_kind(unit) -> str | None:
    """What a count reaches, from its unit: firms, people, institutions or leaders; else None."""
    text = _norm(unit) if isinstance(unit, str) else ""
    first = text.split(" ")[0] if text else ""
    return next((kind for kind, words in _words("reach_words").items() if first in words), None)


@lru_cache(maxsize=None)
def _women_groups() -> frozenset[str]:
    return frozenset(_norm(g) for g in _catalogue_file()["women_groups"])


def is_women_group(group) -> bool:
    """True for the ``group`` values that stand for women (f, femmes, women…)."""
    return isinstance(group, str) and _norm(group) in _women_groups()


# --------------------------------------------------------------------------------------------
# Baselines from the diagnostic
# --------------------------------------------------------------------------------------------
def workbook_baseline(workbook) -> pd.DataFrame | None:
    """The diagnostic's baseline table computed from the workbook's own survey sheets, dated at the
    cluster's start (else the earliest indicator baseline date); None without an enterprises sheet."""
    from .diagnostic import baseline_table

    if not workbook.has("enterprises"):
        return None
    dates = workbook["indicators"]["baseline_date"].dropna() if workbook.has("indicators") else pd.Series([], dtype="datetime64[ns]")
    date = workbook.cluster.get("start_date") or (dates.min() if len(dates) else pd.Timestamp.today().normalize())
    return baseline_table(workbook, pd.Timestamp(date))


def read_baseline(path, lang: str = "fr") -> pd.DataFrame | None:
    """The diagnostic's baseline table (CSV or XLSX with columns key, value, unit, date, source);
    None when ``path`` is empty. Values and dates are read like the workbook's own cells."""
    if not path:
        return None
    path = Path(path)
    if not path.is_file():
        raise ValueError(t("monitoring.baseline.missing_file", lang, path=path))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raw = pd.read_excel(path, dtype=object)
    else:
        raw = pd.read_csv(path, dtype=str, sep=None, engine="python", encoding="utf-8-sig")
    raw.columns = [_norm(c) for c in raw.columns]
    missing = [c for c in ("key", "value") if c not in raw.columns]
    if missing:
        raise ValueError(t("monitoring.baseline.columns", lang, path=path.name, columns=", ".join(BASELINE_COLUMNS)))
    raw = raw.reindex(columns=list(BASELINE_COLUMNS)).dropna(subset=["key"])
    bad = []

    def read(cell, parse, row):
        if cell is None or (isinstance(cell, float) and np.isnan(cell)) or str(cell).strip() == "":
            return None
        try:
            return parse(cell)
        except (ValueError, TypeError):
            bad.append(str(row))
            return None

    values = [read(v, parse_number, k) for v, k in zip(raw["value"], raw["key"])]
    dates = [read(v, parse_date, k) for v, k in zip(raw["date"], raw["key"])]
    if bad:
        raise ValueError(t("monitoring.baseline.bad_values", lang, path=path.name, keys=", ".join(bad)))
    return pd.DataFrame({
        "key": raw["key"].map(_text).astype("str"),
        "value": pd.Series(values, dtype="float64"),
        "unit": raw["unit"].astype("str"),
        "date": pd.to_datetime(pd.Series(dates, dtype="object")).astype("datetime64[ns]"),
        "source": raw["source"].astype("str"),
    })


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
        entries = _catalogue_frame().set_index("key")
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
        origin[fill] = [f"{DIAGNOSTIC_ORIGIN} {d:%Y-%m-%d}" if pd.notna(d) else DIAGNOSTIC_ORIGIN
                        for d in date[fill]]
    out["baseline_origin"] = origin
    return out


def origin_label(origin, lang: str) -> str:
    """A baseline origin as the reader reads it."""
    if not isinstance(origin, str):
        return t("monitoring.origin.missing", lang)
    if origin == WORKBOOK_ORIGIN:
        return t("monitoring.origin.workbook", lang)
    date = origin[len(DIAGNOSTIC_ORIGIN):].strip()
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
        ["indicator_id", "current_value", "measured_on"]].reset_index(drop=True)


def expected_progress(baseline_date: pd.Series, target_date: pd.Series, at: pd.Series) -> pd.Series:
    """Progress expected at ``at`` on a straight line from baseline date (0) to target date (1),
    kept within 0..1; missing when a date is missing. A zero-length span expects 1 from its date."""
    span = (target_date - baseline_date).dt.total_seconds()
    elapsed = (at - baseline_date).dt.total_seconds()
    expected = (elapsed / span.where(span > 0)).where(span != 0, (at >= target_date).astype(float))
    return expected.where(span.notna() & elapsed.notna()).clip(0, 1)


def progress_table(indicators: pd.DataFrame, measurements: pd.DataFrame, as_of=None,
                   at_risk_below: float = AT_RISK_BELOW, off_track_below: float = OFF_TRACK_BELOW) -> pd.DataFrame:
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
        raise ValueError(f"thresholds must satisfy 0 <= off_track_below <= at_risk_below <= 1, "
                         f"got {off_track_below} and {at_risk_below}")
    keep = [c for c in indicators.columns if c in (
        "indicator_id", "name", "level", "dimension", "battery", "unit", "baseline", "baseline_date", "target",
        "target_date", "action_id", "catalogue_key", "baseline_origin")]
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
    table["progress_status"] = pd.Series(np.select([c.to_numpy(dtype=bool) for c in conditions], choices,
                                                   default="off_track"), index=table.index, dtype="str")
    return table


def progress_by(table: pd.DataFrame, by: str) -> pd.DataFrame:
    """Progress of the indicators grouped by ``level``, ``dimension`` or ``battery``: how many,
    the median progress and the median expected progress of those with a progress, and the number
    of indicators in each status (``count_<status>``; ``count_not_assessed`` joins the last three)."""
    order = [v for v in ENUMS[_ENUM_OF[by]] if v in set(table[by])]
    counts = pd.crosstab(table[by], table["progress_status"]).reindex(index=order, columns=list(STATUSES),
                                                                        fill_value=0)
    measured = table[table["progress"].notna()]
    grouped = measured.groupby(by)
    result = pd.DataFrame({
        "indicator_count": table.groupby(by).size().reindex(order),
        "median_progress": grouped["progress"].median().reindex(order),
        "median_expected": grouped["expected_progress"].median().reindex(order),
    })
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
    table = latest.merge(wholes[["indicator_id", "date", "value"]].rename(columns={"value": "total"}),
                         on=["indicator_id", "date"], how="left")
    table["total"] = table["total"].fillna(table.groupby(["indicator_id", "date"])["value"].transform("sum"))
    table["group_share"] = table["value"] / table["total"].where(table["total"] != 0)
    return table.rename(columns={"date": "measured_on"})[
        ["indicator_id", "measured_on", "group", "value", "total", "group_share"]].reset_index(drop=True)


def women_share(disaggregated: pd.DataFrame) -> pd.DataFrame:
    """The share of women in each disaggregated indicator, from :func:`disaggregation`:
    ``indicator_id``, ``measured_on``, ``women``, ``total``, ``women_share``."""
    women = disaggregated[disaggregated["group"].map(is_women_group).astype(bool)]  # a boolean mask even when empty
    table = women.groupby(["indicator_id", "measured_on"], as_index=False).agg(
        women=("value", "sum"), total=("total", "first"))
    table["women_share"] = table["women"] / table["total"].where(table["total"] != 0)
    return table


# --------------------------------------------------------------------------------------------
# The four dimensions
# --------------------------------------------------------------------------------------------
def community_size(enterprises: pd.DataFrame | None = None, actors: pd.DataFrame | None = None,
                   baseline: pd.DataFrame | None = None, overrides: dict | None = None) -> dict[str, float]:
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
    kind = rows["catalogue_key"].map(_catalogue_frame().set_index("key")["reach"])
    kind = kind.fillna(rows["unit"].map(reach_kind)).astype("str")
    rows = rows.assign(reach_kind=kind)[kind.notna()]
    size = rows["reach_kind"].map(community).astype("float64")
    return pd.DataFrame({
        "indicator_id": rows["indicator_id"], "name": rows["name"], "reach_kind": rows["reach_kind"],
        "current_value": rows["current_value"], "community_size": size,
        "reach_share": rows["current_value"] / size.where(size > 0),
    }).reset_index(drop=True)


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
    rows = table[table["action_id"].notna() & table["level"].isin(["activity", "output"])
                 & (table["unit"].map(unit_kind) == "count") & (table["target"] > table["baseline"])]
    spent = rows["action_id"].map(actions.set_index("action_id")["spent"]).astype("float64")
    result = rows["current_value"] - rows["baseline"]
    return pd.DataFrame({
        "indicator_id": rows["indicator_id"], "name": rows["name"], "action_id": rows["action_id"],
        "spent": spent, "result_achieved": result, "unit": rows["unit"],
        "cost_per_result": spent / result.where(result > 0),
    })[columns].reset_index(drop=True)


def spending(table: pd.DataFrame, actions: pd.DataFrame | None) -> dict[str, float]:
    """Budget and spending of the actions linked to indicators, for accountability."""
    if actions is None or not len(actions):
        return {"actions": 0, "budget": np.nan, "spent": np.nan}
    linked = actions[actions["action_id"].isin(table["action_id"].dropna())]
    return {"actions": int(len(linked)), "budget": float(linked["budget"].sum()),
            "spent": float(linked["spent"].sum(min_count=1))}


def effectiveness(table: pd.DataFrame) -> pd.DataFrame:
    """Progress along the results chain (l. 3878-4069): :func:`progress_by` level."""
    return progress_by(table, "level")


def relations_by_round(relations: pd.DataFrame | None, actors: pd.DataFrame | None,
                       enterprises: pd.DataFrame | None) -> pd.DataFrame:
    """Intensity and breadth of network relations in each survey round (l. 4155-4165), measured
    as the diagnostic measures its baseline (:func:`clusterkit.diagnostic.social_capital`,
    :func:`clusterkit.network.summary`): ties, density of the map, share of firms in a joint
    action, share of formal relations, density of cooperative ties among firms."""
    from . import diagnostic, network

    columns = ["survey_round", "ties", "network_density", "joint_action_share", "formal_relation_share",
               "cooperation_density"]
    if any(frame is None or not len(frame) for frame in (relations, actors, enterprises)):
        return pd.DataFrame(columns=columns)
    rows = []
    for survey_round in network.survey_rounds(relations):
        observed = network.in_round(relations, survey_round)
        graph = network.round_graph(actors, enterprises, relations, survey_round)  # no centralities: not shown here
        capital = diagnostic.social_capital(enterprises, actors, observed).set_index("indicator")["value"]
        rows.append({"survey_round": survey_round, "ties": network.tie_count(graph),
                     "network_density": network.density(graph),
                     **{key: capital[key] for key in columns[3:]}})
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
        return {"node": row.indicator_id, "stage": LEVEL_STAGE[row.level], "kind": "indicator",
                "label": f"{row.indicator_id} {row.name}", "progress_status": row.progress_status,
                "group": group or row.indicator_id}

    activity = table[table["level"] == "activity"]
    for action in sorted(table["action_id"].dropna().unique()):
        title = titles.get(action)
        nodes.append({"node": action, "stage": "activities", "kind": "action",
                      "label": f"{action} {title}" if isinstance(title, str) else action, "progress_status": None,
                      "group": action})
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


def assess(workbook, baseline: pd.DataFrame | None = None, as_of=None, at_risk_below: float = AT_RISK_BELOW,
           off_track_below: float = OFF_TRACK_BELOW, community: dict | None = None) -> Assessment:
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
        indicators=indicators, measurements=measurements, actions=actions, table=table,
        as_of=as_of or measurements["date"].max(), orientation=orientation,
        currency=workbook.cluster.get("currency") or "",
        batteries=default_batteries(orientation) if orientation else (),
        by_level=effectiveness(table), by_dimension=progress_by(table, "dimension"),
        by_battery=progress_by(table, "battery"), disaggregated=disaggregated, women=women_share(disaggregated),
        community=sizes, extension=extension(table, sizes), notes=extension_notes(indicators, measurements),
        efficiency=efficiency(table, actions), spending=spending(table, actions),
        relations=relations_by_round(sheet("relations"), sheet("actors"), sheet("enterprises")),
        local_share=local_contribution(actions), chain_nodes=nodes, chain_edges=edges,
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
    behind = table[status.isin(["off_track", "at_risk"])].assign(
        order=status.map({"off_track": 0, "at_risk": 1})).sort_values(["order", "progress"])
    if len(behind):
        add("performance", "behind", off_track=int((status == "off_track").sum()),
            at_risk=int((status == "at_risk").sum()), date=m.as_of, behind_ids=_ids(behind, 10),
            actions=sorted(behind["action_id"].dropna().unique()))
    else:
        add("performance", "on_course", assessed=int(status.isin(ASSESSED).sum()))
    unassessed = table[~status.isin(ASSESSED)]
    if len(unassessed):
        add("performance", "unassessed", count=len(unassessed), unassessed_ids=_ids(unassessed, 10))
    # Transparency: use of funds and results, for donors, government and beneficiaries.
    if m.spending["actions"]:
        add("transparency", "spending", actions=m.spending["actions"], spent=m.spending["spent"], currency=m.currency,
            budget=m.spending["budget"], spent_share=m.spending["spent"] / m.spending["budget"]
            if m.spending["budget"] else np.nan)
    add("transparency", "results", achieved=int((status == "achieved").sum()),
        on_track=int((status == "on_track").sum()), total=len(table))
    # Lessons: what ran ahead of the straight line and what lagged, and the field notes.
    gap = (table["progress"] - table["expected_progress"]).dropna()
    if len(gap):
        ordered = table.loc[gap.sort_values(ascending=False).index]
        add("lessons", "ahead_behind", ahead_ids=_ids(ordered[gap[ordered.index] > 0], 3),
            lagging_ids=_ids(ordered[gap[ordered.index] < 0].iloc[::-1], 3))
    notes = m.measurements.dropna(subset=["note"])
    if len(notes):
        add("lessons", "notes", count=len(notes), noted_ids=sorted(notes["indicator_id"].unique()))
    # Trust among beneficiaries: governance and joint action, and cooperation between rounds.
    trust = table[table["battery"].isin(["governance", "joint_action"])]
    if len(trust):
        add("trust", "governance", total=len(trust),
            good=int(trust["progress_status"].isin(["achieved", "on_track"]).sum()))
    if len(m.relations) >= 2:
        first, last = m.relations.iloc[0], m.relations.iloc[-1]
        add("trust", "cooperation", first_share=first["joint_action_share"], last_share=last["joint_action_share"],
            first_round=int(first["survey_round"]), last_round=int(last["survey_round"]))
    add("trust", "participation")
    # Extension: reach against the target community, and qualitative notes.
    if len(m.extension):
        best = m.extension.sort_values("reach_share", ascending=False).drop_duplicates("reach_kind")
        for row in best.sort_values("reach_kind", key=lambda s: s.map(REACH_KINDS.index)).itertuples():
            add("extension", row.reach_kind, indicator_ids=[row.indicator_id], value=row.current_value,
                size=row.community_size, reach_share=row.reach_share)
    else:
        add("extension", "none")
    add("extension", "notes", count=len(m.notes))
    # Efficiency: cost per result.
    costs = m.efficiency.dropna(subset=["cost_per_result"]).sort_values("cost_per_result")
    if len(costs):
        add("efficiency", "range", count=len(costs), lowest_ids=[costs.iloc[0]["indicator_id"]],
            lowest=costs.iloc[0]["cost_per_result"], highest_ids=[costs.iloc[-1]["indicator_id"]],
            highest=costs.iloc[-1]["cost_per_result"], currency=m.currency)
    else:
        add("efficiency", "none")
    # Effectiveness: progress along the results chain.
    medians = m.by_level.set_index("level")["median_progress"]
    add("effectiveness", "chain", **{f"{level}_progress": float(medians.get(level, np.nan))
                                     for level in ENUMS["indicator_level"]})
    # Sustainability: local contribution, lasting relations, sustainability indicators.
    if pd.notna(m.local_share):
        add("sustainability", "local", local_share=m.local_share)
    if len(m.relations) >= 2:
        add("sustainability", "formal", first_share=m.relations.iloc[0]["formal_relation_share"],
            last_share=m.relations.iloc[-1]["formal_relation_share"],
            first_density=m.relations.iloc[0]["network_density"], last_density=m.relations.iloc[-1]["network_density"])
    lasting = table[table["dimension"] == "sustainability"]
    if len(lasting):
        add("sustainability", "indicators", total=len(lasting),
            good=int(lasting["progress_status"].isin(["achieved", "on_track"]).sum()))
    order = {s: i for i, s in enumerate((*OBJECTIVES, *DIMENSIONS))}
    frame = pd.DataFrame(found, columns=["section", "key", "values"])
    return frame.sort_values("section", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Presentation: names, figures, the evaluation summary and the reference sheets
# --------------------------------------------------------------------------------------------
def indicator_names(indicators: pd.DataFrame, lang: str, workbook_lang: str) -> dict[str, str]:
    """How a report names each indicator: the team's name in the workbook's own language; in the
    other language, the catalogue's name when the indicator comes from the catalogue."""
    names = dict(zip(indicators["indicator_id"], indicators["name"]))
    if lang != workbook_lang:
        catalogue_names = _catalogue_frame().set_index("key")[f"name_{lang}"]
        for ident, key in zip(indicators["indicator_id"], indicators["catalogue_key"]):
            if isinstance(key, str) and key in catalogue_names.index:
                names[ident] = catalogue_names[key]
    return names


def labels(prefix: str, values, lang: str) -> dict[str, str]:
    """``{value: t("<prefix>.<value>")}``: the localised labels a figure takes."""
    return {v: t(f"{prefix}.{v}", lang) for v in values}


def show_overview(report, m: Assessment) -> None:
    """The opening of the report: what is followed, up to when, and the orientation's batteries."""
    report.heading("monitoring.intro.title")
    report.text("monitoring.intro.text", indicators=report.number(len(m.table), 0),
                measurements=report.number(len(m.measurements), 0), date=i18n.date(m.as_of, report.lang),
                batteries=report.number(m.table["battery"].nunique(), 0))
    if m.orientation:
        followed = set(m.indicators["catalogue_key"].dropna())
        suggested = catalogue()
        missing = suggested[suggested["battery"].isin(m.batteries) & ~suggested["key"].isin(followed)]
        report.text("monitoring.intro.orientation", orientation=t(f"enum.orientation.{m.orientation}", report.lang),
                    batteries=", ".join(t(f"enum.battery.{b}", report.lang) for b in m.batteries),
                    followed=report.number(len(followed), 0), missing=report.number(len(missing), 0))
    else:
        report.text("monitoring.intro.no_orientation")


def baseline_origins(indicators: pd.DataFrame, lang: str, names: dict[str, str]) -> pd.DataFrame:
    """Each indicator's baseline, its date and where it came from, for the reader."""
    return pd.DataFrame({
        "indicator_id": indicators["indicator_id"], "name": indicators["indicator_id"].map(names),
        "baseline": indicators["baseline"], "baseline_date": indicators["baseline_date"].dt.date,
        "baseline_origin": indicators["baseline_origin"].map(lambda o: origin_label(o, lang)),
    })


def origin_counts(indicators: pd.DataFrame) -> dict[str, int]:
    """How many baselines come from the workbook, from the diagnostic, and how many are missing."""
    origin = indicators["baseline_origin"]
    return {"workbook": int((origin == WORKBOOK_ORIGIN).sum()),
            "diagnostic": int(origin.str.startswith(DIAGNOSTIC_ORIGIN).fillna(False).sum()),
            "missing": int(origin.isna().sum())}


def progress_view(table: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The progress table as the dashboard shows it."""
    view = table[["indicator_id", "level", "battery", "measured_on", "progress", "expected_progress",
                  "progress_status"]].copy()
    view.insert(1, "name", view["indicator_id"].map(names))
    view["measured_on"] = view["measured_on"].dt.date
    return view


def _box_text(text: str, width: int = 30, lines: int = 2) -> str:
    wrapped = textwrap.wrap(text, width)
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = textwrap.shorten(wrapped[-1] + " …", width, placeholder=" …")
    return "\n".join(wrapped)


CHAIN_ROW_LIMIT = 30  # boxes per column of the results chain figure


def chain_nodes_drawn(nodes: pd.DataFrame, limit: int = CHAIN_ROW_LIMIT) -> pd.DataFrame:
    """The results chain's nodes the figure draws: all of them, or, when a column would hold more
    than ``limit`` boxes, in each column the ``limit`` most behind schedule (off track, then at
    risk, then the others, each in the chain's order). An action and its activity indicators (one
    ``group``) go together, ranked by their most urgent indicator."""
    if nodes["stage"].value_counts().max() <= limit:
        return nodes
    urgency = nodes["progress_status"].map({"off_track": 0, "at_risk": 1}).fillna(2)
    groups = pd.DataFrame({"stage": nodes["stage"], "group": nodes["group"],
                           "size": nodes["group"].map(nodes["group"].value_counts()),
                           "urgency": urgency.where(nodes["kind"] == "indicator").groupby(nodes["group"])
                           .transform("min").fillna(2)}).drop_duplicates("group").sort_values("urgency", kind="stable")
    kept = groups[groups.groupby("stage")["size"].cumsum() <= limit]
    return nodes[nodes["group"].isin(kept["group"])]


def chain_approximations(nodes: pd.DataFrame) -> list[tuple[str, dict]]:
    """The catalogue message (key, values) saying that the results chain figure shows a subset, if it does."""
    indicators = int((nodes["kind"] == "indicator").sum())
    shown = int((chain_nodes_drawn(nodes)["kind"] == "indicator").sum())
    return [("monitoring.chain.subset", {"shown": shown, "indicators": indicators})] if shown < indicators else []


def results_chain_figure(nodes: pd.DataFrame, edges: pd.DataFrame, stage_titles: dict[str, str],
                         status_labels: dict[str, str], action_label: str, names: dict[str, str] | None = None):
    """The results chain as four columns of boxes, activities to development objective, with the
    arrows of the source between stages and a line from each action to the indicators it feeds.
    Indicator boxes are coloured by schedule status and named from ``names`` when given. Labels
    come already localised. A long chain draws a part of it (:func:`chain_nodes_drawn`)."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch, Patch

    nodes = chain_nodes_drawn(nodes)
    rows = max(1, nodes["stage"].value_counts().max())
    fig, ax = plt.subplots(figsize=(10, 0.5 * rows + 2.0))
    width, height, where = 0.9, 0.42, {}
    for column, stage in enumerate(STAGES):
        stage_nodes = nodes[nodes["stage"] == stage]
        for row, node in enumerate(stage_nodes.itertuples()):
            x, y = column, rows - row - 0.5
            colour = ACTION_COLOUR if node.kind == "action" else STATUS_COLOURS.get(node.progress_status, "FFFFFF")
            indent = 0.06 if node.kind == "indicator" and stage == "activities" else 0
            ax.add_patch(FancyBboxPatch((x - width / 2 + indent, y - height / 2), width - indent, height,
                                        boxstyle="round,pad=0.01", facecolor=f"#{colour}", edgecolor="#555", lw=0.5))
            text = f"{node.node} {names[node.node]}" if names and node.node in names else node.label
            ax.text(x + indent / 2, y, _box_text(text), ha="center", va="center", fontsize=7)
            where[node.node] = (x, y)
        ax.text(column, rows + 0.55, stage_titles[stage], ha="center", va="center", fontsize=8.5, fontweight="bold")
        if column:
            ax.annotate("", xy=(column - 0.5 + 0.05, rows + 0.55), xytext=(column - 0.5 - 0.05, rows + 0.55),
                        arrowprops=dict(arrowstyle="simple", color="#1f4e79"))
    for edge in edges.itertuples():
        if edge.source in where and edge.target in where:
            (x0, y0), (x1, y1) = where[edge.source], where[edge.target]
            ax.annotate("", xy=(x1 - width / 2, y1), xytext=(x0 + width / 2, y0),
                        arrowprops=dict(arrowstyle="->", color="#777", lw=0.6, shrinkA=0, shrinkB=0))
    present = [s for s in STATUSES if s in set(nodes["progress_status"])]
    handles = [Patch(facecolor=f"#{ACTION_COLOUR}", edgecolor="#555", label=action_label)]
    handles += [Patch(facecolor=f"#{STATUS_COLOURS[s]}", edgecolor="#555", label=status_labels[s]) for s in present]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=min(len(handles), 4),
              frameon=False, fontsize=8)
    ax.set_xlim(-0.55, len(STAGES) - 0.45)
    ax.set_ylim(-0.1, rows + 1.0)
    ax.axis("off")
    fig.tight_layout()
    return fig


def progress_figure(by_dimension: pd.DataFrame, by_battery: pd.DataFrame, dimension_labels: dict[str, str],
                    battery_labels: dict[str, str], titles: dict[str, str], percent):
    """Median progress (bars) and median expected progress (black marks) by dimension and by
    battery, with the target at 100 %. ``titles`` holds the panel titles (``dimension``,
    ``battery``) and legend labels (``progress``, ``expected``); ``percent`` formats a share."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    rows = max(len(by_dimension), len(by_battery), 1)
    fig, axes = plt.subplots(1, 2, figsize=(11, 0.5 * rows + 1.8))
    for ax, frame, key, labels in ((axes[0], by_dimension, "dimension", dimension_labels),
                                   (axes[1], by_battery, "battery", battery_labels)):
        names = [f"{labels[v]} ({n})" for v, n in zip(frame[key], frame["indicator_count"])]
        ax.barh(names, frame["median_progress"].fillna(0), color="#2e86c1", label=titles["progress"])
        known = frame["median_expected"].notna().to_numpy()  # a missing mark cannot sit on a named row
        ax.scatter(frame["median_expected"][known], [n for n, k in zip(names, known) if k], marker="|", s=300,
                   color="black", zorder=3, label=titles["expected"])
        ax.axvline(1, color="#c0392b", lw=1, ls="--")
        ax.invert_yaxis()
        ax.set_title(titles[key], fontsize=10)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: percent(x)))
        high = np.nanmax([1.1, *frame["median_progress"].fillna(0), *frame["median_expected"].fillna(0)]) + 0.05
        ax.set_xlim(min(0.0, float(frame["median_progress"].min()) if len(frame) else 0.0), high)
        ax.spines[["top", "right"]].set_visible(False)
    handles, legend_labels = axes[1].get_legend_handles_labels()
    fig.legend(handles, legend_labels, loc="lower center", ncol=2, frameon=False, fontsize=8)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig


TREND_PANEL_LIMIT = 24  # small charts in the trend figure; a larger set shows those most behind


def trend_indicators(table: pd.DataFrame, limit: int = TREND_PANEL_LIMIT) -> pd.DataFrame:
    """The progress table's rows the trend figure draws: all of them, or, beyond ``limit``, the
    ``limit`` most behind schedule: off track first, then at risk, then the others, each in the
    table's order."""
    if len(table) <= limit:
        return table
    urgency = table["progress_status"].map({"off_track": 0, "at_risk": 1}).fillna(2)
    return table.loc[urgency.sort_values(kind="stable").index[:limit]]


def trend_approximations(table: pd.DataFrame) -> list[tuple[str, dict]]:
    """The catalogue message (key, values) saying that the trend figure shows a subset, if it does."""
    shown = len(trend_indicators(table))
    return [("monitoring.trends.subset", {"shown": shown, "indicators": len(table)})] if shown < len(table) else []


def trend_figure(table: pd.DataFrame, measurements: pd.DataFrame, names: dict[str, str],
                 labels: dict[str, str], columns: int = 4, tick_format=None, title_width: int | None = None):
    """One small chart per indicator: its whole measurements over time, the baseline, the target
    (dashed) and the straight path from baseline to target (dotted). ``labels`` holds the legend
    labels ``measured``, ``target`` and ``expected``. Beyond ``TREND_PANEL_LIMIT`` indicators,
    only those most behind schedule are drawn (:func:`trend_indicators`). ``tick_format(indicator_id,
    value)``, when given, writes the value axis as the tables do (19,1 % rather than 0.19); with
    ``title_width``, titles wrap at that many characters instead of being shortened."""
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    table = trend_indicators(table)
    count = max(1, len(table))
    grid_rows = -(-count // columns)
    height = 2.2 * grid_rows + 0.6
    fig, axes = plt.subplots(grid_rows, columns, figsize=(12, height), squeeze=False)
    # fixed margins: tight_layout measures every one of the small charts and is slow
    fig.subplots_adjust(left=0.05, right=0.99, top=1 - 0.35 / height, bottom=0.55 / height, hspace=0.55,
                        wspace=0.28)
    totals = measurements[measurements["group"].isna()].sort_values("date")
    by_indicator = dict(tuple(totals.groupby("indicator_id", sort=False)))
    for ax, row in zip(axes.flat, table.itertuples()):
        series = by_indicator.get(row.indicator_id, totals.iloc[:0])
        line = [(row.baseline_date, row.baseline)] if pd.notna(row.baseline) and pd.notna(row.baseline_date) else []
        ax.plot([d for d, _ in line] + list(series["date"]), [v for _, v in line] + list(series["value"]),
                marker="o", ms=2.5, lw=1.2, color="#1f4e79", label=labels["measured"])
        ax.axhline(row.target, color="#c0392b", lw=0.9, ls="--", label=labels["target"])
        if line:
            ax.plot([row.baseline_date, row.target_date], [row.baseline, row.target], color="#7f8c8d", lw=0.9,
                    ls=":", label=labels["expected"])
        title = f"{row.indicator_id} {names.get(row.indicator_id, row.name)}"
        ax.set_title(textwrap.fill(title, title_width) if title_width else textwrap.shorten(title, 44, placeholder=" …"),
                     fontsize=7.5, loc="left")
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        if tick_format is None:
            ax.ticklabel_format(axis="y", style="plain", useOffset=False)
        else:
            ax.yaxis.set_major_formatter(lambda value, _, ident=row.indicator_id: tick_format(ident, value))
        ax.tick_params(labelsize=6.5)
        ax.spines[["top", "right"]].set_visible(False)
    for ax in list(axes.flat)[count:]:
        ax.axis("off")
    handles, legend_labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, legend_labels, loc="lower center", ncol=3, frameon=False, fontsize=8)
    return fig


def _formatted(values: dict, report, names: dict[str, str]) -> dict:
    """A finding's values as text in the report's language."""
    out = {}
    for key, value in values.items():
        if key.endswith("_ids"):
            out[key] = ", ".join(f"{i} {names.get(i, '')}".strip() for i in value) or "–"
        elif isinstance(value, (list, tuple)):
            out[key] = ", ".join(map(str, value)) or "–"
        elif isinstance(value, (pd.Timestamp, dt.date)):
            out[key] = i18n.date(value, report.lang)
        elif key.endswith(("_share", "_progress")):
            out[key] = report.percent(value)
        elif isinstance(value, str):
            out[key] = value
        elif isinstance(value, (int, np.integer)):
            out[key] = report.number(value, 0)
        else:
            out[key] = report.number(value, 0 if pd.notna(value) and abs(value) >= 100 else 2)
    return out


def show_evaluation(report, summary: pd.DataFrame, names: dict[str, str]) -> None:
    """Show the evaluation summary: the four objectives, then the four dimensions."""
    shown_group, shown_section = None, None
    for row in summary.itertuples():
        group = "objectives" if row.section in OBJECTIVES else "dimensions"
        if group != shown_group:
            report.heading(f"monitoring.eval.{group}", 3)
            shown_group = group
        if row.section != shown_section:
            report.heading(f"monitoring.eval.section.{row.section}", 4)
            shown_section = row.section
        report.text(row.key, **_formatted(row.values, report, names))


# The fields of a reference sheet, in order, and how each value is shown.
SHEET_FIELDS = (
    ("definition", "text"), ("catalogue_key", "text"), ("level", "enum"), ("dimension", "enum"),
    ("battery", "enum"), ("unit", "text"), ("baseline", "value"), ("baseline_date", "date"),
    ("baseline_origin", "origin"), ("target", "value"), ("target_date", "date"), ("source", "text"),
    ("frequency", "text"), ("responsible", "text"), ("disaggregation", "text"), ("action_id", "text"),
    ("current_value", "value"), ("measured_on", "date"), ("progress", "percent"),
    ("expected_progress", "percent"), ("progress_status", "enum"),
)
_FIELD_ENUMS = {**_ENUM_OF, "progress_status": "monitoring_status"}
SUMMARY_COLUMNS = ("indicator_id", "name", "level", "dimension", "battery", "unit", "baseline", "target",
                   "current_value", "measured_on", "progress", "expected_progress", "progress_status")
MEASUREMENT_COLUMNS = ("date", "group", "value", "note")


@dataclass
class IndicatorSheet:
    """The reference sheet of one indicator: its fields (canonical keys, raw values) and its
    measurements; ``share`` says its values are shares (shown as percentages)."""

    indicator_id: str
    name: str
    fields: dict
    share: bool
    measurements: pd.DataFrame


def indicator_sheets(m: Assessment, lang: str, names: dict[str, str] | None = None) -> list[IndicatorSheet]:
    """One reference sheet per indicator, in the order of the workbook. The definition is the
    catalogue's, in ``lang``, for indicators that come from the catalogue and whose unit is of the
    same kind as the entry's (a definition of a share never describes a count)."""
    lang = i18n.check_lang(lang)
    entries = _catalogue_frame().set_index("key")
    definitions, kinds = entries[f"definition_{lang}"], entries["unit_kind"]
    extra = m.indicators.set_index("indicator_id")[["source", "frequency", "responsible", "disaggregation"]]
    # one sort and one split of the measurements, not a filter per indicator
    ordered = m.measurements.sort_values(["date", "group"], na_position="first")
    measured = dict(tuple(ordered.groupby("indicator_id", sort=False)))
    sheets = []
    for row in m.table.to_dict("records"):
        ident = row["indicator_id"]
        values = {**row, **extra.loc[ident].to_dict()}
        key = values.get("catalogue_key")
        same_kind = isinstance(key, str) and kinds.get(key) == unit_kind(row["unit"])
        values["definition"] = definitions[key] if same_kind else None
        rows = measured.get(ident, ordered.iloc[:0])
        sheets.append(IndicatorSheet(
            ident, (names or {}).get(ident, row["name"]), {k: values.get(k) for k, _ in SHEET_FIELDS},
            unit_kind(row["unit"]) == "share", rows[list(MEASUREMENT_COLUMNS)].reset_index(drop=True)))
    return sheets


def _missing(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and np.isnan(value))


def _shown(key: str, kind: str, value, sheet: IndicatorSheet, lang: str) -> str:
    """A sheet value as text in ``lang``."""
    if kind == "origin":
        return origin_label(value, lang)
    if _missing(value):
        return "–"
    if kind == "enum":
        return value_label(_FIELD_ENUMS[key], value, lang)
    if kind == "date":
        return i18n.date(value, lang)
    if kind == "percent":
        return i18n.percent(value, lang)
    if kind == "value":
        return i18n.percent(value, lang, 1) if sheet.share else i18n.number(value, lang, 2)
    return str(value)


SHEET_STYLE = """<style>
.ck-sheet { border: 1px solid #bbb; border-radius: 4px; padding: 0.4em 1em 0.8em; margin: 1.2em 0; }
.ck-sheet h3 { margin-top: 0.4em; }
.ck-sheet table.ck-sheet-fields th { text-align: left; font-weight: 600; padding-right: 1em; vertical-align: top; }
.ck-sheet table.ck-sheet-fields td { text-align: left; }
.ck-sheet table { border-collapse: collapse; }
.ck-sheet td, .ck-sheet th { padding: 0.15em 0.5em; border-bottom: 1px solid #eee; }
%s
@media print {
  .ck-sheet { break-before: page; page-break-before: always; border: none; margin: 0; }
  .ck-sheet table { break-inside: avoid; page-break-inside: avoid; }
}
</style>""" % "\n".join(f".ck-status-{s} {{ background: #{c}; }}" for s, c in STATUS_COLOURS.items())


def sheets_html(sheets: list[IndicatorSheet], lang: str) -> str:
    """The reference sheets as HTML, one ``ck-sheet`` section per indicator; when printed, each
    sheet starts on a new page. User text is escaped."""
    lang = i18n.check_lang(lang)
    parts = [SHEET_STYLE]
    for sheet in sheets:
        rows = []
        for key, kind in SHEET_FIELDS:
            status = f' class="ck-status-{sheet.fields[key]}"' if key == "progress_status" else ""
            rows.append(f"<tr><th>{html.escape(label(key, lang))}</th>"
                        f"<td{status}>{html.escape(_shown(key, kind, sheet.fields[key], sheet, lang))}</td></tr>")
        measures = "".join(
            "<tr>" + "".join(f"<td>{html.escape(text)}</td>" for text in (
                i18n.date(r.date, lang), r.group if isinstance(r.group, str) else "–",
                _shown("value", "value", r.value, sheet, lang), r.note if isinstance(r.note, str) else "")) + "</tr>"
            for r in sheet.measurements.itertuples())
        heads = "".join(f"<th>{html.escape(label(c, lang))}</th>" for c in MEASUREMENT_COLUMNS)
        parts.append(
            f'<section class="ck-sheet" id="sheet-{html.escape(sheet.indicator_id)}">'
            f"<h3>{html.escape(sheet.indicator_id)} — {html.escape(sheet.name)}</h3>"
            f'<table class="ck-sheet-fields">{"".join(rows)}</table>'
            f'<p class="ck-caption">{html.escape(t("monitoring.sheets.measurements", lang))}</p>'
            f'<table class="ck-sheet-measurements"><tr>{heads}</tr>{measures}</table></section>')
    return "\n".join(parts)


# --------------------------------------------------------------------------------------------
# Files: the reference sheets workbook, and adding a battery to the team workbook
# --------------------------------------------------------------------------------------------
def _xlsx_value(key: str, kind: str, value, lang: str):
    """A sheet value as it stands in the XLSX: numbers and dates stay numbers and dates."""
    if kind == "origin":
        return origin_label(value, lang)
    if _missing(value):
        return None
    if kind == "enum":
        return value_label(_FIELD_ENUMS[key], value, lang)
    return cell_value(value, lang)


def _number_format(kind: str, share: bool) -> str | None:
    return {"date": "yyyy-mm-dd", "percent": "0%", "value": "0.0%" if share else "#,##0.##"}.get(kind)


def _status_formatting(ws, cells: str, lang: str) -> None:
    """Colour a range of status cells by the status label they hold."""
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import PatternFill

    for status, colour in STATUS_COLOURS.items():
        text = t(f"enum.monitoring_status.{status}", lang).replace('"', '""')
        ws.conditional_formatting.add(cells, CellIsRule(
            operator="equal", formula=[f'"{text}"'],
            fill=PatternFill(start_color=colour, end_color=colour, fill_type="solid")))


def write_indicator_sheets(sheets: list[IndicatorSheet], path, lang: str) -> Path:
    """Write the reference sheets as an XLSX workbook: a summary tab (one row per indicator, each
    linked to its tab) and one tab per indicator with its fields and measurements. Status cells
    are coloured by conditional formatting. Written atomically."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.hyperlink import Hyperlink

    lang = i18n.check_lang(lang)
    kinds = dict(SHEET_FIELDS) | {"indicator_id": "text", "name": "text"}
    book = Workbook()
    summary = book.active
    taken: set[str] = set()
    summary.title = tab_name(t("monitoring.sheets.summary", lang), taken)
    for column, key in enumerate(SUMMARY_COLUMNS, start=1):
        _put(summary, 1, column, label(key, lang)).font = Font(bold=True)
        summary.column_dimensions[get_column_letter(column)].width = 44 if key == "name" else 14
    for row, sheet in enumerate(sheets, start=2):
        ws = book.create_sheet(tab_name(sheet.indicator_id, taken))
        fields = {**sheet.fields, "indicator_id": sheet.indicator_id, "name": sheet.name}
        for column, key in enumerate(SUMMARY_COLUMNS, start=1):
            kind = kinds[key]
            _put(summary, row, column, _xlsx_value(key, kind, fields[key], lang), _number_format(kind, sheet.share))
        link = summary.cell(row, 1)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{quote_sheetname(ws.title)}!A1")
        _put(ws, 1, 1, f"{sheet.indicator_id} — {sheet.name}").font = Font(bold=True, size=13)
        for offset, (key, kind) in enumerate(SHEET_FIELDS, start=3):
            _put(ws, offset, 1, label(key, lang)).font = Font(bold=True)
            value = _put(ws, offset, 2, _xlsx_value(key, kind, sheet.fields[key], lang),
                         _number_format(kind, sheet.share))
            value.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        status_row = 3 + [k for k, _ in SHEET_FIELDS].index("progress_status")
        _status_formatting(ws, f"B{status_row}", lang)
        first = 3 + len(SHEET_FIELDS) + 1
        _put(ws, first, 1, t("monitoring.sheets.measurements", lang)).font = Font(bold=True)
        for column, key in enumerate(MEASUREMENT_COLUMNS, start=1):
            _put(ws, first + 1, column, label(key, lang)).font = Font(bold=True)
        for r, record in enumerate(sheet.measurements.itertuples(index=False), start=first + 2):
            _put(ws, r, 1, cell_value(record.date, lang), "yyyy-mm-dd")
            _put(ws, r, 2, cell_value(record.group, lang))
            _put(ws, r, 3, cell_value(record.value, lang), _number_format("value", sheet.share))
            _put(ws, r, 4, cell_value(record.note, lang))
        ws.column_dimensions["A"].width = 28
        ws.column_dimensions["B"].width = 70
        ws.column_dimensions["D"].width = 40
    status_column = get_column_letter(SUMMARY_COLUMNS.index("progress_status") + 1)
    _status_formatting(summary, f"{status_column}2:{status_column}{len(sheets) + 1}", lang)
    summary.freeze_panes = "C2"
    return save_atomically(book, path)


def add_battery(workbook_path, battery: str, lang: str | None = None) -> tuple[list[str], list[str]]:
    """Append a catalogue battery to the ``indicators`` sheet of a team workbook (.xlsx).

    Rows already there are never touched: a catalogue indicator whose key is already a row's
    ``catalogue_key`` or ``indicator_id`` is kept out. New rows go under the existing header, in
    the header's language (names, units and sources in ``lang``, by default that language too);
    a missing ``catalogue_key`` column is added at the end of the header. The workbook is
    checked first: blank required cells are allowed (the rows added leave their targets for the
    team to fill), any other problem raises :class:`~clusterkit.workbook.WorkbookError`. The
    previous file is copied to ``<name>.bak.xlsx`` and the workbook is written atomically.
    Returns the catalogue keys added and those kept out.
    """
    path = Path(workbook_path)
    message_lang = i18n.check_lang(lang)
    if path.suffix.lower() != ".xlsx" or not path.is_file():
        raise ValueError(t("monitoring.add.not_xlsx", message_lang, path=path))
    if battery not in ENUMS["battery"]:
        raise ValueError(t("monitoring.add.unknown_battery", message_lang, battery=battery,
                           batteries=", ".join(ENUMS["battery"])))
    edit = WorkbookEditor(path, message_lang, allow=frozenset({"value_required"}))
    sheet = edit.sheet("indicators", message_lang)
    known = {_text(v) for key in ("indicator_id", "catalogue_key") for v in sheet.values(key) if v not in (None, "")}
    rows = battery_rows(battery, i18n.check_lang(lang or sheet.lang))
    present = rows["catalogue_key"].isin(known) | rows["indicator_id"].isin(known)
    kept, new = list(rows.loc[present, "catalogue_key"]), rows[~present]
    if new.empty:
        return [], kept
    for record in new.to_dict("records"):
        sheet.append(record)
    edit.save()
    return list(new["catalogue_key"]), kept


def add_battery_message(added: list[str], kept: list[str], workbook_path, lang: str = "fr") -> str:
    """What ``clusterkit indicators add`` tells the user after :func:`add_battery`."""
    if not added:
        return t("monitoring.add.nothing", lang, kept=len(kept))
    return "\n".join([t("monitoring.add.done", lang, added=len(added), kept=len(kept),
                         backup=backup_path(workbook_path)), t("monitoring.add.next", lang)])
