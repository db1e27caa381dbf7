"""Step 5's indicator catalogue: the indicator lists and batteries of the source, shipped as
``catalogues/indicators.yaml``, and how a unit or a group is read (share, count, women…).

Document 000, §3.3 (G. Ceglie, l. 3709-4185) gives the lists; the code reads the YAML, and the
book renders its tables from it, so each list is written once.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
import yaml

from ... import i18n
from ...errors import InputError
from ...i18n import t
from ...schema import ENUMS, SHEETS
from ...workbook import normalise

REACH_KINDS = ("firms", "people", "institutions", "leaders")
UNIT_KINDS = ("count", "share", "score", "amount", "yes_no")


# --------------------------------------------------------------------------------------------
# The catalogue
# --------------------------------------------------------------------------------------------
@cache
def _catalogue_file() -> dict:
    text = resources.files("clusterkit.catalogues").joinpath("indicators.yaml").read_text("utf-8")
    return yaml.safe_load(text)


@cache
def _catalogue_frame() -> pd.DataFrame:
    rows = []
    for entry in _catalogue_file()["indicators"]:
        row = {
            k: entry.get(k)
            for k in (
                "key",
                "list",
                "level",
                "dimension",
                "battery",
                "unit_kind",
                "frequency",
                "disaggregation",
                "baseline_key",
                "reach",
            )
        }
        for name in ("name", "unit", "definition", "data_source"):
            for lang in i18n.LANGUAGES:
                row[f"{name}_{lang}"] = entry[name][lang]
        row["document"], row["lines"] = entry["source"]["document"], str(entry["source"]["lines"])
        rows.append(row)
    return pd.DataFrame(rows).astype("str")


@cache
def catalogue_entries() -> pd.DataFrame:
    """The catalogue indexed by its ``key`` (one frame, shared: read it, do not change it)."""
    return _catalogue_frame().set_index("key")


def catalogue() -> pd.DataFrame:
    """Every built-in indicator, one row per key: its list, level, dimension, battery, unit kind,
    names, units, definitions and suggested data sources in both languages (``name_fr``,
    ``name_en``…), frequency, disaggregation, ``baseline_key``, ``reach``, ``document`` and ``lines``."""
    return _catalogue_frame().copy()


def catalogue_lists() -> pd.DataFrame:
    """The indicator lists of the source: ``list``, ``name_fr``, ``name_en``, ``document``, ``lines``."""
    return pd.DataFrame(
        [
            {
                "list": key,
                "name_fr": item["name"]["fr"],
                "name_en": item["name"]["en"],
                "document": item["source"]["document"],
                "lines": str(item["source"]["lines"]),
            }
            for key, item in _catalogue_file()["lists"].items()
        ]
    )


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
        raise InputError(
            t("monitoring.add.unknown_battery", lang, battery=battery, batteries=", ".join(ENUMS["battery"]))
        )
    entries = _catalogue_frame()
    entries = entries[entries["battery"] == battery].reset_index(drop=True)
    empty_text = pd.Series(pd.NA, index=entries.index, dtype="str")
    frame = pd.DataFrame(
        {
            "indicator_id": entries["key"],
            "name": entries[f"name_{lang}"],
            "level": entries["level"],
            "dimension": entries["dimension"],
            "battery": entries["battery"],
            "unit": entries[f"unit_{lang}"],
            "baseline": np.nan,
            "baseline_date": pd.NaT,
            "target": np.nan,
            "target_date": pd.NaT,
            "source": entries[f"data_source_{lang}"],
            "frequency": entries["frequency"],
            "responsible": empty_text,
            "disaggregation": entries["disaggregation"],
            "action_id": empty_text,
            "catalogue_key": entries["key"],
        }
    )
    frame[["baseline_date", "target_date"]] = frame[["baseline_date", "target_date"]].astype("datetime64[ns]")
    return frame[[c.key for c in SHEETS["indicators"].columns]]


def catalogue_table(lang: str, followed: set[str] = frozenset()) -> pd.DataFrame:
    """The catalogue as a reader's table in ``lang``: name, list, level, dimension, battery, unit
    and whether the team already follows it (``true``/``false``). Keys and source lines stay in the
    catalogue file, for maintainers: readers get the section in the chapter's citation."""
    lang = i18n.check_lang(lang)
    entries = _catalogue_frame()
    lists = catalogue_lists().set_index("list")[f"name_{lang}"]
    return pd.DataFrame(
        {
            "name": entries[f"name_{lang}"],
            "indicator_list": entries["list"].map(lists),
            "level": entries["level"],
            "dimension": entries["dimension"],
            "battery": entries["battery"],
            "unit": entries[f"unit_{lang}"],
            "followed": entries["key"].isin(followed).map({True: "true", False: "false"}).astype("str"),
        }
    )


# --------------------------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------------------------
@cache
def _words(group: str) -> dict[str, set[str]]:
    return {kind: {normalise(w) for w in words} for kind, words in _catalogue_file()[group].items()}


def unit_kind(unit) -> str:
    """How a unit is read: ``share`` (``%``, part, ratio…), ``score`` (note 1-5), ``amount`` (a
    currency), ``yes_no``, else ``count``. The whole unit or its first word decides."""
    text = normalise(unit) if isinstance(unit, str) else ""
    first = text.split(" ")[0] if text else ""
    for kind, words in _words("unit_words").items():
        if text in words or first in words:
            return kind
    return "count"


def reach_kind(unit) -> str | None:
    """What a count reaches, from its unit: firms, people, institutions or leaders; else None."""
    text = normalise(unit) if isinstance(unit, str) else ""
    first = text.split(" ")[0] if text else ""
    return next((kind for kind, words in _words("reach_words").items() if first in words), None)


@cache
def _women_groups() -> frozenset[str]:
    return frozenset(normalise(g) for g in _catalogue_file()["women_groups"])


def is_women_group(group) -> bool:
    """True for the ``group`` values that stand for women (f, femmes, women…)."""
    return isinstance(group, str) and normalise(group) in _women_groups()


def indicator_names(indicators: pd.DataFrame, lang: str, workbook_lang: str) -> dict[str, str]:
    """How a report names each indicator: the team's name in the workbook's own language; in the
    other language, the catalogue's name when the indicator comes from the catalogue."""
    names = dict(zip(indicators["indicator_id"], indicators["name"]))
    if lang != workbook_lang:
        catalogue_names = catalogue_entries()[f"name_{lang}"]
        for ident, key in zip(indicators["indicator_id"], indicators["catalogue_key"]):
            if isinstance(key, str) and key in catalogue_names.index:
                names[ident] = catalogue_names[key]
    return names
