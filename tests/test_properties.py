"""Every workbook the checker accepts runs every step, or the step says why it cannot in the user's words.

Each step's template is executed in this process, cell by cell as papermill would run it, on
workbooks drawn by :mod:`workbooks`; figures are drawn at draft resolution (the shape tests render
them end to end). The only exceptions allowed are :class:`~clusterkit.errors.ClusterkitError`s.
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from workbooks import Shape, build, run_in_process, shapes

from clusterkit.errors import ClusterkitError, InputError, StepInputError
from clusterkit.schema import STEPS
from clusterkit.steps import mapping, network
from clusterkit.workbook import read_workbook

# derandomized: CI draws the same workbooks every run; the database is off so no run depends on another
PROPERTY = settings(
    max_examples=8, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)  # writing an xlsx per example is slow by design


def runs_or_explains(step: str, workbook: Path, lang: str, **parameters) -> None:
    try:
        run_in_process(step, workbook, lang, **parameters)
    except ClusterkitError as error:
        assert str(error).strip(), f"{step}: an empty message"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("generated")


# -- the generator itself --------------------------------------------------------------------------
@PROPERTY
@given(shape=shapes())
def test_every_generated_workbook_is_accepted(shape):
    with tempfile.TemporaryDirectory() as folder:
        generated = build(shape, Path(folder))
        wb = read_workbook(generated.path)
        for key, frame in generated.frames.items():
            if key != "cluster":
                assert len(wb[key]) == len(frame), key
        assert wb.lang == shape.lang


def test_a_workbook_of_thousands_of_rows_is_accepted_and_maps(folder):
    generated = build(Shape(seed=25, rows=2000, actors=2500, relations=3000, regions=30, sectors=40, years=3), folder)
    wb = read_workbook(generated.path)
    assert (len(wb["enterprises"]), len(wb["actors"]), len(wb["employment"])) == (2000, 2500, 3600)
    scope = run_in_process("selection", generated.path, "en")
    assert len(mapping.location_quotients(scope["indicators"], (2010, 2020))) == 2400


# -- every step ------------------------------------------------------------------------------------
@pytest.mark.parametrize("step", STEPS)
@PROPERTY
@given(shape=shapes(), lang=st.sampled_from(("fr", "en")))
def test_every_step_runs_or_says_why(step, shape, lang):
    with tempfile.TemporaryDirectory() as folder:
        generated = build(shape, Path(folder))
        runs_or_explains(step, generated.path, lang)


@PROPERTY
@given(shape=shapes(), as_of=st.sampled_from(("2019-06-30", "2020-02-01", "2021-07-15", "2030-01-01")))
def test_monitoring_at_any_date(shape, as_of):
    with tempfile.TemporaryDirectory() as folder:
        generated = build(shape, Path(folder))
        runs_or_explains("monitoring", generated.path, "en", as_of=as_of)


@PROPERTY
@given(shape=shapes(), lang=st.sampled_from(("fr", "en")))
def test_a_mapping_counted_in_firms_is_computed_on_firms(shape, lang):
    shape = dataclasses.replace(shape, firms_only=True, sheets=shape.sheets | {"employment"})
    with tempfile.TemporaryDirectory() as folder:
        generated = build(shape, Path(folder))
        try:
            scope = run_in_process("selection", generated.path, lang)
        except ClusterkitError as error:  # one year only, no firms in a year...: said in the user's words
            assert str(error).strip()
            assert not str(error).startswith(("The mapping is computed on", "La cartographie est calculée sur"))
            return
    assert scope["counted"] == "firms"
    firms = generated.frames["employment"].rename(columns={"establishments": "employment"})
    expected = mapping.mapping_indicators(firms)["lq"].to_numpy()
    np.testing.assert_allclose(scope["indicators"]["lq"].to_numpy(), expected, equal_nan=True)


@settings(PROPERTY, max_examples=3)
@given(shape=shapes(), person=st.sampled_from(("Person 1", "Person 2")))
def test_competency_profile_of_one_person(shape, person):
    with tempfile.TemporaryDirectory() as folder:
        generated = build(shape, Path(folder))
        runs_or_explains("competency", generated.path, "fr", person=person)


# -- the crashes found, each kept as an example ----------------------------------------------------
def test_monitoring_without_disaggregated_rows(folder):
    generated = build(Shape(seed=7, groups=False, measurements=5), folder)
    scope = run_in_process("monitoring", generated.path, "en")
    assert scope["m"].women.empty and list(scope["m"].women.columns)[:2] == ["indicator_id", "measured_on"]


def test_monitoring_as_of_before_every_disaggregated_measurement(folder):
    generated = build(Shape(seed=8, groups=True, measurements=6), folder)
    scope = run_in_process("monitoring", generated.path, "fr", as_of="2020-01-02")
    assert scope["m"].women.empty


def test_diagnostic_of_a_cluster_of_600_actors(folder):
    generated = build(Shape(seed=9, rows=100, actors=600, relations=900, rounds=2), folder)
    scope = run_in_process("diagnostic", generated.path, "en")
    # the map draws its most linked actors (and says so); the facts count every actor
    assert len(scope["positions"]) == network.MAP_ACTOR_LIMIT
    # the first round's map holds the actors tied by then and those never tied (network.on_map)
    wb = read_workbook(generated.path)
    first = network.on_map(wb["actors"], wb["relations"], network.survey_rounds(wb["relations"])[0])
    assert scope["facts"]["actors"] == len(first) and 0 < len(first) <= 600


# -- a step that cannot run says why, in the user's words ------------------------------------------
@pytest.mark.parametrize(
    "lang, message",
    [
        (
            "en",
            (
                "The ‘candidates’ sheet has no value for: C0003 (crit_2). Every candidate needs a value for every "
                "criterion of the ‘criteria’ sheet. Fill in these cells"
            ),
        ),
        (
            "fr",
            (
                "La feuille « candidats » n'a pas de valeur pour : C0003 (crit_2). Chaque candidat a besoin d'une "
                "valeur pour chaque critère de la feuille « critères ». Remplissez ces cases"
            ),
        ),
    ],
)
def test_selection_names_the_empty_criterion_cells(folder, lang, message):
    generated = build(Shape(seed=21, lang=lang, candidates=3, criteria=2, blank_criterion=True), folder)
    with pytest.raises(StepInputError) as caught:
        run_in_process("selection", generated.path, lang)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    "step, name", [("monitoring", "as_of"), ("implementation", "as_of"), ("diagnostic", "baseline_date")]
)
@pytest.mark.parametrize(
    "lang, message",
    [
        ("en", "The {name} parameter is ‘30/06/2024’, which is not a date: write it as YYYY-MM-DD"),
        ("fr", "Le paramètre {name} vaut « 30/06/2024 », qui n'est pas une date : écrivez-la sous la forme AAAA-MM-JJ"),
    ],
)
def test_a_date_parameter_that_is_not_a_date(folder, step, name, lang, message):
    generated = build(Shape(seed=22, lang=lang), folder)
    with pytest.raises(InputError) as caught:
        run_in_process(step, generated.path, lang, **{name: "30/06/2024"})
    assert message.format(name=name) in str(caught.value)


def test_competency_profile_of_someone_not_assessed(folder):
    generated = build(Shape(seed=23, lang="fr", people=2), folder)
    with pytest.raises(InputError, match="Personne « Zoé » introuvable.*Person 1, Person 2"):
        run_in_process("competency", generated.path, "fr", person="Zoé")


@pytest.mark.parametrize(
    "lang, message",
    [
        ("en", "sheet 'measurements': found '(empty)'. Expected: at least one row of data"),
        ("fr", "feuille « mesures » : valeur trouvée « (vide) ». Attendu : au moins"),
    ],
)
def test_monitoring_before_any_measurement_names_the_sheet(folder, lang, message):
    generated = build(Shape(seed=24, lang=lang, measurements=0), folder)
    with pytest.raises(ClusterkitError) as caught:
        run_in_process("monitoring", generated.path, lang)
    assert message in str(caught.value)


def test_selection_when_no_region_and_sector_employs_people_in_both_years(folder):
    # found by the generator: every cell of the only sector is empty in one of the two years
    generated = build(
        Shape(
            seed=51606,
            rows=1,
            optional_columns=False,
            regions=5,
            sectors=1,
            years=2,
            zero_employment=True,
            candidates=4,
            criteria=1,
        ),
        folder,
    )
    with pytest.raises(StepInputError, match="no region and sector has jobs in both 2010 and 2015"):
        run_in_process("selection", generated.path, "en")
