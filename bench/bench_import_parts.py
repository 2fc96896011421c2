"""Where a `kpi import` of a large file into a new database spends what a bare DuckDB process
does not (issue 14's ceiling of 2x): the import's floor and the rollups' share, in turn.

1. Whole processes, start to exit, one of each per run: `python -m kpi import` into a new
   database as shipped; the same into a new database whose rollup tables were dropped first,
   so the import keeps none (validation, insert, commit and close: the floor); and the bare
   process of bench_commands (read_csv into a table). Both kpi databases are made before the
   clock.
2. In process, one import into a new database, statement by statement: the validation, the
   insert into the contacts, the recount of the rollups, the rest; and closing the file.
3. The rollups' rows written alone: on that imported database, every rollup's rows copied to
   temp tables first (outside the clock), then deleted and inserted from the copies and
   committed, which is what writing them costs with no counting at all; in turn with the
   recount as shipped, committed. Each on a fresh copy of the imported database.

Figures to bench/out/import_parts.json.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import benchlib
from bench_commands import BARE_PROCESS, TODAY, pairs, run
from bench_import import fresh, make_csv
from benchlib import OUT, ROOT, fmt, ratios

sys.path.insert(0, str(ROOT))

from kpi import db, ingest, rollups  # noqa: E402

# What each statement of an import is part of, by how it starts (the first that matches).
PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("validation into a staging table", ("create or replace temp table validated",)),
    ("insert into the contacts", ("insert into contacts",)),
    (
        "recount of the rollups",
        tuple(
            f"{verb} {table}"
            for table in (*rollups.TABLES, "rollup_flagged")
            for verb in ("insert into", "delete from", "drop table")
        )
        + ("create or replace temp table rollup_flagged",),
    ),
    ("commit", ("commit",)),
)
COUNTED = [table for table in rollups.TABLES if table != "rollup_state"]


def new_kpi_database(path: Path, with_rollups: bool) -> None:
    """A new Commitboard database, with its rollup tables or without (then no write keeps any)."""
    fresh(path)
    con = db.connect(path)
    if not with_rollups:
        for table in rollups.TABLES:
            con.execute(f"drop table {table}")  # our own names
        con.execute("checkpoint")
    con.close()


def whole_processes(csv_path: Path, runs: int, tmp: Path, script: Path) -> dict[str, list[float]]:
    target = tmp / "new.duckdb"
    kpi = [sys.executable, "-m", "kpi", "import", "--db", str(target), str(csv_path)]

    def kpi_process(with_rollups: bool) -> Callable[[int], float]:
        def measured(_: int) -> float:
            new_kpi_database(target, with_rollups)
            return run(kpi)

        return measured

    def bare_process(_: int) -> float:
        fresh(target)
        return run([sys.executable, str(script), str(target), str(csv_path)])

    return pairs(
        runs,
        {
            "kpi import, as shipped": kpi_process(True),
            "kpi import, no rollups to keep": kpi_process(False),
            "bare DuckDB": bare_process,
        },
    )


def part_of(sql: str) -> str:
    return next((name for name, starts in PARTS if sql.startswith(starts)), "the rest")


def statements(csv_path: Path, target: Path, rows: int) -> dict[str, float]:
    """One import in process, its statements summed per part (seconds), and the close."""
    new_kpi_database(target, True)
    con = db.connect(target)
    spent: dict[str, list[float]] = {}
    started = time.perf_counter()
    result = ingest.import_file(benchlib.timing(con, spent), csv_path, today=TODAY)
    imported = time.perf_counter()
    con.close()
    closed = time.perf_counter()
    assert result.accepted == rows, result
    parts = {name: 0.0 for name, _ in PARTS} | {"the rest": 0.0}
    for sql, times in spent.items():
        parts[part_of(sql)] += sum(times)
    parts["the rest"] += (imported - started) - sum(sum(t) for t in spent.values())
    parts["closing the file"] = closed - imported
    return parts


def writes_alone(imported: Path, rounds: int, tmp: Path) -> dict[str, list[float]]:
    """The rollups' rows written from copies, in turn with the recount as shipped."""
    target = tmp / "copy.duckdb"

    def copied() -> object:
        fresh(target)
        shutil.copyfile(imported, target)
        return db.connect(target)

    def write_only(_: int) -> float:
        con = copied()
        for table in COUNTED:
            con.execute(f"create temp table copy_{table} as select * from {table}")
        started = time.perf_counter()
        con.execute("begin transaction")
        for table in COUNTED:
            con.execute(f"delete from {table}")
            con.execute(f"insert into {table} select * from copy_{table}")
        con.execute("commit")
        seconds = time.perf_counter() - started
        con.close()
        return seconds

    def recount(_: int) -> float:
        con = copied()
        started = time.perf_counter()
        con.execute("begin transaction")
        rollups.recount(con)
        con.execute("commit")
        seconds = time.perf_counter() - started
        con.close()
        return seconds

    return pairs(
        rounds,
        {"the rollups' rows written alone": write_only, "the recount as shipped": recount},
    )


def report(figures: dict) -> str:
    whole = figures["whole"]
    bare = whole["bare DuckDB"]
    lines = [
        f"{figures['rows']:,} rows into a new database; started {figures['started']}",
        "",
        "| whole process | s | / bare |",
        "|---|---:|---:|",
    ]
    lines += [f"| {name} | {fmt(t)} | {fmt(ratios(t, bare))} |" for name, t in whole.items()]
    lines += ["", "| in process, one import | s |", "|---|---:|"]
    lines += [f"| {name} | {s:.2f} |" for name, s in figures["statements"].items()]
    writes = figures["writes"]
    lines += ["", f"| the {sum(figures['rollup_rows'].values()):,} rollup rows | s |", "|---|---:|"]
    lines += [f"| {name} | {fmt(t)} |" for name, t in writes.items()]
    bare_median = benchlib.spread(bare)["median"]
    floor = benchlib.spread(whole["kpi import, no rollups to keep"])["median"]
    alone = benchlib.spread(writes["the rollups' rows written alone"])["median"]
    lines += [
        "",
        f"floor {floor / bare_median:.2f}x of bare; with the rollups' rows written and nothing"
        f" counted: {(floor + alone) / bare_median:.2f}x",
        "",
        benchlib.describe_load(figures["other_load"]),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the file")
    parser.add_argument("--runs", type=int, default=5, help="whole processes of each, in turn")
    parser.add_argument("--rounds", type=int, default=3, help="rollup writes of each, in turn")
    parser.add_argument("--json", type=Path, default=OUT / "import_parts.json")
    args = parser.parse_args(argv)
    load = benchlib.OtherLoad()
    figures = benchlib.begin(rows=args.rows)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=OUT) as folder:
        tmp = Path(folder)
        script = tmp / "bare_import.py"
        script.write_text(BARE_PROCESS)
        csv_path = tmp / "contacts.csv"
        make_csv(csv_path, args.rows)
        with load.measure():
            print("whole processes", flush=True)
            figures["whole"] = whole_processes(csv_path, args.runs, tmp, script)
            print("one import, statement by statement", flush=True)
            imported = tmp / "imported.duckdb"
            figures["statements"] = statements(csv_path, imported, args.rows)
            with db.connect(imported) as con:
                figures["rollup_rows"] = {
                    t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in COUNTED
                }
            print("the rollups' rows written alone, and the recount", flush=True)
            figures["writes"] = writes_alone(imported, args.rounds, tmp)
    benchlib.finish(args.json, figures, load)
    print(report(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
