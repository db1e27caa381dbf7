"""Benchmark of step 1 (clusterkit.steps.mapping and selection). Prints, never asserts.

Run with the project's interpreter from the repository root:

    .venv/bin/python bench/bench_selection.py

1. Mapping and shift-share on 2,000 regions x 300 sectors x 10 years
   (6 million rows), once with categorical region/sector columns and once
   with plain strings: all mapping outputs (indicators, stars, quadrants,
   specialisation index, shift-share by region), and the core alone
   (mapping_indicators + shift_share). Target: under 5 s and under 3 GB.
2. Weight sensitivity, 10,000 draws over 500 candidates. Target: under 2 s.
3. Ratio of the vectorised code to a plain per-row Python loop doing the same
   arithmetic. The loop is timed on a subset and extrapolated per row (per
   draw for the sensitivity) to the full size.

Time is the median wall-clock time (time.perf_counter) of REPEATS runs
without tracing, because other work on the machine makes single runs noisy;
every run of the whole mapping pipeline is printed too (the first one pays
for fresh memory pages). Peak memory is measured in one more run of the same
step under tracemalloc (numpy and pandas report their buffers to it); the
process's maximum resident size (resource.getrusage) is printed as well and
includes building the input tables.
"""

from __future__ import annotations

import os
import platform
import resource
import statistics
import time
import tracemalloc

import numpy as np
import pandas as pd

from clusterkit.steps import mapping
from clusterkit.steps import selection as sel

N_REGIONS, N_SECTORS, N_YEARS = 2_000, 300, 10
N_CANDIDATES, N_CRITERIA, N_DRAWS = 500, 8, 10_000
LOOP_REGIONS = 20  # regions in the subset timed with the per-row loop
LOOP_DRAWS = 100  # draws timed with the per-draw loop
REPEATS = 3


def employment_table(n_regions: int, n_sectors: int, n_years: int, *, strings: bool) -> pd.DataFrame:
    """A full region x sector x year table built with numpy."""
    rng = np.random.default_rng(0)
    n = n_regions * n_sectors * n_years
    region = np.repeat(np.arange(n_regions), n_sectors * n_years)
    sector = np.tile(np.repeat(np.arange(n_sectors), n_years), n_regions)
    regions = np.char.add("R", np.char.zfill(np.arange(n_regions).astype(str), 4))
    sectors = np.char.add("S", np.char.zfill(np.arange(n_sectors).astype(str), 3))
    if strings:
        region_col, sector_col = regions[region], sectors[sector]
    else:
        region_col = pd.Categorical.from_codes(region, regions)
        sector_col = pd.Categorical.from_codes(sector, sectors)
    frame = pd.DataFrame(
        {
            "region": region_col,
            "sector": sector_col,
            "year": np.tile(np.arange(2011, 2011 + n_years), n_regions * n_sectors),
            "employment": rng.gamma(2.0, 50.0, n).round(),
        }
    )
    if strings:
        frame = frame.astype({"region": "str", "sector": "str"})
    return frame


def mapping_and_shift_share(employment: pd.DataFrame) -> None:
    """Every mapping output: indicators, stars, quadrants, index, shift-share."""
    indicators = mapping.mapping_indicators(employment)
    mapping.observatory_stars(indicators)
    mapping.specialisation_quadrants(indicators)
    mapping.specialisation_index(indicators)
    mapping.shift_share_by_region(mapping.shift_share(employment))


def loop_mapping_and_shift_share(region, sector, year, employment) -> tuple[list, list]:
    """The same arithmetic as mapping_indicators + shift_share, row by row."""
    e_r, e_s, e, cell = {}, {}, {}, {}
    for r, s, y, v in zip(region, sector, year, employment):
        e_r[r, y] = e_r.get((r, y), 0.0) + v
        e_s[s, y] = e_s.get((s, y), 0.0) + v
        e[y] = e.get(y, 0.0) + v
        cell[r, s, y] = v
    years = sorted(e)
    previous = dict(zip(years[1:], years[:-1]))
    rows = []
    for r, s, y, v in zip(region, sector, year, employment):
        focus = v / e_r[r, y]
        before = cell.get((r, s, previous.get(y)))
        first = cell.get((r, s, years[0]))
        rows.append(
            (
                focus,
                v / e_s[s, y],
                focus / (e_s[s, y] / e[y]),
                v / before - 1 if before else None,
                v / first - 1 if first and y != years[0] else None,
            )
        )
    start, end = years[0], years[-1]
    g = e[end] / e[start] - 1
    shares = []
    for (r, s, y), v0 in cell.items():
        if y == start:
            v1 = cell.get((r, s, end), 0.0)
            g_s = e_s[s, end] / e_s[s, start] - 1
            shares.append((r, s, v0 * g, v0 * (g_s - g), v1 - v0 - v0 * g_s))
    return rows, shares


def candidate_tables(n_candidates: int, n_criteria: int):
    rng = np.random.default_rng(1)
    names = [f"k{i}" for i in range(n_criteria)]
    candidates = pd.DataFrame(rng.uniform(0, 100, (n_candidates, n_criteria)), columns=names)
    candidates.insert(0, "candidate_id", [f"c{i:04d}" for i in range(n_candidates)])
    candidates.insert(1, "name", [f"Cluster {i}" for i in range(n_candidates)])
    criteria = pd.DataFrame(
        {
            "criterion": names,
            "label": names,
            "weight": rng.uniform(1, 5, n_criteria),
            "direction": np.resize(["higher_better", "lower_better"], n_criteria),
            "min_threshold": np.nan,
            "group": np.resize(["economic", "pro_poor", "institutional", "environment"], n_criteria),
        }
    )
    return candidates, criteria


def loop_sensitivity(normalised: list[list[float]], weights: list[float], n_draws: int, top_k: int):
    """Weight draws, scores and top-k counts with Python loops (one draw at a time)."""
    rng = np.random.default_rng(0)
    hits = [0] * len(normalised)
    for _ in range(n_draws):
        noisy = [w * float(np.exp(0.25 * rng.standard_normal())) for w in weights]
        total = sum(noisy)
        scores = [sum(w / total * x for w, x in zip(noisy, row)) for row in normalised]
        for i in sorted(range(len(scores)), key=scores.__getitem__, reverse=True)[:top_k]:
            hits[i] += 1
    return hits


def timings(step) -> list[float]:
    runs = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        step()
        runs.append(time.perf_counter() - start)
    return runs


def timed(step) -> float:
    return statistics.median(timings(step))


def traced_peak(step) -> float:
    tracemalloc.start()
    step()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, {os.cpu_count()} CPU(s)"
    )
    rows = []
    n_rows = N_REGIONS * N_SECTORS * N_YEARS
    core = {}

    for strings in (False, True):
        keys = "string" if strings else "categorical"
        employment = employment_table(N_REGIONS, N_SECTORS, N_YEARS, strings=strings)
        runs = timings(lambda employment=employment: mapping_and_shift_share(employment))
        seconds = statistics.median(runs)
        peak = traced_peak(lambda employment=employment: mapping_and_shift_share(employment))
        rows.append(
            (
                f"all mapping + shift-share, {keys} keys",
                f"{n_rows:,} rows",
                seconds,
                "< 5 s",
                f"{peak:,.0f} MB",
                "< 3 GB",
                seconds < 5 and peak < 3 * 1024,
            )
        )
        core[keys] = timed(
            lambda employment=employment: (mapping.mapping_indicators(employment), mapping.shift_share(employment))
        )
        rows.append(
            (f"indicators + shift-share, {keys} keys", f"{n_rows:,} rows", core[keys], "< 5 s", "", "", core[keys] < 5)
        )
        print(
            f"{keys} keys: all mapping + shift-share, runs {', '.join(f'{t:.2f}' for t in runs)} s;"
            f" process max RSS so far {max_rss_mb():,.0f} MB"
        )
        del employment

    # Like for like: the loop uses string keys and computes indicators and
    # shift-share only.
    vectorised_mapping = core["string"]
    subset = employment_table(LOOP_REGIONS, N_SECTORS, N_YEARS, strings=True)
    columns = [subset[c].tolist() for c in ("region", "sector", "year", "employment")]
    loop_seconds = timed(lambda: loop_mapping_and_shift_share(*columns))
    subset_seconds = timed(lambda: (mapping.mapping_indicators(subset), mapping.shift_share(subset)))
    loop_rows, loop_shares = loop_mapping_and_shift_share(*columns)
    loop_lq = np.array([r[2] for r in loop_rows])
    lq_gap = np.abs(loop_lq - mapping.mapping_indicators(subset)["lq"]).max()
    regional = mapping.shift_share(subset)["regional_effect"].to_numpy()
    effect_gap = np.abs(np.array([s[4] for s in loop_shares]) - regional).max()
    loop_full = loop_seconds / len(subset) * n_rows
    rows.append(("per-row loop, same arithmetic", f"{len(subset):,} rows timed", loop_seconds, "", "", "", None))

    candidates, criteria = candidate_tables(N_CANDIDATES, N_CRITERIA)

    def sensitivity():
        return sel.weight_sensitivity(candidates, criteria, n_draws=N_DRAWS, top_k=10)

    vectorised_sensitivity = timed(sensitivity)
    peak = traced_peak(sensitivity)
    rows.append(
        (
            "weight sensitivity",
            f"{N_DRAWS:,} draws x {N_CANDIDATES} candidates",
            vectorised_sensitivity,
            "< 2 s",
            f"{peak:,.0f} MB",
            "",
            vectorised_sensitivity < 2,
        )
    )
    normalised = sel.normalise_criteria(candidates, criteria).to_numpy().tolist()
    weights = sel.effective_weights(criteria).tolist()
    loop_draw_seconds = timed(lambda: loop_sensitivity(normalised, weights, LOOP_DRAWS, 10))
    rows.append(("per-draw loop, same arithmetic", f"{LOOP_DRAWS} draws timed", loop_draw_seconds, "", "", "", None))

    print()
    header = ("step", "size", "time", "target", "peak (traced)", "target", "met")
    widths = (39, 30, 7, 6, 13, 6, 3)
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("  ".join("-" * w for w in widths))
    for step, size, seconds, t_target, peak, m_target, met in rows:
        cells = (
            step,
            size,
            f"{seconds:.2f} s",
            t_target,
            peak,
            m_target,
            "" if met is None else ("yes" if met else "NO"),
        )
        print("  ".join(str(c).ljust(w) for c, w in zip(cells, widths)))

    print()
    print(
        f"per-row loop: {loop_seconds / len(subset) * 1e6:.2f} us/row on {len(subset):,} rows "
        f"({LOOP_REGIONS} regions); on that subset mapping_indicators + shift_share take "
        f"{subset_seconds:.3f} s -> {loop_seconds / subset_seconds:.0f}x faster. Extrapolated "
        f"linearly to {n_rows:,} rows the loop needs {loop_full:.0f} s against "
        f"{vectorised_mapping:.2f} s measured (string keys) "
        f"-> {loop_full / vectorised_mapping:.0f}x"
    )
    print(f"loop and vectorised agree: max |LQ gap| {lq_gap:.1e}, max |regional effect gap| {effect_gap:.1e}")
    loop_draws_full = loop_draw_seconds / LOOP_DRAWS * N_DRAWS
    print(
        f"per-draw loop: {loop_draw_seconds / LOOP_DRAWS * 1e3:.1f} ms/draw on {LOOP_DRAWS} draws, "
        f"extrapolated to {N_DRAWS:,} draws = {loop_draws_full:.0f} s; vectorised "
        f"{vectorised_sensitivity:.2f} s -> {loop_draws_full / vectorised_sensitivity:.0f}x faster"
    )
    print(f"process max RSS: {max_rss_mb():,.0f} MB (includes building the 6-million-row tables)")


if __name__ == "__main__":
    main()
