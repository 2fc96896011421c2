"""Saving a contact through the form's code path (kpi.contacts.save_contact) on a big database.

For each size, two scratch copies of bench/out/<size>.duckdb (bench/out/save-*.duckdb, deleted
after): one with the rollups (as shipped: every save keeps them exact) and one without them (the
save as it was before the rollups). Contacts like the form sends them (random reps, accounts of
the database, levels, quotes, dates in the last 90 days) are saved in alternating blocks on both,
each call timed from the form's call to its return (validation, the write, the rollups, the
commit). p50 and p95 per copy.

With `--store lake` or `both` (issue 15) the copies are instead the file (with rollups) and a
DuckLake store holding the same data (copied in by `python -m kpi restore FILE --db
ducklake:...`; catalog in a throw-away PostgreSQL that syncs its commits, data files in
bench/out/lake-*), saved to in alternating blocks: --saves each with the lake's saves kept
inline in PostgreSQL (as they are until `kpi maintain`), then `python -m kpi maintain` on the
lake (timed, process start to exit), then --saves more each. The same is done on a new, empty
lake against a new, empty file (a team's first days). `python bench/bench_save.py --help`.
"""

from __future__ import annotations

import argparse
import datetime as dt
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


PROFILED = 20  # saves per store timed statement by statement, after the rest


def sample(con) -> tuple[list[str], list[str]]:
    """Reps and accounts the form offers (for an empty store: a made-up team and accounts)."""
    reps = [r[0] for r in con.execute("select distinct rep from contacts").fetchall()]
    accounts = [
        r[0]
        for r in con.execute(
            "select any_value(account) from contacts group by account_key limit 2000"
        ).fetchall()
    ]
    return (
        reps or [f"rep{i}@bench.example" for i in range(12)],
        accounts or [f"Account {i}" for i in range(300)],
    )


def saves_in_turn(
    cons: dict, saves: int, block: int, rng: random.Random, reps: list, accounts: list
) -> dict[str, list[float]]:
    """`saves` form saves on each connection, in alternating blocks of `block`; the seconds of
    each (the form's call to its return)."""
    from kpi import contacts

    today = dt.date.today()
    times: dict[str, list[float]] = {name: [] for name in cons}
    while min(len(t) for t in times.values()) < saves:
        for name, con in cons.items():
            for _ in range(block):
                values = form_values(rng, reps, accounts, today)
                started = time.perf_counter()
                result = contacts.save_contact(con, values)
                times[name].append(time.perf_counter() - started)
                assert result.ok, result.errors
    return times


def figures_of(times: dict[str, list[float]]) -> dict[str, object]:
    return {
        "times": times,
        "p50_ms": {n: statistics.median(t) * 1000 for n, t in times.items()},
        "p95_ms": {n: percentile(t, 0.95) * 1000 for n, t in times.items()},
        "max_ms": {n: max(t) * 1000 for n, t in times.items()},
    }


def lake_against_file(
    source: Path | None, saves: int, block: int, cluster, name: str
) -> dict[str, object]:
    """Saves on a copy of the file `source` and on a lake made from it (None: a new, empty file
    and a new, empty lake), in alternation; then `kpi maintain` on the lake and more saves."""
    from kpi import db, rollups

    scratch = OUT / f"save-{name}-file.duckdb"
    for stale in (scratch, scratch.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    if source is not None:
        shutil.copyfile(source, scratch)
        lake, restore_s = benchlib.lake_from_file(cluster, source, name=f"save_{name}")
    else:
        database = cluster.new_database(f"save_{name}")
        data_path = OUT / f"lake-{database}"
        shutil.rmtree(data_path, ignore_errors=True)
        lake = benchlib.Lake(f"ducklake:postgres:{cluster.dsn(database)}", data_path)
        restore_s = None
    cons = {
        "file": db.connect(scratch),
        "lake": db.connect(lake.spec, data_path=lake.data_path),
    }
    try:
        reps, accounts = sample(cons["file"])
        rng = random.Random(42)
        saves_in_turn(cons, 5, 5, rng, reps, accounts)  # warm up: statements compiled
        before = figures_of(saves_in_turn(cons, saves, block, rng, reps, accounts))
        cons["lake"].close()  # as cron does it: another process, while none writes
        maintained = benchlib.maintain_process(lake)
        cons["lake"] = db.connect(lake.spec, data_path=lake.data_path)
        after = figures_of(saves_in_turn(cons, saves, block, rng, reps, accounts))
        exact = {store: rollups.current(con) for store, con in cons.items()}
        profile = {}
        for store, con in cons.items():  # where a save's time goes, per statement
            spent: dict[str, list[float]] = {}
            timed = benchlib.timing(con, spent)
            saves_in_turn({store: timed}, PROFILED, PROFILED, rng, reps, accounts)
            profile[store] = benchlib.costliest(spent, PROFILED)
    finally:
        for con in cons.values():
            con.close()
        scratch.unlink(missing_ok=True)
        scratch.with_suffix(".duckdb.wal").unlink(missing_ok=True)
        benchlib.drop_lake(lake)
    return {
        "restore_s": restore_s,
        "inline": before,
        "maintain": maintained,
        "after_maintain": after,
        "rollups_current_after": exact,
        "profile": profile,
    }


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
    parser.add_argument(
        "--store", default="file", help="file, lake or both (default file: with/without rollups)"
    )
    parser.add_argument("--json", type=Path, help="default bench/out/save[-stores].json")
    args = parser.parse_args(argv)
    chosen = benchlib.stores(args.store)
    if chosen != ["file"]:
        return main_stores(args)
    args.json = args.json or OUT / "save.json"

    load = benchlib.OtherLoad()
    figures = benchlib.begin(sizes={})
    for size in benchlib.sizes(args.sizes):
        with load.measure():
            figures["sizes"][size] = measure(size, args.saves, args.block)
    benchlib.finish(args.json, figures, load)
    print("| size | copy | p50 ms | p95 ms | max ms |\n|---|---|---:|---:|---:|")
    for size, result in figures["sizes"].items():
        for name in result["times"]:
            print(
                f"| {size} | {name} | {result['p50_ms'][name]:.1f} | {result['p95_ms'][name]:.1f}"
                f" | {result['max_ms'][name]:.1f} |"
            )
    print(benchlib.describe_load(figures["other_load"]))
    return 0


def main_stores(args: argparse.Namespace) -> int:
    """The lake against the file: at each size, and new and empty."""
    load = benchlib.OtherLoad()
    figures = benchlib.begin(cases={})
    cases = {"new, empty": None} | {
        size: benchlib.ensure_db(size) for size in benchlib.sizes(args.sizes)
    }
    with benchlib.postgres() as cluster:
        for name, source in cases.items():
            print(f"{name}: {args.saves} saves each, maintain, {args.saves} more", flush=True)
            with load.measure():
                tag = "empty" if source is None else name
                figures["cases"][name] = lake_against_file(
                    source, args.saves, args.block, cluster, tag
                )
    benchlib.finish(args.json or OUT / "save-stores.json", figures, load)
    print(report_stores(figures))
    return 0


def report_stores(figures: dict) -> str:
    lines = [
        "| contacts | when | store | p50 ms | p95 ms | max ms |",
        "|---|---|---|---:|---:|---:|",
    ]
    for name, case in figures["cases"].items():
        for when in ("inline", "after_maintain"):
            result = case[when]
            label = "saves kept inline" if when == "inline" else "after kpi maintain"
            for store in result["times"]:
                lines.append(
                    f"| {name} | {label} | {store} | {result['p50_ms'][store]:.1f} | "
                    f"{result['p95_ms'][store]:.1f} | {result['max_ms'][store]:.1f} |"
                )
    lines.append("")
    for name, case in figures["cases"].items():
        restored = (
            f"; kpi restore into the lake {case['restore_s']:.1f} s" if case["restore_s"] else ""
        )
        lines.append(
            f"- {name}: `kpi maintain` {case['maintain']['seconds']:.2f} s, process start to "
            f"exit ({case['maintain']['said']}){restored}; rollups exact after: "
            f"{case['rollups_current_after']}"
        )
    for name, case in figures["cases"].items():
        for store, rows in case["profile"].items():
            lines += ["", f"{name}, {store}: ms per save by statement ({PROFILED} saves)", ""]
            lines += [
                f"- {r['ms_per_call']:.1f} ms ({r['runs_per_call']:.1f}x) `{r['sql']}`"
                for r in rows
            ]
    lines += ["", benchlib.describe_load(figures["other_load"])]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
