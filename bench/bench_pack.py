"""Report pack and batch: time against the in-process floor. Prints, never asserts.

Run with the project's interpreter from the repository root:

    .venv/bin/python bench/bench_pack.py [--repeats 3] [--batch 20] [--batch-repeats 1] [--parts 123]

1. Per-template overhead. For each template, the run a user starts with
   ``clusterkit run`` (a fresh process and kernel) against the same clusterkit calls in one fresh
   process (the template's code cells executed in order); then, inside a pack, a step on a warm
   kernel against the same calls in a warm process. Target: under 1.5 s per template.
2. Pack time for the example team, without PDF, against the floor: every template's calls in one
   fresh process, one after the other. Target: at most 1.5 times the floor.
3. Batch of BATCH team workbooks (copies of the example under other names) with 1 and 2 workers,
   the two alternating BATCH_REPEATS times. Target: at least 1.7 times the throughput with 2 workers.

Every time is the wall-clock time of a whole command (``python -c ...`` in a subprocess, from
start-up to exit), the median of REPEATS runs; the runs of the compared commands alternate so
that a change in the machine's load hits both alike. The ratios are computed in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from clusterkit.running.kernels import template_imports
from clusterkit.running.templates import available_template, template_parameters, template_path
from clusterkit.schema import STEPS
from clusterkit.workbook import example_path

PYTHON = sys.executable


def floor_script(steps: list[str], workbook: Path, out: Path, lang: str = "fr", warm: bool = False) -> str:
    """The templates' code cells for ``steps``, run one after the other in one process; prints
    each step's seconds as JSON. ``warm``: the templates' imports are done before the clock starts,
    as in a pack's warm kernel."""
    parts = ["import json, time", "import matplotlib", "matplotlib.use('Agg')", "seconds = {}"]
    if warm:
        parts.append(template_imports())
    for step in steps:
        declared = template_parameters(step)
        values = {name: json.loads(spec["default"]) for name, spec in declared.items()}
        values.update(workbook=str(workbook), lang=lang, output_dir=str(out / step))
        cells = [
            c.source
            for c in nbformat.read(template_path(step), as_version=4).cells
            if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])
        ]
        code = "\n".join(f"{k} = {v!r}" for k, v in values.items()) + "\n" + "\n".join(cells)
        parts += [
            f"import os; os.makedirs({str(out / step)!r}, exist_ok=True)",
            "start = time.perf_counter()",
            f"exec(compile({code!r}, {step!r}, 'exec'), {{}})",
            f"seconds[{step!r}] = time.perf_counter() - start",
        ]
    parts.append("print(json.dumps(seconds))")
    return "\n".join(parts)


def wall(code: str) -> tuple[float, str]:
    """Seconds of a whole ``python -c code`` run, and what it printed last."""
    start = time.perf_counter()
    done = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    return seconds, done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def medians(commands: dict[str, str], repeats: int) -> dict[str, float]:
    """The median wall time of each command, runs interleaved."""
    times = {name: [] for name in commands}
    for _ in range(repeats):
        for name, code in commands.items():
            times[name].append(wall(code)[0])
    return {name: statistics.median(t) for name, t in times.items()}


def per_template(steps: list[str], scratch: Path, repeats: int) -> None:
    print("\n1. Per-template overhead (fresh process each; median of", repeats, "runs)")
    print(f"   {'template':<16}{'clusterkit run':>14}{'in-process':>12}{'overhead':>10}")
    for step in steps:
        out = scratch / f"run-{step}"
        commands = {
            "run": f"import clusterkit; clusterkit.run({step!r}, out_dir={str(out)!r}, lang='fr')",
            "floor": floor_script([step], example_path(), scratch / f"floor-{step}"),
        }
        m = medians(commands, repeats)
        print(f"   {step:<16}{m['run']:>12.2f} s{m['floor']:>10.2f} s{m['run'] - m['floor']:>8.2f} s")
    # Inside a pack: warm kernels; compare each step with the same calls in a warm process.
    code = f"""
import json, time, tempfile
from pathlib import Path
from clusterkit.running import kernels, outputs, pack as p
from clusterkit.workbook import example_path, read_workbook
wb = read_workbook(example_path())
out = Path(tempfile.mkdtemp(dir={str(scratch)!r}))
seconds = {{}}
with kernels.KernelPool(1) as pool:
    pool.run_all([lambda k: None])  # warm: started and imports done
    job = p.StepJob(example_path().resolve(), out, out, "fr", wb.name, outputs.pack_date(), 600)
    for step in {steps!r}:
        start = time.perf_counter()
        pool.run_all([lambda k, s=step: p.execute_step(k, job, s, {{}})])
        seconds[step] = time.perf_counter() - start
print(json.dumps(seconds))
"""
    warm_pack = json.loads(wall(code)[1])
    warm_floor = json.loads(wall(floor_script(steps, example_path(), scratch / "floor-warm", warm=True))[1])
    print("   in a pack (warm kernel) against a warm process, one run:")
    for step in steps:
        print(
            f"   {step:<16}{warm_pack[step]:>12.2f} s{warm_floor[step]:>10.2f} s"
            f"{warm_pack[step] - warm_floor[step]:>8.2f} s"
        )


def pack_against_floor(steps: list[str], scratch: Path, repeats: int) -> None:
    out = scratch / "pack"
    commands = {
        "pack": f"from clusterkit.running.pack import pack; pack(out_dir={str(out)!r}, lang='fr')",
        "floor": floor_script(steps, example_path(), scratch / "floor-all"),
    }
    m = medians(commands, repeats)
    print(f"\n2. Pack of the example team ({len(steps)} steps, no PDF), median of {repeats} runs")
    print(f"   pack {m['pack']:.2f} s, floor {m['floor']:.2f} s, ratio {m['pack'] / m['floor']:.2f} (target <= 1.5)")


def batch_throughput(count: int, scratch: Path, repeats: int) -> None:
    """Runs with 1 and 2 workers alternate, ``repeats`` times each, on the same workbooks."""
    folder = scratch / "teams"
    folder.mkdir()
    for i in range(count):
        shutil.copy(example_path(), folder / f"team-{i + 1:02d}.xlsx")
    times = {1: [], 2: []}
    for _ in range(repeats):
        for jobs in times:
            out = scratch / f"batch-{jobs}"
            code = (
                f"import json; from clusterkit.running.batch import batch; rows = batch({str(folder)!r}, {str(out)!r}, "
                f"jobs={jobs}, progress=False); print(json.dumps([r.reason for r in rows if not r.ok]))"
            )
            seconds, failed = wall(code)
            failed = json.loads(failed)
            times[jobs].append(seconds)
            print(
                f"   {jobs} worker(s): {seconds:.1f} s for {count} workbooks ({count - len(failed)} ok), "
                f"{count / seconds * 60:.1f} workbooks/min"
            )
            for reason in sorted(set(failed)):
                print(f"      failed ({failed.count(reason)}): {reason}")
    one, two = (statistics.median(times[j]) for j in (1, 2))
    print(f"   throughput ratio 2 workers / 1 worker (medians): {one / two:.2f} (target >= 1.7)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--batch-repeats", type=int, default=1)
    parser.add_argument("--parts", default="123", help="which of the three measures to run, e.g. 3")
    args = parser.parse_args()
    steps = [s for s in STEPS if available_template(s)]
    print(
        f"machine: {os.cpu_count()} cores, python {platform.python_version()}, "
        f"load average at start {os.getloadavg()[0]:.1f}; templates: {', '.join(steps)}"
    )
    scratch = Path(tempfile.mkdtemp(prefix="bench-pack-"))
    try:
        if "1" in args.parts:
            per_template(steps, scratch, args.repeats)
        if "2" in args.parts:
            pack_against_floor(steps, scratch, args.repeats)
        if "3" in args.parts:
            print(f"\n3. Batch of {args.batch} team workbooks")
            batch_throughput(args.batch, scratch, args.batch_repeats)
        print(f"\nload average at the end {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
