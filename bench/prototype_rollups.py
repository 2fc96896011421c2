"""A measured prototype, not product code: would a leaner rollup layout bring a `kpi import` of
1M rows into a new database within issue 14's 2x of a bare DuckDB process?

The layout ("v13"): reps and accounts as integers (key tables rep_ids and account_ids), one
per-account basis instead of quick_basis, revenue_basis and the recount's temporary
rollup_flagged, the firsts as columns of account_month (no account_firsts), open commitments
as ids and dates only (the overdue list would read their text from the contacts). It holds the
same answers: `check` compares them with the rollups as shipped. Only the recount of a bulk
import is written; the writes of a form, the readers and the lake are not.

    prototype_rollups.py [--runs N]     whole processes in turn: bare DuckDB, `kpi import` with
                                        no rollups (the floor), as shipped, with this layout
    prototype_rollups.py import DB CSV  `kpi import` with this layout (DB made by `setup`)

Figures to bench/out/prototype_rollups.json.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import benchlib
from bench_commands import BARE_PROCESS, pairs, run
from bench_import import fresh, make_csv
from bench_import_parts import new_kpi_database
from benchlib import OUT, ROOT, fmt, ratios

sys.path.insert(0, str(ROOT))

from kpi import db  # noqa: E402
from kpi import rollups as R  # noqa: E402
from kpi.fields import ADVANCE_LEVEL  # noqa: E402

LEVELS = ", ".join(
    f"count(*) filter (where commitment_level = {level}) as level_{level}" for level in (1, 2, 3, 4)
)
SCHEMA = f"""
create table rep_ids (rid integer not null, rep_key varchar not null);
create table account_ids (aid integer not null, account_key varchar not null);
create table p_kpi_day (rid integer not null, contact_date date not null, rep varchar not null,
    {", ".join(f"{n} {'decimal(38, 2)' if n == 'revenue' else 'bigint'}" for n in R.COUNTERS)},
    quick_quotes bigint);
create table p_basis (id bigint, aid integer, rid integer, contact_date date, quote_sent boolean,
    advance boolean, revenue decimal(18, 2), last_advance date);
create table p_account_month (rid integer, aid integer, month date, account varchar,
    contacts bigint, level_1 bigint, level_2 bigint, level_3 bigint, level_4 bigint,
    last_contact date, first_advance date, first_quick date);
create table p_open (id bigint, rid integer, contact_date date, commitment_due date);
create table p_outcomes (rid integer, contact_date date, quick boolean, quotes bigint,
    {", ".join(f"won_{h} bigint, revenue_{h} decimal(38, 2)" for h in R.HORIZONS)});
"""
# The contacts with their rep's and account's numbers.
KEYED = """(select c.*, r.rid, a.aid from contacts as c
    join rep_ids as r on c.rep_key = r.rep_key join account_ids as a on c.account_key = a.account_key)"""
PARAMS = {"advance": ADVANCE_LEVEL, "quick_days": R.QUICK_QUOTE_DAYS}


def setup(path: Path) -> None:
    """A new database with this layout instead of the rollups as shipped."""
    new_kpi_database(path, with_rollups=False)
    con = db.connect(path)
    con.execute(SCHEMA)
    con.execute(f"create table rollup_state as select {R._FINGERPRINT} from contacts limit 0")
    con.execute("checkpoint")
    con.close()


def _run(con, sql: str) -> None:
    con.execute(sql, {k: v for k, v in PARAMS.items() if f"${k}" in sql})


def recount(con) -> None:
    """Every rollup of this layout counted from the contacts, in the caller's transaction."""
    for table, key, number in (
        ("rep_ids", "rep_key", "rid"),
        ("account_ids", "account_key", "aid"),
    ):
        _run(
            con,
            f"""insert into {table} select (select coalesce(max({number}), 0) from {table})
                + row_number() over (order by {key}), {key}
            from (select distinct {key} from contacts
                  where {key} not in (select {key} from {table}))""",
        )
    _run(
        con,
        f"""insert into p_basis
        select id, aid, rid, contact_date, quote_sent, advance, revenue,
            max(case when advance then contact_date end) over (partition by aid
                order by contact_date range between unbounded preceding and current row)
        from (select id, aid, rid, contact_date, quote_sent,
                coalesce(commitment_level >= $advance, false) as advance,
                coalesce(revenue, 0)::decimal(18, 2) as revenue
              from {KEYED} where quote_sent or commitment_level >= $advance or revenue > 0)
        order by aid, contact_date""",
    )
    _run(
        con,
        f"""insert into p_kpi_day
        with counts as (
            select r.rid, d.* exclude (rep_key)
            from (select rep_key, contact_date, any_value(rep) as rep, {R.DAY_COUNTS}
                  from contacts group by all) as d
            join rep_ids as r on d.rep_key = r.rep_key),
        quick as (
            select rid, contact_date, count(*) filter (where {R.IS_QUICK}) as quick_quotes
            from p_basis where quote_sent group by all)
        select counts.*, coalesce(quick.quick_quotes, 0)
        from counts left join quick using (rid, contact_date)""",
    )
    _run(
        con,
        f"""insert into p_account_month
        with months as (
            select rid, aid, date_trunc('month', contact_date)::date as month,
                   arg_max(account, contact_date) as account, count(*) as contacts, {LEVELS},
                   max(contact_date) as last_contact
            from {KEYED} group by all),
        firsts as (
            select rid, aid, date_trunc('month', contact_date)::date as month,
                   min(contact_date) filter (where advance) as first_advance,
                   min(contact_date) filter (where quote_sent and {R.IS_QUICK}) as first_quick
            from p_basis where quote_sent or advance group by all)
        select months.*, firsts.first_advance, firsts.first_quick
        from months left join firsts using (rid, aid, month) order by month""",
    )
    _run(
        con,
        """insert into p_open select c.id, r.rid, c.contact_date, c.commitment_due
        from contacts as c join rep_ids as r on c.rep_key = r.rep_key
        where c.commitment_status = 'open'""",
    )
    flagged = """select aid as account_key, rid as rep_key, contact_date, quote_sent, advance,
        revenue, last_advance from p_basis"""
    _run(
        con,
        f"insert into p_outcomes select * from ({R.outcomes_of_flagged(flagged)})"
        " order by contact_date",
    )
    _run(con, "delete from rollup_state")
    _run(con, f"insert into rollup_state select {R._FINGERPRINT} from contacts")


class _Bulk:
    """rollups.BulkChange for this layout: a new database's import counts everything."""

    def __init__(self, con, replaced: str, params: dict | None = None) -> None:
        self.con = con

    def done(self, after: str, params: dict | None = None) -> None:
        recount(self.con)


# The same answers as the rollups as shipped: (this layout's query, the shipped one's).
ANSWERS = (
    (
        "select sum(quick_quotes), sum(contacts), sum(learning_moments), sum(revenue) from p_kpi_day",
        "select sum(quick_quotes), sum(contacts), sum(learning_moments), sum(revenue) from kpi_day",
    ),
    (
        "select count(*), min(first_advance), max(first_quick) from p_account_month"
        " where first_advance is not null or first_quick is not null",
        "select count(*), min(first_advance), max(first_quick) from account_firsts",
    ),
    (
        "select count(*), sum(contacts), sum(level_4), max(last_contact) from p_account_month",
        "select count(*), sum(contacts), sum(level_4), max(last_contact) from account_month",
    ),
    (
        "select count(*), sum(id) from p_open",
        "select count(*), sum(id) from open_commitments",
    ),
    (
        "select sum(quotes), sum(won_90), sum(revenue_365) from p_outcomes",
        "select sum(quotes), sum(won_90), sum(revenue_365) from quote_outcomes",
    ),
)


def check(prototype: Path, shipped: Path) -> list[str]:
    """Where the two databases' answers differ (none when the layout holds the same)."""
    a, b = db.connect(prototype), db.connect(shipped)
    try:
        found = [(q, a.execute(q).fetchall(), b.execute(t).fetchall()) for q, t in ANSWERS]
    finally:
        a.close()
        b.close()
    return [f"{query}: {ours} != {theirs}" for query, ours, theirs in found if ours != theirs]


def compare(runs: int) -> dict:
    figures = benchlib.begin(rows=1_000_000)
    load = benchlib.OtherLoad()
    with tempfile.TemporaryDirectory(dir=OUT) as folder:
        tmp = Path(folder)
        script = tmp / "bare_import.py"
        script.write_text(BARE_PROCESS)
        csv_path = tmp / "contacts.csv"
        make_csv(csv_path, figures["rows"])
        target = tmp / "new.duckdb"
        kpi = [sys.executable, "-m", "kpi", "import", "--db", str(target), str(csv_path)]
        ours = [sys.executable, __file__, "import", str(target), str(csv_path)]

        def measured(prepare, command) -> object:
            def once(_: int) -> float:
                prepare(target)
                return run(command)

            return once

        with load.measure():
            figures["whole"] = pairs(
                runs,
                {
                    "bare DuckDB": measured(fresh, [sys.executable, str(script), target, csv_path]),
                    "kpi import, no rollups to keep": measured(
                        lambda p: new_kpi_database(p, False), kpi
                    ),
                    "kpi import, as shipped": measured(lambda p: new_kpi_database(p, True), kpi),
                    "kpi import, the prototype layout": measured(setup, ours),
                },
            )
        shipped = tmp / "shipped.duckdb"
        new_kpi_database(shipped, True)
        run([sys.executable, "-m", "kpi", "import", "--db", str(shipped), str(csv_path)])
        figures["differences"] = check(target, shipped)
    benchlib.finish(OUT / "prototype_rollups.json", figures, load)
    return figures


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["import"]:
        R.BulkChange = _Bulk  # what ingest calls, for this process only
        from kpi.__main__ import main as kpi_main

        return kpi_main(["import", "--db", argv[1], argv[2]])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    figures = compare(args.runs)
    whole = figures["whole"]
    print("| whole process | s | / bare |\n|---|---:|---:|")
    for name, times in whole.items():
        print(f"| {name} | {fmt(times)} | {fmt(ratios(times, whole['bare DuckDB']))} |")
    print("answers:", "the same as shipped" if not figures["differences"] else "DIFFERENT")
    for line in figures["differences"]:
        print(" ", line)
    print(benchlib.describe_load(figures["other_load"]))
    return 1 if figures["differences"] else 0


if __name__ == "__main__":
    sys.exit(main())
