"""Step 4, implementation follow-up, on five actions worked out by hand."""

import numpy as np
import pandas as pd
import pytest

from clusterkit import docs
from clusterkit.schema import ENUMS
from clusterkit.steps import implementation

D = pd.Timestamp

# Five actions followed on 30 June 2026. Hand-computed expectations are in the tests below.
ACTIONS = pd.DataFrame(
    {
        "action_id": ["B1", "B2", "B3", "B4", "B5"],
        "objective_id": ["O1"] * 5,
        "title": ["Stand commun", "Centre de design", "Achats groupés", "Mission export", "Charte environnement"],
        "kind": ["quick_win", "structuring", "quick_win", "quick_win", "structuring"],
        "domain": ["commercial", "innovation", "procurement", "international", "environment"],
        "scope": ["firm_group", "whole_cluster", "firm_group", "firm_group", "whole_cluster"],
        "lead": ["X1", "X2", "X1", "Atelier Sow", "X2"],
        "partners": [pd.NA] * 5,
        "start": pd.to_datetime(["2025-03-01", "2025-09-01", "2026-07-01", "2026-01-01", "2026-10-01"]),
        "end": pd.to_datetime(["2025-12-31", "2026-06-30", "2026-09-30", "2026-03-31", "2027-03-31"]),
        "budget": [20_000.0, 100_000.0, 8_000.0, 30_000.0, 50_000.0],
        "cofinancing_rate": [0.75, 0.5, np.nan, 0.6, 0.5],
        "impact": pd.array([4, 5, 3, 2, 3], dtype="Int64"),
        "feasibility": pd.array([5, 3, 4, 2, 3], dtype="Int64"),
        "status": ["done", "ongoing", "planned", "dropped", "planned"],
        "spent": [18_000.0, 60_000.0, np.nan, 5_000.0, np.nan],
        "plan_year": pd.array([1, 1, 2, 2, 2], dtype="Int64"),
    }
)
ACTORS = pd.DataFrame(
    {
        "actor_id": ["X1", "X2"],
        "name": ["Association A", "Commune B"],
        "type": ["association", "public_institution"],
        "level": ["meso", "meso"],
    }
)
AS_OF = D("2026-06-30")


# -- status and delays -------------------------------------------------------------------------
def test_follow_up_states_on_the_follow_up_date():
    table = implementation.follow_up(ACTIONS, AS_OF, ACTORS).set_index("action_id")
    assert table["state"].to_dict() == {
        "B1": "done",
        "B2": "ongoing",
        "B3": "planned",
        "B4": "dropped",
        "B5": "planned",
    }
    assert table["days_late"].isna().all()
    assert table.loc["B2", "spent_share"] == pytest.approx(0.6)
    assert table.loc["B1", "lead"] == "Association A" and table.loc["B4", "lead"] == "Atelier Sow"


def test_end_date_edge():
    # B2 ends on 30 June 2026: on time that day, one day late the next, ten days late on 10 July
    states = {
        day: implementation.follow_up(ACTIONS, D(day)).set_index("action_id").loc["B2"]
        for day in ("2026-06-30", "2026-07-01", "2026-07-10")
    }
    assert states["2026-06-30"]["state"] == "ongoing" and np.isnan(states["2026-06-30"]["days_late"])
    assert (states["2026-07-01"]["state"], states["2026-07-01"]["days_late"]) == ("late", 1)
    assert states["2026-07-10"]["days_late"] == 10


def test_start_date_edge_of_a_planned_action():
    # B3 should start on 1 July 2026
    on_day = implementation.follow_up(ACTIONS, D("2026-07-01")).set_index("action_id").loc["B3"]
    after = implementation.follow_up(ACTIONS, D("2026-07-02")).set_index("action_id").loc["B3"]
    assert on_day["state"] == "planned"
    assert (after["state"], after["days_late"]) == ("start_overdue", 1)
    # past its end date it is late, whatever its start: 1 Oct 2026 is one day after 30 Sep
    never = implementation.follow_up(ACTIONS, D("2026-10-01")).set_index("action_id").loc["B3"]
    assert (never["state"], never["days_late"]) == ("late", 1)


def test_times_of_day_do_not_change_the_day():
    frame = ACTIONS.assign(end=ACTIONS["end"] + pd.Timedelta(hours=17))
    assert implementation.follow_up(frame, "2026-06-30 08:00").set_index("action_id").loc["B2", "state"] == "ongoing"


def test_done_and_dropped_actions_are_never_late():
    table = implementation.follow_up(ACTIONS, D("2030-01-01")).set_index("action_id")
    assert table.loc["B1", "state"] == "done" and table.loc["B4", "state"] == "dropped"


def test_follow_up_date():
    # the latest date the statuses show: B1 done, ends 2025-12-31; B2 ongoing, starts 2025-09-01
    assert implementation.as_of_date(ACTIONS) == D("2025-12-31")
    later = ACTIONS.assign(start=ACTIONS["start"].where(ACTIONS["action_id"] != "B2", D("2026-02-15")))
    assert implementation.as_of_date(later) == D("2026-02-15")
    assert implementation.as_of_date(ACTIONS, "2026-05-20") == D("2026-05-20")
    nothing = ACTIONS.assign(status="planned")
    assert implementation.as_of_date(nothing, today=D("2026-11-21 15:00")) == D("2026-11-21")


def test_status_summary_and_delays():
    follow = implementation.follow_up(ACTIONS, D("2026-07-10"))
    summary = implementation.status_summary(follow).set_index("state")
    # B2 late by 10 days, B3 start overdue by 9 days
    assert summary["actions"].to_dict() == {
        "done": 1,
        "late": 1,
        "start_overdue": 1,
        "planned": 1,
        "dropped": 1,
        "total": 5,
    }
    assert summary.loc["total", ["budget", "spent"]].tolist() == [208_000, 83_000]
    assert np.isnan(summary.loc["planned", "spent"])  # nothing spent is not zero spent
    delays = implementation.delays(follow)
    assert delays[["action_id", "state", "days_late"]].values.tolist() == [
        ["B2", "late", 10],
        ["B3", "start_overdue", 9],
    ]


def test_dropped_actions_and_their_reason():
    assert implementation.dropped_actions(ACTIONS)["reason"].isna().all()
    noted = ACTIONS.assign(status_note=[None, None, None, "Pas de visas pour l'Europe", None])
    table = implementation.dropped_actions(noted, ACTORS)
    assert table.values.tolist() == [
        ["B4", "Mission export", "Atelier Sow", 30_000, 5_000, "Pas de visas pour l'Europe"]
    ]


# -- money -------------------------------------------------------------------------------------
def test_cofinancing_absorbed_against_planned():
    table = implementation.cofinancing_absorption(ACTIONS).set_index("plan_year")
    # year 1: planned 20 000 x 75 % + 100 000 x 50 % = 65 000; absorbed 18 000 x 75 % + 60 000 x 50 % = 43 500
    assert table.loc[1, ["budget", "spent", "fund_planned", "fund_absorbed"]].tolist() == [
        120_000,
        78_000,
        65_000,
        43_500,
    ]
    assert table.loc[1, "absorption"] == pytest.approx(43_500 / 65_000)
    # year 2, B4 dropped and left out: B3 has no rate, B5 50 000 x 50 %; nothing spent yet
    assert table.loc[2, ["budget", "fund_planned", "fund_absorbed", "absorption"]].tolist() == [58_000, 25_000, 0, 0]
    assert table.loc["total", ["fund_planned", "fund_absorbed"]].tolist() == [90_000, 43_500]


# -- typology ----------------------------------------------------------------------------------
def test_typology_coverage_counts_active_actions_by_domain_and_scope():
    table = implementation.typology_coverage(ACTIONS).set_index("domain")
    assert list(table.index) == list(ENUMS["domain"])
    assert table.loc["commercial", ["firm_group", "whole_cluster", "active", "planned"]].tolist() == [1, 0, 1, 0]
    assert table.loc["innovation", ["firm_group", "whole_cluster", "active"]].tolist() == [0, 1, 1]
    assert table.loc["environment", ["active", "planned"]].tolist() == [0, 1]
    assert table.loc["international", "active"] == 0  # dropped is not active
    assert int((table["active"] > 0).sum()) == 2


def test_scope_split():
    table = implementation.scope_split(ACTIONS).set_index("scope")
    assert table.loc["firm_group", ["actions", "active", "budget", "spent"]].tolist() == [3, 1, 58_000, 23_000]
    assert table.loc["whole_cluster", ["actions", "active", "budget", "spent"]].tolist() == [2, 1, 150_000, 60_000]
    assert table.loc["total", "actions"] == 5


def test_typology_catalogue_covers_the_ten_domains_in_both_languages():
    typology = implementation.typology()
    assert list(typology) == list(ENUMS["domain"])
    for domain, scopes in typology.items():
        assert set(scopes) == set(ENUMS["scope"]), domain
        for items in scopes.values():
            assert items and all(item["fr"].strip() and item["en"].strip() for item in items), domain
    assert {"fr": "Consortium d'exportation", "en": "Export consortium"} in typology["commercial"]["firm_group"]


@pytest.mark.parametrize(
    "lang, header, domain",
    [
        ("fr", "| Domaine | Initiatives conjointes d'un groupe d'entreprises |", "| **Environnement naturel** |"),
        ("en", "| Domain | Joint initiatives of a group of firms |", "| **Natural environment** |"),
    ],
)
def test_typology_markdown(lang, header, domain):
    lines = docs.typology_markdown(lang).splitlines()
    assert lines[0].startswith(header) and lines[1] == "|---|---|---|"
    assert len(lines) == 2 + 10 and lines[-1].startswith(domain)
    assert all(line.count("|") == 4 for line in lines)  # no stray pipe breaks a row


def test_typology_examples_for_idle_domains():
    table = implementation.typology_examples(["procurement"], "en")
    assert table.values.tolist() == [
        ["procurement", "Group purchasing, purchasing centre", "Common purchasing service (supplies, transport…)"]
    ]


# -- the quarterly note ------------------------------------------------------------------------
def test_quarters_and_next_quarter_milestones():
    assert implementation.quarter(D("2026-12-31")) == (2026, 4)
    assert implementation.quarter_bounds(2026, 3) == (D("2026-07-01"), D("2026-09-30"))
    follow = implementation.follow_up(ACTIONS, AS_OF, ACTORS)
    coming = implementation.next_quarter(follow, AS_OF)
    # Q3 2026: B3 starts 1 July (and ends 30 Sep); B5 starts 1 Oct, outside; B2 ended 30 June
    assert coming[["action_id", "milestone", "lead"]].values.tolist() == [["B3", "start", "Association A"]]


def test_headline_figures():
    follow = implementation.follow_up(ACTIONS, AS_OF)
    headline = implementation.headline(
        follow, implementation.cofinancing_absorption(ACTIONS), implementation.typology_coverage(ACTIONS)
    )
    assert headline["actions"] == 5 and headline["done"] == 1 and headline["dropped"] == 1
    assert headline["spent"] == 78_000 and headline["budget"] == 178_000  # dropped B4 left out
    assert headline["absorption"] == pytest.approx(43_500 / 90_000)
    assert (headline["domains_active"], headline["domains"]) == (2, 10)


@pytest.mark.parametrize(
    "lang, headings",
    [
        (
            "fr",
            [
                "Note d'avancement T3 2026 — Cluster test",
                "En bref",
                "Retards",
                "Actions abandonnées",
                "Le trimestre suivant",
                "Groupes d'entreprises et tout le cluster",
            ],
        ),
        (
            "en",
            [
                "Progress note Q3 2026 — Cluster test",
                "In brief",
                "Delays",
                "Dropped actions",
                "The next quarter",
                "Groups of firms and whole cluster",
            ],
        ),
    ],
)
def test_progress_note_docx(tmp_path, lang, headings):
    from docx import Document

    from clusterkit.documents import docx as docx_report

    path = docx_report.write_progress_note(
        tmp_path / "note.docx",
        lang=lang,
        cluster={"name": "Cluster test", "currency": "EUR"},
        actions=ACTIONS,
        as_of=D("2026-07-10"),
        actors=ACTORS,
    )
    document = Document(path)
    assert [p.text for p in document.paragraphs if p.style.name in ("Title", "Heading 1")] == headings
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert len(bullets) == 5
    assert bullets[0] == (
        "5 actions au plan : 1 réalisées, 1 en cours, 2 prévues, 1 abandonnées."
        if lang == "fr"
        else "5 actions in the plan: 1 done, 1 ongoing, 2 planned, 1 dropped."
    )
    delays, dropped, coming, scopes = document.tables
    assert [row.cells[0].text for row in delays.rows[1:]] == ["B2", "B3"]
    assert [row.cells[0].text for row in dropped.rows[1:]] == ["B4"]
    assert len(coming.rows) == 2 and coming.rows[1].cells[0].text == "B5"  # Q4 2026: B5 starts 1 Oct
    words = sum(len(p.text.split()) for p in document.paragraphs)
    words += sum(len(c.text.split()) for t in document.tables for row in t.rows for c in row.cells)
    assert words < 1000  # five minutes of reading


def test_progress_note_says_so_when_there_is_no_delay(tmp_path):
    from docx import Document

    from clusterkit.documents import docx as docx_report

    path = docx_report.write_progress_note(
        tmp_path / "note.docx", lang="fr", cluster={"name": "C"}, actions=ACTIONS, as_of=AS_OF
    )
    texts = [p.text for p in Document(path).paragraphs]
    assert "Aucune action en retard." in texts
