"""The cluster map: the network of the cluster's actors and of their relations.

Document 000, §3.2 asks the diagnostic to end its field work with a map of the categories of
actors and of the dynamic relations between them, above all with the lead firms (step 7,
l. 3558-3562), and report section f sums up the cluster's internal organisation in that map
(l. 3658-3664). This module builds the map as a networkx graph, measures it and draws it.

Conventions, used everywhere below:

- A relation runs from ``source`` to ``target``, the source providing to the target (a supplier
  supplies a maker, a subcontractor works for a lead firm, a provider serves a firm).
- The map is undirected: two actors are *linked* when at least one relation joins them, whatever
  its direction or type. Density, degree, betweenness and components are computed on linked
  pairs; a relation to oneself is left out.
- A *tie* is one relation type between one pair of actors: a pair linked by supply and by
  information holds two ties. Round-to-round changes count ties.
- Relations without a ``survey_round`` belong to the first round.
- Every actor of the ``actors`` sheet is on the map, related or not; a *firm* is an actor of
  type ``enterprise`` or whose id is an ``enterprise_id``.
"""

from __future__ import annotations

import math
import random

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from ..documents.figures import PALETTE, PRINT_WIDTH, house_figure, wrapped
from ..schema import ENUMS

RELATION_TYPES = ENUMS["relation_type"]
LEVELS = ENUMS["level"]
BROKER_MIN_BETWEENNESS = 0.1  # normalised betweenness from which a non-firm actor is a broker


# -- rounds and actors -------------------------------------------------------------------------
def survey_rounds(relations: pd.DataFrame) -> list[int]:
    """The survey rounds present, in order; relations without a round count as round 1."""
    if relations.empty:
        return []
    return sorted(int(r) for r in _rounds(relations).unique())


def in_round(relations: pd.DataFrame, survey_round: int) -> pd.DataFrame:
    """The relations observed in ``survey_round``."""
    return relations[_rounds(relations) == survey_round]


def on_map(actors: pd.DataFrame, relations: pd.DataFrame, survey_round: int) -> pd.DataFrame:
    """The actors on the map of ``survey_round``.

    An actor joins the maps at the first round in which it is tied to someone, so a firm that a later
    survey added is not counted as isolated in the rounds before it was surveyed; an actor never tied
    in any round is on every map (it was surveyed, and has no partner).
    """
    ties = relations[relations["source"] != relations["target"]]
    rounds = _rounds(ties)
    ends = pd.concat(
        [
            pd.DataFrame({"actor_id": ties["source"], "first": rounds}),
            pd.DataFrame({"actor_id": ties["target"], "first": rounds}),
        ]
    )
    first = actors["actor_id"].map(ends.groupby("actor_id")["first"].min())
    return actors[first.isna() | (first <= survey_round)]


def round_graph(
    actors: pd.DataFrame, enterprises: pd.DataFrame, relations: pd.DataFrame, survey_round: int
) -> nx.Graph:
    """The map of one survey round: the actors on it (:func:`on_map`) and the relations of that round."""
    return cluster_graph(on_map(actors, relations, survey_round), enterprises, in_round(relations, survey_round))


def _rounds(relations: pd.DataFrame) -> pd.Series:
    return relations["survey_round"].fillna(1).astype("int64")


def actor_table(actors: pd.DataFrame, enterprises: pd.DataFrame) -> pd.DataFrame:
    """Every actor with its type, level, whether it is a firm and, for surveyed firms, its role."""
    roles = enterprises.set_index("enterprise_id")["role"]
    table = actors[["actor_id", "name", "type", "level"]].copy()
    table["role"] = table["actor_id"].map(roles)
    table["firm"] = table["type"].eq("enterprise") | table["role"].notna()
    return table.reset_index(drop=True)


# -- the graph ---------------------------------------------------------------------------------
def cluster_graph(actors: pd.DataFrame, enterprises: pd.DataFrame, relations: pd.DataFrame) -> nx.Graph:
    """The map of one survey round: a node per actor, an edge per linked pair.

    Node attributes: ``name``, ``type``, ``level``, ``role`` (None for non-firms) and ``firm``.
    Edge attributes: ``relation_types`` (in the schema's order), ``intensity`` (the strongest),
    ``formal`` (True when any relation of the pair is formal) and ``main_type``, the type of the
    strongest relation (the first in the schema's order on a tie), which the map draws.
    """
    graph = nx.Graph()
    for row in actor_table(actors, enterprises).itertuples(index=False):
        graph.add_node(
            row.actor_id,
            name=row.name,
            type=row.type,
            level=row.level,
            role=None if pd.isna(row.role) else row.role,
            firm=bool(row.firm),
        )
    graph.add_edges_from(_edges(relations))
    return graph


def _edges(relations: pd.DataFrame):
    """(a, b, attributes) for each linked pair, pairs in id order; one sort, no per-pair frames."""
    ties = relations[relations["source"] != relations["target"]]
    a, b = _pair_key(ties)
    frame = pd.DataFrame(
        {
            "a": a.to_numpy(),
            "b": b.to_numpy(),
            "relation_type": ties["relation_type"].to_numpy(),
            "rank": ties["relation_type"].map({t: i for i, t in enumerate(RELATION_TYPES)}).to_numpy(),
            "intensity": ties["intensity"].to_numpy(),
            "formal": ties["formal"].astype("boolean").fillna(False).to_numpy(dtype=bool),
        }
    )
    pairs = frame.groupby(["a", "b"], sort=True)
    # the strongest relation first, the first in the schema's order on a tie
    strongest = (
        frame.sort_values(["a", "b", "intensity", "rank"], ascending=[True, True, False, True], kind="stable")
        .drop_duplicates(["a", "b"])
        .set_index(["a", "b"])
    )
    kinds = (
        frame.sort_values(["a", "b", "rank"], kind="stable")
        .drop_duplicates(["a", "b", "relation_type"])
        .groupby(["a", "b"], sort=True)["relation_type"]
        .agg(tuple)
    )
    table = pd.DataFrame(
        {
            "relation_types": kinds,
            "intensity": pairs["intensity"].max(),
            "formal": pairs["formal"].any(),
            "main_type": strongest["relation_type"],
        }
    )
    for (a, b), types, intensity, formal, main in zip(
        table.index, table["relation_types"], table["intensity"], table["formal"], table["main_type"]
    ):
        yield a, b, {"relation_types": types, "intensity": int(intensity), "formal": bool(formal), "main_type": main}


def _pair_key(relations: pd.DataFrame) -> list[pd.Series]:
    """The unordered pair of each relation, smaller id first."""
    first = relations["source"] < relations["target"]
    low = relations["source"].where(first, relations["target"])
    high = relations["target"].where(first, relations["source"])
    return [low.rename("a"), high.rename("b")]


# -- metrics -----------------------------------------------------------------------------------
EXACT_BETWEENNESS_LIMIT = 500  # a real cluster map is far smaller; synthetic stress tests are not
_CELLS = 4_000_000  # actors x sources breadth-first at once: bounds the memory of :func:`_betweenness`


def centrality(graph: nx.Graph) -> pd.DataFrame:
    """One row per actor: degree (linked partners), degree centrality, betweenness, component.

    Centralities are networkx's normalised ones (degree / (n - 1); betweenness over the pairs of
    the whole map). Exact betweenness costs actors x ties: beyond ``EXACT_BETWEENNESS_LIMIT`` actors
    it is estimated from a seeded sample of that many source actors (reproducible; networkx's
    sample and scaling), and :func:`approximations` says so. Components are numbered from 1,
    the largest first. Rows are sorted by betweenness, then degree, then id. The table is
    computed once per graph and kept in its attributes: the reports ask for it several times.
    """
    if nx.is_frozen(graph):  # a view (subgraph) shares its attributes with the whole map
        return _centrality(graph)
    if "centrality" not in graph.graph:
        graph.graph["centrality"] = _centrality(graph)
    return graph.graph["centrality"].copy()


def _centrality(graph: nx.Graph) -> pd.DataFrame:
    component = {node: i for i, nodes in enumerate(_components(graph), start=1) for node in nodes}
    degree = nx.degree_centrality(graph) if len(graph) > 1 else dict.fromkeys(graph, 0.0)
    betweenness = _betweenness(graph, betweenness_sources(graph))
    rows = [
        {
            "actor_id": node,
            "name": data["name"],
            "type": data["type"],
            "level": data["level"],
            "role": data["role"],
            "firm": data["firm"],
            "degree": graph.degree(node),
            "degree_centrality": degree[node],
            "betweenness": betweenness[node],
            "component": component[node],
        }
        for node, data in graph.nodes(data=True)
    ]
    columns = [
        "actor_id",
        "name",
        "type",
        "level",
        "role",
        "firm",
        "degree",
        "degree_centrality",
        "betweenness",
        "component",
    ]
    table = pd.DataFrame(rows, columns=columns)
    table = table.sort_values(["betweenness", "degree", "actor_id"], ascending=[False, False, True])
    return table.astype({"degree": "int64", "component": "int64", "firm": "bool"}).reset_index(drop=True)


def betweenness_sources(graph: nx.Graph) -> list:
    """The actors whose shortest paths betweenness counts: all, or networkx's seeded sample of
    ``EXACT_BETWEENNESS_LIMIT`` of them on a larger map (``betweenness_centrality(k=..., seed=0)``)."""
    if len(graph) <= EXACT_BETWEENNESS_LIMIT:
        return list(graph)
    return random.Random(0).sample(list(graph), EXACT_BETWEENNESS_LIMIT)


def _betweenness(graph: nx.Graph, sources: list) -> dict:
    """Normalised betweenness from the shortest paths leaving ``sources`` (Brandes' algorithm).

    Breadth-first search and the dependency accumulation run for many sources at once, one
    sparse product per distance level, instead of node by node in Python; values and scaling
    are networkx's ``betweenness_centrality(normalized=True)`` (with ``k`` when sampled).
    """
    nodes = list(graph)
    n, total = len(nodes), np.zeros(len(nodes))
    if n < 3 or not graph.number_of_edges():
        return dict.fromkeys(nodes, 0.0)
    adjacency = nx.to_scipy_sparse_array(graph, nodelist=nodes, weight=None, dtype=float, format="csr")
    index = {node: i for i, node in enumerate(nodes)}
    origins = np.array([index[s] for s in sources])
    for start in range(0, len(origins), max(1, _CELLS // n)):
        chunk = origins[start : start + max(1, _CELLS // n)]
        columns = np.arange(len(chunk))
        paths = np.zeros((n, len(chunk)))  # shortest paths from each source (column) to each actor
        paths[chunk, columns] = 1.0
        depth = np.full((n, len(chunk)), -1, dtype=np.int32)
        depth[chunk, columns] = 0
        frontier, level = paths.copy(), 0
        while True:
            reached = adjacency @ frontier
            fresh = (reached > 0) & (depth < 0)
            if not fresh.any():
                break
            level += 1
            depth[fresh], paths[fresh] = level, reached[fresh]
            frontier = np.where(fresh, reached, 0.0)
        dependency = np.zeros_like(paths)
        for d in range(level, 0, -1):
            share = np.divide(1.0 + dependency, paths, out=np.zeros_like(paths), where=depth == d)
            behind = depth == d - 1
            dependency[behind] += (paths * (adjacency @ share))[behind]
        dependency[chunk, columns] = 0.0
        total += dependency.sum(axis=1)
    # networkx's rescaling for an undirected map without endpoints, normalised
    k, pairs = len(origins), n - 2
    if k == n:
        scale = np.full(n, 1 / ((n - 1) * pairs))
    else:
        scale = np.full(n, 1 / (k * pairs))
        scale[origins] = 1 / ((k - 1) * pairs)
    return dict(zip(nodes, (total * scale).tolist()))


def _components(graph: nx.Graph) -> list[set]:
    return sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(c)))


def component_table(graph: nx.Graph) -> pd.DataFrame:
    """The connected components, the largest first: actors, firms and other actors in each."""
    rows = []
    for number, nodes in enumerate(_components(graph), start=1):
        firms = sum(graph.nodes[n]["firm"] for n in nodes)
        rows.append({"component": number, "actors": len(nodes), "firms": firms, "other_actors": len(nodes) - firms})
    return pd.DataFrame(rows, columns=["component", "actors", "firms", "other_actors"]).astype("int64")


def brokers(table: pd.DataFrame, min_betweenness: float = BROKER_MIN_BETWEENNESS) -> pd.DataFrame:
    """Non-firm actors whose betweenness reaches ``min_betweenness``, from a :func:`centrality` table.

    Such actors sit on many of the shortest paths between others: institutions through which
    firms reach each other, the relays a facilitator can build on.
    """
    chosen = table[~table["firm"] & (table["betweenness"] >= min_betweenness) & (table["betweenness"] > 0)]
    return chosen.reset_index(drop=True)


def isolated_firms(graph: nx.Graph) -> pd.DataFrame:
    """Firms on the map with no relation in this round."""
    rows = [
        {"actor_id": n, "name": d["name"], "role": d["role"]}
        for n, d in graph.nodes(data=True)
        if d["firm"] and graph.degree(n) == 0
    ]
    return pd.DataFrame(rows, columns=["actor_id", "name", "role"]).sort_values("actor_id").reset_index(drop=True)


def summary(graph: nx.Graph, min_betweenness: float = BROKER_MIN_BETWEENNESS) -> dict:
    """Headline figures of one map: actors, firms, linked pairs, ties, density, components..."""
    table = centrality(graph)
    n = len(graph)
    return {
        "actors": n,
        "firms": int(table["firm"].sum()),
        "linked_pairs": graph.number_of_edges(),
        "ties": tie_count(graph),
        "density": density(graph),
        "mean_degree": 2 * graph.number_of_edges() / n if n else float("nan"),
        "components": nx.number_connected_components(graph),
        "largest_component_share": len(_components(graph)[0]) / n if n else float("nan"),
        "isolated_firms": len(isolated_firms(graph)),
        "brokers": len(brokers(table, min_betweenness)),
    }


def tie_count(graph: nx.Graph) -> int:
    """The ties of a map: one per relation type between each linked pair."""
    return sum(len(d["relation_types"]) for _, _, d in graph.edges(data=True))


def density(graph: nx.Graph) -> float:
    """Linked pairs over possible pairs; missing for a map of fewer than two actors."""
    return nx.density(graph) if len(graph) > 1 else float("nan")


def lead_firm_linkages(actors: pd.DataFrame, enterprises: pd.DataFrame, relations: pd.DataFrame) -> pd.DataFrame:
    """Where the lead firms sit: for each lead firm on the map, its partners by kind.

    ``degree`` counts linked partners; ``suppliers`` the actors that supply it, ``subcontractors``
    those that work for it, ``customers`` those it supplies; ``support`` its non-firm partners
    through service, finance, training, information or governance; ``cooperation`` its partners
    in joint action or information exchange. Each partner is counted once per column.
    """
    table = actor_table(actors, enterprises)
    firm = table.set_index("actor_id")["firm"]
    leads = table[table["role"] == "lead_firm"]
    rel = relations[relations["source"] != relations["target"]]
    # every relation seen from each of its two ends: the lead firm, its partner, which way it runs
    touching = pd.concat(
        [
            pd.DataFrame({"lead": rel["target"], "partner": rel["source"], "into": True, "kind": rel["relation_type"]}),
            pd.DataFrame(
                {"lead": rel["source"], "partner": rel["target"], "into": False, "kind": rel["relation_type"]}
            ),
        ]
    )
    touching = touching[touching["lead"].isin(leads["actor_id"])]
    kind, into = touching["kind"], touching["into"]
    non_firm = ~touching["partner"].map(firm).fillna(False).astype(bool)
    chosen = {
        "degree": slice(None),
        "suppliers": into & (kind == "supply"),
        "subcontractors": into & (kind == "subcontracting"),
        "customers": ~into & (kind == "supply"),
        "support": kind.isin(("service", "finance", "training", "information", "governance")) & non_firm,
        "cooperation": kind.isin(("joint_action", "information")),
    }
    frame = leads[["actor_id", "name"]].reset_index(drop=True)
    for column, rows in chosen.items():
        counts = touching.loc[rows].groupby("lead")["partner"].nunique()
        frame[column] = frame["actor_id"].map(counts).fillna(0)
    columns = ["actor_id", "name", "degree", "suppliers", "subcontractors", "customers", "support", "cooperation"]
    return frame[columns].astype({c: "int64" for c in columns[2:]})


# -- round to round ----------------------------------------------------------------------------
def ties(graph: nx.Graph) -> set[tuple[str, str, str]]:
    """Every tie of a map as (smaller id, larger id, relation type)."""
    return {(*sorted((a, b)), kind) for a, b, d in graph.edges(data=True) for kind in d["relation_types"]}


def tie_changes(before: nx.Graph, after: nx.Graph) -> pd.DataFrame:
    """Ties gained (in ``after`` only) and lost (in ``before`` only), sorted."""
    old, new = ties(before), ties(after)
    rows = [(*tie, "gained") for tie in new - old] + [(*tie, "lost") for tie in old - new]
    frame = pd.DataFrame(rows, columns=["source", "target", "relation_type", "change"])
    return frame.sort_values(["change", "relation_type", "source", "target"]).reset_index(drop=True)


def tie_changes_by_type(changes: pd.DataFrame) -> pd.DataFrame:
    """Ties gained and lost per relation type (schema order), with the net change and a total."""
    table = pd.crosstab(changes["relation_type"], changes["change"]).reindex(columns=["gained", "lost"], fill_value=0)
    table = table.reindex([t for t in RELATION_TYPES if t in table.index])
    table["net"] = table["gained"] - table["lost"]
    table.loc["total"] = table.sum(axis=0)
    table.index.name = "relation_type"
    table.columns.name = None
    return table.reset_index().astype({"gained": "int64", "lost": "int64", "net": "int64"})


def compare_rounds(before: nx.Graph, after: nx.Graph, min_betweenness: float = BROKER_MIN_BETWEENNESS) -> pd.DataFrame:
    """How the map changed between two rounds: one row per measure, before, after and change.

    Measures: ties, linked pairs, density, components, isolated firms, brokers, then the ties
    gained and lost (their ``before`` is empty).
    """
    first, second = summary(before, min_betweenness), summary(after, min_betweenness)
    changes = tie_changes(before, after)["change"].value_counts()
    measures = ["ties", "linked_pairs", "density", "components", "isolated_firms", "brokers"]
    rows = [{"measure": m, "before": first[m], "after": second[m], "change": second[m] - first[m]} for m in measures]
    rows += [
        {
            "measure": f"ties_{c}",
            "before": float("nan"),
            "after": float(changes.get(c, 0)),
            "change": float(changes.get(c, 0)),
        }
        for c in ("gained", "lost")
    ]
    return pd.DataFrame(rows, columns=["measure", "before", "after", "change"]).astype(
        {"before": "float64", "after": "float64", "change": "float64"}
    )


def new_brokers(before: nx.Graph, after: nx.Graph, min_betweenness: float = BROKER_MIN_BETWEENNESS) -> pd.DataFrame:
    """Brokers of ``after`` that were not brokers in ``before``, with their betweenness then and now."""
    old = brokers(centrality(before), min_betweenness).set_index("actor_id")
    now = brokers(centrality(after), min_betweenness)
    earlier = centrality(before).set_index("actor_id")["betweenness"]
    fresh = now[~now["actor_id"].isin(old.index)]
    fresh = fresh.assign(betweenness_before=fresh["actor_id"].map(earlier))
    return fresh[["actor_id", "name", "type", "betweenness_before", "betweenness"]].reset_index(drop=True)


# -- the figure --------------------------------------------------------------------------------
TYPE_COLOURS = dict(
    zip(ENUMS["actor_type"], (*PALETTE[:2], "#8c564b", *PALETTE[3:6], PALETTE[2], PALETTE[6], "#999999"))
)
_LIGHT = {PALETTE[1], PALETTE[2], PALETTE[6], "#999999"}  # colours that take a dark label
# Colour carries the relation type; the line style groups the types (market, support,
# cooperation, governance) so that a grey print still reads.
RELATION_STYLES = {
    "supply": ("#1f4e79", "solid"),
    "subcontracting": ("#2e86c1", "solid"),
    "service": ("#117a65", "dashed"),
    "finance": ("#b7950b", "dashed"),
    "training": ("#7d3c98", "dashed"),
    "information": ("#c0392b", "dotted"),
    "joint_action": ("#e67e22", "solid"),
    "governance": ("#566573", "dashdot"),
}
_PER_ROW = 10  # nodes per row inside a level band before another row is opened
_ROW_GAP = 0.32  # vertical distance between two rows of a band
_SMALL_MAP = 20  # actors up to which a map counts as small
_MAP_SCALE = 1.5  # inches per unit of the layout's height
MAP_ACTOR_LIMIT = 120  # actors drawn at most: beyond, a map shows its most linked actors


def map_actors(graph: nx.Graph) -> list:
    """The actors a map draws, in the graph's order: all of them, or on a map of more than
    ``MAP_ACTOR_LIMIT`` actors the ``MAP_ACTOR_LIMIT`` with the most partners (ties by id)."""
    if len(graph) <= MAP_ACTOR_LIMIT:
        return list(graph)
    chosen = set(sorted(graph, key=lambda n: (-graph.degree(n), n))[:MAP_ACTOR_LIMIT])
    return [n for n in graph if n in chosen]


def _drawn(graph: nx.Graph, actors) -> nx.Graph:
    """The part of ``graph`` a figure draws: the whole map when every actor is drawn."""
    actors = [n for n in graph if n in set(actors)] if actors is not None else map_actors(graph)
    return graph if len(actors) == len(graph) else graph.subgraph(actors)


def approximations(graph: nx.Graph, positions: dict | None = None) -> list[tuple[str, dict]]:
    """What is approximate on a large map, as catalogue messages (key, values) for the report:
    betweenness estimated from a sample of source actors, a figure drawing only some actors."""
    notes = []
    if len(graph) > EXACT_BETWEENNESS_LIMIT:
        notes.append(("diagnostic.map.sampled_betweenness", {"sources": EXACT_BETWEENNESS_LIMIT, "actors": len(graph)}))
    drawn = len(_drawn(graph, positions))
    if drawn < len(graph):
        notes.append(("diagnostic.map.subset", {"shown": drawn, "actors": len(graph)}))
    return notes


def _bands(graph: nx.Graph) -> dict:
    """Each level's band as (centre, half height, rows), macro on top; crowded bands are taller."""
    bands, top = {}, 0.0
    for level in reversed(LEVELS):
        count = sum(1 for _, d in graph.nodes(data=True) if d["level"] == level)
        rows = max(1, math.ceil(count / _PER_ROW))
        half = 0.22 + _ROW_GAP * rows / 2
        bands[level] = (top - half, half, rows)
        top -= 2 * half + 0.08
    return bands


def layout_by_level(graph: nx.Graph, seed: int = 1) -> dict:
    """Positions in three horizontal bands, macro at the top and micro at the bottom.

    Inside a band, actors are ordered by the x coordinate of a seeded spring layout (linked actors
    stay close) and spread evenly, zigzagging over rows when the band is crowded, so no two
    nodes overlap. A large map is laid out on the actors it draws (:func:`map_actors`) only.
    """
    graph = _drawn(graph, None)
    spring = nx.spring_layout(graph, seed=seed) if len(graph) else {}
    positions = {}
    for level, (centre, _, rows) in _bands(graph).items():
        nodes = sorted((n for n, d in graph.nodes(data=True) if d["level"] == level), key=lambda n: (spring[n][0], n))
        for rank, node in enumerate(nodes):
            x = rank / (len(nodes) - 1) if len(nodes) > 1 else 0.5
            positions[node] = (x, centre + ((rows - 1) / 2 - rank % rows) * _ROW_GAP)
    return positions


KEY_ACTORS = 12  # actors a map names in its key: brokers, lead firms, then the most linked


def key_actors(graph: nx.Graph, broker_ids=(), count: int = KEY_ACTORS) -> list:
    """The actors that matter on a map, named in its key: brokers, then lead firms, then the
    others by number of partners (ties by id), ``count`` at most."""
    brokers = set(broker_ids)
    rank = {n: (n not in brokers, graph.nodes[n]["role"] != "lead_firm", -graph.degree(n), str(n)) for n in graph}
    return sorted(graph, key=rank.get)[:count]


@house_figure
def cluster_map(
    graph: nx.Graph,
    type_labels: dict,
    relation_labels: dict,
    level_labels: dict,
    marker_labels: dict,
    broker_ids=(),
    positions: dict | None = None,
    seed: int = 1,
):
    """Draw the map: actors coloured by type in micro / meso / macro bands, relations coloured
    and styled by type with a width growing with intensity, lead firms as squares, brokers ringed.

    Labels are already localised: ``type_labels`` (actor type -> text), ``relation_labels``,
    ``level_labels`` and ``marker_labels`` (keys ``lead_firm``, ``broker``, ``intensity`` and
    ``key``, the title of the key). Nodes show actor ids; under the legends, a key names the
    actors that matter (:func:`key_actors`); the report's table lists them all. Edges are
    slightly curved so that a tie between two actors of the same row never hides the actors
    between them. Give the ``positions`` of another round's map (:func:`layout_by_level`) to draw
    both rounds alike: the same actors are drawn. A large map draws its most linked actors only
    (:func:`map_actors`). The map is as wide as the printed text, its labels at 8 points or more.
    """
    graph = _drawn(graph, positions)
    positions = positions or layout_by_level(graph, seed)
    bands = _bands(graph)
    bottom = min(centre - half for centre, half, _ in bands.values())
    small = len(graph) <= _SMALL_MAP  # a small map has bigger actors
    base_size = 520 if small else 330
    types = [t for t in ENUMS["actor_type"] if any(d["type"] == t for _, d in graph.nodes(data=True))]
    kinds = [k for k in RELATION_TYPES if any(d["main_type"] == k for _, _, d in graph.edges(data=True))]
    broker_ids = set(broker_ids)
    key = key_actors(graph, broker_ids)
    # under the map, one above the other: actor legend, tie legend, key (inches)
    heights = [
        _MAP_SCALE * -bottom,
        0.2 * math.ceil((len(types) + 2) / 3) + 0.1,
        0.2 * math.ceil((len(kinds) + 2) / 3) + 0.1,
        0.2 * (math.ceil(len(key) / 2) + 1) + 0.1,
    ]
    fig = plt.figure(figsize=(PRINT_WIDTH, sum(heights)))
    grid = fig.add_gridspec(4, 1, height_ratios=heights, hspace=0.0, left=0.01, right=0.99, top=0.99, bottom=0.01)
    ax = fig.add_subplot(grid[0])
    for band, (level, (centre, half, _)) in enumerate(bands.items()):
        ax.axhspan(centre - half, centre + half, color="#f4f6f7" if band % 2 == 0 else "#eaeded", zorder=0)
        ax.text(
            -0.05, centre, level_labels[level], ha="right", va="center", fontsize=9, fontweight="bold", color="#444444"
        )
    sizes = {n: base_size + 30 * min(graph.degree(n), 12) for n in graph}
    for kind in RELATION_TYPES:
        for same_band, bend in ((False, 0.12), (True, 0.3)):  # ties inside a band bend more
            edges = [
                (a, b)
                for a, b, d in graph.edges(data=True)
                if d["main_type"] == kind and (graph.nodes[a]["level"] == graph.nodes[b]["level"]) == same_band
            ]
            if edges:
                colour, style = RELATION_STYLES[kind]
                nx.draw_networkx_edges(
                    graph,
                    positions,
                    edgelist=edges,
                    ax=ax,
                    edge_color=colour,
                    style=style,
                    width=[0.5 + 0.6 * graph.edges[e]["intensity"] for e in edges],
                    alpha=0.6,
                    arrows=True,
                    arrowstyle="-",
                    connectionstyle=f"arc3,rad={bend}",
                    node_size=[sizes[n] for n in graph],
                )
    for shape, is_lead in (("o", False), ("s", True)):
        nodes = [n for n, d in graph.nodes(data=True) if (d["role"] == "lead_firm") == is_lead]
        if nodes:
            nx.draw_networkx_nodes(
                graph,
                positions,
                nodelist=nodes,
                ax=ax,
                node_shape=shape,
                node_color=[TYPE_COLOURS[graph.nodes[n]["type"]] for n in nodes],
                node_size=[sizes[n] for n in nodes],
                edgecolors=["black" if n in broker_ids else "white" for n in nodes],
                linewidths=[2.4 if n in broker_ids else 0.8 for n in nodes],
            )
    for colour in ("white", "black"):  # dark text on the light colours of the palette
        nodes = [n for n in graph if (TYPE_COLOURS[graph.nodes[n]["type"]] in _LIGHT) == (colour == "black")]
        nx.draw_networkx_labels(
            graph, positions, labels={n: n for n in nodes}, ax=ax, font_size=8, font_color=colour, font_weight="bold"
        )
    ax.set_xlim(-0.2, 1.04)
    ax.set_ylim(bottom, 0)
    ax.axis("off")
    node_handles = [_marker("o", TYPE_COLOURS[t], "white", type_labels[t]) for t in types]
    node_handles += [
        _marker("s", "#bbbbbb", "white", marker_labels["lead_firm"]),
        _marker("o", "#bbbbbb", "black", marker_labels["broker"], edge_width=2.5),
    ]
    edge_handles = [
        Line2D(
            [], [], color=RELATION_STYLES[k][0], linestyle=RELATION_STYLES[k][1], linewidth=2, label=relation_labels[k]
        )
        for k in kinds
    ]
    edge_handles += [
        Line2D([], [], color="#555555", linewidth=0.5 + 0.6 * i, label=f"{marker_labels['intensity']} {i}")
        for i in (1, 3)
    ]
    for row, handles in ((1, node_handles), (2, edge_handles)):
        legend_ax = fig.add_subplot(grid[row])
        legend_ax.axis("off")
        legend_ax.legend(
            handles=handles,
            loc="upper left",
            ncol=3,
            fontsize=8,
            borderaxespad=0.1,
            handlelength=2.2,
            columnspacing=1.2,
        )
    key_ax = fig.add_subplot(grid[3])
    key_ax.axis("off")
    key_ax.text(
        0.0, 1.0, marker_labels["key"], ha="left", va="top", fontsize=8, fontweight="bold", transform=key_ax.transAxes
    )
    half = math.ceil(len(key) / 2)
    for column in (0, 1):
        names = [
            wrapped(f"{n} {graph.nodes[n]['name']}", PRINT_WIDTH / 2 - 0.2, 8, lines=1)
            for n in key[column * half : (column + 1) * half]
        ]
        key_ax.text(
            0.5 * column,
            1.0 - 0.2 / heights[3],
            "\n".join(names),
            ha="left",
            va="top",
            fontsize=8,
            linespacing=1.45,
            transform=key_ax.transAxes,
        )
    return fig


def _marker(shape: str, face: str, edge: str, label: str, edge_width: float = 1.0) -> Line2D:
    return Line2D(
        [],
        [],
        marker=shape,
        linestyle="",
        markersize=9,
        markerfacecolor=face,
        markeredgecolor=edge,
        markeredgewidth=edge_width,
        label=label,
    )
