"""Start-up: the code of a commit (before) against the working tree's (after), in one run. Prints, never asserts.

Run with the project's interpreter from the repository root:

    .venv/bin/python bench/bench_start.py [--before REF] [--repeats 3] [--step plan] [--parts 123]

1. ``clusterkit --help`` and ``clusterkit workbook check`` on the example: CPU seconds (user +
   system) of the whole command, median of 3 x REPEATS runs. Target: ``--help`` under 0.3 s.
2. A cold ``clusterkit run STEP`` on the example against the in-process floor (the template's code
   cells executed in one fresh process, as in ``bench_pack.py``). Target: at most 1.5 x the floor.
3. ``clusterkit pack`` of the example (every step, no PDF) against the serial in-process floor
   (every template's calls one after the other in one fresh process). Target: at most 0.8 x the floor.

Each command is a fresh process started as the ``clusterkit`` command starts (``from clusterkit.cli
import main``). "Before" is REF's ``clusterkit/``, ``templates/`` and ``data/`` extracted to a
temporary folder put first on ``PYTHONPATH`` (the kernels inherit it); "after" is the installed
working tree. The floors run the working tree's templates: the step code they call is the same
in both. The runs of the compared commands alternate, so that the machine's load hits them alike.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from bench_pack import floor_script

from clusterkit.running.templates import available_template
from clusterkit.schema import STEPS
from clusterkit.workbook import example_path

ROOT = Path(__file__).resolve().parent.parent


def extract(ref: str, folder: Path) -> Path:
    """REF's package, templates and example data, laid out as the installed package expects."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "clusterkit", "templates", "data"], capture_output=True, check=True
    ).stdout
    folder.mkdir(parents=True)
    archive_path = folder / "before.tar"
    archive_path.write_bytes(archive)
    with tarfile.open(archive_path) as tar:
        tar.extractall(folder, filter="data")
    (folder / "clusterkit" / "templates").symlink_to(folder / "templates")
    (folder / "clusterkit" / "example").symlink_to(folder / "data")
    return folder


def command(args: list[str]) -> list[str]:
    return [sys.executable, "-c", f"import sys; from clusterkit.cli import main; sys.exit(main({args!r}))"]


def measure(argv: list[str], env: dict) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, the process and the kernels it waited for) of one run,
    started outside the repository (``python -c`` puts the current folder first on the path)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=tempfile.gettempdir(), check=False)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def alternate(runs: dict[str, tuple[list[str], dict]], repeats: int) -> dict[str, tuple[float, float]]:
    """Median wall and CPU seconds of each run, the runs interleaved."""
    times = {name: [] for name in runs}
    for _ in range(repeats):
        for name, (argv, env) in runs.items():
            times[name].append(measure(argv, env))
    return {name: (statistics.median(w for w, _ in t), statistics.median(c for _, c in t)) for name, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="main", help="the commit to compare with (default: main)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--step", default="plan")
    parser.add_argument("--parts", default="123")
    args = parser.parse_args()
    steps = [s for s in STEPS if available_template(s)]
    scratch = Path(tempfile.mkdtemp(prefix="bench-start-"))
    after_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    before_env = {**after_env, "PYTHONPATH": str(extract(args.before, scratch / "before"))}
    envs = {"before": before_env, "after": after_env}
    example = str(example_path())
    print(
        f"machine: {os.cpu_count()} cores, load average at start {os.getloadavg()[0]:.1f}; "
        f"before = {args.before}, after = the working tree"
    )
    try:
        if "1" in args.parts:
            print(f"\n1. CPU seconds of the whole command, median of {3 * args.repeats} runs")
            for label, argv in (("--help", ["--help"]), ("workbook check", ["workbook", "check", example])):
                m = alternate({w: (command(argv), env) for w, env in envs.items()}, 3 * args.repeats)
                print(
                    f"   {label:<16} before {m['before'][1]:.2f} s, after {m['after'][1]:.2f} s CPU "
                    f"(wall {m['before'][0]:.2f} s and {m['after'][0]:.2f} s)"
                )
        if "2" in args.parts:
            runs = {
                w: (command(["run", args.step, "--out", str(scratch / f"run-{w}")]), env) for w, env in envs.items()
            }
            runs["floor"] = (
                [sys.executable, "-c", floor_script([args.step], example_path(), scratch / "floor-run")],
                after_env,
            )
            m = alternate(runs, args.repeats)
            print(f"\n2. Cold `clusterkit run {args.step}` against the in-process floor, median of {args.repeats} runs")
            for w in envs:
                print(
                    f"   {w:<7} {m[w][0]:.2f} s against {m['floor'][0]:.2f} s: ratio {m[w][0] / m['floor'][0]:.2f} "
                    f"(target <= 1.5); CPU {m[w][1]:.2f} s against {m['floor'][1]:.2f} s"
                )
        if "3" in args.parts:
            runs = {w: (command(["pack", "--out", str(scratch / f"pack-{w}")]), env) for w, env in envs.items()}
            runs["floor"] = (
                [sys.executable, "-c", floor_script(steps, example_path(), scratch / "floor-pack")],
                after_env,
            )
            m = alternate(runs, args.repeats)
            print(
                f"\n3. Pack of the example ({len(steps)} steps, no PDF) against the serial in-process floor, "
                f"median of {args.repeats} runs"
            )
            for w in envs:
                print(
                    f"   {w:<7} {m[w][0]:.2f} s against {m['floor'][0]:.2f} s: ratio {m[w][0] / m['floor'][0]:.2f} "
                    f"(target <= 0.8); CPU {m[w][1]:.2f} s against {m['floor'][1]:.2f} s"
                )
        print(f"\nload average at the end {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
