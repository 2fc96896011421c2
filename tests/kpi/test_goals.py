"""Goals: a target per KPI and scope, its value in the current period, met or not, and the log."""

from __future__ import annotations

import datetime as dt

import pytest

from kpi import db, goals
from kpi.goals import Goal, GoalError
from tests.conftest import TODAY

D = dt.date
# kpi_small.csv as of TODAY (2026-06-30): see tests/kpi/test_metrics.py for its KPIs.


def test_schema_has_goal_tables(con):
    assert db.schema_version(con) >= 7  # v7 added them
    assert con.execute("select count(*) from goals").fetchone() == (0,)
    assert con.execute("select count(*) from goal_changes").fetchone() == (0,)


# Each case: the goal, as_of, and (start, end, value, met). kpi_small.csv has 8 contacts in
# January-May 2026: Anna 4 (Team Noord), Bram 2 (Team Zuid), Cees 2 (no team); 4 in Q2.
CASES = {
    "everyone, year, over target": (
        Goal("contacts", 5, "year"),
        TODAY,
        (D(2026, 1, 1), D(2026, 12, 31), 8, True),
    ),
    "everyone, year, exactly at target": (
        Goal("contacts", 8, "year"),
        TODAY,
        (D(2026, 1, 1), D(2026, 12, 31), 8, True),
    ),
    "everyone, year, under target": (
        Goal("contacts", 9, "year"),
        TODAY,
        (D(2026, 1, 1), D(2026, 12, 31), 8, False),
    ),
    "a team, quarter, exactly at target": (
        Goal("contacts", 1, "quarter", team="team zuid"),
        TODAY,
        (D(2026, 4, 1), D(2026, 6, 30), 1, True),
    ),
    "a rep, year": (
        Goal("contacts", 4, "year", rep="ANNA@x.nl"),
        TODAY,
        (D(2026, 1, 1), D(2026, 12, 31), 4, True),
    ),
    "quick_quote_share is at most: at the target is met": (
        Goal("quick_quote_share", 1.0, "year", team="Team Zuid"),
        TODAY,
        (D(2026, 1, 1), D(2026, 12, 31), 1.0, True),
    ),
    "quick_quote_share over the target is not met": (
        Goal("quick_quote_share", 0.5, "year", team="Team Zuid"),
        TODAY,
        (D(2026, 1, 1), D(2026, 12, 31), 1.0, False),
    ),
    "a null KPI gives an unknown met": (
        Goal("follow_through", 0.5, "week"),
        D(2026, 9, 2),  # a week without contacts
        (D(2026, 8, 31), D(2026, 9, 6), None, None),
    ),
    "the value runs from the period's start up to as_of only": (
        Goal("contacts", 2, "month"),
        D(2026, 3, 14),  # March holds 2 contacts, on the 1st and the 15th
        (D(2026, 3, 1), D(2026, 3, 31), 1, False),
    ),
    "an ISO week starts on Monday": (
        Goal("contacts", 1, "week"),
        D(2026, 3, 1),  # a Sunday: week 9 runs from Monday 23 February
        (D(2026, 2, 23), D(2026, 3, 1), 1, True),
    ),
}


@pytest.mark.parametrize(("goal", "as_of", "expected"), CASES.values(), ids=CASES.keys())
def test_progress(small, goal, as_of, expected):
    found = goals.progress(small, goal, as_of)
    assert (found["start"], found["end"], found["value"], found["met"]) == expected
    assert list(found) == ["kpi", "target", "period", "team", "rep", "start", "end"] + [
        "value",
        "met",
    ]


def test_set_replaces_per_scope_and_logs(con):
    assert goals.set_goal(con, "calls", 50, "week", by="dir") == "set"
    assert goals.set_goal(con, "calls", 20, "week", team="Noord", by="dir") == "set"
    assert goals.set_goal(con, "calls", 10, "month", rep="anna@x.nl", by="dir") == "set"
    assert goals.set_goal(con, "calls", 60, "week", by="dir2") == "change"
    assert goals.set_goal(con, "calls", 60, "week", by="dir2") == "unchanged"
    assert goals.set_goal(con, "calls", 25, "month", team=" noord ", by="dir") == "change"
    assert goals.goals(con) == [
        Goal("calls", 60.0, "week"),
        Goal("calls", 25.0, "month", team="noord"),
        Goal("calls", 10.0, "month", rep="anna@x.nl"),
    ]
    goals.remove_goal(con, "calls", team="NOORD", by="dir")
    assert [g.scope for g in goals.goals(con)] == ["everyone", "rep: anna@x.nl"]
    log = goals.change_log(con)
    log = log.astype(object).where(log.notna(), None)
    assert log[["changed_by", "action", "kpi", "scope", "before_value", "after_value"]].to_dict(
        "records"
    ) == [
        {
            "changed_by": "dir",
            "action": "remove",
            "kpi": "calls",
            "scope": "team: noord",
            "before_value": "≥ 25 per month",
            "after_value": None,
        },
        {
            "changed_by": "dir",
            "action": "change",
            "kpi": "calls",
            "scope": "team: noord",
            "before_value": "≥ 20 per week",
            "after_value": "≥ 25 per month",
        },
        {
            "changed_by": "dir2",
            "action": "change",
            "kpi": "calls",
            "scope": "everyone",
            "before_value": "≥ 50 per week",
            "after_value": "≥ 60 per week",
        },
        {
            "changed_by": "dir",
            "action": "set",
            "kpi": "calls",
            "scope": "rep: anna@x.nl",
            "before_value": None,
            "after_value": "≥ 10 per month",
        },
        {
            "changed_by": "dir",
            "action": "set",
            "kpi": "calls",
            "scope": "team: Noord",
            "before_value": None,
            "after_value": "≥ 20 per week",
        },
        {
            "changed_by": "dir",
            "action": "set",
            "kpi": "calls",
            "scope": "everyone",
            "before_value": None,
            "after_value": "≥ 50 per week",
        },
    ]
    assert log["changed_at"].notna().all()


def test_quick_quote_share_is_logged_as_at_most(con):
    goals.set_goal(con, "quick_quote_share", 0.2, "quarter", by="dir")
    assert goals.change_log(con)["after_value"].tolist() == ["≤ 0.2 per quarter"]


def test_a_rep_named_by_roster_name_is_stored_as_their_email(small):
    goals.set_goal(small, "contacts", 3, "year", rep=" anna DE vries", by="dir")
    assert goals.goals(small)[0].rep == "anna@x.nl"
    assert goals.status(small, TODAY)[0]["value"] == 4


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"kpi": "smiles", "target": 1, "period": "week"}, "kpi_unknown"),
        ({"kpi": "calls", "target": 1, "period": "day"}, "period_unknown"),
        ({"kpi": "calls", "target": -1, "period": "week"}, "target_invalid"),
        ({"kpi": "advance_rate", "target": 40, "period": "week"}, "target_invalid"),
        ({"kpi": "calls", "target": float("nan"), "period": "week"}, "target_invalid"),
        ({"kpi": "calls", "target": 1, "period": "week", "team": "N", "rep": "a"}, "scope_both"),
    ],
)
def test_bad_goals_are_refused(con, kwargs, code):
    with pytest.raises(GoalError) as err:
        goals.set_goal(con, by="dir", **kwargs)
    assert err.value.code == code
    assert goals.goals(con) == [] and goals.change_log(con).empty


def test_removing_a_goal_that_is_not_there(con):
    with pytest.raises(GoalError) as err:
        goals.remove_goal(con, "calls", team="Noord", by="dir")
    assert err.value.code == "not_found"


def test_for_filters_picks_the_goal_of_exactly_that_scope(small):
    goals.set_goal(small, "contacts", 5, "year", by="d")
    goals.set_goal(small, "contacts", 3, "year", team="Team Noord", by="d")
    goals.set_goal(small, "calls", 1, "year", rep="anna@x.nl", by="d")
    from kpi.metrics import Filters

    assert goals.for_filters(small, Filters(), TODAY)["contacts"]["target"] == 5
    assert goals.for_filters(small, Filters(team="team noord"), TODAY)["contacts"]["value"] == 4
    assert list(goals.for_filters(small, Filters(reps=("Anna@x.nl",)), TODAY)) == ["calls"]
    assert goals.for_filters(small, Filters(reps=("anna@x.nl", "bram@x.nl")), TODAY) == {}


def test_for_rep_shows_own_and_team_goals_only(small):
    goals.set_goal(small, "contacts", 5, "year", by="d")  # everyone's: not the rep's own
    goals.set_goal(small, "contacts", 3, "year", team="Team Noord", by="d")
    goals.set_goal(small, "contacts", 3, "year", team="Team Zuid", by="d")
    goals.set_goal(small, "calls", 1, "year", rep="anna@x.nl", by="d")
    goals.set_goal(small, "calls", 1, "year", rep="bram@x.nl", by="d")
    found = goals.for_rep(small, "anna@x.nl", "Team Noord", TODAY, keys=("anna",))
    assert [(g["kpi"], g["team"], g["rep"]) for g in found] == [
        ("contacts", "Team Noord", None),
        ("calls", None, "anna@x.nl"),
    ]
