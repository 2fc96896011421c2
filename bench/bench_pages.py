"""Every kpi call of the log form, the reflection page and the training page, at each size.

For each database size (bench/out/<size>.duckdb, demo contacts, rollups installed) each call is
made as the page makes it (for one rep, this quarter up to the newest contact, the whole team),
warm, --runs times; the median and min–max are printed. The pages cache each result per data
version, so this is what a page pays on its first view after a write (on the log form: after
every save). `python bench/bench_pages.py --help`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path

import benchlib
from benchlib import OUT, ROOT, fmt

sys.path.insert(0, str(ROOT))


def calls(con) -> list[tuple[str, Callable[[], object]]]:
    from kpi import contacts, metrics, reflection, training

    today = con.execute("select max(contact_date) from contacts").fetchone()[0]
    rep = con.execute("select min(rep_key) from contacts").fetchone()[0]
    quarter = metrics.window_for("quarter", today)
    window = metrics.Window(quarter.start, today)
    team = metrics.ALL
    return [
        ("log form: contacts.accounts (the rep's first)", lambda: contacts.accounts(con, rep)),
        ("log form: contacts.open_commitments", lambda: contacts.open_commitments(con, rep)),
        ("log form: contacts.recent_contacts", lambda: contacts.recent_contacts(con, rep, 20)),
        ("reflection: compare_periods", lambda: reflection.compare_periods(con, rep, "quarter", today)),
        ("reflection: weekly_trend", lambda: reflection.weekly_trend(con, rep, today)),
        ("reflection: quarters", lambda: reflection.quarters(con, rep, today)),
        ("reflection: answers", lambda: reflection.answers(con, rep, window)),
        ("reflection: changes", lambda: reflection.changes(con, rep, window)),
        ("reflection: lessons", lambda: reflection.lessons(con, rep, window)),
        ("training: shared_stories", lambda: training.shared_stories(con, window, team)),
        ("training: lessons", lambda: training.lessons(con, window, team)),
        ("training: ladder_examples", lambda: training.ladder_examples(con, window, team)),
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100k,1m", help="database sizes (default 100k,1m)")
    parser.add_argument("--runs", type=int, default=5, help="runs per call (default 5)")
    parser.add_argument("--json", type=Path, default=OUT / "pages.json")
    args = parser.parse_args(argv)
    import duckdb

    figures: dict = {
        "machine": benchlib.machine(),
        "started": dt.datetime.now().isoformat(),
        "sizes": {},
    }
    for size in benchlib.sizes(args.sizes):
        path = benchlib.ensure_db(size)
        con = duckdb.connect(str(path), read_only=True)
        print(f"### {size}\n\n| call | ms |\n|---|---:|")
        per_size = figures["sizes"][size] = {}
        for name, call in calls(con):
            call()  # warm: DuckDB's buffers, as a page that was visited before
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                call()
                times.append(time.perf_counter() - started)
            per_size[name] = benchlib.spread(times)
            print(f"| {name} | {fmt(times, unit=1000, digits=0)} |", flush=True)
        con.close()
        print()
    benchlib.save_json(args.json, figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
