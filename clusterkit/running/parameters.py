"""What a template parameter accepts beyond its JSON kind: choices, bounds, whole numbers, the
length of a list, the keys of an object, and the order of two thresholds. Checked with the kind by
:func:`clusterkit.running.templates.check_parameters`, before any kernel runs: a value outside its
domain is bad input (exit 2, a message in the user's language naming the parameter and what it
takes), not a template that failed deep in a step function.

The choices repeat the step modules' own constants (``selection.NORMALISATIONS``, the presets,
``monitoring.REACH_KINDS``) so that checking a parameter imports no step; a test keeps them equal.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .. import i18n
from ..errors import InputError
from ..i18n import t


@dataclass(frozen=True)
class Domain:
    """The values a parameter accepts. For a list or an object, the bounds apply to each value."""

    choices: tuple[str, ...] = ()  # a text among these ("" when the parameter may be left empty)
    low: float | None = None  # numbers at least this
    high: float | None = None  # numbers at most this
    whole: bool = False  # whole numbers only
    size: int | None = None  # a list of exactly this many values
    or_empty: bool = False  # or an empty list (the template then chooses)
    increasing: bool = False  # a list's values each greater than the one before
    keys: tuple[str, ...] = ()  # an object's keys among these
    at_most: str = ""  # another parameter of the step this one may not exceed


DOMAINS: dict[str, dict[str, Domain]] = {
    "selection": {
        "preset": Domain(choices=("", "competitiveness", "pro_poor")),
        "weights": Domain(low=0),
        "normalisation": Domain(choices=("minmax", "zscore", "rank")),
        "draws": Domain(low=1, whole=True),
        "top_k": Domain(low=1, whole=True),
        "spread": Domain(low=0),
        "seed": Domain(low=0, whole=True),
        "basis": Domain(choices=("", "employment", "firms")),
        "mapping_years": Domain(size=2, whole=True, or_empty=True),
        "star_size_quantile": Domain(low=0, high=1),
        "star_lq": Domain(low=0),
        "star_focus_quantile": Domain(low=0, high=1),
        "top_cells": Domain(low=1, whole=True),
        "heatmap_size": Domain(low=1, whole=True),
    },
    "diagnostic": {
        "size_bounds": Domain(size=3, increasing=True, low=1, whole=True),
        "interview_sample_size": Domain(low=1, whole=True),
        "interview_seed": Domain(low=0, whole=True),
        "swot_top": Domain(low=1, whole=True),
        "bds_min_users": Domain(low=0, whole=True),
        "bds_min_satisfaction": Domain(low=1, high=5),
        "broker_min_betweenness": Domain(low=0, high=1),
        "poorest_strata": Domain(low=1, whole=True),
    },
    "plan": {
        "priority_threshold": Domain(low=1, high=5),
        "capacity": Domain(low=0, whole=True),
        "subsidy_schedule": Domain(low=0, high=1),
        "document_year": Domain(low=0, whole=True),
    },
    "monitoring": {
        "at_risk_below": Domain(low=0, high=1),
        "off_track_below": Domain(low=0, high=1, at_most="at_risk_below"),
        "community": Domain(keys=("firms", "people", "institutions", "leaders"), low=1, whole=True),
    },
    "competency": {
        "gap_threshold": Domain(low=0),
        "plan_size": Domain(low=1, whole=True),
        "plan_target": Domain(low=1, high=5),
    },
}


def check_domains(step: str, values: dict, given: dict, lang: str) -> None:
    """Raise :class:`InputError` for the first parameter of ``given`` outside its domain, or a
    threshold above the one it may not exceed; ``values``: every parameter's value in the run
    (given, else the template's default)."""
    domains = DOMAINS.get(step, {})
    for name, value in given.items():
        if name in domains and not _inside(value, domains[name]):
            raise InputError(
                t(
                    "run.parameter_domain",
                    lang,
                    name=name,
                    step=step,
                    expected=expected(domains[name], lang, value),
                    value=json.dumps(value, ensure_ascii=False),
                )
            )
    for name, domain in domains.items():
        if domain.at_most and (name in given or domain.at_most in given):
            value, limit = values[name], values[domain.at_most]
            if value > limit:
                raise InputError(
                    t(
                        "run.parameter_at_most",
                        lang,
                        name=name,
                        step=step,
                        value=_shown(value, lang),
                        other=domain.at_most,
                        limit=_shown(limit, lang),
                    )
                )


def check_against_workbook(step: str, given: dict, workbook, lang: str) -> None:
    """The parameters whose domain is the workbook's own: the selection's weight overrides name
    criteria of its criteria sheet and leave at least one criterion weighing something."""
    weights = given.get("weights") if step == "selection" else None
    if not weights or not workbook.has("criteria"):
        return
    sheet = dict(zip(workbook["criteria"]["criterion"], workbook["criteria"]["weight"]))
    unknown = [name for name in weights if name not in sheet]
    if unknown:
        raise InputError(t("run.weights.unknown", lang, names=", ".join(unknown), criteria=", ".join(map(str, sheet))))
    if not any(weight > 0 for weight in (sheet | weights).values()):
        raise InputError(t("run.weights.all_zero", lang))


def _inside(value, domain: Domain) -> bool:
    if domain.choices:
        return value in domain.choices
    if isinstance(value, dict):
        return (not domain.keys or set(value) <= set(domain.keys)) and all(
            _number_inside(v, domain) for v in value.values()
        )
    if isinstance(value, list):
        if domain.size is not None and len(value) != domain.size and not (domain.or_empty and not value):
            return False
        if not all(_number_inside(v, domain) for v in value):
            return False
        return not domain.increasing or all(a < b for a, b in zip(value, value[1:]))
    return _number_inside(value, domain)


def json_kind(value) -> str:
    """text, number (whole or not), bool, list, object or null."""
    if isinstance(value, bool) or value is None:
        return "bool" if value is not None else "null"
    if isinstance(value, (int, float)):
        return "number"
    return {str: "text", list: "list", dict: "object"}[type(value)]


def _number_inside(value, domain: Domain) -> bool:
    return (
        json_kind(value) == "number"
        and (domain.low is None or value >= domain.low)
        and (domain.high is None or value <= domain.high)
        and (not domain.whole or float(value).is_integer())
    )


def expected(domain: Domain, lang: str, value=None) -> str:
    """What ``domain`` accepts, in words of ``lang``, for a parameter of ``value``'s kind."""
    if domain.choices:
        shown = [f"« {c} »" if lang == "fr" else f"'{c}'" for c in domain.choices if c]
        key = "run.domain.choices_or_empty" if "" in domain.choices else "run.domain.choices"
        return t(key, lang, choices=", ".join(shown))
    each = _number_words(domain, lang)
    if domain.at_most:
        each += t("run.domain.at_most", lang, other=domain.at_most)
    if isinstance(value, dict):
        if domain.keys:
            return t("run.domain.object_keys", lang, keys=", ".join(domain.keys), each=each)
        return t("run.domain.object", lang, each=each)
    if isinstance(value, list):
        if domain.size is not None:
            key = "run.domain.increasing_list" if domain.increasing else "run.domain.sized_list"
            words = t(key, lang, size=domain.size, each=each)
            return words + t("run.domain.or_empty", lang) if domain.or_empty else words
        return t("run.domain.list", lang, each=each)
    return each


def _number_words(domain: Domain, lang: str) -> str:
    kind = "whole" if domain.whole else "number"
    if domain.low is not None and domain.high is not None:
        bounds = "between"
    elif domain.low is not None:
        bounds = "at_least"
    else:
        bounds = "any"
    return t(f"run.domain.{kind}.{bounds}", lang, low=_shown(domain.low, lang), high=_shown(domain.high, lang))


def _shown(value, lang: str) -> str:
    return "" if value is None else i18n.number(value, lang, decimals=3)
