"""Large workbooks: the size preset, and the shortcuts the analyses take on a large map or
indicator set (same figures as networkx, honest notes when a view shows a subset)."""

import matplotlib
import networkx as nx
import numpy as np
import pandas as pd
import pytest

from clusterkit.examples import LARGE, build_large
from clusterkit.i18n import t
from clusterkit.steps import monitoring, network

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def large():
    return build_large()


def test_large_preset_has_the_reported_sizes(large):
    assert len(large["enterprises"]) == 5_000
    assert len(large["actors"]) == 3_000
    assert len(large["indicators"]) == 200
    relations = large["relations"]
    assert 19_000 <= len(relations) <= 21_000
    assert sorted(relations["survey_round"].unique()) == [1, 2]
    # every relation joins two actors of the sheet; firms on the map are surveyed firms
    ids = set(large["actors"]["actor_id"])
    assert set(relations["source"]) <= ids and set(relations["target"]) <= ids
    firms = large["actors"].loc[large["actors"]["type"] == "enterprise", "actor_id"]
    assert len(firms) == LARGE["n_mapped_firms"] and firms.isin(large["enterprises"]["enterprise_id"]).all()
    measurements = large["measurements"]
    assert measurements["indicator_id"].isin(large["indicators"]["indicator_id"]).all()
    totals = measurements[measurements["group"].isna()]
    assert totals.groupby("indicator_id").size().eq(8).all()
    split = measurements.dropna(subset=["group"])
    assert set(split["group"]) == {"f", "m"} and split["indicator_id"].nunique() > 20
    assert build_large()["relations"].equals(relations)  # seeded


def random_map(n: int, m: int, seed: int) -> nx.Graph:
    rng = np.random.default_rng(seed)
    graph = nx.Graph()
    for i in range(n):
        graph.add_node(
            f"N{i:04d}",
            name=f"Actor {i}",
            type="enterprise",
            level="micro",
            role=None,
            firm=True,
            relation_types=("supply",),
        )
    for a, b in rng.integers(0, n, (m, 2)):
        if a != b:
            graph.add_edge(
                f"N{a:04d}", f"N{b:04d}", relation_types=("supply",), intensity=1, formal=False, main_type="supply"
            )
    return graph


@pytest.mark.parametrize("n, m", [(60, 90), (200, 500), (40, 30)])
def test_betweenness_equals_networkx_exact(n, m):
    graph = random_map(n, m, seed=n)
    table = network.centrality(graph).set_index("actor_id")["betweenness"]
    expected = pd.Series(nx.betweenness_centrality(graph, normalized=True))
    assert table.sort_index().to_numpy() == pytest.approx(expected.sort_index().to_numpy(), abs=1e-12)


def test_sampled_betweenness_equals_networkx_sample(monkeypatch):
    monkeypatch.setattr(network, "EXACT_BETWEENNESS_LIMIT", 50)
    graph = random_map(300, 700, seed=7)
    table = network.centrality(graph).set_index("actor_id")["betweenness"]
    expected = pd.Series(nx.betweenness_centrality(graph, k=50, normalized=True, seed=0))
    assert table.sort_index().to_numpy() == pytest.approx(expected.sort_index().to_numpy(), abs=1e-12)
    assert network.approximations(graph)[0] == ("diagnostic.map.sampled_betweenness", {"sources": 50, "actors": 300})


def test_centrality_is_computed_once_and_callers_cannot_spoil_it():
    graph = random_map(30, 40, seed=1)
    first = network.centrality(graph)
    first.loc[:, "betweenness"] = -1.0
    assert (network.centrality(graph)["betweenness"] >= 0).all()
    part = graph.subgraph(list(graph)[:10])  # shares the map's attributes, not its centralities
    assert len(network.centrality(part)) == 10


def test_large_map_draws_its_most_linked_actors_and_says_so():
    graph = random_map(400, 900, seed=3)
    drawn = network.map_actors(graph)
    assert len(drawn) == network.MAP_ACTOR_LIMIT
    least_drawn = min(graph.degree(n) for n in drawn)
    assert all(graph.degree(n) <= least_drawn for n in graph if n not in set(drawn))
    positions = network.layout_by_level(graph)
    assert set(positions) == set(drawn)
    labels = {
        "type_labels": {"enterprise": "Firm"},
        "relation_labels": {"supply": "Supply"},
        "level_labels": {level: level for level in network.LEVELS},
        "marker_labels": {"lead_firm": "lead", "broker": "broker", "intensity": "intensity", "key": "key"},
    }
    figure = network.cluster_map(graph, **labels, positions=positions)
    texts = {text.get_text() for text in figure.axes[0].texts}
    assert set(drawn) <= texts and not (set(graph) - set(drawn)) & texts
    notes = dict(network.approximations(graph, positions))
    assert notes["diagnostic.map.subset"] == {"shown": network.MAP_ACTOR_LIMIT, "actors": 400}
    assert "les 400 de la carte" in t("diagnostic.map.subset", "fr", **notes["diagnostic.map.subset"])
    assert "out of the map's 400" in t("diagnostic.map.subset", "en", **notes["diagnostic.map.subset"])
    assert network.approximations(random_map(30, 40, seed=2)) == []


def test_trend_figure_shows_the_indicators_most_behind_first():
    statuses = ["on_track"] * 20 + ["at_risk"] * 5 + ["off_track"] * 25 + ["achieved"] * 10
    table = pd.DataFrame({"indicator_id": [f"I{i:02d}" for i in range(60)], "progress_status": statuses})
    shown = monitoring.trend_indicators(table)
    assert len(shown) == monitoring.TREND_PANEL_LIMIT == 24
    assert list(shown["indicator_id"]) == [f"I{i:02d}" for i in range(25, 49)]  # off track, in order
    fewer = table.iloc[:30]  # 5 at risk and 5 off track among 30
    assert list(monitoring.trend_indicators(fewer)["indicator_id"][:10]) == [
        f"I{i:02d}" for i in (*range(25, 30), *range(20, 25))
    ]
    assert monitoring.trend_approximations(table) == [("monitoring.trends.subset", {"shown": 24, "indicators": 60})]
    assert monitoring.trend_approximations(table.iloc[:24]) == []
    assert "n'en montre que 24," in t("monitoring.trends.subset", "fr", shown=24, indicators=60)
    assert "shows only 24 of them" in t("monitoring.trends.subset", "en", shown=24, indicators=60)
