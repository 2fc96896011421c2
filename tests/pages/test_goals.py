"""The goals page (director, admin): set, see where each stands, remove, the log; and the goal on
the dashboard tile and on a rep's reflection page."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from kpi import db, goals, metrics, roster
from tests.pages.conftest import open_as, open_page
from tests.pages.test_roles import TEAM


def set_goal(at, kpi: str, target: float, period: str = "month", scope: str = "everyone", **pick):
    at.selectbox(key="goals_kpi").set_value(kpi).run()
    at.number_input(key="goals_target").set_value(target)
    at.selectbox(key="goals_period").set_value(period)
    at.segmented_control(key="goals_scope").set_value(scope).run()
    if "team" in pick:
        at.selectbox(key="goals_team").set_value(pick["team"])
    if "rep" in pick:
        at.selectbox(key="goals_rep").set_value(pick["rep"])
    return at.button(key="goals_save").click().run()


def log_rows(at) -> list[list[str]]:
    frame = at.dataframe[-1].value
    return frame[["changed_by", "action", "kpi", "scope", "after_value"]].fillna("").values.tolist()


def test_setting_a_goal_shows_it_with_its_value_and_logs_it(app_db):
    at = open_page("goals")
    assert not at.exception
    assert at.title[0].value == "Goals"
    assert "No goals yet." in [i.value for i in at.info]
    set_goal(at, "advance_rate", 30, "month")
    assert not at.exception
    assert at.success[0].value == "Goal set."
    con = db.connect(app_db)
    [status] = goals.status(con, dt.date.today())
    con.close()
    assert (status["kpi"], status["target"], status["period"]) == ("advance_rate", 0.3, "month")
    shown = [m.value for m in at.markdown]
    assert "Advance rate" in shown and "Everyone" in shown and "at least 30%" in shown
    value = f"{round(100 * status['value'])}%"
    assert value in shown
    assert ("Met" if status["met"] else "Not yet") in " ".join(shown)
    assert log_rows(at) == [
        ["demo: director", "set", "advance_rate", "everyone", "≥ 0.3 per month"]
    ]


def test_a_team_and_a_rep_goal_and_removing_one(app_db):
    at = open_page("goals")
    set_goal(at, "calls", 120, "week", "team", team="Team Zuid")
    set_goal(at, "quick_quote_share", 20, "quarter", "rep", rep="bas.hendriks@prospex.example")
    assert not at.exception
    shown = [m.value for m in at.markdown]
    assert "Team Zuid" in shown and "Bas Hendriks" in shown and "at most 20%" in shown
    at.button(key="goals_remove_0").click().run()
    assert at.success[0].value == "Goal removed."
    assert "Team Zuid" not in [m.value for m in at.markdown]
    assert [row[1] for row in log_rows(at)] == ["removed", "set", "set"]


def test_setting_the_same_scope_again_replaces_the_goal(app_db):
    at = open_page("goals")
    set_goal(at, "contacts", 50, "week")
    set_goal(at, "contacts", 80, "month")
    assert at.success[0].value == "Goal changed."
    con = db.connect(app_db)
    assert goals.goals(con) == [goals.Goal("contacts", 80.0, "month")]
    con.close()


def test_a_team_goal_needs_a_team(empty_db):
    at = open_page("goals")
    set_goal(at, "contacts", 5, "week", "team")
    assert at.error[0].value == "Choose the team or rep the goal is for."


def test_dutch_goals_page(app_db):
    at = open_page("goals", lang="nl")
    assert at.title[0].value == "Doelen"
    set_goal(at, "revenue", 50000, "year")
    assert at.success[0].value == "Doel gezet."
    assert "minstens € 50.000" in [m.value for m in at.markdown]


def goal_lines(at) -> dict[str, str]:
    """KPI -> the goal line on its dashboard tile."""
    html = "".join(m.value for m in at.markdown)
    tiles = re.findall(r'data-kpi="(\w+)".*?(?=data-kpi=|$)', html)
    lines = {}
    for kpi, body in re.findall(r'data-kpi="(\w+)"(.*?)(?=data-kpi=|$)', html):
        goal = re.search(r'data-testid="cbKpiGoal"[^>]*>([^<]*)<', body)
        if goal:
            lines[kpi] = goal.group(1)
    assert tiles
    return lines


def test_the_dashboard_tile_shows_the_goal_for_what_is_shown(app_db):
    con = db.connect(app_db)
    goals.set_goal(con, "advance_rate", 0.3, "month", by="test")
    goals.set_goal(con, "calls", 10, "week", team="Team Noord", by="test")
    today = dt.date.today()
    month = metrics.window_for("month", today)
    advance = metrics.summary(con, metrics.Window(month.start, today))["advance_rate"]
    week = metrics.window_for("week", today)
    calls = metrics.summary(
        con, metrics.Window(week.start, today), metrics.Filters(team="Team Noord")
    )["calls"]
    con.close()
    at = open_page("dashboard")
    mark = "✓ " if advance is not None and advance >= 0.3 else "○ " if advance is not None else ""
    shown = "–" if advance is None else f"{round(100 * advance)}%"
    assert goal_lines(at) == {"advance_rate": f"{mark}Goal at least 30% per month: {shown} so far"}
    at.selectbox(key="dash_team").set_value("Team Noord").run()
    mark = "✓ " if calls >= 10 else "○ "
    assert goal_lines(at) == {"calls": f"{mark}Goal at least 10 per ISO week: {calls} so far"}


@pytest.fixture
def team_db(small_db):
    con = db.connect(small_db)
    roster.replace_roster(con, TEAM, by="test")
    goals.set_goal(con, "contacts", 3, "year", rep="anna@x.nl", by="test")
    goals.set_goal(con, "calls", 2, "year", rep="bram@x.nl", by="test")
    goals.set_goal(con, "quotes", 1, "year", team="Team Noord", by="test")
    goals.set_goal(con, "revenue", 1, "year", team="Team Zuid", by="test")
    con.close()
    return small_db


def test_a_rep_sees_their_own_and_their_teams_goals_only(team_db):
    at = open_as("anna@x.nl", page="reflection")
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert "Contacts · For me" in labels and "Quotes · For Team Noord" in labels
    assert not any("Calls ·" in label or "Revenue ·" in label for label in labels)


@pytest.mark.parametrize("email", ["anna@x.nl", "trainer@x.nl"])
def test_only_leaders_open_the_goals_page(team_db, email):
    at = open_as(email)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("views/goals.py")


def test_the_admin_opens_the_goals_page(team_db):
    at = open_as("admin@x.nl", page="goals")
    assert not at.exception
    assert at.title[0].value == "Goals"
