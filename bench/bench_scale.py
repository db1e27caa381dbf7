"""Scale: the diagnostic and monitoring analyses on a large synthetic cluster. Prints, never asserts.

Run with the project's interpreter from the repository root:

    .venv/bin/python bench/bench_scale.py [--firms 100000] [--indicators 200] [--rounds 40]

The cluster comes from ``clusterkit.examples.build_synthetic`` (100,000 firms, 5,000 other
actors, about 250,000 relations in two survey rounds, 200 indicators measured over 40 rounds).
Targets: under 10 s and under 2 GB for each step.

Each analysis function the templates call is timed on its own (median of REPEATS runs), then the
whole step: the tabular diagnostic, the monitoring assessment without the network, and the
network analyses (the cluster map, centralities, the baseline's network figures, the relations
by round of monitoring). The network part runs in a forked process stopped after NETWORK_LIMIT
seconds: exact betweenness costs O(actors x ties), so on this map it is reported as "over the
limit" rather than left to run for hours; it is also timed on smaller maps to show how it grows.
Peak memory is tracemalloc's peak for each step (numpy
and pandas report their buffers to it); the process's maximum resident size is printed at the end.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import resource
import statistics
import time
import tracemalloc
from pathlib import Path

import pandas as pd

from clusterkit.examples import build_synthetic
from clusterkit.schema import SHEETS as SCHEMA
from clusterkit.steps import diagnostic, monitoring, network
from clusterkit.workbook import Workbook

REPEATS = 3
NETWORK_LIMIT = 120  # seconds
SMALL_MAPS = (1_000, 4_000)  # firms: how the network analyses grow, next to the full size
SHEETS = (
    "cluster",
    "enterprises",
    "actors",
    "relations",
    "swot",
    "services",
    "narratives",
    "actions",
    "indicators",
    "measurements",
)


DTYPES = {"integer": "Int64", "number": "float64", "share": "float64", "bool": "boolean", "date": "datetime64[ns]"}


def with_schema(key: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as the reader returns it: every schema column, missing optional ones empty."""
    frame = frame.copy()
    for column in SCHEMA[key].columns:
        if column.key not in frame:
            frame[column.key] = pd.Series(pd.NA, index=frame.index, dtype=DTYPES.get(column.kind, "object"))
    return frame


def workbook_of(frames: dict[str, pd.DataFrame]) -> Workbook:
    """A read workbook made of the synthetic frames (what read_workbook would return)."""
    cluster = dict(frames["cluster"].itertuples(index=False))
    sheets = {k: with_schema(k, v) for k, v in frames.items() if k != "cluster"}
    return Workbook(Path("synthetic.xlsx"), cluster, sheets, {k: [] for k in sheets}, {k: k for k in sheets}, [])


def timed(function, repeats: int = REPEATS) -> tuple[float, float]:
    """Median seconds over ``repeats`` runs, and the peak traced memory (MB) of one more run."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return statistics.median(times), peak


def diagnostic_tables(wb: Workbook) -> dict:
    firms, actors, relations = wb["enterprises"], wb["actors"], wb["relations"]
    return {
        "profile_summary": lambda: diagnostic.profile_summary(firms),
        "firms_by_role_and_size": lambda: diagnostic.firms_by_role_and_size(firms),
        "employment_by_role": lambda: diagnostic.employment_by_role(firms),
        "exports_by_segment": lambda: diagnostic.exports_by_segment(firms),
        "owner_strata": lambda: diagnostic.owner_strata(firms),
        "firms_by_founding_period": lambda: diagnostic.firms_by_founding_period(firms),
        "firms_by_role_and_segment": lambda: diagnostic.firms_by_role_and_segment(firms),
        "strata_ranking": lambda: diagnostic.strata_ranking(firms),
        "gender_view": lambda: diagnostic.gender_view(firms),
        "interview_sample": lambda: diagnostic.interview_sample(firms, 20),
        "value_chain_links": lambda: diagnostic.value_chain_links(firms, actors, relations),
        "social_capital": lambda: diagnostic.social_capital(firms, actors, network.in_round(relations, 1)),
        "relation_profile": lambda: diagnostic.relation_profile(relations),
        "swot_ranked": lambda: diagnostic.swot_ranked(wb["swot"]),
        "services_summary": lambda: diagnostic.services_summary(wb["services"]),
        "service_review": lambda: diagnostic.service_review(wb["services"], actors),
    }


def monitoring_core(wb: Workbook):
    """The monitoring assessment as the template runs it, without the network (timed apart)."""
    without_map = Workbook(wb.source, wb.cluster, {k: v for k, v in wb.sheets.items() if k != "relations"}, {}, {}, [])
    return monitoring.assess(without_map)


def network_step(wb: Workbook) -> None:
    graph = network.cluster_graph(wb["actors"], wb["enterprises"], network.in_round(wb["relations"], 1))
    network.summary(graph)
    monitoring.relations_by_round(wb["relations"], wb["actors"], wb["enterprises"])


def _run_network(wb, queue):
    start = time.perf_counter()
    network_step(wb)
    queue.put(time.perf_counter() - start)


def network_time(wb: Workbook) -> float | None:
    """Seconds for the network analyses, or None when over NETWORK_LIMIT."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_run_network, args=(wb, queue))
    process.start()
    process.join(NETWORK_LIMIT)
    if process.is_alive():
        process.terminate()
        process.join()
        return None
    return queue.get()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=100_000)
    parser.add_argument("--indicators", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}"
    )
    start = time.perf_counter()
    frames = build_synthetic(n_firms=args.firms, n_indicators=args.indicators, n_rounds=args.rounds, sheets=SHEETS)
    wb = workbook_of(frames)
    print(
        f"synthetic cluster built in {time.perf_counter() - start:.1f} s: "
        + ", ".join(f"{k} {len(v):,}" for k, v in wb.sheets.items())
    )

    print("\ndiagnostic, one function at a time (median s, peak MB):")
    total = 0.0
    for name, function in diagnostic_tables(wb).items():
        seconds, peak = timed(function)
        total += seconds
        print(f"  {name:<28} {seconds:7.3f} s {peak:8.1f} MB")
    seconds, peak = timed(lambda: [f() for f in diagnostic_tables(wb).values()], repeats=1)
    print(f"diagnostic tables, whole step:  {seconds:.2f} s, peak {peak:.0f} MB (target < 10 s, < 2 GB)")

    seconds, peak = timed(lambda: monitoring_core(wb), repeats=1)
    print(
        f"monitoring assessment (no map): {seconds:.2f} s, peak {peak:.0f} MB (target < 10 s, < 2 GB) "
        f"on {len(wb['indicators'])} indicators x {len(wb['measurements']):,} measurements"
    )

    for firms in (*SMALL_MAPS, args.firms):
        small = wb if firms == args.firms else workbook_of(build_synthetic(n_firms=firms, sheets=SHEETS))
        seconds = network_time(small)
        shown = f"{seconds:.1f} s" if seconds is not None else f"over {NETWORK_LIMIT} s (stopped)"
        print(f"network analyses (map, centralities, relations by round), {firms:,} firms: {shown}")
    print(f"process maximum resident size: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
