"""Reading workbooks: the reader before (openpyxl) and after (calamine), in one run. Prints, never asserts.

Run with the project's interpreter from the repository root (git must be there: the reader before
is the one of commit BEFORE, loaded from the repository's history next to today's):

    .venv/bin/python bench/bench_read.py [--firms 20000] [--repeats 3]

Two workbooks are read, each REPEATS times by each reader, alternating (medians printed): the
packaged example and a large synthetic workbook from ``clusterkit.examples.build_synthetic``
(FIRMS firms, as many actors, their relations, 200 indicators x 40 rounds, 10,000 employment rows),
written once by ``clusterkit.workbook.write_workbook``. Both readers must return the same frames
(checked before timing). The ratio is the time before over the time after.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from clusterkit import workbook
from clusterkit.examples import build_synthetic
from clusterkit.workbook import write_workbook

BEFORE = "1cdaf4a"  # the last commit whose reader used openpyxl
ROOT = Path(__file__).resolve().parent.parent


def reader_before(folder: Path):
    """``read_workbook`` of commit BEFORE, imported as a module of the package (its relative imports hold)."""
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{BEFORE}:clusterkit/workbook.py"], check=True, capture_output=True, text=True
    ).stdout
    path = folder / "workbook_before.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("clusterkit.workbook_before", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.read_workbook


def same(before, after) -> None:
    assert before.cluster == after.cluster and set(before.sheets) == set(after.sheets)
    for key in after.sheets:
        pd.testing.assert_frame_equal(before[key], after[key], obj=key)


def median_times(readers: dict, path: Path, repeats: int) -> dict[str, float]:
    times = {name: [] for name in readers}
    for _ in range(repeats):
        for name, read in readers.items():  # alternating, so the machine's load falls on both
            start = time.perf_counter()
            read(path)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"{platform.platform()}, Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        readers = {"before (openpyxl)": reader_before(folder), "after (calamine)": workbook.read_workbook}
        start = time.perf_counter()
        frames = build_synthetic(
            n_firms=args.firms, n_indicators=200, n_rounds=40, n_regions=50, n_sectors=20, n_years=10, n_candidates=500
        )
        large = write_workbook(frames, folder / "synthetic.xlsx")
        rows = sum(len(f) for f in frames.values())
        print(
            f"synthetic workbook: {rows:,} rows, {large.stat().st_size / 1e6:.1f} MB, "
            f"written in {time.perf_counter() - start:.1f} s"
        )
        for label, path in (("example", workbook.example_path()), ("synthetic", large)):
            same(*(read(path) for read in readers.values()))
            medians = median_times(readers, path, args.repeats)
            before, after = medians.values()
            print(
                f"{label}: before {before:.2f} s, after {after:.2f} s, ratio {before / after:.1f} "
                f"(medians of {args.repeats})"
            )
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
