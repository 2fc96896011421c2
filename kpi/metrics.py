"""KPI queries: a connection, a window and filters in; one number set or one named DataFrame out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

import duckdb
import numpy as np
import pandas as pd

from kpi import rollups
from kpi.fields import ADVANCE_LEVEL, LEVELS, WHITESPACE
from kpi.rollups import DAY_COUNTS, LEVEL_COLUMNS, QUICK_COUNTS, QUICK_FLAGS

ACTIVITY_KEYS: tuple[str, ...] = ("contacts", "calls", "appointments", "quotes", "revenue")
COMMITMENT_KEYS: tuple[str, ...] = (
    "commitment_rate",
    "advance_rate",
    "avg_commitment",
    "follow_through",
    "quick_quote_share",
    "reflection_rate",
    "learning_moments",
)
KPI_KEYS: tuple[str, ...] = ACTIVITY_KEYS + COMMITMENT_KEYS
# What the commitment KPIs stand on: the share of contacts whose level is recorded (a CRM's
# export brings none). Reported next to the twelve, not one of them (goals, tiles, tables).
COVERAGE_KEYS: tuple[str, ...] = ("recorded_share",)
SUMMARY_KEYS: tuple[str, ...] = KPI_KEYS + COVERAGE_KEYS
RATIO_KEYS: frozenset[str] = frozenset(
    {
        "recorded_share",
        "commitment_rate",
        "advance_rate",
        "follow_through",
        "quick_quote_share",
        "reflection_rate",
    }
)


@dataclass(frozen=True)
class Window:
    """Inclusive dates on contact_date; None means open-ended."""

    start: dt.date | None = None
    end: dt.date | None = None

    def previous(self) -> Window | None:
        """The equal-length window just before this one (None when open-ended)."""
        if self.start is None or self.end is None:
            return None
        length = (self.end - self.start).days + 1
        return Window(self.start - dt.timedelta(days=length), self.start - dt.timedelta(days=1))


@dataclass(frozen=True)
class Filters:
    """Which contacts count: reps (matched trimmed and case-folded) and a roster team."""

    reps: tuple[str, ...] = ()
    team: str | None = None

    def with_rep(self, rep: str | None) -> Filters:
        return replace(self, reps=(rep,) if rep else ())


ALL = Filters()


def window_for(kind: str, today: dt.date) -> Window:
    """Named windows as a Dutch team counts them: ISO week (Monday first), month, quarter, year."""
    if kind == "week":
        start = today - dt.timedelta(days=today.isoweekday() - 1)
        return Window(start, start + dt.timedelta(days=6))
    if kind == "month":
        start = today.replace(day=1)
        nxt = (start + dt.timedelta(days=32)).replace(day=1)
        return Window(start, nxt - dt.timedelta(days=1))
    if kind == "quarter":
        q0 = 3 * ((today.month - 1) // 3) + 1
        start = today.replace(month=q0, day=1)
        nxt = (start + dt.timedelta(days=95)).replace(day=1)
        return Window(start, nxt - dt.timedelta(days=1))
    if kind == "year":
        return Window(dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))
    if kind == "all":
        return Window()
    raise ValueError(f"unknown window {kind!r}")


# -- the shared pieces of every query ------------------------------------------------------------

# Reps on the roster, by e-mail and by name (both matched trimmed and case-folded).
REP_DIM_SQL = """
rep_dim as (
    select distinct on (key) key, name, team, role from (
        -- each roster row by its e-mail and by its name, in one read of the roster (on a lake
        -- each read of a table costs 5-7 ms, and a team filter reads rep_dim several times)
        select unnest([email_key, lower(trim(name))]) as key, unnest([0, 1]) as pref,
               name, team, role
        from roster
    ) order by key, pref
)
"""

# The window and filters, on contacts and on the rollups alike (both have the two columns).
WHERE_SQL = """
    ($start is null or contact_date >= $start)
      and ($end is null or contact_date <= $end)
      and (len($reps) = 0 or list_contains($reps, rep_key))
      and ($team is null or rep_key in (
            select key from rep_dim where lower(trim(team)) = lower(trim($team))))
"""

FILTERED_SQL = f"""
c as (select * from contacts where {WHERE_SQL})
"""

# A quote is quick when no contact of its account (any rep, any window) reached the advance level
# in the QUICK_QUOTE_DAYS days up to and including the quote's date. Only contacts from
# QUICK_QUOTE_DAYS before the window up to its end can decide that, so only those are joined.
QUICK_SQL = f"""
adv as (
    select account_key, contact_date from contacts
    where commitment_level >= $advance
      and ($start is null or contact_date >= $start::date - $quick_days)
      and ($end is null or contact_date <= $end)
),
q as (select id, rep_key, account_key, contact_date from c where quote_sent),
quick as ({QUICK_FLAGS})
"""

# Every KPI is a count, a sum or a ratio of two, so the contacts are counted once per rep and day
# (a few thousand rows, however many contacts there are) and every grouping is a sum over those.
# From the contacts themselves, or from the same counts kept in the rollups (kpi.rollups).
COUNTS_SQL = f"""
quick_counts as ({QUICK_COUNTS}),
counts as (
    select day.*, coalesce(quick_counts.quick_quotes, 0) as quick_quotes
    from (select rep_key, contact_date, any_value(rep) as rep, {DAY_COUNTS} from c group by all)
        as day
    left join quick_counts using (rep_key, contact_date)
)
"""
ROLLUP_COUNTS_SQL = f"""
counts as (
    select rep_key, contact_date, any_value(rep) as rep,
           {", ".join(f"sum({n}) as {n}" for n in (*rollups.COUNTERS, "quick_quotes"))}
    from kpi_day where {WHERE_SQL}
    group by all
)
"""

# The period splits a comparison into the window ('current') and the one before it ('previous').
COUNTED_SQL = """
counted as (
    select
        counts.*,
        if($current_start is null or contact_date >= $current_start, 'current', 'previous')
            as period,
        isoyear(contact_date) as iso_year,
        week(contact_date) as iso_week,
        date_trunc('week', contact_date)::date as week_start,
        r.name as roster_name,
        r.team as roster_team,
        coalesce(r.team, '') as team
    from counts
    left join rep_dim as r on r.key = counts.rep_key
)
"""

# Levels are counted one column per level (0 is what is left); these add them up again.
COMMITTED = " + ".join(LEVEL_COLUMNS)
ADVANCED = " + ".join(f"level_{level}" for level in LEVELS if level >= ADVANCE_LEVEL)
LEVELS_SUM = " + ".join(f"{level} * level_{level}" for level in LEVELS if level > 0)

# Each group holds at least one contact, so only the commitment KPIs (over contacts whose level
# is recorded), follow-through and quick quotes can divide by 0.
_KPI_SUMS = f"""
    sum(contacts)::bigint as contacts,
    sum(calls)::bigint as calls,
    sum(appointments)::bigint as appointments,
    sum(quotes)::bigint as quotes,
    coalesce(sum(revenue), 0)::double as revenue,
    sum({COMMITTED}) / nullif(sum(recorded), 0) as commitment_rate,
    sum({ADVANCED}) / nullif(sum(recorded), 0) as advance_rate,
    sum({LEVELS_SUM}) / nullif(sum(recorded), 0) as avg_commitment,
    sum(recorded) / sum(contacts) as recorded_share,
    sum(kept) / nullif(sum(settled), 0) as follow_through,
    sum(quick_quotes) / nullif(sum(quotes), 0) as quick_quote_share,
    sum(reflected) / sum(contacts) as reflection_rate,
    sum(learning_moments)::bigint as learning_moments,
    sum(quick_quotes)::bigint as quick_quotes
"""

# Every grouping of every period, from the few thousand rows of counted: summing them costs next
# to nothing, so one query serves kpi_frame(by=...) and the dashboard alike.
_KPI_SELECT = f"""
select
    period,
    case
        when grouping(rep_key) = 0 then 'rep'
        when grouping(iso_year) = 0 then 'week'
        when grouping(team) = 0 then 'team'
        else 'none'
    end as grouping_name,
    rep_key,
    coalesce(any_value(roster_name), any_value(rep)) as rep_name,
    any_value(roster_team) as rep_team,
    iso_year,
    iso_week,
    min(week_start) as week_start,
    team,
    {_KPI_SUMS}
from counted
group by grouping sets ((period), (period, rep_key), (period, iso_year, iso_week), (period, team))
order by period, grouping_name, iso_year, iso_week, team, rep_name
"""
KPI_SQL = (
    f"with {REP_DIM_SQL}, {FILTERED_SQL}, {QUICK_SQL}, {COUNTS_SQL}, {COUNTED_SQL} {_KPI_SELECT}"
)
KPI_ROLLUP_SQL = f"with {REP_DIM_SQL}, {ROLLUP_COUNTS_SQL}, {COUNTED_SQL} {_KPI_SELECT}"
# Only the totals per period: what summary() and compare() need, without a DataFrame.
_SUMMARY_SELECT = f"select period, {_KPI_SUMS} from counted group by period"
SUMMARY_SQL = (
    f"with {REP_DIM_SQL}, {FILTERED_SQL}, {QUICK_SQL}, {COUNTS_SQL}, {COUNTED_SQL}"
    f" {_SUMMARY_SELECT}"
)
SUMMARY_ROLLUP_SQL = f"with {REP_DIM_SQL}, {ROLLUP_COUNTS_SQL}, {COUNTED_SQL} {_SUMMARY_SELECT}"

# grouping -> the columns its frame starts with
_GROUPINGS: dict[str, tuple[str, ...]] = {
    "none": (),
    "rep": ("rep_key", "rep_name", "rep_team"),
    "week": ("iso_year", "iso_week", "week_start"),
    "team": ("team",),
}
FRAME_KPIS: tuple[str, ...] = (*SUMMARY_KEYS, "quick_quotes")
COUNT_KEYS: frozenset[str] = frozenset(
    {"contacts", "calls", "appointments", "quotes", "learning_moments", "quick_quotes"}
)


def query_params(window: Window, filters: Filters, **extra: object) -> dict[str, object]:
    return {
        "start": window.start,
        "end": window.end,
        "reps": [r.strip(WHITESPACE).lower() for r in filters.reps],
        "team": filters.team,
        **extra,
    }


def _empty_totals() -> pd.DataFrame:
    """The one row of KPIs over no contacts: counts 0, ratios undefined."""
    return pd.DataFrame(
        [{key: 0 if key in COUNT_KEYS else 0.0 if key == "revenue" else None for key in FRAME_KPIS}]
    ).astype({key: "float64" for key in FRAME_KPIS if key not in COUNT_KEYS})


def _column(values: tuple[object, ...], duckdb_type: str) -> object:
    """One column of a small result as .df() would give it: int64 (float64 when it holds a
    null), float64 for decimals and doubles, datetime64[us] for dates, else pandas' str."""
    if duckdb_type in _INT_TYPES:
        return np.array(values, dtype="float64" if None in values else "int64")
    if duckdb_type in ("DOUBLE", "FLOAT") or duckdb_type.startswith("DECIMAL"):
        return np.array(values, dtype="float64")
    if duckdb_type == "DATE":
        return np.array(values, dtype="datetime64[us]")
    if duckdb_type == "VARCHAR":
        return pd.array(values, dtype="str")
    raise TypeError(f"no column type for DuckDB's {duckdb_type}")  # a new KPI column: add it


_INT_TYPES = frozenset({"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UBIGINT"})


@dataclass(frozen=True)
class _Parts:
    """A KPI result cut up: a DataFrame per (period, grouping) asked for, and each period's
    totals row (grouping "none") as a plain dict, None when the period has no contacts."""

    frames: dict[tuple[str, str], pd.DataFrame]
    totals: dict[str, dict[str, object] | None]


def _parts_of(
    wanted: set[tuple[str, str]],
) -> Callable[[duckdb.DuckDBPyConnection], _Parts]:
    """A fetch for rollups.read: the KPI rows cut into _Parts, rep_team named team.
    Built from plain columns: the result is small (a row per week, rep or team), and .df() with
    pandas' own splitting cost more than the query itself (bench/RESULTS.md, section 2)."""

    def fetch(result: duckdb.DuckDBPyConnection) -> _Parts:
        names = [column[0] for column in result.description]
        types = {column[0]: str(column[1]) for column in result.description}
        parts: dict[tuple[str, str], list[tuple]] = {key: [] for key in wanted}
        for row in result.fetchall():
            if (row[0], row[1]) in parts:
                parts[row[0], row[1]].append(row)
        frames, totals = {}, {}
        for (period, name), rows in parts.items():
            if name == "none":
                totals[period] = dict(zip(names, rows[0], strict=True)) if rows else None
                continue
            found = dict(zip(names, zip(*rows, strict=True), strict=True)) if rows else {}
            frames[period, name] = pd.DataFrame(
                {
                    _RENAMED.get(column, column): _column(found.get(column, ()), types[column])
                    for column in (*_GROUPINGS[name], *FRAME_KPIS)
                }
            )
        return _Parts(frames, totals)

    return fetch


_RENAMED = {"rep_team": "team"}


def _kpi_parts(
    con: duckdb.DuckDBPyConnection,
    window: Window,
    filters: Filters,
    wanted: tuple[tuple[str, str], ...],
) -> _Parts:
    """One query, the KPI parts `wanted` as (grouping, period) pairs; period "previous" is
    Window.previous(), there only when asked for and the window is closed."""
    before = window.previous() if any(period == "previous" for _, period in wanted) else None
    params = query_params(
        Window(before.start if before else window.start, window.end),
        filters,
        current_start=window.start if before else None,
    )
    keys = {(period, name) for name, period in wanted if before or period != "previous"}
    return rollups.read(con, KPI_ROLLUP_SQL, KPI_SQL, params, _parts_of(keys))


def _totals_frame(row: dict[str, object] | None) -> pd.DataFrame:
    """kpi_frame(by="none"): the totals row as a one-row frame."""
    if row is None:
        return _empty_totals()
    kpis = _kpi_values(row)
    return pd.DataFrame(
        {
            key: np.array(
                [row[key] if key == "quick_quotes" else kpis[key]],
                dtype="int64" if key in COUNT_KEYS else "float64",
            )
            for key in FRAME_KPIS
        }
    )


def kpi_frame(
    con: duckdb.DuckDBPyConnection,
    window: Window = Window(),
    filters: Filters = ALL,
    by: str = "none",
) -> pd.DataFrame:
    """All 12 KPIs (plus quick_quotes) for the window, one row per group: none, rep, week or team."""
    if by not in _GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    parts = _kpi_parts(con, window, filters, ((by, "current"),))
    return _totals_frame(parts.totals["current"]) if by == "none" else parts.frames["current", by]


def _kpi_values(row: dict[str, object] | None) -> dict[str, float | int | None]:
    """The 12 KPIs of a totals row: counts as int, the rest as float, None when undefined; for
    a period without contacts (no row) counts 0, revenue 0.0 and ratios undefined."""
    if row is None:
        return {k: 0 if k in COUNT_KEYS else 0.0 if k == "revenue" else None for k in SUMMARY_KEYS}
    return {
        key: None if row[key] is None else int(row[key]) if key in COUNT_KEYS else float(row[key])
        for key in SUMMARY_KEYS
    }


def summary(
    con: duckdb.DuckDBPyConnection, window: Window = Window(), filters: Filters = ALL
) -> dict[str, float | int | None]:
    """The 12 KPIs of DOMAIN.md for a window and filters, and recorded_share; ratios in 0..1,
    None when undefined."""
    return _summaries(con, window, filters)["current"]


def _summaries(
    con: duckdb.DuckDBPyConnection, window: Window, filters: Filters, with_previous: bool = False
) -> dict[str, dict[str, float | int | None]]:
    """summary() per period: "current", and "previous" (Window.previous()) when asked for and
    the window is closed."""
    before = window.previous() if with_previous else None
    params = query_params(
        Window(before.start if before else window.start, window.end),
        filters,
        current_start=window.start if before else None,
    )

    def fetch(result: duckdb.DuckDBPyConnection) -> dict[str, dict[str, object]]:
        names = [column[0] for column in result.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in result.fetchall()}

    rows = rollups.read(con, SUMMARY_ROLLUP_SQL, SUMMARY_SQL, params, fetch)
    return {
        period: _kpi_values(rows.get(period))
        for period in (("current", "previous") if before else ("current",))
    }


def ladder(
    con: duckdb.DuckDBPyConnection, window: Window = Window(), filters: Filters = ALL
) -> pd.DataFrame:
    """Contacts per commitment level 0..4 (every level present, zero when unused); contacts
    whose level is not recorded are on no step."""
    return rollups.read(con, LADDER_ROLLUP_SQL, LADDER_SQL, query_params(window, filters))


LADDER_SQL = f"""
with {REP_DIM_SQL}, {FILTERED_SQL}
select l.level as commitment_level, count(c.id) as contacts_count
from range(0, 5) as l(level) left join c on c.commitment_level = l.level
group by l.level order by l.level
"""
LADDER_ROLLUP_SQL = f"""
with {REP_DIM_SQL},
t as (
    select coalesce(sum(recorded), 0) as recorded,
           {", ".join(f"coalesce(sum({n}), 0) as {n}" for n in LEVEL_COLUMNS)}
    from kpi_day where {WHERE_SQL}
)
select l.level as commitment_level,
       (case l.level when 0 then t.recorded - ({COMMITTED})
        {" ".join(f"when {level} then level_{level}" for level in LEVELS if level > 0)}
        end)::bigint as contacts_count
from range(0, 5) as l(level), t
order by l.level
"""


def momentum(
    con: duckdb.DuckDBPyConnection,
    window: Window,
    filters: Filters = ALL,
    limit: int | None = None,
) -> pd.DataFrame:
    """Accounts whose highest level in the window beats their highest level before it, the
    biggest climb first: the first `limit` of them (all when None), and in total_count how many
    there are in all.

    An account with no contact before the window counts from level 0, so a first contact needs
    level 1 or more to show momentum.
    """
    params = query_params(window, filters, limit=limit)
    return rollups.read(
        con, MOMENTUM_ROLLUP_SQL, MOMENTUM_SQL, params, usable=_whole_months(window)
    )


# Per account: its highest level in the window (inside) against before it (before), from the
# contacts or from account_month; level 0 before the window counts as no contact before it. An
# account is named as spelled on its latest contact in the window, as on the form's list.
_MOMENTUM_TAIL = """
moved as (
    select i.account, coalesce(b.level_before, 0)::tinyint as level_before,
           i.level_in_window, i.contacts_count, i.last_contact
    from inside as i left join before as b using (account_key)
    where i.level_in_window > coalesce(b.level_before, 0)
)
select *, (select count(*) from moved) as total_count
from moved
order by level_in_window - level_before desc, account
limit $limit
"""
MOMENTUM_SQL = f"""
with {REP_DIM_SQL}, {FILTERED_SQL},
inside as (
    select account_key, arg_max(account, contact_date) as account,
           max(commitment_level) as level_in_window, count(*) as contacts_count,
           max(contact_date) as last_contact
    from c group by account_key
),
before as (
    select account_key, max(commitment_level) as level_before
    from contacts
    where $start is not null and contact_date < $start and commitment_level > 0
    group by account_key
),
{_MOMENTUM_TAIL}
"""
# account_month's month stands in for the date: a window of whole months selects the same rows.
_MONTHS_SQL = f"""
c as (select * from (select *, month as contact_date from account_month) where {WHERE_SQL})
"""
MOMENTUM_ROLLUP_SQL = f"""
with {REP_DIM_SQL}, {_MONTHS_SQL},
inside as (
    select account_key, arg_max(account, last_contact) as account,
           ({rollups.TOP_LEVEL})::tinyint as level_in_window,
           sum(contacts)::bigint as contacts_count, max(last_contact) as last_contact
    from c group by account_key
),
before as (
    select account_key, ({rollups.TOP_LEVEL})::tinyint as level_before
    from account_month
    where $start is not null and month < $start
    group by account_key
),
{_MOMENTUM_TAIL}
"""


def _whole_months(window: Window) -> Callable[[duckdb.DuckDBPyConnection], bool]:
    """For rollups.read: whether account_month holds exactly the contacts of `window`, in the
    rollups' snapshot. It does when the window starts on the first of a month (or has no start)
    and ends on the last day of one, or after the last contact (a quarter up to today)."""

    def usable(cur: duckdb.DuckDBPyConnection) -> bool:
        if window.start is not None and window.start.day != 1:
            return False
        if window.end is None or (window.end + dt.timedelta(days=1)).day == 1:
            return True
        last = cur.execute("select max(contact_date) from kpi_day").fetchone()[0]
        return last is None or window.end >= last

    return usable


def overdue(
    con: duckdb.DuckDBPyConnection,
    filters: Filters = ALL,
    today: dt.date | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Open commitments whose due date has passed, oldest first: the first `limit` of them (all
    when None), and in total_count how many there are in all."""
    params = query_params(Window(), filters, today=today or dt.date.today(), limit=limit)
    return rollups.read(con, OVERDUE_ROLLUP_SQL, OVERDUE_SQL, params)


# Open commitments of `o` (the contacts, or the rollups' copy of the open ones) past due.
_OVERDUE_SQL = """
due as (
    select o.id, coalesce(r.name, o.rep) as rep_name, o.account, o.contact_person,
           o.contact_date, o.commitment_level, o.commitment, o.commitment_due,
           ($today - o.commitment_due) as days_overdue
    from o left join rep_dim as r on r.key = o.rep_key
    where o.commitment_due < $today
)
-- Counted apart: count(*) over () would first materialise the whole list.
select *, (select count(*) from due) as total_count
from due
order by commitment_due, id
limit $limit
"""
OVERDUE_SQL = f"""
with {REP_DIM_SQL}, {FILTERED_SQL},
o as (select * from c where commitment_status = 'open'),
{_OVERDUE_SQL}
"""
OVERDUE_ROLLUP_SQL = f"""
with {REP_DIM_SQL},
o as (select * from open_commitments where {WHERE_SQL}),
{_OVERDUE_SQL}
"""


def account_levels(
    con: duckdb.DuckDBPyConnection,
    window: Window = Window(),
    filters: Filters = ALL,
    accounts: int = 15,
) -> pd.DataFrame:
    """Per account and month the highest level reached, for the most active accounts."""
    params = query_params(window, filters, limit=accounts)
    return rollups.read(
        con, ACCOUNT_LEVELS_ROLLUP_SQL, ACCOUNT_LEVELS_SQL, params, usable=_whole_months(window)
    )


ACCOUNT_LEVELS_SQL = f"""
with {REP_DIM_SQL}, {FILTERED_SQL},
top as (
    select account_key from c group by account_key
    order by count(*) desc, account_key limit $limit
)
select arg_max(c.account, c.contact_date) over (partition by c.account_key) as account,
       date_trunc('month', c.contact_date)::date as month_start,
       -- 0 when no level is recorded, as account_month counts it
       coalesce(max(c.commitment_level) over (partition by c.account_key, month_start), 0)::tinyint
           as max_level
from c semi join top using (account_key)
qualify row_number() over (partition by c.account_key, month_start) = 1
order by account, month_start
"""
ACCOUNT_LEVELS_ROLLUP_SQL = f"""
with {REP_DIM_SQL}, {_MONTHS_SQL},
top as (
    select account_key from c group by account_key
    order by sum(contacts) desc, account_key limit $limit
),
picked as (select * from c semi join top using (account_key)),
names as (select account_key, arg_max(account, last_contact) as account from picked group by account_key)
select n.account, p.month as month_start, ({rollups.TOP_LEVEL})::tinyint as max_level
from picked as p join names as n using (account_key)
group by p.account_key, n.account, p.month
order by account, month_start
"""


def reps(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every rep seen in contacts or on the roster: key, display name, team."""
    return (
        con.cursor()
        .execute(
            f"""
            with {REP_DIM_SQL},
            seen as (select rep_key as key, any_value(rep) as rep from contacts group by rep_key)
            select coalesce(s.key, r.key) as rep_key, coalesce(r.name, s.rep) as rep_name, r.team
            from seen as s full join (select * from rep_dim) as r on r.key = s.key
            where r.role is null or r.role in ('rep', 'trainer') or s.key is not null
            qualify row_number() over (partition by coalesce(r.name, s.rep) order by s.key nulls last) = 1
            order by rep_name
            """
        )
        .df()
    )


def teams(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The teams on the roster."""
    rows = con.cursor().execute(
        "select distinct team from roster where nullif(trim(team), '') is not null order by team"
    )
    return [r[0] for r in rows.fetchall()]


# -- the dashboard ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """The 12 KPIs of a window next to those of the equal window before it (None when open)."""

    current: dict[str, float | int | None]
    previous: dict[str, float | int | None] | None

    def change(self, key: str) -> float | None:
        """current - previous; for ratios a difference of 0..1 shares (x 100 = points)."""
        if self.previous is None:
            return None
        now, before = self.current[key], self.previous[key]
        if now is None or before is None:
            return None
        return now - before


def compare(
    con: duckdb.DuckDBPyConnection, window: Window = Window(), filters: Filters = ALL
) -> Comparison:
    """summary() for the window and for Window.previous(), with the change per KPI (one query)."""
    periods = _summaries(con, window, filters, with_previous=True)
    return Comparison(current=periods["current"], previous=periods.get("previous"))


@dataclass(frozen=True, eq=False)
class DashboardKpis:
    """What the dashboard's KPI tiles and charts show, computed in one pass over the contacts."""

    comparison: Comparison
    weekly: pd.DataFrame  # kpi_frame(by="week")
    per_rep: pd.DataFrame  # kpi_frame(by="rep")


def dashboard_kpis(
    con: duckdb.DuckDBPyConnection, window: Window = Window(), filters: Filters = ALL
) -> DashboardKpis:
    """compare(), kpi_frame(by="week") and kpi_frame(by="rep") for a window, from one query."""
    wanted = (("none", "current"), ("none", "previous"), ("week", "current"), ("rep", "current"))
    parts = _kpi_parts(con, window, filters, wanted)
    return DashboardKpis(
        comparison=Comparison(
            current=_kpi_values(parts.totals["current"]),
            previous=_kpi_values(parts.totals["previous"]) if "previous" in parts.totals else None,
        ),
        weekly=parts.frames["current", "week"],
        per_rep=parts.frames["current", "rep"],
    )


def contact_span(con: duckdb.DuckDBPyConnection) -> dict[str, dt.date | int | None]:
    """How many contacts there are and the first and last contact date (None when empty)."""
    contacts_count, first, last = (
        con.cursor()
        .execute("select count(*), min(contact_date), max(contact_date) from contacts")
        .fetchone()
    )
    return {"contacts": int(contacts_count), "first": first, "last": last}
