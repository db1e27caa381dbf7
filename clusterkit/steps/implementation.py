"""Step 4, implementation: follow the action plan quarter by quarter.

Document 000 (§3.1, l. 3322-3358) leaves the work itself to the cluster's actors and partners; the
facilitator and the coordinating body follow it. Monitoring starts by checking that activities run
on time and within budget (l. 3381-3387). These functions take the typed ``actions`` frame (with
``actors`` to name the leads) and a follow-up date ``as_of``, and return DataFrames with canonical
column names. The collective-action typology (D000 §1.6, l. 1603-1708) is shipped as
``catalogues/typology.yaml`` and read by :func:`typology`.

Dates are compared by calendar day: an action whose end date is the follow-up date is still on
time; the day after, it is one day late.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
import yaml

from .. import i18n
from ..documents.figures import PALETTE
from ..documents.tables import TableSpec
from ..i18n import t
from ..schema import ENUMS
from .plan import actor_names, gantt, plan_years, resolve_actors, with_money

# The follow-up state of an action, derived from its status, its dates and the follow-up date.
STATES = ("done", "ongoing", "late", "start_overdue", "planned", "dropped")
STATE_COLOURS = {
    "done": PALETTE[3],
    "ongoing": PALETTE[0],
    "late": PALETTE[4],
    "start_overdue": PALETTE[1],
    "planned": PALETTE[2],
    "dropped": "#999999",
}
ACTIVE = ("ongoing", "done")  # statuses of actions that have started and were not dropped


# --------------------------------------------------------------------------------------------
# The collective-action typology
# --------------------------------------------------------------------------------------------
@cache
def typology() -> dict:
    """``{domain: {"firm_group": [{fr, en}, ...], "whole_cluster": [...]}}`` in the schema's order."""
    text = resources.files("clusterkit.catalogues").joinpath("typology.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def typology_examples(domains, lang: str = "fr") -> pd.DataFrame:
    """Examples of joint actions for each of ``domains``, from the typology, in ``lang``."""
    lang = i18n.check_lang(lang)
    rows = [
        {"domain": d, **{scope: "; ".join(item[lang] for item in typology()[d][scope]) for scope in ENUMS["scope"]}}
        for d in domains
    ]
    return pd.DataFrame(rows, columns=["domain", *ENUMS["scope"]])


# --------------------------------------------------------------------------------------------
# Status and delays
# --------------------------------------------------------------------------------------------
def as_of_date(actions: pd.DataFrame, as_of="", today=None) -> pd.Timestamp:
    """The follow-up date: ``as_of`` when given, else the latest date the statuses show (the end
    of the last action marked done, or the start of the last action under way or done, whichever
    is later), else ``today`` when no action has started."""
    if as_of:
        return pd.Timestamp(as_of).normalize()
    started = actions[actions["status"].isin(ACTIVE)]
    evidence = pd.concat([started.loc[started["status"] == "done", "end"], started["start"]]).max()
    if pd.isna(evidence):
        return pd.Timestamp(today if today is not None else pd.Timestamp.today()).normalize()
    return pd.Timestamp(evidence).normalize()


def follow_up(actions: pd.DataFrame, as_of, actors: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each action's follow-up state at ``as_of``, its delay and its spending against budget.

    ``state`` is ``done`` or ``dropped`` as recorded; ``late`` when the end date has passed and
    the action is not done; ``start_overdue`` when a planned action's start date has passed;
    otherwise ``ongoing`` or ``planned``. ``days_late`` counts the days past the end date (late)
    or past the start date (start overdue).
    """
    as_of = pd.Timestamp(as_of).normalize()
    end, start, status = actions["end"].dt.normalize(), actions["start"].dt.normalize(), actions["status"]
    open_ = status.isin(("ongoing", "planned"))
    late = open_ & (end < as_of)
    start_overdue = (status == "planned") & ~late & (start < as_of)
    state = np.select([late, start_overdue], ["late", "start_overdue"], status)
    days = np.select([late, start_overdue], [(as_of - end).dt.days, (as_of - start).dt.days], 0)
    spent = actions["spent"] if "spent" in actions.columns else pd.Series(np.nan, index=actions.index)
    table = pd.DataFrame(
        {
            "action_id": actions["action_id"],
            "title": actions["title"],
            "plan_year": plan_years(actions),
            "domain": actions["domain"],
            "scope": actions["scope"],
            "lead": resolve_actors(actions["lead"], actor_names(actors)),
            "start": actions["start"],
            "end": actions["end"],
            "status": status,
            "state": state,
            # float, NaN when on time: the report's tables write missing integers as a dash only for floats
            "days_late": np.where(late | start_overdue, days, np.nan),
            "budget": actions["budget"],
            "spent": spent,
            "spent_share": spent / actions["budget"].where(actions["budget"] > 0),
        }
    )
    return table.reset_index(drop=True)


def status_summary(follow: pd.DataFrame) -> pd.DataFrame:
    """Actions, budget and spending by follow-up state (states with no action left out), with a total."""
    grouped = follow.groupby("state")
    table = pd.DataFrame(
        {"actions": grouped.size(), "budget": grouped["budget"].sum(), "spent": grouped["spent"].sum(min_count=1)}
    )
    table = table.reindex([s for s in STATES if s in table.index])
    table.loc["total"] = [len(follow), follow["budget"].sum(), follow["spent"].sum(min_count=1)]
    table["spent_share"] = table["spent"] / table["budget"].where(table["budget"] > 0)
    table.index.name = "state"
    return table.reset_index().astype({"actions": "int64"})


def delays(follow: pd.DataFrame) -> pd.DataFrame:
    """The late actions and those whose start is overdue, longest delay first."""
    chosen = follow[follow["state"].isin(("late", "start_overdue"))]
    columns = ["action_id", "title", "lead", "state", "start", "end", "days_late"]
    return chosen.sort_values(["days_late", "action_id"], ascending=[False, True])[columns].reset_index(drop=True)


def dropped_actions(actions: pd.DataFrame, actors: pd.DataFrame | None = None) -> pd.DataFrame:
    """The dropped actions, what they had spent, and why they were dropped.

    The reason is read from a ``status_note`` column when the workbook has one (kept as an extra
    column until the schema names it); otherwise it is missing.
    """
    dropped = actions[actions["status"] == "dropped"]
    spent = dropped["spent"] if "spent" in dropped.columns else pd.Series(np.nan, index=dropped.index)
    reason = dropped["status_note"] if "status_note" in dropped.columns else pd.Series(np.nan, index=dropped.index)
    return pd.DataFrame(
        {
            "action_id": dropped["action_id"],
            "title": dropped["title"],
            "lead": resolve_actors(dropped["lead"], actor_names(actors)),
            "budget": dropped["budget"],
            "spent": spent,
            "reason": reason.astype("object"),
        }
    ).reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Money: spending and the co-financing fund
# --------------------------------------------------------------------------------------------
def cofinancing_absorption(actions: pd.DataFrame) -> pd.DataFrame:
    """By plan year and in total, for the actions not dropped: budget and spending, the support
    fund's planned share (budget x rate) and what it has absorbed (spent x rate), and the ratio."""
    money = with_money(actions[actions["status"] != "dropped"])
    rate = money["fund"] / money["budget"].where(money["budget"] > 0)
    money = money.assign(absorbed=money["spent"] * rate.fillna(0.0) if "spent" in money.columns else np.nan)
    table = money.groupby("plan_year").agg(
        budget=("budget", "sum"),
        spent=("spent", "sum"),
        fund_planned=("fund", "sum"),
        fund_absorbed=("absorbed", "sum"),
    )
    table.index = table.index.astype("object")
    table.loc["total"] = table.sum(axis=0)
    table["absorption"] = table["fund_absorbed"] / table["fund_planned"].where(table["fund_planned"] > 0)
    table.index.name = "plan_year"
    return table.reset_index()


# --------------------------------------------------------------------------------------------
# Coverage of the typology
# --------------------------------------------------------------------------------------------
def typology_coverage(actions: pd.DataFrame) -> pd.DataFrame:
    """For each of the ten domains: active actions (ongoing or done) of groups of firms and of
    the whole cluster, and actions still planned."""
    active = actions[actions["status"].isin(ACTIVE)]
    counts = pd.crosstab(
        pd.Categorical(active["domain"], ENUMS["domain"]), pd.Categorical(active["scope"], ENUMS["scope"]), dropna=False
    )
    planned = actions[actions["status"] == "planned"]["domain"].value_counts()
    table = pd.DataFrame({"domain": list(ENUMS["domain"])})
    for scope in ENUMS["scope"]:
        table[scope] = counts[scope].reindex(ENUMS["domain"]).to_numpy()
    table["active"] = table["firm_group"] + table["whole_cluster"]
    table["planned"] = table["domain"].map(planned).fillna(0)
    return table.astype({c: "int64" for c in ("firm_group", "whole_cluster", "active", "planned")})


def scope_split(actions: pd.DataFrame) -> pd.DataFrame:
    """Initiatives of groups of firms against projects for the whole cluster: actions, active
    actions, budget and spending, with a total."""
    spent = actions["spent"] if "spent" in actions.columns else pd.Series(np.nan, index=actions.index)
    frame = actions.assign(active=actions["status"].isin(ACTIVE), spent=spent)
    table = frame.groupby("scope").agg(
        actions=("action_id", "size"), active=("active", "sum"), budget=("budget", "sum"), spent=("spent", "sum")
    )
    table = table.reindex([s for s in ENUMS["scope"] if s in table.index])
    table.loc["total"] = table.sum(axis=0)
    table.index.name = "scope"
    return table.reset_index().astype({"actions": "int64", "active": "int64"})


# --------------------------------------------------------------------------------------------
# The quarterly progress note
# --------------------------------------------------------------------------------------------
def quarter(date) -> tuple[int, int]:
    """``(year, quarter)`` of a date: 2026-12-31 is (2026, 4)."""
    date = pd.Timestamp(date)
    return date.year, date.quarter


def quarter_bounds(year: int, number: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of a quarter."""
    period = pd.Period(year=year, quarter=number, freq="Q")
    return period.start_time.normalize(), period.end_time.normalize()


def next_quarter(follow: pd.DataFrame, as_of) -> pd.DataFrame:
    """Open actions (neither done nor dropped) that start or end in the quarter after ``as_of``."""
    following = pd.Period(pd.Timestamp(as_of), freq="Q") + 1
    first, last = quarter_bounds(following.year, following.quarter)
    open_ = ~follow["state"].isin(("done", "dropped"))
    starts = follow["start"].between(first, last)
    ends = follow["end"].between(first, last)
    chosen = follow[open_ & (starts | ends)]
    chosen = chosen.assign(milestone=np.where(starts[chosen.index], "start", "end"))
    return (
        chosen[["action_id", "title", "lead", "milestone", "start", "end"]]
        .sort_values(["start", "action_id"])
        .reset_index(drop=True)
    )


def headline(follow: pd.DataFrame, absorption: pd.DataFrame, coverage: pd.DataFrame) -> dict:
    """The figures a steering committee reads first."""
    counts = follow["state"].value_counts()
    total = absorption.set_index("plan_year").loc["total"]
    return {
        "actions": int(len(follow)),
        **{state: int(counts.get(state, 0)) for state in STATES},
        "budget": float(total["budget"]),
        "spent": float(total["spent"]),
        "spent_share": float(total["spent"] / total["budget"]) if total["budget"] else float("nan"),
        "fund_planned": float(total["fund_planned"]),
        "fund_absorbed": float(total["fund_absorbed"]),
        "absorption": float(total["absorption"]),
        "domains_active": int((coverage["active"] > 0).sum()),
        "domains": int(len(coverage)),
    }


def follow_up_gantt(follow: pd.DataFrame, lang: str, as_of):
    """The plan's Gantt chart with bars coloured by follow-up state, ``as_of`` marked."""
    return gantt(follow, lang, "state", STATE_COLOURS, "implementation_state", marker=as_of)


def follow_up_tables(
    actions: pd.DataFrame, as_of, actors: pd.DataFrame | None = None, currency: str = ""
) -> dict[str, TableSpec]:
    """The follow-up's tables at ``as_of``, by name: the HTML report shows them all, the progress
    note a few; amounts in the workbook's ``currency``."""
    follow = follow_up(actions, as_of, actors)
    state = {"state": "implementation_state"}
    status_columns = [
        "action_id",
        "title",
        "plan_year",
        "lead",
        "status",
        "state",
        "end",
        "days_late",
        "budget",
        "spent",
        "spent_share",
    ]
    specs = [
        TableSpec("implementation_summary", status_summary(follow), enums=state, percent=("spent_share",)),
        TableSpec(
            "implementation_status",
            follow[status_columns],
            enums={**state, "status": "status"},
            percent=("spent_share",),
        ),
        TableSpec("implementation_delays", delays(follow), enums=state),
        TableSpec("implementation_dropped", dropped_actions(actions, actors)),
        TableSpec(
            "implementation_absorption",
            cofinancing_absorption(actions),
            enums={"plan_year": "plan_year"},
            percent=("absorption",),
        ),
        TableSpec("implementation_coverage", typology_coverage(actions), enums={"domain": "domain"}),
        TableSpec("implementation_scopes", scope_split(actions), enums={"scope": "scope"}),
        TableSpec(
            "implementation_next_quarter", next_quarter(follow, as_of), enums={"milestone": "implementation_milestone"}
        ),
    ]
    return {spec.name: replace(spec, currency=currency) for spec in specs}


def follow_up_headline(actions: pd.DataFrame, as_of) -> dict:
    """The figures a steering committee reads first (see :func:`headline`)."""
    return headline(follow_up(actions, as_of), cofinancing_absorption(actions), typology_coverage(actions))


def quarter_name(as_of, lang: str) -> str:
    """The quarter of a date as readers of ``lang`` write it (T4 2026, Q4 2026)."""
    year, number = quarter(as_of)
    return t("implementation.quarter", lang, year=year, quarter=number)


def summary_lines(headline: dict, lang: str, currency: str) -> list[str]:
    """The note's key figures, one sentence each."""

    def money(value):
        return i18n.amount(value, currency, lang)

    return [
        t(
            "implementation.note.line_actions",
            lang,
            actions=headline["actions"],
            done=headline["done"],
            ongoing=headline["ongoing"] + headline["late"],
            planned=headline["planned"] + headline["start_overdue"],
            dropped=headline["dropped"],
        ),
        t("implementation.note.line_delays", lang, late=headline["late"], start_overdue=headline["start_overdue"]),
        t(
            "implementation.note.line_money",
            lang,
            spent=money(headline["spent"]),
            budget=money(headline["budget"]),
            share=i18n.percent(headline["spent_share"], lang),
        ),
        t(
            "implementation.note.line_fund",
            lang,
            absorbed=money(headline["fund_absorbed"]),
            planned=money(headline["fund_planned"]),
            share=i18n.percent(headline["absorption"], lang),
        ),
        t("implementation.note.line_domains", lang, active=headline["domains_active"], domains=headline["domains"]),
    ]
