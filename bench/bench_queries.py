"""`kpi summary` and every query of the dashboard against the same SQL run bare on DuckDB.

For each database size (bench/out/<size>.duckdb, demo contacts, rollups installed):

1. In process: each kpi call the dashboard makes (as views/dashboard.py makes them, for a
   director on the default window) and `summary` over all time (what `kpi summary` computes).
   The statements each call sends to DuckDB are recorded once, then the kpi call and the same
   statements run bare (`con.execute(sql, params).fetchall()` on a plain DuckDB connection to the
   same file) are timed in alternation, warm. Done twice: reading the rollups (as shipped) and
   with the rollups ignored, so that the contacts are scanned (as before the rollups).
2. As whole processes: `python -m kpi summary --json` against a fresh `python` that imports
   duckdb, opens the same file and runs the recorded statements; both start an interpreter.

Ratios are per alternating pair, median (min–max). `python bench/bench_queries.py --help`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import pickle
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import benchlib
from benchlib import OUT, ROOT, fmt, ratios

sys.path.insert(0, str(ROOT))

BARE_PROCESS = """\
import pickle, sys
import duckdb
statements = pickle.loads(open(sys.argv[2], "rb").read())
con = duckdb.connect(sys.argv[1])
for sql, params in statements:
    rows = con.execute(sql, params).fetchall()
print(rows)
"""


class Recorder:
    """A DuckDB connection that notes every statement run through it (or its cursors)."""

    def __init__(self, con, statements: list | None = None) -> None:
        self._con = con
        self.statements = [] if statements is None else statements

    def cursor(self) -> Recorder:
        return Recorder(self._con.cursor(), self.statements)

    def execute(self, sql: str, params=None):
        self.statements.append((sql, params))
        return self._con.execute(sql, params) if params is not None else self._con.execute(sql)

    def __getattr__(self, name: str):
        return getattr(self._con, name)


def bare(con, statements: list) -> None:
    for sql, params in statements:
        (con.execute(sql, params) if params is not None else con.execute(sql)).fetchall()


@contextmanager
def scanning(on: bool):
    """With on: the rollups are ignored, so every KPI is computed from the contacts."""
    from kpi import rollups

    current = rollups.current
    if on:
        rollups.current = lambda con: False
    try:
        yield
    finally:
        rollups.current = current


def dashboard_calls(con, today: dt.date) -> list[tuple[str, Callable]]:
    """(name, fn(con)) for summary over all time and every kpi call the dashboard makes for a
    director on its default window (this quarter up to today), in page order."""
    from kpi import metrics

    span = metrics.contact_span(con)
    quarter = metrics.window_for("quarter", today)
    window = (
        metrics.Window(quarter.start, min(quarter.end, today))
        if span["last"] and span["last"] >= quarter.start
        else metrics.Window()
    )

    def call(fn, *args, **kwargs):
        return lambda c: fn(c, *args, **kwargs)

    return [
        ("summary (all time)", call(metrics.summary)),
        ("contact_span", call(metrics.contact_span)),
        ("reps", call(metrics.reps)),
        ("teams", call(metrics.teams)),
        ("dashboard_kpis", call(metrics.dashboard_kpis, window, metrics.ALL)),
        ("ladder", call(metrics.ladder, window, metrics.ALL)),
        ("momentum", call(metrics.momentum, window, metrics.ALL, limit=200)),
        ("overdue", call(metrics.overdue, metrics.ALL, today=today, limit=200)),
        ("account_levels", call(metrics.account_levels, window, metrics.ALL)),
    ]


def in_process(path: Path, runs: int, scan: bool) -> dict[str, dict[str, list[float]]]:
    """Per call: `kpi` and `bare` seconds, measured in alternation on warm connections."""
    import duckdb

    from kpi import db

    today = dt.date.today()
    con = db.connect(path, read_only=True)
    plain = duckdb.connect(str(path), read_only=True)
    out: dict[str, dict[str, list[float]]] = {}
    try:
        with scanning(scan):
            for name, fn in dashboard_calls(con, today):
                recorder = Recorder(con)
                fn(recorder)  # records the statements, and warms both connections' caches
                bare(plain, recorder.statements)
                times: dict[str, list[float]] = {"kpi": [], "bare": []}
                for _ in range(runs):
                    started = time.perf_counter()
                    fn(con)
                    times["kpi"].append(time.perf_counter() - started)
                    started = time.perf_counter()
                    bare(plain, recorder.statements)
                    times["bare"].append(time.perf_counter() - started)
                out[name] = times
    finally:
        con.close()
        plain.close()
    total = {
        kind: [
            sum(out[name][kind][i] for name in out if name != "summary (all time)")
            for i in range(runs)
        ]
        for kind in ("kpi", "bare")
    }
    out["dashboard total"] = total
    return out


def whole_process(path: Path, runs: int) -> dict[str, list[float]]:
    """`python -m kpi summary --json` and a bare DuckDB process running the same statements."""
    from kpi import db, metrics

    con = db.connect(path, read_only=True)
    recorder = Recorder(con)
    metrics.summary(recorder)
    con.close()
    statements = OUT / f"summary-statements-{path.stem}.pickle"
    statements.write_bytes(pickle.dumps(recorder.statements))
    script = OUT / "bare_process.py"
    script.write_text(BARE_PROCESS)
    commands = {
        "kpi": [sys.executable, "-m", "kpi", "summary", "--json", "--db", str(path)],
        "bare": [sys.executable, str(script), str(path), str(statements)],
    }
    times: dict[str, list[float]] = {"kpi": [], "bare": []}
    for _ in range(runs):
        for kind, command in commands.items():
            started = time.perf_counter()
            subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
            times[kind].append(time.perf_counter() - started)
    return times


def report(figures: dict) -> str:
    lines = []
    for size, per_size in figures["sizes"].items():
        lines += [
            f"### {size}",
            "",
            "| kpi call | kpi, ms | bare SQL, ms | ratio | scanning: kpi, ms | bare, ms | ratio |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        rollup, scan = per_size["in_process"], per_size["in_process_scan"]
        for name in rollup:
            cells = []
            for times in (rollup[name], scan[name]):
                cells += [
                    fmt(times["kpi"], 1000, 1),
                    fmt(times["bare"], 1000, 1),
                    fmt(ratios(times["kpi"], times["bare"])),
                ]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        proc = per_size["whole_process"]
        lines += [
            "",
            f"`kpi summary --json` as a process: {fmt(proc['kpi'])} s; bare DuckDB process "
            f"{fmt(proc['bare'])} s; ratio {fmt(ratios(proc['kpi'], proc['bare']))}",
            "",
        ]
    lines.append(benchlib.describe_load(figures["other_load"]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100k,1m", help="database sizes (default 100k,1m)")
    parser.add_argument("--runs", type=int, default=7, help="alternating pairs per figure")
    parser.add_argument("--process-runs", type=int, default=5)
    parser.add_argument("--json", type=Path, default=OUT / "queries.json")
    args = parser.parse_args(argv)

    load = benchlib.OtherLoad()
    figures: dict = {
        "machine": benchlib.machine(),
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "loadavg_at_start": os.getloadavg(),
        "runs": args.runs,
        "sizes": {},
    }
    for size in benchlib.sizes(args.sizes):
        path = benchlib.ensure_db(size)
        with load.measure():
            figures["sizes"][size] = {
                "in_process": in_process(path, args.runs, scan=False),
                "in_process_scan": in_process(path, args.runs, scan=True),
                "whole_process": whole_process(path, args.process_runs),
            }
        print(f"{size}: done", flush=True)
    figures["other_load"] = load.summary()
    figures["loadavg_at_end"] = os.getloadavg()
    benchlib.save_json(args.json, figures)
    print(report(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
