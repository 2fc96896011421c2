"""KPI queries: a connection, a window and filters in; one number set or one named DataFrame out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import duckdb
import pandas as pd

from kpi.fields import ADVANCE_LEVEL, WHITESPACE

QUICK_QUOTE_DAYS = 90

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
RATIO_KEYS: frozenset[str] = frozenset(
    {
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
        select email_key as key, name, team, role, 0 as pref from roster
        union all
        select lower(trim(name)), name, team, role, 1 from roster
    ) order by key, pref
)
"""

FILTERED_SQL = """
c as (
    select * from contacts
    where ($start is null or contact_date >= $start)
      and ($end is null or contact_date <= $end)
      and (len($reps) = 0 or list_contains($reps, rep_key))
      and ($team is null or rep_key in (
            select key from rep_dim where lower(trim(team)) = lower(trim($team))))
)
"""

# A quote is quick when no contact of its account (any rep, any window) reached the advance level
# in the QUICK_QUOTE_DAYS days up to and including the quote's date.
QUICK_SQL = """
adv as (
    select account_key, contact_date from contacts where commitment_level >= $advance
),
q as (select id, account_key, contact_date from c where quote_sent),
quick as (
    select q.id, (a.contact_date is null or a.contact_date < q.contact_date - $quick_days) as is_quick
    from q asof left join adv as a
      on q.account_key = a.account_key and q.contact_date >= a.contact_date
)
"""

_KPI_AGGREGATES = """
    count(*) as contacts,
    count(*) filter (where channel = 'phone') as calls,
    count(*) filter (where appointment_planned) as appointments,
    count(*) filter (where quote_sent) as quotes,
    coalesce(sum(revenue), 0)::double as revenue,
    avg((commitment_level >= 1)::int) as commitment_rate,
    avg((commitment_level >= $advance)::int) as advance_rate,
    avg(commitment_level) as avg_commitment,
    count(*) filter (where commitment_status = 'kept')
        / nullif(count(*) filter (where commitment_status in ('kept', 'broken')), 0) as follow_through,
    count(*) filter (where quick.is_quick)
        / nullif(count(*) filter (where quote_sent), 0) as quick_quote_share,
    avg((would_repeat is not null)::int) as reflection_rate,
    count(*) filter (where would_repeat in ('no', 'partly') or nullif(trim(lesson), '') is not null)
        as learning_moments,
    count(*) filter (where quick.is_quick) as quick_quotes
"""

_GROUPINGS: dict[str, tuple[str, str]] = {
    # name -> (select columns, group/order columns)
    "none": ("", ""),
    "rep": (
        "c.rep_key, coalesce(any_value(r.name), any_value(c.rep)) as rep_name, any_value(r.team) as team,",
        "group by c.rep_key order by rep_name",
    ),
    "week": (
        "isoyear(c.contact_date) as iso_year, week(c.contact_date) as iso_week,"
        " min(date_trunc('week', c.contact_date))::date as week_start,",
        "group by iso_year, iso_week order by iso_year, iso_week",
    ),
    "team": (
        "coalesce(r.team, '') as team,",
        "group by all order by team",
    ),
}


def query_params(window: Window, filters: Filters, **extra: object) -> dict[str, object]:
    return {
        "start": window.start,
        "end": window.end,
        "reps": [r.strip(WHITESPACE).lower() for r in filters.reps],
        "team": filters.team,
        **extra,
    }


def _kpi_sql(group: str) -> str:
    select, tail = _GROUPINGS[group]
    return f"""
    with {REP_DIM_SQL}, {FILTERED_SQL}, {QUICK_SQL}
    select {select} {_KPI_AGGREGATES}
    from c left join quick using (id) left join rep_dim as r on r.key = c.rep_key
    {tail}
    """


def kpi_frame(
    con: duckdb.DuckDBPyConnection,
    window: Window = Window(),
    filters: Filters = ALL,
    by: str = "none",
) -> pd.DataFrame:
    """All 12 KPIs (plus quick_quotes) for the window, one row per group: none, rep, week or team."""
    if by not in _GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    return (
        con.cursor()
        .execute(
            _kpi_sql(by),
            query_params(window, filters, advance=ADVANCE_LEVEL, quick_days=QUICK_QUOTE_DAYS),
        )
        .df()
    )


def summary(
    con: duckdb.DuckDBPyConnection, window: Window = Window(), filters: Filters = ALL
) -> dict[str, float | int | None]:
    """The 12 KPIs of DOMAIN.md for a window and filters; ratios in 0..1, None when undefined."""
    row = kpi_frame(con, window, filters).iloc[0]
    out: dict[str, float | int | None] = {}
    for key in KPI_KEYS:
        value = row[key]
        if pd.isna(value):
            out[key] = None
        elif key in ("contacts", "calls", "appointments", "quotes", "learning_moments"):
            out[key] = int(value)
        else:
            out[key] = float(value)
    return out


def ladder(
    con: duckdb.DuckDBPyConnection, window: Window = Window(), filters: Filters = ALL
) -> pd.DataFrame:
    """Contacts per commitment level 0..4 (every level present, zero when unused)."""
    return (
        con.cursor()
        .execute(
            f"""
            with {REP_DIM_SQL}, {FILTERED_SQL}
            select l.level as commitment_level, count(c.id) as contacts_count
            from range(0, 5) as l(level) left join c on c.commitment_level = l.level
            group by l.level order by l.level
            """,
            query_params(window, filters),
        )
        .df()
    )


def momentum(
    con: duckdb.DuckDBPyConnection, window: Window, filters: Filters = ALL
) -> pd.DataFrame:
    """Accounts whose highest level in the window beats their highest level before it.

    An account with no contact before the window counts from level 0, so a first contact needs
    level 1 or more to show momentum.
    """
    return (
        con.cursor()
        .execute(
            f"""
            with {REP_DIM_SQL}, {FILTERED_SQL},
            inside as (
                select account_key, any_value(account) as account,
                       max(commitment_level) as level_in_window, count(*) as contacts_count,
                       max(contact_date) as last_contact
                from c group by account_key
            ),
            before as (
                select account_key, max(commitment_level) as level_before
                from contacts where $start is not null and contact_date < $start
                group by account_key
            )
            select i.account, coalesce(b.level_before, 0) as level_before, i.level_in_window,
                   i.contacts_count, i.last_contact
            from inside as i left join before as b using (account_key)
            where i.level_in_window > coalesce(b.level_before, 0)
            order by i.level_in_window - coalesce(b.level_before, 0) desc, i.account
            """,
            query_params(window, filters),
        )
        .df()
    )


def overdue(
    con: duckdb.DuckDBPyConnection, filters: Filters = ALL, today: dt.date | None = None
) -> pd.DataFrame:
    """Open commitments whose due date has passed, oldest first."""
    today = today or dt.date.today()
    return (
        con.cursor()
        .execute(
            f"""
            with {REP_DIM_SQL}, {FILTERED_SQL}
            select c.id, coalesce(r.name, c.rep) as rep_name, c.account, c.contact_person,
                   c.contact_date, c.commitment_level, c.commitment, c.commitment_due,
                   ($today - c.commitment_due) as days_overdue
            from c left join rep_dim as r on r.key = c.rep_key
            where c.commitment_status = 'open' and c.commitment_due < $today
            order by c.commitment_due, c.id
            """,
            query_params(Window(), filters, today=today),
        )
        .df()
    )


def account_levels(
    con: duckdb.DuckDBPyConnection,
    window: Window = Window(),
    filters: Filters = ALL,
    accounts: int = 15,
) -> pd.DataFrame:
    """Per account and month the highest level reached, for the most active accounts."""
    return (
        con.cursor()
        .execute(
            f"""
            with {REP_DIM_SQL}, {FILTERED_SQL},
            top as (
                select account_key from c group by account_key
                order by count(*) desc, account_key limit $limit
            )
            select any_value(c.account) over (partition by c.account_key) as account,
                   date_trunc('month', c.contact_date)::date as month_start,
                   max(c.commitment_level) over (partition by c.account_key, month_start) as max_level
            from c semi join top using (account_key)
            qualify row_number() over (partition by c.account_key, month_start) = 1
            order by account, month_start
            """,
            query_params(window, filters, limit=accounts),
        )
        .df()
    )


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
    """summary() for the window and for Window.previous(), with the change per KPI."""
    before = window.previous()
    return Comparison(
        current=summary(con, window, filters),
        previous=summary(con, before, filters) if before is not None else None,
    )


def contact_span(con: duckdb.DuckDBPyConnection) -> dict[str, dt.date | int | None]:
    """How many contacts there are and the first and last contact date (None when empty)."""
    contacts_count, first, last = (
        con.cursor()
        .execute("select count(*), min(contact_date), max(contact_date) from contacts")
        .fetchone()
    )
    return {"contacts": int(contacts_count), "first": first, "last": last}
