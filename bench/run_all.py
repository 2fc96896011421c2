"""`make bench`: every benchmark in bench/, one after another; figures go to bench/RESULTS.md by hand.

Quick by default (databases of 100k and 1M contacts, few runs: a few minutes once the databases
are built); `--sizes 100k,1m,10m` is the full run of issue 6 (the 10M database takes about 1.5 min
to build once, and every 10M figure takes longer). bench/growth.py then tabulates and charts how
each figure grows with the size.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def benches(sizes: list[str], full: bool) -> list[list[str]]:
    page_sizes = [s for s in sizes if s != "100k"] or sizes  # the page goals are at 1M and 10M
    runs = ["--runs", "5" if full else "3"]
    return [
        ["bench_import.py", "--rows", "1000000"],
        ["bench_commands.py", "--sizes", ",".join(sizes), "--rows", "1000000", *runs],
        ["bench_import_parts.py", "--rows", "1000000", *runs],
        ["bench_demo.py", "--contacts", "1000000"],
        ["bench_queries.py", "--sizes", ",".join(sizes), "--runs", "7" if full else "5"],
        ["bench_import_page.py", "--sizes", ",".join(sizes)],
        ["bench_save.py", "--sizes", ",".join(sizes), "--saves", "200" if full else "100"],
        ["bench_pages.py", "--sizes", ",".join(sizes)],
        ["bench_evidence.py", "--sizes", ",".join(sizes), *runs],
        ["bench_dashboard.py", "--sizes", ",".join(page_sizes), *runs, "--tour"],
        ["growth.py"],
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="100k,1m", help="100k,1m (quick, default) or 100k,1m,10m"
    )
    args = parser.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    failed = 0
    for name, *bench_args in benches(sizes, full="10m" in sizes):
        script = HERE / name
        if not script.exists():
            print(f"== {name}: missing", flush=True)
            failed += 1
            continue
        print(f"== {name} {' '.join(bench_args)}", flush=True)
        failed += (
            subprocess.run([sys.executable, str(script), *bench_args], cwd=HERE.parent).returncode
            != 0
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
