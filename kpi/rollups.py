"""Rollups: the contacts counted per rep and day (and per rep, account and month), kept exact on
every write, so KPIs and the relationship lists need not scan."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import duckdb

from kpi.fields import ADVANCE_LEVEL, LEVELS, has_text

QUICK_QUOTE_DAYS = 90
# The horizons (days) whose quote outcomes quote_outcomes keeps: the evidence page's choices.
HORIZONS: tuple[int, ...] = (30, 60, 90, 180, 365)
LONGEST = max(HORIZONS)
# Per horizon, the quotes followed by revenue of their account within it, and that revenue.
OUTCOME_COLUMNS: tuple[str, ...] = tuple(
    name for h in HORIZONS for name in (f"won_{h}", f"revenue_{h}")
)

# The writes in this process take turns (kpi.db.transaction holds this): each updates the one
# row of rollup_state and the counters, so simultaneous ones would only conflict and be done
# again. Writers in other processes (on a lake) conflict at commit and are done again instead.
# Reentrant: a write may call a helper that opens the same turn.
WRITES = threading.RLock()
LEVEL_COLUMNS: tuple[str, ...] = tuple(f"level_{level}" for level in LEVELS if level > 0)
# What a rep's day holds; every KPI is a sum of these, or a ratio of two sums.
COUNTERS: tuple[str, ...] = (
    "contacts",
    "calls",
    "appointments",
    "quotes",
    "revenue",
    *LEVEL_COLUMNS,
    "recorded",
    "kept",
    "settled",
    "reflected",
    "learning_moments",
)

# The tables: kpi_day holds one row per rep and day with at least one contact; quick_basis the
# quotes and advance-level contacts, sorted by account so that the few rows deciding whether a
# quote is quick are found without scanning; open_commitments what the overdue list shows of
# each open commitment (a few percent of the contacts); account_month the contacts per rep, account
# and month with their count per level (so the highest level survives a delete), the last date
# and the account's spelling on it, for the relationship lists, the heatmap and the form's list
# of accounts (schema v6); revenue_basis the contacts with revenue, sorted by account like
# quick_basis, and quote_outcomes per rep, day and kind (quick or considered) the quotes and, per
# horizon of HORIZONS, how many were followed by revenue of their account within it and how
# much, and account_firsts per rep, account and month the first advance and quick quote, for
# the evidence page (kpi.evidence, schema v9); rollup_state one row, the fingerprint of the
# contacts the rollups count (see current()).
SCHEMA = f"""
create table if not exists kpi_day (
    rep_key varchar not null,
    contact_date date not null,
    rep varchar not null,
    {", ".join(f"{name} {'decimal(38, 2)' if name == 'revenue' else 'bigint'} not null" for name in COUNTERS)},
    quick_quotes bigint not null
);
create table if not exists quick_basis (
    id bigint not null,
    account_key varchar not null,
    contact_date date not null,
    rep_key varchar not null,
    quote_sent boolean not null,
    advance boolean not null
);
create table if not exists open_commitments (
    id bigint not null,
    rep_key varchar not null,
    rep varchar not null,
    account varchar not null,
    contact_person varchar,
    contact_date date not null,
    commitment_level tinyint not null,
    commitment varchar,
    commitment_due date
);
create table if not exists account_month (
    rep_key varchar not null,
    account_key varchar not null,
    month date not null,
    account varchar not null,
    contacts bigint not null,
    {", ".join(f"{name} bigint not null" for name in LEVEL_COLUMNS)},
    last_contact date not null
);
create table if not exists revenue_basis (
    id bigint not null,
    account_key varchar not null,
    contact_date date not null,
    revenue decimal(18, 2) not null
);
create table if not exists quote_outcomes (
    rep_key varchar not null,
    contact_date date not null,
    quick boolean not null,
    quotes bigint not null,
    {", ".join(f"{name} {'decimal(38, 2)' if name.startswith('revenue') else 'bigint'} not null" for name in OUTCOME_COLUMNS)}
);
create table if not exists account_firsts (
    rep_key varchar not null,
    account_key varchar not null,
    month date not null,
    first_advance date,
    first_quick date
);
create table if not exists rollup_state (
    contacts bigint not null,
    id_sum decimal(38, 0) not null,
    updated_sum decimal(38, 0) not null
);
"""

# How contacts are counted into a rep's day: the dashboard's scan and the rollups share it.
DAY_COUNTS = f"""
    count(*) as contacts,
    count(*) filter (where channel = 'phone') as calls,
    count(*) filter (where appointment_planned) as appointments,
    count(*) filter (where quote_sent) as quotes,
    coalesce(sum(revenue), 0)::decimal(38, 2) as revenue,
    {", ".join(f"count(*) filter (where commitment_level = {level}) as level_{level}" for level in LEVELS if level > 0)},
    count(commitment_level) as recorded,
    count(*) filter (where commitment_status = 'kept') as kept,
    count(*) filter (where commitment_status in ('kept', 'broken')) as settled,
    count(*) filter (where would_repeat is not null) as reflected,
    count(*) filter (
        where would_repeat in ('no', 'partly') or {has_text("lesson")}
    ) as learning_moments
"""

# A quote is quick when no contact of its account reached the advance level in the
# QUICK_QUOTE_DAYS days up to and including its date: a flag per quote of q (id, rep_key,
# account_key, contact_date) against adv (the advance-level contacts), which the caller defines.
QUICK_FLAGS = """
    select q.id, q.rep_key, q.contact_date,
           (a.contact_date is null or a.contact_date < q.contact_date - $quick_days) as is_quick
    from q asof left join adv as a
      on q.account_key = a.account_key and q.contact_date >= a.contact_date
"""


# Each row of `basis` (account_key, contact_date, advance, ...) with the latest date up to its own
# on which a contact of its account reached the advance level: a window over each account's
# dates, for the writes (inside the writing transaction an ASOF join over rows not yet committed
# took 20 s for 200k contacts, this window 0.2 s).
def with_last_advance(basis: str) -> str:
    return f"""
    select *, max(case when advance then contact_date end) over (
        partition by account_key order by contact_date
        range between unbounded preceding and current row) as last_advance
    from ({basis})
    """


# Whether a row of with_last_advance() that is a quote is quick.
IS_QUICK = "(last_advance is null or last_advance < contact_date - $quick_days)"
# The flags of QUICK_FLAGS from one set `basis` (id, rep_key, account_key, contact_date,
# quote_sent, advance).
QUICK_FLAGS_OF_BASIS = f"""
    select id, rep_key, contact_date, quote_sent, {IS_QUICK} as is_quick
    from ({with_last_advance("select * from basis")})
"""
QUICK_COUNTS = """
    select rep_key, contact_date, count(*) filter (where is_quick) as quick_quotes
    from quick group by all
"""


def outcomes(basis: str, judged: str = "true") -> str:
    """Per rep, day and kind (quick or not) the quotes of `basis` counted as quote_outcomes keeps
    them: how many, and per horizon how many had revenue of their account in the days after
    them (1 to H) and its sum. basis holds (account_key, contact_date, rep_key, quote_sent,
    advance, revenue) of the quotes, the advances up to QUICK_QUOTE_DAYS before them and the
    revenue up to LONGEST days after them (a contact may be all three); judged says which of
    its quotes to count. Windows per account: inside a writing transaction an ASOF join over
    rows not yet committed is slow (see with_last_advance)."""
    return outcomes_of_flagged(with_last_advance(basis), judged)


def outcomes_of_flagged(flagged: str, judged: str = "true") -> str:
    """outcomes() of a basis whose rows have their last_advance already (with_last_advance). The
    sums run over the quotes and orders only, once the advances have given each quote its flag
    (at 1M contacts 0.45 s instead of 0.78 s with all six windows over every row)."""
    account = "partition by account_key order by day range between"
    after = ", ".join(
        f"sum(revenue) over ({account} 1 following and {h} following) as after_{h}"
        for h in HORIZONS
    )
    sums = ", ".join(
        f"count(*) filter (where after_{h} > 0) as won_{h},"
        f" coalesce(sum(after_{h}), 0)::decimal(38, 2) as revenue_{h}"
        for h in HORIZONS
    )
    return f"""
    select rep_key, contact_date, quick, count(*) as quotes, {sums}
    from (
        select *, {after}
        from (
            select *, contact_date - date '2000-01-01' as day, {IS_QUICK} as quick
            from ({flagged})
            where quote_sent or revenue > 0
        )
    )
    where quote_sent and {judged}
    group by all
    """


def firsts(basis: str) -> str:
    """Per rep, account and month of `basis` (quick_basis's columns, every row of each account
    in it) its first advance and its first quick quote, where it has either."""
    return firsts_of_flagged(with_last_advance(basis))


def firsts_of_flagged(flagged: str) -> str:
    """firsts() of a basis whose rows have their last_advance already (with_last_advance)."""
    return f"""
    select rep_key, account_key, date_trunc('month', contact_date)::date as month,
           min(contact_date) filter (where advance) as first_advance,
           min(contact_date) filter (where quote_sent and {IS_QUICK}) as first_quick
    from ({flagged})
    group by all
    having first_advance is not null or first_quick is not null
    """


# The outcomes of the quotes a change can alter, per account from span (account_key, lo, hi: the
# first and last date of a quote it can alter): a changed quote alters itself, an order the
# quotes up to LONGEST days before it, an advance the quick flags up to QUICK_QUOTE_DAYS after.
def outcomes_of_spans(
    span: str, quick_basis: str = "quick_basis", revenue_basis: str = "revenue_basis"
) -> str:
    """outcomes() of those quotes, read from quick_basis and revenue_basis (or copies of their
    rows of the spans' accounts)."""
    basis = f"""
        select b.account_key, b.contact_date, b.rep_key, b.quote_sent, b.advance,
               0::decimal(18, 2) as revenue, s.lo, s.hi
        from {quick_basis} as b join span as s on b.account_key = s.account_key
        where b.contact_date between s.lo - $quick_days and s.hi
        union all
        select r.account_key, r.contact_date, null, false, false, r.revenue, s.lo, s.hi
        from {revenue_basis} as r join span as s on r.account_key = s.account_key
        where r.contact_date between s.lo and s.hi + {LONGEST}
    """
    return f"with span as ({span}) {outcomes(basis, 'contact_date between lo and hi')}"


# How a recount counts the contacts into a rep's account and month (a write sums the same from
# the rows _read gives).
MONTH_COUNTS = f"""
    select rep_key, account_key, date_trunc('month', contact_date)::date as month,
           arg_max(account, contact_date) as account, count(*) as contacts,
           {", ".join(f"count(*) filter (where commitment_level = {level}) as level_{level}" for level in LEVELS if level > 0)},
           max(contact_date) as last_contact
    from contacts
"""
# The highest level among account_month rows (0 when none reached level 1).
TOP_LEVEL = "greatest({})".format(
    ", ".join(
        f"max(case when level_{level} > 0 then {level} else 0 end)" for level in LEVELS if level > 0
    )
)

# Tables that hold some columns of some contacts: (table, its columns from contacts, which ones).
MIRRORS: tuple[tuple[str, str, str], ...] = (
    (
        "quick_basis",
        "id, account_key, contact_date, rep_key, quote_sent,"
        " coalesce(commitment_level >= $advance, false)",
        "quote_sent or commitment_level >= $advance",
    ),
    ("revenue_basis", "id, account_key, contact_date, revenue", "revenue > 0"),
    (
        "open_commitments",
        "id, rep_key, rep, account, contact_person, contact_date, commitment_level, commitment,"
        " commitment_due",
        "commitment_status = 'open'",
    ),
)

# Every contact counted once in each sum: a write that keeps the rollups adds its own change,
# so any other write (one that does not keep them) leaves them visibly out of date.
_FINGERPRINT = """
    count(*)::bigint as contacts,
    coalesce(sum(id), 0)::decimal(38, 0) as id_sum,
    coalesce(sum(epoch_us(updated_at)), 0)::decimal(38, 0) as updated_sum
"""


TABLES: tuple[str, ...] = (
    "kpi_day",
    "quick_basis",
    "open_commitments",
    "account_month",
    "revenue_basis",
    "quote_outcomes",
    "account_firsts",
    "rollup_state",
)
# The mirrors read per account (a write's spans, the evidence), kept in account order.
BY_ACCOUNT: tuple[str, ...] = ("quick_basis", "revenue_basis")


def installed(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether this database has every rollup table. A lake connection remembers a yes (the
    lookup takes 10-40 ms there, the longest statement of a form's save), until a DROP."""
    known = getattr(con, "known", None)
    if known is not None and known.get("rollups installed"):
        return True
    found = con.execute(
        "select count(*) from duckdb_tables() where database_name = current_database()"
        " and schema_name = 'main' and list_contains($tables, table_name) and not temporary",
        {"tables": list(TABLES)},
    ).fetchone()[0]
    if known is not None and found == len(TABLES):
        known["rollups installed"] = True
    return found == len(TABLES)


def current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the rollups count exactly the contacts there are now (read both in one snapshot:
    call inside the transaction that reads the rollups). On a lake the answer is remembered
    for the snapshot it was found in: the same snapshot holds the same data (the count and
    sums over every contact cost 16-21 ms per kpi call there at 1M contacts)."""
    if not installed(con):
        return False
    known = getattr(con, "known", None)
    snapshot = con.snapshot() if known is not None else None
    if snapshot is not None and known.get("rollups current at") == snapshot:
        return True
    row = con.execute(
        f"""
        select s.contacts = c.contacts and s.id_sum = c.id_sum and s.updated_sum = c.updated_sum
        from rollup_state as s, (select {_FINGERPRINT} from contacts) as c
        """
    ).fetchone()
    found = bool(row and row[0])
    if found and snapshot is not None:
        known["rollups current at"] = snapshot
    return found


def create(con: duckdb.DuckDBPyConnection) -> None:
    """Create the rollup tables when missing and fill them, inside the caller's transaction
    (the schema migration step)."""
    con.execute(SCHEMA)
    recount(con)


def install(con: duckdb.DuckDBPyConnection) -> None:
    """create() in a transaction of its own, checkpointed at once: DuckDB 1.5.5 cannot replay
    every schema change from its log (issue 13), so none may live only there."""
    from kpi.db import checkpoint  # db.py imports this module

    _in_transaction(con, create)
    checkpoint(con)


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """recount() in a transaction of its own."""
    _in_transaction(con, recount)


# What the scans of the contacts may need beyond the caller's parameters.
_SCAN_PARAMS: dict[str, object] = {"advance": ADVANCE_LEVEL, "quick_days": QUICK_QUOTE_DAYS}


def read(
    con: duckdb.DuckDBPyConnection,
    rollup_sql: str,
    scan_sql: str,
    params: dict[str, object],
    fetch: Callable[[duckdb.DuckDBPyConnection], Any] = lambda result: result.df(),
    usable: Callable[[duckdb.DuckDBPyConnection], bool] | None = None,
) -> Any:
    """rollup_sql over the rollups when they count every contact there is (and `usable` agrees
    for this question), else scan_sql over the contacts (same columns, same values); both read
    in one snapshot. `fetch` turns the result into what is returned (a DataFrame by default)."""
    cur = con.cursor()
    cur.execute("begin transaction")
    try:
        # Each query gets the parameters it names: DuckDB refuses any other.
        if current(cur) and (usable is None or usable(cur)):
            return fetch(cur.execute(rollup_sql, _named(rollup_sql, params)))
        return fetch(cur.execute(scan_sql, _named(scan_sql, params | _SCAN_PARAMS)))
    finally:
        cur.execute("rollback")  # it only read


def _named(sql: str, params: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in params.items() if re.search(rf"\${k}\b", sql)}


def _in_transaction(
    con: duckdb.DuckDBPyConnection, work: Callable[[duckdb.DuckDBPyConnection], None]
) -> None:
    from kpi.db import transaction  # db.py imports this module

    transaction(con, work)


# What a count from scratch reads for the quick quotes, the mirrors kept by account, the quote
# outcomes and the firsts: the quotes, advances and orders, each with its last advance
# (with_last_advance), sorted by account, in a temp table made once. Each of them counting its
# own window and sort over the contacts cost 0.6 s more at 1M contacts.
_FLAGGED = "rollup_flagged"
_FLAGGED_ROWS = """
    select id, rep_key, account_key, contact_date, quote_sent,
           coalesce(commitment_level >= $advance, false) as advance,
           coalesce(revenue, 0)::decimal(18, 2) as revenue
    from contacts where quote_sent or commitment_level >= $advance or revenue > 0
"""
# The mirrors of BY_ACCOUNT as selected from it (MIRRORS selects them from the contacts).
_MIRRORS_OF_FLAGGED: dict[str, tuple[str, str]] = {
    "quick_basis": (
        "id, account_key, contact_date, rep_key, quote_sent, advance",
        "quote_sent or advance",
    ),
    "revenue_basis": ("id, account_key, contact_date, revenue", "revenue > 0"),
}


def _flag(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"create or replace temp table {_FLAGGED} as"
        f" {with_last_advance(_FLAGGED_ROWS)} order by account_key, contact_date",
        {"advance": ADVANCE_LEVEL},
    )


def recount(con: duckdb.DuckDBPyConnection) -> None:
    """Count every contact again, inside the caller's transaction: in the transaction of a bulk
    write (an import of a large file, the demo data), or to repair rollups a write outside the
    app left behind."""
    _flag(con)
    con.execute("delete from kpi_day")
    con.execute(
        f"""
        insert into kpi_day
        with counts as (
            select rep_key, contact_date, any_value(rep) as rep, {DAY_COUNTS}
            from contacts group by all
        ),
        quick_counts as (
            select rep_key, contact_date, count(*) filter (where {IS_QUICK}) as quick_quotes
            from {_FLAGGED} where quote_sent group by all
        )
        select counts.*, coalesce(quick_counts.quick_quotes, 0)
        from counts left join quick_counts using (rep_key, contact_date)
        """,
        {"quick_days": QUICK_QUOTE_DAYS},
    )
    for table, columns, which in MIRRORS:
        con.execute(f"delete from {table}")  # our own names: identifiers cannot be bound
        if table in BY_ACCOUNT:  # in the flagged rows' order, which is the account's
            columns, which = _MIRRORS_OF_FLAGGED[table]
            con.execute(f"insert into {table} select {columns} from {_FLAGGED} where {which}")
        else:
            con.execute(
                f"insert into {table} select {columns} from contacts where {which}",
                {"advance": ADVANCE_LEVEL} if "$advance" in columns + which else {},
            )
    count_months(con)
    _count_evidence_of_flagged(con)
    con.execute("delete from rollup_state")
    con.execute(f"insert into rollup_state select {_FINGERPRINT} from contacts")
    con.execute(f"drop table {_FLAGGED}")


def exact_fingerprint(con: duckdb.DuckDBPyConnection) -> None:
    """Schema v12: rollup_state's two sums as decimal(38, 0) instead of hugeint, inside the
    caller's transaction. A lake writes a hugeint to Parquet as a double (when `kpi maintain`
    writes the inline row out), which rounds a sum of timestamps: the rollups then never
    counted as current again, and every page scanned the contacts. The table is made again (a
    lake cannot change a column to another type); its one row is kept, cast exactly."""
    row = con.execute(
        "select contacts, id_sum::varchar, updated_sum::varchar from rollup_state"
    ).fetchall()
    con.execute("drop table rollup_state")
    con.execute(SCHEMA)  # creates only what is missing: rollup_state, as SCHEMA has it now
    for contacts, id_sum, updated_sum in row:
        con.execute(
            "insert into rollup_state values (?, ?::decimal(38, 0), ?::decimal(38, 0))",
            [contacts, id_sum, updated_sum],
        )


def count_recorded(con: duckdb.DuckDBPyConnection) -> None:
    """The schema step that added kpi_day's `recorded` (contacts whose level is recorded, schema
    v8), inside the caller's transaction. Every contact there is has a level (the column was
    not null until this step), so each day's `recorded` is its `contacts`. The table is built
    again rather than given a column at its end: recount() fills it by position, in the order
    of SCHEMA. A database made at this version already has the column (SCHEMA has it)."""
    has = con.execute(
        "select count(*) from duckdb_columns() where database_name = current_database()"
        " and table_name = 'kpi_day' and column_name = 'recorded'"
    ).fetchone()[0]
    if has:
        return
    con.execute("alter table kpi_day rename to kpi_day_v7")
    con.execute(SCHEMA)
    con.execute("insert into kpi_day by name select *, contacts as recorded from kpi_day_v7")
    con.execute("drop table kpi_day_v7")


def count_months(con: duckdb.DuckDBPyConnection) -> None:
    """Fill account_month from the contacts, inside the caller's transaction (also the schema
    step that added it: the other rollups were exact already)."""
    con.execute(SCHEMA)
    con.execute("delete from account_month")
    # In month order: the lists read a window of months, and DuckDB then skips whole row groups
    # (at 10M contacts the quarter's momentum took 100 ms instead of 190 ms). New rows of
    # later writes fall mostly in the current month, at the end, so the order mostly holds.
    # By month alone: the accounts within a month skip nothing that is read (and sorting by
    # them too cost 0.1-0.3 s of a 1M-row import's recount).
    con.execute(f"insert into account_month {MONTH_COUNTS} group by all order by month")


def count_evidence(con: duckdb.DuckDBPyConnection) -> None:
    """Fill revenue_basis, quote_outcomes and account_firsts from the contacts, inside the
    caller's transaction: the schema step that added them (the other rollups were exact
    already)."""
    con.execute(SCHEMA)
    _flag(con)
    columns, which = _MIRRORS_OF_FLAGGED["revenue_basis"]
    con.execute("delete from revenue_basis")
    con.execute(f"insert into revenue_basis select {columns} from {_FLAGGED} where {which}")
    _count_evidence_of_flagged(con)
    con.execute(f"drop table {_FLAGGED}")


def _count_evidence_of_flagged(con: duckdb.DuckDBPyConnection) -> None:
    """Fill quote_outcomes and account_firsts from the flagged rows (_flag)."""
    params = {"quick_days": QUICK_QUOTE_DAYS}
    con.execute("delete from quote_outcomes")
    judged = outcomes_of_flagged(f"select * from {_FLAGGED}")
    con.execute(
        f"insert into quote_outcomes select * from ({judged}) order by contact_date", params
    )
    con.execute("delete from account_firsts")
    flagged = f"select * from {_FLAGGED} where quote_sent or advance"
    con.execute(f"insert into account_firsts {firsts_of_flagged(flagged)}", params)


# -- keeping them exact on every write ------------------------------------------------------------


Key = tuple[str, object]  # (rep_key, contact_date)
MonthKey = tuple[str, str, object]  # (rep_key, account_key, month)
MONTH_COUNTERS: tuple[str, ...] = ("contacts", *LEVEL_COLUMNS)


@dataclass
class _State:
    """What some contacts add to the rollups: counters per rep and day, their share of the
    fingerprint, and the (account_key, contact_date) of those that are quotes or advances."""

    days: dict[Key, tuple[str, list]] = field(default_factory=dict)
    fingerprint: list[int] = field(default_factory=lambda: [0, 0, 0])
    quick_rows: list[tuple[str, object]] = field(default_factory=list)
    # and the first and last date of the quotes whose outcome they decide (outcomes_of_spans)
    outcome_rows: list[tuple[str, object]] = field(default_factory=list)
    # per rep, account and month: (account, [contacts, level_1..level_4], last date)
    months: dict[MonthKey, tuple[str, list, object]] = field(default_factory=dict)


def _id_params(ids: Sequence[int]) -> tuple[str, dict[str, object]]:
    """`$id0, $id1, ...` and their values: an IN list of constants lets DuckDB skip the row
    groups whose id range holds none of them."""
    return ", ".join(f"$id{i}" for i in range(len(ids))), {f"id{i}": c for i, c in enumerate(ids)}


def _read(con: duckdb.DuckDBPyConnection, ids: Sequence[int], table: str = "contacts") -> _State:
    """What the contacts `ids` count for in the rollups, read from `table` (the contacts, or a
    temporary copy of some of them)."""
    state = _State()
    if not ids:
        return state
    id_list, params = _id_params(ids)
    # One query per rep, day and account; the days and the months are summed from it here.
    rows = con.execute(
        f"""
        select rep_key, contact_date, account_key, any_value(rep), any_value(account),
               {DAY_COUNTS}, count(*), sum(id), coalesce(sum(epoch_us(updated_at)), 0),
               count(*) filter (where quote_sent or commitment_level >= $advance),
               count(*) filter (where commitment_level >= $advance),
               count(*) filter (where revenue > 0)
        from {table} where id in ({id_list})
        group by all
        """,
        params | {"advance": ADVANCE_LEVEL},
    ).fetchall()
    width = len(COUNTERS)
    in_month = [COUNTERS.index(name) for name in MONTH_COUNTERS]
    for rep_key, day, account_key, rep, account, *rest in rows:
        counters = rest[:width]
        _, day_sums = state.days.setdefault((rep_key, day), (rep, [0] * width))
        for i, value in enumerate(counters):
            day_sums[i] += value
        for i, value in enumerate(rest[width : width + 3]):
            state.fingerprint[i] += int(value)
        quick, advances, orders = rest[-3:]
        if quick:
            state.quick_rows.append((account_key, day))
        if quick or orders:
            state.outcome_rows.append((account_key, day))
        if advances:
            state.outcome_rows.append((account_key, day + dt.timedelta(days=QUICK_QUOTE_DAYS)))
        if orders:
            state.outcome_rows.append((account_key, day - dt.timedelta(days=LONGEST)))
        key = (rep_key, account_key, day.replace(day=1))
        name, month_sums, last = state.months.get(key, (account, [0] * len(MONTH_COUNTERS), day))
        state.months[key] = (
            account if day > last else name,  # the spelling on the group's last date
            [total + counters[i] for total, i in zip(month_sums, in_month, strict=True)],
            max(last, day),
        )
    return state


def _spans(rows: Iterable[tuple[str, object]]) -> list[dict[str, object]]:
    """Per account, the first and last date of the changed quotes and advances."""
    spans: dict[str, list] = {}
    for account, day in rows:
        span = spans.setdefault(account, [day, day])
        span[0], span[1] = min(span[0], day), max(span[1], day)
    return [{"account_key": a, "lo": lo, "hi": hi} for a, (lo, hi) in spans.items()]


def _quick(
    con: duckdb.DuckDBPyConnection, spans: list[dict[str, object]], basis: str = "quick_basis"
) -> dict[Key, int]:
    """Quick quotes per rep and day among the quotes a change of these spans can flip: those of
    the account from the first changed date to QUICK_QUOTE_DAYS after the last (read from
    quick_basis, or a copy of its rows of the spans' accounts)."""
    if not spans:
        return {}
    rows = con.execute(
        f"""
        with span as (select unnest($spans, recursive := true)),
        q as (
            select b.id, b.rep_key, b.account_key, b.contact_date
            from {basis} as b join span as s on b.account_key = s.account_key
            where b.quote_sent and b.contact_date between s.lo and s.hi + $quick_days
        ),
        adv as (
            select b.account_key, b.contact_date
            from {basis} as b join span as s on b.account_key = s.account_key
            where b.advance
              and b.contact_date between s.lo - $quick_days and s.hi + $quick_days
        ),
        quick as ({QUICK_FLAGS})
        {QUICK_COUNTS}
        """,
        {"spans": spans, "quick_days": QUICK_QUOTE_DAYS},
    ).fetchall()
    return {(rep_key, day): n for rep_key, day, n in rows}


def _refirst(
    con: duckdb.DuckDBPyConnection,
    accounts: str,
    params: dict[str, object],
    quick_basis: str = "quick_basis",
) -> None:
    """Count account_firsts again for these accounts (a query of account_key), from quick_basis
    (or a copy holding every row of these accounts): a changed quote or advance can change any
    first quick quote of its account."""
    con.execute(f"delete from account_firsts where account_key in ({accounts})", params)
    basis = f"select * from {quick_basis} where account_key in ({accounts})"
    con.execute(
        f"insert into account_firsts {firsts(basis)}", params | {"quick_days": QUICK_QUOTE_DAYS}
    )


OutcomeKey = tuple[str, object, bool]  # (rep_key, contact_date, quick)
OUTCOME_COUNTS: tuple[str, ...] = ("quotes", *OUTCOME_COLUMNS)


def _outcomes(
    con: duckdb.DuckDBPyConnection,
    spans: list[dict[str, object]],
    quick_basis: str = "quick_basis",
    revenue_basis: str = "revenue_basis",
) -> dict[OutcomeKey, list]:
    """The quote outcomes per rep, day and kind of the quotes a change of these spans can alter."""
    if not spans:
        return {}
    rows = con.execute(
        outcomes_of_spans("select unnest($spans, recursive := true)", quick_basis, revenue_basis),
        {"spans": spans, "quick_days": QUICK_QUOTE_DAYS},
    ).fetchall()
    return {(rep_key, day, quick): counts for rep_key, day, quick, *counts in rows}


def _apply_outcomes(
    con: duckdb.DuckDBPyConnection, before: dict[OutcomeKey, list], after: dict[OutcomeKey, list]
) -> None:
    """Add the change from the outcomes before to those after to quote_outcomes."""
    rows = []
    for key in dict.fromkeys([*before, *after]):
        old = before.get(key, [0] * len(OUTCOME_COUNTS))
        new = after.get(key, [0] * len(OUTCOME_COUNTS))
        change = [a - b for a, b in zip(new, old, strict=True)]
        if any(change):
            row = dict(zip(OUTCOME_COUNTS, change, strict=True))
            rows.append({"rep_key": key[0], "contact_date": key[1], "quick": key[2]} | row)
    if rows:
        _merge_outcomes(
            con,
            "select unnest($rows, recursive := true)",
            {"rows": rows},
            may_empty=any(row["quotes"] < 0 for row in rows),
            rows=len(rows),
        )


def _merge_outcomes(
    con: duckdb.DuckDBPyConnection,
    changes: str,
    params: dict,
    may_empty: bool = True,
    rows: int | None = None,
) -> None:
    """Add changes (rep_key, contact_date, quick and a change of each count) to quote_outcomes:
    a new row for a new rep, day and kind, none left for one without quotes. An update and an
    insert rather than one merge: a lake takes one update or delete action per merge, and its
    merge writes a Parquet file for every insert however small (see _apply). `rows`: how many
    changes there are, when known (none to insert when the update found them all)."""
    columns = ", ".join(OUTCOME_COUNTS)
    updated = con.execute(
        f"""
        update quote_outcomes as k set {", ".join(f"{c} = k.{c} + d.{c}" for c in OUTCOME_COUNTS)}
        from ({changes}) as d
        where k.rep_key = d.rep_key and k.contact_date = d.contact_date and k.quick = d.quick
        """,
        params,
    ).fetchone()[0]
    if rows is None or updated < rows:
        con.execute(
            f"""
            insert into quote_outcomes (rep_key, contact_date, quick, {columns})
            select d.rep_key, d.contact_date, d.quick,
                {", ".join(f"d.{c}" for c in OUTCOME_COUNTS)}
            from ({changes}) as d
            where {_unless_found(updated, "quote_outcomes", ("rep_key", "contact_date", "quick"))}
            """,
            params,
        )
    if may_empty:
        con.execute("delete from quote_outcomes where quotes = 0")


# A temporary copy of the contacts one Change wrote, replaced by the next (not dropped: a DROP
# makes a lake connection forget what it knows, kpi.db.LakeConnection).
_CHANGED = "rollup_changed"
# and copies of the mirrors' rows of the accounts it changed (Change.done)
_SPAN_QUICK, _SPAN_REVENUE = "rollup_span_quick", "rollup_span_revenue"


class Change:
    """One write's effect on the rollups. Create it in the writing transaction before the write,
    naming the contacts it will change or delete; call done() after it with every contact it
    changed or added. A database without rollups makes both steps do nothing."""

    def __init__(self, con: duckdb.DuckDBPyConnection, ids: Sequence[int] = ()) -> None:
        self.con = con
        self.active = installed(con)
        self.ids = list(ids)
        self.before = _read(con, self.ids) if self.active else _State()

    def done(self, ids: Sequence[int] = ()) -> None:
        if not self.active:
            return
        ids = list(dict.fromkeys([*self.ids, *ids]))
        id_list, id_params = _id_params(ids)
        # The changed contacts read once: on a lake each read of the contacts costs 5-15 ms,
        # and the counts and the three mirrors below all need them.
        if ids:
            self.con.execute(
                f"create or replace temp table {_CHANGED} as"
                f" select * from contacts where id in ({id_list})",
                id_params,
            )
        after = _read(self.con, ids, _CHANGED)
        spans = _spans([*self.before.quick_rows, *after.quick_rows])
        outcome_spans = _spans([*self.before.outcome_rows, *after.outcome_rows])
        # The mirrors' rows of the accounts these spans name, copied once: the counts before
        # and after the write are read from the copies (on a lake each of the four reads of
        # the mirrors cost 15-30 ms), which get the same change as the mirrors.
        accounts = list(dict.fromkeys(span["account_key"] for span in [*spans, *outcome_spans]))
        copies = {"quick_basis": _SPAN_QUICK, "revenue_basis": _SPAN_REVENUE}
        for mirror, copy in copies.items() if accounts else ():
            self.con.execute(
                f"create or replace temp table {copy} as select * from {mirror}"
                " where account_key in (select unnest($accounts))",
                {"accounts": accounts},
            )
        quick_before = _quick(self.con, spans, _SPAN_QUICK)
        outcomes_before = _outcomes(self.con, outcome_spans, _SPAN_QUICK, _SPAN_REVENUE)
        for table, columns, which in MIRRORS if ids else ():
            params = {"advance": ADVANCE_LEVEL} if "$advance" in columns + which else {}
            targets = [table, copies[table]] if table in copies and accounts else [table]
            for target in targets:
                if self.ids or target != table:  # a new contact has no row in the mirror yet
                    self.con.execute(f"delete from {target} where id in ({id_list})", id_params)
                self.con.execute(
                    f"insert into {target} select {columns} from {_CHANGED} where {which}", params
                )
        quick_after = _quick(self.con, spans, _SPAN_QUICK)
        if spans:
            accounts = [span["account_key"] for span in spans]
            _refirst(self.con, "select unnest($accounts)", {"accounts": accounts}, _SPAN_QUICK)
        _apply(self.con, _delta(self.before, after, quick_before, quick_after))
        _apply_outcomes(
            self.con,
            outcomes_before,
            _outcomes(self.con, outcome_spans, _SPAN_QUICK, _SPAN_REVENUE),
        )
        _apply_months(self.con, self.before, after)
        change = [a - b for a, b in zip(after.fingerprint, self.before.fingerprint, strict=True)]
        # Every write that keeps the rollups updates this one row, so two of them at the same
        # moment conflict and one is retried (kpi.contacts retries): neither can compute quick
        # quotes without the other's contact.
        self.con.execute(
            "update rollup_state set contacts = contacts + ?, id_sum = id_sum + ?,"
            " updated_sum = updated_sum + ?",
            change,
        )


def _delta(
    before: _State, after: _State, quick_before: dict[Key, int], quick_after: dict[Key, int]
) -> list[dict[str, object]]:
    rows = []
    for key in dict.fromkeys([*before.days, *after.days, *quick_before, *quick_after]):
        rep, new = after.days.get(key, (None, [0] * len(COUNTERS)))
        old_rep, old = before.days.get(key, (None, [0] * len(COUNTERS)))
        change = [a - b for a, b in zip(new, old, strict=True)]
        quick = quick_after.get(key, 0) - quick_before.get(key, 0)
        if any(change) or quick:
            row = dict(zip(COUNTERS, change, strict=True))
            row["revenue"] = Decimal(row["revenue"])
            rows.append(
                {
                    "rep_key": key[0],
                    "contact_date": key[1],
                    "rep": rep or old_rep or key[0],
                    **row,
                    "quick_quotes": quick,
                }
            )
    return rows


def _unless_found(updated: int, table: str, key: Sequence[str]) -> str:
    """The condition of the insert that follows an update of `table` from the changes d, which
    found `updated` of them: those not found. When it found none, that is all of them, without
    looking again (on a lake the look reads the table: 10-20 ms of a form's save)."""
    if updated == 0:
        return "true"
    match = " and ".join(f"k.{column} = d.{column}" for column in key)
    return f"not exists (select 1 from {table} as k where {match})"


def _drop_empty(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Remove the groups a write left without contacts. Not a `when matched ... then delete` in
    the merge before: a DuckLake store takes one update or delete action per merge. No other
    row has 0 contacts, so this removes only what that merge emptied."""
    con.execute(f"delete from {table} where contacts = 0")  # our own tables' names


def _apply(con: duckdb.DuckDBPyConnection, rows: list[dict[str, object]]) -> None:
    """Add the changes to kpi_day: a new row for a new rep and day, none left for an empty one."""
    if not rows:
        return
    columns = (*COUNTERS, "quick_quotes")
    # An update and an insert, not one merge: on a lake a merge that inserts writes a Parquet
    # file however small, and these two keep a form's save inline in the catalog.
    updated = con.execute(
        f"""
        update kpi_day as k set {", ".join(f"{c} = k.{c} + d.{c}" for c in columns)}
        from (select unnest($rows, recursive := true)) as d
        where k.rep_key = d.rep_key and k.contact_date = d.contact_date
        """,
        {"rows": rows},
    ).fetchone()[0]
    if updated < len(rows):  # (a rep's second contact of the day needs no insert)
        con.execute(
            f"""
            insert into kpi_day (rep_key, contact_date, rep, {", ".join(columns)})
            select d.rep_key, d.contact_date, d.rep, {", ".join(f"d.{c}" for c in columns)}
            from (select unnest($rows, recursive := true)) as d
            where {_unless_found(updated, "kpi_day", ("rep_key", "contact_date"))}
            """,
            {"rows": rows},
        )
    if any(row["contacts"] < 0 for row in rows):
        _drop_empty(con, "kpi_day")


def _apply_months(con: duckdb.DuckDBPyConnection, before: _State, after: _State) -> None:
    """Add the changes to account_month. The last date (and the spelling on it) only moves
    forward by itself; where a group lost its last contact (deleted, or moved to another date,
    rep or account) both are looked up again in the contacts (a scan, but only for such a
    delete or move)."""
    rows, lost = [], []
    for key in dict.fromkeys([*before.months, *after.months]):
        account, new, last = after.months.get(key, (None, [0] * len(MONTH_COUNTERS), None))
        _, old, old_last = before.months.get(key, (None, [0] * len(MONTH_COUNTERS), None))
        change = [a - b for a, b in zip(new, old, strict=True)]
        if any(change) or account is not None:
            rep_key, account_key, month = key
            row = dict(zip(MONTH_COUNTERS, change, strict=True))
            rows.append(
                {"rep_key": rep_key, "account_key": account_key, "month": month}
                | {"account": account, "last_contact": last, **row}
            )
        if old_last is not None and (last is None or last < old_last):
            lost.append({"rep_key": key[0], "account_key": key[1], "month": key[2]})
    if rows:
        # An update and an insert, not a merge: see _apply.
        updated = con.execute(
            f"""
            update account_month as k set
                {", ".join(f"{c} = k.{c} + d.{c}" for c in MONTH_COUNTERS)},
                account = case when d.last_contact::date >= k.last_contact then d.account
                               else k.account end,
                last_contact = greatest(k.last_contact, coalesce(d.last_contact::date, k.last_contact))
            from (select unnest($rows, recursive := true)) as d
            where k.rep_key = d.rep_key and k.account_key = d.account_key and k.month = d.month
            """,
            {"rows": rows},
        ).fetchone()[0]
        # (a group found only before the write is missing when the rollups are out of date:
        # then recount() will count it again anyway)
        if updated < len(rows):
            con.execute(
                f"""
                insert into account_month (rep_key, account_key, month, account,
                    {", ".join(MONTH_COUNTERS)}, last_contact)
                select d.rep_key, d.account_key, d.month, d.account,
                    {", ".join(f"d.{c}" for c in MONTH_COUNTERS)}, d.last_contact::date
                from (select unnest($rows, recursive := true)) as d
                where d.account is not null
                  and {_unless_found(updated, "account_month", ("rep_key", "account_key", "month"))}
                """,
                {"rows": rows},
            )
        if any(row["contacts"] < 0 for row in rows):
            _drop_empty(con, "account_month")
    if lost:
        con.execute(
            """
            update account_month as k set last_contact = m.last_contact, account = m.account
            from (
                select c.rep_key, c.account_key, l.month, max(c.contact_date) as last_contact,
                       arg_max(c.account, c.contact_date) as account
                from (select unnest($lost, recursive := true)) as l
                join contacts as c
                  on c.rep_key = l.rep_key and c.account_key = l.account_key
                 and c.contact_date >= l.month and c.contact_date < l.month + interval 1 month
                group by all
            ) as m
            where k.rep_key = m.rep_key and k.account_key = m.account_key and k.month = m.month
            """,
            {"lost": lost},
        )


# -- keeping them exact on a bulk write (an import) -----------------------------------------------

# Above this share of the contacts, a bulk write counts everything again: per row, the deltas
# cost about 2.4 times what a recount costs (200k rows into an empty database, in its
# transaction: the rollups took 4.1 s by deltas, 1.7 s by a recount, measured under load).
RECOUNT_SHARE = 0.4

# The temp tables a BulkChange works in, on the writing cursor (its own connection): the rows as
# they were before the write and are after it (read once: each scan of the contacts for them
# costs the more the more contacts there are), and the deltas of the quick quotes and months.
_BEFORE, _AFTER = "rollup_before", "rollup_after"
_QUICK, _MONTH = "rollup_quick", "rollup_month"

# Per account, the first and last date of the quotes and advances a write changed, as they were
# before (the old values it replaced) and are after; the quotes it can flip lie between the first
# and QUICK_QUOTE_DAYS after the last (as Change's _spans and _quick, for a set of rows).
_SPANS_OF = """
    select account_key, min(contact_date) as lo, max(contact_date) as hi
    from (
        select account_key, contact_date from {before} where {which}
        union all
        select account_key, contact_date from {after} where {which}
    )
    group by account_key
"""
_SPANS = _SPANS_OF.format(
    before=_BEFORE, after=_AFTER, which="quote_sent or commitment_level >= $advance"
)
# The same for the quote outcomes: per account the first and last date of a quote whose outcome
# the write can alter (as Change's outcome_rows).
_OUTCOME_SPANS = f"""
    select account_key,
           min(contact_date - case when revenue > 0 then {LONGEST} else 0 end) as lo,
           max(contact_date + case when commitment_level >= $advance then $quick_days else 0 end)
               as hi
    from (
        select account_key, contact_date, revenue, commitment_level, quote_sent from {_BEFORE}
        union all
        select account_key, contact_date, revenue, commitment_level, quote_sent from {_AFTER}
    )
    where quote_sent or commitment_level >= $advance or revenue > 0
    group by account_key
"""
_OUTCOMES = "rollup_outcomes"
_OUTCOMES_OF_SPANS = f"""
    select rep_key, contact_date, quick,
           {", ".join(f"{{sign}}{name} as {name}" for name in OUTCOME_COUNTS)}
    from ({outcomes_of_spans(_OUTCOME_SPANS)})
"""
_QUICK_OF_SPANS = f"""
    with span as ({_SPANS}),
    basis as (
        select b.*, s.lo
        from quick_basis as b join span as s on b.account_key = s.account_key
        where b.contact_date between s.lo - $quick_days and s.hi + $quick_days
    ),
    quick as ({QUICK_FLAGS_OF_BASIS.replace("select id,", "select id, lo,")})
    select rep_key, contact_date, {{sign}} count(*) filter (where is_quick) as quick_quotes
    from quick where quote_sent and contact_date >= lo group by all
"""
# A group's counters, the old values with a minus sign.
_NEGATED_DAY = ", ".join(f"-{name} as {name}" for name in COUNTERS)
_MONTH_LEVELS = ", ".join(
    f"count(*) filter (where commitment_level = {level}) as level_{level}"
    for level in LEVELS
    if level > 0
)


class BulkChange:
    """What Change does for one contact, for a whole file, in a few statements over sets.

    Create it in the writing transaction before the write, with a condition on contacts that
    holds for the contacts the write will replace (and only those); call done() after it with a
    condition that holds for every contact the write changed or added (and only those), with
    the parameters of each. A database without rollups makes both steps do nothing."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        replaced: str,
        params: dict[str, object] | None = None,
    ) -> None:
        self.con = con
        self.active = installed(con)
        if self.active:
            con.execute(
                f"create or replace temp table {_BEFORE} as select * from contacts where {replaced}",
                params or {},
            )

    def done(self, after: str, params: dict[str, object] | None = None) -> None:
        if not self.active:
            return
        con = self.con
        total = con.execute("select count(*) from contacts").fetchone()[0]
        # A bulk write's own rows are not worth copying when it is most of the contacts.
        params = params or {}
        touched = con.execute(f"select count(*) from contacts where {after}", params).fetchone()[0]
        if touched > RECOUNT_SHARE * total:
            recount(con)
        elif touched:
            con.execute(
                f"create or replace temp table {_AFTER} as select * from contacts where {after}",
                params,
            )
            self._deltas()
        for table in (_BEFORE, _AFTER, _QUICK, _MONTH, _OUTCOMES):
            con.execute(f"drop table if exists {table}")

    def _run(self, sql: str) -> None:
        """sql with those of the quick quote's constants that it names."""
        self.con.execute(sql, {k: v for k, v in _SCAN_PARAMS.items() if f"${k}" in sql})

    def _deltas(self) -> None:
        quick = _QUICK_OF_SPANS
        self._run(f"create or replace temp table {_QUICK} as {quick.replace('{sign}', '-')}")
        judged = _OUTCOMES_OF_SPANS
        self._run(f"create or replace temp table {_OUTCOMES} as {judged.replace('{sign}', '-')}")
        for table, columns, which in MIRRORS:
            self._run(f"delete from {table} where id in (select id from {_AFTER})")
            self._run(f"insert into {table} select {columns} from {_AFTER} where {which}")
        self._run(f"insert into {_QUICK} {quick.replace('{sign}', '')}")
        _refirst(self.con, f"select account_key from ({_SPANS})", {"advance": ADVANCE_LEVEL})
        self._run(f"insert into {_OUTCOMES} {judged.replace('{sign}', '')}")
        self._outcomes()
        self._days()
        self._months()
        self._run(
            f"""
            update rollup_state as s set contacts = s.contacts + d.contacts,
                id_sum = s.id_sum + d.id_sum, updated_sum = s.updated_sum + d.updated_sum
            from (
                select sum(contacts)::bigint as contacts, sum(id_sum)::decimal(38, 0) as id_sum,
                       sum(updated_sum)::decimal(38, 0) as updated_sum
                from (
                    select {_FINGERPRINT} from {_AFTER}
                    union all
                    select -contacts, -id_sum, -updated_sum
                    from (select {_FINGERPRINT} from {_BEFORE})
                )
            ) as d
            """
        )

    def _outcomes(self) -> None:
        sums = ", ".join(
            f"sum({c})::{'decimal(38, 2)' if c.startswith('revenue') else 'bigint'} as {c}"
            for c in OUTCOME_COUNTS
        )
        _merge_outcomes(
            self.con,
            f"""
            select rep_key, contact_date, quick, {sums} from {_OUTCOMES}
            group by all having {" or ".join(f"sum({c}) <> 0" for c in OUTCOME_COUNTS)}
            """,
            {},
        )

    def _days(self) -> None:
        columns = (*COUNTERS, "quick_quotes")
        self._run(
            f"""
            merge into kpi_day as k
            using (
                select rep_key, contact_date, arg_max(rep, new) as rep,
                       {", ".join(f"sum({name})::{'decimal(38, 2)' if name == 'revenue' else 'bigint'} as {name}" for name in columns)}
                from (
                    select rep_key, contact_date, any_value(rep) as rep, 2 as new, {DAY_COUNTS},
                           0 as quick_quotes
                    from {_AFTER} group by all
                    union all by name
                    select rep_key, contact_date, rep, 1 as new, {_NEGATED_DAY}, 0 as quick_quotes
                    from (
                        select rep_key, contact_date, any_value(rep) as rep, {DAY_COUNTS}
                        from {_BEFORE} group by all
                    )
                    union all by name
                    select rep_key, contact_date, rep_key as rep, 0 as new,
                           {", ".join(f"0 as {name}" for name in COUNTERS)}, quick_quotes
                    from {_QUICK}
                )
                group by rep_key, contact_date
                having {" or ".join(f"sum({name}) <> 0" for name in columns)}
            ) as d
            on k.rep_key = d.rep_key and k.contact_date = d.contact_date
            when matched then update set {", ".join(f"{c} = k.{c} + d.{c}" for c in columns)}
            when not matched then insert (rep_key, contact_date, rep, {", ".join(columns)})
                values (d.rep_key, d.contact_date, d.rep, {", ".join(f"d.{c}" for c in columns)})
            """
        )
        _drop_empty(self.con, "kpi_day")

    def _months(self) -> None:
        """As _apply_months, for the groups of a set of rows: the last date (and the spelling on
        it) moves forward by itself; a group whose old rows held a later date than its new ones
        has both looked up again in the contacts."""
        group = "rep_key, account_key, date_trunc('month', contact_date)::date as month"
        counts = f"count(*) as contacts, {_MONTH_LEVELS}, max(contact_date) as last_contact"
        self._run(
            f"""
            create or replace temp table {_MONTH} as
            with a as (
                select {group}, arg_max(account, contact_date) as account, {counts}
                from {_AFTER} group by all
            ),
            b as (select {group}, {counts} from {_BEFORE} group by all)
            select rep_key, account_key, month, a.account,
                   {", ".join(f"coalesce(a.{c}, 0) - coalesce(b.{c}, 0) as {c}" for c in MONTH_COUNTERS)},
                   a.last_contact,
                   b.last_contact is not null
                       and (a.last_contact is null or a.last_contact < b.last_contact) as lost
            from a full join b using (rep_key, account_key, month)
            """
        )
        self._run(
            f"""
            merge into account_month as k
            using (
                select * from {_MONTH}
                where account is not null or {" or ".join(f"{c} <> 0" for c in MONTH_COUNTERS)}
            ) as d
            on k.rep_key = d.rep_key and k.account_key = d.account_key and k.month = d.month
            when matched then update set
                {", ".join(f"{c} = k.{c} + d.{c}" for c in MONTH_COUNTERS)},
                account = case when d.last_contact >= k.last_contact then d.account
                               else k.account end,
                last_contact = greatest(k.last_contact, coalesce(d.last_contact, k.last_contact))
            when not matched and d.account is not null then insert (
                    rep_key, account_key, month, account,
                    {", ".join(MONTH_COUNTERS)}, last_contact)
                values (d.rep_key, d.account_key, d.month, d.account,
                    {", ".join(f"d.{c}" for c in MONTH_COUNTERS)}, d.last_contact)
            """
        )
        _drop_empty(self.con, "account_month")
        if not self.con.execute(f"select exists (select 1 from {_MONTH} where lost)").fetchone()[0]:
            return  # the repair's join reads the contacts even for no group
        self._run(
            f"""
            update account_month as k set last_contact = m.last_contact, account = m.account
            from (
                select c.rep_key, c.account_key, l.month, max(c.contact_date) as last_contact,
                       arg_max(c.account, c.contact_date) as account
                from (select * from {_MONTH} where lost) as l
                join contacts as c
                  on c.rep_key = l.rep_key and c.account_key = l.account_key
                 and c.contact_date >= l.month and c.contact_date < l.month + interval 1 month
                group by all
            ) as m
            where k.rep_key = m.rep_key and k.account_key = m.account_key and k.month = m.month
            """
        )
