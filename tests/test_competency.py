"""The facilitator competency profile: catalogue, scores worked out by hand, and the questionnaire."""

import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from matplotlib.figure import Figure
from pyxform import xls2xform

from clusterkit import docs, questionnaire
from clusterkit.errors import InputError
from clusterkit.examples import build_example
from clusterkit.schema import ENUMS, SKILL_COMPETENCY
from clusterkit.steps import competency
from clusterkit.workbook import backup_path, example_path, read_workbook, write_workbook

D1, D2 = pd.Timestamp("2025-01-10"), pd.Timestamp("2025-06-10")


def _rows(person, date, assessor, scores, evidence=None):
    return [(person, date, assessor, SKILL_COMPETENCY[s], s, v, (evidence or {}).get(s)) for s, v in scores.items()]


# Awa is scored on four sub-skills at D1 by herself, two peers and the trainer; the trainer
# rescores two of them at D2. Bruno has only a self-assessment. Expected values are in the tests.
SHEET = pd.DataFrame(
    _rows("Awa", D1, "self", {"listening_meetings": 4, "actor_systems": 3, "coaching": 5, "finance_access": 2})
    + _rows("Awa", D1, "peer", {"listening_meetings": 2, "actor_systems": 3, "coaching": 3, "finance_access": 2})
    + _rows("Awa", D1, "peer", {"listening_meetings": 3, "actor_systems": 3, "coaching": 2, "finance_access": 4})
    + _rows(
        "Awa",
        D1,
        "trainer",
        {"listening_meetings": 2, "actor_systems": 4, "coaching": 3, "finance_access": 3},
        {"coaching": "Atelier observé : a donné la solution au groupe"},
    )
    + _rows("Awa", D2, "trainer", {"listening_meetings": 4, "actor_systems": 4})
    + _rows("Bruno", D1, "self", {"listening_meetings": 3, "value_chain": 1}),
    columns=["person", "date", "assessor", "competency", "skill", "score", "evidence"],
).astype({"score": "Int64", "evidence": "str"})
AT_D1 = SHEET[SHEET["date"] == D1]


def _row(table, **keys):
    match = table
    for column, value in keys.items():
        match = match[match[column] == value]
    assert len(match) == 1, keys
    return match.iloc[0]


# --------------------------------------------------------------------------------------------
# The catalogue
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_twelve_sub_skills_times_five_levels_in_each_language(lang):
    table = competency.descriptors(lang)
    assert len(table) == 60
    assert list(table["skill"].unique()) == list(ENUMS["skill"])
    assert all(list(levels) == [1, 2, 3, 4, 5] for _, levels in table.groupby("skill")["level"])
    assert table["descriptor"].str.strip().str.len().gt(40).all()
    assert table["descriptor"].is_unique
    for kind in ("axes", "registers", "competencies", "skills", "activities", "scale"):
        assert all(label.strip() for label in competency.labels(kind, lang).values())


def test_the_catalogue_follows_the_schema_and_the_source_structure():
    profile = competency.catalogue()
    assert list(profile["skills"]) == list(ENUMS["skill"])
    assert list(profile["competencies"]) == list(ENUMS["competency"])
    # one register per competency and one axis per register, each used once
    registers = [competency.register_of(c) for c in ENUMS["competency"]]
    assert registers == ["organising_relations", "formulating_strategy", "executing_projects"]
    assert [profile["registers"][r]["axis"] for r in registers] == list(profile["axes"])
    for entry in profile["skills"].values():
        assert set(entry["label"]) == set(entry["description"]) == {"fr", "en"}
        for level in entry["levels"].values():
            assert set(level) == {"fr", "en"} and level["fr"] != level["en"]


def test_every_sub_skill_has_a_learning_activity_beyond_experience():
    links = competency.skill_activities()
    assert set(links["activity"]) <= set(competency.catalogue()["activities"])
    specific = links[links["activity"] != "learning_by_experience"]
    assert set(specific["skill"]) == set(ENUMS["skill"])
    # the Senegal module teaches financial intermediation (afd2008 l. 2956-2963)
    assert "module_senegal" in set(links.loc[links["skill"] == "finance_access", "activity"])


def test_sources_cite_the_bibliography():
    keys = set(re.findall(r"@\w+\{(\w+),", (Path(__file__).parent.parent / "book" / "references.bib").read_text()))
    profile = competency.catalogue()
    cited = [e["sources"] for kind in ("registers", "competencies", "activities") for e in profile[kind].values()]
    for text in cited:  # "afd2008 §3.4; onudi2010 §3.1": a key and a section, never line numbers
        found = re.findall(r"([a-z]+\d{4}) §\d", text)
        assert found and all(key in keys for key in found) and " l. " not in text, text


@pytest.mark.parametrize("lang, level_word", [("fr", "Niveau"), ("en", "Level")])
def test_levels_markdown_renders_every_descriptor(lang, level_word):
    text = docs.levels_markdown(lang)
    assert [line for line in text.splitlines() if line.startswith("#")] == [
        f"### {label}" for label in competency.labels("competencies", lang).values()
    ]
    assert text.count(f"| {level_word} |") == 13  # the scale, then one table per sub-skill
    for descriptor in competency.descriptors(lang)["descriptor"]:
        assert descriptor in text


# --------------------------------------------------------------------------------------------
# Scores, blind spots, plan, progress
# --------------------------------------------------------------------------------------------
def test_scores_by_sub_skill_average_peers_then_kinds_of_assessor():
    table = competency.scores(AT_D1, "skill")
    listening = _row(table, person="Awa", skill="listening_meetings")
    # peers 2 and 3 -> 2.5; others = mean(2.5, trainer 2) = 2.25, not the mean of the three rows (2.33)
    assert (listening["self"], listening["peer"], listening["trainer"]) == (4, 2.5, 2)
    assert listening["others"] == pytest.approx(2.25)
    assert listening["self_gap"] == pytest.approx(1.75)
    assert (listening["competency"], listening["register"]) == ("facilitator", "organising_relations")
    coaching = _row(table, person="Awa", skill="coaching")
    assert coaching["others"] == pytest.approx(2.75) and coaching["self_gap"] == pytest.approx(2.25)
    bruno = _row(table, person="Bruno", skill="value_chain")
    assert bruno["self"] == 1 and pd.isna(bruno["others"]) and pd.isna(bruno["self_gap"])
    # people in the sheet's order, sub-skills in the profile's order
    assert list(table["person"]) == ["Awa"] * 4 + ["Bruno"] * 2
    assert list(table["skill"][:4]) == ["listening_meetings", "actor_systems", "coaching", "finance_access"]


def test_scores_by_competency_and_register_count_each_sub_skill_once():
    table = competency.scores(AT_D1, "competency")
    facilitator = _row(table, person="Awa", competency="facilitator")
    # listening (self 4, peer 2.5, trainer 2) and actor systems (3, 3, 4)
    assert (facilitator["self"], facilitator["peer"], facilitator["trainer"]) == (3.5, 2.75, 3.0)
    assert facilitator["others"] == pytest.approx(2.875) and facilitator["self_gap"] == pytest.approx(0.625)
    assert _row(table, person="Awa", competency="project_manager")["self_gap"] == pytest.approx(-1.0)
    registers = competency.scores(AT_D1, "register")
    assert list(registers.columns) == ["person", "register", "self", "peer", "trainer", "others", "self_gap"]
    assert _row(registers, person="Awa", register="organising_relations")["others"] == pytest.approx(2.875)
    with pytest.raises(ValueError, match="by must be one of skill, competency, register"):
        competency.scores(AT_D1, "axis")


def test_latest_keeps_the_newest_score_of_each_sub_skill():
    current = competency.scores(competency.latest(SHEET), "skill")
    # the trainer rescored listening at D2 (4) but not coaching, whose D1 score (3) stands
    assert _row(current, person="Awa", skill="listening_meetings")["trainer"] == 4
    assert _row(current, person="Awa", skill="coaching")["trainer"] == 3
    assert _row(current, person="Awa", skill="listening_meetings")["peer"] == 2.5  # both peers kept
    assert competency.latest(SHEET, as_of=D1).equals(AT_D1)


def test_blind_spots_are_strictly_beyond_the_threshold_with_their_direction():
    table = competency.scores(AT_D1, "skill")
    spots = competency.blind_spots(table, threshold=1.0)
    # gaps: listening +1.75, actor -0.5, coaching +2.25, finance -1.0 (not beyond 1.0); Bruno has no others
    assert list(zip(spots["skill"], spots["gap_direction"])) == [
        ("listening_meetings", "over_estimation"),
        ("coaching", "over_estimation"),
    ]
    wider = competency.blind_spots(table, threshold=0.5)
    assert list(zip(wider["skill"], wider["gap_direction"])) == [
        ("listening_meetings", "over_estimation"),
        ("coaching", "over_estimation"),
        ("finance_access", "under_estimation"),
    ]
    assert competency.blind_spots(table, threshold=3).empty
    with pytest.raises(ValueError, match="zero or more"):
        competency.blind_spots(table, threshold=-1)


def test_training_plan_takes_the_weakest_sub_skills_with_their_next_level():
    plan = competency.training_plan(competency.scores(AT_D1, "skill"), size=2, target=4)
    awa = plan[plan["person"] == "Awa"]
    # others: listening 2.25, coaching 2.75, finance 3, actor 3.5
    assert list(awa["skill"]) == ["listening_meetings", "coaching"]
    assert list(awa["priority"]) == [1, 2] and list(awa["next_level"]) == [3, 3]
    # without a peer or trainer, Bruno's own scores are used: value chain 1, listening 3
    bruno = plan[plan["person"] == "Bruno"]
    assert list(bruno["skill"]) == ["value_chain", "listening_meetings"] and list(bruno["next_level"]) == [2, 4]
    expected = "; ".join(competency.skill_activities().query("skill == 'coaching'")["activity"])
    assert _row(plan, person="Awa", skill="coaching")["activities"] == expected
    assert competency.training_plan(competency.scores(AT_D1, "skill"), size=3, target=3)["skill"].tolist() == [
        "listening_meetings",
        "coaching",
        "value_chain",
    ]  # finance (3.0) is not below 3
    with pytest.raises(ValueError, match="scores by sub-skill"):
        competency.training_plan(competency.scores(AT_D1, "competency"))


def test_describe_plan_and_cohort_needs():
    plan = competency.training_plan(competency.scores(AT_D1, "skill"), size=2, target=4)
    described = competency.describe_plan(plan, "en")
    first = described.iloc[0]
    assert first["next_step"] == competency.descriptor("listening_meetings", 3, "en")
    assert first["activities"].startswith("Learning by experience; ")
    needs = competency.cohort_needs(plan)
    # listening is in both plans (Awa 2.25, Bruno 3: mean 2.625), then coaching, value chain
    assert needs.iloc[0][["skill", "facilitators"]].tolist() == ["listening_meetings", 2]
    assert needs.iloc[0]["mean_score"] == pytest.approx(2.625)
    assert needs["skill"].tolist() == ["listening_meetings", "value_chain", "coaching"]


def test_progress_counts_only_scores_made_after_the_first_date():
    change = competency.progress(SHEET, by="competency")
    facilitator = _row(change, person="Awa", competency="facilitator")
    # before 2.875; after only the trainer's D2 scores: (4 + 4) / 2 = 4
    assert facilitator["score_before"] == pytest.approx(2.875)
    assert facilitator["score_after"] == 4 and facilitator["score_change"] == pytest.approx(1.125)
    assert pd.isna(_row(change, person="Awa", competency="coach")["score_change"])  # not reassessed
    assert pd.isna(_row(change, person="Bruno", competency="facilitator")["score_after"])
    trainer = competency.progress(SHEET, by="skill", basis="trainer")
    assert _row(trainer, person="Awa", skill="listening_meetings")["score_change"] == 2
    with pytest.raises(ValueError, match="must come before"):
        competency.progress(SHEET, before=D2, after=D1)


def test_assessments_evidence_and_person_lookup():
    log = competency.assessments(SHEET)
    assert _row(log, person="Awa", assessed_on=D1, assessor="peer")["skills_scored"] == 4
    assert _row(log, person="Awa", assessed_on=D1, assessor="trainer")["evidence_count"] == 1
    notes = competency.evidence(SHEET)
    assert notes[["person", "skill", "score"]].values.tolist() == [["Awa", "coaching", 3]]
    assert competency.person_rows(SHEET, "  awa ")["person"].unique().tolist() == ["Awa"]
    with pytest.raises(InputError, match="Zoé.*Awa, Bruno"):
        competency.person_rows(SHEET, "Zoé", "en")


def test_figures_draw_what_they_are_given():
    table = competency.scores(AT_D1, "skill")
    names = {s: s for s in ENUMS["skill"]}
    radar = competency.radar_chart(table[table["person"] == "Awa"], names, {a: a for a in competency.ASSESSORS})
    assert isinstance(radar, Figure) and radar.axes[0].name == "polar"
    assert [line.get_label() for line in radar.axes[0].get_lines()] == ["self", "peer", "trainer"]
    assert len(competency.radar_chart(table[table["person"] == "Bruno"], names, {"self": "s"}).axes[0].get_lines()) == 1
    heat = competency.cohort_heatmap(table, names)
    cells = heat.axes[0].images[0].get_array()
    assert cells.shape == (2, 12)
    assert cells[0, 0] == pytest.approx(2.25) and cells[1].mask.sum() == 12  # Bruno has no others


def test_the_book_exercise_solution():
    """Fatou, in the exercise of book/fr/competency.md: the solution's numbers are the tool's."""
    fatou = pd.DataFrame(
        _rows(
            "Fatou",
            D1,
            "self",
            {"listening_meetings": 4, "participatory_diagnosis": 2, "project_engineering": 3, "finance_access": 4},
        )
        + _rows(
            "Fatou",
            D1,
            "peer",
            {"listening_meetings": 3, "participatory_diagnosis": 3, "project_engineering": 3, "finance_access": 2},
        )
        + _rows(
            "Fatou",
            D1,
            "trainer",
            {"listening_meetings": 2, "participatory_diagnosis": 4, "project_engineering": 3, "finance_access": 2},
        ),
        columns=SHEET.columns,
    ).astype({"score": "Int64"})
    skills = competency.scores(fatou, "skill")
    assert skills.set_index("skill")["self_gap"].to_dict() == {
        "listening_meetings": 1.5,
        "participatory_diagnosis": -1.5,
        "project_engineering": 0,
        "finance_access": 2,
    }
    spots = competency.blind_spots(skills, 1.0)
    assert dict(zip(spots["skill"], spots["gap_direction"])) == {
        "listening_meetings": "over_estimation",
        "participatory_diagnosis": "under_estimation",
        "finance_access": "over_estimation",
    }
    plan = competency.training_plan(skills, size=2)
    assert list(zip(plan["skill"], plan["score"], plan["next_level"])) == [
        ("finance_access", 2, 3),
        ("listening_meetings", 2.5, 3),
    ]
    assert "module_senegal" in plan["activities"].iloc[0] and "tutoring" in plan["activities"].iloc[1]
    book = (Path(__file__).parent.parent / "book" / "fr" / "competency.md").read_text(encoding="utf-8")
    assert "monopolisent la parole" in competency.descriptor("listening_meetings", 2, "fr")
    assert "Au niveau 2\u202f: l’ordre du jour et le temps sont tenus, mais quelques participants monopolisent" in book


def test_the_example_cohort_runs_end_to_end(example_workbook):
    skills = competency.scores(competency.latest(example_workbook["competencies"]), "skill")
    assert skills["person"].nunique() == 3 and len(skills) == 36
    assert skills[["self", "peer", "trainer"]].notna().all().all()


# --------------------------------------------------------------------------------------------
# The questionnaire
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def team_frames():
    """A few sheets of the example: enough to see that the others are kept, small enough to be quick."""
    return {k: v for k, v in build_example().items() if k in ("cluster", "actors", "swot", "competencies")}


@pytest.fixture
def team_workbook(tmp_path, team_frames):
    """A French team workbook on disk, which the form may write to."""
    return write_workbook(team_frames, tmp_path / "équipe.xlsx", lang="fr")


def _fill(form, person="Chantal Ngo", levels=None):
    form.person.value = person
    form.assessor.value = "peer"
    form.date.value = D2.date()
    for skill, level in (levels or {"coaching": 2, "value_chain": 4}).items():
        form.levels[skill].value = level
    form.evidence["coaching"].value = '=HYPERLINK("x") a coupé la parole deux fois'


def test_the_form_appends_rows_and_keeps_every_existing_one(team_workbook):
    before = read_workbook(team_workbook)
    form = questionnaire.competency_form(team_workbook, "fr")
    _fill(form)
    form.submit_button.click()  # the button runs the same callback as submit()
    after = read_workbook(team_workbook)
    old, new = before["competencies"], after["competencies"]
    assert len(new) == len(old) + 2
    pd.testing.assert_frame_equal(new.iloc[: len(old)], old)
    added = new.iloc[len(old) :]
    assert added[["person", "date", "assessor", "competency", "skill", "score"]].values.tolist() == [
        ["Chantal Ngo", D2, "peer", "coach", "coaching", 2],
        ["Chantal Ngo", D2, "peer", "coach", "value_chain", 4],
    ]
    assert added["evidence"].iloc[0].startswith("=HYPERLINK")  # kept as text
    for sheet in before.sheets:
        if sheet != "competencies":
            pd.testing.assert_frame_equal(after[sheet], before[sheet])
    assert "2 notes de Chantal Ngo ajoutées" in form.status.value
    assert all(w.value is None for w in form.levels.values())  # cleared: a second click adds nothing
    assert form.submit() == 0 and "au moins une sous-compétence" in form.status.value
    assert len(read_workbook(team_workbook)["competencies"]) == len(old) + 2
    # the backup is the workbook as it was
    assert len(read_workbook(backup_path(team_workbook))["competencies"]) == len(old)


def test_rows_go_under_the_header_in_its_own_language(team_workbook, team_frames, tmp_path):
    form = questionnaire.competency_form(team_workbook, "en")  # the form's language does not decide
    _fill(form, levels={"coaching": 2, "finance_access": 3})
    assert form.submit() == 2
    ws = openpyxl.load_workbook(team_workbook)["compétences"]
    last = [c.value for c in ws[ws.max_row]]
    assert last[:6] == ["Chantal Ngo", D2.to_pydatetime(), "pair", "chef de projet", "accès au financement", 3]
    evidence = ws.cell(ws.max_row - 1, 7)
    assert evidence.value.startswith("=HYPERLINK") and evidence.data_type == "s"  # text, never a formula
    # an English workbook gets English values
    english = write_workbook(team_frames, tmp_path / "team.xlsx", lang="en")
    questionnaire.append_assessment(english, questionnaire.assessment_rows("Ann", "self", D2, {"coaching": 5}))
    ws = openpyxl.load_workbook(english)["competencies"]
    assert [c.value for c in ws[ws.max_row]][2:6] == ["self", "consultant-coach", "coaching and supportive stance", 5]
    assert read_workbook(english)["competencies"].iloc[-1][["competency", "skill"]].tolist() == ["coach", "coaching"]


def test_the_form_refuses_incomplete_answers_and_the_packaged_example(team_workbook):
    form = questionnaire.competency_form(team_workbook, "en")
    form.levels["coaching"].value = 3
    assert form.submit() == 0 and "name of the person" in form.status.value
    form.person.value = "Ann"
    form.date.value = None
    assert form.submit() == 0 and "date" in form.status.value
    example = questionnaire.competency_form(example_path(), "en", person="Ann")
    example.levels["coaching"].value = 3
    assert example.submit() == 0 and "is not modified" in example.status.value
    with pytest.raises(InputError, match="competencies sheet: scores are whole numbers from 1 to 5"):
        questionnaire.check_rows(questionnaire.assessment_rows("Ann", "self", D2, {"coaching": 6}), "en")
    with pytest.raises(InputError, match=r"valeurs inconnues dans la colonne assessor : boss \(attendu : self, "):
        questionnaire.check_rows(questionnaire.assessment_rows("Ann", "boss", D2, {"coaching": 3}))


def test_a_workbook_without_the_sheet_gets_one(make_xlsx):
    path = make_xlsx({"cluster": [["key", "value"], ["name", "Test"]]})
    questionnaire.append_assessment(path, questionnaire.assessment_rows("Ann", "self", D1, {"coaching": 2}), "en")
    rows = read_workbook(path)["competencies"]
    assert rows[["person", "skill", "score"]].values.tolist() == [["Ann", "coaching", 2]]


def test_practice_workbook_is_a_copy_made_once(tmp_path):
    path = questionnaire.practice_workbook(tmp_path)
    assert path.read_bytes() == example_path().read_bytes()
    path.write_bytes(b"changed")
    assert questionnaire.practice_workbook(tmp_path).read_bytes() == b"changed"


# --------------------------------------------------------------------------------------------
# The XLSForm
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang, label", [("fr", "Personne évaluée"), ("en", "Person assessed")])
def test_the_xlsform_converts_with_pyxform(tmp_path, lang, label):
    path = questionnaire.competency_xlsform(tmp_path / f"form-{lang}.xlsx", lang)
    assert openpyxl.load_workbook(path).sheetnames == ["survey", "choices", "settings"]
    xform = xls2xform.convert(xlsform=str(path)).xform
    assert label in xform and 'id="clusterkit_competency"' in xform
    for skill in ENUMS["skill"]:
        assert f"/{SKILL_COMPETENCY[skill]}/{skill}" in xform and f"{skill}_evidence" in xform
    assert competency.descriptor("coaching", 5, lang).replace("'", "&apos;")[:40] in xform.replace("'", "&apos;")


def test_exported_submissions_become_rows(team_workbook, tmp_path):
    export = tmp_path / "submissions.csv"
    pd.DataFrame(
        {
            "person": ["Ann", "Ben"],
            "assessor": ["trainer", "self"],
            "date": ["2026-02-01", "2026-02-02"],
            "coach-coaching": ["4", ""],
            "coach-coaching_evidence": ["a laissé le groupe décider", ""],
            "project_manager/finance_access": ["2", "3"],
        }
    ).to_csv(export, index=False)
    before = len(read_workbook(team_workbook)["competencies"])
    assert questionnaire.append_submissions(export, team_workbook) == 3
    added = read_workbook(team_workbook)["competencies"].iloc[before:]
    assert added[["person", "skill", "score", "evidence"]].fillna("").values.tolist() == [
        ["Ann", "coaching", 4, "a laissé le groupe décider"],
        ["Ann", "finance_access", 2, ""],
        ["Ben", "finance_access", 3, ""],
    ]
