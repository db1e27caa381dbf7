"""End to end on workbooks of unusual shapes: each step's template run with ``clusterkit.run``.

A few distinct generated workbooks (minimal, no relations, several rounds, one candidate, every
target met, no measurements) go through the real runner: the notebook, the HTML report and the
tables workbook exist, and the report shows no traceback.
"""

from __future__ import annotations

import openpyxl
import pytest
from workbooks import Shape, build

import clusterkit
from clusterkit.schema import STEP_SHEETS, STEPS
from clusterkit.workbook import WorkbookError

NEEDED = frozenset(s for needed, _ in STEP_SHEETS.values() for s in needed) | {"cluster"}
SHAPES = {
    # one row everywhere, no optional column, no optional sheet
    "minimal": Shape(
        seed=11,
        lang="fr",
        rows=1,
        optional_columns=False,
        sheets=NEEDED,
        regions=1,
        sectors=1,
        candidates=1,
        criteria=1,
        actors=1,
        relations=0,
        indicators=1,
        measurements=1,
        groups=False,
        people=1,
    ),
    # actors but not one relation: every actor isolated
    "no_relations": Shape(seed=12, lang="en", rows=8, actors=12, relations=0),
    # three survey rounds, disaggregated measurements, a larger cluster
    "rounds": Shape(seed=13, lang="fr", rows=60, actors=80, relations=200, rounds=3, measurements=30),
    # one candidate in one region and sector, employment gaps
    "single_candidate": Shape(
        seed=14, lang="en", regions=1, sectors=3, candidates=1, criteria=3, thresholds=True, zero_employment=True
    ),
    # every target met, zero baselines, no disaggregated rows
    "targets_met": Shape(seed=15, lang="fr", targets_met=True, zero_baselines=True, groups=False),
}
RUNS = [("minimal", step) for step in STEPS] + [
    ("no_relations", "diagnostic"),
    ("rounds", "diagnostic"),
    ("single_candidate", "selection"),
    ("targets_met", "monitoring"),
]


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    folder = tmp_path_factory.mktemp("shapes")
    return {name: build(shape, folder) for name, shape in SHAPES.items()}


@pytest.mark.parametrize("name, step", RUNS)
def test_step_runs_end_to_end(workbooks, tmp_path, name, step):
    generated = workbooks[name]
    result = clusterkit.run(
        step,
        workbook=generated.path,
        out_dir=tmp_path,
        lang=generated.shape.lang,
        parameters={"draws": 50} if step == "selection" else None,
    )
    html = result.html.read_text(encoding="utf-8")
    assert result.notebook.exists() and result.tables.exists()
    assert "Traceback" not in html and "ename" not in html
    assert "<h2>" in html
    assert openpyxl.load_workbook(result.tables).sheetnames  # a real XLSX, at least one table


def test_monitoring_without_measurements_says_which_sheet_to_fill(tmp_path):
    generated = build(Shape(seed=16, lang="en", measurements=0), tmp_path)
    with pytest.raises(WorkbookError) as caught:
        clusterkit.run("monitoring", workbook=generated.path, out_dir=tmp_path / "out", lang="en")
    assert "measurements" in str(caught.value) and "monitoring" in str(caught.value)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
