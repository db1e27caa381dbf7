"""Step 2, the diagnostic study: the field work around the report.

- the social context of the poorest, with a gender lens (section e, document 000 l. 3659-3661;
  document 003, l. 426);
- the interview sample (step 3, l. 3501-3526), the first meetings and the narratives the team writes;
- the validation lists (l. 3698-3703) and the baseline that monitoring reuses (l. 3287, 3427).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ...schema import ENUMS
from ...workbook import BASELINE_COLUMNS
from .. import network
from .profile import (
    SIZE_BOUNDS,
    exports_by_segment,
    profile_summary,
    services_summary,
    size_class,
    social_capital,
    with_exports,
)


# -- section e: the social context, the poorest and the gender lens ------------------------------
def strata_ranking(enterprises: pd.DataFrame) -> pd.DataFrame:
    """Owner strata from the poorest to the richest, by the median turnover of their firms.

    A stratum without any turnover reported is ranked by median employees after the others;
    firms without a stratum are left out. ``rank`` 1 is the poorest.
    """
    frame = enterprises[enterprises["owner_stratum"].notna()]
    frame = frame.assign(
        women_owned=frame["owner_gender"].eq("f").fillna(False), member=frame["association_member"].astype("float64")
    )
    grouped = frame.groupby("owner_stratum")
    table = pd.DataFrame(
        {
            "firms": grouped.size(),
            "median_turnover": grouped["turnover"].median(),
            "median_employees": grouped["employees"].median().astype("float64"),
            "women_owned": grouped["women_owned"].sum(),
            "association_share": grouped["member"].mean(),
        }
    ).reset_index()
    table = table.sort_values(["median_turnover", "median_employees", "owner_stratum"], na_position="last")
    table.insert(0, "rank", range(1, len(table) + 1))
    return table.astype({"firms": "int64", "women_owned": "int64"}).reset_index(drop=True)


def poorest_groups(enterprises: pd.DataFrame, strata: int = 1) -> dict:
    """Who the poorest are, to name them in the validation: the ``strata`` poorest owner strata,
    their firms, how many are owned by women, and their roles (most frequent first)."""
    names = list(strata_ranking(enterprises)["owner_stratum"].head(strata))
    firms = enterprises[enterprises["owner_stratum"].isin(names)]
    roles = firms["role"].value_counts(sort=False).reindex(ENUMS["role"]).dropna()
    return {
        "strata": names,
        "firms": len(firms),
        "women_owned": int(firms["owner_gender"].eq("f").sum()),
        "roles": list(roles.sort_values(ascending=False, kind="stable").index),
    }


def gender_view(enterprises: pd.DataFrame) -> pd.DataFrame:
    """Firms by owner gender: how many, their employees, median turnover, association membership
    and export share (weighted by turnover), so that women's access to markets and to the
    association can be compared with men's."""
    frame = with_exports(
        enterprises.assign(
            owner_gender=enterprises["owner_gender"].fillna("unknown"),
            member=enterprises["association_member"].astype("float64"),
        )
    )
    grouped = frame.groupby("owner_gender")
    table = pd.DataFrame(
        {
            "firms": grouped.size(),
            "employees": grouped["employees"].sum(),
            "median_turnover": grouped["turnover"].median(),
            "association_share": grouped["member"].mean(),
            "export_share": grouped["exports"].sum(min_count=1) / grouped["turnover_reported"].sum(min_count=1),
        }
    )
    table = table.reindex([g for g in (*ENUMS["owner_gender"], "unknown") if g in table.index])
    table.insert(1, "firm_share", table["firms"] / table["firms"].sum())
    table.index.name = "owner_gender"
    return table.reset_index().astype({"firms": "int64", "employees": "int64"})


# -- diagnostic step 3: whom to interview --------------------------------------------------------
def interview_sample(
    enterprises: pd.DataFrame, size: int, seed: int = 1, bounds: tuple[int, int, int] = SIZE_BOUNDS
) -> pd.DataFrame:
    """A seeded sample of firms to interview, stratified by role and size class.

    Every stratum (role x size class present in the survey) gets at least one firm, because the
    method asks to hear every category of stakeholder (l. 3501-3526): when ``size`` is smaller
    than the number of strata, the sample has one firm per stratum and is larger than asked.
    The rest is shared in proportion to what each stratum has left (largest remainders), then
    drawn at random with ``seed``. ``order`` interleaves the strata so that the interviews mix
    the categories; ``stratum`` numbers the strata from 1, and ``sampling_weight`` (firms /
    sampled in the stratum) serves to extrapolate.
    """
    role_order = {r: i for i, r in enumerate(ENUMS["role"])}
    frame = enterprises.assign(size_class=size_class(enterprises["employees"], bounds))
    frame = frame.assign(role_rank=frame["role"].map(role_order), size_rank=frame["size_class"].cat.codes)
    frame = frame.sort_values(["role_rank", "size_rank", "enterprise_id"])
    strata = [group for _, group in frame.groupby(["role_rank", "size_rank"], sort=True)]
    quotas = _allocate([len(g) for g in strata], size)
    rng = np.random.default_rng(seed)
    drawn = []
    for number, (group, quota) in enumerate(zip(strata, quotas)):
        picked = group.iloc[rng.choice(len(group), size=quota, replace=False)]
        drawn.append(picked.assign(stratum=number, turn=range(quota), stratum_firms=len(group), stratum_sample=quota))
    sample = pd.concat(drawn).sort_values(["turn", "stratum"])
    sample["order"] = range(1, len(sample) + 1)
    sample["stratum"] += 1
    sample["sampling_weight"] = sample["stratum_firms"] / sample["stratum_sample"]
    columns = [
        "order",
        "enterprise_id",
        "name",
        "role",
        "size_class",
        "employees",
        "owner_stratum",
        "stratum",
        "stratum_firms",
        "stratum_sample",
        "sampling_weight",
    ]
    return (
        sample[columns]
        .astype({"stratum": "int64", "stratum_firms": "int64", "stratum_sample": "int64"})
        .reset_index(drop=True)
    )


def first_meetings(actors: pd.DataFrame | None) -> tuple[str, dict]:
    """Whom to meet first (step 4, l. 3528-3537), as a catalogue message and its values: the
    associations of the map; without one, its public institutions, NGOs and buyers."""
    if actors is not None:
        for key, types in (
            ("association", ("association",)),
            ("no_association", ("public_institution", "ngo", "buyer")),
        ):
            names = actors.loc[actors["type"].isin(types), "name"]
            if len(names):
                return f"diagnostic.interviews.{key}", {"names": "; ".join(names)}
    return "diagnostic.interviews.no_actors", {}


def _allocate(counts: list[int], size: int) -> list[int]:
    """One per stratum, then the rest in proportion to each stratum's remaining firms."""
    if size >= sum(counts):
        return list(counts)
    if size <= len(counts):
        return [1] * len(counts)
    spare = [c - 1 for c in counts]
    extra = size - len(counts)
    quotas = [extra * s / sum(spare) for s in spare]
    shares = [int(q) for q in quotas]
    by_remainder = sorted(range(len(counts)), key=lambda i: (-(quotas[i] - shares[i]), i))
    for i in by_remainder[: extra - sum(shares)]:
        shares[i] += 1
    return [1 + s for s in shares]


# -- the narrative parts and the validation ------------------------------------------------------
NARRATIVE_SECTIONS = ENUMS["narrative_section"]


def narrative_messages(narratives: pd.DataFrame | None, section: str) -> list[tuple[str, dict]]:
    """What the report shows for a narrative part: the team's text, one message per paragraph,
    or, when the team wrote nothing, the guiding questions of that section."""
    texts = [] if narratives is None else narratives.loc[narratives["section"] == section, "text"].dropna()
    paragraphs = [p.strip() for text in texts for p in re.split(r"\n\s*\n", str(text)) if p.strip()]
    if not paragraphs:
        return [(f"diagnostic.questions.{section}", {})]
    return [("diagnostic.narrative.paragraph", {"text": p}) for p in paragraphs]


def validation_firms(enterprises: pd.DataFrame, poorest: list[str]) -> pd.DataFrame:
    """Firms to involve in the validation, by role: all firms, those of the ``poorest`` strata,
    those owned by women, and association members, with a total."""
    frame = enterprises.assign(
        poorest=enterprises["owner_stratum"].isin(poorest),
        women_owned=enterprises["owner_gender"].eq("f").fillna(False),
        member=enterprises["association_member"].fillna(False).astype(bool),
    )
    grouped = frame.groupby("role")
    table = pd.DataFrame(
        {
            "firms": grouped.size(),
            "poorest": grouped["poorest"].sum(),
            "women_owned": grouped["women_owned"].sum(),
            "members": grouped["member"].sum(),
        }
    )
    table = table.reindex([r for r in ENUMS["role"] if r in table.index])
    table.loc["total"] = table.sum(axis=0)
    table.index.name = "role"
    return table.reset_index().astype({c: "int64" for c in ("firms", "poorest", "women_owned", "members")})


def validation_institutions(actors: pd.DataFrame) -> pd.DataFrame:
    """The other actors of the map to involve in the validation, by type, with their names."""
    others = actors[actors["type"] != "enterprise"]
    grouped = others.groupby("type")
    table = pd.DataFrame({"actors": grouped.size(), "names": grouped["name"].agg("; ".join)})
    table = table.reindex([t for t in ENUMS["actor_type"] if t in table.index])
    table.index.name = "type"
    return table.reset_index().astype({"actors": "int64"})


# -- the baseline for monitoring ----------------------------------------------------------------
def baseline_table(
    workbook, date, survey_round: int | None = None, min_betweenness: float = network.BROKER_MIN_BETWEENNESS
) -> pd.DataFrame:
    """Every indicator the diagnostic can compute from ``workbook``, dated, for step 5.

    Keys are stable (monitoring looks them up): firms_surveyed, employees, women_share,
    women_owned_share, lead_firms, export_share, association_share; with actors and relations,
    actors_mapped, ties, network_density, components, isolated_firms, brokers,
    joint_action_share, formal_relation_share, cooperation_density, mean_intensity, from the
    first survey round unless ``survey_round`` says otherwise; with services, bds_services,
    bds_users and bds_satisfaction. An indicator that cannot be computed is left out.
    """
    firms = workbook["enterprises"]
    profile = profile_summary(firms)
    owners = firms["owner_gender"].dropna()
    exports = exports_by_segment(firms).set_index("market_segment").loc["total", "export_share"]
    rows = [
        ("firms_surveyed", profile["firms"], "firms", "enterprises"),
        ("employees", profile["employees"], "people", "enterprises"),
        ("women_share", profile["women_share"], "share", "enterprises"),
        ("women_owned_share", owners.eq("f").mean() if len(owners) else float("nan"), "share", "enterprises"),
        ("lead_firms", profile["lead_firms"], "firms", "enterprises"),
        ("export_share", exports, "share", "enterprises"),
        ("association_share", profile["association_share"], "share", "enterprises"),
    ]
    has_map = workbook.has("actors") and workbook.has("relations")
    if has_map:
        relations = workbook["relations"]
        chosen = survey_round if survey_round is not None else network.survey_rounds(relations)[0]
        graph = network.round_graph(workbook["actors"], firms, relations, chosen)
        relations = network.in_round(relations, chosen)
        source = f"relations, round {chosen}"
        capital = social_capital(firms, workbook["actors"], relations).set_index("indicator")["value"]
        facts = network.summary(graph, min_betweenness)
        rows += [
            ("actors_mapped", facts["actors"], "actors", "actors"),
            ("ties", facts["ties"], "ties", source),
            ("network_density", facts["density"], "ratio", source),
            ("components", facts["components"], "components", source),
            ("isolated_firms", facts["isolated_firms"], "firms", source),
            ("brokers", facts["brokers"], "actors", source),
            ("joint_action_share", capital["joint_action_share"], "share", source),
            ("formal_relation_share", capital["formal_relation_share"], "share", source),
            ("cooperation_density", capital["cooperation_density"], "ratio", source),
            ("mean_intensity", relations["intensity"].astype("float64").mean(), "score_1_3", source),
        ]
    if workbook.has("services"):
        bds = services_summary(workbook["services"])
        rows += [
            ("bds_services", bds["services"], "services", "services"),
            ("bds_users", bds["users"], "uses", "services"),
            ("bds_satisfaction", bds["satisfaction"], "score_1_5", "services"),
        ]
    frame = pd.DataFrame(rows, columns=["key", "value", "unit", "source"]).astype({"value": "float64"})
    frame = frame[frame["value"].notna()]
    frame["date"] = pd.Timestamp(date).normalize()
    return frame[list(BASELINE_COLUMNS)].reset_index(drop=True)


def baseline_date(value: str, cluster: dict) -> pd.Timestamp:
    """The baseline's date: ``value`` when given (ISO text), else the cluster's start date, else today."""
    if value:
        return pd.Timestamp(value).normalize()
    start = cluster.get("start_date")
    if start is None or pd.isna(start):
        return pd.Timestamp.today().normalize()
    return pd.Timestamp(start).normalize()
