"""One message catalogue, in French and English, for everything clusterkit shows.

Strings live in ``catalogues/messages.yaml`` as ``key: {fr: ..., en: ...}``; numbers and dates
are formatted with Babel so that each language follows its own conventions
(``1 234,5`` in French, ``1,234.5`` in English).
"""
from __future__ import annotations

import datetime as _dt
import math
from functools import cache
from importlib import resources

import yaml
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

LANGUAGES = ("fr", "en")
DEFAULT_LANG = "fr"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """The whole catalogue, loaded once."""
    text = resources.files("clusterkit.catalogues").joinpath("messages.yaml").read_text("utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # C loader: 10x faster


def check_lang(lang: str | None) -> str:
    """Return a supported language code; unknown codes are an error, None means the default."""
    if lang is None or lang == "":
        return DEFAULT_LANG
    code = str(lang).strip().lower()
    if code not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}: use 'fr' or 'en' / langue non prise en charge")
    return code


def t(key: str, lang: str = DEFAULT_LANG, /, **values) -> str:
    """The message ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``."""
    entry = catalogue()[key]
    text = entry[check_lang(lang)]
    return text.format(**values) if values else text


def has(key: str) -> bool:
    return key in catalogue()


def number(value, lang: str = DEFAULT_LANG, decimals: int = 1) -> str:
    """A number written the way readers of ``lang`` expect; missing values give an en dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    pattern = "#,##0" + ("." + "#" * decimals if decimals > 0 else "")
    return format_decimal(value, format=pattern, locale=check_lang(lang))


def percent(value, lang: str = DEFAULT_LANG, decimals: int = 0) -> str:
    """A share (0.45) written as a percentage (45 %, 45%)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    pattern = Locale.parse(check_lang(lang)).percent_formats[None].pattern  # "#,##0 %" in French
    if decimals > 0:
        pattern = pattern.replace("#,##0", "#,##0." + "0" * decimals, 1)
    return format_percent(value, format=pattern, locale=check_lang(lang))


def date(value, lang: str = DEFAULT_LANG) -> str:
    """A date in the medium form of ``lang`` (21 nov. 2026 / Nov 21, 2026)."""
    if value is None or value != value:  # None, NaT
        return "–"
    if isinstance(value, _dt.datetime):  # also pandas Timestamps
        value = value.date()
    return format_date(value, format="medium", locale=check_lang(lang))
