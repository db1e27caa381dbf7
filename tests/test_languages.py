"""Every template speaks one language at a time: no French string in an English report, nor the reverse.

Each template is run in both languages on the example; the text of each report (HTML without
markup, tables workbook) is scanned for the catalogue's strings of the other language.
"""

import re
import string
from html.parser import HTMLParser

import openpyxl
import pytest

import clusterkit
from clusterkit import i18n
from clusterkit.running.templates import available_template
from clusterkit.schema import STEPS

STEPS_WITH_TEMPLATES = [s for s in STEPS if available_template(s)]
# Fragments of two words or more and 14 characters at least: single words ("Total", "impact",
# "sous-traitance") are shared by both languages or appear in the example's own French data.
MIN_FRAGMENT = 14


def fragments(lang):
    """Literal pieces of the catalogue's ``lang`` strings that differ from the other language."""
    other = "en" if lang == "fr" else "fr"
    found = set()
    for key, entry in i18n.catalogue().items():
        if key.startswith("exercise.example."):  # translations of the example's own data, which reports show as typed
            continue
        if entry[lang].strip().lower() == entry[other].strip().lower():
            continue
        for literal, *_ in string.Formatter().parse(entry[lang]):
            for piece in re.split(r"<[^>]+>|[\n«»\"'’:;()]", literal or ""):
                piece = " ".join(piece.split())
                if len(piece) >= MIN_FRAGMENT and " " in piece and piece.lower() not in entry[other].lower():
                    found.add(piece)
    return found


class Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("style", "script")
        self.parts += [v for k, v in attrs if k == "alt" and v]

    def handle_endtag(self, tag):
        self.skip -= tag in ("style", "script")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


@pytest.fixture(scope="module", params=STEPS_WITH_TEMPLATES)
def reports(request, tmp_path_factory):
    step = request.param
    runs = {}
    for lang in i18n.LANGUAGES:
        result = clusterkit.run(step, out_dir=tmp_path_factory.mktemp(f"{step}-{lang}"), lang=lang)
        parser = Text()
        parser.feed(result.html.read_text(encoding="utf-8"))
        text = " ".join(" ".join(parser.parts).split())
        if result.tables:
            book = openpyxl.load_workbook(result.tables, read_only=True)
            cells = [book.sheetnames] + [
                [c for row in ws.iter_rows(values_only=True) for c in row] for ws in book.worksheets
            ]
            text += " " + " ".join(str(c) for group in cells for c in group if isinstance(c, str))
        runs[lang] = text
    return step, runs


def test_no_string_of_the_other_language(reports):
    step, runs = reports
    for lang, other in (("en", "fr"), ("fr", "en")):
        leaks = sorted(f for f in fragments(other) if re.search(rf"(?<!\w){re.escape(f)}(?!\w)", runs[lang]))
        assert leaks == [], f"{step} in {lang} shows {other} text: {leaks[:10]}"


def test_the_scan_would_see_a_leak():
    """The check itself works: a French sentence of the catalogue is found in a text that holds it."""
    sentence = i18n.t("diagnostic.profile.size_text", "fr")
    assert any(f in sentence for f in fragments("fr"))
    assert not any(f in i18n.t("diagnostic.profile.size_text", "en") for f in fragments("fr"))
