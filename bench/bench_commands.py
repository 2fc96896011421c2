"""What a user waits for on an import: whole commands against bare DuckDB, next to the same work
in process, measured in alternation.

1. A new database: `python -m kpi import` of an N-row canonical CSV (default 1M, the file of
   bench_import.py) against a bare `python` that opens a new file, loads the same CSV with
   read_csv into a table and closes it. Whole processes (start to exit, the file closed), and
   in process (import_file and closing the file, against read_csv into a table and closing).
2. 1,000 rows into a database of each size (a copy of bench/out/<size>.duckdb, demo contacts
   with rollups): the same pairs, each run a new file of 1,000 new contacts (ids not seen
   before, so the import matches them against every contact id there is). The bare process
   opens the same copy and loads the same 1,000 rows into a table of its own.

Figures to bench/out/commands.json (growth.py reads it). `--sizes 100k,1m,10m` for the full run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import benchlib
from bench_import import fresh, make_csv, timed
from benchlib import OUT, ROOT, fmt, ratios

sys.path.insert(0, str(ROOT))

BARE_PROCESS = """\
import sys
import duckdb
con = duckdb.connect(sys.argv[1])
con.execute("create or replace table bare_rows as select * from read_csv(?)", [sys.argv[2]])
con.close()
"""
SMALL = 1_000
TODAY = dt.date(2026, 12, 31)


def run(command: list[str]) -> float:
    """Seconds from start to exit of a process."""
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def in_process_kpi(db_path: Path, csv_path: Path, rows: int) -> float:
    """import_file and closing the file, the database opened (and migrated) before the clock."""
    from kpi import db, ingest

    con = db.connect(db_path)

    def work() -> None:
        result = ingest.import_file(con, csv_path, today=TODAY)
        assert result.accepted == rows, result
        con.close()

    return timed(work)[0]


def in_process_bare(db_path: Path, csv_path: Path) -> float:
    import duckdb

    con = duckdb.connect(str(db_path))

    def work() -> None:
        con.execute(
            "create or replace table bare_rows as select * from read_csv(?)", [str(csv_path)]
        )
        con.close()

    return timed(work)[0]


def pairs(runs: int, measure: dict[str, Callable[[int], float]]) -> dict[str, list[float]]:
    """Each measurement once per run, in turn, so that each shares the moment's load."""
    times: dict[str, list[float]] = {name: [] for name in measure}
    for i in range(runs):
        for name, work in measure.items():
            times[name].append(work(i))
        print(
            f"  run {i + 1}: " + ", ".join(f"{n} {t[-1]:.2f} s" for n, t in times.items()),
            flush=True,
        )
    return times


def new_database(rows: int, runs: int, tmp: Path, script: Path) -> dict[str, list[float]]:
    csv_path = tmp / "contacts.csv"
    make_csv(csv_path, rows)
    target = tmp / "new.duckdb"

    def clean(work: Callable[[], float]) -> Callable[[int], float]:
        def measured(_: int) -> float:
            fresh(target)
            return work()

        return measured

    kpi = [sys.executable, "-m", "kpi", "import", "--db", str(target), str(csv_path)]
    bare = [sys.executable, str(script), str(target), str(csv_path)]
    return pairs(
        runs,
        {
            "kpi, whole process": clean(lambda: run(kpi)),
            "bare, whole process": clean(lambda: run(bare)),
            "kpi, in process": clean(lambda: in_process_kpi(target, csv_path, rows)),
            "bare, in process": clean(lambda: in_process_bare(target, csv_path)),
        },
    )


def into_size(size: str, runs: int, tmp: Path, script: Path) -> dict[str, list[float]]:
    source = benchlib.ensure_db(size)
    target = tmp / f"{size}.duckdb"
    fresh(target)
    shutil.copyfile(source, target)
    files = iter(range(10**9))

    def new_file() -> Path:
        """A new file of SMALL contacts with ids no run used before (and a content hash no file
        had: a file seen before is skipped)."""
        number = next(files)
        path = tmp / f"small-{number}.csv"
        make_csv(path, SMALL, first=50_000_000 + number * SMALL)
        return path

    def kpi_process(_: int) -> float:
        return run([sys.executable, "-m", "kpi", "import", "--db", str(target), str(new_file())])

    def bare_process(_: int) -> float:
        return run([sys.executable, str(script), str(target), str(new_file())])

    return pairs(
        runs,
        {
            "kpi, whole process": kpi_process,
            "bare, whole process": bare_process,
            "kpi, in process": lambda _: in_process_kpi(target, new_file(), SMALL),
            "bare, in process": lambda _: in_process_bare(target, new_file()),
        },
    )


def report(figures: dict) -> str:
    lines = [f"started {figures['started']}, load average {figures['loadavg_at_start']}", ""]
    lines += ["| what | kpi, s | bare DuckDB, s | ratio |", "|---|---:|---:|---:|"]
    for what, times in figures["cases"].items():
        for how in ("whole process", "in process"):
            kpi, bare = times[f"kpi, {how}"], times[f"bare, {how}"]
            lines.append(f"| {what}, {how} | {fmt(kpi)} | {fmt(bare)} | {fmt(ratios(kpi, bare))} |")
    lines += ["", benchlib.describe_load(figures["other_load"])]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100k,1m", help="database sizes (default 100k,1m)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows into a new database")
    parser.add_argument("--runs", type=int, default=3, help="alternating runs, new database")
    parser.add_argument("--small-runs", type=int, default=5, help="alternating runs, 1,000 rows")
    parser.add_argument("--json", type=Path, default=OUT / "commands.json")
    args = parser.parse_args(argv)
    load = benchlib.OtherLoad()
    figures = benchlib.begin(cases={}, sizes={})
    with tempfile.TemporaryDirectory(dir=OUT if OUT.exists() else None) as folder:
        tmp = Path(folder)
        script = tmp / "bare_import.py"
        script.write_text(BARE_PROCESS)
        if args.rows:
            print(f"{args.rows:,} rows into a new database", flush=True)
            with load.measure():
                times = new_database(args.rows, args.runs, tmp, script)
            figures["cases"][f"{args.rows:,} rows into a new database"] = times
            figures["new_database"] = {"rows": args.rows, "times": times}
        for size in benchlib.sizes(args.sizes):
            print(f"{SMALL:,} rows into {size}", flush=True)
            with load.measure():
                times = into_size(size, args.small_runs, tmp, script)
            figures["cases"][f"{SMALL:,} rows into {size} contacts"] = times
            figures["sizes"][size] = times
    benchlib.finish(args.json, figures, load)
    print(report(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
