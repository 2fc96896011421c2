"""Import of an N-row canonical CSV against bare DuckDB read_csv into a table on the same file."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kpi import db, ingest  # noqa: E402
from kpi.fields import FIELD_NAMES  # noqa: E402

# A canonical contact log with every column filled the way a real export would be.
MAKE_CSV = """
copy (
    select
        'ext-' || i as contact_id,
        (date '2025-01-01' + (i % 540)::int) as contact_date,
        'rep' || (i % 40) || '@prospex.example' as rep,
        'Account ' || (hash(i, 1) % 5000) as account,
        'Persoon ' || (i % 97) as contact_person,
        ['staff', 'manager', 'decision_maker', 'board'][1 + i % 4] as contact_role,
        ['phone', 'visit', 'video', 'email', 'event', 'social'][1 + i % 6] as channel,
        case when i % 5 = 0 then 'true' else 'false' end as appointment_planned,
        case when i % 7 = 0 then 'true' else 'false' end as quote_sent,
        case when i % 7 = 0 then ((i % 9000) + 100)::varchar || '.50' end as quote_amount,
        case when i % 11 = 0 then ((i % 20000) + 10)::varchar end as revenue,
        (i % 5)::varchar as commitment_level,
        case when i % 5 > 0 then 'Klant zoekt intern uit wat de volumes zijn' end as commitment,
        case when i % 5 > 0 then (date '2025-01-01' + (i % 540)::int + 14) end as commitment_due,
        case when i % 5 > 0 then ['open', 'kept', 'broken'][1 + i % 3] end as commitment_status,
        ['yes', 'partly', 'no'][1 + i % 3] as would_repeat,
        case when i % 3 > 0 then 'Volgende keer eerst de beslisser erbij halen' end as reflection,
        case when i % 13 = 0 then 'Te snel een offerte gestuurd' end as lesson,
        case when i % 50 = 0 then 'true' else 'false' end as share_for_training,
        'Notitie ' || i as notes
    from range($first, $first + $rows) as t(i)
) to '{path}' (header, delimiter ',')
"""


def make_csv(path: Path, rows: int, first: int = 0) -> None:
    """A canonical contact log of `rows` rows, ids ext-<first> and up."""
    # The path is ours (a temp dir); COPY takes no parameter for its target.
    duckdb.connect().execute(MAKE_CSV.format(path=path), {"rows": rows, "first": first})


def fresh(path: Path) -> None:
    """Remove a database file and its write-ahead log, so every run starts from nothing."""
    path.unlink(missing_ok=True)
    Path(f"{path}.wal").unlink(missing_ok=True)


def cpu_seconds() -> float:
    """CPU time of this process so far, all threads (DuckDB's and ours)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(work: Callable[[], None]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of work()."""
    start, cpu = time.perf_counter(), cpu_seconds()
    work()
    return time.perf_counter() - start, cpu_seconds() - cpu


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "contacts.csv"
        make_csv(csv_path, args.rows)
        size_mb = csv_path.stat().st_size / 1e6
        bare_db = Path(tmp) / "bare.duckdb"
        ours_db = Path(tmp) / "ours.duckdb"

        # Both sides: a new database file, opened before the clock starts (ours with its empty
        # schema, bare with nothing); timed is the load and closing the file, so the data is on
        # disk at the end of both. Same process, same default settings (threads = cores).
        def bare() -> tuple[float, float]:
            fresh(bare_db)
            con = duckdb.connect(str(bare_db))

            def work() -> None:
                con.execute("create table t as select * from read_csv(?)", [str(csv_path)])
                con.close()

            return timed(work)

        def ours() -> tuple[float, float]:
            fresh(ours_db)
            con = db.connect(ours_db)

            def work() -> None:
                result = ingest.import_file(con, csv_path, today=dt.date(2026, 12, 31))
                assert result.accepted == args.rows, result
                con.close()

            return timed(work)

        print(f"rows: {args.rows:,} ({size_mb:.0f} MB, {len(FIELD_NAMES)} columns)")
        print(f"load average before: {load()}")
        bare_s: list[float] = []
        ours_s: list[float] = []
        # Alternate, so both sides share whatever else the machine is doing at the time.
        for run in range(args.runs):
            (bare_wall, bare_cpu), (ours_wall, ours_cpu) = bare(), ours()
            bare_s.append(bare_wall)
            ours_s.append(ours_wall)
            print(
                f"run {run + 1}: bare {bare_wall:.2f} s (cpu {bare_cpu:.2f} s),"
                f" ours {ours_wall:.2f} s (cpu {ours_cpu:.2f} s), {ours_wall / bare_wall:.2f}x"
            )
        print(f"load average after: {load()}")
    ratios = [o / b for o, b in zip(ours_s, bare_s, strict=True)]
    for label, times in (("bare read_csv into a table", bare_s), ("kpi import", ours_s)):
        print(f"{label}: best {min(times):.2f} s, median {statistics.median(times):.2f} s")
    print(f"ratio of the bests: {min(ours_s) / min(bare_s):.2f}x")
    print(f"median of the per-run ratios: {statistics.median(ratios):.2f}x")


if __name__ == "__main__":
    main()
