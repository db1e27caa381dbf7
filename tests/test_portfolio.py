"""`clusterkit portfolio`: the programme view, checked against figures recomputed by hand from
the example portfolio's workbooks (read here with pandas, not with clusterkit's reader)."""

import functools
import shutil

import pandas as pd
import pytest

from clusterkit.cli import main
from clusterkit.documents.xlsx import tab_name
from clusterkit.examples import example_portfolio
from clusterkit.i18n import t

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TAMSA, ARDOUN, KELBIA = "tamsa-cuir.xlsx", "ardoun-cuir.xlsx", "kelbia-textile.xlsx"


@pytest.fixture(scope="module")
def programme(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clusters")
    paths = example_portfolio(folder)
    (folder / "broken.xlsx").write_bytes(b"not a workbook")
    out = folder.parent / "portfolio"
    pdf = ["--pdf"] if CHROMIUM else []
    code = main(["portfolio", str(folder), "--out", str(out), "--lang", "en", *pdf])
    tables = pd.read_excel(out / "portfolio.xlsx", sheet_name=None, engine="openpyxl")
    return {
        "code": code,
        "folder": folder,
        "paths": paths,
        "out": out,
        "tables": tables,
        "html": (out / "portfolio.html").read_text("utf-8"),
    }


@functools.cache
def _sheets(path) -> dict[str, pd.DataFrame]:
    return pd.read_excel(path, sheet_name=None, engine="openpyxl")


def _sheet(programme, name: str, sheet: str) -> pd.DataFrame:
    """A sheet of a portfolio workbook as the team wrote it (French headers, header on row 1)."""
    return _sheets(programme["folder"] / name)[sheet].copy()


def _clusters(programme) -> pd.DataFrame:
    table = programme["tables"][t("portfolio.section.clusters", "en")]
    return table.set_index(t("portfolio.col.cluster", "en"))


def _name(programme, file: str) -> str:
    cluster = _sheet(programme, file, "cluster")
    return cluster.set_index(cluster.columns[0]).loc["nom"].iloc[0]


def col(key: str) -> str:
    return t(f"portfolio.col.{key}", "en")


def test_three_clusters_at_three_points_and_the_unreadable_one_named(programme):
    assert [p.name for p in programme["paths"]] == [KELBIA, ARDOUN, TAMSA]
    clusters = _clusters(programme)
    assert len(clusters) == 3
    steps = clusters[col("step")].to_dict()
    assert steps[_name(programme, KELBIA)] == t("step.diagnostic.title", "en")
    assert steps[_name(programme, TAMSA)] == t("step.monitoring.title", "en")
    years = clusters[col("year")].to_dict()
    assert (years[_name(programme, KELBIA)], years[_name(programme, ARDOUN)], years[_name(programme, TAMSA)]) == (
        1,
        2,
        3,
    )
    assert programme["code"] == 2  # a workbook was not read: said, and the others still shown
    assert "broken.xlsx" in programme["html"] and "remove any password" in programme["html"]


def test_a_cluster_in_its_diagnostic_shows_its_step_and_no_invented_figure(programme):
    row = _clusters(programme).loc[_name(programme, KELBIA)]
    for key in (
        "actions",
        "actions_done",
        "spent_share",
        "indicators",
        "off_track",
        "progress_extension",
        "firms_reached",
        "people_reached",
        "women_reached",
    ):
        assert pd.isna(row[col(key)]), key  # an empty cell, never 0
    assert row[col("poorest_firms")] > 0  # what the diagnostic does measure is shown
    page = programme["html"]
    kelbia_rows = [r for r in page.split("<tr>") if _name(programme, KELBIA) in r]
    assert kelbia_rows and all("–" in r for r in kelbia_rows[1:3])


def test_actions_done_and_share_spent_recomputed_by_hand(programme):
    for file in (TAMSA, ARDOUN):
        actions = _sheet(programme, file, "actions")
        status = (
            actions["statut"]
            .map({t("enum.status.done", "fr"): "done", t("enum.status.dropped", "fr"): "dropped"})
            .fillna("other")
        )
        kept = actions[status != "dropped"]
        row = _clusters(programme).loc[_name(programme, file)]
        assert row[col("actions_done")] == (status == "done").sum()
        assert row[col("actions")] == len(actions)
        assert row[col("spent_share")] == pytest.approx(kept["dépensé"].sum() / kept["budget"].sum())


def _latest_totals(programme, file: str, unit: str) -> pd.Series:
    """The latest whole measurement of each extension indicator counted in ``unit``."""
    indicators = _sheet(programme, file, "indicateurs")
    chosen = indicators[(indicators["dimension"] == "extension") & (indicators["unité"] == unit)]
    measures = _sheet(programme, file, "mesures")
    measures = measures[measures["id_indicateur"].isin(chosen["id_indicateur"])]
    whole = measures[measures["groupe"].isna()].sort_values("date")
    return whole.groupby("id_indicateur")["valeur"].last(), measures


def test_firms_and_women_reached_and_the_programme_total_recomputed_by_hand(programme):
    clusters, by_hand = _clusters(programme), {}
    for file in (TAMSA, ARDOUN):
        firms, _ = _latest_totals(programme, file, "entreprises")
        people, measures = _latest_totals(programme, file, "personnes")
        # every firm count of a cluster has the same target community, so the widest reach is the largest count
        row = clusters.loc[_name(programme, file)]
        assert row[col("firms_reached")] == firms.max()
        by_hand[file] = firms.max()
        widest = people.idxmax()
        women = measures[(measures["id_indicateur"] == widest) & (measures["groupe"] == "f")].sort_values("date")
        assert row[col("people_reached")] == people.max()
        assert row[col("women_reached")] == women["valeur"].iloc[-1]
    totals = programme["tables"][t("portfolio.section.programme", "en")].set_index(col("figure"))
    assert totals.loc[col("firms_reached"), col("value")] == sum(by_hand.values())
    assert totals.loc[col("firms_reached"), col("clusters")] == 2  # Kelbia measures none: not a zero


def test_ratios_are_not_added_and_the_page_says_so(programme):
    totals = programme["tables"][t("portfolio.section.programme", "en")]
    figures = set(totals[col("figure")])
    assert col("firms_reached") in figures and col("actions_done") in figures
    assert not figures & {
        col(k) for k in ("done_share", "spent_share", "progress_extension", "expected_progress", "year")
    }
    assert t("portfolio.note.programme", "en").replace("'", "&#x27;") in programme["html"]


def test_facilitators_profiles_come_from_the_competency_scores(programme):
    profiles = programme["tables"][tab_name(t("portfolio.section.competency", "en"), set())]
    assert set(profiles[col("cluster")]) == {_name(programme, TAMSA), _name(programme, ARDOUN)}
    assessed = _sheet(programme, TAMSA, "compétences").iloc[:, 0]
    tamsa = profiles[profiles[col("cluster")] == _name(programme, TAMSA)]
    assert sorted(tamsa[col("person")]) == sorted(assessed.unique())
    scores = profiles[[t(f"enum.competency.{c}", "en") for c in ("facilitator", "coach", "project_manager")]]
    assert scores.notna().all().all() and ((scores >= 1) & (scores <= 5)).all().all()


def test_a_missing_folder_is_a_clear_message(tmp_path, capsys):
    assert main(["portfolio", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out"), "--lang", "fr"]) == 2
    assert "n'existe pas" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_the_pdf_copy_carries_the_same_figures(programme):
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(programme["out"] / "portfolio.pdf").pages)
    assert t("portfolio.title", "en") in text and "Kelbia" in text
    assert t("portfolio.section.programme", "en") in text


def test_the_spreadsheet_writes_shares_as_percentages_and_amounts_in_the_one_currency(programme):
    import openpyxl

    sheet = openpyxl.load_workbook(programme["out"] / "portfolio.xlsx")[t("portfolio.section.clusters", "en")[:31]]
    header = {cell.value: cell.column for cell in sheet[1]}
    share = sheet.cell(2, header[col("spent_share")]).number_format
    budget = sheet.cell(2, header[col("budget")]).number_format
    currencies = set(programme["tables"][t("portfolio.section.clusters", "en")[:31]][col("currency")].dropna())
    assert share.endswith("%") and "#,##0" in budget, (share, budget)
    assert budget.endswith(f'"{next(iter(currencies))}"' if len(currencies) == 1 else "#,##0"), (budget, currencies)
