"""Hypothesis strategies for team workbooks the checker accepts, built from ``clusterkit.schema``.

A strategy draws the *shape* of a workbook (which sheets and optional columns are there, how many
rows, how many rounds, whether disaggregated measurements, relations, thresholds... exist); the
cell values of a shape come from a seeded generator, so that a workbook of thousands of rows is
drawn as fast as one of a single row and every example is reproducible. Workbooks are written with
openpyxl, with the project's own headers, sheet titles and cell values (French or English).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import matplotlib.pyplot as plt
import numpy as np
import openpyxl
import pandas as pd
from hypothesis import strategies as st

from clusterkit.schema import ENUMS, SHEETS, SKILL_COMPETENCY
from clusterkit.workbook import cell_value, header, sheet_title

START = dt.date(2020, 1, 1)


@dataclass
class Shape:
    """What a generated workbook holds; every choice a strategy draws, in one readable record."""

    seed: int
    lang: str = "en"
    rows: int = 5  # rows of the main sheet of each step (firms, actions, ...)
    optional_columns: bool = True  # optional columns present (else absent from the sheet)
    sheets: frozenset = frozenset(SHEETS)  # sheets present; the others are left out of the file
    # selection
    regions: int = 2
    sectors: int = 2
    years: int = 2
    zero_employment: bool = False  # some region x sector cells employ nobody
    firms_only: bool = False  # the employment sheet counts establishments, not jobs
    candidates: int = 3
    criteria: int = 2
    thresholds: bool = False
    blank_criterion: bool = False  # one candidate without a value for one criterion
    # diagnostic
    actors: int = 6
    relations: int = 6
    rounds: int = 1
    # monitoring
    indicators: int = 3
    measurements: int = 4
    groups: bool = True  # disaggregated (group) measurement rows
    targets_met: bool = False
    zero_baselines: bool = False
    # competency
    people: int = 2


def _ids(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i + 1:04d}" for i in range(n)]


def _day(rng, low: int = 0, high: int = 1500) -> dt.date:
    return START + dt.timedelta(days=int(rng.integers(low, high + 1)))


def frames(shape: Shape) -> dict[str, pd.DataFrame]:
    """The canonical frames of ``shape`` (one per sheet present), every rule of the checker kept."""
    rng = np.random.default_rng(shape.seed)
    n, opt = shape.rows, shape.optional_columns
    out: dict[str, pd.DataFrame] = {}
    regions = [f"Region {chr(65 + i)}" for i in range(shape.regions)]
    sectors = [f"Sector {i + 1}" for i in range(shape.sectors)]

    out["cluster"] = pd.DataFrame(
        {
            "key": ["name", "language", "region", "sector", "orientation", "currency", "start_date"],
            "value": [
                "Generated cluster",
                shape.lang,
                regions[0],
                sectors[0],
                ENUMS["orientation"][shape.seed % 2],
                "XOF",
                START,
            ],
        }
    )

    years = [2010 + 5 * i for i in range(shape.years)]
    cells = [(r, s, y) for r in regions for s in sectors for y in years]
    employment = rng.integers(1, 5000, len(cells)).astype(float)
    if shape.zero_employment:
        employment[rng.random(len(cells)) < 0.3] = 0
    out["employment"] = pd.DataFrame(cells, columns=["region", "sector", "year"]).assign(employment=employment)
    if opt or shape.firms_only:
        out["employment"]["establishments"] = rng.integers(0, 50, len(cells)).astype(float)
    if shape.firms_only:
        out["employment"] = out["employment"].drop(columns="employment")

    criteria = [f"crit_{i + 1}" for i in range(shape.criteria)]
    candidates = pd.DataFrame(
        {
            "candidate_id": _ids("C", shape.candidates),
            "name": [f"Candidate {i + 1}" for i in range(shape.candidates)],
            "region": rng.choice(regions, shape.candidates),
            "sector": rng.choice(sectors, shape.candidates),
        }
    )
    for c in criteria:
        candidates[c] = rng.integers(0, 100, shape.candidates).astype(float)
    if shape.blank_criterion:
        candidates.loc[shape.candidates - 1, criteria[-1]] = np.nan
    out["candidates"] = candidates
    out["criteria"] = pd.DataFrame(
        {
            "criterion": criteria,
            "label": [c.replace("_", " ") for c in criteria],
            "weight": rng.integers(1, 10, len(criteria)).astype(float),
            "direction": rng.choice(ENUMS["direction"], len(criteria)),
            "group": rng.choice(ENUMS["criterion_group"], len(criteria)),
        }
    )
    if opt:
        out["criteria"]["min_threshold"] = (
            np.where(rng.random(len(criteria)) < 0.5, 20.0, np.nan) if shape.thresholds else np.nan
        )

    firm_ids = _ids("E", n)
    employees = rng.integers(0, 300, n)
    firms = pd.DataFrame(
        {
            "enterprise_id": firm_ids,
            "name": [f"Firm {i + 1}" for i in range(n)],
            "role": rng.choice(ENUMS["role"], n),
            "employees": employees,
        }
    )
    if opt:
        firms["employees_women"] = (employees * rng.random(n)).astype(int)
        firms["owner_gender"] = rng.choice(ENUMS["owner_gender"], n)
        firms["owner_stratum"] = rng.choice(["poorest", "middle", "better-off"], n)
        firms["year_founded"] = rng.integers(1950, 2021, n)
        firms["turnover"] = rng.integers(0, 10**6, n).astype(float)
        firms["export_share"] = rng.random(n).round(2)
        firms["main_product"] = "goods"
        firms["market_segment"] = rng.choice(ENUMS["market_segment"], n)
        firms["association_member"] = rng.random(n) < 0.5
    out["enterprises"] = firms

    # actors: the surveyed firms first (their ids are enterprise ids), then other institutions
    n_actors = shape.actors
    actor_ids = firm_ids[:n_actors] + _ids("A", max(0, n_actors - n))
    out["actors"] = pd.DataFrame(
        {
            "actor_id": actor_ids,
            "name": [f"Actor {a}" for a in actor_ids],
            "type": ["enterprise" if a in set(firm_ids) else rng.choice(ENUMS["actor_type"]) for a in actor_ids],
            "level": rng.choice(ENUMS["level"], n_actors),
        }
    )
    n_rel = shape.relations if n_actors > 0 else 0
    relations = pd.DataFrame(
        {
            "source": rng.choice(actor_ids, n_rel) if n_rel else [],
            "target": rng.choice(actor_ids, n_rel) if n_rel else [],
            "relation_type": rng.choice(ENUMS["relation_type"], n_rel),
            "intensity": rng.integers(1, 4, n_rel),
        }
    )
    if opt:
        relations["formal"] = rng.random(n_rel) < 0.5
        relations["survey_round"] = rng.integers(1, shape.rounds + 1, n_rel)
    out["relations"] = relations
    out["swot"] = pd.DataFrame(
        {
            "category": rng.choice(ENUMS["swot_category"], n),
            "statement": [f"Statement {i + 1}" for i in range(n)],
            "theme": rng.choice(ENUMS["theme"], n),
        }
    )
    if opt:
        out["swot"]["votes"] = rng.integers(0, 20, n)
        out["swot"]["swot_id"] = _ids("S", n)
    providers = actor_ids[: max(1, min(3, n_actors))] if n_actors else []
    n_services = min(n, 5) if providers else 0
    out["services"] = pd.DataFrame(
        {
            "provider": rng.choice(providers, n_services) if n_services else [],
            "service": [f"Service {i + 1}" for i in range(n_services)],
            "users": rng.integers(0, 40, n_services),
            "satisfaction": rng.integers(1, 6, n_services).astype(float),
        }
    )
    if opt:
        out["services"]["cost_recovery"] = rng.random(n_services).round(2)
    sections = list(ENUMS["narrative_section"])[: min(n, len(ENUMS["narrative_section"]))]
    out["narratives"] = pd.DataFrame({"section": sections, "text": [f"About {s}." for s in sections]})

    out["vision"] = pd.DataFrame({"statement": ["A cluster that exports."], "horizon_years": [3]})
    objective_ids = _ids("O", max(1, n // 3))
    out["objectives"] = pd.DataFrame(
        {"objective_id": objective_ids, "statement": [f"Objective {o}" for o in objective_ids]}
    )
    if opt:
        out["objectives"]["gender_objective"] = rng.random(len(objective_ids)) < 0.3
    action_ids = _ids("AC", n)
    starts = [_day(rng, 0, 1000) for _ in range(n)]
    budget = rng.integers(0, 100_000, n).astype(float)
    actions = pd.DataFrame(
        {
            "action_id": action_ids,
            "objective_id": rng.choice(objective_ids, n),
            "title": [f"Action {i + 1}" for i in range(n)],
            "kind": rng.choice(ENUMS["action_kind"], n),
            "domain": rng.choice(ENUMS["domain"], n),
            "scope": rng.choice(ENUMS["scope"], n),
            "lead": "Facilitator",
            "start": starts,
            "end": [s + dt.timedelta(days=int(rng.integers(0, 700))) for s in starts],
            "budget": budget,
            "impact": rng.integers(1, 6, n),
            "feasibility": rng.integers(1, 6, n),
            "status": rng.choice(ENUMS["status"], n),
        }
    )
    if opt:
        actions["cofinancing_rate"] = rng.random(n).round(2)
        actions["spent"] = (budget * rng.random(n)).round()
        actions["plan_year"] = rng.integers(1, 4, n)
    out["actions"] = actions

    k = shape.indicators
    indicator_ids = _ids("I", k)
    baselines = np.zeros(k) if shape.zero_baselines else rng.integers(0, 100, k).astype(float)
    targets = baselines + rng.integers(1, 100, k)
    directions = rng.random(k) < 0.2  # some indicators aim below their baseline
    targets = np.where(directions, baselines - rng.integers(0, 10, k), targets)
    indicators = pd.DataFrame(
        {
            "indicator_id": indicator_ids,
            "name": [f"Indicator {i + 1}" for i in range(k)],
            "level": rng.choice(ENUMS["indicator_level"], k),
            "dimension": rng.choice(ENUMS["dimension"], k),
            "battery": rng.choice(ENUMS["battery"], k),
            "unit": rng.choice(["firms", "people", "%", "XOF", "count"], k),
            "target": targets,
            "target_date": [_day(rng, 1200, 2000) for _ in range(k)],
        }
    )
    if opt:
        indicators["baseline"] = baselines
        indicators["baseline_date"] = START
        indicators["action_id"] = [rng.choice(action_ids) if rng.random() < 0.6 else None for _ in range(k)]
    out["indicators"] = indicators
    m = shape.measurements if k else 0
    ids = rng.choice(indicator_ids, m) if m else np.array([], dtype=object)
    values = (
        indicators.set_index("indicator_id")["target"].reindex(ids).to_numpy()
        if shape.targets_met
        else rng.integers(0, 120, m).astype(float)
    )
    measurements = pd.DataFrame({"indicator_id": ids, "date": [_day(rng, 30, 1400) for _ in range(m)], "value": values})
    if shape.groups and m:
        base = measurements.iloc[: max(1, m // 2)]
        women = base.assign(value=(base["value"] * 0.4).round(), group=rng.choice(["women", "femmes"], len(base)))
        men = base.assign(value=base["value"] - women["value"].to_numpy(), group="men")
        measurements = pd.concat([measurements, women, men], ignore_index=True)
    elif opt:
        measurements["group"] = None
    out["measurements"] = measurements

    people = [f"Person {i + 1}" for i in range(shape.people)]
    rows = []
    for person in people:
        for date in sorted({_day(rng, 0, 900) for _ in range(int(rng.integers(1, 3)))}):
            for assessor in ENUMS["assessor"][: int(rng.integers(1, 4))]:
                for skill in rng.choice(ENUMS["skill"], int(rng.integers(1, 13)), replace=False):
                    rows.append(
                        {
                            "person": person,
                            "date": date,
                            "assessor": assessor,
                            "competency": SKILL_COMPETENCY[skill],
                            "skill": skill,
                            "score": int(rng.integers(1, 6)),
                        }
                    )
    out["competencies"] = pd.DataFrame(rows, columns=["person", "date", "assessor", "competency", "skill", "score"])
    return {key: frame for key, frame in out.items() if key in shape.sheets}


def write(frames_: dict[str, pd.DataFrame], path, lang: str = "en"):
    """Write canonical frames as a team workbook in ``lang``: headers, titles and labels as a team's."""
    book = openpyxl.Workbook(write_only=True)
    for key, frame in frames_.items():
        sheet = SHEETS[key]
        ws = book.create_sheet(sheet_title(key, lang))
        if sheet.key_value:
            ws.append([header("key", lang), header("value", lang)])
            for k, v in zip(frame["key"], frame["value"]):
                ws.append([header(k, lang), cell_value(v, lang, sheet.column(k).enum)])
            continue
        known = {c.key: c for c in sheet.columns}
        ws.append([header(c, lang) if c in known else c for c in frame.columns])
        enums = [known[c].enum if c in known else None for c in frame.columns]
        for record in frame.itertuples(index=False):
            ws.append([cell_value(v, lang, e) for v, e in zip(record, enums)])
    book.save(path)
    return path


@st.composite
def shapes(draw) -> Shape:
    """Any workbook shape the checker accepts, of one to forty rows a sheet (a few thousand rows are
    drawn the same way: ``Shape(rows=2000)``, too slow to read for every example)."""
    rows = draw(st.one_of(st.just(1), st.integers(2, 12), st.integers(13, 40)))
    sheets = set(SHEETS)
    for key in ("employment", "actors", "relations", "swot", "services", "narratives", "vision"):
        if draw(st.booleans()):
            sheets.discard(key)
    if "actors" not in sheets:
        sheets -= {"relations", "services"}
    return Shape(
        seed=draw(st.integers(0, 2**32 - 1)),
        lang=draw(st.sampled_from(("fr", "en"))),
        rows=rows,
        optional_columns=draw(st.booleans()),
        sheets=frozenset(sheets),
        regions=draw(st.integers(1, 5)),
        sectors=draw(st.integers(1, 5)),
        years=draw(st.integers(1, 3)),
        zero_employment=draw(st.booleans()),
        candidates=draw(st.integers(1, 6)),
        criteria=draw(st.integers(1, 4)),
        thresholds=draw(st.booleans()),
        blank_criterion=draw(st.integers(0, 5)) == 0,
        actors=draw(st.one_of(st.just(1), st.integers(2, 30), st.just(rows + 3))),
        relations=draw(st.one_of(st.just(0), st.integers(1, 60))),
        rounds=draw(st.integers(1, 3)),
        indicators=draw(st.integers(1, 8)),
        measurements=draw(st.one_of(st.just(0), st.integers(1, 40))),
        groups=draw(st.booleans()),
        targets_met=draw(st.booleans()),
        zero_baselines=draw(st.booleans()),
        people=draw(st.integers(1, 4)),
        firms_only=draw(st.booleans()),
    )


@dataclass
class Generated:
    path: object
    shape: Shape
    frames: dict


def build(shape: Shape, folder) -> Generated:
    """The workbook of ``shape`` written in ``folder`` (one file per seed)."""
    made = frames(shape)
    path = write(made, folder / f"generated-{shape.seed}-{shape.rows}.xlsx", shape.lang)
    return Generated(path, shape, made)


TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FAST_PARAMETERS = {"selection": {"draws": 50}}  # the sensitivity's draws do not change what can fail


def template_cells(step: str) -> tuple[str, list[str]]:
    notebook = json.loads((TEMPLATES / f"{step}.ipynb").read_text(encoding="utf-8"))
    code = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]
    return code[0], code[1:]


def _draft(report, fig, **_) -> None:
    """Report.figure at draft resolution: drawn (drawing can fail too), neither shown nor kept."""
    fig.savefig(io.BytesIO(), format="png", dpi=20)
    plt.close(fig)


def run_in_process(step: str, workbook: Path, lang: str, **parameters) -> dict:
    """Execute ``step``'s template here: its parameters cell, the overrides, then every cell in order;
    figures are drawn at draft resolution. Returns the template's variables."""
    head, cells = template_cells(step)
    scope: dict = {}
    exec(head, scope)  # noqa: S102 - the template is ours, run as papermill would
    scope.update(
        {"output_dir": "", **FAST_PARAMETERS.get(step, {}), **parameters, "workbook": str(workbook), "lang": lang}
    )
    with ExitStack() as stack:
        stack.enter_context(mock.patch("clusterkit.documents.report.display"))
        stack.enter_context(mock.patch("IPython.display.display"))
        stack.enter_context(mock.patch("clusterkit.documents.report.Report.figure", _draft))
        for cell in cells:
            exec(cell, scope)  # noqa: S102
    plt.close("all")
    return scope
