"""Large workbook: the report pack of a big team against the example's, measured in one run. Prints, never asserts.

Run with the project's interpreter from the repository root:

    .venv/bin/python bench/bench_large.py [--steps-only] [--keep DIR]

The large workbook is ``clusterkit.examples.build_large`` written as a team workbook (5,000
surveyed firms, 3,000 actors, about 20,000 relations over two survey rounds, 200 indicators
measured 8 times, one in five split by sex). Target: ``clusterkit pack`` (6 steps, no PDF) on
it takes at most 3 times the example's pack.

Every command runs under ``/usr/bin/time -v``: the figures are wall-clock seconds and the
maximum resident size of the largest process of the command (the CLI or one of its kernels).
Then each step runs alone (``clusterkit run STEP``) on the large workbook, for the per-step
times. If a pack fails, its time is not a pack time: the script says so and compares the sums
of the per-step runs instead.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from clusterkit.examples import build_large
from clusterkit.workbook import example_path, write_workbook

STEPS = ("selection", "diagnostic", "plan", "implementation", "monitoring", "competency")
TARGET = 3.0
CLI = Path(sys.executable).with_name("clusterkit")


def measured(arguments: list[str]) -> tuple[float, float, float, int, str]:
    """Wall seconds, CPU seconds (user + system, kernels included), peak resident MB, exit status
    and the last error line of one command."""
    done = subprocess.run(["/usr/bin/time", "-v", str(CLI), *arguments], check=False, capture_output=True, text=True)
    report = done.stderr
    clock = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", report).group(1)
    seconds = sum(float(part) * 60**i for i, part in enumerate(reversed(clock.split(":"))))
    cpu = sum(float(re.search(rf"{kind} time \(seconds\): (\S+)", report).group(1)) for kind in ("User", "System"))
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", report).group(1)) / 1024
    lines = [line for line in report.splitlines() if line.strip() and not line.startswith("\t")]
    return seconds, cpu, peak, done.returncode, (lines[-1] if done.returncode and lines else "")


def load() -> str:
    return f"load average {os.getloadavg()[0]:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps-only", action="store_true", help="skip the two packs")
    parser.add_argument("--keep", metavar="DIR", help="write the workbook and the reports here and keep them")
    args = parser.parse_args()
    scratch = Path(args.keep or tempfile.mkdtemp(prefix="bench-large-"))
    scratch.mkdir(parents=True, exist_ok=True)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"python {platform.python_version()}, {load()}"
    )
    big = write_workbook(build_large(), scratch / "large.xlsx")
    print(f"large workbook: {big} ({big.stat().st_size / 2**20:.1f} MB)")

    packs = {}
    if not args.steps_only:
        for name, workbook in (("example", example_path()), ("large", big)):
            packs[name] = measured(["pack", "--workbook", str(workbook), "--out", str(scratch / f"pack-{name}")])
            seconds, cpu, peak, status, error = packs[name]
            print(
                f"pack, {name:<8} {seconds:7.1f} s (CPU {cpu:6.1f} s), peak {peak:6.0f} MB"
                + (f"  FAILED (exit {status}): {error}" if status else "")
                + f"  [{load()}]"
            )

    print("\nthe large workbook, one step at a time (clusterkit run STEP):")
    steps = {}
    for step in STEPS:
        steps[step] = measured(["run", step, "--workbook", str(big), "--out", str(scratch / f"run-{step}")])
        seconds, cpu, peak, status, error = steps[step]
        print(
            f"  {step:<15} {seconds:7.1f} s (CPU {cpu:6.1f} s), peak {peak:6.0f} MB"
            + (f"  FAILED (exit {status}): {error}" if status else "")
        )
    total, cpu = (sum(figures[i] for figures in steps.values()) for i in (0, 1))
    print(
        f"  {'sum':<15} {total:7.1f} s (CPU {cpu:6.1f} s), "
        f"peak {max(figures[2] for figures in steps.values()):6.0f} MB  [{load()}]"
    )

    if packs and not any(figures[3] for figures in packs.values()):
        ratio = packs["large"][0] / packs["example"][0]
        cpu_ratio = packs["large"][1] / packs["example"][1]
        print(
            f"\npack ratio, large / example: {ratio:.2f} (target <= {TARGET:g}): {'met' if ratio <= TARGET else 'not met'}; "
            f"in CPU time {cpu_ratio:.2f}"
        )
    elif packs:
        print("\na pack failed: its time is not comparable; see the per-step runs above")


if __name__ == "__main__":
    main()
