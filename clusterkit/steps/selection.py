"""Step 1, cluster selection: candidates scored on the ``criteria`` sheet (normalised, weighted,
with elimination thresholds), the orientation presets, and the sensitivity of the ranking to
the weights.

Every function is pure: DataFrames in, DataFrames (or matplotlib figures) out, canonical English
keys, no printing and no file I/O. The mapping of the same step is :mod:`clusterkit.steps.mapping`.
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd
import yaml
from matplotlib.figure import Figure

from .. import i18n
from ..documents.figures import PALETTE, PRINT_WIDTH, house_figure
from ..errors import StepInputError
from ..i18n import t
from .mapping import merge_labels, require_columns

CRITERIA_COLUMNS = ("criterion", "weight", "direction", "group")
CANDIDATE_KEYS = ("candidate_id", "name", "region", "sector")
DIRECTIONS = ("higher_better", "lower_better")
NORMALISATIONS = ("minmax", "zscore", "rank")

# Scores of a criterion on which every candidate is equal carry no information;
# they get the neutral middle of the scale instead of a division by zero.
_NEUTRAL = {"minmax": 0.5, "rank": 0.5, "zscore": 0.0}


# --------------------------------------------------------------------------
# Selection
# --------------------------------------------------------------------------


def require_criterion_values(candidates: pd.DataFrame, criteria: pd.DataFrame, lang: str = "fr") -> None:
    """Raise :class:`StepInputError`, in ``lang``, naming each candidate and criterion whose cell
    is empty: the workbook allows a blank cell, but no candidate can be scored without it."""
    names = list(criteria["criterion"])
    gaps = candidates[names].isna().set_axis(candidates["candidate_id"]).stack()
    cells = [f"{candidate} ({criterion})" for candidate, criterion in gaps[gaps].index]
    if cells:
        raise StepInputError(t("selection.input.missing_values", lang, cells=", ".join(cells)))


def _check_selection_inputs(candidates: pd.DataFrame, criteria: pd.DataFrame) -> None:
    require_columns(criteria, CRITERIA_COLUMNS, "criteria")
    require_columns(candidates, ("candidate_id",), "candidates")
    if criteria.empty:
        raise ValueError("criteria: at least one criterion is needed")
    names = criteria["criterion"]
    if names.duplicated().any():
        raise ValueError(f"criteria: duplicate criterion {', '.join(names[names.duplicated()])}")
    unknown = [c for c in names if c not in candidates.columns]
    if unknown:
        raise ValueError(f"criteria: no candidates column for {', '.join(unknown)}")
    wrong = sorted(set(criteria["direction"]) - set(DIRECTIONS))
    if wrong:
        raise ValueError(
            f"criteria: unknown direction {', '.join(map(str, wrong))} (expected {' or '.join(DIRECTIONS)})"
        )
    if not (criteria["weight"] > 0).all():
        raise ValueError("criteria: every weight must be greater than zero")
    if candidates["candidate_id"].duplicated().any():
        raise ValueError("candidates: duplicate candidate_id")
    values = candidates[list(names)]
    text = [c for c in names if not pd.api.types.is_numeric_dtype(values[c])]
    if text:
        raise ValueError(f"candidates: non-numeric values in {', '.join(text)}")
    gaps = values.isna().set_axis(candidates["candidate_id"]).stack()
    if gaps.any():
        shown = ", ".join(f"{cid}/{c}" for cid, c in gaps[gaps].index[:5])
        raise ValueError(f"candidates: missing criterion values ({shown})")


def effective_weights(criteria: pd.DataFrame, weights: dict | None = None) -> pd.Series:
    """Weights actually used, indexed by criterion and summing to 1.

    ``weights`` (criterion -> weight) overrides the table's weights; an
    override may be zero, which switches the criterion off. Weights are then
    divided by their sum: w_c / sum(w).
    """
    base = pd.Series(criteria["weight"].to_numpy(dtype=float), index=criteria["criterion"])
    override = pd.Series(weights or {}, dtype=float)
    unknown = [str(c) for c in override.index if c not in base.index]
    if unknown:
        raise ValueError(f"weights: unknown criterion {', '.join(unknown)}")
    merged = base.copy()
    merged[override.index] = override
    if (merged < 0).any() or not merged.sum() > 0:
        raise ValueError("weights: weights must be non-negative with a positive total")
    return (merged / merged.sum()).rename("weight")


def eliminations(candidates: pd.DataFrame, criteria: pd.DataFrame) -> pd.DataFrame:
    """Eliminatory thresholds: one row per (candidate, criterion) failed.

    A candidate is eliminated on a criterion when its value is strictly below
    the criterion's ``min_threshold`` (a floor, whatever the direction); a
    missing threshold never eliminates. Returns ``candidate_id, criterion,
    value, threshold``.
    """
    _check_selection_inputs(candidates, criteria)
    if "min_threshold" not in criteria.columns:
        thresholds = pd.Series(np.nan, index=criteria["criterion"])
    else:
        thresholds = pd.Series(criteria["min_threshold"].to_numpy(dtype=float), index=criteria["criterion"])
    values = candidates.set_index("candidate_id")[list(thresholds.index)].astype(float)
    failed = values.lt(thresholds, axis=1).stack()
    long = values.stack()[failed].rename("value").reset_index()
    long.columns = ["candidate_id", "criterion", "value"]
    return long.assign(threshold=thresholds.loc[long["criterion"]].to_numpy())


def normalise_criteria(candidates: pd.DataFrame, criteria: pd.DataFrame, method: str = "minmax") -> pd.DataFrame:
    """Normalised criterion values, best = highest whatever the direction.

    Values of a ``lower_better`` criterion are negated first (x -> -x), so the
    best candidate always gets the highest normalised value. Then, per
    criterion over the given candidates:

    - ``minmax``: (x - min) / (max - min), in [0, 1];
    - ``zscore``: (x - mean) / sd, with the population sd;
    - ``rank``: (rank - 1) / (n - 1), average ranks for ties, in [0, 1].

    A criterion on which all candidates are equal gets 0.5 (minmax, rank) or
    0 (zscore). Returns a candidate_id x criterion table.
    """
    if method not in NORMALISATIONS:
        raise ValueError(f"unknown normalisation {method!r} (expected {', '.join(NORMALISATIONS)})")
    _check_selection_inputs(candidates, criteria)
    names = list(criteria["criterion"])
    sign = np.where(criteria["direction"].to_numpy() == "lower_better", -1.0, 1.0)
    values = candidates.set_index("candidate_id")[names].astype(float) * sign
    if method == "rank":
        values = values.rank(method="average")
        low, spread = 1.0, values.shape[0] - 1.0
    elif method == "minmax":
        low, spread = values.min(), values.max() - values.min()
    else:
        low, spread = values.mean(), values.std(ddof=0)
    scaled = values.sub(low).div(spread)
    flat = values.nunique() <= 1
    scaled.loc[:, flat] = _NEUTRAL[method]
    return scaled


def score_candidates(
    candidates: pd.DataFrame, criteria: pd.DataFrame, *, method: str = "minmax", weights: dict | None = None
) -> pd.DataFrame:
    """Weighted multi-criteria score and ranking of candidate clusters.

    1. Eliminatory thresholds (:func:`eliminations`) are applied first.
    2. The remaining candidates are normalised among themselves with
       ``method`` (:func:`normalise_criteria`), so an eliminated outlier
       cannot stretch the scale.
    3. Weights (:func:`effective_weights`) sum to 1; the score is
       S_i = sum_c w_c * x_ic, and the subtotal of a group is the same sum
       restricted to the group's criteria (subtotals add up to the score).
    4. Rank 1 is the highest score; ties share the best rank.

    Eliminated candidates get no score, subtotal or rank (NaN), and the
    failed thresholds in ``elimination_reasons`` (a list of dicts with
    criterion, value, threshold). Returns one row per candidate, sorted by
    rank (eliminated last): the candidate keys present among
    ``candidate_id, name, region, sector``, one subtotal column per criterion
    group (named by the group, in the order of the criteria table),
    ``score, rank, eliminated, elimination_reasons, normalisation``.
    """
    failed = eliminations(candidates, criteria)
    w = effective_weights(criteria, weights)
    ids = candidates["candidate_id"]
    eliminated = ids.isin(failed["candidate_id"]).to_numpy()
    normalised = normalise_criteria(candidates[~eliminated], criteria, method)
    groups = pd.Series(criteria["group"].to_numpy(), index=criteria["criterion"])
    contributions = normalised * w
    subtotals = contributions.T.groupby(groups, sort=False).sum().T
    reasons = {
        cid: rows[["criterion", "value", "threshold"]].to_dict("records")
        for cid, rows in failed.groupby("candidate_id", sort=False)
    }
    keys = [c for c in CANDIDATE_KEYS if c in candidates.columns]
    result = candidates[keys].set_index("candidate_id", drop=False)
    result = result.join(subtotals).assign(score=contributions.sum(axis=1))
    result["rank"] = result["score"].rank(ascending=False, method="min")
    result["eliminated"] = eliminated
    result["elimination_reasons"] = [reasons.get(cid, []) for cid in result.index]
    result["normalisation"] = method
    return result.sort_values("rank", na_position="last", kind="stable").reset_index(drop=True)


def weight_sensitivity(
    candidates: pd.DataFrame,
    criteria: pd.DataFrame,
    n_draws: int = 1000,
    top_k: int = 3,
    spread: float = 0.25,
    seed: int = 0,
    *,
    method: str = "minmax",
    weights: dict | None = None,
) -> pd.DataFrame:
    """How stable is the ranking when the weights move?

    Perturbation: multiplicative log-normal noise on the base weights w
    (:func:`effective_weights`), renormalised to sum to 1:
    w'_dc = w_c * exp(spread * z_dc) / sum_c(...), z_dc ~ N(0, 1), for draws
    d = 1..n_draws. ``spread`` is the standard deviation of the log-weight
    (0.25 moves a weight by about +-25 %); a weight of zero stays zero.

    Scores of all draws are one matrix product, (draws x criteria) @
    (criteria x candidates), over the candidates that pass the eliminatory
    thresholds (eliminated candidates are left out). Within a draw, exact ties
    are broken at random. Returns, per candidate, ``candidate_id`` (and
    ``name`` when present), ``base_rank`` (rank with the base weights,
    :func:`score_candidates`), ``p_top_k`` (share of draws in which it ranks
    in the top ``top_k``; these sum to min(k, number of candidates)) and
    ``mean_rank``, sorted by decreasing ``p_top_k``. The parameters are in
    ``result.attrs``. The same seed gives the same result.
    """
    if n_draws < 1 or top_k < 1 or spread < 0:
        raise ValueError("n_draws and top_k must be at least 1 and spread non-negative")
    base = score_candidates(candidates, criteria, method=method, weights=weights)
    base = base[~base["eliminated"]]
    w = effective_weights(criteria, weights).to_numpy()
    kept = candidates[candidates["candidate_id"].isin(base["candidate_id"])]
    x = normalise_criteria(kept, criteria, method).to_numpy()
    rng = np.random.default_rng(seed)
    draws = w * np.exp(spread * rng.standard_normal((n_draws, len(w))))
    draws /= draws.sum(axis=1, keepdims=True)
    # Rounding turns near-ties from floating-point noise into exact ties,
    # which the random second key then breaks fairly.
    scores = np.round(draws @ x.T, 12)
    order = np.lexsort((rng.random(scores.shape), -scores), axis=1)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, order.shape[1] + 1), axis=1)
    keys = [c for c in ("candidate_id", "name") if c in kept.columns]
    result = kept[keys].assign(p_top_k=(ranks <= top_k).mean(axis=0), mean_rank=ranks.mean(axis=0))
    result = result.merge(base[["candidate_id", "rank"]], on="candidate_id").rename(columns={"rank": "base_rank"})
    result = result[[*keys, "base_rank", "p_top_k", "mean_rank"]].sort_values(
        ["p_top_k", "mean_rank"], ascending=[False, True], kind="stable"
    )
    result.attrs = {
        "n_draws": n_draws,
        "top_k": top_k,
        "spread": spread,
        "seed": seed,
        "normalisation": method,
        "perturbation": "lognormal",
    }
    return result.reset_index(drop=True)


def criteria_table(criteria: pd.DataFrame, names: dict[str, str], weights: dict | None = None) -> pd.DataFrame:
    """The criteria as the report shows them: ``criterion`` (its name from ``names``), ``group``,
    ``direction``, the ``weight`` used (:func:`effective_weights`) and ``min_threshold``."""
    thresholds = criteria["min_threshold"] if "min_threshold" in criteria else pd.Series(np.nan, index=criteria.index)
    return pd.DataFrame(
        {
            "criterion": [names[c] for c in criteria["criterion"]],
            "group": criteria["group"],
            "direction": criteria["direction"],
            "weight": effective_weights(criteria, weights).to_numpy(),
            "min_threshold": thresholds,
        }
    )


def elimination_table(ranking: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """One row per failed threshold of the eliminated candidates of :func:`score_candidates`:
    ``candidate_id, name, criterion`` (its name from ``names``), ``value, threshold``."""
    out = ranking[ranking["eliminated"]]
    return pd.DataFrame(
        [
            {
                "candidate_id": row["candidate_id"],
                "name": row["name"],
                "criterion": names[reason["criterion"]],
                "value": reason["value"],
                "threshold": reason["threshold"],
            }
            for _, row in out.iterrows()
            for reason in row["elimination_reasons"]
        ],
        columns=["candidate_id", "name", "criterion", "value", "threshold"],
    )


def sensitivity_groups(
    sensitivity: pd.DataFrame, robust_from: float = 0.9, uncertain_above: float = 0.1
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The candidates of :func:`weight_sensitivity` that stay in the top k in at least
    ``robust_from`` of the draws (robust), and those whose place there is uncertain (strictly
    between ``uncertain_above`` and ``robust_from``)."""
    p = sensitivity["p_top_k"]
    return sensitivity[p >= robust_from], sensitivity[(p > uncertain_above) & (p < robust_from)]


SENSITIVITY_LABELS = {
    "x": "Probability of ranking in the top {k}",
    "title": "Stability of the ranking ({n} weight draws)",
}


@house_figure
def sensitivity_chart(sensitivity: pd.DataFrame, labels: dict | None = None) -> Figure:
    """Horizontal bar chart of P(top k) from :func:`weight_sensitivity`.

    ``labels`` overrides :data:`SENSITIVITY_LABELS`; ``{k}`` and ``{n}`` are
    replaced by the top k and the number of draws.
    """
    text = merge_labels(SENSITIVITY_LABELS, labels)
    k, n = sensitivity.attrs.get("top_k", ""), sensitivity.attrs.get("n_draws", "")
    names = sensitivity["name"] if "name" in sensitivity else sensitivity["candidate_id"]
    fig = Figure(figsize=(PRINT_WIDTH, 1.3 + 0.3 * len(sensitivity)), layout="constrained")
    ax = fig.subplots()
    ax.barh([str(v) for v in names], sensitivity["p_top_k"], color=PALETTE[3])
    ax.yaxis.grid(False)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel(text["x"].format(k=k, n=n))
    ax.set_title(text["title"].format(k=k, n=n))
    return fig


# --------------------------------------------------------------------------
# Orientation presets
# --------------------------------------------------------------------------


def selection_presets() -> dict:
    """The orientation presets shipped in ``catalogues/selection_presets.yaml``."""
    source = resources.files("clusterkit.catalogues").joinpath("selection_presets.yaml")
    return yaml.safe_load(source.read_text(encoding="utf-8"))["presets"]


def _preset(preset: str) -> dict:
    presets = selection_presets()
    if preset not in presets:
        raise ValueError(f"unknown preset {preset!r} (expected {', '.join(presets)})")
    return presets[preset]


def preset_criteria(preset: str) -> pd.DataFrame:
    """The criteria a preset suggests, as a table: ``criterion, group,
    direction, unit, label_fr, label_en, sources`` (sources as
    "bibkey l. lines" separated by "; ")."""
    rows = _preset(preset)["criteria"]
    return pd.DataFrame(
        {
            "criterion": [r["criterion"] for r in rows],
            "group": [r["group"] for r in rows],
            "direction": [r["direction"] for r in rows],
            "unit": [r["unit"] for r in rows],
            "label_fr": [r["label"]["fr"] for r in rows],
            "label_en": [r["label"]["en"] for r in rows],
            "sources": ["; ".join(f"{s['ref']} l. {s['lines']}" for s in r["sources"]) for r in rows],
        }
    )


def apply_preset(criteria: pd.DataFrame, preset: str) -> pd.DataFrame:
    """Reweight a team's criteria table with a preset's group weights.

    Each criterion keeps its share within its group:
    w'_c = G_g * w_c / sum_{c' in g} w_c', with G_g the preset weight of
    the criterion's group g. Groups of the preset that the team does not use
    have their weight shared out in proportion (the new weights are divided
    by their sum, so they sum to 1). Returns a copy of ``criteria`` with the
    new ``weight`` column.
    """
    require_columns(criteria, ("criterion", "weight", "group"), "criteria")
    group_weights = _preset(preset)["group_weights"]
    unknown = sorted(set(criteria["group"]) - set(group_weights))
    if unknown:
        raise ValueError(f"preset {preset!r} has no weight for group {', '.join(unknown)}")
    within = criteria["weight"] / criteria.groupby("group")["weight"].transform("sum")
    weight = within * criteria["group"].map(group_weights)
    return criteria.assign(weight=weight / weight.sum())


def criterion_labels(criteria: pd.DataFrame, lang: str, workbook_lang: str) -> dict[str, str]:
    """How a report names each criterion.

    In the workbook's own language, the team's ``label``. In the other language the team's words
    would be foreign, so the catalogue's ``label.<criterion>``, else the preset catalogue's label,
    else the criterion key.
    """
    if lang == workbook_lang and "label" in criteria.columns:
        return dict(zip(criteria["criterion"], criteria["label"]))
    presets = {
        row["criterion"]: row["label"][lang] for preset in selection_presets().values() for row in preset["criteria"]
    }
    return {
        c: i18n.t(f"label.{c}", lang) if i18n.has(f"label.{c}") else presets.get(c, c) for c in criteria["criterion"]
    }
