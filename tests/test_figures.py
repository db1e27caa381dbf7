"""Figures that read at their printed size: every figure of the example measured as a reader sees
it on A4, the results chain's links against a hand-made chain, small multiples paginated, the
cluster map's key, French numbers on the axes. Screenshots go to test-artifacts/figures/."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from unittest import mock

import matplotlib
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.patches import FancyBboxPatch
from matplotlib.text import Annotation, Text
from workbooks import build, shapes

from clusterkit.documents import figures
from clusterkit.steps import mapping, monitoring, network
from clusterkit.workbook import read_workbook

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "figures"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
STEPS = ("selection", "diagnostic", "plan", "implementation", "monitoring", "competency")
CHAIN_LABELS = dict(
    stage_titles={s: s.upper() for s in monitoring.STAGES},
    status_labels={s: s for s in monitoring.STATUSES},
    action_label="action",
    unlinked_label="fed by no action",
)


def template_figures(lang: str) -> list[tuple[str, object]]:
    """Every figure the six templates draw on the example, as (step, figure): each template's
    cells run here, its Report.figure keeping the figure instead of writing it."""
    kept = []

    def keep(report, fig, alt, caption=None):
        kept.append((report.step, fig))

    with (
        mock.patch("clusterkit.documents.report.display"),
        mock.patch("IPython.display.display"),
        mock.patch("clusterkit.documents.report.Report.figure", keep),
    ):
        for step in STEPS:
            cells = [
                c
                for c in json.loads((TEMPLATES / f"{step}.ipynb").read_text(encoding="utf-8"))["cells"]
                if c["cell_type"] == "code"
            ]
            scope: dict = {}
            for number, cell in enumerate(cells):
                exec("".join(cell["source"]), scope)  # noqa: S102 - our own template, run as papermill would
                if number == 0:
                    scope.update(lang=lang, output_dir="", **({"draws": 50} if step == "selection" else {}))
    return kept


@pytest.fixture(scope="module")
def example_figures():
    drawn = template_figures("en")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for number, (step, fig) in enumerate(drawn, 1):
        (ARTIFACTS / f"en-{number:02d}-{step}.png").write_bytes(figures.png_bytes(fig, "en"))
    yield drawn
    plt.close("all")


def printed_texts(fig) -> list[tuple[str, float]]:
    """Each visible text of ``fig`` and its size in points once the figure is printed A4-wide."""
    fig.canvas.draw()
    scale = figures.printed_scale(fig)
    return [
        (text.get_text(), text.get_fontsize() * scale)
        for text in fig.findobj(Text)
        if text.get_visible() and text.get_text().strip() and text.get_window_extent().width > 0
    ]


def test_every_figure_of_the_example_prints_its_text_at_8_points_or_more(example_figures):
    # monitoring: progress, the 24 trends six to a figure, the results chain over three figures (the first
    # short, under its heading)
    assert [step for step, _ in example_figures].count("monitoring") == 8
    assert {step for step, _ in example_figures} == set(STEPS)
    for step, fig in example_figures:
        texts = printed_texts(fig)
        assert texts, step
        small = [(text, round(size, 1)) for text, size in texts if size < figures.SMALLEST_TEXT - 1e-6]
        assert not small, (step, small[:5])
        # the example's labels all fit: none is cut short
        assert not [text for text, _ in texts if "…" in text], step
        assert fig.get_figwidth() <= figures.PRINT_WIDTH + 1e-6, step  # printed at its own size


def test_results_chain_box_texts_stay_inside_their_boxes(example_figures):
    chains = [fig for step, fig in example_figures if step == "monitoring" and len(fig.axes) == 1]
    assert len(chains) == 3
    for fig in chains:
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        boxes = [p.get_window_extent(renderer) for p in fig.axes[0].patches if isinstance(p, FancyBboxPatch)]
        inside = 0
        for text in fig.axes[0].texts:
            extent = text.get_window_extent(renderer)
            holder = [b for b in boxes if b.x0 <= extent.x0 <= b.x1 and b.y0 <= (extent.y0 + extent.y1) / 2 <= b.y1]
            if holder:
                inside += 1
                assert extent.x1 <= holder[0].x1 + 1 and extent.y0 >= holder[0].y0 - 1, text.get_text()
                assert extent.y1 <= holder[0].y1 + 1, text.get_text()
        assert inside == len(boxes)  # each box holds its label


def hand_chain() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two actions: ACT1 with its activity indicator A1 feeds R1 and C1; ACT2 feeds R1 too and X1;
    R2 and C2 are fed by no action; the names are long enough to wrap over several lines."""
    table = pd.DataFrame(
        {
            "indicator_id": ["A1", "R1", "R2", "C1", "C2", "X1"],
            "name": [
                "People trained in stitching, cutting and assembling at the technical centre",
                "Firms using the shared design centre",
                "Members of the mutual guarantee fund",
                "Share of ties formalised by a written agreement between firms of the cluster",
                "Production scrap rate",
                "Average monthly income of home-based stitchers",
            ],
            "level": ["activity", "output", "output", "outcome", "outcome", "impact"],
            "action_id": ["ACT1", "ACT1", None, "ACT1", None, "ACT2"],
            "progress_status": ["on_track", "at_risk", "achieved", "off_track", "no_data", "on_track"],
        }
    )
    extra = pd.DataFrame(
        {
            "indicator_id": ["R1b"],
            "name": ["Firms using the shared design centre (2)"],
            "level": ["output"],
            "action_id": ["ACT2"],
            "progress_status": ["on_track"],
        }
    )
    actions = pd.DataFrame(
        {
            "action_id": ["ACT1", "ACT2"],
            "title": ["Shared computer-aided design centre for the workshops", "Export consortium"],
        }
    )
    return monitoring.results_chain(pd.concat([table, extra], ignore_index=True), actions)


def test_results_chain_draws_the_links_of_a_hand_made_chain():
    nodes, edges = hand_chain()
    figs, links = monitoring.results_chain_figures(nodes, edges, **CHAIN_LABELS)
    assert len(figs) == 1
    assert list(zip(links["source"], links["target"])) == [
        ("ACT1", "R1"),
        ("ACT1", "C1"),
        ("ACT2", "R1b"),
        ("ACT2", "X1"),
    ]
    ax = figs[0].axes[0]
    arrows = [t.xy for t in ax.texts if isinstance(t, Annotation)]
    assert len(arrows) == 3 + 4  # the three arrows between stage titles, then one per link
    # each link's arrow ends on the left edge of its target's box
    boxes = {
        (round(p.get_x(), 3), p.get_y(), p.get_y() + p.get_height()): p
        for p in ax.patches
        if isinstance(p, FancyBboxPatch)
    }
    labels = {t.get_position(): t.get_text() for t in ax.texts if not isinstance(t, Annotation)}
    ends = []
    for x, y in arrows[3:]:
        ((left, top, bottom),) = [key for key in boxes if key[0] == round(x, 3) and key[1] <= y <= key[2]]
        ends += [
            text.split(" ")[0]
            for (tx, ty), text in labels.items()
            if abs(tx - left - 0.05) < 1e-3 and top <= ty <= bottom
        ]
    assert ends == ["R1", "C1", "R1b", "X1"]
    texts = [t.get_text().replace("\n", " ") for t in ax.texts]
    # every box in full: the long title and names wrapped, never shortened
    assert "ACT1 Shared computer-aided design centre for the workshops" in texts
    assert "A1 People trained in stitching, cutting and assembling at the technical centre" in texts
    assert "fed by no action" in texts
    assert {t.split(" ")[0] for t in texts} >= {"R2", "C2", "R1", "C1", "X1", "R1b"}
    plt.close("all")


long_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéàç", min_size=1, max_size=40)


@settings(max_examples=10, deadline=None, derandomize=True, database=None)
@given(
    actions=st.integers(0, 30),
    indicators=st.integers(1, 60),
    seed=st.integers(0, 2**16),
    name=st.lists(long_words, min_size=1, max_size=12).map(" ".join),
)
def test_results_chain_holds_on_many_actions_orphans_and_long_names(actions, indicators, seed, name):
    rng = np.random.default_rng(seed)
    action_ids = [f"ACT{i}" for i in range(actions)]
    table = pd.DataFrame(
        {
            "indicator_id": [f"I{i}" for i in range(indicators)],
            "name": [name * int(rng.integers(1, 3)) for _ in range(indicators)],
            "level": rng.choice(["activity", "output", "outcome", "impact"], indicators),
            "action_id": [
                rng.choice(action_ids) if action_ids and rng.random() < 0.7 else None for _ in range(indicators)
            ],
            "progress_status": rng.choice(monitoring.STATUSES, indicators),
        }
    )
    nodes, edges = monitoring.results_chain(table)
    figs, links = monitoring.results_chain_figures(nodes, edges, **CHAIN_LABELS)
    assert set(zip(links["source"], links["target"])) == set(zip(edges["source"], edges["target"]))
    shown = {(t.get_text().split() or [""])[0] for fig in figs for t in fig.axes[0].texts}  # a box opens with its code
    assert set(nodes["node"]) <= shown  # every action and indicator is drawn
    for fig in figs:
        assert fig.get_figwidth() == pytest.approx(figures.PRINT_WIDTH)
        assert fig.get_figheight() <= monitoring.CHAIN_PAGE_HEIGHT + 1.2  # titles and legend
        assert not [t for t in fig.axes[0].texts if "…" in t.get_text()]
        assert min(t.get_fontsize() for t in fig.findobj(Text) if t.get_text()) >= figures.SMALLEST_TEXT
    plt.close("all")


@settings(max_examples=4, deadline=None, derandomize=True, database=None)
@given(shape=shapes())
def test_results_chain_draws_every_link_of_any_accepted_workbook(shape):
    with tempfile.TemporaryDirectory() as folder:
        workbook = read_workbook(build(shape, Path(folder)).path)
    m = monitoring.assess(workbook, monitoring.workbook_baseline(workbook))
    _, links = monitoring.results_chain_figures(m.chain_nodes, m.chain_edges, **CHAIN_LABELS)
    assert set(zip(links["source"], links["target"])) == set(zip(m.chain_edges["source"], m.chain_edges["target"]))
    plt.close("all")


def trend_inputs(count: int):
    ids = [f"I{i:02d}" for i in range(count)]
    table = pd.DataFrame(
        {
            "indicator_id": ids,
            "name": [f"Indicator number {i} of the cluster" for i in range(count)],
            "unit": ["firms"] * (count - 1) + [""],
            "baseline": 1.0,
            "baseline_date": pd.Timestamp("2024-12-31"),
            "target": 3.0,
            "target_date": pd.Timestamp("2028-12-31"),
            "progress_status": "on_track",
        }
    )
    measurements = pd.DataFrame(
        {
            "indicator_id": ids * 2,
            "group": None,
            "date": [pd.Timestamp("2025-06-30")] * count + [pd.Timestamp("2026-06-30")] * count,
            "value": [1.25] * count + [1.5] * count,
        }
    )
    return table, measurements


def test_small_multiples_come_six_to_a_figure_with_ticks_at_8_points():
    table, measurements = trend_inputs(24)
    pages = monitoring.trend_figures(table, measurements, {}, {"measured": "m", "target": "t", "expected": "e"})
    assert [sum(ax.has_data() for ax in fig.axes) for fig in pages] == [6, 6, 6, 6]
    for fig in pages:
        ticks = [(t.get_text(), size) for t, size in zip(*_ticks(fig))]
        assert ticks and min(size for _, size in ticks) >= figures.SMALLEST_TEXT
    titles = [ax.get_title(loc="left").replace("\n", " ") for fig in pages for ax in fig.axes if ax.has_data()]
    assert titles[0] == "I00 Indicator number 0 of the cluster (firms)" and len(titles) == 24
    assert titles[-1] == "I23 Indicator number 23 of the cluster"  # no unit, no brackets
    plt.close("all")


def _ticks(fig):
    fig.canvas.draw()
    labels = [t for ax in fig.axes for t in ax.get_xticklabels() + ax.get_yticklabels() if t.get_text()]
    return labels, [t.get_fontsize() * figures.printed_scale(fig) for t in labels]


def test_french_axes_write_a_decimal_comma_and_thin_space_thousands():
    table, measurements = trend_inputs(1)
    for lang, mark, other, large in (("fr", ",", ".", "12\u202f000"), ("en", ".", ",", "12,000")):
        fig = monitoring.trend_figures(table, measurements, {}, {"measured": "m", "target": "t", "expected": "e"})[0]
        figures.png_bytes(fig, lang)
        values = [t.get_text() for t in fig.axes[0].get_yticklabels()]
        assert any(mark in v for v in values) and not any(other in v for v in values), values
        bars = figures.stacked_bars(pd.DataFrame({"a": [12000.0, 3000.0]}), ["x", "y"], {"a": "A"}, "cat", "value")
        figures.png_bytes(bars, lang)
        assert large in [t.get_text() for t in bars.axes[0].get_xticklabels()]
    plt.close("all")


def test_a_share_is_drawn_in_percent_as_the_tables_write_it():
    table, measurements = trend_inputs(1)
    table = table.assign(unit="%", baseline=0.2, target=0.6)
    measurements = measurements.assign(value=[0.3, 0.45])
    for lang, expected in (("fr", "45\xa0%"), ("en", "45%")):
        fig = monitoring.trend_figures(table, measurements, {}, {"measured": "m", "target": "t", "expected": "e"})[0]
        figures.png_bytes(fig, lang)
        values = [t.get_text() for t in fig.axes[0].get_yticklabels()]
        assert expected in values, values
    plt.close("all")


def test_heat_map_values_take_the_decimal_comma_and_years_stay_whole():
    rows = [
        (r, s, y, lq) for r in ("North", "South") for s in ("Leather", "Food") for y, lq in ((2023, 1.0), (2024, 1.23))
    ]
    indicators = pd.DataFrame(rows, columns=["region", "sector", "year", "lq"])
    fig = mapping.lq_heatmap(indicators, 2024, {"title": "Location quotients, {year}"})
    figures.png_bytes(fig, "fr")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["1,23"] * 4
    assert fig.axes[0].get_title() == "Location quotients, 2024"
    plt.close("all")


def test_the_house_style_changes_no_setting_of_the_reader():
    before = dict(matplotlib.rcParams)
    fig = figures.stacked_bars(pd.DataFrame({"a": [1.0]}), ["x"], {"a": "A"}, "cat", "value")
    assert fig.axes[0].spines["top"].get_visible() is False and fig.axes[0].xaxis.get_gridlines()
    assert dict(matplotlib.rcParams) == before
    assert matplotlib.rcParams["axes.spines.top"] is True  # outside the figure functions, the default
    plt.close("all")


def test_the_map_names_its_key_actors_beside_their_codes():
    graph = nx.Graph()
    for ident, name, role in (
        ("E1", "Manufacture Masson", "lead_firm"),
        ("E2", "Atelier Keita", "member"),
        ("E3", "Chaussures Huet", "member"),
        ("A1", "Association des artisans", None),
    ):
        graph.add_node(
            ident,
            name=name,
            type="enterprise" if ident[0] == "E" else "association",
            level="micro" if ident[0] == "E" else "meso",
            role=role or "",
        )
    for a, b in (("E2", "E3"), ("E2", "A1"), ("E1", "A1")):
        graph.add_edge(a, b, main_type="supply", intensity=2)
    assert network.key_actors(graph, broker_ids=["A1"]) == ["A1", "E1", "E2", "E3"]  # broker, lead firm, most linked
    assert network.key_actors(graph, broker_ids=["A1"], count=2) == ["A1", "E1"]
    labels = dict(
        type_labels={t: t for t in network.TYPE_COLOURS},
        relation_labels={t: t for t in network.RELATION_TYPES},
        level_labels={t: t for t in network.LEVELS},
        marker_labels={"lead_firm": "lead", "broker": "broker", "intensity": "intensity", "key": "Key actors"},
    )
    fig = network.cluster_map(graph, **labels, broker_ids=["A1"])
    key = "\n".join(t.get_text() for t in fig.axes[-1].texts)
    assert "Key actors" in key and "A1 Association des artisans" in key and "E1 Manufacture Masson" in key
    assert {"E1", "E2", "E3", "A1"} <= {t.get_text() for t in fig.axes[0].texts}  # nodes keep their codes
    assert min(size for _, size in printed_texts(fig)) >= figures.SMALLEST_TEXT
    figures.png_bytes(fig, "en")
    plt.close("all")


def test_wrapping_keeps_every_word_and_shortens_only_beyond_the_lines_allowed():
    text = "Share of planned governance meetings actually held during the year"
    assert figures.wrapped(text, 1.2).replace("\n", " ") == text
    assert figures.wrapped(text, 1.2, lines=2).endswith("…") and figures.wrapped(text, 1.2, lines=2).count("\n") == 1
    assert figures.wrapped(text, 10, lines=1) == text  # it fits: never cut
