"""Import of an N-row HubSpot-shaped call export against a canonical file of the same rows (issue
16: within 1.5x), alternating run by run, each into a new database with a roster of names."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kpi import db, ingest, roster  # noqa: E402

REPS = 40
# The same activities twice: as HubSpot writes them (BOM, every value quoted, `Activity date`
# with a time, the owner's display name, a tenth of the calls not answered) and as our own
# columns (the rows HubSpot's would give; the unanswered ones left out).
HUBSPOT = """
copy (
    select
        (100000 + i)::varchar as "Record ID",
        strftime(timestamp '2025-01-01 08:00' + to_days((i % 540)::int)
                 + to_minutes((i % 600)::int), '%Y-%m-%d %H:%M') as "Activity date",
        'Rep ' || (i % $reps) || ' Peters' as "Activity assigned to",
        'Account ' || (hash(i, 1) % 5000) as "Associated Company",
        'Persoon ' || (i % 97) as "Associated Contact",
        'Call ' || i as "Call Title",
        case when i % 10 = 0 then 'No answer' else 'Connected' end as "Call outcome",
        'Outbound' as "Call direction",
        'Notitie ' || i as "Call notes"
    from range($rows) as t(i)
) to '{path}' (header, delimiter ',', force_quote *)
"""
CANONICAL = """
copy (
    select
        'hubspot:' || (100000 + i) as contact_id,
        (date '2025-01-01' + (i % 540)::int) as contact_date,
        'rep' || (i % $reps) || '@prospex.example' as rep,
        'Account ' || (hash(i, 1) % 5000) as account,
        'Persoon ' || (i % 97) as contact_person,
        'phone' as channel,
        'Call ' || i || ' | Notitie ' || i as notes
    from range($rows) as t(i) where i % 10 <> 0
) to '{path}' (header, delimiter ',')
"""


def make(sql: str, path: Path, rows: int, bom: bool = False) -> None:
    # The path is ours (a temp dir); COPY takes no parameter for its target.
    plain = path.with_suffix(".plain")
    duckdb.connect().execute(sql.format(path=plain), {"rows": rows, "reps": REPS})
    if not bom:
        plain.rename(path)
        return
    with path.open("wb") as out, plain.open("rb") as src:
        out.write(b"\xef\xbb\xbf")
        while chunk := src.read(1 << 24):
            out.write(chunk)
    plain.unlink()


def one_run(folder: Path, source: Path, tag: str) -> tuple[float, ingest.FileResult]:
    target = folder / f"{tag}.duckdb"
    for leftover in (target, target.with_name(target.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con = db.connect(target)
    roster.replace_roster(
        con,
        [(f"rep{i}@prospex.example", f"Rep {i} Peters", "Team", "rep") for i in range(REPS)],
    )
    start = time.perf_counter()
    result = ingest.import_file(con, source, today=dt.date(2026, 12, 31))
    con.close()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-crm-") as tmp:
        folder = Path(tmp)
        hubspot, canonical = folder / "calls.csv", folder / "contacts.csv"
        make(HUBSPOT, hubspot, args.rows, bom=True)
        make(CANONICAL, canonical, args.rows)
        print(
            f"{args.rows:,} HubSpot rows ({hubspot.stat().st_size / 1e6:.0f} MB) against "
            f"the same contacts in our columns ({canonical.stat().st_size / 1e6:.0f} MB)"
        )
        times: dict[str, list[float]] = {"canonical": [], "hubspot": []}
        ratios = []
        for run in range(args.runs):
            base, r0 = one_run(folder, canonical, "canonical")
            crm, r1 = one_run(folder, hubspot, "hubspot")
            assert r0.accepted == r1.accepted and r1.rows_read == args.rows, (r0, r1)
            times["canonical"].append(base)
            times["hubspot"].append(crm)
            ratios.append(crm / base)
            print(
                f"run {run + 1}: canonical {base:.2f} s, hubspot {crm:.2f} s "
                f"({r1.accepted:,} accepted, {r1.not_contacts:,} not a contact), "
                f"ratio {crm / base:.2f}"
            )
        best = {k: min(v) for k, v in times.items()}
        med = {k: statistics.median(v) for k, v in times.items()}
        print(
            f"best: canonical {best['canonical']:.2f} s, hubspot {best['hubspot']:.2f} s, "
            f"ratio {best['hubspot'] / best['canonical']:.2f}x; median canonical "
            f"{med['canonical']:.2f} s, hubspot {med['hubspot']:.2f} s; median of the ratios "
            f"{statistics.median(ratios):.2f}x; load average {os.getloadavg()[0]:.1f}"
        )


if __name__ == "__main__":
    main()
