"""The competency template (cohort and person reports) and the self-assessment exercise, run end to end."""

import re
from pathlib import Path

import nbformat
import openpyxl
import pytest
from nbclient import NotebookClient

import clusterkit
from clusterkit.docs import example_notebook
from clusterkit.errors import InputError
from clusterkit.running.templates import template_parameters
from clusterkit.steps import competency

EXERCISE = Path(__file__).resolve().parent.parent / "exercises" / "competency_self_assessment.ipynb"


@pytest.fixture(scope="module")
def cohort_fr(tmp_path_factory):
    return clusterkit.run("competency", out_dir=tmp_path_factory.mktemp("fr"), lang="fr")


@pytest.fixture(scope="module")
def person_en(tmp_path_factory):
    """Thomas Mérel's profile in English, the name typed loosely, with a lower blind-spot threshold."""
    return clusterkit.run(
        "competency",
        out_dir=tmp_path_factory.mktemp("en"),
        lang="en",
        parameters={"person": " thomas MÉREL", "gap_threshold": 0.9, "plan_size": 2},
    )


def _headings(html):
    return [h for _, h in re.findall(r"<h([23])>([^<]+)</h\1>", html)]


def test_parameters_are_declared_with_their_defaults():
    declared = template_parameters("competency")
    assert {name: declared[name]["default"] for name in ("person", "gap_threshold", "plan_size", "plan_target")} == {
        "person": '""',
        "gap_threshold": "1.0",
        "plan_size": "3",
        "plan_target": "4",
    }


def test_cohort_report_in_french(cohort_fr):
    html = cohort_fr.html.read_text(encoding="utf-8")
    assert _headings(html) == [
        "Profils de la cohorte",
        "Scores par compétence",
        "Carte de chaleur de la cohorte",
        "Angles morts",
        "Progrès entre deux évaluations",
        "Plan de formation",
    ]
    assert "3 animateurs ont été évalués entre le 15 janv. 2025 et le 30 nov. 2026" in html
    image = re.search(r'<img [^>]*alt="Carte de chaleur des scores de 3 animateurs[^>]*>', html).group(0)
    assert 'src="data:image/png;base64,' in image
    assert "surestimation" in html and "PosixPath" not in html and "from clusterkit" not in html
    tabs = openpyxl.load_workbook(cohort_fr.tables).sheetnames
    assert tabs == [
        "Évaluations prises en compte",
        "Scores par compétence",
        "Angles morts",
        "Progrès par compétence",
        "Besoins de formation communs",
    ]
    scores = list(openpyxl.load_workbook(cohort_fr.tables)["Scores par compétence"].values)
    assert scores[0] == (
        "Personne",
        "Compétence",
        "Registre",
        "Auto-évaluation",
        "Pair",
        "Formateur",
        "Autres (pair et formateur)",
        "Écart (soi − autres)",
    )
    assert scores[1][:3] == ("Nadia Benslimane", "animateur", "Organiser les relations")
    assert len(cohort_fr.figures) == 1


def test_person_report_in_english(person_en):
    html = person_en.html.read_text(encoding="utf-8")
    assert _headings(html) == [
        "Profile of Thomas Mérel",
        "Scores by competency",
        "The twelve sub-skills",
        "Blind spots",
        "Progress between two assessments",
        "Training plan",
        "Supporting evidence",
    ]
    image = re.search(r'<img [^>]*alt="Radar chart of the twelve sub-skills of Thomas Mérel[^>]*>', html).group(0)
    assert 'src="data:image/png;base64,' in image
    assert "differs by more than 0.9" in html and "over-estimation" in html
    book = openpyxl.load_workbook(person_en.tables)
    plan = list(book["Training plan"].values)
    assert plan[0] == (
        "Priority",
        "Competency",
        "Sub-skill",
        "Score",
        "Target level",
        "Behaviour to aim for",
        "Learning activities",
    )
    assert len(plan) == 3  # plan_size 2
    first_skill = plan[1][2]
    assert first_skill == "participatory diagnosis and planning"
    assert plan[1][5] == competency.descriptor("participatory_diagnosis", plan[1][4], "en")
    assert {row[0] for row in book["Assessments used"].values} == {"Person", "Thomas Mérel"}


def test_an_unknown_person_is_named_with_the_people_of_the_sheet(tmp_path):
    with pytest.raises(InputError, match="No person 'Zoé'.*Nadia Benslimane, Thomas Mérel, Aïssatou Diallo"):
        clusterkit.run("competency", out_dir=tmp_path, lang="en", parameters={"person": "Zoé"})


def test_the_book_example_is_the_cohort_report():
    notebook = example_notebook("competency", "fr")
    assert 'lang = "fr"' in notebook.cells[2].source and 'person = ""' in notebook.cells[1].source


def test_the_self_assessment_exercise_runs_and_its_solution_matches_the_data(tmp_path, example_workbook, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path / "temporary"))  # the kernel's temporary folder
    (tmp_path / "temporary").mkdir()
    notebook = nbformat.read(EXERCISE, as_version=4)
    NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    # the exercise writes to a copy in a temporary folder, never beside the notebook
    assert (tmp_path / "temporary" / "clusterkit-practice" / "practice_cluster.xlsx").exists()
    assert not (tmp_path / "practice_cluster.xlsx").exists()
    assert "application/vnd.jupyter.widget-view+json" in notebook.cells[1].outputs[0]["data"]
    solution = [c for c in notebook.cells if "solution" in c.metadata.get("tags", [])]
    assert solution[0].source.startswith("## Solution")
    # the solution's outputs sit in folded panels (Output widgets): read them from the widget state
    state = notebook.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    shown = "".join(
        o.get("data", {}).get("text/html", "") for model in state.values() for o in model["state"].get("outputs", [])
    )
    assert "Profil de Thomas Mérel" in shown and "surestimation" in shown
    # the facts the solution quotes
    text = "".join(c.source for c in solution if c.cell_type == "markdown")
    skills = competency.scores(competency.latest(example_workbook["competencies"]), "skill")
    thomas = skills[skills["person"] == "Thomas Mérel"].set_index("skill")
    assert "se donne 4 en accès au financement" in text and "en moyenne 2,5" in text
    assert thomas.loc["finance_access", ["self", "others"]].tolist() == [4, 2.5]
    plan = competency.training_plan(skills)
    first = plan[plan["person"] == "Thomas Mérel"].iloc[0]
    assert "la première est le diagnostic participatif (2 selon les autres)" in text
    assert (first["skill"], first["score"], first["next_level"]) == ("participatory_diagnosis", 2, 3)
    assert "module_bangalore" in first["activities"] and "backstopping" in first["activities"]
