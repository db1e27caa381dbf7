"""Step 2, the diagnostic study: the analyses behind the diagnostic report.

Document 000, §3.2 (l. 3411-3708) describes the diagnostic in seven steps, complementary analyses
and a report in sections a to g, closed by a vision and a validation by the actors. This module
computes what the report needs, section by section (the field work is in :mod:`.fieldwork`):

- the cluster profile from the ``enterprises`` sheet (step 1, l. 3450-3486; report section c);
- the founding periods (section b) and the value chain: firms by role and market segment, and
  the supply, subcontracting and trading links between positions (step 2, l. 3488-3499; a, d);
- the SWOT synthesis and its check (steps 5 and 6, l. 3539-3556);
- the business development services (complementary analyses, l. 3608-3612; section f);
- the social-capital indicators (section g, l. 3669-3676).

The cluster map itself is in :mod:`clusterkit.steps.network`. Functions take typed DataFrames and
return DataFrames with canonical column names and values; figures take localised labels.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ...documents.figures import PRINT_WIDTH, house_figure
from ...schema import ENUMS
from .. import network

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
        employees_reported=enterprises["employees"].where(enterprises["employees_women"].notna())
    )
    grouped = frame.groupby("role", observed=True, sort=False)
    table = pd.DataFrame(
        {
            "firms": grouped.size(),
            "employees": grouped["employees"].sum(),
            "employees_women": grouped["employees_women"].sum(),
            "employees_reported": grouped["employees_reported"].sum(),
        }
    )
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
    frame = with_exports(enterprises.assign(market_segment=enterprises["market_segment"].fillna("unknown")))
    grouped = frame.groupby("market_segment", sort=False)
    table = pd.DataFrame(
        {
            "firms": grouped.size(),
            "turnover": grouped["turnover"].sum(min_count=1),
            "exports": grouped["exports"].sum(min_count=1),
            "turnover_reported": grouped["turnover_reported"].sum(min_count=1),
        }
    )
    order = [s for s in (*ENUMS["market_segment"], "unknown") if s in table.index]
    table = table.reindex(order)
    table.loc["total"] = table.sum(axis=0, min_count=1)
    table["export_share"] = table["exports"] / table["turnover_reported"]
    table.index.name = "market_segment"
    return table.drop(columns="turnover_reported").reset_index().astype({"firms": "int64"})


def with_exports(frame: pd.DataFrame) -> pd.DataFrame:
    """Adds ``exports`` (turnover x export share) and ``turnover_reported``, both kept only for the
    firms that reported turnover and export share, so that shares are weighted by turnover."""
    known = frame["turnover"].notna() & frame["export_share"].notna()
    return frame.assign(
        exports=(frame["turnover"] * frame["export_share"]).where(known),
        turnover_reported=frame["turnover"].where(known),
    )


def owner_strata(enterprises: pd.DataFrame) -> pd.DataFrame:
    """Distribution of firms across the owners' socio-economic strata (largest first).

    Gives firms, their share of all firms, employees, and firms owned by women, per stratum.
    """
    frame = enterprises.assign(
        owner_stratum=enterprises["owner_stratum"].fillna("unknown"),
        women_owned=enterprises["owner_gender"].eq("f").fillna(False),
    )
    grouped = frame.groupby("owner_stratum", sort=False)
    table = pd.DataFrame(
        {"firms": grouped.size(), "employees": grouped["employees"].sum(), "women_owned": grouped["women_owned"].sum()}
    ).sort_values(["firms", "employees"], ascending=False)
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
        "women_share": float(
            enterprises.loc[women_known, "employees_women"].sum() / enterprises.loc[women_known, "employees"].sum()
        )
        if women_known.any()
        else float("nan"),
        "lead_firms": int(enterprises["role"].eq("lead_firm").sum()),
        "association_share": float(enterprises["association_member"].astype("float64").mean()),  # NaN when unknown
    }


# -- section b: history -------------------------------------------------------------------------
def firms_by_founding_period(enterprises: pd.DataFrame, width: int = 10) -> pd.DataFrame:
    """Firms still active today by the period they were founded in (decades by default).

    Only survivors are surveyed, so the table shows when today's firms started, not how many
    were created: a thin early period may mean early firms closed.
    """
    founded = enterprises["year_founded"].astype("float64")
    start = (founded // width * width).astype("Int64")
    # object dtype: when no firm gave its founding year, the mapped column stays Int64 and refuses text
    period = start.map(lambda s: f"{s}-{s + width - 1}", na_action="ignore").astype(object).fillna("unknown")
    frame = enterprises.assign(
        period=period, start=start.fillna(10_000), women_owned=enterprises["owner_gender"].eq("f").fillna(False)
    )
    grouped = frame.groupby(["start", "period"], sort=True)
    table = pd.DataFrame(
        {"firms": grouped.size(), "employees": grouped["employees"].sum(), "women_owned": grouped["women_owned"].sum()}
    ).reset_index(level="start", drop=True)
    table["firm_share"] = table["firms"] / table["firms"].sum()
    table.loc["total"] = table.sum(axis=0)
    table.index.name = "period"
    return table.reset_index().astype({"firms": "int64", "employees": "int64", "women_owned": "int64"})


# -- sections a and d: the value chain ----------------------------------------------------------
def firms_by_role_and_segment(enterprises: pd.DataFrame) -> pd.DataFrame:
    """Number of firms by role (rows) and main market segment (columns ``segment_<segment>``,
    then ``segment_unknown`` when some firms gave none), with totals."""
    segments = [*ENUMS["market_segment"], "unknown"]
    frame = enterprises.assign(market_segment=enterprises["market_segment"].fillna("unknown"))
    table = pd.crosstab(frame["role"], frame["market_segment"]).reindex(columns=segments, fill_value=0)
    table = table.reindex([r for r in ENUMS["role"] if r in table.index])
    if not table["unknown"].any():
        table = table.drop(columns="unknown")
    table = table.add_prefix("segment_")
    table["total"] = table.sum(axis=1)
    table.loc["total"] = table.sum(axis=0)
    table.index.name = "role"
    table.columns.name = None
    return table.reset_index().astype({c: "int64" for c in table.columns})


# Links along the value chain. A supply relation that reaches the market through a trader or a
# buyer is a trading link; the other supply relations feed production.
CHAIN_LINKS = ("supply", "subcontracting", "trading")
MARKET_POSITIONS = ("trader", "buyer")


def actor_positions(actors: pd.DataFrame, enterprises: pd.DataFrame) -> pd.Series:
    """Each actor's place in the value chain: its role when it is a surveyed firm, else its type."""
    table = network.actor_table(actors, enterprises)
    return table["role"].fillna(table["type"]).set_axis(table["actor_id"])


def value_chain_links(enterprises: pd.DataFrame, actors: pd.DataFrame, relations: pd.DataFrame) -> pd.DataFrame:
    """How the value chain is linked: supply, subcontracting and trading relations between positions.

    A position is a firm's role, or the type of a non-firm actor (a buyer, for instance). For each
    link and each (from, to) pair of positions, in the direction of the flow of goods or work:
    the number of relations, of distinct actors on each side, their mean intensity and the share
    of formal ones (over the relations whose formality is known). Most frequent first.
    """
    positions = actor_positions(actors, enterprises)
    chain = relations[relations["relation_type"].isin(("supply", "subcontracting"))]
    chain = chain.assign(from_position=chain["source"].map(positions), to_position=chain["target"].map(positions))
    market = chain["from_position"].isin(MARKET_POSITIONS) | chain["to_position"].isin(MARKET_POSITIONS)
    trading = market & chain["relation_type"].eq("supply")
    chain = _with_formality(chain.assign(link=chain["relation_type"].where(~trading, "trading")))
    grouped = chain.groupby(["link", "from_position", "to_position"], sort=False)
    table = pd.DataFrame(
        {
            "relations": grouped.size(),
            "sources": grouped["source"].nunique(),
            "targets": grouped["target"].nunique(),
            "mean_intensity": grouped["intensity"].mean(),
            "formal_share": grouped["formal_yes"].sum() / grouped["formal_known"].sum().where(lambda s: s > 0),
        }
    ).reset_index()
    table["order"] = table["link"].map({k: i for i, k in enumerate(CHAIN_LINKS)})
    table = table.sort_values(
        ["order", "relations", "from_position", "to_position"], ascending=[True, False, True, True]
    )
    columns = [
        "link",
        "from_position",
        "to_position",
        "relations",
        "sources",
        "targets",
        "mean_intensity",
        "formal_share",
    ]
    return (
        table[columns]
        .astype(
            {
                "relations": "int64",
                "sources": "int64",
                "targets": "int64",
                "mean_intensity": "float64",
                "formal_share": "float64",
            }
        )
        .reset_index(drop=True)
    )


def _with_formality(relations: pd.DataFrame) -> pd.DataFrame:
    """Adds ``formal_known`` and ``formal_yes``: a share of formal relations counts only the
    relations whose formality was reported."""
    return relations.assign(
        formal_known=relations["formal"].notna(), formal_yes=relations["formal"].fillna(False).astype(bool)
    )


# -- the SWOT synthesis (diagnostic steps 5 and 6) ----------------------------------------------
def swot_ranked(swot: pd.DataFrame) -> pd.DataFrame:
    """Statements by category (strengths, weaknesses, opportunities, threats), most votes first.

    ``rank`` numbers the statements inside their category; a statement without votes counts as
    none and comes after those with votes, in the order they were written.
    """
    order = {c: i for i, c in enumerate(ENUMS["swot_category"])}
    frame = swot.assign(
        order=swot["category"].map(order), sort_votes=swot["votes"].fillna(-1), position=range(len(swot))
    )
    frame = frame.sort_values(["order", "sort_votes", "position"], ascending=[True, False, True])
    frame["rank"] = frame.groupby("category").cumcount() + 1
    return frame[["category", "rank", "swot_id", "statement", "theme", "votes"]].reset_index(drop=True)


def swot_by_theme(swot: pd.DataFrame) -> pd.DataFrame:
    """Statements per theme (rows, in the schema's order) and category (columns), with votes."""
    table = pd.crosstab(swot["theme"], swot["category"]).reindex(columns=list(ENUMS["swot_category"]), fill_value=0)
    table["votes"] = swot.groupby("theme")["votes"].sum()
    table = table.reindex([t for t in ENUMS["theme"] if t in table.index])
    table.index.name = "theme"
    table.columns.name = None
    return table.reset_index().astype({c: "int64" for c in [*ENUMS["swot_category"], "votes"]})


def swot_gaps(swot: pd.DataFrame) -> pd.DataFrame:
    """Themes with weaknesses or threats but neither a strength nor an opportunity to build on.

    The action plan will need an answer for them that the SWOT does not yet suggest: the team
    should look again for a local asset or an outside opening before planning.
    """
    table = swot_by_theme(swot)
    gaps = (table["weakness"] + table["threat"] > 0) & (table["strength"] + table["opportunity"] == 0)
    return table.loc[gaps, ["theme", "weakness", "threat", "votes"]].reset_index(drop=True)


@house_figure
def swot_matrix(ranked: pd.DataFrame, titles: dict, top: int = 5, width: int = 36):
    """The SWOT matrix: four quadrants, each with its ``top`` statements by votes.

    ``ranked`` comes from :func:`swot_ranked`; ``titles`` maps each category to its localised
    title. A statement shows its votes in brackets; the title shows how many statements the
    category holds in all. The figure is as tall as its longest quadrant needs.
    """
    colours = {"strength": "#e8f6ef", "weakness": "#fdecea", "opportunity": "#eaf2fb", "threat": "#fef5e7"}
    blocks = {}
    for category in ENUMS["swot_category"]:
        lines = []
        for row in ranked[ranked["category"] == category].head(top).itertuples(index=False):
            votes = "" if pd.isna(row.votes) else f" ({int(row.votes)})"
            wrapped = textwrap.wrap(f"{row.statement}{votes}", width=width) or [""]
            lines.append(f"{row.rank}. " + "\n    ".join(wrapped))
        blocks[category] = "\n".join(lines)
    longest = max(block.count("\n") + 1 for block in blocks.values())
    fig, axes = plt.subplots(2, 2, figsize=(PRINT_WIDTH, 2 * (0.55 + 0.16 * longest)))
    for ax, category in zip(axes.flat, ENUMS["swot_category"]):
        ax.set_facecolor(colours[category])
        ax.set_xticks([])
        ax.set_yticks([])
        count = int((ranked["category"] == category).sum())
        ax.set_title(f"{titles[category]} ({count})", loc="left", fontsize=9.5, fontweight="bold")
        ax.text(
            0.02,
            0.95,
            blocks[category],
            transform=ax.transAxes,
            va="top",
            ha="left",
            fontsize=8,
            linespacing=1.3,
            parse_math=False,
        )
    fig.tight_layout()
    return fig


# -- section f: business development services ---------------------------------------------------
BDS_MIN_USERS = 5
BDS_MIN_SATISFACTION = 3.0
BDS_FLAGS = ("none", "low_use", "low_satisfaction", "low_use_and_satisfaction")


def service_review(
    services: pd.DataFrame,
    actors: pd.DataFrame,
    min_users: int = BDS_MIN_USERS,
    min_satisfaction: float = BDS_MIN_SATISFACTION,
) -> pd.DataFrame:
    """Each service with its provider, users, satisfaction and cost recovery, and a flag.

    ``flag`` is ``low_use`` when fewer than ``min_users`` firms use it, ``low_satisfaction`` when
    its mean rating is below ``min_satisfaction`` (1 to 5), both, or ``none``.
    """
    names = actors.set_index("actor_id")["name"]
    low_use = services["users"] < min_users
    low_satisfaction = services["satisfaction"] < min_satisfaction
    flag = pd.Series("none", index=services.index)
    flag = flag.mask(low_use, "low_use").mask(low_satisfaction, "low_satisfaction")
    flag = flag.mask(low_use & low_satisfaction, "low_use_and_satisfaction")
    table = services.assign(provider_name=services["provider"].map(names), flag=flag)
    return table[
        ["provider", "provider_name", "service", "users", "satisfaction", "cost_recovery", "flag"]
    ].reset_index(drop=True)


def services_by_provider(
    services: pd.DataFrame,
    actors: pd.DataFrame,
    min_users: int = BDS_MIN_USERS,
    min_satisfaction: float = BDS_MIN_SATISFACTION,
) -> pd.DataFrame:
    """Per provider, most users first: services, users, satisfaction, cost recovery and flagged services.

    Users add up the users of each service (a firm using two services counts twice).
    Satisfaction is weighted by users; cost recovery is the mean over the services that report it.
    """
    review = service_review(services, actors, min_users, min_satisfaction)
    review = review.assign(rated=review["satisfaction"] * review["users"], flagged=review["flag"].ne("none"))
    grouped = review.groupby(["provider", "provider_name"], sort=False)
    table = pd.DataFrame(
        {
            "services": grouped.size(),
            "users": grouped["users"].sum(),
            "satisfaction": grouped["rated"].sum() / grouped["users"].sum().where(lambda u: u > 0),
            "cost_recovery": grouped["cost_recovery"].mean(),
            "flagged": grouped["flagged"].sum(),
        }
    ).reset_index()
    table.insert(2, "type", table["provider"].map(actors.set_index("actor_id")["type"]))
    table = table.sort_values(["users", "provider"], ascending=[False, True])
    return table.astype(
        {
            "services": "int64",
            "users": "int64",
            "flagged": "int64",
            "satisfaction": "float64",
            "cost_recovery": "float64",
        }
    ).reset_index(drop=True)


def services_summary(services: pd.DataFrame) -> dict:
    """Services, their users (uses) and the users' mean satisfaction, over all providers."""
    users = int(services["users"].sum())
    satisfaction = float((services["satisfaction"] * services["users"]).sum() / users) if users else float("nan")
    return {"services": len(services), "users": users, "satisfaction": satisfaction}


# -- section g: social capital ------------------------------------------------------------------
# Cooperative relations are those through which actors learn or act together rather than trade
# or serve one another: information exchange and joint action (report section g asks for the
# capacity to act collectively, l. 3669-3676; the complementary analyses value inter-firm ties
# that lead to shared learning, l. 3582-3596). Training and services run one way, governance
# ties record membership: they are left out.
COOPERATIVE = ("joint_action", "information")


def social_capital(
    enterprises: pd.DataFrame, actors: pd.DataFrame | None = None, relations: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The four social-capital indicators, each with its numerator (``count``) and base.

    - ``association_share``: surveyed firms that belong to the association, over those that answered;
    - ``joint_action_share``: firms of the map with at least one joint-action relation, over the firms of the map;
    - ``formal_relation_share``: formal relations over the relations whose formality is known;
    - ``cooperation_density``: pairs of firms of the map linked by a cooperative relation
      (information or joint action), over all possible pairs of those firms.

    Without actors and relations, only the first can be computed; the others are missing.
    """
    answered = enterprises["association_member"].dropna()
    rows = [("association_share", int(answered.sum()), len(answered))]
    if actors is not None and relations is not None and len(actors):
        firms = set(network.actor_table(actors, enterprises).query("firm")["actor_id"])
        joint = relations[relations["relation_type"] == "joint_action"]
        in_joint = firms & (set(joint["source"]) | set(joint["target"]))
        formal = relations["formal"].dropna()
        cooperative = relations[
            relations["relation_type"].isin(COOPERATIVE)
            & relations["source"].isin(firms)
            & relations["target"].isin(firms)
            & (relations["source"] != relations["target"])
        ]
        pairs = {frozenset(p) for p in zip(cooperative["source"], cooperative["target"])}
        rows += [
            ("joint_action_share", len(in_joint), len(firms)),
            ("formal_relation_share", int(formal.sum()), len(formal)),
            ("cooperation_density", len(pairs), len(firms) * (len(firms) - 1) // 2),
        ]
    else:
        rows += [(key, 0, 0) for key in ("joint_action_share", "formal_relation_share", "cooperation_density")]
    frame = pd.DataFrame(rows, columns=["indicator", "count", "base"]).astype("float64", errors="ignore")
    frame["value"] = frame["count"] / frame["base"].where(frame["base"] > 0)
    frame["count"] = frame["count"].where(frame["base"] > 0)
    return frame[["indicator", "value", "count", "base"]].astype({"count": "float64", "base": "float64"})


def relation_profile(relations: pd.DataFrame) -> pd.DataFrame:
    """Relations by type: how many, their mean intensity (1 to 3) and share formal, with a total."""
    frame = _with_formality(relations)

    def row(group: pd.DataFrame) -> dict:
        known = group["formal_known"].sum()
        return {
            "relations": len(group),
            "mean_intensity": group["intensity"].astype("float64").mean(),
            "formal_share": group["formal_yes"].sum() / known if known else float("nan"),
        }

    rows = [
        {"relation_type": kind, **row(group)}
        for kind in ENUMS["relation_type"]
        if len(group := frame[frame["relation_type"] == kind])
    ]
    rows.append({"relation_type": "total", **row(frame)})
    return pd.DataFrame(rows, columns=["relation_type", "relations", "mean_intensity", "formal_share"]).astype(
        {"relations": "int64", "mean_intensity": "float64", "formal_share": "float64"}
    )
