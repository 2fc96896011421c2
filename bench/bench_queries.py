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

With `--store lake` or `both` (issue 15) the same file is also copied into a DuckLake store
(catalog in a throw-away PostgreSQL that syncs its commits, data files in bench/out/lake-*) by
`python -m kpi restore FILE --db ducklake:...` (timed: what a team moving to the lake runs),
and then, in alternation, every call above plus `db.data_version` (read before each cached call
of a page) on the file and on the lake, warm, in process; and as whole processes `kpi summary`
on each, next to bare processes that only open the store (import duckdb; for the lake also load
the two extensions and attach it) and ones that also run the summary's statements.

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

# The bare process for either store: open it (a lake: load the two extensions from their files,
# attach, use), and run the statements pickled in argv[2] unless that is "-".
BARE_STORE = """\
import pickle, sys
import duckdb
store, statements, data_path, extensions = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
if store.startswith("ducklake:"):
    off = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    con = duckdb.connect(":memory:", config=off)
    for path in extensions:
        con.execute(f"load '{path}'")
    con.execute(f"attach '{store}' as lake (data_path '{data_path}')")
    con.execute("use lake")
else:
    con = duckdb.connect(store)
if statements != "-":
    for sql, params in pickle.loads(open(statements, "rb").read()):
        rows = con.execute(sql, params).fetchall()
    print(rows)
con.close()
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


def store_calls(con, today: dt.date) -> list[tuple[str, Callable]]:
    """The dashboard's calls, and db.data_version: what each cached call of a page reads first."""
    from kpi import db

    return [("data_version", db.data_version), *dashboard_calls(con, today)]


def stores_in_process(path: Path, lake: benchlib.Lake, runs: int) -> dict[str, dict]:
    """Per call: seconds on the file and on the lake, warm, in alternation; and once, per call,
    the seconds of each statement it sends on the lake (where the lake's time goes)."""
    from kpi import db

    today = dt.date.today()
    cons = {
        "file": db.connect(path, read_only=True),
        "lake": db.connect(lake.spec, read_only=True, data_path=lake.data_path),
    }
    out: dict[str, dict] = {}
    try:
        for name, fn in store_calls(cons["file"], today):
            recorder = Recorder(cons["lake"])
            fn(recorder)  # records the statements, and warms the lake's caches
            fn(cons["file"])
            times: dict[str, list[float]] = {"file": [], "lake": []}
            for _ in range(runs):
                for store, con in cons.items():
                    started = time.perf_counter()
                    fn(con)
                    times[store].append(time.perf_counter() - started)
            statements = []
            for sql, params in recorder.statements:
                per_store = {}
                for store, con in cons.items():
                    started = time.perf_counter()
                    bare(con, [(sql, params)])
                    per_store[store] = time.perf_counter() - started
                statements.append({"sql": " ".join(sql.split())[:160], **per_store})
            out[name] = {**times, "statements": statements}
    finally:
        for con in cons.values():
            con.close()
    names = [name for name in out if name not in ("summary (all time)", "data_version")]
    out["dashboard total"] = {
        store: [sum(out[name][store][i] for name in names) for i in range(runs)] for store in cons
    }
    return out


def stores_whole_process(path: Path, lake: benchlib.Lake, runs: int) -> dict[str, list[float]]:
    """`kpi summary --json` on the file and on the lake, and bare processes that open each (and
    that also run the summary's statements), all in alternation."""
    from kpi import db, extensions, metrics

    con = db.connect(path, read_only=True)
    recorder = Recorder(con)
    metrics.summary(recorder)
    con.close()
    statements = OUT / f"summary-statements-{path.stem}.pickle"
    statements.write_bytes(pickle.dumps(recorder.statements))
    script = OUT / "bare_store.py"
    script.write_text(BARE_STORE)
    files = [str(extensions.path(name)) for name in ("postgres_scanner", "ducklake")]
    kpi = [sys.executable, "-m", "kpi", "summary", "--json", "--db"]
    stores = {"file": [str(path), "-"], "lake": [lake.spec, str(lake.data_path), *files]}
    commands = {}
    for store, (spec, *rest) in stores.items():
        commands[f"kpi summary, {store}"] = [*kpi, spec]
        commands[f"bare open, {store}"] = [sys.executable, str(script), spec, "-", *rest]
        commands[f"bare summary SQL, {store}"] = [
            sys.executable, str(script), spec, str(statements), *rest
        ]  # fmt: skip
    env = os.environ | {"COMMITBOARD_DATA_PATH": str(lake.data_path)}
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            started = time.perf_counter()
            subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
            times[name].append(time.perf_counter() - started)
    return times


def stores_report(size: str, per_size: dict) -> list[str]:
    lines = [
        f"### {size}: the file and the lake",
        "",
        f"`kpi restore` of the file into a new lake, whole process: {per_size['restore_s']:.2f} s",
        "",
        "| kpi call, warm | file, ms | lake, ms | lake / file |",
        "|---|---:|---:|---:|",
    ]
    calls = per_size["stores_in_process"]
    after = per_size.get("after_maintain", {})
    if after:
        lines[-2] += " after `kpi maintain`: lake, ms | lake / file |"
        lines[-1] += "---:|---:|"
    for name, times in calls.items():
        line = (
            f"| {name} | {fmt(times['file'], 1000, 1)} | {fmt(times['lake'], 1000, 1)} | "
            f"{fmt(ratios(times['lake'], times['file']))} |"
        )
        if name in after:
            line += (
                f" {fmt(after[name]['lake'], 1000, 1)} |"
                f" {fmt(ratios(after[name]['lake'], after[name]['file']))} |"
            )
        lines.append(line)
    if "maintain" in per_size:
        lines += [
            "",
            f"`kpi maintain` between the two: {per_size['maintain']['seconds']:.2f} s"
            f" ({per_size['maintain']['said']})",
        ]
    for key, when in (
        ("stores_whole_process", ""),
        ("whole_process_after_maintain", ", the lake after `kpi maintain`"),
    ):
        if key not in per_size:
            continue
        lines += ["", f"| whole process{when} | s | ratio to the file's |", "|---|---:|---:|"]
        proc = per_size[key]
        for name, times in proc.items():
            other = proc[name.replace("lake", "file")]
            lines.append(f"| {name} | {fmt(times)} | {fmt(ratios(times, other))} |")
    lines += ["", "Statements on the lake that cost most (ms, one run each, warm):", ""]
    costly = sorted(
        (
            (s["lake"], s["file"], name, s["sql"])
            for name, times in calls.items()
            for s in times.get("statements", [])
        ),
        reverse=True,
    )[:12]
    lines += [
        f"- {lk * 1000:.1f} (file {fl * 1000:.1f}) {name}: `{sql}`" for lk, fl, name, sql in costly
    ]
    return [*lines, ""]


def report(figures: dict) -> str:
    lines = []
    for size, per_size in figures["sizes"].items():
        if "stores_in_process" in per_size:
            lines += stores_report(size, per_size)
        if "in_process" not in per_size:
            continue
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
    parser.add_argument(
        "--store", default="file", help="file, lake or both (default file: the file against bare)"
    )
    parser.add_argument("--json", type=Path, help="default bench/out/queries[-stores].json")
    args = parser.parse_args(argv)
    chosen = benchlib.stores(args.store)
    args.json = args.json or OUT / ("queries.json" if chosen == ["file"] else "queries-stores.json")

    load = benchlib.OtherLoad()
    figures = benchlib.begin(runs=args.runs, sizes={})
    for size in benchlib.sizes(args.sizes):
        path = benchlib.ensure_db(size)
        per_size = figures["sizes"][size] = {}
        if "lake" in chosen:
            with benchlib.postgres() as cluster:
                lake, per_size["restore_s"] = benchlib.lake_from_file(cluster, path)
                try:
                    with load.measure():
                        per_size["stores_in_process"] = stores_in_process(path, lake, args.runs)
                        per_size["stores_whole_process"] = stores_whole_process(
                            path, lake, args.process_runs
                        )
                        # As a lake is after its nightly care: the rows kept inline written out.
                        per_size["maintain"] = benchlib.maintain_process(lake)
                        per_size["after_maintain"] = stores_in_process(path, lake, args.runs)
                        per_size["whole_process_after_maintain"] = stores_whole_process(
                            path, lake, args.process_runs
                        )
                finally:
                    benchlib.drop_lake(lake)
        if chosen == ["file"]:
            with load.measure():
                per_size.update(
                    {
                        "in_process": in_process(path, args.runs, scan=False),
                        "in_process_scan": in_process(path, args.runs, scan=True),
                        "whole_process": whole_process(path, args.process_runs),
                    }
                )
        print(f"{size}: done", flush=True)
    benchlib.finish(args.json, figures, load)
    print(report(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
