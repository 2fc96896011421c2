"""Goals on any KPI: a target for everyone, a team or a rep, per ISO week, month, quarter or year."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import duckdb
import pandas as pd

from kpi import metrics
from kpi.db import bump_version, transaction
from kpi.fields import WHITESPACE
from kpi.metrics import Filters, Window

PERIODS: tuple[str, ...] = ("week", "month", "quarter", "year")
# The one KPI whose goal is a ceiling: fewer quick quotes is better (DOMAIN.md, Goals).
AT_MOST: frozenset[str] = frozenset({"quick_quote_share"})


class GoalError(Exception):
    """A goal that cannot be set or removed; `code` says why for the UI's texts
    (kpi_unknown, period_unknown, target_invalid, scope_both, not_found)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Goal:
    """A goal as set: the KPI, its target in the KPI's own unit, the period and the scope."""

    kpi: str
    target: float
    period: str
    team: str | None = None
    rep: str | None = None

    @property
    def scope(self) -> str:
        """'everyone', 'team: <team>' or 'rep: <rep>', as the log names it."""
        if self.rep:
            return f"rep: {self.rep}"
        if self.team:
            return f"team: {self.team}"
        return "everyone"

    @property
    def at_most(self) -> bool:
        return self.kpi in AT_MOST

    def describe(self) -> str:
        """'≥ 0.4 per month', as the log shows a goal."""
        return f"{'≤' if self.at_most else '≥'} {self.target:g} per {self.period}"

    def filters(self) -> Filters:
        return Filters(reps=(self.rep,) if self.rep else (), team=None if self.rep else self.team)


def _key(text: str | None) -> str:
    return (text or "").strip(WHITESPACE).lower()


def _clean(text: str | None) -> str | None:
    return (text or "").strip(WHITESPACE) or None


def _checked(kpi: str, target: float, period: str, team: str | None, rep: str | None) -> Goal:
    if kpi not in metrics.KPI_KEYS:
        raise GoalError(f"{kpi!r} is not a KPI ({', '.join(metrics.KPI_KEYS)})", "kpi_unknown")
    if period not in PERIODS:
        raise GoalError(f"{period!r} is not one of {', '.join(PERIODS)}", "period_unknown")
    try:
        target = float(target)
    except (TypeError, ValueError):
        raise GoalError(f"target {target!r} is not a number", "target_invalid") from None
    if not math.isfinite(target) or target < 0 or (kpi in metrics.RATIO_KEYS and target > 1):
        unit = "a share from 0 to 1" if kpi in metrics.RATIO_KEYS else "0 or more"
        raise GoalError(f"the target of {kpi} is {unit}, not {target:g}", "target_invalid")
    team, rep = _clean(team), _clean(rep)
    if team and rep:
        raise GoalError("a goal is for a team or for a rep, not both", "scope_both")
    return Goal(kpi, target, period, team, rep)


def _as_roster_email(c: duckdb.DuckDBPyConnection, rep: str | None) -> str | None:
    """A rep named by their roster name is stored as their e-mail, as their contacts carry it."""
    if not rep or "@" in rep:
        return rep
    row = c.execute(
        "select email from roster where lower(trim(name)) = ? order by email limit 1", [_key(rep)]
    ).fetchone()
    return row[0] if row else rep


_SAME_SCOPE = """
    kpi = $kpi and coalesce(lower(trim(team)), '') = $team_key
    and coalesce(lower(trim(rep)), '') = $rep_key
"""


def _scope_params(goal: Goal) -> dict[str, object]:
    return {"kpi": goal.kpi, "team_key": _key(goal.team), "rep_key": _key(goal.rep)}


def _log(
    c: duckdb.DuckDBPyConnection,
    by: str,
    action: str,
    goal: Goal,
    before: str | None,
    after: str | None,
) -> None:
    c.execute(
        """
        insert into goal_changes
            (seq, changed_by, action, kpi, scope, before_value, after_value)
        select coalesce(max(seq), 0) + 1, ?, ?, ?, ?, ?, ? from goal_changes
        """,
        [by, action, goal.kpi, goal.scope, before, after],
    )


def _current(c: duckdb.DuckDBPyConnection, goal: Goal) -> Goal | None:
    row = c.execute(
        f"select kpi, target, period, team, rep from goals where {_SAME_SCOPE}",
        _scope_params(goal),
    ).fetchone()
    return Goal(*row) if row else None


def set_goal(
    con: duckdb.DuckDBPyConnection,
    kpi: str,
    target: float,
    period: str,
    *,
    team: str | None = None,
    rep: str | None = None,
    by: str,
) -> str:
    """Set the goal on `kpi` for the scope (a team, a rep, or everyone when neither), replacing
    the one there was; returns "set", "change" or "unchanged"."""
    goal = _checked(kpi, target, period, team, rep)

    def work(c: duckdb.DuckDBPyConnection) -> str:
        new = Goal(goal.kpi, goal.target, goal.period, goal.team, _as_roster_email(c, goal.rep))
        before = _current(c, new)
        if before == new:
            return "unchanged"
        c.execute(f"delete from goals where {_SAME_SCOPE}", _scope_params(new))
        c.execute(
            "insert into goals (kpi, target, period, team, rep, set_by) values (?, ?, ?, ?, ?, ?)",
            [new.kpi, new.target, new.period, new.team, new.rep, by],
        )
        action = "change" if before else "set"
        _log(c, by, action, new, before.describe() if before else None, new.describe())
        bump_version(c)
        return action

    return transaction(con.cursor(), work)


def remove_goal(
    con: duckdb.DuckDBPyConnection,
    kpi: str,
    *,
    team: str | None = None,
    rep: str | None = None,
    by: str,
) -> None:
    """Remove the goal on `kpi` for the scope; GoalError(not_found) when there is none."""
    team, rep = _clean(team), _clean(rep)
    if team and rep:
        raise GoalError("a goal is for a team or for a rep, not both", "scope_both")

    def work(c: duckdb.DuckDBPyConnection) -> None:
        probe = Goal(kpi, 0.0, "month", team, _as_roster_email(c, rep))
        before = _current(c, probe)
        if before is None:
            raise GoalError(f"there is no goal on {kpi} for {probe.scope}", "not_found")
        c.execute(f"delete from goals where {_SAME_SCOPE}", _scope_params(before))
        _log(c, by, "remove", before, before.describe(), None)
        bump_version(c)

    transaction(con.cursor(), work)


def goals(con: duckdb.DuckDBPyConnection) -> list[Goal]:
    """Every goal: everyone's first, then per team, then per rep; by KPI within each."""
    rows = (
        con.cursor()
        .execute(
            """
            select kpi, target, period, team, rep from goals
            order by rep is not null, team is not null, lower(team), lower(rep), kpi
            """
        )
        .fetchall()
    )
    return [Goal(*row) for row in rows]


def period_window(period: str, as_of: dt.date) -> Window:
    """The goal's current period: the ISO week, month, quarter or year that holds as_of."""
    return metrics.window_for(period, as_of)


def is_met(goal: Goal, value: float | int | None) -> bool | None:
    """At or under the target for quick_quote_share, at or over it for the rest; None (unknown)
    when the KPI has no value."""
    if value is None:
        return None
    return value <= goal.target if goal.at_most else value >= goal.target


def progress(
    con: duckdb.DuckDBPyConnection, goal: Goal, as_of: dt.date | None = None
) -> dict[str, object]:
    """The goal with where it stands: {kpi, target, period, team, rep, start, end, value, met}.
    start and end are the current period's first and last day; value is the KPI from start up
    to as_of (today), with the goal's scope as filter."""
    as_of = as_of or dt.date.today()
    period = period_window(goal.period, as_of)
    value = metrics.summary(con, Window(period.start, as_of), goal.filters())[goal.kpi]
    return {
        "kpi": goal.kpi,
        "target": goal.target,
        "period": goal.period,
        "team": goal.team,
        "rep": goal.rep,
        "start": period.start,
        "end": period.end,
        "value": value,
        "met": is_met(goal, value),
    }


def status(con: duckdb.DuckDBPyConnection, as_of: dt.date | None = None) -> list[dict[str, object]]:
    """progress() of every goal (what `python -m kpi goals list` prints)."""
    return [progress(con, goal, as_of) for goal in goals(con)]


def for_filters(
    con: duckdb.DuckDBPyConnection, filters: Filters = metrics.ALL, as_of: dt.date | None = None
) -> dict[str, dict[str, object]]:
    """KPI -> progress() of the goal whose scope is exactly what the filters show: everyone's
    goals without filters, a team's with only that team, a rep's with only that one rep (the
    dashboard's tiles)."""
    reps = tuple(_key(rep) for rep in filters.reps)
    if len(reps) > 1 or (reps and filters.team):
        return {}
    team_key, rep_key = _key(filters.team), reps[0] if reps else ""
    return {
        goal.kpi: progress(con, goal, as_of)
        for goal in goals(con)
        if _key(goal.team) == team_key and _key(goal.rep) == rep_key
    }


def for_rep(
    con: duckdb.DuckDBPyConnection,
    rep: str,
    team: str | None = None,
    as_of: dt.date | None = None,
    keys: tuple[str, ...] = (),
) -> list[dict[str, object]]:
    """progress() of the goals that apply to a rep: their own (set on `rep` or any of `keys`,
    their other names) and their team's. Never anyone else's: no ranking."""
    mine = {_key(rep), *(_key(k) for k in keys)} - {""}
    return [
        progress(con, goal, as_of)
        for goal in goals(con)
        if (goal.rep and _key(goal.rep) in mine)
        or (not goal.rep and goal.team and team and _key(goal.team) == _key(team))
    ]


def change_log(con: duckdb.DuckDBPyConnection, limit: int = 200) -> pd.DataFrame:
    """The newest goal changes first: when, who, what, which KPI and scope, before and after."""
    return (
        con.cursor()
        .execute(
            "select changed_at, changed_by, action, kpi, scope, before_value, after_value "
            "from goal_changes order by seq desc limit ?",
            [limit],
        )
        .df()
    )
