"""The team's report pack and the batch of packs: contents, manifest, index, reproducibility,
atomic output, kernel start-up retry and the batch's summary."""

import datetime as dt
import hashlib
import json
import re
import zipfile
from pathlib import Path

import nbformat
import openpyxl
import pytest
from test_failures import break_competency

from clusterkit import __version__
from clusterkit.errors import ExecutionError, InputError
from clusterkit.running import kernels as packing
from clusterkit.running.batch import BatchRow, batch, summary_table
from clusterkit.running.outputs import file_label, safe_name, stable_zip
from clusterkit.running.pack import HEAVIEST_FIRST, make_pack, pack, steps_present
from clusterkit.running.templates import available_template, template_path
from clusterkit.schema import STEPS
from clusterkit.workbook import example_path, read_workbook

EPOCH = 1_795_089_600  # 2026-11-19 12:00 UTC: the day the packs show
DAY = dt.date(2026, 11, 19)
TEMPLATES = [s for s in STEPS if available_template(s)]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(parent: Path, name: str) -> list[str]:
    """Temporary folders a pack into ``parent/name`` may have left."""
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}."))


def small_workbook(path: Path, keep=("cluster", "compétences"), edit=None) -> Path:
    """The example with only the sheets in ``keep`` (French titles), then ``edit(book)``."""
    book = openpyxl.load_workbook(example_path())
    for title in book.sheetnames:
        if title not in keep:
            del book[title]
    if edit:
        edit(book)
    book.save(path)
    return path


@pytest.fixture(scope="module")
def example_pack(tmp_path_factory, pool):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
        return pack(out_dir=tmp_path_factory.mktemp("pack") / "example", lang="fr", pool=pool)


def test_steps_present_are_those_whose_sheets_are_filled(tmp_path):
    assert steps_present(read_workbook(example_path())) == TEMPLATES
    only = read_workbook(small_workbook(tmp_path / "c.xlsx"))
    assert steps_present(only) == ["competency"]

    def header_only(book):
        book["compétences"].delete_rows(2, book["compétences"].max_row)

    assert steps_present(read_workbook(small_workbook(tmp_path / "h.xlsx", edit=header_only))) == []


def test_pack_holds_every_report_and_the_files_the_templates_write(example_pack):
    names = sorted(p.name for p in example_pack.folder.iterdir())
    assert example_pack.steps == tuple(TEMPLATES) and len(TEMPLATES) == len(STEPS)
    for step in example_pack.steps:
        assert f"{step}.html" in names and f"{step}.ipynb" in names
    # the action plan, the indicator sheets and the baseline the issue asks for
    assert any(re.fullmatch(r"plan-.+\.docx", n) for n in names)
    assert any(re.fullmatch(r"monitoring-(?!tables).+\.xlsx", n) for n in names)
    assert {"diagnostic-baseline.csv", "diagnostic-baseline.xlsx"} <= set(names)
    assert names.count("index.html") == 1 and "manifest.json" in names
    assert not [n for n in names if n.startswith(".")]  # no scratch folder left inside
    assert list(p.name for p in example_pack.files) == [n for n in names if n != "manifest.json"]
    html_text = (example_pack.folder / "diagnostic.html").read_text(encoding="utf-8")
    assert "Étude diagnostique — Cluster du cuir et de la chaussure de Tamsa (fictif)" in html_text
    executed = nbformat.read(example_pack.folder / "diagnostic.ipynb", as_version=4)
    injected = next(c for c in executed.cells if "injected-parameters" in c.metadata["tags"])
    assert f"workbook = {json.dumps(str(example_path().resolve()))}" in injected.source
    assert 'output_dir = "."' in injected.source  # no temporary path recorded


def test_manifest_records_input_versions_parameters_and_every_output(example_pack):
    manifest = json.loads(example_pack.manifest.read_text(encoding="utf-8"))
    assert manifest["input"] == {"name": "example_cluster.xlsx", "sha256": sha256(example_path())}
    assert manifest["versions"]["clusterkit"] == __version__ and "pandas" in manifest["versions"]
    assert manifest["parameters"] == {"lang": "fr", "steps": TEMPLATES, "pdf": False}
    assert manifest["templates"]["diagnostic"]["sha256"] == sha256(template_path("diagnostic"))
    assert manifest["templates"]["diagnostic"]["parameters"]["size_bounds"] == [10, 50, 250]
    outputs = {o["path"]: o for o in manifest["outputs"]}
    on_disk = {p.name for p in example_pack.folder.iterdir()} - {"manifest.json"}
    assert set(outputs) == on_disk
    for name, entry in outputs.items():
        path = example_pack.folder / name
        assert entry["sha256"] == sha256(path) and entry["bytes"] == path.stat().st_size
    assert dt.datetime.fromisoformat(manifest["created"]).tzinfo is not None


def test_index_links_every_file_with_the_cluster_and_date_in_the_pack_language(example_pack):
    page = example_pack.index.read_text(encoding="utf-8")
    assert '<html lang="fr">' in page
    assert "<h1>Rapports de l&#x27;équipe — Cluster du cuir et de la chaussure de Tamsa (fictif)</h1>" in page
    assert "Produits le 19 nov. 2026." in page
    links = set(re.findall(r'href="([^"]+)"', page))
    assert links == {p.name for p in example_pack.folder.iterdir()} - {"index.html"}
    assert "<h2>Vision et plan d&#x27;action</h2>" in page
    assert ">Figure 2</a>" in page and ">Rapport (HTML)</a>" in page and ">Plan d&#x27;action (DOCX)</a>" in page


def test_two_packs_of_the_same_input_are_identical_but_for_the_manifest_times(
    example_pack, pool, tmp_path, monkeypatch
):
    """Kernels that already ran other steps give the same bytes as before."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    again = pack(out_dir=tmp_path / "again", lang="fr", pool=pool)
    first = {p.name: sha256(p) for p in example_pack.files}
    second = {p.name: sha256(p) for p in again.files}
    assert second == first
    a, b = (json.loads(r.manifest.read_text(encoding="utf-8")) for r in (example_pack, again))
    assert {k for k in a if a[k] != b[k]} <= {"created", "seconds"}
    # what made the bytes differ before: zip times and Office dates, now fixed to the pack's day
    with zipfile.ZipFile(example_pack.folder / "diagnostic-tables.xlsx") as book:
        assert {i.date_time for i in book.infolist()} == {(2026, 11, 19, 0, 0, 0)}
        assert b"2026-11-19T00:00:00Z</dcterms:modified>" in book.read("docProps/core.xml")


def test_a_failed_step_is_listed_and_its_notebook_kept_and_a_good_pack_replaces_it(pool, tmp_path, monkeypatch):
    source = small_workbook(tmp_path / "team.xlsx")
    out = tmp_path / "reports"
    first = pack(source, out, lang="en", pool=pool)
    assert first.steps == ("competency",) and first.exit_code == 0
    (tmp_path / "templates").mkdir()
    break_competency(monkeypatch, tmp_path / "templates")  # a template with a bug
    failed = pack(source, out, lang="en", pool=pool)
    monkeypatch.undo()
    assert failed.steps == () and [f.step for f in failed.failures] == ["competency"]
    assert isinstance(failed.failures[0].error, ExecutionError) and failed.exit_code == 3
    assert str(failed.failures[0].error).startswith("Running the template competency failed at cell ")
    assert sorted(p.name for p in out.iterdir()) == ["competency.failed.ipynb", "index.html", "manifest.json"]
    assert leftovers(tmp_path, "reports") == []
    again = pack(source, out, lang="fr", pool=pool)  # a previous pack is replaced, its failure with it
    assert "Profil de compétences" in (out / "competency.html").read_text(encoding="utf-8")
    assert not (out / "competency.failed.ipynb").exists() and again.failures == ()
    assert again.folder == out.resolve() and leftovers(tmp_path, "reports") == []


def test_a_folder_that_is_not_a_pack_is_never_replaced(pool, tmp_path):
    out = tmp_path / "documents"
    out.mkdir()
    (out / "thesis.docx").write_bytes(b"precious")
    with pytest.raises(InputError, match="is not a report pack"):
        pack(small_workbook(tmp_path / "team.xlsx"), out, lang="en", pool=pool)
    assert [p.name for p in out.iterdir()] == ["thesis.docx"] and leftovers(tmp_path, "documents") == []


def test_parameters_for_steps_that_do_not_run_are_refused(pool, tmp_path):
    with pytest.raises(InputError, match="Parameters given for steps that do not run: plan. Steps run: competency"):
        pack(
            small_workbook(tmp_path / "team.xlsx"),
            tmp_path / "out",
            lang="en",
            pool=pool,
            parameters={"plan": {"x": 1}},
        )
    with pytest.raises(InputError, match="Unknown parameter for the step competency: colour"):
        pack(
            small_workbook(tmp_path / "team.xlsx"),
            tmp_path / "out",
            lang="en",
            pool=pool,
            parameters={"competency": {"colour": "red"}},
        )
    assert not (tmp_path / "out").exists()


def test_a_workbook_no_step_can_use_is_a_clear_error(pool, tmp_path):
    with pytest.raises(InputError, match="No step can run on this workbook.*competency: competencies"):
        pack(small_workbook(tmp_path / "team.xlsx", keep=("cluster",)), tmp_path / "out", lang="en", pool=pool)


def test_a_kernel_that_fails_to_start_is_retried_once(monkeypatch):
    from nbclient import NotebookClient

    real = NotebookClient.start_new_kernel_client
    failures = []

    def flaky(self):
        if len(failures) < 1:
            failures.append("port taken")
            raise RuntimeError("Kernel died before replying to kernel_info")
        return real(self)

    monkeypatch.setattr(NotebookClient, "start_new_kernel_client", flaky)
    kernel = packing.Kernel()
    try:
        assert failures == ["port taken"] and kernel.alive()
    finally:
        kernel.shutdown()

    def dead(self):
        raise RuntimeError("Kernel died before replying to kernel_info")

    monkeypatch.setattr(NotebookClient, "start_new_kernel_client", dead)
    with pytest.raises(ExecutionError, match="did not start, even at the second attempt: Kernel died"):
        packing.Kernel()


def test_a_pool_returns_once_its_kernels_run_and_leaves_no_process_behind():
    """The pool's creator goes on once the kernels' processes are started; closing the pool
    stops and reaps them."""
    processes = []
    pool = packing.KernelPool(2, steps=())
    try:
        processes = pool.run_all([lambda k: k.client.km.provisioner.process] * 2)
        assert all(p.poll() is None for p in processes)
    finally:
        pool.close()
    assert processes and all(p.poll() is not None for p in processes)


def test_each_notebook_finds_a_new_kernel_s_namespace(tmp_path):
    """The templates' imports warm a kernel as it starts, without leaving names behind, and a
    notebook sees nothing the previous one defined; the cells are numbered from 1 every time."""
    names = "print(sorted(n for n in globals() if not n.startswith('_')))"
    warmed = (
        "import gc, sys\n"
        "print(sorted(m for m in ('clusterkit.steps.network', 'docx') if m in sys.modules), gc.get_freeze_count() > 0)"
    )
    kernel = packing.Kernel(warm=("diagnostic",))
    try:
        seen = []
        for cells in ([names, warmed, "from clusterkit.documents.report import Report\nleft = 1"], [names]):
            notebook = kernel.execute(
                nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells]), tmp_path, 60
            )
            seen.append(notebook.cells[0].outputs[0]["text"])
            if len(cells) == 3:  # before any notebook asked: the diagnostic's modules, not Word's (the plan's)
                assert notebook.cells[1].outputs[0]["text"] == "['clusterkit.steps.network'] True\n"  # and frozen
            assert [c.execution_count for c in notebook.cells] == list(range(1, len(cells) + 1))
    finally:
        kernel.shutdown()
    assert seen[0] == seen[1] == "['In', 'Out', 'exit', 'get_ipython', 'open', 'quit']\n"


def test_a_pack_gives_out_its_longest_steps_first_and_lists_them_in_the_method_s_order(tmp_path):
    """Two kernels finish sooner when the longest steps start first; the reports, the index and
    the manifest keep the method's order."""
    taken = []

    class Unexecuted:  # a kernel that only notes which step it was given
        def execute(self, notebook, cwd, timeout, lent=None):
            taken.append(cwd.name.lstrip("."))
            return notebook

    class OneAfterAnother:
        def run_all(self, jobs, meanwhile=None):
            return [job(Unexecuted()) for job in jobs]

    result = make_pack(example_path("en"), tmp_path / "pack", "en", None, False, {}, 60, OneAfterAnother())
    assert taken == ["monitoring", "diagnostic", "plan", "selection", "implementation", "competency"]
    assert sorted(HEAVIEST_FIRST) == sorted(STEPS)
    assert result.steps == STEPS
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    assert manifest["parameters"]["steps"] == list(STEPS)
    index = result.index.read_text(encoding="utf-8")
    assert [index.index(f"{step}.html") for step in STEPS] == sorted(index.index(f"{step}.html") for step in STEPS)


def test_batch_makes_one_pack_per_workbook_and_a_bad_one_stops_nothing(tmp_path):
    folder = tmp_path / "teams"
    folder.mkdir()
    small_workbook(folder / "alpha.xlsx")

    def bad_score(book):
        book["compétences"]["F3"] = "excellent"

    small_workbook(folder / "beta.xlsx", edit=bad_score)
    (folder / "gamma.xlsx").write_text("name;value\nnot;excel\n", encoding="utf-8")
    (folder / "~$alpha.xlsx").write_bytes(b"lock")  # Excel's lock file is not a workbook
    (folder / "delta.ods").write_bytes(b"not a spreadsheet")  # .ods, .xls and .xlsm are workbooks too
    (folder / "readme.txt").write_text("notes", encoding="utf-8")
    rows = batch(folder, tmp_path / "packs", jobs=2, lang="en", progress=False)
    assert [(r.workbook.name, r.ok) for r in rows] == [
        ("alpha.xlsx", True),
        ("beta.xlsx", False),
        ("delta.ods", False),
        ("gamma.xlsx", False),
    ]
    assert (tmp_path / "packs" / "alpha" / "competency.html").exists()
    assert sorted(p.name for p in (tmp_path / "packs").iterdir()) == ["alpha"]
    assert "beta.xlsx, sheet 'compétences', row 3" in rows[1].reason
    assert "delta.ods" in rows[2].reason
    assert "gamma.xlsx" in rows[3].reason and len(rows[3].reason.splitlines()) == 2
    table = summary_table(rows, "en").splitlines()
    assert table[0].split() == ["Workbook", "Result", "Reason"]
    assert table[2].startswith("alpha.xlsx  ok") and table[3].startswith("beta.xlsx   failed  ")
    assert table[-1] == "1 ok, 3 failed."


def test_summary_table_lines():
    rows = [
        BatchRow(Path("a.xlsx"), True, "", Path("out/a")),
        BatchRow(Path("long-name.xlsx"), False, "line one\nline two", None),
    ]
    assert summary_table(rows, "fr").splitlines() == [
        "Classeur        Résultat  Raison",
        "-" * 45,
        "a.xlsx          réussi",
        "long-name.xlsx  échec     line one | line two",
        "1 réussite, 1 échec.",
    ]


@pytest.mark.parametrize(
    "name, step, lang, label",
    [
        ("diagnostic.html", "diagnostic", "fr", "Rapport (HTML)"),
        ("diagnostic.pdf", "diagnostic", "en", "Report (PDF)"),
        ("diagnostic-figure-12.png", "diagnostic", "en", "Figure 12"),
        ("diagnostic-baseline.csv", "diagnostic", "fr", "Situation de référence (CSV)"),
        ("plan-action-plan.docx", "plan", "en", "Action plan (DOCX)"),
        ("plan-team-notes.docx", "plan", "fr", "Note de travail de l'équipe (DOCX)"),
        ("monitoring-indicators.xlsx", "monitoring", "fr", "Fiches des indicateurs (XLSX)"),
        ("plan-unheard-of.docx", "plan", "en", "Document (DOCX)"),
        ("plan-notes.txt", "plan", "en", "plan-notes.txt"),
        ("plan.ipynb", "plan", "en", "Executed notebook"),
    ],
)
def test_file_labels_come_from_the_catalogue(name, step, lang, label):
    assert file_label(name, step, lang) == label


def test_stable_zip_leaves_only_the_content(tmp_path):
    paths = []
    for i, created in enumerate((dt.datetime(2020, 1, 1, 8), dt.datetime(2024, 5, 6, 17, 3))):
        book = openpyxl.Workbook()
        book.active["A1"] = "same content"
        book.properties.created = created
        path = tmp_path / f"{i}.xlsx"
        book.save(path)
        paths.append(path)
    assert sha256(paths[0]) != sha256(paths[1])
    for path in paths:
        stable_zip(path, DAY)
    assert sha256(paths[0]) == sha256(paths[1])
    assert openpyxl.load_workbook(paths[0]).properties.created == dt.datetime(2026, 11, 19)
    assert openpyxl.load_workbook(paths[0]).active["A1"].value == "same content"


@pytest.mark.parametrize(
    "text, name",
    [
        ("../../x", "x"),
        ("a/b\\c", "a_b_c"),
        ("...", "workbook"),
        ("Équipe  Nord", "Équipe  Nord"),
        ("con:?*<>|\x00", "con"),
    ],
)
def test_safe_name_never_leaves_its_folder(text, name):
    assert safe_name(text) == name
    assert "/" not in safe_name(text) and safe_name(text) not in (".", "..")
