"""Whatever a team's spreadsheet holds, the toolkit's outputs stay safe: user text is escaped in
HTML, never a formula in XLSX or CSV, inert as a template parameter; output paths stay inside the
output folder; oversized files and zip bombs are refused; XML is parsed with defusedxml."""

import csv
import html.parser
import json
import zipfile
from pathlib import Path

import nbformat
import openpyxl
import pytest

from clusterkit.documents import pdf
from clusterkit.running.pack import pack
from clusterkit.running.templates import titled, to_html
from clusterkit.workbook import WorkbookError, example_path, read_workbook

SCRIPT = "<script>alert('{}')</script>"
IMAGE = "<img src=x onerror=alert('{}')>"
FORMULAS = (
    '=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1,2)",
    "=1+1",
)
# (sheet, header, Excel rows, payloads): names, statements, notes and free text of every step
PAYLOADS = [
    ("cluster", "valeur", [2], [SCRIPT.format("cluster") + " " + IMAGE.format("cluster")]),
    (
        "entreprises",
        "nom",
        range(2, 74),
        [
            f"{p} {i}"
            for i in range(24)  # the interview sample shows some
            for p in (IMAGE.format("firm"), FORMULAS[0], SCRIPT.format("firm"))
        ],
    ),
    ("entreprises", "produit_principal", [2, 5], [FORMULAS[1], IMAGE.format("product")]),
    ("acteurs", "nom", [44, 45, 46], [SCRIPT.format("actor"), FORMULAS[2], IMAGE.format("actor")]),
    ("swot", "énoncé", [2, 3, 4], [IMAGE.format("swot"), FORMULAS[4], SCRIPT.format("swot")]),
    ("récits", "texte", [2, 3], [SCRIPT.format("narrative"), IMAGE.format("narrative")]),
    ("vision", "énoncé", [2], [IMAGE.format("vision")]),
    ("objectifs", "énoncé", [2, 3], [SCRIPT.format("objective"), FORMULAS[3]]),
    ("actions", "titre", [2, 3, 4], [IMAGE.format("action"), FORMULAS[0], SCRIPT.format("action")]),
    ("actions", "chef_de_file", [2], [FORMULAS[3]]),
    ("indicateurs", "nom", [2, 3, 4], [SCRIPT.format("indicator"), FORMULAS[1], IMAGE.format("indicator")]),
    ("mesures", "note", [2, 3], [IMAGE.format("note"), FORMULAS[2]]),
    ("services", "service", [2, 3], [SCRIPT.format("service"), FORMULAS[4]]),
    ("candidats", "nom", [2, 3], [IMAGE.format("candidate"), FORMULAS[0]]),
    ("critères", "libellé", [2], [SCRIPT.format("criterion")]),
    ("compétences", "preuves", [2, 3], [IMAGE.format("evidence"), FORMULAS[3]]),
]


def write_text(cell, text):
    cell.value = text
    cell.data_type = "s"  # what a team typed: text, even when it starts with "="


def hostile_workbook(path: Path) -> Path:
    book = openpyxl.load_workbook(example_path())
    for title, header, rows, values in PAYLOADS:
        sheet = book[title]
        col = [c.value for c in sheet[1]].index(header) + 1
        for row, value in zip(rows, values):
            write_text(sheet.cell(row, col), value)
    book.save(path)
    return path


class Markup(html.parser.HTMLParser):
    """What a browser would run: event-handler attributes, javascript: links, script bodies."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.handlers, self.links, self.scripts, self.text = [], [], [], []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.handlers += [(tag, k, v) for k, v in attrs if k.startswith("on")]
        self.links += [
            v for k, v in attrs if k in ("href", "src") and (v or "").strip().lower().startswith("javascript:")
        ]
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        (self.scripts if self._in_script else self.text).append(data)


def markup_of(path: Path) -> Markup:
    parser = Markup()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def hostile_pack(tmp_path_factory, pool):
    folder = tmp_path_factory.mktemp("hostile")
    return pack(hostile_workbook(folder / "hostile.xlsx"), folder / "reports", lang="en", pool=pool)


def test_every_html_page_shows_user_text_as_text_only(hostile_pack):
    pages = sorted(hostile_pack.folder.glob("*.html"))
    assert len(pages) == len(hostile_pack.steps) + 1  # the reports and the index
    shown = ""
    for page in pages:
        markup = markup_of(page)
        assert markup.handlers == [], page.name
        assert markup.links == [], page.name
        assert not any("alert(" in s for s in markup.scripts), page.name
        shown += "".join(markup.text)
    # the payloads did reach the reports, as visible text
    for marker in (
        "cluster",
        "firm",
        "actor",
        "narrative",
        "service",
        "swot",
        "vision",
        "objective",
        "action",
        "indicator",
        "note",
        "candidate",
    ):
        assert IMAGE.format(marker) in shown or SCRIPT.format(marker) in shown, marker


def test_no_user_text_becomes_a_formula_in_any_spreadsheet(hostile_pack):
    books = sorted(hostile_pack.folder.glob("*.xlsx"))
    assert books
    texts = []
    for path in books:
        for sheet in openpyxl.load_workbook(path).worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                        assert cell.data_type == "s", (path.name, sheet.title, cell.coordinate, cell.value)
                        texts.append(cell.value)
    assert any(f in t for t in texts for f in FORMULAS)  # the payloads reached the tables, as text


def test_no_csv_field_starts_like_a_formula(hostile_pack):
    files = sorted(hostile_pack.folder.glob("*.csv"))
    assert files
    for path in files:
        with open(path, encoding="utf-8", newline="") as handle:
            for record in csv.reader(handle):
                for field in record:
                    assert not field.startswith(("=", "+", "@")), (path.name, field)
                    if field.startswith("-"):
                        float(field)  # a negative number, never text a spreadsheet would evaluate


def test_markdown_in_a_cluster_name_stays_text(tmp_path):
    notebook = titled(nbformat.v4.new_notebook(), "Cluster [click me](javascript:alert(1))")
    page = to_html(notebook, tmp_path / "t.html", "t")
    assert markup_of(page).links == []


def test_pdf_header_escapes_the_cluster_name():
    import datetime as dt

    header, footer = pdf._templates(IMAGE.format("pdf"), "en", dt.date(2026, 1, 2))
    assert "<img" not in header and "&lt;img src=x onerror=alert(&#x27;pdf&#x27;)&gt;" in header
    assert '<span class="pageNumber"></span>' in footer


TRICKY = "O'Brien \"Jr\" \\ back\nslash'); open('PWNED', 'w').close(); ('"


def competency_only(path: Path, cluster: str, person: str | None = None) -> Path:
    book = openpyxl.load_workbook(example_path())
    for title in book.sheetnames:
        if title not in ("cluster", "compétences"):
            del book[title]
    write_text(book["cluster"]["B2"], cluster)
    sheet = book["compétences"]
    first = sheet["A2"].value
    for row in range(2, sheet.max_row + 1):
        if person and sheet.cell(row, 1).value == first:
            write_text(sheet.cell(row, 1), person)
    book.save(path)
    return path


def test_parameters_with_quotes_newlines_and_backslashes_arrive_unchanged_and_inert(pool, tmp_path):
    odd = tmp_path / 'we\'ird "dir" \\ with\nnewline'
    odd.mkdir()
    source = competency_only(odd / "team.xlsx", "Cluster", person=TRICKY)
    result = pack(source, tmp_path / "out", lang="en", pool=pool, parameters={"competency": {"person": TRICKY}})
    executed = nbformat.read(result.folder / "competency.ipynb", as_version=4)
    injected = next(c for c in executed.cells if "injected-parameters" in c.metadata["tags"])
    namespace = {}
    exec(injected.source, namespace)  # plain assignments of literals
    assert namespace["person"] == TRICKY and namespace["workbook"] == str(source)
    assert not list(tmp_path.rglob("PWNED"))
    report = markup_of(result.folder / "competency.html")
    assert 'O\'Brien "Jr" \\ back' in "".join(report.text)  # the profile of that person, by name
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    assert manifest["templates"]["competency"]["parameters"]["person"] == TRICKY


def test_a_cluster_named_like_a_path_writes_only_inside_the_output_folder(pool, tmp_path):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    source = competency_only(work / "team.xlsx", "../../x")
    before = {p for p in tmp_path.rglob("*")}
    result = pack(source, work / "out", lang="en", pool=pool)
    created = {p for p in tmp_path.rglob("*")} - before
    assert created and all(p == work / "out" or (work / "out") in p.parents for p in created)
    assert not (tmp_path / "x").exists() and not (tmp_path / "a" / "x").exists()
    assert "../../x" in "".join(markup_of(result.index).text)


def test_the_size_limit_is_configurable_and_refused_before_anything_is_written(tmp_path, monkeypatch, pool):
    book = openpyxl.load_workbook(example_path())
    for row in range(2, 22):
        book["compétences"].cell(row, 7, "x" * 30_000)  # long evidence: about 1.2 MB once uncompressed
    source = tmp_path / "large.xlsx"
    book.save(source)
    monkeypatch.setenv("CLUSTERKIT_MAX_MB", "1")
    with pytest.raises(WorkbookError) as caught:
        pack(source, tmp_path / "out", lang="en", pool=pool)
    assert [p.code for p in caught.value.problems] == ["file_too_large"]
    assert "a file of at most 1 MB once uncompressed" in str(caught.value)
    assert "CLUSTERKIT_MAX_MB" in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["large.xlsx"]
    monkeypatch.setenv("CLUSTERKIT_MAX_MB", "50")
    assert read_workbook(source).name  # the same file under a higher limit


def test_a_zip_bomb_is_refused_without_being_inflated(tmp_path, monkeypatch):
    source = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(example_path()) as original, zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in original.infolist():
            bomb.writestr(info, original.read(info))
        with bomb.open("xl/media/padding.bin", "w") as member:
            block = bytes(1 << 20)
            for _ in range(64):  # 64 MB of zeros, about 64 kB compressed
                member.write(block)
    assert source.stat().st_size < 2 << 20
    monkeypatch.setenv("CLUSTERKIT_MAX_MB", "32")
    with pytest.raises(WorkbookError) as caught:
        read_workbook(source, lang="en")
    assert [p.code for p in caught.value.problems] == ["file_too_large"]
    assert "found '65 MB'" in str(caught.value)  # 64 MB of padding and the example's 0.6 MB


LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
)


def test_xml_is_parsed_with_defusedxml():
    """openpyxl streams sheets with defusedxml; its other parser (lxml) does not expand entities."""
    import io

    import openpyxl.xml
    from openpyxl.xml import functions

    assert openpyxl.xml.DEFUSEDXML is True
    assert functions.iterparse.__module__.startswith("defusedxml")
    with pytest.raises(Exception, match="EntitiesForbidden|[Ee]ntit"):
        list(functions.iterparse(io.BytesIO(LAUGHS + b"<a>&lol3;</a>")))
    try:
        parsed = functions.fromstring(LAUGHS + b"<a>&lol3;</a>")
    except Exception as error:  # refused outright (defusedxml without lxml)
        assert "ntit" in str(error) or "Forbidden" in type(error).__name__
    else:
        assert "lollol" not in (parsed.text or "")  # lxml with resolve_entities=False: never expanded


def test_an_entity_expansion_bomb_is_refused_with_the_clear_message(tmp_path):
    source = tmp_path / "laughs.xlsx"
    with zipfile.ZipFile(example_path()) as original, zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = LAUGHS + data.split(b"?>", 1)[-1].replace(b"<v>", b"<v>&lol3;", 1)
            bomb.writestr(info, data)
    with pytest.raises(WorkbookError) as caught:
        read_workbook(source, lang="en")
    assert [p.code for p in caught.value.problems] == ["file_unreadable"]
