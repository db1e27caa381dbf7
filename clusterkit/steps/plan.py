"""Step 3, the vision and the action plan: prioritise, check, schedule and budget the actions.

Document 000 (§3.1, l. 3293-3320) asks for a vision over three to five years, turned into yearly
action plans that are "not a list" of wishes but a coherent roadmap choosing what comes first; the
plan must mix quick pilot projects with structuring projects (§1.6, l. 1589-1601). These functions
take the typed ``actions``, ``objectives``, ``vision``, ``swot`` and ``actors`` frames and return
DataFrames with canonical column names, or matplotlib figures drawn with labels the caller gives.

Conventions used throughout:

- an action's **plan year** is its ``plan_year`` cell; when it is empty, the calendar year of its
  start counted from the year of the plan's first start (1, 2, 3...);
- an action's whole budget belongs to its plan year, the yearly plan that commits it;
- the support fund pays ``budget x cofinancing_rate``; an action with no rate is paid entirely by
  the cluster; the rest of the budget is the local contribution;
- a workload year is a calendar year: an action counts in every year its start..end span touches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .. import i18n
from ..documents.figures import PALETTE, PRINT_WIDTH, house_figure, wrapped
from ..documents.tables import TableSpec
from ..i18n import t
from ..schema import ENUMS

QUADRANTS = ("do_first", "plan_carefully", "easy_gains", "reconsider")
DEFAULT_THRESHOLD = 3.5  # on the 1-5 scales: 4 and 5 are high, 1 to 3 low
LINKAGE_CHECKS = ("action_without_objective", "objective_without_action", "swot_ref_unknown", "swot_not_addressed")
SWOT_PROBLEMS = ("weakness", "threat")
WARNINGS = ("no_quick_win_first_year", "no_gender_objective", "no_lead", "past_horizon", "over_capacity")
KIND_COLOURS = {"quick_win": PALETTE[1], "structuring": PALETTE[0]}
TITLE_WIDTH = 2.3  # inches beside the Gantt bars for an action's code and title, on two lines at most


# --------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------
def split_refs(text) -> list[str]:
    """The ids of a ``;``-separated cell (``"A01; A03"``), blanks dropped; empty for a missing cell."""
    if not isinstance(text, str):
        return []
    return [part.strip() for part in text.split(";") if part.strip()]


def plan_years(actions: pd.DataFrame) -> pd.Series:
    """Each action's plan year: ``plan_year`` when given, else its start's year counted from the
    year of the plan's first start."""
    derived = actions["start"].dt.year - actions["start"].dt.year.min() + 1
    given = actions["plan_year"] if "plan_year" in actions.columns else pd.Series(pd.NA, index=actions.index)
    return given.astype("Int64").fillna(derived.astype("Int64")).rename("plan_year")


def actions_of_year(actions: pd.DataFrame, year: int = 0) -> pd.DataFrame:
    """The actions of one yearly plan; every action for year 0."""
    if not year:
        return actions
    years = plan_years(actions)
    if not (years == year).any():
        raise ValueError(
            f"no action in plan year {year}; the plan's years are "
            f"{', '.join(str(y) for y in sorted(years.dropna().unique()))}"
        )
    return actions[years == year]


def with_money(actions: pd.DataFrame) -> pd.DataFrame:
    """Actions with their plan year, the support fund's share and the local contribution."""
    rate = actions["cofinancing_rate"].fillna(0.0) if "cofinancing_rate" in actions.columns else 0.0
    fund = actions["budget"] * rate
    return actions.assign(plan_year=plan_years(actions), fund=fund, local=actions["budget"] - fund)


def actor_names(actors: pd.DataFrame | None) -> dict[str, str]:
    """``actor_id -> name``, empty when there is no actors sheet."""
    if actors is None or len(actors) == 0:
        return {}
    return dict(zip(actors["actor_id"], actors["name"]))


def resolve_actors(cells: pd.Series, names: dict[str, str]) -> pd.Series:
    """Each cell's ids replaced by the actors' names; text that is not an actor id is kept as is."""
    return cells.map(lambda cell: "; ".join(names.get(ref, ref) for ref in split_refs(cell)) or pd.NA)


# --------------------------------------------------------------------------------------------
# Prioritisation
# --------------------------------------------------------------------------------------------
def priority_matrix(actions: pd.DataFrame, threshold: float = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Impact against feasibility: each action's quadrant, score and rank.

    High means a score at or above ``threshold``. The quadrants are ``do_first`` (high impact,
    high feasibility), ``plan_carefully`` (high impact, low feasibility: typically structuring
    projects that need preparation), ``easy_gains`` (low impact, high feasibility) and
    ``reconsider``. The score is impact x feasibility; the rank orders by score, then impact,
    and equal pairs share a rank.
    """
    high_impact = actions["impact"].astype(float) >= threshold
    high_feasibility = actions["feasibility"].astype(float) >= threshold
    quadrant = np.select(
        [high_impact & high_feasibility, high_impact, high_feasibility],
        ["do_first", "plan_carefully", "easy_gains"],
        "reconsider",
    )
    table = actions[["action_id", "title", "kind", "impact", "feasibility"]].assign(
        score=(actions["impact"] * actions["feasibility"]).astype("Int64"), quadrant=quadrant
    )
    # one sortable number: the score first, the impact breaks ties
    key = table["score"].astype(float) * 10 + table["impact"].astype(float)
    table["rank"] = key.rank(method="min", ascending=False).astype("int64")
    return table.sort_values(["rank", "action_id"]).reset_index(drop=True)


def _spread(points: pd.DataFrame, radius: float = 0.25) -> pd.DataFrame:
    """x, y of each point, moved around a small circle when several share the same place."""
    group = points.groupby(["feasibility", "impact"], sort=False)
    n = group["action_id"].transform("size").to_numpy()
    k = group.cumcount().to_numpy()
    angle = 2 * np.pi * k / np.maximum(n, 1) + np.pi / 2
    offset = np.where(n > 1, radius, 0.0)
    return points.assign(
        x=points["feasibility"].astype(float) + offset * np.cos(angle),
        y=points["impact"].astype(float) + offset * np.sin(angle),
    )


@house_figure
def priority_figure(
    matrix: pd.DataFrame,
    quadrant_labels: dict[str, str],
    kind_labels: dict[str, str],
    xlabel: str,
    ylabel: str,
    threshold: float = DEFAULT_THRESHOLD,
):
    """The prioritisation matrix: one labelled point per action, the four quadrants named."""
    fig, ax = plt.subplots(figsize=(PRINT_WIDTH, 5.6))
    ax.axvline(threshold, color="#888888", lw=1)
    ax.axhline(threshold, color="#888888", lw=1)
    corners = {
        "do_first": (5.45, 5.45, "right", "top"),
        "plan_carefully": (0.55, 5.45, "left", "top"),
        "easy_gains": (5.45, 0.55, "right", "bottom"),
        "reconsider": (0.55, 0.55, "left", "bottom"),
    }
    for quadrant, (x, y, ha, va) in corners.items():
        ax.text(x, y, quadrant_labels[quadrant], ha=ha, va=va, fontsize=9, color="#555555", style="italic")
    points = _spread(matrix)
    for kind, colour in KIND_COLOURS.items():
        chosen = points[points["kind"] == kind]
        ax.scatter(chosen["x"], chosen["y"], s=70, color=colour, label=kind_labels[kind], zorder=3, edgecolor="white")
    for row in points.itertuples(index=False):
        left = row.x < float(row.feasibility) - 1e-9  # a point spread to the left of its tie: its label too
        ax.annotate(
            row.action_id,
            (row.x, row.y),
            xytext=(-4 if left else 4, 4),
            textcoords="offset points",
            ha="right" if left else "left",
            fontsize=8,
        )
    ax.set(xlim=(0.5, 5.5), ylim=(0.5, 5.5), xticks=range(1, 6), yticks=range(1, 6), xlabel=xlabel, ylabel=ylabel)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------------------------
# Linkage checks
# --------------------------------------------------------------------------------------------
def gender_objectives(objectives: pd.DataFrame) -> list[str]:
    """The ids of the objectives marked as gender objectives."""
    if "gender_objective" not in objectives.columns:
        return []
    return list(objectives.loc[objectives["gender_objective"].fillna(False).astype(bool), "objective_id"])


def objective_coverage(actions: pd.DataFrame, objectives: pd.DataFrame) -> pd.DataFrame:
    """Each objective with its number of actions and their budget (0 when it has none)."""
    grouped = actions.groupby("objective_id")["budget"].agg(["size", "sum"])
    table = objectives[["objective_id", "statement"]].copy()
    table["actions"] = table["objective_id"].map(grouped["size"]).fillna(0).astype("int64")
    table["budget"] = table["objective_id"].map(grouped["sum"]).fillna(0.0)
    return table


def swot_coverage(actions: pd.DataFrame, swot: pd.DataFrame) -> pd.DataFrame:
    """Each weakness and threat that has a ``swot_id``, with the actions whose ``swot_refs`` name it."""
    problems = swot[swot["category"].isin(SWOT_PROBLEMS) & swot["swot_id"].notna()]
    refs = _swot_links(actions)
    answered = refs.groupby("swot_id")["action_id"].agg(lambda ids: ", ".join(sorted(set(ids))))
    table = problems[["swot_id", "category", "theme", "statement"]].copy()
    table["action_ids"] = table["swot_id"].map(answered)
    table["actions"] = table["swot_id"].map(refs.groupby("swot_id").size()).fillna(0).astype("int64")
    return table.reset_index(drop=True)


def _swot_links(actions: pd.DataFrame) -> pd.DataFrame:
    """One row per (action, SWOT id it refers to)."""
    cells = actions["swot_refs"] if "swot_refs" in actions.columns else pd.Series(pd.NA, index=actions.index)
    links = pd.DataFrame({"action_id": actions["action_id"], "swot_id": cells.map(split_refs)})
    return links.explode("swot_id").dropna(subset=["swot_id"])


def linkage_problems(actions: pd.DataFrame, objectives: pd.DataFrame, swot: pd.DataFrame | None = None) -> pd.DataFrame:
    """What breaks the chain from the SWOT to the objectives to the actions.

    Rows have a ``check`` (one of :data:`LINKAGE_CHECKS`), the ``item`` concerned (an action,
    objective or SWOT id) and a ``detail`` (its title or statement, or the unknown reference).
    The SWOT checks run only when the SWOT has ids to refer to.
    """
    known = set(objectives["objective_id"])
    orphans = actions[~actions["objective_id"].isin(known)]
    rows = [("action_without_objective", a, title) for a, title in zip(orphans["action_id"], orphans["title"])]
    coverage = objective_coverage(actions, objectives)
    empty = coverage[coverage["actions"] == 0]
    rows += [("objective_without_action", o, s) for o, s in zip(empty["objective_id"], empty["statement"])]
    if swot is not None and "swot_id" in swot.columns and swot["swot_id"].notna().any():
        links = _swot_links(actions)
        unknown = links[~links["swot_id"].isin(set(swot["swot_id"].dropna()))]
        rows += [("swot_ref_unknown", a, ref) for a, ref in zip(unknown["action_id"], unknown["swot_id"])]
        open_problems = swot_coverage(actions, swot).query("actions == 0")
        rows += [
            ("swot_not_addressed", s, text) for s, text in zip(open_problems["swot_id"], open_problems["statement"])
        ]
    return pd.DataFrame(rows, columns=["check", "item", "detail"])


# --------------------------------------------------------------------------------------------
# Plan quality warnings
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PlanWarning:
    """A weakness of the plan that does not stop the run. ``key`` names the catalogue message
    ``plan.warning.<key>``; ``items`` are the action ids concerned; ``values`` fill the message."""

    key: str
    items: tuple[str, ...] = ()
    values: dict = field(default_factory=dict)

    def values_for(self, lang: str) -> dict[str, str]:
        """The message's placeholders written for readers of ``lang``."""

        def written(value):
            if isinstance(value, pd.Timestamp):
                return i18n.date(value, lang)
            if isinstance(value, (int, np.integer)):
                return i18n.number(int(value), lang, 0)
            return str(value)

        return {"actions": ", ".join(self.items), **{k: written(v) for k, v in self.values.items()}}

    def text(self, lang: str) -> str:
        """The warning as plain text, for a document or the terminal (the report's emphasis dropped)."""
        return re.sub("</?strong>", "", t(f"plan.warning.{self.key}", lang, **self.values_for(lang)))


def horizon_end(horizon_years, start_date, actions: pd.DataFrame) -> pd.Timestamp | None:
    """The date the vision's horizon closes: ``horizon_years`` after the cluster's start date, or
    after the plan's first start when the cluster has no start date; None without a horizon."""
    if horizon_years is None or pd.isna(horizon_years):
        return None
    origin = pd.Timestamp(start_date) if start_date is not None and not pd.isna(start_date) else actions["start"].min()
    return origin + pd.DateOffset(years=int(horizon_years))


def _live(actions: pd.DataFrame) -> pd.DataFrame:
    """The actions that still take work: all but the dropped ones."""
    return actions[actions["status"] != "dropped"] if "status" in actions.columns else actions


def _running(actions: pd.DataFrame, year: int) -> pd.Series:
    """True for the actions whose start..end span touches the calendar year."""
    return (actions["start"].dt.year <= year) & (actions["end"].dt.year >= year)


def yearly_load(actions: pd.DataFrame) -> pd.DataFrame:
    """Actions running and starting in each calendar year of the plan (dropped actions left out)."""
    live = _live(actions)
    years = range(int(live["start"].dt.year.min()), int(live["end"].dt.year.max()) + 1) if len(live) else range(0)
    return pd.DataFrame(
        {
            "year": pd.Series(list(years), dtype="object"),  # a label, not a quantity to format
            "running": pd.Series([int(_running(live, y).sum()) for y in years], dtype="int64"),
            "starting": pd.Series([int((live["start"].dt.year == y).sum()) for y in years], dtype="int64"),
        }
    )


def plan_warnings(
    actions: pd.DataFrame,
    objectives: pd.DataFrame,
    orientation: str | None = None,
    horizon_years=None,
    start_date=None,
    capacity: int = 0,
) -> list[PlanWarning]:
    """The plan's quality warnings, in a fixed order; an empty list for a sound plan.

    - ``no_quick_win_first_year``: plan year 1 holds no quick win (D002 §4, l. 507);
    - ``no_gender_objective``: the orientation is pro-poor and no objective is a gender objective
      (D003, l. 432);
    - ``no_lead``: actions whose lead is empty;
    - ``past_horizon``: actions ending after the vision's horizon (see :func:`horizon_end`);
    - ``over_capacity``: one per calendar year with more running actions than ``capacity``
      (0 switches the check off).
    """
    warnings = []
    years = plan_years(actions)
    if not (actions["kind"].eq("quick_win") & years.eq(1)).any():
        warnings.append(PlanWarning("no_quick_win_first_year"))
    if orientation == "pro_poor" and not gender_objectives(objectives):
        warnings.append(PlanWarning("no_gender_objective"))
    no_lead = actions[actions["lead"].isna() | actions["lead"].astype("string").str.strip().eq("")]
    if len(no_lead):
        warnings.append(PlanWarning("no_lead", tuple(no_lead["action_id"])))
    closes = horizon_end(horizon_years, start_date, actions)
    if closes is not None:
        late = actions[actions["end"] > closes]
        if len(late):
            warnings.append(
                PlanWarning(
                    "past_horizon",
                    tuple(late["action_id"]),
                    {"horizon_end": closes, "horizon_years": int(horizon_years)},
                )
            )
    if capacity:
        live = _live(actions)
        load = yearly_load(actions)
        for year, count in zip(load["year"], load["running"]):
            if count > capacity:
                running = live[_running(live, year)]
                warnings.append(
                    PlanWarning(
                        "over_capacity",
                        tuple(running["action_id"]),
                        {"year": str(year), "count": int(count), "capacity": int(capacity)},
                    )
                )
    return warnings


def workbook_warnings(wb, capacity: int = 0) -> list[PlanWarning]:
    """:func:`plan_warnings` for a team's workbook: its actions and objectives, the cluster's
    orientation and start date, the vision's horizon."""
    horizon = wb["vision"].iloc[0]["horizon_years"] if wb.has("vision") else None
    return plan_warnings(
        wb["actions"], wb["objectives"], wb.cluster.get("orientation"), horizon, wb.cluster.get("start_date"), capacity
    )


# --------------------------------------------------------------------------------------------
# Annual plan: Gantt chart and responsibilities
# --------------------------------------------------------------------------------------------
def gantt_layout(actions: pd.DataFrame) -> pd.DataFrame:
    """The lines of a Gantt chart grouped by domain, top to bottom.

    Domains come in the typology's order, each as a ``domain`` line followed by its actions
    (``action`` lines) by start date. ``days`` counts both the start and the end day.
    """
    order = {d: i for i, d in enumerate(ENUMS["domain"])}
    sorted_actions = actions.assign(_order=actions["domain"].map(order)).sort_values(["_order", "start", "action_id"])
    columns = ["action_id", "title", "domain", "kind", "status", "state", "start", "end"]
    columns = [c for c in columns if c in actions.columns]
    lines = []
    for _, group in sorted_actions.groupby("_order", sort=True):
        lines.append(pd.DataFrame({"line": ["domain"], "domain": [group["domain"].iloc[0]]}))
        lines.append(group[columns].assign(line="action"))
    layout = pd.concat(lines, ignore_index=True) if lines else pd.DataFrame(columns=["line", *columns])
    layout["position"] = np.arange(len(layout), dtype="int64")
    layout["days"] = ((layout["end"] - layout["start"]).dt.days + 1).astype("Int64")
    return layout[["position", "line", *columns, "days"]]


@house_figure
def gantt_figure(
    layout: pd.DataFrame,
    colour_by: str,
    colour_labels: dict[str, str],
    colours: dict[str, str],
    domain_labels: dict[str, str],
    marker: pd.Timestamp | None = None,
    marker_label: str = "",
):
    """Horizontal bars from start to end, one line per action under its domain's heading.

    Bars are coloured by the ``colour_by`` column: ``colours`` and ``colour_labels`` map its
    values to a colour and a legend label (legend in that order); ``marker`` draws a vertical
    line at a date (the follow-up date).
    """
    height = 0.3 * len(layout) + 1.2
    fig, ax = plt.subplots(figsize=(PRINT_WIDTH, height))
    bars = layout[layout["line"] == "action"]
    for value, legend in colour_labels.items():
        chosen = bars[bars[colour_by] == value]
        if len(chosen):
            ax.barh(
                chosen["position"],
                chosen["days"].astype(float),
                left=mdates.date2num(chosen["start"]),
                height=0.6,
                color=colours[value],
                label=legend,
            )
    labels = [
        domain_labels[row.domain]
        if row.line == "domain"
        else wrapped(f"{row.action_id} {row.title}", TITLE_WIDTH, 8, lines=2)
        for row in layout.itertuples(index=False)
    ]
    ax.set_yticks(layout["position"], labels, fontsize=8, linespacing=1.0)
    for tick, line in zip(ax.get_yticklabels(), layout["line"]):
        if line == "domain":
            tick.set_fontweight("bold")
    ax.set_ylim(len(layout) - 0.5, -0.5)
    first, last = bars["start"].min().year, bars["end"].max().year
    ax.set_xlim(mdates.date2num(pd.Timestamp(first, 1, 1)), mdates.date2num(pd.Timestamp(last + 1, 1, 1)))
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_minor_locator(mdates.MonthLocator(bymonth=(4, 7, 10)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.yaxis.grid(False)
    if marker is not None:
        ax.axvline(mdates.date2num(pd.Timestamp(marker)), color=PALETTE[4], lw=1.2, ls="--", label=marker_label)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.45 / height), ncol=3)
    fig.tight_layout()
    return fig


def gantt(
    actions: pd.DataFrame,
    lang: str,
    colour_by: str = "kind",
    colours: dict = KIND_COLOURS,
    enum: str = "action_kind",
    marker=None,
):
    """The Gantt chart of ``actions`` grouped by domain, labelled in ``lang``: bars coloured by
    the ``colour_by`` column (the action kind unless said otherwise) with ``colours`` and the labels
    of enumeration ``enum``; ``marker``, a date, is drawn as the follow-up line."""
    layout = gantt_layout(actions)
    present = set(layout[colour_by].dropna())
    return gantt_figure(
        layout,
        colour_by,
        {v: t(f"enum.{enum}.{v}", lang) for v in colours if v in present},
        colours,
        {d: t(f"enum.domain.{d}", lang) for d in layout["domain"].unique()},
        marker=marker,
        marker_label=t("implementation.as_of_marker", lang) if marker is not None else "",
    )


def responsibilities(actions: pd.DataFrame, actors: pd.DataFrame | None = None) -> pd.DataFrame:
    """Who leads each action and who takes part, actor ids replaced by the actors' names."""
    names = actor_names(actors)
    partners = actions["partners"] if "partners" in actions.columns else pd.Series(pd.NA, index=actions.index)
    return pd.DataFrame(
        {
            "action_id": actions["action_id"],
            "title": actions["title"],
            "lead": resolve_actors(actions["lead"], names),
            "partners": resolve_actors(partners, names),
        }
    ).reset_index(drop=True)


def who_does_what(actions: pd.DataFrame, actors: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per actor named in the plan: the actions it leads, those it joins as a partner, and
    their number; the busiest actors first."""
    names = actor_names(actors)
    partners = actions["partners"] if "partners" in actions.columns else pd.Series(pd.NA, index=actions.index)
    roles = (
        pd.concat(
            [
                pd.DataFrame(
                    {"ref": actions["lead"].map(split_refs), "action_id": actions["action_id"], "role": "lead"}
                ),
                pd.DataFrame({"ref": partners.map(split_refs), "action_id": actions["action_id"], "role": "partner"}),
            ]
        )
        .explode("ref")
        .dropna(subset=["ref"])
    )
    roles["actor"] = roles["ref"].map(lambda ref: names.get(ref, ref))

    def ids(role):
        return roles[roles["role"] == role].groupby("actor")["action_id"].agg(lambda s: ", ".join(sorted(set(s))))

    table = pd.DataFrame(
        {"leads": ids("lead"), "partner_in": ids("partner"), "actions": roles.groupby("actor")["action_id"].nunique()}
    )
    table.index.name = "actor"
    return table.reset_index().sort_values(["actions", "actor"], ascending=[False, True]).reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Budget and co-financing
# --------------------------------------------------------------------------------------------
def check_schedule(schedule) -> list[float]:
    """A subsidy schedule as floats, each a share between 0 and 1."""
    rates = [float(rate) for rate in schedule]
    bad = [rate for rate in rates if not 0 <= rate <= 1]
    if bad:
        raise ValueError(f"subsidy schedule: rates must be shares between 0 and 1, got {bad}")
    return rates


def apply_subsidy_schedule(actions: pd.DataFrame, schedule) -> pd.DataFrame:
    """Actions whose ``cofinancing_rate`` is the schedule's rate for their plan year.

    ``schedule[0]`` is the fund's rate in plan year 1, ``schedule[1]`` in year 2, and so on (the
    Moroccan export-consortium fund paid 75, 60 then 50 % of promotion costs: D000 §2.4,
    l. 2776-2782). After the schedule's last year the fund pays nothing. An empty schedule keeps
    the workbook's rates.
    """
    rates = check_schedule(schedule)
    if not rates:
        return actions
    years = plan_years(actions)
    lookup = pd.Series(rates, index=range(1, len(rates) + 1), dtype="float64")
    return actions.assign(cofinancing_rate=years.map(lookup).astype("float64").fillna(0.0))


def budget_by(actions: pd.DataFrame, by: str) -> pd.DataFrame:
    """Budget, support fund share and local contribution by ``domain``, ``objective_id`` or
    ``plan_year``, with a ``total`` row; ``fund_share`` is fund / budget."""
    money = with_money(actions)
    table = money.groupby(by, sort=True).agg(
        actions=("action_id", "size"), budget=("budget", "sum"), fund=("fund", "sum"), local=("local", "sum")
    )
    if by == "domain":
        table = table.reindex([d for d in ENUMS["domain"] if d in table.index])
    table.index = table.index.astype("object")
    table.loc["total"] = table.sum(axis=0)
    table["fund_share"] = table["fund"] / table["budget"].where(table["budget"] > 0)
    table.index.name = by
    return table.reset_index().astype({"actions": "int64"})


def subsidy_schedule(actions: pd.DataFrame, schedule) -> pd.DataFrame:
    """By plan year: the budget, the fund's share in the workbook, the schedule's share, and the
    fund and local contribution once the schedule applies."""
    before = budget_by(actions, "plan_year").set_index("plan_year")
    after = budget_by(apply_subsidy_schedule(actions, schedule), "plan_year").set_index("plan_year")
    table = pd.DataFrame(
        {
            "budget": before["budget"],
            "workbook_share": before["fund_share"],
            "fund_share": after["fund_share"],
            "fund": after["fund"],
            "local": after["local"],
        }
    )
    table["local_share"] = table["local"] / table["budget"].where(table["budget"] > 0)
    table.index.name = "plan_year"
    return table.reset_index()


def actions_table(actions: pd.DataFrame, actors: pd.DataFrame | None = None) -> pd.DataFrame:
    """The plan's actions as stakeholders read them: by plan year and start, the lead named."""
    money = with_money(actions)
    table = money.assign(lead=resolve_actors(actions["lead"], actor_names(actors)))
    columns = [
        "plan_year",
        "action_id",
        "title",
        "objective_id",
        "kind",
        "domain",
        "lead",
        "start",
        "end",
        "budget",
        "fund",
    ]
    return table.sort_values(["plan_year", "start", "action_id"])[columns].reset_index(drop=True)


def action_plan_tables(
    actions: pd.DataFrame, objectives: pd.DataFrame, actors: pd.DataFrame | None = None, currency: str = ""
) -> list[TableSpec]:
    """The tables of the action plan, in the document's order: the HTML report, the DOCX and the
    XLSX all show these; amounts in the workbook's ``currency``."""
    total = {"plan_year": "plan_year", "objective_id": "objective"}  # enumerations so that "total" is translated
    budgets = {by: budget_by(actions, by) for by in ("plan_year", "domain", "objective_id")}
    specs = [
        TableSpec("plan_objectives", objective_coverage(actions, objectives)),
        TableSpec("plan_actions", actions_table(actions, actors), enums={"kind": "action_kind", "domain": "domain"}),
        TableSpec(
            "plan_budget_year", budgets["plan_year"], enums={"plan_year": total["plan_year"]}, percent=("fund_share",)
        ),
        TableSpec("plan_budget_domain", budgets["domain"], enums={"domain": "domain"}, percent=("fund_share",)),
        TableSpec(
            "plan_budget_objective",
            budgets["objective_id"],
            enums={"objective_id": total["objective_id"]},
            percent=("fund_share",),
        ),
        TableSpec("plan_responsibilities", responsibilities(actions, actors)),
        TableSpec("plan_who", who_does_what(actions, actors)),
    ]
    return [replace(spec, currency=currency) for spec in specs]
