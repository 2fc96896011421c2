"""Import of an N-row canonical CSV against bare DuckDB read_csv into a table on the same file."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
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
    from range($rows) as t(i)
) to '{path}' (header, delimiter ',')
"""


def best_of(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "contacts.csv"
        # The path is ours (a temp dir); COPY takes no parameter for its target.
        duckdb.connect().execute(MAKE_CSV.format(path=csv_path), {"rows": args.rows})
        size_mb = csv_path.stat().st_size / 1e6

        def bare() -> None:
            con = duckdb.connect(str(Path(tmp) / "bare.duckdb"))
            con.execute("create or replace table t as select * from read_csv(?)", [str(csv_path)])
            con.close()

        def ours() -> None:
            target = Path(tmp) / "ours.duckdb"
            target.unlink(missing_ok=True)
            con = db.connect(target)
            result = ingest.import_file(con, csv_path, today=dt.date(2026, 12, 31))
            assert result.accepted == args.rows, result
            con.close()

        bare_s = best_of(args.runs, bare)
        ours_s = best_of(args.runs, ours)
    print(f"rows: {args.rows:,} ({size_mb:.0f} MB, {len(FIELD_NAMES)} columns)")
    print(f"bare read_csv into a table: {bare_s:.2f} s")
    print(f"kpi import (validate + write): {ours_s:.2f} s")
    print(f"ratio: {ours_s / bare_s:.2f}x")


if __name__ == "__main__":
    main()
