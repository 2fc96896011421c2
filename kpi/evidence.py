"""Does commitment pay? Quick against considered quotes: how often each is followed by revenue."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import duckdb
import pandas as pd

from kpi import rollups
from kpi.metrics import (
    ALL,
    FILTERED_SQL,
    REP_DIM_SQL,
    WHERE_SQL,
    Filters,
    Window,
    query_params,
)
from kpi.rollups import HORIZONS, QUICK_FLAGS, QUICK_QUOTE_DAYS

DEFAULT_HORIZON = 180
ANY_TIME = Window()
# The 95% Wilson interval's z.
Z = 1.959963984540054
# Below this many decided quotes in a group the page says "not enough data yet" instead of
# drawing a bar: with 20 quotes the interval around a 50% win rate is still 30-70%.
MIN_QUOTES = 20
GROUPS: tuple[str, ...] = ("quick", "considered")
GROUP_KEYS: tuple[str, ...] = (
    "quotes",
    "won",
    "win_rate",
    "win_rate_low",
    "win_rate_high",
    "revenue_per_quote",
)


def wilson(won: int, quotes: int) -> tuple[float | None, float | None]:
    """The 95% Wilson score interval of won / quotes; (None, None) for no quotes."""
    if quotes <= 0:
        return None, None
    p = won / quotes
    z2 = Z * Z
    centre = p + z2 / (2 * quotes)
    spread = Z * math.sqrt(p * (1 - p) / quotes + z2 / (4 * quotes * quotes))
    scale = 1 + z2 / quotes
    # At 0 won (or all won) the bound is exactly 0 (or 1); the formula gets there only up to
    # rounding (4.9e-17).
    low = 0.0 if won == 0 else max(0.0, (centre - spread) / scale)
    high = 1.0 if won == quotes else min(1.0, (centre + spread) / scale)
    return low, high


def lift(considered: float | None, quick: float | None) -> float | None:
    """considered win rate / quick win rate; None when either is None or the quick one is 0."""
    if considered is None or quick is None or quick == 0:
        return None
    return considered / quick


# What a quote's judgement starts from: the quotes in the window (q), the advance-level contacts
# that can make them considered (adv), those in the window by the filtered reps (advanced) and
# the contacts with revenue (orders), read from the contacts, or from the rollups' quick_basis
# and revenue_basis (kpi.rollups: the quotes and advances, and the orders, sorted by account,
# kept exact on every write; about 40% and 3% of the contacts).
_ADV_SPAN = """
      ($start is null or contact_date >= $start::date - $quick_days)
      and ($end is null or contact_date <= $end)
"""
SCAN_SOURCES = f"""
{REP_DIM_SQL}, {FILTERED_SQL},
adv as (
    select account_key, contact_date from contacts
    where commitment_level >= $advance and {_ADV_SPAN}
),
q as (select id, rep_key, account_key, contact_date from c where quote_sent),
advanced as (select account_key, contact_date from c where commitment_level >= $advance),
orders as (select account_key, contact_date, revenue from contacts where revenue > 0)
"""
ROLLUP_SOURCES = f"""
{REP_DIM_SQL},
adv as (select account_key, contact_date from quick_basis where advance and {_ADV_SPAN}),
q as (
    select id, rep_key, account_key, contact_date from quick_basis
    where quote_sent and {WHERE_SQL}
),
advanced as (select account_key, contact_date from quick_basis where advance and {WHERE_SQL}),
orders as (select account_key, contact_date, revenue from revenue_basis)
"""


# Per quote in the window (rep and team filters on the quote's rep): quick or not (the
# quick_quote_share definition, shared with kpi.metrics), decided or open, and the revenue of
# its account (any rep) in the H days after it. rev holds each account's revenue summed up to
# each date with revenue, so revenue in (d, d + H] is the sum up to d + H minus the sum up to d:
# two ASOF lookups per quote instead of a join of every quote with every order.
def _judged(sources: str) -> str:
    return f"""
with {sources},
quick as ({QUICK_FLAGS}),
rev as (
    select account_key, contact_date,
           sum(sum(revenue)) over (partition by account_key order by contact_date) as upto
    from orders
    group by account_key, contact_date
),
judged as (
    select q.rep_key, quick.is_quick,
           q.contact_date + $horizon <= $as_of as decided,
           coalesce(r_end.upto, 0) - coalesce(r_start.upto, 0) as revenue_after
    from q
    join quick using (id)
    asof left join rev as r_start
      on q.account_key = r_start.account_key and q.contact_date >= r_start.contact_date
    asof left join rev as r_end
      on q.account_key = r_end.account_key and q.contact_date + $horizon >= r_end.contact_date
)
"""


_COUNTS = """
    count(*) filter (where decided)::bigint as quotes,
    count(*) filter (where decided and revenue_after > 0)::bigint as won,
    coalesce(sum(revenue_after) filter (where decided), 0)::double as revenue_after,
    count(*) filter (where not decided)::bigint as open_quotes
"""


# Every grouping the page shows, from per_rep (the quotes counted once per rep and kind: a few
# dozen rows, however many quotes there are): the total, per rep and per team, each split into
# quick and considered. Grouping sets over the quotes themselves took twice as long at 10M.
_GROUPINGS = """
named as (
    select p.*, coalesce(r.team, '') as team
    from per_rep as p left join rep_dim as r on r.key = p.rep_key
)
select
    case when grouping(rep_key) = 0 then 'rep' when grouping(team) = 0 then 'team'
         else 'none' end as grouping_name,
    rep_key, team, is_quick,
    sum(quotes)::bigint, sum(won)::bigint, sum(revenue_after)::double, sum(open_quotes)::bigint
from named
group by grouping sets ((is_quick), (is_quick, rep_key), (is_quick, team))
"""


def _evidence_sql(sources: str) -> str:
    """The evidence per grouping, each quote judged from `sources`."""
    return f"""
{_judged(sources)},
per_rep as (select rep_key, is_quick, {_COUNTS} from judged group by all),
{_GROUPINGS}
"""


EVIDENCE_SQL = _evidence_sql(SCAN_SOURCES)
EVIDENCE_ROLLUP_SQL = _evidence_sql(ROLLUP_SOURCES)

# The same from quote_outcomes (kpi.rollups: per rep, day and kind the quotes and, per horizon of
# HORIZONS, the won ones and their revenue after), for those horizons. A quote's outcome does not
# depend on as_of (its revenue after ends H days after it, by then as_of for a decided one), and
# a day's quotes are decided or open alike, so any window, filter and as_of reads it.
_PER_HORIZON = "case $horizon {} end"
EVIDENCE_OUTCOMES_SQL = f"""
with {REP_DIM_SQL},
kept as (
    select rep_key, quick as is_quick, quotes, contact_date + $horizon <= $as_of as decided,
           {_PER_HORIZON.format(" ".join(f"when {h} then won_{h}" for h in HORIZONS))} as won,
           {_PER_HORIZON.format(" ".join(f"when {h} then revenue_{h}" for h in HORIZONS))}
               as revenue_after
    from quote_outcomes where {WHERE_SQL}
),
per_rep as (
    select rep_key, is_quick,
           coalesce(sum(quotes) filter (where decided), 0)::bigint as quotes,
           coalesce(sum(won) filter (where decided), 0)::bigint as won,
           coalesce(sum(revenue_after) filter (where decided), 0)::double as revenue_after,
           coalesce(sum(quotes) filter (where not decided), 0)::bigint as open_quotes
    from kept group by all
),
{_GROUPINGS}
"""


@dataclass(frozen=True)
class Evidence:
    """The evidence for one group of quotes (everyone, a rep or a team)."""

    horizon_days: int
    as_of: dt.date
    quick: dict[str, float | int | None]
    considered: dict[str, float | int | None]
    lift: float | None
    open_quotes: int

    def as_dict(self) -> dict[str, object]:
        """What `python -m kpi evidence --json` prints."""
        return {
            "horizon_days": self.horizon_days,
            "as_of": self.as_of.isoformat(),
            "quick": self.quick,
            "considered": self.considered,
            "lift": self.lift,
            "open_quotes": self.open_quotes,
        }


def _group(quotes: int, won: int, revenue: float, open_quotes: int) -> dict[str, object]:
    low, high = wilson(won, quotes)
    return {
        "quotes": quotes,
        "won": won,
        "win_rate": won / quotes if quotes else None,
        "win_rate_low": low,
        "win_rate_high": high,
        "revenue_per_quote": revenue / quotes if quotes else None,
        "open_quotes": open_quotes,
    }


def _evidence(rows: dict[bool, tuple], horizon: int, as_of: dt.date) -> Evidence:
    """rows: is_quick -> (quotes, won, revenue_after, open_quotes)."""
    quick = _group(*rows.get(True, (0, 0, 0.0, 0)))
    considered = _group(*rows.get(False, (0, 0, 0.0, 0)))
    return Evidence(
        horizon_days=horizon,
        as_of=as_of,
        quick=quick,
        considered=considered,
        lift=lift(considered["win_rate"], quick["win_rate"]),
        open_quotes=int(quick["open_quotes"]) + int(considered["open_quotes"]),
    )


def _params(
    window: Window, filters: Filters, horizon: int, as_of: dt.date | None
) -> dict[str, object]:
    if horizon < 1:
        raise ValueError("the horizon is at least 1 day")
    return query_params(
        window,
        filters,
        horizon=int(horizon),
        as_of=as_of or dt.date.today(),
        quick_days=QUICK_QUOTE_DAYS,
    )


@dataclass(frozen=True, eq=False)
class EvidenceTables:
    """The evidence for everyone, and per rep and per team (one row per rep or team)."""

    total: Evidence
    per_rep: pd.DataFrame
    per_team: pd.DataFrame


TABLE_COLUMNS: tuple[str, ...] = tuple(
    f"{group}_{key}" for group in GROUPS for key in GROUP_KEYS
) + ("lift", "open_quotes")


def _scan(
    con: duckdb.DuckDBPyConnection,
    window: Window,
    filters: Filters,
    horizon: int,
    as_of: dt.date | None,
) -> tuple[dt.date, dict[tuple[str, object], dict[bool, tuple]]]:
    params = _params(window, filters, horizon, as_of)
    found: dict[tuple[str, object], dict[bool, tuple]] = {}
    # Another horizon (the command line's --horizon 45) judges each quote from quick_basis.
    kept = EVIDENCE_OUTCOMES_SQL if horizon in HORIZONS else EVIDENCE_ROLLUP_SQL
    rows = rollups.read(con, kept, EVIDENCE_SQL, params, lambda result: result.fetchall())
    for name, rep_key, team, is_quick, *counts in rows:
        key = (name, rep_key if name == "rep" else team if name == "team" else None)
        found.setdefault(key, {})[bool(is_quick)] = (
            int(counts[0]),
            int(counts[1]),
            float(counts[2]),
            int(counts[3]),
        )
    return params["as_of"], found


def evidence(
    con: duckdb.DuckDBPyConnection,
    window: Window = ANY_TIME,
    filters: Filters = ALL,
    horizon: int = DEFAULT_HORIZON,
    as_of: dt.date | None = None,
) -> Evidence:
    """Quick against considered quotes in the window (DOMAIN.md "Does commitment pay?")."""
    as_of, found = _scan(con, window, filters, horizon, as_of)
    return _evidence(found.get(("none", None), {}), horizon, as_of)


def evidence_tables(
    con: duckdb.DuckDBPyConnection,
    window: Window = ANY_TIME,
    filters: Filters = ALL,
    horizon: int = DEFAULT_HORIZON,
    as_of: dt.date | None = None,
) -> EvidenceTables:
    """evidence() for everyone, and the same per rep and per team, from one query."""
    as_of, found = _scan(con, window, filters, horizon, as_of)
    names = _rep_names(con)
    rows: dict[str, list[dict[str, object]]] = {"rep": [], "team": []}
    for (name, key), groups in found.items():
        if name == "none":
            continue
        ev = _evidence(groups, horizon, as_of)
        if name == "rep":
            rep_name, team = names.get(key, (key, None))
            row: dict[str, object] = {"rep_key": key, "rep_name": rep_name, "team": team}
        else:
            row = {"team": key or None}
        for group in GROUPS:
            values = getattr(ev, group)
            row |= {f"{group}_{k}": values[k] for k in GROUP_KEYS}
        rows[name].append(row | {"lift": ev.lift, "open_quotes": ev.open_quotes})
    rep_columns = ["rep_key", "rep_name", "team", *TABLE_COLUMNS]
    per_rep = pd.DataFrame(rows["rep"], columns=rep_columns)
    per_team = pd.DataFrame(rows["team"], columns=["team", *TABLE_COLUMNS])
    return EvidenceTables(
        total=_evidence(found.get(("none", None), {}), horizon, as_of),
        per_rep=per_rep.sort_values("rep_name", key=lambda s: s.str.lower()).reset_index(drop=True),
        per_team=per_team.sort_values("team", na_position="last").reset_index(drop=True),
    )


def _rep_names(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str | None]]:
    """rep_key -> (display name, team): the roster's name, else the rep as first written."""
    rows = (
        con.cursor()
        .execute(
            f"""
            with {REP_DIM_SQL},
            seen as (select rep_key, any_value(rep) as rep from contacts where quote_sent
                     group by rep_key)
            select s.rep_key, coalesce(r.name, s.rep), r.team
            from seen as s left join rep_dim as r on r.key = s.rep_key
            """
        )
        .fetchall()
    )
    return {key: (name, team) for key, name, team in rows}


# What happened to accounts after an event: per account its first advance, and its first quick
# quote, in the window (by the filtered reps); then the revenue of the account (any rep) on each
# day in the H days after it. Only events at least H days before as_of, so every account is
# followed for the whole horizon.
_EVENTS = f"""
quick as ({QUICK_FLAGS}),
events as (
    select 'advance' as event, account_key, min(contact_date) as day
    from advanced group by account_key
    union all
    select 'quick_quote', q.account_key, min(q.contact_date)
    from q join quick using (id) where quick.is_quick group by q.account_key
)
"""
# The same events from account_firsts (kpi.rollups: per rep, account and month its first advance
# and first quick quote), for a window that starts on a month's first day or not at all: then an
# account's first in the window is the earliest of its filtered reps' firsts of the months from
# the start on, if that is not after the window's end (a month before the start has only firsts
# before it).
_FIRST_EVENTS = f"""
{REP_DIM_SQL},
firsts as (
    select rep_key, account_key, first_advance as contact_date, 'advance' as event
    from account_firsts where first_advance is not null
    union all
    select rep_key, account_key, first_quick, 'quick_quote'
    from account_firsts where first_quick is not null
),
events as (
    select event, account_key, min(contact_date) as day from firsts where {WHERE_SQL} group by all
),
orders as (select account_key, contact_date, revenue from revenue_basis)
"""


def _curves_sql(sources: str) -> str:
    return f"""
with {sources},
followed as (select * from events where day + $horizon <= $as_of),
daily as (
    select f.event, (r.contact_date - f.day)::integer as day_after, sum(r.revenue) as revenue
    from followed as f join orders as r
      on r.account_key = f.account_key
     and r.contact_date > f.day and r.contact_date <= f.day + $horizon
    where r.revenue > 0
    group by all
)
select e.event, e.accounts, d.day_after, d.revenue
from (select event, count(*) as accounts from followed group by event) as e
left join daily as d using (event)
"""


CURVES_SQL = _curves_sql(f"{SCAN_SOURCES}, {_EVENTS}")
CURVES_ROLLUP_SQL = _curves_sql(f"{ROLLUP_SOURCES}, {_EVENTS}")
CURVES_FIRSTS_SQL = _curves_sql(_FIRST_EVENTS)

EVENTS: tuple[str, ...] = ("advance", "quick_quote")


def revenue_curves(
    con: duckdb.DuckDBPyConnection,
    window: Window = ANY_TIME,
    filters: Filters = ALL,
    horizon: int = DEFAULT_HORIZON,
    as_of: dt.date | None = None,
) -> pd.DataFrame:
    """Per event ("advance": an account's first contact at level 2 or more in the window;
    "quick_quote": its first quick quote in the window) and day 0..horizon after it: the
    revenue per account up to that day (any rep), and how many accounts are followed. Only
    accounts whose event lies at least `horizon` days before as_of; no rows for an event
    without such accounts."""
    params = _params(window, filters, horizon, as_of)
    by_month = window.start is None or window.start.day == 1
    kept = CURVES_FIRSTS_SQL if by_month else CURVES_ROLLUP_SQL
    rows = rollups.read(con, kept, CURVES_SQL, params, lambda result: result.fetchall())
    accounts: dict[str, int] = {}
    per_day: dict[str, list[float]] = {}
    for event, count, day_after, revenue in rows:
        accounts[event] = int(count)
        days = per_day.setdefault(event, [0.0] * (horizon + 1))
        if day_after is not None:
            days[day_after] += float(revenue)
    frames = []
    for event in EVENTS:
        if event not in accounts:
            continue
        total, cumulative = 0.0, []
        for value in per_day[event]:
            total += value
            cumulative.append(total / accounts[event])
        frames.append(
            pd.DataFrame(
                {
                    "event": event,
                    "day_after": range(horizon + 1),
                    "revenue_per_account": cumulative,
                    "accounts": accounts[event],
                }
            )
        )
    if not frames:
        return pd.DataFrame(
            {
                "event": pd.Series(dtype="str"),
                "day_after": pd.Series(dtype="int64"),
                "revenue_per_account": pd.Series(dtype="float64"),
                "accounts": pd.Series(dtype="int64"),
            }
        )
    return pd.concat(frames, ignore_index=True)


def win_rate_frame(ev: Evidence) -> pd.DataFrame:
    """One row per group (quick, considered) with its counts and win rate, and `enough`: whether
    it has at least MIN_QUOTES decided quotes (a chart draws only those)."""
    rows = [
        {"group": group, **{key: getattr(ev, group)[key] for key in GROUP_KEYS}}
        | {"enough": getattr(ev, group)["quotes"] >= MIN_QUOTES}
        for group in GROUPS
    ]
    return pd.DataFrame(rows).astype({key: "float64" for key in GROUP_KEYS[2:]})


def masked(frame: pd.DataFrame) -> pd.DataFrame:
    """An evidence table (EvidenceTables.per_rep or per_team) with the win rate, its interval
    and the lift left empty where a group has fewer than MIN_QUOTES decided quotes: the counts
    stay, a rate on three quotes does not pretend to be a finding."""
    out = frame.copy()
    for group in GROUPS:
        few = out[f"{group}_quotes"] < MIN_QUOTES
        for key in ("win_rate", "win_rate_low", "win_rate_high"):
            out.loc[few, f"{group}_{key}"] = None
        out.loc[few, "lift"] = None
    return out
