"""The domains of the templates' parameters (clusterkit.running.parameters): every default lies
inside, the choices are the step modules' own, and a value outside is refused at the edge, in the
user's language, with exit code 2 and nothing written."""

import json

import pytest
from test_user_errors import refused

from clusterkit.errors import InputError
from clusterkit.running.parameters import DOMAINS, expected
from clusterkit.running.templates import check_parameters, template_parameters
from clusterkit.steps import mapping, selection
from clusterkit.steps.monitoring import REACH_KINDS
from clusterkit.workbook import example_path, read_workbook


def defaults(step: str) -> dict:
    return {name: json.loads(spec["default"]) for name, spec in template_parameters(step).items()}


@pytest.mark.parametrize("step", sorted(DOMAINS))
def test_every_domain_names_a_parameter_whose_default_it_accepts(step):
    values = defaults(step)
    assert set(DOMAINS[step]) <= set(values)
    check_parameters(step, {name: values[name] for name in DOMAINS[step]}, "en")  # no error
    for name, domain in DOMAINS[step].items():
        for lang in ("fr", "en"):
            assert expected(domain, lang, values[name])  # every domain can be said in both languages


def test_the_choices_are_the_step_modules_own():
    assert DOMAINS["selection"]["normalisation"].choices == selection.NORMALISATIONS
    assert set(DOMAINS["selection"]["preset"].choices) == {"", *selection.selection_presets()}
    assert set(DOMAINS["selection"]["basis"].choices) == {"", *mapping.BASIS_COLUMNS}
    assert DOMAINS["monitoring"]["community"].keys == REACH_KINDS


@pytest.mark.parametrize(
    "step, given, lang, message",
    [
        (
            "selection",
            {"normalisation": "foo"},
            "fr",
            "Le paramètre « normalisation » de l'étape selection attend l'une des valeurs « minmax », « zscore », "
            '« rank », pas "foo".',
        ),
        (
            "monitoring",
            {"at_risk_below": 2},
            "en",
            "The parameter 'at_risk_below' of the step monitoring takes a number from 0 to 1, not 2.",
        ),
        (
            "monitoring",
            {"at_risk_below": 0.5},  # below the default off_track_below, 0.6
            "fr",
            "Le paramètre « off_track_below » de l'étape monitoring (0,6) ne peut pas dépasser « at_risk_below » "
            "(0,5) : donnez-lui une valeur plus petite, ou augmentez « at_risk_below ».",
        ),
        (
            "diagnostic",
            {"size_bounds": [50, 10, 250]},
            "en",
            "The parameter 'size_bounds' of the step diagnostic takes a list of 3 increasing values, each a whole "
            "number of at least 1, not [50, 10, 250].",
        ),
        (
            "selection",
            {"mapping_years": [2010]},
            "fr",
            "Le paramètre « mapping_years » de l'étape selection attend une liste de 2 valeurs, chacune un nombre "
            "entier, ou une liste vide, pas [2010].",
        ),
        (
            "monitoring",
            {"community": {"farms": 3}},
            "en",
            "The parameter 'community' of the step monitoring takes an object whose keys are among firms, people, "
            'institutions, leaders and whose every value is a whole number of at least 1, not {"farms": 3}.',
        ),
        (
            "selection",
            {"draws": 2.5},
            "fr",
            "Le paramètre « draws » de l'étape selection attend un nombre entier d'au moins 1, pas 2.5.",
        ),
        (
            "plan",
            {"subsidy_schedule": [0.5, 1.5]},
            "en",
            "The parameter 'subsidy_schedule' of the step plan takes a list whose every value is a number from 0 "
            "to 1, not [0.5, 1.5].",
        ),
    ],
)
def test_a_value_outside_its_domain_is_refused_with_what_it_takes(step, given, lang, message):
    with pytest.raises(InputError) as refusal:
        check_parameters(step, given, lang)
    assert str(refusal.value) == message


@pytest.mark.parametrize(
    "given",
    [
        {"normalisation": "rank", "draws": 10, "mapping_years": [2010, 2020], "weights": {"size": 0}},
        {"mapping_years": [], "preset": "", "basis": "firms", "star_size_quantile": 1},
    ],
)
def test_values_inside_their_domains_pass(given):
    check_parameters("selection", given, "en")
    check_parameters("monitoring", {"off_track_below": 0.5, "at_risk_below": 0.5, "community": {"firms": 250}}, "en")


@pytest.mark.parametrize(
    "command, lang, says",
    [
        (["run", "selection", "-p", "normalisation=foo"], "fr", ["« normalisation »", "« minmax »", '"foo"']),
        (["run", "monitoring", "-p", "at_risk_below=2"], "en", ["'at_risk_below'", "from 0 to 1", "not 2."]),
    ],
)
def test_the_command_refuses_a_parameter_outside_its_domain(capsys, tmp_path, command, lang, says):
    team = example_path(lang)
    out = tmp_path / "reports"
    refused(capsys, [*command, "--workbook", team, "--out", out], lang, says, untouched=[team], not_written=[out])


@pytest.fixture(scope="module")
def example_en():
    return read_workbook(example_path("en"))


def test_weight_overrides_name_the_workbook_s_criteria(example_en):
    criteria = (
        "employment, employment_growth, export_share, women_share, micro_firm_share, association_strength, "
        "environmental_pressure"
    )
    with pytest.raises(InputError) as refusal:
        check_parameters("selection", {"weights": {"jobs": 2, "export_share": 1}}, "en", example_en)
    assert str(refusal.value) == (
        "The parameter 'weights' of the step selection names criteria that are not in the criteria sheet: jobs. "
        f"The workbook's criteria: {criteria}."
    )
    every = {name: 0 for name in criteria.split(", ")}
    with pytest.raises(InputError, match="aucun critère ne pèse plus rien"):
        check_parameters("selection", {"weights": every}, "fr", example_en)
    check_parameters("selection", {"weights": every | {"women_share": 1}}, "fr", example_en)  # one left: fine
    check_parameters("selection", {"weights": {"jobs": 2}}, "fr")  # without the workbook: its domain only


def test_the_command_refuses_weights_for_criteria_the_workbook_lacks(capsys, tmp_path):
    team = example_path("fr")
    out = tmp_path / "reports"
    refused(
        capsys,
        ["run", "selection", "-p", 'weights={"jobs": 2}', "--workbook", team, "--out", out],
        "fr",
        ["« weights »", "absents de la feuille des critères : jobs."],
        untouched=[team],
        not_written=[out],
    )
