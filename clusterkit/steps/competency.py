"""The facilitator competency profile: its catalogue, and the assessment of a cohort.

Document 000, §3.4 (l. 4186-4377) describes what a cluster facilitator must know how to do:
three competencies (facilitator, consultant-coach, project manager), four sub-skills each,
exercised in three registers (organising relations, formulating strategy, executing projects).
The profile is data, in ``catalogues/competency.yaml``, with five observable level descriptors
per sub-skill and the learning activities that build each one.

The functions below read the typed ``competencies`` sheet (one row per person, date, assessor
and sub-skill, score 1 to 5) and return DataFrames with canonical keys: scores by sub-skill,
competency or register for each kind of assessor (self, peer, trainer), the blind spots where
self-assessment and the others disagree, a training plan, and progress between two dates.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
import yaml
from matplotlib.figure import Figure

from .. import i18n
from ..documents.figures import PALETTE, PRINT_WIDTH, house_figure, wrapped
from ..errors import InputError
from ..i18n import t
from ..schema import ENUMS, SKILL_COMPETENCY

ASSESSORS = ENUMS["assessor"]
OTHERS = ("peer", "trainer")
LEVELS = (1, 2, 3, 4, 5)
BY = ("skill", "competency", "register")
SCORE_COLUMNS = (*ASSESSORS, "others", "self_gap")
SERIES_COLOURS = {"self": PALETTE[4], "peer": PALETTE[0], "trainer": PALETTE[3]}


# --------------------------------------------------------------------------------------------
# The catalogue
# --------------------------------------------------------------------------------------------
@cache
def catalogue() -> dict:
    """The profile as shipped in ``catalogues/competency.yaml`` (scale, axes, registers,
    competencies, skills, activities), loaded once."""
    source = resources.files("clusterkit.catalogues").joinpath("competency.yaml")
    return yaml.safe_load(source.read_text(encoding="utf-8"))


def labels(kind: str, lang: str) -> dict:
    """The catalogue's labels of one kind (``axes``, ``registers``, ``competencies``, ``skills``,
    ``activities`` or ``scale``) in ``lang``, in catalogue order."""
    lang = i18n.check_lang(lang)
    return {key: entry["label"][lang] for key, entry in catalogue()[kind].items()}


def register_of(competency: str) -> str:
    """The register in which a competency is exercised (one each, in the source's order)."""
    return catalogue()["competencies"][competency]["register"]


def descriptor(skill: str, level: int, lang: str) -> str:
    """What a trainer observes of a person at ``level`` (1 to 5) of ``skill``."""
    return catalogue()["skills"][skill]["levels"][int(level)][i18n.check_lang(lang)]


def descriptors(lang: str) -> pd.DataFrame:
    """Every level descriptor: ``competency, skill, level, descriptor``, 12 x 5 rows."""
    rows = [
        (SKILL_COMPETENCY[skill], skill, level, descriptor(skill, level, lang))
        for skill in ENUMS["skill"]
        for level in LEVELS
    ]
    return pd.DataFrame(rows, columns=["competency", "skill", "level", "descriptor"])


def skill_activities() -> pd.DataFrame:
    """Which learning activity serves which sub-skill: ``skill, activity``, in catalogue order."""
    rows = [
        (skill, activity)
        for skill in ENUMS["skill"]
        for activity, entry in catalogue()["activities"].items()
        if skill in entry["skills"]
    ]
    return pd.DataFrame(rows, columns=["skill", "activity"])


def _order(by: str) -> list[str]:
    return list(catalogue()["registers"]) if by == "register" else list(ENUMS[by])


def _parents(by: str) -> list[str]:
    """The profile's levels above ``by``: a sub-skill has a competency and a register."""
    return list(BY[BY.index(by) + 1 :])


# --------------------------------------------------------------------------------------------
# Scores
# --------------------------------------------------------------------------------------------
def latest(competencies: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """The most recent score of each sub-skill by each kind of assessor, on or before ``as_of``.

    A trainer may observe only a few sub-skills at a visit, and a self-assessment may be dated
    a few days before the trainer's: the older scores stand until a newer one replaces them.
    Several peers scoring on the same latest date are all kept.
    """
    frame = competencies if as_of is None else competencies[competencies["date"] <= pd.Timestamp(as_of)]
    last = frame.groupby(["person", "assessor", "skill"])["date"].transform("max")
    return frame[frame["date"] == last]


def scores(competencies: pd.DataFrame, by: str = "skill") -> pd.DataFrame:
    """Mean score per person and sub-skill, competency or register, for each kind of assessor.

    Columns: ``person``, ``by`` and the levels above it, ``self``, ``peer``, ``trainer``,
    ``others`` and ``self_gap``. Several peers' scores of one sub-skill are averaged first;
    a competency or register is the mean of its sub-skills, so each sub-skill counts once.
    ``others`` is the mean of the peer and trainer scores, each kind counting once however many
    peers answered, and ``self_gap`` is ``self - others``. Pass current scores (see
    :func:`latest`), not a history.
    """
    if by not in BY:
        raise ValueError(f"by must be one of {', '.join(BY)}, not {by!r}")
    frame = competencies.assign(score=competencies["score"].astype("float64"))
    table = (
        frame.groupby(["person", "skill", "assessor"], sort=False)["score"]
        .mean()
        .unstack("assessor")
        .reindex(columns=list(ASSESSORS))
        .reset_index()
    )
    table.columns.name = None
    table["competency"] = table["skill"].map(SKILL_COMPETENCY)
    table["register"] = table["competency"].map(register_of)
    if by != "skill":
        table = table.groupby(["person", by, *_parents(by)], sort=False)[list(ASSESSORS)].mean().reset_index()
    people = {p: i for i, p in enumerate(dict.fromkeys(competencies["person"]))}
    rank = {v: i for i, v in enumerate(_order(by))}
    table = table.sort_values(["person", by], key=lambda s: s.map(people if s.name == "person" else rank))
    table["others"] = table[list(OTHERS)].mean(axis=1)
    table["self_gap"] = table["self"] - table["others"]
    return table[["person", by, *_parents(by), *SCORE_COLUMNS]].reset_index(drop=True)


def blind_spots(scores_table: pd.DataFrame, threshold: float = 1.0) -> pd.DataFrame:
    """The rows of :func:`scores` where self-assessment and the others differ by more than
    ``threshold`` points, with ``gap_direction``: ``over_estimation`` when the person rates
    himself or herself higher than the others do, ``under_estimation`` when lower.

    Rows without a self-assessment or without any other assessor are never blind spots.
    """
    if threshold < 0:
        raise ValueError(f"the threshold must be zero or more, not {threshold}")
    keys = [c for c in scores_table.columns if c not in SCORE_COLUMNS]
    spots = scores_table.loc[scores_table["self_gap"].abs() > threshold, [*keys, "self", "others", "self_gap"]]
    direction = np.where(spots["self_gap"] > 0, "over_estimation", "under_estimation")
    return spots.assign(gap_direction=direction).reset_index(drop=True)


def training_plan(skill_scores: pd.DataFrame, size: int = 3, target: float = 4) -> pd.DataFrame:
    """Each person's weakest sub-skills below ``target``, at most ``size``, with what to learn.

    The score judged is the others' mean (peer and trainer), else the self-assessment when no
    one else has assessed the person. Columns: ``person, priority, competency, skill, score,
    next_level, activities``; ``next_level`` is the level above the score, whose descriptor
    says what to work towards, and ``activities`` lists the catalogue's learning activities
    for that sub-skill (keys separated by ``; ``).
    """
    if "skill" not in skill_scores.columns:
        raise ValueError("training_plan needs the scores by sub-skill: scores(frame, by='skill')")
    if size < 1 or not 1 < target <= 5:
        raise ValueError(f"size must be 1 or more and target between 1 and 5, not {size} and {target}")
    score = skill_scores["others"].fillna(skill_scores["self"])
    weak = skill_scores.assign(score=score)[score < target]
    people = {p: i for i, p in enumerate(dict.fromkeys(skill_scores["person"]))}
    rank = {s: i for i, s in enumerate(ENUMS["skill"])}
    weak = weak.assign(_person=weak["person"].map(people), _skill=weak["skill"].map(rank))
    weak = weak.sort_values(["_person", "score", "_skill"]).groupby("person", sort=False).head(size)
    activities = skill_activities().groupby("skill", sort=False)["activity"].agg("; ".join)
    plan = weak.assign(
        priority=weak.groupby("person", sort=False).cumcount() + 1,
        next_level=np.floor(weak["score"]).astype("int64") + 1,
        activities=weak["skill"].map(activities),
    )
    return plan[["person", "priority", "competency", "skill", "score", "next_level", "activities"]].reset_index(
        drop=True
    )


def name_activities(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``frame`` with its ``activities`` keys replaced by the catalogue's labels (rendering)."""
    names = labels("activities", lang)
    return frame.assign(activities=frame["activities"].map(lambda keys: "; ".join(names[k] for k in keys.split("; "))))


def describe_plan(plan: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The plan as a reader sees it: the descriptor of the next level (``next_step``) and the
    activities by their labels. Rendering only; :func:`training_plan` stays canonical."""
    described = name_activities(plan, lang)
    described.insert(
        described.columns.get_loc("activities"),
        "next_step",
        [descriptor(s, level, lang) for s, level in zip(plan["skill"], plan["next_level"])],
    )
    return described


def cohort_needs(plan: pd.DataFrame) -> pd.DataFrame:
    """The sub-skills most often in the cohort's training plans: ``skill, competency,
    facilitators`` (how many plans hold it), ``mean_score`` and ``activities``, most needed
    first. A need shared by several people is the case for a group module or a study visit."""
    table = (
        plan.groupby("skill", sort=False)
        .agg(
            competency=("competency", "first"),
            facilitators=("person", "nunique"),
            mean_score=("score", "mean"),
            activities=("activities", "first"),
        )
        .reset_index()
    )
    return table.sort_values(["facilitators", "mean_score"], ascending=[False, True]).reset_index(drop=True)


def progress(
    competencies: pd.DataFrame, before=None, after=None, by: str = "competency", basis: str = "others"
) -> pd.DataFrame:
    """Scores at two dates and their change: ``person``, ``by`` (and the levels above it),
    ``score_before``, ``score_after``, ``score_change``.

    The score ``before`` is each assessor's latest assessment on or before that date; the score
    ``after`` counts only assessments made after ``before`` and on or before ``after``, so a
    person not reassessed has no change rather than a change of zero. Dates default to the
    first and last dates of the sheet; ``basis`` is ``others``, ``self``, ``peer`` or ``trainer``.
    """
    if basis not in (*ASSESSORS, "others"):
        raise ValueError(f"basis must be one of {', '.join((*ASSESSORS, 'others'))}, not {basis!r}")
    before = pd.Timestamp(before) if before else competencies["date"].min()
    after = pd.Timestamp(after) if after else competencies["date"].max()
    if not before < after:
        raise ValueError(f"the first date ({before:%Y-%m-%d}) must come before the second ({after:%Y-%m-%d})")
    keys = ["person", by, *_parents(by)]
    first = scores(latest(competencies, before), by)[[*keys, basis]]
    second = scores(latest(competencies[competencies["date"] > before], after), by)[[*keys, basis]]
    table = first.merge(second, on=keys, how="left", suffixes=("_before", "_after"))
    table = table.rename(columns={f"{basis}_before": "score_before", f"{basis}_after": "score_after"})
    return table.assign(score_change=table["score_after"] - table["score_before"])


def assessments(competencies: pd.DataFrame) -> pd.DataFrame:
    """Who was assessed, when and by whom: ``person, assessed_on, assessor, skills_scored`` and
    ``evidence_count`` (how many scores carry a written observation)."""
    frame = competencies.assign(has_evidence=competencies["evidence"].notna())
    table = (
        frame.groupby(["person", "date", "assessor"], sort=False)
        .agg(skills_scored=("skill", "nunique"), evidence_count=("has_evidence", "sum"))
        .reset_index()
    )
    return table.rename(columns={"date": "assessed_on"}).astype({"skills_scored": "int64", "evidence_count": "int64"})


def evidence(competencies: pd.DataFrame) -> pd.DataFrame:
    """The scores that carry a written observation, most recent first: ``person, assessed_on,
    assessor, skill, score, evidence``."""
    rows = competencies[competencies["evidence"].notna()].sort_values("date", ascending=False, kind="stable")
    return (
        rows[["person", "date", "assessor", "skill", "score", "evidence"]]
        .rename(columns={"date": "assessed_on"})
        .reset_index(drop=True)
    )


def person_rows(competencies: pd.DataFrame, person: str, lang: str = "fr") -> pd.DataFrame:
    """The rows of one person, matched without regard to case or surrounding spaces; an error
    naming the people of the sheet when there is no such person."""
    wanted = str(person).strip().casefold()
    rows = competencies[competencies["person"].str.strip().str.casefold() == wanted]
    if rows.empty:
        known = ", ".join(dict.fromkeys(competencies["person"]))
        raise InputError(t("competency.person.unknown", lang, person=person, people=known))
    return rows


# --------------------------------------------------------------------------------------------
# Figures (labels arrive already localised)
# --------------------------------------------------------------------------------------------
@house_figure
def radar_chart(skill_scores: pd.DataFrame, skill_labels: dict, series_labels: dict, title: str = "") -> Figure:
    """One person's sub-skill scores on a polar chart, one line per kind of assessor.

    ``skill_scores`` holds that person's rows of :func:`scores` by sub-skill; ``series_labels``
    maps ``self``, ``peer`` and ``trainer`` to legend labels. Sub-skills go round the circle in
    the profile's order, so each competency fills one third of it.
    """
    table = skill_scores.set_index("skill").reindex(list(ENUMS["skill"]))
    angles = np.linspace(0, 2 * np.pi, len(table), endpoint=False)
    fig = Figure(figsize=(PRINT_WIDTH, PRINT_WIDTH), layout="constrained")
    ax = fig.add_subplot(projection="polar")
    for assessor in ASSESSORS:
        values = table[assessor].to_numpy(dtype="float64")
        if np.isnan(values).all():
            continue
        ax.plot(
            np.append(angles, angles[0]),
            np.append(values, values[0]),
            marker="o",
            color=SERIES_COLOURS[assessor],
            label=series_labels[assessor],
        )
        ax.fill(angles, np.nan_to_num(values), color=SERIES_COLOURS[assessor], alpha=0.06)
    ax.set_theta_offset(np.pi / 2)
    ax.set_theta_direction(-1)
    ax.set_ylim(0, 5)
    ax.set_yticks(list(LEVELS))
    ax.set_rlabel_position(180 / len(table))  # the level numbers sit between the first two sub-skills
    ax.set_xticks(angles)
    ax.set_xticklabels([wrapped(skill_labels[s], 1.25) for s in table.index], fontsize=8)
    ax.tick_params(axis="x", pad=12)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=3)
    if title:
        ax.set_title(title, pad=24)
    return fig


@house_figure
def cohort_heatmap(
    skill_scores: pd.DataFrame,
    skill_labels: dict,
    value: str = "others",
    colorbar_label: str = "",
    number=lambda v: f"{v:.1f}",
) -> Figure:
    """People (rows) x sub-skills (columns), coloured by ``value`` of :func:`scores` by sub-skill
    on the 1-5 scale, each cell written with ``number`` (a formatter in the reader's language)."""
    people = list(dict.fromkeys(skill_scores["person"]))
    matrix = skill_scores.pivot(index="person", columns="skill", values=value).reindex(
        index=people, columns=list(ENUMS["skill"])
    )
    fig = Figure(figsize=(PRINT_WIDTH, 2.4 + 0.3 * len(people)), layout="constrained")
    ax = fig.subplots()
    image = ax.imshow(matrix.to_numpy(dtype="float64"), cmap="RdYlGn", vmin=1, vmax=5, aspect="auto")
    ax.grid(False)
    for (row, col), v in np.ndenumerate(matrix.to_numpy(dtype="float64")):
        if not np.isnan(v):  # white on the darkest reds and greens, black elsewhere
            ax.text(
                col,
                row,
                number(v),
                ha="center",
                va="center",
                fontsize=8,
                color="white" if v < 1.6 or v > 4.4 else "black",
            )
    ax.set_xticks(
        range(matrix.shape[1]),
        [wrapped(skill_labels[s], 1.6, lines=2) for s in matrix.columns],
        rotation=50,
        ha="right",
        rotation_mode="anchor",
        fontsize=8,
    )
    ax.set_yticks(range(len(people)), people)
    colorbar = fig.colorbar(image, ax=ax, ticks=list(LEVELS), shrink=0.8)
    colorbar.set_label(colorbar_label)
    return fig
