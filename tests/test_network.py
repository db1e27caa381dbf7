"""The cluster map, on a small network worked out by hand.

Eight actors: five firms (F1 lead firm, F2 and F3 producers, F4 supplier, F5 producer) and three
institutions (A association, meso; B BDS provider, meso; M ministry, macro).

Round 1 links seven pairs: F4-F1 (supply), F2-F1 (subcontracting), F1-A, F2-A (governance, and
information on the same pair), F3-A (governance), A-M (information), B-F3 (service). F5 has no
relation. Shortest paths, counted by hand over the 21 pairs of the seven connected actors:
A lies on 11 of them (F4-F3, F4-M, F4-B, F1-F3, F1-M, F1-B, F2-F3, F2-M, F2-B, F3-M, M-B),
F1 on 5 (F4 to F2, A, F3, M, B), F3 on 5 (B to F4, F1, F2, A, M); normalised over the
(8 - 1)(8 - 2) / 2 = 21 pairs of the whole map.

Round 2 loses F2-A information and A-M information, and gains F3-F5 joint action, B-M finance
and B-F1 service: nine linked pairs, everyone connected. B then lies on every path from M (6
pairs) and on half the paths F1-F3, F1-F5, F4-F3, F4-F5: 8 / 21; A on F2-F3, F2-F5 and half of
F1-F3, F1-F5, F4-F3, F4-F5: 4 / 21.
"""

import matplotlib
import networkx as nx
import pandas as pd
import pytest

from clusterkit.steps import network

matplotlib.use("Agg")

ACTORS = pd.DataFrame(
    {
        "actor_id": ["F1", "F2", "F3", "F4", "F5", "A", "B", "M"],
        "name": ["Lead", "Prod two", "Prod three", "Supplier", "Loner", "Association", "Centre", "Ministry"],
        "type": ["enterprise"] * 5 + ["association", "bds_provider", "public_institution"],
        "level": ["micro"] * 5 + ["meso", "meso", "macro"],
    }
)
FIRMS = pd.DataFrame(
    {
        "enterprise_id": ["F1", "F2", "F3", "F4", "F5"],
        "role": ["lead_firm", "producer", "producer", "supplier", "producer"],
    }
)
COLUMNS = ["source", "target", "relation_type", "intensity", "formal", "survey_round"]
KEPT = [
    ("F4", "F1", "supply", 2, True),
    ("F2", "F1", "subcontracting", 3, False),
    ("F1", "A", "governance", 1, True),
    ("F2", "A", "governance", 1, True),
    ("F3", "A", "governance", 1, True),
    ("B", "F3", "service", 2, False),
]
ROUND_1 = KEPT + [("A", "F2", "information", 2, None), ("A", "M", "information", 1, False)]
ROUND_2 = KEPT + [
    ("F3", "F5", "joint_action", 3, False),
    ("B", "M", "finance", 2, True),
    ("B", "F1", "service", 1, False),
]
RELATIONS = pd.DataFrame([(*r, 1) for r in ROUND_1] + [(*r, 2) for r in ROUND_2], columns=COLUMNS).astype(
    {"intensity": "Int64", "formal": "boolean", "survey_round": "Int64"}
)


def graph(survey_round):
    return network.cluster_graph(ACTORS, FIRMS, network.in_round(RELATIONS, survey_round))


def test_rounds_and_relations_without_a_round():
    assert network.survey_rounds(RELATIONS) == [1, 2]
    unnumbered = RELATIONS.assign(survey_round=pd.array([None] * len(RELATIONS), dtype="Int64"))
    assert network.survey_rounds(unnumbered) == [1]
    assert len(network.in_round(unnumbered, 1)) == len(RELATIONS)
    assert network.survey_rounds(RELATIONS.iloc[:0]) == []


def test_the_graph_has_every_actor_and_one_edge_per_linked_pair():
    g = graph(1)
    assert sorted(g) == sorted(ACTORS["actor_id"])
    assert g.number_of_edges() == 7
    pair = g.edges["F2", "A"]
    # governance (intensity 1) and information (2) on one pair: both kept, the strongest drawn
    assert pair["relation_types"] == ("information", "governance")
    assert pair["intensity"] == 2 and pair["main_type"] == "information" and pair["formal"] is True
    assert g.nodes["F1"]["role"] == "lead_firm" and g.nodes["A"]["role"] is None
    assert g.nodes["F5"]["firm"] and not g.nodes["M"]["firm"]


def test_a_relation_to_oneself_is_left_out():
    looped = pd.concat([RELATIONS.iloc[:1], RELATIONS.iloc[:1].assign(target="F4")])
    g = network.cluster_graph(ACTORS, FIRMS, looped)
    assert g.number_of_edges() == 1 and not nx.number_of_selfloops(g)


def test_density_degree_and_betweenness_by_hand():
    table = network.centrality(graph(1)).set_index("actor_id")
    assert table.loc["A", "degree"] == 4 and table.loc["F1", "degree"] == 3 and table.loc["F5", "degree"] == 0
    assert table.loc["A", "degree_centrality"] == pytest.approx(4 / 7)
    assert table.loc["A", "betweenness"] == pytest.approx(11 / 21)
    assert table.loc["F1", "betweenness"] == pytest.approx(5 / 21)
    assert table.loc["F3", "betweenness"] == pytest.approx(5 / 21)
    assert table.loc[["F2", "F4", "B", "M", "F5"], "betweenness"].eq(0).all()
    assert list(table.index[:3]) == ["A", "F1", "F3"]  # by betweenness, then degree, then id


def test_summary_components_and_isolates():
    g = graph(1)
    facts = network.summary(g)
    assert facts["density"] == pytest.approx(7 / 28)  # 7 linked pairs over 8 x 7 / 2
    assert facts["linked_pairs"] == 7 and facts["ties"] == 8  # F2-A holds two ties
    assert facts["components"] == 2 and facts["largest_component_share"] == pytest.approx(7 / 8)
    assert facts["mean_degree"] == pytest.approx(14 / 8)
    assert network.component_table(g).to_dict("records") == [
        {"component": 1, "actors": 7, "firms": 4, "other_actors": 3},
        {"component": 2, "actors": 1, "firms": 1, "other_actors": 0},
    ]
    assert network.isolated_firms(g).to_dict("records") == [{"actor_id": "F5", "name": "Loner", "role": "producer"}]
    assert network.centrality(g).set_index("actor_id").loc["F5", "component"] == 2


def test_brokers_are_non_firms_with_high_betweenness():
    table = network.centrality(graph(1))
    assert list(network.brokers(table, 0.1)["actor_id"]) == ["A"]  # F1 and F3 are firms
    assert network.brokers(table, 0.6).empty
    # an actor on no path is never a broker, even with a threshold of zero
    assert list(network.brokers(table, 0.0)["actor_id"]) == ["A"]


def test_lead_firm_linkages():
    links = network.lead_firm_linkages(ACTORS, FIRMS, network.in_round(RELATIONS, 2))
    assert links.to_dict("records") == [
        {
            "actor_id": "F1",
            "name": "Lead",
            "degree": 4,  # F4, F2, A, B
            "suppliers": 1,
            "subcontractors": 1,
            "customers": 0,
            "support": 2,  # A (governance) and B (service)
            "cooperation": 0,
        }
    ]


def test_round_to_round_comparison():
    before, after = graph(1), graph(2)
    changes = network.tie_changes(before, after)
    assert changes.to_dict("records") == [
        {"source": "B", "target": "M", "relation_type": "finance", "change": "gained"},
        {"source": "F3", "target": "F5", "relation_type": "joint_action", "change": "gained"},
        {"source": "B", "target": "F1", "relation_type": "service", "change": "gained"},
        {"source": "A", "target": "F2", "relation_type": "information", "change": "lost"},
        {"source": "A", "target": "M", "relation_type": "information", "change": "lost"},
    ]
    comparison = network.compare_rounds(before, after, 0.1).set_index("measure")
    assert comparison.loc["density", "before"] == pytest.approx(7 / 28)
    assert comparison.loc["density", "after"] == pytest.approx(9 / 28)
    assert comparison.loc["density", "change"] == pytest.approx(2 / 28)
    assert comparison.loc["ties", "change"] == 1  # 8 ties, then 9
    assert comparison.loc["components", "after"] == 1 and comparison.loc["isolated_firms", "change"] == -1
    assert comparison.loc["ties_gained", "after"] == 3 and comparison.loc["ties_lost", "after"] == 2
    by_type = network.tie_changes_by_type(changes).set_index("relation_type")
    assert by_type.loc["information"].to_dict() == {"gained": 0, "lost": 2, "net": -2}
    assert by_type.loc["total"].to_dict() == {"gained": 3, "lost": 2, "net": 1}


def test_new_brokers():
    table = network.centrality(graph(2)).set_index("actor_id")
    assert table.loc["B", "betweenness"] == pytest.approx(8 / 21)
    assert table.loc["A", "betweenness"] == pytest.approx(4 / 21)
    fresh = network.new_brokers(graph(1), graph(2), 0.1)
    assert fresh.to_dict("records") == [
        {
            "actor_id": "B",
            "name": "Centre",
            "type": "bds_provider",
            "betweenness_before": 0.0,
            "betweenness": pytest.approx(8 / 21),
        }
    ]
    assert network.new_brokers(graph(2), graph(1), 0.1).empty  # A was already a broker


def test_layout_places_levels_in_bands_without_overlap():
    positions = network.layout_by_level(graph(1))
    assert positions["M"][1] > positions["A"][1] > positions["F1"][1]  # macro above meso above micro
    assert len(set(positions.values())) == len(positions)
    assert positions == network.layout_by_level(graph(1))  # seeded: the same every time


def test_the_map_draws_with_its_legend():
    labels = dict(
        type_labels={t: t.upper() for t in network.TYPE_COLOURS},
        relation_labels={t: t.upper() for t in network.RELATION_TYPES},
        level_labels={t: t.upper() for t in network.LEVELS},
        marker_labels={"lead_firm": "LEAD", "broker": "BROKER", "intensity": "INTENSITY", "key": "KEY"},
    )
    fig = network.cluster_map(graph(1), **labels, broker_ids=["A"])
    legend_text = {
        t.get_text()
        for ax in fig.axes[1:]
        for legend in ax.get_children()
        if isinstance(legend, matplotlib.legend.Legend)
        for t in legend.get_texts()
    }
    # only the types and relation types present are in the legend
    assert {"ENTERPRISE", "ASSOCIATION", "LEAD", "BROKER", "SUPPLY", "INFORMATION", "INTENSITY 3"} <= legend_text
    assert "NGO" not in legend_text and "FINANCE" not in legend_text
    node_labels = {t.get_text() for t in fig.axes[0].texts}
    assert {"F1", "A", "MACRO"} <= node_labels


def test_actors_join_the_maps_at_their_first_tied_round():
    # hand-built: A-B tied in rounds 1 and 2, C tied to A only in round 2, D never tied, E tied in round 3
    actors = pd.DataFrame(
        {"actor_id": list("ABCDE"), "name": list("ABCDE"), "type": ["enterprise"] * 5, "level": ["core"] * 5}
    )
    relations = pd.DataFrame(
        {
            "source": ["A", "A", "C", "E"],
            "target": ["B", "B", "A", "B"],
            "relation_type": ["supply"] * 4,
            "intensity": [1] * 4,
            "formal": [False] * 4,
            "survey_round": [1, 2, 2, 3],
        }
    )
    assert network.on_map(actors, relations, 1)["actor_id"].tolist() == ["A", "B", "D"]
    assert network.on_map(actors, relations, 2)["actor_id"].tolist() == ["A", "B", "C", "D"]
    assert network.on_map(actors, relations, 3)["actor_id"].tolist() == list("ABCDE")
    third = network.round_graph(actors, pd.DataFrame({"enterprise_id": [], "role": []}), relations, 3)
    # in round 3 only E-B is observed: A, C and D are on the map without a tie
    assert sorted(third.edges) == [("B", "E")] and sorted(third.nodes) == list("ABCDE")
