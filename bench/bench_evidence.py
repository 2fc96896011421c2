"""The evidence page's kpi calls ("Does commitment pay?") on the demo databases: seconds per call.

    .venv/bin/python bench/bench_evidence.py [--sizes 100k,1m] [--runs 5]

The page makes three calls into kpi on a first visit: evidence_tables (the headline, per team
and per rep, one query), revenue_curves (the chart) and teams (the picker); a change of horizon
or team repeats the first two. Each is timed cold (a fresh connection, as after a data change
empties the page's cache) and repeated `--runs` times.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time

from benchlib import OUT, ROOT, OtherLoad, describe_load, ensure_db, fmt, machine, save_json, sizes

sys.path.insert(0, str(ROOT))

from kpi import db, evidence, metrics  # noqa: E402
from kpi.metrics import Filters, Window  # noqa: E402


def calls(today: dt.date) -> dict[str, object]:
    year = Window(dt.date(today.year, 1, 1), today)
    return {
        "evidence_tables (all time, 180 days)": lambda con: evidence.evidence_tables(
            con, horizon=180, as_of=today
        ),
        "revenue_curves (all time, 180 days)": lambda con: evidence.revenue_curves(
            con, horizon=180, as_of=today
        ),
        "evidence_tables (this year, team, 90 days)": lambda con: evidence.evidence_tables(
            con, year, Filters(team="Team Noord"), horizon=90, as_of=today
        ),
        "revenue_curves (this year, team, 90 days)": lambda con: evidence.revenue_curves(
            con, year, Filters(team="Team Noord"), horizon=90, as_of=today
        ),
        "teams": metrics.teams,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k,1m")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    today = dt.date.today()
    load = OtherLoad()
    figures: dict[str, object] = {"machine": machine(), "sizes": {}}
    for size in sizes(args.sizes):
        path = ensure_db(size)
        con = db.connect(path)
        con.execute("set enable_progress_bar = false")
        timings: dict[str, list[float]] = {}
        with load.measure():
            for _ in range(args.runs):
                for name, call in calls(today).items():
                    started = time.perf_counter()
                    call(con)
                    timings.setdefault(name, []).append(time.perf_counter() - started)
        page = [
            sum(timings[name][i] for name in list(timings)[:2] + ["teams"])
            for i in range(args.runs)
        ]
        con.close()
        figures["sizes"][size] = {"calls": timings, "first_visit": page}
        print(f"\n{size}:")
        for name, values in timings.items():
            print(f"  {name:45s} {fmt(values, 1000, 0)} ms")
        print(f"  {'the page (first three calls)':45s} {fmt(page, 1000, 0)} ms")
    figures["other_load"] = load.summary()
    print("\n" + describe_load(figures["other_load"]))
    save_json(OUT / "evidence.json", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
