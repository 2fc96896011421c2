"""Saving a contact through the form's code path (kpi.contacts.save_contact) on a big database.

For each size, two scratch copies of bench/out/<size>.duckdb (bench/out/save-*.duckdb, deleted
after): one with the rollups (as shipped: every save keeps them exact) and one without them (the
save as it was before the rollups). Contacts like the form sends them (random reps, accounts of
the database, levels, quotes, dates in the last 90 days) are saved in alternating blocks on both,
each call timed from the form's call to its return (validation, the write, the rollups, the
commit). p50 and p95 per copy. `python bench/bench_save.py --help`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

import benchlib
from benchlib import OUT, ROOT

sys.path.insert(0, str(ROOT))


def form_values(rng: random.Random, reps: list[str], accounts: list[str], today: dt.date) -> dict:
    """One contact as views/log_contact.py hands it to save_contact."""
    level = rng.choices(range(5), weights=[50, 25, 13, 8, 4])[0]
    quote = rng.random() < 0.25
    return {
        "contact_date": today - dt.timedelta(days=rng.randrange(90)),
        "rep": rng.choice(reps),
        "account": rng.choice(accounts),
        "contact_person": "Bench Persoon",
        "contact_role": rng.choice([None, "manager", "decision_maker"]),
        "channel": rng.choice(["phone", "visit", "video", "email"]),
        "appointment_planned": rng.random() < 0.3,
        "quote_sent": quote,
        "quote_amount": round(rng.uniform(500, 9000), 2) if quote else None,
        "revenue": None,
        "commitment_level": level,
        "commitment": "Stuurt de cijfers voor het overleg" if level else None,
        "commitment_due": today + dt.timedelta(days=14) if level else None,
        "commitment_status": None,
        "would_repeat": rng.choice([None, "yes", "partly"]),
        "reflection": None,
        "lesson": None,
        "share_for_training": False,
        "notes": None,
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(size: str, saves: int, block: int) -> dict[str, object]:
    from kpi import contacts, db, rollups

    source = benchlib.ensure_db(size)
    copies = {"with rollups": OUT / f"save-{size}-rollups.duckdb"}
    copies["without rollups"] = OUT / f"save-{size}-plain.duckdb"
    cons = {}
    try:
        for name, path in copies.items():
            shutil.copyfile(source, path)
            cons[name] = db.connect(path)
        for table in ("kpi_day", "quick_basis", "rollup_state"):
            cons["without rollups"].execute(f"drop table {table}")  # our own names
        probe = cons["with rollups"]
        reps = [r[0] for r in probe.execute("select distinct rep from contacts").fetchall()]
        accounts = [
            r[0]
            for r in probe.execute(
                "select any_value(account) from contacts group by account_key limit 2000"
            ).fetchall()
        ]
        today = dt.date.today()
        rng = random.Random(42)
        times: dict[str, list[float]] = {name: [] for name in cons}
        for con in cons.values():  # warm up: the first saves compile the statements
            for _ in range(5):
                assert contacts.save_contact(con, form_values(rng, reps, accounts, today)).ok
        while min(len(t) for t in times.values()) < saves:
            for name, con in cons.items():
                for _ in range(block):
                    values = form_values(rng, reps, accounts, today)
                    started = time.perf_counter()
                    result = contacts.save_contact(con, values)
                    times[name].append(time.perf_counter() - started)
                    assert result.ok, result.errors
        exact = rollups.current(cons["with rollups"])
    finally:
        for con in cons.values():
            con.close()
        for path in copies.values():
            path.unlink(missing_ok=True)
            path.with_suffix(".duckdb.wal").unlink(missing_ok=True)
    return {
        "times": times,
        "rollups_current_after": exact,
        "p50_ms": {n: statistics.median(t) * 1000 for n, t in times.items()},
        "p95_ms": {n: percentile(t, 0.95) * 1000 for n, t in times.items()},
        "max_ms": {n: max(t) * 1000 for n, t in times.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100k,1m", help="database sizes (default 100k,1m)")
    parser.add_argument("--saves", type=int, default=200, help="saves per copy (default 200)")
    parser.add_argument("--block", type=int, default=20, help="saves per alternating block")
    parser.add_argument("--json", type=Path, default=OUT / "save.json")
    args = parser.parse_args(argv)

    load = benchlib.OtherLoad()
    figures: dict = {
        "machine": benchlib.machine(),
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "loadavg_at_start": os.getloadavg(),
        "sizes": {},
    }
    for size in benchlib.sizes(args.sizes):
        with load.measure():
            figures["sizes"][size] = measure(size, args.saves, args.block)
    figures["other_load"] = load.summary()
    benchlib.save_json(args.json, figures)
    print("| size | copy | p50 ms | p95 ms | max ms |\n|---|---|---:|---:|---:|")
    for size, result in figures["sizes"].items():
        for name in result["times"]:
            print(
                f"| {size} | {name} | {result['p50_ms'][name]:.1f} | {result['p95_ms'][name]:.1f}"
                f" | {result['max_ms'][name]:.1f} |"
            )
    print(benchlib.describe_load(figures["other_load"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
