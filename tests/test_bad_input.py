"""The bad-input corpus (tests/bad_input): every awkward workbook is either read correctly or
rejected with the clear message; the input is never changed, and a pack made from it leaves no
half-written folder behind."""

import time

import pytest
from bad_input.corpus import CASES, Case

from clusterkit.errors import ClusterkitError
from clusterkit.running.kernels import KernelPool
from clusterkit.running.outputs import input_hash
from clusterkit.running.pack import pack
from clusterkit.workbook import WorkbookError, read_workbook

SURVEY_SECONDS = 120  # a generous bound: catches a reader that turns quadratic, not a slow machine


@pytest.fixture(scope="module")
def pool():
    with KernelPool(1) as kernel:
        yield kernel


def test_the_corpus_covers_the_issue():
    assert len(CASES) >= 30
    assert len({c.name for c in CASES}) == len(CASES) and len(CASES) >= 30
    assert sum(bool(c.problems) for c in CASES) >= 15 and sum(c.check is not None for c in CASES) >= 15


def assert_clear(problem, path):
    """Every part of the clear message is there: file, place, value, expected, fix."""
    text = problem.message("en")
    assert problem.file in (path.name, f"{problem.sheet}.csv") and text.startswith(problem.file)
    assert problem.expected and problem.fix
    assert ": found '" in text and "Expected: " in text and "How to fix: " in text
    if problem.row is not None:
        assert f"sheet '{problem.sheet}', row {problem.row}, column '{problem.column}'" in text


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name) for c in CASES])
def test_bad_input(case: Case, tmp_path, pool):
    source = case.build(tmp_path)
    digest = input_hash(source)
    started = time.perf_counter()
    if case.problems:
        with pytest.raises(WorkbookError) as caught:
            read_workbook(source, lang="en", step=case.step)
        problems = caught.value.problems
        assert [p.code for p in problems] == list(case.problems)
        for problem in problems:
            assert_clear(problem, source)
        message = caught.value.format("en")
        for fragment in case.says:
            assert fragment in message
        assert "Traceback" not in message
    else:
        wb = read_workbook(source, lang="en", step=case.step)
        case.check(wb)
        assert set(case.notices) <= {n.key for n in wb.notices}
    if case.slow:
        assert time.perf_counter() - started < SURVEY_SECONDS
    assert input_hash(source) == digest

    out = tmp_path / "pack"
    try:
        result = pack(source, out, lang="en", steps=list(case.pack_steps), pool=pool)
    except ClusterkitError:
        assert not out.exists()  # refused: nothing written
    else:
        assert not case.problems
        assert sorted(p.name for p in out.iterdir()) == sorted([p.name for p in result.files] + ["manifest.json"])
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary folder
    assert input_hash(source) == digest
