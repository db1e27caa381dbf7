"""Book build: a clean build, then a rebuild with nothing changed. Prints, never asserts.

Run with the project's interpreter from the repository root:

    .venv/bin/python bench/bench_book.py [--rebuilds 2]

The book is copied to a scratch folder (as the project's conventions ask: never built inside the
repository), without ``book/_generated``, then built with warnings as errors, exactly as the
Makefile does. The clean build executes every worked example and fills Jupyter Book's cache; the
rebuilds change nothing and should only re-read the cache. Target: under 15 s for the rebuild.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"


def build(folder: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [str(JUPYTER_BOOK), "build", str(folder), "-W", "-n", "--keep-going"],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode:
        print(done.stdout[-3000:], done.stderr[-3000:], sep="\n")
        raise SystemExit(f"the build failed (exit {done.returncode})")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuilds", type=int, default=2)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-book-"))
    try:
        for name in ("_config.yml", "_toc.yml"):
            shutil.copy(ROOT / name, scratch / name)
        shutil.copytree(ROOT / "book", scratch / "book", ignore=shutil.ignore_patterns("_generated"))
        print(f"machine: {os.cpu_count()} cores, load average at start {os.getloadavg()[0]:.1f}")
        clean = build(scratch)
        pages = len(list((scratch / "_build" / "html").rglob("*.html")))
        print(f"clean build: {clean:.1f} s ({pages} HTML pages)")
        for i in range(1, args.rebuilds + 1):
            again = build(scratch)
            print(f"rebuild {i}, nothing changed: {again:.1f} s (target < 15 s); ratio to clean {again / clean:.2f}")
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
