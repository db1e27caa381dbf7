"""The message catalogue: complete in both languages, placeholders consistent, local number formats."""

import datetime as dt
import string

import pytest

from clusterkit import i18n
from clusterkit.schema import ENUMS, SHEETS


def _placeholders(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(i18n.catalogue()))
def test_every_key_has_both_languages_with_the_same_placeholders(key):
    entry = i18n.catalogue()[key]
    assert set(entry) == {"fr", "en"}
    assert entry["fr"].strip() and entry["en"].strip()
    assert _placeholders(entry["fr"]) == _placeholders(entry["en"])


def test_schema_strings_are_all_in_the_catalogue():
    for key, sheet in SHEETS.items():
        assert i18n.has(f"sheet.{key}") and i18n.has(f"doc.sheet.{key}")
        for column in sheet.columns:
            assert i18n.has(f"col.{column.key}") and i18n.has(f"doc.{column.key}"), column.key
    for name, values in ENUMS.items():
        for value in values:
            assert i18n.has(f"enum.{name}.{value}"), (name, value)


def test_numbers_and_dates_follow_each_language():
    assert i18n.number(1234.5, "fr") == "1\u202f234,5"
    assert i18n.number(1234.5, "en") == "1,234.5"
    assert i18n.number(1234, "fr", 0) == "1\u202f234"
    assert i18n.percent(0.445, "en") == "44%"  # half-even rounding, as Babel does
    assert i18n.percent(0.45, "fr") == "45\xa0%"  # CLDR: a no-break space before %
    assert i18n.date(dt.date(2026, 11, 21), "fr") == "21 nov. 2026"
    assert i18n.date(dt.date(2026, 11, 21), "en") == "Nov 21, 2026"
    assert i18n.number(float("nan"), "en") == "–"


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="unsupported language 'de'"):
        i18n.t("run.done", "de", step="x")
