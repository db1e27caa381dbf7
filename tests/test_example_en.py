"""The example cluster in English: same cluster and numbers as the French one, the team's texts in English,
used wherever the packaged example is used in an English run."""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pandas as pd
import pytest

import clusterkit
import clusterkit.workbook
from clusterkit import questionnaire
from clusterkit.cli import main
from clusterkit.documents.report import Report
from clusterkit.examples import build_example
from clusterkit.exercises import plan_prioritisation_widget, swot_sorting_widget
from clusterkit.running import pack as pack_module
from clusterkit.workbook import WorkbookError, example_path, read_workbook, write_workbook

# The columns a team types its own words in, by sheet; every other column is a number, a date, an
# identifier or an enumeration value, and must not change with the language.
TRANSLATED = {
    "employment": {"sector"},
    "candidates": {"name", "sector"},
    "criteria": {"label"},
    "enterprises": {"name", "owner_stratum", "main_product"},
    "actors": {"name"},
    "swot": {"statement"},
    "services": {"service"},
    "vision": {"statement"},
    "objectives": {"statement"},
    "actions": {"title", "status_note"},
    "indicators": {"name", "unit", "source", "responsible"},
    "measurements": {"note"},
    "competencies": {"evidence"},
    "narratives": {"text"},
}
# Names of people and places may keep their accents.
NAME_COLUMNS = {
    ("enterprises", "name"),
    ("actors", "name"),
    ("competencies", "person"),
    ("employment", "region"),
    ("candidates", "region"),
}
FRENCH_WORDS = {
    "le",
    "la",
    "les",
    "des",
    "du",
    "de",
    "et",
    "pour",
    "avec",
    "aux",
    "une",
    "dans",
    "sur",
    "leur",
    "est",
    "sont",
    "entreprises",
    "fictif",
    "fictive",
}
# Words that are the same in both languages: units, and a buyer's trade name.
SAME_IN_BOTH = {"%", "EUR", "ratio", "services", "actions", "Ventoux Import"}
ACCENTS = re.compile("[àâäçéèêëîïôöûùüÿœæ]", re.IGNORECASE)
ELISION = re.compile(r"\b[ldjnqs]'\w", re.IGNORECASE)  # l'emploi, d'art, qu'il...


@pytest.fixture(scope="module")
def french():
    return build_example()


@pytest.fixture(scope="module")
def english():
    return build_example(lang="en")


def _cluster(frames):
    return dict(zip(frames["cluster"]["key"], frames["cluster"]["value"]))


def test_english_example_has_the_french_numbers_dates_and_enumerations(french, english):
    assert english.keys() == french.keys()
    for sheet, frame in french.items():
        assert list(english[sheet].columns) == list(frame.columns), sheet
        assert len(english[sheet]) == len(frame), sheet
        for column in frame.columns:
            if column in TRANSLATED.get(sheet, ()) or (sheet, column) == ("cluster", "value"):
                continue
            pd.testing.assert_series_equal(english[sheet][column], frame[column], obj=f"{sheet}.{column}")
    fr, en = _cluster(french), _cluster(english)
    assert {k: v for k, v in en.items() if k not in ("name", "country", "sector", "note", "language")} == {
        k: v for k, v in fr.items() if k not in ("name", "country", "sector", "note", "language")
    }
    assert (fr["language"], en["language"]) == ("fr", "en")
    assert en["region"] == "Tamsa" and en["facilitator"] == "Nadia Benslimane"


def test_every_text_of_the_english_example_is_translated(french, english):
    for sheet, columns in TRANSLATED.items():
        for column in columns:
            fr, en = french[sheet][column], english[sheet][column]
            assert fr.isna().equals(en.isna()), f"{sheet}.{column}"
            same = set(fr[fr.notna() & (fr == en)])
            assert same <= SAME_IN_BOTH, (sheet, column, same)
    assert english["vision"]["statement"].iloc[0].startswith("By 2028, Tamsa's firms sell under a shared brand")
    assert english["enterprises"].set_index("enterprise_id").loc["E01", "name"] == "Ndiaye Footwear Works"
    assert french["enterprises"].set_index("enterprise_id").loc["E01", "name"] == "Manufacture Ndiaye"
    assert set(english["enterprises"]["owner_stratum"]) == {
        "industrialist",
        "trader",
        "precarious artisan",
        "established artisan",
        "medium entrepreneur",
    }
    units = dict(zip(english["indicators"]["indicator_id"], english["indicators"]["unit"]))
    assert (units["I01"], units["I02"], units["I18"], units["I21"]) == (
        "meetings",
        "people",
        "score 1-5",
        "EUR per month",
    )
    assert _cluster(english)["name"] == "Tamsa leather and footwear cluster (fictional)"
    # the cluster's sector is one of the mapping data's sectors in English too
    assert _cluster(english)["sector"] in set(english["employment"]["sector"])


def test_no_text_cell_of_the_english_example_is_french(english):
    found = []
    for sheet, frame in english.items():
        for column in frame.columns:
            for value in frame[column].dropna().unique():
                if not isinstance(value, str):
                    continue
                words = {w.lower() for w in re.findall(r"[^\W\d_]+", value)}
                accented = (sheet, column) not in NAME_COLUMNS and ACCENTS.search(value)
                if words & FRENCH_WORDS or ELISION.search(value) or accented:
                    found.append((sheet, column, value))
    assert found == []


def test_the_checker_finds_french_words():
    """The word list of the test above does catch French."""
    french = build_example()
    words = {w.lower() for w in re.findall(r"[^\W\d_]+", french["vision"]["statement"].iloc[0])}
    assert words & FRENCH_WORDS
    assert ELISION.search("Part des femmes dans l'emploi") and ACCENTS.search("Réunions")


def test_the_numbers_survive_the_english_workbook(tmp_path, english):
    """Written with English headers and read back, the English example gives the French example's values."""
    path = write_workbook(english, tmp_path / "example.xlsx", "en")
    book = read_workbook(path)
    assert book.lang == "en" and book.name == "Tamsa leather and footwear cluster (fictional)"
    french = read_workbook(example_path())
    for sheet in ("measurements", "actions", "relations", "enterprises", "employment"):
        kept = [c for c in french[sheet].columns if c not in TRANSLATED.get(sheet, ())]
        pd.testing.assert_frame_equal(book[sheet][kept], french[sheet][kept], obj=sheet)


def _contents(path):
    """The parts of an .xlsx file, less the creation time in docProps/core.xml."""
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_shipped_examples_are_the_generator_output(tmp_path, lang):
    fresh = write_workbook(build_example(lang=lang), tmp_path / "fresh.xlsx", lang)
    assert _contents(example_path(lang)) == _contents(fresh)


def test_example_path_by_language():
    assert example_path().name == example_path("fr").name == "example_cluster.xlsx"
    assert example_path("en").name == "example_cluster_en.xlsx"
    assert example_path("en").parent == example_path().parent
    sheets = openpyxl.load_workbook(example_path("en"), read_only=True).sheetnames
    assert "enterprises" in sheets and "entreprises" not in sheets


def test_cli_writes_the_example_in_the_language_asked(tmp_path, capsys):
    assert main(["workbook", "example", str(tmp_path / "en.xlsx"), "--lang", "en"]) == 0
    assert main(["workbook", "example", str(tmp_path / "fr.xlsx"), "--lang", "fr"]) == 0
    assert "Example workbook written" in capsys.readouterr().out
    en = openpyxl.load_workbook(tmp_path / "en.xlsx")
    fr = openpyxl.load_workbook(tmp_path / "fr.xlsx")
    assert en["vision"]["A2"].value.startswith("By 2028")
    assert fr["vision"]["A2"].value.startswith("En 2028")


def test_report_without_a_workbook_reads_the_example_in_its_language():
    assert Report("plan", "", "en").workbook.name == "Tamsa leather and footwear cluster (fictional)"
    assert Report("plan", "", "fr").workbook.name == "Cluster du cuir et de la chaussure de Tamsa (fictif)"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_neither_packaged_example_is_written_to(lang):
    before = example_path(lang).read_bytes()
    rows = questionnaire.assessment_rows("Ann", "self", pd.Timestamp("2026-01-15"), {"coaching": 2})
    with pytest.raises(WorkbookError, match="the example workbook shipped with clusterkit is not modified"):
        questionnaire.append_assessment(example_path(lang), rows, "en")
    assert example_path(lang).read_bytes() == before


def test_english_exercises_show_the_english_example():
    titles = plan_prioritisation_widget(lang="en", action_ids=("ACT02", "ACT15")).actions["title"]
    assert list(titles) == ["Joint stand at the national footwear fair", "Trade prospecting mission to Europe"]
    statements = swot_sorting_widget(lang="en").key["statement"]
    assert "Leather offcuts burned in the open air" in set(statements)


class _Spy(Exception):
    pass


@pytest.mark.parametrize(
    "lang, name", [("en", "example_cluster_en.xlsx"), ("fr", "example_cluster.xlsx"), (None, "example_cluster.xlsx")]
)
def test_run_and_pack_without_a_workbook_take_the_example_in_the_run_language(monkeypatch, tmp_path, lang, name):
    read = []

    def spy(path, *args, **kwargs):
        read.append(path)
        raise _Spy

    monkeypatch.setattr(clusterkit.workbook, "read_workbook", spy, raising=False)  # where the edge takes it from
    with pytest.raises(_Spy):
        clusterkit.run("plan", out_dir=tmp_path / "run", lang=lang)
    with pytest.raises(_Spy):
        pack_module.pack(None, tmp_path / "pack", lang=lang, pool=object())  # a pool: no kernel is started
    assert [p.name for p in read] == [name, name]


def test_english_plan_report_shows_the_english_example(tmp_path):
    result = clusterkit.run("plan", out_dir=tmp_path, lang="en")
    html = result.html.read_text(encoding="utf-8")
    assert "By 2028, Tamsa's firms sell under a shared brand" in html
    assert "Joint stand at the national footwear fair" in html and "Tamsa Shoemakers" in html
    for french in ("Stand commun", "Réunions", "Association des artisans", "Structure d", "En 2028"):
        assert french not in html, french
