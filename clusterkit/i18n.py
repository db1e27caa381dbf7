"""One message catalogue, in French and English, for everything clusterkit shows.

Strings live in ``catalogues/messages.yaml`` as ``key: {fr: ..., en: ...}``; numbers and dates
are formatted with Babel so that each language follows its own conventions
(``1 234,5`` in French, ``1,234.5`` in English).

A count takes its noun's plural by the language's CLDR rule: in a message, ``{stars:étoile|étoiles}``
gives "1 étoile", "0 étoile", "3 étoiles" in French and ``{stars:star|stars}`` "0 stars" in English
(forms ``one|other``; see :func:`counted`).
"""

from __future__ import annotations

import datetime as _dt
import math
import string
from functools import cache
from importlib import resources

import yaml
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent, parse_decimal

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


class _Messages(string.Formatter):
    """Fills placeholders; ``{n:one|other}`` writes the count ``n`` with its noun (:func:`counted`)."""

    def __init__(self, lang: str):
        self.lang = lang

    def format_field(self, value, format_spec):
        if "|" in format_spec:
            return counted(value, format_spec.split("|"), self.lang)
        return super().format_field(value, format_spec)


def t(key: str, lang: str = DEFAULT_LANG, /, **values) -> str:
    """The message ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``."""
    entry = catalogue()[key]
    lang = check_lang(lang)
    text = entry[lang]
    return _Messages(lang).format(text, **values) if values else text


def counted(count, forms, lang: str = DEFAULT_LANG) -> str:
    """``count`` and its noun, the form chosen by the CLDR plural rule of ``lang``.

    ``forms`` is ``(one, other)``: French takes "one" for 0 and 1 (0 étoile, 1 étoile), English
    for 1 only (0 stars, 1 star); any other category (French "many", for millions) takes "other".
    ``count`` may already be written in ``lang`` ("1 234"), as a report's values often are.
    """
    lang = check_lang(lang)
    one, other = forms
    written = count if isinstance(count, str) else number(count, lang, 0)
    value = parse_decimal(count, locale=lang, strict=False) if isinstance(count, str) else count
    return f"{written} {one if Locale.parse(lang).plural_form(abs(value)) == 'one' else other}"


def has(key: str) -> bool:
    return key in catalogue()


def number(value, lang: str = DEFAULT_LANG, decimals: int = 1, fixed: bool = False) -> str:
    """A number written the way readers of ``lang`` expect, with up to ``decimals`` decimals (exactly
    that many when ``fixed``, so that a column keeps one precision); missing values give an en dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    pattern = "#,##0" + ("." + ("0" if fixed else "#") * decimals if decimals > 0 else "")
    return format_decimal(value, format=pattern, locale=check_lang(lang))


def percent(value, lang: str = DEFAULT_LANG, decimals: int = 0) -> str:
    """A share (0.45) written as a percentage (45 %, 45%)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    pattern = Locale.parse(check_lang(lang)).percent_formats[None].pattern  # "#,##0 %" in French
    if decimals > 0:
        pattern = pattern.replace("#,##0", "#,##0." + "0" * decimals, 1)
    return format_percent(value, format=pattern, locale=check_lang(lang))


def amount(value, currency: str, lang: str = DEFAULT_LANG) -> str:
    """An amount in whole units of the workbook's currency (12 500 000 EUR / 12,500,000 EUR)."""
    written = number(value, lang, 0)
    return f"{written}\u00a0{currency}" if currency and written != "–" else written


def date(value, lang: str = DEFAULT_LANG) -> str:
    """A date in the one form reports use: the medium form of ``lang`` (21 nov. 2026 / Nov 21, 2026),
    the first of a month as French writes it (1er sept. 2026)."""
    if value is None or value != value:  # None, NaT
        return "–"
    if isinstance(value, _dt.datetime):  # also pandas Timestamps
        value = value.date()
    pattern = "d'er' MMM y" if check_lang(lang) == "fr" and value.day == 1 else "medium"
    return format_date(value, format=pattern, locale=check_lang(lang))
