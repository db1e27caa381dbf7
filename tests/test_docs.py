"""Pages generated from the code: data dictionary, command-line reference, worked examples."""

import argparse

from clusterkit import docs
from clusterkit.cli import build_parser
from clusterkit.running.templates import RESERVED_PARAMETERS, template_parameters
from clusterkit.schema import ENUMS, SHEETS, STEPS


def test_data_dictionary_lists_every_sheet_column_and_enumeration_value():
    text = docs.data_dictionary("fr")
    for key, sheet in SHEETS.items():
        assert f"## `{key}`" in text
        for column in sheet.columns:
            assert f"| `{column.key}` |" in text
    for values in ENUMS.values():
        for value in values:
            assert f"`{value}`" in text
    assert "| `employees` | effectif | oui | nombre entier au moins 0 |" in text
    assert "| `source` | source | oui | référence à `actors.actor_id` |" in text


def test_cli_reference_covers_every_command_and_option():
    text = docs.cli_reference("fr")

    def walk(parser, name):
        yield name, parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub, subparser in action.choices.items():
                    yield from walk(subparser, f"{name} {sub}")

    for name, parser in walk(build_parser("fr"), "clusterkit"):
        assert f"`{name}`" in text
        for action in parser._actions:
            for option in action.option_strings:
                assert option in text
    assert "écrire un classeur vierge" in text


def test_cli_reference_lists_every_template_parameter_with_what_it_accepts():
    for lang in ("fr", "en"):
        text = docs.cli_reference(lang)
        for step in STEPS:
            for name in template_parameters(step):
                if name not in RESERVED_PARAMETERS:
                    assert f"| `{name}` |" in text[text.index(f"### `{step}`") :], (lang, step, name)
    assert (
        '| `normalisation` | `"minmax"` | l\'une des valeurs « minmax », « zscore », « rank » |'
        in docs.cli_reference("fr")
    )
    assert "| `off_track_below` | `0.6` | a number from 0 to 1 and at most 'at_risk_below' |" in docs.cli_reference(
        "en"
    )


def test_example_notebook_is_titled_parameterised_and_stable():
    first = docs.example_notebook("diagnostic", "en")
    assert first.cells[0].source == "# Worked example: Diagnostic study"
    injected = [c for c in first.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and 'lang = "en"' in injected[0].source
    assert all("remove-input" in c.metadata["tags"] for c in first.cells if c.cell_type == "code")
    # the same page twice is the same file, so the book's execution cache is reused
    import nbformat

    assert nbformat.writes(first) == nbformat.writes(docs.example_notebook("diagnostic", "en"))


def test_generated_pages_are_written_only_when_changed(tmp_path):
    pages = docs.generate_book_pages(tmp_path, "fr")
    stamps = {p: p.stat().st_mtime_ns for p in pages}
    docs.generate_book_pages(tmp_path, "fr")
    assert {p: p.stat().st_mtime_ns for p in pages} == stamps
    assert (tmp_path / "_generated" / "fr" / "diagnostic.ipynb") in pages
