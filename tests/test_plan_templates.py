"""The plan and implementation templates, run on the example in French and English."""

import re

import openpyxl
import pytest
from docx import Document

import clusterkit

RUNS = {  # French with the defaults, English with every parameter changed
    ("plan", "fr"): {},
    ("plan", "en"): {"subsidy_schedule": [0.75, 0.6, 0.5], "capacity": 0, "document_year": 3, "priority_threshold": 4},
    ("implementation", "fr"): {},
    ("implementation", "en"): {"as_of": "2026-06-30"},
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    results = {}

    def run(step, lang):
        if (step, lang) not in results:
            out = tmp_path_factory.mktemp(f"{step}-{lang}")
            results[step, lang] = clusterkit.run(step, out_dir=out, lang=lang, parameters=RUNS[step, lang])
        return results[step, lang]

    return run


def html_of(result):
    return result.html.read_text(encoding="utf-8")


@pytest.mark.parametrize("step, lang", list(RUNS))
def test_templates_write_a_clean_report(runs, step, lang):
    html = html_of(runs(step, lang))
    assert "from clusterkit" not in html and "Traceback" not in html
    assert "PosixPath" not in html and "&lt;NA&gt;" not in html and "nan" not in re.findall(r">([a-z]+)<", html)
    images = re.findall(r"<img [^>]+>", html)
    assert images and all(
        re.search(r'alt="[^"]{20,}"', tag) and 'src="data:image/png;base64,' in tag for tag in images
    )  # every figure is embedded, with its alternative text


def test_plan_report_in_french(runs):
    result = runs("plan", "fr")
    html = html_of(result)
    for text in (
        "Matrice de priorités",
        "à préparer avec soin",
        "Cohérence du plan",
        "faiblesse ou menace sans action",
        "Actions au-delà de l'horizon de la vision",
        "Trop d'actions en 2026",
        "Qui fait quoi",
        "Budget par année du plan",
        "plan-action-plan.docx",
    ):
        assert text in html, text
    assert "2\u202f026" not in html  # years are labels, not numbers with a thousands separator
    out = result.html.parent
    assert {"plan-action-plan.docx", "plan-action-plan.xlsx", "plan-tables.xlsx", "plan-team-notes.docx"} <= {
        p.name for p in out.iterdir()
    }
    document = Document(out / "plan-action-plan.docx")
    assert document.paragraphs[0].text.startswith("Plan d'action — Cluster du cuir")
    assert not any("Trop d'actions" in p.text for p in document.paragraphs)  # the advice stays with the team
    assert any(p.text.startswith("Trop d'actions en 2026") for p in Document(out / "plan-team-notes.docx").paragraphs)
    assert "plan-team-notes.docx, une note de travail pour l'équipe" in html
    assert len(document.tables[1].rows) == 1 + 22  # every action of the example
    assert openpyxl.load_workbook(out / "plan-action-plan.xlsx").sheetnames[0] == "Vision"


def test_plan_report_in_english_with_parameters(runs):
    result = runs("plan", "en")
    html = html_of(result)
    assert "Prioritisation matrix" in html and "The falling rate of the support fund" in html
    assert "Falling support-fund rate" in html and "75%, 60%, 50%" in html
    assert "Too many actions" not in html  # capacity 0 switches the check off
    assert "a score of at least 4 counts as high" in html
    document = Document(result.html.parent / "plan-action-plan.docx")
    assert document.paragraphs[0].text.startswith("Action plan, year 3 — ")
    assert len(document.tables[1].rows) == 1 + 4  # the four actions of plan year 3
    budget = [c.text for c in document.tables[2].rows[1].cells]
    assert budget[0] == "3" and budget[-1] == "50%"  # the schedule's rate for year 3


def test_implementation_report_in_french(runs):
    result = runs("implementation", "fr")
    html = html_of(result)
    for text in (
        "Situation du plan d'action au 31 déc. 2026 (T4 2026)",
        "échéance dépassée",
        "démarrage en retard",
        "Cofinancement absorbé",
        "Couverture de la typologie",
        "implementation-progress-note.docx",
    ):
        assert text in html, text
    document = Document(result.html.parent / "implementation-progress-note.docx")
    assert document.paragraphs[0].text.startswith("Note d'avancement T4 2026 — ")


def test_implementation_report_in_english_on_a_chosen_date(runs):
    result = runs("implementation", "en")
    html = html_of(result)
    assert "State of the action plan on Jun 30, 2026 (Q2 2026)" in html
    assert "Progress of the actions" in html and "Next quarter" in html
    document = Document(result.html.parent / "implementation-progress-note.docx")
    assert document.paragraphs[0].text.startswith("Progress note Q2 2026 — ")
    tabs = openpyxl.load_workbook(result.tables).sheetnames
    assert "Co-financing absorbed" in tabs and "Typology coverage" in tabs


def test_the_command_line_tells_the_team_the_points_to_watch(tmp_path, capsys):
    from clusterkit import cli

    assert cli.main(["run", "plan", "--out", str(tmp_path), "--lang", "fr"]) == 0
    printed = capsys.readouterr().out
    assert f"Note de travail de l'équipe : {tmp_path / 'plan-team-notes.docx'}" in printed
    assert "Points d'attention du plan, pour l'équipe" in printed
    lines = [line for line in printed.splitlines() if line.startswith("  - ")]
    assert lines[0].startswith("  - Actions au-delà de l'horizon de la vision : ")  # the template's capacity, 10
    assert any(line.startswith("  - Trop d'actions en 2026 : ") for line in lines) and "<strong>" not in printed
